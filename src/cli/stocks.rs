//! `laminate stocks`: prints the stock presets and paper sizes `--sheet`
//! knows.

use std::process::ExitCode;

use clap::Args;

use super::output::print_bytes;

/// `laminate stocks` (no options).
#[derive(Args)]
pub struct StocksArgs {}

/// Prints the listing on stdout.
pub fn run(_args: StocksArgs) -> ExitCode {
    print_bytes(laminate_passes::impose::stock::listing().as_bytes())
}
