//! Template assets: turns a file name written in a template into the file's
//! bytes, read only from inside the template's own folder.
//!
//! A template pack may come from someone else; it must not be able to read
//! (and print on a pass) the user's other files. So absolute paths, `..`
//! and symbolic links that lead out of the folder are refused.

use std::fmt;
use std::io;
use std::path::{Component, Path};

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

/// The bytes of the file `name` (relative, `/`-separated) in `dir`.
pub fn read(dir: &Path, name: &str) -> Result<Vec<u8>, AssetError> {
    let rel = Path::new(name);
    if rel.has_root() || rel.is_absolute() {
        return Err(AssetError::Absolute(name.into()));
    }
    if !rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err(AssetError::Climbs(name.into()));
    }
    let path = dir.join(rel);
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
}
