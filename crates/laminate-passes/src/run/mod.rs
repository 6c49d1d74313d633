//! The stages of a run: turns [`RenderOptions`] into loaded inputs, the
//! selected entries, laid-out passes (resolve + layout) and, through
//! [`Emit`], placed cards and written files. [`crate::render_with_progress`]
//! calls them in that order; every front door (the CLI, `preview`, the
//! designer's server) goes through the same stages.

pub mod plan;

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::emit::Pass;
use crate::run::plan::Selection;

pub use crate::emit::{card_pdf, Emit};

use crate::diag::{self, Diagnostic, Sources, Span};
use crate::fonts::FontBook;
use crate::frame::Frame;
use crate::impose::{self, ImposeOptions, SheetSpec};
use crate::layout::{LayoutOptions, Layouter};
use crate::load::reprint::{self, Reprints};
use crate::load::roster::{Entry, Roster};
use crate::load::template::{self, Origin, TemplateSet};
use crate::photos::Photos;
use crate::resolve::Resolver;
use {
    crate::emit::manifest,
    crate::impose::calibrate,
    crate::impose::stock::{self, Origin as StockOrigin},
    crate::load::sources,
    crate::options::RenderOptions,
    crate::outcome::{Failure, Report},
    crate::resolve::sign,
    crate::units,
};

/// What a run reads before it looks at any entry: the templates, the
/// roster and the printer profile, with every problem found in them.
pub struct Inputs {
    /// The files read, for messages.
    pub sources: Sources,
    /// Problems found so far (errors and warnings), in the order found.
    pub found: Vec<Diagnostic>,
    /// The printer profile (identity without `--printer-profile`).
    pub profile: calibrate::Profile,
    /// The pass types.
    pub set: TemplateSet,
    /// The roster, or `None` when it could not be used at all.
    pub roster: Option<Roster>,
    /// The ids of `--since`'s earlier manifest: passes not to print again.
    pub since: Option<HashSet<String>>,
    /// The printing condition of a PDF/X-4 run (`--pdfx` or the printer profile).
    pub pdfx: laminate_passes_pdf::pdfx::Shared,
}

impl Inputs {
    /// True once any error was found.
    pub fn has_errors(&self) -> bool {
        has_errors(&self.found)
    }

    /// The run's failure: every problem found, sorted by place.
    pub fn failure(self) -> Failure {
        Failure::input(self.sources, self.found)
    }
}

/// True if `found` holds an error (not only warnings).
pub fn has_errors(found: &[Diagnostic]) -> bool {
    found.iter().any(|d| d.severity == diag::Severity::Error)
}

/// Stage 1, load: the printer profile, the templates and the roster (YAML,
/// CSV, XLSX or standard input, told by its name). Entries with errors are
/// left out of the roster; the others still go through every later check,
/// so one run reports every problem.
pub fn load(opts: &RenderOptions) -> Result<Inputs, Failure> {
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let profile = match &opts.printer_profile {
        Some(path) => calibrate::load(path, &mut sources, &mut found).map_err(|source| {
            Failure::Io { action: "cannot read the printer profile", path: path.clone(), source }
        })?,
        None => calibrate::Profile::default(),
    };
    let origin = match (&opts.template_files, &opts.templates) {
        (Some(files), _) => Origin::Memory { files: files.clone(), dir: None },
        (None, Some(dir)) => Origin::Dir(dir.clone()),
        (None, None) => Origin::Builtin,
    };
    let mut set =
        template::folder::load(&origin, &mut sources, &mut found).map_err(Failure::Templates)?;
    let roster = sources::load(opts, &set, &mut sources, &mut found)?;
    let since = opts.since.as_deref().map(manifest::read_ids).transpose().map_err(|source| {
        Failure::Io {
            action: "cannot read the --since manifest",
            path: opts.since.clone().unwrap_or_default(),
            source,
        }
    })?;
    // --pdfx and its options win over the printer profile's keys, one by one.
    let pdfx = match (&opts.pdfx, &profile.pdfx) {
        (None, None) => None,
        (cli, printer) => {
            let cli = cli.clone().unwrap_or_default();
            let printer = printer.clone().unwrap_or_default();
            let via = if cli.output_intent.is_some() || printer.output_intent.is_none() {
                "--output-intent"
            } else {
                "the printer profile's output_intent"
            };
            let settings = laminate_passes_pdf::pdfx::Settings {
                output_intent: cli.output_intent.or(printer.output_intent),
                condition: cli.condition.or(printer.condition),
                photos: cli.photos,
            };
            match settings.load() {
                Ok(x) => Some(std::sync::Arc::new(x)),
                Err(e) => {
                    found.push(crate::emit::preflight::load_error(&e, via));
                    None
                }
            }
        }
    };
    if let Some(x) = &pdfx {
        found.extend(crate::photos::template_images_in(&mut set, x));
    }
    Ok(Inputs { sources, found, profile, set, roster, since, pdfx })
}

