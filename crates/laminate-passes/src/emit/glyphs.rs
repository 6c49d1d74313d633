//! Shown text that reads back as written, in every reader.
//!
//! A run whose glyphs are its characters one for one, left to right (Latin,
//! Greek, Cyrillic, CJK: most names) is set as text through the font's
//! dictionary `F<n>`, whose ToUnicode map gives each glyph its cmap
//! character.
//!
//! Any other run (right to left, combining marks, ligatures, conjuncts,
//! reordered vowels) is drawn as its glyphs' outlines (`G<n>_<glyph>`, Form
//! XObjects written once a file), and its characters are laid over it as a
//! line of invisible text (render mode 3) in the *reading font*: code =
//! character, one advance for all (`T0`, `T1`, see [`read_as`]). The glyphs
//! of shaped text cannot carry its characters in a way every reader gets
//! back: readers order what they extract differently (poppler and PDFium
//! sort by position and reverse right-to-left stretches; pdf.js and MuPDF
//! before 1.22 keep content order, and pdf.js reverses right-to-left items
//! and makes spaces from gaps), and a mark drawn over its letter sits where
//! none of them expects it. An invisible line can be set out for all of them
//! at once; `tests/extract.rs` reads names in 21 locales back with all four.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use crate::emit::content::Content;
use crate::fonts::{Font, FontId, Glyph};
use crate::frame::Point;
use laminate_passes_pdf::ops::{Ops, Positioned};

/// The reading font's one advance (its /DW), in thousandths of an em.
pub(super) const CELL: f64 = 500.0;

/// How far each further mark on a letter moves on from the one before, as
/// a share of a cell: enough to order them, too little to make a gap.
const MARK_STEP: f64 = 0.02;

/// The width of a mark's box outside mirrored runs, as a share of a cell
/// (by horizontal scaling).
const MARK_WIDTH: f64 = 0.1;

/// Where a mark's box starts from its letter's cell's start, in the reading
/// direction, as a share of a cell: left to right, inside the cell's far
/// end; right to left (upright), just past it, so that the box's left edge
/// (what readers sort by) is left of the letter's.
const MARK_AT: f64 = 0.85;
const MARK_AT_RTL: f64 = 0.92;

/// How much each cell overlaps the one before it, as a share of a cell.
/// pdf.js makes a space of any gap at all after an item of zero width (a
/// mark), and a cell that ends where the next starts can leave one of a
/// rounding error; an overlap this small is no gap to any reader.
const OVERLAP: f64 = 0.01;

/// A run of glyphs to show, as [`crate::frame::Item::Text`] has it.
pub(super) struct Run<'a> {
    pub font: FontId,
    pub face: &'a Font,
    pub size: f64,
    /// Left to right on the page.
    pub glyphs: &'a [Glyph],
    /// In reading order; glyph clusters are byte offsets into it.
    pub text: &'a str,
    pub rtl: bool,
    /// Its line also has runs in the other direction.
    pub mixed: bool,
}

/// Shows a run with the start of its baseline at `pos`.
pub(super) fn show(c: &mut Ops, out: &mut Content, run: &Run, pos: Point) {
    if run.glyphs.is_empty() {
        return;
    }
    if one_for_one(out, run) {
        set_text(c, run, pos);
    } else {
        outlines(c, out, run, pos);
        read_as(c, out, run, pos);
    }
}

/// True when the run reads left to right with one glyph per character,
/// each glyph the one the font's cmap gives its character, on the baseline;
/// then the glyphs are recorded in the font's map. Microtext repeats a few
/// dozen glyphs hundreds of times a pass, so pairs already checked are
/// remembered by glyph id modulo 64.
fn one_for_one(out: &mut Content, run: &Run) -> bool {
    if run.rtl || run.glyphs[0].cluster != 0 {
        return false;
    }
    let text = run.text;
    let mut seen = [(u32::MAX, 0u32); 64];
    for (i, g) in run.glyphs.iter().enumerate() {
        let start = g.cluster as usize;
        let end = run.glyphs.get(i + 1).map_or(text.len(), |n| n.cluster as usize);
        let Some(ch) = text.get(start..end).and_then(|s| {
            let mut chars = s.chars();
            chars.next().filter(|_| chars.next().is_none())
        }) else {
            return false;
        };
        if g.dy != 0.0 {
            return false;
        }
        let slot = usize::from(g.id) % seen.len();
        if seen[slot] == (u32::from(g.id), u32::from(ch)) {
            continue;
        }
        if run.face.char_of(g.id) != Some(ch) {
            return false;
        }
        seen[slot] = (u32::from(g.id), u32::from(ch));
    }
    let map = &mut out.glyphs[usize::from(run.font.0)];
    let mut known = [u32::MAX; 64];
    for (i, g) in run.glyphs.iter().enumerate() {
        let slot = usize::from(g.id) % known.len();
        if known[slot] != u32::from(g.id) {
            known[slot] = u32::from(g.id);
            let end = run.glyphs.get(i + 1).map_or(text.len(), |n| n.cluster as usize);
            map.entry(g.id).or_insert_with(|| text[g.cluster as usize..end].to_string());
        }
    }
    true
}

