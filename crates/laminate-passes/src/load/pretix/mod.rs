//! pretix layouts: turns a pretix badge layout (the JSON of pretix's layout
//! editor, `badgelayouts[].layout` in its REST API) and its background PDF
//! into a laminate template set that renders the same badge.
//!
//! pretix places elements in mm from the page's bottom-left corner and
//! rotates them clockwise about the top-left corner of their box; its text
//! is a ReportLab paragraph (greedy lines, the first baseline one font size
//! below the top, lines `lineheight` x 1.15 x size apart). laminate's
//! templates measure from the top-left corner and have the same paragraph
//! placement (`fit: wrap`, `valign`, `leading`, `rotate`), so each element
//! becomes one template element. docs/pretix.md lists the mapping.

mod schema;
mod spanned;

use std::fmt::Write as _;

use spanned::{Json, JsonValue};

use crate::diag::{Diagnostic, FileId, Sources};

/// 1 mm in pt.
const MM: f64 = 72.0 / 25.4;

/// pretix's default badge page when a layout comes without a background:
/// its `badge_default_a6l.pdf`, A6 landscape (148 x 105 mm), blank.
pub const DEFAULT_PAGE_MM: (f64, f64) = (148.0, 105.0);

/// The file name the background of pass type `pass_type` is written under
/// in the template set (named after the type, so that the sets of several
/// layouts go in one folder).
pub fn background_file(pass_type: &str) -> String {
    format!("{pass_type}-background.pdf")
}

/// What the importer is given.
pub struct PretixLayout<'a> {
    /// The layout's JSON text, registered in the run's sources.
    pub file: FileId,
    /// Its text.
    pub text: &'a str,
    /// The background PDF's bytes and its page sizes, if one was given.
    pub background: Option<Background<'a>>,
    /// The pass type to write (a template file name, lower case).
    pub pass_type: &'a str,
}

/// A background PDF as the importer needs it.
pub struct Background<'a> {
    /// The file's bytes (copied into the set as [`background_file`]).
    pub bytes: &'a [u8],
    /// How many pages it has.
    pub pages: usize,
    /// The first page's size as shown (after /Rotate), in pt.
    pub size: (f64, f64),
}

/// A template set made from a pretix layout: its files, and what to say.
#[derive(Debug)]
pub struct Imported {
    /// The pass type the set defines.
    pub pass_type: String,
    /// Files to write, by name within the set's folder.
    pub files: Vec<(String, Vec<u8>)>,
    /// What laminate draws differently (a font it has not, a third page).
    pub warnings: Vec<Diagnostic>,
    /// The roster's `extra` fields the template shows (`item`, `seat`,
    /// `question_12`, ...): what a program filling the roster must provide.
    pub extra_fields: Vec<String>,
}

/// Font metrics the importer needs for pretix's legacy `textarea`
/// placement: the typographic ascender and descender in em of a face.
pub type Metrics<'m> = &'m dyn Fn(&str) -> (f64, f64);

