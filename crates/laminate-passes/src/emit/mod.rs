//! Stages 5 and 6, impose and emit: turns laid-out passes into cards placed
//! on sheets (through [`Imposer`]) and sheets into finished files (slug
//! lines, the printer profile, content streams made on the worker threads),
//! one PDF or one per pass type, with the manifest and the dump; nothing is
//! put in place before the whole run succeeded.

pub mod content;
pub mod draw;
pub mod embed;
pub mod files;
pub mod glyphs;
pub mod inks;
pub mod intent;
pub mod manifest;
pub mod preflight;
pub mod writer;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::atomic;
use crate::diag::Diagnostic;
use crate::fonts::{self, FontBook};
use crate::frame::Frame;
use crate::impose::calibrate;
use crate::impose::{DoesNotFit, ImposeOptions, Imposer, Sheet};
use crate::layout::ArtBook;
use crate::load::roster::{Entry, Roster};
use crate::load::template::TemplateSet;
use crate::options::RenderOptions;
use crate::outcome::Failure;
use crate::run::plan::{Selection, Slice};

/// One pass laid out: its front, its back (when printing duplex) and its
/// manifest row (placed later).
pub struct Pass {
    /// The front.
    pub front: Frame,
    /// The back, with `--duplex`.
    pub back: Option<Frame>,
    /// The manifest row, without its place yet.
    pub row: manifest::Row,
}

/// The files of a run as they are made.
pub struct Emit<'a> {
    opts: &'a RenderOptions,
    set: &'a TemplateSet,
    book: &'static FontBook,
    profile: &'a calibrate::Profile,
    pool: &'a rayon::ThreadPool,
    impose_opts: ImposeOptions,
    imposer: Imposer,
    arts: Arc<ArtBook>,
    info: writer::DocInfo,
    inks: draw::Inks,
    event: String,
    /// Where the run's sheets stand in the whole run.
    slice: &'a Slice,
    /// Where the PDF goes; `None` when nothing is written (validate, or a
    /// run that failed before its first pass).
    output: Option<&'a Path>,
    file: files::OutFile,
    /// The pass type of the current file, with `--split-by pass`.
    current: Option<usize>,
    finished: Vec<files::Finished>,
    /// Sheets completed and not yet handed to the writer.
    ready: Vec<Sheet>,
    dump: Option<String>,
    manifest: Option<manifest::Writer>,
    /// What breaks PDF/X-4 in the passes placed since last asked.
    pdfx_problems: Vec<Diagnostic>,
}

/// What a finished run wrote.
pub struct Written {
    /// The PDF files, in order (none for validate).
    pub files: Vec<PathBuf>,
    /// Pages written.
    pub sheets: usize,
    /// Bytes written.
    pub bytes: usize,
}

