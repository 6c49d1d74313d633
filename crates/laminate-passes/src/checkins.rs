//! Check-in logs: turns the scan logs that door pages export (CSV or JSON,
//! see `door/page/door.js`) into one report: the passes admitted more
//! than once across doors, and the admissions by pass type and by hour.
//!
//! The CSV export is safe to open in a spreadsheet: a cell that would start
//! a formula (`=1+1`, `@SUM(A1)`: ids and event codes come from payloads
//! nobody has verified, door names are typed by staff) has a leading `'`,
//! as the manifest's cells do
//! ([`crate::emit::manifest::spreadsheet_safe`]); reading takes it off
//! again, so that a CSV and a JSON export of the same scans are the same
//! scans.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::emit::manifest::unescape;
use crate::outcome::Failure;

/// The columns of an exported log, in order (the JSON export has the same keys).
pub const COLUMNS: &[&str] = &[
    "time", "local", "door", "mode", "verdict", "reason", "event", "id", "reprint", "pass", "key",
];

/// One scan at a door.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Scan {
    /// When, as an instant.
    #[serde(serialize_with = "as_text")]
    pub time: Timestamp,
    /// The local date and time the door showed, `YYYY-MM-DD HH:MM`.
    pub local: String,
    /// The door's name.
    pub door: String,
    /// `entry` or `exit`.
    pub mode: String,
    /// `admit`, `exit` or `refuse`.
    pub verdict: String,
    /// Why it was refused (e.g. `expired`, `already-inside`), else empty.
    pub reason: String,
    /// The pass's event id.
    pub event: String,
    /// The pass id.
    pub id: String,
    /// The reprint number, when the payload could be read.
    pub reprint: String,
    /// The pass type.
    pub pass: String,
    /// The fingerprint of the key that signed it.
    pub key: String,
}

fn as_text<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

#[derive(Deserialize)]
struct JsonLog {
    format: String,
    scans: Vec<BTreeMap<String, serde_json::Value>>,
}

fn text_of(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Builds a scan from its columns; the error says which column is wrong.
fn scan_of(get: &dyn Fn(&str) -> String) -> Result<Scan, String> {
    let time = get("time");
    let time: Timestamp = time
        .parse()
        .map_err(|_| format!("\"{time}\" is not a time (RFC 3339, e.g. 2026-07-10T12:02:00Z)"))?;
    let verdict = get("verdict");
    if !matches!(verdict.as_str(), "admit" | "exit" | "refuse") {
        return Err(format!("verdict \"{verdict}\" is not admit, exit or refuse"));
    }
    let local = get("local");
    if local.len() < 13 || !local.is_char_boundary(13) {
        return Err(format!("local time \"{local}\" is not YYYY-MM-DD HH:MM"));
    }
    Ok(Scan {
        time,
        local,
        door: get("door"),
        mode: get("mode"),
        verdict,
        reason: get("reason"),
        event: get("event"),
        id: get("id"),
        reprint: get("reprint"),
        pass: get("pass"),
        key: get("key"),
    })
}

fn error_at(file: FileId, line: usize, message: String) -> Diagnostic {
    Diagnostic::error(Span { file, line: line.max(1) as u32, col: 0, len: 1 }, message)
}

/// Reads one exported log (CSV or JSON, told by its first character). Each
/// bad record is a diagnostic naming its line.
pub fn read_log(text: &str, file: FileId, found: &mut Vec<Diagnostic>) -> Vec<Scan> {
    let mut scans = Vec::new();
    if text.trim_start().starts_with('{') {
        let log: JsonLog = match serde_json::from_str(text) {
            Ok(l) => l,
            Err(e) => {
                found.push(error_at(file, e.line(), format!("not a door log: {e}")));
                return scans;
            }
        };
        if log.format != "laminate-door-log" {
            found.push(error_at(
                file,
                1,
                format!("format \"{}\" is not laminate-door-log", log.format),
            ));
            return scans;
        }
        // serde_json keeps no positions inside values: the n-th scan is
        // found by its `"time"` key in the text.
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("\"time\""))
            .map(|(i, _)| i + 1)
            .collect();
        for (n, record) in log.scans.iter().enumerate() {
            match scan_of(&|c| text_of(record.get(c))) {
                Ok(s) => scans.push(s),
                Err(why) => {
                    let line = lines.get(n).copied().unwrap_or(1);
                    found.push(error_at(file, line, format!("scan {}: {why}", n + 1)));
                }
            }
        }
        return scans;
    }
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            found.push(error_at(file, 1, format!("not a door log: {e}")));
            return scans;
        }
    };
    let missing: Vec<&str> =
        COLUMNS.iter().copied().filter(|c| !headers.iter().any(|h| h == *c)).collect();
    if !missing.is_empty() {
        found.push(
            error_at(file, 1, format!("not a door log: no column {}", missing.join(", ")))
                .hint("export the log from the door page (Export CSV or Export JSON)"),
        );
        return scans;
    }
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                found.push(error_at(file, line, format!("not a door log: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        let get = |c: &str| {
            headers
                .iter()
                .position(|h| h == c)
                .and_then(|i| record.get(i))
                .map(unescape)
                .unwrap_or_default()
        };
        match scan_of(&get) {
            Ok(s) => scans.push(s),
            Err(why) => found.push(error_at(file, line, why)),
        }
    }
    scans
}

