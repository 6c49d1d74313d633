//! Colour management: turns sRGB colours and photo pixels into the CMYK of
//! a printing condition, through its ICC output profile (Little CMS, the
//! engine print software and Pillow's ImageCms use).
//!
//! Template colours are few: each is converted once and kept, so a run of
//! 100,000 passes converts a handful of colours. Every run converts them,
//! through the PDF/X condition's profile or else the bundled FOGRA39
//! ([`default_condition`]), and writes them tagged with that profile
//! ([`Ink::Profiled`]), so that viewers and printers show the colour the
//! template meant. Photos are converted by the photo stage with
//! [`OutputIntent::photo_to_cmyk`] and cached there.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use lcms2::{
    DisallowCache, Flags, GlobalContext, Intent as LcmsIntent, PixelFormat, Profile, Transform,
};
use sha2::{Digest, Sha256};

use crate::colour::Colour;

/// The default printing condition: FOGRA39 (ISO 12647-2 offset on coated
/// paper), the profile Debian's texlive-base ships as free of known
/// copyright restrictions (see `profiles/README.md`).
pub const FOGRA39: &[u8] = include_bytes!("../profiles/FOGRA39L_coated.icc");

/// The sRGB profile that RGB photos are tagged with when they stay RGB
/// (Argyll CMS's, MIT licence; see `profiles/README.md`).
pub const SRGB: &[u8] = include_bytes!("../profiles/sRGB.icc");

/// The bundled FOGRA39 condition, made once for the process: what template
/// colours are converted through when a run names no printing condition
/// (no `--pdfx`).
pub fn default_condition() -> &'static OutputIntent {
    static CONDITION: OnceLock<OutputIntent> = OnceLock::new();
    CONDITION.get_or_init(OutputIntent::fogra39)
}

/// A template colour as a PDF writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ink {
    /// DeviceCMYK, the numbers as they are: a `cmyk(...)` colour as the
    /// template wrote it, and pure black as 100 % K alone.
    Device([f32; 4]),
    /// CMYK converted from sRGB through the condition's profile, to be
    /// written in an ICCBased colour space with that very profile (ISO 32000
    /// 8.6.5.5), so that a viewer or printer turns the numbers back into
    /// the colour the template meant instead of guessing with a formula.
    Profiled([f32; 4]),
}

impl Ink {
    /// The CMYK components, 0..=1, whatever the space.
    pub fn cmyk(self) -> [f32; 4] {
        match self {
            Ink::Device(c) | Ink::Profiled(c) => c,
        }
    }
}

/// The registry of the standard printing conditions (ISO 15930-7 6.2.4).
pub const REGISTRY: &str = "http://www.color.org";

/// How colours outside the printing condition's gamut are brought in
/// (ICC.1 and ISO 32000 8.6.5.8, the names a PDF uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Intent {
    /// Keeps in-gamut colours exactly, paper white as white, with black
    /// point compensation: the default for artwork and photos.
    #[default]
    RelativeColorimetric,
    /// Squeezes the whole gamut: photos with many out-of-gamut colours.
    Perceptual,
    /// Keeps colours saturated: business graphics.
    Saturation,
    /// Simulates the paper colour too: proofs.
    AbsoluteColorimetric,
}

impl Intent {
    /// Every intent with its template name.
    pub const ALL: [(&'static str, Intent); 4] = [
        ("relative-colorimetric", Intent::RelativeColorimetric),
        ("perceptual", Intent::Perceptual),
        ("saturation", Intent::Saturation),
        ("absolute-colorimetric", Intent::AbsoluteColorimetric),
    ];

    /// Reads an intent's template name.
    pub fn parse(text: &str) -> Option<Intent> {
        Intent::ALL.iter().find(|(n, _)| *n == text.trim()).map(|(_, i)| *i)
    }

    fn lcms(self) -> LcmsIntent {
        match self {
            Intent::RelativeColorimetric => LcmsIntent::RelativeColorimetric,
            Intent::Perceptual => LcmsIntent::Perceptual,
            Intent::Saturation => LcmsIntent::Saturation,
            Intent::AbsoluteColorimetric => LcmsIntent::AbsoluteColorimetric,
        }
    }

    /// Black point compensation goes with the colorimetric intents (the
    /// perceptual and saturation tables map black themselves).
    /// Without Little CMS's one-pixel cache, so that a transform can be
    /// shared by threads.
    fn flags(self) -> Flags<DisallowCache> {
        match self {
            Intent::RelativeColorimetric => Flags::NO_CACHE | Flags::BLACKPOINT_COMPENSATION,
            _ => Flags::NO_CACHE,
        }
    }
}

/// Why a profile cannot be an output intent, or a conversion failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CmsError {
    /// Not an ICC profile Little CMS can read.
    Unreadable,
    /// An ICC profile, but not a CMYK output (printer) profile.
    NotCmykOutput {
        /// Its device class (e.g. "mntr", "prtr").
        class: String,
        /// Its colour space (e.g. "RGB ", "CMYK").
        space: String,
    },
    /// No transform could be built between the two profiles.
    NoTransform(String),
    /// The pixel buffer's length is not a whole number of pixels.
    Pixels(usize, usize),
}

