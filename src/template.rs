//! Templates: turns a folder of template YAML files (a base and one file per
//! pass type that extends it) into checked pass-type templates.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::colour::Colour;
use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::fonts::{FontId, FONT_NAMES};
use crate::units::{self, Size};
use crate::yaml::{known_keys, Node, Reader, Value};

include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));

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
        matches!(self, Field::ValidFrom | Field::ValidUntil | Field::Dates)
    }
}

/// A piece of template text.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Literal text.
    Lit(String),
    /// A field, with a date format for date fields (`{valid_from:%A}`).
    Field(Field, Option<String>),
}

/// Template text with `{field}` placeholders, parsed.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Pattern(pub Vec<Piece>);

impl Pattern {
    /// The fields the text uses.
    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.0.iter().filter_map(|p| match p {
            Piece::Field(f, _) => Some(*f),
            Piece::Lit(_) => None,
        })
    }

    /// True when the text is the same on every pass of a type.
    pub fn is_per_type(&self) -> bool {
        self.fields().all(Field::is_per_type)
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
}

impl TextStyle {
    /// True when the text is the same on every pass of a type.
    pub fn is_per_type(&self) -> bool {
        self.parts.iter().all(Pattern::is_per_type)
    }
}

/// What an element draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A filled rectangle; with `bleed` it runs into the bleed where it touches the card edge.
    Rect { fill: Colour, radius: f64, bleed: bool },
    /// Text bound to fields.
    Text(TextStyle),
    /// The QR code, square, quiet zone included in the box.
    Qr { colour: Colour },
    /// The holder's photo, cropped to fill the box.
    Photo { radius: f64, frame: Option<Colour> },
    /// A fixed image (logo, signature), PNG or JPEG.
    Image { name: String, data: Arc<[u8]> },
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
    /// Default zones.
    pub zones: Vec<String>,
    /// Range or single day.
    pub days: Days,
    /// strftime format of dates.
    pub date_format: String,
    /// Elements in drawing order.
    pub elements: Vec<Element>,
    /// Elements of the back (printed with `--duplex`), as seen from the back.
    pub back: Vec<Element>,
    /// Put the holder's name in the QR payload (off by default: privacy).
    pub qr_name: bool,
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

struct File {
    stem: String,
    id: FileId,
    node: Option<Node>,
}

/// Loads a template set. Problems in the files become diagnostics; problems
/// reading the folder are a [`SetError`].
pub fn load(
    origin: &Origin,
    sources: &mut Sources,
    out: &mut Vec<Diagnostic>,
) -> Result<TemplateSet, SetError> {
    let mut files = Vec::new();
    let builtin = |skip: &str| -> Vec<(String, String, Vec<u8>)> {
        BUILTIN_TEMPLATES
            .iter()
            .filter(|(name, _)| *name != skip)
            .map(|(name, bytes)| {
                (name.to_string(), format!("<built-in templates>/{name}"), bytes.to_vec())
            })
            .collect()
    };
    let raw: Vec<(String, String, Vec<u8>)> = match origin {
        Origin::Builtin => builtin(""),
        Origin::BuiltinPlus { name, text } => {
            let mut raw = builtin(name);
            raw.push((name.clone(), name.clone(), text.as_bytes().to_vec()));
            raw
        }
        Origin::Dir(dir) => {
            let entries = std::fs::read_dir(dir)
                .map_err(|source| SetError::Io { path: dir.clone(), source })?;
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
                .collect();
            names.sort();
            let mut raw = Vec::new();
            for name in names {
                let path = dir.join(&name);
                let bytes = std::fs::read(&path)
                    .map_err(|source| SetError::Io { path: path.clone(), source })?;
                raw.push((name, path.display().to_string(), bytes));
            }
            raw
        }
    };
    for (name, shown, bytes) in raw {
        let Some(stem) = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) else {
            continue;
        };
        let text: Arc<str> = match String::from_utf8(bytes) {
            Ok(t) => Arc::from(t),
            Err(_) => {
                let id = sources.add(shown, Arc::from(""));
                out.push(Diagnostic::error(
                    Span { file: id, ..Span::default() },
                    "the template is not UTF-8 text",
                ));
                continue;
            }
        };
        let id = sources.add(shown, text.clone());
        let node = match Reader::new(&text, id).read_document() {
            Ok(n) => n,
            Err(d) => {
                out.push(d);
                continue;
            }
        };
        files.push(File { stem: stem.to_string(), id, node });
    }
    if files.is_empty() && out.is_empty() {
        let dir = match origin {
            Origin::Dir(d) => d.clone(),
            _ => PathBuf::from("templates"),
        };
        return Err(SetError::Empty(dir));
    }
    let asset_dir = match origin {
        Origin::Builtin | Origin::BuiltinPlus { .. } => None,
        Origin::Dir(d) => Some(d.as_path()),
    };
    let mut set = TemplateSet::default();
    for file in &files {
        let Some(node) = &file.node else {
            out.push(Diagnostic::error(
                Span { file: file.id, ..Span::default() },
                "the template file is empty",
            ));
            continue;
        };
        let Some(merged) = merged(file, &files, out) else { continue };
        if own_flag(node, "abstract") {
            continue;
        }
        if let Some(t) = convert(&file.stem, &merged, asset_dir, out) {
            set.templates.push(t);
        }
    }
    set.templates.sort_by(|a, b| a.name.cmp(&b.name));
    check_aliases(&set, out);
    Ok(set)
}

