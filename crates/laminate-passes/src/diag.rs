//! Diagnostics: turns problems found in the input into compiler-style messages
//! that name the file, line, column and entry.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files, SimpleFiles};
use codespan_reporting::term;

/// The input files read during a run, kept so that diagnostics can quote them.
#[derive(Default, Clone, Debug)]
pub struct Sources {
    files: Vec<(String, Arc<str>)>,
}

/// Which file a span points into (an index into [`Sources`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl Sources {
    /// Registers a file under the name that messages will show (as the user typed it).
    pub fn add(&mut self, name: impl Into<String>, text: Arc<str>) -> FileId {
        self.files.push((name.into(), text));
        FileId(self.files.len() as u32 - 1)
    }

    /// The name a file was registered under.
    pub fn name(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].0
    }

    /// The text of a file.
    pub fn text(&self, id: FileId) -> &Arc<str> {
        &self.files[id.0 as usize].1
    }
}

/// A place in an input file: 1-based line, 0-based column in characters and a
/// length in characters. Kept as line and column (not bytes) because that is
/// what the YAML reader reports and what the user reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 0, in characters.
    pub col: u32,
    /// Length in characters (at least 1 when shown).
    pub len: u32,
}

/// How bad a diagnostic is: errors stop the run, warnings and notes do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The run fails and writes nothing.
    Error,
    /// The run goes on; the user should look.
    Warning,
    /// The run goes on; it says how it read something unusual.
    Note,
}

/// One problem, with where it is and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where in the input, when the problem has a place.
    pub span: Option<Span>,
    /// The id of the roster entry concerned, if any.
    pub entry: Option<String>,
    /// What is wrong, as a sentence fragment without a trailing full stop.
    pub message: String,
    /// What the user can do about it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            span: Some(span),
            entry: None,
            message: message.into(),
            hints: vec![],
        }
    }

    /// An error that has no place in the input (a missing file, say).
    pub fn error_nowhere(message: impl Into<String>) -> Self {
        Diagnostic { span: None, ..Diagnostic::error(Span::default(), message) }
    }

    /// A warning that has no place in the input.
    pub fn warning_nowhere(message: impl Into<String>) -> Self {
        Diagnostic { span: None, ..Diagnostic::warning(Span::default(), message) }
    }

    /// A warning at a span.
    pub fn warning(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(span, message) }
    }

    /// A note at a span: how something unusual in the input was read.
    pub fn note(span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(span, message) }
    }

    /// Names the roster entry the problem belongs to.
    pub fn entry(mut self, id: impl Into<String>) -> Self {
        self.entry = Some(id.into());
        self
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The message with the entry named in front, as printed.
    pub fn headline(&self) -> String {
        match &self.entry {
            Some(id) => format!("entry \"{id}\": {}", self.message),
            None => self.message.clone(),
        }
    }

    fn sort_key(&self) -> (bool, Span) {
        (self.span.is_none(), self.span.unwrap_or_default())
    }
}

impl Default for Span {
    fn default() -> Self {
        Span { file: FileId(0), line: 1, col: 0, len: 1 }
    }
}

/// The diagnostics of a run, collected so that one run shows every problem.
#[derive(Default, Debug, Clone)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    /// Adds all diagnostics of another collection.
    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
    }

    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|d| d.severity == Severity::Error)
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.list.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The diagnostics in input order (by file, line and column; placeless ones last).
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by_key(|d| d.sort_key());
        self.list
    }

    /// Iterates in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

/// Writes diagnostics like a compiler does: a headline, the file:line:column,
/// the offending line with a marker under it, and the hints. Colour only when
/// `colour` is true (the caller checks for a terminal and `NO_COLOR`).
pub fn emit(
    out: &mut dyn Write,
    sources: &Sources,
    diagnostics: Vec<Diagnostic>,
    colour: bool,
) -> std::io::Result<()> {
    let mut files: SimpleFiles<&str, Arc<str>> = SimpleFiles::new();
    for (name, text) in &sources.files {
        files.add(name.as_str(), text.clone());
    }
    let config = term::Config::default();
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
            Severity::Note => cs::Severity::Note,
        };
        let notes: Vec<String> = d.hints.iter().map(|h| format!("hint: {h}")).collect();
        // A line too long to show (one huge cell) is shown cut around the
        // place, with its real line and column: printing it whole would
        // bury the message under megabytes of text.
        if let Some(window) = d.span.and_then(|span| Window::of(&files, sources, span)) {
            let labels = vec![cs::Label::primary((), window.label.clone())];
            let shown =
                cs::Diagnostic::new(severity).with_message(d.headline()).with_labels(labels);
            show(out, &config, &window, &shown.with_notes(notes), colour)?;
            continue;
        }
        let labels = d.span.and_then(|span| {
            let range = byte_range(&files, span)?;
            Some(vec![cs::Label::primary(span.file.0 as usize, range)])
        });
        let shown = cs::Diagnostic::new(severity).with_message(d.headline());
        let shown = shown.with_labels(labels.unwrap_or_default()).with_notes(notes);
        show(out, &config, &files, &shown, colour)?;
    }
    Ok(())
}

