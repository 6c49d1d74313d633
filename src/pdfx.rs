//! PDF/X-4 (ISO 15930-7): turns a run's `--pdfx` options (or its printer
//! profile's) into the printing condition the PDF declares, and checks
//! laid-out passes for what the writer cannot make true by itself: every
//! raster image in colours the condition allows.
//!
//! The rest of the rules are kept by the writer (`pdf`): the output intent,
//! XMP, `/Trapped`, version 1.6, page boxes, every colour CMYK, a spot or
//! registration, no actions. `tests/pdfx_check.py` asserts each on real
//! output.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cms::{self, OutputIntent};
use crate::diag::Diagnostic;
use crate::frame::{Frame, Item};
use crate::layout::ArtBook;
use crate::photo::PhotoColour;

/// How RGB photos go into a PDF/X file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PhotoMode {
    /// Converted to the printing condition's CMYK (in the photo stage).
    #[default]
    Cmyk,
    /// Kept RGB, tagged with the sRGB profile (ICCBased): PDF/X-4 allows
    /// it, and some shops prefer to convert themselves.
    Srgb,
}

impl PhotoMode {
    /// Reads `cmyk` or `srgb`.
    pub fn parse(text: &str) -> Option<PhotoMode> {
        match text.trim() {
            "cmyk" => Some(PhotoMode::Cmyk),
            "srgb" => Some(PhotoMode::Srgb),
            _ => None,
        }
    }
}

/// What a run asks for: write PDF/X-4, with this profile (default FOGRA39).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Settings {
    /// The shop's CMYK output profile (`--output-intent`), or the bundled FOGRA39.
    pub output_intent: Option<PathBuf>,
    /// OutputConditionIdentifier (`--condition`); by default FOGRA39 for the
    /// bundled profile, else the profile's description.
    pub condition: Option<String>,
    /// How RGB photos are written.
    pub photos: PhotoMode,
}

/// A PDF/X-4 run's printing condition, loaded.
#[derive(Debug, PartialEq)]
pub struct PdfX {
    /// The condition and its profile.
    pub intent: OutputIntent,
    /// How RGB photos are written.
    pub photos: PhotoMode,
}

/// Why the settings could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// The profile file could not be read.
    Read(PathBuf, std::io::Error),
    /// The file is not a CMYK output profile.
    Profile(PathBuf, cms::CmsError),
}

impl LoadError {
    /// The error as a diagnostic naming the file (and `via`, the option or
    /// printer-profile key that named it).
    pub fn diagnostic(&self, via: &str) -> Diagnostic {
        match self {
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
}

impl Settings {
    /// Reads the profile: the shop's, or the bundled FOGRA39.
    pub fn load(&self) -> Result<PdfX, LoadError> {
        let intent = match &self.output_intent {
            None => match &self.condition {
                None => OutputIntent::fogra39(),
                Some(c) => OutputIntent::from_icc(cms::FOGRA39, Some(c.clone()))
                    .map_err(|e| LoadError::Profile(PathBuf::from("FOGRA39"), e))?,
            },
            Some(path) => {
                let bytes = std::fs::read(path).map_err(|e| LoadError::Read(path.clone(), e))?;
                OutputIntent::from_icc(&bytes, self.condition.clone())
                    .map_err(|e| LoadError::Profile(path.clone(), e))?
            }
        };
        Ok(PdfX { intent, photos: self.photos })
    }
}

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

/// The settings and the loaded condition, shared by the run's files.
pub type Shared = Option<Arc<PdfX>>;
