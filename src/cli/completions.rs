//! `laminate completions`: prints a shell's completion script for the
//! whole command line.

use std::process::ExitCode;

use clap::Args;

use super::output::print_bytes;

/// `laminate completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: clap_complete::Shell,
}

/// Prints the script for the command line `cmd` on stdout.
pub fn run(args: CompletionsArgs, mut cmd: clap::Command) -> ExitCode {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "laminate", &mut script);
    print_bytes(&script)
}
