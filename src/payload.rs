//! QR payload: turns a pass's id, type, zones and dates into the compact text
//! its QR code carries, and back.
//!
//! Format (version 1), fields separated by `:`:
//!
//! ```text
//! L1:<event>:<id>:<TYPE>:<from YYYYMMDD>:<until YYYYMMDD>:<ZONE+ZONE>:<reprint>[:<name>]:<signature>
//! L1:NLF2026:NLF-0001:CREW:20260709:20260713:STAGE+BACKSTAGE:0:U
//! ```
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
//! are signed, computed over everything before the last `:`.

use std::fmt;

use jiff::civil::Date;

/// The decoded fields of a payload.
#[derive(Clone, Debug, PartialEq)]
pub struct Payload {
    /// Event identifier, e.g. "NLF2026".
    pub event: String,
    /// Pass id, as in the roster.
    pub id: String,
    /// Pass type, upper case.
    pub pass: String,
    /// First valid day.
    pub valid_from: Date,
    /// Last valid day.
    pub valid_until: Date,
    /// Zones, upper case.
    pub zones: Vec<String>,
    /// 0 for the first print, n for the n-th reprint.
    pub reprint: u32,
    /// The holder's name, when the template puts it in the payload.
    pub name: Option<String>,
    /// `U` when unsigned, else the signature text.
    pub signature: String,
}

/// The format version prefix.
pub const PREFIX: &str = "L1";

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
        format!(
            "{PREFIX}:{}:{}:{}:{}:{}:{}:{}:{name}",
            escape(&self.event),
            self.id,
            escape(&self.pass),
            date_field(self.valid_from),
            date_field(self.valid_until),
            zones.join("+"),
            self.reprint
        )
    }

    /// The full payload text.
    pub fn encode(&self) -> String {
        format!("{}{}", self.signed_part(), self.signature)
    }

    /// Reads a payload text.
    pub fn decode(text: &str) -> Result<Payload, BadPayload> {
        let fields: Vec<&str> = text.trim().split(':').collect();
        if fields.first() != Some(&PREFIX) {
            return Err(BadPayload("not a laminate payload (it does not start with L1:)".into()));
        }
        let (event, id, pass, from, until, zones, reprint, name, signature) = match fields[..] {
            [_, e, i, p, f, u, z, r, s] => (e, i, p, f, u, z, r, None, s),
            [_, e, i, p, f, u, z, r, n, s] => (e, i, p, f, u, z, r, Some(n), s),
            _ => {
                return Err(BadPayload(format!(
                    "a payload has 9 or 10 fields separated by ':', this one has {}",
                    fields.len()
                )))
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
            valid_from: parse_date(from)?,
            valid_until: parse_date(until)?,
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
    fn rejects_garbage() {
        assert!(Payload::decode("hello").is_err());
        assert!(Payload::decode("L1:a:b").is_err());
        assert!(Payload::decode("L1:E:I:T:20261301:20260101::0:U").is_err());
    }
}
