//! Preparing one photo: turns a photo file into the JPEG embedded for its
//! box. Decoded at the size it prints (JPEG DCT scaling with jpeg-decoder,
//! PNG and WebP with the image crate), turned upright (EXIF), alpha
//! flattened, cropped to the box's shape, resampled (fast_image_resize,
//! Lanczos3 with SIMD), converted to sRGB through an embedded ICC profile
//! (moxcms) and re-encoded as JPEG; or kept as it is when it needs no
//! change (a JPEG of the box's shape, at most the target size, upright).

use std::io::Cursor;

use fast_image_resize as fir;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::photos::prepared::{
    fit, Colours, Photo, PhotoColour, PhotoError, Target, MAX_SIDE, QUALITY,
};

/// What the first bytes of a file say it is.
enum Sniffed {
    Jpeg,
    Heif,
    Other,
}

fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Jpeg;
    }
    // ISO BMFF: a `ftyp` box whose major brand is one of HEIF's.
    if bytes.get(4..8) == Some(b"ftyp") {
        if let Some(brand) = bytes.get(8..12) {
            let heif: [&[u8]; 8] =
                [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];
            if heif.contains(&brand) {
                return Sniffed::Heif;
            }
        }
    }
    Sniffed::Other
}

/// Like [`prepare`], in the given colours: with [`Colours::Cmyk`] only a
/// grey or CMYK JPEG that needs no change is kept as it is.
pub fn prepare_in(bytes: &[u8], target: &Target, colours: Colours) -> Result<Photo, PhotoError> {
    match sniff(bytes) {
        Sniffed::Jpeg => jpeg(bytes, target, colours),
        Sniffed::Heif => Err(PhotoError::Heif),
        Sniffed::Other => other(bytes, target, colours),
    }
}

fn decode_err(e: impl std::fmt::Display) -> PhotoError {
    PhotoError::Decode(e.to_string())
}

/// A JPEG: kept as it is when it fits, otherwise decoded at 1/8, 1/4, 1/2
/// or full scale, the smallest whose crop still covers the target.
fn jpeg(bytes: &[u8], target: &Target, colours: Colours) -> Result<Photo, PhotoError> {
    let head = jpeg_header(bytes).ok_or_else(|| decode_err("no JPEG frame header"))?;
    let (w, h) = (u32::from(head.width), u32::from(head.height));
    if w == 0 || h == 0 {
        return Err(decode_err("the JPEG header gives no size"));
    }
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PhotoError::TooLarge(w, h));
    }
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(decode_err)?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    if orientation == Orientation::NoTransforms {
        if let Some(photo) = keep_as_is(bytes, &head, target, colours) {
            return Ok(photo);
        }
    }
    let turned = matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (dw, dh) = if turned { (h, w) } else { (w, h) };
    let ((_, _, cw, ch), (tw, th)) = fit(dw, dh, target);
    let denom = [8, 4, 2].into_iter().find(|d| cw / d >= tw && ch / d >= th).unwrap_or(1);
    if denom > 1 {
        decoder.scale(w.div_ceil(denom) as u16, h.div_ceil(denom) as u16).map_err(decode_err)?;
    }
    let pixels = decoder.decode().map_err(decode_err)?;
    let info = decoder.info().ok_or_else(|| decode_err("no image information"))?;
    let (sw, sh) = (u32::from(info.width), u32::from(info.height));
    let icc = decoder.icc_profile();
    let wrong = || decode_err("the decoded pixels do not match the header");
    let img = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(sw, sh, pixels).ok_or_else(wrong)?)
        }
        jpeg_decoder::PixelFormat::L16 => {
            // 12-bit JPEGs come as big-endian 16-bit samples: keep the high byte.
            let eight = pixels.chunks_exact(2).map(|p| p[0]).collect();
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(sw, sh, eight).ok_or_else(wrong)?)
        }
        jpeg_decoder::PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(sw, sh, pixels).ok_or_else(wrong)?)
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            let rgb = cmyk_to_rgb(&pixels, icc.as_deref());
            let img = image::RgbImage::from_raw(sw, sh, rgb).ok_or_else(wrong)?;
            // The ICC profile was a CMYK one and is used up.
            return finish(DynamicImage::ImageRgb8(img), orientation, None, target, colours);
        }
    };
    finish(img, orientation, icc.as_deref(), target, colours)
}

