//! Drawing: turns the items of frames and sheets into compressed content
//! streams (ISO 32000-1 8, 9), on any thread, without touching the file.

use std::sync::Arc;

use laminate_passes_pdf::out::deflate;

use crate::emit::content::Content;
use crate::fonts::FontBook;
use crate::frame::{ArtId, Clip, Item, Layer, Paint, Point, Seg};
use crate::impose::{self, Sheet};
use crate::photos::prepared::Photo;
use laminate_passes_pdf::cms::{self, Ink, Intent, OutputIntent};
use laminate_passes_pdf::colour::Colour;
use laminate_passes_pdf::ops::Ops;
use laminate_passes_pdf::page::EmbeddedPage;
use laminate_passes_pdf::pdfx::PdfX;

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
    intent: Option<Intent>,
) -> Content {
    let mut b = Builder::new(book, inks);
    b.security_depth = usize::from(security);
    b.intent = intent.unwrap_or_default();
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
        b.intent = frame.intent.unwrap_or_default();
        b.draw(*at, &frame.items);
    }
    b.intent = Intent::default();
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
                rtl: run.rtl,
                mixed: false,
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
    /// Inside the CutContour layer: strokes are in the CutContour spot.
    cut: bool,
    /// The rendering intent of the card being drawn (with `--pdfx`).
    intent: Intent,
}

/// How colours are inked: the security layer's spot, and the printing
/// condition that sRGB colours are converted into (PDF/X's, else the
/// bundled FOGRA39).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Inks {
    /// Print the security layer in this spot ink (a Separation colour
    /// space) instead of CMYK, so the shop can make a plate of it.
    pub security_spot: Option<Spot>,
    /// Write PDF/X-4 for this printing condition (`--pdfx`): colours are
    /// converted through its profile instead of the bundled FOGRA39.
    pub pdfx: Option<Arc<PdfX>>,
}

impl Inks {
    /// The printing condition colours are converted into: the PDF/X run's,
    /// else the bundled FOGRA39.
    pub fn condition(&self) -> &OutputIntent {
        match &self.pdfx {
            Some(x) => &x.intent,
            None => cms::default_condition(),
        }
    }

    /// A colour's CMYK components through the printing condition's profile
    /// (with the default rendering intent); see [`OutputIntent::cmyk`].
    pub fn cmyk(&self, colour: Colour) -> [f32; 4] {
        self.cmyk_as(colour, Intent::default())
    }

    /// Like [`Inks::cmyk`], with a template's rendering intent.
    pub fn cmyk_as(&self, colour: Colour, intent: Intent) -> [f32; 4] {
        self.condition().cmyk(colour, intent)
    }

    /// How a colour is written: see [`Ink`].
    pub fn ink(&self, colour: Colour, intent: Intent) -> Ink {
        self.condition().ink(colour, intent)
    }
}

/// A named spot ink with the CMYK colour viewers show for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Spot {
    /// The ink's name, e.g. Foil or UV.
    pub name: String,
    /// What viewers and proofs show instead (ISO 32000 8.6.6.4).
    pub fallback: Colour,
}

impl Builder {
    fn new(book: &'static FontBook, inks: &Inks) -> Self {
        Builder {
            book,
            inks: inks.clone(),
            security_depth: 0,
            cut: false,
            intent: Intent::default(),
            c: Ops::new(),
            out: Content::empty(book.len()),
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
            let pos = Point::new(at.x + p.x, at.y + p.y);
            match item {
                Item::Group { layer, transform, clip, items } => {
                    self.group(pos, *layer, transform.as_ref(), clip.as_ref(), items)
                }
                Item::Art(id) => self.art(pos, *id),
                Item::Rect { w, h, radius, fill } => self.rect(pos, *w, *h, *radius, *fill, spot),
                Item::Path { segs, paint } => self.path(pos, segs, paint, spot),
                Item::Text { font, size, colour, glyphs, text, rtl, mixed } => {
                    let run = crate::emit::glyphs::Run {
                        font: *font,
                        face: self.book.get(*font),
                        size: *size,
                        glyphs,
                        text,
                        rtl: *rtl,
                        mixed: *mixed,
                    };
                    self.text(pos, *colour, &run, spot);
                }
                Item::Image { key, photo, w, h } => self.image(pos, key, photo, *w, *h),
                Item::Page { key, page } => self.page(pos, key, page),
                Item::Modules { n, module, dark, colour } => {
                    self.modules(pos, *n, *module, dark, *colour, spot)
                }
                Item::Gradient { w, h, stops } => self.gradient(pos, *w, *h, stops, spot),
            }
        }
    }

