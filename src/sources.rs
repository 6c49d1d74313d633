//! Sources: turns a roster file of any kind (YAML, CSV, XLSX, or YAML on
//! standard input) into a [`Roster`], with the checks and messages of YAML.
//!
//! A spreadsheet (CSV or XLSX) holds the passes, one row each below a header
//! row that names the roster keys; the event is in `NAME.event.yaml` beside
//! it, which may also rename columns. The rows are written out as roster YAML
//! behind the scenes and read by [`roster::load`], so a spreadsheet gets
//! exactly the checks a YAML roster gets; the places in the messages are then
//! mapped back to the spreadsheet's rows and cells.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::roster::{self, Roster, ENTRY_KEYS};
use crate::yaml::{self, Node, Value};
use crate::{Failure, RenderOptions};

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

/// The keys of an event file.
const EVENT_FILE_KEYS: &[&str] = &["event", "columns"];

/// Reads the roster of a run, whatever its format. Problems in it go to
/// `found`; the roster comes back only when it is usable.
pub fn load(
    opts: &RenderOptions,
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
    load_path(&opts.roster, sources, found)
}

/// Reads a roster file (or `-`); see [`load`].
pub fn load_path(
    path: &Path,
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
            csv_table(&text, file, found)
        }
        Format::Xlsx => xlsx_table(path, sources, found)?,
    };
    let Some(table) = table else { return Ok(None) };
    from_table(path, &table, &base_dir, sources, found)
}

/// Reads a text file (or standard input) and registers it for messages. Text
/// that is not UTF-8 is reported at the first bad byte.
fn read_text(
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
                    .hint("save the file as UTF-8 (spreadsheets: \"CSV UTF-8\"; editors: \"Save with encoding\")"),
                &lossy,
            ));
            Ok(None)
        }
    }
}

/// One cell of a spreadsheet: its text and where it is shown.
#[derive(Clone, Debug, Default)]
struct Cell {
    text: String,
    line: u32,
    col: u32,
    len: u32,
}

/// One row: its line in the shown text (the spreadsheet's row number), the
/// length of that line in characters, and its cells.
#[derive(Clone, Debug, Default)]
struct Row {
    line: u32,
    len: u32,
    cells: Vec<Cell>,
}

/// A spreadsheet read into rows, with a text to quote in messages.
struct Table {
    file: FileId,
    header: Row,
    rows: Vec<Row>,
    /// How messages name column `i`: `column "Pass"` or `column C ("Pass")`.
    labels: Vec<String>,
}

fn csv_table(text: &str, file: FileId, found: &mut Vec<Diagnostic>) -> Option<Table> {
    // Spreadsheets in many locales write `;` between cells; tab-separated
    // exports exist too. The header line tells which one this file uses.
    let first = text.lines().next().unwrap_or("");
    let delim = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (first.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delim)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as u32);
                found.push(Diagnostic::error(
                    Span { file, line, col: 0, len: 1 },
                    format!("this row cannot be read as CSV: {e}"),
                ));
                return None;
            }
        };
        let Some(pos) = record.position() else { continue };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = pos.line() as u32;
        let places = cell_places(text, pos.byte() as usize, line, delim as char);
        let cells = record
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (line, col, len) = places.get(i).copied().unwrap_or((line, 0, 1));
                Cell { text: t.to_string(), line, col, len }
            })
            .collect();
        let len = text.lines().nth(line as usize - 1).map_or(1, |l| l.chars().count() as u32);
        rows.push(Row { line, len, cells });
    }
    if rows.is_empty() {
        found.push(
            Diagnostic::error(Span { file, line: 1, col: 0, len: 1 }, "the roster is empty")
                .hint("a CSV roster has a header row (id, name, pass, ...) and one row per pass"),
        );
        return None;
    }
    let header = rows.remove(0);
    let labels = header.cells.iter().map(|c| format!("column \"{}\"", c.text.trim())).collect();
    Some(Table { file, header, rows, labels })
}

