//! `laminate render`: turns a roster into the PDF of pass sheets (and the
//! manifest, dump and report it is asked for). The options it shares with
//! `validate` and `preview` are [`RunArgs`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use laminate_passes::impose::stock::catalogue::Catalogue;
use {laminate_passes::Failure, laminate_passes::RenderOptions};

use super::output::{fail, left_out, plural, plural_pass, print_warnings};
use super::parse;

/// `laminate render`.
#[derive(Args)]
pub struct RenderArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// The PDF to write (written whole or not at all).
    #[arg(short, long, value_name = "OUT.pdf")]
    pub output: PathBuf,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write every warning to FILE.json (the terminal shows the
    /// first few of each kind and counts the rest).
    #[arg(long, value_name = "FILE.json")]
    pub report: Option<PathBuf>,
}

#[derive(Args)]
pub struct RunArgs {
    /// The roster: YAML, CSV or XLSX (with NAME.event.yaml beside it), or - for YAML on stdin.
    #[arg(value_name = "ROSTER.yaml")]
    pub roster: PathBuf,
    /// A template folder instead of the built-in set.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Sheet: a4, letter, a3, sra3, tabloid, card (one pass per page), WxH
    /// such as 320x450mm, or pre-cut stock (fixed slots): a preset such as
    /// avery-5392, one of pretix's badge sheets such as avery_80x50, or a
    /// product of gLabels' database such as "Avery L4785" (`laminate
    /// stocks` lists them).
    #[arg(long, default_value = "a4")]
    pub sheet: String,
    /// A folder of gLabels template files (*-templates.xml) to find
    /// --sheet products in, before LAMINATE_STOCKS and the folders gLabels
    /// installs (may be given more than once).
    #[arg(long, value_name = "DIR")]
    pub stock_db: Vec<PathBuf>,
    /// Bleed around each card, e.g. 3mm or 0.125in (0 for none; default
    /// 3mm, on stock presets as much as their gutters allow up to 3mm).
    #[arg(long, value_parser = parse::parse_bleed)]
    pub bleed: Option<f64>,
    /// Leave out the crop marks.
    #[arg(long)]
    pub no_crop_marks: bool,
    /// Only these pass ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub only: Vec<String>,
    /// Only these pass types (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "TYPE,...")]
    pub pass: Vec<String>,
    /// Proof: leave out the security layer.
    #[arg(long)]
    pub proof: bool,
    /// Write a manifest (FILE.csv or FILE.json): for every pass its id, name,
    /// type, dates, file, sheet, slot and page. Not written by validate.
    #[arg(long, value_name = "FILE", value_parser = parse::parse_manifest)]
    pub manifest: Option<PathBuf>,
    /// Render only slice K of N of the run (e.g. 3/8): whole sheets of the
    /// whole run, contiguous, balanced, the same on every machine, together
    /// covering every pass once; sheets, pages and the run id as in the
    /// whole run (laminate merge joins the shards).
    #[arg(long, value_name = "K/N", value_parser = parse::parse_shard)]
    pub shard: Option<(usize, usize)>,
    /// Put each pass type on its own sheets, so the shop can load the right
    /// stock for each (only "pass" is known).
    #[arg(long, value_name = "pass", value_parser = ["pass"])]
    pub group_by: Option<String>,
    /// Start on slot N of the first sheet (1 = top left), to use up a
    /// partly printed sheet of stock.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub start_at: u16,
    /// Leave out the slug line (event, sheet k of n, pass types, run hash)
    /// printed below the cards on each sheet.
    #[arg(long)]
    pub no_slug: bool,
    /// Write one PDF per pass type (only "pass" is known): with -o out.pdf,
    /// out-crew.pdf, out-day.pdf... (the pass type's name after a -).
    #[arg(long, value_name = "pass", value_parser = ["pass"])]
    pub split_by: Option<String>,
    /// Draw registration targets (a circle and a cross on every plate) at
    /// the midpoints of each sheet's edges, outside every card's bleed, on
    /// fronts and backs alike.
    #[arg(long)]
    pub registration_marks: bool,
    /// Draw each pass's cut line (its outline, rounded as its template says,
    /// and its slot) in a spot colour named CutContour, overprinting, on a
    /// layer of its own: the die line of print-and-cut plotters.
    #[arg(long)]
    pub cut_contour: bool,
    /// Print backs: after each sheet, a page with each pass's back placed
    /// to register with its front when the sheet is turned over (see --flip).
    #[arg(long)]
    pub duplex: bool,
    /// The edge the printer turns duplex sheets over: long or short.
    #[arg(long, value_name = "EDGE", default_value = "long", value_parser = parse::parse_flip)]
    pub flip: laminate_passes::impose::Flip,
    /// Print the security layer in a spot ink (a Separation colour space)
    /// so the shop can make a plate of it, e.g. Foil or "UV=cmyk(20,0,0,0)"
    /// (the CMYK after = is what viewers show; default cmyk(0,0,0,35)).
    #[arg(long, value_name = "NAME[=CMYK]", value_parser = parse::parse_spot)]
    pub security_ink: Option<laminate_passes::emit::draw::Spot>,
    /// Correct for a printer's shift and scale: a YAML file with front:
    /// and back: each {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}
    /// (scale about the page centre; the page boxes stay as they are).
    #[arg(long, value_name = "FILE.yaml")]
    pub printer_profile: Option<PathBuf>,
    /// Sign every QR payload with this private key (from `laminate keygen`).
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// Count this run as a reprint of the --only ids: their reprint number
    /// goes up by one (kept in ROSTER.reprints) and "REPRINT n" is printed.
    #[arg(long, requires = "only")]
    pub reprint: bool,
    /// Worker threads (default: one per core); the output is the same for any number.
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Also write a readable text dump of the laid-out sheets to FILE (for reviewing golden files).
    #[arg(long, value_name = "FILE")]
    pub dump: Option<PathBuf>,
    /// The ticket shop that wrote a CSV or XLSX roster: pretix, eventbrite or
    /// tito (default: told by its headings), or csv for a plain table.
    #[arg(long, value_name = "SHOP", value_parser = ["pretix", "eventbrite", "tito", "csv"])]
    pub from: Option<String>,
    /// Render only the passes whose ids are not in this earlier run's
    /// manifest (.csv or .json): the tickets sold since the last print.
    #[arg(long, value_name = "OLD_MANIFEST")]
    pub since: Option<PathBuf>,
    /// Keep prepared photos in DIR between runs (default:
    /// $XDG_CACHE_HOME/laminate, else ~/.cache/laminate).
    #[arg(long, value_name = "DIR", conflicts_with = "no_photo_cache")]
    pub photo_cache: Option<PathBuf>,
    /// Prepare every photo afresh and keep none (the PDF is the same).
    #[arg(long)]
    pub no_photo_cache: bool,
    #[command(flatten)]
    pub pdfx: super::pdfx::PdfxArgs,
}

