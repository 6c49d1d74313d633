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

use pdf_writer::{Chunk, Filter, Finish, Name, Rect, Ref, Str};

use crate::fonts::FontBook;
use crate::frame::ArtId;
use crate::impose::{self, Sheet};
use crate::layout::ArtBook;
use crate::photos::prepared::{Photo, PhotoColour};

use laminate_passes_pdf::out::{chunk, deflate, pdf_date, Out};
use laminate_passes_pdf::page::EmbeddedPage;
use laminate_passes_pdf::read::Value;

use crate::emit::content::Content;
use crate::emit::draw::{content, Inks};

/// Document-level facts.
#[derive(Clone, Debug, PartialEq)]
pub struct DocInfo {
    /// Title shown by viewers.
    pub title: String,
    /// Creation time as seconds since 1970 (from `SOURCE_DATE_EPOCH`, else 0).
    pub epoch: i64,
    /// More entries of the document information dictionary, key (without
    /// the slash) and text: a shard's place in its run (see [`shard_keys`]).
    pub keys: Vec<(String, String)>,
}

/// The Info keys of one shard of a run (ISO 32000 14.3.3 allows keys of
/// one's own): `LaminateShard` K/N, `LaminateRun` the whole run's id and
/// `LaminateSheets` the first and last front sheet it holds, numbered as in
/// the whole run (`first-last`, or empty when it holds none).
/// `laminate merge` reads them back.
pub fn shard_keys(
    k: usize,
    n: usize,
    run: &str,
    sheets: Option<(usize, usize)>,
) -> Vec<(String, String)> {
    let sheets = sheets.map_or(String::new(), |(a, b)| format!("{a}-{b}"));
    vec![
        ("LaminateShard".into(), format!("{k}/{n}")),
        ("LaminateRun".into(), run.to_string()),
        ("LaminateSheets".into(), sheets),
    ]
}

/// Streams a PDF: create it, write pages in order, finish.
pub struct PdfWriter<W: Write> {
    pub(super) out: Out<W>,
    pub(super) next_id: i32,
    pub(super) catalog: Ref,
    pub(super) page_tree: Ref,
    pub(super) ocg: Ref,
    pub(super) registration: Option<Ref>,
    pub(super) pages: Vec<Ref>,
    /// Per font: every glyph used, with its character, and the font's object.
    /// (The faces only a template names, Open Sans, get their object on
    /// first use, so that files without them keep their numbers.)
    pub(super) fonts: Vec<(BTreeMap<u16, String>, Option<Ref>)>,
    /// Glyph outlines as Form XObjects (see `glyphs`), by font and glyph.
    pub(super) outlines: HashMap<(usize, u16), Ref>,
    /// The reading font (see `glyphs`): its two dictionaries, once used,
    /// and every character it shows, written at the end.
    pub(super) reading: Option<[Ref; 2]>,
    pub(super) read_as: std::collections::BTreeSet<u16>,
    pub(super) book: &'static FontBook,
    pub(super) arts: HashMap<ArtId, Ref>,
    pub(super) images: HashMap<String, Ref>,
    /// Pages of other PDFs written as Form XObjects, by key.
    pub(super) embedded: HashMap<String, Ref>,
    pub(super) info: DocInfo,
    pub(super) inks: Inks,
    pub(super) spot: Option<Ref>,
    /// The graphics state that overprints, once the security spot uses it.
    pub(super) overprint: Option<Ref>,
    /// The CutContour layer, colour space and overprint state, once used.
    pub(super) cut: Option<CutRefs>,
    /// The sRGB profile RGB photos are tagged with (PDF/X, photos kept RGB).
    pub(super) srgb: Option<Ref>,
    /// The printing condition's profile, once written (see `intent`).
    pub(super) condition_profile: Option<Ref>,
    /// The ICCBased CMYK space of colours converted from sRGB, once written.
    pub(super) profiled_space: Option<Ref>,
}

/// The objects of the CutContour die line, written on first use.
#[derive(Clone, Copy)]
pub(super) struct CutRefs {
    pub(super) ocg: Ref,
    pub(super) space: Ref,
    pub(super) state: Ref,
}

pub(super) fn f(v: f64) -> f32 {
    v as f32
}

