//! Imposition: turns card frames into sheets: an n-up grid on paper (or one
//! card per page), with bleed, crop marks and the page boxes a press needs.

pub mod calibrate;
pub mod stock;

use std::fmt;
use std::sync::Arc;

use crate::frame::{Frame, Point, Seg};
use crate::impose::stock::Stock;
use crate::units::{mm, Size};

/// What the cards are printed on.
#[derive(Clone, Debug, PartialEq)]
pub enum SheetSpec {
    /// One card per page, the page as small as bleed and marks allow.
    Card,
    /// Paper of this size (portrait; laminate turns it when more cards fit).
    Paper(Size),
    /// Pre-cut stock (a preset, one of pretix's sheets, a product of
    /// gLabels' database): fixed slots, one card size, no crop marks.
    Stock(Arc<Stock>),
}

/// Imposition choices, lengths in pt.
#[derive(Clone, Debug, PartialEq)]
pub struct ImposeOptions {
    /// The sheet.
    pub sheet: SheetSpec,
    /// Bleed around each card in pt.
    pub bleed: f64,
    /// Draw crop marks.
    pub crop_marks: bool,
    /// Least distance from the paper edge to anything printed, in pt.
    pub margin: f64,
    /// Print backs, turned over this edge.
    pub duplex: Option<Flip>,
    /// Slots already used on the first sheet (a partly used sheet of stock).
    pub start_at: usize,
    /// Draw registration targets at the midpoints of the sheet's edges.
    pub registration_marks: bool,
}

impl ImposeOptions {
    /// How many cards of this size a sheet holds (0 when none fits).
    pub fn capacity(&self, card: Size) -> usize {
        grid(card, self).map_or(0, |g| g.slots.len())
    }
}

/// Which edge a duplex sheet is turned over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flip {
    /// The long edge (most printers' default).
    Long,
    /// The short edge.
    Short,
}

/// Crop marks start this far outside the bleed (pt), so the cut never shows them.
pub const MARK_OFFSET: f64 = 0.5 * crate::units::PT_PER_MM;
/// Length of a crop mark in pt.
pub const MARK_LENGTH: f64 = 3.0 * crate::units::PT_PER_MM;
/// Line width of crop marks in pt.
pub const MARK_WIDTH: f64 = 0.25;
/// Largest radius of a registration target's circle in pt; its cross
/// reaches 1.5 radii from the centre.
pub const TARGET_RADIUS: f64 = 2.5 * crate::units::PT_PER_MM;
/// Smallest radius of a registration target in pt: below it a target is
/// too small to register by eye, and the sheet has no room for one.
pub const TARGET_MIN_RADIUS: f64 = 1.0 * crate::units::PT_PER_MM;
/// Clear space between a registration target and anything else, in pt.
const TARGET_GAP: f64 = 0.5 * crate::units::PT_PER_MM;
/// Room a one-card page gets on each side for registration targets, in pt.
const TARGET_BAND: f64 = 8.0 * crate::units::PT_PER_MM;
/// Font size of the slug line in pt.
pub const SLUG_SIZE: f64 = 6.0;

/// A rectangle in pt: left, bottom, right, top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left in pt.
    pub x0: f64,
    /// Bottom in pt.
    pub y0: f64,
    /// Right in pt.
    pub x1: f64,
    /// Top in pt.
    pub y1: f64,
}

impl Rect {
    fn union(self, o: Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    fn grow(self, d: f64) -> Rect {
        Rect { x0: self.x0 - d, y0: self.y0 - d, x1: self.x1 + d, y1: self.y1 + d }
    }
}

/// Where cards go on a sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// The sheet (media) size in pt.
    pub sheet: Size,
    /// The card (trim) size in pt.
    pub card: Size,
    /// Columns.
    pub cols: usize,
    /// Rows.
    pub rows: usize,
    /// Bottom-left trim corner of each slot, filled row by row from the top left.
    pub slots: Vec<Point>,
    /// Registration targets of the fronts (centre, radius in pt), if asked for.
    pub targets: Vec<(Point, f64)>,
}