impl fmt::Display for CmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CmsError::Unreadable => write!(f, "it is not an ICC colour profile"),
            CmsError::NotCmykOutput { class, space } => write!(
                f,
                "it is a {} profile for {} colours, not a CMYK output (printer) profile",
                class_name(class),
                space.trim()
            ),
            CmsError::NoTransform(why) => write!(f, "no colour conversion can be made: {why}"),
            CmsError::Pixels(len, comps) => {
                write!(f, "{len} bytes are not whole pixels of {comps} components")
            }
        }
    }
}

fn class_name(sig: &str) -> String {
    match sig {
        "mntr" => "display (mntr)".into(),
        "scnr" => "input (scnr)".into(),
        "prtr" => "output (prtr)".into(),
        "link" => "device link (link)".into(),
        "spac" => "colour space (spac)".into(),
        "abst" => "abstract (abst)".into(),
        "nmcl" => "named colour (nmcl)".into(),
        other => format!("\"{other}\""),
    }
}

/// The colours of a photo's pixels, 8 bits a component, packed.
#[derive(Clone, Copy, Debug)]
pub enum Pixels<'a> {
    /// R, G, B.
    Rgb(&'a [u8]),
    /// One grey component.
    Gray(&'a [u8]),
}

/// A printing condition: its CMYK output profile with the names PDF/X
/// declares it by, and the conversions into it.
pub struct OutputIntent {
    /// The ICC profile, embedded as DestOutputProfile.
    pub icc: Arc<[u8]>,
    /// OutputConditionIdentifier, e.g. FOGRA39.
    pub condition: String,
    /// A readable description of the condition (the profile's own).
    pub info: String,
    profile_digest: [u8; 32],
    /// sRGB -> CMYK, 16 bits, one transform per intent (made on first use).
    transforms: Mutex<HashMap<Intent, Arc<SrgbTransform>>>,
    /// Converted template colours, by their sRGB bits and intent.
    colours: RwLock<HashMap<ColourKey, [f32; 4]>>,
    /// Photo transforms (8 bits), by intent, pixel kind and the digest of
    /// the photo's embedded profile: made once, not once a photo (making
    /// one with black point compensation took longer than converting the
    /// photo).
    photo_transforms: Mutex<HashMap<PhotoKey, PhotoTransform>>,
}

/// A photo transform's intent, whether its pixels are grey, and the digest
/// of the embedded profile it reads (none: sRGB or sRGB's grey).
type PhotoKey = (Intent, bool, Option<[u8; 32]>);

/// A photo's pixels to the profile's CMYK, 8 bits a component, shared by threads.
#[derive(Clone)]
enum PhotoTransform {
    Rgb(Arc<Transform<[u8; 3], [u8; 4], GlobalContext, DisallowCache>>),
    Gray(Arc<Transform<u8, [u8; 4], GlobalContext, DisallowCache>>),
}

/// Photo transforms kept at most (embedded profiles vary little: a phone
/// maker's Display P3, Adobe RGB).
const PHOTO_TRANSFORMS: usize = 32;

/// A template colour's sRGB components (their bits) and intent.
type ColourKey = ([u32; 3], Intent);

/// sRGB to the profile's CMYK, 16 bits a component, shared by threads.
type SrgbTransform = Transform<[u16; 3], [u16; 4], GlobalContext, DisallowCache>;

impl fmt::Debug for OutputIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutputIntent")
            .field("condition", &self.condition)
            .field("info", &self.info)
            .field("icc_bytes", &self.icc.len())
            .finish()
    }
}

