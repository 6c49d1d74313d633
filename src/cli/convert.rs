//! `laminate convert`: turns a CSV or XLSX roster (with its event file)
//! into a YAML roster, on stdout or into a file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use laminate_passes::Failure;

use super::output::{fail, print_bytes};

/// `laminate convert`.
#[derive(Args)]
pub struct ConvertArgs {
    /// The roster to convert.
    #[arg(value_name = "ROSTER")]
    pub roster: PathBuf,
    /// The YAML file to write (default: standard output).
    #[arg(short, long, value_name = "OUT.yaml")]
    pub output: Option<PathBuf>,
}

/// Converts and writes the YAML (whole or not at all).
pub fn run(args: ConvertArgs) -> ExitCode {
    let yaml = match laminate_passes::load::sources::convert(&args.roster, args.output.as_deref()) {
        Ok(yaml) => yaml,
        Err(f) => return fail(f),
    };
    let Some(out) = args.output else { return print_bytes(yaml.as_bytes()) };
    match laminate_passes::atomic::write(&out, yaml.as_bytes()) {
        Ok(()) => {
            say!("laminate: wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(source) => fail(Failure::Io { action: "cannot write", path: out, source }),
    }
}