    /// Draws a group: on its layer, moved, transformed and clipped.
    fn group(
        &mut self,
        pos: Point,
        layer: Option<Layer>,
        transform: Option<&[f64; 6]>,
        clip: Option<&Clip>,
        items: &[(Point, Item)],
    ) {
        let c = &mut self.c;
        c.save();
        match layer {
            Some(Layer::Security) => {
                self.out.security = true;
                self.security_depth += 1;
                c.begin_marked_named("OC", "Sec");
                if self.inks.security_spot.is_some() {
                    // A spot ink (foil, UV, varnish) is printed on
                    // top of the process inks, not instead of
                    // them: it overprints, as the die line does.
                    c.ext_g_state("GOP");
                    self.out.overprint = true;
                }
            }
            Some(Layer::CutContour) => {
                // A die line on its own layer, in its own spot
                // colour, overprinting (ISO 32000 8.6.7: /OP,
                // /OPM 1), so the art under it is not knocked out
                // and the cutter's software finds it by name.
                self.out.cut = true;
                self.cut = true;
                c.begin_marked_named("OC", "Cut");
                c.ext_g_state("GCut");
            }
            None => {}
        }
        if pos != Point::default() {
            c.translate(pos.x, pos.y);
        }
        if let Some(m) = transform {
            c.transform(*m);
        }
        if let Some(clip) = clip {
            if clip.radius > 0.0 {
                let segs = crate::layout::security::rounded_rect(clip.w, clip.h, clip.radius);
                path(c, Point::default(), &segs);
            } else {
                c.rect(0.0, 0.0, clip.w, clip.h);
            }
            c.clip();
        }
        self.draw(Point::default(), items);
        let c = &mut self.c;
        match layer {
            Some(Layer::Security) => self.security_depth -= 1,
            Some(Layer::CutContour) => self.cut = false,
            None => {}
        }
        if layer.is_some() {
            c.end_marked();
        }
        c.restore();
    }

