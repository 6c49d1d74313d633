//! Sources: turns a roster file of any kind (YAML, CSV, XLSX, or YAML on
//! standard input) into a [`Roster`], with the checks and messages of YAML.
//!
//! A spreadsheet (CSV or XLSX) holds the passes, one row each below a header
//! row that names the roster keys; the event is in `NAME.event.yaml` beside
//! it, which may also rename columns. The rows are written out as roster YAML
//! behind the scenes and read by [`roster::load`], so a spreadsheet gets
//! exactly the checks a YAML roster gets; the places in the messages are then
//! mapped back to the spreadsheet's rows and cells.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::load::roster::{self, Roster, ENTRY_KEYS};
use crate::load::template::TemplateSet;
use crate::yaml;
use {crate::options::RenderOptions, crate::outcome::Failure};

mod event;
pub mod format;
pub mod headings;
mod pattern;
mod sheet;
mod shop;
mod suggest;
mod write;

use event::{bad_pattern, read_event_file};
use format::read_text;
pub use format::{event_path, is_stdin, Format};
pub use headings::From;
use pattern::Pattern;
use sheet::Table;
pub use suggest::event_file_for;
use write::quote;
pub use write::to_yaml;

/// Reads the roster of a run, whatever its format. Problems in it go to
/// `found`; the roster comes back only when it is usable. `set` is the
/// run's pass types, which the event file suggested for an export without
/// one maps its ticket types to.
pub fn load(
    opts: &RenderOptions,
    set: &TemplateSet,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<Roster>, Failure> {
    if opts.reprint && is_stdin(&opts.roster) {
        found.push(
            Diagnostic::error_nowhere(
                "--reprint cannot keep its numbers for a roster read from stdin",
            )
            .hint("give the roster's file name, so that ROSTER.reprints can sit beside it"),
        );
    }
    if let Some(text) = &opts.roster_text {
        let file = sources.add(opts.roster.display().to_string(), text.clone());
        return Ok(roster::load(text, file, Path::new(""), found));
    }
    read(&opts.roster, opts.from, Some(set), sources, found)
}

/// Reads a roster file (or `-`); see [`load`]. An export without its event
/// file is shown the event file for the built-in pass types.
pub fn load_path(
    path: &Path,
    from: From,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<Roster>, Failure> {
    read(path, from, None, sources, found)
}

fn read(
    path: &Path,
    from: From,
    set: Option<&TemplateSet>,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<Roster>, Failure> {
    let base_dir = match path.parent() {
        Some(d) if !is_stdin(path) => d.to_path_buf(),
        _ => PathBuf::new(),
    };
    let table = match Format::of(path) {
        Format::Yaml => {
            let Some((text, file)) = read_text(path, sources, found)? else { return Ok(None) };
            return Ok(roster::load(&text, file, &base_dir, found));
        }
        Format::Csv => {
            let Some((text, file)) = read_text(path, sources, found)? else { return Ok(None) };
            sheet::csv_table(&text, file, found)
        }
        Format::Xlsx => sheet::xlsx_table(path, sources, found)?,
    };
    let Some(table) = table else { return Ok(None) };
    let csv = Format::of(path) == Format::Csv;
    from_table(path, &table, from, csv, set, &base_dir, sources, found)
}

/// Where a line of the YAML written for a spreadsheet came from.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// The event file, same line.
    Event,
    /// The `passes:` line: the header row.
    Header,
    /// `key: value` of a row; `value_col` is where the value starts, so that
    /// a place before it (the entry itself) means the whole row.
    Cell { row: usize, column: usize, value_col: u32 },
}

/// The file id given to the YAML written for a spreadsheet; no place in the
/// messages keeps it.
const WRITTEN: FileId = FileId(u32::MAX);

/// Maps places in the written YAML back to the event file and the sheet.
struct Places<'t> {
    table: &'t Table,
    event: FileId,
    origins: Vec<Origin>,
    /// The roster key of each column (`None`: ignored).
    keys: Vec<Option<&'static str>>,
}

impl Places<'_> {
    fn span(&self, s: Span) -> Span {
        if s.file != WRITTEN {
            return s;
        }
        let t = self.table;
        match self.origins.get(s.line as usize - 1).copied() {
            Some(Origin::Event) => Span { file: self.event, ..s },
            Some(Origin::Header) | None => {
                Span { file: t.file, line: t.header.line, col: 0, len: t.header.len.max(1) }
            }
            Some(Origin::Cell { row, column, value_col }) => {
                let row = &t.rows[row];
                if s.col < value_col {
                    Span { file: t.file, line: row.line, col: 0, len: row.len.max(1) }
                } else {
                    let c = &row.cells[column];
                    Span { file: t.file, line: c.line, col: c.col, len: c.len.max(1) }
                }
            }
        }
    }

    fn diagnostic(&self, mut d: Diagnostic) -> Diagnostic {
        let Some(s) = d.span.filter(|s| s.file == WRITTEN) else { return d };
        d.span = Some(self.span(s));
        for h in &mut d.hints {
            // roster.rs names the line of an id's first use.
            if let Some(n) = h
                .strip_prefix("it was first used on line ")
                .and_then(|r| r.split(';').next().and_then(|n| n.parse::<u32>().ok()))
            {
                let line = self.span(Span { line: n, ..s }).line;
                *h = h.replacen(&format!("line {n}"), &format!("line {line}"), 1);
            }
        }
        match self.origins.get(s.line as usize - 1).copied() {
            Some(Origin::Cell { column, value_col, .. }) if s.col >= value_col => {
                d.hints.insert(0, format!("in {}", self.table.labels[column]));
            }
            Some(Origin::Cell { .. }) => {
                // "this pass entry has no `name`": say which column is empty.
                let key = d.message.split('`').nth(1).unwrap_or("");
                if let Some(i) = self.keys.iter().position(|k| *k == Some(key)) {
                    d.hints.insert(0, format!("{} is empty on this row", self.table.labels[i]));
                }
            }
            _ => {}
        }
        d
    }
}

