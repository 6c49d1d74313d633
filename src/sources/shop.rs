//! Ticket-shop exports: turns a pretix, Eventbrite or Tito export and the
//! event file's `tickets:` into a table whose columns are roster keys.
//!
//! The headings come from the shops' own exporters and help pages; see
//! docs/exports.md for where each list was read. Headings are matched
//! trimmed and case-insensitively, with old and new spellings and pretix's
//! German ones.

use super::pattern::Pattern;
use super::sheet::{Cell, Row, Table};
use super::EventFile;
use crate::diag::{Diagnostic, Span};

/// The program that wrote a roster table, as `--from` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum From {
    /// Told by the headings: a known export, else a plain table.
    #[default]
    Auto,
    /// pretix: "Order data" (`Order positions`), "Check-in list" or "Valid check-in codes".
    Pretix,
    /// Eventbrite's attendee report.
    Eventbrite,
    /// Tito's tickets export.
    Tito,
    /// A plain table headed with roster keys (today's strict checks).
    Csv,
}

impl From {
    /// Reads a `--from` value.
    pub fn parse(text: &str) -> Option<From> {
        match text.to_ascii_lowercase().as_str() {
            "pretix" => Some(From::Pretix),
            "eventbrite" => Some(From::Eventbrite),
            "tito" => Some(From::Tito),
            "csv" => Some(From::Csv),
            _ => None,
        }
    }
}

/// The exports laminate knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    PretixPositions,
    PretixCheckin,
    PretixCodes,
    Eventbrite,
    Tito,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::PretixPositions => "pretix \"Order positions\" export",
            Kind::PretixCheckin => "pretix \"Check-in list\" export",
            Kind::PretixCodes => "pretix \"Valid check-in codes\" export",
            Kind::Eventbrite => "Eventbrite attendee report",
            Kind::Tito => "Tito tickets export",
        }
    }

    pub(super) fn is_pretix(self) -> bool {
        matches!(self, Kind::PretixPositions | Kind::PretixCheckin | Kind::PretixCodes)
    }
}

// Headings, lower case; English first, then older spellings and German.
const ORDER_CODE: &[&str] = &["order code", "bestellnummer"];
const POSITION_ID: &[&str] = &["position id", "position"];
const PRODUCT: &[&str] = &["product", "produkt"];
const VARIATION: &[&str] = &["variation", "variante"];
const STATUS: &[&str] = &["status"];
const ATTENDEE_NAME: &[&str] = &["attendee name", "name teilnehmer*in"];
/// Name parts by the event's name scheme: `Attendee name: Given name`...
const NAME_PARTS: &[&str] = &["attendee name: ", "name teilnehmer*in: ", "teilnehmer*innenname: "];
const ATTENDEE_COMPANY: &[&str] =
    &["attendee company", "teilnehmer*innen-firma", "company", "firma"];
const TICKET_SECRET: &[&str] = &["ticket secret", "ticket-code"];
const SECRET: &[&str] = &["secret"];
const BLOCKED: &[&str] = &["blocked", "gesperrt"];
const ADDON_TO: &[&str] = &["add-on to position id", "zusatzprodukt zu position"];
const CHECKED_IN: &[&str] = &["checked in", "eingecheckt"];
const PAID: &[&str] = &["paid", "bezahlt"];

const EB_ATTENDEE: &[&str] = &["attendee #"];
const EB_TICKET_TYPE: &[&str] = &["ticket type"];
const EB_FIRST: &[&str] = &["first name"];
const EB_LAST: &[&str] = &["last name"];
const EB_COMPANY: &[&str] = &["company"];
const EB_JOB: &[&str] = &["job title"];
const EB_BARCODE: &[&str] = &["barcode #"];
const EB_STATUS: &[&str] = &["attendee status"];

const TITO_REFERENCE: &[&str] = &["ticket reference", "reference"];
const TITO_TICKET: &[&str] = &["ticket", "release"];
const TITO_FULL: &[&str] = &["ticket full name", "name"];
const TITO_FIRST: &[&str] = &["ticket first name", "first name"];
const TITO_LAST: &[&str] = &["ticket last name", "last name"];
const TITO_COMPANY: &[&str] = &["ticket company name", "company name"];
const TITO_VOID: &[&str] = &["void status"];