/// Where each cell of the record starting at byte `start` sits: (line,
/// column, length), in characters. Quotes are part of a cell's place.
fn cell_places(text: &str, start: usize, line: u32, delim: char) -> Vec<(u32, u32, u32)> {
    let mut places = Vec::new();
    let mut chars = text[start..].chars().peekable();
    let (mut line, mut col) = (line, 0u32);
    loop {
        let at = (line, col);
        let (mut len, mut quoted) = (0u32, false);
        loop {
            match chars.peek().copied() {
                None => {
                    places.push((at.0, at.1, len));
                    return places;
                }
                Some(c) if !quoted && c == delim => {
                    chars.next();
                    col += 1;
                    places.push((at.0, at.1, len));
                    break;
                }
                Some('\n' | '\r') if !quoted => {
                    places.push((at.0, at.1, len));
                    return places;
                }
                Some(c) => {
                    chars.next();
                    len += 1;
                    if c == '"' {
                        quoted = !quoted;
                    }
                    if c == '\n' {
                        line += 1;
                        col = 0;
                    } else {
                        col += 1;
                    }
                }
            }
        }
    }
}

fn xlsx_table(
    path: &Path,
    sources: &mut Sources,
    found: &mut Vec<Diagnostic>,
) -> Result<Option<Table>, Failure> {
    use calamine::{Data, Reader as _};
    let fail = |e: calamine::XlsxError| {
        let source = match e {
            calamine::XlsxError::Io(e) => e,
            e => io::Error::other(format!("not a readable XLSX workbook ({e})")),
        };
        Failure::Io { action: "cannot read the roster", path: path.to_path_buf(), source }
    };
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(fail)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(fail(calamine::XlsxError::Io(io::Error::other("the workbook has no sheet"))));
    };
    let range = book.worksheet_range(&sheet).map_err(fail)?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    // Messages quote a text form of the sheet: line n is row n, the cells
    // separated by " | ".
    let mut text = "\n".repeat(row0 as usize);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let line = row0 + i as u32 + 1;
        let mut row = Row { line, len: 0, cells: Vec::new() };
        let mut shown = String::new();
        for (j, value) in cells.iter().enumerate() {
            let t = match value {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                    s.strip_suffix("T00:00:00").unwrap_or(s).to_string()
                }
                Data::Int(n) => n.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
                Data::DateTime(d) if d.is_datetime() => {
                    let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
                    if (h, min, s) == (0, 0, 0) {
                        format!("{y:04}-{m:02}-{day:02}")
                    } else {
                        format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}")
                    }
                }
                Data::DateTime(d) => d.as_f64().to_string(),
                Data::Error(e) => {
                    errors.push((line, j, e.to_string()));
                    e.to_string()
                }
            };
            if j > 0 {
                shown.push_str(" | ");
            }
            let col = shown.chars().count() as u32;
            let printable = t.replace(['\n', '\r'], " ");
            shown.push_str(&printable);
            row.cells.push(Cell { text: t, line, col, len: printable.chars().count() as u32 });
        }
        row.len = shown.chars().count() as u32;
        text.push_str(&shown);
        text.push('\n');
        if row.cells.iter().any(|c| !c.text.trim().is_empty()) {
            rows.push(row);
        }
    }
    let text: Arc<str> = Arc::from(text);
    let file = sources.add(format!("{} (sheet \"{sheet}\")", path.display()), text);
    if rows.is_empty() {
        found.push(
            Diagnostic::error(
                Span { file, line: 1, col: 0, len: 1 },
                "the roster's first sheet is empty",
            )
            .hint("the first sheet has a header row (id, name, pass, ...) and one row per pass"),
        );
        return Ok(None);
    }
    let header = rows.remove(0);
    let labels = header
        .cells
        .iter()
        .enumerate()
        .map(|(j, c)| {
            format!("column {} (\"{}\")", column_letters(col0 as usize + j), c.text.trim())
        })
        .collect::<Vec<_>>();
    for (line, j, e) in errors {
        if let Some(row) = rows.iter().find(|r| r.line == line) {
            let c = &row.cells[j];
            found.push(Diagnostic::error(
                Span { file, line, col: c.col, len: c.len.max(1) },
                format!(
                    "{} holds the spreadsheet error {e}",
                    labels.get(j).map_or("a cell", |l| l)
                ),
            ));
        }
    }
    Ok(Some(Table { file, header, rows, labels }))
}