/// Converts a pretix layout into a template set, or says every way it
/// breaks pretix's schema (each naming the element and the key).
pub fn import(
    layout: &PretixLayout<'_>,
    metrics: Metrics<'_>,
) -> Result<Imported, Vec<Diagnostic>> {
    let json = spanned::parse(layout.text, layout.file).map_err(|e| {
        vec![Diagnostic::error(e.span, format!("not a pretix layout: {}", e.message))]
    })?;
    let violations = schema::check(&json);
    if !violations.is_empty() {
        return Err(violations
            .into_iter()
            .map(|v| {
                let (what, key) = describe_path(&json, &v.path);
                let message = match key {
                    Some(k) => format!("{what}: `{k}` {}", v.message),
                    None => format!("{what} {}", v.message),
                };
                Diagnostic::error(v.span, message)
                    .hint("pretix's schema (pdf-layout.schema.json) does not allow this; fix it in pretix's layout editor")
            })
            .collect());
    }
    let JsonValue::Array(elements) = &json.value else {
        unreachable!("the schema asks for an array")
    };
    let (w_pt, h_pt) = layout
        .background
        .as_ref()
        .map(|b| b.size)
        .unwrap_or((DEFAULT_PAGE_MM.0 * MM, DEFAULT_PAGE_MM.1 * MM));
    let page_h = h_pt / MM;
    let pages = layout.background.as_ref().map_or(1, |b| b.pages);
    let mut c =
        Converter { page_h, warnings: Vec::new(), extra: Vec::new(), logos: Vec::new(), metrics };
    let mut front = String::new();
    let mut back = String::new();
    for (i, el) in elements.iter().enumerate() {
        let page = num(el, "page").unwrap_or(1.0);
        let target = match page as i64 {
            1 => &mut front,
            2 if pages >= 2 => &mut back,
            _ => {
                let why = if pages < 2 && page as i64 == 2 {
                    "the background has one page, so pretix does not draw it either"
                } else {
                    "laminate prints a badge's front and back (pages 1 and 2)"
                };
                c.warnings.push(Diagnostic::warning(
                    el.span,
                    format!("{}: on page {page}, left out: {why}", element_name(el, i)),
                ));
                continue;
            }
        };
        c.element(el, i, target);
    }
    let mut yaml = String::new();
    let _ = writeln!(yaml, "# Imported from a pretix badge layout by `laminate import pretix`.");
    let _ = writeln!(
        yaml,
        "# pretix measures from the bottom-left corner; laminate from the top-left (mm)."
    );
    let _ = writeln!(
        yaml,
        "description: {}",
        quote(&format!("pretix badge layout ({})", layout.pass_type))
    );
    let _ = writeln!(yaml, "label: BADGE");
    if layout.background.is_some() {
        let _ = writeln!(
            yaml,
            "background: {}   # the card is its first page's size",
            background_file(layout.pass_type)
        );
    } else {
        let _ = writeln!(
            yaml,
            "card: {}x{}mm   # pretix's default badge, A6 landscape",
            mm(w_pt / MM),
            mm(page_h)
        );
    }
    let _ = writeln!(yaml, "elements:");
    if front.is_empty() {
        // An empty layout draws only its background.
        yaml.truncate(yaml.len() - 1);
        yaml.push_str(" {}\n");
    } else {
        yaml.push_str(&front);
    }
    if !back.is_empty() {
        let _ = writeln!(yaml, "back:");
        yaml.push_str(&back);
    }
    let mut files = vec![(format!("{}.yaml", layout.pass_type), yaml.into_bytes())];
    if let Some(b) = &layout.background {
        files.push((background_file(layout.pass_type), b.bytes.to_vec()));
    }
    for (style, name, png) in POWERED_BY {
        if c.logos.contains(&style) {
            files.push((name.to_string(), png.to_vec()));
        }
    }
    c.extra.sort();
    c.extra.dedup();
    Ok(Imported {
        pass_type: layout.pass_type.to_string(),
        files,
        warnings: c.warnings,
        extra_fields: c.extra,
    })
}

/// pretix's "powered by pretix" logos, dark and white, from pretix 2026.8.0
/// (Apache-2.0, see LICENSE beside them): (style, file name in the set, PNG).
const POWERED_BY: [(&str, &str, &[u8]); 2] = [
    ("dark", "powered-by-pretix-dark.png", include_bytes!("upstream/powered_by_pretix_dark.png")),
    (
        "white",
        "powered-by-pretix-white.png",
        include_bytes!("upstream/powered_by_pretix_white.png"),
    ),
];
/// Their width over their height (1024 x 629 pixels).
const POWERED_BY_ASPECT: f64 = 1024.0 / 629.0;

/// "element 3 (textcontainer, attendee_name)" and the key, for messages.
fn describe_path(root: &Json, path: &[schema::Step]) -> (String, Option<String>) {
    let mut what = "the layout".to_string();
    let mut key = None;
    let mut node = root;
    for step in path {
        match step {
            schema::Step::Index(i) => {
                if let JsonValue::Array(items) = &node.value {
                    if let Some(n) = items.get(*i) {
                        what = element_name(n, *i);
                        node = n;
                    }
                }
            }
            schema::Step::Key(k) => {
                key = Some(match key {
                    Some(prev) => format!("{prev}.{k}"),
                    None => k.clone(),
                });
                if let Some(n) = node.get(k) {
                    node = n;
                }
            }
        }
    }
    (what, key)
}

