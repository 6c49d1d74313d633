//! Roster: turns roster YAML into the event and its checked entries, with the
//! place of every value kept for later messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::diag::{Diagnostic, FileId, Span};
use crate::load::when::{When, Zone};
use crate::yaml::{known_keys, Node, Reader, Value};

/// The event a roster is for.
#[derive(Clone, PartialEq)]
pub struct Event {
    /// Display name, e.g. "Northern Lights Festival 2026".
    pub name: String,
    /// Where it happens, if given.
    pub venue: Option<String>,
    /// First day.
    pub starts: Date,
    /// Last day (not before `starts`).
    pub ends: Date,
    /// Short ASCII identifier carried in QR payloads, e.g. "NLF2026".
    pub id: String,
    /// The time zone that times of day are in (required when any is given).
    pub timezone: Option<Zone>,
}

// By hand so that an event without a time zone is written as before times
// existed: the run id on the slug line hashes this form.
impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Event");
        d.field("name", &self.name)
            .field("venue", &self.venue)
            .field("starts", &self.starts)
            .field("ends", &self.ends)
            .field("id", &self.id);
        if let Some(z) = &self.timezone {
            d.field("timezone", z);
        }
        d.finish()
    }
}

/// One pass holder as written in the roster (defaults not yet applied).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Unique within the roster; ASCII letters, digits, `-`, `_` and `.`.
    pub id: Box<str>,
    /// The holder's name, whitespace tidied.
    pub name: Box<str>,
    /// Company or band, if given.
    pub organisation: Option<Box<str>>,
    /// Job or function, if given.
    pub role: Option<Box<str>>,
    /// Pass type as written (may be an alias).
    pub pass: Box<str>,
    /// First valid day (and time), if given.
    pub valid_from: Option<When>,
    /// Last valid day (and time), if given.
    pub valid_until: Option<When>,
    /// Zones, if given (otherwise the pass type's).
    pub zones: Option<Vec<String>>,
    /// Photo path, resolved against the roster's folder.
    pub photo: Option<PathBuf>,
    /// The ticket shop's own code for this pass, if given: the QR carries it
    /// verbatim instead of laminate's payload, so the shop's scanner app
    /// admits the pass.
    pub ticket: Option<Box<str>>,
    /// More values for templates, by name (`extra: {seat: A12}` is shown by
    /// `{extra.seat}`): what a ticket shop knows of the pass (pretix's
    /// product, order code, answers). Empty values are allowed.
    pub extra: Vec<(Box<str>, Box<str>)>,
    /// Where each part was written.
    pub spans: EntrySpans,
}

/// The places of an entry's values, for messages found after loading.
/// Kept small (the file once, then 8 bytes a place) because a roster of
/// 100,000 entries holds 100,000 of them: a column past 65,535 is kept as
/// 65,535, still on the right line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EntrySpans {
    file: FileId,
    places: [Place; 7],
}

#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Place {
    line: u32,
    col: u16,
    len: u16,
}

/// Which value of an entry a place is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Field {
    Entry,
    Pass,
    Name,
    ValidFrom,
    ValidUntil,
    Zones,
    Photo,
}

const FIELDS: [Field; 7] = [
    Field::Entry,
    Field::Pass,
    Field::Name,
    Field::ValidFrom,
    Field::ValidUntil,
    Field::Zones,
    Field::Photo,
];

impl EntrySpans {
    /// Every place at the entry's start until set.
    fn new(entry: Span) -> Self {
        EntrySpans { file: entry.file, places: [Self::place(entry); 7] }
    }

    fn place(span: Span) -> Place {
        let short = |v: u32| v.min(u32::from(u16::MAX)) as u16;
        Place { line: span.line, col: short(span.col), len: short(span.len) }
    }

    fn set(&mut self, field: Field, span: Span) {
        self.places[field as usize] = Self::place(span);
    }

    fn get(&self, field: Field) -> Span {
        let p = self.places[field as usize];
        Span { file: self.file, line: p.line, col: u32::from(p.col), len: u32::from(p.len) }
    }

