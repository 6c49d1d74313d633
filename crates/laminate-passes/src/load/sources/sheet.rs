//! Spreadsheets: turns CSV text and XLSX workbooks into rows of cells that
//! remember where they are shown, for `sources` to read as roster entries.

use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::outcome::Failure;

/// One cell of a spreadsheet: its text and where it is shown.
#[derive(Clone, Debug, Default)]
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) line: u32,
    pub(super) col: u32,
    pub(super) len: u32,
}

/// One row: its line in the shown text (the spreadsheet's row number), the
/// length of that line in characters, and its cells.
#[derive(Clone, Debug, Default)]
pub(super) struct Row {
    pub(super) line: u32,
    pub(super) len: u32,
    pub(super) cells: Vec<Cell>,
}

/// A spreadsheet read into rows, with a text to quote in messages.
pub(super) struct Table {
    pub(super) file: FileId,
    pub(super) header: Row,
    pub(super) rows: Vec<Row>,
    /// How messages name column `i`: `column "Pass"` or `column C ("Pass")`.
    pub(super) labels: Vec<String>,
}

pub(super) fn csv_table(text: &str, file: FileId, found: &mut Vec<Diagnostic>) -> Option<Table> {
    // Spreadsheets in many locales write `;` between cells; tab-separated
    // exports exist too. The header line tells which one this file uses.
    let first = text.lines().next().unwrap_or("");
    let delim = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&d| (first.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',');
    if let Some(open) = unclosed_quote(text, delim) {
        found.push(open.diagnostic(file));
        return None;
    }
    let line_lens: Vec<u32> = text.lines().map(|l| l.chars().count() as u32).collect();
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
        let len = line_lens.get(line as usize - 1).copied().unwrap_or(1);
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

impl Table {
    /// The table with every cell's text changed by `f` (places kept).
    pub(super) fn map_cells(&self, f: impl Fn(&str) -> String) -> Table {
        let rows = self
            .rows
            .iter()
            .map(|r| Row {
                cells: r.cells.iter().map(|c| Cell { text: f(&c.text), ..c.clone() }).collect(),
                ..r.clone()
            })
            .collect();
        Table { file: self.file, header: self.header.clone(), rows, labels: self.labels.clone() }
    }
}

/// A quoted cell whose closing quote never comes: it swallows the rest of
/// the file, which then reads as one enormous cell and a row short of keys.
#[derive(Debug, PartialEq)]
struct UnclosedQuote {
    /// Line and column (from 0, in characters) of the opening quote.
    line: u32,
    col: u32,
    /// Lines after the opening quote's line that the cell swallowed.
    swallowed: u32,
}

impl UnclosedQuote {
    fn diagnostic(&self, file: FileId) -> Diagnostic {
        let rows = match self.swallowed {
            0 => "the rest of its row".to_string(),
            1 => "the rest of the file (1 more row)".to_string(),
            n => format!("the rest of the file ({n} more rows)"),
        };
        Diagnostic::error(
            Span { file, line: self.line, col: self.col, len: 1 },
            format!("this quote is never closed: the cell it opens runs to the end of the file and swallows {rows}"),
        )
        .hint("close the quote where the cell ends (a quote inside a quoted cell is written twice: \"\"), or remove it")
    }
}

/// Finds a quote that opens a cell and is never closed, in one pass: a cell
/// is quoted when it starts with `"`; inside it `""` is a quote and `"`
/// ends it. Quotes inside unquoted cells are plain text, as the reader
/// takes them.
fn unclosed_quote(text: &str, delim: u8) -> Option<UnclosedQuote> {
    let (mut line, mut col) = (1u32, 0u32);
    let mut opened: Option<(u32, u32)> = None;
    let mut cell_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match opened {
            Some(_) if c == '"' => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    col += 1;
                } else {
                    opened = None;
                }
            }
            Some(_) => {}
            None if c == '"' && cell_start => opened = Some((line, col)),
            None => {}
        }
        cell_start = opened.is_none() && (c == delim as char || c == '\n' || c == '\r');
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
    }
    opened.map(|(l, c)| UnclosedQuote {
        line: l,
        col: c,
        swallowed: line - l - u32::from(text.ends_with('\n')),
    })
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