/// A heading as compared: trimmed, without a byte-order mark, lower case.
pub(super) fn norm(heading: &str) -> String {
    heading.trim_start_matches('\u{feff}').trim().to_lowercase()
}

/// The index of the first heading that is one of `names`.
fn find(heads: &[String], names: &[&str]) -> Option<usize> {
    heads.iter().position(|h| names.contains(&h.as_str()))
}

/// Which export a header row is, or `None` for a plain table.
pub(super) fn recognise(header: &Row, from: From) -> Option<Kind> {
    let heads: Vec<String> = header.cells.iter().map(|c| norm(&c.text)).collect();
    let has = |names: &[&str]| find(&heads, names).is_some();
    let pretix = if has(ORDER_CODE) && has(POSITION_ID) && has(PRODUCT) {
        Some(Kind::PretixPositions)
    } else if has(ORDER_CODE) && has(ATTENDEE_NAME) && has(PRODUCT) && has(CHECKED_IN) {
        Some(Kind::PretixCheckin)
    } else if has(SECRET) && has(PRODUCT) && has(PAID) && !has(ORDER_CODE) {
        Some(Kind::PretixCodes)
    } else {
        None
    };
    let eventbrite = (has(EB_ATTENDEE) && has(EB_TICKET_TYPE)).then_some(Kind::Eventbrite);
    let tito =
        (has(TITO_REFERENCE) && has(TITO_TICKET) && !has(EB_TICKET_TYPE)).then_some(Kind::Tito);
    match from {
        From::Csv => None,
        From::Auto => pretix.or(eventbrite).or(tito),
        // Forced: the kind even when its telling headings are missing, so
        // that the messages say which heading is missing.
        From::Pretix => Some(pretix.unwrap_or(if has(ORDER_CODE) {
            Kind::PretixCheckin
        } else {
            Kind::PretixPositions
        })),
        From::Eventbrite => Some(Kind::Eventbrite),
        From::Tito => Some(Kind::Tito),
    }
}

/// How a pretix CSV cell was written by defusedcsv, undone: a cell that
/// starts with `= + - @ | %` got a leading `'`, and its `|` became `\|`.
pub(super) fn undo_defusedcsv(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '|', '%']) => rest.replace("\\|", "|"),
        _ => text.to_string(),
    }
}

/// Where a value of a pass comes from in the export.
enum Source {
    /// One column's text.
    Column(usize),
    /// Columns joined: pretix's order code and position (`ABC12-1`).
    Joined(Vec<usize>, &'static str),
    /// The order code and the row's place among its order's rows.
    Counted(usize),
    /// A short hash of a column's text (pretix's codes list has no id).
    Hashed(usize),
    /// The first of these columns that is not empty on the row.
    First(Vec<Source>),
    /// The parts of a name, joined with spaces, empty ones left out.
    Parts(Vec<usize>),
    /// A pattern of headings from the event file.
    Pattern(Pattern),
}

impl Source {
    /// The column whose place a value is shown at.
    fn column(&self) -> Option<usize> {
        match self {
            Source::Column(c) | Source::Counted(c) | Source::Hashed(c) => Some(*c),
            Source::Joined(cs, _) | Source::Parts(cs) => cs.first().copied(),
            Source::First(list) => list.iter().find_map(Source::column),
            Source::Pattern(p) => p.columns().first().copied(),
        }
    }

    fn columns(&self, out: &mut Vec<usize>) {
        match self {
            Source::Column(c) | Source::Counted(c) | Source::Hashed(c) => out.push(*c),
            Source::Joined(cs, _) | Source::Parts(cs) => out.extend(cs),
            Source::First(list) => list.iter().for_each(|s| s.columns(out)),
            Source::Pattern(p) => out.extend(p.columns()),
        }
    }

