//! Shown glyphs that read back as their text: which font dictionary (and so
//! which ToUnicode map) each glyph goes through, and in which order.
//!
//! A ToUnicode CMap (ISO 32000 9.10.3) gives each CID one string, but shaping
//! uses one glyph for different text: an Arabic letter's joined form under
//! different harakat, a mark that is the second glyph of one cluster and the
//! first of another. So each glyph occurrence carries its own string: the
//! characters of its cluster dealt out in reading order (see [`carried`]).
//! A glyph that shows just the character the font's cmap gives it
//! goes through the font's main dictionary (`F<n>`), whose map is that
//! character; any other occurrence goes through a *layer* (`L<k>`): another
//! Type0 font dictionary on the same CIDFont, with a ToUnicode map of its
//! own, made per content stream. Readers that ignore ActualText (pdf.js,
//! MuPDF before 1.22) read the text from these maps alone.
//!
//! A glyph left without a character of its cluster (a vowel drawn in two
//! parts) reads as an invisible WORD JOINER rather than nothing.

use std::collections::BTreeMap;

use super::draw::Content;
use super::ops::{Ops, Positioned};
use crate::fonts::{Font, FontId, Glyph};
use crate::frame::Point;

/// What a glyph that carries no character of its cluster reads as: WORD
/// JOINER, invisible and default-ignorable, which does not split the word.
/// Measured: poppler, PDFium and pdf.js leave it out; MuPDF 1.21 keeps it.
const FILLER: &str = "\u{2060}";

/// Which dictionary a glyph is shown through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dict {
    /// The font's own (`F<n>`), mapping each glyph to its cmap character.
    Main,
    /// The k-th layer of the content stream (`L<k>`).
    Layer(usize),
}

/// Per glyph in visual order: the byte range of `text` it reads as. The
/// characters of a cluster are dealt out to its glyphs in reading order,
/// one each, the last glyph taking what is left: readers that reverse
/// right-to-left text do so character by character, so a glyph that
/// carried a base letter and its marks would have them come out reversed.
/// A cluster of more glyphs than characters leaves the extra glyphs empty
/// (they are then shown as [`FILLER`]).
fn carried(glyphs: &[Glyph], text: &str, rtl: bool) -> Vec<(usize, usize)> {
    let n = glyphs.len();
    let mut out = vec![(0, 0); n];
    // Shaping keeps clusters monotonic in visual order, so a cluster ends
    // where its neighbour in reading order starts; only otherwise are the
    // starts sorted to find the next one.
    let monotonic = glyphs.windows(2).all(|w| {
        if rtl {
            w[0].cluster >= w[1].cluster
        } else {
            w[0].cluster <= w[1].cluster
        }
    });
    let starts: Vec<u32> = if monotonic {
        Vec::new()
    } else {
        let mut s: Vec<u32> = glyphs.iter().map(|g| g.cluster).collect();
        s.sort_unstable();
        s.dedup();
        s
    };
    let mut i = 0;
    while i < n {
        let cluster = glyphs[i].cluster;
        let len = glyphs[i..].iter().take_while(|g| g.cluster == cluster).count();
        let start = (cluster as usize).min(text.len());
        let next = if !monotonic {
            starts.get(starts.partition_point(|&s| s <= cluster)).copied()
        } else if rtl {
            i.checked_sub(1).map(|j| glyphs[j].cluster)
        } else {
            glyphs.get(i + len).map(|g| g.cluster)
        };
        let end = next.map_or(text.len(), |s| (s as usize).min(text.len()));
        let mut at = start;
        for k in 0..len {
            // The k-th glyph in reading order.
            let g = if rtl { i + len - 1 - k } else { i + k };
            let to = if k + 1 == len {
                end
            } else {
                text[at..end].chars().next().map_or(at, |c| at + c.len_utf8())
            };
            out[g] = (at, to);
            at = to;
        }
        i += len;
    }
    out
}