/// A card that does not fit on the chosen sheet.
#[derive(Clone, Debug, PartialEq)]
pub struct DoesNotFit {
    /// The card.
    pub card: Size,
    /// The sheet.
    pub sheet: Size,
    /// The stock, when the sheet is one (its slots take one card size).
    pub stock: Option<Arc<Stock>>,
    /// Why not, when it is not the card's size (e.g. no room for registration marks).
    pub why: Option<String>,
}

impl fmt::Display for DoesNotFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(why) = &self.why {
            return f.write_str(why);
        }
        match &self.stock {
            Some(stock) => write!(
                f,
                "a {} card does not fit the {} slots of the {} stock",
                self.card, stock.card, stock.name
            ),
            None => write!(
                f,
                "a {} card with its bleed and crop marks does not fit on a {} sheet",
                self.card, self.sheet
            ),
        }
    }
}

impl std::error::Error for DoesNotFit {}

/// True when crop marks are drawn: asked for, and not on pre-cut stock
/// (which has nothing left to cut, and no room between its slots).
fn crop_marks(opts: &ImposeOptions) -> bool {
    opts.crop_marks && !matches!(opts.sheet, SheetSpec::Stock(_))
}

/// Space each card needs around its trim: bleed, then (with marks) a gap and the mark.
fn surround(opts: &ImposeOptions) -> f64 {
    opts.bleed + if crop_marks(opts) { MARK_OFFSET + MARK_LENGTH } else { 0.0 }
}

/// Computes the grid for a card size: as many cards as fit inside the margins,
/// each with room for its bleed and marks, the grid centred on the sheet.
pub fn grid(card: Size, opts: &ImposeOptions) -> Result<Grid, DoesNotFit> {
    if let SheetSpec::Stock(stock) = &opts.sheet {
        // Pre-cut stock: its own slots, for its own card size only.
        if !stock.takes(card) {
            return Err(DoesNotFit {
                card,
                sheet: stock.paper,
                stock: Some(stock.clone()),
                why: None,
            });
        }
        let slots = stock.slots_for(card);
        let first = stock.layouts.first().copied();
        let grid = Grid {
            sheet: stock.paper,
            card,
            cols: first.map_or(1, |l| l.nx),
            rows: first.map_or(1, |l| l.ny),
            slots,
            targets: vec![],
        };
        return with_targets(grid, opts);
    }
    let s = surround(opts);
    let pitch = Size::new(card.w + 2.0 * s, card.h + 2.0 * s);
    let (sheet, cols, rows) = match &opts.sheet {
        SheetSpec::Stock(_) => unreachable!("handled above"),
        // Registration targets need a band around a one-card page.
        SheetSpec::Card if opts.registration_marks => {
            (Size::new(pitch.w + 2.0 * TARGET_BAND, pitch.h + 2.0 * TARGET_BAND), 1, 1)
        }
        SheetSpec::Card => (Size::new(pitch.w, pitch.h), 1, 1),
        &SheetSpec::Paper(paper) => {
            let fit = |sheet: Size| {
                let cols =
                    ((sheet.w - 2.0 * opts.margin + 1e-6) / pitch.w).floor().max(0.0) as usize;
                let rows =
                    ((sheet.h - 2.0 * opts.margin + 1e-6) / pitch.h).floor().max(0.0) as usize;
                (sheet, cols, rows)
            };
            let portrait = fit(Size::new(paper.w.min(paper.h), paper.w.max(paper.h)));
            let landscape = fit(portrait.0.swapped());
            if landscape.1 * landscape.2 > portrait.1 * portrait.2 {
                landscape
            } else {
                portrait
            }
        }
    };
    if cols == 0 || rows == 0 {
        let paper = match &opts.sheet {
            &SheetSpec::Paper(p) => p,
            SheetSpec::Card | SheetSpec::Stock(_) => sheet,
        };
        return Err(DoesNotFit { card, sheet: paper, stock: None, why: None });
    }
    let x0 = (sheet.w - cols as f64 * pitch.w) / 2.0 + s;
    let y_top = sheet.h - (sheet.h - rows as f64 * pitch.h) / 2.0 - s;
    let mut slots = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            slots.push(Point::new(x0 + c as f64 * pitch.w, y_top - card.h - r as f64 * pitch.h));
        }
    }
    with_targets(Grid { sheet, card, cols, rows, slots, targets: vec![] }, opts)
}