impl PartialEq for OutputIntent {
    fn eq(&self, other: &Self) -> bool {
        self.profile_digest == other.profile_digest
            && self.condition == other.condition
            && self.info == other.info
    }
}

impl OutputIntent {
    /// The default condition: FOGRA39 with its embedded profile.
    pub fn fogra39() -> OutputIntent {
        OutputIntent::from_icc(FOGRA39, Some("FOGRA39".into()))
            .expect("the bundled FOGRA39 profile is a CMYK output profile")
    }

    /// A shop's own profile. It must be a CMYK output profile that sRGB can
    /// be converted into. `condition` names it (OutputConditionIdentifier);
    /// by default the profile's own description does.
    pub fn from_icc(icc: &[u8], condition: Option<String>) -> Result<OutputIntent, CmsError> {
        let profile = Profile::new_icc(icc).map_err(|_| CmsError::Unreadable)?;
        let class = sig_text(profile.device_class() as u32);
        let space = sig_text(profile.color_space() as u32);
        if class != "prtr" || space != "CMYK" {
            return Err(CmsError::NotCmykOutput { class, space });
        }
        let description = profile
            .info(lcms2::InfoType::Description, lcms2::Locale::none())
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "CMYK output profile".to_string());
        let intent = OutputIntent {
            icc: icc.into(),
            condition: condition.filter(|c| !c.trim().is_empty()).unwrap_or(description.clone()),
            info: description,
            profile_digest: Sha256::digest(icc).into(),
            transforms: Mutex::new(HashMap::new()),
            colours: RwLock::new(HashMap::new()),
            photo_transforms: Mutex::new(HashMap::new()),
        };
        // Fails now, not in the middle of a run, if the profile cannot be used.
        intent.transform(Intent::default())?;
        Ok(intent)
    }

    /// A hash of the profile and the condition's names: what a cache of
    /// converted photos keys on besides the photo and the intent.
    pub fn digest(&self) -> [u8; 32] {
        Sha256::new()
            .chain_update(self.profile_digest)
            .chain_update(self.condition.as_bytes())
            .chain_update([0])
            .chain_update(self.info.as_bytes())
            .finalize()
            .into()
    }

    fn transform(&self, intent: Intent) -> Result<Arc<SrgbTransform>, CmsError> {
        let mut all = self.transforms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = all.get(&intent) {
            return Ok(t.clone());
        }
        let out = Profile::new_icc(&self.icc).map_err(|_| CmsError::Unreadable)?;
        let t = Transform::new_flags_context(
            GlobalContext::new(),
            &srgb(),
            PixelFormat::RGB_16,
            &out,
            PixelFormat::CMYK_16,
            intent.lcms(),
            intent.flags(),
        )
        .map_err(|e| CmsError::NoTransform(e.to_string()))?;
        let t = Arc::new(t);
        all.insert(intent, t.clone());
        Ok(t)
    }

    /// A template colour as a PDF writes it: see [`Ink`].
    pub fn ink(&self, colour: Colour, intent: Intent) -> Ink {
        match colour {
            Colour::Rgb(r, g, b) if r > 0.0 || g > 0.0 || b > 0.0 => {
                Ink::Profiled(self.cmyk(colour, intent))
            }
            _ => Ink::Device(self.cmyk(colour, intent)),
        }
    }

    /// A template colour as CMYK components (0..=1, to a thousandth):
    /// `cmyk(...)` as given; hex read as sRGB and converted through the
    /// profile. Pure black (#000000) becomes 100 % K alone, as print shops
    /// expect of black text and codes (four inks would blur them when the
    /// plates are a hair out of register).
    pub fn cmyk(&self, colour: Colour, intent: Intent) -> [f32; 4] {
        let Colour::Rgb(r, g, b) = colour else { return colour.to_cmyk() };
        if r <= 0.0 && g <= 0.0 && b <= 0.0 {
            return [0.0, 0.0, 0.0, 1.0];
        }
        let key = ([r.to_bits(), g.to_bits(), b.to_bits()], intent);
        if let Some(c) = self.colours.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return *c;
        }
        let cmyk = match self.transform(intent) {
            Ok(t) => {
                let q = |v: f32| (v.clamp(0.0, 1.0) * 65535.0).round() as u16;
                let mut out = [[0u16; 4]];
                t.transform_pixels(&[[q(r), q(g), q(b)]], &mut out);
                out[0].map(|v| (f32::from(v) / 65535.0 * 1000.0).round() / 1000.0)
            }
            // Made once in from_icc, so only a failed allocation gets here.
            Err(_) => colour.to_cmyk(),
        };
        self.colours.write().unwrap_or_else(|e| e.into_inner()).insert(key, cmyk);
        cmyk
    }

    /// Converts a photo's pixels to CMYK (4 bytes a pixel, 0 = no ink, as
    /// DeviceCMYK reads them), through the photo's own ICC profile when it
    /// has one and otherwise as sRGB (or sGray: sRGB's tone curve).
    /// Relative colorimetric with black point compensation unless `intent`
    /// says otherwise. A pure function of its inputs, so its result can be
    /// cached by them.
    pub fn photo_to_cmyk(
        &self,
        pixels: Pixels,
        embedded: Option<&[u8]>,
        intent: Intent,
    ) -> Result<Vec<u8>, CmsError> {
        let (data, comps) = match pixels {
            Pixels::Rgb(d) => (d, 3),
            Pixels::Gray(d) => (d, 1),
        };
        if data.len() % comps != 0 {
            return Err(CmsError::Pixels(data.len(), comps));
        }
        let mut cmyk = vec![[0u8; 4]; data.len() / comps];
        match self.photo_transform(comps == 1, embedded, intent)? {
            PhotoTransform::Rgb(t) => {
                let px: Vec<[u8; 3]> = data.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
                t.transform_pixels(&px, &mut cmyk);
            }
            PhotoTransform::Gray(t) => t.transform_pixels(data, &mut cmyk),
        }
        Ok(cmyk.into_iter().flatten().collect())
    }
}