/// PNG, WebP and anything else the image crate reads: decoded whole (PNG
/// has no reduced-size decoding), within limits set from its header.
fn other(bytes: &[u8], target: &Target, colours: Colours) -> Result<Photo, PhotoError> {
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(decode_err)?;
    if reader.format().is_none() {
        return Err(decode_err("unknown file type"));
    }
    // The header alone gives the size; nothing is allocated before it is checked.
    reader.no_limits();
    let (w, h) = reader.into_dimensions().map_err(decode_err)?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(PhotoError::TooLarge(w, h));
    }
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(decode_err)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(w.max(1));
    limits.max_image_height = Some(h.max(1));
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_err)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let img = DynamicImage::from_decoder(decoder).map_err(decode_err)?;
    finish(img, orientation, icc.as_deref(), target, colours)
}

/// Upright, flattened (or its alpha kept apart as a soft mask), cropped,
/// resampled, in sRGB or the printing condition's CMYK, and encoded.
fn finish(
    mut img: DynamicImage,
    orientation: Orientation,
    icc: Option<&[u8]>,
    target: &Target,
    colours: Colours,
) -> Result<Photo, PhotoError> {
    img.apply_orientation(orientation);
    let (iw, ih) = (img.width(), img.height());
    let ((l, t, cw, ch), (tw, th)) = fit(iw, ih, target);
    let (w16, h16) = (u16::try_from(tw), u16::try_from(th));
    let (Ok(w16), Ok(h16)) = (w16, h16) else {
        return Err(decode_err("the prepared photo is larger than a JPEG holds"));
    };
    let crop = (l, t, cw, ch);
    let (gray, mut pixels, smask) = if target.soft_mask && img.color().has_alpha() {
        // Resampled with its alpha (premultiplied, so that the colour of
        // transparent pixels does not bleed into the edges), then split.
        let rgba =
            resample(img.to_rgba8().into_raw(), (iw, ih), crop, (tw, th), fir::PixelType::U8x4)?;
        let alpha: Vec<u8> = rgba.chunks_exact(4).map(|p| p[3]).collect();
        let rgb = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        (false, rgb, Some(alpha).filter(|a| a.iter().any(|&v| v < 255)))
    } else {
        let (gray, pixels) = flatten(img, target.backdrop);
        let px = if gray { fir::PixelType::U8 } else { fir::PixelType::U8x3 };
        (gray, resample(pixels, (iw, ih), crop, (tw, th), px)?, None)
    };
    if let Colours::Cmyk(output) = colours {
        use laminate_passes_pdf::cms::Pixels;
        let px = if gray { Pixels::Gray(&pixels) } else { Pixels::Rgb(&pixels) };
        let cmyk = output
            .photo_to_cmyk(px, icc, target.intent)
            .map_err(|e| PhotoError::Colour(e.to_string()))?;
        // jpeg-encoder stores CMYK as Adobe does: inverted, with an APP14 "Adobe" segment.
        return encode(&cmyk, w16, h16, jpeg_encoder::ColorType::Cmyk).map(|jpeg| Photo {
            width: tw,
            height: th,
            jpeg,
            colour: PhotoColour::Cmyk { inverted: true },
            smask,
        });
    }
    if let Some(icc) = icc {
        to_srgb(&mut pixels, gray, icc);
    }
    let (colour, kind) = if gray {
        (PhotoColour::Gray, jpeg_encoder::ColorType::Luma)
    } else {
        (PhotoColour::Rgb, jpeg_encoder::ColorType::Rgb)
    };
    let jpeg = encode(&pixels, w16, h16, kind)?;
    Ok(Photo { width: tw, height: th, jpeg, colour, smask })
}