/// Sets a one-for-one run as text, moving glyphs that are not where the
/// font's advances put them (kerning, offsets) with `TJ` adjustments in
/// thousandths of an em (ISO 32000 9.4.3).
fn set_text(c: &mut Ops, run: &Run, pos: Point) {
    let font = usize::from(run.font.0);
    c.begin_text(&format!("F{font}"), run.size, pos.x, pos.y);
    // Where the glyph goes and where the pen is, in em from the run's start.
    let (mut x, mut pen) = (0.0f64, 0.0f64);
    let mut parts = Vec::with_capacity(run.glyphs.len());
    let mut adjusted = false;
    // Font advances by glyph id modulo 64, looked up once per glyph id.
    let mut advances = [(u32::MAX, 0f64); 64];
    for g in run.glyphs {
        let at = x + f64::from(g.dx);
        let back = ((pen - at) * 1000.0) as f32;
        if back.abs() > 0.01 {
            parts.push(Positioned::Adjust(back));
            adjusted = true;
        }
        parts.push(Positioned::Glyph(g.id));
        let slot = usize::from(g.id) % advances.len();
        if advances[slot].0 != u32::from(g.id) {
            advances[slot] = (u32::from(g.id), run.face.advance(g.id));
        }
        pen = at + advances[slot].1;
        x += f64::from(g.advance);
    }
    if adjusted {
        c.show_positioned(&parts);
    } else {
        c.show(parts.iter().filter_map(|p| match p {
            Positioned::Glyph(g) => Some(*g),
            Positioned::Adjust(_) => None,
        }));
    }
    c.end_text();
}

/// Draws each glyph's outline where shaping put it, in the current fill
/// colour. The forms are in em (their /Matrix scales font units), and so
/// is the run here: one `cm` scales to the run's size at its start, and
/// each glyph is a move from the one before and a `Do`. Moves are between
/// positions rounded as the content stream writes them, so that rounding
/// does not add up along a line.
fn outlines(c: &mut Ops, out: &mut Content, run: &Run, pos: Point) {
    let font = usize::from(run.font.0);
    let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
    c.save();
    c.transform([run.size, 0.0, 0.0, run.size, pos.x, pos.y]);
    // The pen, and the origin of the last glyph drawn, in em.
    let (mut x, mut at) = (0.0f64, (0.0f64, 0.0f64));
    for g in run.glyphs {
        if run.face.has_outline(g.id) {
            out.outlines.insert((font, g.id));
            let to = (round(x + f64::from(g.dx)), round(f64::from(g.dy)));
            if to != at {
                c.transform([1.0, 0.0, 0.0, 1.0, to.0 - at.0, to.1 - at.1]);
                at = to;
            }
            c.x_object(&format!("G{font}_{}", g.id));
        }
        x += f64::from(g.advance);
    }
    c.restore();
}

/// True for characters that take no cell of their own in the reading line:
/// nonspacing and enclosing marks (pdf.js reads them as zero-width
/// diacritics and does not position them) and format characters.
fn rides(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark | GeneralCategory::Format
    )
}