/// Spreadsheet column letters: 0 is A, 25 is Z, 26 is AA.
fn column_letters(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
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

/// Turns a spreadsheet and its event file into a roster.
fn from_table(
    path: &Path,
    table: &Table,
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
        found.push(
            Diagnostic::error(
                header_span,
                format!("a spreadsheet roster needs an event file, and {} does not exist", event_file.display()),
            )
            .hint(format!(
                "write {event_name} beside it with the event, e.g.\nevent:\n  name: Harbour Jazz Night 2026\n  starts: 2026-08-01\n  ends: 2026-08-02"
            )),
        );
        return Ok(None);
    }
    let Some((event_text, event)) = read_text(&event_file, sources, found)? else {
        return Ok(None);
    };
    let Some(renames) = read_event_file(&event_text, event, found) else { return Ok(None) };

    // Which roster key each column gives.
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
                match ENTRY_KEYS.iter().find(|k| **k == norm) {
                    Some(k) => Some(*k),
                    None => {
                        let d = Diagnostic::error(
                            span,
                            format!("unknown column \"{head}\": it is not a roster key"),
                        );
                        found.push(match yaml::nearest(&norm, ENTRY_KEYS) {
                            Some(near) => d.hint(format!("did you mean \"{near}\"? Then map it in {event_name}: columns: {{ \"{head}\": {near} }}")),
                            None => d.hint(format!("to leave it out, map it to ~ in {event_name}: columns: {{ \"{head}\": ~ }}")),
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
    let mut missing = false;
    for required in ["id", "name", "pass"] {
        if !keys.contains(&Some(required)) {
            missing = true;
            found.push(
                Diagnostic::error(header_span, format!("the roster has no `{required}` column"))
                    .hint(format!(
                        "head a column \"{required}\", or map one in {event_name}: columns: {{ \"Your heading\": {required} }}"
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
    if missing || table.rows.is_empty() {
        return Ok(None);
    }

    // The rows as roster YAML, line by line, remembering where each came from.
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
    let places = Places { table, event, origins, keys };
    let mut out = Vec::new();
    let roster = roster::load(&text, WRITTEN, base_dir, &mut out);
    for d in out {
        // The event file's `columns` is read here, not by the roster reader.
        if d.message == "unknown key \"columns\" in the roster"
            || d.message == "the roster's `passes:` list is empty"
        {
            continue;
        }
        found.push(places.diagnostic(d));
    }
    Ok(roster.map(|mut r| {
        r.file = table.file;
        for e in &mut r.entries {
            let s = &mut e.spans;
            for span in [
                &mut s.entry,
                &mut s.pass,
                &mut s.name,
                &mut s.valid_from,
                &mut s.valid_until,
                &mut s.zones,
                &mut s.photo,
            ] {
                *span = places.span(*span);
            }
        }
        r
    }))
}

/// A heading of a spreadsheet and the roster key it gives (`None`: ignored).
type Renames = Vec<(String, Option<&'static str>)>;

/// Reads an event file's shape and its `columns` renames; `None` when the
/// shape is wrong. The `event` itself is read by the roster reader.
fn read_event_file(text: &str, file: FileId, found: &mut Vec<Diagnostic>) -> Option<Renames> {
    let whole = Span { file, line: 1, col: 0, len: 1 };
    let node = match yaml::Reader::new(text, file).read_document() {
        Ok(Some(node)) => node,
        Ok(None) => {
            found.push(
                Diagnostic::error(whole, "the event file is empty")
                    .hint("write the event: name, starts and ends (ISO dates such as 2026-07-10)"),
            );
            return None;
        }
        Err(d) => {
            found.push(d);
            return None;
        }
    };
    let Value::Map(pairs) = &node.value else {
        found.push(Diagnostic::error(
            node.span,
            format!("the event file is {}, not a mapping", node.kind()),
        ));
        return None;
    };
    let before = found.len();
    if text.trim_start().starts_with('{') {
        found.push(
            Diagnostic::error(node.span, "the event file must be written in block style")
                .hint("write `event:` at the left margin and its keys indented below it"),
        );
    }
    let mut renames = Vec::new();
    for (key, _, v) in yaml::known_keys(pairs, EVENT_FILE_KEYS, "the event file", None, found) {
        if key == "columns" {
            read_columns(v, &mut renames, found);
        }
    }
    (found.len() == before).then_some(renames)
}

fn read_columns(node: &Node, renames: &mut Renames, found: &mut Vec<Diagnostic>) {
    let Value::Map(pairs) = &node.value else {
        found.push(
            Diagnostic::error(
                node.span,
                format!("`columns` must be a mapping, not {}", node.kind()),
            )
            .hint("write columns: { \"Full name\": name, \"Email\": ~ }"),
        );
        return;
    };
    for (k, v) in pairs {
        let Some(head) = k.as_str() else {
            found.push(Diagnostic::error(k.span, "a heading in `columns` must be text"));
            continue;
        };
        let key = match &v.value {
            Value::Null => None,
            Value::Scalar(s) => match ENTRY_KEYS.iter().find(|k| *k == s) {
                Some(k) => Some(*k),
                None => {
                    let mut d = Diagnostic::error(
                        v.span,
                        format!("`columns` maps \"{head}\" to \"{s}\", which is not a roster key"),
                    );
                    d = match yaml::nearest(s, ENTRY_KEYS) {
                        Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                        None => d.hint(format!(
                            "roster keys: {}; ~ ignores the column",
                            ENTRY_KEYS.join(", ")
                        )),
                    };
                    found.push(d);
                    continue;
                }
            },
            _ => {
                found.push(Diagnostic::error(
                    v.span,
                    format!("`columns` must map \"{head}\" to one roster key, not {}", v.kind()),
                ));
                continue;
            }
        };
        renames.push((head.trim().to_string(), key));
    }
}

/// A YAML double-quoted scalar.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML scalar for text: plain when that reads back as the same text,
/// otherwise double-quoted.
fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_alphanumeric())
        && s.chars().all(|c| c.is_alphanumeric() || " -.,'()&/+_".contains(c))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        quote(s)
    }
}

/// Writes a roster as roster YAML (for `laminate convert`). Photo paths are
/// written relative to `base_dir`, the folder the roster was read from.
pub fn to_yaml(roster: &Roster, base_dir: &Path, from: &str) -> String {
    let ev = &roster.event;
    let mut y = format!("# Converted from {from} by laminate convert.\nevent:\n");
    y.push_str(&format!("  name: {}\n", scalar(&ev.name)));
    if let Some(v) = &ev.venue {
        y.push_str(&format!("  venue: {}\n", scalar(v)));
    }
    y.push_str(&format!("  starts: {}\n  ends: {}\n", ev.starts, ev.ends));
    if ev.id != roster::event_id_from_name(&ev.name) {
        y.push_str(&format!("  id: {}\n", ev.id));
    }
    y.push_str("passes:\n");
    for e in &roster.entries {
        y.push_str(&format!("  - id: {}\n    name: {}\n", e.id, scalar(&e.name)));
        if let Some(o) = &e.organisation {
            y.push_str(&format!("    organisation: {}\n", scalar(o)));
        }
        if let Some(r) = &e.role {
            y.push_str(&format!("    role: {}\n", scalar(r)));
        }
        y.push_str(&format!("    pass: {}\n", scalar(&e.pass)));
        if let Some(d) = e.valid_from {
            y.push_str(&format!("    valid_from: {d}\n"));
        }
        if let Some(d) = e.valid_until {
            y.push_str(&format!("    valid_until: {d}\n"));
        }
        if let Some(z) = &e.zones {
            // Flow lists end a plain value at a comma or bracket.
            let z: Vec<String> = z
                .iter()
                .map(|z| if z.contains([',', '[', ']', '{', '}']) { quote(z) } else { scalar(z) })
                .collect();
            y.push_str(&format!("    zones: [{}]\n", z.join(", ")));
        }
        if let Some(p) = &e.photo {
            let p = p.strip_prefix(base_dir).unwrap_or(p);
            y.push_str(&format!("    photo: {}\n", quote(&p.display().to_string())));
        }
    }
    y
}

/// Reads a roster of any format and writes it as roster YAML (`laminate
/// convert`), or fails with every problem in it (the roster's own checks;
/// pass types and templates are checked by `validate` and `render`).
pub fn convert(path: &Path) -> Result<String, Failure> {
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let roster = load_path(path, &mut sources, &mut found)?;
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

    #[test]
    fn cells_know_their_places() {
        let text = "id,name\nA-1,\"Berg, \"\"Tom\"\"\"\nB,\"two\nlines\",x\n";
        assert_eq!(cell_places(text, 8, 2, ','), [(2, 0, 3), (2, 4, 15)]);
        assert_eq!(cell_places(text, 28, 3, ','), [(3, 0, 1), (3, 2, 11), (4, 7, 1)]);
    }

    #[test]
    fn letters_and_quotes() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(quote("a\"b\\c\u{7}"), "\"a\\\"b\\\\c\\u0007\"");
        assert_eq!(scalar("Ana Silva"), "Ana Silva");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("#1 fan"), "\"#1 fan\"");
        assert_eq!(scalar("Ölfestival: Ost"), "\"Ölfestival: Ost\"");
    }
}