pub(super) fn xlsx_table(
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
    // pretix's "Order data" workbook has the sheets Orders, Order positions
    // and Order fees (German: Bestellungen, Bestellzeilen, Bestellgebühren);
    // the passes are the positions. Any other workbook: its first sheet.
    let names = book.sheet_names();
    let positions = names.iter().find(|n| {
        let n = n.trim().to_lowercase();
        n == "order positions" || n == "bestellzeilen"
    });
    let Some(sheet) = positions.or(names.first()).cloned() else {
        return Err(fail(calamine::XlsxError::Io(io::Error::other("the workbook has no sheet"))));
    };
    let range = book.worksheet_range(&sheet).map_err(fail)?;
    // Workbooks written before pretix's SafeWorkbook (openpyxl) store a text
    // that starts with `=` as a formula with no cached value: `<f>` holds
    // the text without its `=`, and there is no `<v>`. Every signed ticket
    // secret is reversed base64 and often starts with `=`.
    let formulas = book.worksheet_formula(&sheet).map_err(fail)?;
    let mut from_formulas: Vec<(u32, usize)> = Vec::new();
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
                Data::Empty => match formulas.get_value((line - 1, col0 + j as u32)) {
                    Some(f) if !f.is_empty() => {
                        from_formulas.push((line, j));
                        format!("={f}")
                    }
                    _ => String::new(),
                },
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
    if let Some(&(line, j)) = from_formulas.first() {
        let c = rows.iter().chain([&header]).find(|r| r.line == line).map(|r| &r.cells[j]);
        let n = from_formulas.len();
        found.push(
            Diagnostic::note(
                Span { file, line, col: c.map_or(0, |c| c.col), len: c.map_or(1, |c| c.len.max(1)) },
                format!(
                    "{} stored as a formula with no value; read as the formula's text, with its `=`",
                    if n == 1 { "a cell is".to_string() } else { format!("{n} cells are") }
                ),
            )
            .hint("older pretix workbooks store a text that starts with = (a ticket secret, say) this way; check such cells, or export CSV"),
        );
    }
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
pub(super) fn column_letters(mut n: usize) -> String {
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

/// A heading as compared: trimmed, without a byte-order mark, lower case.
pub(crate) fn norm(heading: &str) -> String {
    heading.trim_start_matches('\u{feff}').trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_know_their_places() {
        let text = "id,name\nA-1,\"Berg, \"\"Tom\"\"\"\nB,\"two\nlines\",x\n";
        assert_eq!(cell_places(text, 8, 2, ','), [(2, 0, 3), (2, 4, 15)]);
        assert_eq!(cell_places(text, 28, 3, ','), [(3, 0, 1), (3, 2, 11), (4, 7, 1)]);
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        // Closed quotes, doubled quotes and quotes inside unquoted cells are fine.
        let fine = "id,name\nA-1,\"Berg, \"\"Tom\"\"\"\nB,\"two\nlines\",x\nC,5\" tall\n";
        assert_eq!(unclosed_quote(fine, b','), None);
        let text = "id,name,pass\nA,Ana,crew\nB,\"Tom,crew\nC,Eva,crew\nD,Kim,day\n";
        assert_eq!(
            unclosed_quote(text, b','),
            Some(UnclosedQuote { line: 3, col: 2, swallowed: 2 })
        );
        let text = "id;name\nA;\"Ana\";\"Tom";
        assert_eq!(
            unclosed_quote(text, b';'),
            Some(UnclosedQuote { line: 2, col: 8, swallowed: 0 })
        );
    }

    #[test]
    fn column_letters_count_like_spreadsheets() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(27), "AB");
    }
}
