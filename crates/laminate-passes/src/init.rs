//! Init: turns a folder name into a starter project: a roster to edit and a
//! copy of the built-in templates (`laminate init DIR`); or a ticket-shop
//! export into the event file it needs (`laminate init --from EXPORT`).

use std::io;
use std::path::{Path, PathBuf};

use {crate::atomic, crate::load::sources, crate::load::template, crate::outcome::Failure};

/// The roster `laminate init` writes: one pass of each built-in type, and
/// comments that say what each key does.
pub const STARTER_ROSTER: &str = r#"# A roster: the event, then one entry per pass. Check it with
#   laminate validate roster.yaml --templates templates
# and print it with
#   laminate render roster.yaml --templates templates -o passes.pdf
# Every key is described in docs/format.md of laminate's source.
event:
  name: Harbour Jazz Night 2026     # printed on every pass
  venue: Harbour Arena              # optional
  starts: 2026-08-01                # dates are YYYY-MM-DD
  ends: 2026-08-02
passes:
  - id: HJN-001                     # unique; goes into the QR code
    name: Ana Silva
    organisation: Harbour Sound     # optional
    role: Sound engineer            # optional
    pass: crew                      # a pass type: laminate templates --templates templates
    valid_from: 2026-07-31          # optional, default: the event's dates
    zones: [stage, backstage]       # optional, default: the pass type's zones
  - id: HJN-002
    name: Tom Berg
    role: Bandleader
    pass: all-access
  - id: HJN-003
    name: Zoë Ødegård
    role: Guest of the band
    pass: vip
  - id: HJN-004
    name: Μαρία Παπαδοπούλου
    role: Contest winner
    pass: sticky
  - id: HJN-005
    name: Дмитрий Соколов
    pass: day                       # one day: give valid_from only
    valid_from: 2026-08-02
"#;

/// What `init` wrote.
#[derive(Debug)]
pub struct Written {
    /// The starter roster, `DIR/roster.yaml`.
    pub roster: PathBuf,
    /// The template folder, `DIR/templates`.
    pub templates: PathBuf,
    /// The template files written into it, in name order.
    pub files: Vec<PathBuf>,
}

/// Writes `DIR/roster.yaml` and `DIR/templates/` (the built-in template set).
/// Creates `DIR` if needed, and never overwrites: when either is there
/// already, nothing is written.
pub fn init(dir: &Path) -> Result<Written, Failure> {
    let roster = dir.join("roster.yaml");
    let templates = dir.join("templates");
    for path in [&roster, &templates] {
        if path.exists() {
            return Err(Failure::Io {
                action: "will not overwrite",
                path: path.clone(),
                source: io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    "it exists already (init writes only new files)",
                ),
            });
        }
    }
    let fail = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Failure::Io { action: "cannot write", path, source }
    };
    std::fs::create_dir_all(&templates).map_err(fail(&templates))?;
    let mut files = Vec::new();
    for (name, bytes) in template::builtin::BUILTIN_TEMPLATES {
        let path = templates.join(name);
        atomic::write(&path, bytes).map_err(fail(&path))?;
        files.push(path);
    }
    atomic::write(&roster, STARTER_ROSTER.as_bytes()).map_err(fail(&roster))?;
    Ok(Written { roster, templates, files })
}

/// Writes the event file a ticket-shop export needs beside it
/// (`EXPORT.event.yaml`, see [`sources::event_file_for`]), mapping its
/// ticket types to the pass types of `templates` (`None`: the built-in
/// set). Never overwrites: an event file that is there already is left as
/// it is and nothing is written. Gives the file's path.
pub fn event_file(export: &Path, templates: Option<&Path>) -> Result<PathBuf, Failure> {
    let target = sources::event_path(export);
    if target.exists() {
        return Err(exists(&target, "the export has its event file already"));
    }
    let set = crate::run::load_templates(templates)?;
    let text = sources::event_file_for(export, sources::From::Auto, &set)?;
    atomic::write_new(&target, text.as_bytes()).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            exists(&target, "the export has its event file already")
        } else {
            Failure::Io { action: "cannot write", path: target.clone(), source }
        }
    })?;
    Ok(target)
}

fn exists(path: &Path, why: &str) -> Failure {
    Failure::Io {
        action: "will not overwrite",
        path: path.to_path_buf(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, why.to_string()),
    }
}
