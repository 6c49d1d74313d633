//! The designer's working copy: turns small edits ("name.x is 9 mm") into
//! new template texts, keeps undo and redo, and saves changed files whole
//! or not at all, refusing when a file changed on disk meanwhile.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::serve::yamledit::{self, scalar};
use laminate_passes::diag::FileId;
use laminate_passes::load::template;
use laminate_passes::yaml::{Node, Reader, Value};

/// Template file name -> text.
pub type Files = BTreeMap<String, String>;

/// The template files being designed, as edited and as on disk.
pub struct Doc {
    /// The template folder; `None` for a copy of the built-in set not yet saved.
    pub dir: Option<PathBuf>,
    files: Files,
    disk: Files,
    undo: Vec<Files>,
    redo: Vec<Files>,
}

/// Why an edit or a save was refused, in words for the page.
#[derive(Debug)]
pub enum DocError {
    /// The edit cannot be made (unknown element, a list value...).
    Edit(String),
    /// Files changed on disk since they were loaded; nothing was written.
    Conflict(Vec<String>),
    /// A file could not be read or written.
    Io { path: PathBuf, source: io::Error },
    /// The folder asked for is not one the designer may write.
    Folder(String),
    /// The template folder could not be read again.
    Templates(template::SetError),
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocError::Edit(why) | DocError::Folder(why) => f.write_str(why),
            DocError::Conflict(names) => write!(
                f,
                "{} changed on disk since it was loaded; nothing was saved (reload to see it)",
                names.join(", ")
            ),
            DocError::Io { path, source } => write!(f, "cannot write {}: {source}", path.display()),
            DocError::Templates(e) => e.fmt(f),
        }
    }
}

/// True for a name the designer may read or write inside the folder: a
/// plain file name ending in `.yaml` or `.yml` (no folder, no `..`).
pub fn is_template_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && (name.ends_with(".yaml") || name.ends_with(".yml"))
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// `dir/name`, when it is a regular file or absent, never a symbolic link
/// (which could lead out of the folder).
pub fn inside(dir: &Path, name: &str) -> Result<PathBuf, DocError> {
    if !is_template_name(name) {
        return Err(DocError::Folder(format!("\"{name}\" is not a template file name")));
    }
    let path = dir.join(name);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if !m.file_type().is_file() => {
            Err(DocError::Folder(format!("{} is not a plain file", path.display())))
        }
        _ => Ok(path),
    }
}

/// Reads the template files of a folder (plain files only), failing as
/// `render` does on a folder that cannot be read or holds none.
pub fn read_folder(dir: &Path) -> Result<Files, template::SetError> {
    let fail = |path: &Path, source| template::SetError::Io { path: path.to_path_buf(), source };
    let mut files = Files::new();
    for entry in std::fs::read_dir(dir).map_err(|e| fail(dir, e))? {
        let entry = entry.map_err(|e| fail(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // A symbolic link could lead out of the folder: it is not read.
        let Ok(path) = inside(dir, &name) else { continue };
        let bytes = std::fs::read(&path).map_err(|e| fail(&path, e))?;
        files.insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
    if files.is_empty() {
        return Err(template::SetError::Empty(dir.to_path_buf()));
    }
    Ok(files)
}

fn parse(text: &str) -> Option<Node> {
    Reader::new(text, FileId(0)).read_document().ok().flatten()
}

fn get<'n>(node: &'n Node, key: &str) -> Option<&'n (Node, Node)> {
    match &node.value {
        Value::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str() == Some(key)),
        _ => None,
    }
}

impl Doc {
    /// A working copy of `files`, which are also what is on disk in `dir`.
    pub fn new(dir: Option<PathBuf>, files: Files) -> Doc {
        Doc { dir, disk: files.clone(), files, undo: Vec::new(), redo: Vec::new() }
    }

