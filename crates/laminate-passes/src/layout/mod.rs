//! Layout: turns a resolved Badge into a Frame of positioned items; what is
//! the same on every pass of a type goes into shared art drawn once.

mod paragraph;
pub mod security;
pub mod text;

use std::sync::OnceLock;

use crate::diag::Diagnostic;
use crate::fonts::{FontBook, FontId, Glyph, Run};
use crate::frame::{ArtId, Clip, Frame, Item, Layer, Paint, Point, Seg};
use crate::load::template::{Align, BoxPt, Element, ImageArt, Kind, Template, TemplateSet};
use crate::resolve::Badge;
use crate::units::Size;
use laminate_passes_pdf::colour::Colour;
use text::{FitSpec, Shortfall, LEADING};

/// Layout choices that come from the command line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutOptions {
    /// Bleed in pt: backgrounds touching the card edge run this far beyond it.
    pub bleed: f64,
    /// Leave out the security layer.
    pub proof: bool,
    /// Draw each pass's cut line on a CutContour layer (`--cut-contour`).
    pub cut_contour: bool,
    /// The die line's corner radius in pt when the stock's labels decide
    /// it (a gLabels label's own corners; a round label's radius, so the
    /// line is its circle); `None`: the template's `corner_radius`.
    pub die_radius: Option<f64>,
}

/// The shared drawings of a run: per pass type its static base, its static
/// security art, its guilloche rosette and, per guilloche element, the
/// shapes of the unique-curve family. Filled on first use.
pub struct ArtBook {
    slots: Vec<OnceLock<Frame>>,
    /// Per pass type, the id of its first drawing.
    first: Vec<u32>,
}

/// The base, the static security art and the rosette come first.
const FIXED_ARTS: u32 = 3;

impl ArtBook {
    pub(crate) fn new(set: &TemplateSet) -> Self {
        let mut first = Vec::with_capacity(set.templates.len());
        let mut n = 0;
        for t in &set.templates {
            first.push(n);
            n += FIXED_ARTS
                + (guilloches(&t.elements) + guilloches(&t.back)) * security::CURVE_SHAPES;
        }
        ArtBook { slots: (0..n).map(|_| OnceLock::new()).collect(), first }
    }

    /// True for the shared drawings that belong to the security layer.
    pub fn is_security(&self, id: ArtId) -> bool {
        // Every drawing but a pass type's base.
        !self.first.contains(&id.0)
    }

    /// A shared drawing; present once a pass that uses it has been laid out.
    pub fn get(&self, id: ArtId) -> Option<&Frame> {
        self.slots.get(id.0 as usize).and_then(OnceLock::get)
    }
}

/// How many guilloche elements a list of elements has.
fn guilloches(elements: &[Element]) -> u32 {
    elements.iter().filter(|e| matches!(e.kind, Kind::Guilloche { .. })).count() as u32
}

/// Lays out the badges of one run.
pub struct Layouter<'a> {
    set: &'a TemplateSet,
    fonts: &'a FontBook,
    opts: LayoutOptions,
    arts: std::sync::Arc<ArtBook>,
}

impl<'a> Layouter<'a> {
    /// A layouter for a template set.
    pub fn new(set: &'a TemplateSet, fonts: &'a FontBook, opts: LayoutOptions) -> Self {
        Layouter { set, fonts, opts, arts: std::sync::Arc::new(ArtBook::new(set)) }
    }

    /// The shared drawings referenced by the frames made so far.
    pub fn arts(&self) -> &std::sync::Arc<ArtBook> {
        &self.arts
    }

    /// The frame of one pass, and warnings about text that did not fit.
    pub fn layout(&self, badge: &Badge) -> (Frame, Vec<Diagnostic>) {
        self.side(badge, false)
    }

    /// The back of a pass (for `--duplex`), as seen from the back: its
    /// template's `back` elements, all drawn per pass.
    pub fn layout_back(&self, badge: &Badge) -> (Frame, Vec<Diagnostic>) {
        self.side(badge, true)
    }

