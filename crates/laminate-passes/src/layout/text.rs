//! Text fitting: turns a string and a box into a font size and one or two
//! lines, or into a paragraph of greedy lines as pretix sets it.

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

/// A line of a paragraph: its text and width in pt.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// The text, words joined by the spaces between them.
    pub text: String,
    /// Its width in pt at the paragraph's size.
    pub width: f64,
}

/// A paragraph set by [`paragraph`]: its size and lines.
#[derive(Clone, Debug, PartialEq)]
pub struct Paragraph {
    /// Font size in pt.
    pub size: f64,
    /// The lines, top to bottom.
    pub lines: Vec<Line>,
}

/// What setting a paragraph asks for, in pt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParagraphSpec {
    /// Box width in pt.
    pub width: f64,
    /// Box height in pt (only shrinking looks at it).
    pub height: f64,
    /// The size in pt, or the largest with `shrink`.
    pub size: f64,
    /// Line height as a multiple of the size.
    pub leading: f64,
    /// Shrink, in pretix's steps, until the lines fit the box.
    pub shrink: bool,
    /// A word wider than the box is split across lines.
    pub split_words: bool,
}

/// The most shrinking steps (pretix tries 25 sizes at most).
const SHRINK_TRIES: usize = 25;

/// Sets `text` as a paragraph the way ReportLab does for pretix: greedy
/// lines at the size asked for, a new line at each `\n`; with `shrink`,
/// smaller while the lines are too tall (by a tenth, at least 1 pt) or too
/// wide (by a fortieth, at least 0.25 pt), for at most 25 sizes and not
/// below 1 pt. `width_em` measures a string in em.
pub fn paragraph(text: &str, spec: ParagraphSpec, width_em: &dyn Fn(&str) -> f64) -> Paragraph {
    let mut size = spec.size;
    let mut lines = Vec::new();
    for _ in 0..SHRINK_TRIES {
        lines = break_lines(text, spec.width, size, spec.split_words, width_em);
        let tall = lines.len() as f64 * spec.leading * size > spec.height;
        let wide = lines.iter().any(|l| l.width > spec.width);
        if lines.is_empty() || !spec.shrink || (!tall && !wide) || size <= 1.0 {
            break;
        }
        size -= if tall { (size * 0.1).max(1.0) } else { (size * 0.025).max(0.25) };
    }
    Paragraph { size, lines }
}