/// Pixels of `size`, the `crop` (left, top, width, height) of them
/// resampled to `to` with Lanczos3; as they are when nothing changes.
fn resample(
    pixels: Vec<u8>,
    size: (u32, u32),
    crop: (u32, u32, u32, u32),
    to: (u32, u32),
    px: fir::PixelType,
) -> Result<Vec<u8>, PhotoError> {
    let (l, t, cw, ch) = crop;
    if crop == (0, 0, size.0, size.1) && to == size {
        return Ok(pixels);
    }
    let src = fir::images::Image::from_vec_u8(size.0, size.1, pixels, px).map_err(decode_err)?;
    let mut dst = fir::images::Image::new(to.0, to.1, px);
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3))
        .crop(f64::from(l), f64::from(t), f64::from(cw), f64::from(ch));
    fir::Resizer::new().resize(&src, &mut dst, &options).map_err(decode_err)?;
    Ok(dst.into_vec())
}

/// Encodes pixels as a JPEG at [`QUALITY`].
fn encode(
    pixels: &[u8],
    w: u16,
    h: u16,
    kind: jpeg_encoder::ColorType,
) -> Result<Vec<u8>, PhotoError> {
    let mut jpeg = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, QUALITY);
    // 4:2:0 with the standard Huffman tables: with optimised tables as well,
    // zune-jpeg (the image crate's decoder, and so the designer's and the
    // tests' reader) decodes such files to the wrong colours. CMYK has no
    // chroma: all four inks keep full resolution (jpeg-encoder would
    // otherwise subsample two of them below quality 90).
    encoder.set_sampling_factor(if kind == jpeg_encoder::ColorType::Cmyk {
        jpeg_encoder::SamplingFactor::R_4_4_4
    } else {
        jpeg_encoder::SamplingFactor::R_4_2_0
    });
    encoder.encode(pixels, w, h, kind).map_err(decode_err)?;
    Ok(jpeg)
}

/// The image as 8-bit gray or RGB bytes, transparent pixels laid on
/// `backdrop` (a gray image with alpha stays gray only on a gray backdrop).
fn flatten(img: DynamicImage, backdrop: [u8; 3]) -> (bool, Vec<u8>) {
    let gray_backdrop = backdrop[0] == backdrop[1] && backdrop[1] == backdrop[2];
    let over = |c: u8, a: u8, b: u8| -> u8 {
        ((u32::from(c) * u32::from(a) + u32::from(b) * (255 - u32::from(a)) + 127) / 255) as u8
    };
    match img {
        DynamicImage::ImageLuma8(g) => (true, g.into_raw()),
        DynamicImage::ImageRgb8(c) => (false, c.into_raw()),
        img if !img.color().has_alpha() && !img.color().has_color() => {
            (true, img.to_luma8().into_raw())
        }
        img if !img.color().has_alpha() => (false, img.to_rgb8().into_raw()),
        img if !img.color().has_color() && gray_backdrop => {
            let la = img.to_luma_alpha8();
            (true, la.pixels().map(|p| over(p[0], p[1], backdrop[0])).collect())
        }
        img => {
            let rgba = img.to_rgba8();
            let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
            for p in rgba.pixels() {
                for i in 0..3 {
                    out.push(over(p[i], p[3], backdrop[i]));
                }
            }
            (false, out)
        }
    }
}

/// Converts pixels in place from the colour space of an embedded ICC
/// profile to sRGB (gray stays gray: to a gray profile of sRGB's tone
/// curve). A profile moxcms cannot read, or of another channel count, is
/// left alone: the pixels are taken as sRGB, as viewers do.
fn to_srgb(pixels: &mut [u8], gray: bool, icc: &[u8]) {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let Ok(source) = ColorProfile::new_from_slice(icc) else { return };
    let (layout, dest) = match (gray, source.color_space) {
        (true, DataColorSpace::Gray) => (Layout::Gray, ColorProfile::new_gray_with_gamma(2.2)),
        (false, DataColorSpace::Rgb) => (Layout::Rgb, ColorProfile::new_srgb()),
        _ => return,
    };
    let Ok(transform) =
        source.create_transform_8bit(layout, &dest, layout, TransformOptions::default())
    else {
        return;
    };
    let src = pixels.to_vec();
    let _ = transform.transform(&src, pixels);
}

