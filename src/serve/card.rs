//! The designer's card: turns the edited templates and one roster entry into
//! a PNG of the very PDF `render` writes (resolve, layout, impose, pdf, then
//! rasterised as `preview` does), with the element boxes and the warnings.

use serde::Serialize;

use crate::serve::doc::{Doc, Side};
use laminate_passes::diag::{self, Diagnostic, Severity, Sources};
use laminate_passes::fonts::FontBook;
use laminate_passes::load::roster::{Entry, Roster};
use laminate_passes::load::template::{self, Kind, TemplateSet};
use laminate_passes::photos::{CacheChoice, PhotoStage};
use laminate_passes::preview;
use laminate_passes::run::{self, Stages};
use laminate_passes::units::{mm, to_mm};

/// The bleed shown around the card, in mm (the CLI's default).
pub const BLEED_MM: f64 = 3.0;

/// The roster the designer previews with, and the files it came from.
pub struct Preview {
    /// The roster.
    pub roster: Roster,
    /// Its source text, for messages.
    pub sources: Sources,
}

/// An element's box on the card, in mm from the card's top-left corner.
#[derive(Clone, Debug, Serialize)]
pub struct ElementBox {
    /// Its key under `elements` (or `back`).
    pub name: String,
    /// Its type (`text`, `qr`...).
    pub kind: &'static str,
    /// Left edge in mm.
    pub x: f64,
    /// Top edge in mm.
    pub y: f64,
    /// Width in mm.
    pub w: f64,
    /// Height in mm.
    pub h: f64,
    /// The element's keys as written (nearest file), for the panel.
    pub props: Vec<(String, String)>,
}

/// A warning `render` would give, with the element it is about.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    /// The element, when the warning names one.
    pub element: Option<String>,
    /// The message as the CLI prints it.
    pub text: String,
}

/// What the page shows.
#[derive(Debug, Serialize)]
pub struct Card {
    /// The PNG, base64.
    pub png: String,
    /// Pixels per mm of the PNG.
    pub px_per_mm: f64,
    /// The card (trim) size in mm.
    pub card_w: f64,
    /// Height in mm.
    pub card_h: f64,
    /// Bleed around the card in the PNG, in mm.
    pub bleed: f64,
    /// The elements, in drawing order.
    pub boxes: Vec<ElementBox>,
    /// Warnings about this entry on this card.
    pub warnings: Vec<Warning>,
    /// Errors: the template cannot be used (as the CLI prints them).
    pub errors: String,
    /// Milliseconds the render took, from templates to PNG.
    pub millis: f64,
    /// Milliseconds of its stages: templates, resolve and layout, PDF, PNG.
    pub stages: [f64; 4],
}

const PANEL_KEYS: &[&str] =
    &["text", "font", "size", "min_size", "lines", "colour", "align", "fill", "file", "radius"];

fn kind_name(kind: &Kind) -> &'static str {
    match kind {
        Kind::Rect { .. } => "rect",
        Kind::Text(_) => "text",
        Kind::Qr { .. } => "qr",
        Kind::Photo { .. } => "photo",
        Kind::Image { .. } => "image",
        Kind::Punch { .. } => "punch",
        Kind::Guilloche { .. } => "guilloche",
        Kind::Microtext { .. } => "microtext",
        Kind::Hologram => "hologram",
        Kind::Raised { .. } => "raised",
    }
}

fn text_of(sources: &Sources, list: Vec<Diagnostic>) -> String {
    let mut out = Vec::new();
    let _ = diag::emit(&mut out, sources, list, false);
    String::from_utf8_lossy(&out).into_owned()
}

/// Loads the edited template set, failing as `render` does on a template
/// it cannot use.
pub fn load_set(
    doc: &Doc,
    base: &Sources,
) -> Result<(TemplateSet, Sources), laminate_passes::Failure> {
    let mut sources = base.clone();
    let mut found = Vec::new();
    let set = template::folder::load(&doc.origin(), &mut sources, &mut found)
        .map_err(laminate_passes::Failure::Templates)?;
    if found.iter().any(|d| d.severity == Severity::Error) {
        return Err(laminate_passes::Failure::Input { sources, diagnostics: found });
    }
    Ok((set, sources))
}

/// A failure as the CLI prints it, for the page.
fn failure_text(f: laminate_passes::Failure) -> String {
    match f {
        laminate_passes::Failure::Input { sources, diagnostics } => text_of(&sources, diagnostics),
        other => format!("error: {other}"),
    }
}

