//! Layout schema: checks a pretix layout against pretix's own JSON Schema
//! (`pdf-layout.schema.json`, vendored beside this file) and turns each
//! violation into a message that names the element and the key.
//!
//! The checker interprets the schema file itself, for the keywords that file
//! uses (JSON Schema 2020-12: `type`, `const`, `enum`, `required`,
//! `properties`, `patternProperties`, `additionalProperties`, `items`,
//! `minItems`, `maxItems`, `minimum`, `maximum`, `pattern`, `oneOf`); a
//! keyword it does not know makes the unit test below fail, so a newer
//! schema cannot be vendored without teaching it.

use std::sync::OnceLock;

use serde_json::Value as Schema;

use super::spanned::{Json, JsonValue};
use crate::diag::Span;

/// pretix's schema, from pretix 2026.8.0 (Apache-2.0, see LICENSE beside it).
const SCHEMA: &str = include_str!("upstream/pdf-layout.schema.json");

/// The keywords the checker understands; annotations are listed too.
#[cfg(test)]
const KEYWORDS: &[&str] = &[
    "$schema",
    "$comment",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "pattern",
    "oneOf",
];

fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| serde_json::from_str(SCHEMA).expect("the vendored schema is JSON"))
}

/// One place in the layout: an index of the top-level list or a key.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// An element of an array (from 0).
    Index(usize),
    /// A key of an object.
    Key(String),
}

/// A violation of the schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Where in the file.
    pub span: Span,
    /// Where in the layout.
    pub path: Vec<Step>,
    /// What is wrong, in words ("must be a number or a numeric string, not true").
    pub message: String,
}

/// Checks a layout against pretix's schema; empty when it is valid.
pub fn check(layout: &Json) -> Vec<Violation> {
    let mut out = Vec::new();
    validate(layout, schema(), &mut Vec::new(), &mut out);
    out
}

fn validate(v: &Json, s: &Schema, path: &mut Vec<Step>, out: &mut Vec<Violation>) {
    let Some(s) = s.as_object() else { return };
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Schema::String(one) => vec![one.as_str()],
            Schema::Array(many) => many.iter().filter_map(Schema::as_str).collect(),
            _ => vec![],
        };
        let is = |ty: &str| match ty {
            "integer" => matches!(&v.value, JsonValue::Number(n, _) if n.fract() == 0.0),
            other => v.kind() == other,
        };
        if !types.iter().any(|t| is(t)) {
            push(
                out,
                path,
                v.span,
                format!(
                    "must be {}, not {}",
                    or_list(&types.iter().map(|t| a_type(t)).collect::<Vec<_>>()),
                    v.brief()
                ),
            );
            // Nothing else of this schema can be checked on the wrong type.
            return;
        }
    }
    if let Some(c) = s.get("const") {
        if !same(v, c) {
            push(out, path, v.span, format!("must be {c}, not {}", v.brief()));
        }
    }
    if let Some(Schema::Array(options)) = s.get("enum") {
        if !options.iter().any(|o| same(v, o)) {
            let names: Vec<String> = options.iter().map(|o| o.to_string()).collect();
            push(
                out,
                path,
                v.span,
                format!("must be one of {}, not {}", names.join(", "), v.brief()),
            );
        }
    }
    if let JsonValue::Number(n, _) = &v.value {
        if let Some(min) = s.get("minimum").and_then(Schema::as_f64) {
            if *n < min {
                push(out, path, v.span, format!("must be at least {min}, not {}", v.brief()));
            }
        }
        if let Some(max) = s.get("maximum").and_then(Schema::as_f64) {
            if *n > max {
                push(out, path, v.span, format!("must be at most {max}, not {}", v.brief()));
            }
        }
    }
    if let (JsonValue::String(text), Some(p)) =
        (&v.value, s.get("pattern").and_then(Schema::as_str))
    {
        if !matches(p, text) {
            push(out, path, v.span, format!("must match {p}, not {}", v.brief()));
        }
    }
    if let JsonValue::Array(items) = &v.value {
        let n = items.len() as u64;
        if let Some(min) = s.get("minItems").and_then(Schema::as_u64) {
            if n < min {
                push(out, path, v.span, format!("must have at least {min} items, not {n}"));
            }
        }
        if let Some(max) = s.get("maxItems").and_then(Schema::as_u64) {
            if n > max {
                push(out, path, v.span, format!("must have at most {max} items, not {n}"));
            }
        }
        if let Some(item) = s.get("items") {
            for (i, x) in items.iter().enumerate() {
                path.push(Step::Index(i));
                validate(x, item, path, out);
                path.pop();
            }
        }
    }
    if let JsonValue::Object(pairs) = &v.value {
        if let Some(Schema::Array(required)) = s.get("required") {
            for key in required.iter().filter_map(Schema::as_str) {
                if !pairs.iter().any(|(k, _, _)| k == key) {
                    out.push(Violation {
                        span: v.span,
                        path: path.clone(),
                        message: format!("has no `{key}`, which is required"),
                    });
                }
            }
        }
        let props = s.get("properties").and_then(Schema::as_object);
        let patterns = s.get("patternProperties").and_then(Schema::as_object);
        for (key, key_span, value) in pairs {
            path.push(Step::Key(key.clone()));
            let mut known = false;
            if let Some(p) = props.and_then(|p| p.get(key)) {
                known = true;
                validate(value, p, path, out);
            }
            for (pattern, p) in patterns.into_iter().flatten() {
                if matches(pattern, key) {
                    known = true;
                    validate(value, p, path, out);
                }
            }
            if !known && s.get("additionalProperties") == Some(&Schema::Bool(false)) {
                let names: Vec<&str> =
                    props.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                out.push(Violation {
                    span: *key_span,
                    path: path.clone(),
                    message: match crate::yaml::nearest(key, &names) {
                        Some(n) => format!("is not a key of this element (did you mean `{n}`?)"),
                        None => {
                            format!("is not a key of this element; its keys: {}", names.join(", "))
                        }
                    },
                });
            }
            path.pop();
        }
    }
    if let Some(Schema::Array(branches)) = s.get("oneOf") {
        one_of(v, branches, path, out);
    }
}

