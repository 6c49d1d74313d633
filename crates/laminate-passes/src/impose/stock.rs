//! Stock presets: turns a preset name such as `avery-5392` into the fixed
//! slots of a sheet of pre-cut or perforated card stock.
//!
//! Plain paper (`--sheet a4`) gets as many cards as fit, centred, with crop
//! marks; a preset instead fixes the paper, the card size and where every
//! slot is, because the stock is already cut. So a preset draws no crop
//! marks (there is nothing left to cut), takes only its own card size, and
//! allows only as much bleed as its gutters and margins leave room for.

use crate::frame::Point;
use crate::units::{mm, Size, PT_PER_MM};

/// Points per inch.
const IN: f64 = 72.0;

/// A sheet of pre-cut stock. Lengths in pt; the paper is portrait as it
/// goes into the printer.
#[derive(Debug, PartialEq)]
pub struct Stock {
    /// The name `--sheet` knows it by.
    pub name: &'static str,
    /// What it is, for `laminate stocks`.
    pub description: &'static str,
    /// The paper in pt.
    pub paper: Size,
    /// The name of the paper size, for listings.
    pub paper_name: &'static str,
    /// One slot (the finished card) in pt.
    pub card: Size,
    /// Columns of slots.
    pub cols: usize,
    /// Rows of slots.
    pub rows: usize,
    /// From the paper's left edge to the first column's left edge, in pt.
    pub left: f64,
    /// From the paper's top edge to the first row's top edge, in pt.
    pub top: f64,
    /// Between neighbouring columns, in pt.
    pub gutter_x: f64,
    /// Between neighbouring rows, in pt.
    pub gutter_y: f64,
    /// Where the dimensions come from.
    pub source: &'static str,
}

/// Every preset `--sheet` knows.
pub const STOCKS: &[Stock] = &[
    // laminate's own layout for A4 sheets of eight CR80 cards (PVC, Teslin or
    // micro-perforated card): symmetric, 15 mm side and 25.5 mm top and
    // bottom margins, gutters that leave room for a 3 mm bleed.
    Stock {
        name: "a4-8up-cr80",
        description: "A4 with 8 CR80 cards (credit-card size), pre-cut or micro-perforated",
        paper: Size { w: 210.0 * PT_PER_MM, h: 297.0 * PT_PER_MM },
        paper_name: "A4",
        card: Size { w: 85.6 * PT_PER_MM, h: 54.0 * PT_PER_MM },
        cols: 2,
        rows: 4,
        left: 15.0 * PT_PER_MM,
        top: 25.5 * PT_PER_MM,
        gutter_x: 8.8 * PT_PER_MM,
        gutter_y: 10.0 * PT_PER_MM,
        source: "laminate's layout",
    },
    // laminate's own layout for US Letter with four 4 x 3 in badges:
    // 1/8 in side margins, a 1/4 in gutter between the columns (room for a
    // 1/8 in bleed), 1 3/4 in top and bottom, 1 1/2 in between the rows.
    Stock {
        name: "letter-4up-4x3",
        description: "US Letter with 4 badges of 4 x 3 in, pre-cut",
        paper: Size { w: 8.5 * IN, h: 11.0 * IN },
        paper_name: "Letter",
        card: Size { w: 4.0 * IN, h: 3.0 * IN },
        cols: 2,
        rows: 2,
        left: 0.125 * IN,
        top: 1.75 * IN,
        gutter_x: 0.25 * IN,
        gutter_y: 1.5 * IN,
        source: "laminate's layout",
    },
    // A4 perforated into four A6 (105 x 148 mm) leaves: A4 is 2 x 2 A6 but
    // for 1 mm of height, split between the top and the bottom edge.
    Stock {
        name: "a4-4up-a6",
        description: "A4 perforated into 4 A6 cards",
        paper: Size { w: 210.0 * PT_PER_MM, h: 297.0 * PT_PER_MM },
        paper_name: "A4",
        card: Size { w: 105.0 * PT_PER_MM, h: 148.0 * PT_PER_MM },
        cols: 2,
        rows: 2,
        left: 0.0,
        top: 0.5 * PT_PER_MM,
        gutter_x: 0.0,
        gutter_y: 0.0,
        source: "A4 and A6 of ISO 216",
    },
    // laminate's own layout for A4 sheets of ten 80 x 50 mm stick-on passes
    // (the built-in sticky type) on satin or vinyl sticker stock, kiss-cut
    // by a plotter along the --cut-contour line: 20 mm side margins and a
    // 10 mm gutter, 11.5 mm top and bottom and 6 mm between the rows, so a
    // 3 mm bleed stays off the neighbours.
    Stock {
        name: "a4-10up-sticky",
        description:
            "A4 sticker sheet with 10 stick-on passes of 80 x 50 mm, cut along --cut-contour",
        paper: Size { w: 210.0 * PT_PER_MM, h: 297.0 * PT_PER_MM },
        paper_name: "A4",
        card: Size { w: 80.0 * PT_PER_MM, h: 50.0 * PT_PER_MM },
        cols: 2,
        rows: 5,
        left: 20.0 * PT_PER_MM,
        top: 11.5 * PT_PER_MM,
        gutter_x: 10.0 * PT_PER_MM,
        gutter_y: 6.0 * PT_PER_MM,
        source: "laminate's layout",
    },
    // Avery 5392 insertable name badges, 4 x 3 in, 6 per Letter sheet:
    // 2 columns x 3 rows, 0.25 in side margins, 1 in top and bottom
    // margins, no gutters. Dimensions as published in Paper::Specs
    // (CPAN, Paper-Specs-0.10, lib/Paper/Specs/Avery/5392.pm:
    // sheet 8.5 x 11, label 4 x 3, 3 rows, 2 cols, margin_left 0.25,
    // margin_top 1, margin_right 0.25, margin_bottom 1, units in).
    Stock {
        name: "avery-5392",
        description: "Avery 5392 name badge inserts, 6 badges of 4 x 3 in on Letter",
        paper: Size { w: 8.5 * IN, h: 11.0 * IN },
        paper_name: "Letter",
        card: Size { w: 4.0 * IN, h: 3.0 * IN },
        cols: 2,
        rows: 3,
        left: 0.25 * IN,
        top: 1.0 * IN,
        gutter_x: 0.0,
        gutter_y: 0.0,
        source: "Avery 5392 as published (Paper::Specs::Avery::5392)",
    },
];

