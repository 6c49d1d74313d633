//! YAML out: turns a roster back into roster YAML (`laminate convert`).

use std::path::Path;

use crate::load::roster::{self, Roster};

/// A YAML double-quoted scalar.
pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() || c == '\u{feff}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A YAML scalar for text: plain when that reads back as the same text,
/// otherwise double-quoted.
pub(super) fn scalar(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_alphanumeric())
        && s.chars().all(|c| c.is_alphanumeric() || " -.,'()&/+_".contains(c))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        quote(s)
    }
}

/// Writes a roster as roster YAML (for `laminate convert`). Photo paths are
/// written relative to `base_dir`, the folder the roster was read from.
pub fn to_yaml(roster: &Roster, base_dir: &Path, from: &str) -> String {
    let ev = &roster.event;
    let mut y = format!("# Converted from {from} by laminate convert.\nevent:\n");
    y.push_str(&format!("  name: {}\n", scalar(&ev.name)));
    if let Some(v) = &ev.venue {
        y.push_str(&format!("  venue: {}\n", scalar(v)));
    }
    y.push_str(&format!("  starts: {}\n  ends: {}\n", ev.starts, ev.ends));
    if ev.id != roster::event_id_from_name(&ev.name) {
        y.push_str(&format!("  id: {}\n", ev.id));
    }
    if let Some(z) = &ev.timezone {
        y.push_str(&format!("  timezone: {}\n", z.name));
    }
    y.push_str("passes:\n");
    for e in &roster.entries {
        y.push_str(&format!("  - id: {}\n    name: {}\n", e.id, scalar(&e.name)));
        if let Some(o) = &e.organisation {
            y.push_str(&format!("    organisation: {}\n", scalar(o)));
        }
        if let Some(r) = &e.role {
            y.push_str(&format!("    role: {}\n", scalar(r)));
        }
        y.push_str(&format!("    pass: {}\n", scalar(&e.pass)));
        if let Some(d) = e.valid_from {
            y.push_str(&format!("    valid_from: {d}\n"));
        }
        if let Some(d) = e.valid_until {
            y.push_str(&format!("    valid_until: {d}\n"));
        }
        if let Some(z) = &e.zones {
            // Flow lists end a plain value at a comma or bracket.
            let z: Vec<String> = z
                .iter()
                .map(|z| if z.contains([',', '[', ']', '{', '}']) { quote(z) } else { scalar(z) })
                .collect();
            y.push_str(&format!("    zones: [{}]\n", z.join(", ")));
        }
        if let Some(t) = &e.ticket {
            y.push_str(&format!("    ticket: {}\n", quote(t)));
        }
        if let Some(p) = &e.photo {
            let p = p.strip_prefix(base_dir).unwrap_or(p);
            y.push_str(&format!("    photo: {}\n", quote(&p.display().to_string())));
        }
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_back_as_written() {
        assert_eq!(quote("a\"b\\c\u{7}"), "\"a\\\"b\\\\c\\u0007\"");
        assert_eq!(scalar("Ana Silva"), "Ana Silva");
        assert_eq!(scalar("no"), "\"no\"");
        assert_eq!(scalar("#1 fan"), "\"#1 fan\"");
        assert_eq!(scalar("Ölfestival: Ost"), "\"Ölfestival: Ost\"");
    }
}
