//! Photos: turns a holder's photo file into a JPEG cropped and scaled to its
//! place on the pass at 300 dpi.

use std::fmt;
use std::io::Cursor;
use std::path::Path;

use image::{imageops::FilterType, ImageReader, Limits};

/// Print resolution photos are scaled to, in dots per inch.
pub const DPI: f64 = 300.0;

/// Largest photo laminate decodes, in pixels on a side; bigger files are
/// refused before their pixels are allocated.
pub const MAX_SIDE: u32 = 12_000;

/// A photo ready to embed.
#[derive(Clone, Debug, PartialEq)]
pub struct Photo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Baseline JPEG data (DCTDecode in the PDF), RGB.
    pub jpeg: Vec<u8>,
}

/// Why a photo could not be used.
#[derive(Debug)]
pub enum PhotoError {
    /// The file could not be read.
    Read(std::io::Error),
    /// The file is not an image laminate can decode.
    Decode(String),
    /// The image is larger than [`MAX_SIDE`].
    TooLarge(u32, u32),
}

impl fmt::Display for PhotoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhotoError::Read(e) => write!(f, "cannot read it: {e}"),
            PhotoError::Decode(e) => write!(f, "it is not a readable PNG or JPEG image ({e})"),
            PhotoError::TooLarge(w, h) => {
                write!(f, "it is {w} x {h} pixels, more than the {MAX_SIDE} pixels a side laminate accepts")
            }
        }
    }
}

/// Loads `path` and crops it to cover a box of `w_pt` x `h_pt`, scaled to 300 dpi
/// (never enlarged).
pub fn load(path: &Path, w_pt: f64, h_pt: f64) -> Result<Photo, PhotoError> {
    let bytes = std::fs::read(path).map_err(PhotoError::Read)?;
    decode_scaled(&bytes, w_pt, h_pt)
}

fn decode_scaled(bytes: &[u8], w_pt: f64, h_pt: f64) -> Result<Photo, PhotoError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    // The header alone gives the size; nothing is allocated before it is checked.
    reader.no_limits();
    let (w, h) = reader.into_dimensions().map_err(|e| PhotoError::Decode(e.to_string()))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PhotoError::TooLarge(w, h));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    reader.limits(limits_for(w, h));
    let img = reader.decode().map_err(|e| PhotoError::Decode(e.to_string()))?.to_rgb8();
    // Crop to the box's aspect ratio around the centre, then scale down.
    let want = w_pt / h_pt;
    let (iw, ih) = (img.width() as f64, img.height() as f64);
    let (cw, ch) =
        if iw / ih > want { ((ih * want).round(), ih) } else { (iw, (iw / want).round()) };
    let (cw, ch) = ((cw as u32).max(1), (ch as u32).max(1));
    let cropped =
        image::imageops::crop_imm(&img, (img.width() - cw) / 2, (img.height() - ch) / 2, cw, ch)
            .to_image();
    let tw = ((w_pt / 72.0 * DPI).round() as u32).clamp(1, cw);
    let th = ((h_pt / 72.0 * DPI).round() as u32).clamp(1, ch);
    let scaled = if (tw, th) == (cw, ch) {
        cropped
    } else {
        image::imageops::resize(&cropped, tw, th, FilterType::Triangle)
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88)
        .encode_image(&scaled)
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    Ok(Photo { width: scaled.width(), height: scaled.height(), jpeg })
}

fn limits_for(w: u32, h: u32) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(w.max(1));
    limits.max_image_height = Some(h.max(1));
    limits.max_alloc = Some(512 * 1024 * 1024);
    limits
}

/// Like [`load`], for image bytes already in memory (template images).
pub fn from_bytes(bytes: &[u8], w_pt: f64, h_pt: f64) -> Result<Photo, PhotoError> {
    decode_scaled(bytes, w_pt, h_pt)
}
