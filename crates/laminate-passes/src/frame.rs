//! Frames: a backend-neutral list of positioned items, in pt, with y upwards
//! and the origin at the bottom-left corner of a card's trim.

use crate::fonts::{FontId, Glyph};
use crate::photos::prepared::Photo;
use crate::units::Size;
use laminate_passes_pdf::colour::Colour;
use std::sync::Arc;

/// A point in pt.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Point {
    /// x in pt.
    pub x: f64,
    /// y in pt, upwards.
    pub y: f64,
}

impl Point {
    /// A point from x and y in pt.
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

/// A drawing: a size (the card's trim, in pt) and items placed in it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Frame {
    /// Trim size in pt.
    pub size: Size,
    /// Items in painting order, each at its position.
    pub items: Vec<(Point, Item)>,
    /// How the drawing's sRGB colours go into a printing condition's CMYK
    /// (its template's `rendering_intent`; `None`: the default, relative
    /// colorimetric). Used only by `render --pdfx`.
    pub intent: Option<laminate_passes_pdf::cms::Intent>,
}

/// Identifies a shared drawing (same on many passes), written once and reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArtId(pub u32);

/// A clipping box from (0, 0) of a group's space, optionally with rounded corners.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clip {
    /// Width in pt.
    pub w: f64,
    /// Height in pt.
    pub h: f64,
    /// Corner radius in pt (0 for square corners).
    pub radius: f64,
}

impl Clip {
    /// A square-cornered clip of w x h pt.
    pub fn rect(w: f64, h: f64) -> Self {
        Clip { w, h, radius: 0.0 }
    }
}

/// An optional-content layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The simulated security marks (foil / UV plate).
    Security,
    /// The die line a cutting plotter follows (`--cut-contour`): stroked in
    /// the CutContour spot colour, overprinting.
    CutContour,
}

/// One path segment, coordinates in pt relative to the item's position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Seg {
    /// Start a subpath.
    Move(f64, f64),
    /// Straight line.
    Line(f64, f64),
    /// Cubic Bézier: two control points and the end.
    Cubic(f64, f64, f64, f64, f64, f64),
    /// Close the subpath.
    Close,
}

/// How a path is painted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Paint {
    /// Filled (non-zero winding).
    Fill(Colour),
    /// Filled by the even-odd rule (SVG's `fill-rule: evenodd`).
    FillEvenOdd(Colour),
    /// Stroked with a line width in pt.
    Stroke(Colour, f64),
}

/// A positioned item of a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Items drawn together: optionally on a layer, transformed (a b c d e f,
    /// as in PDF) and clipped.
    Group {
        /// Layer, if any.
        layer: Option<Layer>,
        /// Extra transform applied after moving to the position.
        transform: Option<[f64; 6]>,
        /// Clip rectangle.
        clip: Option<Clip>,
        /// The items.
        items: Vec<(Point, Item)>,
    },
    /// A shared drawing.
    Art(ArtId),
    /// A filled rectangle, optionally with rounded corners.
    Rect {
        /// Width in pt.
        w: f64,
        /// Height in pt.
        h: f64,
        /// Corner radius in pt.
        radius: f64,
        /// Fill colour.
        fill: Colour,
    },
    /// A path.
    Path {
        /// Segments.
        segs: Vec<Seg>,
        /// Painting.
        paint: Paint,
    },
    /// A run of glyphs in one font, the position being the start of the
    /// baseline at the left; glyphs in visual order.
    Text {
        /// Font.
        font: FontId,
        /// Size in pt.
        size: f64,
        /// Colour.
        colour: Colour,
        /// Positioned glyphs (ids of the full font), left to right.
        glyphs: Vec<Glyph>,
        /// The characters the glyphs show, in reading order (glyph clusters
        /// are byte offsets into it), for extraction.
        text: String,
        /// The run reads right to left (its glyphs are still left to right).
        rtl: bool,
        /// The run's line also has runs in the other direction.
        mixed: bool,
    },
    /// A raster image stretched over w x h pt.
    Image {
        /// Identifies the image; equal keys are one image in the PDF.
        key: String,
        /// The pixels.
        photo: Arc<Photo>,
        /// Width in pt.
        w: f64,
        /// Height in pt.
        h: f64,
    },
    /// A page of another PDF (a template's background), drawn as the vector
    /// art it is: its shown lower-left corner at the position, its shown
    /// size as it is.
    Page {
        /// Identifies the page; equal keys are one Form XObject in the PDF.
        key: String,
        /// The page's content, resources and objects.
        page: Arc<laminate_passes_pdf::page::EmbeddedPage>,
    },
    /// A square grid of modules (a QR code), row 0 at the top.
    Modules {
        /// Modules per side.
        n: usize,
        /// Module size in pt.
        module: f64,
        /// Dark modules, row by row.
        dark: Vec<bool>,
        /// Colour of dark modules.
        colour: Colour,
    },
    /// A left-to-right colour gradient over a rectangle.
    Gradient {
        /// Width in pt.
        w: f64,
        /// Height in pt.
        h: f64,
        /// Evenly spaced colours (all of one kind).
        stops: Vec<Colour>,
    },
}

