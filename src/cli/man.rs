//! `laminate man`: prints the manual page (roff) of the whole command line.

use std::process::ExitCode;

use clap::Args;

use super::output::print_bytes;

/// `laminate man` (no options).
#[derive(Args)]
pub struct ManArgs {}

/// Prints the page on stdout.
pub fn run(_args: ManArgs) -> ExitCode {
    let mut page = Vec::new();
    clap_mangen::Man::new(<crate::Cli as clap::CommandFactory>::command())
        .render(&mut page)
        .expect("writing to memory does not fail");
    print_bytes(&page)
}