impl OutputIntent {
    /// The transform for a photo's pixels: made on first use, then shared.
    fn photo_transform(
        &self,
        gray: bool,
        embedded: Option<&[u8]>,
        intent: Intent,
    ) -> Result<PhotoTransform, CmsError> {
        let key = (intent, gray, embedded.map(|icc| Sha256::digest(icc).into()));
        if let Some(t) = self.photo_transforms.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(t.clone());
        }
        let out = Profile::new_icc(&self.icc).map_err(|_| CmsError::Unreadable)?;
        let source = match embedded {
            Some(icc) => Profile::new_icc(icc).map_err(|_| CmsError::Unreadable)?,
            None if gray => gray_profile(),
            None => srgb(),
        };
        let want = if gray { "GRAY" } else { "RGB " };
        let space = sig_text(source.color_space() as u32);
        if space != want {
            return Err(CmsError::NoTransform(format!(
                "the photo's embedded profile is for {} colours, its pixels are {}",
                space.trim(),
                want.trim()
            )));
        }
        let (lcms, flags) = (intent.lcms(), intent.flags());
        let fail = |e: lcms2::Error| CmsError::NoTransform(e.to_string());
        let made = if gray {
            PhotoTransform::Gray(Arc::new(
                Transform::new_flags_context(
                    GlobalContext::new(),
                    &source,
                    PixelFormat::GRAY_8,
                    &out,
                    PixelFormat::CMYK_8,
                    lcms,
                    flags,
                )
                .map_err(fail)?,
            ))
        } else {
            PhotoTransform::Rgb(Arc::new(
                Transform::new_flags_context(
                    GlobalContext::new(),
                    &source,
                    PixelFormat::RGB_8,
                    &out,
                    PixelFormat::CMYK_8,
                    lcms,
                    flags,
                )
                .map_err(fail)?,
            ))
        };
        let mut all = self.photo_transforms.lock().unwrap_or_else(|e| e.into_inner());
        if all.len() >= PHOTO_TRANSFORMS {
            all.clear();
        }
        all.insert(key, made.clone());
        Ok(made)
    }
}

/// The sRGB profile colours and untagged photos are read in.
fn srgb() -> Profile {
    Profile::new_icc(SRGB).unwrap_or_else(|_| Profile::new_srgb())
}

/// Grey with sRGB's tone curve and white point (D50 in the PCS).
fn gray_profile() -> Profile {
    let curve = lcms2::ToneCurve::new(2.2);
    Profile::new_gray(&lcms2::CIExyY { x: 0.3457, y: 0.3585, Y: 1.0 }, &curve)
        .unwrap_or_else(|_| Profile::new_srgb())
}

