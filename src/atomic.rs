//! Atomic output: turns "write this file" into a temporary file beside it
//! that is renamed into place only when complete, so a failed or
//! interrupted run never leaves a partial file or replaces a good one.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::NamedTempFile;

/// The temporary files of this process that are not in place yet, so that
/// an interrupted run (Ctrl-C) can remove them: a drop does that normally,
/// but a signal ends the process without running drops.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file not yet put in place. Called from the
/// SIGINT/SIGTERM handler before the process exits.
pub fn remove_pending() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
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
    let temp = tempfile::Builder::new()
        .prefix(".laminate-")
        .suffix(suffix)
        .tempfile_in(&dir)
        // tempfile's message names its random file; keep the system's words only.
        .map_err(|e| {
            e.raw_os_error().map_or_else(|| io::Error::from(e.kind()), io::Error::from_raw_os_error)
        })?;
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).push(temp.path().to_path_buf());
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
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| *p != temp_path);
    Ok(())
}

/// Writes a small file whole.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut temp = temp_beside(path, ".part")?;
    temp.write_all(bytes)?;
    persist(temp, path)
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
}
