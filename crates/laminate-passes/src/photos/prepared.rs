//! Prepared photos: what one photo file becomes for its box (the JPEG
//! embedded, its size and colours), the box it is prepared for, and why a
//! file could not be prepared. `prepare` makes them; the run's photo stage
//! ([`crate::photos`]) prepares each distinct photo and box once and keeps
//! the results in its cache ([`crate::photos::cache`]).

use std::fmt;

use laminate_passes_pdf::cms::Intent;

/// Print resolution photos are scaled to by default, in dots per inch.
pub const DPI: f64 = 300.0;

/// Largest photo laminate decodes, in pixels on a side; bigger files are
/// refused from their header, before any pixel is allocated.
pub const MAX_SIDE: u32 = 12_000;

/// Quality of re-encoded photos (libjpeg's scale). Chosen on the photo
/// benchmark: at 300 dpi it keeps photos within 35 dB PSNR of a Lanczos
/// fit of the upload while staying under 15 KB for a 26 x 32 mm box.
pub const QUALITY: u8 = 85;

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
    /// A template image's transparency, kept as a soft mask (ISO 32000
    /// 11.6.5.3): one byte a pixel, width x height, 0 transparent. None
    /// for an opaque image, and for holder photos, whose transparent
    /// pixels are laid on their backdrop.
    pub smask: Option<Vec<u8>>,
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

/// Which part of a photo a box of another shape keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Crop {
    /// The middle (the default).
    #[default]
    Centre,
    /// The top edge stays: a head-and-shoulders photo keeps the head.
    Top,
}

/// What a photo is prepared for: its box and how to fill it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// Box width in pt.
    pub w_pt: f64,
    /// Box height in pt.
    pub h_pt: f64,
    /// Pixels an inch at the box's size (the template's `dpi`, else [`DPI`]).
    pub dpi: f64,
    /// Which part of a photo of another shape is kept.
    pub crop: Crop,
    /// The colour transparent pixels are laid on (the template's
    /// `photo_slot` colour, else white), as sRGB bytes.
    pub backdrop: [u8; 3],
    /// Keep transparency as a soft mask instead (template images: a logo
    /// on a coloured band stays cut out).
    pub soft_mask: bool,
    /// How colours outside the printing condition's gamut are brought in,
    /// when the photo is converted to its CMYK (the template's
    /// `rendering_intent`).
    pub intent: Intent,
}

impl Target {
    /// A box of `w_pt` x `h_pt` at 300 dpi, centred, on white, relative
    /// colorimetric.
    pub fn new(w_pt: f64, h_pt: f64) -> Target {
        Target {
            w_pt,
            h_pt,
            dpi: DPI,
            crop: Crop::Centre,
            backdrop: [255; 3],
            soft_mask: false,
            intent: Intent::default(),
        }
    }

    /// The bytes that tell this target from any other, for cache keys.
    pub fn key_bytes(&self) -> Vec<u8> {
        let mut k = Vec::with_capacity(40);
        for v in [self.w_pt, self.h_pt, self.dpi] {
            k.extend_from_slice(&v.to_bits().to_le_bytes());
        }
        k.push(self.crop as u8);
        k.extend_from_slice(&self.backdrop);
        k.push(u8::from(self.soft_mask));
        k.push(self.intent as u8);
        k
    }
}

/// The colours a prepared photo is written in.
#[derive(Clone, Copy)]
pub enum Colours<'a> {
    /// sRGB (or gray): an embedded profile is converted to sRGB.
    Srgb,
    /// The printing condition's CMYK (PDF/X-4), through the photo's own
    /// profile when it has one, else from sRGB, with the target's
    /// rendering intent.
    Cmyk(&'a laminate_passes_pdf::cms::OutputIntent),
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
    /// A HEIC/HEIF photo (the iPhone's default), which laminate does not decode.
    Heif,
    /// Its colours could not be converted to the printing condition's CMYK.
    Colour(String),
}

impl fmt::Display for PhotoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhotoError::Read(e) => write!(f, "cannot read it: {e}"),
            PhotoError::Decode(e) => {
                write!(f, "it is not a readable JPEG, PNG or WebP image ({e})")
            }
            PhotoError::Colour(e) => write!(f, "its colours cannot be converted to CMYK: {e}"),
            PhotoError::TooLarge(w, h) => {
                write!(f, "it is {w} x {h} pixels, more than the {MAX_SIDE} pixels a side laminate accepts")
            }
            PhotoError::Heif => write!(
                f,
                "it is a HEIC/HEIF photo (an iPhone's default), which laminate does not read; convert it to JPEG first, e.g. `heif-convert photo.heic photo.jpg` (Debian's libheif-examples) or `magick photo.heic photo.jpg`, or set the iPhone's Camera > Formats to Most Compatible"
            ),
        }
    }
}

impl PhotoError {
    /// A hint for the message, by kind.
    pub fn hint(&self) -> &'static str {
        match self {
            PhotoError::Heif => {
                "convert HEIC photos to JPEG once; the roster may then name the .jpg"
            }
            PhotoError::TooLarge(..) => {
                "scale the photo down before use (a 3000 x 4000 phone photo is plenty)"
            }
            _ => "photos are JPEG, PNG or WebP files, relative to the roster's folder",
        }
    }
}

/// For an image of `iw` x `ih` pixels in `target`: the crop to the box's
/// shape (left, top, width, height) and the size it is scaled to (the
/// target's dpi at its place, never enlarged), in pixels.
pub fn fit(iw: u32, ih: u32, target: &Target) -> ((u32, u32, u32, u32), (u32, u32)) {
    let want = target.w_pt / target.h_pt;
    let (fw, fh) = (iw as f64, ih as f64);
    let (cw, ch) =
        if fw / fh > want { ((fh * want).round(), fh) } else { (fw, (fw / want).round()) };
    let (cw, ch) = ((cw as u32).clamp(1, iw.max(1)), (ch as u32).clamp(1, ih.max(1)));
    let left = (iw - cw) / 2;
    let top = match target.crop {
        Crop::Centre => (ih - ch) / 2,
        Crop::Top => 0,
    };
    let tw = ((target.w_pt / 72.0 * target.dpi).round() as u32).clamp(1, cw);
    let th = ((target.h_pt / 72.0 * target.dpi).round() as u32).clamp(1, ch);
    ((left, top, cw, ch), (tw, th))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_crops_to_the_box_and_never_enlarges() {
        // 26 x 32 mm at 300 dpi is 307 x 378 px.
        let t = Target::new(26.0 / 25.4 * 72.0, 32.0 / 25.4 * 72.0);
        let ((l, top, cw, ch), (tw, th)) = fit(1200, 1500, &t);
        assert_eq!((tw, th), (307, 378));
        assert_eq!((cw, ch), (1200, 1477));
        assert_eq!((l, top), (0, 11));
        let top_crop = Target { crop: Crop::Top, ..t };
        assert_eq!(fit(1200, 1500, &top_crop).0 .1, 0);
        // A small photo is cropped, not enlarged.
        let (_, (tw, th)) = fit(200, 200, &t);
        assert!(tw <= 200 && th <= 200);
    }
}
