//! Fonts of the PDF: turns the glyphs a document used into embedded subset
//! CID fonts (ISO 32000 9.7) with their widths and ToUnicode maps, glyphs
//! drawn as outlines into Form XObjects, and the reading font of the
//! invisible text laid over outlines (see `glyphs`).

use std::io::{self, Write};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use crate::emit::glyphs::CELL;
use laminate_passes_pdf::ops::Ops;
use laminate_passes_pdf::out::{chunk, deflate};

use crate::emit::writer::{f, PdfWriter};
use crate::fonts::FontId;

impl<W: Write> PdfWriter<W> {
    /// Embeds a font as a subset CIDFontType2 with Identity-H encoding. CIDs
    /// are the full font's glyph ids; a CIDToGIDMap (ISO 32000 9.7.4.2) maps
    /// them to the subset's glyphs. /W gives widths and ToUnicode the text.
    /// Returns the font's name and descriptor when it was used.
    pub(super) fn write_font(&mut self, index: usize) -> io::Result<Option<(String, Ref)>> {
        let used = std::mem::take(&mut self.fonts[index].0);
        let Some(type0) = self.fonts[index].1.filter(|_| !used.is_empty()) else {
            return Ok(None);
        };
        let font = self.book.get(FontId(index as u8));
        let gids: Vec<u16> = used.keys().copied().collect();
        let remapper = GlyphRemapper::new_from_glyphs_sorted(&gids);
        let subset = subsetter::subset(font.data, 0, &remapper)
            .map_err(|e| io::Error::other(format!("subsetting {}: {e}", font.postscript_name)))?;
        // The subset tag is a hash of the glyphs used, so equal input gives an equal tag.
        let mut h = Sha256::new();
        h.update(font.postscript_name.as_bytes());
        for g in &gids {
            h.update(g.to_be_bytes());
        }
        let digest = h.finalize();
        let tag: String = digest[..6].iter().map(|b| (b'A' + b % 26) as char).collect();
        let base = format!("{tag}+{}", font.postscript_name);
        let (cid, desc, file, cmap, map) =
            (self.alloc(), self.alloc(), self.alloc(), self.alloc(), self.alloc());
        let scale = 1000.0 / font.units_per_em;

        self.type0(type0, &base, cid, cmap)?;

        let mut c = chunk();
        let mut cf = cid_font(&mut c, cid, &base, desc, map);
        let mut widths = cf.widths();
        for g in &gids {
            widths.consecutive(*g, [f(font.advance_units(*g) * scale)]);
        }
        widths.finish();
        cf.finish();
        self.emit(cid, c)?;

        let mut c = chunk();
        let b = font.bbox;
        c.font_descriptor(desc)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(f(b[0] * scale), f(b[1] * scale), f(b[2] * scale), f(b[3] * scale)))
            .italic_angle(f(font.italic_angle))
            .ascent(f(font.ascender * 1000.0))
            .descent(f(font.descender * 1000.0))
            .cap_height(f(font.cap_height * 1000.0))
            .stem_v(if font.bold { 140.0 } else { 80.0 })
            .font_file2(file);
        self.emit(desc, c)?;

        self.stream(file, &subset)?;

        let max = gids.last().copied().unwrap_or(0) as usize;
        let mut cid_to_gid = vec![0u8; (max + 1) * 2];
        for g in &gids {
            let new = remapper.get(*g).unwrap_or(0);
            cid_to_gid[*g as usize * 2..*g as usize * 2 + 2].copy_from_slice(&new.to_be_bytes());
        }
        self.stream(map, &cid_to_gid)?;