/// Lays the run's characters over its outlines as invisible text, in
/// reading order, one `Tj` each:
///
/// - Every character but a mark gets a cell; all cells are one width, the
///   run's width shared out, so the reading font's size is chosen to make
///   its one advance that width. Positions are what poppler and PDFium
///   sort by; PDFium makes spaces from the widths of neighbours, and equal
///   ones make none inside a word. Cells overlap by [`OVERLAP`].
/// - A mark rides on its letter: sorted by position it falls between its
///   letter and the next. In a line that reads right to left alone it has a
///   cell's width and sits [`MARK_STEP`] into the next letter's side of its
///   letter; elsewhere it is [`MARK_WIDTH`] of a cell wide (by horizontal
///   scaling) at the far end of its letter's cell, where it overlaps
///   neither letter much (poppler ends a line at a word that overlaps the
///   one before by half the line's first font size).
/// - A right-to-left run in a line that reads right to left alone is
///   written mirrored (`-1 0 0 1 x y Tm`; invisible, so never seen), each
///   cell's origin at its right edge: poppler and PDFium, sorting by
///   position, read it as right-to-left text in visual order and reverse
///   it, while pdf.js, which measures the gaps it makes spaces from in the
///   text's own direction, sees each character follow the one before, and a
///   gap after a space. In a line that mixes directions the run is upright,
///   cells from right to left: mirrored text beside upright text is another
///   line to poppler, and pdf.js then keeps the space where the direction
///   changes rather than those between right-to-left words.
/// - Characters alternate between two dictionaries of the reading font,
///   `T0` and `T1`: pdf.js starts a new item at a change of font and reverses
///   any item with right-to-left letters, so each character is its own item
///   and stays in reading order (as in MuPDF, which keeps content order).
///
/// A character beyond the Basic Multilingual Plane has no code in the
/// reading font; it is shown through the run's own font instead (no bundled
/// font shapes such a script, so this is for completeness).
fn read_as(c: &mut Ops, out: &mut Content, run: &Run, pos: Point) {
    let width: f64 = run.glyphs.iter().map(|g| f64::from(g.advance)).sum::<f64>() * run.size;
    let cells = run.text.chars().enumerate().filter(|&(i, ch)| i == 0 || !rides(ch)).count().max(1);
    // The size in hundredths of a point, the cell from it: fewer digits to
    // write, and positions that agree with the advance readers compute.
    let size = (width / cells as f64 * 1000.0 / CELL * 100.0).round() / 100.0;
    let cell = size * CELL / 1000.0;
    let font = usize::from(run.font.0);
    let mirror = run.rtl && !run.mixed;
    c.save();
    c.invisible_text();
    let (mut k, mut j) = (0usize, 0usize);
    let mut narrow = false;
    let mut line_x = None;
    for (i, ch) in run.text.chars().enumerate() {
        if i > 0 {
            if rides(ch) {
                j += 1;
            } else {
                k += 1;
                j = 0;
            }
        }
        let start = k as f64 * (1.0 - OVERLAP);
        // How far along the line (from its start, in the reading direction)
        // the box of this character starts, in cells, and how wide it is.
        let (along, wide) = if j == 0 {
            (start, 1.0)
        } else if mirror {
            (start + j as f64 * MARK_STEP, 1.0)
        } else if run.rtl {
            (start + MARK_AT_RTL + j as f64 * MARK_STEP, MARK_WIDTH)
        } else {
            (start + MARK_AT + j as f64 * MARK_STEP, MARK_WIDTH)
        };
        if narrow != (wide < 1.0) {
            narrow = wide < 1.0;
            c.horizontal_scale(if narrow { MARK_WIDTH * 100.0 } else { 100.0 });
        }
        let (a, x) = if mirror {
            (-1.0, pos.x + width - along * cell)
        } else if run.rtl {
            (1.0, pos.x + width - (along + wide) * cell)
        } else {
            (1.0, pos.x + along * cell)
        };
        let code = match u16::try_from(u32::from(ch)) {
            Ok(code) => {
                out.read_as.insert(code);
                c.font(if i % 2 == 0 { "T0" } else { "T1" }, size);
                code
            }
            Err(_) => {
                let glyph = run.face.glyph(ch).unwrap_or(0);
                out.glyphs[font].entry(glyph).or_insert_with(|| ch.to_string());
                c.font(&format!("F{font}"), size);
                glyph
            }
        };
        // The first character places the line (Tm), the others move from
        // it (Td, in the line's own, perhaps mirrored, direction).
        match line_x {
            None => c.text_matrix([a, 0.0, 0.0, 1.0, x, pos.y]),
            Some(from) => c.next_line((x - from) * a, 0.0),
        }
        line_x = Some(x);
        c.show(std::iter::once(code));
    }
    c.end_text();
    c.restore();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fonts::FontBook;

    #[test]
    fn outlines_land_where_shaping_put_them_however_long_the_line() {
        // Guards a drift: the run's scale written to 4 decimals as size/upm
        // put the end of a long line 0.4 pt off.
        let book = FontBook::bundled();
        let face = book.get(FontId(0));
        let id = face.glyph('a').unwrap();
        // An advance 4 decimals cannot write exactly, 300 times.
        let advance = 1139.0f32 / 2048.0;
        let glyphs: Vec<Glyph> =
            (0..300).map(|i| Glyph { id, cluster: i, advance, dx: 0.0, dy: 0.0 }).collect();
        let text = "a".repeat(300);
        let run = Run {
            font: FontId(0),
            face,
            size: 8.3456,
            glyphs: &glyphs,
            text: &text,
            rtl: false,
            mixed: false,
        };
        let mut c = Ops::new();
        let mut out = Content::empty(book.len());
        outlines(&mut c, &mut out, &run, Point::new(10.0, 20.0));
        let ops = String::from_utf8(c.finish()).unwrap();
        assert!(ops.starts_with("q\n8.3456 0 0 8.3456 10 20 cm\n"), "{ops}");
        let (mut x, mut drawn) = (0.0f64, 0);
        for line in ops.lines() {
            let t: Vec<&str> = line.split(' ').collect();
            if t.len() == 7 && t[..4] == ["1", "0", "0", "1"] && t[6] == "cm" {
                x += t[4].parse::<f64>().unwrap();
            }
            if line.ends_with(" Do") {
                let want = drawn as f64 * f64::from(advance);
                assert!((x - want).abs() < 1e-4, "glyph {drawn} at {x} em, not {want}");
                drawn += 1;
            }
        }
        assert_eq!(drawn, 300);
    }

    #[test]
    fn marks_ride_on_the_letter_before_them() {
        assert!(rides('\u{05B8}')); // Hebrew qamats
        assert!(rides('\u{0651}')); // Arabic shadda
        assert!(rides('\u{0E34}')); // Thai sara i
        assert!(rides('\u{200D}')); // zero width joiner
        assert!(!rides('\u{0940}')); // Devanagari vowel sign ii: a spacing mark
        assert!(!rides(' '));
        assert!(!rides('ש'));
    }
}