    fn side(&self, badge: &Badge, back: bool) -> (Frame, Vec<Diagnostic>) {
        let t = &self.set.templates[badge.template];
        let (elements, texts) =
            if back { (&t.back, &badge.back_texts) } else { (&t.elements, &badge.texts) };
        let mut warnings = Vec::new();
        let art = |k: u32| ArtId(self.arts.first[badge.template] + k);
        // The unique-curve shapes of the guilloche elements before this side's.
        let mut guilloche = if back { guilloches(&t.elements) } else { 0 };
        // Shared art is the same for every pass of the type; the first pass builds it.
        self.shared_art(t, badge);
        let mut base = if back {
            background(t, 1).into_iter().collect()
        } else {
            vec![(Point::default(), Item::Art(art(0)))]
        };
        let mut items = Vec::new();
        let mut under = Vec::new();
        for (el, text) in elements.iter().zip(texts) {
            let pos = corner(t, el.at);
            match &el.kind {
                Kind::Guilloche { colour } => {
                    under.push((pos, self.guilloche(badge, t, el, *colour, guilloche)));
                    guilloche += 1;
                }
                Kind::Microtext { colour, size } => {
                    if let Some(text) = text {
                        under.extend(self.microtext(text, el.at, pos, *size, *colour, t));
                    }
                }
                Kind::Text(style) if !style.is_per_type() => {
                    if let Some(text) = text {
                        let (runs, fitted) = self.styled_text(text, el.at, t, style);
                        items.extend(runs);
                        if let Some(short) = fitted {
                            warnings.push(shortfall(badge, t, el, style, text, short));
                        }
                    }
                }
                Kind::Qr { colour, quiet_zone } => {
                    items.extend(qr(badge, el.at, pos, *colour, *quiet_zone))
                }
                Kind::Photo { radius, frame, .. } => {
                    items.extend(photo(badge, el, pos, *radius, *frame));
                }
                _ if back => base.extend(self.static_items(t, el, text, false)),
                _ => {}
            }
        }
        // Bottom to top: the background, the security underlay (under the
        // holder's data), the data, then the security overlay.
        if !self.opts.proof && !under.is_empty() {
            let group = Item::Group {
                layer: Some(Layer::Security),
                transform: None,
                clip: None,
                items: under,
            };
            base.push((Point::default(), group));
        }
        base.append(&mut items);
        let mut items = base;
        if !self.opts.proof && !back {
            let group = Item::Group {
                layer: Some(Layer::Security),
                transform: None,
                clip: None,
                items: vec![(Point::default(), Item::Art(art(1)))],
            };
            items.push((Point::default(), group));
        }
        if self.opts.cut_contour && !back {
            items.push((Point::default(), cut_line(t, self.opts.die_radius)));
        }
        (Frame { size: t.card, items, intent: t.rendering_intent }, warnings)
    }

    /// The art every pass of the type shares (background and fixed text,
    /// the security overlay, the guilloche rosette): built by the first
    /// pass that needs it.
    fn shared_art(&self, t: &Template, badge: &Badge) {
        let art = |k: u32| ArtId(self.arts.first[badge.template] + k);
        self.arts.slots[art(0).0 as usize].get_or_init(|| self.static_art(t, badge, false));
        if self.opts.proof {
            return;
        }
        self.arts.slots[art(1).0 as usize].get_or_init(|| self.static_art(t, badge, true));
        self.arts.slots[art(2).0 as usize].get_or_init(|| {
            let radius = t.card.w.max(t.card.h) * 0.45;
            let colour = t.elements.iter().find_map(|e| match e.kind {
                Kind::Guilloche { colour } => Some(colour),
                _ => None,
            });
            Frame {
                size: Size::new(radius * 2.0, radius * 2.0),
                items: security::rosette(radius, colour.unwrap_or(Colour::BLACK)),
                intent: t.rendering_intent,
            }
        });
    }

