//! Stock: turns a stock's name (a preset such as `avery-5392`, one of
//! pretix's badge sheets, a product of gLabels' database) into the fixed
//! slots of a sheet of pre-cut or perforated card or labels.
//!
//! Plain paper (`--sheet a4`) gets as many cards as fit, centred, with crop
//! marks; a stock instead fixes the paper, the card size and where every
//! slot is, because the stock is already cut. So a stock draws no crop
//! marks (there is nothing left to cut), takes only its own card size, and
//! allows only as much bleed as its gutters and margins (and its maker)
//! leave room for.

pub mod catalogue;
pub mod glabels;
pub mod pretix_sheets;

use std::borrow::Cow;

use crate::frame::Point;
use crate::units::{mm, Size, PT_PER_MM};

/// Points per inch.
const IN: f64 = 72.0;

/// Where a stock comes from; the prefix of its qualified name
/// (`glabels:Avery L4784`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// laminate's own presets.
    Laminate,
    /// pretix's badge sheets.
    Pretix,
    /// A gLabels database.
    Glabels,
}

impl Origin {
    /// The prefix of qualified names.
    pub fn prefix(self) -> &'static str {
        match self {
            Origin::Laminate => "laminate",
            Origin::Pretix => "pretix",
            Origin::Glabels => "glabels",
        }
    }
}

/// The outline of a stock's slots, which the die line (`--cut-contour`)
/// follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// Cut to the card: the pass template's own outline and corners.
    Card,
    /// A rectangular label with corners rounded by this radius in pt.
    Rect {
        /// Corner radius in pt (0: square corners).
        radius: f64,
    },
    /// A round label as wide as the card.
    Round,
}

/// One run of slots (gLabels' `Layout`): `nx` across and `ny` down, the
/// first one's top-left corner `x0`, `y0` from the paper's top-left
/// corner, neighbours `dx` and `dy` apart (edge to edge). In pt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// Slots across.
    pub nx: usize,
    /// Slots down.
    pub ny: usize,
    /// From the paper's left edge to the first slot's, in pt.
    pub x0: f64,
    /// From the paper's top edge to the first slot's, in pt.
    pub y0: f64,
    /// From one slot's left edge to the next one's, in pt.
    pub dx: f64,
    /// From one slot's top edge to the next one's, in pt.
    pub dy: f64,
}

/// A grid of `cols` by `rows` cards of `card`, the first `left` and `top`
/// from the paper's edges, `gutter_x` and `gutter_y` between them (pt).
const fn grid(
    card: Size,
    cols: usize,
    rows: usize,
    left: f64,
    top: f64,
    gutter_x: f64,
    gutter_y: f64,
) -> Layout {
    Layout { nx: cols, ny: rows, x0: left, y0: top, dx: card.w + gutter_x, dy: card.h + gutter_y }
}

/// A sheet of pre-cut stock. Lengths in pt; the paper is as it goes into
/// the printer.
#[derive(Clone, Debug, PartialEq)]
pub struct Stock {
    /// The name `--sheet` knows it by: a preset's, pretix's key, or
    /// gLabels' brand and part.
    pub name: Cow<'static, str>,
    /// The product a pretix sheet is for (`Avery L4785`), which it also answers to.
    pub product: Option<Cow<'static, str>>,
    /// What it is, for `laminate stocks`.
    pub description: Cow<'static, str>,
    /// The paper in pt.
    pub paper: Size,
    /// The name of the paper size, for listings.
    pub paper_name: Cow<'static, str>,
    /// One slot (the finished card, or the label's box) in pt.
    pub card: Size,
    /// The slots' outline.
    pub shape: Shape,
    /// Where the slots are.
    pub layouts: Cow<'static, [Layout]>,
    /// The most bleed its maker allows around a slot, in pt (gLabels'
    /// `waste`), when it says; the gaps between slots limit it either way.
    pub waste: Option<f64>,
    /// Where it comes from.
    pub origin: Origin,
    /// Where the dimensions come from, for listings.
    pub source: Cow<'static, str>,
}

