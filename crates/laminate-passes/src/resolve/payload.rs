//! QR payload: turns a pass's id, type, zones and dates into the compact text
//! its QR code carries, and back.
//!
//! Format (version 1, passes valid for whole days), fields separated by `:`:
//!
//! ```text
//! L1:<event>:<id>:<TYPE>:<from YYYYMMDD>:<until YYYYMMDD>:<ZONE+ZONE>:<reprint>[:<name>]:<signature>
//! L1:NLF2026:NLF-0001:CREW:20260709:20260713:STAGE+BACKSTAGE:0:U
//! ```
//!
//! Version 2, written for a pass with hours: the window's start as an
//! instant in UTC to the minute, its length in minutes, and the event zone's
//! offset from UTC at the start in minutes (so a door can read a local time
//! the way the pass prints it):
//!
//! ```text
//! L2:<event>:<id>:<TYPE>:<start YYYYMMDDHHMM>:<minutes>:<offset +M or -M>:<ZONE+ZONE>:<reprint>[:<name>]:<signature>
//! L2:NLF2027:NLF-0101:CREW:202706180700:540:+60:STAGE+LOADING:0:U
//! ```
//!
//! The start is 08:00 in London (UTC+1 in June); the pass stops being valid
//! 540 minutes later, at 17:00 there. The window is two numbers rather than
//! two instants to keep the code small (see README, "Signed passes").
//!
//! The holder's name is carried only when the template asks for it
//! (`qr_name: true`); it keeps its case, with `%XX` escapes for every
//! character but ASCII letters, digits, space, `-` and `.`.
//!
//! Everything is ASCII and, apart from lower-case letters and `_` in ids, inside the
//! QR alphanumeric set (0-9, A-Z, space, `$%*+-./:`), so the code stays small
//! and scanners never have to guess an encoding. Event, type and zones are
//! upper-cased; any other character is written `%XX` per UTF-8 byte. The last
//! field is `U` for an unsigned pass; a signature takes its place when passes
//! are signed, computed over every byte up to and including the last `:`.

use std::fmt;

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::Timestamp;

/// The decoded fields of a payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Payload {
    /// Event identifier, e.g. "NLF2026".
    pub event: String,
    /// Pass id, as in the roster.
    pub id: String,
    /// Pass type, upper case.
    pub pass: String,
    /// First valid day (for a pass with hours, the local day its window starts).
    pub valid_from: Date,
    /// Last valid day (for a pass with hours, the local day of its last minute).
    pub valid_until: Date,
    /// The window to the minute, for a pass with hours (version 2).
    pub hours: Option<Hours>,
    /// Zones, upper case.
    pub zones: Vec<String>,
    /// 0 for the first print, n for the n-th reprint.
    pub reprint: u32,
    /// The holder's name, when the template puts it in the payload.
    pub name: Option<String>,
    /// `U` when unsigned, else the signature text.
    pub signature: String,
}

/// The window of a pass with hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hours {
    /// The first valid minute.
    pub start: Timestamp,
    /// The first minute the pass is no longer valid.
    pub end: Timestamp,
    /// The event zone's offset from UTC at the start.
    pub offset: Offset,
}

impl Hours {
    /// The window of a pass valid from `start` until `end` in `offset`; the
    /// days are the local days of the start and of the last valid minute.
    pub fn days(&self) -> (Date, Date) {
        let last = self.end.checked_sub(jiff::SignedDuration::from_mins(1)).unwrap_or(self.end);
        (self.offset.to_datetime(self.start).date(), self.offset.to_datetime(last).date())
    }
}

/// The format version prefix of passes valid for whole days.
pub const PREFIX: &str = "L1";

/// The format version prefix of passes with hours.
pub const PREFIX_HOURS: &str = "L2";

/// Why a text is not a payload.
#[derive(Clone, Debug, PartialEq)]
pub struct BadPayload(pub String);

impl fmt::Display for BadPayload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadPayload {}

fn escape(text: &str) -> String {
    escape_keeping_case(&text.to_uppercase())
}

fn escape_keeping_case(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn unescape(text: &str) -> Result<String, BadPayload> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .ok_or_else(|| BadPayload(format!("bad escape in \"{text}\"")))?;
            out.push(
                u8::from_str_radix(hex, 16)
                    .map_err(|_| BadPayload(format!("bad escape in \"{text}\"")))?,
            );
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| BadPayload(format!("escape in \"{text}\" is not UTF-8")))
}

