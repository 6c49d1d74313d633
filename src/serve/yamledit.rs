//! YAML text edits: turns "this value, at this span, is now V" into the
//! file's text with only those bytes changed, so comments, key order and
//! every untouched value stay as the organiser wrote them.

use laminate_passes::diag::Span;

/// The byte offset of a 1-based line and 0-based character column.
pub fn offset(text: &str, line: u32, col: u32) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = &text[start..];
    start + rest.char_indices().nth(col as usize).map_or(rest.len(), |(i, _)| i)
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte offset just past the line holding `at` (after its newline).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Replaces a scalar written at `span` (its first line, quotes included)
/// with `value`, already formatted by [`scalar`].
pub fn replace(text: &str, span: Span, value: &str) -> String {
    let start = offset(text, span.line, span.col);
    let end = offset(text, span.line, span.col + span.len).min(line_end(text, start));
    // A plain scalar's span never covers the newline; keep it if it did.
    let end = if text[start..end].ends_with('\n') { end - 1 } else { end };
    format!("{}{value}{}", &text[..start], &text[end..])
}

/// Adds `key: value` to the mapping that starts at `map` (its first key for
/// a block mapping, its `{` for a flow one), as its first key, with the
/// mapping's own indentation or on its line.
pub fn insert_key(text: &str, map: Span, key: &str, value: &str) -> String {
    let at = offset(text, map.line, map.col);
    if text[at..].starts_with('{') {
        let inner = &text[at + 1..];
        let empty = inner.trim_start().starts_with('}');
        let sep = if empty { " " } else { ", " };
        return format!("{}{{ {key}: {value}{sep}{}", &text[..at], inner.trim_start());
    }
    let start = line_start(text, at);
    let indent = " ".repeat(map.col as usize);
    format!("{}{indent}{key}: {value}\n{}", &text[..start], &text[start..])
}

/// Appends a top-level `key:` mapping holding one `name: value` pair.
pub fn append_section(text: &str, key: &str, name: &str, value: &str) -> String {
    let sep = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
    format!("{text}{sep}{key}:\n  {name}: {value}\n")
}

/// Removes the pair whose key is written at `key`: its line and every more
/// deeply indented line after it (its value); comments and blank lines
/// between it and the next pair stay with the next pair.
pub fn remove_pair(text: &str, key: Span) -> String {
    let at = offset(text, key.line, key.col);
    let start = line_start(text, at);
    let mut end = line_end(text, at);
    let mut probe = end;
    while probe < text.len() {
        let next = line_end(text, probe);
        let line = &text[probe..next];
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let trimmed = body.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            probe = next;
            continue;
        }
        if indent <= key.col as usize {
            break;
        }
        end = next;
        probe = next;
    }
    format!("{}{}", &text[..start], &text[end..])
}

/// A value as YAML text: numbers and simple words plain, anything else in
/// double quotes (JSON's escapes are YAML's).
pub fn scalar(value: &str) -> String {
    let plain_word = value.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(value, "true" | "false" | "null" | "yes" | "no" | "on" | "off");
    let number = !value.is_empty()
        && value.parse::<f64>().is_ok_and(f64::is_finite)
        && value.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-'));
    if plain_word || number {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| "\"\"".into())
    }
}

/// A length in mm as the shortest text that keeps it to 0.01 mm.
pub fn mm(value: f64) -> String {
    let s = format!("{:.2}", (value * 100.0).round() / 100.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use laminate_passes::diag::FileId;

    fn span(line: u32, col: u32, len: u32) -> Span {
        Span { file: FileId(0), line, col, len }
    }

    const TEXT: &str = "# top\nelements:\n  name:\n    x: 4     # left\n    y: 21\n  # qr next\n  qr: { type: qr, x: 60 }\nback: {}\n";

    #[test]
    fn replacing_keeps_the_comment() {
        let out = replace(TEXT, span(4, 7, 1), "9.5");
        assert_eq!(out, TEXT.replace("x: 4     # left", "x: 9.5     # left"));
        let quoted = "a: \"{name}\" # c\n";
        assert_eq!(replace(quoted, span(1, 3, 8), "\"{id}\""), "a: \"{id}\" # c\n");
    }

    #[test]
    fn inserting_uses_the_mapping_style() {
        let block = insert_key(TEXT, span(4, 4, 1), "size", "12");
        assert!(block.contains("  name:\n    size: 12\n    x: 4"));
        let flow = insert_key(TEXT, span(7, 6, 1), "colour", "accent");
        assert!(flow.contains("qr: { colour: accent, type: qr, x: 60 }"));
        let empty = insert_key(TEXT, span(8, 6, 1), "bg", "~");
        assert!(empty.ends_with("back: { bg: ~ }\n"));
    }

    #[test]
    fn removing_takes_the_value_and_leaves_the_next_comment() {
        let out = remove_pair(TEXT, span(3, 2, 4));
        assert_eq!(out, "# top\nelements:\n  # qr next\n  qr: { type: qr, x: 60 }\nback: {}\n");
    }

    #[test]
    fn values_are_quoted_only_when_needed() {
        assert_eq!(scalar("12.5"), "12.5");
        assert_eq!(scalar("bold"), "bold");
        assert_eq!(scalar("#ff0000"), "\"#ff0000\"");
        assert_eq!(scalar("{name}"), "\"{name}\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(mm(9.0), "9");
        assert_eq!(mm(4.1000000001), "4.1");
        assert_eq!(mm(-0.001), "0");
    }

    #[test]
    fn appending_a_section() {
        assert_eq!(append_section("a: 1", "elements", "x", "~"), "a: 1\nelements:\n  x: ~\n");
    }
}