const A4: Size = Size { w: 210.0 * PT_PER_MM, h: 297.0 * PT_PER_MM };
const LETTER: Size = Size { w: 8.5 * IN, h: 11.0 * IN };
const CR80: Size = Size { w: 85.6 * PT_PER_MM, h: 54.0 * PT_PER_MM };
const BADGE_4X3: Size = Size { w: 4.0 * IN, h: 3.0 * IN };
const A6: Size = Size { w: 105.0 * PT_PER_MM, h: 148.0 * PT_PER_MM };
const STICKY: Size = Size { w: 80.0 * PT_PER_MM, h: 50.0 * PT_PER_MM };

/// A built-in preset.
const fn preset(
    name: &'static str,
    description: &'static str,
    paper: (Size, &'static str),
    card: Size,
    layouts: &'static [Layout],
    source: &'static str,
) -> Stock {
    Stock {
        name: Cow::Borrowed(name),
        product: None,
        description: Cow::Borrowed(description),
        paper: paper.0,
        paper_name: Cow::Borrowed(paper.1),
        card,
        shape: Shape::Card,
        layouts: Cow::Borrowed(layouts),
        waste: None,
        origin: Origin::Laminate,
        source: Cow::Borrowed(source),
    }
}

/// Every preset `--sheet` knows.
pub const STOCKS: &[Stock] = &[
    // laminate's own layout for A4 sheets of eight CR80 cards (PVC, Teslin or
    // micro-perforated card): symmetric, 15 mm side and 25.5 mm top and
    // bottom margins, gutters that leave room for a 3 mm bleed.
    preset(
        "a4-8up-cr80",
        "A4 with 8 CR80 cards (credit-card size), pre-cut or micro-perforated",
        (A4, "A4"),
        CR80,
        &[grid(CR80, 2, 4, 15.0 * PT_PER_MM, 25.5 * PT_PER_MM, 8.8 * PT_PER_MM, 10.0 * PT_PER_MM)],
        "laminate's layout",
    ),
    // laminate's own layout for US Letter with four 4 x 3 in badges:
    // 1/8 in side margins, a 1/4 in gutter between the columns (room for a
    // 1/8 in bleed), 1 3/4 in top and bottom, 1 1/2 in between the rows.
    preset(
        "letter-4up-4x3",
        "US Letter with 4 badges of 4 x 3 in, pre-cut",
        (LETTER, "Letter"),
        BADGE_4X3,
        &[grid(BADGE_4X3, 2, 2, 0.125 * IN, 1.75 * IN, 0.25 * IN, 1.5 * IN)],
        "laminate's layout",
    ),
    // A4 perforated into four A6 (105 x 148 mm) leaves: A4 is 2 x 2 A6 but
    // for 1 mm of height, split between the top and the bottom edge.
    preset(
        "a4-4up-a6",
        "A4 perforated into 4 A6 cards",
        (A4, "A4"),
        A6,
        &[grid(A6, 2, 2, 0.0, 0.5 * PT_PER_MM, 0.0, 0.0)],
        "A4 and A6 of ISO 216",
    ),
    // laminate's own layout for A4 sheets of ten 80 x 50 mm stick-on passes
    // (the built-in sticky type) on satin or vinyl sticker stock, kiss-cut
    // by a plotter along the --cut-contour line: 20 mm side margins and a
    // 10 mm gutter, 11.5 mm top and bottom and 6 mm between the rows, so a
    // 3 mm bleed stays off the neighbours.
    preset(
        "a4-10up-sticky",
        "A4 sticker sheet with 10 stick-on passes of 80 x 50 mm, cut along --cut-contour",
        (A4, "A4"),
        STICKY,
        &[grid(
            STICKY,
            2,
            5,
            20.0 * PT_PER_MM,
            11.5 * PT_PER_MM,
            10.0 * PT_PER_MM,
            6.0 * PT_PER_MM,
        )],
        "laminate's layout",
    ),
    // Avery 5392 insertable name badges, 4 x 3 in, 6 per Letter sheet:
    // 2 columns x 3 rows, 0.25 in side margins, 1 in top and bottom
    // margins, no gutters. Dimensions as published in Paper::Specs
    // (CPAN, Paper-Specs-0.10, lib/Paper/Specs/Avery/5392.pm:
    // sheet 8.5 x 11, label 4 x 3, 3 rows, 2 cols, margin_left 0.25,
    // margin_top 1, margin_right 0.25, margin_bottom 1, units in).
    preset(
        "avery-5392",
        "Avery 5392 name badge inserts, 6 badges of 4 x 3 in on Letter",
        (LETTER, "Letter"),
        BADGE_4X3,
        &[grid(BADGE_4X3, 2, 3, 0.25 * IN, 1.0 * IN, 0.0, 0.0)],
        "Avery 5392 as published (Paper::Specs::Avery::5392)",
    ),
];

/// The preset of this name (case does not matter).
pub fn find(name: &str) -> Option<&'static Stock> {
    STOCKS.iter().find(|s| s.name.eq_ignore_ascii_case(name.trim()))
}