/// Turns a spreadsheet and its event file into a roster. A ticket-shop
/// export is first turned into a table of roster columns (`shop`); `csv`
/// says the table was CSV text (where pretix escapes cells).
#[allow(clippy::too_many_arguments)]
fn from_table(
    path: &Path,
    table: &Table,
    from: From,
    csv: bool,
    set: Option<&TemplateSet>,
    base_dir: &Path,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<Roster>, Failure> {
    let header_span =
        Span { file: table.file, line: table.header.line, col: 0, len: table.header.len.max(1) };
    let event_file = event_path(path);
    let event_name =
        event_file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if !event_file.exists() {
        found.push(no_event_file(path, table, from, set, &event_file, &event_name, header_span));
        return Ok(None);
    }
    let Some((event_text, event)) = read_text(&event_file, sources, found)? else {
        return Ok(None);
    };
    let Some(ev) = read_event(&event_text, event, table, found) else { return Ok(None) };
    let kind = headings::recognise(&table.header, from);
    let adapted;
    let mut skipped = Vec::new();
    let mut unused = Vec::new();
    let mut renames = ev.renames.clone();
    let table = match kind {
        Some(kind) => {
            let Some(a) = export_table(kind, table, csv, &ev, &event_name, header_span, found)
            else {
                return Ok(None);
            };
            adapted = a.table;
            skipped = a.skipped;
            unused = a.unused;
            renames.clear();
            &adapted
        }
        None => match plain_table(table, &ev, &event_name, header_span, &mut renames, found) {
            Some(a) => {
                adapted = a;
                &adapted
            }
            None => table,
        },
    };
    if ev.qr_ticket
        && kind.is_none()
        && !table.header.cells.iter().any(|c| sheet::norm(&c.text) == "ticket")
    {
        found.push(
            Diagnostic::error(
                Span { col: table.header.len, len: 1, ..header_span },
                "qr: ticket puts each row's ticket code in the QR, and this table has no `ticket` column",
            )
            .hint(format!("head the column of codes \"ticket\", or map it in {event_name}: columns: {{ \"Your heading\": ticket }}")),
        );
    }

    // Which roster key each column gives.
    let keys = column_keys(table, &renames, ev.qr_ticket, &event_name, found);
    if lacks_columns_or_rows(table, &keys, &event_name, header_span, found) {
        return Ok(None);
    }

    // The rows as roster YAML, line by line, remembering where each came from.
    let (text, origins) = written_yaml(&event_text, table, &keys, found);
    let places = Places { table, event, origins, keys };
    let mut out = Vec::new();
    let roster = roster::load(&text, WRITTEN, base_dir, &mut out);
    for d in out {
        // The event file's own keys are read here, not by the roster reader.
        if event::EVENT_FILE_KEYS
            .iter()
            .any(|k| d.message == format!("unknown key \"{k}\" in the roster"))
            || d.message == "the roster's `passes:` list is empty"
        {
            continue;
        }
        found.push(places.diagnostic(d));
    }
    Ok(roster.map(|mut r| {
        r.file = table.file;
        r.skipped = skipped;
        r.unused = unused;
        for e in &mut r.entries {
            e.spans.map(|span| places.span(span));
        }
        r
    }))
}

/// The error for a spreadsheet without its event file, with the event file
/// to write (for an export, the one suggested for its ticket types).
fn no_event_file(
    path: &Path,
    table: &Table,
    from: From,
    set: Option<&TemplateSet>,
    event_file: &Path,
    event_name: &str,
    header_span: Span,
) -> Diagnostic {
    if let Some(kind) = headings::recognise(&table.header, from) {
        let text = match set {
            Some(set) => suggest::for_export(kind, path, table, set),
            None => suggest::for_export(kind, path, table, &suggest::builtin_set()),
        };
        return Diagnostic::error(
            header_span,
            format!(
                "this export needs its event file, and {} does not exist",
                event_file.display()
            ),
        )
        .hint(format!(
            "laminate init --from {} writes it; or write {event_name} beside the export:\n{}",
            path.display(),
            text.trim_end()
        ));
    }
    Diagnostic::error(
        header_span,
        format!(
            "a spreadsheet roster needs an event file, and {} does not exist",
            event_file.display()
        ),
    )
    .hint(format!(
        "write {event_name} beside it with the event, e.g.\n{}",
        "event:\n  name: Harbour Jazz Night 2026\n  starts: 2026-08-01\n  ends: 2026-08-02"
    ))
}

/// Reads the event file and its patterns against the table's headings;
/// `None` if the event file is unusable.
fn read_event(
    event_text: &str,
    event: FileId,
    table: &Table,
    found: &mut Vec<Diagnostic>,
) -> Option<event::EventFile> {
    let mut ev = read_event_file(event_text, event, found)?;
    let headings: Vec<String> = table.header.cells.iter().map(|c| c.text.clone()).collect();
    for (key, text, span) in std::mem::take(&mut ev.pattern_texts) {
        match Pattern::parse(&text, &headings) {
            Ok(p) => ev.patterns.push((key, p)),
            Err(why) => found.push(bad_pattern(why, &text, span, &headings)),
        }
    }
    Some(ev)
}

/// A ticket-shop export turned into roster columns (pretix's CSV escapes
/// undone first); `None` after errors or when every row was left out.
fn export_table(
    kind: headings::Kind,
    table: &Table,
    csv: bool,
    ev: &event::EventFile,
    event_name: &str,
    header_span: Span,
    found: &mut Vec<Diagnostic>,
) -> Option<shop::Adapted> {
    let undone;
    let table = if csv && kind.is_pretix() {
        undone = table.map_cells(shop::undo_defusedcsv);
        &undone
    } else {
        table
    };
    let a = shop::adapt(kind, table, ev, event_name, found)?;
    if a.table.rows.is_empty() {
        found.push(
            Diagnostic::error(
                header_span,
                "every row of this export was left out, so there is no pass to make",
            )
            .hint(format!("left out: {}", skipped_list(&a.skipped))),
        );
        return None;
    }
    Some(a)
}

/// A table that is not an export: `tickets:` told to be out of place, and
/// the table with a column for each pattern (whose columns are then used,
/// added to `renames` as left out) if there are patterns.
fn plain_table(
    table: &Table,
    ev: &event::EventFile,
    event_name: &str,
    header_span: Span,
    renames: &mut event::Renames,
    found: &mut Vec<Diagnostic>,
) -> Option<Table> {
    if !ev.tickets.is_empty() {
        found.push(
            Diagnostic::error(
                header_span,
                format!("{event_name} has `tickets:`, but this table is not a ticket-shop export"),
            )
            .hint("laminate knows pretix, Eventbrite and Tito exports by their headings; force one with --from pretix|eventbrite|tito, or head the pass column `pass`"),
        );
    }
    if ev.patterns.is_empty() {
        return None;
    }
    // A pattern is a column of its own; the columns it reads are
    // used by it.
    let adapted = table.with_patterns(&ev.patterns);
    for (_, p) in &ev.patterns {
        for c in p.columns() {
            let head = table.header.cells[c].text.trim().to_string();
            if !renames.iter().any(|(h, _)| *h == head) {
                renames.push((head, None));
            }
        }
    }
    Some(adapted)
}

/// The roster key each column gives (`None`: none), from `renames` or its
/// heading; headless columns with values, unknown headings and a key
/// given twice are told.
fn column_keys(
    table: &Table,
    renames: &event::Renames,
    qr_ticket: bool,
    event_name: &str,
    found: &mut Vec<Diagnostic>,
) -> Vec<Option<&'static str>> {
    let mut keys: Vec<Option<&'static str>> = Vec::new();
    for (i, cell) in table.header.cells.iter().enumerate() {
        let head = cell.text.trim();
        let span = Span { file: table.file, line: cell.line, col: cell.col, len: cell.len.max(1) };
        let key = match renames.iter().find(|(h, _)| h == head) {
            Some((_, key)) => *key,
            None if head.is_empty() => {
                if table
                    .rows
                    .iter()
                    .any(|r| r.cells.get(i).is_some_and(|c| !c.text.trim().is_empty()))
                {
                    found.push(Diagnostic::error(span, "a column with values has no header").hint(
                        "head it with a roster key (id, name, pass, ...) or delete the column",
                    ));
                }
                None
            }
            None => {
                let norm = head.to_lowercase().replace([' ', '-'], "_");
                // A `ticket` column replaces laminate's QR payload, so a
                // plain table's "Ticket" is taken as one only with `qr: ticket`.
                match ENTRY_KEYS.iter().find(|k| **k == norm && (**k != "ticket" || qr_ticket)) {
                    Some(k) => Some(*k),
                    None => {
                        let d = Diagnostic::error(
                            span,
                            format!("unknown column \"{head}\": it is not a roster key"),
                        );
                        found.push(match yaml::nearest(&norm, ENTRY_KEYS) {
                            Some(near) => d.hint(format!(
                                "did you mean \"{near}\"? Then map it in {event_name}: \
                                 columns: {{ \"{head}\": {near} }}"
                            )),
                            None => d.hint(format!(
                                "to leave it out, map it to ~ in {event_name}: \
                                 columns: {{ \"{head}\": ~ }}"
                            )),
                        });
                        None
                    }
                }
            }
        };
        let key = key.filter(|k| {
            let twice = keys.contains(&Some(*k));
            if twice {
                found.push(Diagnostic::error(span, format!("a second column gives `{k}`")));
            }
            !twice
        });
        keys.push(key);
    }
    keys
}