fn show<'f, F: codespan_reporting::files::Files<'f>>(
    out: &mut dyn Write,
    config: &term::Config,
    files: &'f F,
    d: &cs::Diagnostic<F::FileId>,
    colour: bool,
) -> std::io::Result<()> {
    let result = if colour {
        let mut buf = term::termcolor::Ansi::new(Vec::new());
        let r = term::emit_to_write_style(&mut buf, config, files, d);
        out.write_all(&buf.into_inner())?;
        r
    } else {
        term::emit_to_io_write(out, config, files, d)
    };
    result.map_err(|e| std::io::Error::other(e.to_string()))
}

/// Lines longer than this many characters are shown cut around the place.
const LONGEST_SHOWN: usize = 300;

/// Part of one over-long line, as a file of one line for codespan, that
/// still reports the line's real number and columns.
struct Window<'a> {
    name: &'a str,
    text: String,
    /// The real line number, from 1.
    line: usize,
    /// The real column (from 0, in characters) of the window's first
    /// character, less the characters of the "…" put before it.
    col0: isize,
    label: std::ops::Range<usize>,
}

impl<'a> Window<'a> {
    fn of(files: &SimpleFiles<&str, Arc<str>>, sources: &'a Sources, span: Span) -> Option<Self> {
        let file = span.file.0 as usize;
        let range = files.line_range(file, span.line.checked_sub(1)? as usize).ok()?;
        let line = sources.text(span.file)[range].trim_end_matches(['\n', '\r']);
        if line.len() <= LONGEST_SHOWN || line.chars().count() <= LONGEST_SHOWN {
            return None;
        }
        let (col, len) = (span.col as usize, (span.len.max(1) as usize).min(80));
        let first = col.saturating_sub(40);
        let kept: String = line.chars().skip(first).take(col - first + len + 40).collect();
        let cut_before = if first > 0 { "…" } else { "" };
        let cut_after =
            if first + kept.chars().count() < line.chars().count() { "…" } else { "" };
        let text = format!("{cut_before}{kept}{cut_after}");
        let at = |chars: usize| {
            text.char_indices()
                .nth(chars + cut_before.chars().count())
                .map_or(text.len(), |(i, _)| i)
        };
        let label = at(col - first)..at(col - first + len).max(at(col - first));
        Some(Window {
            name: sources.name(span.file),
            line: span.line as usize,
            col0: first as isize - cut_before.chars().count() as isize,
            label,
            text,
        })
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Window<'_> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), _byte: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), _line_index: usize) -> Result<usize, FilesError> {
        Ok(self.line)
    }

    fn column_number(&'a self, (): (), _line: usize, byte: usize) -> Result<usize, FilesError> {
        let chars = self.text.get(..byte).map_or(0, |t| t.chars().count()) as isize;
        Ok((self.col0 + chars).max(0) as usize + 1)
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, FilesError> {
        match line_index {
            0 => Ok(0..self.text.len()),
            _ => Err(FilesError::LineTooLarge { given: line_index, max: 0 }),
        }
    }
}

/// Turns a line/column span into the byte range codespan wants, clamped to the line.
fn byte_range(files: &SimpleFiles<&str, Arc<str>>, span: Span) -> Option<std::ops::Range<usize>> {
    let file = span.file.0 as usize;
    let line_range = files.line_range(file, span.line.checked_sub(1)? as usize).ok()?;
    let text = files.source(file).ok()?;
    let line = &text[line_range.clone()];
    let line = line.trim_end_matches(['\n', '\r']);
    let mut chars = line.char_indices().skip(span.col as usize);
    let start = chars.next().map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .char_indices()
        .nth(span.len.max(1) as usize)
        .map_or(line.len(), |(i, _)| start + i);
    Some(line_range.start + start..line_range.start + end.max(start))
}

/// Diagnostics in input order (file, line, column), for printing.
pub fn sorted(found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    found.into_iter().for_each(|d| diags.push(d));
    diags.sorted()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_entry_and_hint() {
        let mut sources = Sources::default();
        let f = sources.add("roster.yaml", Arc::from("passes:\n  - id: A\n    pass: vip-ish\n"));
        let d = Diagnostic::error(Span { file: f, line: 3, col: 10, len: 7 }, "unknown pass type")
            .entry("A")
            .hint("known pass types: crew");
        let mut out = Vec::new();
        emit(&mut out, &sources, vec![d], false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("error: entry \"A\": unknown pass type\n"), "{text}");
        assert!(text.contains("roster.yaml:3:11"), "{text}");
        assert!(text.contains("^^^^^^^"), "{text}");
        assert!(text.contains("= hint: known pass types: crew"), "{text}");
    }

    #[test]
    fn sorted_by_position() {
        let mut ds = Diagnostics::default();
        let at = |line| Span { line, ..Span::default() };
        ds.push(Diagnostic::error(at(9), "b"));
        ds.push(Diagnostic::error_nowhere("c"));
        ds.push(Diagnostic::error(at(2), "a"));
        let order: Vec<_> = ds.sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(order, ["a", "b", "c"]);
    }
}