    /// A guilloche element, the `nth` of its card: rosettes placed by the
    /// pass's seed, and the pass's own curve (a shared shape, placed by the
    /// seed), clipped to the element's box.
    fn guilloche(
        &self,
        badge: &Badge,
        t: &Template,
        el: &Element,
        colour: Colour,
        nth: u32,
    ) -> Item {
        let art = |k: u32| ArtId(self.arts.first[badge.template] + k);
        let seed = security::seed(&badge.payload);
        let mut g = Vec::new();
        for (x, y, angle, scale) in security::rosette_placements(&seed, el.at.w, el.at.h) {
            let (c, s) = (libm::cos(angle) * scale, libm::sin(angle) * scale);
            g.push((
                Point::default(),
                Item::Group {
                    layer: None,
                    transform: Some([c, s, -s, c, x, y]),
                    clip: None,
                    items: vec![(Point::default(), Item::Art(art(2)))],
                },
            ));
        }
        let (shape, m) = security::unique_curve(&seed, el.at.w, el.at.h);
        let id = art(FIXED_ARTS + nth * security::CURVE_SHAPES + shape);
        self.arts.slots[id.0 as usize].get_or_init(|| Frame {
            size: Size::new(el.at.w, el.at.h),
            items: vec![(Point::default(), security::curve_shape(shape, el.at.w, el.at.h, colour))],
            intent: t.rendering_intent,
        });
        g.push((
            Point::default(),
            Item::Group {
                layer: None,
                transform: Some(m),
                clip: None,
                items: vec![(Point::default(), Item::Art(id))],
            },
        ));
        Item::Group {
            layer: None,
            transform: None,
            clip: Some(Clip::rect(el.at.w, el.at.h)),
            items: g,
        }
    }

    /// The static elements of a template: `security` picks the security ones
    /// (hologram, raised writing) or the rest (backgrounds, fixed text, punch).
    fn static_art(&self, t: &Template, badge: &Badge, security: bool) -> Frame {
        let mut items: Vec<(Point, Item)> =
            if security { vec![] } else { background(t, 0).into_iter().collect() };
        for (el, text) in t.elements.iter().zip(&badge.texts) {
            items.extend(self.static_items(t, el, text, security));
        }
        Frame { size: t.card, items, intent: t.rendering_intent }
    }

    /// The items of one element that is the same on every pass of a type:
    /// with `security`, hologram and raised writing; without, backgrounds,
    /// images, the punch and text whose fields are all per type.
    fn static_items(
        &self,
        t: &Template,
        el: &Element,
        text: &Option<String>,
        security: bool,
    ) -> Vec<(Point, Item)> {
        let mut items = Vec::new();
        let pos = corner(t, el.at);
        match (&el.kind, security) {
            (Kind::Rect { fill, radius, bleed }, false) => {
                let mut b = self.opts.bleed;
                if !bleed {
                    b = 0.0;
                }
                let eps = 0.01;
                let left = if el.at.x <= eps { b } else { 0.0 };
                let right = if el.at.x + el.at.w >= t.card.w - eps { b } else { 0.0 };
                let top = if el.at.y <= eps { b } else { 0.0 };
                let bottom = if el.at.y + el.at.h >= t.card.h - eps { b } else { 0.0 };
                items.push((
                    Point::new(pos.x - left, pos.y - bottom),
                    Item::Rect {
                        w: el.at.w + left + right,
                        h: el.at.h + top + bottom,
                        radius: *radius,
                        fill: *fill,
                    },
                ));
            }
            (Kind::Text(style), false) if style.is_per_type() => {
                if let Some(text) = text {
                    items.extend(self.styled_text(text, el.at, t, style).0);
                }
            }
            (Kind::Punch { colour }, false) => {
                let r = el.at.h.min(el.at.w) / 2.0;
                items.push((
                    pos,
                    Item::Path {
                        segs: security::rounded_rect(el.at.w, el.at.h, r),
                        paint: Paint::Stroke(*colour, 0.4),
                    },
                ));
                let (cx, cy) = (el.at.w / 2.0, el.at.h / 2.0);
                items.push((
                    pos,
                    Item::Path {
                        segs: vec![
                            Seg::Move(cx - 1.5, cy),
                            Seg::Line(cx + 1.5, cy),
                            Seg::Move(cx, cy - 1.5),
                            Seg::Line(cx, cy + 1.5),
                        ],
                        paint: Paint::Stroke(*colour, 0.3),
                    },
                ));
            }
            (Kind::Image { name, art, security: on_security }, _) if *on_security == security => {
                items.push((pos, image(art, &template_image_key(&t.name, name), el.at)));
            }
            (Kind::Hologram, true) => {
                let holo = security::hologram(el.at.w, el.at.h);
                items.push((
                    pos,
                    Item::Group { layer: None, transform: None, clip: None, items: holo },
                ));
            }
            (Kind::Raised { font, colour, .. }, true) => {
                if let Some(text) = text {
                    let spec = FitSpec {
                        width: el.at.w,
                        height: el.at.h,
                        max_size: el.at.h / LEADING,
                        min_size: 4.0,
                        max_lines: 1,
                    };
                    // Highlight up-left, shadow down-right, the letters in
                    // the paper colour on top: an embossed look.
                    for (dx, dy, c) in [
                        (-0.35, 0.35, Colour::WHITE),
                        (0.35, -0.35, Colour::Rgb(0.62, 0.62, 0.66)),
                        (0.0, 0.0, *colour),
                    ] {
                        let (runs, _) =
                            self.text_items(text, el.at, t, *font, spec, Align::Center, c);
                        items.extend(
                            runs.into_iter().map(|(p, i)| (Point::new(p.x + dx, p.y + dy), i)),
                        );
                    }
                }
            }
            _ => {}
        }

        items
    }

