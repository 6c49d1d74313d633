//! Template folders: turns a folder of template YAML files (or the built-in
//! set, embedded at build time) into a checked `TemplateSet`: each file
//! merged over the base it extends, then converted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::load::template::assets::Assets;
use crate::load::template::builtin::BUILTIN_TEMPLATES;
use crate::load::template::convert::convert;
use crate::load::template::{Origin, SetError, TemplateSet};
use crate::yaml::{map_get, Node, Reader, Value};

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
        Origin::Memory { files, dir } => {
            let mut raw: Vec<(String, String, Vec<u8>)> = files
                .iter()
                .map(|(name, text)| {
                    let shown =
                        dir.as_ref().map_or(name.clone(), |d| d.join(name).display().to_string());
                    (name.clone(), shown, text.clone())
                })
                .collect();
            raw.sort();
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
    let assets = match origin {
        Origin::Builtin | Origin::BuiltinPlus { .. } => Assets::Builtin,
        Origin::Dir(d) => Assets::Dir(d.as_path()),
        Origin::Memory { files, dir } => Assets::Memory(files, dir.as_deref()),
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
        if let Some(t) = convert(&file.stem, &merged, assets, out) {
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