fn element_name(el: &Json, i: usize) -> String {
    let ty = el.get("type").and_then(Json::as_str).unwrap_or("element");
    match el.get("content").and_then(Json::as_str) {
        Some(c) => format!("element {} ({ty}, {c})", i + 1),
        None => format!("element {} ({ty})", i + 1),
    }
}

struct Converter<'m> {
    /// The page height in mm (y turns from bottom-up to top-down).
    page_h: f64,
    warnings: Vec<Diagnostic>,
    extra: Vec<String>,
    /// The styles of "powered by pretix" logo used.
    logos: Vec<&'static str>,
    metrics: Metrics<'m>,
}

/// A number that the schema allows as a number or a numeric string.
fn num(el: &Json, key: &str) -> Option<f64> {
    match &el.get(key)?.value {
        JsonValue::Number(n, _) => Some(*n),
        JsonValue::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag(el: &Json, key: &str) -> Option<bool> {
    match el.get(key)?.value {
        JsonValue::Bool(b) => Some(b),
        _ => None,
    }
}

fn text_of<'a>(el: &'a Json, key: &str) -> Option<&'a str> {
    el.get(key).and_then(Json::as_str)
}

/// A length in mm, written briefly (`13.09`, `105`).
fn mm(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(q, "\\x{:02x}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// `[r, g, b, a]` (0-255; alpha ignored, as pretix does) as `#rrggbb`.
fn colour(el: &Json) -> Option<String> {
    let JsonValue::Array(items) = &el.get("color")?.value else { return None };
    let c: Vec<u8> = items
        .iter()
        .take(3)
        .map(|v| match v.value {
            JsonValue::Number(n, _) => n.round().clamp(0.0, 255.0) as u8,
            _ => 0,
        })
        .collect();
    (c.len() == 3).then(|| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]))
}

/// A clockwise turn by `deg` of (x, y) in y-up coordinates.
fn turn(deg: f64, x: f64, y: f64) -> (f64, f64) {
    let (s, c) = libm::sincos(deg.to_radians());
    (x * c + y * s, -x * s + y * c)
}