/// A name as `--sheet` compares it: lower case, without white space.
pub fn key(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Slack in comparing a card with a database's label, in pt: gLabels' own
/// (0.5 pt, about 0.2 mm), so that `85x55mm` takes a label stored as
/// 240.945 pt wide.
pub const LABEL_SLACK: f64 = 0.5;

impl Stock {
    /// The name with its source in front (`glabels:Avery L4785`), which
    /// `--sheet` takes when two sources give a name to different stocks.
    pub fn qualified(&self) -> String {
        format!("{}:{}", self.origin.prefix(), self.name)
    }

    /// Slots on a sheet.
    pub fn count(&self) -> usize {
        self.layouts.iter().map(|l| l.nx * l.ny).sum()
    }

    /// True when a card of this size goes in the slots: the slot's size
    /// (a database's label to within [`LABEL_SLACK`]; a round label's box).
    pub fn takes(&self, card: Size) -> bool {
        match self.origin {
            Origin::Laminate => card.same_as(self.card),
            Origin::Pretix | Origin::Glabels => {
                (card.w - self.card.w).abs() <= LABEL_SLACK
                    && (card.h - self.card.h).abs() <= LABEL_SLACK
            }
        }
    }

    /// Top-left corners of the slots from the paper's top-left corner, in
    /// reading order (top to bottom, then left to right), as gLabels
    /// numbers its labels.
    fn corners(&self) -> Vec<(f64, f64)> {
        let mut out = Vec::with_capacity(self.count());
        for l in self.layouts.iter() {
            for iy in 0..l.ny {
                for ix in 0..l.nx {
                    out.push((l.x0 + ix as f64 * l.dx, l.y0 + iy as f64 * l.dy));
                }
            }
        }
        // Stable: one layout's rows are already in order.
        out.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.total_cmp(&b.0)));
        out
    }

    /// Slots in the order they are filled, row by row from the top left:
    /// the bottom-left corner of each card's trim, in pt from the paper's
    /// bottom-left corner (PDF user space, ISO 32000 8.3.2.3). A card a
    /// little off a database label's size sits in the label's middle.
    pub fn slots_for(&self, card: Size) -> Vec<Point> {
        let (sx, sy) = ((self.card.w - card.w) / 2.0, (self.card.h - card.h) / 2.0);
        self.corners()
            .into_iter()
            .map(|(x, y)| {
                let top = self.paper.h - y;
                Point::new(x + sx, top - self.card.h + sy)
            })
            .collect()
    }

    /// The slots for the stock's own card size.
    pub fn slots(&self) -> Vec<Point> {
        self.slots_for(self.card)
    }

    /// The most bleed, in pt, that stays off the neighbouring slots and on
    /// the paper (half of each gap between slots, and each margin), and
    /// within the maker's allowance when it gives one.
    pub fn max_bleed(&self) -> f64 {
        let (w, h) = (self.card.w, self.card.h);
        let corners = self.corners();
        let mut room = f64::INFINITY;
        for &(x, y) in &corners {
            room = room.min(x).min(y).min(self.paper.w - x - w).min(self.paper.h - y - h);
        }
        // Within a layout: half of each gutter.
        for l in self.layouts.iter() {
            if l.nx > 1 {
                room = room.min((l.dx - w) / 2.0);
            }
            if l.ny > 1 {
                room = room.min((l.dy - h) / 2.0);
            }
        }
        // Between layouts: half the gap between any two slots.
        if self.layouts.len() > 1 {
            for (i, a) in corners.iter().enumerate() {
                for b in &corners[i + 1..] {
                    let gap_x = (b.0 - a.0).abs() - w;
                    let gap_y = (b.1 - a.1).abs() - h;
                    room = room.min(gap_x.max(gap_y) / 2.0);
                }
            }
        }
        if let Some(waste) = self.waste {
            room = room.min(waste);
        }
        // Rounded to a billionth of a point, so that a gap of 6 mm allows
        // a bleed of 3 mm exactly whatever the rounding of its sum.
        ((room * 1e9).round() / 1e9).max(0.0)
    }

    /// The bleed used when `--bleed` is not given: 3 mm, or less when the
    /// stock has no room for it.
    pub fn default_bleed(&self) -> f64 {
        mm(3.0).min(self.max_bleed())
    }

    /// Labels that overlap or leave the paper by more than 1 mm (a few
    /// products of gLabels' database do): such a stock cannot be printed
    /// on as it is described. The first such label (from 1), if any.
    pub fn misplaced(&self) -> Option<usize> {
        let tol = mm(1.0);
        let (w, h) = (self.card.w, self.card.h);
        let corners = self.corners();
        for (i, &(x, y)) in corners.iter().enumerate() {
            if x < -tol || y < -tol || x + w > self.paper.w + tol || y + h > self.paper.h + tol {
                return Some(i + 1);
            }
            for &(bx, by) in &corners[i + 1..] {
                let apart = match self.shape {
                    Shape::Round => (bx - x).hypot(by - y) >= w - tol,
                    _ => (bx - x).abs() >= w - tol || (by - y).abs() >= h - tol,
                };
                if !apart {
                    return Some(i + 1);
                }
            }
        }
        None
    }

    /// The corner radius of the die line, in pt, when the stock decides it
    /// (a label's own outline; a round label's radius); `None`: the
    /// template's.
    pub fn die_radius(&self) -> Option<f64> {
        match self.shape {
            Shape::Card => None,
            Shape::Rect { radius } => Some(radius),
            Shape::Round => Some(self.card.w.min(self.card.h) / 2.0),
        }
    }

    // For listings of single-layout presets.
    fn grid(&self) -> Layout {
        self.layouts[0]
    }

    /// From the paper's right edge to the last column, in pt (presets).
    pub fn right(&self) -> f64 {
        let g = self.grid();
        self.paper.w
            - g.x0
            - g.nx as f64 * self.card.w
            - g.nx.saturating_sub(1) as f64 * (g.dx - self.card.w)
    }

    /// From the paper's bottom edge to the last row, in pt (presets).
    pub fn bottom(&self) -> f64 {
        let g = self.grid();
        self.paper.h
            - g.y0
            - g.ny as f64 * self.card.h
            - g.ny.saturating_sub(1) as f64 * (g.dy - self.card.h)
    }
}