    /// A text element's text, set as its style says.
    fn styled_text(
        &self,
        text: &str,
        at: BoxPt,
        t: &Template,
        style: &crate::load::template::TextStyle,
    ) -> (Vec<(Point, Item)>, Option<Shortfall>) {
        if let Some(p) = &style.paragraph {
            return paragraph::items(self.fonts, text, at, t.card, style, p);
        }
        self.text_items(text, at, t, style.font, fit_spec(style, at), style.align, style.colour)
    }

    /// Text fitted into a box: the items, and how the fit fell short if it did.
    #[allow(clippy::too_many_arguments)]
    fn text_items(
        &self,
        text: &str,
        at: BoxPt,
        t: &Template,
        font: FontId,
        spec: FitSpec,
        align: Align,
        colour: Colour,
    ) -> (Vec<(Point, Item)>, Option<Shortfall>) {
        let fitted = text::fit(text, spec, &|s| self.fonts.width_em(font, s));
        let cap = self.fonts.get(font).cap_height;
        let line_h = fitted.size * LEADING;
        let block = line_h * fitted.lines.len() as f64;
        let top = at.y + (at.h - block) / 2.0;
        let mut items = Vec::new();
        for (i, line) in fitted.lines.iter().enumerate() {
            let runs = self.fonts.runs(font, line);
            let width: f64 = runs.iter().map(|r| r.width_em).sum::<f64>() * fitted.size;
            let rtl = crate::fonts::reads_right_to_left(line);
            let x = match align {
                Align::Center => at.x + (at.w - width) / 2.0,
                Align::Left => at.x,
                Align::Start if !rtl => at.x,
                Align::End if rtl => at.x,
                Align::Right | Align::Start | Align::End => at.x + at.w - width,
            };
            // Capitals centred in the line's slot.
            let baseline = top + line_h * i as f64 + line_h / 2.0 + cap * fitted.size / 2.0;
            let start = Point::new(x, t.card.h - baseline);
            items.extend(paragraph::place_line(runs, start, fitted.size, colour));
        }
        (items, fitted.shortfall)
    }