    /// Moves every place with `f` (a spreadsheet roster maps the places in
    /// the YAML it was turned into back to its cells). The places of one
    /// entry stay in one file.
    pub fn map(&mut self, f: impl Fn(Span) -> Span) {
        let spans: Vec<Span> = (0..7).map(|i| f(self.get(FIELDS[i]))).collect();
        self.file = spans[0].file;
        for (i, span) in spans.into_iter().enumerate() {
            debug_assert_eq!(span.file, self.file, "an entry's places are in one file");
            self.places[i] = Self::place(span);
        }
    }

    /// The start of the entry.
    pub fn entry(&self) -> Span {
        self.get(Field::Entry)
    }

    /// The `pass` value.
    pub fn pass(&self) -> Span {
        self.get(Field::Pass)
    }

    /// The `name` value.
    pub fn name(&self) -> Span {
        self.get(Field::Name)
    }

    /// The `valid_from` value (or the entry when absent).
    pub fn valid_from(&self) -> Span {
        self.get(Field::ValidFrom)
    }

    /// The `valid_until` value (or the entry when absent).
    pub fn valid_until(&self) -> Span {
        self.get(Field::ValidUntil)
    }

    /// The `zones` value (or the entry when absent).
    pub fn zones(&self) -> Span {
        self.get(Field::Zones)
    }

    /// The `photo` value (or the entry when absent).
    pub fn photo(&self) -> Span {
        self.get(Field::Photo)
    }
}

/// A loaded roster.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    /// The file it came from.
    pub file: FileId,
    /// The event.
    pub event: Event,
    /// The entries in roster order.
    pub entries: Vec<Entry>,
    /// Rows of a ticket-shop export that get no pass, by reason (e.g.
    /// "cancelled"), with their counts; empty for other rosters.
    pub skipped: Vec<(String, usize)>,
    /// Headings of a ticket-shop export that no pass uses.
    pub unused: Vec<String>,
}

const TOP_KEYS: &[&str] = &["event", "passes"];
const EVENT_KEYS: &[&str] = &["name", "venue", "starts", "ends", "id", "timezone"];
/// Every key a pass entry may have.
pub const ENTRY_KEYS: &[&str] = &[
    "id",
    "name",
    "organisation",
    "role",
    "pass",
    "valid_from",
    "valid_until",
    "zones",
    "photo",
    "ticket",
    "extra",
];

