//! Manifest: turns what a run printed into a CSV or JSON list, one row per
//! pass, so an organiser can check, reprint and hand out the right cards.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One printed pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Pass id.
    pub id: String,
    /// Holder's name.
    pub name: String,
    /// Pass type (template name).
    pub pass: String,
    /// First valid day, YYYY-MM-DD.
    pub valid_from: String,
    /// Last valid day, YYYY-MM-DD.
    pub valid_until: String,
    /// Reprint number (0 for a first print).
    pub reprint: u32,
    /// The PDF the pass is in.
    pub file: String,
    /// Sheet number in that file, from 1.
    pub sheet: usize,
    /// Slot on the sheet, from 1, row by row from the top left.
    pub slot: usize,
    /// Page of the front, from 1.
    pub front_page: usize,
    /// Page of the back, when backs are printed.
    pub back_page: Option<usize>,
    /// The whole run's id (as on the slug line; the same in every shard).
    #[serde(default)]
    pub run: String,
    /// The shard, written K/N, when the run was one of several.
    pub shard: Option<String>,
    /// The pass's warnings (a name shrunk below its minimum...), `; `
    /// between them, so they can be fixed from the spreadsheet.
    pub warnings: String,
}

/// The `warnings` cell of a pass: its warnings' messages, `; ` between them.
pub fn warnings_cell(warnings: &[crate::diag::Diagnostic]) -> String {
    warnings.iter().map(|w| w.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// The formats a manifest can have, by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// The format a file name asks for: `.csv` or `.json`.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => Some(Format::Csv),
            Some("json") => Some(Format::Json),
            _ => None,
        }
    }
}

/// Writes a manifest row by row to a temporary file beside its path; only
/// [`Writer::finish`] puts it in place, so a failed run leaves none.
pub struct Writer {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
    kind: Kind,
}

enum Kind {
    Csv(Box<csv::Writer<std::io::BufWriter<std::fs::File>>>),
    Json { out: std::io::BufWriter<std::fs::File>, first: bool },
}

impl Writer {
    /// Starts a manifest at `path` (`.csv` or `.json`).
    pub fn create(path: &Path) -> std::io::Result<Writer> {
        let format = Format::of(path).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a manifest file name ends in .csv or .json",
            )
        })?;
        let temp = crate::atomic::temp_beside(path, ".manifest.part")?;
        let out = std::io::BufWriter::new(temp.reopen()?);
        let kind = match format {
            Format::Csv => Kind::Csv(Box::new(csv::Writer::from_writer(out))),
            Format::Json => Kind::Json { out, first: true },
        };
        Ok(Writer { path: path.to_path_buf(), temp, kind })
    }

    /// Adds a row.
    pub fn row(&mut self, row: &Row) -> std::io::Result<()> {
        match &mut self.kind {
            Kind::Csv(w) => {
                // Text cells a spreadsheet would run as a formula are written
                // as text; JSON is not opened by spreadsheets and keeps them.
                let safe = Row {
                    id: spreadsheet_safe(&row.id),
                    name: spreadsheet_safe(&row.name),
                    pass: spreadsheet_safe(&row.pass),
                    file: spreadsheet_safe(&row.file),
                    warnings: spreadsheet_safe(&row.warnings),
                    ..row.clone()
                };
                w.serialize(&safe).map_err(std::io::Error::other)
            }
            Kind::Json { out, first } => {
                out.write_all(if *first { b"[\n  " } else { b",\n  " })?;
                *first = false;
                serde_json::to_writer(&mut *out, row).map_err(std::io::Error::other)
            }
        }
    }

    /// Completes the file and renames it into place.
    pub fn finish(self) -> std::io::Result<()> {
        match self.kind {
            Kind::Csv(mut w) => w.flush()?,
            Kind::Json { mut out, first } => {
                out.write_all(if first { b"[]\n" } else { b"\n]\n" })?;
                out.flush()?;
            }
        }
        crate::atomic::persist(self.temp, &self.path)
    }
}

/// Writes a whole manifest at once.
pub fn write(path: &Path, rows: &[Row]) -> std::io::Result<()> {
    let mut w = Writer::create(path)?;
    for row in rows {
        w.row(row)?;
    }
    w.finish()
}

