//! PDF: turns sheets into PDF bytes, streamed to a writer as each sheet is
//! done. The only module that touches the PDF crate.
//!
//! Each indirect object is built in its own `pdf_writer::Chunk` and written
//! out at once, so memory does not grow with the number of pages; the
//! cross-reference table (ISO 32000 7.5.4) is written by hand at the end.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};
use sha2::{Digest, Sha256};
use subsetter::GlyphRemapper;

use crate::colour::Colour;
use crate::fonts::{FontBook, FontId};
use crate::frame::{ArtId, Item, Layer, Paint, Point, Seg};
use crate::impose::{self, Sheet};
use crate::layout::ArtBook;
use crate::photo::{Photo, PhotoColour};

mod ops;
use ops::{Ops, Positioned};

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

/// The content stream of a page or shared drawing, compressed, and what it
/// needs from the rest of the file. Made by [`content`] without touching the
/// file, so pages can be made on many threads and written in order.
pub struct Content {
    data: Vec<u8>,
    /// Per font: glyph id -> the character it shows.
    glyphs: Vec<BTreeMap<u16, String>>,
    arts: BTreeSet<ArtId>,
    /// Images in order of first use; the n-th is named In.
    images: Vec<(String, Arc<Photo>)>,
    /// Gradients in order of use; the n-th is named Sn (width, stops).
    gradients: Vec<(f64, Vec<Colour>)>,
    registration: bool,
    security: bool,
    spot: bool,
}

/// Builds the compressed content stream of items drawn at the origin.
///
/// Text is written with original glyph ids as CIDs (the fonts map CIDs to
/// subset glyphs with a CIDToGIDMap), so content does not depend on which
/// glyphs other pages used.
pub fn content(
    items: &[(Point, Item)],
    book: &'static FontBook,
    inks: &Inks,
    security: bool,
) -> Content {
    let mut b = Builder::new(book, inks);
    b.security_depth = usize::from(security);
    b.draw(Point::default(), items);
    b.finish(&[])
}

/// The content of a sheet: its cards and crop marks.
pub fn sheet_content(sheet: &Sheet, book: &'static FontBook, inks: &Inks) -> Content {
    let mut b = Builder::new(book, inks);
    if let Some(m) = sheet.transform {
        // A printer profile: one `cm` first (ISO 32000 8.4.4) moves all that
        // follows on this page, marks included; the page boxes stay nominal.
        b.c.transform(m);
    }
    for (at, frame) in &sheet.cards {
        b.draw(*at, &frame.items);
    }
    if let Some((at, text, size)) = &sheet.slug {
        // The slug: small black text outside the trim, for the press operator.
        let mut x = at.x;
        let size = *size;
        for run in book.runs(crate::fonts::REGULAR, text) {
            let w = run.width_em * size;
            let item = Item::Text {
                font: run.font,
                size,
                colour: Colour::BLACK,
                glyphs: run.glyphs,
                text: run.text,
            };
            b.draw(Point::new(x, at.y), &[(Point::default(), item)]);
            x += w;
        }
    }
    b.finish(&sheet.marks)
}

struct Builder {
    c: Ops,
    out: Content,
    book: &'static FontBook,
    inks: Inks,
    /// How many Security groups the items being drawn are inside.
    security_depth: usize,
}

/// How the security layer is inked.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Inks {
    /// Print the security layer in this spot ink (a Separation colour
    /// space) instead of CMYK, so the shop can make a plate of it.
    pub security_spot: Option<Spot>,
}

/// A named spot ink with the CMYK colour viewers show for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spot {
    /// The ink's name, e.g. Foil or UV.
    pub name: String,
    /// What viewers and proofs show instead (ISO 32000 8.6.6.4).
    pub fallback: Colour,
}

/// Records what each glyph shows for the ToUnicode map: the characters of
/// its cluster, given to the first glyph of the cluster (a ligature or a
/// conjunct maps to several characters; the other glyphs of a cluster to
/// none). The glyphs of a cluster are next to each other, as shaping leaves
/// them.
fn map_to_unicode(used: &mut BTreeMap<u16, String>, glyphs: &[crate::fonts::Glyph], text: &str) {
    // Where each cluster starts, sorted; made only if a glyph is new.
    let mut starts: Option<Vec<u32>> = None;
    let mut previous = None;
    // Glyphs already known to carry their text, by id modulo 64: a line of
    // microtext repeats the same few dozen glyphs hundreds of times.
    let mut known = [u32::MAX; 64];
    for g in glyphs {
        let first = previous != Some(g.cluster);
        previous = Some(g.cluster);
        let slot = usize::from(g.id) % known.len();
        if known[slot] == u32::from(g.id) {
            continue;
        }
        // Every glyph must be in the subset, whether or not it carries text.
        let entry = used.entry(g.id).or_default();
        if !entry.is_empty() {
            known[slot] = u32::from(g.id);
            continue;
        }
        if !first {
            continue;
        }
        let starts = starts.get_or_insert_with(|| {
            let mut s: Vec<u32> = glyphs.iter().map(|g| g.cluster).collect();
            s.sort_unstable();
            s.dedup();
            s
        });
        let start = g.cluster as usize;
        let next = starts.partition_point(|&s| s <= g.cluster);
        let end = starts.get(next).map_or(text.len(), |&s| s as usize);
        entry.push_str(text.get(start..end).unwrap_or(""));
    }
}

