//! Fonts and shaping: turns text into runs of positioned glyphs from the
//! bundled typefaces, picking for each character the first font that has it,
//! shaping complex scripts and laying right-to-left text out visually.

use std::sync::OnceLock;

use ttf_parser::{Face, GlyphId};
use unicode_bidi::BidiInfo;

/// Which bundled font (an index into [`FontBook`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FontId(pub u8);

/// The regular Latin/Greek/Cyrillic face, the default for text.
pub const REGULAR: FontId = FontId(0);
/// The bold Latin/Greek/Cyrillic face, for names and labels.
pub const BOLD: FontId = FontId(1);

/// The font names templates may use, and their fonts: Noto Sans (with
/// every bundled script as fallback), and Open Sans, pretix's font, for
/// badges imported from pretix (falling back to the same scripts).
pub const FONTS: &[(&str, FontId)] = &[
    ("regular", REGULAR),
    ("bold", BOLD),
    ("open-sans", FontId(21)),
    ("open-sans-bold", FontId(22)),
    ("open-sans-italic", FontId(23)),
    ("open-sans-bold-italic", FontId(24)),
];

/// The font names templates may use (those of [`FONTS`]).
pub const FONT_NAMES: &[&str] = &[
    "regular",
    "bold",
    "open-sans",
    "open-sans-bold",
    "open-sans-italic",
    "open-sans-bold-italic",
];

/// The font a template names, if there is one of that name.
pub fn named(name: &str) -> Option<FontId> {
    FONTS.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
}

