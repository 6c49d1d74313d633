//! Event files from exports: turns a ticket-shop export that has no event
//! file into the event file it needs: the event's name and dates where the
//! export has them, and a `tickets:` block with each ticket type, its rows
//! and a pass type to start from (`validate` prints it, `laminate init
//! --from EXPORT` writes it).

use std::collections::HashMap;
use std::path::Path;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Sources, Span};
use crate::load::sources::format::{read_text, Format};
use crate::load::sources::headings::{self, find, plan, From, Kind};
use crate::load::sources::sheet::norm;
use crate::load::sources::sheet::{self, Row, Table};
use crate::load::sources::write::{quote, scalar};
use crate::load::template::{Days, TemplateSet};
use crate::outcome::Failure;

/// Headings of the event's name: pretix "Event name", Eventbrite "Event
/// Name", Tito "Event"; pretix's German "Veranstaltung".
const EVENT_NAME: &[&str] = &["event name", "event", "veranstaltung", "veranstaltungsname"];
/// Headings of a first day: an event series' date (pretix "Date", "Start
/// date"), Eventbrite's "Event Date", the tickets' "Valid from".
const STARTS: &[&str] = &[
    "event date",
    "event start date",
    "start date",
    "date",
    "valid from",
    "datum",
    "beginn",
    "gültig ab",
];
/// Headings of a last day.
const ENDS: &[&str] = &[
    "event date",
    "event end date",
    "end date",
    "date",
    "valid until",
    "datum",
    "ende",
    "gültig bis",
];

/// Ticket types that are no pass: things bought with a ticket.
const NO_PASS: &[&str] = &[
    "parking",
    "parkplatz",
    "parken",
    "merch",
    "merchandise",
    "shirt",
    "t-shirt",
    "donation",
    "spende",
    "voucher",
    "gutschein",
    "gift",
    "add-on",
    "addon",
];
/// Words that make a ticket type a one-day ticket.
const DAY_WORDS: &[&str] = &[
    "day",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "sonnabend",
];

/// The built-in pass types, for an event file suggested outside a run.
pub(super) fn builtin_set() -> TemplateSet {
    let (mut sources, mut found) = (Sources::default(), Vec::new());
    crate::load::template::folder::load(
        &crate::load::template::Origin::Builtin,
        &mut sources,
        &mut found,
    )
    .unwrap_or_default()
}

/// The event file an export needs, made from the export .
pub(super) fn for_export(kind: Kind, path: &Path, table: &Table, set: &TemplateSet) -> String {
    let file = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let today = jiff::Zoned::now().date();
    event_file(kind, table, &file, set, today)
}

/// The event file for a ticket-shop export that has none (`laminate init
/// --from EXPORT`), with `set`'s pass types; an error when the file is not
/// an export laminate knows (`from` names the shop, as `--from` does).
pub fn event_file_for(path: &Path, from: From, set: &TemplateSet) -> Result<String, Failure> {
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let table = match Format::of(path) {
        Format::Csv => match read_text(path, &mut sources, &mut found)? {
            Some((text, file)) => sheet::csv_table(&text, file, &mut found),
            None => None,
        },
        Format::Xlsx => sheet::xlsx_table(path, &mut sources, &mut found)?,
        Format::Yaml => {
            let file = sources.add(path.display().to_string(), "".into());
            found.push(
                Diagnostic::error(
                    Span { file, line: 1, col: 0, len: 1 },
                    "a YAML roster has its event in it",
                )
                .hint("laminate init --from reads a ticket-shop export: a .csv or .xlsx file"),
            );
            None
        }
    };
    let kind = table.as_ref().and_then(|t| headings::recognise(&t.header, from));
    match (table, kind) {
        (Some(table), Some(kind)) if found.is_empty() => Ok(for_export(kind, path, &table, set)),
        (Some(table), None) => {
            let span = Span {
                file: table.file,
                line: table.header.line,
                col: 0,
                len: table.header.len.max(1),
            };
            found.push(
                Diagnostic::error(span, "this table is not a ticket-shop export laminate knows")
                    .hint("laminate knows pretix, Eventbrite and Tito exports by their headings; force one with --from pretix|eventbrite|tito"),
            );
            Err(Failure::input(sources, found))
        }
        _ => Err(Failure::input(sources, found)),
    }
}

/// One ticket type of the export: its rows (those that get a pass) and
/// the pass type written for it, with how it was chosen.
struct Ticket {
    name: String,
    rows: usize,
    pass: Option<String>,
    guessed: bool,
}