impl Builder {
    fn new(book: &'static FontBook, inks: &Inks) -> Self {
        Builder {
            book,
            inks: inks.clone(),
            security_depth: 0,
            c: Ops::new(),
            out: Content {
                data: Vec::new(),
                glyphs: vec![BTreeMap::new(); book.len()],
                arts: BTreeSet::new(),
                images: Vec::new(),
                gradients: Vec::new(),
                registration: false,
                security: false,
                spot: false,
            },
        }
    }

    fn finish(mut self, marks: &[Seg]) -> Content {
        if !marks.is_empty() {
            // Crop marks in registration colour: they appear on every plate.
            self.out.registration = true;
            let c = &mut self.c;
            c.save();
            c.stroke_tint("Reg", 1.0);
            c.line_width(impose::MARK_WIDTH);
            path(c, Point::default(), marks);
            c.stroke();
            c.restore();
        }
        let mut out = self.out;
        out.data = deflate(&self.c.finish());
        out
    }

    fn draw(&mut self, at: Point, items: &[(Point, Item)]) {
        for (p, item) in items {
            let spot = self.security_depth > 0 && self.inks.security_spot.is_some();
            let c = &mut self.c;
            let pos = Point::new(at.x + p.x, at.y + p.y);
            match item {
                Item::Group { layer, transform, clip, items } => {
                    c.save();
                    if let Some(Layer::Security) = layer {
                        self.out.security = true;
                        self.security_depth += 1;
                        c.begin_marked_named("OC", "Sec");
                    }
                    if pos != Point::default() {
                        c.translate(pos.x, pos.y);
                    }
                    if let Some(m) = transform {
                        c.transform(*m);
                    }
                    if let Some(clip) = clip {
                        if clip.radius > 0.0 {
                            let segs = crate::security::rounded_rect(clip.w, clip.h, clip.radius);
                            path(c, Point::default(), &segs);
                        } else {
                            c.rect(0.0, 0.0, clip.w, clip.h);
                        }
                        c.clip();
                    }
                    self.draw(Point::default(), items);
                    let c = &mut self.c;
                    if layer.is_some() {
                        self.security_depth -= 1;
                        c.end_marked();
                    }
                    c.restore();
                }
                Item::ActualText { text, items } => {
                    // What the line says in reading order, for search and
                    // copy (ISO 32000 14.9.4): the glyphs of shaped and
                    // right-to-left text cannot say it by themselves.
                    c.begin_actual_text(text);
                    self.draw(pos, items);
                    self.c.end_marked();
                }
                Item::Art(id) => {
                    self.out.arts.insert(*id);
                    let name = format!("A{}", id.0);
                    if pos == Point::default() {
                        c.x_object(&name);
                    } else {
                        c.save();
                        c.translate(pos.x, pos.y);
                        c.x_object(&name);
                        c.restore();
                    }
                }
                Item::Rect { w, h, radius, fill } => {
                    self.out.spot |= set_fill(c, *fill, spot);
                    if *radius > 0.0 {
                        path(c, pos, &crate::security::rounded_rect(*w, *h, *radius));
                    } else {
                        c.rect(pos.x, pos.y, *w, *h);
                    }
                    c.fill();
                }
                Item::Path { segs, paint } => {
                    // Paths are written in tenths of a point, as integers: the
                    // same precision in fewer bytes.
                    c.save();
                    c.transform([0.1, 0.0, 0.0, 0.1, pos.x, pos.y]);
                    path_tenths(c, segs);
                    match paint {
                        Paint::Fill(col) => {
                            self.out.spot |= set_fill(c, *col, spot);
                            c.fill();
                        }
                        Paint::Stroke(col, width) => {
                            self.out.spot |= set_stroke(c, *col, spot);
                            c.line_width(*width * 10.0);
                            c.stroke();
                        }
                    }
                    c.restore();
                }
                Item::Text { font, size, colour, glyphs, text } => {
                    let face = self.book.get(*font);
                    map_to_unicode(&mut self.out.glyphs[font.0 as usize], glyphs, text);
                    self.out.spot |= set_fill(c, *colour, spot);
                    c.begin_text(&format!("F{}", font.0), *size, pos.x, pos.y);
                    // Where shaping moved glyphs off the font's own advances
                    // (kerning, marks, joined forms), TJ adjusts the pen
                    // (ISO 32000 9.4.3); a shift up or down uses text rise.
                    // (Glyphs seen to keep their advance, by id modulo 64,
                    // so a repeated glyph is looked up in the font once.)
                    let mut seen = [(u32::MAX, 0f32); 64];
                    let plain = glyphs.iter().all(|g| {
                        let slot = usize::from(g.id) % seen.len();
                        if g.dx != 0.0 || g.dy != 0.0 {
                            return false;
                        }
                        if seen[slot] == (u32::from(g.id), g.advance) {
                            return true;
                        }
                        seen[slot] = (u32::from(g.id), g.advance);
                        (g.advance as f64 - face.advance(g.id)).abs() < 1e-4
                    });
                    if plain {
                        c.show(glyphs.iter().map(|g| g.id));
                    } else {
                        let mut rest = &glyphs[..];
                        let mut rise = 0.0;
                        let mut parts = Vec::new();
                        while !rest.is_empty() {
                            let dy = rest[0].dy;
                            let n = rest.iter().take_while(|g| g.dy == dy).count();
                            if dy != rise {
                                c.rise(f64::from(dy) * size);
                                rise = dy;
                            }
                            parts.clear();
                            for g in &rest[..n] {
                                if g.dx != 0.0 {
                                    parts.push(Positioned::Adjust(-g.dx * 1000.0));
                                }
                                parts.push(Positioned::Glyph(g.id));
                                let back = (face.advance(g.id) as f32 - g.advance) * 1000.0
                                    + g.dx * 1000.0;
                                if back.abs() > 0.01 {
                                    parts.push(Positioned::Adjust(back));
                                }
                            }
                            c.show_positioned(&parts);
                            rest = &rest[n..];
                        }
                        if rise != 0.0 {
                            c.rise(0.0);
                        }
                    }
                    c.end_text();
                }
                Item::Image { key, photo, w, h } => {
                    let n = match self.out.images.iter().position(|(k, _)| k == key) {
                        Some(n) => n,
                        None => {
                            self.out.images.push((key.clone(), photo.clone()));
                            self.out.images.len() - 1
                        }
                    };
                    c.save();
                    c.transform([*w, 0.0, 0.0, *h, pos.x, pos.y]);
                    c.x_object(&format!("I{n}"));
                    c.restore();
                }
                Item::Modules { n, module, dark, colour } => {
                    // In module units, row 0 at the top: every rectangle of
                    // dark modules has integer corners (see `module_rects`).
                    c.save();
                    c.transform([*module, 0.0, 0.0, *module, pos.x, pos.y]);
                    self.out.spot |= set_fill(c, *colour, spot);
                    for (x, row, w, h) in module_rects(*n, dark) {
                        c.rect(x as f64, (n - row - h) as f64, w as f64, h as f64);
                    }
                    c.fill();
                    c.restore();
                }
                Item::Gradient { w, h, stops } if spot => {
                    // One ink has no rainbow: a half tint of the spot.
                    let mid = stops[stops.len() / 2];
                    self.out.spot |= set_fill(c, mid.lighten(0.5), true);
                    c.rect(pos.x, pos.y, *w, *h);
                    c.fill();
                }
                Item::Gradient { w, h, stops } => {
                    self.out.gradients.push((*w, stops.clone()));
                    let name = format!("S{}", self.out.gradients.len() - 1);
                    c.save();
                    c.rect(pos.x, pos.y, *w, *h);
                    c.clip();
                    c.translate(pos.x, pos.y);
                    c.shading(&name);
                    c.restore();
                }
            }
        }
    }
}

