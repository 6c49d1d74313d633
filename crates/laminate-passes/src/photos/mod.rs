//! The photo stage, between load and resolve: for each chunk of passes,
//! prepares every distinct photo the chunk needs (by content and box) on
//! the `--jobs` threads, once per run, and hands resolve the prepared
//! images. Prepared photos come from, and go to, the persistent cache
//! ([`crate::photos::cache`]) unless the run has none; a small in-memory
//! store keeps the photos used most recently, so a photo that many holders
//! share is neither read from disk nor decoded again. Memory stays bounded
//! by the chunk and that store, whatever the roster's size.

pub mod cache;
pub mod prepare;
pub mod prepared;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Span};
use crate::load::roster::Entry;
use crate::load::template::{Element, ImageArt, Kind, Template, TemplateSet};
use crate::outcome::Failure;
use cache::{Cache, Lookup};
use laminate_passes_pdf::pdfx::{PdfX, PhotoMode};
use prepared::{Photo, PhotoError, Target};

/// Where prepared photos are kept between runs.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum CacheChoice {
    /// `$XDG_CACHE_HOME/laminate`, else `~/.cache/laminate`.
    #[default]
    Default,
    /// `--photo-cache DIR`.
    Dir(PathBuf),
    /// `--no-photo-cache`.
    Off,
}

/// Bytes of prepared JPEG kept in memory across chunks.
const RECENT_BYTES: usize = 24 << 20;

/// A photo prepared for one box, or why it could not be.
pub type Ready = Result<Prepared, Arc<PhotoError>>;

/// A prepared photo and the key that tells it from every other.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The image to embed.
    pub photo: Arc<Photo>,
    /// The first 8 bytes of its cache key in hex: the same photo, box and
    /// settings give the same key.
    pub key: String,
}

/// The photos of one chunk, by file and target.
#[derive(Default)]
pub struct Photos {
    ready: HashMap<(PathBuf, Vec<u8>), Ready>,
}

impl Photos {
    /// The prepared photo of `path` for `target`: the stage's, or (for a
    /// photo the stage was not asked for) prepared now, without the cache.
    pub fn get_or_prepare(&self, path: &Path, target: &Target) -> Ready {
        match self.ready.get(&(path.to_path_buf(), target.key_bytes())) {
            Some(ready) => ready.clone(),
            None => uncached(path, target),
        }
    }
}

/// The distinct photos (file and target) that `entries` need, each with
/// the first entry that needs it.
fn jobs<'e>(set: &TemplateSet, entries: impl Iterator<Item = &'e Entry>) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for e in entries {
        let (Some(path), Some(t)) = (&e.photo, set.find(&e.pass)) else { continue };
        for target in targets(&set.templates[t]) {
            if seen.insert((path.clone(), target.key_bytes())) {
                jobs.push(Job {
                    path: path.clone(),
                    target,
                    span: e.spans.photo(),
                    id: e.id.to_string(),
                });
            }
        }
    }
    jobs
}

/// The stage's results by file and target, its warnings in `found`.
fn collect(
    jobs: Vec<Job>,
    done: Vec<(Ready, Option<Diagnostic>)>,
    found: &mut Vec<Diagnostic>,
) -> Photos {
    let mut photos = Photos::default();
    for (job, (ready, warning)) in jobs.into_iter().zip(done) {
        found.extend(warning);
        photos.ready.insert((job.path, job.target.key_bytes()), ready);
    }
    photos
}

/// A photo prepared without any cache.
fn uncached(path: &Path, target: &Target) -> Ready {
    let bytes = std::fs::read(path).map_err(|e| Arc::new(PhotoError::Read(e)))?;
    let content: [u8; 32] = Sha256::digest(&bytes).into();
    let key = cache::key(&content, &target.key_bytes(), &[]);
    let photo = prepare::prepare(&bytes, target).map_err(Arc::new)?;
    Ok(Prepared { photo: Arc::new(photo), key: data_encoding::HEXLOWER.encode(&key[..8]) })
}

/// The photo targets of a template's photo elements, front and back.
pub fn targets(t: &Template) -> impl Iterator<Item = Target> + '_ {
    t.elements.iter().chain(&t.back).filter_map(|el| target_of(t, el))
}

/// What a photo element of `t` asks of its photo: its box, dpi, crop and
/// backdrop, and the template's rendering intent.
pub fn target_of(t: &Template, el: &Element) -> Option<Target> {
    match el.kind {
        Kind::Photo { dpi, crop, backdrop, .. } => Some(Target {
            w_pt: el.at.w,
            h_pt: el.at.h,
            dpi,
            crop,
            backdrop,
            soft_mask: false,
            intent: t.rendering_intent.unwrap_or_default(),
        }),
        _ => None,
    }
}