/// Reads a roster. Every problem becomes a diagnostic; the roster comes back
/// only when it is usable (entries with errors are left out of it, and the
/// caller stops on any error anyway).
pub fn load(
    text: &str,
    file: FileId,
    base_dir: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<Roster> {
    match load_inner(text, file, base_dir, out) {
        Ok(r) => r,
        Err(d) => {
            out.push(d);
            None
        }
    }
}

fn load_inner(
    text: &str,
    file: FileId,
    base_dir: &Path,
    out: &mut Vec<Diagnostic>,
) -> Result<Option<Roster>, Diagnostic> {
    let mut reader = Reader::new(text, file);
    let whole = Span { file, line: 1, col: 0, len: 1 };
    if !reader.start_document()? {
        out.push(
            Diagnostic::error(whole, "the roster is empty")
                .hint("a roster has an `event:` mapping and a `passes:` list; see the README"),
        );
        return Ok(None);
    }
    if reader.enter_map()?.is_none() {
        let node = reader.read_node()?;
        out.push(
            Diagnostic::error(node.span, format!("the roster is {}, not a mapping", node.kind()))
                .hint("a roster starts with `event:` and `passes:` at the left margin"),
        );
        return Ok(None);
    }
    let mut event = None;
    let mut event_span = whole;
    let mut zone_written = false;
    let mut event_seen = false;
    let mut passes_seen = false;
    // Room for the entries up front when the roster is laid out as usual
    // (`- id:` opening each entry): a roster of 100,000 entries then never
    // holds a half-full and a full copy of its list at once. Only a hint.
    let expected = text.lines().filter(|l| l.trim_start().starts_with("- id:")).count();
    let mut entries = Vec::with_capacity(expected);
    let mut ids: HashMap<String, Span> = HashMap::with_capacity(expected);
    while !reader.at_end()? {
        let key = reader.read_node()?;
        let name = key.as_str().unwrap_or("");
        match name {
            "event" if !event_seen => {
                event_seen = true;
                event_span = key.span;
                let node = reader.read_node()?;
                event = read_event(&node, &mut zone_written, out);
            }
            "passes" if !passes_seen => {
                passes_seen = true;
                if reader.enter_seq()?.is_none() {
                    let node = reader.read_node()?;
                    if !node.is_null() {
                        out.push(Diagnostic::error(
                            node.span,
                            format!("`passes` must be a list of entries, not {}", node.kind()),
                        ));
                    }
                    continue;
                }
                while !reader.at_end().map_err(|d| name_entry(d, text))? {
                    let node = reader.read_node().map_err(|d| name_entry(d, text))?;
                    if let Some(entry) = read_entry(&node, base_dir, &mut ids, out) {
                        entries.push(entry);
                    }
                }
            }
            "event" | "passes" => {
                out.push(Diagnostic::error(key.span, format!("key \"{name}\" appears twice")));
                reader.read_node()?;
            }
            _ => {
                let mut d =
                    Diagnostic::error(key.span, format!("unknown key \"{name}\" in the roster"));
                d = match crate::yaml::nearest(name, TOP_KEYS) {
                    Some(k) => d.hint(format!("did you mean \"{k}\"?")),
                    None => d.hint("a roster has the keys event and passes"),
                };
                out.push(d);
                reader.read_node()?;
            }
        }
    }
    if !event_seen {
        out.push(
            Diagnostic::error(whole, "the roster has no `event:` section")
                .hint("add `event:` with name, starts and ends (ISO dates such as 2026-07-10)"),
        );
    }
    if !passes_seen {
        out.push(Diagnostic::error(whole, "the roster has no `passes:` list"));
    } else if entries.is_empty() && !out.iter().any(|d| d.entry.is_some()) {
        out.push(Diagnostic::error(whole, "the roster's `passes:` list is empty"));
    }
    entries.shrink_to_fit();
    let roster =
        event.map(|event| Roster { file, event, entries, skipped: Vec::new(), unused: Vec::new() });
    // A `timezone` that was written but is unknown has its own error; the
    // entries' times are not blamed for it as well.
    if let Some(r) = roster.as_ref().filter(|_| !zone_written) {
        check_times_have_a_zone(r, event_span, out);
    }
    Ok(roster)
}

fn read_event(node: &Node, zone_written: &mut bool, out: &mut Vec<Diagnostic>) -> Option<Event> {
    let pairs = node.expect_map("`event`", None, out)?;
    let mut name = None;
    let mut venue = None;
    let (mut starts, mut ends, mut id, mut timezone) = (None, None, None, None);
    for (key, k, v) in known_keys(pairs, EVENT_KEYS, "the event", None, out) {
        match key {
            "name" => name = text(v, "the event's name", None, out),
            "venue" => venue = text(v, "the event's venue", None, out),
            "starts" => starts = date(v, "starts", None, out).map(|d| (d, v.span)),
            "ends" => ends = date(v, "ends", None, out).map(|d| (d, v.span)),
            "id" => {
                id = text(v, "the event's id", None, out).filter(|s| check_id(s, v.span, None, out))
            }
            "timezone" => {
                *zone_written = true;
                timezone = text(v, "timezone", None, out)
                    .and_then(|n| crate::load::when::read_zone(&n, v.span, out));
            }
            _ => unreachable!("known_keys returns known keys only"),
        }
        let _ = k;
    }
    let mut missing = |what: &str| {
        out.push(Diagnostic::error(node.span, format!("the event has no `{what}`")));
    };
    if name.is_none() {
        missing("name");
    }
    if starts.is_none() {
        missing("starts");
    }
    if ends.is_none() {
        missing("ends");
    }
    let name = name?;
    let (starts, _) = starts?;
    let (ends, ends_span) = ends?;
    if ends < starts {
        out.push(
            Diagnostic::error(
                ends_span,
                format!("the event ends ({ends}) before it starts ({starts})"),
            )
            .hint("swap `starts` and `ends`"),
        );
        return None;
    }
    let id = id.unwrap_or_else(|| event_id_from_name(&name));
    Some(Event { name, venue, starts, ends, id, timezone })
}

/// A short ASCII id from an event name: initials of words, numbers kept whole
/// ("Northern Lights Festival 2026" gives "NLF2026").
pub fn event_id_from_name(name: &str) -> String {
    let mut id = String::new();
    for word in name.split_whitespace() {
        if word.chars().all(|c| c.is_ascii_digit()) {
            id.push_str(word);
        } else if let Some(c) = word.chars().find(|c| c.is_ascii_alphanumeric()) {
            id.push(c.to_ascii_uppercase());
        }
    }
    if id.is_empty() {
        id.push_str("EVENT");
    }
    id.truncate(16);
    id
}

fn read_entry(
    node: &Node,
    base_dir: &Path,
    ids: &mut HashMap<String, Span>,
    out: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    let hint = "each entry starts with `- id: ...` and has its keys indented below it";
    let pairs = node.expect_map("a pass entry", Some(hint), out)?;
    // The id comes first so that every other message can name the entry.
    let id_node = pairs.iter().find(|(k, _)| k.as_str() == Some("id")).map(|(_, v)| v);
    let id = id_node.and_then(|v| text(v, "id", None, out));
    let id_ok = match (&id, id_node) {
        (Some(id), Some(v)) => check_id(id, v.span, None, out),
        _ => false,
    };
    let who = id.as_deref();
    let errors_before = out.len();
    let mut e = Entry {
        id: id.clone().unwrap_or_default().into(),
        name: Box::default(),
        organisation: None,
        role: None,
        pass: Box::default(),
        valid_from: None,
        valid_until: None,
        zones: None,
        photo: None,
        ticket: None,
        extra: Vec::new(),
        spans: EntrySpans::new(node.span),
    };
    let (mut has_name, mut has_pass) = (false, false);
    for (key, _, v) in known_keys(pairs, ENTRY_KEYS, "a pass entry", who, out) {
        match key {
            "id" => {}
            "name" => {
                e.spans.set(Field::Name, v.span);
                if let Some(n) = text(v, "name", who, out) {
                    e.name = n.into();
                    has_name = true;
                }
            }
            "organisation" => e.organisation = text(v, "organisation", who, out).map(Into::into),
            "role" => e.role = text(v, "role", who, out).map(Into::into),
            "pass" => {
                e.spans.set(Field::Pass, v.span);
                if let Some(p) = text(v, "pass", who, out) {
                    e.pass = p.into();
                    has_pass = true;
                }
            }
            "valid_from" => {
                e.spans.set(Field::ValidFrom, v.span);
                e.valid_from = text(v, "valid_from", who, out)
                    .and_then(|t| crate::load::when::read(&t, v.span, "valid_from", who, out));
            }
            "valid_until" => {
                e.spans.set(Field::ValidUntil, v.span);
                e.valid_until = text(v, "valid_until", who, out)
                    .and_then(|t| crate::load::when::read(&t, v.span, "valid_until", who, out));
            }
            "zones" => {
                e.spans.set(Field::Zones, v.span);
                e.zones = zones(v, who, out);
            }
            "photo" => {
                e.spans.set(Field::Photo, v.span);
                e.photo = text(v, "photo", who, out).map(|p| base_dir.join(p));
            }
            "ticket" => e.ticket = text(v, "ticket", who, out).map(Into::into),
            "extra" => e.extra = extra(v, who, out),
            _ => unreachable!("known_keys returns known keys only"),
        }
    }
    let tag = |d: Diagnostic| match who {
        Some(id) => d.entry(id),
        None => d,
    };
    if id_node.is_none() {
        out.push(tag(Diagnostic::error(node.span, "this pass entry has no `id`")
            .hint("every entry needs a unique id, e.g. `id: NLF-0042`")));
    }
    if !has_name && !pairs.iter().any(|(k, _)| k.as_str() == Some("name")) {
        out.push(tag(Diagnostic::error(node.span, "this pass entry has no `name`")));
    }
    if !has_pass && !pairs.iter().any(|(k, _)| k.as_str() == Some("pass")) {
        out.push(tag(Diagnostic::error(node.span, "this pass entry has no `pass` type")
            .hint("add e.g. `pass: crew`; `laminate templates` lists the pass types")));
    }
    if let (Some(from), Some(until)) = (e.valid_from, e.valid_until) {
        if until.end() <= from.start() {
            out.push(tag(Diagnostic::error(
                e.spans.valid_until(),
                format!("valid_until ({until}) is before valid_from ({from})"),
            )
            .hint("swap the two dates")));
        }
    }
    if id_ok {
        if let Some(first) = ids.get(&*e.id) {
            out.push(tag(Diagnostic::error(
                id_node.map_or(node.span, |v| v.span),
                format!("id \"{}\" is used twice", e.id),
            )
            .hint(format!("it was first used on line {}; ids must be unique", first.line))));
            return None;
        }
        ids.insert(e.id.to_string(), id_node.map_or(node.span, |v| v.span));
    }
    (id_ok && out.len() == errors_before && has_name && has_pass).then_some(e)
}

/// Names the entry a YAML-level error (syntax, nesting, aliases) sits in,
/// which the parser cannot tell: the `id:` of the list item around its line.
pub fn name_entry(d: Diagnostic, text: &str) -> Diagnostic {
    if d.entry.is_some() {
        return d;
    }
    let Some(span) = d.span else { return d };
    match entry_id_at(text, span.line as usize) {
        Some(id) => d.entry(id),
        None => d,
    }
}

/// The id of the pass entry that line `line` (from 1) belongs to, found by
/// looking back to the entry's `- ` and forward to the next one.
pub fn entry_id_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let last = line.min(lines.len()).checked_sub(1)?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_item = |l: &str| l.trim_start().starts_with("- ");
    let id_in = |l: &str| -> Option<String> {
        let t = l.trim_start().trim_start_matches("- ").trim_start_matches('{').trim_start();
        let rest = t.strip_prefix("id:")?;
        let value = rest.split([',', '}', '#']).next()?.trim().trim_matches(['"', '\'']);
        (!value.is_empty()).then(|| value.to_string())
    };
    // Walk back through the list items around the line; the first whose
    // extent (up to the next item as shallow as it) holds both the line and
    // an `id:` is the entry. Nested items without an id are passed over.
    for start in (0..=last).rev().filter(|&i| is_item(lines[i])) {
        let end = (start + 1..lines.len())
            .find(|&i| is_item(lines[i]) && indent(lines[i]) <= indent(lines[start]))
            .unwrap_or(lines.len());
        if end <= last {
            return None;
        }
        if let Some(id) = lines[start..end].iter().find_map(|l| id_in(l)) {
            return Some(id);
        }
    }
    None
}