fn check_aliases(set: &TemplateSet, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for t in &set.templates {
        for n in std::iter::once(&t.name).chain(&t.aliases) {
            if let Some(other) = seen.insert(n, &t.name) {
                out.push(Diagnostic::error_nowhere(format!(
                    "pass types \"{other}\" and \"{}\" both answer to \"{n}\"",
                    t.name
                )));
            }
        }
    }
}

fn own_flag(node: &Node, key: &str) -> bool {
    map_get(node, key).and_then(Node::as_str) == Some("true")
}

fn map_get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
        _ => None,
    }
}

/// The file's node with its `extends` chain applied (base first, each child on top).
fn merged(file: &File, files: &[File], out: &mut Vec<Diagnostic>) -> Option<Node> {
    let mut chain: Vec<&File> = vec![file];
    let mut current = file;
    while let Some(parent) = current.node.as_ref().and_then(|n| map_get(n, "extends")) {
        let Some(name) = parent.as_str() else {
            out.push(Diagnostic::error(
                parent.span,
                "`extends` takes the name of another template",
            ));
            return None;
        };
        let Some(next) = files.iter().find(|f| f.stem == name) else {
            let known: Vec<&str> = files.iter().map(|f| f.stem.as_str()).collect();
            out.push(
                Diagnostic::error(
                    parent.span,
                    format!("`extends`: there is no template \"{name}\""),
                )
                .hint(format!("templates in this set: {}", known.join(", "))),
            );
            return None;
        };
        if chain.iter().any(|f| f.stem == next.stem) {
            out.push(Diagnostic::error(
                parent.span,
                format!("`extends` goes round in a circle through \"{name}\""),
            ));
            return None;
        }
        chain.push(next);
        current = next;
    }
    let mut result: Option<Node> = None;
    for f in chain.iter().rev() {
        let Some(node) = &f.node else { return None };
        result = Some(match result {
            None => node.clone(),
            Some(base) => merge(base, node),
        });
    }
    result
}