/// Greedy line breaking as ReportLab's `Paragraph.breakLines`: words are
/// separated by spaces and may break after a hyphen (pretix puts a hair
/// space there); a word joins the line while the line stays within the
/// width plus 5 % of a space for each space on it, the one before the word
/// included (ReportLab's `spaceShrinkage`). A word wider than the box is cut where the line is
/// full when `split_words`, else it stands on a line of its own.
pub fn break_lines(
    text: &str,
    width: f64,
    size: f64,
    split_words: bool,
    width_em: &dyn Fn(&str) -> f64,
) -> Vec<Line> {
    let w = |s: &str| width_em(s) * size;
    let space = w(" ");
    let mut lines = Vec::new();
    for para in text.split('\n') {
        // (word, follows a space)
        let mut words: std::collections::VecDeque<(String, bool)> = para
            .split_whitespace()
            .flat_map(|word| {
                let mut parts = Vec::new();
                let mut start = 0;
                for (i, c) in word.char_indices() {
                    if c == '-' && i + 1 < word.len() {
                        parts.push(&word[start..=i]);
                        start = i + 1;
                    }
                }
                parts.push(&word[start..]);
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(k, p)| (p.to_string(), k == 0))
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut line = String::new();
        let mut line_w = 0.0;
        let mut count = 0usize;
        // Spaces on the line: ReportLab lets a line run over by 5 % of a
        // space for each, and for the one before the word it tries.
        let mut gaps = 0usize;
        while let Some((word, spaced)) = words.pop_front() {
            let gap = if count > 0 && spaced { space } else { 0.0 };
            let word_w = w(&word);
            if split_words && word_w > width {
                // Its head fills the rest of this line, the rest goes on.
                let room = if count == 0 { width } else { width - line_w - gap };
                let (mut head, mut tail) = cut(&word, room, &w);
                if head.is_empty() && count == 0 {
                    // Not even one character fits: it gets a line anyway.
                    let first = word.chars().next().map_or(0, char::len_utf8);
                    (head, tail) = (word[..first].to_string(), word[first..].to_string());
                }
                if !head.is_empty() {
                    if gap > 0.0 {
                        line.push(' ');
                    }
                    line.push_str(&head);
                    line_w += gap + w(&head);
                }
                lines.push(Line { text: std::mem::take(&mut line), width: line_w });
                (line_w, count, gaps) = (0.0, 0, 0);
                if !tail.is_empty() {
                    words.push_front((tail, false));
                }
                continue;
            }
            let limit = width + 0.05 * space * (gaps + usize::from(gap > 0.0)) as f64;
            if count == 0 || line_w + gap + word_w <= limit {
                if gap > 0.0 {
                    line.push(' ');
                    gaps += 1;
                }
                line.push_str(&word);
                line_w += gap + word_w;
                count += 1;
            } else {
                lines.push(Line { text: std::mem::take(&mut line), width: line_w });
                (line_w, count, gaps) = (0.0, 0, 0);
                words.push_front((word, false));
            }
        }
        if count > 0 {
            lines.push(Line { text: line, width: line_w });
        }
    }
    lines
}

/// Cuts a word after the last character that keeps it within `room` pt
/// (at least one character when nothing fits, as ReportLab does on an empty line).
fn cut(word: &str, room: f64, w: &dyn Fn(&str) -> f64) -> (String, String) {
    let mut end = 0;
    for (i, c) in word.char_indices() {
        if w(&word[..i + c.len_utf8()]) > room {
            break;
        }
        end = i + c.len_utf8();
    }
    (word[..end].to_string(), word[end..].to_string())
}

#[cfg(test)]
mod paragraph_tests {
    use super::*;

    /// Every character 0.5 em, a space 0.25 em.
    fn mono(s: &str) -> f64 {
        s.chars().map(|c| if c == ' ' { 0.25 } else { 0.5 }).sum()
    }

    fn texts(lines: &[Line]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn lines_break_greedily_at_spaces_and_after_hyphens() {
        // 10 pt: a letter is 5 pt, a space 2.5 pt.
        let l = break_lines("José Müller-Łukasiewicz", 60.0, 10.0, true, &mono);
        assert_eq!(texts(&l), ["José Müller-", "Łukasiewicz"]);
        assert_eq!(l[0].width, 4.0 * 5.0 + 2.5 + 7.0 * 5.0);
        assert_eq!(texts(&break_lines("a\nb c", 100.0, 10.0, true, &mono)), ["a", "b c"]);
    }

    #[test]
    fn a_line_may_run_over_by_a_twentieth_of_a_space_per_space() {
        // "aa aa" is 22.5 pt; with one space the limit is the width + 0.125.
        assert_eq!(break_lines("aa aa", 22.4, 10.0, true, &mono).len(), 1);
        assert_eq!(break_lines("aa aa", 22.3, 10.0, true, &mono).len(), 2);
    }

    #[test]
    fn long_words_split_only_when_asked() {
        assert_eq!(
            texts(&break_lines("ab abcdefgh", 20.0, 10.0, true, &mono)),
            ["ab a", "bcde", "fgh"]
        );
        assert_eq!(
            texts(&break_lines("ab abcdefgh", 20.0, 10.0, false, &mono)),
            ["ab", "abcdefgh"]
        );
    }

    #[test]
    fn shrinking_follows_pretix_steps() {
        let spec = ParagraphSpec {
            width: 1000.0,
            height: 10.0,
            size: 20.0,
            leading: 1.15,
            shrink: true,
            split_words: false,
        };
        // Too tall at 20 (23 pt): 18, 16.2, ... 9.566, then at least 1 pt less: 8.566.
        let p = paragraph("x", spec, &mono);
        assert!((p.size - 8.566).abs() < 0.001, "{}", p.size);
        let wide = ParagraphSpec { width: 9.0, height: 100.0, size: 10.0, ..spec };
        // "xx" is 10 pt wide at 10 pt: one step of 0.25 (2.5 % of 10) makes 9.75 -> 9.75 pt... until <= 9.
        let p = paragraph("xx", wide, &mono);
        assert!(p.size <= 9.0 && p.size > 8.7, "{}", p.size);
        let fixed = ParagraphSpec { shrink: false, ..spec };
        assert_eq!(paragraph("x", fixed, &mono).size, 20.0);
    }
}