fn push(out: &mut Vec<Violation>, path: &[Step], span: Span, message: String) {
    out.push(Violation { span, path: path.to_vec(), message });
}

/// `oneOf`: exactly one branch must hold. When none does, the branch that
/// comes closest (fewest violations, the first on a tie) is the one the
/// author meant (for an element: the one whose `type` it names), and its
/// violations are reported; when every branch fails on the value's own type
/// or pattern, the choices are listed in one message.
fn one_of(v: &Json, branches: &[Schema], path: &mut Vec<Step>, out: &mut Vec<Violation>) {
    let results: Vec<Vec<Violation>> = branches
        .iter()
        .map(|b| {
            let mut o = Vec::new();
            validate(v, b, path, &mut o);
            o
        })
        .collect();
    let holding = results.iter().filter(|r| r.is_empty()).count();
    if holding == 1 {
        return;
    }
    if holding > 1 {
        out.push(Violation {
            span: v.span,
            path: path.clone(),
            message: "matches more than one kind of element".into(),
        });
        return;
    }
    let leaf = results.iter().all(|r| r.len() == 1 && r[0].path == *path);
    if leaf {
        let choices: Vec<String> = branches.iter().map(describe).collect();
        out.push(Violation {
            span: v.span,
            path: path.clone(),
            message: format!("must be {}, not {}", or_list(&choices), v.brief()),
        });
        return;
    }
    let best = results.into_iter().min_by_key(Vec::len).unwrap_or_default();
    out.extend(best);
}

/// A leaf schema in words: "a number", "a string of the form ^-?[0-9]+...$".
fn describe(s: &Schema) -> String {
    let ty = s.get("type").and_then(Schema::as_str).unwrap_or("value");
    match s.get("pattern").and_then(Schema::as_str) {
        Some("^-?[0-9]+(\\.[0-9]+)?$") => "a number written as a string (\"12.5\")".into(),
        Some(p) => format!("a string matching {p}"),
        None => a_type(ty).into(),
    }
}

fn a_type(t: &str) -> &'static str {
    match t {
        "number" => "a number",
        "integer" => "a whole number",
        "string" => "a string",
        "boolean" => "true or false",
        "array" => "an array",
        "object" => "an object",
        "null" => "null",
        _ => "a value",
    }
}

fn or_list(items: &[impl AsRef<str>]) -> String {
    match items {
        [] => "nothing".into(),
        [one] => one.as_ref().into(),
        [init @ .., last] => format!(
            "{} or {}",
            init.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", "),
            last.as_ref()
        ),
    }
}

fn same(v: &Json, c: &Schema) -> bool {
    match (&v.value, c) {
        (JsonValue::String(a), Schema::String(b)) => a == b,
        (JsonValue::Number(a, _), Schema::Number(b)) => Some(*a) == b.as_f64(),
        (JsonValue::Bool(a), Schema::Bool(b)) => a == b,
        (JsonValue::Null, Schema::Null) => true,
        _ => false,
    }
}

