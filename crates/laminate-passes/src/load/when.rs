//! Validity times: turns `2027-06-18` or `2027-06-18 08:00` and a zone name into a day with an optional time and a zone (or diagnostics), and a pass's window into instants and printed text.

use std::fmt;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

use crate::diag::{Diagnostic, Span};

/// A `valid_from` or `valid_until` value: a day, and a time of day when one was given.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct When {
    /// The day.
    pub date: Date,
    /// The time of day, to the minute, when given.
    pub time: Option<Time>,
}

impl When {
    /// A whole day.
    pub fn day(date: Date) -> When {
        When { date, time: None }
    }

    /// Reads `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (24-hour; `T` instead of the
    /// space is accepted, as spreadsheets export it). Seconds are refused:
    /// a pass is valid to the minute, and a payload carries minutes.
    pub fn parse(text: &str) -> Option<When> {
        let b = text.as_bytes();
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        // `get`, not slicing: a letter of more than one byte may straddle
        // byte 10 (found by fuzzing: `2026-07-1ש`).
        let date = text.get(..10)?.parse::<Date>().ok()?;
        let rest = text.get(10..)?;
        if rest.is_empty() {
            return Some(When::day(date));
        }
        let hm = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('T'))?.trim_start();
        let hb = hm.as_bytes();
        if hb.len() != 5
            || hb[2] != b':'
            || !hb.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit())
        {
            return None;
        }
        let time = Time::new(hm[..2].parse().ok()?, hm[3..].parse().ok()?, 0, 0).ok()?;
        Some(When { date, time: Some(time) })
    }

    /// The moment a `valid_from` value starts: its time, or the day's 00:00.
    pub fn start(&self) -> DateTime {
        self.date.to_datetime(self.time.unwrap_or(Time::midnight()))
    }

    /// The moment a `valid_until` value ends: its time, or the next day's
    /// 00:00 (a whole day is valid to its end).
    pub fn end(&self) -> DateTime {
        match self.time {
            Some(t) => self.date.to_datetime(t),
            None => self.date.tomorrow().unwrap_or(self.date).to_datetime(Time::midnight()),
        }
    }
}

// Written as the bare date when there is no time, as a `Date` was before
// times existed: the run id on the slug line hashes the entries' Debug form,
// and a roster of whole days keeps its run id.
impl fmt::Debug for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some(_) => write!(f, "{self}"),
            None => write!(f, "{:?}", self.date),
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            Some(t) => write!(f, "{} {:02}:{:02}", self.date, t.hour(), t.minute()),
            None => write!(f, "{}", self.date),
        }
    }
}

/// The event's time zone: its IANA name as written and the zone from the
/// bundled database (the same on every machine, whatever its own tzdata).
#[derive(Clone, PartialEq)]
pub struct Zone {
    /// The name as written, e.g. "Europe/London".
    pub name: String,
    /// The zone's rules.
    pub tz: TimeZone,
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.name)
    }
}

impl Zone {
    /// Looks a zone up by IANA name in the bundled database.
    pub fn named(name: &str) -> Option<Zone> {
        jiff::tz::db().get(name).ok().map(|tz| Zone { name: name.to_string(), tz })
    }

    /// The instant of a local date and time. A time skipped or repeated by a
    /// clock change is read as the clocks before the change would read it.
    pub fn instant(&self, dt: DateTime) -> Timestamp {
        self.tz.to_ambiguous_timestamp(dt).compatible().unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The zone's offset from UTC at an instant.
    pub fn offset(&self, at: Timestamp) -> Offset {
        self.tz.to_offset(at)
    }
}

/// The window of a pass, from its first to its last `When`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Window {
    /// Start.
    pub from: When,
    /// End.
    pub until: When,
}

impl Window {
    /// True when either end has a time of day.
    pub fn has_time(&self) -> bool {
        self.from.time.is_some() || self.until.time.is_some()
    }

    /// The window as instants in `zone`: the start, and the end (the first
    /// minute the pass is no longer valid).
    pub fn instants(&self, zone: &Zone) -> (Timestamp, Timestamp) {
        (zone.instant(self.from.start()), zone.instant(self.until.end()))
    }

    /// The hours alone, "08:00 – 17:00", or "" for whole days. An end
    /// without a time is the end of its day, written 24:00.
    pub fn hours(&self, time_fmt: &str) -> String {
        if !self.has_time() {
            return String::new();
        }
        let from = format_time(self.from.start(), time_fmt);
        let until = match self.until.time {
            Some(_) => format_time(self.until.end(), time_fmt),
            None => "24:00".to_string(),
        };
        format!("{from} – {until}")
    }
}

