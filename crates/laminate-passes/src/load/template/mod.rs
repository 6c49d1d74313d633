//! Templates: turns a folder of template YAML files (a base and one file per
//! pass type that extends it) into checked pass-type templates.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Diagnostic, Span};
use crate::fonts::{FontId, FONT_NAMES};
use crate::units::{self, Size};
use crate::yaml::{known_keys, Node, Value};
use laminate_passes_pdf::colour::Colour;

mod assets;
pub mod builtin;
pub mod convert;
pub mod folder;
pub mod svg;

/// A field of a pass that template text can show, written `{name}` etc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The holder's name.
    Name,
    /// The holder's organisation.
    Organisation,
    /// The holder's role.
    Role,
    /// The pass type's label, e.g. "ALL ACCESS".
    Access,
    /// The pass type's name, e.g. "crew".
    Pass,
    /// The zones, joined with " · ".
    Zones,
    /// First valid day.
    ValidFrom,
    /// Last valid day.
    ValidUntil,
    /// The validity as one range ("10 – 12 Jul 2026", or one day).
    Dates,
    /// The event's name.
    Event,
    /// The venue.
    Venue,
    /// The pass id.
    Id,
    /// "REPRINT n" on the n-th reprint, empty on the first print.
    Reprint,
    /// The hours of a pass with hours ("08:00 – 17:00"), empty for whole days.
    Hours,
}

/// Field names as written in templates, in [`Field`] order.
pub const FIELDS: &[(&str, Field)] = &[
    ("name", Field::Name),
    ("organisation", Field::Organisation),
    ("role", Field::Role),
    ("access", Field::Access),
    ("pass", Field::Pass),
    ("zones", Field::Zones),
    ("valid_from", Field::ValidFrom),
    ("valid_until", Field::ValidUntil),
    ("dates", Field::Dates),
    ("event", Field::Event),
    ("venue", Field::Venue),
    ("id", Field::Id),
    ("reprint", Field::Reprint),
    ("hours", Field::Hours),
];

impl Field {
    /// The name written in templates.
    pub fn name(self) -> &'static str {
        FIELDS.iter().find(|(_, f)| *f == self).map(|(n, _)| *n).unwrap_or("?")
    }

    /// True when the field is the same on every pass of one type in one run,
    /// so text using only such fields can be drawn once and reused.
    pub fn is_per_type(self) -> bool {
        matches!(self, Field::Access | Field::Pass | Field::Event | Field::Venue)
    }

    fn is_date(self) -> bool {
        matches!(self, Field::ValidFrom | Field::ValidUntil | Field::Dates | Field::Hours)
    }
}

/// A piece of template text.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// A field, with a date format for date fields (`{valid_from:%A}`).
    Field(Field, Option<String>),
    /// A value of the entry's `extra` mapping (`{extra.seat}`), empty when
    /// the entry has none of that name.
    Extra(String),
}

/// Template text with `{field}` placeholders, parsed.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pattern(pub Vec<Piece>);

impl Pattern {
    /// The fields the text uses.
    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.0.iter().filter_map(|p| match p {
            Piece::Field(f, _) => Some(*f),
            Piece::Lit(_) | Piece::Extra(_) => None,
        })
    }

    /// True when the text is the same on every pass of a type.
    pub fn is_per_type(&self) -> bool {
        self.fields().all(Field::is_per_type)
            && !self.0.iter().any(|p| matches!(p, Piece::Extra(_)))
    }
}

/// Horizontal alignment of text in its box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Flush left.
    Left,
    /// Centred.
    Center,
    /// Flush right.
    Right,
    /// At the start of each line in its own direction: flush left, or flush
    /// right for a line whose first strong character is right-to-left
    /// (Arabic, Hebrew).
    Start,
    /// At the end of each line: the other side from [`Align::Start`].
    End,
}

