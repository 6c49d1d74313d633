//! Reprints: turns the reprint state file beside a roster into reprint
//! numbers per pass id, and writes it back after a reprint.
//!
//! The file is `ROSTER.reprints` (e.g. `festival.yaml.reprints`), one
//! `ID NUMBER` a line, `#` comments. Every render reads it, so a pass keeps
//! its latest reprint number (and the old card stays revocable); `render
//! --only ID --reprint` adds one for each id named.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Reprint numbers by pass id.
pub type Reprints = BTreeMap<String, u32>;

/// The state file that belongs to a roster.
pub fn state_path(roster: &Path) -> PathBuf {
    let mut name = roster.as_os_str().to_owned();
    name.push(".reprints");
    PathBuf::from(name)
}

/// A state file that cannot be read.
#[derive(Debug)]
pub struct StateError {
    /// The file.
    pub path: PathBuf,
    /// The line (from 1), when the problem is in the text.
    pub line: Option<usize>,
    /// What is wrong.
    pub why: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.path.display(), self.why),
            None => write!(f, "{}: {}", self.path.display(), self.why),
        }
    }
}

impl std::error::Error for StateError {}

/// Reads the state file; a missing file means no pass was reprinted yet.
pub fn load(path: &Path) -> Result<Reprints, StateError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Reprints::new()),
        Err(e) => {
            return Err(StateError { path: path.to_path_buf(), line: None, why: e.to_string() })
        }
    };
    let mut map = Reprints::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| StateError {
            path: path.to_path_buf(),
            line: Some(i + 1),
            why: why.to_string(),
        };
        let mut parts = line.split_whitespace();
        let (Some(id), Some(n), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected an id and a reprint number"));
        };
        let n: u32 = n.parse().map_err(|_| bad("the reprint number is not a whole number"))?;
        map.insert(id.to_string(), n);
    }
    Ok(map)
}

/// Writes the state file whole, through a temporary file and a rename.
pub fn save(path: &Path, map: &Reprints) -> std::io::Result<()> {
    // Through atomic: an interrupted run removes it.
    let mut temp = crate::atomic::temp_beside(path, ".reprints.part")?;
    writeln!(temp, "# laminate reprint numbers: pass id, then its latest reprint number.")?;
    writeln!(temp, "# Written by `laminate render --reprint`; revoke older cards with `laminate verify --revoked`.")?;
    for (id, n) in map {
        writeln!(temp, "{id} {n}")?;
    }
    crate::atomic::persist(temp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_names_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(&dir.path().join("r.yaml"));
        assert!(path.ends_with("r.yaml.reprints"));
        assert!(load(&path).unwrap().is_empty());
        let map: Reprints = [("A-1".to_string(), 2), ("B".to_string(), 1)].into();
        save(&path, &map).unwrap();
        assert_eq!(load(&path).unwrap(), map);
        std::fs::write(&path, "A 1\nB two\n").unwrap();
        let e = load(&path).unwrap_err();
        assert_eq!(e.line, Some(2));
    }
}
