//! Roster files: turns a roster's name into its format, and its bytes
//! (or standard input) into text registered for messages.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::load::roster;
use crate::outcome::Failure;

/// What kind of file a roster is, told by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML: `.yaml`, `.yml`, `-` (standard input) and any other name.
    Yaml,
    /// Comma-, semicolon- or tab-separated values with a header row: `.csv`.
    Csv,
    /// An Excel workbook, its first sheet: `.xlsx`.
    Xlsx,
}

impl Format {
    /// The format of a roster path, by its extension (any case).
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Format::Csv,
            Some("xlsx") => Format::Xlsx,
            _ => Format::Yaml,
        }
    }
}

/// True for the roster name `-`, which reads the roster (YAML) from standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The event file of a spreadsheet roster: `guests.csv` has `guests.event.yaml`.
pub fn event_path(roster: &Path) -> PathBuf {
    roster.with_extension("event.yaml")
}

/// Reads a text file (or standard input) and registers it for messages. Text
/// that is not UTF-8 is reported at the first bad byte.
pub(crate) fn read_text(
    path: &Path,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<(Arc<str>, FileId)>, Failure> {
    let io_fail =
        |source| Failure::Io { action: "cannot read the roster", path: path.to_path_buf(), source };
    let (bytes, shown) = if is_stdin(path) {
        let mut bytes = Vec::new();
        io::stdin().lock().read_to_end(&mut bytes).map_err(io_fail)?;
        (bytes, "<stdin>".to_string())
    } else {
        (std::fs::read(path).map_err(io_fail)?, path.display().to_string())
    };
    match String::from_utf8(bytes) {
        Ok(mut t) => {
            // A byte-order mark (spreadsheets write one) is not part of the text.
            if t.starts_with('\u{feff}') {
                t.drain(..3);
            }
            let text: Arc<str> = Arc::from(t);
            let file = sources.add(shown, text.clone());
            Ok(Some((text, file)))
        }
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let col =
                String::from_utf8_lossy(valid).rsplit('\n').next().map_or(0, |l| l.chars().count())
                    as u32;
            let lossy: Arc<str> = Arc::from(String::from_utf8_lossy(e.as_bytes()).into_owned());
            let file = sources.add(shown, lossy.clone());
            found.push(roster::name_entry(
                Diagnostic::error(Span { file, line, col, len: 1 }, "the roster is not UTF-8 text")
                    .hint(concat!(
                        "save the file as UTF-8 ",
                        "(spreadsheets: \"CSV UTF-8\"; editors: \"Save with encoding\")"
                    )),
                &lossy,
            ));
            Ok(None)
        }
    }
}