/// How a text element looks and fits.
#[derive(Clone, Debug, PartialEq)]
pub struct TextStyle {
    /// The parts; parts that come out empty are left out, the rest joined by `separator`.
    pub parts: Vec<Pattern>,
    /// Joins the non-empty parts.
    pub separator: String,
    /// The preferred font.
    pub font: FontId,
    /// Largest size in pt.
    pub size: f64,
    /// Smallest size in pt before a warning.
    pub min_size: f64,
    /// Most lines (1 or 2).
    pub lines: u8,
    /// Alignment.
    pub align: Align,
    /// Colour.
    pub colour: Colour,
    /// Set in capitals.
    pub uppercase: bool,
    /// Set as a paragraph (`fit: wrap` or `wrap-shrink`), not fitted.
    pub paragraph: Option<ParagraphStyle>,
}

/// Where a paragraph's lines sit in the box, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VAlign {
    /// At the top.
    Top,
    /// Centred.
    Middle,
    /// At the bottom.
    Bottom,
}

/// A text set as a paragraph, as pretix's renderer (ReportLab) sets it:
/// greedy lines at the size asked for, the first baseline one size below
/// the top of the lines (`fit: wrap`, `wrap-shrink`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParagraphStyle {
    /// Shrink in pretix's steps until the lines fit the box (`wrap-shrink`).
    pub shrink: bool,
    /// Where the lines sit in the box.
    pub valign: VAlign,
    /// Line height as a multiple of the size.
    pub leading: f64,
    /// pretix's older text element (`textarea` without `lineheight`) spaces
    /// the lines of a text with a hyphen or a line break this far apart
    /// (times the size), while still placing the block by `leading`.
    pub legacy_leading: Option<f64>,
    /// Turned clockwise about the box's top-left corner, in degrees.
    pub rotate: f64,
    /// A word wider than the box is split across lines.
    pub split_words: bool,
}

impl TextStyle {
    /// True when the text is the same on every pass of a type.
    pub fn is_per_type(&self) -> bool {
        self.parts.iter().all(Pattern::is_per_type)
    }
}

/// The white border of a QR code inside its box, in modules, unless the
/// template says otherwise. ISO/IEC 18004 asks for 4; on the built-in
/// cards' 28 mm box a border of 1 makes each module 0.60 mm instead of
/// 0.53 mm (version 7), and zxing-cpp then read 69 of 81 door frames
/// instead of 62, with glare on the laminate 64 instead of 59, and zbar as
/// many (docs/door.md, "The printed code"). Art beside the box reads fine;
/// art drawn over it does not, and is warned of.
pub const QR_QUIET_ZONE: u8 = 1;

/// What an element draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A filled rectangle; with `bleed` it runs into the bleed where it touches the card edge.
    Rect { fill: Colour, radius: f64, bleed: bool },
    /// Text bound to fields.
    Text(TextStyle),
    /// The QR code, square, quiet zone included in the box.
    Qr {
        /// The dark modules' colour.
        colour: Colour,
        /// White modules around the code inside the box (`quiet_zone`,
        /// default [`QR_QUIET_ZONE`]).
        quiet_zone: u8,
    },
    /// The holder's photo, cropped to fill the box.
    Photo {
        /// Corner radius in pt.
        radius: f64,
        /// A frame line around it.
        frame: Option<Colour>,
        /// Pixels an inch the photo is prepared at (`dpi`, default 300).
        dpi: f64,
        /// The part of a photo of another shape that is kept (`crop`).
        crop: crate::photos::prepared::Crop,
        /// What transparent pixels are laid on: the `photo_slot` colour,
        /// else white, as sRGB bytes.
        backdrop: [u8; 3],
    },
    /// A fixed image (logo, signature): a PNG or JPEG, or an SVG kept vector.
    Image {
        /// The file, as the template names it.
        name: String,
        /// What it draws, read and checked when the template is loaded.
        art: ImageArt,
        /// Drawn on the security layer (in its spot ink, if any).
        security: bool,
    },
    /// Where the slot punch goes.
    Punch { colour: Colour },
    /// Security layer: a guilloche unique to the pass.
    Guilloche { colour: Colour },
    /// Security layer: a line of microtext (event and id).
    Microtext { colour: Colour, size: f64 },
    /// Security layer: a simulated hologram patch.
    Hologram,
    /// Security layer: raised-writing imitation of a text.
    Raised { text: Pattern, font: FontId, colour: Colour },
}