/// The dark modules of an n x n grid as rectangles (column, row, width,
/// height; row 0 at the top), in the order they end: runs of dark modules
/// in a row, and runs that repeat in the rows below merged into one taller
/// rectangle. Fewer rectangles than one per run, so smaller content streams.
pub fn module_rects(n: usize, dark: &[bool]) -> Vec<(usize, usize, usize, usize)> {
    let mut done = Vec::new();
    // Open rectangles, left to right: (column, width, top row); they are the
    // runs of the row above, so no two start at the same column.
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut next = Vec::new();
    for row in 0..n {
        let line = &dark[row * n..(row + 1) * n];
        let mut j = 0;
        let mut col = 0;
        while col < n {
            if !line[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && line[col] {
                col += 1;
            }
            let width = col - start;
            // Close the open rectangles left of this run.
            while j < open.len() && open[j].0 < start {
                let (x, w, top) = open[j];
                done.push((x, top, w, row - top));
                j += 1;
            }
            let top = match open.get(j) {
                Some(&(x, w, top)) if x == start && w == width => {
                    j += 1;
                    top
                }
                _ => row,
            };
            next.push((start, width, top));
        }
        for &(x, w, top) in &open[j..] {
            done.push((x, top, w, row - top));
        }
        std::mem::swap(&mut open, &mut next);
        next.clear();
    }
    done.extend(open.iter().map(|&(x, w, top)| (x, top, w, n - top)));
    done
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
    book: &'static FontBook,
    arts: HashMap<ArtId, Ref>,
    images: HashMap<String, Ref>,
    info: DocInfo,
    inks: Inks,
    spot: Option<Ref>,
}

fn f(v: f64) -> f32 {
    v as f32
}

/// Compresses a stream. Level 3 (measured on 10,000 passes, 1 thread): 1,155
/// bytes a pass for about 60 % of level 5's deflate time (1,055 bytes);
/// level 1 gave 1,721 bytes, level 6 1,142 at twice the time of level 3.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(3),
    );
    z.write_all(data).expect("writing to memory cannot fail");
    z.finish().expect("writing to memory cannot fail")
}