/// A JSON Schema `pattern` (ECMA-262 regular expressions; the schema's are
/// in the common subset that `regex-lite` reads), unanchored as the
/// specification says.
fn matches(pattern: &str, text: &str) -> bool {
    static CACHE: OnceLock<std::sync::Mutex<Vec<(String, regex_lite::Regex)>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, re)) = cache.iter().find(|(p, _)| p == pattern) {
        return re.is_match(text);
    }
    match regex_lite::Regex::new(pattern) {
        Ok(re) => {
            let m = re.is_match(text);
            cache.push((pattern.to_string(), re));
            m
        }
        // The vendored schema's patterns all compile (tested below).
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileId;

    fn keywords(s: &Schema, found: &mut Vec<String>) {
        if let Some(o) = s.as_object() {
            for (k, v) in o {
                found.push(k.clone());
                match k.as_str() {
                    "properties" | "patternProperties" => {
                        for sub in v.as_object().into_iter().flat_map(|m| m.values()) {
                            keywords(sub, found);
                        }
                    }
                    "items" | "additionalProperties" => keywords(v, found),
                    "oneOf" => v.as_array().into_iter().flatten().for_each(|b| keywords(b, found)),
                    _ => {}
                }
            }
        }
    }

    #[test]
    fn every_keyword_of_the_vendored_schema_is_understood() {
        let mut found = Vec::new();
        keywords(schema(), &mut found);
        found.sort();
        found.dedup();
        let unknown: Vec<&String> =
            found.iter().filter(|k| !KEYWORDS.contains(&k.as_str())).collect();
        assert!(unknown.is_empty(), "schema keywords the checker ignores: {unknown:?}");
        for p in ["^-?[0-9]+(\\.[0-9]+)?$", "[a-zA-Z-]+", "[a-zA-Z-]*"] {
            assert!(regex_lite::Regex::new(p).is_ok(), "{p}");
        }
    }

    fn run(text: &str) -> Vec<String> {
        let v = super::super::spanned::parse(text, FileId(0)).unwrap();
        check(&v)
            .into_iter()
            .map(|v| format!("{}:{} {:?} {}", v.span.line, v.span.col, v.path, v.message))
            .collect()
    }

    #[test]
    fn pretix_default_layout_is_valid() {
        let l = r#"[{"type":"textarea","left":"13.09","bottom":"49.73","fontsize":"23.6","color":[0,0,0,1],"fontfamily":"Open Sans","bold":true,"italic":false,"width":"121.83","content":"attendee_name","text":"Max Mustermann","align":"center"}]"#;
        assert_eq!(run(l), Vec::<String>::new());
    }

    #[test]
    fn violations_name_the_element_and_key() {
        let l = r#"[{"type":"textarea","left":"13.09","bottom":"49.73","fontsize":true,"color":[0,0,0,1],"fontfamily":"Open Sans","bold":true,"italic":false,"width":"1x","content":"attendee_name","align":"middle","colour":[1]}]"#;
        let got = run(l);
        assert!(
            got.iter().any(|m| m.contains("Key(\"fontsize\")")
                && m.contains(
                    "must be a number or a number written as a string (\"12.5\"), not true"
                )),
            "{got:?}"
        );
        assert!(
            got.iter().any(|m| m.contains("Key(\"width\")") && m.contains("\"1x\"")),
            "{got:?}"
        );
        assert!(
            got.iter()
                .any(|m| m.contains("Key(\"align\")")
                    && m.contains("\"left\", \"center\", \"right\"")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|m| m.contains("Key(\"colour\")") && m.contains("did you mean `color`")),
            "{got:?}"
        );
        let missing = run(r#"[{"type":"barcodearea","left":1,"bottom":2}]"#);
        assert_eq!(missing, vec!["1:1 [Index(0)] has no `size`, which is required".to_string()]);
        let colour =
            run(r#"[{"type":"barcodearea","left":1,"bottom":2,"size":3,"color":[0,0,300]}]"#);
        assert!(colour[0].contains("must be at most 255, not 300"), "{colour:?}");
        assert!(run(r#"{"type":"barcodearea"}"#)[0].contains("must be an array, not an object"));
        assert!(!run(r#"[{"type":"hologram","left":1,"bottom":2}]"#).is_empty());
    }
}