/// A length in mm for listings: at most two decimals, no trailing zeros.
fn mm_text(pt: f64) -> String {
    let v = (crate::units::to_mm(pt) * 100.0).round() / 100.0;
    format!("{v} mm")
}

/// The heading of the presets in `laminate stocks`.
const PRESETS_HEADING: &str =
    "Stock presets (pre-cut: fixed slots, one card size, no crop marks):\n";

/// A preset in `laminate stocks`: paper, card size, slots, margins,
/// gutters, bleed and source.
fn write_preset(out: &mut String, s: &Stock) {
    use std::fmt::Write;
    let g = s.grid();
    let _ = writeln!(out, "{}: {}", s.name, s.description);
    let _ = writeln!(out, "  paper:   {} {}", s.paper_name, s.paper);
    let _ = writeln!(
        out,
        "  card:    {} ({} slots: {} across x {} down)",
        s.card,
        s.count(),
        g.nx,
        g.ny
    );
    let _ = writeln!(
        out,
        "  margins: left {}, right {}, top {}, bottom {}",
        mm_text(g.x0),
        mm_text(s.right()),
        mm_text(g.y0),
        mm_text(s.bottom())
    );
    let _ = writeln!(
        out,
        "  gutters: {} across, {} down",
        mm_text(g.dx - s.card.w),
        mm_text(g.dy - s.card.h)
    );
    let _ = writeln!(
        out,
        "  bleed:   at most {} (default {})",
        mm_text(s.max_bleed()),
        mm_text(s.default_bleed())
    );
    let _ = writeln!(out, "  source:  {}", s.source);
}

