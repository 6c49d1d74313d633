//! PDF: turns sheets into PDF bytes, streamed to a writer as each sheet is
//! done. The only module that touches the PDF crate.
//!
//! Each indirect object is built in its own `pdf_writer::Chunk` and written
//! out at once, so memory does not grow with the number of pages; the
//! cross-reference table (ISO 32000 7.5.4) is written by hand at the end.
//! Page and drawing content is made in `draw` (on any thread) with the
//! content-stream operators of `ops`.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use crate::colour::Colour;
use crate::fonts::{FontBook, FontId};
use crate::frame::ArtId;
use crate::impose::{self, Sheet};
use crate::layout::ArtBook;
use crate::photo::{Photo, PhotoColour};

mod draw;
mod glyphs;
mod ops;
pub use draw::{content, module_rects, sheet_content, Content, Inks, Spot};

/// Document-level facts.
#[derive(Clone, Debug, PartialEq)]
pub struct DocInfo {
    /// Title shown by viewers.
    pub title: String,
    /// Creation time as seconds since 1970 (from `SOURCE_DATE_EPOCH`, else 0).
    pub epoch: i64,
}

/// Counts bytes and hashes them on their way to the real writer.
struct Out<W: Write> {
    inner: W,
    pos: usize,
    hash: Sha256,
}

impl<W: Write> Out<W> {
    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        self.hash.update(bytes);
        self.pos += bytes.len();
        Ok(())
    }
}

/// Streams a PDF: create it, write pages in order, finish.
pub struct PdfWriter<W: Write> {
    out: Out<W>,
    offsets: Vec<(i32, usize)>,
    next_id: i32,
    catalog: Ref,
    page_tree: Ref,
    ocg: Ref,
    registration: Option<Ref>,
    pages: Vec<Ref>,
    /// Per font: every glyph used, with its character, and the font's object.
    fonts: Vec<(BTreeMap<u16, String>, Ref)>,
    /// Per font, its CIDFont, once a layer needs it before the end.
    descendants: Vec<Option<Ref>>,
    /// Layer dictionaries (see `glyphs`) by a hash of font and map, and
    /// each one's font, object and ToUnicode stream, written at the end.
    layers: HashMap<[u8; 32], Ref>,
    layer_fonts: Vec<(usize, Ref, Ref)>,
    book: &'static FontBook,
    arts: HashMap<ArtId, Ref>,
    images: HashMap<String, Ref>,
    info: DocInfo,
    inks: Inks,
    spot: Option<Ref>,
    /// The CutContour layer, colour space and overprint state, once used.
    cut: Option<CutRefs>,
}

/// The objects of the CutContour die line, written on first use.
#[derive(Clone, Copy)]
struct CutRefs {
    ocg: Ref,
    space: Ref,
    state: Ref,
}

fn f(v: f64) -> f32 {
    v as f32
}

