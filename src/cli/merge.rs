//! `laminate merge`: joins the shard PDFs, or the shard manifests, of one
//! `render --shard K/N` run into one file (see [`laminate_passes::shards`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use laminate_passes::shards::{self, Kind, MergeError};

/// Arguments of `laminate merge`.
#[derive(Args)]
pub struct MergeArgs {
    /// Every shard of one run (K/N for K = 1 to N, in any order): all PDFs,
    /// or all manifests (.csv or .json).
    #[arg(value_name = "INPUT", required = true)]
    pub inputs: Vec<PathBuf>,
    /// The file to write (written whole or not at all): OUT.pdf for PDFs,
    /// OUT.csv or OUT.json for manifests.
    #[arg(short, long, value_name = "OUTPUT")]
    pub output: PathBuf,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Exit status when the inputs are not every shard of one run.
const EXIT_REFUSED: u8 = 1;
/// Exit status for an output that is one of the inputs (as for every
/// command: a usage error).
const EXIT_CLOBBER: u8 = 2;
/// Exit status for files that cannot be read or written.
const EXIT_IO: u8 = 3;

/// Runs `laminate merge`.
pub fn run(args: MergeArgs) -> ExitCode {
    match shards::merge(&args.inputs, &args.output) {
        Ok(done) => {
            if !args.quiet {
                let what = match done.kind {
                    Kind::Pdf => "pages",
                    Kind::Manifest => "passes",
                };
                eprintln!(
                    "laminate: wrote {}: {} {what} from {} shards of run {}",
                    args.output.display(),
                    done.items,
                    done.shards,
                    done.run
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("laminate: error: {e}; nothing was written");
            ExitCode::from(match e {
                MergeError::Refused(_) => EXIT_REFUSED,
                MergeError::Clobber(_) => EXIT_CLOBBER,
                MergeError::Io { .. } => EXIT_IO,
            })
        }
    }
}