impl Converter<'_> {
    fn element(&mut self, el: &Json, i: usize, out: &mut String) {
        let ty = text_of(el, "type").unwrap_or_default();
        let content = text_of(el, "content").unwrap_or_default();
        let key: String = format!("{}-{ty}-{content}", i + 1)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let left = num(el, "left").unwrap_or(0.0);
        let bottom = num(el, "bottom").unwrap_or(0.0);
        let _ = writeln!(out, "  {key}:");
        let mut line = |k: &str, v: String| {
            let _ = writeln!(out, "    {k}: {v}");
        };
        match ty {
            "barcodearea" => {
                let size = num(el, "size").unwrap_or(0.0);
                line("type", "qr".into());
                line("x", mm(left));
                line("y", mm(self.page_h - bottom - size));
                line("width", mm(size));
                line("height", mm(size));
                if let Some(c) = colour(el) {
                    line("colour", quote(&c));
                }
                // pretix draws reportlab's QrCodeWidget, whose border is 4
                // modules unless `nowhitespace` makes it 0; laminate's own
                // default is 1 (load::template::QR_QUIET_ZONE).
                let border = if flag(el, "nowhitespace") == Some(true) { "0" } else { "4" };
                line("quiet_zone", border.into());
                let content = if content.is_empty() { "secret" } else { content };
                if content != "secret" {
                    self.warn(el, i, format!("the QR code carries the pass's `ticket` (pretix's secret), not `{content}`"));
                }
            }
            "imagearea" => {
                let (w, h) = (num(el, "width").unwrap_or(0.0), num(el, "height").unwrap_or(0.0));
                line("type", "photo".into());
                line("x", mm(left));
                line("y", mm(self.page_h - bottom - h));
                line("width", mm(w));
                line("height", mm(h));
                self.warn(el, i, format!("the image `{content}` is the pass's `photo`, cropped to fill the box (pretix fits it inside)"));
            }
            "poweredby" => {
                // pretix draws the logo `size` mm high, its width in proportion.
                let h = num(el, "size").unwrap_or(0.0);
                let (style, file, _) =
                    POWERED_BY.iter().find(|(s, _, _)| *s == content).unwrap_or(&POWERED_BY[0]);
                line("type", "image".into());
                line("file", (*file).into());
                line("x", mm(left));
                line("y", mm(self.page_h - bottom - h));
                line("width", mm(h * POWERED_BY_ASPECT));
                line("height", mm(h));
                self.logos.push(style);
            }
            "textcontainer" | "textarea" => self.text(el, i, ty, left, bottom, &mut line),
            _ => unreachable!("the schema allows these five types only"),
        }
    }

    fn warn(&mut self, el: &Json, i: usize, msg: String) {
        self.warnings.push(Diagnostic::warning(el.span, format!("{}: {msg}", element_name(el, i))));
    }

    fn text(
        &mut self,
        el: &Json,
        i: usize,
        ty: &str,
        left: f64,
        bottom: f64,
        line: &mut dyn FnMut(&str, String),
    ) {
        let size = num(el, "fontsize").unwrap_or(10.0);
        let width = num(el, "width").unwrap_or(0.0);
        let bold = flag(el, "bold").unwrap_or(false);
        let italic = flag(el, "italic").unwrap_or(false);
        let family = text_of(el, "fontfamily").unwrap_or("Open Sans");
        if family != "Open Sans" {
            self.warn(el, i, format!("the font \"{family}\" is not bundled with laminate; Open Sans is used, as pretix does for a font it lacks"));
        }
        let font = match (bold, italic) {
            (false, false) => "open-sans",
            (true, false) => "open-sans-bold",
            (false, true) => "open-sans-italic",
            (true, true) => "open-sans-bold-italic",
        };
        let rotation = num(el, "rotation").unwrap_or(0.0);
        let given_lh = num(el, "lineheight");
        let mut legacy = None;
        // Where pretix puts the box and turns it: (box top-left, pivot), mm, y up.
        let (height, top, pivot, valign, leading, fit) = if ty == "textcontainer" {
            let height = num(el, "height").unwrap_or(0.0);
            let top = bottom + height;
            let valign = text_of(el, "verticalalign").unwrap_or("top");
            let fit = if flag(el, "autoresize") == Some(true) { "wrap-shrink" } else { "wrap" };
            (height, top, (left, top), valign, given_lh.unwrap_or(1.0) * 1.15, fit)
        } else {
            // pretix's legacy textarea: a paragraph standing on `bottom` (or
            // hanging from it with `downward`), offset by the font's descender.
            let (asc, desc) = (self.metrics)(font);
            let (leading, lh) = match given_lh {
                Some(l) => (l * 1.15, l * 1.15),
                None => ((asc - desc).max(1.0), 1.0),
            };
            // ReportLab's `autoLeading: max` on a text of several fragments
            // (pretix splits at hyphens and line breaks): 5/6 of the size
            // above each baseline, 1/6 below, or the font's own if more.
            if given_lh.is_none() {
                legacy = Some((5.0_f64 / 6.0).max(asc) + (1.0_f64 / 6.0).max(-desc));
            }
            let line_h = leading * size / MM;
            let d = desc * size / MM; // negative
            if flag(el, "downward") == Some(true) {
                let top = bottom - d / 2.5;
                (line_h, top, (left, bottom), "top", leading, "wrap")
            } else {
                let d = if lh != 1.0 { d + (lh - 1.0) * size * 1.05 / MM } else { d };
                // Sized for one line: pretix turns it about the top of its
                // paragraph, which is there only for one line.
                let top = bottom - d + line_h;
                (line_h, top, (left, bottom + line_h), "bottom", leading, "wrap")
            }
        };
        // laminate turns about the box's top-left corner: put that corner
        // where pretix's turn about its pivot takes it.
        let (x, y_top) = if rotation != 0.0 {
            let (dx, dy) = turn(rotation, left - pivot.0, top - pivot.1);
            (pivot.0 + dx, pivot.1 + dy)
        } else {
            (left, top)
        };
        line("type", "text".into());
        line("x", mm(x));
        line("y", mm(self.page_h - y_top));
        line("width", mm(width));
        line("height", mm(height.max(0.01)));
        line("text", quote(&self.pattern(el, i)));
        line("font", font.into());
        line("size", mm(size));
        if let Some(c) = colour(el) {
            line("colour", quote(&c));
        }
        line("align", text_of(el, "align").unwrap_or("left").into());
        line("valign", valign.into());
        line("fit", fit.into());
        line(
            "leading",
            format!("{:.6}", leading).trim_end_matches('0').trim_end_matches('.').to_string(),
        );
        if let Some(l) = legacy {
            line(
                "legacy_leading",
                format!("{l:.6}").trim_end_matches('0').trim_end_matches('.').to_string(),
            );
        }
        if flag(el, "splitlongwords") == Some(false) {
            line("split_words", "false".into());
        }
        if rotation != 0.0 {
            line("rotate", mm(rotation));
        }
    }

    /// The element's text as a laminate pattern: pretix's variables become
    /// fields (`attendee_name` is `{name}`, others `{extra.NAME}`), braces
    /// that are no variable are written doubled.
    fn pattern(&mut self, el: &Json, i: usize) -> String {
        let content = text_of(el, "content").unwrap_or_default();
        match content {
            "other" => self.custom(text_of(el, "text").unwrap_or_default()),
            "other_i18n" => {
                let texts: Vec<(&str, &str)> = match el.get("text_i18n").map(|v| &v.value) {
                    Some(JsonValue::Object(pairs)) => pairs
                        .iter()
                        .filter_map(|(k, _, v)| Some((k.as_str(), v.as_str()?)))
                        .collect(),
                    _ => vec![],
                };
                let chosen =
                    texts.iter().find(|(k, _)| *k == "en").or_else(|| texts.first()).copied();
                if texts.len() > 1 {
                    let lang = chosen.map(|c| c.0).unwrap_or_default();
                    self.warn(
                        el,
                        i,
                        format!("laminate prints one language of a translated text: {lang}"),
                    );
                }
                self.custom(chosen.map(|c| c.1).unwrap_or_default())
            }
            "" => String::new(),
            var => self.variable(var),
        }
    }

    fn variable(&mut self, var: &str) -> String {
        match var {
            "attendee_name" => "{name}".into(),
            "attendee_company" => "{organisation}".into(),
            "event_name" => "{event}".into(),
            other => {
                self.extra.push(other.to_string());
                format!("{{extra.{other}}}")
            }
        }
    }

    /// pretix's custom text: `{name}` where name is `[-a-zA-Z0-9:_]+` is a
    /// variable (pretix's own expression); every other brace is literal.
    fn custom(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open].replace('}', "}}"));
            let after = &rest[open + 1..];
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':' || c == '_'))
                .unwrap_or(after.len());
            if name_len > 0 && after[name_len..].starts_with('}') {
                out.push_str(&self.variable(&after[..name_len]));
                rest = &after[name_len + 1..];
            } else {
                out.push_str("{{");
                rest = after;
            }
        }
        out.push_str(&rest.replace('}', "}}"));
        out
    }
}