    fn value(&self, row: &Row, seen: &mut std::collections::HashMap<String, usize>) -> String {
        let cell = |c: usize| row.cells.get(c).map_or("", |c| c.text.trim());
        match self {
            Source::Column(c) => cell(*c).to_string(),
            Source::Joined(cs, sep) => {
                let parts: Vec<&str> = cs.iter().map(|&c| cell(c)).collect();
                if parts.iter().any(|p| p.is_empty()) {
                    String::new()
                } else {
                    parts.join(sep)
                }
            }
            Source::Counted(c) => {
                let code = cell(*c);
                if code.is_empty() {
                    return String::new();
                }
                let n = seen.entry(code.to_string()).or_insert(0);
                *n += 1;
                format!("{code}-{n}")
            }
            Source::Hashed(c) => {
                use sha2::Digest;
                let code = cell(*c);
                if code.is_empty() {
                    return String::new();
                }
                let h = sha2::Sha256::digest(code.as_bytes());
                format!("T{}", h[..5].iter().map(|b| format!("{b:02x}")).collect::<String>())
            }
            Source::First(list) => {
                list.iter().map(|s| s.value(row, seen)).find(|v| !v.is_empty()).unwrap_or_default()
            }
            Source::Parts(cs) => {
                cs.iter().map(|&c| cell(c)).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
            }
            Source::Pattern(p) => p.apply(row),
        }
    }
}

/// Why a row gets no pass, told by one column.
struct Skip {
    column: usize,
    test: fn(&str) -> Option<&'static str>,
}

fn pretix_status(v: &str) -> Option<&'static str> {
    let v = v.to_lowercase();
    if v.starts_with("cancel") || v.starts_with("storniert") {
        Some("cancelled")
    } else if v.starts_with("expired") || v.starts_with("abgelaufen") {
        Some("expired")
    } else {
        None
    }
}

fn yes(v: &str) -> bool {
    matches!(v.to_lowercase().as_str(), "yes" | "ja" | "true" | "1")
}

fn blocked(v: &str) -> Option<&'static str> {
    yes(v).then_some("blocked")
}

fn addon(v: &str) -> Option<&'static str> {
    (!v.trim().is_empty()).then_some("add-on")
}

fn eventbrite_status(v: &str) -> Option<&'static str> {
    match v.to_lowercase().as_str() {
        "not attending" => Some("not attending"),
        "refunded" | "cancelled" | "canceled" | "deleted" => Some("cancelled"),
        "transferred" => Some("transferred"),
        _ => None,
    }
}

fn tito_void(v: &str) -> Option<&'static str> {
    match v.to_lowercase().as_str() {
        "" | "false" | "no" | "0" | "not void" | "valid" => None,
        _ => Some("void"),
    }
}

/// The columns of one export: where each roster key comes from.
struct Plan {
    id: Option<Source>,
    name: Option<Source>,
    ticket_type: Option<Source>,
    organisation: Option<Source>,
    role: Option<Source>,
    code: Option<Source>,
    skips: Vec<Skip>,
    /// The heading qr: ticket needs, for the message when it is missing.
    code_heading: &'static str,
}

