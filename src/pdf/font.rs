//! Fonts of the PDF: turns the glyphs a document used into embedded subset
//! CID fonts (ISO 32000 9.7) with their widths and ToUnicode maps, and the
//! per-page layers that give one glyph other text (see `glyphs`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Finish, Name, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use super::{chunk, f, PdfWriter};
use crate::fonts::FontId;

impl<W: Write> PdfWriter<W> {
    /// A layer of a font: its glyphs join the subset, its ToUnicode map is
    /// written now and its dictionary at the end (it names the subset).
    pub(super) fn layer(&mut self, font: usize, map: &BTreeMap<u16, String>) -> io::Result<Ref> {
        let used = &mut self.fonts[font].0;
        for g in map.keys() {
            used.entry(*g).or_default();
        }
        let cmap = to_unicode(map.iter().map(|(g, t)| (*g, t.as_str())));
        let mut h = Sha256::new();
        h.update([font as u8]);
        h.update(&cmap);
        let key: [u8; 32] = h.finalize().into();
        if let Some(r) = self.layers.get(&key) {
            return Ok(*r);
        }
        let (r, stream) = (self.alloc(), self.alloc());
        self.stream(stream, &cmap)?;
        if self.descendants[font].is_none() {
            self.descendants[font] = Some(self.alloc());
        }
        self.layers.insert(key, r);
        self.layer_fonts.push((font, r, stream));
        Ok(r)
    }

    /// Embeds a font as a subset CIDFontType2 with Identity-H encoding. CIDs
    /// are the full font's glyph ids; a CIDToGIDMap (ISO 32000 9.7.4.2) maps
    /// them to the subset's glyphs. /W gives widths and ToUnicode the text.
    pub(super) fn write_font(&mut self, index: usize) -> io::Result<()> {
        let (used, type0) = (std::mem::take(&mut self.fonts[index].0), self.fonts[index].1);
        if used.is_empty() {
            return Ok(());
        }
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
        let cid = match self.descendants[index] {
            Some(r) => r,
            None => self.alloc(),
        };
        let (desc, file, cmap, map) = (self.alloc(), self.alloc(), self.alloc(), self.alloc());
        let scale = 1000.0 / font.units_per_em;

        let mut c = chunk();
        c.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        self.emit(type0, c)?;
        let layers: Vec<(Ref, Ref)> =
            self.layer_fonts.iter().filter(|l| l.0 == index).map(|l| (l.1, l.2)).collect();
        for (r, unicode) in layers {
            let mut c = chunk();
            c.type0_font(r)
                .base_font(Name(base.as_bytes()))
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(cid)
                .to_unicode(unicode);
            self.emit(r, c)?;
        }

        let mut c = chunk();
        let mut cf = c.cid_font(cid);
        cf.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(desc)
            .cid_to_gid_map_stream(map);
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
        self.stream(cmap, &data)
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
