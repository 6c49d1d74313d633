//! `laminate checkins merge`: joins the scan logs of several doors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

/// The exit status when a pass was admitted more than once.
pub const EXIT_DOUBLE_ENTRY: u8 = 20;

/// Work with the scan logs that door pages export.
#[derive(Args)]
pub struct CheckinsArgs {
    #[command(subcommand)]
    pub command: CheckinsCommand,
}

/// What to do with the logs.
#[derive(Subcommand)]
pub enum CheckinsCommand {
    /// Join door logs (CSV or JSON exports): passes admitted more than once
    /// across doors, admissions by pass type and by hour. Exit status 0, or
    /// 20 when a pass was admitted more than once.
    Merge {
        /// The exported logs.
        #[arg(value_name = "LOG", required = true)]
        logs: Vec<PathBuf>,
        /// Write the report here (JSON when it ends in .json) instead of
        /// standard output.
        #[arg(short, long, value_name = "REPORT")]
        output: Option<PathBuf>,
    },
}

/// Runs `laminate checkins`.
pub fn run(args: CheckinsArgs) -> ExitCode {
    let CheckinsCommand::Merge { logs, output } = args.command;
    if let Some(out) = &output {
        if let Ok(o) = out.canonicalize() {
            if logs.iter().any(|l| l.canonicalize().is_ok_and(|l| l == o)) {
                eprintln!(
                    "laminate: error: will not write the report over its own input {}",
                    out.display()
                );
                return ExitCode::from(3);
            }
        }
    }
    let report = match laminate_passes::checkins::merge_files(&logs) {
        Ok(r) => r,
        Err(f) => return super::output::fail(f),
    };
    match &output {
        None => print!("{}", report.text()),
        Some(path) => {
            if let Err(e) = laminate_passes::checkins::write_report(&report, path) {
                eprintln!("laminate: error: cannot write {}: {e}", path.display());
                return ExitCode::from(3);
            }
            eprintln!("laminate: wrote {}", path.display());
        }
    }
    let n = report.double_entries.len();
    if n == 0 {
        return ExitCode::SUCCESS;
    }
    eprintln!("laminate: {n} admission{} of a pass already inside", if n == 1 { "" } else { "s" });
    ExitCode::from(EXIT_DOUBLE_ENTRY)
}
