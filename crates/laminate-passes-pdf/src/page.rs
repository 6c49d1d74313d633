//! Embedded pages: turns the pages of another PDF (any PDF: object
//! streams, cross-reference streams, encryption with an empty password, as
//! `hayro-syntax` reads them) into the parts of a Form XObject (ISO 32000
//! 8.10), so that a page is drawn as the vector art it is, never rasterised.
//!
//! Each page keeps its content (decoded), its resources (inherited ones
//! merged, ISO 32000 7.7.3.4) and every object they reach, numbered within
//! the page; the writer gives them numbers in its own file once.

use std::collections::HashMap;

use hayro_syntax::object::{MaybeRef, ObjRef, Object};
use hayro_syntax::page::Rotation;
use hayro_syntax::Pdf;

use super::read::Value;

/// One page of another PDF, ready to be written as a Form XObject.
#[derive(Debug, PartialEq)]
pub struct EmbeddedPage {
    /// The page as shown (turned by its /Rotate), in pt: width, height.
    pub size: (f64, f64),
    /// The form's /BBox in the page's own space: the part of the MediaBox
    /// inside the CropBox (ISO 32000 14.11.2), as viewers show it.
    pub bbox: [f64; 4],
    /// The form's /Matrix: turns the page by its /Rotate (clockwise) and
    /// puts the shown page's lower-left corner at the origin.
    pub matrix: [f64; 6],
    /// The page's content stream(s), decoded and joined (ISO 32000 7.8.2).
    pub content: Vec<u8>,
    /// The merged /Resources dictionary; a [`Value::Ref`] n is `objects[n]`.
    pub resources: Value,
    /// Every object the resources reach: its value (for a stream, the
    /// stream's dictionary without /Length) and a stream's data as stored
    /// (still compressed with its /Filter).
    pub objects: Vec<(Value, Option<Vec<u8>>)>,
}

/// Why a PDF cannot be embedded.
#[derive(Debug, Clone, PartialEq)]
pub enum EmbedError {
    /// Not a PDF that can be read (or encrypted with a password).
    Unreadable,
    /// A PDF without pages.
    NoPages,
    /// More objects than a background should need.
    TooLarge(usize),
}

impl std::fmt::Display for EmbedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmbedError::Unreadable => f.write_str("is not a PDF that can be read (damaged, or protected by a password)"),
            EmbedError::NoPages => f.write_str("has no pages"),
            EmbedError::TooLarge(n) => write!(f, "has a page that needs {n} objects, more than the {MAX_OBJECTS} a background may have"),
        }
    }
}

impl std::error::Error for EmbedError {}

/// A page that reaches more objects than this is refused: a badge
/// background is a few dozen; this bounds what a hostile file can make us copy.
pub const MAX_OBJECTS: usize = 100_000;

/// Keys left out of copied dictionaries: they point into the other file's
/// structure (its tagged-content tree, its layers, its metadata and
/// editing data), which the embedding file does not have (ISO 32000 14.7,
/// 8.11, 14.3, 14.5).
const DROPPED: &[&[u8]] = &[
    b"Metadata",
    b"StructParent",
    b"StructParents",
    b"OC",
    b"AF",
    b"PieceInfo",
    b"LastModified",
    b"OPI",
    b"PtData",
    b"Ref",
    b"Parent",
    b"Length",
];

/// The pages of a PDF, each ready to embed.
pub fn pages(data: &[u8]) -> Result<Vec<EmbeddedPage>, EmbedError> {
    let pdf = Pdf::new(data.to_vec()).map_err(|_| EmbedError::Unreadable)?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err(EmbedError::NoPages);
    }
    pages.iter().map(|page| embed(&pdf, page)).collect()
}

fn embed(pdf: &Pdf, page: &hayro_syntax::page::Page<'_>) -> Result<EmbeddedPage, EmbedError> {
    let b = page.intersected_crop_box();
    let (x0, y0, x1, y1) = (b.x0, b.y0, b.x1, b.y1);
    let (w, h) = (x1 - x0, y1 - y0);
    let (size, matrix) = match page.rotation() {
        Rotation::None => ((w, h), [1.0, 0.0, 0.0, 1.0, -x0, -y0]),
        Rotation::Horizontal => ((h, w), [0.0, -1.0, 1.0, 0.0, -y0, x1]),
        Rotation::Flipped => ((w, h), [-1.0, 0.0, 0.0, -1.0, x1, y1]),
        Rotation::FlippedHorizontal => ((h, w), [0.0, 1.0, -1.0, 0.0, y1, -x0]),
    };
    let mut walk = Walk { pdf, numbers: HashMap::new(), queue: Vec::new(), objects: Vec::new() };
    // Resources, the page's own over those it inherits.
    let mut kinds: Vec<(&[u8], Entries)> = Vec::new();
    let mut chain = Vec::new();
    let mut r = Some(page.resources());
    while let Some(res) = r {
        chain.push(res);
        r = res.parent();
    }
    for res in chain.iter().rev() {
        for (kind, dict) in [
            (&b"ExtGState"[..], &res.ext_g_states),
            (b"ColorSpace", &res.color_spaces),
            (b"Pattern", &res.patterns),
            (b"Shading", &res.shadings),
            (b"XObject", &res.x_objects),
            (b"Font", &res.fonts),
            (b"Properties", &res.properties),
        ] {
            let slot = match kinds.iter().position(|(k, _)| *k == kind) {
                Some(i) => i,
                None => {
                    kinds.push((kind, Vec::new()));
                    kinds.len() - 1
                }
            };
            for (name, value) in dict.entries() {
                let v = walk.value(value);
                let entries = &mut kinds[slot].1;
                let key = escape_name(&name);
                match entries.iter_mut().find(|(k, _)| *k == key) {
                    Some(e) => e.1 = v,
                    None => entries.push((key, v)),
                }
            }
        }
    }
    let resources = Value::Dict(
        kinds
            .into_iter()
            .filter(|(_, e)| !e.is_empty())
            .map(|(k, e)| (k.to_vec(), Value::Dict(e)))
            .collect(),
    );
    walk.finish()?;
    Ok(EmbeddedPage {
        size,
        bbox: [x0, y0, x1, y1],
        matrix,
        content: page.page_stream().unwrap_or_default().to_vec(),
        resources,
        objects: walk
            .objects
            .into_iter()
            .map(|o| o.unwrap_or((Value::Keyword(b"null".to_vec()), None)))
            .collect(),
    })
}

