//! The designer's state: turns the page's small edits into changes of the
//! template YAML and answers each with the card as render draws it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::serve::card::Preview;
use crate::serve::doc::{Doc, Edit, Side};
use laminate_passes::diag::{Diagnostic, Sources};
use laminate_passes::load::roster::Entry;
use {
    laminate_passes::init, laminate_passes::load::roster, laminate_passes::load::sources,
    laminate_passes::load::template, laminate_passes::Failure,
};

/// What `laminate design` is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The roster to preview with; `None` for the starter roster of `init`.
    pub roster: Option<PathBuf>,
    /// The template folder to edit; `None` for a copy of the built-in set.
    pub templates: Option<PathBuf>,
    /// The port; 0 for any free one.
    pub port: u16,
}

/// Largest request body accepted, in bytes (an edit is a few hundred).
pub const MAX_BODY: usize = 64 * 1024;

/// The designer's state between requests: all of it lives here, the page
/// only shows it.
pub struct Designer {
    doc: Doc,
    data: Preview,
    /// The entries to preview with: the roster's, then the stress entries.
    entries: Vec<(String, Entry)>,
    /// Where `laminate design` was started (a built-in copy is saved below it).
    cwd: PathBuf,
}

/// One request from the page about the card in view.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct View {
    /// The pass type.
    pub pass: String,
    /// `front` or `back`.
    pub side: String,
    /// Index into the entry list.
    pub entry: usize,
    /// Pixels per mm of the picture.
    pub zoom: f64,
    /// Edits to make first, as one undo step.
    pub edits: Vec<EditJson>,
    /// For save: the folder to save a built-in copy in.
    pub folder: Option<String>,
}

/// An edit as the page sends it.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum EditJson {
    /// `{"op":"set","element":"name","key":"x","value":"9"}`
    Set { element: String, key: String, value: String },
    /// `{"op":"add","kind":"text","x":10,"y":10}`
    Add { kind: String, x: f64, y: f64 },
    /// `{"op":"delete","element":"name"}`
    Delete { element: String },
}

impl Designer {
    /// Loads the roster and the templates; errors as the CLI reports them.
    pub fn open(opts: &Options, cwd: &Path) -> Result<Designer, Failure> {
        let mut sources = Sources::default();
        let mut found: Vec<Diagnostic> = Vec::new();
        let roster = match &opts.roster {
            // The export kind is told by its headings, as render does by default.
            Some(path) => sources::load_path(path, Default::default(), &mut sources, &mut found)?,
            None => {
                let file = sources.add("<starter roster>", init::STARTER_ROSTER.into());
                roster::load(init::STARTER_ROSTER, file, cwd, &mut found)
            }
        };
        let errors = found.iter().any(|d| d.severity == laminate_passes::diag::Severity::Error);
        let roster = match roster {
            Some(r) if !errors && !r.entries.is_empty() => r,
            _ => {
                if found.is_empty() {
                    found.push(Diagnostic::error_nowhere(
                        "the roster has no passes to preview with",
                    ));
                }
                return Err(Failure::Input { sources, diagnostics: found });
            }
        };
        let doc = match &opts.templates {
            Some(dir) => {
                let files = crate::serve::doc::read_folder(dir).map_err(Failure::Templates)?;
                Doc::new(Some(dir.clone()), files)
            }
            None => Doc::builtin(),
        };
        let data = Preview { roster, sources };
        let entries = stress_entries(&data, &doc);
        Ok(Designer { doc, data, entries, cwd: cwd.to_path_buf() })
    }

    /// The page's first question: what there is to choose from.
    pub fn state(&self) -> serde_json::Value {
        let set = crate::serve::card::load_set(&self.doc, &self.data.sources)
            .map(|(s, _)| s)
            .unwrap_or_default();
        serde_json::json!({
            "types": set.names(),
            "entries": self.entries.iter().map(|(l, _)| l).collect::<Vec<_>>(),
            "fields": template::FIELDS.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            "fonts": laminate_passes::fonts::FONT_NAMES,
            "kinds": ["text", "rect", "qr", "photo", "image", "punch", "guilloche", "microtext", "hologram", "raised"],
            "folder": self.doc.dir.as_ref().map(|d| d.display().to_string()),
        })
    }

