//! Column patterns: turns `"{First Name} {Last Name}"` from an event file's
//! `columns:` into the text of one roster value for each row.

use crate::load::sources::sheet::{norm, Cell, Row, Table};

/// A roster value made of headings' cells and the text between them.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Pattern {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(String),
    Column(usize),
}

/// Why a pattern cannot be used.
#[derive(Debug, PartialEq)]
pub(super) enum BadPattern {
    /// A `{` without its `}`, or braces with nothing between.
    Braces,
    /// A heading the table does not have.
    Unknown(String),
    /// No heading at all: the value would be the same on every row.
    NoHeading,
}

/// True when a `columns:` value is a pattern rather than a roster key.
pub(super) fn is_pattern(text: &str) -> bool {
    text.contains('{')
}

impl Pattern {
    /// Reads a pattern against a table's headings (matched as headings are:
    /// trimmed, any case).
    pub(super) fn parse(text: &str, headings: &[String]) -> Result<Pattern, BadPattern> {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or(BadPattern::Braces)?;
            let head = after[..close].trim();
            if head.is_empty() {
                return Err(BadPattern::Braces);
            }
            let want = norm(head);
            let column = headings
                .iter()
                .position(|h| norm(h) == want)
                .ok_or_else(|| BadPattern::Unknown(head.to_string()))?;
            parts.push(Part::Column(column));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Column(_))) {
            return Err(BadPattern::NoHeading);
        }
        Ok(Pattern { parts })
    }

    /// The columns the pattern reads, in order.
    pub(super) fn columns(&self) -> Vec<usize> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Column(c) => Some(*c),
                Part::Text(_) => None,
            })
            .collect()
    }

    /// The value for a row: empty when every heading's cell is empty, and
    /// with spaces tidied, so that a missing middle name leaves no gap.
    pub(super) fn apply(&self, row: &Row) -> String {
        let cell = |c: usize| row.cells.get(c).map_or("", |c| c.text.trim());
        if self.columns().into_iter().all(|c| cell(c).is_empty()) {
            return String::new();
        }
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Column(c) => out.push_str(cell(*c)),
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl Table {
    /// The table with a column added for each pattern, headed with its
    /// roster key and shown at the first heading it reads.
    pub(super) fn with_patterns(&self, patterns: &[(&'static str, Pattern)]) -> Table {
        let mut t = Table {
            file: self.file,
            header: self.header.clone(),
            rows: self.rows.clone(),
            labels: self.labels.clone(),
        };
        for (key, p) in patterns {
            let first = p.columns()[0];
            let at = |row: &Row| row.cells.get(first).cloned().unwrap_or_default();
            let col = t.header.cells.len();
            t.header.cells.push(Cell { text: key.to_string(), ..at(&self.header) });
            let names: Vec<&str> = p
                .columns()
                .into_iter()
                .filter_map(|c| self.labels.get(c).map(String::as_str))
                .collect();
            t.labels.push(names.join(" and "));
            for (row, src) in t.rows.iter_mut().zip(&self.rows) {
                row.cells.resize(col, Cell { line: src.line, ..Cell::default() });
                row.cells.push(Cell { text: p.apply(src), ..at(src) });
            }
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::sources::sheet::Cell;

    fn row(cells: &[&str]) -> Row {
        Row {
            line: 2,
            len: 1,
            cells: cells.iter().map(|t| Cell { text: t.to_string(), ..Cell::default() }).collect(),
        }
    }

    #[test]
    fn patterns_join_cells() {
        let heads: Vec<String> =
            ["First Name", "Middle", " Last Name "].iter().map(|s| s.to_string()).collect();
        let p = Pattern::parse("{first name} {Middle} {Last Name}", &heads).unwrap();
        assert_eq!(p.columns(), [0, 1, 2]);
        assert_eq!(p.apply(&row(&["Ana", "", "Silva"])), "Ana Silva");
        assert_eq!(p.apply(&row(&["", "", ""])), "");
        let p = Pattern::parse("{Last Name}, {First Name}", &heads).unwrap();
        assert_eq!(p.apply(&row(&["Ana", "", "Silva"])), "Silva, Ana");
        assert_eq!(Pattern::parse("{Surname}", &heads), Err(BadPattern::Unknown("Surname".into())));
        assert_eq!(Pattern::parse("{First", &heads), Err(BadPattern::Braces));
        assert_eq!(Pattern::parse("Guest", &heads), Err(BadPattern::NoHeading));
    }
}
