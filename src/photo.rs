//! Photos: turns a holder's photo file into a JPEG cropped and scaled to its
//! place on the pass at 300 dpi, or keeps a JPEG as it is when it needs no
//! change (the right shape, at most 300 dpi, upright).

use std::fmt;
use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{imageops::FilterType, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

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
    /// JPEG data (DCTDecode in the PDF): re-encoded, or the file's own bytes.
    pub jpeg: Vec<u8>,
    /// The colour space of the JPEG data.
    pub colour: PhotoColour,
}

/// The colours of a photo's JPEG data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoColour {
    /// One component: DeviceGray.
    Gray,
    /// Three components (YCbCr or RGB): DeviceRGB.
    Rgb,
    /// Four components: DeviceCMYK. `inverted` for Adobe's CMYK JPEGs (with
    /// an APP14 "Adobe" segment), which store 255 for no ink.
    Cmyk {
        /// Values are stored inverted (the PDF needs a /Decode [1 0 ...]).
        inverted: bool,
    },
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
    let format = reader.format();
    let mut decoder = reader.into_decoder().map_err(|e| PhotoError::Decode(e.to_string()))?;
    // EXIF orientation (a phone's "turn me"): such a photo is turned, so never kept as it is.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    if format == Some(ImageFormat::Jpeg) && orientation == Orientation::NoTransforms {
        if let Some(photo) = keep_as_is(bytes, (w, h), w_pt, h_pt) {
            return Ok(photo);
        }
    }
    let mut img =
        DynamicImage::from_decoder(decoder).map_err(|e| PhotoError::Decode(e.to_string()))?;
    img.apply_orientation(orientation);
    let img = img.to_rgb8();
    let (iw, ih) = (img.width(), img.height());
    let ((cw, ch), (tw, th)) = fit(iw, ih, w_pt, h_pt);
    let cropped = image::imageops::crop_imm(&img, (iw - cw) / 2, (ih - ch) / 2, cw, ch).to_image();
    let scaled = if (tw, th) == (cw, ch) {
        cropped
    } else {
        image::imageops::resize(&cropped, tw, th, FilterType::Triangle)
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88)
        .encode_image(&scaled)
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    Ok(Photo { width: scaled.width(), height: scaled.height(), jpeg, colour: PhotoColour::Rgb })
}

/// For an image of `iw` x `ih` pixels in a box of `w_pt` x `h_pt`: the
/// centred crop to the box's shape, and the size it is scaled to (300 dpi
/// at its place, never enlarged), both in pixels.
fn fit(iw: u32, ih: u32, w_pt: f64, h_pt: f64) -> ((u32, u32), (u32, u32)) {
    let want = w_pt / h_pt;
    let (fw, fh) = (iw as f64, ih as f64);
    let (cw, ch) =
        if fw / fh > want { ((fh * want).round(), fh) } else { (fw, (fw / want).round()) };
    let (cw, ch) = ((cw as u32).clamp(1, iw.max(1)), (ch as u32).clamp(1, ih.max(1)));
    let tw = ((w_pt / 72.0 * DPI).round() as u32).clamp(1, cw);
    let th = ((h_pt / 72.0 * DPI).round() as u32).clamp(1, ch);
    ((cw, ch), (tw, th))
}

/// The JPEG file itself, when it needs no crop and no scaling and PDF's
/// DCTDecode (ISO 32000 7.4.8) reads it as it is: baseline, extended or
/// progressive, 8 bits, grey, RGB or CMYK. Re-encoding it would only lose
/// quality.
fn keep_as_is(bytes: &[u8], (w, h): (u32, u32), w_pt: f64, h_pt: f64) -> Option<Photo> {
    let head = jpeg_header(bytes)?;
    let supported = matches!(head.sof, 0xC0..=0xC2) && head.precision == 8;
    if !supported || (u32::from(head.width), u32::from(head.height)) != (w, h) {
        return None;
    }
    let (crop, target) = fit(w, h, w_pt, h_pt);
    if crop != (w, h) || target != (w, h) {
        return None;
    }
    let colour = match head.components {
        1 => PhotoColour::Gray,
        3 => PhotoColour::Rgb,
        4 => PhotoColour::Cmyk { inverted: head.adobe },
        _ => return None,
    };
    Some(Photo { width: w, height: h, jpeg: bytes.to_vec(), colour })
}

/// What a JPEG's frame header says (ITU T.81 B.2.2), and whether it has an
/// Adobe APP14 segment.
struct JpegHeader {
    sof: u8,
    precision: u8,
    width: u16,
    height: u16,
    components: u8,
    adobe: bool,
}

/// Reads the markers of a JPEG up to its frame header.
fn jpeg_header(b: &[u8]) -> Option<JpegHeader> {
    if !b.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut i = 2;
    let mut adobe = false;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes (B.1.1.2).
        while b.get(i) == Some(&0xFF) && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if b.get(i) != Some(&0xFF) {
            return None;
        }
        let marker = *b.get(i + 1)?;
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        let seg = b.get(i + 4..i + 2 + len)?;
        match marker {
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            // Start of frame; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
            0xC0..=0xCF if ![0xC4, 0xC8, 0xCC].contains(&marker) => {
                return Some(JpegHeader {
                    sof: marker,
                    precision: *seg.first()?,
                    height: u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]),
                    width: u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]),
                    components: *seg.get(5)?,
                    adobe,
                });
            }
            0xDA | 0xD9 => return None,
            _ => {}
        }
        i += 2 + len;
    }
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
