//! The `laminate` command: hands the arguments to the command-line crate,
//! which parses them and dispatches each subcommand to its module.

use std::process::ExitCode;

fn main() -> ExitCode {
    laminate_passes_cli::cli::main()
}