/// Renders `entry` as pass type `pass` on `side` at `px_per_mm`.
pub fn render(
    doc: &Doc,
    data: &Preview,
    entry: &Entry,
    pass: &str,
    side: Side,
    px_per_mm: f64,
) -> Card {
    let started = std::time::Instant::now();
    let mut card = Card {
        png: String::new(),
        px_per_mm,
        card_w: 0.0,
        card_h: 0.0,
        bleed: BLEED_MM,
        boxes: Vec::new(),
        warnings: Vec::new(),
        errors: String::new(),
        millis: 0.0,
        stages: [0.0; 4],
    };
    let lap = |since: &mut std::time::Instant| {
        let ms = since.elapsed().as_secs_f64() * 1000.0;
        *since = std::time::Instant::now();
        ms
    };
    let mut since = started;
    let (set, sources) = match load_set(doc, &data.sources) {
        Ok(s) => s,
        Err(f) => {
            card.errors = failure_text(f);
            return card;
        }
    };
    card.stages[0] = lap(&mut since);
    let Some(t) = set.find(pass) else {
        card.errors =
            format!("there is no pass type \"{pass}\" (known: {})", set.names().join(", "));
        return card;
    };
    let template = &set.templates[t];
    let mut entry = entry.clone();
    entry.pass = template.name.clone().into_boxed_str();
    let book = FontBook::bundled();
    let reprints = Default::default();
    let stages = Stages::for_preview(&data.roster.event, &set, &reprints, book, mm(BLEED_MM));
    // The designer's photos come from the same cache as render's.
    let mut cache_notes = Vec::new();
    let photos = match PhotoStage::new(&CacheChoice::Default, &None, &mut cache_notes) {
        Ok(stage) => stage.prepare_entry(&set, &entry, &mut cache_notes),
        Err(_) => Default::default(),
    };
    let (frame, found) = match stages.side(0, &entry, side == Side::Back, &photos) {
        Ok(laid) => laid,
        Err(errors) => {
            card.errors = text_of(&sources, errors);
            return card;
        }
    };
    let elements = match side {
        Side::Front => &template.elements,
        Side::Back => &template.back,
    };
    card.card_w = to_mm(template.card.w);
    card.card_h = to_mm(template.card.h);
    let mut written = doc.props(pass, side);
    card.boxes = elements
        .iter()
        .map(|e| ElementBox {
            name: e.name.clone(),
            kind: kind_name(&e.kind),
            x: to_mm(e.at.x),
            y: to_mm(e.at.y),
            w: to_mm(e.at.w),
            h: to_mm(e.at.h),
            props: written
                .remove(&e.name)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| PANEL_KEYS.contains(&k.as_str()))
                .collect(),
        })
        .collect();
    for d in found {
        let element = elements
            .iter()
            .find(|e| d.message.starts_with(&format!("{} \"", e.name)))
            .map(|e| e.name.clone());
        card.warnings.push(Warning { element, text: text_of(&sources, vec![d]) });
    }
    card.stages[1] = lap(&mut since);
    match picture(frame, &stages, book, px_per_mm, &mut card.stages) {
        Ok(png) => {
            use data_encoding::BASE64;
            card.png = BASE64.encode(&png);
        }
        Err(e) => card.errors = format!("cannot draw the card: {e}"),
    }
    card.millis = started.elapsed().as_secs_f64() * 1000.0;
    card
}

/// The card as `render --sheet card` places it, written as a PDF in
/// memory by `run::card_pdf` and rasterised.
fn picture(
    frame: laminate_passes::frame::Frame,
    stages: &Stages,
    book: &'static FontBook,
    px_per_mm: f64,
    times: &mut [f64; 4],
) -> std::io::Result<Vec<u8>> {
    let started = std::time::Instant::now();
    let bytes = run::card_pdf(frame, mm(BLEED_MM), stages.layouter.arts(), book)?;
    times[2] = started.elapsed().as_secs_f64() * 1000.0;
    let started = std::time::Instant::now();
    // 25.4 mm to the inch.
    let (png, ..) = preview::rasterise(bytes, (px_per_mm * 25.4) as f32, preview::Png::Quick)?;
    times[3] = started.elapsed().as_secs_f64() * 1000.0;
    Ok(png)
}