/// The render options of `run`, printing their warnings; a `--sheet` that
/// is no sheet ends the command as clap's own errors do.
pub fn options(run: &RunArgs) -> RenderOptions {
    match try_options(run) {
        Ok((opts, warnings)) => {
            for w in warnings {
                say!("laminate: warning: {w}");
            }
            opts
        }
        Err(e) => e.exit(),
    }
}

/// The render options of `run` and the warnings about them, or the
/// command-line error of a `--sheet` that is no sheet; prints nothing (the
/// Python module calls it).
pub fn try_options(run: &RunArgs) -> Result<(RenderOptions, Vec<String>), clap::Error> {
    let mut warnings = Vec::new();
    let (sheet, stocks) = sheet(&run.sheet, &run.stock_db)?;
    let (bleed, warning) = laminate_passes::fit_bleed(&sheet, run.bleed);
    warnings.extend(warning.map(|w| w.to_string()));
    // Reproducible builds convention: https://reproducible-builds.org/specs/source-date-epoch/
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| {
            warnings.push(format!(
                "SOURCE_DATE_EPOCH={s:?} is not a number of seconds; using 0 (1970-01-01)"
            ));
            0
        }),
        Err(_) => 0,
    };
    let opts = RenderOptions {
        roster: run.roster.clone(),
        templates: run.templates.clone(),
        sheet,
        stocks,
        bleed,
        crop_marks: !run.no_crop_marks,
        only: run.only.clone(),
        pass: run.pass.clone(),
        proof: run.proof,
        epoch,
        dump: run.dump.clone(),
        manifest: run.manifest.clone(),
        shard: run.shard,
        jobs: run
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        key: run.key.clone(),
        reprint: run.reprint,
        security_ink: run.security_ink.clone(),
        duplex: run.duplex.then_some(run.flip),
        slug: !run.no_slug,
        group_by_pass: run.group_by.is_some(),
        start_at: usize::from(run.start_at) - 1,
        printer_profile: run.printer_profile.clone(),
        split_by_pass: run.split_by.is_some(),
        registration_marks: run.registration_marks,
        cut_contour: run.cut_contour,
        from: run
            .from
            .as_deref()
            .and_then(laminate_passes::load::sources::From::parse)
            .unwrap_or_default(),
        since: run.since.clone(),
        other_outputs: Vec::new(),
        photo_cache: match (&run.photo_cache, run.no_photo_cache) {
            (_, true) => laminate_passes::photos::CacheChoice::Off,
            (Some(dir), false) => laminate_passes::photos::CacheChoice::Dir(dir.clone()),
            (None, false) => laminate_passes::photos::CacheChoice::Default,
        },
        pdfx: run.pdfx.settings(),
        roster_text: None,
        template_files: None,
        memory: None,
        cancel: None,
    };
    Ok((opts, warnings))
}