/// Checks an id: ASCII letters and digits, with `-`, `_` or `.` inside, at most
/// 32 characters. Ids go into QR payloads, file names and `--only` lists.
fn check_id(id: &str, span: Span, entry: Option<&str>, out: &mut Vec<Diagnostic>) -> bool {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok {
        let mut d = Diagnostic::error(span, format!("id \"{id}\" is not a valid id")).hint(
            "ids are 1 to 32 ASCII letters, digits, '-', '_' or '.', starting with a letter or digit",
        );
        if let Some(e) = entry {
            d = d.entry(e);
        }
        out.push(d);
    }
    ok
}

/// The most characters a text field of the roster may hold: far more than
/// any real name, role or zone, and few enough that no later stage (text
/// fitting, shaping, the QR code) can be held up by one. A longer value is
/// nearly always a CSV quote left open that swallowed the rest of the file.
pub const MAX_TEXT: usize = 256;

/// The most characters of a `photo` path.
pub const MAX_PATH: usize = 4096;

/// A text value: a scalar, with runs of whitespace (stray tabs from
/// spreadsheets) turned into single spaces. Control characters are refused.
/// An entry's `extra` mapping: names to text (an empty value is empty text).
fn extra(node: &Node, entry: Option<&str>, out: &mut Vec<Diagnostic>) -> Vec<(Box<str>, Box<str>)> {
    let tag = |d: Diagnostic| match entry {
        Some(id) => d.entry(id),
        None => d,
    };
    let pairs = match &node.value {
        Value::Map(pairs) => pairs,
        Value::Null => return Vec::new(),
        _ => {
            out.push(tag(Diagnostic::error(
                node.span,
                format!("`extra` must map names to values, not {}", node.kind()),
            )
            .hint("write `extra: {seat: A12, item: Day ticket}`")));
            return Vec::new();
        }
    };
    let mut values: Vec<(Box<str>, Box<str>)> = Vec::new();
    for (k, v) in pairs {
        let Some(name) = k.as_str().filter(|n| !n.is_empty()) else {
            out.push(tag(Diagnostic::error(k.span, "a name of `extra` must be text")));
            continue;
        };
        if values.iter().any(|(n, _)| &**n == name) {
            continue; // The YAML reader reports keys written twice.
        }
        let value = match &v.value {
            Value::Null => Some(String::new()),
            Value::Scalar(s) if s.trim().is_empty() => Some(String::new()),
            _ => text(v, &format!("extra.{name}"), entry, out),
        };
        if let Some(value) = value {
            values.push((name.into(), value.into()));
        }
    }
    values
}

