//! `laminate init`: turns a folder name into a starter project (a roster
//! and a copy of the built-in templates).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::{fail, plural};

/// `laminate init`.
#[derive(Args)]
pub struct InitArgs {
    /// The folder to write into (made if missing; nothing is overwritten).
    pub dir: PathBuf,
}

/// Writes the project and says what to run next.
pub fn run(args: InitArgs) -> ExitCode {
    match laminate::init::init(&args.dir) {
        Ok(w) => {
            let (r, t) = (w.roster.display(), w.templates.display());
            say!("laminate: wrote {r} and {} in {t}", plural(w.files.len(), "template"));
            say!("next: laminate validate {r} --templates {t}");
            say!("      laminate render {r} --templates {t} -o passes.pdf");
            ExitCode::SUCCESS
        }
        Err(f) => fail(f),
    }
}