/// The preset of this name (case does not matter).
pub fn find(name: &str) -> Option<&'static Stock> {
    STOCKS.iter().find(|s| s.name.eq_ignore_ascii_case(name.trim()))
}

impl Stock {
    /// From the paper's right edge to the last column, in pt.
    pub fn right(&self) -> f64 {
        self.paper.w - self.left - self.cols as f64 * self.card.w - self.gaps_x()
    }

    /// From the paper's bottom edge to the last row, in pt.
    pub fn bottom(&self) -> f64 {
        self.paper.h - self.top - self.rows as f64 * self.card.h - self.gaps_y()
    }

    fn gaps_x(&self) -> f64 {
        self.cols.saturating_sub(1) as f64 * self.gutter_x
    }

    fn gaps_y(&self) -> f64 {
        self.rows.saturating_sub(1) as f64 * self.gutter_y
    }

    /// Slots in the order they are filled, row by row from the top left:
    /// the bottom-left corner of each card's trim, in pt from the paper's
    /// bottom-left corner (PDF user space, ISO 32000 8.3.2.3).
    pub fn slots(&self) -> Vec<Point> {
        let mut slots = Vec::with_capacity(self.cols * self.rows);
        for r in 0..self.rows {
            for c in 0..self.cols {
                let x = self.left + c as f64 * (self.card.w + self.gutter_x);
                let top = self.paper.h - self.top - r as f64 * (self.card.h + self.gutter_y);
                slots.push(Point::new(x, top - self.card.h));
            }
        }
        slots
    }

    /// The most bleed, in pt, that stays off the neighbouring slots and on
    /// the paper: half of each gutter between slots, and each margin.
    pub fn max_bleed(&self) -> f64 {
        let mut room = [self.left, self.right(), self.top, self.bottom()]
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        if self.cols > 1 {
            room = room.min(self.gutter_x / 2.0);
        }
        if self.rows > 1 {
            room = room.min(self.gutter_y / 2.0);
        }
        room.max(0.0)
    }

    /// The bleed used when `--bleed` is not given: 3 mm, or less when the
    /// stock has no room for it.
    pub fn default_bleed(&self) -> f64 {
        mm(3.0).min(self.max_bleed())
    }
}

/// A length in mm for listings: at most two decimals, no trailing zeros.
fn mm_text(pt: f64) -> String {
    let v = (crate::units::to_mm(pt) * 100.0).round() / 100.0;
    format!("{v} mm")
}

/// The text of `laminate stocks`: every preset with its paper, card size,
/// slots, margins and gutters, then the plain paper sizes.
pub fn listing() -> String {
    use std::fmt::Write;
    let mut out =
        String::from("Stock presets (pre-cut: fixed slots, one card size, no crop marks):\n");
    for s in STOCKS {
        let _ = writeln!(out, "{}: {}", s.name, s.description);
        let _ = writeln!(out, "  paper:   {} {}", s.paper_name, s.paper);
        let _ = writeln!(
            out,
            "  card:    {} ({} slots: {} across x {} down)",
            s.card,
            s.cols * s.rows,
            s.cols,
            s.rows
        );
        let _ = writeln!(
            out,
            "  margins: left {}, right {}, top {}, bottom {}",
            mm_text(s.left),
            mm_text(s.right()),
            mm_text(s.top),
            mm_text(s.bottom())
        );
        let _ = writeln!(
            out,
            "  gutters: {} across, {} down",
            mm_text(s.gutter_x),
            mm_text(s.gutter_y)
        );
        let _ = writeln!(
            out,
            "  bleed:   at most {} (default {})",
            mm_text(s.max_bleed()),
            mm_text(s.default_bleed())
        );
        let _ = writeln!(out, "  source:  {}", s.source);
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
            assert_eq!(s.slots().len(), s.cols * s.rows);
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
    }
}
