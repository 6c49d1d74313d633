//! `render --pdfx`: turns the PDF/X-4 options of `render` and `validate`
//! into the library's [`laminate_passes_pdf::pdfx::Settings`].

use std::path::PathBuf;

use clap::Args;
use laminate_passes_pdf::pdfx::{PhotoMode, Settings};

/// The PDF/X-4 options (flattened into render's and validate's options).
#[derive(Args, Clone, Debug, Default)]
pub struct PdfxArgs {
    /// Write PDF/X-4 for print shops' preflight: an output intent with the
    /// printing condition's CMYK profile (FOGRA39 unless --output-intent
    /// names another), XMP metadata, colours converted through the profile.
    /// A file that would break a rule is not written; each problem is named.
    #[arg(long)]
    pub pdfx: bool,
    /// The print shop's CMYK output profile (an ICC file) for the output
    /// intent, e.g. PSO Coated v3 or GRACoL2013; implies --pdfx.
    #[arg(long, value_name = "FILE.icc")]
    pub output_intent: Option<PathBuf>,
    /// The printing condition's name (OutputConditionIdentifier), e.g.
    /// "PSO Coated v3" (default: FOGRA39, or the profile's own description);
    /// implies --pdfx.
    #[arg(long, value_name = "NAME")]
    pub condition: Option<String>,
    /// With --pdfx, how RGB photos are written: cmyk (converted through the
    /// profile) or srgb (kept RGB, tagged with the sRGB profile, for shops
    /// that convert themselves); implies --pdfx.
    #[arg(long, value_name = "cmyk|srgb", value_parser = ["cmyk", "srgb"])]
    pub pdfx_photos: Option<String>,
}

impl PdfxArgs {
    /// The run's PDF/X settings, or `None` when no PDF/X option was given
    /// (a printer profile may still turn it on).
    pub fn settings(&self) -> Option<Settings> {
        let on = self.pdfx
            || self.output_intent.is_some()
            || self.condition.is_some()
            || self.pdfx_photos.is_some();
        on.then(|| Settings {
            output_intent: self.output_intent.clone(),
            condition: self.condition.clone(),
            photos: self.pdfx_photos.as_deref().and_then(PhotoMode::parse).unwrap_or_default(),
        })
    }
}