/// The event file for an export, as YAML with comments; `file` is the
/// export's file name, `today` the date written when the export has none.
pub(super) fn event_file(
    kind: Kind,
    table: &Table,
    file: &str,
    set: &TemplateSet,
    today: Date,
) -> String {
    let heads: Vec<String> = table.header.cells.iter().map(|c| norm(&c.text)).collect();
    let p = plan(kind, &heads);
    let mut y = format!(
        "# The event file of {file} ({}), made by laminate from\n\
         # the export: check the event and each ticket type's pass type.\nevent:\n",
        kind.describe()
    );
    match most_common(table, find(&heads, EVENT_NAME)) {
        Some(name) => y.push_str(&format!("  name: {}\n", scalar(&name))),
        None => {
            let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
            y.push_str(&format!(
                "  name: {}    # not in the export: write the event's name\n",
                scalar(stem)
            ));
        }
    }
    // The ticket types of the rows that get a pass, in the order first met.
    let mut tickets: Vec<Ticket> = Vec::new();
    let mut left_out: Vec<(&'static str, usize)> = Vec::new();
    let mut seen = HashMap::new();
    let mut codes = p.code.is_some();
    let mut kept: Vec<&Row> = Vec::new();
    for row in &table.rows {
        if let Some(why) = p
            .skips
            .iter()
            .find_map(|s| row.cells.get(s.column).and_then(|c| (s.test)(c.text.trim())))
        {
            match left_out.iter_mut().find(|(w, _)| *w == why) {
                Some((_, n)) => *n += 1,
                None => left_out.push((why, 1)),
            }
            continue;
        }
        kept.push(row);
        if let Some(code) = &p.code {
            codes &= !code.value(row, &mut seen).is_empty();
        }
        let Some(ticket) = &p.ticket_type else { continue };
        // "Product – Variation", or "Product" alone where the variation is
        // empty: the names `tickets:` is looked up with (see `shop::adapt`).
        let mut name = ticket.value(row, &mut seen);
        if name.is_empty() {
            let product = ticket.column().and_then(|c| row.cells.get(c));
            name = product.map_or_else(String::new, |c| c.text.trim().to_string());
        }
        match tickets.iter_mut().find(|t| t.name == name) {
            Some(t) => t.rows += 1,
            None => {
                let (pass, guessed) = pass_for(&name, set);
                tickets.push(Ticket { name, rows: 1, pass, guessed });
            }
        }
    }
    let starts = dates(&kept, &heads, STARTS).into_iter().min();
    let ends = dates(&kept, &heads, ENDS).into_iter().max();
    match (starts, ends) {
        (Some(s), Some(e)) => y.push_str(&format!("  starts: {s}\n  ends: {}\n", e.max(s))),
        (Some(d), None) | (None, Some(d)) => y.push_str(&format!("  starts: {d}\n  ends: {d}\n")),
        (None, None) => y.push_str(&format!(
            "  starts: {today}    # not in the export: today; write the event's first day\n  \
             ends: {today}      # and its last\n"
        )),
    }

    y.push_str(
        "# Each ticket type of the export, with its rows, to a pass type or alias\n\
         # (laminate templates lists them), or to ~ for no pass.\ntickets:\n",
    );
    for t in &tickets {
        let rows = format!("{} row{}", t.rows, if t.rows == 1 { "" } else { "s" });
        let note = if t.guessed { "; a guess from its name: check it" } else { "" };
        y.push_str(&format!(
            "  {}: {}    # {rows}{note}\n",
            quote(&t.name),
            t.pass.as_deref().unwrap_or("~")
        ));
    }
    if !left_out.is_empty() {
        let list: Vec<String> = left_out.iter().map(|(w, n)| format!("{n} {w}")).collect();
        y.push_str(&format!(
            "# Rows that get no pass whatever their ticket type: {}.\n",
            list.join(", ")
        ));
    }
    if codes && !tickets.is_empty() {
        y.push_str(&format!(
            "# The QR carries the export's own ticket code (\"{}\"), so the shop's scanner admits the pass.\nqr: ticket\n",
            p.code_heading
        ));
    }
    y
}

/// The pass type for a ticket type: one named like it (a guess when only a
/// word of the name matches), none for parking and the like, the day pass
/// for a day's ticket, else the pass type that grants least (fewest zones,
/// a range of days). Never more access than the name says.
fn pass_for(ticket: &str, set: &TemplateSet) -> (Option<String>, bool) {
    let lower = ticket.to_lowercase();
    if let Some(t) = set.find(lower.trim()) {
        return (Some(set.templates[t].name.clone()), false);
    }
    let words: Vec<&str> =
        lower.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect();
    if let Some(t) = words.iter().find_map(|w| set.find(w)) {
        return (Some(set.templates[t].name.clone()), true);
    }
    if words.iter().any(|w| NO_PASS.contains(w)) {
        return (None, true);
    }
    let daily = |w: &&str| {
        DAY_WORDS.contains(w) || w.starts_with("tages") || (w.len() > 4 && w.ends_with("tag"))
    };
    if words.iter().any(daily) {
        if let Some(t) = set.templates.iter().find(|t| t.days == Days::Single) {
            return (Some(t.name.clone()), true);
        }
    }
    // "all areas" grants every zone (see `sign::verify`).
    let grants = |t: &&crate::load::template::Template| {
        if t.zones.iter().any(|z| z.eq_ignore_ascii_case("all areas")) {
            usize::MAX
        } else {
            t.zones.len()
        }
    };
    let least = set
        .templates
        .iter()
        .filter(|t| t.days == Days::Range)
        .min_by(|a, b| grants(a).cmp(&grants(b)).then(a.name.cmp(&b.name)))
        .or(set.templates.first());
    (least.map(|t| t.name.clone()), true)
}

/// The most common text of a column (the first met among equals), if any
/// row has one.
fn most_common(table: &Table, column: Option<usize>) -> Option<String> {
    let c = column?;
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for row in &table.rows {
        let Some(text) = row.cells.get(c).map(|c| c.text.trim()).filter(|t| !t.is_empty()) else {
            continue;
        };
        match counts.iter_mut().find(|(t, _)| *t == text) {
            Some((_, n)) => *n += 1,
            None => counts.push((text, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts.into_iter().find(|(_, n)| *n == best).map(|(t, _)| t.to_string())
}

/// The dates of `rows` in the columns headed with one of `names`: each
/// cell's first ten characters read as YYYY-MM-DD (a time after them is left).
fn dates(rows: &[&Row], heads: &[String], names: &[&str]) -> Vec<Date> {
    let columns: Vec<usize> =
        (0..heads.len()).filter(|&i| names.contains(&heads[i].as_str())).collect();
    let mut out = Vec::new();
    for row in rows {
        for &c in &columns {
            let text = row.cells.get(c).map_or("", |c| c.text.trim());
            if let Some(d) = text.get(..10).and_then(|d| d.parse::<Date>().ok()) {
                out.push(d);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::sources::sheet::Cell;

    fn builtin() -> TemplateSet {
        let (mut sources, mut found) = (crate::diag::Sources::default(), Vec::new());
        crate::load::template::folder::load(
            &crate::load::template::Origin::Builtin,
            &mut sources,
            &mut found,
        )
        .expect("the built-in set loads")
    }

    #[test]
    fn ticket_types_get_no_more_access_than_their_names_say() {
        let set = builtin();
        let pass = |t: &str| pass_for(t, &set);
        let some = |p: &str, guessed| (Some(p.to_string()), guessed);
        assert_eq!(pass("Crew"), some("crew", false));
        assert_eq!(pass(" vip "), some("limited", false));
        assert_eq!(pass("Day Pass"), some("day", true));
        assert_eq!(pass("Stage Crew"), some("crew", true));
        assert_eq!(pass("Festival pass – Saturday"), some("day", true));
        assert_eq!(pass("Tagesticket – Montag"), some("day", true));
        assert_eq!(pass("Parking"), (None, true));
        assert_eq!(pass("T-Shirt"), (None, true));
        // Unknown names get the pass type that grants least, never all areas.
        assert_eq!(pass("Artist"), some("sticky", true));
        assert_eq!(pass("Main Stage"), some("sticky", true));
    }

    #[test]
    fn dates_are_read_from_the_start_of_a_cell() {
        let row = |cells: &[&str]| Row {
            line: 2,
            len: 1,
            cells: cells.iter().map(|t| Cell { text: t.to_string(), ..Cell::default() }).collect(),
        };
        let heads: Vec<String> = ["valid from", "valid until", "name"].map(String::from).to_vec();
        let a = row(&["2026-08-01 18:00:00", "2026-08-02", "2026-01-01"]);
        let b = row(&["", "soon", "x"]);
        let rows = [&a, &b];
        assert_eq!(dates(&rows, &heads, STARTS), ["2026-08-01".parse::<Date>().unwrap()]);
        assert_eq!(dates(&rows, &heads, ENDS), ["2026-08-02".parse::<Date>().unwrap()]);
    }
}
