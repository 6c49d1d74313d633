//! SVG images: turns an SVG file (a logo, a signature) into vector paths
//! fitted to an element's box, in pt, with its text as outlines.
//!
//! usvg parses the file and resolves styles, `use`, transforms and text;
//! what it gives back is drawn with our own path operators, so the image
//! stays vector in the PDF. Text is set in the bundled fonts only (no
//! system fonts), so the same file gives the same outlines on every machine.
//! External files are never read: an `<image>` inside the SVG is an error.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use usvg::tiny_skia_path::{PathSegment, Transform};

use crate::frame::{Item, Paint, Point, Seg};
use laminate_passes_pdf::colour::Colour;

/// Why an SVG file cannot be drawn.
#[derive(Debug)]
pub enum SvgError {
    /// usvg could not read it.
    Parse(String),
    /// It embeds or links raster images, which laminate does not draw from SVG.
    Raster,
    /// It uses a pattern fill.
    Pattern,
    /// It draws nothing.
    Empty,
    /// It needs something laminate cannot draw as it is meant (a clip
    /// path, a mask, a filter): drawn without it, it would print wrong.
    Unsupported(&'static str),
}

impl fmt::Display for SvgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SvgError::Parse(e) => write!(f, "it is not a readable SVG file ({e})"),
            SvgError::Raster => f.write_str(
                "it contains an <image>; laminate draws only the vector parts of an SVG",
            ),
            SvgError::Pattern => {
                f.write_str("it fills with a pattern, which laminate does not draw")
            }
            SvgError::Empty => f.write_str("it draws nothing"),
            SvgError::Unsupported(what) => write!(
                f,
                "it uses {what}, which laminate does not draw (drawn without it, the image would print wrong)"
            ),
        }
    }
}

/// True when the bytes look like an SVG file (XML with an `<svg` element),
/// rather than a PNG or JPEG.
pub fn is_svg(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    ["<?xml", "<svg", "<!--", "<!DOCTYPE"].iter().any(|p| t.starts_with(p)) && text.contains("<svg")
}

/// The bundled fonts as a font database, made once: SVG text is set in them.
fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        // Not the faces only a template's `font` names: an SVG's text keeps
        // falling back to Noto Sans as before.
        for (_, font) in crate::fonts::FontBook::bundled().iter().filter(|(_, f)| !f.named_only) {
            db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(font.data)));
        }
        // Every generic family falls back to Noto Sans, the first bundled font.
        db.set_serif_family("Noto Sans");
        db.set_sans_serif_family("Noto Sans");
        db.set_monospace_family("Noto Sans");
        db.set_cursive_family("Noto Sans");
        db.set_fantasy_family("Noto Sans");
        Arc::new(db)
    })
    .clone()
}

/// The SVG in `data` as paths filling a `w` x `h` pt box (kept in
/// proportion and centred, as SVG's default `xMidYMid meet`), y upwards from
/// the box's bottom-left corner. With `recolour`, every fill and stroke is
/// that colour (a signature in the pass type's ink).
pub fn load(
    data: &[u8],
    w: f64,
    h: f64,
    recolour: Option<Colour>,
) -> Result<Vec<(Point, Item)>, SvgError> {
    let raster = Arc::new(AtomicBool::new(false));
    let (r1, r2) = (raster.clone(), raster.clone());
    let opts = usvg::Options {
        font_family: "Noto Sans".into(),
        fontdb: fontdb(),
        // Never read a file the SVG names, nor decode an embedded picture:
        // note that there was one, and refuse the file below.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(move |_, _, _| {
                r1.store(true, Ordering::Relaxed);
                None
            }),
            resolve_string: Box::new(move |_, _| {
                r2.store(true, Ordering::Relaxed);
                None
            }),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(data, &opts).map_err(|e| SvgError::Parse(e.to_string()))?;
    if raster.load(Ordering::Relaxed) {
        return Err(SvgError::Raster);
    }
    let size = tree.size();
    let (sw, sh) = (f64::from(size.width()), f64::from(size.height()));
    let s = (w / sw).min(h / sh);
    let fit = Fit { s, x: (w - sw * s) / 2.0, y: h - (h - sh * s) / 2.0 };
    let mut items = Vec::new();
    group(tree.root(), &fit, recolour, &mut items)?;
    if items.is_empty() {
        return Err(SvgError::Empty);
    }
    Ok(items)
}