/// CMYK pixels (0 = no ink, as jpeg-decoder gives them) to sRGB: through
/// the photo's own CMYK profile when it has one, else by the usual formula.
fn cmyk_to_rgb(cmyk: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let profile = icc
        .and_then(|icc| ColorProfile::new_from_slice(icc).ok())
        .filter(|p| p.color_space == DataColorSpace::Cmyk);
    if let Some(profile) = profile {
        let srgb = ColorProfile::new_srgb();
        if let Ok(t) = profile.create_transform_8bit(
            Layout::Rgba,
            &srgb,
            Layout::Rgb,
            TransformOptions::default(),
        ) {
            let mut out = vec![0; cmyk.len() / 4 * 3];
            if t.transform(cmyk, &mut out).is_ok() {
                return out;
            }
        }
    }
    let mut out = Vec::with_capacity(cmyk.len() / 4 * 3);
    for p in cmyk.chunks_exact(4) {
        let k = 255 - u32::from(p[3]);
        for &c in &p[..3] {
            out.push(((255 - u32::from(c)) * k / 255) as u8);
        }
    }
    out
}

/// The JPEG file itself, when it needs no crop and no scaling and PDF's
/// DCTDecode (ISO 32000 7.4.8) reads it as it is: baseline, extended or
/// progressive, 8 bits, grey, RGB or CMYK. Re-encoding it would only lose
/// quality.
fn keep_as_is(bytes: &[u8], head: &JpegHeader, target: &Target, colours: Colours) -> Option<Photo> {
    let supported = matches!(head.sof, 0xC0..=0xC2) && head.precision == 8;
    let (w, h) = (u32::from(head.width), u32::from(head.height));
    if !supported || fit(w, h, target) != ((0, 0, w, h), (w, h)) {
        return None;
    }
    let colour = match head.components {
        1 => PhotoColour::Gray,
        // PDF/X-4 photos are CMYK: an RGB file is converted, never kept.
        3 if matches!(colours, Colours::Cmyk(..)) => return None,
        3 => PhotoColour::Rgb,
        4 => PhotoColour::Cmyk { inverted: head.adobe },
        _ => return None,
    };
    Some(Photo { width: w, height: h, jpeg: bytes.to_vec(), colour, smask: None })
}

/// What a JPEG's frame header says (ITU T.81 B.2.2), and whether it has an
/// Adobe APP14 segment.
pub struct JpegHeader {
    /// The start-of-frame marker (C0 baseline, C2 progressive, ...).
    pub sof: u8,
    /// Bits a sample.
    pub precision: u8,
    /// Width in pixels.
    pub width: u16,
    /// Height in pixels.
    pub height: u16,
    /// Colour components.
    pub components: u8,
    /// An Adobe APP14 segment came before the frame.
    pub adobe: bool,
}

/// Reads the markers of a JPEG up to its frame header.
pub fn jpeg_header(b: &[u8]) -> Option<JpegHeader> {
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

/// Prepares photo file bytes for `target`, in sRGB: the file itself when it
/// is a JPEG that needs no change, otherwise decoded at the smallest scale
/// that still covers the target, turned upright, cropped, resampled and
/// re-encoded. Never enlarged.
pub fn prepare(bytes: &[u8], target: &Target) -> Result<Photo, PhotoError> {
    prepare_in(bytes, target, Colours::Srgb)
}

/// Loads `path` and prepares it for a box of `w_pt` x `h_pt` at 300 dpi.
pub fn load(path: &std::path::Path, w_pt: f64, h_pt: f64) -> Result<Photo, PhotoError> {
    let bytes = std::fs::read(path).map_err(PhotoError::Read)?;
    prepare(&bytes, &Target::new(w_pt, h_pt))
}

/// A template image (logo, signature, background) for a box of `w_pt` x
/// `h_pt` at 300 dpi, its transparency kept as a soft mask: in sRGB, or
/// with [`Colours::Cmyk`] in the printing condition's CMYK with `intent`.
pub fn template_image(
    bytes: &[u8],
    w_pt: f64,
    h_pt: f64,
    colours: Colours,
    intent: laminate_passes_pdf::cms::Intent,
) -> Result<Photo, PhotoError> {
    prepare_in(bytes, &Target { soft_mask: true, intent, ..Target::new(w_pt, h_pt) }, colours)
}