impl<'a> Emit<'a> {
    /// Starts the run's first file (a temporary file beside `output`) and
    /// its manifest. With `output` `None` everything is made and measured
    /// but nothing kept. `slice` says where the run's sheets stand in the
    /// whole run: a shard numbers its sheets and pages as the whole run does.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        opts: &'a RenderOptions,
        output: Option<&'a Path>,
        set: &'a TemplateSet,
        roster: &Roster,
        selected: &Selection,
        slice: &'a Slice,
        arts: Arc<ArtBook>,
        profile: &'a calibrate::Profile,
        pdfx: laminate_passes_pdf::pdfx::Shared,
        pool: &'a rayon::ThreadPool,
        book: &'static FontBook,
    ) -> Result<Emit<'a>, Failure> {
        let mut impose_opts = crate::options::impose_options(opts);
        // --start-at is about the whole run's first sheet, which only the
        // first shard prints.
        if slice.files.iter().any(|f| f.before > 0) {
            impose_opts.start_at = 0;
        }
        let manifest = match (&opts.manifest, output) {
            (Some(path), Some(_)) => Some(manifest::Writer::create(path).map_err(|source| {
                Failure::Io { action: "cannot write the manifest", path: path.clone(), source }
            })?),
            _ => None,
        };
        let split = |e: &Entry| if opts.split_by_pass { set.find(&e.pass) } else { None };
        let first = selected.first().and_then(|(_, e)| split(e));
        let info = writer::DocInfo {
            title: format!("{}: passes", roster.event.name),
            epoch: opts.epoch,
            keys: vec![],
        };
        let inks = draw::Inks { security_spot: opts.security_ink.clone(), pdfx };
        let path = path_of(opts, set, output, first);
        let memory = opts.memory.as_ref();
        let file = open(path.as_deref(), memory, book, &info, &inks, slice, first, arts.clone())?;
        Ok(Emit {
            opts,
            set,
            book,
            profile,
            pool,
            imposer: Imposer::new(impose_opts.clone()),
            impose_opts,
            arts,
            info,
            inks,
            event: roster.event.name.clone(),
            slice,
            output,
            file,
            current: first,
            finished: Vec::new(),
            ready: Vec::new(),
            dump: opts.dump.as_ref().map(|_| String::new()),
            manifest,
            pdfx_problems: Vec::new(),
        })
    }

    /// Places one pass on its sheet and writes its manifest row; a card
    /// that does not fit the sheet is the inner error.
    pub fn place(&mut self, entry: &Entry, pass: Pass) -> Result<Result<(), DoesNotFit>, Failure> {
        let Pass { front, back, mut row } = pass;
        // PDF/X-4: what the writer cannot make true (RGB images), found
        // before the frames go to the imposer, reported with their pages.
        let not_pdfx: Vec<(bool, crate::emit::preflight::Problem)> = match self.inks.pdfx.as_deref()
        {
            Some(x) => std::iter::once((false, &front))
                .chain(back.as_ref().map(|b| (true, b)))
                .flat_map(|(is_back, f)| {
                    crate::emit::preflight::check(f, &self.arts, x)
                        .into_iter()
                        .map(move |p| (is_back, p))
                })
                .collect(),
            None => Vec::new(),
        };
        let this_file = if self.opts.split_by_pass { self.set.find(&entry.pass) } else { None };
        if this_file != self.current {
            self.next_file(this_file)?;
        }
        row.file = self.file.path.display().to_string();
        self.file.types.push_back(row.pass.clone());
        let group = if self.opts.group_by_pass { self.set.find(&row.pass).unwrap_or(0) } else { 0 };
        let (done, at) = match self.imposer.push(front, back, group) {
            Ok(placed) => placed,
            Err(e) => return Ok(Err(e)),
        };
        self.ready.extend(done);
        // Sheets and pages as in the whole run: after the earlier shards'.
        let sheet = self.slice.file(self.current).before + at.sheet;
        row.sheet = sheet + 1;
        row.slot = at.slot + 1;
        row.run = self.slice.run.clone();
        // With backs, each sheet is two pages: front, then back.
        let pages = if self.opts.duplex.is_some() { 2 } else { 1 };
        row.front_page = sheet * pages + 1;
        row.back_page = self.opts.duplex.map(|_| sheet * 2 + 2);
        for (is_back, problem) in not_pdfx {
            let page =
                if is_back { row.back_page.unwrap_or(row.front_page) } else { row.front_page };
            self.pdfx_problems.push(
                Diagnostic::error(
                    entry.spans.entry(),
                    format!("PDF/X-4: page {page}: {}", problem.message),
                )
                .entry(&*entry.id)
                .hint(problem.hint),
            );
        }
        if let Some(m) = self.manifest.as_mut() {
            m.row(&row).map_err(|e| manifest_fail(self.opts, e))?;
        }
        Ok(Ok(()))
    }

    /// What breaks PDF/X-4 in the passes placed since the last call: one
    /// error per element, at its entry, naming its page.
    pub fn take_pdfx_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.pdfx_problems)
    }

    /// Hands the sheets completed so far to the writer.
    pub fn flush(&mut self) -> Result<(), Failure> {
        let sheets = std::mem::take(&mut self.ready);
        self.write(sheets)
    }

    /// A new pass type with `--split-by pass`: finishes its predecessor's
    /// file (kept aside until the run ends) and starts the next.
    fn next_file(&mut self, this_file: Option<usize>) -> Result<(), Failure> {
        self.flush()?;
        let fresh = Imposer::new(ImposeOptions { start_at: 0, ..self.impose_opts.clone() });
        let done = std::mem::replace(&mut self.imposer, fresh);
        self.write(done.finish())?;
        let path = path_of(self.opts, self.set, self.output, this_file);
        let next = open(
            path.as_deref(),
            self.opts.memory.as_ref(),
            self.book,
            &self.info,
            &self.inks,
            self.slice,
            this_file,
            self.arts.clone(),
        )?;
        self.finished.push(std::mem::replace(&mut self.file, next).finish()?);
        self.current = this_file;
        Ok(())
    }

    /// Writes sheets to the current file: slug lines and the printer
    /// profile first; content streams are made and compressed in parallel,
    /// then written in order. The cards' frames are dropped on the worker
    /// threads too: writing a page needs only the sheet's boxes.
    fn write(&mut self, mut sheets: Vec<Sheet>) -> Result<(), Failure> {
        let duplex = self.opts.duplex.is_some();
        if self.opts.slug {
            let mut front_types = String::new();
            for (i, sheet) in sheets.iter_mut().enumerate() {
                let back = duplex && i % 2 == 1;
                if !back {
                    self.file.sheet_number += 1;
                    let n = sheet.cards.len().min(self.file.types.len());
                    let mut names: Vec<String> = self.file.types.drain(..n).collect();
                    names.sort();
                    names.dedup();
                    front_types = names.join(", ");
                }
                let side = if back { "back of sheet" } else { "sheet" };
                let slug = format!(
                    "{} · {side} {} of {} · {front_types} · run {}",
                    self.event, self.file.sheet_number, self.file.total_sheets, self.slice.run
                );
                let width_em =
                    self.book.runs(fonts::REGULAR, &slug).iter().map(|r| r.width_em).sum();
                sheet.set_slug(slug, width_em, &self.impose_opts);
            }
        }
        for (i, sheet) in sheets.iter_mut().enumerate() {
            let back = duplex && i % 2 == 1;
            let adjust = if back { self.profile.back } else { self.profile.front };
            sheet.transform = adjust.matrix(sheet.size);
        }
        let dumping = self.dump.is_some();
        let (book, inks) = (self.book, &self.inks);
        let made: Vec<(Sheet, content::Content, Option<String>)> = self.pool.install(|| {
            sheets
                .into_par_iter()
                .map(|mut s| {
                    let content = draw::sheet_content(&s, book, inks);
                    let text = dumping.then(|| s.dump());
                    s.cards = Vec::new();
                    (s, content, text)
                })
                .collect()
        });
        let mut pages = Vec::with_capacity(made.len());
        for (sheet, content, text) in made {
            if let (Some(d), Some(text)) = (self.dump.as_mut(), text) {
                d.push_str(&text);
            }
            pages.push((sheet, content));
        }
        self.file.writer.send(pages).map_err(|e| self.file.fail(e))
    }

    /// Writes the last sheets, finishes every file and puts them in place:
    /// the side files (dump, manifest) first, so a failure with them leaves
    /// no PDF either; then the PDFs, every one complete in its temporary
    /// file before the first is renamed into place.
    pub fn finish(mut self) -> Result<Written, Failure> {
        self.flush()?;
        let last = std::mem::replace(&mut self.imposer, Imposer::new(self.impose_opts.clone()));
        self.write(last.finish())?;
        let Emit { opts, file, mut finished, dump, manifest, .. } = self;
        finished.push(file.finish()?);
        if let (Some(path), Some(text)) = (&opts.dump, &dump) {
            atomic::write(path, text.as_bytes()).map_err(|source| Failure::Io {
                action: "cannot write",
                path: path.clone(),
                source,
            })?;
        }
        if let Some(m) = manifest {
            m.finish().map_err(|e| manifest_fail(opts, e))?;
        }
        let bytes = finished.iter().map(|f| f.bytes).sum();
        let sheets = finished.iter().map(|f| f.pages).sum();
        let mut files = Vec::new();
        for f in finished {
            files.extend(f.persist()?);
        }
        Ok(Written { files, sheets, bytes })
    }
}