fn text(node: &Node, what: &str, entry: Option<&str>, out: &mut Vec<Diagnostic>) -> Option<String> {
    let tag = |d: Diagnostic| match entry {
        Some(id) => d.entry(id),
        None => d,
    };
    let raw = match &node.value {
        Value::Scalar(s) => s,
        Value::Null => {
            out.push(tag(Diagnostic::error(node.span, format!("`{what}` is empty"))));
            return None;
        }
        _ => {
            out.push(tag(Diagnostic::error(
                node.span,
                format!("`{what}` must be a single value, not {}", node.kind()),
            )));
            return None;
        }
    };
    let longest = if what == "photo" { MAX_PATH } else { MAX_TEXT };
    if raw.chars().nth(longest).is_some() {
        out.push(tag(Diagnostic::error(
            node.span,
            format!(
                "`{what}` is {} characters long; at most {longest} are allowed",
                raw.chars().count()
            ),
        )
        .hint("a value this long is nearly always a spreadsheet quote that was never closed, or text pasted by mistake")));
        return None;
    }
    let tidy = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(c) = tidy.chars().find(|c| c.is_control()) {
        out.push(tag(Diagnostic::error(
            node.span,
            format!("`{what}` contains the control character U+{:04X}", c as u32),
        )));
        return None;
    }
    if tidy.is_empty() {
        out.push(tag(Diagnostic::error(node.span, format!("`{what}` is empty"))));
        return None;
    }
    Some(tidy)
}