/// The presets and paper sizes part of `laminate stocks`.
pub fn listing() -> String {
    use std::fmt::Write;
    let mut out = String::from(PRESETS_HEADING);
    for s in STOCKS {
        write_preset(&mut out, s);
    }
    out.push_str(
        "\nPaper sizes (as many cards as fit, centred, 5 mm margin, crop marks; turned when more fit):\n",
    );
    for (name, w, h) in crate::units::SHEETS {
        let _ = writeln!(out, "{name}: {}", Size::new(*w, *h));
    }
    out.push_str("card: one pass per page, the page as small as bleed and marks allow\n");
    out.push_str("WxH: any paper size, e.g. 320x450mm or 12x18in\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::to_mm;

    #[test]
    fn every_preset_fits_its_paper_exactly() {
        for s in STOCKS {
            assert!(s.right() >= -1e-6 && s.bottom() >= -1e-6, "{}", s.name);
            assert_eq!(s.slots().len(), s.count());
            assert_eq!(s.misplaced(), None, "{}", s.name);
        }
        // Avery 5392: symmetric 0.25 in and 1 in margins, as published.
        let a = find("AVERY-5392").unwrap();
        assert!((a.right() - 18.0).abs() < 1e-9 && (a.bottom() - 72.0).abs() < 1e-9);
        assert_eq!(a.max_bleed(), 0.0);
        // The first slot's top-left corner is 0.25 in from the left, 1 in from the top.
        let s = a.slots()[0];
        assert!((s.x - 18.0).abs() < 1e-9 && (s.y + a.card.h - (11.0 - 1.0) * 72.0).abs() < 1e-9);
        let cr80 = find("a4-8up-cr80").unwrap();
        assert!((to_mm(cr80.right()) - 15.0).abs() < 1e-9);
        assert!((to_mm(cr80.bottom()) - 25.5).abs() < 1e-9);
        assert!((to_mm(cr80.max_bleed()) - 4.4).abs() < 1e-9);
        assert!((to_mm(cr80.default_bleed()) - 3.0).abs() < 1e-9);
        // A 6 mm gap allows 3 mm of bleed exactly.
        assert_eq!(find("a4-10up-sticky").unwrap().default_bleed(), mm(3.0));
    }

    #[test]
    fn slots_of_two_layouts_are_in_reading_order_and_bleed_keeps_off_both() {
        // Two columns given as two layouts, the right one first: slots
        // come row by row across both, and the gap between the layouts
        // (4 mm) limits the bleed to 2 mm.
        let card = Size::new(mm(50.0), mm(30.0));
        let layouts = [
            Layout { nx: 1, ny: 2, x0: mm(64.0), y0: mm(10.0), dx: 0.0, dy: mm(40.0) },
            Layout { nx: 1, ny: 2, x0: mm(10.0), y0: mm(10.0), dx: 0.0, dy: mm(40.0) },
        ];
        let s = Stock {
            layouts: Cow::Owned(layouts.to_vec()),
            card,
            paper: Size::new(mm(150.0), mm(100.0)),
            origin: Origin::Glabels,
            shape: Shape::Round,
            waste: Some(mm(5.0)),
            ..STOCKS[0].clone()
        };
        let xs: Vec<f64> = s.slots().iter().map(|p| to_mm(p.x).round()).collect();
        assert_eq!(xs, [10.0, 64.0, 10.0, 64.0]);
        assert!((to_mm(s.max_bleed()) - 2.0).abs() < 1e-9);
        // A card within gLabels' slack of the label sits in its middle.
        assert!(s.takes(Size::new(card.w - 0.4, card.h)));
        assert!(!s.takes(Size::new(card.w - 0.6, card.h)));
        assert_eq!(s.die_radius(), Some(card.h / 2.0));
    }
}
