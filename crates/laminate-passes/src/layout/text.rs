//! Text fitting: turns a string and a box into a font size and one or two lines.

/// Line height as a multiple of the font size.
pub const LEADING: f64 = 1.15;

/// The smallest size laminate will shrink a text to before cutting it, in pt.
pub const FLOOR_PT: f64 = 4.0;

/// Sizes are chosen in steps of this many pt, so that a tiny change in a
/// measurement cannot change the output.
const STEP: f64 = 0.25;

/// What a fitting asks for: the box and the size range, in pt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitSpec {
    /// Box width in pt.
    pub width: f64,
    /// Box height in pt.
    pub height: f64,
    /// Largest size in pt.
    pub max_size: f64,
    /// Smallest size in pt the template allows.
    pub min_size: f64,
    /// Most lines (1 or 2).
    pub max_lines: u8,
}

/// How a text was fitted.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// Font size in pt.
    pub size: f64,
    /// The lines, top to bottom.
    pub lines: Vec<String>,
    /// How the fit fell short of the template's wishes, if it did.
    pub shortfall: Option<Shortfall>,
}

/// A fit that needed more than the template allows.
#[derive(Clone, Debug, PartialEq)]
pub enum Shortfall {
    /// Set below the minimum size, at this size in pt.
    BelowMinimum(f64),
    /// Even at the floor size it did not fit and was cut.
    Cut,
}

fn step_down(v: f64) -> f64 {
    (v / STEP).floor() * STEP
}

/// Fits `text` into the box: the largest size between the maximum and the
/// minimum on one line; failing that, two balanced lines; failing that, below
/// the minimum (down to [`FLOOR_PT`]); failing that, cut with an ellipsis.
/// `width_em` measures a string in em.
pub fn fit(text: &str, spec: FitSpec, width_em: &dyn Fn(&str) -> f64) -> Fitted {
    let one_line = |line_w: f64, lines: f64| {
        let by_width = if line_w > 0.0 { spec.width / line_w } else { spec.max_size };
        step_down(spec.max_size.min(by_width).min(spec.height / (lines * LEADING)))
    };
    let single = one_line(width_em(text), 1.0);
    if single >= spec.min_size {
        return Fitted { size: single, lines: vec![text.to_string()], shortfall: None };
    }
    let mut best = (single, vec![text.to_string()]);
    if spec.max_lines >= 2 {
        if let Some((a, b)) = balanced_break(text, width_em) {
            let two = one_line(width_em(&a).max(width_em(&b)), 2.0);
            if two >= spec.min_size {
                return Fitted { size: two, lines: vec![a, b], shortfall: None };
            }
            if two > best.0 {
                best = (two, vec![a, b]);
            }
        }
    }
    if best.0 >= FLOOR_PT {
        return Fitted {
            size: best.0,
            lines: best.1,
            shortfall: Some(Shortfall::BelowMinimum(best.0)),
        };
    }
    // Cut: the longest prefix that fits at the floor size, plus an ellipsis.
    // Widths grow with the prefix, so a binary search finds it with a
    // logarithmic number of measurements: fitting stays near linear in the
    // text, however long it is.
    let size = FLOOR_PT.min(step_down(spec.height / LEADING)).max(1.0);
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let candidate = |keep: usize| text[..ends[keep - 1]].trim_end().to_string() + "…";
    let fits = |keep: usize| width_em(&candidate(keep)) * size <= spec.width;
    // The largest `keep` in 1..=len that fits (fits(keep) is true up to it).
    let (mut lo, mut hi) = (0, ends.len());
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let line = if lo > 0 { candidate(lo) } else { "…".to_string() };
    Fitted { size, lines: vec![line], shortfall: Some(Shortfall::Cut) }
}

