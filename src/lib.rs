//! laminate: turns a YAML roster of people into print-ready PDF sheets of
//! laminate passes.
//!
//! The pipeline, one module per stage:
//! `roster` + `template` (input) -> `resolve` (Badge) -> `layout` (Frame)
//! -> `impose` (Sheet) -> `pdf` (bytes), with `qr` (the QR encoder layout
//! draws with) and `output` (the files, each written by its own thread).
//! [`render`] runs all of it: passes are resolved and laid out, and their
//! sheets' content streams made, on `--jobs` worker threads, 256 passes at a
//! time; the main thread places cards on sheets in roster order.

pub mod atomic;
pub mod calibrate;
pub mod colour;
pub mod diag;
pub mod fonts;
pub mod frame;
pub mod impose;
pub mod init;
pub mod json;
pub mod layout;
pub mod manifest;
pub mod output;
pub mod payload;
pub mod pdf;
pub mod photo;
pub mod preview;
pub mod qr;
pub mod reprint;
pub mod resolve;
pub mod roster;
pub mod security;
pub mod sign;
pub mod sources;
pub mod stock;
pub mod template;
pub mod text;
pub mod units;
pub mod warnings;
pub mod yaml;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use diag::{Diagnostic, Diagnostics, Sources, Span};
use fonts::FontBook;
use impose::{ImposeOptions, Imposer, SheetSpec};
use layout::{LayoutOptions, Layouter};
use rayon::prelude::*;
use resolve::Resolver;
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
    /// The program that wrote a table roster (`--from`); told by its headings by default.
    pub from: sources::From,
    /// An earlier run's manifest: render only the passes not in it.
    pub since: Option<PathBuf>,
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
        let mut ds = Diagnostics::default();
        out.into_iter().for_each(|d| ds.push(d));
        return Err(Failure::Input { sources, diagnostics: ds.sorted() });
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
pub fn render_with_progress(
    opts: &RenderOptions,
    output: Option<&Path>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, Failure> {
    let mut sources = Sources::default();
    let mut diags = Diagnostics::default();
    let mut found = Vec::new();

    let profile = match &opts.printer_profile {
        Some(path) => calibrate::load(path, &mut sources, &mut found).map_err(|source| {
            Failure::Io { action: "cannot read the printer profile", path: path.clone(), source }
        })?,
        None => calibrate::Profile::default(),
    };
    let origin = opts.templates.as_ref().map_or(Origin::Builtin, |d| Origin::Dir(d.clone()));
    let set = template::load(&origin, &mut sources, &mut found).map_err(Failure::Templates)?;

    // The roster's format (YAML, CSV, XLSX, `-` for stdin) is told by its name.
    let roster = sources::load(opts, &mut sources, &mut found)?;
    // Entries with errors were left out of the roster; the others still go
    // through every later check, so that one run reports every problem.
    let Some(roster) = roster else {
        return Err(input_failure(sources, diags, found));
    };
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

    // --since: the passes an earlier run's manifest does not list.
    let since = opts.since.as_deref().map(manifest::read_ids).transpose().map_err(|source| {
        Failure::Io {
            action: "cannot read the --since manifest",
            path: opts.since.clone().unwrap_or_default(),
            source,
        }
    })?;
    let selected: Vec<(usize, &roster::Entry)> = roster
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            since.as_ref().is_none_or(|old| !old.contains(&*e.id))
                && (opts.only.is_empty() || opts.only.iter().any(|id| **id == *e.id))
                && (opts.pass.is_empty()
                    || opts
                        .pass
                        .iter()
                        .any(|p| set.find(p).is_some() && set.find(p) == set.find(&e.pass)))
        })
        .collect();
    let mut selected = selected;
    if opts.group_by_pass || opts.split_by_pass {
        // Stable: roster order within each type.
        selected.sort_by_key(|(_, e)| set.find(&e.pass));
    }
    let selected = match opts.shard {
        Some((k, n)) => selected[manifest::shard_range(selected.len(), k, n)].to_vec(),
        None => selected,
    };
    if let SheetSpec::Stock(stock) = opts.sheet {
        check_stock(stock, opts.bleed, &set, &selected, &mut found);
    }
    let shard = opts.shard.map(|(k, n)| format!("{k}/{n}"));

    if opts.reprint && opts.only.is_empty() {
        found.push(
            Diagnostic::error_nowhere("--reprint needs --only with the ids to reprint")
                .hint("e.g. laminate render roster.yaml --only NLF-0042 --reprint -o reprint.pdf"),
        );
    }
    let key = opts.key.as_deref().map(sign::load_signing_key).transpose().map_err(Failure::Key)?;
    let state = reprint::state_path(&opts.roster);
    let mut reprints = reprint::load(&state).map_err(Failure::Reprints)?;
    if opts.reprint {
        for id in &opts.only {
            *reprints.entry(id.clone()).or_insert(0) += 1;
        }
    }

    let book = FontBook::bundled();
    let resolver = Resolver::new(&roster.event, &set, book, &reprints, key.as_ref());
    let layouter =
        Layouter::new(&set, book, LayoutOptions { bleed: opts.bleed, proof: opts.proof });
    let impose_opts = ImposeOptions {
        sheet: opts.sheet,
        bleed: opts.bleed,
        crop_marks: opts.crop_marks,
        margin: impose::default_margin(),
        duplex: opts.duplex,
        start_at: opts.start_at,
        registration_marks: opts.registration_marks,
    };
    if opts.registration_marks {
        // Once per pass type, not once per pass: no room is the sheet's fault.
        let mut types: Vec<usize> =
            selected.iter().filter_map(|(_, e)| set.find(&e.pass)).collect();
        types.sort_unstable();
        types.dedup();
        for t in types {
            if let Err(e @ impose::DoesNotFit { why: Some(_), .. }) =
                impose::grid(set.templates[t].card, &impose_opts)
            {
                found.push(
                    Diagnostic::error_nowhere(format!(
                        "pass type \"{}\": {e}",
                        set.templates[t].name
                    ))
                    .hint("choose a larger --sheet, less --bleed or --no-crop-marks, or leave out --registration-marks"),
                );
            }
        }
    }
    let mut imposer = Imposer::new(impose_opts);

    let mut failed = found.iter().any(|d| d.severity == diag::Severity::Error);
    // With --split-by pass, each pass type goes to a file of its own; the
    // roster was sorted by type above, so each file is written in one go.
    let file_of = |e: &roster::Entry| if opts.split_by_pass { set.find(&e.pass) } else { None };
    let writes = !failed;
    let path_of = |file: Option<usize>| -> Option<PathBuf> {
        let out = output.filter(|_| writes)?;
        Some(match file {
            Some(t) => output::split_path(out, &set.templates[t].name),
            None => out.to_path_buf(),
        })
    };
    let info = pdf::DocInfo { title: format!("{}: passes", roster.event.name), epoch: opts.epoch };
    let inks = pdf::Inks { security_spot: opts.security_ink.clone() };
    let mut passes = 0;
    let mut dump = opts.dump.as_ref().map(|_| String::new());
    let mut manifest = match (&opts.manifest, output.is_some() && !failed) {
        (Some(path), true) => Some(manifest::Writer::create(path).map_err(|source| {
            Failure::Io { action: "cannot write the manifest", path: path.clone(), source }
        })?),
        _ => None,
    };
    let manifest_fail = |source: io::Error| Failure::Io {
        action: "cannot write the manifest",
        path: opts.manifest.clone().unwrap_or_default(),
        source,
    };
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(opts.jobs.max(1)).build().map_err(|e| {
            Failure::Io {
                action: "cannot start worker threads for",
                path: output.map(Path::to_path_buf).unwrap_or_default(),
                source: io::Error::other(e),
            }
        })?;
    // The slug names the sheet among all of its file's sheets, so count them
    // first: a sheet holds one card size, so runs of equal sizes fill sheets.
    let totals: Vec<usize> = {
        let keys: Vec<(units::Size, usize, Option<usize>)> = selected
            .iter()
            .filter_map(|(_, e)| set.find(&e.pass).map(|t| (t, file_of(e))))
            .map(|(t, file)| (set.templates[t].card, if opts.group_by_pass { t } else { 0 }, file))
            .collect();
        let mut totals: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < keys.len() {
            let (size, group, file) = keys[i];
            if i == 0 || keys[i - 1].2 != file {
                totals.push(0);
            }
            let run = keys[i..]
                .iter()
                .take_while(|(s, g, f)| s.same_as(size) && *g == group && *f == file)
                .count();
            let cap = impose_opts.capacity(size).max(1);
            // The very first sheet may start part way (--start-at).
            let first_free = if i == 0 { cap - impose_opts.start_at.min(cap - 1) } else { cap };
            *totals.last_mut().expect("pushed above") +=
                1 + run.saturating_sub(first_free).div_ceil(cap);
            i += run;
        }
        totals
    };
    let first_file = selected.first().and_then(|(_, e)| file_of(e));
    let mut file = output::OutFile::open(
        path_of(first_file).as_deref(),
        book,
        info.clone(),
        inks.clone(),
        totals.first().copied().unwrap_or(0),
        layouter.arts().clone(),
    )?;
    let mut current_file = first_file;
    let mut finished: Vec<output::Finished> = Vec::new();
    let fonts = book;
    let run_hash = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        // What the roster says, not how it was written: a CSV and a YAML
        // roster with the same passes make the same run.
        h.update(format!("{:?}", roster.event).as_bytes());
        for (_, e) in &selected {
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
                    opts.shard,
                    opts.duplex
                )
            )
            .as_bytes(),
        );
        h.finalize()[..4].iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let write = |mut sheets: Vec<impose::Sheet>,
                 file: &mut output::OutFile,
                 dump: &mut Option<String>|
     -> Result<(), Failure> {
        if opts.slug {
            let mut front_types = String::new();
            for (i, sheet) in sheets.iter_mut().enumerate() {
                let back = opts.duplex.is_some() && i % 2 == 1;
                if !back {
                    file.sheet_number += 1;
                    let n = sheet.cards.len().min(file.types.len());
                    let mut names: Vec<String> = file.types.drain(..n).collect();
                    names.sort();
                    names.dedup();
                    front_types = names.join(", ");
                }
                let side = if back { "back of sheet" } else { "sheet" };
                let slug = format!(
                    "{} · {side} {} of {} · {front_types} · run {run_hash}",
                    roster.event.name, file.sheet_number, file.total_sheets
                );
                let width_em = book.runs(fonts::REGULAR, &slug).iter().map(|r| r.width_em).sum();
                sheet.set_slug(slug, width_em, &impose_opts);
            }
        }
        for (i, sheet) in sheets.iter_mut().enumerate() {
            let back = opts.duplex.is_some() && i % 2 == 1;
            let adjust = if back { profile.back } else { profile.front };
            sheet.transform = adjust.matrix(sheet.size);
        }
        // Content streams are made and compressed in parallel, then written
        // in order. The cards' frames are dropped on the worker threads too:
        // writing a page needs only the sheet's boxes.
        let dumping = dump.is_some();
        let made: Vec<(impose::Sheet, pdf::Content, Option<String>)> = {
            pool.install(|| {
                sheets
                    .into_par_iter()
                    .map(|mut s| {
                        let content = pdf::sheet_content(&s, fonts, &inks);
                        let text = dumping.then(|| s.dump());
                        s.cards = Vec::new();
                        (s, content, text)
                    })
                    .collect()
            })
        };
        let mut pages = Vec::with_capacity(made.len());
        for (sheet, content, text) in made {
            if let (Some(d), Some(text)) = (dump.as_mut(), text) {
                d.push_str(&text);
            }
            pages.push((sheet, content));
        }
        file.writer.send(pages).map_err(|e| file.fail(e))
    };
    for chunk in selected.chunks(CHUNK) {
        // Resolve and lay out in parallel; the results come back in roster order.
        let skip_layout = failed;
        type Laid = Result<
            (Option<(frame::Frame, Option<frame::Frame>, manifest::Row)>, Vec<Diagnostic>),
            Vec<Diagnostic>,
        >;
        let laid: Vec<Laid> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&(index, entry)| {
                    let (badge, mut warnings) = resolver.resolve(index, entry)?;
                    if skip_layout {
                        return Ok((None, warnings));
                    }
                    let (frame, more) = layouter.layout(&badge);
                    warnings.extend(more);
                    let back = opts.duplex.map(|_| {
                        let (back, more) = layouter.layout_back(&badge);
                        warnings.extend(more);
                        back
                    });
                    let row = manifest::Row {
                        id: badge.id.clone(),
                        name: entry.name.to_string(),
                        pass: set.templates[badge.template].name.clone(),
                        valid_from: badge.valid_from.to_string(),
                        valid_until: badge.valid_until.to_string(),
                        reprint: badge.reprint,
                        file: String::new(),
                        sheet: 0,
                        slot: 0,
                        front_page: 0,
                        back_page: None,
                        shard: shard.clone(),
                        warnings: manifest::warnings_cell(&warnings),
                    };
                    Ok((Some((frame, back, row)), warnings))
                })
                .collect()
        });
        let mut sheets = Vec::new();
        for (&(index, entry), result) in chunk.iter().zip(laid) {
            match result {
                Ok((frame, warnings)) => {
                    found.extend(warnings);
                    let Some((frame, back, mut row)) = frame.filter(|_| !failed) else { continue };
                    let this_file = file_of(entry);
                    if this_file != current_file {
                        // A new pass type with --split-by pass: finish its
                        // predecessor's file (kept aside until the run ends).
                        write(std::mem::take(&mut sheets), &mut file, &mut dump)?;
                        let done = std::mem::replace(
                            &mut imposer,
                            Imposer::new(ImposeOptions { start_at: 0, ..impose_opts }),
                        );
                        write(done.finish(), &mut file, &mut dump)?;
                        let next = output::OutFile::open(
                            path_of(this_file).as_deref(),
                            book,
                            info.clone(),
                            inks.clone(),
                            totals.get(finished.len() + 1).copied().unwrap_or(0),
                            layouter.arts().clone(),
                        )?;
                        finished.push(std::mem::replace(&mut file, next).finish()?);
                        current_file = this_file;
                    }
                    row.file = file.path.display().to_string();
                    file.types.push_back(row.pass.clone());
                    let group =
                        if opts.group_by_pass { set.find(&row.pass).unwrap_or(0) } else { 0 };
                    match imposer.push(frame, back, group) {
                        Ok((done, at)) => {
                            sheets.extend(done);
                            row.sheet = at.sheet + 1;
                            row.slot = at.slot + 1;
                            // With backs, each sheet is two pages: front, then back.
                            let pages = if opts.duplex.is_some() { 2 } else { 1 };
                            row.front_page = at.sheet * pages + 1;
                            row.back_page = opts.duplex.map(|_| at.sheet * 2 + 2);
                            if let Some(m) = manifest.as_mut() {
                                m.row(&row).map_err(manifest_fail)?;
                            }
                        }
                        Err(e) => {
                            found.push(
                                Diagnostic::error(set_span(&roster, index), e.to_string())
                                    .entry(&*entry.id)
                                    .hint(if opts.registration_marks {
                                        "choose a larger --sheet, less --bleed, or leave out --registration-marks or the crop marks"
                                    } else {
                                        "choose a larger --sheet, or --sheet card"
                                    }),
                            );
                            failed = true;
                        }
                    }
                    passes += 1;
                }
                Err(errors) => {
                    failed = true;
                    found.extend(errors);
                }
            }
        }
        if !failed {
            write(sheets, &mut file, &mut dump)?;
        }
        progress(passes, selected.len());
    }
    if failed || found.iter().any(|d| d.severity == diag::Severity::Error) {
        return Err(input_failure(sources, diags, found));
    }
    write(imposer.finish(), &mut file, &mut dump)?;
    finished.push(file.finish()?);
    // The side files go into place before the PDFs, so a failure with them
    // leaves no PDF either.
    if let (Some(path), Some(text)) = (&opts.dump, &dump) {
        atomic::write(path, text.as_bytes()).map_err(|source| Failure::Io {
            action: "cannot write",
            path: path.clone(),
            source,
        })?;
    }
    if let Some(m) = manifest {
        m.finish().map_err(manifest_fail)?;
    }
    let bytes = finished.iter().map(|f| f.bytes).sum();
    let sheets = finished.iter().map(|f| f.pages).sum();
    // Every file is complete in its temporary file before the first is put
    // in place; each goes into place whole (a rename).
    let mut files = Vec::new();
    for f in finished {
        files.extend(f.persist()?);
    }
    if opts.reprint && !files.is_empty() {
        reprint::save(&state, &reprints).map_err(|e| {
            Failure::Reprints(reprint::StateError {
                path: state.clone(),
                line: None,
                why: format!("{e} (the PDF was written, but the reprint numbers were not saved)"),
            })
        })?;
    }
    for d in found {
        diags.push(d);
    }
    let (skipped, unused) = (roster.skipped.clone(), roster.unused.clone());
    Ok(Report { passes, sheets, bytes, files, warnings: diags.sorted(), sources, skipped, unused })
}