/// Emit for one card looked at alone (the designer): `frame` on a page of
/// its own with `bleed` (in pt) around it, as `--sheet card` places it but
/// without crop marks, written as a PDF in memory by the same writer as
/// `render`.
pub fn card_pdf(
    frame: crate::frame::Frame,
    bleed: f64,
    arts: &Arc<ArtBook>,
    book: &'static FontBook,
) -> io::Result<Vec<u8>> {
    let mut imposer = Imposer::new(ImposeOptions {
        sheet: crate::impose::SheetSpec::Card,
        bleed,
        crop_marks: false,
        margin: 0.0,
        duplex: None,
        start_at: 0,
        registration_marks: false,
    });
    let (mut sheets, _) = imposer.push(frame, None, 0).map_err(io::Error::other)?;
    sheets.extend(imposer.finish());
    let info = writer::DocInfo { title: "laminate design".into(), epoch: 0, keys: vec![] };
    let inks = draw::Inks::default();
    let mut writer = writer::PdfWriter::new(Vec::new(), book, info, inks.clone())?;
    for sheet in &sheets {
        writer.write_sheet(sheet, draw::sheet_content(sheet, book, &inks), arts)?;
    }
    Ok(writer.finish()?.0)
}

fn manifest_fail(opts: &RenderOptions, source: io::Error) -> Failure {
    Failure::Io {
        action: "cannot write the manifest",
        path: opts.manifest.clone().unwrap_or_default(),
        source,
    }
}