    fn microtext(
        &self,
        text: &str,
        at: BoxPt,
        pos: Point,
        size: f64,
        colour: Colour,
        t: &Template,
    ) -> Vec<(Point, Item)> {
        let font = crate::fonts::REGULAR;
        let shaped = self.fonts.runs(font, text);
        let unit = shaped.iter().map(|r| r.width_em).sum::<f64>() * size;
        let repeats = if unit > 0.0 { (at.w / unit).ceil() as usize + 1 } else { 1 };
        let line: String = text.repeat(repeats);
        let mut runs = match <[_; 1]>::try_from(shaped) {
            // One left-to-right run (the usual case): repeat its glyphs
            // rather than shape the whole line again.
            Ok([run]) if !run.rtl => {
                let mut glyphs = Vec::with_capacity(run.glyphs.len() * repeats);
                for k in 0..repeats {
                    let shift = (k * text.len()) as u32;
                    glyphs.extend(
                        run.glyphs.iter().map(|g| Glyph { cluster: g.cluster + shift, ..*g }),
                    );
                }
                let width_em = run.width_em * repeats as f64;
                vec![Run { font: run.font, glyphs, text: line, width_em, rtl: false, start: 0 }]
            }
            _ => self.fonts.runs(font, &line),
        };
        // Cut the line at the box's right edge.
        let mut width = 0.0;
        for run in &mut runs {
            let keep = run
                .glyphs
                .iter()
                .take_while(|g| {
                    width += g.advance as f64 * size;
                    width <= at.w
                })
                .count();
            if keep < run.glyphs.len() {
                let cut = run.glyphs[keep].cluster as usize;
                run.glyphs.truncate(keep);
                if !run.rtl {
                    run.text.truncate(cut);
                }
            }
            run.width_em = run.glyphs.iter().map(|g| g.advance as f64).sum();
        }
        let baseline_y = pos.y + (at.h - size * self.fonts.get(font).cap_height) / 2.0;
        let _ = t;
        runs.into_iter()
            .filter(|r| !r.glyphs.is_empty())
            .scan(pos.x, |x, run| {
                let p = Point::new(*x, baseline_y);
                *x += run.width_em * size;
                Some((
                    p,
                    Item::Text {
                        font: run.font,
                        size,
                        colour,
                        glyphs: run.glyphs,
                        text: run.text,
                        rtl: run.rtl,
                        mixed: false,
                    },
                ))
            })
            .collect()
    }
}

/// What fitting a text element asks for: its box and its size range.
fn fit_spec(style: &crate::load::template::TextStyle, at: BoxPt) -> FitSpec {
    FitSpec {
        width: at.w,
        height: at.h,
        max_size: style.size,
        min_size: style.min_size,
        max_lines: style.lines,
    }
}

/// The bottom-left corner of an element's box, in frame coordinates (y up).
fn corner(t: &Template, at: BoxPt) -> Point {
    Point::new(at.x, t.card.h - at.y - at.h)
}

/// Width of the cut line in pt: a hairline, as plotter software expects;
/// only its path matters to the cutter.
pub const CUT_WIDTH: f64 = 0.25;

/// The die line of a pass: the card's outline (rounded by the template's
/// `corner_radius`) and the outline of each slot punch, on the CutContour
/// layer. Its colour here is only what a viewer shows (magenta); the PDF
/// writer strokes it in the CutContour spot.
fn cut_line(t: &Template, die_radius: Option<f64>) -> Item {
    let paint = Paint::Stroke(Colour::Cmyk(0.0, 1.0, 0.0, 0.0), CUT_WIDTH);
    let radius = die_radius.unwrap_or(t.corner_radius);
    let mut items = vec![(
        Point::default(),
        Item::Path { segs: security::rounded_rect(t.card.w, t.card.h, radius), paint },
    )];
    for el in &t.elements {
        if let Kind::Punch { .. } = el.kind {
            let r = el.at.h.min(el.at.w) / 2.0;
            items.push((
                corner(t, el.at),
                Item::Path { segs: security::rounded_rect(el.at.w, el.at.h, r), paint },
            ));
        }
    }
    Item::Group { layer: Some(Layer::CutContour), transform: None, clip: None, items }
}

/// The key a template's image goes by (the writer embeds each key once):
/// `template:PASS:FILE`.
pub fn template_image_key(pass: &str, file: &str) -> String {
    format!("template:{pass}:{file}")
}