/// A pretix layout converted into a checked template set, in memory (the
/// pretix plugin's way in): `text` is the layout's JSON, shown as `shown`
/// in diagnostics; `background` the background PDF's bytes. The set is
/// loaded as `render` would load it before it is returned, so a template
/// this importer wrote that laminate refuses is reported, never used.
/// `background` is the PDF's name (as shown in a diagnostic) and bytes.
pub fn import_bytes(
    shown: &str,
    text: &str,
    background: Option<(&str, &[u8])>,
    pass_type: &str,
) -> Result<(Imported, Sources), crate::Failure> {
    let mut sources = Sources::default();
    let file = sources.add(shown.to_string(), text.into());
    let input = |sources: Sources, diagnostics: Vec<Diagnostic>| crate::Failure::Input {
        sources,
        diagnostics,
    };
    let bg = match background {
        Some((bg_shown, b)) => match laminate_passes_pdf::page::pages(b) {
            Ok(pages) => Some(Background { bytes: b, pages: pages.len(), size: pages[0].size }),
            Err(e) => {
                let d = Diagnostic::error_nowhere(format!("{bg_shown}: the background {e}"));
                return Err(input(sources, vec![d]));
            }
        },
        None => None,
    };
    let name = pass_type_name(pass_type);
    let metrics = |font: &str| {
        let book = crate::fonts::FontBook::bundled();
        let f = book.get(crate::fonts::named(font).unwrap_or(crate::fonts::REGULAR));
        (f.typo_ascender, f.typo_descender)
    };
    let imported = import(&PretixLayout { file, text, background: bg, pass_type: &name }, &metrics)
        .map_err(|d| input(sources.clone(), d))?;
    let mut check = Vec::new();
    let mut check_sources = Sources::default();
    let origin = crate::load::template::Origin::Memory { files: imported.files.clone(), dir: None };
    match crate::load::template::folder::load(&origin, &mut check_sources, &mut check) {
        Ok(_) if !check.iter().any(|d| d.severity == crate::diag::Severity::Error) => {}
        Ok(_) => return Err(input(check_sources, check)),
        Err(e) => return Err(crate::Failure::Templates(e)),
    }
    Ok((imported, sources))
}

