//! `laminate init`: turns a folder name into a starter project (a roster
//! and a copy of the built-in templates), or a ticket-shop export into the
//! event file it needs (`--from EXPORT`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::{fail, plural};

/// `laminate init`.
#[derive(Args)]
pub struct InitArgs {
    /// The folder to write into (made if missing; nothing is overwritten).
    #[arg(required_unless_present = "from")]
    pub dir: Option<PathBuf>,
    /// Instead: write the event file of this ticket-shop export
    /// (EXPORT.event.yaml beside it, never over one that exists): the
    /// event's name and dates where the export has them, and each ticket
    /// type with its rows and a pass type to check.
    #[arg(long, value_name = "EXPORT", conflicts_with = "dir")]
    pub from: Option<PathBuf>,
    /// With --from: the template folder whose pass types the ticket types
    /// get (default: the built-in set).
    #[arg(long, value_name = "DIR", requires = "from")]
    pub templates: Option<PathBuf>,
}

/// Writes the project, or the event file, and says what to run next.
pub fn run(args: InitArgs) -> ExitCode {
    if let Some(export) = &args.from {
        return match laminate_passes::init::event_file(export, args.templates.as_deref()) {
            Ok(path) => {
                say!(
                    "laminate: wrote {}: check the event and the pass type of each ticket type",
                    path.display()
                );
                let templates = match &args.templates {
                    Some(t) => format!(" --templates {}", t.display()),
                    None => String::new(),
                };
                say!("next: laminate validate {}{templates}", export.display());
                ExitCode::SUCCESS
            }
            Err(f) => fail(f),
        };
    }
    let Some(dir) = &args.dir else { unreachable!("clap requires DIR without --from") };
    match laminate_passes::init::init(dir) {
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
