//! Printer profiles: turns a calibration file (how far a printer shifts and
//! scales each side of a sheet) into the transformation that undoes it.
//!
//! ```yaml
//! front: {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}
//! back:  {offset_x: -0.8mm}
//! ```
//!
//! A profile may also name the printer's printing condition, which turns
//! PDF/X-4 on (as `render --pdfx --output-intent FILE.icc --condition NAME`):
//!
//! ```yaml
//! pdfx: true                        # PDF/X-4 with the bundled FOGRA39
//! output_intent: PSOcoated_v3.icc   # the shop's CMYK profile (beside this file); implies pdfx
//! condition: PSO Coated v3          # its OutputConditionIdentifier
//! ```
//!
//! The page boxes stay nominal; only the drawing moves. Positive `offset_x`
//! moves everything right, positive `offset_y` moves it up (towards the top
//! edge of the page as a viewer shows it). `scale` is about the centre of
//! the page, so the centre stays where it is.

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Sources};
use crate::units::{mm, parse_length, Size};
use crate::yaml::{known_keys, Node, Reader, Value};

/// The largest offset a profile may give, in pt: a printer that is off by
/// more needs repair, not calibration.
pub const MAX_OFFSET_MM: f64 = 20.0;
/// The smallest and largest scale a profile may give, in percent.
pub const SCALE_RANGE: (f64, f64) = (90.0, 110.0);

/// The correction for one side of the sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adjust {
    /// Rightwards shift in pt.
    pub offset_x: f64,
    /// Upwards shift in pt.
    pub offset_y: f64,
    /// Scale factor about the page centre (1.0 for none).
    pub scale: f64,
}

impl Default for Adjust {
    fn default() -> Self {
        Adjust { offset_x: 0.0, offset_y: 0.0, scale: 1.0 }
    }
}

impl Adjust {
    /// The matrix `[a b c d e f]` of a `cm` operator (ISO 32000 8.4.4) for a
    /// page of this size: scale about the page centre, then shift; `None`
    /// when the adjustment changes nothing.
    pub fn matrix(&self, page: Size) -> Option<[f64; 6]> {
        if *self == Adjust::default() {
            return None;
        }
        let s = self.scale;
        let (cx, cy) = (page.w / 2.0, page.h / 2.0);
        Some([s, 0.0, 0.0, s, (1.0 - s) * cx + self.offset_x, (1.0 - s) * cy + self.offset_y])
    }
}

/// A printer profile: one correction for fronts, one for backs.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// For the front of each sheet (and every page of a simplex run).
    pub front: Adjust,
    /// For the back of each sheet (with --duplex).
    pub back: Adjust,
    /// PDF/X-4 for this printer (`pdfx`, `output_intent`, `condition`).
    pub pdfx: Option<laminate_passes_pdf::pdfx::Settings>,
}

/// Reads a printer profile. Problems with its content become diagnostics
/// in `out` (with file, line and column); `Err` only when it cannot be read.
pub fn load(
    path: &Path,
    sources: &mut Sources,
    out: &mut Vec<Diagnostic>,
) -> std::io::Result<Profile> {
    let text: Arc<str> = std::fs::read_to_string(path)?.into();
    let file = sources.add(path.display().to_string(), text.clone());
    let node = match Reader::new(&text, file).read_document() {
        Ok(n) => n,
        Err(d) => {
            out.push(d);
            return Ok(Profile::default());
        }
    };
    let mut profile = node.map_or_else(Profile::default, |n| read_profile(&n, out));
    // The output intent's file is named relative to the profile.
    if let Some(icc) = profile.pdfx.as_mut().and_then(|x| x.output_intent.as_mut()) {
        if icc.is_relative() {
            *icc = path.parent().unwrap_or(Path::new("")).join(&*icc);
        }
    }
    Ok(profile)
}

fn read_profile(node: &Node, out: &mut Vec<Diagnostic>) -> Profile {
    let mut profile = Profile::default();
    let Value::Map(pairs) = &node.value else {
        out.push(
            Diagnostic::error(
                node.span,
                format!("a printer profile is a mapping with front and back, not {}", node.kind()),
            )
            .hint("e.g. front: {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}"),
        );
        return profile;
    };
    let keys = ["front", "back", "pdfx", "output_intent", "condition"];
    let mut pdfx = laminate_passes_pdf::pdfx::Settings::default();
    let mut on = false;
    for (key, _, value) in known_keys(pairs, &keys, "a printer profile", None, out) {
        match key {
            "front" => profile.front = read_side(value, key, out),
            "back" => profile.back = read_side(value, key, out),
            _ => {
                let Some(text) = value.as_str().map(str::trim).filter(|t| !t.is_empty()) else {
                    out.push(Diagnostic::error(
                        value.span,
                        format!("`{key}` is a single value, not {}", value.kind()),
                    ));
                    continue;
                };
                match key {
                    "pdfx" => match text {
                        "true" | "yes" => on = true,
                        "false" | "no" => {}
                        _ => out.push(Diagnostic::error(
                            value.span,
                            format!("`pdfx` is true or false, not \"{text}\""),
                        )),
                    },
                    "output_intent" => {
                        pdfx.output_intent = Some(text.into());
                        on = true;
                    }
                    _ => pdfx.condition = Some(text.to_string()),
                }
            }
        }
    }
    profile.pdfx = on.then_some(pdfx);
    profile
}