    /// A working copy of the built-in set (nothing on disk yet).
    pub fn builtin() -> Doc {
        let files: Files = template::builtin::BUILTIN_TEMPLATES
            .iter()
            .map(|(n, b)| (n.to_string(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        Doc { dir: None, disk: Files::new(), files, undo: Vec::new(), redo: Vec::new() }
    }

    /// The files as edited.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// The template origin of the edited files.
    pub fn origin(&self) -> template::Origin {
        template::Origin::Memory {
            files: self.files.iter().map(|(n, t)| (n.clone(), t.clone().into_bytes())).collect(),
            dir: self.dir.clone(),
        }
    }

    /// Files whose text differs from what was loaded or last saved.
    pub fn changed(&self) -> Vec<String> {
        self.files
            .iter()
            .filter(|(n, t)| self.disk.get(*n) != Some(t))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Whether undo and redo have a step.
    pub fn history(&self) -> (bool, bool) {
        (!self.undo.is_empty(), !self.redo.is_empty())
    }

    /// Goes one step back; false when there is none.
    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(prev) => {
                self.redo.push(std::mem::replace(&mut self.files, prev));
                true
            }
            None => false,
        }
    }

    /// Goes one step forward again; false when there is none.
    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(std::mem::replace(&mut self.files, next));
                true
            }
            None => false,
        }
    }

    /// Applies edits as one undo step: all of them or, on the first that
    /// cannot be made, none.
    pub fn apply(&mut self, pass: &str, side: Side, edits: &[Edit]) -> Result<(), DocError> {
        let before = self.files.clone();
        for e in edits {
            let done = match e {
                Edit::Set { element, key, value } => self.set(pass, side, element, key, value),
                Edit::Add { kind, x, y } => self.add(pass, side, kind, *x, *y).map(|_| ()),
                Edit::Delete { element } => self.delete(pass, side, element),
            };
            if let Err(err) = done {
                self.files = before;
                return Err(err);
            }
        }
        if self.files != before {
            self.undo.push(before);
            self.redo.clear();
        }
        Ok(())
    }

    /// The file of a pass type and the files it extends, the type's own first.
    fn chain(&self, pass: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stem = pass.to_string();
        loop {
            let name = [format!("{stem}.yaml"), format!("{stem}.yml")]
                .into_iter()
                .find(|n| self.files.contains_key(n));
            let Some(name) = name.filter(|n| !out.contains(n)) else { break };
            let parent = parse(&self.files[&name])
                .and_then(|n| get(&n, "extends").and_then(|(_, v)| v.as_str().map(str::to_string)));
            out.push(name);
            match parent {
                Some(p) => stem = p,
                None => break,
            }
        }
        out
    }

    /// Where the element is written nearest to the pass type: (file, its
    /// node), or `None` when no file has it or the nearest deletes it.
    fn element(&self, pass: &str, side: Side, element: &str) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        for file in self.chain(pass) {
            let Some(root) = parse(&self.files[&file]) else { continue };
            let Some((_, els)) = get(&root, side.key()) else { continue };
            if let Some((_, el)) = get(els, element) {
                if el.is_null() {
                    break;
                }
                out.push((file, el.clone()));
            }
        }
        out
    }

    /// Every element's keys as written (each key from the nearest file
    /// that has it), for the panel; one parse of each file.
    pub fn props(&self, pass: &str, side: Side) -> BTreeMap<String, Vec<(String, String)>> {
        let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        let mut deleted: Vec<String> = Vec::new();
        for file in self.chain(pass) {
            let Some(root) = parse(&self.files[&file]) else { continue };
            let Some((_, Node { value: Value::Map(els), .. })) = get(&root, side.key()) else {
                continue;
            };
            for (name, el) in els {
                let Some(name) = name.as_str().map(str::to_string) else { continue };
                if deleted.contains(&name) {
                    continue;
                }
                if el.is_null() {
                    deleted.push(name);
                    continue;
                }
                let Value::Map(pairs) = &el.value else { continue };
                let keys = out.entry(name).or_default();
                for (k, v) in pairs {
                    let Some(k) = k.as_str() else { continue };
                    if keys.iter().any(|(have, _)| have == k) {
                        continue;
                    }
                    let text = match &v.value {
                        Value::Scalar(s) => s.clone(),
                        Value::Seq(items) => {
                            items.iter().filter_map(Node::as_str).collect::<Vec<_>>().join(" | ")
                        }
                        _ => String::new(),
                    };
                    keys.push((k.to_string(), text));
                }
            }
        }
        out
    }

    /// The value of `element.key` as written (the nearest file's).
    pub fn value(&self, pass: &str, side: Side, element: &str, key: &str) -> Option<String> {
        let props = self.props(pass, side);
        props.get(element)?.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    fn set(
        &mut self,
        pass: &str,
        side: Side,
        el: &str,
        key: &str,
        value: &str,
    ) -> Result<(), DocError> {
        if !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') || key.is_empty() {
            return Err(DocError::Edit(format!("\"{key}\" is not a template key")));
        }
        let written = self.element(pass, side, el);
        if written.is_empty() {
            return Err(DocError::Edit(format!("pass type \"{pass}\" has no element \"{el}\"")));
        }
        if key == "file" {
            self.check_asset(value)?;
        }
        let value = scalar(value);
        for (file, node) in &written {
            if let Some((_, v)) = get(node, key) {
                if matches!(v.value, Value::Seq(_) | Value::Map(_)) {
                    return Err(DocError::Edit(format!(
                        "{el}.{key} is a list in {file}; edit it there"
                    )));
                }
                let text = yamledit::replace(&self.files[file], v.span, &value);
                self.files.insert(file.clone(), text);
                return Ok(());
            }
        }
        let (file, node) = written
            .iter()
            .find(|(_, n)| matches!(n.value, Value::Map(_)))
            .ok_or_else(|| DocError::Edit(format!("element \"{el}\" is not a mapping of keys")))?;
        let text = yamledit::insert_key(&self.files[file], node.span, key, &value);
        self.files.insert(file.clone(), text);
        Ok(())
    }

    /// An image named in the page must be a file inside the template
    /// folder: a relative path without `..`, and no symbolic link out.
    fn check_asset(&self, file: &str) -> Result<(), DocError> {
        let path = Path::new(file);
        let plain = !file.is_empty()
            && path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
        let refuse = || {
            DocError::Edit(format!(
                "\"{file}\": an image must be a file inside the template folder (no .., no absolute path, no link out of it)"
            ))
        };
        if !plain {
            return Err(refuse());
        }
        if let Some(dir) = &self.dir {
            let (Ok(root), Ok(real)) = (dir.canonicalize(), dir.join(path).canonicalize()) else {
                return Ok(()); // not there (yet): the template's own error says so
            };
            if !real.starts_with(root) {
                return Err(refuse());
            }
        }
        Ok(())
    }

    /// Every element name of the side, in any file of the pass type's chain.
    fn names(&self, pass: &str, side: Side) -> Vec<String> {
        let mut out = Vec::new();
        for file in self.chain(pass) {
            let Some(root) = parse(&self.files[&file]) else { continue };
            if let Some((_, Node { value: Value::Map(pairs), .. })) = get(&root, side.key()) {
                out.extend(pairs.iter().filter_map(|(k, _)| k.as_str().map(str::to_string)));
            }
        }
        out
    }

    /// Puts `name: value` into the side's mapping of the pass type's own file.
    fn put_own(&mut self, pass: &str, side: Side, name: &str, value: &str) -> Result<(), DocError> {
        let own = self.chain(pass).into_iter().next().ok_or_else(|| {
            DocError::Edit(format!("there is no template file for pass type \"{pass}\""))
        })?;
        let text = &self.files[&own];
        let root = parse(text);
        let section = root.as_ref().and_then(|r| get(r, side.key()));
        let new = match section {
            Some((_, n @ Node { value: Value::Map(pairs), .. })) => {
                let at = pairs.first().map_or(n.span, |(k, _)| k.span);
                yamledit::insert_key(text, at, name, value)
            }
            Some((k, _)) => {
                // `elements:` with nothing (or a scalar) after it: start the mapping.
                let start = yamledit::offset(text, k.span.line, k.span.col);
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                format!("{}{}:\n  {name}: {value}{}", &text[..start], side.key(), &text[end..])
            }
            None => yamledit::append_section(text, side.key(), name, value),
        };
        self.files.insert(own, new);
        Ok(())
    }

    fn add(
        &mut self,
        pass: &str,
        side: Side,
        kind: &str,
        x: f64,
        y: f64,
    ) -> Result<String, DocError> {
        let taken = self.names(pass, side);
        let name = (1..)
            .map(|i| format!("{kind}{i}"))
            .find(|n| !taken.contains(n))
            .expect("some number is free");
        let (x, y) = (yamledit::mm(x), yamledit::mm(y));
        let rest = match kind {
            "text" => "width: 30, height: 5, text: \"{name}\", size: 8, min_size: 6",
            "rect" => "width: 20, height: 10, fill: \"#1f4e79\"",
            "qr" => "width: 15, height: 15",
            "photo" => "width: 15, height: 20",
            "image" => "width: 20, height: 10, file: logo.png",
            "punch" => "width: 12.7, height: 3.2",
            "guilloche" => "width: 30, height: 15",
            "microtext" => "width: 40, height: 0.8",
            "hologram" => "width: 12, height: 12",
            "raised" => "width: 20, height: 8, text: \"{access}\"",
            _ => return Err(DocError::Edit(format!("\"{kind}\" is not an element type"))),
        };
        let value = format!("{{ type: {kind}, x: {x}, y: {y}, {rest} }}");
        self.put_own(pass, side, &name, &value)?;
        Ok(name)
    }

    fn delete(&mut self, pass: &str, side: Side, el: &str) -> Result<(), DocError> {
        let written = self.element(pass, side, el);
        let Some(own) = self.chain(pass).into_iter().next() else {
            return Err(DocError::Edit(format!(
                "there is no template file for pass type \"{pass}\""
            )));
        };
        if written.is_empty() {
            return Err(DocError::Edit(format!("pass type \"{pass}\" has no element \"{el}\"")));
        }
        // The type's own file drops the element; one it extends is left
        // alone, and `name: ~` in the own file takes the element away.
        if written[0].0 == own {
            let root = parse(&self.files[&own]).expect("parsed above");
            let key = get(&root, side.key())
                .and_then(|(_, els)| get(els, el))
                .expect("found above")
                .0
                .span;
            let mut text = yamledit::remove_pair(&self.files[&own], key);
            // An `elements:` left with nothing would delete every inherited
            // element (a null removes the key in the merge): drop it too.
            let emptied = parse(&text).and_then(|r| {
                get(&r, side.key()).filter(|(_, v)| v.is_null()).map(|(k, _)| k.span)
            });
            if let Some(section) = emptied {
                text = yamledit::remove_pair(&text, section);
            }
            self.files.insert(own.clone(), text);
        }
        if written.iter().any(|(f, _)| *f != own) {
            self.put_own(pass, side, el, "~")?;
        }
        Ok(())
    }

    /// Writes every changed file into the folder (each atomically), after
    /// checking that none changed on disk since it was read. A built-in
    /// copy first needs `folder`: a new or empty folder, relative to `cwd`.
    pub fn save(&mut self, folder: Option<&str>, cwd: &Path) -> Result<Vec<String>, DocError> {
        if self.dir.is_none() {
            let Some(folder) = folder.filter(|f| !f.trim().is_empty()) else {
                return Err(DocError::Folder(
                    "these are the built-in templates: name a new folder to save them in".into(),
                ));
            };
            let rel = Path::new(folder.trim());
            if rel.is_absolute()
                || rel.components().any(|c| !matches!(c, std::path::Component::Normal(_)))
            {
                return Err(DocError::Folder(format!(
                    "\"{folder}\": give a folder inside the one laminate design was started in (no .., no absolute path)"
                )));
            }
            let dir = cwd.join(rel);
            if std::fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
                return Err(DocError::Folder(format!(
                    "{} is not empty; choose a new folder (nothing is overwritten)",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(&dir)
                .map_err(|source| DocError::Io { path: dir.clone(), source })?;
            self.dir = Some(dir);
        }
        let dir = self.dir.clone().expect("set above");
        let changed = self.changed();
        let mut stale = Vec::new();
        for name in &changed {
            let path = inside(&dir, name)?;
            let now = std::fs::read(&path).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
            if now != self.disk.get(name).cloned() {
                stale.push(name.clone());
            }
        }
        if !stale.is_empty() {
            return Err(DocError::Conflict(stale));
        }
        for name in &changed {
            let path = inside(&dir, name)?;
            laminate_passes::atomic::write(&path, self.files[name].as_bytes())
                .map_err(|source| DocError::Io { path: path.clone(), source })?;
            self.disk.insert(name.clone(), self.files[name].clone());
        }
        Ok(changed)
    }

    /// Reads the folder again, dropping unsaved edits (after a conflict).
    pub fn reload(&mut self) -> Result<(), DocError> {
        if let Some(dir) = &self.dir {
            let files = read_folder(dir).map_err(DocError::Templates)?;
            *self = Doc::new(Some(dir.clone()), files);
        }
        Ok(())
    }
}

/// The side of the card being designed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The front (`elements:`).
    Front,
    /// The back (`back:`), printed with `--duplex`.
    Back,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Front => "elements",
            Side::Back => "back",
        }
    }
}