/// Refuses a run whose outputs (the PDF, or each pass type's with
/// `--split-by pass`, the manifest, the dump and the caller's own, such as
/// the report) include one of its inputs, before anything is written.
pub fn guard(
    opts: &RenderOptions,
    output: &Path,
    set: &TemplateSet,
    roster: Option<&Roster>,
) -> Result<(), Failure> {
    let inputs = sources::inputs_of(opts, roster);
    let mut outputs: Vec<(String, PathBuf)> = Vec::new();
    if opts.split_by_pass {
        for t in &set.templates {
            let what = format!("the PDF of pass type {}", t.name);
            outputs.push((what, crate::emit::files::split_path(output, &t.name)));
        }
    } else {
        outputs.push(("the PDF".into(), output.to_path_buf()));
    }
    if let Some(path) = &opts.manifest {
        outputs.push(("the manifest".into(), path.clone()));
    }
    if let Some(path) = &opts.dump {
        outputs.push(("the dump".into(), path.clone()));
    }
    outputs.extend(opts.other_outputs.iter().cloned());
    for (what, path) in &outputs {
        inputs.check(what, path).map_err(Failure::Clobber)?;
    }
    Ok(())
}

/// Stage 2, select and check: the entries `--only`, `--pass` and `--shard`
/// leave, in print order (by pass type with `--group-by pass` or
/// `--split-by pass`), with the checks of those options and of the sheet;
/// and where they stand in the whole run (see [`plan`]): `--shard K/N`
/// prints whole sheets of the whole run, numbered as in it.
pub fn select<'r>(
    opts: &RenderOptions,
    set: &TemplateSet,
    roster: &'r Roster,
    since: Option<&HashSet<String>>,
    found: &mut Vec<Diagnostic>,
) -> (Selection<'r>, plan::Slice) {
    let whole = Span { file: roster.file, line: 1, col: 0, len: 1 };
    for id in &opts.only {
        if !roster.entries.iter().any(|e| *e.id == **id) {
            found.push(Diagnostic::error(
                whole,
                format!("--only names \"{id}\", which is not an id in the roster"),
            ));
        }
    }
    for p in &opts.pass {
        if set.find(p).is_none() {
            found.push(
                Diagnostic::error_nowhere(format!(
                    "--pass names \"{p}\", which is not a pass type"
                ))
                .hint(format!("known pass types: {}", set.names().join(", "))),
            );
        }
    }
    let mut selected: Selection<'r> = roster
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            // --since: only the passes the earlier manifest does not list.
            since.is_none_or(|old| !old.contains(&*e.id))
                && (opts.only.is_empty() || opts.only.iter().any(|id| **id == *e.id))
                && (opts.pass.is_empty()
                    || opts
                        .pass
                        .iter()
                        .any(|p| set.find(p).is_some() && set.find(p) == set.find(&e.pass)))
        })
        .collect();
    if opts.group_by_pass || opts.split_by_pass {
        // Stable: roster order within each type.
        selected.sort_by_key(|(_, e)| set.find(&e.pass));
    } else if !matches!(opts.sheet, SheetSpec::Card) {
        // One card a page (--sheet card) wastes nothing: roster order stays.
        by_card_size(set, &mut selected);
    }
    let split = |e: &Entry| if opts.split_by_pass { set.find(&e.pass) } else { None };
    let planned = plan::sheets(
        set,
        &selected,
        &crate::options::impose_options(opts),
        opts.group_by_pass,
        split,
    );
    let mut slice = plan::slice(&planned, opts.shard);
    slice.run = crate::emit::run_hash(opts, roster, &selected);
    let selected = selected[slice.passes.clone()].to_vec();
    if let SheetSpec::Stock(stock) = &opts.sheet {
        check_stock(stock, opts, set, &selected, found);
    }
    if opts.reprint && opts.only.is_empty() {
        found.push(
            Diagnostic::error_nowhere("--reprint needs --only with the ids to reprint")
                .hint("e.g. laminate render roster.yaml --only NLF-0042 --reprint -o reprint.pdf"),
        );
    }
    if opts.registration_marks {
        check_edge_room(&crate::options::impose_options(opts), set, &selected, found);
    }
    (selected, slice)
}