fn read_side(node: &Node, side: &str, out: &mut Vec<Diagnostic>) -> Adjust {
    let mut adjust = Adjust::default();
    let Value::Map(pairs) = &node.value else {
        if !node.is_null() {
            out.push(Diagnostic::error(
                node.span,
                format!(
                    "`{side}` is a mapping of offset_x, offset_y and scale, not {}",
                    node.kind()
                ),
            ));
        }
        return adjust;
    };
    let what = format!("the {side} of a printer profile");
    for (key, _, value) in known_keys(pairs, &["offset_x", "offset_y", "scale"], &what, None, out) {
        let Some(text) = value.as_str() else {
            out.push(Diagnostic::error(
                value.span,
                format!("`{key}` is a single value, not {}", value.kind()),
            ));
            continue;
        };
        match key {
            "scale" => match read_scale(text) {
                Ok(s) => adjust.scale = s,
                Err(why) => out.push(
                    Diagnostic::error(value.span, why)
                        .hint("write a percentage such as 99.5% (or a factor such as 0.995)"),
                ),
            },
            _ => match parse_length(text) {
                Ok(v) if v.abs() <= mm(MAX_OFFSET_MM) + 1e-9 => {
                    if key == "offset_x" {
                        adjust.offset_x = v;
                    } else {
                        adjust.offset_y = v;
                    }
                }
                Ok(_) => out.push(Diagnostic::error(
                    value.span,
                    format!(
                        "`{key}` is {text}, more than the {MAX_OFFSET_MM} mm a profile may shift"
                    ),
                )),
                Err(e) => out.push(
                    Diagnostic::error(value.span, format!("`{key}`: {e}"))
                        .hint("e.g. 1.2mm or -0.5mm (a bare number is in mm)"),
                ),
            },
        }
    }
    adjust
}

/// Reads `99.5%` or `0.995` into a factor within [`SCALE_RANGE`].
fn read_scale(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let v: f64 = num.parse().map_err(|_| format!("`scale` is \"{text}\", not a number"))?;
    let factor = if percent { v / 100.0 } else { v };
    let (lo, hi) = SCALE_RANGE;
    if !factor.is_finite() || !(lo / 100.0..=hi / 100.0).contains(&factor) {
        return Err(format!("`scale` is {text}, outside {lo}% to {hi}%"));
    }
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Profile, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let file = sources.add("p.yaml", text.into());
        let mut out = vec![];
        let node = Reader::new(text, file).read_document().unwrap().unwrap();
        (read_profile(&node, &mut out), out)
    }

    #[test]
    fn reads_both_sides_and_units() {
        let (p, out) = parse(
            "front: {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}\nback:\n  offset_x: 0.01in\n  scale: 1.002\n",
        );
        assert!(out.is_empty(), "{out:?}");
        assert!((p.front.offset_x - mm(1.2)).abs() < 1e-9);
        assert!((p.front.offset_y + mm(0.5)).abs() < 1e-9);
        assert!((p.front.scale - 0.995).abs() < 1e-12);
        assert!((p.back.offset_x - 0.72).abs() < 1e-9 && p.back.offset_y == 0.0);
        assert!((p.back.scale - 1.002).abs() < 1e-12);
    }

    #[test]
    fn an_output_intent_turns_pdfx_on() {
        let (p, out) = parse("output_intent: shop.icc\ncondition: PSO Coated v3\n");
        assert!(out.is_empty(), "{out:?}");
        let x = p.pdfx.unwrap();
        assert_eq!(x.output_intent, Some("shop.icc".into()));
        assert_eq!(x.condition.as_deref(), Some("PSO Coated v3"));
        assert_eq!(parse("pdfx: true\n").0.pdfx, Some(Default::default()));
        assert_eq!(parse("pdfx: false\nfront: {scale: 99%}\n").0.pdfx, None);
        let (_, out) = parse("pdfx: maybe\n");
        assert!(out[0].message.contains("true or false"), "{out:?}");
    }

    #[test]
    fn centre_stays_put_under_scale() {
        let a = Adjust { offset_x: 0.0, offset_y: 0.0, scale: 0.9 };
        let m = a.matrix(Size::new(200.0, 100.0)).unwrap();
        assert!((m[0] * 100.0 + m[4] - 100.0).abs() < 1e-9);
        assert!((m[3] * 50.0 + m[5] - 50.0).abs() < 1e-9);
        assert_eq!(Adjust::default().matrix(Size::new(1.0, 1.0)), None);
    }

    #[test]
    fn mistakes_are_diagnostics_with_positions() {
        let (_, mut out) = parse("front:\n  ofset_x: 1mm\n  scale: 150%\nbak: {}\n");
        assert_eq!(out.len(), 3, "{out:?}");
        out.sort_by_key(|d| d.span.map(|s| s.line));
        assert_eq!((out[0].span.unwrap().line, out[0].span.unwrap().col), (2, 2));
        assert_eq!(out[0].hints, ["did you mean \"offset_x\"?"]);
        assert!(out[1].message.contains("outside 90% to 110%"), "{}", out[1].message);
        assert_eq!(out[2].hints, ["did you mean \"back\"?"]);
    }
}