    /// Draws a shared drawing (an XObject of the page).
    fn art(&mut self, pos: Point, id: ArtId) {
        let c = &mut self.c;
        self.out.arts.insert(id);
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

    /// Draws a filled rectangle, its corners rounded if `radius` is above 0.
    fn rect(&mut self, pos: Point, w: f64, h: f64, radius: f64, fill: Colour, spot: bool) {
        let c = &mut self.c;
        set_fill(c, &mut self.out, &self.inks, self.intent, fill, spot);
        if radius > 0.0 {
            path(c, pos, &crate::layout::security::rounded_rect(w, h, radius));
        } else {
            c.rect(pos.x, pos.y, w, h);
        }
        c.fill();
    }

    /// Draws a path, filled or stroked (in the CutContour spot on that layer).
    fn path(&mut self, pos: Point, segs: &[Seg], paint: &Paint, spot: bool) {
        let c = &mut self.c;
        // Paths are written in tenths of a point, as integers: the
        // same precision in fewer bytes.
        c.save();
        c.transform([0.1, 0.0, 0.0, 0.1, pos.x, pos.y]);
        path_tenths(c, segs);
        match paint {
            Paint::Fill(col) => {
                set_fill(c, &mut self.out, &self.inks, self.intent, *col, spot);
                c.fill();
            }
            Paint::FillEvenOdd(col) => {
                set_fill(c, &mut self.out, &self.inks, self.intent, *col, spot);
                c.fill_even_odd();
            }
            Paint::Stroke(_, width) if self.cut => {
                c.stroke_tint("Cut", 1.0);
                c.line_width(*width * 10.0);
                c.stroke();
            }
            Paint::Stroke(col, width) => {
                set_stroke(c, &mut self.out, &self.inks, self.intent, *col, spot);
                c.line_width(*width * 10.0);
                c.stroke();
            }
        }
        c.restore();
    }

    /// Draws a run of glyphs in its colour.
    fn text(&mut self, pos: Point, colour: Colour, run: &crate::emit::glyphs::Run, spot: bool) {
        let c = &mut self.c;
        set_fill(c, &mut self.out, &self.inks, self.intent, colour, spot);
        crate::emit::glyphs::show(c, &mut self.out, run, pos);
    }

    /// Draws a raster image over w x h pt, one image object per key.
    fn image(&mut self, pos: Point, key: &str, photo: &Arc<Photo>, w: f64, h: f64) {
        let c = &mut self.c;
        let n = match self.out.images.iter().position(|(k, _)| k == key) {
            Some(n) => n,
            None => {
                self.out.images.push((key.to_string(), photo.clone()));
                self.out.images.len() - 1
            }
        };
        c.save();
        c.transform([w, 0.0, 0.0, h, pos.x, pos.y]);
        c.x_object(&format!("I{n}"));
        c.restore();
    }

    /// Draws a page of a PDF (a template's background) as a form XObject,
    /// registered once per key, its lower left corner at `pos`.
    fn page(&mut self, pos: Point, key: &str, page: &Arc<EmbeddedPage>) {
        let c = &mut self.c;
        let n = match self.out.pages.iter().position(|(k, _)| k == key) {
            Some(n) => n,
            None => {
                self.out.pages.push((key.to_string(), page.clone()));
                self.out.pages.len() - 1
            }
        };
        c.save();
        c.transform([1.0, 0.0, 0.0, 1.0, pos.x, pos.y]);
        c.x_object(&format!("B{n}"));
        c.restore();
    }

    /// Draws the dark modules of a QR code as few rectangles.
    fn modules(
        &mut self,
        pos: Point,
        n: usize,
        module: f64,
        dark: &[bool],
        colour: Colour,
        spot: bool,
    ) {
        let c = &mut self.c;
        // In module units, row 0 at the top: every rectangle of
        // dark modules has integer corners (see `module_rects`).
        c.save();
        c.transform([module, 0.0, 0.0, module, pos.x, pos.y]);
        set_fill(c, &mut self.out, &self.inks, self.intent, colour, spot);
        for (x, row, w, h) in module_rects(n, dark) {
            c.rect(x as f64, (n - row - h) as f64, w as f64, h as f64);
        }
        c.fill();
        c.restore();
    }

    /// Draws a gradient over a rectangle, or with a spot ink its half tint.
    fn gradient(&mut self, pos: Point, w: f64, h: f64, stops: &[Colour], spot: bool) {
        let c = &mut self.c;
        if spot {
            // One ink has no rainbow: a half tint of the spot.
            let mid = stops[stops.len() / 2];
            set_fill(c, &mut self.out, &self.inks, self.intent, mid.lighten(0.5), true);
            c.rect(pos.x, pos.y, w, h);
            c.fill();
            return;
        }
        self.out.gradients.push((w, stops.to_vec(), self.intent));
        let name = format!("S{}", self.out.gradients.len() - 1);
        c.save();
        c.rect(pos.x, pos.y, w, h);
        c.clip();
        c.translate(pos.x, pos.y);
        c.shading(&name);
        c.restore();
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

/// Sets the fill colour: CMYK, what a press prints (`#rrggbb` colours
/// converted through the printing condition's profile and written in its
/// ICCBased space `P`; `cmyk(...)` and pure black as DeviceCMYK), or on the
/// security layer with a spot ink the spot's tint. Notes in `out` which
/// colour spaces the content uses.
fn set_fill(
    c: &mut Ops,
    out: &mut Content,
    inks: &Inks,
    intent: Intent,
    colour: Colour,
    spot: bool,
) {
    if spot {
        c.fill_tint("Spot", colour.tint());
        out.spot = true;
        return;
    }
    match inks.ink(colour, intent) {
        Ink::Device(cmyk) => c.fill_cmyk(cmyk),
        Ink::Profiled(cmyk) => {
            c.fill_in(PROFILED, cmyk);
            out.profiled = true;
        }
    }
}

/// Sets the stroke colour; see [`set_fill`].
fn set_stroke(
    c: &mut Ops,
    out: &mut Content,
    inks: &Inks,
    intent: Intent,
    colour: Colour,
    spot: bool,
) {
    if spot {
        c.stroke_tint("Spot", colour.tint());
        out.spot = true;
        return;
    }
    match inks.ink(colour, intent) {
        Ink::Device(cmyk) => c.stroke_cmyk(cmyk),
        Ink::Profiled(cmyk) => {
            c.stroke_in(PROFILED, cmyk);
            out.profiled = true;
        }
    }
}

/// The resource name of the ICCBased CMYK colour space of profiled colours.
pub(crate) const PROFILED: &str = "P";

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