/// Orders passes by card size, the sizes in the order they first appear and
/// roster order within each: a sheet holds one card size, so a roster that
/// mixes sticky passes (80 x 50 mm) with CR80 cards would otherwise start a
/// new sheet at every change of size and waste most of each. A roster of
/// one card size keeps its order.
fn by_card_size(set: &TemplateSet, selected: &mut Selection) {
    let mut sizes: Vec<units::Size> = Vec::new();
    let class: Vec<usize> = selected
        .iter()
        .map(|(_, e)| {
            let Some(t) = set.find(&e.pass) else { return 0 };
            let card = set.templates[t].card;
            sizes.iter().position(|s| s.same_as(card)).unwrap_or_else(|| {
                sizes.push(card);
                sizes.len() - 1
            })
        })
        .collect();
    if sizes.len() > 1 {
        let mut keyed: Vec<(usize, (usize, &Entry))> =
            class.into_iter().zip(selected.drain(..)).collect();
        keyed.sort_by_key(|(c, _)| *c);
        selected.extend(keyed.into_iter().map(|(_, s)| s));
    }
}

/// The pass types of a selection, each once, in template order.
fn types_of(set: &TemplateSet, selected: &[(usize, &Entry)]) -> Vec<usize> {
    let mut types: Vec<usize> = selected.iter().filter_map(|(_, e)| set.find(&e.pass)).collect();
    types.sort_unstable();
    types.dedup();
    types
}

/// Registration targets need room at the sheet's edges: checked once per
/// pass type, not once per pass, since no room is the sheet's fault.
fn check_edge_room(
    impose_opts: &ImposeOptions,
    set: &TemplateSet,
    selected: &[(usize, &Entry)],
    found: &mut Vec<Diagnostic>,
) {
    for t in types_of(set, selected) {
        if let Err(e @ impose::DoesNotFit { why: Some(_), .. }) =
            impose::grid(set.templates[t].card, impose_opts)
        {
            found.push(
                Diagnostic::error_nowhere(format!("pass type \"{}\": {e}", set.templates[t].name))
                    .hint("choose a larger --sheet, less --bleed or --no-crop-marks, or leave out --registration-marks"),
            );
        }
    }
}