/// A pass let in while, by the logs, it was already inside.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DoubleEntry {
    /// The event id.
    pub event: String,
    /// The pass id.
    pub id: String,
    /// The pass type.
    pub pass: String,
    /// The admission it was inside after.
    pub first: Scan,
    /// The admission while inside.
    pub again: Scan,
}

/// What `checkins merge` found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// The logs read.
    pub logs: Vec<String>,
    /// Scans, after dropping those that appear in more than one log.
    pub scans: usize,
    /// The doors seen.
    pub doors: BTreeSet<String>,
    /// Admissions.
    pub admitted: usize,
    /// Distinct passes admitted.
    pub passes: usize,
    /// Passes let in again while inside.
    pub double_entries: Vec<DoubleEntry>,
    /// Admissions by pass type.
    pub by_pass_type: BTreeMap<String, usize>,
    /// Admissions by local hour (`YYYY-MM-DD HH:00`).
    pub by_hour: BTreeMap<String, usize>,
    /// Refusals by reason.
    pub refused: BTreeMap<String, usize>,
}

/// Joins scans from several doors. A scan found in two logs (a door
/// exported twice) counts once. Walking each pass's scans in time order, an
/// admission while the pass is inside (admitted, with no exit since, at
/// any door) is a double entry.
pub fn merge(logs: Vec<String>, scans: Vec<Scan>) -> Report {
    let scans: BTreeSet<Scan> = scans.into_iter().collect();
    let mut report = Report { logs, scans: scans.len(), ..Report::default() };
    let mut inside: BTreeMap<(String, String), Scan> = BTreeMap::new();
    let mut passes = BTreeSet::new();
    for s in &scans {
        report.doors.insert(s.door.clone());
        let who = (s.event.clone(), s.id.clone());
        match s.verdict.as_str() {
            "admit" => {
                report.admitted += 1;
                passes.insert(who.clone());
                *report.by_pass_type.entry(s.pass.clone()).or_default() += 1;
                *report.by_hour.entry(format!("{}:00", &s.local[..13])).or_default() += 1;
                if let Some(first) = inside.insert(who, s.clone()) {
                    report.double_entries.push(DoubleEntry {
                        event: s.event.clone(),
                        id: s.id.clone(),
                        pass: s.pass.clone(),
                        first,
                        again: s.clone(),
                    });
                }
            }
            "exit" => {
                inside.remove(&who);
            }
            _ => *report.refused.entry(s.reason.clone()).or_default() += 1,
        }
    }
    report.passes = passes.len();
    report
}

impl Report {
    /// The report for people.
    pub fn text(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let doors: Vec<&str> = self.doors.iter().map(String::as_str).collect();
        let n = |count: usize, one: &str, many: &str| {
            format!("{count} {}", if count == 1 { one } else { many })
        };
        let _ = writeln!(
            out,
            "{}, {} at {}: {}",
            n(self.logs.len(), "log", "logs"),
            n(self.scans, "scan", "scans"),
            n(doors.len(), "door", "doors"),
            doors.join(", ")
        );
        let _ = writeln!(out, "admitted: {} ({})", self.admitted, n(self.passes, "pass", "passes"));
        let _ = writeln!(out, "admitted more than once: {}", self.double_entries.len());
        for d in &self.double_entries {
            let _ = writeln!(
                out,
                "  {} ({}): at {} {}, again at {} {} with no exit between",
                d.id, d.pass, d.first.door, d.first.local, d.again.door, d.again.local
            );
        }
        let _ = writeln!(out, "by pass type:");
        for (t, n) in &self.by_pass_type {
            let _ = writeln!(out, "  {t:<16} {n:>6}");
        }
        let _ = writeln!(out, "by hour:");
        for (h, n) in &self.by_hour {
            let _ = writeln!(out, "  {h}  {n:>6}");
        }
        let refused: usize = self.refused.values().sum();
        let reasons: Vec<String> = self.refused.iter().map(|(r, n)| format!("{r} {n}")).collect();
        if refused > 0 {
            let _ = writeln!(out, "refused: {refused} ({})", reasons.join(", "));
        } else {
            let _ = writeln!(out, "refused: 0");
        }
        out
    }
}

/// Reads every log and merges them; every bad record of every log is
/// reported at once.
pub fn merge_files(paths: &[PathBuf]) -> Result<Report, Failure> {
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let mut scans = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|source| Failure::Io {
            action: "cannot read",
            path: path.clone(),
            source,
        })?;
        let file = sources.add(path.display().to_string(), text.clone().into());
        scans.extend(read_log(&text, file, &mut found));
    }
    if !found.is_empty() {
        return Err(Failure::Input { sources, diagnostics: found });
    }
    Ok(merge(paths.iter().map(|p| p.display().to_string()).collect(), scans))
}