/// The file a pass type's cards go to (`None`: the run keeps no file).
fn path_of(
    opts: &RenderOptions,
    set: &TemplateSet,
    output: Option<&Path>,
    file: Option<usize>,
) -> Option<PathBuf> {
    let out = output?;
    Some(match file {
        Some(t) if opts.split_by_pass => files::split_path(out, &set.templates[t].name),
        _ => out.to_path_buf(),
    })
}

/// Starts one file of the run: its sheets numbered after the sheets of
/// the same file in earlier shards, out of the whole run's; a shard's PDF
/// records its place in the run in its Info dictionary.
#[allow(clippy::too_many_arguments)]
fn open(
    path: Option<&Path>,
    memory: Option<&files::Memory>,
    book: &'static FontBook,
    info: &writer::DocInfo,
    inks: &draw::Inks,
    slice: &Slice,
    file: Option<usize>,
    arts: Arc<ArtBook>,
) -> Result<files::OutFile, Failure> {
    let place = slice.file(file);
    let mut info = info.clone();
    if let Some((k, n)) = slice.shard {
        let sheets = (place.here > 0).then_some((place.before + 1, place.before + place.here));
        info.keys = writer::shard_keys(k, n, &slice.run, sheets);
    }
    let mut out = files::OutFile::open(path, memory, book, info, inks.clone(), place.total, arts)?;
    out.sheet_number = place.before;
    Ok(out)
}

/// A short hash of what the run prints, for the slug: what the roster
/// says, not how it was written (a CSV and a YAML roster with the same
/// passes make the same run). It is the whole run's: `selected` is the
/// whole selection, and the shard is left out, so every shard of a run
/// has the same id as the run printed at once.
pub(super) fn run_hash(opts: &RenderOptions, roster: &Roster, selected: &Selection) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(format!("{:?}", roster.event).as_bytes());
    for (_, e) in selected {
        let fields = (
            &e.id,
            &e.name,
            &e.organisation,
            &e.role,
            &e.pass,
            e.valid_from,
            e.valid_until,
            &e.zones,
            &e.photo,
        );
        h.update(format!("{fields:?}").as_bytes());
    }
    h.update(
        format!(
            "{:?}",
            (
                &opts.templates,
                &opts.sheet,
                opts.bleed,
                opts.crop_marks,
                &opts.only,
                &opts.pass,
                opts.proof,
                // Was opts.shard; kept as None so that ids stay as they were.
                None::<(usize, usize)>,
                opts.duplex
            )
        )
        .as_bytes(),
    );
    h.finalize()[..4].iter().map(|b| format!("{b:02x}")).collect::<String>()
}
