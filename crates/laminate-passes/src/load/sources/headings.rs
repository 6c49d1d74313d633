//! Export headings: turns an export's header row into the export it is
//! and a plan of the columns each roster key, and each reason to leave a
//! row out, comes from (docs/exports.md lists them with their sources).

use crate::load::sources::pattern::Pattern;
use crate::load::sources::sheet::{norm, Row};

// Headings, lower case; English first, then older spellings and German.
const ORDER_CODE: &[&str] = &["order code", "bestellnummer"];
const POSITION_ID: &[&str] = &["position id", "position"];
const PRODUCT: &[&str] = &["product", "produkt"];
const VARIATION: &[&str] = &["variation", "variante"];
const STATUS: &[&str] = &["status"];
const ATTENDEE_NAME: &[&str] = &["attendee name", "name teilnehmer*in"];
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
    pub(super) fn describe(self) -> &'static str {
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

/// The index of the first heading that is one of `names`.
pub(super) fn find(heads: &[String], names: &[&str]) -> Option<usize> {
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

/// Where a value of a pass comes from in the export.
pub(super) enum Source {
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
    pub(super) fn column(&self) -> Option<usize> {
        match self {
            Source::Column(c) | Source::Counted(c) | Source::Hashed(c) => Some(*c),
            Source::Joined(cs, _) | Source::Parts(cs) => cs.first().copied(),
            Source::First(list) => list.iter().find_map(Source::column),
            Source::Pattern(p) => p.columns().first().copied(),
        }
    }

    pub(super) fn columns(&self, out: &mut Vec<usize>) {
        match self {
            Source::Column(c) | Source::Counted(c) | Source::Hashed(c) => out.push(*c),
            Source::Joined(cs, _) | Source::Parts(cs) => out.extend(cs),
            Source::First(list) => list.iter().for_each(|s| s.columns(out)),
            Source::Pattern(p) => out.extend(p.columns()),
        }
    }

    pub(super) fn value(
        &self,
        row: &Row,
        seen: &mut std::collections::HashMap<String, usize>,
    ) -> String {
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
pub(super) struct Skip {
    pub(super) column: usize,
    pub(super) test: fn(&str) -> Option<&'static str>,
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
pub(super) struct Plan {
    pub(super) id: Option<Source>,
    pub(super) name: Option<Source>,
    pub(super) ticket_type: Option<Source>,
    pub(super) organisation: Option<Source>,
    pub(super) role: Option<Source>,
    pub(super) code: Option<Source>,
    pub(super) skips: Vec<Skip>,
    /// The heading qr: ticket needs, for the message when it is missing.
    pub(super) code_heading: &'static str,
}

pub(super) fn plan(kind: Kind, heads: &[String]) -> Plan {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::sources::sheet::Cell;

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
