//! PDF: turns sheets into PDF bytes, streamed to a writer as each sheet is
//! done. The only module that touches the PDF crate.
//!
//! Each indirect object is built in its own `pdf_writer::Chunk` and written
//! out at once, so memory does not grow with the number of pages; the
//! cross-reference table (ISO 32000 7.5.4) is written by hand at the end.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use crate::colour::Colour;
use crate::fonts::{FontBook, FontId};
use crate::frame::{ArtId, Frame, Item, Layer, Paint, Point, Seg};
use crate::impose::{self, Sheet};
use crate::layout::ArtBook;

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

#[derive(Default)]
struct FontUse {
    remapper: Option<GlyphRemapper>,
    /// New glyph id -> the character it shows.
    chars: BTreeMap<u16, char>,
    type0: Option<Ref>,
}

/// What one content stream uses, for its /Resources.
#[derive(Default)]
struct Res {
    fonts: BTreeMap<u8, Ref>,
    xobjects: BTreeMap<String, Ref>,
    shadings: BTreeMap<String, Ref>,
    registration: bool,
    security: bool,
}

/// Streams a PDF: create it, write sheets, finish.
pub struct PdfWriter<'a, W: Write> {
    out: Out<W>,
    offsets: Vec<(i32, usize)>,
    next_id: i32,
    catalog: Ref,
    page_tree: Ref,
    ocg: Ref,
    registration: Option<Ref>,
    pages: Vec<Ref>,
    fonts: Vec<FontUse>,
    book: &'a FontBook,
    arts: HashMap<ArtId, Ref>,
    images: HashMap<String, Ref>,
    shading_count: usize,
    info: DocInfo,
}

