//! Colour objects of the PDF: turns gradients and inks into shadings and
//! Separation colour spaces (ISO 32000 8.6.6.4): the security spot ink, the
//! CutContour die line with its overprinting state and layer, and the
//! registration colour that prints on every plate.

use std::io::{self, Write};

use pdf_writer::{Chunk, Finish, Name, Ref};

use laminate_passes_pdf::out::chunk;

use crate::emit::writer::{f, CutRefs, PdfWriter};
use laminate_passes_pdf::cms::Ink;
use laminate_passes_pdf::colour::Colour;

/// A Separation colour space named `name`, shown in viewers (and printed
/// without the plate) as the CMYK `fallback` at full tint.
fn separation(r: Ref, name: &[u8], fallback: [f32; 4]) -> Chunk {
    let mut c = chunk();
    let mut arr = c.indirect(r).array();
    arr.item(Name(b"Separation")).item(Name(name)).item(Name(b"DeviceCMYK"));
    let mut func = arr.push().dict();
    func.pair(Name(b"FunctionType"), 2);
    func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
    func.insert(Name(b"C0")).array().items([0.0f32; 4]);
    func.insert(Name(b"C1")).array().items(fallback);
    func.pair(Name(b"N"), 1);
    func.finish();
    arr.finish();
    c
}

impl<W: Write> PdfWriter<W> {
    pub(super) fn gradient(
        &mut self,
        w: f64,
        stops: &[Colour],
        intent: laminate_passes_pdf::cms::Intent,
    ) -> io::Result<Ref> {
        let inks = self.inks.clone();
        // Stops converted from sRGB are in the condition's ICCBased space,
        // as the rest of the card's colours; a gradient that mixes in a
        // `cmyk(...)` stop stays DeviceCMYK.
        let profiled = stops.iter().all(|c| matches!(inks.ink(*c, intent), Ink::Profiled(_)));
        let space = if profiled { Some(self.profiled_space()?) } else { None };
        let r = self.alloc();
        let mut chunk = chunk();
        let mut d = chunk.indirect(r).dict();
        d.pair(Name(b"ShadingType"), 2);
        match space {
            Some(space) => d.pair(Name(b"ColorSpace"), space),
            None => d.pair(Name(b"ColorSpace"), Name(b"DeviceCMYK")),
        };
        d.insert(Name(b"Coords")).array().items([0.0, 0.0, f(w), 0.0]);
        d.insert(Name(b"Extend")).array().items([true, true]);
        let comps = |c: &Colour| inks.cmyk_as(*c, intent);
        // A stitching function (ISO 32000 7.10.4) of linear pieces between stops.
        let mut func = d.insert(Name(b"Function")).dict();
        func.pair(Name(b"FunctionType"), 3);
        func.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
        let n = stops.len().max(2) - 1;
        func.insert(Name(b"Bounds")).array().items((1..n).map(|i| i as f32 / n as f32));
        func.insert(Name(b"Encode")).array().items((0..n).flat_map(|_| [0.0f32, 1.0]));
        let mut fns = func.insert(Name(b"Functions")).array();
        for i in 0..n {
            let mut e = fns.push().dict();
            e.pair(Name(b"FunctionType"), 2);
            e.insert(Name(b"Domain")).array().items([0.0f32, 1.0]);
            e.insert(Name(b"C0")).array().items(comps(&stops[i]));
            e.insert(Name(b"C1")).array().items(comps(&stops[(i + 1).min(stops.len() - 1)]));
            e.pair(Name(b"N"), 1);
        }
        fns.finish();
        func.finish();
        d.finish();
        self.emit(r, chunk)?;
        Ok(r)
    }

    /// The security spot ink: a Separation colour space (ISO 32000 8.6.6.4)
    /// named after the ink, shown in viewers as its CMYK fallback.
    pub(super) fn spot_space(&mut self) -> io::Result<Ref> {
        let spot = self.inks.security_spot.clone().expect("spot content only with a spot ink");
        let r = self.alloc();
        self.spot = Some(r);
        self.emit(r, separation(r, spot.name.as_bytes(), self.inks.cmyk(spot.fallback)))?;
        Ok(r)
    }

    /// A graphics state that overprints (ISO 32000 8.6.7: /OP and /op
    /// true, /OPM 1): what is drawn in it leaves the process inks under it
    /// alone, as a foil, UV or varnish plate is printed on top.
    pub(super) fn overprint_state(&mut self) -> io::Result<Ref> {
        let r = self.alloc();
        self.overprint = Some(r);
        let mut c = chunk();
        let mut gs = c.indirect(r).dict();
        gs.pair(Name(b"Type"), Name(b"ExtGState"));
        gs.pair(Name(b"OP"), true);
        gs.pair(Name(b"op"), true);
        gs.pair(Name(b"OPM"), 1);
        gs.finish();
        self.emit(r, c)?;
        Ok(r)
    }

    /// The die line's objects: a Separation colour space named CutContour
    /// (the name print-and-cut RIPs and plotters look for; magenta in
    /// viewers), a graphics state that overprints (ISO 32000 8.6.7: /OP and
    /// /op true, /OPM 1, so the line's zero process components leave the
    /// art under it alone), and its own optional-content layer.
    pub(super) fn cut_objects(&mut self) -> io::Result<CutRefs> {
        let cut = CutRefs { ocg: self.alloc(), space: self.alloc(), state: self.alloc() };
        self.cut = Some(cut);
        let mut c = chunk();
        let mut ocg = c.indirect(cut.ocg).dict();
        ocg.pair(Name(b"Type"), Name(b"OCG"));
        ocg.pair(Name(b"Name"), pdf_writer::TextStr("CutContour"));
        ocg.finish();
        self.emit(cut.ocg, c)?;
        self.emit(cut.space, separation(cut.space, b"CutContour", [0.0, 1.0, 0.0, 0.0]))?;
        let mut c = chunk();
        let mut gs = c.indirect(cut.state).dict();
        gs.pair(Name(b"Type"), Name(b"ExtGState"));
        gs.pair(Name(b"OP"), true);
        gs.pair(Name(b"op"), true);
        gs.pair(Name(b"OPM"), 1);
        gs.finish();
        self.emit(cut.state, c)?;
        Ok(cut)
    }

    /// The registration colour: a Separation named All, which prints on every plate.
    pub(super) fn registration_space(&mut self) -> io::Result<Ref> {
        let r = self.alloc();
        self.registration = Some(r);
        self.emit(r, separation(r, b"All", [1.0; 4]))?;
        Ok(r)
    }
}