/// The bundled files, in fallback order: (file data, bold).
/// Noto Sans first (Latin, Greek, Cyrillic), then one family per script,
/// then Droid Sans Fallback for Chinese and Japanese (one weight), then the
/// Hangul of Noto Sans CJK KR (see fonts/make-hangul.sh). Last, the faces
/// that only a template's `font` picks, never the fallback: Open Sans (see
/// fonts/OpenSans-LICENSE.txt).
fn bundled_files() -> Vec<(&'static [u8], bool, bool)> {
    macro_rules! font {
        ($file:literal, $bold:expr) => {
            (include_bytes!(concat!("../fonts/", $file)) as &'static [u8], $bold, false)
        };
        ($file:literal, $bold:expr, named) => {
            (include_bytes!(concat!("../fonts/", $file)) as &'static [u8], $bold, true)
        };
    }
    vec![
        font!("NotoSans-Regular.ttf", false),
        font!("NotoSans-Bold.ttf", true),
        font!("NotoSansArabic-Regular.ttf", false),
        font!("NotoSansArabic-Bold.ttf", true),
        font!("NotoSansHebrew-Regular.ttf", false),
        font!("NotoSansHebrew-Bold.ttf", true),
        font!("NotoSansDevanagari-Regular.ttf", false),
        font!("NotoSansDevanagari-Bold.ttf", true),
        font!("NotoSansBengali-Regular.ttf", false),
        font!("NotoSansBengali-Bold.ttf", true),
        font!("NotoSansTamil-Regular.ttf", false),
        font!("NotoSansTamil-Bold.ttf", true),
        font!("NotoSansThai-Regular.ttf", false),
        font!("NotoSansThai-Bold.ttf", true),
        font!("NotoSansGeorgian-Regular.ttf", false),
        font!("NotoSansGeorgian-Bold.ttf", true),
        font!("NotoSansArmenian-Regular.ttf", false),
        font!("NotoSansArmenian-Bold.ttf", true),
        font!("DroidSansFallbackFull.ttf", false),
        font!("NotoSansKR-Hangul-Regular.ttf", false),
        font!("NotoSansKR-Hangul-Bold.ttf", true),
        font!("OpenSans-Regular.ttf", false, named),
        font!("OpenSans-Bold.ttf", true, named),
        font!("OpenSans-Italic.ttf", false, named),
        font!("OpenSans-BoldItalic.ttf", true, named),
    ]
}

/// Characters below this are looked up once per font.
const CACHED: u32 = 0x2100;

/// One typeface, parsed once.
pub struct Font {
    /// The PostScript name, as the PDF names it.
    pub postscript_name: String,
    /// The font file.
    pub data: &'static [u8],
    /// True for a bold face.
    pub bold: bool,
    /// True for a face used only where a template names it (Open Sans):
    /// never a fallback, and in the PDF only once used.
    pub named_only: bool,
    face: Face<'static>,
    shaper: rustybuzz::Face<'static>,
    /// Font units per em.
    pub units_per_em: f64,
    /// Ascender in em (positive).
    pub ascender: f64,
    /// Descender in em (negative).
    pub descender: f64,
    /// Height of capital letters in em.
    pub cap_height: f64,
    /// The typographic ascender (OS/2 sTypoAscender) in em, as ReportLab
    /// and so pretix place text by it.
    pub typo_ascender: f64,
    /// The typographic descender (OS/2 sTypoDescender) in em (negative).
    pub typo_descender: f64,
    /// The font's bounding box in font units: left, bottom, right, top.
    pub bbox: [f64; 4],
    /// Italic angle in degrees.
    pub italic_angle: f64,
    /// Glyph and advance (in em) of the characters below [`CACHED`]: names
    /// and microtext ask for the same few hundred characters again and again.
    cache: Vec<(u16, f32)>,
    /// Per glyph, the code point it shows by itself (0 for none); see [`Font::char_of`].
    chars: OnceLock<Vec<u32>>,
}

impl Font {
    fn parse(data: &'static [u8], bold: bool, named_only: bool) -> Font {
        let face = Face::parse(data, 0).expect("bundled font parses");
        let upm = face.units_per_em() as f64;
        let b = face.global_bounding_box();
        let postscript_name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "LaminateFont".into());
        let cache = (0..CACHED)
            .map(|c| {
                let g = char::from_u32(c).and_then(|ch| face.glyph_index(ch)).map_or(0, |g| g.0);
                (g, face.glyph_hor_advance(GlyphId(g)).unwrap_or(0) as f32 / upm as f32)
            })
            .collect();
        Font {
            postscript_name,
            data,
            bold,
            named_only,
            shaper: rustybuzz::Face::from_face(face.clone()),
            units_per_em: upm,
            ascender: face.ascender() as f64 / upm,
            descender: face.descender() as f64 / upm,
            cap_height: face.capital_height().unwrap_or(face.ascender()) as f64 / upm,
            typo_ascender: face.typographic_ascender().unwrap_or(face.ascender()) as f64 / upm,
            typo_descender: face.typographic_descender().unwrap_or(face.descender()) as f64 / upm,
            bbox: [b.x_min as f64, b.y_min as f64, b.x_max as f64, b.y_max as f64],
            italic_angle: face.italic_angle() as f64,
            cache,
            chars: OnceLock::new(),
            face,
        }
    }

    /// The character a glyph shows by itself: the smallest code point the
    /// font's Unicode cmap maps to it, if any (contextual forms, ligatures
    /// and conjuncts have none). A pure function of the font, so every
    /// thread and every page agree on it.
    pub fn char_of(&self, glyph: u16) -> Option<char> {
        let table = self.chars.get_or_init(|| {
            let mut table = vec![0u32; usize::from(self.face.number_of_glyphs())];
            let Some(cmap) = self.face.tables().cmap else { return table };
            for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                sub.codepoints(|cp| {
                    let Some(g) = sub.glyph_index(cp) else { return };
                    if let Some(slot) = table.get_mut(usize::from(g.0)) {
                        if *slot == 0 || cp < *slot {
                            *slot = cp;
                        }
                    }
                });
            }
            table
        });
        table.get(usize::from(glyph)).and_then(|&c| (c != 0).then(|| char::from_u32(c)).flatten())
    }

    /// The glyph for a character, if the font has one.
    pub fn glyph(&self, c: char) -> Option<u16> {
        match self.cache.get(c as usize) {
            Some(&(g, _)) => (g != 0).then_some(g),
            None => self.face.glyph_index(c).map(|g| g.0),
        }
    }

    fn glyph_and_advance(&self, c: char) -> Option<(u16, f32)> {
        match self.cache.get(c as usize) {
            Some(&(0, _)) => None,
            Some(&(g, adv)) => Some((g, adv)),
            None => self.glyph(c).map(|g| (g, self.advance(g) as f32)),
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

    /// Draws a glyph's outline into `to`, in font units, and returns its
    /// bounding box (left, bottom, right, top); None for a glyph with no
    /// outline (a space).
    pub fn outline(&self, glyph: u16, to: &mut dyn ttf_parser::OutlineBuilder) -> Option<[f64; 4]> {
        let b = self.face.outline_glyph(GlyphId(glyph), to)?;
        Some([b.x_min as f64, b.y_min as f64, b.x_max as f64, b.y_max as f64])
    }

    /// True when the glyph draws something (it has an outline).
    pub fn has_outline(&self, glyph: u16) -> bool {
        self.face.glyph_bounding_box(GlyphId(glyph)).is_some()
    }
}

/// A positioned glyph, all lengths in em.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glyph {
    /// Glyph id in the font (before subsetting).
    pub id: u16,
    /// Byte offset in the run's text of the characters this glyph shows.
    pub cluster: u32,
    /// How far the pen moves after the glyph.
    pub advance: f32,
    /// Horizontal shift of this glyph from the pen.
    pub dx: f32,
    /// Vertical shift of this glyph from the baseline (up).
    pub dy: f32,
}

/// A run of glyphs in one font and one direction, in visual order.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    /// The font.
    pub font: FontId,
    /// The glyphs, left to right as they appear.
    pub glyphs: Vec<Glyph>,
    /// The text the glyphs show, in logical (reading) order.
    pub text: String,
    /// Total advance in em.
    pub width_em: f64,
    /// True when the run reads right to left.
    pub rtl: bool,
    /// Where the run's text starts in the text that was set, in bytes:
    /// sorting runs by it puts them in reading order.
    pub start: usize,
}