/// A dictionary's entries: escaped names and values.
type Entries = Vec<(Vec<u8>, Value)>;

struct Walk<'p> {
    pdf: &'p Pdf,
    /// The other file's object numbers and the numbers given here.
    numbers: HashMap<(i32, i32), u32>,
    queue: Vec<(ObjRef, u32)>,
    objects: Vec<Option<(Value, Option<Vec<u8>>)>>,
}

impl Walk<'_> {
    fn reference(&mut self, r: ObjRef) -> Value {
        let key = (r.obj_number, r.gen_number);
        if let Some(n) = self.numbers.get(&key) {
            return Value::Ref(*n);
        }
        let n = self.objects.len() as u32;
        self.objects.push(None);
        self.numbers.insert(key, n);
        self.queue.push((r, n));
        Value::Ref(n)
    }

    fn value(&mut self, v: MaybeRef<Object<'_>>) -> Value {
        match v {
            MaybeRef::Ref(r) => self.reference(r),
            MaybeRef::NotRef(o) => self.object(&o),
        }
    }

    fn object(&mut self, o: &Object<'_>) -> Value {
        match o {
            Object::Null(_) => Value::Keyword(b"null".to_vec()),
            Object::Boolean(b) => {
                Value::Keyword(if *b { b"true".to_vec() } else { b"false".to_vec() })
            }
            Object::Number(n) => Value::Num(number(n.as_f64()).into_bytes()),
            Object::String(s) => Value::Str(s.as_bytes().to_vec()),
            Object::Name(n) => Value::Name(escape_name(n)),
            Object::Array(a) => Value::Array(a.raw_iter().map(|x| self.value(x)).collect()),
            Object::Dict(d) => self.dict(d),
            // A stream is always indirect (ISO 32000 7.3.8); met directly,
            // it stands for itself as a new object.
            Object::Stream(s) => {
                let n = self.objects.len() as u32;
                self.objects.push(None);
                let dict = self.dict(s.dict());
                self.objects[n as usize] = Some((dict, Some(s.raw_data().to_vec())));
                Value::Ref(n)
            }
        }
    }

    fn dict(&mut self, d: &hayro_syntax::object::Dict<'_>) -> Value {
        Value::Dict(
            d.entries()
                .filter(|(k, _)| !DROPPED.contains(&&k[..]))
                .map(|(k, v)| (escape_name(&k), self.value(v)))
                .collect(),
        )
    }

    /// Copies every object reached, breadth first.
    fn finish(&mut self) -> Result<(), EmbedError> {
        while let Some((r, n)) = self.queue.pop() {
            if self.objects.len() > MAX_OBJECTS {
                return Err(EmbedError::TooLarge(self.objects.len()));
            }
            let id = hayro_syntax::object::ObjectIdentifier::new(r.obj_number, r.gen_number);
            let copied = match self.pdf.xref().get::<Object<'_>>(id) {
                Some(Object::Stream(s)) => (self.dict(s.dict()), Some(s.raw_data().to_vec())),
                Some(o) => (self.object(&o), None),
                None => (Value::Keyword(b"null".to_vec()), None),
            };
            self.objects[n as usize] = Some(copied);
        }
        Ok(())
    }
}

/// A number as PDF writes it: whole numbers without a point, others with
/// at most 6 decimals (ISO 32000 7.3.3), the same text on every machine.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A name's bytes as written after its slash: delimiters, `#`, and bytes
/// outside `!`..`~` as `#xx` (ISO 32000 7.3.5).
fn escape_name(name: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    for &b in name {
        if b == b'#' || !(b'!'..=b'~').contains(&b) || b"()<>[]{}/%".contains(&b) {
            out.extend_from_slice(format!("#{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_are_written_as_pdf_reads_them() {
        assert_eq!(escape_name(b"A B#(x)"), b"A#20B#23#28x#29".to_vec());
        assert_eq!(number(419.527557), "419.527557");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.5), "0.5");
    }
}
