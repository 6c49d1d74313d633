//! The clobber guard: turns the files a command reads and the files it is
//! about to write into a refusal when an output is one of the inputs.
//!
//! Files are compared by identity (device and inode), not by spelling, so
//! `./roster.yaml`, a symbolic link to it and a hard link of it are all the
//! roster. A command checks every output before it writes anything.

use std::fmt;
use std::path::{Path, PathBuf};

/// A file's identity: device and inode on Unix; elsewhere its canonical path.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

/// The identity of the file at `path` (symbolic links followed), or `None`
/// when there is no such file.
#[cfg(unix)]
fn identity(path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<Identity> {
    path.canonicalize().ok()
}

/// One file a command reads.
#[derive(Debug)]
struct Input {
    /// What it is to the command: "the roster", "the signing key".
    what: String,
    /// Its path as the user gave it (or as the command made it).
    path: PathBuf,
    identity: Identity,
}

/// The files a command reads: the ones an output must not be.
#[derive(Debug, Default)]
pub struct Inputs {
    files: Vec<Input>,
}

/// The most files taken from one folder (a template folder): a folder of
/// more is not a template folder, and looking at all of them would only
/// slow the run down.
const MAX_FOLDER_FILES: usize = 10_000;

impl Inputs {
    /// Adds the file at `path` as `what` ("the roster"). A path that names
    /// no file (standard input's `-`, a file not there) is left out: an
    /// output cannot be it.
    pub fn add(&mut self, what: impl Into<String>, path: &Path) {
        if path.as_os_str() == "-" {
            return;
        }
        if let Some(identity) = identity(path) {
            self.files.push(Input { what: what.into(), path: path.to_path_buf(), identity });
        }
    }

    /// Adds every regular file in `dir` and its subfolders as `what` ("a
    /// file of the template folder"). Links to folders are not followed,
    /// so a link back up cannot make it go round for ever.
    pub fn add_folder(&mut self, what: &str, dir: &Path) {
        let mut todo = vec![dir.to_path_buf()];
        let mut taken = 0;
        while let Some(d) = todo.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                match entry.file_type() {
                    Ok(t) if t.is_dir() => todo.push(path),
                    Ok(_) if path.is_file() => {
                        self.add(what, &path);
                        taken += 1;
                        if taken >= MAX_FOLDER_FILES {
                            return;
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Refuses `output` (called `what`, e.g. "the PDF") when it is one of
    /// the inputs. An output that does not exist yet is no input.
    pub fn check(&self, what: &str, output: &Path) -> Result<(), Clash> {
        let Some(id) = identity(output) else { return Ok(()) };
        match self.files.iter().find(|i| i.identity == id) {
            Some(input) => Err(Clash {
                output: output.to_path_buf(),
                written: what.to_string(),
                input: input.path.clone(),
                read: input.what.clone(),
            }),
            None => Ok(()),
        }
    }
}

/// An output that is one of the command's inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// The output's path, as given.
    pub output: PathBuf,
    /// What the output is: "the PDF", "the manifest".
    pub written: String,
    /// The input's path, as given.
    pub input: PathBuf,
    /// What the input is: "the roster", "a photo of entry \"NLF-0001\"".
    pub read: String,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "will not write {} to {}: it is {}, {}, which this run reads; nothing was written",
            self.written,
            self.output.display(),
            self.read,
            self.input.display()
        )
    }
}

impl std::error::Error for Clash {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_by_any_name_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let roster = dir.path().join("roster.yaml");
        std::fs::write(&roster, "x").expect("write");
        let mut inputs = Inputs::default();
        inputs.add("the roster", &roster);
        inputs.add("the roster", Path::new("-"));
        inputs.add("the key", &dir.path().join("missing.key"));
        let dotted = dir.path().join(".").join("roster.yaml");
        let clash = inputs.check("the PDF", &dotted).expect_err("the same file");
        assert_eq!(clash.input, roster);
        assert_eq!(clash.output, dotted);
        let hard = dir.path().join("hard.yaml");
        std::fs::hard_link(&roster, &hard).expect("hard link");
        assert!(inputs.check("the PDF", &hard).is_err());
        #[cfg(unix)]
        {
            let soft = dir.path().join("soft.yaml");
            std::os::unix::fs::symlink(&roster, &soft).expect("symlink");
            assert!(inputs.check("the PDF", &soft).is_err());
        }
        let other = dir.path().join("out.pdf");
        assert!(inputs.check("the PDF", &other).is_ok());
        std::fs::write(&other, "y").expect("write");
        assert!(inputs.check("the PDF", &other).is_ok());
        assert!(inputs.check("the key", &dir.path().join("missing.key")).is_ok());
    }

    #[test]
    fn every_file_of_a_folder_counts() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("t/art")).expect("dirs");
        std::fs::write(dir.path().join("t/base.yaml"), "a").expect("write");
        std::fs::write(dir.path().join("t/art/logo.svg"), "b").expect("write");
        let mut inputs = Inputs::default();
        inputs.add_folder("a file of the template folder", &dir.path().join("t"));
        assert!(inputs.check("the PDF", &dir.path().join("t/art/logo.svg")).is_err());
        assert!(inputs.check("the PDF", &dir.path().join("t/base.yaml")).is_err());
        let clash = inputs.check("the PDF", &dir.path().join("t/base.yaml")).unwrap_err();
        assert_eq!(
            clash.to_string(),
            format!(
                "will not write the PDF to {0}: it is a file of the template folder, {0}, which this run reads; nothing was written",
                dir.path().join("t/base.yaml").display()
            )
        );
    }
}
