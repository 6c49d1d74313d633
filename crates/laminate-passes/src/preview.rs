//! Preview: turns a roster into a PNG of one pass or of the first sheet, by
//! rasterising the very PDF that `render` writes (with the pure-Rust `hayro`),
//! so that what the organiser sees is what the print shop gets.

use std::io;
use std::path::Path;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};

use crate::diag::Diagnostic;
use {
    crate::atomic, crate::options::RenderOptions, crate::outcome::Failure, crate::outcome::Report,
};

/// The dots per inch a preview may use: enough for a quick look (36) up to a
/// close look at microtext (1200).
pub const DPI: std::ops::RangeInclusive<u32> = 36..=1200;

/// What a preview made.
#[derive(Debug)]
pub struct Preview {
    /// The render run behind it (passes, sheets, warnings).
    pub report: Report,
    /// Width of the PNG in pixels: the page width in inches times the dpi, rounded.
    pub width: u32,
    /// Height of the PNG in pixels.
    pub height: u32,
    /// Pages in the PDF; the PNG shows the first.
    pub pages: usize,
}

/// Renders `opts` (for one pass id, if given) to a temporary PDF and writes
/// its first page to `output` as a PNG at `dpi`, with the dpi recorded in the
/// PNG. `opts.only` is replaced by the id; nothing else of the run is kept
/// (no manifest, dump or reprint).
pub fn preview(
    opts: &RenderOptions,
    id: Option<&str>,
    dpi: u32,
    output: &Path,
) -> Result<Preview, Failure> {
    let mut opts = opts.clone();
    if let Some(id) = id {
        opts.only = vec![id.to_string()];
    }
    opts.manifest = None;
    opts.dump = None;
    opts.reprint = false;
    opts.other_outputs.push(("the PNG".into(), output.to_path_buf()));
    let write_fail = |source: io::Error| Failure::Io {
        action: "cannot write",
        path: output.to_path_buf(),
        source,
    };
    let dir = atomic::TempDir::new("laminate-preview-").map_err(write_fail)?;
    let pdf_path = dir.path().join("preview.pdf");
    let report = crate::run::render(&opts, Some(&pdf_path)).map_err(|f| match f {
        // The run was asked for one id with --id, not --only.
        Failure::Input { sources, diagnostics } => Failure::Input {
            sources,
            diagnostics: diagnostics
                .into_iter()
                .map(|d| Diagnostic {
                    message: d.message.replace("--only names", "--id names"),
                    ..d
                })
                .collect(),
        },
        f => f,
    })?;
    let bytes = std::fs::read(&pdf_path).map_err(write_fail)?;
    let (png, width, height, pages) =
        rasterise(bytes, dpi as f32, Png::Small).map_err(write_fail)?;
    let png = with_dpi(&png, dpi);
    atomic::write(output, &png).map_err(write_fail)?;
    Ok(Preview { report, width, height, pages })
}

/// How a rasterised page is written as PNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Png {
    /// Small: RGBA, the PNG encoder's default compression (`preview`).
    Small,
    /// Quick: RGB, fast compression, for `laminate design`, where encoding
    /// at the default level was half of an edit's time.
    Quick,
}

/// The first page of a PDF as a PNG at `dpi` (without a dpi chunk): the
/// PNG, its width and height in pixels, and the PDF's page count. Shared
/// with `laminate design`, whose card is this picture of the real PDF.
pub fn rasterise(bytes: Vec<u8>, dpi: f32, png: Png) -> io::Result<(Vec<u8>, u32, u32, usize)> {
    let raster = |why: String| io::Error::other(why);
    let pdf =
        Pdf::new(bytes).map_err(|e| raster(format!("the PDF cannot be rasterised ({e:?})")))?;
    let pages = pdf.pages();
    let page = pages.first().ok_or_else(|| raster("the PDF has no page".into()))?;
    let (w, h) = page.render_dimensions();
    let scale = dpi / 72.0;
    let (width, height) = ((w * scale).round(), (h * scale).round());
    if width > f32::from(u16::MAX) || height > f32::from(u16::MAX) {
        return Err(raster(format!(
            "{width} x {height} pixels is too large for a preview; choose a lower --dpi"
        )));
    }
    let settings = RenderSettings {
        x_scale: width / w,
        y_scale: height / h,
        width: Some(width as u16),
        height: Some(height as u16),
        bg_color: WHITE,
    };
    let pixmap =
        hayro::render(page, &RenderCache::new(), &InterpreterSettings::default(), &settings);
    let png = match png {
        Png::Small => {
            pixmap.into_png().map_err(|e| raster(format!("cannot encode the PNG ({e})")))?
        }
        Png::Quick => {
            use image::codecs::png::{CompressionType, FilterType, PngEncoder};
            use image::ImageEncoder;
            // The background is opaque white, so every pixel is opaque and
            // its premultiplied colour is its colour: alpha can go.
            let rgb: Vec<u8> = pixmap
                .data_as_u8_slice()
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            let mut out = Vec::new();
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub)
                .write_image(&rgb, width as u32, height as u32, image::ExtendedColorType::Rgb8)
                .map_err(|e| raster(format!("cannot encode the PNG ({e})")))?;
            out
        }
    };
    Ok((png, width as u32, height as u32, pages.len()))
}

/// Adds a `pHYs` chunk (PNG specification 11.3.5.3) after the header chunk,
/// so that viewers and print dialogues know the image's physical size.
fn with_dpi(png: &[u8], dpi: u32) -> Vec<u8> {
    // 8 bytes of signature, then IHDR: 4 length + 4 type + 13 data + 4 CRC.
    const AFTER_IHDR: usize = 8 + 4 + 4 + 13 + 4;
    if png.len() < AFTER_IHDR || &png[12..16] != b"IHDR" {
        return png.to_vec();
    }
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(b"pHYs");
    chunk.extend_from_slice(&per_metre.to_be_bytes());
    chunk.extend_from_slice(&per_metre.to_be_bytes());
    chunk.push(1); // the unit is the metre
    let mut out = Vec::with_capacity(png.len() + 21);
    out.extend_from_slice(&png[..AFTER_IHDR]);
    out.extend_from_slice(&9u32.to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
    out.extend_from_slice(&png[AFTER_IHDR..]);
    out
}

/// CRC-32 as PNG uses it (ISO 3309; PNG specification annex D).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_the_png_specification() {
        // The CRC of an IEND chunk's type, as in every PNG file.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn dpi_chunk_goes_after_the_header() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&[0; 17]);
        png.extend_from_slice(b"rest");
        let out = with_dpi(&png, 300);
        assert_eq!(&out[37..41], b"pHYs");
        // 300 dpi is 11811 pixels per metre.
        assert_eq!(&out[41..45], &11811u32.to_be_bytes());
        assert!(out.ends_with(b"rest"));
    }
}