        let data =
            to_unicode(used.iter().filter(|(_, t)| !t.is_empty()).map(|(g, t)| (*g, t.as_str())));
        self.stream(cmap, &data)?;
        Ok(Some((base, desc)))
    }

    /// The reading font: a CIDFontType2 on the program of a font already
    /// written (its descriptor), every code drawn as glyph 0 (the text is
    /// never painted) with one advance, [`CELL`], and a ToUnicode map from
    /// each code to the character of the same number. Two Type0
    /// dictionaries, `T0` and `T1`, share it (see `glyphs::read_as`).
    pub(super) fn write_reading_font(
        &mut self,
        dicts: [Ref; 2],
        base: &str,
        descriptor: Ref,
    ) -> io::Result<()> {
        let chars = std::mem::take(&mut self.read_as);
        let (cid, cmap, map) = (self.alloc(), self.alloc(), self.alloc());
        for r in dicts {
            self.type0(r, base, cid, cmap)?;
        }
        let mut c = chunk();
        cid_font(&mut c, cid, base, descriptor, map).default_width(CELL as f32);
        self.emit(cid, c)?;
        let max = chars.last().copied().unwrap_or(0) as usize;
        self.stream(map, &vec![0u8; (max + 1) * 2])?;
        let pairs: Vec<(u16, String)> = chars
            .iter()
            .filter_map(|&code| char::from_u32(u32::from(code)).map(|ch| (code, ch.to_string())))
            .collect();
        let data = to_unicode(pairs.iter().map(|(code, s)| (*code, s.as_str())));
        self.stream(cmap, &data)
    }

    /// A glyph's outline as a Form XObject (ISO 32000 8.10), drawn in font
    /// units and scaled to em by its /Matrix, filled with the nonzero rule
    /// in whatever colour is current where it is drawn; written on first
    /// use.
    pub(super) fn outline(&mut self, font: usize, glyph: u16) -> io::Result<Ref> {
        if let Some(r) = self.outlines.get(&(font, glyph)) {
            return Ok(*r);
        }
        let mut path = Outline { ops: Ops::new(), at: (0.0, 0.0) };
        let face = self.book.get(FontId(font as u8));
        let bbox = face.outline(glyph, &mut path);
        let [x0, y0, x1, y1] = bbox.unwrap_or([0.0; 4]);
        let mut ops = path.ops;
        if bbox.is_some() {
            ops.fill();
        }
        let data = deflate(&ops.finish());
        let r = self.alloc();
        let mut c = chunk();
        let mut form = c.form_xobject(r, &data);
        form.filter(Filter::FlateDecode);
        form.bbox(Rect::new(f(x0), f(y0), f(x1), f(y1)));
        // Font units to em: content places glyphs in em (see `glyphs`).
        let em = f(1.0 / face.units_per_em);
        form.matrix([em, 0.0, 0.0, em, 0.0, 0.0]);
        form.finish();
        self.emit(r, c)?;
        self.outlines.insert((font, glyph), r);
        Ok(r)
    }
}

impl<W: Write> PdfWriter<W> {
    /// A Type0 font dictionary (ISO 32000 9.7.6) over the CIDFont `cid`,
    /// with Identity-H encoding and the ToUnicode map `cmap`.
    fn type0(&mut self, r: Ref, base: &str, cid: Ref, cmap: Ref) -> io::Result<()> {
        let mut c = chunk();
        c.type0_font(r)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        self.emit(r, c)
    }
}

/// A CIDFontType2 dictionary with its name, Adobe-Identity-0 ordering,
/// descriptor and CIDToGIDMap stream, for the caller to give widths.
fn cid_font<'a>(
    c: &'a mut Chunk,
    cid: Ref,
    base: &str,
    descriptor: Ref,
    map: Ref,
) -> pdf_writer::writers::CidFont<'a> {
    let mut cf = c.cid_font(cid);
    cf.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(descriptor)
        .cid_to_gid_map_stream(map);
    cf
}

/// Writes a glyph outline as path operators; quadratic curves (TrueType)
/// become the cubic ones PDF has.
struct Outline {
    ops: Ops,
    at: (f64, f64),
}

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.at = (f64::from(x), f64::from(y));
        self.ops.move_to(self.at.0, self.at.1);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.at = (f64::from(x), f64::from(y));
        self.ops.line_to(self.at.0, self.at.1);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (x0, y0) = self.at;
        let (qx, qy, x, y) = (f64::from(x1), f64::from(y1), f64::from(x), f64::from(y));
        self.ops.cubic_to([
            x0 + 2.0 / 3.0 * (qx - x0),
            y0 + 2.0 / 3.0 * (qy - y0),
            x + 2.0 / 3.0 * (qx - x),
            y + 2.0 / 3.0 * (qy - y),
            x,
            y,
        ]);
        self.at = (x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let p = [x1, y1, x2, y2, x, y].map(f64::from);
        self.ops.cubic_to(p);
        self.at = (p[4], p[5]);
    }

    fn close(&mut self) {
        self.ops.close_path();
    }
}

/// A ToUnicode CMap (ISO 32000 9.10.3) of glyph ids and their text.
fn to_unicode<'a>(pairs: impl Iterator<Item = (u16, &'a str)>) -> Vec<u8> {
    let mut unicode = UnicodeCmap::new(
        Name(b"Custom"),
        SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 },
    );
    for (g, text) in pairs {
        unicode.pair_with_multiple(g, text.chars());
    }
    unicode.finish().to_vec()
}