/// Reads `--sheet`: a paper, `card`, `WxH` or preset as such; any other
/// name in the stock catalogue (pretix's sheets and the gLabels databases
/// in `stock_db`, `LAMINATE_STOCKS` and where gLabels installs them), whose
/// file problems are warnings. A name that is no sheet is a command-line
/// error (exit 2), as clap gives for other bad values.
pub fn sheet(
    text: &str,
    stock_db: &[PathBuf],
) -> Result<(laminate_passes::impose::SheetSpec, Option<Arc<Catalogue>>), clap::Error> {
    if let Ok(sheet) = laminate_passes::parse_sheet(text) {
        return Ok((sheet, None));
    }
    let catalogue = super::stocks::load(stock_db);
    match laminate_passes::find_sheet(text, &catalogue) {
        Ok(sheet) => Ok((sheet, Some(Arc::new(catalogue)))),
        Err(why) => Err(clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            format!("invalid value '{text}' for '--sheet <SHEET>': {why}\n"),
        )),
    }
}

/// Renders, with a progress bar on a terminal, then writes the report and
/// prints the warnings and a closing line.
pub fn run(args: RenderArgs) -> ExitCode {
    let RenderArgs { run, output, quiet, report: report_path } = args;
    let start = Instant::now();
    // A progress bar only for a person watching a terminal.
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} passes [{bar:30}] {per_sec} ~{eta} left",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let mut opts = options(&run);
    if let Some(path) = &report_path {
        opts.other_outputs.push(("the report".into(), path.clone()));
    }
    let result = laminate_passes::render_with_progress(&opts, Some(&output), &progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(report) => report,
        Err(f) => return fail(f),
    };
    if let Some(path) = &report_path {
        if let Err(source) = laminate_passes::warnings::write_report(
            path,
            report.passes,
            &report.sources,
            &report.warnings,
        ) {
            let action = "cannot write the report";
            return fail(Failure::Io { action, path: path.clone(), source });
        }
    }
    print_warnings(&report.sources, report.warnings, report_path.as_deref());
    if !quiet {
        let per = if report.passes > 0 {
            report.bytes as f64 / report.passes as f64 / 1024.0
        } else {
            0.0
        };
        let names: Vec<String> = report.files.iter().map(|f| f.display().to_string()).collect();
        say!(
            "laminate: wrote {}: {}{} on {}, {:.1} KB ({per:.2} KB per pass) in {:.2} s",
            if names.is_empty() { output.display().to_string() } else { names.join(", ") },
            plural_pass(report.passes),
            left_out(&report.skipped),
            if run.duplex {
                format!("{} with backs", plural(report.sheets / 2, "sheet"))
            } else {
                plural(report.sheets, "sheet")
            },
            report.bytes as f64 / 1024.0,
            start.elapsed().as_secs_f64()
        );
    }
    ExitCode::SUCCESS
}