/// Compresses a stream. Level 3 (measured on 10,000 passes, 1 thread): 1,155
/// bytes a pass for about 60 % of level 5's deflate time (1,055 bytes);
/// level 1 gave 1,721 bytes, level 6 1,142 at twice the time of level 3.
///
/// Each thread keeps one compressor and resets it for every stream: a new
/// one per page meant allocating and clearing its window and hash tables
/// (a few hundred KB) 12,500 times for 100,000 passes.
fn deflate(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    thread_local! {
        static ZLIB: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::new(3), true));
    }
    ZLIB.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 3 + 64);
        loop {
            let done = z.total_in() as usize;
            let status = z
                .compress_vec(&data[done..], &mut out, FlushCompress::Finish)
                .expect("compressing in memory cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    })
}

fn chunk() -> Chunk {
    Chunk::with_settings(pdf_writer::Settings { pretty: false })
}

impl<W: Write> PdfWriter<W> {
    /// Starts a PDF on `inner`.
    pub fn new(inner: W, book: &'static FontBook, info: DocInfo, inks: Inks) -> io::Result<Self> {
        let mut w = PdfWriter {
            out: Out { inner, pos: 0, hash: Sha256::new() },
            offsets: Vec::new(),
            next_id: 1,
            catalog: Ref::new(1),
            page_tree: Ref::new(2),
            ocg: Ref::new(3),
            registration: None,
            pages: Vec::new(),
            fonts: Vec::new(),
            descendants: vec![None; book.len()],
            layers: HashMap::new(),
            layer_fonts: Vec::new(),
            book,
            arts: HashMap::new(),
            images: HashMap::new(),
            info,
            inks,
            spot: None,
            cut: None,
        };
        w.next_id = 4;
        w.fonts = book.iter().map(|_| (BTreeMap::new(), w.alloc())).collect();
        // PDF 1.7 header; the second line marks the file as binary (ISO 32000 7.5.2).
        w.out.put(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
        Ok(w)
    }

    /// How colours are inked (for [`sheet_content`]).
    pub fn inks(&self) -> &Inks {
        &self.inks
    }

    /// The fonts content is set in (for [`content`]).
    pub fn fonts(&self) -> &'static FontBook {
        self.book
    }

    fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next_id);
        self.next_id += 1;
        r
    }

    fn emit(&mut self, id: Ref, chunk: Chunk) -> io::Result<()> {
        self.offsets.push((id.get(), self.out.pos));
        self.out.put(chunk.as_bytes())
    }

    fn stream(&mut self, id: Ref, data: &[u8]) -> io::Result<()> {
        let packed = deflate(data);
        self.packed_stream(id, &packed)
    }

    fn packed_stream(&mut self, id: Ref, packed: &[u8]) -> io::Result<()> {
        let mut chunk = chunk();
        chunk.stream(id, packed).filter(Filter::FlateDecode);
        self.emit(id, chunk)
    }

    /// Writes one sheet as a page, with the content made for it by [`sheet_content`].
    pub fn write_sheet(
        &mut self,
        sheet: &Sheet,
        content: Content,
        arts: &ArtBook,
    ) -> io::Result<()> {
        let content_id = self.alloc();
        self.packed_stream(content_id, &content.data)?;
        let mut resources = Vec::new();
        self.resources(&content, arts, &mut resources)?;
        let page_id = self.alloc();
        let mut chunk = chunk();
        let mut page = chunk.page(page_id);
        let r = |b: impose::Rect| Rect::new(f(b.x0), f(b.y0), f(b.x1), f(b.y1));
        // Page boxes (ISO 32000 14.11.2): the sheet, the finished cards, their bleed.
        page.parent(self.page_tree)
            .media_box(Rect::new(0.0, 0.0, f(sheet.size.w), f(sheet.size.h)))
            .trim_box(r(sheet.trim))
            .contents(content_id);
        if let Some(b) = sheet.bleed {
            page.bleed_box(r(b));
        }
        write_resources(page.resources(), &resources);
        page.finish();
        self.emit(page_id, chunk)?;
        self.pages.push(page_id);
        Ok(())
    }

    /// Makes sure everything a content stream refers to is in the file, and
    /// lists its resources by name.
    fn resources(
        &mut self,
        content: &Content,
        arts: &ArtBook,
        out: &mut Vec<(&'static str, String, Ref)>,
    ) -> io::Result<()> {
        for (font, used) in content.glyphs.iter().enumerate() {
            if !used.is_empty() {
                let entry = &mut self.fonts[font];
                for (g, text) in used {
                    let known = entry.0.entry(*g).or_default();
                    if known.is_empty() {
                        known.push_str(text);
                    }
                }
                out.push(("Font", format!("F{font}"), entry.1));
            }
        }
        for (k, (font, map)) in content.layers.iter().enumerate() {
            let r = self.layer(*font, map)?;
            out.push(("Font", format!("L{k}"), r));
        }
        for id in &content.arts {
            let r = self.art(*id, arts)?;
            out.push(("XObject", format!("A{}", id.0), r));
        }
        for (n, (key, photo)) in content.images.iter().enumerate() {
            let r = self.image(key, photo)?;
            out.push(("XObject", format!("I{n}"), r));
        }
        for (n, (w, stops)) in content.gradients.iter().enumerate() {
            let r = self.gradient(*w, stops)?;
            out.push(("Shading", format!("S{n}"), r));
        }
        if content.registration {
            let r = match self.registration {
                Some(r) => r,
                None => self.registration_space()?,
            };
            out.push(("ColorSpace", "Reg".into(), r));
        }
        if content.security {
            out.push(("Properties", "Sec".into(), self.ocg));
        }
        if content.cut {
            let cut = match self.cut {
                Some(c) => c,
                None => self.cut_objects()?,
            };
            out.push(("Properties", "Cut".into(), cut.ocg));
            out.push(("ColorSpace", "Cut".into(), cut.space));
            out.push(("ExtGState", "GCut".into(), cut.state));
        }
        if content.spot {
            let r = match self.spot {
                Some(r) => r,
                None => self.spot_space()?,
            };
            out.push(("ColorSpace", "Spot".into(), r));
        }
        Ok(())
    }

    /// A layer of a font: its glyphs join the subset, its ToUnicode map is
    /// written now and its dictionary at the end (it names the subset).
    fn layer(&mut self, font: usize, map: &BTreeMap<u16, String>) -> io::Result<Ref> {
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

    fn image(&mut self, key: &str, photo: &Photo) -> io::Result<Ref> {
        if let Some(r) = self.images.get(key) {
            return Ok(*r);
        }
        let r = self.alloc();
        let mut chunk = chunk();
        let mut img = chunk.image_xobject(r, &photo.jpeg);
        img.filter(Filter::DctDecode);
        img.width(photo.width as i32);
        img.height(photo.height as i32);
        match photo.colour {
            PhotoColour::Gray => img.color_space().device_gray(),
            PhotoColour::Rgb => img.color_space().device_rgb(),
            PhotoColour::Cmyk { inverted } => {
                img.color_space().device_cmyk();
                if inverted {
                    // Adobe's CMYK JPEGs store 255 for no ink (ISO 32000 8.9.5.2 /Decode).
                    img.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
                }
            }
        }
        img.bits_per_component(8);
        img.finish();
        self.emit(r, chunk)?;
        self.images.insert(key.to_string(), r);
        Ok(r)
    }

    /// A shared drawing as a Form XObject (with the /BBox ISO 32000 8.10.2
    /// requires), written on first use.
    fn art(&mut self, id: ArtId, arts: &ArtBook) -> io::Result<Ref> {
        if let Some(r) = self.arts.get(&id) {
            return Ok(*r);
        }
        let frame = arts.get(id).ok_or_else(|| {
            io::Error::other(format!("shared drawing {} was never laid out", id.0))
        })?;
        let content = content(&frame.items, self.book, &self.inks, arts.is_security(id));
        let mut resources = Vec::new();
        self.resources(&content, arts, &mut resources)?;
        let r = self.alloc();
        let mut chunk = chunk();
        let mut form = chunk.form_xobject(r, &content.data);
        form.filter(Filter::FlateDecode);
        let (w, h) = (f(frame.size.w), f(frame.size.h));
        form.bbox(Rect::new(-w - 36.0, -h - 36.0, 2.0 * w + 36.0, 2.0 * h + 36.0));
        write_resources(form.resources(), &resources);
        form.finish();
        self.emit(r, chunk)?;
        self.arts.insert(id, r);
        Ok(r)
    }

    fn gradient(&mut self, w: f64, stops: &[Colour]) -> io::Result<Ref> {
        let r = self.alloc();
        let mut chunk = chunk();
        let mut d = chunk.indirect(r).dict();
        d.pair(Name(b"ShadingType"), 2);
        d.pair(Name(b"ColorSpace"), Name(b"DeviceCMYK"));
        d.insert(Name(b"Coords")).array().items([0.0, 0.0, f(w), 0.0]);
        d.insert(Name(b"Extend")).array().items([true, true]);
        let comps = |c: &Colour| c.to_cmyk();
        // A stitching function (ISO 32000 7.10.4) of linear pieces between stops.
        let mut func = d.insert(Name(b"Function")).dict();
        func.pair(Name(b"FunctionType"), 3);
        func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
        let n = stops.len().max(2) - 1;
        func.insert(Name(b"Bounds")).array().items((1..n).map(|i| i as f32 / n as f32));
        func.insert(Name(b"Encode")).array().items((0..n).flat_map(|_| [0.0f32, 1.0]));
        let mut fns = func.insert(Name(b"Functions")).array();
        for i in 0..n {
            let mut e = fns.push().dict();
            e.pair(Name(b"FunctionType"), 2);
            e.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
            e.insert(Name(b"C0")).array().items(comps(&stops[i]));
            e.insert(Name(b"C1")).array().items(comps(&stops[(i + 1).min(stops.len() - 1)]));
            e.pair(Name(b"N"), 1);
        }
        fns.finish();
        func.finish();
        d.finish();
        self.emit(r, chunk)?;
        Ok(r)
    }

    /// The security spot ink: a Separation colour space (ISO 32000 8.6.6.4)
    /// named after the ink, shown in viewers as its CMYK fallback.
    fn spot_space(&mut self) -> io::Result<Ref> {
        let spot = self.inks.security_spot.clone().expect("spot content only with a spot ink");
        let r = self.alloc();
        self.spot = Some(r);
        let mut chunk = chunk();
        let mut arr = chunk.indirect(r).array();
        arr.item(Name(b"Separation")).item(Name(spot.name.as_bytes())).item(Name(b"DeviceCMYK"));
        let mut func = arr.push().dict();
        func.pair(Name(b"FunctionType"), 2);
        func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
        func.insert(Name(b"C0")).array().items([0.0f32; 4]);
        func.insert(Name(b"C1")).array().items(spot.fallback.to_cmyk());
        func.pair(Name(b"N"), 1);
        func.finish();
        arr.finish();
        self.emit(r, chunk)?;
        Ok(r)
    }

    /// The die line's objects: a Separation colour space named CutContour
    /// (the name print-and-cut RIPs and plotters look for; magenta in
    /// viewers), a graphics state that overprints (ISO 32000 8.6.7: /OP and
    /// /op true, /OPM 1, so the line's zero process components leave the
    /// art under it alone), and its own optional-content layer.
    fn cut_objects(&mut self) -> io::Result<CutRefs> {
        let cut = CutRefs { ocg: self.alloc(), space: self.alloc(), state: self.alloc() };
        self.cut = Some(cut);
        let mut c = chunk();
        let mut ocg = c.indirect(cut.ocg).dict();
        ocg.pair(Name(b"Type"), Name(b"OCG"));
        ocg.pair(Name(b"Name"), pdf_writer::TextStr("CutContour"));
        ocg.finish();
        self.emit(cut.ocg, c)?;
        let mut c = chunk();
        let mut arr = c.indirect(cut.space).array();
        arr.item(Name(b"Separation")).item(Name(b"CutContour")).item(Name(b"DeviceCMYK"));
        let mut func = arr.push().dict();
        func.pair(Name(b"FunctionType"), 2);
        func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
        func.insert(Name(b"C0")).array().items([0.0f32; 4]);
        func.insert(Name(b"C1")).array().items([0.0f32, 1.0, 0.0, 0.0]);
        func.pair(Name(b"N"), 1);
        func.finish();
        arr.finish();
        self.emit(cut.space, c)?;
        let mut c = chunk();
        let mut gs = c.indirect(cut.state).dict();
        gs.pair(Name(b"Type"), Name(b"ExtGState"));
        gs.pair(Name(b"OP"), true);
        gs.pair(Name(b"op"), true);
        gs.pair(Name(b"OPM"), 1);
        gs.finish();
        self.emit(cut.state, c)?;
        Ok(cut)
    }

    /// The registration colour: a Separation named All, which prints on every plate.
    fn registration_space(&mut self) -> io::Result<Ref> {
        let r = self.alloc();
        self.registration = Some(r);
        let mut chunk = chunk();
        let mut arr = chunk.indirect(r).array();
        arr.item(Name(b"Separation")).item(Name(b"All")).item(Name(b"DeviceCMYK"));
        let mut func = arr.push().dict();
        func.pair(Name(b"FunctionType"), 2);
        func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
        func.insert(Name(b"C0")).array().items([0.0f32; 4]);
        func.insert(Name(b"C1")).array().items([1.0f32; 4]);
        func.pair(Name(b"N"), 1);
        func.finish();
        arr.finish();
        self.emit(r, chunk)?;
        Ok(r)
    }

    /// Writes fonts, page tree, catalog, cross-reference table and trailer.
    /// Returns the writer, the number of bytes and the number of pages written.
    pub fn finish(mut self) -> io::Result<(W, usize, usize)> {
        for i in 0..self.fonts.len() {
            self.write_font(i)?;
        }
        let mut c = chunk();
        c.pages(self.page_tree).kids(self.pages.iter().copied()).count(self.pages.len() as i32);
        let tree = self.page_tree;
        self.emit(tree, c)?;

        let mut c = chunk();
        let mut ocg = c.indirect(self.ocg).dict();
        ocg.pair(Name(b"Type"), Name(b"OCG"));
        ocg.pair(Name(b"Name"), pdf_writer::TextStr("Security"));
        ocg.finish();
        let ocg_id = self.ocg;
        self.emit(ocg_id, c)?;

        let info_id = self.alloc();
        let mut c = chunk();
        let date = pdf_date(self.info.epoch);
        let mut info = c.indirect(info_id).dict();
        info.pair(Name(b"Title"), pdf_writer::TextStr(&self.info.title));
        info.pair(
            Name(b"Producer"),
            pdf_writer::TextStr(concat!("laminate ", env!("CARGO_PKG_VERSION"))),
        );
        info.pair(Name(b"CreationDate"), Str(date.as_bytes()));
        info.pair(Name(b"ModDate"), Str(date.as_bytes()));
        info.finish();
        self.emit(info_id, c)?;

        let mut c = chunk();
        let mut cat = c.indirect(self.catalog).dict();
        cat.pair(Name(b"Type"), Name(b"Catalog"));
        cat.pair(Name(b"Pages"), self.page_tree);
        // Print at 100 %: no "fit to page" (ISO 32000 12.2, PrintScaling).
        cat.insert(Name(b"ViewerPreferences")).dict().pair(Name(b"PrintScaling"), Name(b"None"));
        // The Security layer: on by default, listed so viewers offer a switch
        // (ISO 32000 8.11.4).
        // The CutContour layer, when there is one, is listed beside it.
        let layers: Vec<Ref> = std::iter::once(self.ocg).chain(self.cut.map(|c| c.ocg)).collect();
        let mut oc = cat.insert(Name(b"OCProperties")).dict();
        oc.insert(Name(b"OCGs")).array().items(layers.iter().copied());
        let mut d = oc.insert(Name(b"D")).dict();
        d.pair(Name(b"Name"), pdf_writer::TextStr("Default"));
        d.insert(Name(b"ON")).array().items(layers.iter().copied());
        d.insert(Name(b"Order")).array().items(layers.iter().copied());
        d.finish();
        oc.finish();
        cat.finish();
        let cat_id = self.catalog;
        self.emit(cat_id, c)?;

        // Cross-reference table (ISO 32000 7.5.4): one 20-byte line per object number.
        let xref_at = self.out.pos;
        let size = self.next_id as usize;
        let mut by_id = vec![None; size];
        for (id, off) in &self.offsets {
            by_id[*id as usize] = Some(*off);
        }
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
        for off in by_id.iter().skip(1) {
            match off {
                Some(o) => xref.push_str(&format!("{o:010} 00000 n\r\n")),
                None => xref.push_str("0000000000 00000 f\r\n"),
            }
        }
        self.out.put(xref.as_bytes())?;
        // The document ID is a hash of everything before it (ISO 32000 14.4).
        let digest = self.out.hash.clone().finalize();
        let id: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
        let trailer = format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.catalog.get(),
            info_id.get()
        );
        self.out.put(trailer.as_bytes())?;
        self.out.inner.flush()?;
        Ok((self.out.inner, self.out.pos, self.pages.len()))
    }

    /// Embeds a font as a subset CIDFontType2 with Identity-H encoding. CIDs
    /// are the full font's glyph ids; a CIDToGIDMap (ISO 32000 9.7.4.2) maps
    /// them to the subset's glyphs. /W gives widths and ToUnicode the text.
    fn write_font(&mut self, index: usize) -> io::Result<()> {
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

fn write_resources(mut r: pdf_writer::writers::Resources, list: &[(&'static str, String, Ref)]) {
    for kind in ["Font", "XObject", "Shading", "ColorSpace", "ExtGState", "Properties"] {
        let mut entries = list.iter().filter(|(k, _, _)| *k == kind).peekable();
        if entries.peek().is_none() {
            continue;
        }
        let mut d = r.insert(Name(kind.as_bytes())).dict();
        for (_, name, id) in entries {
            d.pair(Name(name.as_bytes()), *id);
        }
    }
}

/// A PDF date string (ISO 32000 7.9.4) in UTC for seconds since 1970.
pub fn pdf_date(epoch: i64) -> String {
    let ts = jiff::Timestamp::from_second(epoch).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let dt = ts.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_rects_cover_exactly_the_dark_modules() {
        let n = 4;
        #[rustfmt::skip]
        let dark = [
            true, true, false, true,
            true, true, false, true,
            false, true, true, true,
            true, false, false, false,
        ].map(|d| d);
        assert_eq!(
            module_rects(n, &dark),
            vec![(0, 0, 2, 2), (3, 0, 1, 2), (1, 2, 3, 1), (0, 3, 1, 1)]
        );
        let cover = |n: usize, dark: &[bool]| {
            let mut covered = vec![false; n * n];
            for (x, y, w, h) in module_rects(n, dark) {
                for r in y..y + h {
                    for c in x..x + w {
                        assert!(!covered[r * n + c], "covered twice");
                        covered[r * n + c] = true;
                    }
                }
            }
            covered
        };
        assert_eq!(cover(n, &dark), dark);
        for len in [10, 60, 200, 900] {
            let code = crate::qr::encode("L1:NLF".repeat(len / 6).as_bytes()).unwrap();
            assert_eq!(cover(code.size, &code.dark), code.dark);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(pdf_date(0), "D:19700101000000Z");
        assert_eq!(pdf_date(1_783_641_600), "D:20260710000000Z");
    }
}