fn n(v: f64) -> String {
    let s = format!("{v:.2}");
    if s == "-0.00" {
        "0.00".into()
    } else {
        s
    }
}

/// A readable text form of items, one per line, indented by nesting, for
/// reviewing changes to golden files. Paths show their segment count only.
pub fn dump(items: &[(Point, Item)], depth: usize, out: &mut String) {
    use std::fmt::Write;
    let pad = "  ".repeat(depth);
    for (p, item) in items {
        let at = format!("{pad}@{},{} ", n(p.x), n(p.y));
        let _ = match item {
            Item::Group { layer, transform, clip, items } => {
                let _ = writeln!(
                    out,
                    "{at}group{}{}{}",
                    layer.map_or(String::new(), |l| format!(" layer={l:?}")),
                    transform
                        .map_or(String::new(), |m| format!(" transform=[{}]", m.map(n).join(" "))),
                    clip.map_or(String::new(), |c| format!(
                        " clip={}x{} r={}",
                        n(c.w),
                        n(c.h),
                        n(c.radius)
                    )),
                );
                dump(items, depth + 1, out);
                Ok(())
            }
            Item::Art(id) => writeln!(out, "{at}art {}", id.0),
            Item::Rect { w, h, radius, fill } => {
                writeln!(out, "{at}rect {}x{} r={} {fill}", n(*w), n(*h), n(*radius))
            }
            Item::Path { segs, paint } => {
                writeln!(out, "{at}path {} segments {paint:?}", segs.len())
            }
            Item::Text { font, size, colour, text, .. } => {
                writeln!(out, "{at}text font={} size={} {colour} {text:?}", font.0, n(*size))
            }
            Item::Image { key, w, h, photo } => {
                writeln!(
                    out,
                    "{at}image {key} {}x{} pt {}x{} px",
                    n(*w),
                    n(*h),
                    photo.width,
                    photo.height
                )
            }
            Item::Page { key, page } => {
                writeln!(out, "{at}page {key} {}x{} pt", n(page.size.0), n(page.size.1))
            }
            Item::Modules { n: count, module, dark, colour } => {
                let rows: Vec<String> = dark
                    .chunks(*count)
                    .map(|r| r.iter().map(|&d| if d { '#' } else { '.' }).collect())
                    .collect();
                writeln!(
                    out,
                    "{at}qr {count}x{count} module={} {colour}\n{pad}  {}",
                    n(*module),
                    rows.join(&format!("\n{pad}  "))
                )
            }
            Item::Gradient { w, h, stops } => {
                writeln!(out, "{at}gradient {}x{} {} stops", n(*w), n(*h), stops.len())
            }
        };
    }
}
