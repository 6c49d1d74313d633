//! Fonts: the bundled typefaces, and which glyph each character takes and how wide it is.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};

/// Which bundled font (an index into [`FontBook`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u8);

/// The regular face, the default for text.
pub const REGULAR: FontId = FontId(0);
/// The bold face, for names and labels.
pub const BOLD: FontId = FontId(1);

/// The font names templates may use, in [`FontId`] order.
pub const FONT_NAMES: &[&str] = &["regular", "bold"];

/// One typeface, parsed once.
pub struct Font {
    /// The PostScript name, as the PDF names it.
    pub postscript_name: &'static str,
    /// The font file.
    pub data: &'static [u8],
    face: Face<'static>,
    /// Font units per em.
    pub units_per_em: f64,
    /// Ascender in em (positive).
    pub ascender: f64,
    /// Descender in em (negative).
    pub descender: f64,
    /// Height of capital letters in em.
    pub cap_height: f64,
    /// The font's bounding box in font units: left, bottom, right, top.
    pub bbox: [f64; 4],
    /// Italic angle in degrees.
    pub italic_angle: f64,
    /// Glyph and advance (in em) of the characters below [`CACHED`], looked
    /// up once: names and microtext ask for the same few hundred characters
    /// again and again.
    cache: Vec<(u16, f32)>,
}

/// Characters below this are looked up once per font (Latin, Greek,
/// Cyrillic, Hebrew, Arabic and general punctuation).
const CACHED: u32 = 0x2100;

impl Font {
    fn parse(postscript_name: &'static str, data: &'static [u8]) -> Font {
        let face = Face::parse(data, 0).expect("bundled font parses");
        let upm = face.units_per_em() as f64;
        let b = face.global_bounding_box();
        let cache = (0..CACHED)
            .map(|c| {
                let g = char::from_u32(c).and_then(|ch| face.glyph_index(ch)).map_or(0, |g| g.0);
                (g, face.glyph_hor_advance(GlyphId(g)).unwrap_or(0) as f32 / upm as f32)
            })
            .collect();
        Font {
            cache,
            postscript_name,
            data,
            units_per_em: upm,
            ascender: face.ascender() as f64 / upm,
            descender: face.descender() as f64 / upm,
            cap_height: face.capital_height().unwrap_or(face.ascender()) as f64 / upm,
            bbox: [b.x_min as f64, b.y_min as f64, b.x_max as f64, b.y_max as f64],
            italic_angle: face.italic_angle() as f64,
            face,
        }
    }

    /// The glyph for a character, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        match self.cache.get(c as usize) {
            Some(&(g, _)) => (g != 0).then_some(g),
            None => self.face.glyph_index(c).map(|g| g.0),
        }
    }

    /// The glyph for a character and its advance in em.
    fn glyph_and_advance(&self, c: char) -> Option<(u16, f64)> {
        match self.cache.get(c as usize) {
            Some(&(0, _)) => None,
            Some(&(g, adv)) => Some((g, adv as f64)),
            None => self.glyph(c).map(|g| (g, self.advance(g))),
        }
    }

    /// The advance width of a glyph, in em.
    pub fn advance(&self, glyph: u16) -> f64 {
        self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0) as f64 / self.units_per_em
    }

    /// The advance width of a glyph in font units (for the PDF's /W array).
    pub fn advance_units(&self, glyph: u16) -> f64 {
        self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0) as f64
    }
}

/// All bundled fonts. The fonts live in `fonts/` and are compiled into the binary.
pub struct FontBook {
    fonts: Vec<Font>,
}

/// A run of text in one font: glyph ids and the characters they show.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The font.
    pub font: FontId,
    /// Glyph ids in the font (before subsetting).
    pub glyphs: Vec<u16>,
    /// The text the glyphs show, for extraction (ToUnicode).
    pub text: String,
    /// Total advance in em.
    pub width_em: f64,
}

impl FontBook {
    /// The bundled fonts, parsed on first use.
    pub fn bundled() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(|| FontBook {
            fonts: vec![
                Font::parse("NotoSans-Regular", include_bytes!("../fonts/NotoSans-Regular.ttf")),
                Font::parse("NotoSans-Bold", include_bytes!("../fonts/NotoSans-Bold.ttf")),
            ],
        })
    }

    /// A font by id.
    pub fn get(&self, id: FontId) -> &Font {
        &self.fonts[id.0 as usize]
    }

    /// All fonts with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FontId, &Font)> {
        self.fonts.iter().enumerate().map(|(i, f)| (FontId(i as u8), f))
    }

    /// The characters of `text` that no bundled font can show.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|&c| !c.is_whitespace() && self.fonts.iter().all(|f| f.glyph(c).is_none()))
            .collect();
        missing.dedup();
        missing
    }

    /// Splits `text` into runs: each character in `preferred` when it has the
    /// glyph, else in the first font that has it. Characters no font has are
    /// dropped (the caller reports them with [`FontBook::missing`] first).
    pub fn runs(&self, preferred: FontId, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for c in text.chars() {
            let found = std::iter::once(preferred)
                .chain(self.iter().map(|(id, _)| id))
                .find_map(|id| self.get(id).glyph_and_advance(c).map(|(g, a)| (id, g, a)));
            let Some((font, glyph, advance)) = found else { continue };
            match runs.last_mut() {
                Some(run) if run.font == font => {
                    run.glyphs.push(glyph);
                    run.text.push(c);
                    run.width_em += advance;
                }
                _ => runs.push(Run {
                    font,
                    glyphs: vec![glyph],
                    text: c.to_string(),
                    width_em: advance,
                }),
            }
        }
        runs
    }

    /// The width of `text` in em when set in `font` (with fallback).
    pub fn width_em(&self, font: FontId, text: &str) -> f64 {
        self.runs(font, text).iter().map(|r| r.width_em).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_latin_greek_cyrillic() {
        let book = FontBook::bundled();
        assert!(book.missing("José Müller-Łukasiewicz Σωκράτης Дмитрий").is_empty());
        assert_eq!(book.missing("山田"), vec!['山', '田']);
        let runs = book.runs(BOLD, "Zoë");
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].text, "Zoë");
        assert!(runs[0].width_em > 1.0 && runs[0].width_em < 3.0);
    }
}