/// From SVG user space (y down) to the box (pt, y up): scale, then flip.
struct Fit {
    s: f64,
    x: f64,
    y: f64,
}

impl Fit {
    fn map(&self, m: &Transform, x: f32, y: f32) -> (f64, f64) {
        let (x, y) = (f64::from(x), f64::from(y));
        let ux = f64::from(m.sx) * x + f64::from(m.kx) * y + f64::from(m.tx);
        let uy = f64::from(m.ky) * x + f64::from(m.sy) * y + f64::from(m.ty);
        (self.x + ux * self.s, self.y - uy * self.s)
    }
}

fn group(
    g: &usvg::Group,
    fit: &Fit,
    recolour: Option<Colour>,
    out: &mut Vec<(Point, Item)>,
) -> Result<(), SvgError> {
    if g.clip_path().is_some() {
        return Err(SvgError::Unsupported("a clip path"));
    }
    if g.mask().is_some() {
        return Err(SvgError::Unsupported("a mask"));
    }
    if !g.filters().is_empty() {
        return Err(SvgError::Unsupported("a filter"));
    }
    for node in g.children() {
        match node {
            usvg::Node::Group(g) => group(g, fit, recolour, out)?,
            usvg::Node::Path(p) => path(p, fit, recolour, out)?,
            usvg::Node::Text(t) => group(t.flattened(), fit, recolour, out)?,
            usvg::Node::Image(_) => return Err(SvgError::Raster),
        }
    }
    Ok(())
}

fn path(
    p: &usvg::Path,
    fit: &Fit,
    recolour: Option<Colour>,
    out: &mut Vec<(Point, Item)>,
) -> Result<(), SvgError> {
    if !p.is_visible() {
        return Ok(());
    }
    let m = p.abs_transform();
    let mut segs = Vec::new();
    let mut last = (0.0f32, 0.0f32);
    for seg in p.data().segments() {
        segs.push(match seg {
            PathSegment::MoveTo(a) => {
                last = (a.x, a.y);
                let (x, y) = fit.map(&m, a.x, a.y);
                Seg::Move(x, y)
            }
            PathSegment::LineTo(a) => {
                last = (a.x, a.y);
                let (x, y) = fit.map(&m, a.x, a.y);
                Seg::Line(x, y)
            }
            PathSegment::QuadTo(c, a) => {
                // A quadratic as the cubic with control points 2/3 of the way
                // from each end to the quadratic's control point.
                let k = 2.0 / 3.0;
                let c1 = (last.0 + k * (c.x - last.0), last.1 + k * (c.y - last.1));
                let c2 = (a.x + k * (c.x - a.x), a.y + k * (c.y - a.y));
                last = (a.x, a.y);
                let (x1, y1) = fit.map(&m, c1.0, c1.1);
                let (x2, y2) = fit.map(&m, c2.0, c2.1);
                let (x, y) = fit.map(&m, a.x, a.y);
                Seg::Cubic(x1, y1, x2, y2, x, y)
            }
            PathSegment::CubicTo(c1, c2, a) => {
                last = (a.x, a.y);
                let (x1, y1) = fit.map(&m, c1.x, c1.y);
                let (x2, y2) = fit.map(&m, c2.x, c2.y);
                let (x, y) = fit.map(&m, a.x, a.y);
                Seg::Cubic(x1, y1, x2, y2, x, y)
            }
            PathSegment::Close => Seg::Close,
        });
    }
    let colour = |paint: &usvg::Paint| -> Result<Colour, SvgError> {
        if let Some(c) = recolour {
            return Ok(c);
        }
        let c = match paint {
            usvg::Paint::Color(c) => *c,
            // One flat colour for a gradient: its middle stop.
            usvg::Paint::LinearGradient(g) => middle(g.stops()),
            usvg::Paint::RadialGradient(g) => middle(g.stops()),
            usvg::Paint::Pattern(_) => return Err(SvgError::Pattern),
        };
        let v = |u: u8| f32::from(u) / 255.0;
        Ok(Colour::Rgb(v(c.red), v(c.green), v(c.blue)))
    };
    let fill = match p.fill() {
        Some(f) if f.opacity().get() > 0.0 => {
            let c = colour(f.paint())?;
            Some(match f.rule() {
                usvg::FillRule::NonZero => Paint::Fill(c),
                usvg::FillRule::EvenOdd => Paint::FillEvenOdd(c),
            })
        }
        _ => None,
    };
    let stroke = match p.stroke() {
        Some(st) if st.opacity().get() > 0.0 => {
            // Widths scale with the transform (by its mean scale factor).
            let det = f64::from(m.sx) * f64::from(m.sy) - f64::from(m.kx) * f64::from(m.ky);
            let width = f64::from(st.width().get()) * det.abs().sqrt() * fit.s;
            Some(Paint::Stroke(colour(st.paint())?, width))
        }
        _ => None,
    };
    let mut paints: Vec<Paint> = fill.into_iter().chain(stroke).collect();
    if p.paint_order() == usvg::PaintOrder::StrokeAndFill {
        paints.reverse();
    }
    for paint in paints {
        out.push((Point::default(), Item::Path { segs: segs.clone(), paint }));
    }
    Ok(())
}

