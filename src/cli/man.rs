//! `laminate man`: prints the manual page (roff) of the whole command line.

use std::process::ExitCode;

use clap::Args;

use super::output::print_bytes;

/// `laminate man` (no options).
#[derive(Args)]
pub struct ManArgs {}

/// Prints the page of the command line `cmd` on stdout.
pub fn run(_args: ManArgs, cmd: clap::Command) -> ExitCode {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut page).expect("writing to memory does not fail");
    print_bytes(&page)
}
