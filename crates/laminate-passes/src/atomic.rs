//! Atomic output: turns "write this file" into a temporary file beside it
//! that is renamed into place only when complete, so a failed or
//! interrupted run never leaves a partial file or replaces a good one.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

/// The temporary files and folders of this process that are not in place
/// (or removed) yet, so that an interrupted run (Ctrl-C) can remove them: a
/// drop does that normally, but a signal ends the process without running
/// drops. Once `stopped`, no new one is made: a thread that was about to
/// make one while the signal's handler cleaned up would leave it behind.
struct Pending {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
    stopped: bool,
}

static PENDING: Mutex<Pending> =
    Mutex::new(Pending { files: Vec::new(), dirs: Vec::new(), stopped: false });

fn pending() -> std::sync::MutexGuard<'static, Pending> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The error for a temporary file asked for after [`remove_pending`].
fn interrupted() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "the run is being interrupted")
}

/// Removes every temporary file not yet put in place, and every temporary
/// folder, and makes no more. Called from the SIGINT/SIGTERM/SIGHUP
/// handler before the process exits.
pub fn remove_pending() {
    let mut pending = pending();
    pending.stopped = true;
    for path in &pending.files {
        let _ = std::fs::remove_file(path);
    }
    for path in &pending.dirs {
        let _ = std::fs::remove_dir_all(path);
    }
}

/// True once [`remove_pending`] ran: a signal is ending the process, and
/// what fails from now on failed because of it.
pub fn stopping() -> bool {
    pending().stopped
}

/// A temporary folder in the system's temporary folder, removed with all
/// it holds when dropped, or by [`remove_pending`] when a signal ends the
/// process first.
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    /// A new temporary folder whose name starts with `prefix`.
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        Self::made(tempfile::Builder::new().prefix(prefix).tempdir())
    }

    /// A new temporary folder in `parent` (so that it can be renamed into
    /// place there), whose name starts with `prefix`.
    pub fn new_in(parent: &Path, prefix: &str) -> io::Result<TempDir> {
        Self::made(tempfile::Builder::new().prefix(prefix).tempdir_in(parent))
    }

    fn made(make: io::Result<tempfile::TempDir>) -> io::Result<TempDir> {
        // Made with the list held, so that a signal's clean-up sees it.
        let mut pending = pending();
        if pending.stopped {
            return Err(interrupted());
        }
        let dir = make?;
        pending.dirs.push(dir.path().to_path_buf());
        Ok(TempDir(dir))
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Renames the folder to `to` (on the same file system): in place, whole.
    /// (Dropped after, it finds nothing left to remove.)
    pub fn persist(self, to: &Path) -> io::Result<()> {
        std::fs::rename(self.path(), to)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let path = self.0.path();
        pending().dirs.retain(|p| p != path);
    }
}

/// A temporary file in `path`'s folder (so the final rename stays on one
/// file system). Refuses a missing folder, and a `path` that exists but is
/// not a regular file: a device such as /dev/full or a folder would be
/// replaced by the rename.
pub fn temp_beside(path: &Path, suffix: &str) -> io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        let why = if dir.exists() { "is not a folder" } else { "does not exist" };
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("{} {why}", dir.display())));
    }
    if path.exists() && !path.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it exists and is not a regular file",
        ));
    }
    // Made with the list held, so that a signal's clean-up sees it.
    let mut pending = pending();
    if pending.stopped {
        return Err(interrupted());
    }
    let temp = tempfile::Builder::new()
        .prefix(".laminate-")
        .suffix(suffix)
        .tempfile_in(&dir)
        // tempfile's message names its random file; keep the system's words only.
        .map_err(|e| {
            e.raw_os_error().map_or_else(|| io::Error::from(e.kind()), io::Error::from_raw_os_error)
        })?;
    pending.files.push(temp.path().to_path_buf());
    Ok(temp)
}

/// Moves a finished temporary file into place. The temporary file is
/// private (0600); the result gets the mode of the file it replaces, or 0644,
/// because these files are for sharing (with a print shop, a scanner app).
pub fn persist(temp: NamedTempFile, path: &Path) -> io::Result<()> {
    temp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0o644);
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    let temp_path = temp.path().to_path_buf();
    temp.persist(path).map_err(|e| e.error)?;
    pending().files.retain(|p| *p != temp_path);
    Ok(())
}

/// Writes a small file whole.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut temp = temp_beside(path, ".part")?;
    temp.write_all(bytes)?;
    persist(temp, path)
}

/// Writes a small file whole, only if there is no file at `path` yet: an
/// existing one is left as it is (`AlreadyExists`), even one made while
/// this was being written.
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut temp = temp_beside(path, ".part")?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    let temp_path = temp.path().to_path_buf();
    let result = temp.persist_noclobber(path).map(drop).map_err(|e| e.error);
    pending().files.retain(|p| *p != temp_path);
    result
}

/// Writes two small new files, both or neither: `(path, bytes, mode)`
/// each, refused (`AlreadyExists`) when either path is taken. Both are
/// written in full to temporary files first; the two are then put in place
/// with the list of pending files held, so that a signal's clean-up runs
/// before both or after both, never between them (a key pair must never
/// be left half written).
pub fn write_new_pair(files: [(&Path, &[u8], u32); 2]) -> io::Result<()> {
    use std::io::Write;
    let mut temps = Vec::with_capacity(2);
    for (path, bytes, mode) in files {
        if path.exists() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "it exists"));
        }
        let mut temp = temp_beside(path, ".part")?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        temps.push((temp, path));
    }
    let mut pending = pending();
    if pending.stopped {
        return Err(interrupted());
    }
    let mut placed: Vec<&Path> = Vec::new();
    for (temp, path) in temps {
        let temp_path = temp.path().to_path_buf();
        let result = temp.persist_noclobber(path).map(drop).map_err(|e| e.error);
        pending.files.retain(|p| *p != temp_path);
        if let Err(e) = result {
            for done in placed {
                let _ = std::fs::remove_file(done);
            }
            return Err(e);
        }
        placed.push(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_and_missing_folders() {
        assert!(temp_beside(Path::new("/dev/null"), ".part").is_err());
        let e = temp_beside(Path::new("/no/such/dir/x.pdf"), ".part").unwrap_err();
        assert_eq!(e.to_string(), "/no/such/dir does not exist");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_pair_is_written_both_or_neither() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("key"), dir.path().join("key.pub"));
        std::fs::write(&b, "taken").unwrap();
        let e = write_new_pair([(&a, b"one", 0o600), (&b, b"two", 0o644)]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(!a.exists(), "the first file of a refused pair is not left behind");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::remove_file(&b).unwrap();
        write_new_pair([(&a, b"one", 0o600), (&b, b"two", 0o644)]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
    }
}