/// One change the page asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Set a key of an element (lengths in mm, as text).
    Set { element: String, key: String, value: String },
    /// Add an element of a type with its top-left corner at x, y mm.
    Add { kind: String, x: f64, y: f64 },
    /// Delete an element.
    Delete { element: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        let mut files = Files::new();
        files.insert("base.yaml".into(), "abstract: true\n# the name\nelements:\n  name:\n    type: text\n    x: 4 # left\n    text: \"{name}\"\n  qr: { type: qr, x: 60, y: 17, width: 20, height: 20 }\n".into());
        files.insert("crew.yaml".into(), "extends: base\nlabel: CREW\n".into());
        Doc::new(None, files)
    }

    fn set(el: &str, key: &str, value: &str) -> Edit {
        Edit::Set { element: el.into(), key: key.into(), value: value.into() }
    }

    #[test]
    fn a_set_changes_only_that_value_and_undoes() {
        let mut d = doc();
        d.apply("crew", Side::Front, &[set("name", "x", "9"), set("name", "size", "12")]).unwrap();
        assert!(d.files()["base.yaml"].contains("    size: 12\n    type: text\n    x: 9 # left\n"));
        assert_eq!(d.changed(), ["base.yaml"]);
        // A new key in a flow mapping stays on its line.
        d.apply("crew", Side::Front, &[set("qr", "colour", "#ff0000")]).unwrap();
        assert!(d.files()["base.yaml"].contains("  qr: { colour: \"#ff0000\", type: qr, x: 60,"));
        assert!(d.undo());
        assert!(d.undo());
        assert!(d.changed().is_empty());
        assert!(d.redo());
        assert_eq!(d.value("crew", Side::Front, "name", "x").as_deref(), Some("9"));
    }

    #[test]
    fn add_and_delete_go_into_the_types_own_file() {
        let mut d = doc();
        d.apply("crew", Side::Front, &[Edit::Add { kind: "rect".into(), x: 1.0, y: 2.0 }]).unwrap();
        assert!(d.files()["crew.yaml"].ends_with("elements:\n  rect1: { type: rect, x: 1, y: 2, width: 20, height: 10, fill: \"#1f4e79\" }\n"));
        d.apply("crew", Side::Front, &[Edit::Delete { element: "qr".into() }]).unwrap();
        assert!(d.files()["crew.yaml"].contains("elements:\n  qr: ~\n  rect1:"));
        d.apply("crew", Side::Front, &[Edit::Delete { element: "rect1".into() }]).unwrap();
        assert_eq!(d.files()["crew.yaml"], "extends: base\nlabel: CREW\nelements:\n  qr: ~\n");
        // Regression: deleting the only element of the type's own file took
        // its `elements:` key to null, which deleted every inherited element.
        let mut d = doc();
        let add = Edit::Add { kind: "qr".into(), x: 1.0, y: 2.0 };
        d.apply("crew", Side::Front, &[add]).unwrap();
        d.apply("crew", Side::Front, &[Edit::Delete { element: "qr1".into() }]).unwrap();
        assert_eq!(d.files()["crew.yaml"], "extends: base\nlabel: CREW\n");
        assert!(d.apply("crew", Side::Front, &[set("nope", "x", "1")]).is_err());
    }

    #[test]
    fn names_outside_the_folder_are_refused() {
        assert!(is_template_name("crew.yaml"));
        for bad in ["../x.yaml", "/etc/passwd", "a/b.yaml", ".hidden.yaml", "x.txt", ""] {
            assert!(!is_template_name(bad), "{bad}");
        }
    }
}