impl Kind {
    /// True for the kinds drawn on the `Security` layer.
    pub fn is_security(&self) -> bool {
        matches!(
            self,
            Kind::Guilloche { .. } | Kind::Microtext { .. } | Kind::Hologram | Kind::Raised { .. }
        )
    }
}

/// A template image, decoded once when the template is loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageArt {
    /// Pixels (PNG or JPEG), scaled for the element's box, in sRGB, and
    /// the file's bytes, for a PDF/X run to prepare them in its CMYK.
    Raster {
        /// The image prepared for the box, in sRGB, alpha as a soft mask.
        photo: Arc<crate::photos::prepared::Photo>,
        /// The file as read.
        source: Arc<[u8]>,
    },
    /// Vector paths (from SVG), fitted to the element's box: pt, y upwards
    /// from the box's bottom-left corner.
    Vector(Arc<[(crate::frame::Point, crate::frame::Item)]>),
}

/// A box on the card, in pt from the card's top-left corner, y downwards.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoxPt {
    /// Left edge in pt.
    pub x: f64,
    /// Top edge in pt.
    pub y: f64,
    /// Width in pt.
    pub w: f64,
    /// Height in pt.
    pub h: f64,
}

/// One placed element of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    /// Its key under `elements`.
    pub name: String,
    /// Where it sits.
    pub at: BoxPt,
    /// What it draws.
    pub kind: Kind,
}

/// A template's background PDF, read when the template is loaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Background {
    /// The file, as the template names it.
    pub name: String,
    /// Its pages, ready to draw.
    pub pages: Vec<Arc<laminate_passes_pdf::page::EmbeddedPage>>,
}

/// Whether a pass type is valid for a range of days or for one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Days {
    /// Any range (the default).
    Range,
    /// Exactly one day; `valid_until` defaults to `valid_from`.
    Single,
}

/// A pass type: a template after `extends` has been applied and every value checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    /// The pass type's name (the file name without `.yaml`).
    pub name: String,
    /// Other names rosters may use.
    pub aliases: Vec<String>,
    /// One line for `laminate templates`.
    pub description: String,
    /// The access level label, shown by `{access}`.
    pub label: String,
    /// Card size in pt.
    pub card: Size,
    /// Radius of the card's corners in pt (0: square), the shape of its cut line.
    pub corner_radius: f64,
    /// Default zones.
    pub zones: Vec<String>,
    /// Range or single day.
    pub days: Days,
    /// strftime format of dates.
    pub date_format: String,
    /// strftime format of times of day (`{hours}`, and `{dates}` with hours).
    pub time_format: String,
    /// Elements in drawing order.
    pub elements: Vec<Element>,
    /// Elements of the back (printed with `--duplex`), as seen from the back.
    pub back: Vec<Element>,
    /// Put the holder's name in the QR payload (off by default: privacy).
    pub qr_name: bool,
    /// With `render --pdfx`: how the template's sRGB colours are converted
    /// to the printing condition's CMYK (`None`: relative colorimetric with
    /// black point compensation).
    pub rendering_intent: Option<laminate_passes_pdf::cms::Intent>,
    /// A PDF drawn under the elements (`background`): its first page under
    /// the front, its second (if any) under the back.
    pub background: Option<Background>,
}