/// All bundled fonts. The files live in `fonts/` and are compiled into the binary.
pub struct FontBook {
    fonts: Vec<Font>,
}

/// True for characters the fast path sets without a shaper: no combining
/// marks, no right-to-left or complex script (everything below Hebrew,
/// except the combining diacritics block, plus general punctuation).
fn simple(c: char) -> bool {
    let u = c as u32;
    (u < 0x0590 && !(0x0300..0x0370).contains(&u) && !(0x0483..0x048A).contains(&u))
        || (0x2000..0x2070).contains(&u)
            && !(0x200C..0x2010).contains(&u)
            && !(0x202A..0x202F).contains(&u)
}

/// True when text needs the shaper (and so its glyphs alone do not tell
/// how it reads): combining marks, right-to-left or complex scripts.
pub fn needs_shaping(text: &str) -> bool {
    !text.chars().all(simple)
}

/// True when a line of text reads right to left: its first strong
/// character is (Unicode bidi rules P2 and P3), as for an Arabic or Hebrew
/// name.
pub fn reads_right_to_left(text: &str) -> bool {
    unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl
}

/// True for combining marks, which stay in the font of the letter they sit on.
fn is_mark(c: char) -> bool {
    let u = c as u32;
    (0x0300..0x0370).contains(&u)
        || (0x0483..0x048A).contains(&u)
        || (0x0591..0x05C8).contains(&u)
        || (0x0610..0x061B).contains(&u)
        || (0x064B..0x0660).contains(&u)
        || u == 0x0670
        || (0x06D6..0x06EE).contains(&u)
        || (0x0900..0x0904).contains(&u)
        || (0x093A..0x0950).contains(&u)
        || (0x0951..0x0958).contains(&u)
        || (0x0962..0x0964).contains(&u)
        || (0x0981..0x0984).contains(&u)
        || (0x09BC..0x09D8).contains(&u)
        || (0x0BBE..0x0BCE).contains(&u)
        || (0x0E31..0x0E3B).contains(&u)
        || (0x0E47..0x0E4F).contains(&u)
        || (0x1AB0..0x1B00).contains(&u)
        || (0x1DC0..0x1E00).contains(&u)
        || (0x200C..0x200E).contains(&u)
        || (0x20D0..0x2100).contains(&u)
        || (0xFE00..0xFE10).contains(&u)
        || (0xFE20..0xFE30).contains(&u)
}