/// Shows one run's glyphs at `pos` in font `id`, recording in `out` what
/// each glyph reads as. Right-to-left runs are written in reading order,
/// each glyph moved to its place, as readers that keep content order (MuPDF
/// before 1.22) then read them as written.
#[allow(clippy::too_many_arguments)]
pub(super) fn show(
    c: &mut Ops,
    out: &mut Content,
    id: FontId,
    face: &Font,
    size: f64,
    pos: Point,
    glyphs: &[Glyph],
    text: &str,
) {
    if glyphs.is_empty() {
        return;
    }
    let font = usize::from(id.0);
    if plain_run(out, font, face, glyphs, text) {
        c.begin_text(&format!("F{font}"), size, pos.x, pos.y);
        c.show(glyphs.iter().map(|g| g.id));
        c.end_text();
        return;
    }
    // Shaping keeps cluster offsets monotonic in visual order: they fall
    // from left to right in a right-to-left run.
    let rtl = glyphs.len() > 1 && glyphs[0].cluster > glyphs[glyphs.len() - 1].cluster;
    let ranges = carried(glyphs, text, rtl);
    // Where each glyph sits, in em from the run's start, in visual order.
    let mut x = 0.0f64;
    let mut placed = Vec::with_capacity(glyphs.len());
    // Glyphs already in the main map, by id modulo 64: a line of microtext
    // repeats the same few dozen glyphs hundreds of times.
    let mut known = [u32::MAX; 64];
    for (g, &(a, b)) in glyphs.iter().zip(&ranges) {
        let s = &text[a..b];
        let mut chars = s.chars();
        let plain = matches!((chars.next(), chars.next()), (Some(ch), None) if face.char_of(g.id) == Some(ch));
        let dict = if plain {
            let slot = usize::from(g.id) % known.len();
            if known[slot] != u32::from(g.id) {
                known[slot] = u32::from(g.id);
                out.glyphs[font].entry(g.id).or_insert_with(|| s.to_string());
            }
            Dict::Main
        } else {
            // A glyph with nothing of its own to say (the second part of a
            // split vowel) still needs a mapping: MuPDF reads an empty one
            // as U+FFFD and pdf.js as the CID's own code.
            let s = if s.is_empty() { FILLER } else { s };
            Dict::Layer(layer(out, font, g.id, s))
        };
        placed.push((g.id, x + f64::from(g.dx), g.dy, dict));
        x += f64::from(g.advance);
    }
    if rtl {
        placed.reverse();
    }
    let name = |d: Dict| match d {
        Dict::Main => format!("F{font}"),
        Dict::Layer(k) => format!("L{k}"),
    };
    let mut dict = placed[0].3;
    c.begin_text(&name(dict), size, pos.x, pos.y);
    // The pen, in em from the run's start; TJ numbers move it back by
    // thousandths of an em (ISO 32000 9.4.3), text rise shifts up or down.
    let mut pen = 0.0f64;
    let mut rise = 0.0f32;
    let mut parts = Vec::new();
    let mut adjusted = false;
    let flush = |c: &mut Ops, parts: &mut Vec<Positioned>, adjusted: &mut bool| {
        if *adjusted {
            c.show_positioned(parts);
        } else if !parts.is_empty() {
            c.show(parts.iter().filter_map(|p| match p {
                Positioned::Glyph(g) => Some(*g),
                Positioned::Adjust(_) => None,
            }));
        }
        parts.clear();
        *adjusted = false;
    };
    // Right-to-left glyphs are shown in reading order, each by a text-showing
    // operator of its own moved to its place (Td): readers that keep content
    // order (MuPDF before 1.22) read them as written, and PDFium, which sorts
    // the objects of a line by position and then reverses right-to-left
    // stretches, reads the letters in order too (measured in tests/extract.rs).
    let mut line = 0.0f64;
    // Font advances by glyph id modulo 64, looked up once per glyph id.
    let mut advances = [(u32::MAX, 0f64); 64];
    for &(gid, at, dy, d) in &placed {
        if rtl || d != dict || dy != rise {
            flush(c, &mut parts, &mut adjusted);
            if d != dict {
                c.font(&name(d), size);
                dict = d;
            }
            if dy != rise {
                c.rise(f64::from(dy) * size);
                rise = dy;
            }
        }
        if rtl {
            c.next_line((at - line) * size, 0.0);
            line = at;
            pen = at;
        }
        let back = ((pen - at) * 1000.0) as f32;
        if back.abs() > 0.01 {
            parts.push(Positioned::Adjust(back));
            adjusted = true;
        }
        parts.push(Positioned::Glyph(gid));
        let slot = usize::from(gid) % advances.len();
        if advances[slot].0 != u32::from(gid) {
            advances[slot] = (u32::from(gid), face.advance(gid));
        }
        pen = at + advances[slot].1;
    }
    flush(c, &mut parts, &mut adjusted);
    if rise != 0.0 {
        c.rise(0.0);
    }
    c.end_text();
}