/// A pass type name from what the user gave: lower case, letters, digits,
/// `-` and `_` (anything else a `-`); "badge" if nothing is left.
fn pass_type_name(given: &str) -> String {
    let name: String = given
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .collect();
    if name.trim_matches('-').is_empty() {
        "badge".to_string()
    } else {
        name
    }
}

/// `laminate import pretix`: reads the layout file (and the background
/// PDF), converts them with [`import_bytes`], and writes the set into `dir`
/// (which must not exist, or be empty) whole or not at all. `pass_type`
/// defaults to the layout file's name.
pub fn import_files(
    layout: &std::path::Path,
    background: Option<&std::path::Path>,
    pass_type: Option<&str>,
    dir: &std::path::Path,
) -> Result<(Imported, Sources), crate::Failure> {
    use crate::Failure;
    let read = |p: &std::path::Path| {
        std::fs::read(p).map_err(|source| Failure::Io {
            action: "cannot read",
            path: p.to_path_buf(),
            source,
        })
    };
    let bytes = read(layout)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let bg_bytes = background.map(read).transpose()?;
    let stem = layout.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let bg_shown = background.map(|p| p.display().to_string()).unwrap_or_default();
    let (imported, sources) = import_bytes(
        &layout.display().to_string(),
        &text,
        bg_bytes.as_deref().map(|b| (bg_shown.as_str(), b)),
        pass_type.unwrap_or(&stem),
    )?;
    let io = |action: &'static str, path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| Failure::Io { action, path, source }
    };
    if let Ok(mut entries) = std::fs::read_dir(dir) {
        if entries.next().is_some() {
            let d =
                Diagnostic::error_nowhere(format!("{}: the folder is not empty", dir.display()))
                    .hint("laminate import writes a new template set: name a new folder");
            return Err(Failure::Input { sources, diagnostics: vec![d] });
        }
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = crate::atomic::TempDir::new_in(&parent, ".laminate-import-")
        .map_err(io("cannot write in", &parent))?;
    for (file_name, bytes) in &imported.files {
        let path = temp.path().join(file_name);
        std::fs::write(&path, bytes).map_err(io("cannot write", &path))?;
    }
    if dir.exists() {
        std::fs::remove_dir(dir).map_err(io("cannot replace", dir))?;
    }
    temp.persist(dir).map_err(io("cannot write", dir))?;
    Ok((imported, sources))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics(_: &str) -> (f64, f64) {
        (1567.0 / 2048.0, -492.0 / 2048.0)
    }

    fn imp(layout: &str) -> Result<Imported, Vec<Diagnostic>> {
        let mut sources = Sources::default();
        let file = sources.add("layout.json", layout.into());
        import(&PretixLayout { file, text: layout, background: None, pass_type: "badge" }, &metrics)
    }

    #[test]
    fn custom_text_turns_variables_into_fields() {
        let l = r#"[{"type":"textcontainer","left":"5","bottom":"5","width":"50","height":"10","fontsize":10,"fontfamily":"Open Sans","bold":false,"italic":false,"align":"left","verticalalign":"top","color":[0,0,0,1],"content":"other","text":"{attendee_name} at {event_name}: {item} {meta:Room} {x y} }"}]"#;
        let got = imp(l).unwrap();
        let yaml = String::from_utf8(got.files[0].1.clone()).unwrap();
        assert!(
            yaml.contains(
                r#"text: "{name} at {event}: {extra.item} {extra.meta:Room} {{x y}} }}""#
            ),
            "{yaml}"
        );
        assert_eq!(got.extra_fields, vec!["item", "meta:Room"]);
    }

    #[test]
    fn textcontainer_maps_geometry_from_the_bottom_left() {
        let l = r#"[{"type":"textcontainer","left":"5.00","bottom":"54.50","width":"138.00","height":"45.50","fontsize":20,"lineheight":"1","fontfamily":"Open Sans","bold":true,"italic":false,"align":"center","verticalalign":"bottom","autoresize":true,"splitlongwords":false,"color":[255,0,0,1],"content":"attendee_name","rotation":0}]"#;
        let yaml = String::from_utf8(imp(l).unwrap().files[0].1.clone()).unwrap();
        for want in [
            "x: 5\n",
            "y: 5\n",
            "width: 138\n",
            "height: 45.5\n",
            "font: open-sans-bold",
            "colour: \"#ff0000\"",
            "valign: bottom",
            "fit: wrap-shrink",
            "leading: 1.15\n",
            "split_words: false",
            "card: 148x105mm",
        ] {
            assert!(yaml.contains(want), "{want:?} in {yaml}");
        }
    }

    #[test]
    fn a_turned_textarea_keeps_its_pivot() {
        // One line, downward, turned 90 degrees: pretix turns about (left, bottom).
        let l = r#"[{"type":"textarea","left":"20","bottom":"50","fontsize":"10","color":[0,0,0,1],"fontfamily":"Open Sans","bold":false,"italic":false,"width":"40","content":"event_name","align":"left","downward":true,"rotation":90}]"#;
        let yaml = String::from_utf8(imp(l).unwrap().files[0].1.clone()).unwrap();
        // The box's top is |descender|/2.5 above the pivot; turned clockwise it lies to its right.
        let d = 492.0 / 2048.0 * 10.0 / MM / 2.5;
        assert!(yaml.contains(&format!("x: {}\n", mm(20.0 + d))), "{yaml}");
        assert!(yaml.contains(&format!("y: {}\n", mm(105.0 - 50.0))), "{yaml}");
    }

    #[test]
    fn a_codes_border_is_pretixs() {
        // Regression: reportlab's QR border is 4 modules, 0 with
        // `nowhitespace`; laminate's default (1) must not stand in for it.
        for (flag, want) in
            [("", "quiet_zone: 4\n"), (r#","nowhitespace":true"#, "quiet_zone: 0\n")]
        {
            let l = format!(
                r#"[{{"type":"barcodearea","left":"5","bottom":"5","size":"30","content":"secret"{flag}}}]"#
            );
            let yaml = String::from_utf8(imp(&l).unwrap().files[0].1.clone()).unwrap();
            assert!(yaml.contains(want), "{want:?} in {yaml}");
        }
    }

    #[test]
    fn invalid_layouts_name_element_and_key() {
        let l =
            "[\n {\"type\":\"barcodearea\",\"left\":\"1\",\"bottom\":\"2\",\"size\":\"big\"}\n]";
        let errs = imp(l).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].headline().contains(
                "element 1 (barcodearea): `size` must be a number or a number written as a string"
            ),
            "{}",
            errs[0].headline()
        );
        assert_eq!((errs[0].span.unwrap().line, errs[0].span.unwrap().col), (2, 54));
    }
}