/// Deep merge: mappings merge key by key (a null value deletes the key),
/// anything else in `top` replaces what `base` had.
fn merge(base: Node, top: &Node) -> Node {
    match (base.value, &top.value) {
        (Value::Map(mut pairs), Value::Map(top_pairs)) => {
            for (k, v) in top_pairs {
                let pos = pairs
                    .iter()
                    .position(|(bk, _)| bk.as_str().is_some() && bk.as_str() == k.as_str());
                match (pos, v.is_null()) {
                    (Some(i), true) => {
                        pairs.remove(i);
                    }
                    (Some(i), false) => {
                        let old = pairs[i].1.clone();
                        pairs[i] = (k.clone(), merge(old, v));
                    }
                    (None, _) => pairs.push((k.clone(), v.clone())),
                }
            }
            Node { span: top.span, value: Value::Map(pairs) }
        }
        _ => top.clone(),
    }
}

const TEMPLATE_KEYS: &[&str] = &[
    "extends",
    "abstract",
    "label",
    "aliases",
    "description",
    "card",
    "zones",
    "days",
    "date_format",
    "colours",
    "elements",
    "back",
    "qr_name",
];

const ELEMENT_TYPES: &[&str] = &[
    "rect",
    "text",
    "qr",
    "photo",
    "image",
    "punch",
    "guilloche",
    "microtext",
    "hologram",
    "raised",
];

fn convert(
    stem: &str,
    node: &Node,
    asset_dir: Option<&Path>,
    out: &mut Vec<Diagnostic>,
) -> Option<Template> {
    let Value::Map(pairs) = &node.value else {
        out.push(Diagnostic::error(
            node.span,
            format!("a template must be a mapping, not {}", node.kind()),
        ));
        return None;
    };
    let errors_before = out.len();
    let what = format!("template \"{stem}\"");
    let mut t = Template {
        name: stem.to_lowercase(),
        aliases: vec![],
        description: String::new(),
        label: stem.to_uppercase(),
        card: Size::new(units::CARDS[0].1, units::CARDS[0].2),
        zones: vec![],
        days: Days::Range,
        date_format: "%d %b %Y".into(),
        elements: vec![],
        back: vec![],
        qr_name: false,
    };
    let mut colours: BTreeMap<String, Colour> = BTreeMap::new();
    let mut elements_node = None;
    let mut back_node = None;
    let keys = known_keys(pairs, TEMPLATE_KEYS, &what, None, out);
    // Colours first: elements refer to them by name.
    for (key, _, v) in &keys {
        if *key == "colours" {
            match &v.value {
                Value::Map(cs) => {
                    for (k, c) in cs {
                        match (k.as_str(), c.as_str().map(Colour::parse)) {
                            (Some(name), Some(Ok(colour))) => {
                                colours.insert(name.to_string(), colour);
                            }
                            (_, Some(Err(msg))) => out.push(Diagnostic::error(c.span, msg)),
                            _ => out.push(Diagnostic::error(
                                c.span,
                                "a colour is written #rrggbb or cmyk(c, m, y, k)",
                            )),
                        }
                    }
                }
                _ => out.push(Diagnostic::error(v.span, "`colours` must map names to colours")),
            }
        }
    }
    for (key, _, v) in keys {
        match key {
            "extends" | "abstract" | "colours" => {}
            "label" => t.label = scalar(v, out).unwrap_or_default(),
            "description" => t.description = scalar(v, out).unwrap_or_default(),
            "aliases" => t.aliases = list(v, out).into_iter().map(|a| a.to_lowercase()).collect(),
            "zones" => t.zones = list(v, out),
            "card" => {
                if let Some(s) = scalar(v, out) {
                    match units::parse_card(&s) {
                        Ok(size) => t.card = size,
                        Err(e) => out.push(Diagnostic::error(v.span, e.0)),
                    }
                }
            }
            "days" => match scalar(v, out).as_deref() {
                Some("range") => t.days = Days::Range,
                Some("single") => t.days = Days::Single,
                _ => out.push(Diagnostic::error(v.span, "`days` is range or single")),
            },
            "date_format" => {
                if let Some(f) = scalar(v, out) {
                    if check_date_format(&f, v.span, out) {
                        t.date_format = f;
                    }
                }
            }
            "elements" => elements_node = Some(v),
            "back" => back_node = Some(v),
            "qr_name" => match scalar(v, out).as_deref() {
                Some("true") => t.qr_name = true,
                Some("false") => t.qr_name = false,
                _ => out.push(Diagnostic::error(v.span, "`qr_name` is true or false")),
            },
            _ => unreachable!("known_keys returns known keys only"),
        }
    }
    match elements_node.map(|n| &n.value) {
        Some(Value::Map(els)) => {
            for (k, v) in els {
                let Some(name) = k.as_str() else { continue };
                if let Some(e) = element(name, v, &t, &colours, asset_dir, out) {
                    t.elements.push(e);
                }
            }
        }
        Some(_) => out.push(Diagnostic::error(
            elements_node.expect("matched").span,
            "`elements` must be a mapping of names to elements",
        )),
        None => out.push(Diagnostic::error(node.span, format!("{what} has no `elements`"))),
    }
    match back_node.map(|n| &n.value) {
        Some(Value::Map(els)) => {
            for (k, v) in els {
                let Some(name) = k.as_str() else { continue };
                if let Some(e) = element(name, v, &t, &colours, asset_dir, out) {
                    if matches!(e.kind, Kind::Photo { .. } | Kind::Hologram | Kind::Raised { .. }) {
                        out.push(Diagnostic::error(v.span, format!("element \"{name}\": the back takes no photo, hologram or raised writing")));
                        continue;
                    }
                    t.back.push(e);
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => out.push(Diagnostic::error(
            back_node.expect("matched").span,
            "`back` must be a mapping of names to elements",
        )),
    }
    (out.len() == errors_before).then_some(t)
}

fn scalar(node: &Node, out: &mut Vec<Diagnostic>) -> Option<String> {
    match &node.value {
        Value::Scalar(s) => Some(s.clone()),
        Value::Null => Some(String::new()),
        _ => {
            out.push(Diagnostic::error(
                node.span,
                format!("expected a single value, not {}", node.kind()),
            ));
            None
        }
    }
}

fn list(node: &Node, out: &mut Vec<Diagnostic>) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|i| scalar(i, out)).collect(),
        Value::Null => vec![],
        _ => {
            out.push(Diagnostic::error(node.span, format!("expected a list, not {}", node.kind())));
            vec![]
        }
    }
}

