//! Template conversion: turns a merged template node (its `extends` chain
//! already applied) into a checked [`Template`], element by element.

use std::sync::Arc;

use crate::diag::Severity;
use crate::load::template::assets::{AssetError, Assets};
use crate::load::template::*;
use crate::yaml::map_get;

const TEMPLATE_KEYS: &[&str] = &[
    "extends",
    "abstract",
    "label",
    "aliases",
    "description",
    "card",
    "corner_radius",
    "zones",
    "days",
    "date_format",
    "time_format",
    "colours",
    "elements",
    "back",
    "qr_name",
    "rendering_intent",
    "background",
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

pub(super) fn convert(
    stem: &str,
    node: &Node,
    assets: Assets<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<Template> {
    let pairs = node.expect_map("a template", None, out)?;
    let errors_before = out.len();
    let what = format!("template \"{stem}\"");
    let mut t = defaults(stem);
    let mut elements_node = None;
    let mut back_node = None;
    let keys = known_keys(pairs, TEMPLATE_KEYS, &what, None, out);
    // Colours first: elements refer to them by name.
    let colours = read_colours(&keys, out);
    let card_given = keys.iter().any(|(key, _, _)| *key == "card");
    for (key, _, v) in keys {
        match key {
            "elements" => elements_node = Some(v),
            "back" => back_node = Some(v),
            _ => template_key(&mut t, key, v, assets, &what, out),
        }
    }
    // Without a `card`, a background gives the card its first page's size.
    if let (false, Some(b)) = (card_given, &t.background) {
        let (w, h) = b.pages[0].size;
        t.card = Size::new(w, h);
    }
    let front = read_elements(&mut t, node, elements_node, &what, &colours, assets, out);
    let back = read_back(&mut t, back_node, &colours, assets, out);
    warn_over_codes(&t.elements, &front, &what, out);
    warn_over_codes(&t.back, &back, &what, out);
    out[errors_before..].iter().all(|d| d.severity != Severity::Error).then_some(t)
}

/// Warns of each element drawn over a QR code or its quiet zone, that is
/// over the QR element's box: the slot punch (a hole through the card),
/// the security overlay (hologram, raised writing, an image with `security:
/// true`, drawn over everything) and what is drawn after the code (text
/// with fields, a photo, another code, later in the list). Art drawn under
/// the code (backgrounds, fixed text, the guilloche) is hidden by the
/// code's white square; art beside the box reads fine (docs/door.md). A box
/// that touches the code's box counts: its ink would reach the quiet zone.
fn warn_over_codes(elements: &[Element], spans: &[Span], what: &str, out: &mut Vec<Diagnostic>) {
    let meets = |a: BoxPt, b: BoxPt| {
        const EPS: f64 = 0.01; // pt: boxes that touch, whatever the rounding
        a.x <= b.x + b.w + EPS
            && b.x <= a.x + a.w + EPS
            && a.y <= b.y + b.h + EPS
            && b.y <= a.y + a.h + EPS
    };
    for (i, code) in elements.iter().enumerate() {
        if !matches!(code.kind, Kind::Qr { .. }) {
            continue;
        }
        for (j, (el, span)) in elements.iter().zip(spans).enumerate() {
            let over = match &el.kind {
                Kind::Punch { .. } | Kind::Hologram | Kind::Raised { .. } => true,
                Kind::Image { security, .. } => *security,
                Kind::Text(style) => j > i && !style.is_per_type(),
                Kind::Photo { .. } | Kind::Qr { .. } => j > i,
                _ => false,
            };
            if over && meets(el.at, code.at) {
                let mm = |pt: f64| format!("{:.1}", pt * 25.4 / 72.0);
                let b = code.at;
                out.push(
                    Diagnostic::warning(
                        *span,
                        format!(
                            "{what}: element \"{}\" is drawn over QR code \"{}\" or its quiet zone",
                            el.name, code.name
                        ),
                    )
                    .hint(format!(
                        "keep \"{}\" clear of the code's box (x {} to {} mm, y {} to {} mm): a scanner reads only what is left of the code",
                        el.name,
                        mm(b.x),
                        mm(b.x + b.w),
                        mm(b.y),
                        mm(b.y + b.h)
                    )),
                );
            }
        }
    }
}

/// A template named `stem` with every key at its default and no elements.
fn defaults(stem: &str) -> Template {
    Template {
        name: stem.to_lowercase(),
        aliases: vec![],
        description: String::new(),
        label: stem.to_uppercase(),
        card: Size::new(units::CARDS[0].1, units::CARDS[0].2),
        corner_radius: 0.0,
        zones: vec![],
        days: Days::Range,
        date_format: "%d %b %Y".into(),
        time_format: "%H:%M".into(),
        elements: vec![],
        back: vec![],
        qr_name: false,
        rendering_intent: None,
        background: None,
    }
}

/// The template's `colours`, by name.
fn read_colours(
    keys: &[(&str, &Node, &Node)],
    out: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Colour> {
    let mut colours: BTreeMap<String, Colour> = BTreeMap::new();
    for (key, _, v) in keys {
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
    colours
}

/// Sets one of the template's own keys (all but `elements` and `back`)
/// from its node.
fn template_key(
    t: &mut Template,
    key: &str,
    v: &Node,
    assets: Assets<'_>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    match key {
        "extends" | "abstract" | "colours" => {}
        "label" => t.label = scalar(v, out).unwrap_or_default(),
        "description" => t.description = scalar(v, out).unwrap_or_default(),
        "aliases" => t.aliases = list(v, out).into_iter().map(|a| a.to_lowercase()).collect(),
        "zones" => t.zones = list(v, out),
        "background" => t.background = background(v, assets, what, out),
        "card" => {
            if let Some(s) = scalar(v, out) {
                match units::parse_card(&s) {
                    Ok(size) => t.card = size,
                    Err(e) => out.push(Diagnostic::error(v.span, e.0)),
                }
            }
        }
        "corner_radius" => match scalar(v, out).map(|s| units::parse_length(&s)) {
            Some(Ok(r)) if r >= 0.0 => t.corner_radius = r,
            Some(Ok(_)) => {
                out.push(Diagnostic::error(v.span, "`corner_radius` cannot be negative"))
            }
            Some(Err(e)) => out.push(Diagnostic::error(v.span, e.0)),
            None => {}
        },
        "rendering_intent" => {
            if let Some(s) = scalar(v, out) {
                match laminate_passes_pdf::cms::Intent::parse(&s) {
                    Some(i) => t.rendering_intent = Some(i),
                    None => out.push(
                        Diagnostic::error(
                            v.span,
                            format!("`rendering_intent` \"{s}\" is not a rendering intent"),
                        )
                        .hint(format!(
                            "use one of {}",
                            laminate_passes_pdf::cms::Intent::ALL.map(|(n, _)| n).join(", ")
                        )),
                    ),
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
        "time_format" => {
            if let Some(f) = scalar(v, out) {
                if check_date_format(&f, v.span, out) {
                    t.time_format = f;
                }
            }
        }
        "qr_name" => match scalar(v, out).as_deref() {
            Some("true") => t.qr_name = true,
            Some("false") => t.qr_name = false,
            _ => out.push(Diagnostic::error(v.span, "`qr_name` is true or false")),
        },
        _ => unreachable!("known_keys returns known keys only"),
    }
}

/// Reads the template's `elements` (which it must have) into its front;
/// returns the span of each element read, in order.
fn read_elements(
    t: &mut Template,
    node: &Node,
    elements_node: Option<&Node>,
    what: &str,
    colours: &BTreeMap<String, Colour>,
    assets: Assets<'_>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Span> {
    let mut spans = Vec::new();
    match elements_node.map(|n| &n.value) {
        Some(Value::Map(els)) => {
            for (k, v) in els {
                let Some(name) = k.as_str() else { continue };
                if let Some(e) = element(name, v, t, colours, assets, out) {
                    t.elements.push(e);
                    spans.push(v.span);
                }
            }
        }
        Some(_) => out.push(Diagnostic::error(
            elements_node.expect("matched").span,
            "`elements` must be a mapping of names to elements",
        )),
        None => out.push(Diagnostic::error(node.span, format!("{what} has no `elements`"))),
    }
    spans
}

/// Reads the template's `back`, if any: elements, but no photo, hologram
/// or raised writing; returns the span of each element read, in order.
fn read_back(
    t: &mut Template,
    back_node: Option<&Node>,
    colours: &BTreeMap<String, Colour>,
    assets: Assets<'_>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Span> {
    let mut spans = Vec::new();
    match back_node.map(|n| &n.value) {
        Some(Value::Map(els)) => {
            for (k, v) in els {
                let Some(name) = k.as_str() else { continue };
                if let Some(e) = element(name, v, t, colours, assets, out) {
                    if matches!(e.kind, Kind::Photo { .. } | Kind::Hologram | Kind::Raised { .. }) {
                        out.push(Diagnostic::error(v.span, format!("element \"{name}\": the back takes no photo, hologram or raised writing")));
                        continue;
                    }
                    t.back.push(e);
                    spans.push(v.span);
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => out.push(Diagnostic::error(
            back_node.expect("matched").span,
            "`back` must be a mapping of names to elements",
        )),
    }
    spans
}

/// The paragraph keys of a text element (`fit: wrap` or `wrap-shrink`,
/// `valign`, `leading`, `rotate`, `split_words`); `None` for `fit: shrink`,
/// where the others are errors.
fn paragraph_style<'n>(
    get: &dyn Fn(&str) -> Option<&'n Node>,
    what: &str,
    at: Span,
    out: &mut Vec<Diagnostic>,
) -> Option<ParagraphStyle> {
    let shrink = match get("fit").and_then(|v| scalar(v, out)).as_deref() {
        None | Some("shrink") => {
            for k in ["valign", "leading", "rotate", "split_words", "legacy_leading"] {
                if let Some(v) = get(k) {
                    out.push(
                        Diagnostic::error(v.span, format!("{what}: `{k}` is for paragraphs")).hint(
                            "add `fit: wrap` (or `wrap-shrink`) to set the text as a paragraph",
                        ),
                    );
                }
            }
            return None;
        }
        Some("wrap") => false,
        Some("wrap-shrink") => true,
        Some(other) => {
            out.push(Diagnostic::error(
                get("fit").map_or(at, |v| v.span),
                format!("{what}: `fit` is shrink, wrap or wrap-shrink, not \"{other}\""),
            ));
            return None;
        }
    };
    let valign = match get("valign").and_then(|v| scalar(v, out)).as_deref() {
        None | Some("top") => VAlign::Top,
        Some("middle") => VAlign::Middle,
        Some("bottom") => VAlign::Bottom,
        Some(_) => {
            out.push(Diagnostic::error(
                get("valign").map_or(at, |v| v.span),
                "`valign` is top, middle or bottom",
            ));
            VAlign::Top
        }
    };
    let number =
        |k: &str, default: f64, ok: &dyn Fn(f64) -> bool, why: &str, out: &mut Vec<Diagnostic>| {
            match get(k).map(|v| (v, scalar(v, out).map(|s| s.trim().parse::<f64>()))) {
                None => default,
                Some((_, Some(Ok(n)))) if n.is_finite() && ok(n) => n,
                Some((v, _)) => {
                    out.push(Diagnostic::error(v.span, format!("`{k}` must be {why}")));
                    default
                }
            }
        };
    let leading = number(
        "leading",
        1.15, // as fitted text, layout::text::LEADING
        &|n| n > 0.0 && n <= 10.0,
        "a number above 0 and at most 10 (times the size)",
        out,
    );
    let legacy_leading = get("legacy_leading").map(|_| {
        number(
            "legacy_leading",
            1.0,
            &|n| n > 0.0 && n <= 10.0,
            "a number above 0 and at most 10 (times the size)",
            out,
        )
    });
    let rotate = number("rotate", 0.0, &|n| n.abs() <= 360.0, "degrees, from -360 to 360", out);
    let split_words = match get("split_words").and_then(|v| scalar(v, out)).as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            out.push(Diagnostic::error(
                get("split_words").map_or(at, |v| v.span),
                "`split_words` is true or false",
            ));
            true
        }
    };
    Some(ParagraphStyle { shrink, valign, leading, legacy_leading, rotate, split_words })
}

/// A template's `background`: a PDF inside the template folder, read now
/// so that a file that cannot be drawn stops the run with the template named.
fn background(
    node: &Node,
    assets: Assets<'_>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<Background> {
    let name = scalar(node, out)?;
    if assets.is_builtin() {
        out.push(Diagnostic::error(
            node.span,
            format!("{what}: a `background` needs a template folder (--templates)"),
        ));
        return None;
    }
    let bytes = match assets.read(&name) {
        Ok(b) => b,
        Err(e) => {
            out.push(
                Diagnostic::error(node.span, format!("{what}: background \"{name}\": {e}")).hint(
                    "a template may use only files inside its own folder; copy the file there",
                ),
            );
            return None;
        }
    };
    match laminate_passes_pdf::page::pages(&bytes) {
        Ok(pages) => Some(Background { name, pages: pages.into_iter().map(Arc::new).collect() }),
        Err(e) => {
            out.push(Diagnostic::error(node.span, format!("{what}: background \"{name}\" {e}")));
            None
        }
    }
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
    // A date with a time, so that patterns may format times (`%H:%M`).
    let probe = jiff::civil::date(2026, 7, 10).at(8, 0, 0, 0);
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
                if let Some(name) = inner.trim().strip_prefix("extra.") {
                    // Any name of the entry's `extra` mapping: letters,
                    // digits, `-`, `_`, `:` (pretix's `meta:Room`).
                    if name.is_empty()
                        || !name.chars().all(|c| c.is_alphanumeric() || "-_:.".contains(c))
                    {
                        return Err(format!("{{extra.{name}}}: an extra field's name is letters, digits, -, _, : and ."));
                    }
                    if !lit.is_empty() {
                        pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                    }
                    pieces.push(Piece::Extra(name.to_string()));
                    continue;
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
    assets: Assets<'_>,
    out: &mut Vec<Diagnostic>,
) -> Option<Element> {
    let pairs = node.expect_map(&format!("element \"{name}\""), None, out)?;
    let ty_node = map_get(node, "type");
    let Some(ty) = ty_node.and_then(Node::as_str) else {
        out.push(
            Diagnostic::error(node.span, format!("element \"{name}\" has no `type`"))
                .hint(format!("types: {}", ELEMENT_TYPES.join(", "))),
        );
        return None;
    };
    let Some(extra) = element_keys(ty) else {
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
    };
    let known: Vec<&str> =
        ["type", "x", "y", "width", "height"].iter().chain(extra).copied().collect();
    let before = out.len();
    let what = format!("element \"{name}\" ({ty})");
    let keys = known_keys(pairs, &known, &what, None, out);
    let f = Fields { keys, colours, node, what };
    let at = f.bounds(out);
    let kind = match ty {
        "rect" => f.rect(out),
        "text" => f.text(out),
        "qr" => Kind::Qr {
            colour: f.colour("colour", Colour::BLACK, out),
            quiet_zone: f.quiet_zone(out),
        },
        "photo" => f.photo(out),
        "image" => f.image(&at, assets, out)?,
        "punch" => Kind::Punch { colour: f.colour("colour", Colour::Rgb(0.6, 0.6, 0.6), out) },
        "guilloche" => Kind::Guilloche { colour: f.colour("colour", f.security_colour(), out) },
        "microtext" => f.microtext(out),
        "hologram" => Kind::Hologram,
        "raised" => f.raised(out),
        _ => unreachable!("types checked above"),
    };
    f.check_on_card(&at, &kind, t, before, out);
    (out.len() == before).then(|| Element { name: name.to_string(), at, kind })
}

/// The keys an element of type `ty` takes besides its type and box;
/// `None` for an unknown type.
fn element_keys(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty {
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
            "fit",
            "valign",
            "leading",
            "rotate",
            "split_words",
            "legacy_leading",
        ],
        "qr" => &["colour", "quiet_zone"],
        "punch" | "guilloche" => &["colour"],
        "photo" => &["radius", "frame", "dpi", "crop"],
        "image" => &["file", "colour", "security"],
        "microtext" => &["colour", "size"],
        "hologram" => &[],
        "raised" => &["text", "colour", "font"],
        _ => return None,
    })
}

/// An element's known keys, read as values of the kinds its type takes.
struct Fields<'a> {
    keys: Vec<(&'a str, &'a Node, &'a Node)>,
    /// The template's colours, by name.
    colours: &'a BTreeMap<String, Colour>,
    /// The element's node, where a missing key is told.
    node: &'a Node,
    /// How messages name the element: `element "name" (type)`.
    what: String,
}

impl<'a> Fields<'a> {
    /// The value of key `k`, if given.
    fn get(&self, k: &str) -> Option<&'a Node> {
        self.keys.iter().find(|(key, _, _)| *key == k).map(|(_, _, v)| *v)
    }

    /// Key `k` as a length in pt, if given and good.
    fn length(&self, k: &str, out: &mut Vec<Diagnostic>) -> Option<f64> {
        let v = self.get(k)?;
        match scalar(v, out).map(|s| units::parse_length(&s)) {
            Some(Ok(l)) => Some(l),
            Some(Err(e)) => {
                out.push(Diagnostic::error(v.span, e.0));
                None
            }
            None => None,
        }
    }

    /// Key `k` as a positive number (pt), else `default`.
    fn number(&self, k: &str, default: f64, out: &mut Vec<Diagnostic>) -> f64 {
        match self.get(k) {
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
    }

    /// Key `k` as a colour or a colour's name, else `default`.
    fn colour(&self, k: &str, default: Colour, out: &mut Vec<Diagnostic>) -> Colour {
        self.get(k).and_then(|v| colour_of(v, self.colours, out)).unwrap_or(default)
    }

    /// Key `k` as a bundled font, else `default`.
    fn font(&self, k: &str, default: FontId, out: &mut Vec<Diagnostic>) -> FontId {
        let Some(v) = self.get(k) else { return default };
        let s = scalar(v, out).unwrap_or_default();
        match crate::fonts::named(&s) {
            Some(id) => id,
            None => {
                out.push(
                    Diagnostic::error(v.span, format!("unknown font \"{s}\""))
                        .hint(format!("fonts: {}", FONT_NAMES.join(", "))),
                );
                default
            }
        }
    }

    /// Key `k` as true or false, else `default`.
    fn flag(&self, k: &str, default: bool, out: &mut Vec<Diagnostic>) -> bool {
        match self.get(k).map(|v| (v, scalar(v, out))) {
            None => default,
            Some((_, Some(s))) if s == "true" => true,
            Some((_, Some(s))) if s == "false" => false,
            Some((v, _)) => {
                out.push(Diagnostic::error(v.span, format!("`{k}` is true or false")));
                default
            }
        }
    }

    /// A QR code's `quiet_zone`: a whole number of modules, 0 to 8, else
    /// [`QR_QUIET_ZONE`].
    fn quiet_zone(&self, out: &mut Vec<Diagnostic>) -> u8 {
        match self.get("quiet_zone").map(|v| (v, scalar(v, out))) {
            None => super::QR_QUIET_ZONE,
            Some((_, Some(s))) if s.parse::<u8>().is_ok_and(|q| q <= 8) => {
                s.parse().expect("checked")
            }
            Some((v, _)) => {
                out.push(
                    Diagnostic::error(v.span, "`quiet_zone` is a whole number of modules, 0 to 8")
                        .hint(
                            "ISO/IEC 18004 asks for 4; laminate's default is 1 (see docs/door.md)",
                        ),
                );
                super::QR_QUIET_ZONE
            }
        }
    }

    /// The colour of security printing: the template's `security` colour,
    /// else a grey blue.
    fn security_colour(&self) -> Colour {
        self.colours.get("security").copied().unwrap_or(Colour::Rgb(0.55, 0.6, 0.7))
    }

    /// The element's box (`x`, `y`, `width`, `height`, each required).
    fn bounds(&self, out: &mut Vec<Diagnostic>) -> BoxPt {
        let (node, what) = (self.node, &self.what);
        let mut at = BoxPt { x: 0.0, y: 0.0, w: 0.0, h: 0.0 };
        for (k, slot) in
            [("x", &mut at.x), ("y", &mut at.y), ("width", &mut at.w), ("height", &mut at.h)]
        {
            match self.length(k, out) {
                Some(v) => *slot = v,
                None if self.get(k).is_none() => {
                    out.push(Diagnostic::error(node.span, format!("{what} has no `{k}`")))
                }
                None => {}
            }
        }
        at
    }

    /// A `rect`: its fill, corner radius and bleed.
    fn rect(&self, out: &mut Vec<Diagnostic>) -> Kind {
        Kind::Rect {
            fill: self.colour("fill", Colour::WHITE, out),
            radius: self.length("radius", out).unwrap_or(0.0),
            bleed: self.flag("bleed", true, out),
        }
    }

    /// A `text`: its patterns and how they are set.
    fn text(&self, out: &mut Vec<Diagnostic>) -> Kind {
        let (node, what) = (self.node, &self.what);
        let get = |k: &str| self.get(k);
        let text_colour = self.colours.get("text").copied().unwrap_or(Colour::BLACK);
        let parts = match get("text").map(|v| (v, &v.value)) {
            Some((_, Value::Seq(items))) => items.iter().filter_map(|i| pattern(i, out)).collect(),
            Some((v, _)) => pattern(v, out).into_iter().collect(),
            None => {
                out.push(Diagnostic::error(node.span, format!("{what} has no `text`")));
                vec![]
            }
        };
        let size = self.number("size", 10.0, out);
        let min_size = self.number("min_size", size.min(6.0), out);
        if min_size > size {
            out.push(Diagnostic::error(
                get("min_size").map_or(node.span, |v| v.span),
                format!("{what}: min_size {min_size} is above size {size}"),
            ));
        }
        let lines = self.number("lines", 1.0, out);
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
            Some("start") => Align::Start,
            Some("end") => Align::End,
            Some(_) => {
                out.push(Diagnostic::error(
                    get("align").expect("present").span,
                    "`align` is left, center, right, start or end",
                ));
                Align::Left
            }
        };
        let paragraph = paragraph_style(&get, what, node.span, out);
        Kind::Text(TextStyle {
            paragraph,
            parts,
            separator: get("separator")
                .and_then(|v| scalar(v, out))
                .unwrap_or_else(|| " · ".into()),
            font: self.font("font", crate::fonts::REGULAR, out),
            size,
            min_size,
            lines: lines as u8,
            align,
            colour: self.colour("colour", text_colour, out),
            uppercase: self.flag("uppercase", false, out),
        })
    }

    /// A `photo`: its corner radius, frame, resolution and crop.
    fn photo(&self, out: &mut Vec<Diagnostic>) -> Kind {
        let (node, what) = (self.node, &self.what);
        let get = |k: &str| self.get(k);
        let dpi = self.number("dpi", crate::photos::prepared::DPI, out);
        if !(72.0..=1200.0).contains(&dpi) {
            out.push(Diagnostic::error(
                get("dpi").map_or(node.span, |v| v.span),
                format!("{what}: dpi {dpi} is outside 72 to 1200"),
            ));
        }
        let crop = match get("crop").map(|v| (v, scalar(v, out))) {
            None => crate::photos::prepared::Crop::Centre,
            Some((_, Some(s))) if s == "centre" || s == "center" => {
                crate::photos::prepared::Crop::Centre
            }
            Some((_, Some(s))) if s == "top" => crate::photos::prepared::Crop::Top,
            Some((v, _)) => {
                out.push(Diagnostic::error(v.span, "`crop` is centre or top").hint(
                    "top keeps the top of a head-and-shoulders photo; centre keeps the middle",
                ));
                crate::photos::prepared::Crop::Centre
            }
        };
        let backdrop = self.colours.get("photo_slot").copied().unwrap_or(Colour::WHITE).to_srgb8();
        Kind::Photo {
            radius: self.length("radius", out).unwrap_or(0.0),
            frame: get("frame").and_then(|v| colour_of(v, self.colours, out)),
            dpi,
            crop,
            backdrop,
        }
    }

    /// An `image`: its file (bundled, or in the template's folder), read
    /// and decoded for the box `at`; `None` if it cannot be drawn.
    fn image(&self, at: &BoxPt, assets: Assets<'_>, out: &mut Vec<Diagnostic>) -> Option<Kind> {
        let (node, what, colours) = (self.node, &self.what, self.colours);
        let get = |k: &str| self.get(k);
        let Some(file_node) = get("file") else {
            out.push(Diagnostic::error(node.span, format!("{what} has no `file`")));
            return None;
        };
        let file = scalar(file_node, out)?;
        let bytes = match assets.read(&file) {
            Ok(b) => Some(b),
            Err(AssetError::Missing) => None,
            Err(e) => {
                out.push(Diagnostic::error(file_node.span, format!("{what}: {e}")).hint(
                    "a template may use only files inside its own folder; copy the file there",
                ));
                return None;
            }
        };
        let Some(bytes) = bytes else {
            out.push(Diagnostic::error(
                file_node.span,
                format!("image file \"{file}\" not found beside the template"),
            ));
            return None;
        };
        let security = self.flag("security", false, out);
        let recolour = match get("colour") {
            Some(v) => colour_of(v, colours, out),
            None if security => Some(self.security_colour()),
            None => None,
        };
        // Decoded now, so that a file that cannot be drawn stops the run
        // with the element named, before anything is written.
        let art = if crate::load::template::svg::is_svg(&bytes) {
            crate::load::template::svg::load(&bytes, at.w, at.h, recolour)
                .map(|items| ImageArt::Vector(items.into()))
                .map_err(|e| e.to_string())
        } else if get("colour").is_some() {
            out.push(
                Diagnostic::error(
                    get("colour").expect("present").span,
                    format!("{what}: `colour` recolours SVG images only"),
                )
                .hint("give an SVG file, or leave `colour` out"),
            );
            return None;
        } else {
            crate::photos::prepare::template_image(
                &bytes,
                at.w.max(1.0),
                at.h.max(1.0),
                crate::photos::prepared::Colours::Srgb,
                Default::default(),
            )
            .map(|p| ImageArt::Raster { photo: Arc::new(p), source: bytes.into() })
            .map_err(|e| e.to_string())
        };
        match art {
            Ok(art) => Some(Kind::Image { name: file, art, security }),
            Err(e) => {
                out.push(
                    Diagnostic::error(file_node.span, format!("{what}: image file \"{file}\" cannot be drawn: {e}"))
                        .hint("laminate draws PNG, JPEG and SVG files; open the file in an image viewer to check it"),
                );
                None
            }
        }
    }

    /// A `microtext`: its colour and size (at most 1.2 pt).
    fn microtext(&self, out: &mut Vec<Diagnostic>) -> Kind {
        let size = self.number("size", 1.0, out);
        if size > 1.2 {
            out.push(Diagnostic::error(
                self.get("size").map_or(self.node.span, |v| v.span),
                format!("microtext is at most 1.2 pt, not {size}"),
            ));
        }
        Kind::Microtext { colour: self.colour("colour", self.security_colour(), out), size }
    }

    /// A `raised` writing: its text (the same on every pass of a type),
    /// font and colour.
    fn raised(&self, out: &mut Vec<Diagnostic>) -> Kind {
        let colours = self.colours;
        Kind::Raised {
            text: match self.get("text").map(|v| (v, pattern(v, out))) {
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
            font: self.font("font", crate::fonts::BOLD, out),
            colour: self.colour(
                "colour",
                colours.get("background").copied().unwrap_or(Colour::WHITE),
                out,
            ),
        }
    }

    /// Tells if the box `at` is empty (unless the element was already
    /// told of since `before`) or reaches outside the card (which a
    /// paragraph may).
    fn check_on_card(
        &self,
        at: &BoxPt,
        kind: &Kind,
        t: &Template,
        before: usize,
        out: &mut Vec<Diagnostic>,
    ) {
        let (node, what) = (self.node, &self.what);
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
        } else if matches!(kind, Kind::Text(TextStyle { paragraph: Some(_), .. })) {
            // A paragraph may reach past the card (pretix's boxes often do);
            // layout cuts its text at the card's edge.
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
    }
}