/// Checks that every pass type of the run can go on a stock: its card
/// size is the stock's slot size, and (on a preset) the bleed fits its
/// gutters. A card that does not fit is named with the stocks that take it.
fn check_stock(
    stock: &stock::Stock,
    opts: &RenderOptions,
    set: &TemplateSet,
    selected: &[(usize, &Entry)],
    found: &mut Vec<Diagnostic>,
) {
    for t in types_of(set, selected) {
        let card = set.templates[t].card;
        if !stock.takes(card) {
            let name = &set.templates[t].name;
            let message = match stock.origin {
                StockOrigin::Laminate => format!(
                    "pass type \"{name}\" is printed on {card} cards, but the slots of the {} stock are {}",
                    stock.name, stock.card
                ),
                _ => format!(
                    "pass type \"{name}\" is printed on {card} cards, but the labels of {} are {}",
                    stock.name, stock.card
                ),
            };
            let fitting =
                opts.stocks.as_ref().map(|c| c.fitting(card, stock, 4)).unwrap_or_default();
            let hint = if fitting.is_empty() {
                "pre-cut stock takes only its own card size: choose a stock for this card size (laminate stocks lists them), or plain paper such as --sheet a4".to_string()
            } else {
                let names: Vec<String> = fitting
                    .iter()
                    .map(|s| {
                        if s.origin == StockOrigin::Laminate {
                            s.name.to_string()
                        } else {
                            s.qualified()
                        }
                    })
                    .collect();
                format!(
                    "pre-cut stock takes only its own card size: stocks for {card} cards: {} (laminate stocks lists them), or plain paper such as --sheet a4",
                    names.join(", ")
                )
            };
            found.push(Diagnostic::error_nowhere(message).hint(hint));
        }
    }
    let room = stock.max_bleed();
    if opts.bleed > room + 1e-6 {
        let mm = |pt: f64| (units::to_mm(pt) * 100.0).round() / 100.0;
        found.push(
            Diagnostic::error_nowhere(format!(
                "a {} mm bleed does not fit on the {} stock: its gutters and margins leave room for {} mm",
                mm(opts.bleed),
                stock.name,
                mm(room)
            ))
            .hint(if room > 0.0 {
                format!("use --bleed 0, or at most --bleed {}mm", mm(room))
            } else {
                "use --bleed 0 (or leave --bleed out: on stock it is as much as fits)".to_string()
            }),
        );
    }
}

/// The signing key and reprint numbers a run resolves payloads with.
pub struct Signing {
    /// The key that signs payloads (`--key`), if any.
    pub key: Option<ed25519_dalek::SigningKey>,
    /// Reprint numbers by id, counting this run's with `--reprint`.
    pub reprints: Reprints,
    /// The reprint state file beside the roster.
    state: PathBuf,
}

impl Signing {
    /// Reads the key and the roster's reprint numbers; with `--reprint`,
    /// counts this run as one more print of each `--only` id.
    pub fn load(opts: &RenderOptions) -> Result<Signing, Failure> {
        let key =
            opts.key.as_deref().map(sign::load_signing_key).transpose().map_err(Failure::Key)?;
        let state = reprint::state_path(&opts.roster);
        let mut reprints = reprint::load(&state).map_err(Failure::Reprints)?;
        if opts.reprint {
            for id in &opts.only {
                *reprints.entry(id.clone()).or_insert(0) += 1;
            }
        }
        Ok(Signing { key, reprints, state })
    }

    /// Keeps this run's reprint numbers, once its files are in place.
    pub fn save(&self) -> Result<(), Failure> {
        reprint::save(&self.state, &self.reprints).map_err(|e| {
            Failure::Reprints(reprint::StateError {
                path: self.state.clone(),
                line: None,
                why: format!("{e} (the PDF was written, but the reprint numbers were not saved)"),
            })
        })
    }
}

/// A pass that resolved (laid out unless the run already failed, with its
/// warnings), or every error in its entry.
pub type Laid = Result<(Option<Pass>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Stages 3 and 4, resolve and lay out: what each pass needs besides its entry.
pub struct Stages<'a> {
    /// Entry + template -> Badge.
    pub resolver: Resolver<'a>,
    /// Badge -> Frame.
    pub layouter: Layouter<'a>,
    set: &'a TemplateSet,
    duplex: bool,
    shard: Option<String>,
}

impl<'a> Stages<'a> {
    /// The resolve and layout stages of a run.
    pub fn new(
        opts: &RenderOptions,
        set: &'a TemplateSet,
        roster: &'a Roster,
        signing: &'a Signing,
        book: &'static FontBook,
    ) -> Self {
        let resolver = Resolver {
            backs: opts.duplex.is_some(),
            ..Resolver::new(&roster.event, set, book, &signing.reprints, signing.key.as_ref())
        };
        Stages {
            resolver,
            layouter: Layouter::new(
                set,
                book,
                LayoutOptions {
                    bleed: opts.bleed,
                    proof: opts.proof,
                    cut_contour: opts.cut_contour,
                    die_radius: match &opts.sheet {
                        SheetSpec::Stock(s) => s.die_radius(),
                        SheetSpec::Card | SheetSpec::Paper(_) => None,
                    },
                },
            ),
            set,
            duplex: opts.duplex.is_some(),
            shard: opts.shard.map(|(k, n)| format!("{k}/{n}")),
        }
    }