/// Sets the fill colour: DeviceCMYK, what a press prints (RGB template
/// colours are converted), or on the security layer with a spot ink the
/// spot's tint. Returns true when the spot colour space was used.
fn set_fill(c: &mut Ops, colour: Colour, spot: bool) -> bool {
    if spot {
        c.fill_tint("Spot", colour.tint());
    } else {
        c.fill_cmyk(colour.to_cmyk());
    }
    spot
}

/// Sets the stroke colour; see [`set_fill`].
fn set_stroke(c: &mut Ops, colour: Colour, spot: bool) -> bool {
    if spot {
        c.stroke_tint("Spot", colour.tint());
    } else {
        c.stroke_cmyk(colour.to_cmyk());
    }
    spot
}

fn path(c: &mut Ops, at: Point, segs: &[Seg]) {
    for s in segs {
        match *s {
            Seg::Move(x, y) => c.move_to(at.x + x, at.y + y),
            Seg::Line(x, y) => c.line_to(at.x + x, at.y + y),
            Seg::Cubic(x1, y1, x2, y2, x3, y3) => {
                c.cubic_to([at.x + x1, at.y + y1, at.x + x2, at.y + y2, at.x + x3, at.y + y3])
            }
            Seg::Close => c.close_path(),
        };
    }
}

/// A path in a space scaled by 10, coordinates rounded to integers.
fn path_tenths(c: &mut Ops, segs: &[Seg]) {
    let t = |v: f64| (v * 10.0).round();
    for s in segs {
        match *s {
            Seg::Move(x, y) => c.move_to(t(x), t(y)),
            Seg::Line(x, y) => c.line_to(t(x), t(y)),
            Seg::Cubic(x1, y1, x2, y2, x3, y3) => {
                c.cubic_to([t(x1), t(y1), t(x2), t(y2), t(x3), t(y3)])
            }
            Seg::Close => c.close_path(),
        };
    }
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
            book,
            arts: HashMap::new(),
            images: HashMap::new(),
            info,
            inks,
            spot: None,
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
        if content.spot {
            let r = match self.spot {
                Some(r) => r,
                None => self.spot_space()?,
            };
            out.push(("ColorSpace", "Spot".into(), r));
        }
        Ok(())
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
        let (cid, desc, file, cmap, map) =
            (self.alloc(), self.alloc(), self.alloc(), self.alloc(), self.alloc());
        let scale = 1000.0 / font.units_per_em;

        let mut c = chunk();
        c.type0_font(type0)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        self.emit(type0, c)?;

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

        let mut unicode = UnicodeCmap::new(
            Name(b"Custom"),
            SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 },
        );
        for (g, text) in used.iter().filter(|(_, t)| !t.is_empty()) {
            unicode.pair_with_multiple(*g, text.chars());
        }
        let data = unicode.finish();
        self.stream(cmap, &data)
    }
}

fn write_resources(mut r: pdf_writer::writers::Resources, list: &[(&'static str, String, Ref)]) {
    for kind in ["Font", "XObject", "Shading", "ColorSpace", "Properties"] {
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