impl Template {
    /// Every field the template shows, sorted.
    pub fn fields(&self) -> Vec<Field> {
        let mut fields: Vec<Field> = self
            .elements
            .iter()
            .flat_map(|e| -> Vec<Field> {
                match &e.kind {
                    Kind::Text(t) => t.parts.iter().flat_map(|p| p.fields()).collect(),
                    Kind::Raised { text, .. } => text.fields().collect(),
                    Kind::Microtext { .. } => vec![Field::Event, Field::Id],
                    _ => vec![],
                }
            })
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }
}

/// The pass types of a run.
#[derive(Clone, Debug, Default)]
pub struct TemplateSet {
    /// Pass types sorted by name.
    pub templates: Vec<Template>,
}

impl TemplateSet {
    /// A pass type by name or alias, ignoring case.
    pub fn find(&self, name: &str) -> Option<usize> {
        let lower = name.to_lowercase();
        self.templates.iter().position(|t| t.name == lower || t.aliases.contains(&lower))
    }

    /// All names and aliases, for hints.
    pub fn names(&self) -> Vec<&str> {
        self.templates.iter().map(|t| t.name.as_str()).collect()
    }
}

/// Where templates come from.
#[derive(Clone, Debug)]
pub enum Origin {
    /// The repo's templates/ compiled into the binary.
    Builtin,
    /// A folder given with `--templates`.
    Dir(PathBuf),
    /// The built-in set plus one more file given as text (`name.yaml`,
    /// replacing a built-in file of that name): for tests and fuzzing.
    BuiltinPlus {
        /// File name, e.g. `guest.yaml`.
        name: String,
        /// Its text.
        text: String,
    },
    /// Files given in memory, in any order (`laminate design` works on
    /// these; a program may give a set with its images and backgrounds);
    /// image files not given are read from `dir`, if given.
    Memory {
        /// File name (e.g. `crew.yaml`, `art/logo.png`) and bytes, per file.
        files: Vec<(String, Vec<u8>)>,
        /// The folder the files belong to, for their images.
        dir: Option<PathBuf>,
    },
}

/// A problem with the template folder itself, not with its contents.
#[derive(Debug)]
pub enum SetError {
    /// The folder or a file in it could not be read.
    Io { path: PathBuf, source: std::io::Error },
    /// The folder holds no `.yaml` files.
    Empty(PathBuf),
}

impl std::fmt::Display for SetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            SetError::Empty(path) => {
                write!(f, "{} holds no template (.yaml) files", path.display())
            }
        }
    }
}

impl std::error::Error for SetError {}

#[cfg(test)]
mod tests {
    use super::convert::parse_pattern;
    use super::folder::load;
    use super::*;
    use crate::diag::Sources;

    #[test]
    fn patterns() {
        let p = parse_pattern("{valid_from:%A} – {id} {{x}}").unwrap();
        assert_eq!(
            p.0,
            vec![
                Piece::Field(Field::ValidFrom, Some("%A".into())),
                Piece::Lit(" – ".into()),
                Piece::Field(Field::Id, None),
                Piece::Lit(" {x}".into()),
            ]
        );
        assert!(parse_pattern("{nmae}").unwrap_err().contains("did you mean {name}?"));
        assert!(parse_pattern("{name").is_err());
        assert!(parse_pattern("{name:%d}").is_err());
    }

    #[test]
    fn builtin_set_loads() {
        let mut sources = Sources::default();
        let mut out = vec![];
        let set = load(&Origin::Builtin, &mut sources, &mut out).unwrap();
        assert!(out.is_empty(), "{out:#?}");
        assert_eq!(set.names(), ["all-access", "crew", "day", "limited", "load-in", "sticky"]);
        assert_eq!(set.find("VIP"), set.find("limited"));
        let day = &set.templates[set.find("day").unwrap()];
        assert_eq!(day.days, Days::Single);
        let load_in = &set.templates[set.find("load-in").unwrap()];
        assert_eq!((load_in.days, load_in.time_format.as_str()), (Days::Single, "%H:%M"));
    }
}
