//! Event files: turns `NAME.event.yaml` beside a spreadsheet into what it
//! says about the table (`columns`, `tickets`, `qr`); its `event` is read
//! by the roster reader with the rows.

use crate::diag::{Diagnostic, FileId, Span};
use crate::load::roster::ENTRY_KEYS;
use crate::load::sources::pattern::{self, BadPattern, Pattern};
use crate::yaml::{self, Node, Value};

/// The keys of an event file.
pub(super) const EVENT_FILE_KEYS: &[&str] = &["event", "columns", "tickets", "qr"];

/// A heading of a spreadsheet and the roster key it gives (`None`: ignored).
pub(super) type Renames = Vec<(String, Option<&'static str>)>;

/// What an event file says about its table, besides the event.
#[derive(Default)]
pub(super) struct EventFile {
    /// `columns:` headings and the keys they give.
    pub(super) renames: Renames,
    /// `columns:` patterns as written (`name: "{First} {Last}"`), with places.
    pub(super) pattern_texts: Vec<(&'static str, String, Span)>,
    /// The patterns, read against the table's headings.
    pub(super) patterns: Vec<(&'static str, Pattern)>,
    /// `tickets:` ticket type and the pass type it gets (`None`: no pass).
    pub(super) tickets: Vec<(String, Option<String>)>,
    /// `qr: ticket`: the QR carries the export's ticket code.
    pub(super) qr_ticket: bool,
}

/// A pattern's problem as a message at its place in the event file.
pub(super) fn bad_pattern(
    why: BadPattern,
    text: &str,
    span: Span,
    headings: &[String],
) -> Diagnostic {
    match why {
        BadPattern::Braces => {
            Diagnostic::error(span, format!("\"{text}\" is not a pattern of headings"))
                .hint("write each heading in braces, e.g. \"{First Name} {Last Name}\"")
        }
        BadPattern::NoHeading => Diagnostic::error(span, format!("\"{text}\" names no heading"))
            .hint("write each heading in braces, e.g. \"{First Name} {Last Name}\""),
        BadPattern::Unknown(head) => {
            let trimmed: Vec<&str> = headings.iter().map(|h| h.trim()).collect();
            let d = Diagnostic::error(
                span,
                format!("the pattern names the heading \"{head}\", which the table does not have"),
            );
            match yaml::nearest(&head, &trimmed) {
                Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                None => d.hint(format!("the table's headings: {}", trimmed.join(", "))),
            }
        }
    }
}

/// Reads an event file's shape, its `columns`, `tickets` and `qr`; `None`
/// when the shape is wrong. The `event` itself is read by the roster reader.
pub(super) fn read_event_file(
    text: &str,
    file: FileId,
    found: &mut Vec<Diagnostic>,
) -> Option<EventFile> {
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
    let mut ev = EventFile::default();
    for (key, _, v) in yaml::known_keys(pairs, EVENT_FILE_KEYS, "the event file", None, found) {
        match key {
            "columns" => read_columns(v, &mut ev, found),
            "tickets" => read_tickets(v, &mut ev, found),
            "qr" => match v.as_str() {
                Some("ticket") => ev.qr_ticket = true,
                Some("laminate") => {}
                _ => found.push(
                    Diagnostic::error(v.span, "`qr` is `ticket` or `laminate`")
                        .hint("qr: ticket puts the export's ticket code in the QR; qr: laminate (the default) laminate's payload"),
                ),
            },
            _ => {}
        }
    }
    (found.len() == before).then_some(ev)
}

fn read_tickets(node: &Node, ev: &mut EventFile, found: &mut Vec<Diagnostic>) {
    let hint = "write tickets: { \"Day Pass\": day, \"Parking\": ~ }";
    let Some(pairs) = node.expect_map("`tickets`", Some(hint), found) else { return };
    for (k, v) in pairs {
        let Some(ticket) = k.as_str() else {
            found.push(Diagnostic::error(k.span, "a ticket type in `tickets` must be text"));
            continue;
        };
        let pass = match &v.value {
            Value::Null => None,
            Value::Scalar(s) => Some(s.trim().to_string()),
            _ => {
                found.push(Diagnostic::error(
                    v.span,
                    format!(
                        "`tickets` must map \"{ticket}\" to one pass type or ~, not {}",
                        v.kind()
                    ),
                ));
                continue;
            }
        };
        ev.tickets.push((ticket.trim().to_string(), pass));
    }
}

fn read_columns(node: &Node, ev: &mut EventFile, found: &mut Vec<Diagnostic>) {
    let renames = &mut ev.renames;
    let hint = "write columns: { \"Full name\": name, \"Email\": ~ }";
    let Some(pairs) = node.expect_map("`columns`", Some(hint), found) else { return };
    for (k, v) in pairs {
        let Some(head) = k.as_str() else {
            found.push(Diagnostic::error(k.span, "a heading in `columns` must be text"));
            continue;
        };
        // `name: "{First Name} {Last Name}"`: a roster key made of headings.
        if let (Some(key), Value::Scalar(s)) =
            (ENTRY_KEYS.iter().find(|k| **k == head.trim()), &v.value)
        {
            if pattern::is_pattern(s) {
                ev.pattern_texts.push((key, s.clone(), v.span));
                continue;
            }
        }
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