fn date(node: &Node, what: &str, entry: Option<&str>, out: &mut Vec<Diagnostic>) -> Option<Date> {
    let s = text(node, what, entry, out)?;
    let parsed =
        if s.len() == 10 && s.as_bytes()[4] == b'-' { s.parse::<Date>().ok() } else { None };
    if parsed.is_none() {
        let mut d = Diagnostic::error(node.span, format!("`{what}`: \"{s}\" is not a date"))
            .hint("write dates as YYYY-MM-DD, e.g. 2026-07-10");
        if let Some(id) = entry {
            d = d.entry(id);
        }
        out.push(d);
    }
    parsed
}

/// Every entry with a time of day needs the event's time zone to say which
/// instant it means: one error per such entry, at its first time.
fn check_times_have_a_zone(roster: &Roster, event_span: Span, out: &mut Vec<Diagnostic>) {
    if roster.event.timezone.is_some() {
        return;
    }
    for e in &roster.entries {
        let span = match (e.valid_from, e.valid_until) {
            (Some(When { time: Some(_), .. }), _) => e.spans.valid_from(),
            (_, Some(When { time: Some(_), .. })) => e.spans.valid_until(),
            _ => continue,
        };
        out.push(
            Diagnostic::error(span, "a time of day needs the event's `timezone`")
                .entry(&*e.id)
                .hint(format!(
                    "add e.g. `timezone: Europe/London` to the event (line {}), so the pass says which instant it means",
                    event_span.line
                )),
        );
    }
}