fn date_field(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

fn instant_field(t: Timestamp) -> String {
    let d = Offset::UTC.to_datetime(t);
    format!("{}{:02}{:02}", date_field(d.date()), d.hour(), d.minute())
}

fn parse_instant(s: &str) -> Result<Timestamp, BadPayload> {
    let bad = || BadPayload(format!("\"{s}\" is not an instant (YYYYMMDDHHMM, UTC)"));
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i8>().map_err(|_| bad());
    let time = jiff::civil::Time::new(n(8..10)?, n(10..12)?, 0, 0).map_err(|_| bad())?;
    let dt = DateTime::from_parts(parse_date(&s[..8])?, time);
    Offset::UTC.to_timestamp(dt).map_err(|_| bad())
}

fn offset_field(o: Offset) -> String {
    format!("{:+}", o.seconds() / 60)
}

fn parse_offset(s: &str) -> Result<Offset, BadPayload> {
    let bad = || BadPayload(format!("\"{s}\" is not a UTC offset in minutes (+60, -300)"));
    let digits = s.strip_prefix(['+', '-']).ok_or_else(bad)?;
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mins: i32 = s.parse().map_err(|_| bad())?;
    Offset::from_seconds(mins * 60).map_err(|_| bad())
}

fn minutes_field(h: &Hours) -> String {
    (h.end.duration_since(h.start).as_secs() / 60).to_string()
}

fn parse_end(start: Timestamp, s: &str) -> Result<Timestamp, BadPayload> {
    let bad = || BadPayload(format!("\"{s}\" is not a length in minutes"));
    if s.is_empty() || s.len() > 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mins: i64 = s.parse().map_err(|_| bad())?;
    if mins == 0 {
        return Err(BadPayload("the window is 0 minutes long".into()));
    }
    start.checked_add(jiff::SignedDuration::from_mins(mins)).map_err(|_| bad())
}

fn parse_date(s: &str) -> Result<Date, BadPayload> {
    let bad = || BadPayload(format!("\"{s}\" is not a date (YYYYMMDD)"));
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| bad());
    Date::new(n(0..4)?, n(4..6)? as i8, n(6..8)? as i8).map_err(|_| bad())
}

impl Payload {
    /// The text that is signed: every field but the signature, with the trailing `:`.
    pub fn signed_part(&self) -> String {
        let zones: Vec<String> = self.zones.iter().map(|z| escape(z)).collect();
        let name = self
            .name
            .as_deref()
            .map(|n| format!("{}:", escape_keeping_case(n)))
            .unwrap_or_default();
        let window = match self.hours {
            None => format!(
                "{PREFIX}:{}:{}:{}:{}:{}",
                escape(&self.event),
                self.id,
                escape(&self.pass),
                date_field(self.valid_from),
                date_field(self.valid_until),
            ),
            Some(h) => format!(
                "{PREFIX_HOURS}:{}:{}:{}:{}:{}:{}",
                escape(&self.event),
                self.id,
                escape(&self.pass),
                instant_field(h.start),
                minutes_field(&h),
                offset_field(h.offset),
            ),
        };
        format!("{window}:{}:{}:{name}", zones.join("+"), self.reprint)
    }

    /// The full payload text.
    pub fn encode(&self) -> String {
        format!("{}{}", self.signed_part(), self.signature)
    }

