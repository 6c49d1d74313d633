//! PDF/X-4 (ISO 15930-7) settings: turns `--pdfx` options (or a printer
//! profile's) into the printing condition a PDF declares, with its profile
//! loaded.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cms::{self, OutputIntent};

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

/// The settings and the loaded condition, shared by the run's files.
pub type Shared = Option<Arc<PdfX>>;