fn middle(stops: &[usvg::Stop]) -> usvg::Color {
    stops.get(stops.len() / 2).map_or(usvg::Color::black(), |s| s.color())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10">
        <rect x="0" y="0" width="10" height="10" fill="#ff0000"/>
        <path d="M 10 0 Q 20 5 10 10" stroke="#0000ff" stroke-width="2" fill="none"/>
    </svg>"##;

    #[test]
    fn fits_the_box_keeping_its_shape() {
        // 20 x 10 into 100 x 100: scale 5, centred vertically (25 pt above and below).
        let items = load(SQUARE.as_bytes(), 100.0, 100.0, None).expect("draws");
        assert_eq!(items.len(), 2);
        let Item::Path { segs, paint } = &items[0].1 else { panic!("a path") };
        assert_eq!(*paint, Paint::Fill(Colour::Rgb(1.0, 0.0, 0.0)));
        assert_eq!(segs[0], Seg::Move(0.0, 75.0));
        let Item::Path { paint, segs } = &items[1].1 else { panic!("a path") };
        assert_eq!(*paint, Paint::Stroke(Colour::Rgb(0.0, 0.0, 1.0), 10.0));
        assert!(matches!(segs[1], Seg::Cubic(..)));
    }

    #[test]
    fn recolours_and_sets_text_as_outlines() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">
            <text x="2" y="15" font-size="14" font-family="Brush Script">Ann</text></svg>"#;
        let ink = Colour::Cmyk(0.0, 0.0, 0.0, 1.0);
        let items = load(svg.as_bytes(), 60.0, 20.0, Some(ink)).expect("draws");
        assert!(!items.is_empty());
        assert!(items
            .iter()
            .all(|(_, i)| matches!(i, Item::Path { paint: Paint::Fill(c), .. } if *c == ink)));
    }

    #[test]
    fn refuses_what_it_cannot_draw() {
        assert!(matches!(load(b"<svg", 10.0, 10.0, None), Err(SvgError::Parse(_))));
        let linked = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="/etc/passwd"/></svg>"#;
        assert!(matches!(load(linked.as_bytes(), 10.0, 10.0, None), Err(SvgError::Raster)));
        let empty = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>"#;
        assert!(matches!(load(empty.as_bytes(), 10.0, 10.0, None), Err(SvgError::Empty)));
        // Regression: clip paths were left out without a word.
        let clipped = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><clipPath id="c"><rect width="5" height="5"/></clipPath><rect width="10" height="10" clip-path="url(#c)"/></svg>"#;
        assert!(matches!(
            load(clipped.as_bytes(), 10.0, 10.0, None),
            Err(SvgError::Unsupported("a clip path"))
        ));
        let masked = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><mask id="m"><rect width="5" height="5" fill="white"/></mask><rect width="10" height="10" mask="url(#m)"/></svg>"#;
        assert!(matches!(
            load(masked.as_bytes(), 10.0, 10.0, None),
            Err(SvgError::Unsupported("a mask"))
        ));
        assert!(is_svg(SQUARE.as_bytes()) && !is_svg(b"\x89PNG\r\n"));
        assert!(is_svg(b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg/>"));
    }
}
