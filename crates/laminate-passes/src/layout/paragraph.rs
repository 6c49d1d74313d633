//! Paragraphs: turns a text element with `fit: wrap` or `wrap-shrink` into
//! positioned runs, placed as pretix's renderer (ReportLab) places them:
//! the first baseline one font size below the top of the lines, lines
//! `leading` x size apart, the lines at the box's top, middle or bottom,
//! the whole turned clockwise about the box's top-left corner.

use crate::fonts::{FontBook, Run};
use crate::frame::{Clip, Item, Point};
use crate::load::template::{Align, BoxPt, ParagraphStyle, TextStyle, VAlign};
use crate::units::Size;
use laminate_passes_pdf::colour::Colour;

use super::text::{paragraph, ParagraphSpec, Shortfall};

/// The runs of a paragraph in a box of a card of size `card` (pt), and how
/// it fell short of the template's minimum size, if it did. Text that
/// reaches outside the card is cut at the card's edge, so that it cannot
/// print on a neighbouring card of a sheet.
pub(super) fn items(
    fonts: &FontBook,
    text: &str,
    at: BoxPt,
    card: Size,
    style: &TextStyle,
    p: &ParagraphStyle,
) -> (Vec<(Point, Item)>, Option<Shortfall>) {
    let font = style.font;
    let spec = ParagraphSpec {
        width: at.w,
        height: at.h,
        size: style.size,
        leading: p.leading,
        shrink: p.shrink,
        split_words: p.split_words,
    };
    let set = paragraph(text, spec, &|s| fonts.width_em(font, s));
    let size = set.size;
    let block = p.leading * size * set.lines.len() as f64;
    let lead = match p.legacy_leading {
        Some(l) if text.contains(['-', '\n']) => l * size,
        _ => p.leading * size,
    };
    // Down from the box's top to the top of the lines.
    let top = match p.valign {
        VAlign::Top => 0.0,
        VAlign::Middle => (at.h - block) / 2.0,
        VAlign::Bottom => at.h - block,
    };
    // Items relative to the box's top-left corner, y up, so that the turn
    // is one transform about it.
    let mut items = Vec::new();
    let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for (i, line) in set.lines.iter().enumerate() {
        let runs = fonts.runs(font, &line.text);
        let width: f64 = runs.iter().map(|r| r.width_em).sum::<f64>() * size;
        let rtl = crate::fonts::reads_right_to_left(&line.text);
        let x = match style.align {
            Align::Center => (at.w - width) / 2.0,
            Align::Left => 0.0,
            Align::Start if !rtl => 0.0,
            Align::End if rtl => 0.0,
            Align::Right | Align::Start | Align::End => at.w - width,
        };
        let baseline = -(top + size + lead * i as f64);
        extent = [
            extent[0].min(x),
            extent[1].min(baseline - size * 0.3),
            extent[2].max(x + width),
            extent[3].max(baseline + size),
        ];
        items.extend(place_line(runs, Point::new(x, baseline), size, style.colour));
    }
    let short = (p.shrink && size < style.min_size).then_some(Shortfall::BelowMinimum(size));
    if items.is_empty() {
        return (items, short);
    }
    // Clockwise by `rotate` degrees in y-up coordinates (ISO 32000 8.3.3).
    let (sin, cos) = libm::sincos(p.rotate.to_radians());
    let m = [cos, -sin, sin, cos, at.x, card.h - at.y];
    let corners = [
        (extent[0], extent[1]),
        (extent[2], extent[1]),
        (extent[0], extent[3]),
        (extent[2], extent[3]),
    ]
    .map(|(x, y)| (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]));
    let outside = corners.iter().any(|&(x, y)| x < 0.0 || y < 0.0 || x > card.w || y > card.h);
    let group = Item::Group { layer: None, transform: Some(m), clip: None, items };
    let item = if outside {
        Item::Group {
            layer: None,
            transform: None,
            clip: Some(Clip::rect(card.w, card.h)),
            items: vec![(Point::default(), group)],
        }
    } else {
        group
    };
    (vec![(Point::default(), item)], short)
}

/// One line's shaped runs as text items from `at` (the line's left end on
/// its baseline): placed left to right, written in reading order, so that
/// readers that keep content order (pdf.js, MuPDF) read a line that mixes
/// directions in the order it is read.
pub(super) fn place_line(
    runs: Vec<Run>,
    at: Point,
    size: f64,
    colour: Colour,
) -> impl Iterator<Item = (Point, Item)> {
    let mixed = runs.iter().any(|r| r.rtl) && runs.iter().any(|r| !r.rtl);
    let mut x = at.x;
    let mut placed = Vec::with_capacity(runs.len());
    for run in runs {
        let advance = run.width_em * size;
        placed.push((
            run.start,
            Point::new(x, at.y),
            Item::Text {
                font: run.font,
                size,
                colour,
                glyphs: run.glyphs,
                text: run.text,
                rtl: run.rtl,
                mixed,
            },
        ));
        x += advance;
    }
    placed.sort_by_key(|(start, _, _)| *start);
    placed.into_iter().map(|(_, at, item)| (at, item))
}