fn f(v: f64) -> f32 {
    v as f32
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn set_fill(c: &mut Content, colour: Colour) {
    match colour {
        Colour::Rgb(r, g, b) => c.set_fill_rgb(r, g, b),
        Colour::Cmyk(cy, m, y, k) => c.set_fill_cmyk(cy, m, y, k),
    };
}

fn set_stroke(c: &mut Content, colour: Colour) {
    match colour {
        Colour::Rgb(r, g, b) => c.set_stroke_rgb(r, g, b),
        Colour::Cmyk(cy, m, y, k) => c.set_stroke_cmyk(cy, m, y, k),
    };
}

fn path(c: &mut Content, at: Point, segs: &[Seg]) {
    for s in segs {
        match *s {
            Seg::Move(x, y) => c.move_to(f(at.x + x), f(at.y + y)),
            Seg::Line(x, y) => c.line_to(f(at.x + x), f(at.y + y)),
            Seg::Cubic(x1, y1, x2, y2, x3, y3) => c.cubic_to(
                f(at.x + x1),
                f(at.y + y1),
                f(at.x + x2),
                f(at.y + y2),
                f(at.x + x3),
                f(at.y + y3),
            ),
            Seg::Close => c.close_path(),
        };
    }
}

impl<'a, W: Write> PdfWriter<'a, W> {
    /// Starts a PDF on `inner`.
    pub fn new(inner: W, book: &'a FontBook, info: DocInfo) -> io::Result<Self> {
        let mut w = PdfWriter {
            out: Out { inner, pos: 0, hash: Sha256::new() },
            offsets: Vec::new(),
            next_id: 1,
            catalog: Ref::new(1),
            page_tree: Ref::new(2),
            ocg: Ref::new(3),
            registration: None,
            pages: Vec::new(),
            fonts: book.iter().map(|_| FontUse::default()).collect(),
            book,
            arts: HashMap::new(),
            images: HashMap::new(),
            shading_count: 0,
            info,
        };
        w.next_id = 4;
        // PDF 1.7 header; the second line marks the file as binary (ISO 32000 7.5.2).
        w.out.put(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
        Ok(w)
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

    fn stream(
        &mut self,
        id: Ref,
        data: &[u8],
        build: impl FnOnce(&mut pdf_writer::Stream),
    ) -> io::Result<()> {
        let packed = deflate(data);
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut s = chunk.stream(id, &packed);
        s.filter(Filter::FlateDecode);
        build(&mut s);
        s.finish();
        self.emit(id, chunk)
    }

    /// Writes one sheet as a page.
    pub fn write_sheet(&mut self, sheet: &Sheet, arts: &ArtBook) -> io::Result<()> {
        let mut c = Content::new();
        let mut res = Res::default();
        for (at, frame) in &sheet.cards {
            self.draw(&mut c, &mut res, *at, &frame.items, arts)?;
        }
        if !sheet.marks.is_empty() {
            // Crop marks in registration colour: they appear on every plate.
            res.registration = true;
            if self.registration.is_none() {
                self.registration_space()?;
            }
            c.save_state();
            c.set_stroke_color_space(Name(b"Reg"));
            c.set_stroke_color([1.0]);
            c.set_line_width(f(impose::MARK_WIDTH));
            path(&mut c, Point::default(), &sheet.marks);
            c.stroke();
            c.restore_state();
        }
        let data = c.finish();
        let content_id = self.alloc();
        self.stream(content_id, &data, |_| {})?;
        let page_id = self.alloc();
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut page = chunk.page(page_id);
        let r = |b: impose::Rect| Rect::new(f(b.x0), f(b.y0), f(b.x1), f(b.y1));
        page.parent(self.page_tree)
            .media_box(Rect::new(0.0, 0.0, f(sheet.size.w), f(sheet.size.h)))
            .trim_box(r(sheet.trim))
            .contents(content_id);
        if let Some(b) = sheet.bleed {
            page.bleed_box(r(b));
        }
        self.resources(page.resources(), &res);
        page.finish();
        self.emit(page_id, chunk)?;
        self.pages.push(page_id);
        Ok(())
    }

    fn resources(&mut self, mut r: pdf_writer::writers::Resources, res: &Res) {
        if !res.fonts.is_empty() {
            let mut d = r.fonts();
            for (i, id) in &res.fonts {
                d.pair(Name(format!("F{i}").as_bytes()), *id);
            }
        }
        if !res.xobjects.is_empty() {
            let mut d = r.x_objects();
            for (n, id) in &res.xobjects {
                d.pair(Name(n.as_bytes()), *id);
            }
        }
        if !res.shadings.is_empty() {
            let mut d = r.shadings();
            for (n, id) in &res.shadings {
                d.pair(Name(n.as_bytes()), *id);
            }
        }
        if res.registration {
            let reg = self.registration.expect("allocated when used");
            r.color_spaces().pair(Name(b"Reg"), reg);
        }
        if res.security {
            r.insert(Name(b"Properties")).dict().pair(Name(b"Sec"), self.ocg);
        }
    }

    fn draw(
        &mut self,
        c: &mut Content,
        res: &mut Res,
        at: Point,
        items: &[(Point, Item)],
        arts: &ArtBook,
    ) -> io::Result<()> {
        for (p, item) in items {
            let pos = Point::new(at.x + p.x, at.y + p.y);
            match item {
                Item::Group { layer, transform, clip, items } => {
                    c.save_state();
                    if let Some(Layer::Security) = layer {
                        res.security = true;
                        c.begin_marked_content_with_properties(Name(b"OC"))
                            .properties_named(Name(b"Sec"));
                    }
                    c.transform([1.0, 0.0, 0.0, 1.0, f(pos.x), f(pos.y)]);
                    if let Some(m) = transform {
                        c.transform([f(m[0]), f(m[1]), f(m[2]), f(m[3]), f(m[4]), f(m[5])]);
                    }
                    if let Some(clip) = clip {
                        if clip.radius > 0.0 {
                            let segs = crate::security::rounded_rect(clip.w, clip.h, clip.radius);
                            path(c, Point::default(), &segs);
                        } else {
                            c.rect(0.0, 0.0, f(clip.w), f(clip.h));
                        }
                        c.clip_nonzero();
                        c.end_path();
                    }
                    self.draw(c, res, Point::default(), items, arts)?;
                    if layer.is_some() {
                        c.end_marked_content();
                    }
                    c.restore_state();
                }
                Item::Art(id) => {
                    let Some(frame) = arts.get(*id) else { continue };
                    let r = self.art(*id, frame, arts)?;
                    let name = format!("A{}", id.0);
                    res.xobjects.insert(name.clone(), r);
                    c.save_state();
                    c.transform([1.0, 0.0, 0.0, 1.0, f(pos.x), f(pos.y)]);
                    c.x_object(Name(name.as_bytes()));
                    c.restore_state();
                }
                Item::Rect { w, h, radius, fill } => {
                    set_fill(c, *fill);
                    if *radius > 0.0 {
                        path(c, pos, &crate::security::rounded_rect(*w, *h, *radius));
                    } else {
                        c.rect(f(pos.x), f(pos.y), f(*w), f(*h));
                    }
                    c.fill_nonzero();
                }
                Item::Path { segs, paint } => {
                    path(c, pos, segs);
                    match paint {
                        Paint::Fill(col) => {
                            set_fill(c, *col);
                            c.fill_nonzero();
                        }
                        Paint::Stroke(col, width) => {
                            set_stroke(c, *col);
                            c.set_line_width(f(*width));
                            c.stroke();
                        }
                    }
                }
                Item::Text { font, size, colour, glyphs, text } => {
                    let font_ref = self.font_ref(*font);
                    res.fonts.insert(font.0, font_ref);
                    let usage = &mut self.fonts[font.0 as usize];
                    let remapper = usage.remapper.get_or_insert_with(GlyphRemapper::new);
                    let mut bytes = Vec::with_capacity(glyphs.len() * 2);
                    for (g, ch) in glyphs.iter().zip(text.chars()) {
                        let cid = remapper.remap(*g);
                        usage.chars.entry(cid).or_insert(ch);
                        bytes.extend_from_slice(&cid.to_be_bytes());
                    }
                    set_fill(c, *colour);
                    c.begin_text();
                    c.set_font(Name(format!("F{}", font.0).as_bytes()), f(*size));
                    c.next_line(f(pos.x), f(pos.y));
                    c.show(Str(&bytes));
                    c.end_text();
                }
                Item::Image { key, photo, w, h } => {
                    let r = match self.images.get(key) {
                        Some(r) => *r,
                        None => {
                            let r = self.alloc();
                            let mut chunk =
                                Chunk::with_settings(pdf_writer::Settings { pretty: false });
                            let mut img = chunk.image_xobject(r, &photo.jpeg);
                            img.filter(Filter::DctDecode);
                            img.width(photo.width as i32);
                            img.height(photo.height as i32);
                            img.color_space().device_rgb();
                            img.bits_per_component(8);
                            img.finish();
                            self.emit(r, chunk)?;
                            self.images.insert(key.clone(), r);
                            r
                        }
                    };
                    let name = format!("I{}", r.get());
                    res.xobjects.insert(name.clone(), r);
                    c.save_state();
                    c.transform([f(*w), 0.0, 0.0, f(*h), f(pos.x), f(pos.y)]);
                    c.x_object(Name(name.as_bytes()));
                    c.restore_state();
                }
                Item::Modules { n, module, dark, colour } => {
                    // In module units, row 0 at the top: each run of dark
                    // modules in a row is one rectangle with integer corners.
                    c.save_state();
                    c.transform([f(*module), 0.0, 0.0, f(*module), f(pos.x), f(pos.y)]);
                    set_fill(c, *colour);
                    for row in 0..*n {
                        let y = (n - 1 - row) as f32;
                        let mut col = 0;
                        while col < *n {
                            if dark[row * n + col] {
                                let start = col;
                                while col < *n && dark[row * n + col] {
                                    col += 1;
                                }
                                c.rect(start as f32, y, (col - start) as f32, 1.0);
                            } else {
                                col += 1;
                            }
                        }
                    }
                    c.fill_nonzero();
                    c.restore_state();
                }
                Item::Gradient { w, h, stops } => {
                    let r = self.gradient(*w, stops)?;
                    let name = format!("S{}", r.get());
                    res.shadings.insert(name.clone(), r);
                    c.save_state();
                    c.rect(f(pos.x), f(pos.y), f(*w), f(*h));
                    c.clip_nonzero();
                    c.end_path();
                    c.transform([1.0, 0.0, 0.0, 1.0, f(pos.x), f(pos.y)]);
                    c.shading(Name(name.as_bytes()));
                    c.restore_state();
                }
            }
        }
        Ok(())
    }

    /// A shared drawing as a Form XObject (with the /BBox ISO 32000 8.10.2
    /// requires), written on first use.
    fn art(&mut self, id: ArtId, frame: &Frame, arts: &ArtBook) -> io::Result<Ref> {
        if let Some(r) = self.arts.get(&id) {
            return Ok(*r);
        }
        let mut c = Content::new();
        let mut res = Res::default();
        self.draw(&mut c, &mut res, Point::default(), &frame.items, arts)?;
        let data = deflate(&c.finish());
        let r = self.alloc();
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut form = chunk.form_xobject(r, &data);
        form.filter(Filter::FlateDecode);
        let (w, h) = (f(frame.size.w), f(frame.size.h));
        form.bbox(Rect::new(-w - 36.0, -h - 36.0, 2.0 * w + 36.0, 2.0 * h + 36.0));
        self.resources(form.resources(), &res);
        form.finish();
        self.emit(r, chunk)?;
        self.arts.insert(id, r);
        Ok(r)
    }

    fn gradient(&mut self, w: f64, stops: &[Colour]) -> io::Result<Ref> {
        self.shading_count += 1;
        let r = self.alloc();
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut d = chunk.indirect(r).dict();
        d.pair(Name(b"ShadingType"), 2);
        let cmyk = matches!(stops.first(), Some(Colour::Cmyk(..)));
        d.pair(Name(b"ColorSpace"), Name(if cmyk { b"DeviceCMYK" } else { b"DeviceRGB" }));
        d.insert(Name(b"Coords")).array().items([0.0, 0.0, f(w), 0.0]);
        d.insert(Name(b"Extend")).array().items([true, true]);
        let comps = |c: &Colour| -> Vec<f32> {
            match *c {
                Colour::Rgb(r, g, b) => vec![r, g, b],
                Colour::Cmyk(c, m, y, k) => vec![c, m, y, k],
            }
        };
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

    /// The registration colour: a Separation named All, which prints on every plate.
    fn registration_space(&mut self) -> io::Result<()> {
        let r = self.alloc();
        self.registration = Some(r);
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
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
        self.emit(r, chunk)
    }

    fn font_ref(&mut self, font: FontId) -> Ref {
        if let Some(r) = self.fonts[font.0 as usize].type0 {
            return r;
        }
        let r = self.alloc();
        self.fonts[font.0 as usize].type0 = Some(r);
        r
    }

    /// Writes fonts, page tree, catalog, cross-reference table and trailer.
    /// Returns the writer and the number of bytes written.
    pub fn finish(mut self) -> io::Result<(W, usize, usize)> {
        if self.registration.is_none() && self.pages.is_empty() {
            // Nothing special; an empty document still gets a valid structure.
        }
        for i in 0..self.fonts.len() {
            self.write_font(i)?;
        }
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        chunk.pages(self.page_tree).kids(self.pages.iter().copied()).count(self.pages.len() as i32);
        let tree = self.page_tree;
        self.emit(tree, chunk)?;

        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut ocg = chunk.indirect(self.ocg).dict();
        ocg.pair(Name(b"Type"), Name(b"OCG"));
        ocg.pair(Name(b"Name"), pdf_writer::TextStr("Security"));
        ocg.finish();
        let ocg_id = self.ocg;
        self.emit(ocg_id, chunk)?;

        let info_id = self.alloc();
        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let date = pdf_date(self.info.epoch);
        let mut info = chunk.indirect(info_id).dict();
        info.pair(Name(b"Title"), pdf_writer::TextStr(&self.info.title));
        info.pair(
            Name(b"Producer"),
            pdf_writer::TextStr(concat!("laminate ", env!("CARGO_PKG_VERSION"))),
        );
        info.pair(Name(b"CreationDate"), Str(date.as_bytes()));
        info.pair(Name(b"ModDate"), Str(date.as_bytes()));
        info.finish();
        self.emit(info_id, chunk)?;

        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut cat = chunk.indirect(self.catalog).dict();
        cat.pair(Name(b"Type"), Name(b"Catalog"));
        cat.pair(Name(b"Pages"), self.page_tree);
        // The Security layer: on by default, listed so viewers offer a switch
        // (ISO 32000 8.11.4).
        let mut oc = cat.insert(Name(b"OCProperties")).dict();
        oc.insert(Name(b"OCGs")).array().item(self.ocg);
        let mut d = oc.insert(Name(b"D")).dict();
        d.pair(Name(b"Name"), pdf_writer::TextStr("Default"));
        d.insert(Name(b"ON")).array().item(self.ocg);
        d.insert(Name(b"Order")).array().item(self.ocg);
        d.finish();
        oc.finish();
        cat.finish();
        let cat_id = self.catalog;
        self.emit(cat_id, chunk)?;

        // Cross-reference table: one 20-byte line per object number.
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

    /// Embeds a font as a subset CIDFontType2 with Identity-H encoding, /W
    /// widths and a ToUnicode map so text can be searched and copied.
    fn write_font(&mut self, index: usize) -> io::Result<()> {
        let (Some(remapper), Some(type0)) =
            (self.fonts[index].remapper.take(), self.fonts[index].type0)
        else {
            return Ok(());
        };
        let font = self.book.get(FontId(index as u8));
        let subset = subsetter::subset(font.data, 0, &remapper)
            .map_err(|e| io::Error::other(format!("subsetting {}: {e}", font.postscript_name)))?;
        // The subset tag is a hash of the glyphs used, so equal input gives an equal tag.
        let old: Vec<u16> = remapper.remapped_gids().collect();
        let mut h = Sha256::new();
        h.update(font.postscript_name.as_bytes());
        for g in &old {
            h.update(g.to_be_bytes());
        }
        let digest = h.finalize();
        let tag: String = digest[..6].iter().map(|b| (b'A' + b % 26) as char).collect();
        let base = format!("{tag}+{}", font.postscript_name);
        let (cid, desc, file, cmap) = (self.alloc(), self.alloc(), self.alloc(), self.alloc());
        let scale = 1000.0 / font.units_per_em;

        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        chunk
            .type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        self.emit(type0, chunk)?;

        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let mut c = chunk.cid_font(cid);
        c.subtype(CidFontType::Type2)
            .base_font(Name(base.as_bytes()))
            .system_info(SystemInfo {
                registry: Str(b"Adobe"),
                ordering: Str(b"Identity"),
                supplement: 0,
            })
            .font_descriptor(desc)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        let widths: Vec<f32> = old.iter().map(|g| f(font.advance_units(*g) * scale)).collect();
        c.widths().consecutive(0, widths);
        c.finish();
        self.emit(cid, chunk)?;

        let mut chunk = Chunk::with_settings(pdf_writer::Settings { pretty: false });
        let b = font.bbox;
        chunk
            .font_descriptor(desc)
            .name(Name(base.as_bytes()))
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(f(b[0] * scale), f(b[1] * scale), f(b[2] * scale), f(b[3] * scale)))
            .italic_angle(f(font.italic_angle))
            .ascent(f(font.ascender * 1000.0))
            .descent(f(font.descender * 1000.0))
            .cap_height(f(font.cap_height * 1000.0))
            .stem_v(if index == 1 { 140.0 } else { 80.0 })
            .font_file2(file);
        self.emit(desc, chunk)?;

        self.stream(file, &subset, |_| {})?;

        let mut map = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 },
        );
        for (g, ch) in &self.fonts[index].chars {
            map.pair(*g, *ch);
        }
        let data = map.finish();
        self.stream(cmap, &data, |_| {})
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
    fn dates() {
        assert_eq!(pdf_date(0), "D:19700101000000Z");
        assert_eq!(pdf_date(1_783_641_600), "D:20260710000000Z");
    }
}