    /// The resolve and layout stages for looking at one pass at a time (the
    /// designer): unsigned, with the given reprint numbers (usually none),
    /// with the security art and `bleed` in pt.
    pub fn for_preview(
        event: &'a crate::load::roster::Event,
        set: &'a TemplateSet,
        reprints: &'a Reprints,
        book: &'static FontBook,
        bleed: f64,
    ) -> Self {
        Stages {
            resolver: Resolver::new(event, set, book, reprints, None),
            layouter: Layouter::new(
                set,
                book,
                LayoutOptions { bleed, proof: false, cut_contour: false, die_radius: None },
            ),
            set,
            duplex: false,
            shard: None,
        }
    }

    /// Resolves one entry and lays out one side of it: the frame and the
    /// warnings `render` would give, or every error in the entry.
    pub fn side(
        &self,
        index: usize,
        entry: &Entry,
        back: bool,
        photos: &Photos,
    ) -> Result<(Frame, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (badge, mut warnings) = self.resolver.resolve(index, entry, photos)?;
        let (frame, more) =
            if back { self.layouter.layout_back(&badge) } else { self.layouter.layout(&badge) };
        warnings.extend(more);
        Ok((frame, warnings))
    }

    /// Resolves and lays out one chunk of passes, with the chunk's photos
    /// from the photo stage, on the pool's threads; the results come back
    /// in the chunk's order. With `check_only` (a run that
    /// already failed) passes are resolved, for their errors, but not laid out.
    pub fn lay_out(
        &self,
        pool: &rayon::ThreadPool,
        chunk: &[(usize, &Entry)],
        photos: &Photos,
        check_only: bool,
    ) -> Vec<Laid> {
        pool.install(|| {
            chunk
                .par_iter()
                .map(|&(index, entry)| self.pass(index, entry, photos, check_only))
                .collect()
        })
    }

    fn pass(&self, index: usize, entry: &Entry, photos: &Photos, check_only: bool) -> Laid {
        let (badge, mut warnings) = self.resolver.resolve(index, entry, photos)?;
        if check_only {
            return Ok((None, warnings));
        }
        let (front, more) = self.layouter.layout(&badge);
        warnings.extend(more);
        let back = self.duplex.then(|| {
            let (back, more) = self.layouter.layout_back(&badge);
            warnings.extend(more);
            back
        });
        let row = manifest::Row {
            id: badge.id.clone(),
            name: entry.name.to_string(),
            pass: self.set.templates[badge.template].name.clone(),
            valid_from: badge.valid_from.to_string(),
            valid_until: badge.valid_until.to_string(),
            reprint: badge.reprint,
            file: String::new(),
            sheet: 0,
            slot: 0,
            front_page: 0,
            back_page: None,
            run: String::new(),
            shard: self.shard.clone(),
            warnings: manifest::warnings_cell(&warnings),
        };
        Ok((Some(Pass { front, back, row }), warnings))
    }
}

/// The worker threads of a run (`--jobs`).
pub fn pool(jobs: usize, output: Option<&Path>) -> Result<rayon::ThreadPool, Failure> {
    rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().map_err(|e| Failure::Io {
        action: "cannot start worker threads for",
        path: output.map(Path::to_path_buf).unwrap_or_default(),
        source: io::Error::other(e),
    })
}

/// Passes resolved and laid out together before their sheets are written:
/// enough to keep every thread busy, few enough to keep memory flat (a
/// laid-out pass is 20-40 KB until its page is made). Measured on 100,000
/// passes: 256 ran about 3 % faster than 128 for 3.5 MB more peak memory.
const CHUNK: usize = 256;