fn check_date_format(f: &str, span: Span, out: &mut Vec<Diagnostic>) -> bool {
    let probe = jiff::civil::date(2026, 7, 10);
    let mut buf = String::new();
    let ok = jiff::fmt::strtime::BrokenDownTime::from(probe).format(f, &mut buf).is_ok();
    if !ok {
        out.push(
            Diagnostic::error(span, format!("\"{f}\" is not a date format"))
                .hint("use strftime directives such as %d %b %Y or %A %d %B"),
        );
    }
    ok
}

fn colour_of(
    node: &Node,
    colours: &BTreeMap<String, Colour>,
    out: &mut Vec<Diagnostic>,
) -> Option<Colour> {
    let s = scalar(node, out)?;
    if let Some(c) = colours.get(&s) {
        return Some(*c);
    }
    match Colour::parse(&s) {
        Ok(c) => Some(c),
        Err(msg) => {
            let names: Vec<&str> = colours.keys().map(String::as_str).collect();
            let mut d = Diagnostic::error(node.span, msg);
            if !names.is_empty() {
                d = d.hint(format!("colours defined in this template: {}", names.join(", ")));
            }
            out.push(d);
            None
        }
    }
}

/// Parses `{field}` and `{field:FORMAT}` placeholders; `{{` and `}}` are literal braces.
pub fn parse_pattern(text: &str) -> Result<Pattern, String> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut inner = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) => inner.push(ch),
                        None => return Err(format!("\"{text}\": a `{{` is not closed")),
                    }
                }
                let (name, format) = match inner.split_once(':') {
                    Some((n, f)) => (n.trim(), Some(f.to_string())),
                    None => (inner.trim(), None),
                };
                let Some(&(_, field)) = FIELDS.iter().find(|(n, _)| *n == name) else {
                    let known: Vec<&str> = FIELDS.iter().map(|(n, _)| *n).collect();
                    let near = crate::yaml::nearest(name, &known)
                        .map(|n| format!(" (did you mean {{{n}}}?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown field {{{name}}}{near}; fields: {}",
                        known.join(", ")
                    ));
                };
                if format.is_some() && !field.is_date() {
                    return Err(format!("{{{name}}} is not a date and takes no format"));
                }
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Field(field, format));
            }
            '}' => return Err(format!("\"{text}\": a `}}` has no `{{`; write }}}} for a brace")),
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Ok(Pattern(pieces))
}