/// Formats a date and time with a strftime format (checked when the template
/// loaded); the ISO form if it cannot.
pub fn format_time(dt: DateTime, fmt: &str) -> String {
    let mut s = String::new();
    match jiff::fmt::strtime::BrokenDownTime::from(dt).format(fmt, &mut s) {
        Ok(()) => s,
        Err(_) => dt.to_string(),
    }
}

/// A `valid_from` or `valid_until` value: a date, or a date and a time.
/// `s` is the value's text, at `span`; a value that is neither is an error
/// naming the entry.
pub fn read(
    s: &str,
    span: Span,
    what: &str,
    entry: Option<&str>,
    out: &mut Vec<Diagnostic>,
) -> Option<When> {
    let parsed = When::parse(s);
    if parsed.is_none() {
        let looks_timed = s.len() > 10 && s.as_bytes().get(4) == Some(&b'-');
        let (msg, hint) = if looks_timed {
            (
                format!("`{what}`: \"{s}\" is not a date and time"),
                "write a date and a 24-hour time as YYYY-MM-DD HH:MM, e.g. 2027-06-18 08:00",
            )
        } else {
            (
                format!("`{what}`: \"{s}\" is not a date"),
                "write dates as YYYY-MM-DD, e.g. 2026-07-10",
            )
        };
        let mut d = Diagnostic::error(span, msg).hint(hint);
        if let Some(id) = entry {
            d = d.entry(id);
        }
        out.push(d);
    }
    parsed
}

/// The event's `timezone`: an IANA name the bundled database knows.
/// An error at `span` with the nearest known name as a hint otherwise.
pub fn read_zone(name: &str, span: Span, out: &mut Vec<Diagnostic>) -> Option<Zone> {
    let found = Zone::named(name);
    if found.is_none() {
        let mut d = Diagnostic::error(span, format!("unknown time zone \"{name}\""));
        let near = jiff::tz::db().available().map(|n| n.to_string()).collect::<Vec<_>>();
        let near: Vec<&str> = near.iter().map(String::as_str).collect();
        if let Some(n) = crate::yaml::nearest(name, &near) {
            d = d.hint(format!("did you mean \"{n}\"?"));
        }
        out.push(d.hint("write an IANA time zone name, e.g. Europe/London or America/New_York"));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    // Regression (found by fuzz/run.sh roster): a letter of two bytes across
    // byte 10 of a date made the reader panic instead of refusing it.
    #[test]
    fn a_letter_across_the_tenth_byte_is_not_a_date() {
        assert_eq!(When::parse("2026-07-1ש"), None);
        assert_eq!(When::parse("2026-07-1\u{5e9}\u{5b8}\u{5c1}"), None);
        assert_eq!(When::parse("2026-07-10ש"), None);
    }

    #[test]
    fn reads_days_and_times() {
        assert_eq!(When::parse("2027-06-18"), Some(When::day(date(2027, 6, 18))));
        let t = When { date: date(2027, 6, 18), time: Some(time(8, 0, 0, 0)) };
        assert_eq!(When::parse("2027-06-18 08:00"), Some(t));
        assert_eq!(When::parse("2027-06-18T08:00"), Some(t));
        assert_eq!(t.to_string(), "2027-06-18 08:00");
        for bad in [
            "2027-06-18 25:00",
            "2027-06-18 8:00",
            "2027-06-18 08:00:30",
            "18/06/2027",
            "2027-06-18 ",
        ] {
            assert_eq!(When::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_window_in_london_summer_time() {
        let london = Zone::named("Europe/London").unwrap();
        let w = Window {
            from: When::parse("2027-06-18 08:00").unwrap(),
            until: When::parse("2027-06-18 17:00").unwrap(),
        };
        let (start, end) = w.instants(&london);
        assert_eq!(start.to_string(), "2027-06-18T07:00:00Z");
        assert_eq!(end.to_string(), "2027-06-18T16:00:00Z");
        assert_eq!(w.hours("%H:%M"), "08:00 – 17:00");
        let days =
            Window { from: When::day(date(2027, 6, 18)), until: When::day(date(2027, 6, 18)) };
        assert_eq!(days.instants(&london).1.to_string(), "2027-06-18T23:00:00Z");
        assert_eq!(days.hours("%H:%M"), "");
        assert!(Zone::named("Europe/Londn").is_none());
    }
}