impl<W: Write> PdfWriter<W> {
    /// Starts a PDF on `inner`.
    pub fn new(inner: W, book: &'static FontBook, info: DocInfo, inks: Inks) -> io::Result<Self> {
        let mut w = PdfWriter {
            out: Out::new(inner),
            next_id: 1,
            catalog: Ref::new(1),
            page_tree: Ref::new(2),
            ocg: Ref::new(3),
            registration: None,
            pages: Vec::new(),
            fonts: Vec::new(),
            outlines: HashMap::new(),
            reading: None,
            read_as: std::collections::BTreeSet::new(),
            book,
            arts: HashMap::new(),
            images: HashMap::new(),
            embedded: HashMap::new(),
            info,
            inks,
            spot: None,
            overprint: None,
            cut: None,
            srgb: None,
            condition_profile: None,
            profiled_space: None,
        };
        w.next_id = 4;
        w.fonts = book
            .iter()
            .map(|(_, f)| (BTreeMap::new(), (!f.named_only).then(|| w.alloc())))
            .collect();
        // PDF 1.7 header; the second line marks the file as binary (ISO 32000 7.5.2).
        // PDF/X-4 is based on PDF 1.6 (ISO 15930-7 6.1).
        let version: &[u8] = if w.inks.pdfx.is_some() { b"%PDF-1.6" } else { b"%PDF-1.7" };
        w.out.put(version)?;
        w.out.put(b"\n%\xe2\xe3\xcf\xd3\n")?;
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

    pub(super) fn alloc(&mut self) -> Ref {
        let r = Ref::new(self.next_id);
        self.next_id += 1;
        r
    }

    pub(super) fn emit(&mut self, id: Ref, chunk: Chunk) -> io::Result<()> {
        self.out.mark(id.get() as u32);
        self.out.put(chunk.as_bytes())
    }

    pub(super) fn stream(&mut self, id: Ref, data: &[u8]) -> io::Result<()> {
        let packed = deflate(data);
        self.packed_stream(id, &packed)
    }

    pub(super) fn packed_stream(&mut self, id: Ref, packed: &[u8]) -> io::Result<()> {
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
                if self.fonts[font].1.is_none() {
                    self.fonts[font].1 = Some(self.alloc());
                }
                let entry = &mut self.fonts[font];
                for (g, text) in used {
                    let known = entry.0.entry(*g).or_default();
                    if known.is_empty() {
                        known.push_str(text);
                    }
                }
                out.push(("Font", format!("F{font}"), entry.1.expect("given above")));
            }
        }
        if !content.read_as.is_empty() {
            let r = match self.reading {
                Some(r) => r,
                None => {
                    let r = [self.alloc(), self.alloc()];
                    self.reading = Some(r);
                    r
                }
            };
            self.read_as.extend(content.read_as.iter().copied());
            out.push(("Font", "T0".into(), r[0]));
            out.push(("Font", "T1".into(), r[1]));
        }
        for &(font, glyph) in &content.outlines {
            let r = self.outline(font, glyph)?;
            out.push(("XObject", format!("G{font}_{glyph}"), r));
        }
        for id in &content.arts {
            let r = self.art(*id, arts)?;
            out.push(("XObject", format!("A{}", id.0), r));
        }
        for (n, (key, page)) in content.pages.iter().enumerate() {
            let r = self.embedded_page(key, page)?;
            out.push(("XObject", format!("B{n}"), r));
        }
        for (n, (key, photo)) in content.images.iter().enumerate() {
            let r = self.image(key, photo)?;
            out.push(("XObject", format!("I{n}"), r));
        }
        for (n, (w, stops, intent)) in content.gradients.iter().enumerate() {
            let r = self.gradient(*w, stops, *intent)?;
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
        if content.overprint {
            let r = match self.overprint {
                Some(r) => r,
                None => self.overprint_state()?,
            };
            out.push(("ExtGState", "GOP".into(), r));
        }
        if content.profiled {
            let r = self.profiled_space()?;
            out.push(("ColorSpace", crate::emit::draw::PROFILED.into(), r));
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
        let srgb = match (&self.inks.pdfx, photo.colour) {
            (Some(x), PhotoColour::Rgb)
                if x.photos == laminate_passes_pdf::pdfx::PhotoMode::Srgb =>
            {
                Some(self.srgb_profile()?)
            }
            _ => None,
        };
        let smask = match &photo.smask {
            Some(alpha) => Some(self.soft_mask(photo.width, photo.height, alpha)?),
            None => None,
        };
        let r = self.alloc();
        let mut chunk = chunk();
        let mut img = chunk.image_xobject(r, &photo.jpeg);
        img.filter(Filter::DctDecode);
        img.width(photo.width as i32);
        img.height(photo.height as i32);
        if let Some(smask) = smask {
            img.s_mask(smask);
        }
        match photo.colour {
            PhotoColour::Gray => img.color_space().device_gray(),
            PhotoColour::Rgb if self.inks.pdfx.is_some() => {
                // PDF/X-4 allows RGB only with a profile (ISO 15930-7 6.2.4.3):
                // tagged as sRGB when the run keeps photos RGB. The check of
                // each pass (`pdfx::check`) stops any other run earlier.
                let Some(srgb) = srgb else {
                    return Err(io::Error::other(format!(
                        "PDF/X: the image {key} is RGB and photos are not kept as sRGB"
                    )));
                };
                img.color_space().icc_based(srgb)
            }
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

    /// An image's transparency as a soft-mask image (ISO 32000 11.6.5.3):
    /// DeviceGray, 8 bits, compressed losslessly.
    fn soft_mask(&mut self, width: u32, height: u32, alpha: &[u8]) -> io::Result<Ref> {
        let r = self.alloc();
        let packed = deflate(alpha);
        let mut chunk = chunk();
        let mut mask = chunk.image_xobject(r, &packed);
        mask.filter(Filter::FlateDecode);
        mask.width(width as i32);
        mask.height(height as i32);
        mask.color_space().device_gray();
        mask.bits_per_component(8);
        mask.finish();
        self.emit(r, chunk)?;
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
        let content =
            content(&frame.items, self.book, &self.inks, arts.is_security(id), frame.intent);
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

    /// A page of another PDF as a Form XObject (ISO 32000 8.10), with every
    /// object it reaches numbered in this file, written on first use. Its
    /// content is compressed here; its objects keep their own filters.
    fn embedded_page(&mut self, key: &str, page: &EmbeddedPage) -> io::Result<Ref> {
        if let Some(r) = self.embedded.get(key) {
            return Ok(*r);
        }
        let ids: Vec<u32> = page.objects.iter().map(|_| self.alloc().get() as u32).collect();
        let map = |n: u32| ids.get(n as usize).copied().unwrap_or(0);
        for ((value, data), &id) in page.objects.iter().zip(&ids) {
            let mut buf = format!("{id} 0 obj\n").into_bytes();
            match (value, data) {
                (Value::Dict(entries), Some(bytes)) => {
                    let mut entries = entries.clone();
                    entries.push((
                        b"Length".to_vec(),
                        Value::Num(bytes.len().to_string().into_bytes()),
                    ));
                    Value::Dict(entries).write(&mut buf, &map);
                    buf.extend_from_slice(b"\nstream\n");
                    buf.extend_from_slice(bytes);
                    buf.extend_from_slice(b"\nendstream");
                }
                _ => value.write(&mut buf, &map),
            }
            buf.extend_from_slice(b"\nendobj\n");
            self.out.mark(id);
            self.out.put(&buf)?;
        }
        let r = self.alloc();
        let packed = deflate(&page.content);
        let nums = |v: &[f64]| v.iter().map(|x| number(*x)).collect::<Vec<_>>().join(" ");
        let mut buf = format!(
            "{} 0 obj\n<< /Type /XObject /Subtype /Form /BBox [{}] /Matrix [{}] /Resources ",
            r.get(),
            nums(&page.bbox),
            nums(&page.matrix)
        )
        .into_bytes();
        page.resources.write(&mut buf, &map);
        buf.extend_from_slice(
            format!(" /Filter /FlateDecode /Length {} >>\nstream\n", packed.len()).as_bytes(),
        );
        buf.extend_from_slice(&packed);
        buf.extend_from_slice(b"\nendstream\nendobj\n");
        self.out.mark(r.get() as u32);
        self.out.put(&buf)?;
        self.embedded.insert(key.to_string(), r);
        Ok(r)
    }

    /// Writes fonts, page tree, catalog, cross-reference table and trailer.
    /// Returns the writer, the number of bytes and the number of pages written.
    pub fn finish(mut self) -> io::Result<(W, usize, usize)> {
        // The reading font borrows the first font's program: it must be written.
        if self.reading.is_some() {
            self.fonts[0].0.entry(0).or_default();
        }
        let mut first = None;
        for i in 0..self.fonts.len() {
            let written = self.write_font(i)?;
            if i == 0 {
                first = written;
            }
        }
        if let (Some(dicts), Some((base, descriptor))) = (self.reading, first) {
            self.write_reading_font(dicts, &base, descriptor)?;
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
        for (key, value) in &self.info.keys {
            info.pair(Name(key.as_bytes()), pdf_writer::TextStr(value));
        }
        if self.inks.pdfx.is_some() {
            // ISO 15930-7 6.7.2: trapping stated, True or False.
            info.pair(Name(b"Trapped"), Name(b"False"));
            info.pair(Name(b"GTS_PDFXVersion"), pdf_writer::TextStr("PDF/X-4"));
        }
        info.finish();
        self.emit(info_id, c)?;
        let pdfx = match self.inks.pdfx.clone() {
            Some(x) => Some(self.pdfx_objects(&x)?),
            None => None,
        };

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
        if let Some(x) = pdfx {
            x.write(&mut cat);
        }
        cat.finish();
        let cat_id = self.catalog;
        self.emit(cat_id, c)?;

        let pages = self.pages.len();
        let (inner, pos) = self.out.finish(
            self.next_id as u32,
            self.catalog.get() as u32,
            info_id.get() as u32,
        )?;
        Ok((inner, pos, pages))
    }
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

/// A number as written in a PDF: whole numbers bare, others with at most
/// 4 decimals, the same text on every machine.
pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e9 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use crate::emit::draw::module_rects;

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
            let code = laminate_passes_qr::encode("L1:NLF".repeat(len / 6).as_bytes()).unwrap();
            assert_eq!(cover(code.size, &code.dark), code.dark);
        }
    }
}