fn pattern(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Pattern> {
    let s = scalar(node, out)?;
    match parse_pattern(&s) {
        Ok(p) => {
            for piece in &p.0 {
                if let Piece::Field(_, Some(f)) = piece {
                    if !check_date_format(f, node.span, out) {
                        return None;
                    }
                }
            }
            Some(p)
        }
        Err(msg) => {
            out.push(Diagnostic::error(node.span, msg));
            None
        }
    }
}

fn element(
    name: &str,
    node: &Node,
    t: &Template,
    colours: &BTreeMap<String, Colour>,
    asset_dir: Option<&Path>,
    out: &mut Vec<Diagnostic>,
) -> Option<Element> {
    let Value::Map(pairs) = &node.value else {
        out.push(Diagnostic::error(
            node.span,
            format!("element \"{name}\" must be a mapping, not {}", node.kind()),
        ));
        return None;
    };
    let ty_node = map_get(node, "type");
    let Some(ty) = ty_node.and_then(Node::as_str) else {
        out.push(
            Diagnostic::error(node.span, format!("element \"{name}\" has no `type`"))
                .hint(format!("types: {}", ELEMENT_TYPES.join(", "))),
        );
        return None;
    };
    let extra: &[&str] = match ty {
        "rect" => &["fill", "radius", "bleed"],
        "text" => &[
            "text",
            "separator",
            "font",
            "size",
            "min_size",
            "lines",
            "align",
            "colour",
            "uppercase",
        ],
        "qr" | "punch" | "guilloche" => &["colour"],
        "photo" => &["radius", "frame"],
        "image" => &["file"],
        "microtext" => &["colour", "size"],
        "hologram" => &[],
        "raised" => &["text", "colour", "font"],
        _ => {
            let mut d = Diagnostic::error(
                ty_node.expect("has type").span,
                format!("unknown element type \"{ty}\""),
            );
            d = match crate::yaml::nearest(ty, ELEMENT_TYPES) {
                Some(n) => d.hint(format!("did you mean \"{n}\"?")),
                None => d.hint(format!("types: {}", ELEMENT_TYPES.join(", "))),
            };
            out.push(d);
            return None;
        }
    };
    let known: Vec<&str> =
        ["type", "x", "y", "width", "height"].iter().chain(extra).copied().collect();
    let before = out.len();
    let what = format!("element \"{name}\" ({ty})");
    let keys = known_keys(pairs, &known, &what, None, out);
    let get = |k: &str| keys.iter().find(|(key, _, _)| *key == k).map(|(_, _, v)| *v);
    let length = |k: &str, out: &mut Vec<Diagnostic>| -> Option<f64> {
        let v = get(k)?;
        match scalar(v, out).map(|s| units::parse_length(&s)) {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                out.push(Diagnostic::error(v.span, e.0));
                None
            }
            None => None,
        }
    };
    let mut at = BoxPt { x: 0.0, y: 0.0, w: 0.0, h: 0.0 };
    for (k, slot) in
        [("x", &mut at.x), ("y", &mut at.y), ("width", &mut at.w), ("height", &mut at.h)]
    {
        match length(k, out) {
            Some(v) => *slot = v,
            None if get(k).is_none() => {
                out.push(Diagnostic::error(node.span, format!("{what} has no `{k}`")))
            }
            None => {}
        }
    }
    let number = |k: &str, default: f64, out: &mut Vec<Diagnostic>| -> f64 {
        match get(k) {
            None => default,
            Some(v) => match scalar(v, out).map(|s| s.trim_end_matches("pt").trim().parse::<f64>())
            {
                Some(Ok(n)) if n.is_finite() && n > 0.0 => n,
                _ => {
                    out.push(Diagnostic::error(
                        v.span,
                        format!("`{k}` must be a positive number (pt)"),
                    ));
                    default
                }
            },
        }
    };
    let colour = |k: &str, default: Colour, out: &mut Vec<Diagnostic>| -> Colour {
        get(k).and_then(|v| colour_of(v, colours, out)).unwrap_or(default)
    };
    let text_colour = colours.get("text").copied().unwrap_or(Colour::BLACK);
    let security_colour = colours.get("security").copied().unwrap_or(Colour::Rgb(0.55, 0.6, 0.7));
    let font = |k: &str, default: FontId, out: &mut Vec<Diagnostic>| -> FontId {
        let Some(v) = get(k) else { return default };
        let s = scalar(v, out).unwrap_or_default();
        match FONT_NAMES.iter().position(|n| *n == s) {
            Some(i) => FontId(i as u8),
            None => {
                out.push(
                    Diagnostic::error(v.span, format!("unknown font \"{s}\""))
                        .hint(format!("fonts: {}", FONT_NAMES.join(", "))),
                );
                default
            }
        }
    };
    let flag = |k: &str, default: bool, out: &mut Vec<Diagnostic>| -> bool {
        match get(k).map(|v| (v, scalar(v, out))) {
            None => default,
            Some((_, Some(s))) if s == "true" => true,
            Some((_, Some(s))) if s == "false" => false,
            Some((v, _)) => {
                out.push(Diagnostic::error(v.span, format!("`{k}` is true or false")));
                default
            }
        }
    };
    let kind = match ty {
        "rect" => Kind::Rect {
            fill: colour("fill", Colour::WHITE, out),
            radius: length("radius", out).unwrap_or(0.0),
            bleed: flag("bleed", true, out),
        },
        "text" => {
            let parts = match get("text").map(|v| (v, &v.value)) {
                Some((_, Value::Seq(items))) => {
                    items.iter().filter_map(|i| pattern(i, out)).collect()
                }
                Some((v, _)) => pattern(v, out).into_iter().collect(),
                None => {
                    out.push(Diagnostic::error(node.span, format!("{what} has no `text`")));
                    vec![]
                }
            };
            let size = number("size", 10.0, out);
            let min_size = number("min_size", size.min(6.0), out);
            if min_size > size {
                out.push(Diagnostic::error(
                    get("min_size").map_or(node.span, |v| v.span),
                    format!("{what}: min_size {min_size} is above size {size}"),
                ));
            }
            let lines = number("lines", 1.0, out);
            if lines != 1.0 && lines != 2.0 {
                out.push(Diagnostic::error(
                    get("lines").map_or(node.span, |v| v.span),
                    "`lines` is 1 or 2",
                ));
            }
            let align = match get("align").and_then(|v| scalar(v, out)).as_deref() {
                None | Some("left") => Align::Left,
                Some("center") | Some("centre") => Align::Center,
                Some("right") => Align::Right,
                Some(_) => {
                    out.push(Diagnostic::error(
                        get("align").expect("present").span,
                        "`align` is left, center or right",
                    ));
                    Align::Left
                }
            };
            Kind::Text(TextStyle {
                parts,
                separator: get("separator")
                    .and_then(|v| scalar(v, out))
                    .unwrap_or_else(|| " · ".into()),
                font: font("font", crate::fonts::REGULAR, out),
                size,
                min_size,
                lines: lines as u8,
                align,
                colour: colour("colour", text_colour, out),
                uppercase: flag("uppercase", false, out),
            })
        }
        "qr" => Kind::Qr { colour: colour("colour", Colour::BLACK, out) },
        "photo" => Kind::Photo {
            radius: length("radius", out).unwrap_or(0.0),
            frame: get("frame").and_then(|v| colour_of(v, colours, out)),
        },
        "image" => {
            let Some(file) = get("file").and_then(|v| scalar(v, out)) else {
                out.push(Diagnostic::error(node.span, format!("{what} has no `file`")));
                return None;
            };
            let bytes = match asset_dir {
                None => BUILTIN_TEMPLATES.iter().find(|(n, _)| *n == file).map(|(_, b)| b.to_vec()),
                Some(dir) => std::fs::read(dir.join(&file)).ok(),
            };
            let Some(bytes) = bytes else {
                out.push(Diagnostic::error(
                    get("file").expect("present").span,
                    format!("image file \"{file}\" not found beside the template"),
                ));
                return None;
            };
            Kind::Image { name: file, data: Arc::from(bytes) }
        }
        "punch" => Kind::Punch { colour: colour("colour", Colour::Rgb(0.6, 0.6, 0.6), out) },
        "guilloche" => Kind::Guilloche { colour: colour("colour", security_colour, out) },
        "microtext" => {
            let size = number("size", 1.0, out);
            if size > 1.2 {
                out.push(Diagnostic::error(
                    get("size").map_or(node.span, |v| v.span),
                    format!("microtext is at most 1.2 pt, not {size}"),
                ));
            }
            Kind::Microtext { colour: colour("colour", security_colour, out), size }
        }
        "hologram" => Kind::Hologram,
        "raised" => Kind::Raised {
            text: match get("text").map(|v| (v, pattern(v, out))) {
                None => Pattern(vec![Piece::Field(Field::Access, None)]),
                Some((v, Some(p))) => {
                    // Raised writing is drawn once per pass type and reused.
                    if !p.is_per_type() {
                        out.push(
                            Diagnostic::error(
                                v.span,
                                "raised writing shows the same text on every pass of a type",
                            )
                            .hint("use {access}, {pass}, {event} or {venue}"),
                        );
                    }
                    p
                }
                Some((_, None)) => Pattern::default(),
            },
            font: font("font", crate::fonts::BOLD, out),
            colour: colour(
                "colour",
                colours.get("background").copied().unwrap_or(Colour::WHITE),
                out,
            ),
        },
        _ => unreachable!("types checked above"),
    };
    // Everything must sit on the card; only backgrounds may run into the bleed,
    // and they do that by touching the edge, not by crossing it.
    let eps = 0.01;
    if at.w <= 0.0 || at.h <= 0.0 {
        if out.len() == before {
            out.push(Diagnostic::error(
                node.span,
                format!("{what}: width and height must be above zero"),
            ));
        }
    } else if at.x < -eps
        || at.y < -eps
        || at.x + at.w > t.card.w + eps
        || at.y + at.h > t.card.h + eps
    {
        out.push(
            Diagnostic::error(node.span, format!("{what} reaches outside the {} card", t.card))
                .hint(format!(
                    "it spans x {:.1}..{:.1} mm, y {:.1}..{:.1} mm",
                    units::to_mm(at.x),
                    units::to_mm(at.x + at.w),
                    units::to_mm(at.y),
                    units::to_mm(at.y + at.h)
                )),
        );
    }
    (out.len() == before).then(|| Element { name: name.to_string(), at, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(set.names(), ["all-access", "crew", "day", "limited", "sticky"]);
        assert_eq!(set.find("VIP"), set.find("limited"));
        let day = &set.templates[set.find("day").unwrap()];
        assert_eq!(day.days, Days::Single);
    }
}
