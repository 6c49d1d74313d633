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
use crate::layout::{template_image_of, ArtBook};
use crate::photos::prepared::PhotoColour;

/// One problem of a laid-out side: what breaks the rule, and what to do.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The element and why, e.g. "the image logo.png of pass type crew is
    /// in RGB (DeviceRGB), ...".
    pub message: String,
    /// What the organiser can do about it.
    pub hint: &'static str,
}

/// What in `frame` (and the shared drawings it uses) breaks PDF/X-4: raster
/// images in DeviceRGB (ISO 15930-7 6.2.4.3 allows device colour only in
/// the output intent's space, CMYK, or Gray), unless RGB images are tagged
/// as sRGB. The photo stage converts photos and template images to CMYK,
/// so a run meets this only if an image escaped it; the check keeps the
/// file from claiming PDF/X-4 all the same.
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
                let problem = Problem {
                    message: format!(
                        "the background {name} is a PDF page, whose colours laminate cannot check or convert for PDF/X-4"
                    ),
                    hint: "leave out --pdfx for a template with a PDF background, or draw its art in the template",
                };
                if !out.contains(&problem) {
                    out.push(problem);
                }
            }
            Item::Image { key, photo, .. }
                if photo.colour == PhotoColour::Rgb && pdfx.photos == PhotoMode::Cmyk =>
            {
                let why = "is in RGB (DeviceRGB), which PDF/X-4 does not allow: it is not converted to the printing condition's CMYK";
                let problem = match template_image_of(key) {
                    Some((pass, file)) => Problem {
                        message: format!("the image {file} of pass type {pass} {why}"),
                        hint: "give the template a CMYK or SVG image; or keep images RGB, tagged as sRGB, with --pdfx-photos srgb",
                    },
                    None => Problem {
                        message: format!(
                            "the photo {} {why}",
                            key.rsplit_once('@').map_or(key.as_str(), |(n, _)| n)
                        ),
                        hint: "keep photos RGB, tagged as sRGB, with --pdfx-photos srgb; or give CMYK photos",
                    },
                };
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use laminate_passes_pdf::cms::OutputIntent;

    use super::*;
    use crate::frame::Point;
    use crate::layout::template_image_key;
    use crate::load::template::TemplateSet;
    use crate::photos::prepared::Photo;
    use crate::units::Size;

    fn image(key: String) -> (Point, Item) {
        let photo =
            Photo { width: 1, height: 1, jpeg: vec![], colour: PhotoColour::Rgb, smask: None };
        (Point::default(), Item::Image { key, photo: Arc::new(photo), w: 10.0, h: 10.0 })
    }

    #[test]
    fn an_rgb_image_is_named_as_a_photo_or_a_template_image_with_its_own_hint() {
        // Guards the messages of the guard: a template's image is named by
        // its file and pass type and its hint speaks of images, a photo's of photos.
        let frame = Frame {
            size: Size { w: 100.0, h: 100.0 },
            items: vec![
                image(template_image_key("crew", "logo.png")),
                image("photos/a.jpg@307x378#0011".to_string()),
            ],
            intent: None,
        };
        let arts = ArtBook::new(&TemplateSet::default());
        let cmyk = PdfX { intent: OutputIntent::fogra39(), photos: PhotoMode::Cmyk };
        let found = check(&frame, &arts, &cmyk);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.starts_with("the image logo.png of pass type crew is in RGB"));
        assert!(found[0].hint.starts_with("give the template a CMYK or SVG image"), "{found:?}");
        assert!(found[1].message.starts_with("the photo photos/a.jpg is in RGB"), "{found:?}");
        assert!(found[1].hint.contains("photos"), "{found:?}");
        let srgb = PdfX { intent: OutputIntent::fogra39(), photos: PhotoMode::Srgb };
        assert!(check(&frame, &arts, &srgb).is_empty());
    }
}