/// The pass type and file of a template image's key (see
/// [`template_image_key`]); `None` for a holder's photo.
pub fn template_image_of(key: &str) -> Option<(&str, &str)> {
    key.strip_prefix("template:")?.split_once(':')
}

/// A template image at its box: pixels stretched over it, or its vector
/// paths (already fitted to the box) as a group.
fn image(art: &ImageArt, key: &str, at: BoxPt) -> Item {
    match art {
        ImageArt::Raster { photo, .. } => {
            Item::Image { key: key.to_string(), photo: photo.clone(), w: at.w, h: at.h }
        }
        ImageArt::Vector(items) => {
            Item::Group { layer: None, transform: None, clip: None, items: items.to_vec() }
        }
    }
}

/// The QR code of a payload, centred in its box on a white square that
/// includes the quiet zone of `quiet_zone` modules.
fn qr(badge: &Badge, at: BoxPt, pos: Point, colour: Colour, quiet_zone: u8) -> Vec<(Point, Item)> {
    let code = laminate_passes_qr::encode_at(badge.payload.as_bytes(), badge.qr_level, None)
        .expect("resolve refuses payloads too long for a QR code");
    let n = code.size;
    let side = at.w.min(at.h);
    let module = side / (n + 2 * quiet_zone as usize) as f64;
    let origin = Point::new(pos.x + (at.w - side) / 2.0, pos.y + (at.h - side) / 2.0);
    let dark = code.dark;
    let q = f64::from(quiet_zone) * module;
    vec![
        (origin, Item::Rect { w: side, h: side, radius: 0.0, fill: Colour::WHITE }),
        (Point::new(origin.x + q, origin.y + q), Item::Modules { n, module, dark, colour }),
    ]
}

/// Page `n` (from 0) of the template's background PDF, under everything
/// else, if it has one.
fn background(t: &Template, n: usize) -> Option<(Point, Item)> {
    let b = t.background.as_ref()?;
    let page = b.pages.get(n)?.clone();
    let key = format!("template:{}:{}#{}", t.name, b.name, n + 1);
    Some((Point::default(), Item::Page { key, page }))
}

/// The warning for a text that did not fit its box at its size.
fn shortfall(
    badge: &Badge,
    t: &Template,
    el: &Element,
    style: &crate::load::template::TextStyle,
    text: &str,
    short: Shortfall,
) -> Diagnostic {
    let msg = match short {
        Shortfall::BelowMinimum(s) => format!(
            "{} \"{text}\" shrunk to {s} pt to fit, below the template's minimum of {} pt",
            el.name, style.min_size
        ),
        Shortfall::Cut => {
            format!("{} \"{text}\" does not fit even at {} pt and was cut", el.name, text::FLOOR_PT)
        }
    };
    Diagnostic::warning(badge.span, msg).entry(&badge.id).hint(format!(
        "shorten it, or give the `{}` element of template \"{}\" more room",
        el.name, t.name
    ))
}

/// The holder's photo in its element's box, clipped to the same rounded
/// box as its frame, and the frame; nothing when the pass has no photo.
fn photo(
    badge: &Badge,
    el: &Element,
    pos: Point,
    radius: f64,
    frame: Option<Colour>,
) -> Vec<(Point, Item)> {
    let (Some(photo), Some(path)) = (&badge.photo, &badge.photo_path) else { return vec![] };
    let key = format!("{}@{}x{}#{}", path.display(), photo.width, photo.height, badge.photo_key);
    let image = Item::Image { key, photo: photo.clone(), w: el.at.w, h: el.at.h };
    let mut items = vec![(
        pos,
        Item::Group {
            layer: None,
            transform: None,
            clip: Some(Clip { w: el.at.w, h: el.at.h, radius }),
            items: vec![(Point::default(), image)],
        },
    )];
    if let Some(c) = frame {
        items.push((
            pos,
            Item::Path {
                segs: security::rounded_rect(el.at.w, el.at.h, radius),
                paint: Paint::Stroke(c, 0.5),
            },
        ));
    }
    items
}