    /// Reads a payload text.
    pub fn decode(text: &str) -> Result<Payload, BadPayload> {
        let mut fields: Vec<&str> = text.trim().split(':').collect();
        // Version 2 has one field more (the offset) after the window; taken
        // out here, the rest of the fields are read alike.
        let offset = match fields.first() {
            Some(&PREFIX) => None,
            Some(&PREFIX_HOURS) if fields.len() > 6 => Some(fields.remove(6)),
            Some(&PREFIX_HOURS) => {
                return Err(BadPayload(format!(
                    "a version 2 payload has 10 or 11 fields separated by ':', this one has {}",
                    fields.len()
                )))
            }
            _ => {
                return Err(BadPayload(
                    "not a laminate payload (it does not start with L1: or L2:)".into(),
                ))
            }
        };
        let extra = usize::from(offset.is_some());
        let (event, id, pass, from, until, zones, reprint, name, signature) = match fields[..] {
            [_, e, i, p, f, u, z, r, s] => (e, i, p, f, u, z, r, None, s),
            [_, e, i, p, f, u, z, r, n, s] => (e, i, p, f, u, z, r, Some(n), s),
            _ => {
                return Err(BadPayload(format!(
                    "a payload has {} or {} fields separated by ':', this one has {}",
                    9 + extra,
                    10 + extra,
                    fields.len() + extra
                )))
            }
        };
        let (valid_from, valid_until, hours) = match offset {
            None => (parse_date(from)?, parse_date(until)?, None),
            Some(o) => {
                let start = parse_instant(from)?;
                let h = Hours { start, end: parse_end(start, until)?, offset: parse_offset(o)? };
                let (f, u) = h.days();
                (f, u, Some(h))
            }
        };
        let zones = if zones.is_empty() {
            vec![]
        } else {
            zones.split('+').map(unescape).collect::<Result<_, _>>()?
        };
        Ok(Payload {
            event: unescape(event)?,
            id: id.to_string(),
            pass: unescape(pass)?,
            valid_from,
            valid_until,
            hours,
            zones,
            reprint: reprint
                .parse()
                .map_err(|_| BadPayload(format!("reprint \"{reprint}\" is not a number")))?,
            name: name.map(unescape).transpose()?,
            signature: signature.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn sample() -> Payload {
        Payload {
            event: "NLF2026".into(),
            id: "NLF-0001".into(),
            pass: "crew".into(),
            valid_from: date(2026, 7, 9),
            valid_until: date(2026, 7, 13),
            hours: None,
            zones: vec!["stage".into(), "Loge Süd".into(), "a:b+c".into()],
            reprint: 0,
            name: None,
            signature: "U".into(),
        }
    }

    #[test]
    fn encodes_to_the_documented_form() {
        assert_eq!(
            sample().encode(),
            "L1:NLF2026:NLF-0001:CREW:20260709:20260713:STAGE+LOGE S%C3%9CD+A%3AB%2BC:0:U"
        );
    }

    #[test]
    fn round_trips() {
        let p = sample();
        let back = Payload::decode(&p.encode()).unwrap();
        assert_eq!(back.zones, ["STAGE", "LOGE SÜD", "A:B+C"]);
        assert_eq!(
            (back.id.as_str(), back.valid_until, back.reprint),
            ("NLF-0001", date(2026, 7, 13), 0)
        );
    }

    #[test]
    fn name_only_when_asked_and_case_kept() {
        let p = Payload { name: Some("José Ñ".into()), ..sample() };
        let text = p.encode();
        assert!(text.ends_with(":0:Jos%C3%A9 %C3%91:U"), "{text}");
        assert_eq!(Payload::decode(&text).unwrap().name.as_deref(), Some("José Ñ"));
    }

    #[test]
    fn hours_make_version_2_in_utc_and_read_back() {
        let h = Hours {
            start: "2027-06-18T07:00:00Z".parse().unwrap(),
            end: "2027-06-18T16:00:00Z".parse().unwrap(),
            offset: Offset::from_hours(1).unwrap(),
        };
        let p = Payload {
            event: "NLF2027".into(),
            id: "NLF-0101".into(),
            zones: vec!["stage".into(), "loading".into()],
            valid_from: date(2027, 6, 18),
            valid_until: date(2027, 6, 18),
            hours: Some(h),
            ..sample()
        };
        let text = p.encode();
        assert_eq!(text, "L2:NLF2027:NLF-0101:CREW:202706180700:540:+60:STAGE+LOADING:0:U");
        let back = Payload::decode(&text).unwrap();
        assert_eq!(
            (back.hours, back.valid_from, back.valid_until),
            (Some(h), p.valid_from, p.valid_until)
        );
        assert_eq!(Payload::decode(&back.encode()).unwrap(), back);
        let west = Payload {
            hours: Some(Hours { offset: Offset::from_seconds(-9000).unwrap(), ..h }),
            ..p
        };
        assert!(west.encode().contains(":540:-150:"), "{}", west.encode());
        assert_eq!(Payload::decode(&west.encode()).unwrap().hours, west.hours);
    }

    #[test]
    fn rejects_garbage() {
        assert!(Payload::decode("L2:E:I:T:202706180700:540:+60::0").is_err());
        assert!(Payload::decode("L2:E:I:T:202706180700:0:+60::0:U").is_err());
        assert!(Payload::decode("L2:E:I:T:202706180700:540:60::0:U").is_err());
        assert!(Payload::decode("L2:E:I:T:202706180760:540:+60::0:U").is_err());
        assert!(Payload::decode("hello").is_err());
        assert!(Payload::decode("L1:a:b").is_err());
        assert!(Payload::decode("L1:E:I:T:20261301:20260101::0:U").is_err());
    }
}
