//! Frames: a backend-neutral list of positioned items, in pt, with y upwards
//! and the origin at the bottom-left corner of a card's trim.

use crate::colour::Colour;
use crate::fonts::FontId;
use crate::photo::Photo;
use crate::units::Size;
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
}

/// Identifies a shared drawing (same on many passes), written once and reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArtId(pub u32);

/// An optional-content layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// The simulated security marks (foil / UV plate).
    Security,
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
    /// Stroked with a line width in pt.
    Stroke(Colour, f64),
}

/// A positioned item of a frame.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// Items drawn together: optionally on a layer, transformed (a b c d e f,
    /// as in PDF) and clipped to a rectangle (x, y, w, h in the group's space).
    Group {
        /// Layer, if any.
        layer: Option<Layer>,
        /// Extra transform applied after moving to the position.
        transform: Option<[f64; 6]>,
        /// Clip rectangle.
        clip: Option<[f64; 4]>,
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
    /// A run of glyphs in one font, the position being the start of the baseline.
    Text {
        /// Font.
        font: FontId,
        /// Size in pt.
        size: f64,
        /// Colour.
        colour: Colour,
        /// Glyph ids (of the full font).
        glyphs: Vec<u16>,
        /// The characters, one per glyph, for extraction.
        text: String,
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
