//! The persistent photo cache: prepared photos on disk, so that re-runs,
//! reprints, previews, the designer and shards reuse them.
//!
//! An entry is named by a key: the SHA-256 of the photo file's content
//! hash, the target (box, dpi, crop, backdrop), the colour settings and the
//! version of the preparation. Its file holds a header (magic, size,
//! colour, the SHA-256 of the JPEG) and the JPEG; an entry whose check fails
//! is reported and rebuilt. Entries are written to a temporary file in the
//! same folder and renamed into place, so readers (other threads, other
//! processes, other shards) see a whole entry or none, and two writers of
//! one entry both write the same bytes. Past the size limit the entries
//! written longest ago are removed.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::photos::prepared::{Photo, PhotoColour};

/// Changes whenever preparation changes what it makes for the same input
/// (decoder, resampler, quality), so an old entry is never used.
const VERSION: &[u8] = b"laminate-photo-2";

const MAGIC: &[u8; 8] = b"LMPHOTO1";
const HEADER: usize = 8 + 4 + 4 + 1 + 32;

/// The cache size past which the oldest entries are removed, unless
/// `LAMINATE_PHOTO_CACHE_LIMIT` says otherwise: 1 GiB, some 70,000 photos.
pub const DEFAULT_LIMIT: u64 = 1 << 30;

/// An entry's name: what it was made from.
pub type Key = [u8; 32];

/// The key of a photo: its content, what it is prepared for and the colour
/// settings.
pub fn key(content: &[u8; 32], target: &[u8], colour: &[u8]) -> Key {
    let mut h = Sha256::new();
    for part in [VERSION, content, target, colour] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part);
    }
    h.finalize().into()
}

/// What a lookup found.
pub enum Lookup {
    /// A whole, checked entry.
    Hit(Photo),
    /// No entry.
    Miss,
    /// An entry whose check failed (why): to be rebuilt.
    Damaged(String),
}

/// A cache folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    limit: u64,
}

impl Cache {
    /// The cache in `dir` (created if missing), trimmed to `limit` bytes.
    pub fn open(dir: &Path, limit: u64) -> io::Result<Cache> {
        let dir = dir.join("photos");
        fs::create_dir_all(&dir)?;
        Ok(Cache { dir, limit })
    }

    /// The default folder: `$XDG_CACHE_HOME/laminate`, else `~/.cache/laminate`.
    pub fn default_dir() -> Option<PathBuf> {
        let xdg = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()).map(PathBuf::from);
        let base = xdg
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("laminate"))
    }

    /// The size limit from `LAMINATE_PHOTO_CACHE_LIMIT` (bytes, or with
    /// K, M or G), else [`DEFAULT_LIMIT`].
    pub fn limit_from_env() -> Result<u64, String> {
        match std::env::var("LAMINATE_PHOTO_CACHE_LIMIT") {
            Err(_) => Ok(DEFAULT_LIMIT),
            Ok(text) => parse_size(&text).ok_or_else(|| {
                format!("LAMINATE_PHOTO_CACHE_LIMIT is \"{text}\", not a size such as 500M or 2G")
            }),
        }
    }

    fn path(&self, key: &Key) -> PathBuf {
        let hex = data_encoding::HEXLOWER.encode(key);
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// Looks an entry up and checks it.
    pub fn get(&self, key: &Key) -> Lookup {
        let path = self.path(key);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Damaged(format!("cannot read {}: {e}", path.display())),
        };
        match decode(&bytes) {
            Some(photo) => {
                // Used now: the last to be removed when the cache is trimmed.
                if let Ok(f) = fs::File::options().append(true).open(&path) {
                    let _ = f.set_modified(SystemTime::now());
                }
                Lookup::Hit(photo)
            }
            None => Lookup::Damaged(format!("{} failed its check", path.display())),
        }
    }

    /// Stores an entry (atomically: a temporary file renamed into place).
    /// Holder photos only: one with a soft mask (a template image, never
    /// cached) is refused, as the entry's format has no room for it.
    pub fn put(&self, key: &Key, photo: &Photo) -> io::Result<()> {
        if photo.smask.is_some() {
            return Err(io::Error::other("a photo with a soft mask is not cached"));
        }
        let path = self.path(key);
        let dir = path.parent().expect("entries are in a fan-out folder");
        fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
        tmp.write_all(&encode(photo))?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Removes the entries used longest ago until the cache is within its
    /// limit (and 10 % under it, so that the next run need not trim again).
    /// Returns the bytes removed.
    pub fn trim(&self) -> io::Result<u64> {
        let mut entries = Vec::new();
        let mut total = 0u64;
        for fan in fs::read_dir(&self.dir)? {
            let fan = fan?;
            if !fan.file_type()?.is_dir() {
                continue;
            }
            for entry in fs::read_dir(fan.path())? {
                let entry = entry?;
                let meta = entry.metadata()?;
                if !meta.is_file() {
                    continue;
                }
                total += meta.len();
                let when = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                entries.push((when, entry.path(), meta.len()));
            }
        }
        if total <= self.limit {
            return Ok(0);
        }
        entries.sort();
        let goal = self.limit / 10 * 9;
        let mut removed = 0;
        for (_, path, len) in entries {
            if total <= goal {
                break;
            }
            // Another process may have removed it first.
            if fs::remove_file(&path).is_ok() {
                removed += len;
            }
            total -= len;
        }
        Ok(removed)
    }
}

