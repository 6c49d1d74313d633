//! Content: a page's or shared drawing's compressed content stream and
//! what it needs from the rest of the file (fonts, glyphs, images, inks),
//! made by `draw` and `glyphs` on any thread and written by `writer`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use laminate_passes_pdf::cms::Intent;
use laminate_passes_pdf::colour::Colour;

use crate::frame::ArtId;
use crate::photos::prepared::Photo;

/// The content stream of a page or shared drawing, compressed, and what it
/// needs from the rest of the file. Made by [`content`](crate::emit::draw::content) without touching the
/// file, so pages can be made on many threads and written in order.
pub struct Content {
    pub(crate) data: Vec<u8>,
    /// Per font: glyph id -> the character it shows (its cmap character),
    /// for the glyphs set as text (`F<font>`).
    pub(crate) glyphs: Vec<BTreeMap<u16, String>>,
    /// Glyphs drawn as outlines (`G<font>_<glyph>`, see `glyphs`).
    pub(crate) outlines: BTreeSet<(usize, u16)>,
    /// Characters laid over outlines as invisible text in the reading font
    /// (`T0`, `T1`), each its own code (see `glyphs`).
    pub(crate) read_as: BTreeSet<u16>,
    pub(crate) arts: BTreeSet<ArtId>,
    /// Images in order of first use; the n-th is named In.
    pub(crate) images: Vec<(String, Arc<Photo>)>,
    /// Pages of other PDFs (backgrounds), by key, named `B0`, `B1`, ...
    pub(crate) pages: Vec<(String, Arc<laminate_passes_pdf::page::EmbeddedPage>)>,
    /// Gradients in order of use; the n-th is named Sn (width, stops, and
    /// the rendering intent of their card).
    pub(crate) gradients: Vec<(f64, Vec<Colour>, Intent)>,
    pub(crate) registration: bool,
    pub(crate) security: bool,
    pub(crate) spot: bool,
    /// Colours in the printing condition's ICCBased CMYK space (`P`).
    pub(crate) profiled: bool,
    /// The CutContour layer, spot colour and overprint state are used.
    pub(crate) cut: bool,
    /// The security layer, in a spot ink, overprints (`GOP`).
    pub(crate) overprint: bool,
}

impl Content {
    /// Nothing drawn yet, with `fonts` fonts to draw in.
    pub(crate) fn empty(fonts: usize) -> Content {
        Content {
            data: Vec::new(),
            glyphs: vec![BTreeMap::new(); fonts],
            outlines: BTreeSet::new(),
            read_as: BTreeSet::new(),
            arts: BTreeSet::new(),
            images: Vec::new(),
            pages: Vec::new(),
            gradients: Vec::new(),
            registration: false,
            security: false,
            spot: false,
            profiled: false,
            cut: false,
            overprint: false,
        }
    }
}