/// The common case, checked and recorded without the general path's work
/// (microtext repeats a few dozen glyphs hundreds of times a pass): left to
/// right, one glyph per character, each showing its cmap character at the
/// font's own advance. True when the run is that, with its glyphs recorded
/// in the font's main map.
fn plain_run(out: &mut Content, font: usize, face: &Font, glyphs: &[Glyph], text: &str) -> bool {
    // (glyph id, character) pairs seen to be plain, by glyph id modulo 64.
    let mut seen = [(u32::MAX, 0u32); 64];
    for (i, g) in glyphs.iter().enumerate() {
        let start = g.cluster as usize;
        let end = glyphs.get(i + 1).map_or(text.len(), |n| n.cluster as usize);
        let Some(ch) = text.get(start..end).and_then(|s| {
            let mut chars = s.chars();
            chars.next().filter(|_| chars.next().is_none())
        }) else {
            return false;
        };
        if g.dx != 0.0 || g.dy != 0.0 {
            return false;
        }
        let slot = usize::from(g.id) % seen.len();
        if seen[slot] == (u32::from(g.id), u32::from(ch)) {
            continue;
        }
        if face.char_of(g.id) != Some(ch)
            || (f64::from(g.advance) - face.advance(g.id)).abs() >= 1e-4
        {
            return false;
        }
        seen[slot] = (u32::from(g.id), u32::from(ch));
        out.glyphs[font].entry(g.id).or_insert_with(|| ch.to_string());
    }
    true
}

/// The layer of `font` that shows `glyph` as `text`: one that already
/// does, else the first without that glyph, else a new one.
fn layer(out: &mut Content, font: usize, glyph: u16, text: &str) -> usize {
    let mut free = None;
    for (k, (f, map)) in out.layers.iter().enumerate() {
        if *f != font {
            continue;
        }
        match map.get(&glyph) {
            Some(t) if t == text => return k,
            Some(_) => {}
            None => {
                free.get_or_insert(k);
            }
        }
    }
    let k = free.unwrap_or_else(|| {
        out.layers.push((font, BTreeMap::new()));
        out.layers.len() - 1
    });
    out.layers[k].1.insert(glyph, text.to_string());
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(cluster: u32) -> Glyph {
        Glyph { id: 1, cluster, advance: 0.5, dx: 0.0, dy: 0.0 }
    }

    fn read(glyphs: &[Glyph], text: &str, rtl: bool) -> Vec<String> {
        carried(glyphs, text, rtl).iter().map(|&(a, b)| text[a..b].to_string()).collect()
    }

    #[test]
    fn each_glyph_of_a_cluster_carries_one_character_in_reading_order() {
        // "ọ̀d": a letter with a combining grave, two glyphs, then "d".
        let text = "o\u{323}\u{300}d";
        let ltr = [glyph(0), glyph(0), glyph(5)];
        assert_eq!(read(&ltr, text, false), ["o", "\u{323}\u{300}", "d"]);
        // Right to left, visual order: the cluster's first glyph in reading
        // order is its rightmost.
        let text = "\u{5e9}\u{5b8}\u{5dc}";
        let rtl = [glyph(4), glyph(0), glyph(0)];
        assert_eq!(read(&rtl, text, true), ["\u{5dc}", "\u{5b8}", "\u{5e9}"]);
    }

    #[test]
    fn a_cluster_of_more_glyphs_than_characters_leaves_the_rest_empty() {
        // Bengali "খো": the vowel sign is drawn in two parts around the letter.
        let text = "\u{996}\u{9cb}";
        let glyphs = [glyph(0), glyph(0), glyph(0)];
        assert_eq!(read(&glyphs, text, false), ["\u{996}", "\u{9cb}", ""]);
    }

    #[test]
    fn a_ligature_carries_its_whole_cluster() {
        let text = "ffi!";
        assert_eq!(read(&[glyph(0), glyph(3)], text, false), ["ffi", "!"]);
    }
}
