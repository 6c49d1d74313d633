//! Outcomes: what a run gives back, a report of what it did or the failure
//! that stopped it.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::clobber;
use crate::diag::{self, Diagnostic, Sources};
use crate::load::{reprint, template};
use crate::resolve::sign;

/// What a successful run did.
#[derive(Debug)]
pub struct Report {
    /// Passes rendered.
    pub passes: usize,
    /// Sheets (pages) written.
    pub sheets: usize,
    /// Bytes written.
    pub bytes: usize,
    /// The PDF files written, in order (none for validate).
    pub files: Vec<PathBuf>,
    /// Warnings, with the sources they point into.
    pub warnings: Vec<Diagnostic>,
    /// The input files, for printing warnings.
    pub sources: Sources,
    /// Rows of a ticket-shop export that got no pass, by reason, with counts.
    pub skipped: Vec<(String, usize)>,
    /// Headings of a ticket-shop export that no pass uses.
    pub unused: Vec<String>,
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The input has problems; every one of them is listed (warnings too).
    Input {
        /// The input files, for printing.
        sources: Sources,
        /// Errors and warnings in input order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file could not be read or written.
    Io {
        /// What was being done, e.g. "cannot write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The template folder could not be read.
    Templates(template::SetError),
    /// The signing key could not be read.
    Key(sign::KeyError),
    /// The reprint state file could not be read or written.
    Reprints(reprint::StateError),
    /// An output is one of the run's inputs; nothing was written.
    Clobber(clobber::Clash),
    /// The caller stopped the run (`RenderOptions::cancel`); nothing was written.
    Interrupted,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.severity == diag::Severity::Error).count();
                write!(
                    f,
                    "{n} error{} in the input; nothing was written",
                    if n == 1 { "" } else { "s" }
                )
            }
            Failure::Io { action, path, source } => {
                write!(f, "{action} {}: {source}", path.display())
            }
            Failure::Templates(e) => e.fmt(f),
            Failure::Key(e) => e.fmt(f),
            Failure::Reprints(e) => e.fmt(f),
            Failure::Clobber(e) => e.fmt(f),
            Failure::Interrupted => f.write_str("interrupted; nothing was written"),
        }
    }
}

impl std::error::Error for Failure {}

impl Failure {
    /// Every problem of a run, sorted, as its failure.
    pub fn input(sources: Sources, found: Vec<Diagnostic>) -> Failure {
        Failure::Input { sources, diagnostics: diag::sorted(found) }
    }
}
