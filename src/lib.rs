//! laminate: turns a YAML roster of people into print-ready PDF sheets of
//! laminate passes.
//!
//! The pipeline, one module per stage:
//! `sources` (YAML, CSV, XLSX, ticket-shop exports) + `template` (input)
//! -> `photos` (each distinct photo prepared once, through a persistent
//! cache; `photo` prepares one) -> `resolve` (Badge) -> `layout` (Frame) ->
//! `impose` (Sheet) -> `pdf` (bytes), with `qr` (the QR encoder layout draws with) and `output` (the
//! files, each written by its own thread). `run` holds the run's stages as
//! functions (load, select and check, resolve + lay out, impose + emit);
//! [`render_with_progress`] calls them in order, and the designer's server
//! (`serve`) calls the same ones for one card. Passes are resolved and laid
//! out, and their sheets' content streams made, on `--jobs` worker threads,
//! 256 passes at a time; the main thread places cards on sheets in print
//! order.

pub mod atomic;
pub mod calibrate;
pub mod checkins;
pub mod clobber;
pub mod cms;
pub mod colour;
pub mod diag;
pub mod door;
pub mod fonts;
pub mod frame;
pub mod impose;
pub mod init;
pub mod json;
pub mod layout;
pub mod manifest;
pub mod merge;
pub mod output;
pub mod payload;
pub mod pdf;
pub mod pdfx;
pub mod photo;
pub mod photos;
pub mod preview;
pub mod qr;
pub mod reprint;
pub mod resolve;
pub mod roster;
pub mod run;
pub mod security;
pub mod serve;
pub mod sign;
pub mod sources;
pub mod stock;
pub mod svg;
pub mod template;
pub mod text;
pub mod units;
pub mod warnings;
pub mod when;
pub mod yaml;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use diag::{Diagnostic, Sources};
use fonts::FontBook;
use impose::SheetSpec;
use template::{Origin, TemplateSet};

/// What `render` and `validate` are asked to do.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// The roster file.
    pub roster: PathBuf,
    /// A template folder, or `None` for the built-in set.
    pub templates: Option<PathBuf>,
    /// The sheet to impose on.
    pub sheet: SheetSpec,
    /// Bleed in pt.
    pub bleed: f64,
    /// Draw crop marks.
    pub crop_marks: bool,
    /// Only these ids (empty: all).
    pub only: Vec<String>,
    /// Only these pass types (empty: all).
    pub pass: Vec<String>,
    /// Leave out the security layer.
    pub proof: bool,
    /// Creation time for the PDF, seconds since 1970.
    pub epoch: i64,
    /// Also write a readable text dump of the sheets here (for golden files).
    pub dump: Option<PathBuf>,
    /// Write a manifest here (`.csv` or `.json`): one row per pass.
    pub manifest: Option<PathBuf>,
    /// Render only shard K of N (K from 1): a contiguous, balanced slice.
    pub shard: Option<(usize, usize)>,
    /// Worker threads (the output is the same for any number).
    pub jobs: usize,
    /// Private key file to sign QR payloads with.
    pub key: Option<PathBuf>,
    /// Count this run as a reprint of the `only` ids (needs `only`).
    pub reprint: bool,
    /// Print the security layer in this spot ink instead of CMYK.
    pub security_ink: Option<pdf::Spot>,
    /// Print each pass's back on the page after its sheet, turned over this edge.
    pub duplex: Option<impose::Flip>,
    /// Print a slug line outside the trim on each sheet: event, sheet k of
    /// n, the pass types on it and the run's hash.
    pub slug: bool,
    /// Put each pass type on its own sheets (types in name order, passes in
    /// roster order within a type).
    pub group_by_pass: bool,
    /// Slots already used on the first sheet (0 for a fresh sheet).
    pub start_at: usize,
    /// A printer profile (YAML): shift and scale for fronts and backs.
    pub printer_profile: Option<PathBuf>,
    /// Write one file per pass type, named after the output with the pass
    /// type's name added to its stem (`out.pdf` -> `out-crew.pdf`).
    pub split_by_pass: bool,
    /// Draw registration targets (circle and cross, on every plate) at the
    /// midpoints of each sheet's edges, outside every card's bleed.
    pub registration_marks: bool,
    /// Draw each pass's cut line in a CutContour spot colour on a layer of
    /// its own, for print-and-cut plotters.
    pub cut_contour: bool,
    /// The program that wrote a table roster (`--from`); told by its headings by default.
    pub from: sources::From,
    /// An earlier run's manifest: render only the passes not in it.
    pub since: Option<PathBuf>,
    /// Where prepared photos are kept between runs.
    pub photo_cache: photos::CacheChoice,
    /// Files the caller writes after the run, each with what it is (render's
    /// `--report`: "the report"): checked against the run's inputs with its
    /// own outputs, before anything is written.
    pub other_outputs: Vec<(String, PathBuf)>,
    /// Write PDF/X-4 (`--pdfx`), for this printing condition; a printer
    /// profile may turn it on too.
    pub pdfx: Option<pdfx::Settings>,
}