fn plan(kind: Kind, heads: &[String]) -> Plan {
    let col = |names: &[&str]| find(heads, names).map(Source::Column);
    let parts = |prefixes: &[&str]| -> Option<Source> {
        let cs: Vec<usize> = (0..heads.len())
            .filter(|&i| prefixes.iter().any(|p| heads[i].starts_with(p)))
            .collect();
        (!cs.is_empty()).then_some(Source::Parts(cs))
    };
    let first = |list: Vec<Option<Source>>| -> Option<Source> {
        let list: Vec<Source> = list.into_iter().flatten().collect();
        match list.len() {
            0 => None,
            1 => list.into_iter().next(),
            _ => Some(Source::First(list)),
        }
    };
    let skip = |names: &[&str], test: fn(&str) -> Option<&'static str>| {
        find(heads, names).map(|column| Skip { column, test })
    };
    match kind {
        Kind::PretixPositions => Plan {
            id: match (find(heads, ORDER_CODE), find(heads, POSITION_ID)) {
                (Some(o), Some(p)) => Some(Source::Joined(vec![o, p], "-")),
                _ => None,
            },
            // pretix builds "Attendee name" from the parts by the event's
            // own name scheme (order of parts, spaces or none), so it comes
            // first; the parts are for exports where it is empty.
            name: first(vec![col(ATTENDEE_NAME), parts(NAME_PARTS)]),
            ticket_type: match (find(heads, PRODUCT), find(heads, VARIATION)) {
                (Some(p), Some(v)) => Some(Source::Joined(vec![p, v], " – ")),
                (Some(p), None) => Some(Source::Column(p)),
                _ => None,
            },
            organisation: col(ATTENDEE_COMPANY),
            role: None,
            code: col(TICKET_SECRET),
            skips: [skip(STATUS, pretix_status), skip(BLOCKED, blocked), skip(ADDON_TO, addon)]
                .into_iter()
                .flatten()
                .collect(),
            code_heading: "Ticket secret",
        },
        Kind::PretixCheckin => Plan {
            id: find(heads, ORDER_CODE).map(Source::Counted),
            name: first(vec![col(ATTENDEE_NAME), parts(NAME_PARTS)]),
            ticket_type: col(PRODUCT),
            organisation: col(ATTENDEE_COMPANY),
            role: None,
            code: col(SECRET),
            skips: skip(BLOCKED, blocked).into_iter().collect(),
            code_heading: "Secret",
        },
        Kind::PretixCodes => Plan {
            id: find(heads, SECRET).map(Source::Hashed),
            name: None,
            ticket_type: match (find(heads, PRODUCT), find(heads, VARIATION)) {
                (Some(p), Some(v)) => Some(Source::Joined(vec![p, v], " – ")),
                (Some(p), None) => Some(Source::Column(p)),
                _ => None,
            },
            organisation: None,
            role: None,
            code: col(SECRET),
            skips: skip(BLOCKED, blocked).into_iter().collect(),
            code_heading: "Secret",
        },
        Kind::Eventbrite => Plan {
            id: col(EB_ATTENDEE),
            name: match (find(heads, EB_FIRST), find(heads, EB_LAST)) {
                (Some(f), Some(l)) => Some(Source::Parts(vec![f, l])),
                (Some(f), None) => Some(Source::Column(f)),
                _ => col(&["name"]),
            },
            ticket_type: col(EB_TICKET_TYPE),
            organisation: col(EB_COMPANY),
            role: col(EB_JOB),
            code: col(EB_BARCODE),
            skips: skip(EB_STATUS, eventbrite_status).into_iter().collect(),
            code_heading: "Barcode #",
        },
        Kind::Tito => Plan {
            id: col(TITO_REFERENCE),
            name: first(vec![
                match (find(heads, TITO_FIRST), find(heads, TITO_LAST)) {
                    (Some(f), Some(l)) => Some(Source::Parts(vec![f, l])),
                    _ => None,
                },
                col(TITO_FULL),
            ]),
            ticket_type: col(TITO_TICKET),
            organisation: col(TITO_COMPANY),
            role: None,
            code: col(TITO_REFERENCE),
            skips: skip(TITO_VOID, tito_void).into_iter().collect(),
            code_heading: "Ticket Reference",
        },
    }
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
    let before = found.len();

    // The event file's `columns` win over the export's own headings.
    for (head, key) in &ev.renames {
        let Some(key) = key else { continue };
        let Some(c) = find(&heads, &[norm(head).as_str()]) else {
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
            _ => continue,
        };
        *slot = Some(Source::Pattern(pattern.clone()));
    }

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
            Kind::Tito => "\"Ticket First Name\" and \"Ticket Last Name\", or \"Ticket Full Name\""
                .to_string(),
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
    if found.len() > before {
        return None;
    }
    let (Some(id), Some(ticket_type)) = (&p.id, &p.ticket_type) else { return None };

    // Each row: skipped, or its ticket type looked up in `tickets:`.
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
    if !unmapped.is_empty() {
        let (first, _, r) = &unmapped[0];
        let row = &table.rows[*r];
        let at = ticket_type.column().and_then(|c| row.cells.get(c)).map_or(header_end, |c| Span {
            file: table.file,
            line: c.line,
            col: c.col,
            len: c.len.max(1),
        });
        let list: Vec<String> = unmapped
            .iter()
            .map(|(v, n, _)| format!("\"{v}\" ({n} row{})", if *n == 1 { "" } else { "s" }))
            .collect();
        let mut block = String::from("tickets:\n");
        for (t, pass) in &ev.tickets {
            block.push_str(&format!(
                "  {}: {}\n",
                super::write::quote(t),
                pass.as_deref().unwrap_or("~")
            ));
        }
        for (v, _, _) in &unmapped {
            block.push_str(&format!("  {}: ~    # or a pass type\n", super::write::quote(v)));
        }
        let _ = first;
        found.push(
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
            )),
        );
        return None;
    }

    // The roster columns, each shown where its values come from.
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
    let place = |row: &Row, s: &Source| -> Cell {
        s.column().and_then(|c| row.cells.get(c)).cloned().unwrap_or(Cell {
            text: String::new(),
            line: row.line,
            col: 0,
            len: row.len,
        })
    };
    let header = Row {
        cells: keys
            .iter()
            .map(|(k, s)| Cell { text: k.to_string(), ..place(&table.header, s) })
            .collect(),
        ..table.header.clone()
    };
    let labels = keys
        .iter()
        .map(|(_, s)| {
            let mut cs = Vec::new();
            s.columns(&mut cs);
            cs.dedup();
            let ls: Vec<&str> =
                cs.iter().filter_map(|&c| table.labels.get(c).map(String::as_str)).collect();
            ls.join(" and ")
        })
        .collect();
    let mut seen = std::collections::HashMap::new();
    let rows = kept
        .into_iter()
        .map(|(r, pass)| {
            let row = &table.rows[r];
            let cells = keys
                .iter()
                .map(|(k, s)| {
                    let text = match *k {
                        "pass" => pass.clone(),
                        _ => s.value(row, &mut seen),
                    };
                    let text =
                        if *k == "id" { text.trim_start_matches('#').to_string() } else { text };
                    Cell { text, ..place(row, s) }
                })
                .collect();
            Row { cells, ..row.clone() }
        })
        .collect();

    let mut used = Vec::new();
    for (_, s) in &keys {
        s.columns(&mut used);
    }
    for s in &p.skips {
        used.push(s.column);
    }
    if let Some(c) = &p.code {
        c.columns(&mut used);
    }
    let unused = (0..heads.len())
        .filter(|i| !used.contains(i) && !heads[*i].is_empty())
        .map(|i| table.header.cells[i].text.trim().to_string())
        .collect();
    Some(Adapted { table: Table { file: table.file, header, rows, labels }, skipped, unused })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(heads: &[&str]) -> Row {
        Row {
            line: 1,
            len: 1,
            cells: heads.iter().map(|h| Cell { text: h.to_string(), ..Cell::default() }).collect(),
        }
    }

    #[test]
    fn exports_are_told_by_their_headings() {
        let positions = header(&["Event slug", "Order code ", "Position ID", "Status", "Product"]);
        assert_eq!(recognise(&positions, From::Auto), Some(Kind::PretixPositions));
        assert_eq!(recognise(&positions, From::Csv), None);
        let german = header(&["\u{feff}Bestellnummer", "Position", "Status", "Produkt"]);
        assert_eq!(recognise(&german, From::Auto), Some(Kind::PretixPositions));
        let checkin = header(&["Order code", "Attendee name", "Product", "Price", "Checked in"]);
        assert_eq!(recognise(&checkin, From::Auto), Some(Kind::PretixCheckin));
        let codes = header(&["Secret", "Product", "Variation", "Paid"]);
        assert_eq!(recognise(&codes, From::Auto), Some(Kind::PretixCodes));
        let eb = header(&["Order #", "First Name", "Last Name", "Ticket Type", "Attendee #"]);
        assert_eq!(recognise(&eb, From::Auto), Some(Kind::Eventbrite));
        let tito = header(&["Ticket", "Ticket First Name", "Ticket Reference"]);
        assert_eq!(recognise(&tito, From::Auto), Some(Kind::Tito));
        assert_eq!(recognise(&header(&["id", "name", "pass"]), From::Auto), None);
    }

    #[test]
    fn defusedcsv_escapes_are_undone() {
        assert_eq!(undo_defusedcsv("'=HYPERLINK(x)"), "=HYPERLINK(x)");
        assert_eq!(undo_defusedcsv("'-a\\|b"), "-a|b");
        assert_eq!(undo_defusedcsv("'Brien"), "'Brien");
        assert_eq!(undo_defusedcsv("plain\\|"), "plain\\|");
    }

    #[test]
    fn statuses_that_get_no_pass() {
        assert_eq!(pretix_status("canceled"), Some("cancelled"));
        assert_eq!(pretix_status("storniert"), Some("cancelled"));
        assert_eq!(pretix_status("paid"), None);
        assert_eq!(eventbrite_status("Not Attending"), Some("not attending"));
        assert_eq!(eventbrite_status("Attending"), None);
        assert_eq!(tito_void("Void"), Some("void"));
        assert_eq!(tito_void(""), None);
    }
}