/// Prepares the raster images of a template set (logos, signatures,
/// backgrounds: PNG or JPEG) in a PDF/X run's CMYK, once a run, as the
/// photo stage does photos: through the output intent's profile, with
/// their template's rendering intent, transparency kept as a soft mask
/// (PDF/X-4 allows transparency). With `--pdfx-photos srgb` they stay RGB,
/// and the writer tags them sRGB. Problems are errors naming the pass type,
/// element and file.
pub fn template_images_in(set: &mut TemplateSet, pdfx: &PdfX) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if pdfx.photos != PhotoMode::Cmyk {
        return out;
    }
    // A file several pass types draw in the same box and intent (a base
    // template's logo) is prepared once.
    type Key = (usize, u64, u64, u8);
    let mut made: HashMap<Key, Result<Arc<Photo>, String>> = HashMap::new();
    for t in &mut set.templates {
        let intent = t.rendering_intent.unwrap_or_default();
        for el in t.elements.iter_mut().chain(t.back.iter_mut()) {
            let Kind::Image { name, art: ImageArt::Raster { photo, source }, .. } = &mut el.kind
            else {
                continue;
            };
            let (w, h) = (el.at.w.max(1.0), el.at.h.max(1.0));
            let key = (source.as_ptr() as usize, w.to_bits(), h.to_bits(), intent as u8);
            let result = made.entry(key).or_insert_with(|| {
                let colours = prepared::Colours::Cmyk(&pdfx.intent);
                prepare::template_image(source, w, h, colours, intent)
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            });
            match result {
                Ok(p) => *photo = p.clone(),
                Err(e) => out.push(
                    Diagnostic::error_nowhere(format!(
                        "pass type \"{}\", element \"{}\": image file \"{name}\" cannot be converted to the printing condition's CMYK: {e}",
                        t.name, el.name
                    ))
                    .hint("give the image in CMYK or as SVG, or keep images RGB, tagged as sRGB, with --pdfx-photos srgb"),
                ),
            }
        }
    }
    out
}

/// The photo stage of a run.
pub struct PhotoStage {
    cache: Option<Cache>,
    /// A PDF/X-4 run's printing condition, when photos are converted to its CMYK.
    cmyk: Option<std::sync::Arc<laminate_passes_pdf::pdfx::PdfX>>,
    /// The colour settings in bytes, part of every cache key: empty for sRGB.
    colour: Vec<u8>,
    recent: Mutex<Recent>,
    wrote: AtomicBool,
    /// A cache write failed once already (said once, not for every photo).
    unwritable: AtomicBool,
}

/// Most recently prepared photos, oldest first, within [`RECENT_BYTES`].
#[derive(Default)]
struct Recent {
    map: HashMap<cache::Key, Prepared>,
    order: VecDeque<cache::Key>,
    bytes: usize,
}

impl Recent {
    fn insert(&mut self, key: cache::Key, p: Prepared) {
        if self.map.contains_key(&key) {
            return;
        }
        self.bytes += p.photo.jpeg.len();
        self.map.insert(key, p);
        self.order.push_back(key);
        while self.bytes > RECENT_BYTES {
            let Some(old) = self.order.pop_front() else { break };
            if let Some(p) = self.map.remove(&old) {
                self.bytes -= p.photo.jpeg.len();
            }
        }
    }
}

/// One photo a chunk needs: its file, its box, and the first entry that
/// needs it (where its messages go).
struct Job {
    path: PathBuf,
    target: Target,
    span: Span,
    id: String,
}