/// An ICC signature (four ASCII letters) as text.
fn sig_text(sig: u32) -> String {
    sig.to_be_bytes()
        .iter()
        .map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '?' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_profile_is_fogra39_cmyk_output() {
        let i = OutputIntent::fogra39();
        assert_eq!(i.condition, "FOGRA39");
        assert_eq!(i.info, "FOGRA39L Coated");
        let other = OutputIntent::from_icc(FOGRA39, Some("Press 2".into())).unwrap();
        assert_ne!(i.digest(), other.digest());
        assert_eq!(i.digest(), OutputIntent::fogra39().digest());
    }

    #[test]
    fn white_is_paper_and_black_is_k_alone() {
        let i = OutputIntent::fogra39();
        assert_eq!(i.cmyk(Colour::WHITE, Intent::default()), [0.0; 4]);
        assert_eq!(i.cmyk(Colour::BLACK, Intent::default()), [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(
            i.cmyk(Colour::Cmyk(0.1, 0.2, 0.3, 0.4), Intent::default()),
            [0.1, 0.2, 0.3, 0.4]
        );
        // A red through FOGRA39 is mostly magenta and yellow, not the
        // formula's pure 100/100.
        let [c, m, y, k] = i.cmyk(Colour::Rgb(1.0, 0.0, 0.0), Intent::default());
        assert!(c < 0.1 && m > 0.8 && y > 0.8 && k < 0.1, "{c} {m} {y} {k}");
        assert_ne!([c, m, y, k], Colour::Rgb(1.0, 0.0, 0.0).to_cmyk());
    }

    #[test]
    fn hex_colours_are_profiled_and_cmyk_and_black_are_device_colours() {
        let i = default_condition();
        let teal = Colour::Rgb(0.0, 105.0 / 255.0, 92.0 / 255.0);
        assert_eq!(i.ink(teal, Intent::default()), Ink::Profiled(i.cmyk(teal, Intent::default())));
        assert_eq!(i.ink(Colour::BLACK, Intent::default()), Ink::Device([0.0, 0.0, 0.0, 1.0]));
        let given = Colour::Cmyk(0.1, 0.2, 0.3, 0.4);
        assert_eq!(i.ink(given, Intent::default()), Ink::Device([0.1, 0.2, 0.3, 0.4]));
        assert!(std::ptr::eq(i, default_condition()), "made once");
        assert_eq!(i.condition, "FOGRA39");
    }

    #[test]
    fn display_and_rgb_profiles_are_refused() {
        let e = OutputIntent::from_icc(SRGB, None).unwrap_err();
        assert!(matches!(e, CmsError::NotCmykOutput { .. }), "{e:?}");
        assert!(e.to_string().contains("display (mntr) profile for RGB"), "{e}");
        assert_eq!(
            OutputIntent::from_icc(b"not a profile", None).unwrap_err(),
            CmsError::Unreadable
        );
    }

    #[test]
    fn photo_pixels_convert_like_template_colours() {
        let i = OutputIntent::fogra39();
        let px = [255, 255, 255, 200, 30, 40, 0, 0, 0];
        let out = i.photo_to_cmyk(Pixels::Rgb(&px), None, Intent::default()).unwrap();
        assert_eq!(out.len(), 12);
        assert_eq!(&out[..4], &[0, 0, 0, 0]);
        let c = i.cmyk(Colour::Rgb(200.0 / 255.0, 30.0 / 255.0, 40.0 / 255.0), Intent::default());
        for (a, b) in out[4..8].iter().zip(c) {
            assert!((f32::from(*a) / 255.0 - b).abs() < 0.02, "{out:?} {c:?}");
        }
        let grey = i.photo_to_cmyk(Pixels::Gray(&[255, 0]), None, Intent::default()).unwrap();
        assert_eq!(&grey[..4], &[0, 0, 0, 0]);
        assert!(grey[7] > 200, "{grey:?}");
        assert!(i.photo_to_cmyk(Pixels::Rgb(&[1, 2]), None, Intent::default()).is_err());
        // An embedded CMYK profile on RGB pixels is an error, not a guess.
        assert!(i.photo_to_cmyk(Pixels::Rgb(&px), Some(FOGRA39), Intent::default()).is_err());
    }
}
