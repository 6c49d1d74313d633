//! Physical lengths: turns "85.6mm", "4in", "12pt" and named paper sizes into points.

use std::fmt;

/// Points per millimetre (1 pt = 1/72 in, 1 in = 25.4 mm).
pub const PT_PER_MM: f64 = 72.0 / 25.4;

/// Converts millimetres to points.
pub fn mm(v: f64) -> f64 {
    v * PT_PER_MM
}

/// Converts points to millimetres.
pub fn to_mm(pt: f64) -> f64 {
    pt / PT_PER_MM
}

/// A width and a height in pt. Both are finite and non-negative.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Size {
    /// Width in pt.
    pub w: f64,
    /// Height in pt.
    pub h: f64,
}

impl Size {
    /// A size from a width and height in pt.
    pub fn new(w: f64, h: f64) -> Self {
        Size { w, h }
    }

    /// The same size turned by 90 degrees.
    pub fn swapped(self) -> Self {
        Size { w: self.h, h: self.w }
    }

    /// True when the sizes agree to within 0.001 pt.
    pub fn same_as(self, other: Size) -> bool {
        (self.w - other.w).abs() < 1e-3 && (self.h - other.h).abs() < 1e-3
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} x {} mm", round2(to_mm(self.w)), round2(to_mm(self.h)))
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Why a length or size could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLength(pub String);

impl fmt::Display for BadLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a length such as `3`, `3mm`, `0.25in`, `12pt` or `1.5cm` into pt.
/// A bare number is in millimetres, the unit of every template coordinate.
pub fn parse_length(text: &str) -> Result<f64, BadLength> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 = num.parse().map_err(|_| {
        BadLength(format!(
            "\"{text}\" is not a length (write a number with a unit: 3mm, 0.25in, 12pt)"
        ))
    })?;
    if !value.is_finite() {
        return Err(BadLength(format!("\"{text}\" is not a finite length")));
    }
    let factor = match unit.trim() {
        "" | "mm" => PT_PER_MM,
        "cm" => PT_PER_MM * 10.0,
        "in" | "\"" => 72.0,
        "pt" => 1.0,
        other => {
            return Err(BadLength(format!(
                "unknown unit \"{other}\" in \"{text}\" (known units: mm, cm, in, pt)"
            )))
        }
    };
    Ok(value * factor)
}

/// Reads a size written `WxH` with a unit after either number or after both,
/// e.g. `85.6x54mm`, `4x3in`, `100mm x 70mm`.
pub fn parse_wxh(text: &str) -> Result<Size, BadLength> {
    let lower = text.trim().to_ascii_lowercase();
    let (a, b) = lower.split_once(['x', '×']).ok_or_else(|| {
        BadLength(format!("\"{text}\" is not a size (write WxH, e.g. 85.6x54mm)"))
    })?;
    let (a, b) = (a.trim(), b.trim());
    let unit_of =
        |s: &str| s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.').to_string();
    // "4x3in": the unit written once, after the height, applies to both.
    let a_full = if unit_of(a).is_empty() { format!("{a}{}", unit_of(b)) } else { a.to_string() };
    let size = Size::new(parse_length(&a_full)?, parse_length(b)?);
    if size.w <= 0.0 || size.h <= 0.0 {
        return Err(BadLength(format!("\"{text}\": width and height must be above zero")));
    }
    Ok(size)
}

/// The paper sizes `--sheet` knows by name, portrait, in pt.
pub const SHEETS: &[(&str, f64, f64)] = &[
    ("a4", 210.0 * PT_PER_MM, 297.0 * PT_PER_MM),
    ("a3", 297.0 * PT_PER_MM, 420.0 * PT_PER_MM),
    ("sra3", 320.0 * PT_PER_MM, 450.0 * PT_PER_MM),
    ("letter", 8.5 * 72.0, 11.0 * 72.0),
    ("tabloid", 11.0 * 72.0, 17.0 * 72.0),
];

/// The card sizes templates know by name, landscape, in pt.
pub const CARDS: &[(&str, f64, f64)] = &[
    // ISO/IEC 7810 ID-1, the size of a credit card.
    ("cr80", 85.6 * PT_PER_MM, 54.0 * PT_PER_MM),
    // The common 4 x 3 in conference badge.
    ("4x3in", 4.0 * 72.0, 3.0 * 72.0),
];

/// Reads a card size: a preset name (`cr80`, `4x3in`) optionally followed by
/// `portrait` or `landscape`, or any `WxH` size.
pub fn parse_card(text: &str) -> Result<Size, BadLength> {
    let lower = text.trim().to_ascii_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next().unwrap_or("");
    let orientation = words.next();
    if let Some(&(_, w, h)) = CARDS.iter().find(|(n, _, _)| *n == first) {
        return match (orientation, words.next()) {
            (None | Some("landscape"), None) => Ok(Size::new(w, h)),
            (Some("portrait"), None) => Ok(Size::new(h, w)),
            _ => Err(BadLength(format!(
                "\"{text}\": after the preset name write portrait or landscape"
            ))),
        };
    }
    parse_wxh(&lower).map_err(|_| {
        BadLength(format!(
            "\"{text}\" is not a card size (presets: cr80, 4x3in, each optionally followed by \
             portrait; or WxH such as 90x55mm)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn lengths_in_all_units() {
        assert!(close(parse_length("25.4mm").unwrap(), 72.0));
        assert!(close(parse_length("25.4").unwrap(), 72.0));
        assert!(close(parse_length("1in").unwrap(), 72.0));
        assert!(close(parse_length("2.54cm").unwrap(), 72.0));
        assert!(close(parse_length("12pt").unwrap(), 12.0));
        assert!(parse_length("12px").unwrap_err().0.contains("unknown unit \"px\""));
        assert!(parse_length("abc").is_err());
    }

    #[test]
    fn card_presets_are_exact() {
        let cr80 = parse_card("cr80").unwrap();
        assert!(close(to_mm(cr80.w), 85.6) && close(to_mm(cr80.h), 54.0));
        let p = parse_card("4x3in portrait").unwrap();
        assert!(close(p.w, 216.0) && close(p.h, 288.0));
        assert!(close(to_mm(p.w), 76.2));
        let any = parse_card("90 x 55mm").unwrap();
        assert!(close(to_mm(any.w), 90.0) && close(to_mm(any.h), 55.0));
        assert!(parse_card("cr80 sideways").is_err());
    }

    #[test]
    fn wxh_unit_once_or_twice() {
        assert!(parse_wxh("4x3in").unwrap().same_as(Size::new(288.0, 216.0)));
        assert!(parse_wxh("100mm x 3in").unwrap().same_as(Size::new(mm(100.0), 216.0)));
        assert!(parse_wxh("0x3in").is_err());
    }
}