    /// Makes the view's edits (one undo step), then draws the card.
    pub fn view(&mut self, v: &View, action: &str) -> serde_json::Value {
        let side = if v.side == "back" { Side::Back } else { Side::Front };
        let mut message = String::new();
        match action {
            "edit" => {
                let edits: Vec<Edit> = v
                    .edits
                    .iter()
                    .map(|e| match e {
                        EditJson::Set { element, key, value } => Edit::Set {
                            element: element.clone(),
                            key: key.clone(),
                            value: value.clone(),
                        },
                        EditJson::Add { kind, x, y } => {
                            Edit::Add { kind: kind.clone(), x: *x, y: *y }
                        }
                        EditJson::Delete { element } => Edit::Delete { element: element.clone() },
                    })
                    .collect();
                if let Err(e) = self.doc.apply(&v.pass, side, &edits) {
                    message = e.to_string();
                }
            }
            "undo" => {
                self.doc.undo();
            }
            "redo" => {
                self.doc.redo();
            }
            "save" => match self.doc.save(v.folder.as_deref(), &self.cwd) {
                Ok(names) if names.is_empty() => message = "nothing to save".into(),
                Ok(names) => message = format!("saved {}", names.join(", ")),
                Err(e) => message = e.to_string(),
            },
            "reload" => {
                if let Err(e) = self.doc.reload() {
                    message = e.to_string();
                }
            }
            _ => {}
        }
        let entry = &self.entries[v.entry.min(self.entries.len() - 1)].1;
        let zoom = if v.zoom.is_finite() { v.zoom.clamp(2.0, 40.0) } else { 8.0 };
        let card = crate::serve::card::render(&self.doc, &self.data, entry, &v.pass, side, zoom);
        let (undo, redo) = self.doc.history();
        serde_json::json!({
            "card": card,
            "message": message,
            "conflict": message.contains("changed on disk"),
            "changed": self.doc.changed(),
            "undo": undo,
            "redo": redo,
            "folder": self.doc.dir.as_ref().map(|d| d.display().to_string()),
        })
    }

    /// A template file's text (for the source view): only a template name
    /// inside the folder, never a path.
    pub fn file(&self, name: &str) -> Option<String> {
        if !crate::serve::doc::is_template_name(name) {
            return None;
        }
        self.doc.files().get(name).cloned()
    }
}

/// The roster's entries, then the stress entries: the longest name, every
/// zone any pass type has, and no photo.
fn stress_entries(data: &Preview, doc: &Doc) -> Vec<(String, Entry)> {
    let entries = &data.roster.entries;
    let mut out: Vec<(String, Entry)> =
        entries.iter().map(|e| (format!("{} · {}", e.id, e.name), e.clone())).collect();
    let longest = entries.iter().max_by_key(|e| e.name.chars().count()).expect("not empty");
    out.push((format!("stress: longest name ({})", longest.id), longest.clone()));
    let mut zones: Vec<String> = Vec::new();
    if let Ok((set, _)) = crate::serve::card::load_set(doc, &data.sources) {
        zones.extend(set.templates.iter().flat_map(|t| t.zones.iter().cloned()));
    }
    zones.extend(entries.iter().flat_map(|e| e.zones.iter().flatten().cloned()));
    zones.sort();
    zones.dedup();
    let mut every = entries[0].clone();
    every.zones = Some(zones);
    out.push(("stress: every zone".into(), every));
    let mut bare = entries.iter().find(|e| e.photo.is_some()).unwrap_or(&entries[0]).clone();
    bare.photo = None;
    out.push((format!("stress: no photo ({})", bare.id), bare));
    out
}