impl RenderOptions {
    /// The options `laminate render ROSTER` runs with when no option is
    /// given: the built-in templates on A4 with 3 mm bleed, crop marks and
    /// slug lines, everything else off, one worker thread, epoch 0. Library
    /// users and the fuzz targets start here and change what they need, so
    /// a new option does not break them.
    pub fn new(roster: impl Into<PathBuf>) -> Self {
        let sheet = parse_sheet("a4").expect("a4 is one of the sheets");
        RenderOptions {
            roster: roster.into(),
            templates: None,
            sheet,
            bleed: default_bleed(&sheet),
            crop_marks: true,
            only: Vec::new(),
            pass: Vec::new(),
            proof: false,
            epoch: 0,
            dump: None,
            manifest: None,
            shard: None,
            jobs: 1,
            key: None,
            reprint: false,
            security_ink: None,
            duplex: None,
            slug: true,
            group_by_pass: false,
            start_at: 0,
            printer_profile: None,
            split_by_pass: false,
            registration_marks: false,
            cut_contour: false,
            from: sources::From::default(),
            since: None,
            photo_cache: photos::CacheChoice::Default,
            other_outputs: Vec::new(),
            pdfx: None,
        }
    }
}

/// Passes resolved and laid out together before their sheets are written:
/// enough to keep every thread busy, few enough to keep memory flat (a
/// laid-out pass is 20-40 KB until its page is made). Measured on 100,000
/// passes: 256 ran about 3 % faster than 128 for 3.5 MB more peak memory.
const CHUNK: usize = 256;