/// Tells of each required column (`id`, `name`, `pass`) no column gives,
/// and of a table without rows; true if there was either.
fn lacks_columns_or_rows(
    table: &Table,
    keys: &[Option<&'static str>],
    event_name: &str,
    header_span: Span,
    found: &mut Vec<Diagnostic>,
) -> bool {
    let mut missing = false;
    // A missing column is shown at the end of the header, where it could go.
    let header_end = Span { col: table.header.len, len: 1, ..header_span };
    for required in ["id", "name", "pass"] {
        if !keys.contains(&Some(required)) {
            missing = true;
            found.push(
                Diagnostic::error(header_end, format!("the roster has no `{required}` column"))
                    .hint(format!(
                        "head a column \"{required}\", or map one in {event_name}: \
                         columns: {{ \"Your heading\": {required} }}"
                    )),
            );
        }
    }
    if table.rows.is_empty() {
        found.push(Diagnostic::error(
            header_span,
            "the roster has no rows of passes below its header",
        ));
    }
    missing || table.rows.is_empty()
}

/// The event file and the rows as roster YAML, with where each line came
/// from; cells beyond the header's columns are told.
fn written_yaml(
    event_text: &str,
    table: &Table,
    keys: &[Option<&'static str>],
    found: &mut Vec<Diagnostic>,
) -> (String, Vec<Origin>) {
    let mut text = event_text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut origins = vec![Origin::Event; text.matches('\n').count()];
    text.push_str("passes:\n");
    origins.push(Origin::Header);
    for (r, row) in table.rows.iter().enumerate() {
        let mut first = true;
        // The id first, so that an entry's own place is its id cell's row.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| keys[i] != Some("id"));
        for &column in &order {
            let Some(key) = keys[column] else { continue };
            let Some(cell) = row.cells.get(column) else { continue };
            let value = cell.text.trim();
            if value.is_empty() {
                continue;
            }
            let value = if key == "zones" {
                let items: Vec<String> = value
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|z| !z.is_empty())
                    .map(quote)
                    .collect();
                format!("[{}]", items.join(", "))
            } else {
                quote(value)
            };
            text.push_str(if first { "  - " } else { "    " });
            text.push_str(&format!("{key}: {value}\n"));
            origins.push(Origin::Cell { row: r, column, value_col: 4 + key.len() as u32 + 2 });
            first = false;
        }
        for (column, cell) in row.cells.iter().enumerate().skip(keys.len()) {
            if !cell.text.trim().is_empty() {
                found.push(
                    Diagnostic::error(
                        Span {
                            file: table.file,
                            line: cell.line,
                            col: cell.col,
                            len: cell.len.max(1),
                        },
                        format!(
                            "cell {} of this row is beyond the header's {} columns",
                            column + 1,
                            keys.len()
                        ),
                    )
                    .hint("give the column a header, or delete the cell"),
                );
            }
        }
    }
    (text, origins)
}

/// "2 cancelled, 1 add-on": rows left out, by reason.
pub fn skipped_list(skipped: &[(String, usize)]) -> String {
    skipped.iter().map(|(why, n)| format!("{n} {why}")).collect::<Vec<_>>().join(", ")
}

/// Reads a roster of any format and writes it as roster YAML (`laminate
/// convert`), or fails with every problem in it (the roster's own checks;
/// pass types and templates are checked by `validate` and `render`). The
/// caller writes the YAML to `output` (`None`: standard output), which is
/// refused when it is one of the roster's files.
pub fn convert(path: &Path, output: Option<&Path>) -> Result<String, Failure> {
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let roster = load_path(path, From::Auto, &mut sources, &mut found)?;
    if let Some(output) = output {
        let inputs = inputs_of(&RenderOptions::new(path), roster.as_ref());
        inputs.check("the YAML roster", output).map_err(Failure::Clobber)?;
    }
    match roster {
        Some(r) if !found.iter().any(|d| d.severity == crate::diag::Severity::Error) => {
            let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let from = path.file_name().map_or_else(|| "-".into(), |n| n.to_string_lossy());
            Ok(to_yaml(&r, &base_dir, &from))
        }
        _ => {
            let mut ds = crate::diag::Diagnostics::default();
            found.into_iter().for_each(|d| ds.push(d));
            Err(Failure::Input { sources, diagnostics: ds.sorted() })
        }
    }
}

/// The files a run reads (see [`clobber`]): the roster and its event file
/// and reprint numbers, the template folder's files (templates and the
/// images they draw), the signing key, the `--since` manifest, the printer
/// profile and the roster's photos.
pub fn inputs_of(opts: &RenderOptions, roster: Option<&Roster>) -> crate::clobber::Inputs {
    let mut inputs = crate::clobber::Inputs::default();
    inputs.add("the roster", &opts.roster);
    if !is_stdin(&opts.roster) {
        if Format::of(&opts.roster) != Format::Yaml {
            inputs.add("the roster's event file", &event_path(&opts.roster));
        }
        inputs.add("the roster's reprint numbers", &crate::load::reprint::state_path(&opts.roster));
    }
    if let Some(dir) = &opts.templates {
        inputs.add_folder("a file of the template folder", dir);
    }
    let named = [
        ("the signing key", &opts.key),
        ("the --since manifest", &opts.since),
        ("the printer profile", &opts.printer_profile),
    ];
    for (what, path) in named {
        if let Some(path) = path {
            inputs.add(what, path);
        }
    }
    let mut photos: Vec<(&Path, &str)> = roster
        .map(|r| r.entries.iter().filter_map(|e| Some((e.photo.as_deref()?, &*e.id))).collect())
        .unwrap_or_default();
    photos.sort_unstable();
    photos.dedup_by(|a, b| a.0 == b.0);
    for (path, id) in photos {
        inputs.add(format!("the photo of entry \"{id}\""), path);
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/guests.CSV")), Format::Csv);
        assert_eq!(Format::of(Path::new("guests.xlsx")), Format::Xlsx);
        assert_eq!(Format::of(Path::new("roster.yml")), Format::Yaml);
        assert_eq!(Format::of(Path::new("-")), Format::Yaml);
        assert_eq!(event_path(Path::new("a/guests.csv")), Path::new("a/guests.event.yaml"));
    }
}