/// Adds registration targets to a grid when they are asked for: one at the
/// midpoint of each edge of the sheet, centred in the free band between
/// the paper's edge and everything printed for the cards (bleed and crop
/// marks of every slot, front and back), as large as the narrowest band
/// allows up to [`TARGET_RADIUS`].
fn with_targets(mut grid: Grid, opts: &ImposeOptions) -> Result<Grid, DoesNotFit> {
    if !opts.registration_marks {
        return Ok(grid);
    }
    let s = surround(opts);
    let (card, sheet) = (grid.card, grid.sheet);
    let mut used: Option<Rect> = None;
    for &p in &grid.slots {
        let mut corners = vec![p];
        if let Some(flip) = opts.duplex {
            corners.push(back_position(p, card, sheet, flip));
        }
        for q in corners {
            let r = Rect { x0: q.x, y0: q.y, x1: q.x + card.w, y1: q.y + card.h }.grow(s);
            used = Some(used.map_or(r, |u| u.union(r)));
        }
    }
    let used = used.expect("a grid has a slot");
    // Left, right, bottom, top.
    let bands = [used.x0, sheet.w - used.x1, used.y0, sheet.h - used.y1];
    let narrowest = bands.iter().copied().fold(f64::INFINITY, f64::min);
    let radius = ((narrowest / 2.0 - TARGET_GAP - MARK_WIDTH / 2.0) / 1.5).min(TARGET_RADIUS);
    if radius < TARGET_MIN_RADIUS {
        let need = 2.0 * (1.5 * TARGET_MIN_RADIUS + TARGET_GAP) + MARK_WIDTH;
        let mm = |v: f64| (crate::units::to_mm(v) * 10.0).round() / 10.0;
        return Err(DoesNotFit {
            card,
            sheet,
            stock: None,
            why: Some(format!(
                "no room for registration marks on a {sheet} sheet of {card} cards: {} mm free at the narrowest edge, {} mm needed",
                mm(narrowest.max(0.0)),
                mm(need)
            )),
        });
    }
    grid.targets = vec![
        (Point::new(bands[0] / 2.0, sheet.h / 2.0), radius),
        (Point::new(sheet.w - bands[1] / 2.0, sheet.h / 2.0), radius),
        (Point::new(sheet.w / 2.0, bands[2] / 2.0), radius),
        (Point::new(sheet.w / 2.0, sheet.h - bands[3] / 2.0), radius),
    ];
    Ok(grid)
}

/// The lines of a registration target: a circle (four Bézier quarters)
/// and a cross through its centre reaching 1.5 radii out.
fn target_segs(c: Point, r: f64, out: &mut Vec<Seg>) {
    // Control-point distance for a quarter circle.
    const K: f64 = 0.552_284_749_830_793_4;
    let k = K * r;
    out.push(Seg::Move(c.x + r, c.y));
    out.push(Seg::Cubic(c.x + r, c.y + k, c.x + k, c.y + r, c.x, c.y + r));
    out.push(Seg::Cubic(c.x - k, c.y + r, c.x - r, c.y + k, c.x - r, c.y));
    out.push(Seg::Cubic(c.x - r, c.y - k, c.x - k, c.y - r, c.x, c.y - r));
    out.push(Seg::Cubic(c.x + k, c.y - r, c.x + r, c.y - k, c.x + r, c.y));
    out.push(Seg::Close);
    let a = 1.5 * r;
    out.push(Seg::Move(c.x - a, c.y));
    out.push(Seg::Line(c.x + a, c.y));
    out.push(Seg::Move(c.x, c.y - a));
    out.push(Seg::Line(c.x, c.y + a));
}

/// A finished sheet: a page of the PDF.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// Media size in pt.
    pub size: Size,
    /// The trim box: the cards' trims together (ISO 32000 14.11.2).
    pub trim: Rect,
    /// The bleed box, when there is bleed.
    pub bleed: Option<Rect>,
    /// The cards with the bottom-left corner of their trim.
    pub cards: Vec<(Point, Frame)>,
    /// Crop mark lines in sheet coordinates.
    pub marks: Vec<Seg>,
    /// The slug line: where its baseline starts (outside the trim), its
    /// text and its size in pt, if any.
    pub slug: Option<(Point, String, f64)>,
    /// A printer profile's correction, as the matrix of a `cm` operator
    /// wrapping the page's content (the page boxes stay nominal), if any.
    pub transform: Option<[f64; 6]>,
    /// Where the registration targets are (each one's extent), if any.
    pub targets: Vec<Rect>,
}