fn encode(photo: &Photo) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + photo.jpeg.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&photo.width.to_le_bytes());
    out.extend_from_slice(&photo.height.to_le_bytes());
    out.push(match photo.colour {
        PhotoColour::Gray => 0,
        PhotoColour::Rgb => 1,
        PhotoColour::Cmyk { inverted: false } => 2,
        PhotoColour::Cmyk { inverted: true } => 3,
    });
    out.extend_from_slice(&Sha256::digest(&photo.jpeg));
    out.extend_from_slice(&photo.jpeg);
    out
}

fn decode(bytes: &[u8]) -> Option<Photo> {
    let (head, jpeg) = (bytes.get(..HEADER)?, &bytes[HEADER.min(bytes.len())..]);
    if &head[..8] != MAGIC || head[49 - 32..] != Sha256::digest(jpeg)[..] {
        return None;
    }
    let word = |at: usize| u32::from_le_bytes(head[at..at + 4].try_into().expect("4 bytes"));
    let colour = match head[16] {
        0 => PhotoColour::Gray,
        1 => PhotoColour::Rgb,
        2 => PhotoColour::Cmyk { inverted: false },
        3 => PhotoColour::Cmyk { inverted: true },
        _ => return None,
    };
    Some(Photo { width: word(8), height: word(12), jpeg: jpeg.to_vec(), colour, smask: None })
}

/// Reads `500M`, `2G`, `1048576`: bytes, or K, M, G (powers of 1024).
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (num, shift) = match t.chars().last()? {
        'K' => (&t[..t.len() - 1], 10),
        'M' => (&t[..t.len() - 1], 20),
        'G' => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    num.trim().parse::<u64>().ok()?.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo() -> Photo {
        Photo {
            width: 3,
            height: 2,
            jpeg: vec![0xFF, 0xD8, 1, 2, 3],
            colour: PhotoColour::Rgb,
            smask: None,
        }
    }

    #[test]
    fn entries_round_trip_and_damage_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), DEFAULT_LIMIT).unwrap();
        let k = key(&[1; 32], b"box", b"");
        assert!(matches!(cache.get(&k), Lookup::Miss));
        cache.put(&k, &photo()).unwrap();
        assert!(matches!(cache.get(&k), Lookup::Hit(p) if p == photo()));
        let path = cache.path(&k);
        let mut bytes = fs::read(&path).unwrap();
        *bytes.last_mut().unwrap() ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert!(matches!(cache.get(&k), Lookup::Damaged(_)));
        fs::write(&path, &bytes[..10]).unwrap();
        assert!(matches!(cache.get(&k), Lookup::Damaged(_)));
    }

    #[test]
    fn keys_differ_by_every_part() {
        let base = key(&[1; 32], b"box", b"");
        assert_ne!(base, key(&[2; 32], b"box", b""));
        assert_ne!(base, key(&[1; 32], b"box2", b""));
        assert_ne!(base, key(&[1; 32], b"box", b"cmyk"));
        // Parts are length-prefixed: moving a byte between them changes the key.
        assert_ne!(key(&[1; 32], b"ab", b"c"), key(&[1; 32], b"a", b"bc"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("500M"), Some(500 << 20));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("lots"), None);
    }
}