fn zones(node: &Node, entry: Option<&str>, out: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Scalar(_) => vec![node],
        _ => {
            let mut d = Diagnostic::error(
                node.span,
                format!("`zones` must be a list, not {}", node.kind()),
            )
            .hint("write zones: [stage, backstage]");
            if let Some(id) = entry {
                d = d.entry(id);
            }
            out.push(d);
            return None;
        }
    };
    let before = out.len();
    let zones: Vec<String> = items.iter().filter_map(|z| text(z, "zones", entry, out)).collect();
    (out.len() == before).then_some(zones)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(text: &str) -> (Option<Roster>, Vec<Diagnostic>) {
        let mut out = vec![];
        let r = load(text, FileId(0), Path::new("/r"), &mut out);
        (r, out)
    }

    const EVENT: &str =
        "event:\n  name: Test Fest 2026\n  starts: 2026-07-10\n  ends: 2026-07-12\n";

    #[test]
    fn reads_a_good_roster() {
        let (r, diags) = load_str(&format!(
            "{EVENT}passes:\n  - id: A-1\n    name: \"  José \tMüller \"\n    pass: crew\n    zones: [stage]\n    photo: p/a.jpg\n"
        ));
        assert!(diags.is_empty(), "{diags:?}");
        let r = r.unwrap();
        assert_eq!(r.event.id, "TF2026");
        let e = &r.entries[0];
        assert_eq!(&*e.name, "José Müller");
        assert_eq!(e.zones.as_deref(), Some(&["stage".to_string()][..]));
        assert_eq!(e.photo.as_deref(), Some(Path::new("/r/p/a.jpg")));
        assert_eq!(e.spans.entry().line, 6);
    }

    #[test]
    fn collects_every_error_with_its_entry() {
        let (_, diags) = load_str(&format!(
            "{EVENT}passes:\n  - id: A\n    nmae: x\n    pass: crew\n  - id: B\n    name: [x]\n    pass: crew\n    valid_from: 2026-07-12\n    valid_until: 2026-07-10\n  - id: A\n    name: y\n    pass: crew\n  - name: z\n    pass: day\n    valid_from: 10/07/2026\n"
        ));
        let msgs: Vec<String> = diags.iter().map(|d| d.headline()).collect();
        assert!(
            msgs.contains(&"entry \"A\": unknown key \"nmae\" in a pass entry".into()),
            "{msgs:#?}"
        );
        assert!(msgs.contains(&"entry \"A\": this pass entry has no `name`".into()), "{msgs:#?}");
        assert!(msgs.contains(&"entry \"B\": `name` must be a single value, not a list".into()));
        assert!(msgs.iter().any(|m| m.contains("valid_until (2026-07-10) is before")));
        assert!(msgs.contains(&"entry \"A\": id \"A\" is used twice".into()), "{msgs:#?}");
        assert!(msgs.contains(&"this pass entry has no `id`".into()), "{msgs:#?}");
        assert!(msgs.iter().any(|m| m.contains("\"10/07/2026\" is not a date")));
    }

    #[test]
    fn event_errors() {
        let (_, d) =
            load_str("event:\n  name: X\n  starts: 2026-07-12\n  ends: 2026-07-10\npasses: []\n");
        assert!(d[0].message.contains("ends (2026-07-10) before it starts"));
        let (_, d) = load_str("");
        assert_eq!(d[0].message, "the roster is empty");
        let (_, d) = load_str("- a\n- b\n");
        assert!(d[0].message.contains("is a list, not a mapping"));
        let (_, d) = load_str("evnt: {}\n");
        assert_eq!(d[0].hints, ["did you mean \"event\"?"]);
    }

    #[test]
    fn yaml_errors_name_their_entry() {
        let text = "passes:\n  - id: A\n    name: x\n  - name: \"open\n    id: B-2\n  - {id: C, name: y}\n";
        assert_eq!(entry_id_at(text, 3).as_deref(), Some("A"));
        assert_eq!(entry_id_at(text, 4).as_deref(), Some("B-2"));
        assert_eq!(entry_id_at(text, 6).as_deref(), Some("C"));
        assert_eq!(entry_id_at(text, 1), None);
        let nested =
            "passes:\n  - id: D\n    zones:\n      - - - x\n  - name: no id\n    role: r\n";
        assert_eq!(entry_id_at(nested, 4).as_deref(), Some("D"));
        assert_eq!(entry_id_at(nested, 6), None);
    }

    #[test]
    fn event_ids() {
        assert_eq!(event_id_from_name("Northern Lights Festival 2026"), "NLF2026");
        assert_eq!(event_id_from_name("Ølfestival Øst"), "LS");
    }
}