impl Sheet {
    /// Adds a slug line in the free band below the cards (between the
    /// lowest crop marks and the paper edge). A sheet without such a band
    /// (one card per page) gets none. `width_em` is the text's width at a
    /// size of 1 pt: the slug keeps clear of a registration target in the
    /// band, on its left or right, and is set smaller when neither side
    /// has room for it at [`SLUG_SIZE`].
    pub fn set_slug(&mut self, text: String, width_em: f64, opts: &ImposeOptions) {
        let lowest = self.trim.y0 - surround(opts);
        if lowest < mm(3.0) {
            return;
        }
        let y = lowest / 2.0 - 2.0;
        let (mut x, mut size) = (self.trim.x0, SLUG_SIZE);
        let in_line = |t: &&Rect| t.y1 > y - 0.3 * SLUG_SIZE && t.y0 < y + SLUG_SIZE;
        if let Some(t) = self.targets.iter().find(in_line) {
            let gap = mm(1.0);
            let width = width_em * SLUG_SIZE;
            let left = t.x0 - gap - self.trim.x0;
            let right = self.size.w - self.trim.x0 - (t.x1 + gap);
            if width > left {
                if width <= right || right > left {
                    x = t.x1 + gap;
                    size *= (right / width).min(1.0);
                } else {
                    size *= left / width;
                }
            }
        }
        self.slug = Some((Point::new(x, y), text, size));
    }
}

impl Sheet {
    /// A readable text form of the sheet: boxes, cards and their items.
    pub fn dump(&self) -> String {
        let r = |b: Rect| format!("[{:.2} {:.2} {:.2} {:.2}]", b.x0, b.y0, b.x1, b.y1);
        let mut out = format!(
            "sheet {:.2}x{:.2} trim={} bleed={} marks={}\n",
            self.size.w,
            self.size.h,
            r(self.trim),
            self.bleed.map_or("none".into(), r),
            self.marks.len() / 2
        );
        if let Some(m) = self.transform {
            out.push_str(&format!(
                "cm [{:.5} {:.5} {:.5} {:.5} {:.3} {:.3}]\n",
                m[0], m[1], m[2], m[3], m[4], m[5]
            ));
        }
        for (at, frame) in &self.cards {
            out.push_str(&format!(
                "card at {:.2},{:.2} size {:.2}x{:.2}\n",
                at.x, at.y, frame.size.w, frame.size.h
            ));
            crate::frame::dump(&frame.items, 1, &mut out);
        }
        out
    }
}

/// Fills sheets with cards as they come, one sheet at a time.
pub struct Imposer {
    opts: ImposeOptions,
    grid: Option<Grid>,
    cards: Vec<(Point, Frame)>,
    backs: Vec<(Point, Frame)>,
    sheets_made: usize,
    group: Option<usize>,
}

/// Where a card went: sheet and slot, both from 0, slots row by row from the top left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Sheet index.
    pub sheet: usize,
    /// Slot on the sheet.
    pub slot: usize,
}

impl Imposer {
    /// An imposer with the given options.
    pub fn new(opts: ImposeOptions) -> Self {
        Imposer {
            opts,
            grid: None,
            cards: Vec::new(),
            backs: Vec::new(),
            sheets_made: 0,
            group: None,
        }
    }