fn set_span(roster: &roster::Roster, index: usize) -> Span {
    roster.entries[index].spans.entry()
}

fn input_failure(sources: Sources, mut diags: Diagnostics, found: Vec<Diagnostic>) -> Failure {
    for d in found {
        diags.push(d);
    }
    Failure::Input { sources, diagnostics: diags.sorted() }
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

/// Checks that every pass type of the run can go on a stock preset: its
/// card size is the stock's slot size, and the bleed fits its gutters.
fn check_stock(
    stock: &'static stock::Stock,
    bleed: f64,
    set: &TemplateSet,
    selected: &[(usize, &roster::Entry)],
    found: &mut Vec<Diagnostic>,
) {
    let mut types: Vec<usize> = selected.iter().filter_map(|(_, e)| set.find(&e.pass)).collect();
    types.sort_unstable();
    types.dedup();
    for t in types {
        let card = set.templates[t].card;
        if !card.same_as(stock.card) {
            found.push(
                Diagnostic::error_nowhere(format!(
                    "pass type \"{}\" is printed on {card} cards, but the slots of the {} stock are {}",
                    set.templates[t].name, stock.name, stock.card
                ))
                .hint("pre-cut stock takes only its own card size: choose a stock for this card size (laminate stocks lists them), or plain paper such as --sheet a4"),
            );
        }
    }
    let room = stock.max_bleed();
    if bleed > room + 1e-6 {
        let mm = |pt: f64| (units::to_mm(pt) * 100.0).round() / 100.0;
        found.push(
            Diagnostic::error_nowhere(format!(
                "a {} mm bleed does not fit on the {} stock: its gutters and margins leave room for {} mm",
                mm(bleed),
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