impl FontBook {
    /// The bundled fonts, parsed on first use.
    pub fn bundled() -> &'static FontBook {
        static BOOK: OnceLock<FontBook> = OnceLock::new();
        BOOK.get_or_init(|| FontBook {
            fonts: bundled_files()
                .into_iter()
                .map(|(data, bold, named_only)| Font::parse(data, bold, named_only))
                .collect(),
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

    /// How many fonts there are.
    pub fn len(&self) -> usize {
        self.fonts.len()
    }

    /// True when there are no fonts (never, for the bundled book).
    pub fn is_empty(&self) -> bool {
        self.fonts.is_empty()
    }

    /// The characters of `text` that no bundled font can show.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|&c| {
                !c.is_whitespace()
                    && !c.is_control()
                    && self.fonts.iter().all(|f| f.glyph(c).is_none())
            })
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }

    /// The font for a character: `preferred` when it has the glyph, else the
    /// first font of the same weight that has it, else any font that has it.
    fn pick(&self, preferred: FontId, c: char) -> Option<FontId> {
        let bold = self.get(preferred).bold;
        if self.get(preferred).glyph(c).is_some() {
            return Some(preferred);
        }
        let same_weight = self.iter().filter(|(_, f)| f.bold == bold && !f.named_only);
        let other = self.iter().filter(|(_, f)| f.bold != bold && !f.named_only);
        same_weight.chain(other).find(|(_, f)| f.glyph(c).is_some()).map(|(id, _)| id)
    }

    /// Sets `text` as runs of glyphs in visual order (left to right on the
    /// page). Characters no font has are left out (the caller reports them
    /// with [`FontBook::missing`] first).
    pub fn runs(&self, preferred: FontId, text: &str) -> Vec<Run> {
        if !needs_shaping(text) {
            return self.simple_runs(preferred, text);
        }
        let bidi = BidiInfo::new(text, None);
        let mut out = Vec::new();
        for para in &bidi.paragraphs {
            let (levels, visual) = bidi.visual_runs(para, para.range.clone());
            for range in visual {
                let rtl = levels[range.start].is_rtl();
                let mut segments = self.segments(preferred, &text[range.clone()]);
                if rtl {
                    segments.reverse();
                }
                for (font, seg) in segments {
                    let seg_text = &text[range.start + seg.start..range.start + seg.end];
                    out.push(self.shape(font, seg_text, rtl, range.start + seg.start));
                }
            }
        }
        out
    }

    /// Splits text (in logical order) into byte ranges set in one font each.
    fn segments(&self, preferred: FontId, text: &str) -> Vec<(FontId, std::ops::Range<usize>)> {
        let mut segs: Vec<(FontId, std::ops::Range<usize>)> = Vec::new();
        for (i, c) in text.char_indices() {
            let prev = segs.last().map(|(f, _)| *f);
            let keep_prev = prev.filter(|&f| {
                is_mark(c) || (!c.is_alphanumeric() && self.get(f).glyph(c).is_some())
            });
            let Some(font) = keep_prev.or_else(|| self.pick(preferred, c)) else { continue };
            match segs.last_mut() {
                Some((f, r)) if *f == font && r.end == i => r.end = i + c.len_utf8(),
                _ => segs.push((font, i..i + c.len_utf8())),
            }
        }
        segs
    }

    fn shape(&self, font: FontId, text: &str, rtl: bool, start: usize) -> Run {
        let f = self.get(font);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&f.shaper, &[], buffer);
        let upm = f.units_per_em as f32;
        let glyphs: Vec<Glyph> = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(info, pos)| Glyph {
                id: info.glyph_id as u16,
                cluster: info.cluster,
                advance: pos.x_advance as f32 / upm,
                dx: pos.x_offset as f32 / upm,
                dy: pos.y_offset as f32 / upm,
            })
            .collect();
        let width_em = glyphs.iter().map(|g| g.advance as f64).sum();
        Run { font, glyphs, text: text.to_string(), width_em, rtl, start }
    }

    /// The fast path for text without complex scripts: one glyph per
    /// character from the cache, the font's own advances, no shaping.
    fn simple_runs(&self, preferred: FontId, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for (i, c) in text.char_indices() {
            let found = match self.get(preferred).glyph_and_advance(c) {
                Some((g, a)) => Some((preferred, g, a)),
                None => self
                    .pick(preferred, c)
                    .and_then(|f| self.get(f).glyph_and_advance(c).map(|(g, a)| (f, g, a))),
            };
            let Some((font, id, advance)) = found else { continue };
            let same = runs.last().is_some_and(|r| r.font == font);
            if !same {
                runs.push(Run {
                    font,
                    glyphs: Vec::new(),
                    text: String::new(),
                    width_em: 0.0,
                    rtl: false,
                    start: i,
                });
            }
            let run = runs.last_mut().expect("pushed above");
            run.glyphs.push(Glyph {
                id,
                cluster: run.text.len() as u32,
                advance,
                dx: 0.0,
                dy: 0.0,
            });
            run.text.push(c);
            run.width_em += advance as f64;
        }
        runs
    }

    /// The width of `text` in em when set in `font` (with fallback and shaping).
    pub fn width_em(&self, font: FontId, text: &str) -> f64 {
        self.runs(font, text).iter().map(|r| r.width_em).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_many_scripts() {
        let book = FontBook::bundled();
        let names = [
            "José Müller-Łukasiewicz",
            "Σωκράτης",
            "Дмитрий",
            "محمد عبد الله",
            "דוד לוי",
            "देवनागरी",
            "สมชาย",
            "山田太郎",
            "김민준",
            "ნინო",
            "Արամ",
            "রবীন্দ্রনাথ",
            "தமிழ்",
        ];
        for n in names {
            assert!(book.missing(n).is_empty(), "{n}: {:?}", book.missing(n));
        }
        assert_eq!(book.missing("🦀"), vec!['🦀']);
    }

    #[test]
    fn latin_takes_the_fast_path_and_fallback_keeps_weight() {
        let book = FontBook::bundled();
        let runs = book.runs(BOLD, "Zoë");
        assert_eq!(runs.len(), 1);
        assert_eq!((runs[0].font, runs[0].text.as_str()), (BOLD, "Zoë"));
        assert!(runs[0].width_em > 1.0 && runs[0].width_em < 3.0);
        let cjk = book.runs(BOLD, "Ann 山田");
        assert_eq!(cjk.len(), 2);
        assert_eq!(cjk[1].text, "山田");
    }

    #[test]
    fn arabic_is_shaped_right_to_left() {
        let book = FontBook::bundled();
        let runs = book.runs(REGULAR, "محمد");
        assert_eq!(runs.len(), 1);
        let run = &runs[0];
        assert!(run.rtl);
        assert!(book.get(run.font).postscript_name.contains("Arabic"));
        // Visual order: the first letter (logical) is drawn last, at the right.
        assert_eq!(run.glyphs.last().unwrap().cluster, 0);
        // Joined forms differ from the isolated letters' glyphs.
        let isolated = book.get(run.font).glyph('م').unwrap();
        assert!(run.glyphs.iter().all(|g| g.id != isolated || g.cluster != 0));
    }

    #[test]
    fn a_glyph_knows_the_character_it_shows_by_itself() {
        let book = FontBook::bundled();
        let font = book.get(REGULAR);
        assert_eq!(font.char_of(font.glyph('A').unwrap()), Some('A'));
        // A joined Arabic form is not its letter (at most a presentation
        // form), so its text must be given per occurrence.
        let runs = book.runs(REGULAR, "محمد");
        let arabic = book.get(runs[0].font);
        let initial = runs[0].glyphs.last().unwrap();
        assert_ne!(arabic.char_of(initial.id), Some('م'));
    }

    #[test]
    fn a_line_reads_in_the_direction_of_its_first_strong_character() {
        assert!(reads_right_to_left("שָׁלוֹם כֹּהֵן"));
        assert!(reads_right_to_left("«محمد» Ali"));
        assert!(!reads_right_to_left("Dr. דוד לוי"));
        assert!(!reads_right_to_left("12 345"));
    }

    #[test]
    fn mixed_direction_lines_put_runs_in_visual_order() {
        let book = FontBook::bundled();
        let runs = book.runs(REGULAR, "Dr. דוד לוי");
        assert_eq!(runs[0].text, "Dr. ");
        assert!(runs.last().unwrap().rtl);
    }
}