    /// Places a card (and its back, when printing duplex). Returns the
    /// sheets that this completes, each front followed by its back: the
    /// current sheet when it is full, or when this card has another size (a
    /// sheet holds one card size).
    pub fn push(
        &mut self,
        frame: Frame,
        back: Option<Frame>,
        group: usize,
    ) -> Result<(Vec<Sheet>, Placement), DoesNotFit> {
        let mut done = Vec::new();
        // A new card size, or a new group (with --group-by pass), starts a new sheet.
        let new_group = self.group.is_some_and(|g| g != group);
        if new_group || self.grid.as_ref().is_some_and(|g| !g.card.same_as(frame.size)) {
            done.extend(self.flush());
            self.grid = None;
        }
        self.group = Some(group);
        if self.grid.is_none() {
            self.grid = Some(grid(frame.size, &self.opts)?);
        }
        let grid = self.grid.as_ref().expect("set above");
        // On the first sheet, slots before --start-at are already used.
        let skip =
            if self.sheets_made == 0 { self.opts.start_at.min(grid.slots.len() - 1) } else { 0 };
        let index = skip + self.cards.len();
        let placement = Placement { sheet: self.sheets_made, slot: index };
        let slot = grid.slots[index];
        if let (Some(flip), Some(back)) = (self.opts.duplex, back) {
            self.backs.push((back_position(slot, grid.card, grid.sheet, flip), back));
        }
        self.cards.push((slot, frame));
        if index + 1 == grid.slots.len() {
            done.extend(self.flush());
        }
        Ok((done, placement))
    }

    /// The last, partly filled sheet (and its back), if any cards are waiting.
    pub fn finish(mut self) -> Vec<Sheet> {
        self.flush()
    }

    fn flush(&mut self) -> Vec<Sheet> {
        let Some(grid) = self.grid.as_ref() else { return vec![] };
        if self.cards.is_empty() {
            return vec![];
        }
        self.sheets_made += 1;
        let front = std::mem::take(&mut self.cards);
        let backs = std::mem::take(&mut self.backs);
        let mut done = vec![make_sheet(front, grid, &self.opts, false)];
        if !backs.is_empty() {
            done.push(make_sheet(backs, grid, &self.opts, true));
        }
        done
    }
}

/// Where the back of the card in a slot goes so that, once the sheet is
/// turned over, it sits exactly behind its front. Turning over the long edge
/// of a portrait sheet (or the short edge of a landscape one) mirrors left
/// and right; the other flips mirror top and bottom.
pub fn back_position(front: Point, card: Size, sheet: Size, flip: Flip) -> Point {
    let portrait = sheet.h >= sheet.w;
    let left_right = matches!((flip, portrait), (Flip::Long, true) | (Flip::Short, false));
    if left_right {
        Point::new(sheet.w - front.x - card.w, front.y)
    } else {
        Point::new(front.x, sheet.h - front.y - card.h)
    }
}

fn make_sheet(cards: Vec<(Point, Frame)>, grid: &Grid, opts: &ImposeOptions, back: bool) -> Sheet {
    let card = grid.card;
    let trims: Vec<Rect> = cards
        .iter()
        .map(|(p, _)| Rect { x0: p.x, y0: p.y, x1: p.x + card.w, y1: p.y + card.h })
        .collect();
    let trim = trims.iter().skip(1).fold(trims[0], |a, b| a.union(*b));
    let bleed = (opts.bleed > 0.0).then(|| trim.grow(opts.bleed));
    let mut marks = Vec::new();
    if crop_marks(opts) {
        let near = opts.bleed + MARK_OFFSET;
        let far = near + MARK_LENGTH;
        for r in &trims {
            for (x, y, sx, sy) in [
                (r.x0, r.y0, -1.0, -1.0),
                (r.x1, r.y0, 1.0, -1.0),
                (r.x0, r.y1, -1.0, 1.0),
                (r.x1, r.y1, 1.0, 1.0),
            ] {
                // Along each edge that meets the corner, outward from the bleed.
                marks.push(Seg::Move(x + sx * near, y));
                marks.push(Seg::Line(x + sx * far, y));
                marks.push(Seg::Move(x, y + sy * near));
                marks.push(Seg::Line(x, y + sy * far));
            }
        }
    }
    // Registration targets on a back sit behind those of its front.
    let mut targets = Vec::new();
    for &(c, r) in &grid.targets {
        let a = 1.5 * r + MARK_WIDTH / 2.0;
        let c = match (back, opts.duplex) {
            (true, Some(flip)) => {
                let p = back_position(
                    Point::new(c.x - a, c.y - a),
                    Size::new(2.0 * a, 2.0 * a),
                    grid.sheet,
                    flip,
                );
                Point::new(p.x + a, p.y + a)
            }
            _ => c,
        };
        target_segs(c, r, &mut marks);
        targets.push(Rect { x0: c.x - a, y0: c.y - a, x1: c.x + a, y1: c.y + a });
    }
    Sheet { size: grid.sheet, trim, bleed, cards, marks, slug: None, transform: None, targets }
}

