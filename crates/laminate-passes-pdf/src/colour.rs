//! Colours: turns "#1f4e79", "cmyk(100, 60, 0, 20)" into device colours.

use std::fmt;

/// A device colour, components in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Colour {
    /// DeviceRGB.
    Rgb(f32, f32, f32),
    /// DeviceCMYK, what a press prints.
    Cmyk(f32, f32, f32, f32),
}

impl Colour {
    /// White paper.
    pub const WHITE: Colour = Colour::Rgb(1.0, 1.0, 1.0);
    /// Plain black.
    pub const BLACK: Colour = Colour::Rgb(0.0, 0.0, 0.0);

    /// Reads `#rrggbb`, `#rgb` or `cmyk(c, m, y, k)` with percentages.
    pub fn parse(text: &str) -> Result<Colour, String> {
        let t = text.trim();
        if let Some(hex) = t.strip_prefix('#') {
            let expand: String = if hex.len() == 3 {
                hex.chars().flat_map(|c| [c, c]).collect()
            } else {
                hex.to_string()
            };
            if expand.len() == 6 && expand.chars().all(|c| c.is_ascii_hexdigit()) {
                let v = |i: usize| {
                    u8::from_str_radix(&expand[i..i + 2], 16).unwrap_or(0) as f32 / 255.0
                };
                return Ok(Colour::Rgb(v(0), v(2), v(4)));
            }
        } else if let Some(inner) = t.strip_prefix("cmyk(").and_then(|s| s.strip_suffix(')')) {
            let parts: Vec<Option<f32>> = inner
                .split(',')
                .map(|p| p.trim().trim_end_matches('%').parse::<f32>().ok())
                .collect();
            if let [Some(c), Some(m), Some(y), Some(k)] = parts[..] {
                if [c, m, y, k].iter().all(|v| (0.0..=100.0).contains(v)) {
                    return Ok(Colour::Cmyk(c / 100.0, m / 100.0, y / 100.0, k / 100.0));
                }
            }
        }
        Err(format!(
            "\"{text}\" is not a colour (write #rrggbb, or cmyk(c, m, y, k) in percent, or a name from `colours`)"
        ))
    }

    /// The colour as CMYK components (0..=1). RGB is converted the simple
    /// way (black from the darkest channel, no profile): print shops that
    /// need exact colours give `cmyk(...)` in the template.
    pub fn to_cmyk(self) -> [f32; 4] {
        match self {
            Colour::Cmyk(c, m, y, k) => [c, m, y, k],
            Colour::Rgb(r, g, b) => {
                let k = 1.0 - r.max(g).max(b);
                if k >= 1.0 - 1e-6 {
                    return [0.0, 0.0, 0.0, 1.0];
                }
                let f = |v: f32| ((1.0 - v - k) / (1.0 - k) * 1000.0).round() / 1000.0;
                [f(r), f(g), f(b), (k * 1000.0).round() / 1000.0]
            }
        }
    }

    /// The colour as 8-bit sRGB (CMYK by the simple formula), for laying
    /// transparent photo pixels on it.
    pub fn to_srgb8(self) -> [u8; 3] {
        let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
        match self {
            Colour::Rgb(r, g, b) => [byte(r), byte(g), byte(b)],
            Colour::Cmyk(c, m, y, k) => [
                byte((1.0 - c) * (1.0 - k)),
                byte((1.0 - m) * (1.0 - k)),
                byte((1.0 - y) * (1.0 - k)),
            ],
        }
    }

    /// How much ink the colour puts down, 0 (paper) to 1, as the tint of a
    /// single spot ink standing in for it.
    pub fn tint(self) -> f32 {
        let [c, m, y, k] = self.to_cmyk();
        ((c.max(m).max(y) + k).min(1.0) * 1000.0).round() / 1000.0
    }

    /// The colour mixed towards white by `amount` (0 = unchanged, 1 = white).
    pub fn lighten(self, amount: f32) -> Colour {
        match self {
            Colour::Rgb(r, g, b) => {
                let f = |v: f32| v + (1.0 - v) * amount;
                Colour::Rgb(f(r), f(g), f(b))
            }
            Colour::Cmyk(c, m, y, k) => {
                let f = |v: f32| v * (1.0 - amount);
                Colour::Cmyk(f(c), f(m), f(y), f(k))
            }
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Colour::Rgb(r, g, b) => {
                let h = |v: f32| (v * 255.0).round() as u8;
                write!(f, "#{:02x}{:02x}{:02x}", h(r), h(g), h(b))
            }
            Colour::Cmyk(c, m, y, k) => {
                let p = |v: f32| (v * 100.0).round();
                write!(f, "cmyk({}, {}, {}, {})", p(c), p(m), p(y), p(k))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_cmyk() {
        assert_eq!(Colour::WHITE.to_cmyk(), [0.0, 0.0, 0.0, 0.0]);
        assert_eq!(Colour::BLACK.to_cmyk(), [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(Colour::Rgb(1.0, 0.0, 0.0).to_cmyk(), [0.0, 1.0, 1.0, 0.0]);
        assert_eq!(Colour::Cmyk(0.1, 0.2, 0.3, 0.4).to_cmyk(), [0.1, 0.2, 0.3, 0.4]);
        assert_eq!(Colour::Rgb(0.5, 0.5, 0.5).tint(), 0.5);
    }

    #[test]
    fn parses_hex_and_cmyk() {
        assert_eq!(Colour::parse("#ff0000").unwrap(), Colour::Rgb(1.0, 0.0, 0.0));
        assert_eq!(Colour::parse("#fff").unwrap(), Colour::WHITE);
        assert_eq!(
            Colour::parse("cmyk(0, 50%, 100, 0)").unwrap(),
            Colour::Cmyk(0.0, 0.5, 1.0, 0.0)
        );
        assert!(Colour::parse("cmyk(0, 50, 101, 0)").is_err());
        assert!(Colour::parse("red").is_err());
        assert_eq!(Colour::parse("#1F4E79").unwrap().to_string(), "#1f4e79");
    }
}
