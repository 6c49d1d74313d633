//! JSON reports: turns the outcome of a check (`laminate validate --format
//! json`) into JSON, for editors, CI jobs and ticketing tools.
//!
//! The shape, one object: `ok` (no errors), `passes` (entries checked),
//! `errors` and `warnings` (counts), and `diagnostics`, each with `severity`
//! (`error` or `warning`), `file`, `line` (from 1), `column` (from 1, in
//! characters), `entry` (the pass id), `message` and `hints`. Places that are
//! unknown are `null`. For a ticket-shop export, `left_out` (rows that get
//! no pass: `reason` and `rows`) and `not_used` (headings no pass uses).

use serde::Serialize;

use crate::diag::{Diagnostic, Severity, Sources};
use {crate::outcome::Failure, crate::outcome::Report};

/// One diagnostic, as written in JSON.
#[derive(Serialize, Debug)]
pub struct JsonDiagnostic {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The file, as named on the command line.
    pub file: Option<String>,
    /// Line, from 1.
    pub line: Option<u32>,
    /// Column, from 1, in characters.
    pub column: Option<u32>,
    /// The pass id concerned.
    pub entry: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hints: Vec<String>,
}

/// The whole outcome, as written in JSON.
#[derive(Serialize, Debug)]
pub struct JsonReport {
    /// True when there is no error (warnings allowed).
    pub ok: bool,
    /// Entries checked (0 when the roster could not be read).
    pub passes: usize,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Every diagnostic, in input order.
    pub diagnostics: Vec<JsonDiagnostic>,
    /// Rows of a ticket-shop export that get no pass: reason and count
    /// (left out of the JSON for other rosters).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<JsonLeftOut>,
    /// Headings of a ticket-shop export that no pass uses (left out when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_used: Vec<String>,
}

/// Rows left out of a ticket-shop export for one reason.
#[derive(Serialize, Debug)]
pub struct JsonLeftOut {
    /// Why, e.g. `cancelled`, `not attending`, `ticket type mapped to ~`.
    pub reason: String,
    /// How many rows.
    pub rows: usize,
}

fn convert(sources: &Sources, d: Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        },
        file: d.span.map(|s| sources.name(s.file).to_string()),
        line: d.span.map(|s| s.line),
        column: d.span.map(|s| s.col + 1),
        entry: d.entry,
        message: d.message,
        hints: d.hints,
    }
}

/// The JSON report of a successful run's warnings (`render --report`).
pub fn warnings_report(passes: usize, sources: &Sources, warnings: &[Diagnostic]) -> JsonReport {
    let diagnostics: Vec<JsonDiagnostic> =
        warnings.iter().map(|d| convert(sources, d.clone())).collect();
    JsonReport {
        ok: true,
        passes,
        errors: 0,
        warnings: diagnostics.len(),
        diagnostics,
        left_out: Vec::new(),
        not_used: Vec::new(),
    }
}

/// The JSON report of a `render` run without output (`laminate validate`).
pub fn report(result: Result<Report, Failure>) -> JsonReport {
    let (mut left_out, mut not_used) = (Vec::new(), Vec::new());
    let (passes, diagnostics) = match result {
        Ok(r) => {
            let ds = r.warnings.into_iter().map(|d| convert(&r.sources, d)).collect();
            left_out =
                r.skipped.into_iter().map(|(reason, rows)| JsonLeftOut { reason, rows }).collect();
            not_used = r.unused;
            (r.passes, ds)
        }
        Err(Failure::Input { sources, diagnostics }) => {
            (0, diagnostics.into_iter().map(|d| convert(&sources, d)).collect())
        }
        Err(f) => {
            let file = match &f {
                Failure::Io { path, .. } => Some(path.display().to_string()),
                _ => None,
            };
            let d = JsonDiagnostic {
                severity: "error",
                file,
                line: None,
                column: None,
                entry: None,
                message: f.to_string(),
                hints: vec![],
            };
            (0, vec![d])
        }
    };
    let errors = diagnostics.iter().filter(|d| d.severity == "error").count();
    let notes = diagnostics.iter().filter(|d| d.severity == "note").count();
    JsonReport {
        ok: errors == 0,
        passes,
        errors,
        warnings: diagnostics.len() - errors - notes,
        diagnostics,
        left_out,
        not_used,
    }
}