/// The default least distance from the paper edge, in pt.
pub fn default_margin() -> f64 {
    mm(5.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::{mm, parse_card, to_mm, SHEETS};

    fn opts(sheet: SheetSpec) -> ImposeOptions {
        ImposeOptions {
            sheet,
            bleed: mm(3.0),
            crop_marks: true,
            margin: default_margin(),
            duplex: None,
            start_at: 0,
            registration_marks: false,
        }
    }

    fn a4() -> SheetSpec {
        SheetSpec::Paper(Size::new(SHEETS[0].1, SHEETS[0].2))
    }

    #[test]
    fn a4_takes_eight_cr80() {
        let g = grid(parse_card("cr80").unwrap(), &opts(a4())).unwrap();
        assert_eq!((g.cols, g.rows), (2, 4));
        // Centred: equal space left and right of the grid.
        let left = g.slots[0].x;
        let right = g.sheet.w - (g.slots[1].x + g.card.w);
        assert!((left - right).abs() < 1e-9);
        // Neighbours are one card plus two surrounds apart: bleeds and marks never overlap.
        let gap = g.slots[1].x - (g.slots[0].x + g.card.w);
        assert!((to_mm(gap) - 13.0).abs() < 1e-9, "{}", to_mm(gap));
    }

    #[test]
    fn turns_the_paper_when_more_fit() {
        // 4 x 3 in landscape cards: A4 portrait holds 1 x 3, landscape 2 x 2.
        let g = grid(parse_card("4x3in").unwrap(), &opts(a4())).unwrap();
        assert_eq!((g.cols, g.rows), (2, 2));
        assert!(g.sheet.w > g.sheet.h);
        // Portrait 4 x 3 in cards: portrait A4 holds 2 x 2 and is kept on a tie.
        let g = grid(parse_card("4x3in portrait").unwrap(), &opts(a4())).unwrap();
        assert_eq!(g.cols * g.rows, 4);
        assert!(g.sheet.h > g.sheet.w);
        // A long thin card fits better across a landscape sheet.
        let g = grid(Size::new(mm(250.0), mm(20.0)), &opts(a4())).unwrap();
        assert!(g.sheet.w > g.sheet.h);
    }

    #[test]
    fn card_sheet_is_card_plus_bleed_and_marks() {
        let g = grid(parse_card("cr80").unwrap(), &opts(SheetSpec::Card)).unwrap();
        assert!((to_mm(g.sheet.w) - (85.6 + 13.0)).abs() < 1e-9);
        assert!((to_mm(g.slots[0].x) - 6.5).abs() < 1e-9);
    }

    #[test]
    fn backs_register_with_their_fronts() {
        let card = parse_card("cr80").unwrap();
        for flip in [Flip::Long, Flip::Short] {
            let mut o = opts(a4());
            o.duplex = Some(flip);
            let mut imp = Imposer::new(o);
            let mut sheets = vec![];
            for _ in 0..5 {
                let front = Frame { size: card, items: vec![], intent: None };
                sheets.extend(imp.push(front.clone(), Some(front), 0).unwrap().0);
            }
            sheets.extend(imp.finish());
            assert_eq!(sheets.len(), 2, "a front and its back");
            let (front, back) = (&sheets[0], &sheets[1]);
            for ((f, _), (b, _)) in front.cards.iter().zip(&back.cards) {
                // Turn the back over its edge: it must land on its front, to 0.01 mm.
                let turned = match flip {
                    Flip::Long => Point::new(front.size.w - b.x - card.w, b.y),
                    Flip::Short => Point::new(b.x, front.size.h - b.y - card.h),
                };
                assert!(
                    to_mm((turned.x - f.x).abs()) < 0.01 && to_mm((turned.y - f.y).abs()) < 0.01
                );
            }
        }
    }

    #[test]
    fn start_at_skips_used_slots_and_groups_start_new_sheets() {
        let card = parse_card("cr80").unwrap();
        let mut o = opts(a4());
        o.start_at = 6;
        let mut imp = Imposer::new(o);
        let mut at = vec![];
        let mut sheets = vec![];
        for group in [0, 0, 0, 1] {
            let (done, p) =
                imp.push(Frame { size: card, items: vec![], intent: None }, None, group).unwrap();
            sheets.extend(done);
            at.push((p.sheet, p.slot));
        }
        sheets.extend(imp.finish());
        // Slots 7 and 8 of the first sheet, then a new sheet; group 1 starts another.
        assert_eq!(at, [(0, 6), (0, 7), (1, 0), (2, 0)]);
        assert_eq!(sheets.iter().map(|s| s.cards.len()).collect::<Vec<_>>(), [2, 1, 1]);
    }

    #[test]
    fn registration_targets_stay_clear_of_every_bleed_and_the_slug() {
        let card = parse_card("cr80").unwrap();
        for sheet in [
            a4(),
            SheetSpec::Card,
            SheetSpec::Stock(Arc::new(crate::impose::stock::find("a4-8up-cr80").unwrap().clone())),
        ] {
            let mut o = opts(sheet.clone());
            o.registration_marks = true;
            o.duplex = Some(Flip::Long);
            if matches!(sheet, SheetSpec::Stock(_)) {
                o.crop_marks = false;
            }
            let mut imp = Imposer::new(o.clone());
            let mut sheets = vec![];
            for _ in 0..11 {
                let f = Frame { size: card, items: vec![], intent: None };
                sheets.extend(imp.push(f.clone(), Some(f), 0).unwrap().0);
            }
            sheets.extend(imp.finish());
            for s in &sheets {
                assert_eq!(s.targets.len(), 4, "{sheet:?}");
                for t in &s.targets {
                    assert!(t.x0 >= 0.0 && t.y0 >= 0.0 && t.x1 <= s.size.w && t.y1 <= s.size.h);
                    for (p, _) in &s.cards {
                        let b = Rect { x0: p.x, y0: p.y, x1: p.x + card.w, y1: p.y + card.h }
                            .grow(o.bleed);
                        let apart = t.x1 <= b.x0 || t.x0 >= b.x1 || t.y1 <= b.y0 || t.y0 >= b.y1;
                        assert!(apart, "{sheet:?}: target {t:?} meets bleed {b:?}");
                    }
                }
            }
            // On a full sheet, a long slug goes beside the bottom target, set
            // smaller if it must.
            let mut s = sheets[0].clone();
            s.set_slug("x".repeat(200), 100.0, &o);
            let (at, _, size) = s.slug.as_ref().expect("a full sheet has room for a slug");
            let bottom = s.targets[2];
            let (x0, x1) = (at.x, at.x + 100.0 * size);
            assert!(x1 <= bottom.x0 || x0 >= bottom.x1, "{x0}..{x1} meets {bottom:?}");
            assert!(*size < SLUG_SIZE && x1 <= s.size.w);
        }
    }

    #[test]
    fn too_big_is_an_error() {
        assert!(grid(Size::new(mm(300.0), mm(300.0)), &opts(a4())).is_err());
    }

    #[test]
    fn last_partial_sheet_is_kept_and_boxes_nest() {
        let card = parse_card("cr80").unwrap();
        let mut imp = Imposer::new(opts(a4()));
        let mut sheets = vec![];
        let mut placements = vec![];
        for _ in 0..11 {
            let (done, at) =
                imp.push(Frame { size: card, items: vec![], intent: None }, None, 0).unwrap();
            sheets.extend(done);
            placements.push((at.sheet, at.slot));
        }
        assert_eq!(placements[7], (0, 7));
        assert_eq!(placements[8], (1, 0));
        sheets.extend(imp.finish());
        assert_eq!(sheets.iter().map(|s| s.cards.len()).collect::<Vec<_>>(), [8, 3]);
        let s = &sheets[1];
        let b = s.bleed.unwrap();
        assert!(b.x0 < s.trim.x0 && b.y1 > s.trim.y1 && b.x0 >= 0.0 && b.y1 <= s.size.h);
        // 3 cards x 4 corners x 2 lines x 2 points.
        assert_eq!(s.marks.len(), 48);
    }
}