/// Splits at the space (or after the hyphen) that makes the longer of the
/// two lines shortest. A space is dropped at the break; a hyphen stays on
/// the first line, as in double-barrelled names.
///
/// The first line grows and the second shrinks as the break moves right, so
/// the best break is where they cross: a binary search finds the crossing
/// and only the breaks beside it are compared, with a logarithmic number of
/// measurements instead of one per break.
fn balanced_break(text: &str, width_em: &dyn Fn(&str) -> f64) -> Option<(String, String)> {
    let breaks: Vec<(&str, &str)> = text
        .char_indices()
        .filter(|&(i, c)| c == ' ' || (c == '-' && i > 0 && i + 1 < text.len()))
        .map(|(i, c)| {
            if c == ' ' {
                (text[..i].trim_end(), text[i + 1..].trim_start())
            } else {
                (&text[..i + 1], &text[i + 1..])
            }
        })
        .collect();
    if breaks.is_empty() {
        return None;
    }
    // The first break whose first line is at least as wide as its second.
    let (mut lo, mut hi) = (0, breaks.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let (a, b) = breaks[mid];
        if width_em(a) >= width_em(b) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    // The crossing lies between break lo - 1 and break lo; of the two, the
    // one whose longer line is shorter (the earlier one on a tie).
    (lo.saturating_sub(1)..(lo + 1).min(breaks.len()))
        .map(|i| {
            let (a, b) = breaks[i];
            (width_em(a).max(width_em(b)), a, b)
        })
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, a, b)| (a.to_string(), b.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character half an em wide, like a monospace font.
    fn mono(s: &str) -> f64 {
        s.chars().count() as f64 * 0.5
    }

    fn spec(width: f64, max_lines: u8) -> FitSpec {
        FitSpec { width, height: 40.0, max_size: 16.0, min_size: 8.0, max_lines }
    }

    #[test]
    fn short_text_gets_the_maximum() {
        let f = fit("Ann Lee", spec(200.0, 2), &mono);
        assert_eq!((f.size, f.lines.len(), f.shortfall), (16.0, 1, None));
    }

    #[test]
    fn shrinks_before_wrapping() {
        // 20 chars = 10 em; at 100 pt width the size is 10 pt, above the minimum.
        let f = fit("Abcdefghij Klmnopqrs", spec(100.0, 2), &mono);
        assert_eq!((f.size, f.lines.len()), (10.0, 1));
    }

    #[test]
    fn wraps_at_the_balanced_space() {
        // 40 chars = 20 em; one line would need 5 pt; two lines of 19-20 chars fit at 10 pt.
        let f = fit("Maximilian Alexander Ferdinand Augustus", spec(100.0, 2), &mono);
        assert_eq!(f.lines, ["Maximilian Alexander", "Ferdinand Augustus"]);
        assert_eq!(f.size, 10.0);
        assert_eq!(f.shortfall, None);
    }

    #[test]
    fn breaks_after_a_hyphen() {
        let f = fit("Wolfeschlegelstein-Featherstonehaugh", spec(100.0, 2), &mono);
        assert_eq!(f.lines, ["Wolfeschlegelstein-", "Featherstonehaugh"]);
    }

    #[test]
    fn below_minimum_is_reported() {
        let f = fit("Abcdefghijklmnopqrstuvwxyz", spec(60.0, 1), &mono);
        assert_eq!(f.shortfall, Some(Shortfall::BelowMinimum(4.5)));
        assert!(f.size * mono(&f.lines[0]) <= 60.0);
    }

    #[test]
    fn the_balanced_break_is_the_best_of_every_break() {
        // Guards the binary search: it must choose what trying every break chose.
        let names = [
            "Ana Silva",
            "Maximilian Alexander Ferdinand Augustus",
            "A Bcdefghijklmnop Q R S",
            "Jean-Luc Picard-Duval de la Tour",
            "Wolfeschlegelstein-Featherstonehaugh",
            "x y",
            "Abc Def Ghi Jkl Mno Pqr Stu Vwx Yz",
        ];
        for name in names {
            let every = name
                .char_indices()
                .filter(|&(i, c)| c == ' ' || (c == '-' && i > 0 && i + 1 < name.len()))
                .map(|(i, c)| {
                    let (a, b) = if c == ' ' {
                        (name[..i].trim_end(), name[i + 1..].trim_start())
                    } else {
                        (&name[..i + 1], &name[i + 1..])
                    };
                    (mono(a).max(mono(b)), a.to_string(), b.to_string())
                })
                .min_by(|x, y| x.0.total_cmp(&y.0))
                .map(|(_, a, b)| (a, b));
            assert_eq!(balanced_break(name, &mono), every, "{name}");
        }
    }

    #[test]
    fn fitting_measures_a_long_text_a_logarithmic_number_of_times() {
        // Guards against quadratic fitting: a 20,000-character name took 1.4 s.
        let text = "Abcdefgh ".repeat(2_000);
        let calls = std::cell::Cell::new(0usize);
        let counting = |s: &str| {
            calls.set(calls.get() + 1);
            mono(s)
        };
        let f = fit(&text, spec(40.0, 2), &counting);
        assert_eq!(f.shortfall, Some(Shortfall::Cut));
        assert!(calls.get() < 100, "{} measurements", calls.get());
    }

    #[test]
    fn cut_when_even_the_floor_is_too_big() {
        let f = fit(&"x".repeat(100), spec(40.0, 2), &mono);
        assert_eq!(f.shortfall, Some(Shortfall::Cut));
        assert!(f.lines[0].ends_with('…'));
        assert!(f.size * mono(&f.lines[0]) <= 40.0);
    }
}
