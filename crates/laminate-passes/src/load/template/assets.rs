//! Template assets: turns a file name written in a template into the file's
//! bytes, read only from inside the template's own folder (or from the files
//! a program gave with the templates, or the built-in set's own).
//!
//! A template pack may come from someone else; it must not be able to read
//! (and print on a pass) the user's other files. So absolute paths, `..`
//! and symbolic links that lead out of the folder are refused.

use std::fmt;
use std::io;
use std::path::{Component, Path};

use crate::load::template::builtin::BUILTIN_TEMPLATES;

/// Why a template's file cannot be read.
#[derive(Debug)]
pub enum AssetError {
    /// No such file in the folder.
    Missing,
    /// The name is an absolute path.
    Absolute(String),
    /// The name climbs out of the folder with `..`.
    Climbs(String),
    /// The name leads, through a symbolic link, to a file outside the folder.
    LinksOut(String),
    /// The file exists but could not be read.
    Read(String, io::Error),
}

impl fmt::Display for AssetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssetError::Missing => f.write_str("no such file beside the template"),
            AssetError::Absolute(n) => {
                write!(f, "\"{n}\" is an absolute path, outside the template folder")
            }
            AssetError::Climbs(n) => write!(f, "\"{n}\" points outside the template folder"),
            AssetError::LinksOut(n) => {
                write!(f, "\"{n}\" is a link to a file outside the template folder")
            }
            AssetError::Read(n, e) => write!(f, "cannot read \"{n}\": {e}"),
        }
    }
}

/// Where a template set's files (images, backgrounds) are read from.
#[derive(Clone, Copy)]
pub enum Assets<'a> {
    /// The built-in set: its own files only.
    Builtin,
    /// A template folder.
    Dir(&'a Path),
    /// Files a program gave with the templates (name, bytes); then the
    /// folder they belong to, if any, else the built-in set's files.
    Memory(&'a [(String, Vec<u8>)], Option<&'a Path>),
}

impl Assets<'_> {
    /// The bytes of the file `name` (relative, `/`-separated).
    pub fn read(&self, name: &str) -> Result<Vec<u8>, AssetError> {
        let rel = checked(name)?;
        match *self {
            Assets::Builtin => builtin(name),
            Assets::Dir(dir) => read(dir, name),
            Assets::Memory(files, dir) => {
                let wanted: Vec<Component> = rel.components().filter(is_normal).collect();
                let given = files.iter().find(|(n, _)| {
                    Path::new(n).components().filter(is_normal).eq(wanted.iter().copied())
                });
                match (given, dir) {
                    (Some((_, bytes)), _) => Ok(bytes.clone()),
                    (None, Some(dir)) => read(dir, name),
                    (None, None) => builtin(name),
                }
            }
        }
    }

    /// True for the built-in set, which has no folder of its own.
    pub fn is_builtin(&self) -> bool {
        matches!(self, Assets::Builtin)
    }
}

fn is_normal(c: &Component<'_>) -> bool {
    matches!(c, Component::Normal(_))
}

fn builtin(name: &str) -> Result<Vec<u8>, AssetError> {
    let name = name.trim_start_matches("./");
    BUILTIN_TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b.to_vec())
        .ok_or(AssetError::Missing)
}

/// `name` as a relative path that stays inside its folder.
fn checked(name: &str) -> Result<&Path, AssetError> {
    let rel = Path::new(name);
    if rel.has_root() || rel.is_absolute() {
        return Err(AssetError::Absolute(name.into()));
    }
    if !rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(AssetError::Climbs(name.into()));
    }
    Ok(rel)
}

/// The bytes of the file `name` (relative, `/`-separated) in `dir`.
pub fn read(dir: &Path, name: &str) -> Result<Vec<u8>, AssetError> {
    let path = dir.join(checked(name)?);
    let real = match path.canonicalize() {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(AssetError::Missing),
        Err(e) => return Err(AssetError::Read(name.into(), e)),
    };
    let root = dir.canonicalize().map_err(|e| AssetError::Read(name.into(), e))?;
    if !real.starts_with(&root) {
        return Err(AssetError::LinksOut(name.into()));
    }
    std::fs::read(&real).map_err(|e| AssetError::Read(name.into(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_inside_the_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("art")).expect("dir");
        std::fs::write(dir.path().join("art/logo.svg"), b"<svg/>").expect("write");
        assert_eq!(read(dir.path(), "art/logo.svg").expect("inside"), b"<svg/>");
        assert_eq!(read(dir.path(), "./art/logo.svg").expect("inside"), b"<svg/>");
        assert!(matches!(read(dir.path(), "nope.png"), Err(AssetError::Missing)));
        assert!(matches!(read(dir.path(), "/etc/hostname"), Err(AssetError::Absolute(_))));
        assert!(matches!(read(dir.path(), "art/../../x"), Err(AssetError::Climbs(_))));
    }

    #[test]
    fn given_files_first_then_the_folder_and_the_same_rules() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("bg.pdf"), b"disk").expect("write");
        let files = vec![("art/logo.png".to_string(), b"given".to_vec())];
        let with_dir = Assets::Memory(&files, Some(dir.path()));
        assert_eq!(with_dir.read("./art/logo.png").expect("given"), b"given");
        assert_eq!(with_dir.read("bg.pdf").expect("from the folder"), b"disk");
        let alone = Assets::Memory(&files, None);
        assert!(matches!(alone.read("bg.pdf"), Err(AssetError::Missing)));
        assert!(matches!(alone.read("../art/logo.png"), Err(AssetError::Climbs(_))));
        assert!(matches!(alone.read("/art/logo.png"), Err(AssetError::Absolute(_))));
    }
}