/// A CSV cell that spreadsheet programs open as text, not as a formula
/// (CSV injection, OWASP's advice): a cell that starts with `=`, `+`, `-`,
/// `@`, `|`, `%`, a tab or a carriage return gets a leading `'`, which
/// Excel, LibreOffice and Google Sheets show as text and do not display.
/// Numbers such as `-3` are left as they are, as pretix's defusedcsv does.
pub fn spreadsheet_safe(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '|', '%', '\t', '\r']);
    let number = cell.strip_prefix('-').is_some_and(|n| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    });
    if risky && !number {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// A CSV cell as it was before [`spreadsheet_safe`].
pub fn unescape(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '|', '%', '\t', '\r']) => {
            rest.to_string()
        }
        _ => cell.to_string(),
    }
}

/// The pass ids of an earlier run's manifest (`.csv` or `.json`), for
/// `--since`: the `id` of every row, with [`spreadsheet_safe`] undone.
pub fn read_ids(path: &Path) -> std::io::Result<std::collections::HashSet<String>> {
    let bad = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidData, why);
    let text = std::fs::read_to_string(path)?;
    match Format::of(path) {
        Some(Format::Json) => {
            let rows: Vec<serde_json::Value> = serde_json::from_str(&text)
                .map_err(|e| bad(format!("not a manifest (a JSON array of passes): {e}")))?;
            rows.iter()
                .map(|r| {
                    r["id"]
                        .as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad("a row has no id".into()))
                })
                .collect()
        }
        _ => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
            let at = headers
                .iter()
                .position(|h| h == "id")
                .ok_or_else(|| bad("not a manifest: it has no id column".into()))?;
            let mut ids = std::collections::HashSet::new();
            for record in reader.records() {
                let record = record.map_err(|e| bad(e.to_string()))?;
                ids.insert(unescape(record.get(at).unwrap_or("")));
            }
            Ok(ids)
        }
    }
}

/// The part of `len` items that shard `k` of `n` takes (k from 1):
/// contiguous, in order, sizes differing by at most one, so that the shards
/// cover the items exactly once. The items are the whole run's sheets (see
/// `run::plan::slice`), so shard k's sheets follow shard k-1's.
pub fn shard_range(len: usize, k: usize, n: usize) -> std::ops::Range<usize> {
    (k - 1) * len / n..k * len / n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_everything_once_and_are_balanced() {
        for len in [0, 1, 7, 100, 1001] {
            for n in 1..=9 {
                let ranges: Vec<_> = (1..=n).map(|k| shard_range(len, k, n)).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[n - 1].end, len);
                for w in ranges.windows(2) {
                    assert_eq!(w[0].end, w[1].start);
                }
                let sizes: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
                assert!(
                    sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
                    "{len} {n} {sizes:?}"
                );
            }
        }
    }

    /// A crew pass's row on sheet 1 of o.pdf.
    fn row(id: &str, name: &str, slot: usize) -> Row {
        Row {
            id: id.into(),
            name: name.into(),
            pass: "crew".into(),
            valid_from: "2026-07-10".into(),
            valid_until: "2026-07-12".into(),
            reprint: 0,
            file: "o.pdf".into(),
            sheet: 1,
            slot,
            front_page: 1,
            back_page: None,
            run: "8a44afc4".into(),
            shard: None,
            warnings: String::new(),
        }
    }

    #[test]
    fn csv_and_json() {
        let dir = tempfile::tempdir().unwrap();
        let row = row("A", "Zoë, \"Z\"", 2);
        write(&dir.path().join("m.csv"), std::slice::from_ref(&row)).unwrap();
        let csv = std::fs::read_to_string(dir.path().join("m.csv")).unwrap();
        assert_eq!(
            csv,
            "id,name,pass,valid_from,valid_until,reprint,file,sheet,slot,front_page,back_page,run,shard,warnings\n\
             A,\"Zoë, \"\"Z\"\"\",crew,2026-07-10,2026-07-12,0,o.pdf,1,2,1,,8a44afc4,,\n"
        );
        write(&dir.path().join("m.json"), &[row]).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("m.json")).unwrap())
                .unwrap();
        assert_eq!(json[0]["slot"], 2);
        assert!(write(&dir.path().join("m.txt"), &[]).is_err());
    }

    #[test]
    fn formulas_reach_the_csv_as_text_and_read_back() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(spreadsheet_safe("+1 Guest"), "'+1 Guest");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-3"), "-3");
        assert_eq!(spreadsheet_safe("Ana Silva"), "Ana Silva");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv");
        write(&path, &[row("-A1", "=1+1", 1), row("B2", "+1 Guest", 1)]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("'-A1,'=1+1,") && text.contains("B2,'+1 Guest,"), "{text}");
        let ids = read_ids(&path).unwrap();
        assert!(ids.contains("-A1") && ids.contains("B2") && ids.len() == 2);
    }
}
