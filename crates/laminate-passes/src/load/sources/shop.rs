//! Ticket-shop exports: turns a pretix, Eventbrite or Tito export and the
//! event file's `tickets:` into a table whose columns are roster keys.
//!
//! The headings come from the shops' own exporters and help pages; see
//! docs/exports.md for where each list was read. Headings are matched
//! trimmed and case-insensitively, with old and new spellings and pretix's
//! German ones.

use crate::diag::{Diagnostic, Span};
use crate::load::sources::event::EventFile;
use crate::load::sources::headings::{find, plan, Kind, Plan, Source};
use crate::load::sources::sheet::norm;
use crate::load::sources::sheet::{Cell, Row, Table};

/// How a pretix CSV cell was written by defusedcsv, undone: a cell that
/// starts with `= + - @ | %` got a leading `'`, and its `|` became `\|`.
pub(super) fn undo_defusedcsv(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '|', '%']) => rest.replace("\\|", "|"),
        _ => text.to_string(),
    }
}

/// True for a code a spreadsheet turned into a rounded number, such as
/// `5.0123456781234568e20` for Eventbrite's 21-digit barcode.
fn lost_digits(code: &str) -> bool {
    let Some((mantissa, exponent)) = code.split_once(['e', 'E']) else { return false };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    // A float's text: digits with a point, an exponent of 1 to 3 digits,
    // and short (a shop's random codes are longer and not of this shape).
    code.len() <= 24
        && mantissa.contains('.')
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && (1..=3).contains(&exponent.len())
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// An export turned into roster columns.
pub(super) struct Adapted {
    pub(super) table: Table,
    /// Rows left out, by reason, with counts (in the order first met).
    pub(super) skipped: Vec<(String, usize)>,
    /// Headings no pass uses.
    pub(super) unused: Vec<String>,
}

/// Turns an export into a table of roster columns; `None` after errors.
pub(super) fn adapt(
    kind: Kind,
    table: &Table,
    ev: &EventFile,
    event_name: &str,
    found: &mut Vec<Diagnostic>,
) -> Option<Adapted> {
    let heads: Vec<String> = table.header.cells.iter().map(|c| norm(&c.text)).collect();
    let mut p = plan(kind, &heads);
    let header_span =
        Span { file: table.file, line: table.header.line, col: 0, len: table.header.len.max(1) };
    let header_end = Span { col: table.header.len, len: 1, ..header_span };
    let x = Export { kind, table, ev, event_name, header_end };
    let before = found.len();

    // The event file's `columns` win over the export's own headings.
    x.apply_columns(&mut p, &heads, found);
    x.check_columns(&p, found);
    if found.len() > before {
        return None;
    }
    let (Some(id), Some(ticket_type)) = (&p.id, &p.ticket_type) else { return None };

    // Each row: skipped, or its ticket type looked up in `tickets:`.
    let Sorted { kept, skipped, unmapped } = x.sort_rows(&p, ticket_type);
    if !unmapped.is_empty() {
        found.push(x.unmapped(&unmapped, ticket_type));
        return None;
    }

    // The roster columns, each shown where its values come from.
    let keys = roster_keys(&p, id, ticket_type, ev);
    let header = Row {
        cells: keys
            .iter()
            .map(|(k, s)| Cell { text: k.to_string(), ..place(&table.header, s) })
            .collect(),
        ..table.header.clone()
    };
    let labels = x.labels(&keys);
    let rows = x.rows(&keys, kept, found);
    if found.len() > before {
        return None;
    }
    let unused = unused(&heads, table, &keys, &p);
    Some(Adapted { table: Table { file: table.file, header, rows, labels }, skipped, unused })
}

/// An export being adapted, with what its messages name.
struct Export<'a> {
    kind: Kind,
    table: &'a Table,
    ev: &'a EventFile,
    event_name: &'a str,
    /// The end of the header row, where a missing column is shown.
    header_end: Span,
}

/// The rows of an export, sorted by their ticket types.
struct Sorted {
    /// Rows that get a pass: their index and pass type.
    kept: Vec<(usize, String)>,
    /// Rows left out, by reason, with counts (in the order first met).
    skipped: Vec<(String, usize)>,
    /// Ticket types not in `tickets:`: the type, its rows and its first row.
    unmapped: Vec<(String, usize, usize)>,
}

