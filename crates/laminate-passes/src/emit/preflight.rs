//! PDF/X-4 preflight (ISO 15930-7): checks laid-out passes for what the
//! writer cannot make true by itself: every raster image in colours the
//! printing condition allows.
//!
//! The rest of the rules are kept by the writer (`writer`): the output
//! intent, XMP, `/Trapped`, version 1.6, page boxes, every colour CMYK, a
//! spot or registration, no actions. `tests/pdfx_check.py` asserts each on
//! real output.

use laminate_passes_pdf::pdfx::{LoadError, PdfX, PhotoMode};

use crate::diag::Diagnostic;
use crate::frame::{Frame, Item};
use crate::layout::ArtBook;
use crate::photos::prepared::PhotoColour;

/// One problem of a laid-out side: the element and why.
pub type Problem = String;

/// What in `frame` (and the shared drawings it uses) breaks PDF/X-4: raster
/// images in DeviceRGB (ISO 15930-7 6.2.4.3 allows device colour only in
/// the output intent's space, CMYK, or Gray), unless RGB photos are tagged
/// as sRGB.
pub fn check(frame: &Frame, arts: &ArtBook, pdfx: &PdfX) -> Vec<Problem> {
    let mut out = Vec::new();
    walk(&frame.items, arts, pdfx, &mut out, 0);
    out
}

fn walk(
    items: &[(crate::frame::Point, Item)],
    arts: &ArtBook,
    pdfx: &PdfX,
    out: &mut Vec<Problem>,
    depth: usize,
) {
    for (_, item) in items {
        match item {
            Item::Group { items, .. } => walk(items, arts, pdfx, out, depth),
            Item::Art(id) if depth < 8 => {
                if let Some(f) = arts.get(*id) {
                    walk(&f.items, arts, pdfx, out, depth + 1);
                }
            }
            Item::Page { key, .. } => {
                let name = key.rsplit_once(':').map_or(key.as_str(), |(_, n)| n);
                let problem = format!(
                    "the background {name} is a PDF page, whose colours laminate cannot check or convert for PDF/X-4"
                );
                if !out.contains(&problem) {
                    out.push(problem);
                }
            }
            Item::Image { key, photo, .. }
                if photo.colour == PhotoColour::Rgb && pdfx.photos == PhotoMode::Cmyk =>
            {
                let name = key.rsplit_once('@').map_or(key.as_str(), |(n, _)| n);
                let problem = format!(
                    "the image {name} is in RGB (DeviceRGB), which PDF/X-4 does not allow: it is not converted to the printing condition's CMYK"
                );
                if !out.contains(&problem) {
                    out.push(problem);
                }
            }
            _ => {}
        }
    }
}

/// The error of loading `--pdfx` settings as a diagnostic naming the file
/// (and `via`, the option or printer-profile key that named it).
pub fn load_error(e: &LoadError, via: &str) -> Diagnostic {
    match e {
            LoadError::Read(p, e) => Diagnostic::error_nowhere(format!(
            "{via} {}: cannot read the output intent profile: {e}",
            p.display()
        )),
        LoadError::Profile(p, e) => Diagnostic::error_nowhere(format!(
            "{via} {}: {e}; PDF/X needs the printing condition's CMYK output profile",
            p.display()
        ))
        .hint("ask the print shop for its profile (e.g. PSO Coated v3, GRACoL2013), or leave the option out for FOGRA39"),
    }
}