/// Loads the templates of a run (for `laminate templates`).
pub fn load_templates(dir: Option<&Path>) -> Result<TemplateSet, Failure> {
    let mut sources = Sources::default();
    let mut out = Vec::new();
    let origin = dir.map_or(Origin::Builtin, |d| Origin::Dir(d.to_path_buf()));
    let set =
        template::folder::load(&origin, &mut sources, &mut out).map_err(Failure::Templates)?;
    // Warnings (art over a QR code) are for render and validate to show.
    if out.iter().any(|d| d.severity == crate::diag::Severity::Error) {
        return Err(Failure::input(sources, out));
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

/// Renders to a PDF in memory: the report and the PDF's bytes. Nothing is
/// written, not even a temporary file (a manifest or dump asked for is
/// still written). One file only: `split_by_pass` is refused.
pub fn render_to_memory(
    opts: &RenderOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(Report, Vec<u8>), Failure> {
    if opts.split_by_pass {
        let d = Diagnostic::error_nowhere(
            "split_by_pass writes one file per pass type; a PDF in memory is one file",
        )
        .hint("render to a file to split by pass type");
        return Err(Failure::input(Sources::default(), vec![d]));
    }
    let memory = crate::emit::files::Memory::default();
    let opts = RenderOptions { memory: Some(memory.clone()), ..opts.clone() };
    let report = render_with_progress(&opts, Some(Path::new(MEMORY_NAME)), progress)?;
    Ok((report, memory.take()))
}

/// The name a PDF in memory goes by in messages.
const MEMORY_NAME: &str = "<memory>";

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
    let mut inputs = load(opts)?;
    stop_if_cancelled(opts)?;
    if let Some(output) = output {
        guard(opts, output, &inputs.set, inputs.roster.as_ref())?;
    }
    let Some(roster) = inputs.roster.take() else { return Err(inputs.failure()) };
    let (selected, slice) =
        select(opts, &inputs.set, &roster, inputs.since.as_ref(), &mut inputs.found);
    stop_if_cancelled(opts)?;
    let signing = Signing::load(opts)?;
    let book = FontBook::bundled();
    let stages = Stages::new(opts, &inputs.set, &roster, &signing, book);
    let pool = pool(opts.jobs, output)?;
    let photo_stage =
        crate::photos::PhotoStage::new(&opts.photo_cache, &inputs.pdfx, &mut inputs.found)?;
    let mut failed = inputs.has_errors();
    let (set, profile, found) = (&inputs.set, &inputs.profile, &mut inputs.found);
    let writes = output.filter(|_| !failed);
    let arts = stages.layouter.arts().clone();
    let pdfx = inputs.pdfx.clone();
    let mut emit = Emit::start(
        opts, writes, set, &roster, &selected, &slice, arts, profile, pdfx, &pool, book,
    )?;
    let mut passes = 0;
    // Entries whose passes are finished (placed, or failed): what progress counts.
    let mut handled = 0;
    let total = selected.len();
    for chunk in selected.chunks(CHUNK) {
        // Photo by photo within the chunk, short of its end until its
        // passes are laid out and placed: a cold run of large uploads
        // moves on every photo instead of every 256.
        let tick =
            |done: usize, all: usize| progress(handled + chunk.len() * done / (all + 1), total);
        let photos = photo_stage.prepare(&pool, set, chunk, found, &tick);
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
        handled += chunk.len();
        progress(handled, total);
        if let Err(e) = stop_if_cancelled(opts) {
            drop(emit);
            return Err(e);
        }
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
        warnings: diag::sorted(inputs.found),
        sources: inputs.sources,
        skipped: roster.skipped.clone(),
        unused: roster.unused.clone(),
    })
}

/// Ends the run (nothing written) once the caller set its cancel flag.
fn stop_if_cancelled(opts: &RenderOptions) -> Result<(), Failure> {
    match &opts.cancel {
        Some(c) if c.load(std::sync::atomic::Ordering::Relaxed) => Err(Failure::Interrupted),
        _ => Ok(()),
    }
}

/// The error for a card that does not fit the sheet, at its entry.
fn does_not_fit(
    opts: &RenderOptions,
    roster: &Roster,
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