impl PhotoStage {
    /// The stage, with its cache opened (`Off`: none). A cache folder that
    /// cannot be used is an error when it was asked for (`--photo-cache`),
    /// and a warning, with the run going on without it, at the default place.
    pub fn new(
        choice: &CacheChoice,
        pdfx: &laminate_passes_pdf::pdfx::Shared,
        found: &mut Vec<Diagnostic>,
    ) -> Result<PhotoStage, Failure> {
        let limit = Cache::limit_from_env().map_err(|why| Failure::Io {
            action: "cannot use the photo cache limit",
            path: PathBuf::from("LAMINATE_PHOTO_CACHE_LIMIT"),
            source: std::io::Error::other(why),
        })?;
        let cache = match choice {
            CacheChoice::Off => None,
            CacheChoice::Dir(dir) => Some(Cache::open(dir, limit).map_err(|source| {
                Failure::Io { action: "cannot use the photo cache", path: dir.clone(), source }
            })?),
            CacheChoice::Default => match Cache::default_dir() {
                None => None,
                Some(dir) => match Cache::open(&dir, limit) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        found.push(Diagnostic::warning_nowhere(format!(
                            "the photo cache {} cannot be used ({e}); photos are prepared again on every run",
                            dir.display()
                        )).hint("give another folder with --photo-cache DIR, or --no-photo-cache"));
                        None
                    }
                },
            },
        };
        // PDF/X-4 photos in CMYK (the default) are other photos than sRGB
        // ones: the printing condition's profile is in the key (the
        // rendering intent is in the target's part of it).
        let cmyk = pdfx.clone().filter(|x| x.photos == laminate_passes_pdf::pdfx::PhotoMode::Cmyk);
        let colour = match &cmyk {
            None => Vec::new(),
            Some(x) => {
                let mut k = b"cmyk:".to_vec();
                k.extend_from_slice(&x.intent.digest());
                k
            }
        };
        Ok(PhotoStage {
            cache,
            cmyk,
            colour,
            recent: Mutex::default(),
            wrote: AtomicBool::new(false),
            unwritable: AtomicBool::new(false),
        })
    }

    /// Prepares the photos of `chunk` on the pool's threads; problems with
    /// the cache are warnings in `found` (a photo that cannot be used is
    /// an error of its entry, given by resolve). `tick(done, all)` is
    /// called on this thread as each photo is ready, so that a caller can
    /// show progress photo by photo.
    pub fn prepare(
        &self,
        pool: &rayon::ThreadPool,
        set: &TemplateSet,
        chunk: &[(usize, &Entry)],
        found: &mut Vec<Diagnostic>,
        tick: &dyn Fn(usize, usize),
    ) -> Photos {
        let jobs = jobs(set, chunk.iter().map(|(_, e)| *e));
        let mut done: Vec<Option<(Ready, Option<Diagnostic>)>> = Vec::new();
        done.resize_with(jobs.len(), || None);
        let (tx, rx) = std::sync::mpsc::channel();
        pool.in_place_scope(|scope| {
            for (i, job) in jobs.iter().enumerate() {
                let tx = tx.clone();
                scope.spawn(move |_| {
                    // The receiver lives until every photo is in.
                    let _ = tx.send((i, self.one(job)));
                });
            }
            drop(tx);
            for (n, (i, result)) in rx.iter().enumerate() {
                done[i] = Some(result);
                tick(n + 1, jobs.len());
            }
        });
        let done = done.into_iter().map(|d| d.expect("every photo sends its result")).collect();
        collect(jobs, done, found)
    }

    /// The photos of one entry, on this thread (the designer's card).
    pub fn prepare_entry(
        &self,
        set: &TemplateSet,
        entry: &Entry,
        found: &mut Vec<Diagnostic>,
    ) -> Photos {
        let jobs = jobs(set, std::iter::once(entry));
        let done = jobs.iter().map(|job| self.one(job)).collect();
        collect(jobs, done, found)
    }

    /// One photo: from memory, from the cache, or prepared (and cached).
    fn one(&self, job: &Job) -> (Ready, Option<Diagnostic>) {
        let bytes = match std::fs::read(&job.path) {
            Ok(b) => b,
            Err(e) => return (Err(Arc::new(PhotoError::Read(e))), None),
        };
        let content: [u8; 32] = Sha256::digest(&bytes).into();
        let key = cache::key(&content, &job.target.key_bytes(), &self.colour);
        let hex = data_encoding::HEXLOWER.encode(&key[..8]);
        if let Some(p) = self.recent.lock().expect("no panics hold it").map.get(&key) {
            return (Ok(p.clone()), None);
        }
        let mut warning = None;
        if let Some(cache) = &self.cache {
            match cache.get(&key) {
                Lookup::Hit(photo) => {
                    let p = Prepared { photo: Arc::new(photo), key: hex };
                    self.recent.lock().expect("no panics hold it").insert(key, p.clone());
                    return (Ok(p), None);
                }
                Lookup::Miss => {}
                Lookup::Damaged(why) => {
                    warning = Some(
                        Diagnostic::warning(
                            job.span,
                            format!(
                                "the photo cache's entry for {} was damaged ({why}); it was prepared again",
                                job.path.display()
                            ),
                        )
                        .entry(&*job.id),
                    );
                }
            }
        }
        let colours = match &self.cmyk {
            Some(x) => prepared::Colours::Cmyk(&x.intent),
            None => prepared::Colours::Srgb,
        };
        let photo = match prepare::prepare_in(&bytes, &job.target, colours) {
            Ok(p) => Arc::new(p),
            Err(e) => return (Err(Arc::new(e)), warning),
        };
        if let Some(cache) = &self.cache {
            match cache.put(&key, &photo) {
                Ok(()) => self.wrote.store(true, Ordering::Relaxed),
                // A cache that cannot take an entry costs time, never the run.
                Err(e) if !self.unwritable.swap(true, Ordering::Relaxed) => {
                    warning.get_or_insert_with(|| {
                        Diagnostic::warning(
                            job.span,
                            format!("the photo cache cannot store {}: {e}", job.path.display()),
                        )
                        .entry(&*job.id)
                        .hint("photos are still used; only later runs are not made faster")
                    });
                }
                Err(_) => {}
            }
        }
        let p = Prepared { photo, key: hex };
        self.recent.lock().expect("no panics hold it").insert(key, p.clone());
        (Ok(p), warning)
    }

    /// Ends the stage: the cache, if this run added to it, is trimmed to its limit.
    pub fn finish(&self) {
        if let (Some(cache), true) = (&self.cache, self.wrote.load(Ordering::Relaxed)) {
            let _ = cache.trim();
        }
    }
}
