//! pretix's badge sheets: the sheet options of pretix's badge exporter (its
//! `rendering` choice), as stocks under pretix's own keys.
//!
//! Facts from pretix 2026.8.0, `pretix/plugins/badges/exporters.py`,
//! `OPTIONS`: columns, rows, margins (top, right, bottom, left), offsets
//! (the pitch) and paper. pretix places badge i of a page at x = left +
//! (i mod columns) x offset, y = bottom + (rows - 1 - i div columns) x
//! offset (PDF space, y up), so only its left and bottom margins count; the
//! badge's size is the layout's own, which each option's name states (a
//! landscape badge where the offsets are wider than tall).

use std::borrow::Cow;

use super::{Layout, Origin, Shape, Stock};
use crate::units::{Size, PT_PER_MM};

const MM: f64 = PT_PER_MM;
const IN: f64 = 72.0;
const A4: Size = Size { w: 210.0 * MM, h: 297.0 * MM };
const A4_LANDSCAPE: Size = Size { w: 297.0 * MM, h: 210.0 * MM };
const LETTER: Size = Size { w: 8.5 * IN, h: 11.0 * IN };

/// One of pretix's sheet options: its key, its name in pretix, the product
/// it is for (brand and part), paper, badge size, columns, rows, left and
/// bottom margin and pitch, in pt.
struct Sheet {
    key: &'static str,
    title: &'static str,
    product: Option<&'static str>,
    paper: (Size, &'static str),
    card: Size,
    cols: usize,
    rows: usize,
    left: f64,
    bottom: f64,
    pitch: (f64, f64),
}

/// pretix's sheet options, in pretix's order (its `one`, one badge a page,
/// is `--sheet card`).
const SHEETS: &[Sheet] = &[
    Sheet {
        key: "a4_a6l",
        title: "4 landscape A6 pages on one A4 page",
        product: None,
        paper: (A4_LANDSCAPE, "A4 landscape"),
        card: Size { w: 148.0 * MM, h: 105.0 * MM },
        cols: 2,
        rows: 2,
        left: 0.0,
        bottom: 0.0,
        pitch: (A4_LANDSCAPE.w / 2.0, A4_LANDSCAPE.h / 2.0),
    },
    Sheet {
        key: "a4_a6p",
        title: "4 portrait A6 pages on one A4 page",
        product: None,
        paper: (A4, "A4"),
        card: Size { w: 105.0 * MM, h: 148.0 * MM },
        cols: 2,
        rows: 2,
        left: 0.0,
        bottom: 0.0,
        pitch: (A4.w / 2.0, A4.h / 2.0),
    },
    Sheet {
        key: "a4_a7l",
        title: "8 landscape A7 pages on one A4 page",
        product: None,
        paper: (A4, "A4"),
        card: Size { w: 105.0 * MM, h: 74.0 * MM },
        cols: 2,
        rows: 4,
        left: 0.0,
        bottom: 0.0,
        pitch: (A4.w / 2.0, A4.h / 4.0),
    },
    Sheet {
        key: "a4_a7p",
        title: "8 portrait A7 pages on one A4 page",
        product: None,
        paper: (A4_LANDSCAPE, "A4 landscape"),
        card: Size { w: 74.0 * MM, h: 105.0 * MM },
        cols: 4,
        rows: 2,
        left: 0.0,
        bottom: 0.0,
        pitch: (A4_LANDSCAPE.w / 4.0, A4_LANDSCAPE.h / 2.0),
    },
    Sheet {
        key: "avery_63x29",
        title: "Avery Zweckform 63.5 x 29.6 mm (L4784)",
        product: Some("Avery L4784"),
        paper: (A4, "A4"),
        card: Size { w: 63.5 * MM, h: 29.6 * MM },
        cols: 3,
        rows: 9,
        left: 7.15 * MM,
        bottom: 15.3 * MM,
        pitch: (66.1 * MM, 29.6 * MM),
    },
    Sheet {
        key: "avery_4inx3in",
        title: "Avery 4\" x 3\" (74459)",
        product: Some("Avery 74459"),
        paper: (LETTER, "Letter"),
        card: Size { w: 4.0 * IN, h: 3.0 * IN },
        cols: 2,
        rows: 3,
        left: 0.25 * IN,
        bottom: 1.0 * IN,
        pitch: (4.0 * IN, 3.0 * IN),
    },
    Sheet {
        key: "avery_80x50",
        title: "Avery Zweckform 80 x 50 mm (L4785)",
        product: Some("Avery L4785"),
        paper: (A4, "A4"),
        card: Size { w: 80.0 * MM, h: 50.0 * MM },
        cols: 2,
        rows: 5,
        left: 17.5 * MM,
        bottom: 13.5 * MM,
        pitch: (95.0 * MM, 55.0 * MM),
    },
    Sheet {
        key: "durable_54x90",
        title: "DURABLE BADGEMAKER® 54 x 90 mm (1445-02)",
        product: Some("Durable 1445-02"),
        paper: (A4, "A4"),
        card: Size { w: 90.0 * MM, h: 54.0 * MM },
        cols: 2,
        rows: 5,
        left: 15.0 * MM,
        bottom: 15.0 * MM,
        pitch: (90.0 * MM, 54.0 * MM),
    },
    Sheet {
        key: "durable_40x75",
        title: "DURABLE BADGEMAKER® 40 x 75 mm (1453-02)",
        product: Some("Durable 1453-02"),
        paper: (A4, "A4"),
        card: Size { w: 75.0 * MM, h: 40.0 * MM },
        cols: 2,
        rows: 6,
        left: 30.0 * MM,
        bottom: 28.5 * MM,
        pitch: (75.0 * MM, 40.0 * MM),
    },
    Sheet {
        key: "durable_60x90",
        title: "DURABLE BADGEMAKER® 60 x 90 mm (1456-02)",
        product: Some("Durable 1456-02"),
        paper: (A4, "A4"),
        card: Size { w: 90.0 * MM, h: 60.0 * MM },
        cols: 2,
        rows: 4,
        left: 15.0 * MM,
        bottom: 28.5 * MM,
        pitch: (90.0 * MM, 60.0 * MM),
    },
    Sheet {
        key: "durable_fix_40x75",
        title: "DURABLE BADGEFIX® 40 x 75 mm (8334-02)",
        product: Some("Durable 8334-02"),
        paper: (A4, "A4"),
        card: Size { w: 75.0 * MM, h: 40.0 * MM },
        cols: 2,
        rows: 6,
        left: 30.0 * MM,
        bottom: 28.5 * MM,
        pitch: (75.0 * MM, 40.0 * MM),
    },
    Sheet {
        key: "herma_50x80",
        title: "HERMA 50 x 80 mm (4412)",
        product: Some("Herma 4412"),
        paper: (A4, "A4"),
        card: Size { w: 80.0 * MM, h: 50.0 * MM },
        cols: 2,
        rows: 5,
        left: 17.5 * MM,
        bottom: 13.5 * MM,
        pitch: (95.0 * MM, 55.0 * MM),
    },
    Sheet {
        key: "herma_40x40",
        title: "HERMA 40 x 40 mm (9642)",
        product: Some("Herma 9642"),
        paper: (A4, "A4"),
        card: Size { w: 40.0 * MM, h: 40.0 * MM },
        cols: 4,
        rows: 6,
        left: 15.0 * MM,
        bottom: 13.5 * MM,
        pitch: (46.0 * MM, 46.0 * MM),
    },
    Sheet {
        key: "herma_88.9x33.87",
        title: "HERMA 88,9 x 33,87 mm (4515)",
        product: Some("Herma 4515"),
        paper: (A4, "A4"),
        card: Size { w: 88.9 * MM, h: 33.87 * MM },
        cols: 2,
        rows: 8,
        left: 12.29 * MM,
        bottom: 13.03 * MM,
        pitch: (96.52 * MM, 33.87 * MM),
    },
    Sheet {
        key: "herma_90x60",
        title: "HERMA 90 x 60 mm (9012)",
        product: Some("Herma 9012"),
        paper: (A4, "A4"),
        card: Size { w: 90.0 * MM, h: 60.0 * MM },
        cols: 2,
        rows: 4,
        left: 10.0 * MM,
        bottom: 28.5 * MM,
        pitch: (100.0 * MM, 60.0 * MM),
    },
    Sheet {
        key: "lyreco_70x36",
        title: "Lyreco 70 x 36 mm (143.344)",
        product: Some("Lyreco 143.344"),
        paper: (A4, "A4"),
        card: Size { w: 70.0 * MM, h: 36.0 * MM },
        cols: 3,
        rows: 8,
        left: 0.0,
        bottom: 4.5 * MM,
        pitch: (70.0 * MM, 36.0 * MM),
    },
];

/// pretix's sheets as stocks.
pub fn stocks() -> Vec<Stock> {
    SHEETS
        .iter()
        .map(|o| {
            // pretix counts rows up from the bottom margin; a layout, down from the top.
            let top = o.paper.0.h - o.bottom - (o.rows - 1) as f64 * o.pitch.1 - o.card.h;
            Stock {
                name: Cow::Borrowed(o.key),
                product: o.product.map(Cow::Borrowed),
                description: Cow::Owned(format!("pretix's badge sheet \"{}\"", o.title)),
                paper: o.paper.0,
                paper_name: Cow::Borrowed(o.paper.1),
                card: o.card,
                shape: Shape::Card,
                layouts: Cow::Owned(vec![Layout {
                    nx: o.cols,
                    ny: o.rows,
                    x0: o.left,
                    y0: top,
                    dx: o.pitch.0,
                    dy: o.pitch.1,
                }]),
                waste: None,
                origin: Origin::Pretix,
                source: Cow::Borrowed("pretix 2026.8.0, its badge exporter's sheet table"),
            }
        })
        .collect()
}