impl Export<'_> {
    /// Puts the event file's `columns` and patterns into the plan, in place
    /// of the export's own headings.
    fn apply_columns(&self, p: &mut Plan, heads: &[String], found: &mut Vec<Diagnostic>) {
        let (ev, event_name, header_end) = (self.ev, self.event_name, self.header_end);
        for (head, key) in &ev.renames {
            let Some(key) = key else { continue };
            let Some(c) = find(heads, &[norm(head).as_str()]) else {
                found.push(Diagnostic::error(
                    header_end,
                    format!(
                        "{event_name} maps the heading \"{head}\", which this export does not have"
                    ),
                ));
                continue;
            };
            let slot = match *key {
                "id" => &mut p.id,
                "name" => &mut p.name,
                "pass" => &mut p.ticket_type,
                "organisation" => &mut p.organisation,
                "role" => &mut p.role,
                "ticket" => &mut p.code,
                other => {
                    found.push(Diagnostic::error(
                        header_end,
                        format!("`columns` cannot give `{other}` for a ticket-shop export"),
                    ).hint("an export gives id, name, pass (its ticket type), organisation, role and ticket"));
                    continue;
                }
            };
            *slot = Some(Source::Column(c));
        }
        for (key, pattern) in &ev.patterns {
            let slot = match *key {
                "id" => &mut p.id,
                "name" => &mut p.name,
                "organisation" => &mut p.organisation,
                "role" => &mut p.role,
                other => {
                    found.push(
                        Diagnostic::error(
                            header_end,
                            format!("a pattern cannot give `{other}` for a ticket-shop export"),
                        )
                        .hint("patterns give id, name, organisation or role; the pass type comes from `tickets:`"),
                    );
                    continue;
                }
            };
            *slot = Some(Source::Pattern(pattern.clone()));
        }
    }

    /// Tells of each column the plan needs and the export lacks: the id,
    /// the name, the ticket type and, with `qr: ticket`, the ticket code.
    fn check_columns(&self, p: &Plan, found: &mut Vec<Diagnostic>) {
        let (kind, ev, event_name, header_end) =
            (self.kind, self.ev, self.event_name, self.header_end);
        let missing = |what: &str, looked: String, found: &mut Vec<Diagnostic>, hint: String| {
            found.push(
                Diagnostic::error(
                    header_end,
                    format!("this {} has no {what} column ({looked})", kind.describe()),
                )
                .hint(hint),
            );
        };
        if p.id.is_none() {
            let looked = match kind {
                Kind::PretixPositions => "\"Order code\" and \"Position ID\"".to_string(),
                Kind::PretixCheckin => "\"Order code\"".to_string(),
                Kind::PretixCodes => "\"Secret\"".to_string(),
                Kind::Eventbrite => "\"Attendee #\"".to_string(),
                Kind::Tito => "\"Ticket Reference\"".to_string(),
            };
            missing(
                "id",
                looked,
                found,
                format!("export it again with that column, or map one in {event_name}: columns: {{ \"Your heading\": id }}"),
            );
        }
        if p.name.is_none() && kind != Kind::PretixCodes {
            let looked = match kind {
                Kind::Eventbrite => "\"First Name\" and \"Last Name\"".to_string(),
                Kind::Tito => {
                    "\"Ticket First Name\" and \"Ticket Last Name\", or \"Ticket Full Name\""
                        .to_string()
                }
                _ => "\"Attendee name\" or \"Attendee name: Given name\"".to_string(),
            };
            missing(
                "name",
                looked,
                found,
                format!(
                    "write the name's headings in {event_name}, e.g. columns: {{ name: \"{{First}} {{Last}}\" }}"
                ),
            );
        }
        if p.ticket_type.is_none() {
            let looked = match kind {
                Kind::Eventbrite => "\"Ticket Type\"".to_string(),
                Kind::Tito => "\"Ticket\"".to_string(),
                _ => "\"Product\"".to_string(),
            };
            missing(
                "ticket type",
                looked,
                found,
                format!("map one in {event_name}: columns: {{ \"Your heading\": pass }}"),
            );
        }
        if ev.qr_ticket && p.code.is_none() {
            found.push(
                Diagnostic::error(
                    header_end,
                    format!(
                        "qr: ticket puts the export's ticket code in the QR, and this {} has no \"{}\" column",
                        kind.describe(),
                        p.code_heading
                    ),
                )
                .hint(match kind {
                    Kind::PretixPositions => "export \"Order data\" from pretix 4.x or later (it has \"Ticket secret\"), or the \"Check-in list\" with its QR-code secrets; or take `qr: ticket` out of the event file".to_string(),
                    Kind::PretixCheckin => "export the check-in list again with \"Include QR-code secret\" ticked; or take `qr: ticket` out of the event file".to_string(),
                    _ => format!("export it again with \"{}\", or take `qr: ticket` out of the event file", p.code_heading),
                }),
            );
        }
    }

    /// Sorts each row: skipped (and why), kept with the pass type its
    /// ticket type is mapped to in `tickets:`, or of a ticket type not there.
    fn sort_rows(&self, p: &Plan, ticket_type: &Source) -> Sorted {
        let (table, ev) = (self.table, self.ev);
        let mut skipped: Vec<(String, usize)> = Vec::new();
        let mut count = |why: &str| match skipped.iter_mut().find(|(w, _)| w == why) {
            Some((_, n)) => *n += 1,
            None => skipped.push((why.to_string(), 1)),
        };
        let mut unmapped: Vec<(String, usize, usize)> = Vec::new();
        let mut seen = std::collections::HashMap::new();
        let mut kept: Vec<(usize, String)> = Vec::new();
        for (r, row) in table.rows.iter().enumerate() {
            if let Some(why) = p
                .skips
                .iter()
                .find_map(|s| row.cells.get(s.column).and_then(|c| (s.test)(c.text.trim())))
            {
                count(why);
                continue;
            }
            let value = ticket_type.value(row, &mut seen);
            // "Product – Variation", then "Product" alone.
            let product =
                ticket_type.column().map_or("", |c| row.cells.get(c).map_or("", |c| c.text.trim()));
            let mapped = ev
                .tickets
                .iter()
                .find(|(t, _)| *t == value)
                .or_else(|| ev.tickets.iter().find(|(t, _)| *t == product));
            match mapped {
                Some((_, Some(pass))) => kept.push((r, pass.clone())),
                Some((_, None)) => count("ticket type mapped to ~"),
                None => match unmapped.iter_mut().find(|(v, _, _)| *v == value) {
                    Some((_, n, _)) => *n += 1,
                    None => unmapped.push((value, 1, r)),
                },
            }
        }
        Sorted { kept, skipped, unmapped }
    }

    /// The error for ticket types not in `tickets:`, at the first row of
    /// the first, with the `tickets:` block that would map them all.
    fn unmapped(&self, unmapped: &[(String, usize, usize)], ticket_type: &Source) -> Diagnostic {
        let (table, ev, event_name) = (self.table, self.ev, self.event_name);
        let (_, _, r) = &unmapped[0];
        let row = &table.rows[*r];
        let at = ticket_type.column().and_then(|c| row.cells.get(c)).map_or(self.header_end, |c| {
            Span { file: table.file, line: c.line, col: c.col, len: c.len.max(1) }
        });
        let list: Vec<String> = unmapped
            .iter()
            .map(|(v, n, _)| format!("\"{v}\" ({n} row{})", if *n == 1 { "" } else { "s" }))
            .collect();
        let mut block = String::from("tickets:\n");
        for (t, pass) in &ev.tickets {
            block.push_str(&format!(
                "  {}: {}\n",
                crate::load::sources::write::quote(t),
                pass.as_deref().unwrap_or("~")
            ));
        }
        for (v, _, _) in unmapped {
            block.push_str(&format!(
                "  {}: ~    # or a pass type\n",
                crate::load::sources::write::quote(v)
            ));
        }
        Diagnostic::error(
            at,
            if ev.tickets.is_empty() {
                format!("{event_name} has no `tickets:` to give these ticket types a pass type: {}", list.join(", "))
            } else {
                format!("ticket type{} not in `tickets:` of {event_name}: {}", if unmapped.len() == 1 { "" } else { "s" }, list.join(", "))
            },
        )
        .hint(format!(
            "in {}; map each to a pass type or alias (laminate templates lists them), or to ~ for no pass:\n{}",
            table.labels[ticket_type.column().unwrap_or(0)],
            block.trim_end()
        ))
    }

    /// How messages name each roster column: the labels of the columns its
    /// values come from.
    fn labels(&self, keys: &[(&'static str, &Source)]) -> Vec<String> {
        keys.iter()
            .map(|(_, s)| {
                let mut cs = Vec::new();
                s.columns(&mut cs);
                cs.dedup();
                let ls: Vec<&str> = cs
                    .iter()
                    .filter_map(|&c| self.table.labels.get(c).map(String::as_str))
                    .collect();
                ls.join(" and ")
            })
            .collect()
    }

    /// The kept rows as rows of roster columns, each cell at the place its
    /// value comes from; a ticket code that is missing or lost its digits
    /// is told.
    fn rows(
        &self,
        keys: &[(&'static str, &Source)],
        kept: Vec<(usize, String)>,
        found: &mut Vec<Diagnostic>,
    ) -> Vec<Row> {
        let table = self.table;
        let mut seen = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(kept.len());
        for (r, pass) in kept {
            let row = &table.rows[r];
            let mut cells: Vec<Cell> = Vec::with_capacity(keys.len());
            for (k, s) in keys {
                let text = match *k {
                    "pass" => pass.clone(),
                    "id" => s.value(row, &mut seen).trim_start_matches('#').to_string(),
                    _ => s.value(row, &mut seen),
                };
                let cell = Cell { text, ..place(row, s) };
                // Without its code the pass would silently carry laminate's
                // payload, which the shop's scanner refuses at the door.
                if *k == "ticket" && (cell.text.is_empty() || lost_digits(&cell.text)) {
                    found.push(self.bad_code(&cell, s).entry(cells[0].text.clone()));
                }
                cells.push(cell);
            }
            rows.push(Row { cells, ..row.clone() });
        }
        rows
    }

    /// The error for a row's ticket code that is empty or lost its digits.
    fn bad_code(&self, cell: &Cell, s: &Source) -> Diagnostic {
        let (table, event_name) = (self.table, self.event_name);
        let at = Span { file: table.file, line: cell.line, col: cell.col, len: cell.len.max(1) };
        let label = s.column().and_then(|c| table.labels.get(c)).map_or("", String::as_str);
        if cell.text.is_empty() {
            Diagnostic::error(at, "this row has no ticket code for its QR (`qr: ticket`)")
                .hint(format!("{label} is empty on this row; export the tickets again, or take `qr: ticket` out of {event_name}"))
        } else {
            Diagnostic::error(at, format!("the ticket code \"{}\" was stored as a number and lost its digits", cell.text))
                .hint(format!("{label} of a workbook holds the code as a number; export the tickets as CSV, or format the column as text"))
        }
    }
}

/// The roster columns and where each one's values come from.
fn roster_keys<'p>(
    p: &'p Plan,
    id: &'p Source,
    ticket_type: &'p Source,
    ev: &EventFile,
) -> Vec<(&'static str, &'p Source)> {
    let mut keys: Vec<(&'static str, &Source)> = vec![("id", id)];
    match &p.name {
        Some(name) => keys.push(("name", name)),
        // pretix's codes list has no names: the pass shows the product.
        None => keys.push(("name", ticket_type)),
    }
    keys.push(("pass", ticket_type));
    if let Some(o) = &p.organisation {
        keys.push(("organisation", o));
    }
    if let Some(r) = &p.role {
        keys.push(("role", r));
    }
    if let (true, Some(c)) = (ev.qr_ticket, &p.code) {
        keys.push(("ticket", c));
    }
    keys
}

/// A cell at the place of a source's column on a row (the row's start if
/// it has none), without text.
fn place(row: &Row, s: &Source) -> Cell {
    s.column().and_then(|c| row.cells.get(c)).cloned().unwrap_or(Cell {
        text: String::new(),
        line: row.line,
        col: 0,
        len: row.len,
    })
}

/// The export's headings that no roster column, skip or ticket code uses.
fn unused(
    heads: &[String],
    table: &Table,
    keys: &[(&'static str, &Source)],
    p: &Plan,
) -> Vec<String> {
    let mut used = Vec::new();
    for (_, s) in keys {
        s.columns(&mut used);
    }
    for s in &p.skips {
        used.push(s.column);
    }
    if let Some(c) = &p.code {
        c.columns(&mut used);
    }
    (0..heads.len())
        .filter(|i| !used.contains(i) && !heads[*i].is_empty())
        .map(|i| table.header.cells[i].text.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_turned_into_numbers_are_told() {
        assert!(lost_digits("5.0123456781234568e20"));
        assert!(lost_digits("5.01E+20"));
        assert!(!lost_digits("8e3012ab"));
        assert!(!lost_digits("501234567812345678001"));
        assert!(!lost_digits("QAZW-1"));
        assert!(!lost_digits("e4bibyts"));
    }

    #[test]
    fn defusedcsv_escapes_are_undone() {
        assert_eq!(undo_defusedcsv("'=HYPERLINK(x)"), "=HYPERLINK(x)");
        assert_eq!(undo_defusedcsv("'-a\\|b"), "-a|b");
        assert_eq!(undo_defusedcsv("'Brien"), "'Brien");
        assert_eq!(undo_defusedcsv("plain\\|"), "plain\\|");
    }
}