/// Writes the report: JSON when `path` ends in `.json`, else the text.
pub fn write_report(report: &Report, path: &Path) -> std::io::Result<()> {
    let body = if path.extension().is_some_and(|e| e == "json") {
        serde_json::to_string_pretty(report).expect("plain data is JSON") + "\n"
    } else {
        report.text()
    };
    crate::atomic::write(path, body.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "time,local,door,mode,verdict,reason,event,id,reprint,pass,key\n";

    fn read(text: &str) -> (Vec<Scan>, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let file = sources.add("log.csv", text.into());
        let mut found = Vec::new();
        (read_log(text, file, &mut found), found)
    }

    #[test]
    fn an_admission_while_inside_is_a_double_entry_and_an_exit_ends_it() {
        let a = format!("{HEAD}2026-07-10T12:02:00Z,2026-07-10 14:02,A,entry,admit,,E,P1,0,CREW,k\n2026-07-10T12:10:00Z,2026-07-10 14:10,A,exit,exit,,E,P2,0,CREW,k\n");
        let b = format!("{HEAD}2026-07-10T12:30:00Z,2026-07-10 14:30,B,entry,admit,,E,P1,0,CREW,k\n2026-07-10T11:00:00Z,2026-07-10 13:00,B,entry,admit,,E,P2,0,VIP,k\n2026-07-10T12:40:00Z,2026-07-10 14:40,B,entry,admit,,E,P2,0,VIP,k\n2026-07-10T12:41:00Z,2026-07-10 14:41,B,entry,refuse,expired,E,P3,0,DAY,k\n");
        let (mut scans, found) = read(&a);
        assert!(found.is_empty(), "{found:?}");
        let (more, _) = read(&b);
        scans.extend(more);
        // The same export read twice changes nothing.
        scans.extend(read(&a).0);
        let r = merge(vec!["a".into(), "b".into()], scans);
        assert_eq!(r.scans, 6);
        assert_eq!(r.double_entries.len(), 1, "P2 left before it came back: {r:?}");
        assert_eq!(
            (r.double_entries[0].id.as_str(), r.double_entries[0].again.door.as_str()),
            ("P1", "B")
        );
        assert_eq!(r.admitted, 4);
        assert_eq!(r.by_pass_type["CREW"], 2);
        assert_eq!(r.by_hour["2026-07-10 14:00"], 3);
        assert_eq!(r.refused["expired"], 1);
        assert!(
            r.text().starts_with("2 logs, 6 scans at 2 doors: A, B\nadmitted: 4 (2 passes)\nadmitted more than once: 1\n  P1 (CREW): at A 2026-07-10 14:02, again at B 2026-07-10 14:30 with no exit between\n"),
            "{}",
            r.text()
        );
        let one = merge(vec!["a".into()], read(&a).0);
        assert!(
            one.text().starts_with("1 log, 2 scans at 1 door: A\nadmitted: 1 (1 pass)\n"),
            "{}",
            one.text()
        );
    }

    // Guards issue 28: a log whose cells were made spreadsheet-safe reads
    // back as the scans were, and the same scans exported as CSV and as
    // JSON count once.
    #[test]
    fn spreadsheet_safe_cells_read_back_as_they_were() {
        let csv = format!("{HEAD}2026-07-10T12:02:00Z,2026-07-10 14:02,'=A,entry,refuse,bad-signature,'@E,'=1+1,0,'-X,\n");
        let (scans, found) = read(&csv);
        assert!(found.is_empty(), "{found:?}");
        let s = &scans[0];
        assert_eq!(
            (s.door.as_str(), s.event.as_str(), s.id.as_str(), s.pass.as_str()),
            ("=A", "@E", "=1+1", "-X")
        );
        let json = r#"{"format": "laminate-door-log", "scans": [
 {"time": "2026-07-10T12:02:00Z", "local": "2026-07-10 14:02", "door": "=A", "mode": "entry", "verdict": "refuse",
  "reason": "bad-signature", "event": "@E", "id": "=1+1", "reprint": 0, "pass": "-X", "key": ""}]}"#;
        let (more, found) = read(json);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(more, scans, "the JSON export is the same scan");
        let r =
            merge(vec!["a.csv".into(), "a.json".into()], scans.into_iter().chain(more).collect());
        assert_eq!(r.scans, 1);
    }

    #[test]
    fn bad_records_name_their_line() {
        let (_, found) = read(&format!("{HEAD}2026-07-10T12:02:00Z,2026-07-10 14:02,A,entry,admit,,E,P1,0,CREW,k\nyesterday,2026-07-10 14:02,A,entry,admit,,E,P1,0,CREW,k\n"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].span.map(|s| s.line), Some(3));
        assert!(found[0].message.contains("\"yesterday\" is not a time"), "{}", found[0].message);
        let (_, found) = read("id,name\nP1,x\n");
        assert!(found[0].message.contains("no column time"), "{}", found[0].message);
    }
}