/// What a successful run did.
#[derive(Debug)]
pub struct Report {
    /// Passes rendered.
    pub passes: usize,
    /// Sheets (pages) written.
    pub sheets: usize,
    /// Bytes written.
    pub bytes: usize,
    /// The PDF files written, in order (none for validate).
    pub files: Vec<PathBuf>,
    /// Warnings, with the sources they point into.
    pub warnings: Vec<Diagnostic>,
    /// The input files, for printing warnings.
    pub sources: Sources,
    /// Rows of a ticket-shop export that got no pass, by reason, with counts.
    pub skipped: Vec<(String, usize)>,
    /// Headings of a ticket-shop export that no pass uses.
    pub unused: Vec<String>,
}

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// The input has problems; every one of them is listed (warnings too).
    Input {
        /// The input files, for printing.
        sources: Sources,
        /// Errors and warnings in input order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file could not be read or written.
    Io {
        /// What was being done, e.g. "cannot write".
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The template folder could not be read.
    Templates(template::SetError),
    /// The signing key could not be read.
    Key(sign::KeyError),
    /// The reprint state file could not be read or written.
    Reprints(reprint::StateError),
    /// An output is one of the run's inputs; nothing was written.
    Clobber(clobber::Clash),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input { diagnostics, .. } => {
                let n = diagnostics.iter().filter(|d| d.severity == diag::Severity::Error).count();
                write!(
                    f,
                    "{n} error{} in the input; nothing was written",
                    if n == 1 { "" } else { "s" }
                )
            }
            Failure::Io { action, path, source } => {
                write!(f, "{action} {}: {source}", path.display())
            }
            Failure::Templates(e) => e.fmt(f),
            Failure::Key(e) => e.fmt(f),
            Failure::Reprints(e) => e.fmt(f),
            Failure::Clobber(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Failure {}

/// Loads the templates of a run (for `laminate templates`).
pub fn load_templates(dir: Option<&Path>) -> Result<TemplateSet, Failure> {
    let mut sources = Sources::default();
    let mut out = Vec::new();
    let origin = dir.map_or(Origin::Builtin, |d| Origin::Dir(d.to_path_buf()));
    let set = template::load(&origin, &mut sources, &mut out).map_err(Failure::Templates)?;
    if !out.is_empty() {
        return Err(run::input_failure(sources, out));
    }
    Ok(set)
}

/// Renders a roster to `output`, or with `None` runs every check without
/// writing anything (`laminate validate`). The PDF is written to a temporary
/// file beside `output` and renamed into place only when the whole run
/// succeeded, so a failed run leaves no file behind and never a partial one.
pub fn render(opts: &RenderOptions, output: Option<&Path>) -> Result<Report, Failure> {
    render_with_progress(opts, output, &|_, _| {})
}

/// Like [`render`], calling `progress(done, total)` as passes are finished.
/// The run is its stages in order (see [`run`]): load, select and check,
/// then for a chunk of passes at a time prepare its photos, resolve and lay
/// out on the worker threads while the main thread places them on sheets and the writer
/// thread emits the pages.
pub fn render_with_progress(
    opts: &RenderOptions,
    output: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, Failure> {
    let mut inputs = run::load(opts)?;
    if let Some(output) = output {
        run::guard(opts, output, &inputs.set, inputs.roster.as_ref())?;
    }
    let Some(roster) = inputs.roster.take() else { return Err(inputs.failure()) };
    let (selected, slice) =
        run::select(opts, &inputs.set, &roster, inputs.since.as_ref(), &mut inputs.found);
    let signing = run::Signing::load(opts)?;
    let book = FontBook::bundled();
    let stages = run::Stages::new(opts, &inputs.set, &roster, &signing, book);
    let pool = run::pool(opts.jobs, output)?;
    let photo_stage = photos::PhotoStage::new(&opts.photo_cache, &inputs.pdfx, &mut inputs.found)?;
    let mut failed = inputs.has_errors();
    let (set, profile, found) = (&inputs.set, &inputs.profile, &mut inputs.found);
    let writes = output.filter(|_| !failed);
    let arts = stages.layouter.arts().clone();
    let pdfx = inputs.pdfx.clone();
    let mut emit = run::Emit::start(
        opts, writes, set, &roster, &selected, &slice, arts, profile, pdfx, &pool, book,
    )?;
    let mut passes = 0;
    for chunk in selected.chunks(CHUNK) {
        let photos = photo_stage.prepare(&pool, set, chunk, found);
        let laid = stages.lay_out(&pool, chunk, &photos, failed);
        drop(photos);
        for (&(index, entry), laid) in chunk.iter().zip(laid) {
            let (pass, warnings) = match laid {
                Ok(laid) => laid,
                Err(errors) => {
                    failed = true;
                    found.extend(errors);
                    continue;
                }
            };
            found.extend(warnings);
            let Some(pass) = pass.filter(|_| !failed) else { continue };
            if let Err(e) = emit.place(entry, pass)? {
                found.push(does_not_fit(opts, &roster, index, e));
                failed = true;
            }
            // PDF/X-4 problems fail the run at its end (as errors in
            // `found`), not at once: every pass is still placed, so each
            // problem is reported with its page.
            found.extend(emit.take_pdfx_problems());
            passes += 1;
        }
        if !failed {
            emit.flush()?;
        }
        progress(passes, selected.len());
    }
    photo_stage.finish();
    if failed || inputs.has_errors() {
        drop(emit);
        return Err(inputs.failure());
    }
    let written = emit.finish()?;
    if opts.reprint && !written.files.is_empty() {
        signing.save()?;
    }
    Ok(Report {
        passes,
        sheets: written.sheets,
        bytes: written.bytes,
        files: written.files,
        warnings: run::sorted(inputs.found),
        sources: inputs.sources,
        skipped: roster.skipped.clone(),
        unused: roster.unused.clone(),
    })
}

/// The error for a card that does not fit the sheet, at its entry.
fn does_not_fit(
    opts: &RenderOptions,
    roster: &roster::Roster,
    index: usize,
    e: impose::DoesNotFit,
) -> Diagnostic {
    let entry = &roster.entries[index];
    Diagnostic::error(entry.spans.entry(), e.to_string()).entry(&*entry.id).hint(
        if opts.registration_marks {
            "choose a larger --sheet, less --bleed, or leave out --registration-marks or the crop marks"
        } else {
            "choose a larger --sheet, or --sheet card"
        },
    )
}

/// Reads `--sheet`: a paper name, `card`, or `WxH` with units.
pub fn parse_sheet(text: &str) -> Result<SheetSpec, String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower == "card" {
        return Ok(SheetSpec::Card);
    }
    if let Some(&(_, w, h)) = units::SHEETS.iter().find(|(n, _, _)| *n == lower) {
        return Ok(SheetSpec::Paper(units::Size::new(w, h)));
    }
    if let Some(stock) = stock::find(&lower) {
        return Ok(SheetSpec::Stock(stock));
    }
    units::parse_wxh(&lower).map(SheetSpec::Paper).map_err(|_| {
        let names: Vec<&str> = units::SHEETS.iter().map(|s| s.0).collect();
        let stocks: Vec<&str> = stock::STOCKS.iter().map(|s| s.name).collect();
        format!(
            "\"{text}\" is not a sheet: use {}, card, WxH such as 300x200mm, or a stock preset: {} (laminate stocks lists them)",
            names.join(", "),
            stocks.join(", ")
        )
    })
}

/// The bleed used when `--bleed` is not given, in pt: 3 mm, or on stock
/// presets as much as their gutters and margins leave room for, up to 3 mm.
pub fn default_bleed(sheet: &SheetSpec) -> f64 {
    match sheet {
        SheetSpec::Stock(stock) => stock.default_bleed(),
        SheetSpec::Card | SheetSpec::Paper(_) => units::mm(3.0),
    }
}
