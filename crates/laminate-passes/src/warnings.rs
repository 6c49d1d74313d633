//! Warnings at batch scale: turns a run's warnings into the few shown on the
//! terminal (the first of each kind, a count for the rest) and a JSON file
//! holding every one of them (`--report FILE.json`).
//!
//! A 100,000-pass run once printed about 200 warnings of seven lines each,
//! one per shrunk name; the organiser fixes them in the spreadsheet, from
//! the report or the manifest's `warnings` column, not from the terminal.

use std::path::Path;

use crate::diag::{Diagnostic, Severity, Sources};

/// Warnings of one kind shown in full; the rest are counted.
pub const SHOWN_PER_KIND: usize = 3;

/// What a warning is about, without what differs from pass to pass: quoted
/// text becomes `"…"` and numbers `N`, so that "role \"Head of Lighting\"
/// shrunk to 5.5 pt" and "role \"Rigger\" shrunk to 6 pt" are one kind.
pub fn kind(d: &Diagnostic) -> String {
    let mut out = String::with_capacity(d.message.len());
    let mut quoted = false;
    let mut number = false;
    for c in d.message.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
            continue;
        }
        if quoted {
            continue;
        }
        let digit = c.is_ascii_digit() || (number && c == '.');
        if digit && !number {
            out.push('N');
        } else if !digit {
            out.push(c);
        }
        number = digit;
    }
    out
}

/// Warnings of one kind beyond those shown.
#[derive(Debug, PartialEq)]
pub struct More {
    /// The kind, as [`kind`] writes it.
    pub kind: String,
    /// How many more there are.
    pub count: usize,
}

/// Splits warnings into those to show (the first [`SHOWN_PER_KIND`] of each
/// kind, in their order) and, per kind with more, how many were held back.
/// Errors are always shown.
pub fn group(diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<More>) {
    let mut kinds: Vec<(String, usize)> = Vec::new();
    let mut shown = Vec::new();
    for d in diagnostics {
        if d.severity == Severity::Error {
            shown.push(d);
            continue;
        }
        let k = kind(&d);
        let seen = match kinds.iter_mut().find(|(kk, _)| *kk == k) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                kinds.push((k, 1));
                1
            }
        };
        if seen <= SHOWN_PER_KIND {
            shown.push(d);
        }
    }
    let more = kinds
        .into_iter()
        .filter(|(_, n)| *n > SHOWN_PER_KIND)
        .map(|(kind, n)| More { kind, count: n - SHOWN_PER_KIND })
        .collect();
    (shown, more)
}

/// Writes every warning to `path` as JSON, the shape of `laminate validate
/// --format json` (see [`crate::json`]), whole or not at all.
pub fn write_report(
    path: &Path,
    passes: usize,
    sources: &Sources,
    warnings: &[Diagnostic],
) -> std::io::Result<()> {
    let report = crate::json::warnings_report(passes, sources, warnings);
    let mut text = serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::atomic::write(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{FileId, Span};

    fn warning(message: &str) -> Diagnostic {
        Diagnostic::warning(Span { file: FileId(0), line: 1, col: 0, len: 1 }, message)
    }

    #[test]
    fn kinds_leave_out_what_differs_between_passes() {
        let a = warning("role \"Head of Lighting\" shrunk to 5.5 pt to fit, below the template's minimum of 7 pt");
        let b =
            warning("role \"Rigger\" shrunk to 6 pt to fit, below the template's minimum of 7 pt");
        assert_eq!(kind(&a), kind(&b));
        assert_eq!(
            kind(&a),
            "role \"…\" shrunk to N pt to fit, below the template's minimum of N pt"
        );
        assert_ne!(kind(&a), kind(&warning("name \"Ana\" does not fit even at 4 pt and was cut")));
    }

    #[test]
    fn the_first_few_of_each_kind_are_shown_and_the_rest_counted() {
        let mut all: Vec<Diagnostic> =
            (0..7).map(|i| warning(&format!("role \"R{i}\" shrunk to {i} pt"))).collect();
        all.insert(2, warning("the photo is not shown"));
        let (shown, more) = group(all);
        let messages: Vec<&str> = shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "role \"R0\" shrunk to 0 pt",
                "role \"R1\" shrunk to 1 pt",
                "the photo is not shown",
                "role \"R2\" shrunk to 2 pt"
            ]
        );
        assert_eq!(more, [More { kind: "role \"…\" shrunk to N pt".into(), count: 4 }]);
    }
}
