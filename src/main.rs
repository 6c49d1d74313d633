//! The `laminate` command: parses arguments and calls the library.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

mod cli;
use laminate::{diag, units, Failure, RenderOptions};

/// Turns a YAML roster of people into print-ready PDF sheets of laminate passes.
#[derive(Parser)]
#[command(name = "laminate", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a roster to a PDF of pass sheets.
    Render {
        #[command(flatten)]
        run: RunArgs,
        /// The PDF to write (written whole or not at all).
        #[arg(short, long, value_name = "OUT.pdf")]
        output: PathBuf,
        /// Print nothing but errors and warnings.
        #[arg(short, long)]
        quiet: bool,
        /// Also write every warning to FILE.json (the terminal shows the
        /// first few of each kind and counts the rest).
        #[arg(long, value_name = "FILE.json")]
        report: Option<PathBuf>,
    },
    /// Run every check of render and write nothing.
    Validate {
        #[command(flatten)]
        run: RunArgs,
        /// How to report: text for people, json for tools (on stdout).
        #[arg(long, value_enum, default_value = "text")]
        format: ReportFormat,
    },
    /// Make an Ed25519 key pair for signing QR payloads: KEYFILE (private,
    /// mode 0600) and KEYFILE.pub (public, for door scanners).
    Keygen {
        /// Where to write the private key; the public key goes to KEYFILE.pub.
        #[arg(long, value_name = "KEYFILE")]
        out: PathBuf,
    },
    /// Check a scanned QR payload: signature, and optionally date, zone and revocations.
    Verify {
        /// The payload text, as a scanner reads it from the QR code.
        payload: String,
        /// The public key (KEYFILE.pub from `laminate keygen`).
        #[arg(long, value_name = "FILE")]
        public_key: PathBuf,
        /// Check the pass is valid on this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "at")]
        on: Option<jiff::civil::Date>,
        /// Check the pass is valid at this time: RFC 3339 with an offset
        /// (2027-06-18T08:30:00+01:00), or YYYY-MM-DD HH:MM in the pass's time zone.
        #[arg(long, value_name = "TIME", value_parser = parse_at)]
        at: Option<laminate::sign::Moment>,
        /// Check the pass grants this zone.
        #[arg(long, value_name = "ZONE")]
        zone: Option<String>,
        /// A list of revoked passes: one id, or id and reprint number, a line.
        #[arg(long, value_name = "FILE")]
        revoked: Option<PathBuf>,
        /// Also explain how to compare the printed security art with the payload.
        #[arg(long)]
        art: bool,
    },
    /// List the pass types of a template set and the fields each uses.
    Templates {
        /// A template folder instead of the built-in set.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// List the stock presets and paper sizes --sheet knows: paper, card
    /// size, slots, margins and gutters.
    Stocks,
    /// Render one pass, or the first sheet, to a PNG from the very PDF that
    /// render writes.
    Preview(PreviewArgs),
    /// Design pass types in the browser: a local page (127.0.0.1 only, with
    /// a session token) that shows the card as render draws it and saves
    /// the template YAML changing only what was edited. Ctrl-C stops it.
    Design {
        /// A roster to preview with (default: the starter roster of init).
        roster: Option<PathBuf>,
        /// The template folder to edit (default: a copy of the built-in
        /// set, saved only into a new folder you name in the page).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// The port to listen on (default: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Open the page in the browser (xdg-open).
        #[arg(long)]
        open: bool,
    },
    /// Start a project: write DIR/roster.yaml and a copy of the built-in
    /// templates in DIR/templates, to edit.
    Init {
        /// The folder to write into (made if missing; nothing is overwritten).
        dir: PathBuf,
    },
    /// Turn a CSV or XLSX roster (with its NAME.event.yaml) into a YAML roster.
    Convert {
        /// The roster to convert.
        #[arg(value_name = "ROSTER")]
        roster: PathBuf,
        /// The YAML file to write (default: standard output).
        #[arg(short, long, value_name = "OUT.yaml")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script to standard output.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output.
    Man,
}

/// How `validate` reports.
#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    /// Messages for people, on stderr.
    Text,
    /// One JSON object on stdout: ok, passes, errors, warnings, diagnostics.
    Json,
}

#[derive(Args)]
struct PreviewArgs {
    /// The roster (YAML, CSV or XLSX; - for YAML on stdin).
    #[arg(value_name = "ROSTER")]
    roster: PathBuf,
    /// Show this pass alone (on a card-sized page unless --sheet is given);
    /// without it, the first sheet.
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// The PNG to write.
    #[arg(short, long, value_name = "FILE.png")]
    output: PathBuf,
    /// Resolution in dots per inch (36 to 1200).
    #[arg(long, default_value_t = 150,
          value_parser = clap::value_parser!(u32).range(36..=1200))]
    dpi: u32,
    /// A template folder instead of the built-in set.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Sheet, as for render (default: card with --id, a4 without).
    #[arg(long, value_parser = laminate::parse_sheet)]
    sheet: Option<laminate::impose::SheetSpec>,
    /// Bleed around each card, e.g. 3mm or 0.125in (0 for none; default
    /// 3mm, on stock presets as much as fits up to 3mm).
    #[arg(long, value_parser = parse_bleed)]
    bleed: Option<f64>,
    /// Leave out the crop marks.
    #[arg(long)]
    no_crop_marks: bool,
    /// Proof: leave out the security layer.
    #[arg(long)]
    proof: bool,
    /// Sign the QR payloads with this private key, as render --key does.
    #[arg(long, value_name = "KEYFILE")]
    key: Option<PathBuf>,
}

#[derive(Args)]
struct RunArgs {
    /// The roster: YAML, CSV or XLSX (with NAME.event.yaml beside it), or - for YAML on stdin.
    #[arg(value_name = "ROSTER.yaml")]
    roster: PathBuf,
    /// A template folder instead of the built-in set.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Sheet: a4, letter, a3, sra3, tabloid, card (one pass per page), WxH
    /// such as 320x450mm, or a stock preset such as avery-5392 (fixed
    /// slots; `laminate stocks` lists them).
    #[arg(long, default_value = "a4", value_parser = laminate::parse_sheet)]
    sheet: laminate::impose::SheetSpec,
    /// Bleed around each card, e.g. 3mm or 0.125in (0 for none; default
    /// 3mm, on stock presets as much as their gutters allow up to 3mm).
    #[arg(long, value_parser = parse_bleed)]
    bleed: Option<f64>,
    /// Leave out the crop marks.
    #[arg(long)]
    no_crop_marks: bool,
    /// Only these pass ids (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    only: Vec<String>,
    /// Only these pass types (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "TYPE,...")]
    pass: Vec<String>,
    /// Proof: leave out the security layer.
    #[arg(long)]
    proof: bool,
    /// Write a manifest (FILE.csv or FILE.json): for every pass its id, name,
    /// type, dates, file, sheet, slot and page. Not written by validate.
    #[arg(long, value_name = "FILE", value_parser = parse_manifest)]
    manifest: Option<PathBuf>,
    /// Render only slice K of N of the roster (e.g. 3/8): contiguous,
    /// balanced, the same on every machine, together covering every pass once.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Put each pass type on its own sheets, so the shop can load the right
    /// stock for each (only "pass" is known).
    #[arg(long, value_name = "pass", value_parser = ["pass"])]
    group_by: Option<String>,
    /// Start on slot N of the first sheet (1 = top left), to use up a
    /// partly printed sheet of stock.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    start_at: u16,
    /// Leave out the slug line (event, sheet k of n, pass types, run hash)
    /// printed below the cards on each sheet.
    #[arg(long)]
    no_slug: bool,
    /// Write one PDF per pass type (only "pass" is known): with -o out.pdf,
    /// out-crew.pdf, out-day.pdf... (the pass type's name after a -).
    #[arg(long, value_name = "pass", value_parser = ["pass"])]
    split_by: Option<String>,
    /// Draw registration targets (a circle and a cross on every plate) at
    /// the midpoints of each sheet's edges, outside every card's bleed, on
    /// fronts and backs alike.
    #[arg(long)]
    registration_marks: bool,
    /// Draw each pass's cut line (its outline, rounded as its template says,
    /// and its slot) in a spot colour named CutContour, overprinting, on a
    /// layer of its own: the die line of print-and-cut plotters.
    #[arg(long)]
    cut_contour: bool,
    /// Print backs: after each sheet, a page with each pass's back placed
    /// to register with its front when the sheet is turned over (see --flip).
    #[arg(long)]
    duplex: bool,
    /// The edge the printer turns duplex sheets over: long or short.
    #[arg(long, value_name = "EDGE", default_value = "long", value_parser = parse_flip)]
    flip: laminate::impose::Flip,
    /// Print the security layer in a spot ink (a Separation colour space)
    /// so the shop can make a plate of it, e.g. Foil or "UV=cmyk(20,0,0,0)"
    /// (the CMYK after = is what viewers show; default cmyk(0,0,0,35)).
    #[arg(long, value_name = "NAME[=CMYK]", value_parser = parse_spot)]
    security_ink: Option<laminate::pdf::Spot>,
    /// Correct for a printer's shift and scale: a YAML file with front:
    /// and back: each {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}
    /// (scale about the page centre; the page boxes stay as they are).
    #[arg(long, value_name = "FILE.yaml")]
    printer_profile: Option<PathBuf>,
    /// Sign every QR payload with this private key (from `laminate keygen`).
    #[arg(long, value_name = "KEYFILE")]
    key: Option<PathBuf>,
    /// Count this run as a reprint of the --only ids: their reprint number
    /// goes up by one (kept in ROSTER.reprints) and "REPRINT n" is printed.
    #[arg(long, requires = "only")]
    reprint: bool,
    /// Worker threads (default: one per core); the output is the same for any number.
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Also write a readable text dump of the laid-out sheets to FILE (for reviewing golden files).
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
    /// The ticket shop that wrote a CSV or XLSX roster: pretix, eventbrite or
    /// tito (default: told by its headings), or csv for a plain table.
    #[arg(long, value_name = "SHOP", value_parser = ["pretix", "eventbrite", "tito", "csv"])]
    from: Option<String>,
    /// Render only the passes whose ids are not in this earlier run's
    /// manifest (.csv or .json): the tickets sold since the last print.
    #[arg(long, value_name = "OLD_MANIFEST")]
    since: Option<PathBuf>,
    #[command(flatten)]
    pdfx: cli::pdfx::PdfxArgs,
}

fn parse_flip(text: &str) -> Result<laminate::impose::Flip, String> {
    match text {
        "long" => Ok(laminate::impose::Flip::Long),
        "short" => Ok(laminate::impose::Flip::Short),
        _ => Err(format!("\"{text}\": the edge is long or short")),
    }
}

fn parse_spot(text: &str) -> Result<laminate::pdf::Spot, String> {
    let (name, fallback) = match text.split_once('=') {
        Some((n, c)) => (n.trim(), laminate::colour::Colour::parse(c)?),
        None => (text.trim(), laminate::colour::Colour::Cmyk(0.0, 0.0, 0.0, 0.35)),
    };
    let ok =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let reserved = ["All", "None", "Cyan", "Magenta", "Yellow", "Black"].contains(&name);
    if !ok || reserved {
        return Err(format!(
            "\"{name}\" is not a usable ink name (letters, digits, - and _; not a process colour)"
        ));
    }
    Ok(laminate::pdf::Spot { name: name.to_string(), fallback })
}

fn parse_manifest(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    laminate::manifest::Format::of(&path)
        .map(|_| path)
        .ok_or_else(|| format!("\"{text}\": a manifest file name ends in .csv or .json"))
}

fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("\"{text}\" is not a shard: write K/N with 1 <= K <= N, e.g. 3/8");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) =
        (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse().map_err(|_| format!("\"{text}\" is not a date (write YYYY-MM-DD)"))
}

fn parse_at(text: &str) -> Result<laminate::sign::Moment, String> {
    laminate::sign::Moment::parse_at(text).ok_or_else(|| {
        format!("\"{text}\" is not a time (write 2027-06-18T08:30:00+01:00, or 2027-06-18 08:30 in the pass's time zone)")
    })
}

fn parse_bleed(text: &str) -> Result<f64, String> {
    let v = units::parse_length(text).map_err(|e| e.0)?;
    if !(0.0..=units::mm(20.0)).contains(&v) {
        return Err("bleed is between 0 and 20mm".into());
    }
    Ok(v)
}

/// Exit status for problems in the input (roster or templates).
const EXIT_INPUT: u8 = 1;
/// Exit status for files that cannot be read or written.
const EXIT_IO: u8 = 3;

fn options(run: &RunArgs) -> RenderOptions {
    // Reproducible builds convention: https://reproducible-builds.org/specs/source-date-epoch/
    let epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => s.trim().parse().unwrap_or_else(|_| {
            eprintln!(
                "laminate: warning: SOURCE_DATE_EPOCH={s:?} is not a number of seconds; using 0 (1970-01-01)"
            );
            0
        }),
        Err(_) => 0,
    };
    RenderOptions {
        roster: run.roster.clone(),
        templates: run.templates.clone(),
        sheet: run.sheet,
        bleed: run.bleed.unwrap_or_else(|| laminate::default_bleed(&run.sheet)),
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
        from: run.from.as_deref().and_then(laminate::sources::From::parse).unwrap_or_default(),
        since: run.since.clone(),
        pdfx: run.pdfx.settings(),
    }
}

fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn print_diagnostics(sources: &diag::Sources, list: Vec<diag::Diagnostic>) {
    let mut err = std::io::stderr().lock();
    let _ = diag::emit(&mut err, sources, list, colour());
}

/// Prints the first few warnings of each kind and a count of the rest,
/// saying where the rest are.
fn print_warnings(
    sources: &diag::Sources,
    list: Vec<diag::Diagnostic>,
    report: Option<&std::path::Path>,
) {
    let (shown, more) = laminate::warnings::group(list);
    print_diagnostics(sources, shown);
    let all_in = match report {
        Some(path) => format!("every one is in {}", path.display()),
        None => "render --report FILE.json lists every one; so does the manifest's warnings column"
            .to_string(),
    };
    for m in more {
        eprintln!("laminate: warning: {} more like: {} ({all_in})", m.count, m.kind);
    }
}

fn fail(f: Failure) -> ExitCode {
    match f {
        Failure::Input { sources, diagnostics } => {
            let n = diagnostics.iter().filter(|d| d.severity == diag::Severity::Error).count();
            print_diagnostics(&sources, diagnostics);
            eprintln!("laminate: {n} error{}; nothing was written", if n == 1 { "" } else { "s" });
            ExitCode::from(EXIT_INPUT)
        }
        Failure::Io { .. } | Failure::Templates(_) | Failure::Key(_) | Failure::Reprints(_) => {
            eprintln!("laminate: error: {f}");
            ExitCode::from(EXIT_IO)
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// " (4 rows left out: 2 cancelled, 1 add-on, ...)" for a ticket-shop
/// export's rows that got no pass; nothing for other rosters.
fn left_out(skipped: &[(String, usize)]) -> String {
    let n: usize = skipped.iter().map(|(_, n)| n).sum();
    if n == 0 {
        return String::new();
    }
    format!(" ({} left out: {})", plural(n, "row"), laminate::sources::skipped_list(skipped))
}

fn plural_pass(n: usize) -> String {
    format!("{n} pass{}", if n == 1 { "" } else { "es" })
}

fn verify(
    text: &str,
    public_key: &std::path::Path,
    on: Option<laminate::sign::Moment>,
    zone: Option<&str>,
    revoked: Option<&std::path::Path>,
    art: bool,
) -> ExitCode {
    use laminate::sign;
    let key = match sign::load_public_key(public_key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("laminate: error: {e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let revocations = match revoked {
        None => sign::Revocations::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| (0, e.to_string()))
            .and_then(|t| sign::Revocations::parse(&t))
        {
            Ok(r) => r,
            Err((line, why)) => {
                eprintln!("laminate: error: {}:{line}: {why}", path.display());
                return ExitCode::from(EXIT_IO);
            }
        },
    };
    if let Ok(p) = laminate::payload::Payload::decode(text) {
        println!("id:          {}", p.id);
        println!("event:       {}", p.event);
        println!("pass type:   {}", p.pass);
        match &p.hours {
            None => println!("valid:       {} to {}", p.valid_from, p.valid_until),
            Some(h) => println!(
                "valid:       {} to {} (UTC{})",
                h.offset.to_datetime(h.start).strftime("%Y-%m-%d %H:%M"),
                h.offset.to_datetime(h.end).strftime("%Y-%m-%d %H:%M"),
                h.offset
            ),
        }
        println!("zones:       {}", p.zones.join(", "));
        println!("reprint:     {}", p.reprint);
        if let Some(name) = &p.name {
            println!("name:        {name}");
        }
        if art {
            println!("art seed:    {}", laminate::security::fingerprint(text));
            println!();
            println!("{}", laminate::security::ART_HELP);
        }
    }
    match sign::verify(text, &key, on, zone, &revocations) {
        Ok(_) => {
            let mut checks = vec!["signature ok".to_string()];
            match on {
                Some(sign::Moment::On(d)) => checks.push(format!("valid on {d}")),
                Some(sign::Moment::At(_, t) | sign::Moment::Local(t)) => {
                    checks.push(format!("valid at {}", t.strftime("%Y-%m-%d %H:%M")))
                }
                None => {}
            }
            if let Some(z) = zone {
                checks.push(format!("grants {z}"));
            }
            println!("result:      VALID ({})", checks.join(", "));
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            println!("result:      REFUSED");
            eprintln!("laminate: {refusal}");
            ExitCode::from(refusal.exit_status())
        }
    }
}

fn main() -> ExitCode {
    // Ctrl-C (or a scheduler's SIGTERM) mid-run: remove the half-written
    // temporary files, leave any earlier output as it was, exit 130.
    let designing = matches!(std::env::args().nth(1).as_deref(), Some("design"));
    let _ = ctrlc::set_handler(move || {
        laminate::atomic::remove_pending();
        if designing {
            // Ctrl-C is how the designer is stopped; what was saved stays.
            eprintln!("laminate: the designer stopped; unsaved edits were dropped");
            std::process::exit(0);
        }
        eprintln!("laminate: interrupted; nothing was written");
        std::process::exit(130);
    });
    let cli = Cli::parse();
    match cli.command {
        Command::Render { run, output, quiet, report: report_path } => {
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
            let result = laminate::render_with_progress(&options(&run), Some(&output), &progress);
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            match result {
                Ok(report) => {
                    if let Some(path) = &report_path {
                        if let Err(source) = laminate::warnings::write_report(
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
                        let names: Vec<String> =
                            report.files.iter().map(|f| f.display().to_string()).collect();
                        eprintln!(
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
                Err(f) => fail(f),
            }
        }
        Command::Validate { run, format: ReportFormat::Json } => {
            let result = laminate::render(&options(&run), None);
            let status = match &result {
                Ok(_) => ExitCode::SUCCESS,
                Err(Failure::Input { .. }) => ExitCode::from(EXIT_INPUT),
                Err(_) => ExitCode::from(EXIT_IO),
            };
            let report = laminate::json::report(result);
            println!("{}", serde_json::to_string_pretty(&report).expect("JSON of plain data"));
            status
        }
        Command::Validate { run, .. } => match laminate::render(&options(&run), None) {
            Ok(report) => {
                let n = report.warnings.len();
                print_warnings(&report.sources, report.warnings, None);
                let warned =
                    if n > 0 { format!(", {}", plural(n, "warning")) } else { String::new() };
                if !report.unused.is_empty() {
                    eprintln!("laminate: not used: {}", report.unused.join(", "));
                }
                eprintln!(
                    "laminate: {}{} ok{warned}",
                    plural_pass(report.passes),
                    left_out(&report.skipped)
                );
                ExitCode::SUCCESS
            }
            Err(f) => fail(f),
        },
        Command::Keygen { out } => match laminate::sign::keygen(&out) {
            Ok((private, public)) => {
                eprintln!(
                    "laminate: wrote {} (private: keep it safe, mode 0600) and {} (public: give it to door scanners)",
                    private.display(),
                    public.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("laminate: error: {e}");
                ExitCode::from(EXIT_IO)
            }
        },
        Command::Verify { payload, public_key, on, at, zone, revoked, art } => {
            let moment = on.map(laminate::sign::Moment::On).or(at);
            verify(&payload, &public_key, moment, zone.as_deref(), revoked.as_deref(), art)
        }
        Command::Templates { templates } => match laminate::load_templates(templates.as_deref()) {
            Ok(set) => {
                use std::fmt::Write;
                let mut out = String::new();
                for t in &set.templates {
                    let aliases = if t.aliases.is_empty() {
                        String::new()
                    } else {
                        format!(" (also: {})", t.aliases.join(", "))
                    };
                    let days = if t.days == laminate::template::Days::Single {
                        "one day"
                    } else {
                        "a range of days"
                    };
                    let fields: Vec<&str> = t.fields().iter().map(|f| f.name()).collect();
                    let _ = writeln!(out, "{}{aliases}: {}", t.name, t.description);
                    let _ = writeln!(out, "  label:  {}", t.label);
                    let _ = writeln!(out, "  card:   {}", t.card);
                    let _ = writeln!(out, "  zones:  {}", t.zones.join(", "));
                    let _ = writeln!(out, "  days:   {days}");
                    let _ = writeln!(out, "  fields: {}", fields.join(", "));
                }
                // Through print_bytes: `laminate templates | head` must not panic.
                print_bytes(out.as_bytes())
            }
            Err(f) => fail(f),
        },
        Command::Stocks => print_bytes(laminate::stock::listing().as_bytes()),
        Command::Preview(args) => preview(&args),
        Command::Design { roster, templates, port, open } => {
            let opts = laminate::serve::Options { roster, templates, port };
            let result = laminate::serve::serve(&opts, &mut |url| {
                // stdout, one line, flushed: scripts and tests read the URL from it.
                println!("{url}");
                eprintln!("laminate: designing in the browser at the address above; Ctrl-C stops");
                if open && std::process::Command::new("xdg-open").arg(url).spawn().is_err() {
                    eprintln!("laminate: cannot start xdg-open; open the address yourself");
                }
            });
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(f) => fail(f),
            }
        }
        Command::Init { dir } => match laminate::init::init(&dir) {
            Ok(w) => {
                let (r, t) = (w.roster.display(), w.templates.display());
                eprintln!("laminate: wrote {r} and {} in {t}", plural(w.files.len(), "template"));
                eprintln!("next: laminate validate {r} --templates {t}");
                eprintln!("      laminate render {r} --templates {t} -o passes.pdf");
                ExitCode::SUCCESS
            }
            Err(f) => fail(f),
        },
        Command::Convert { roster, output } => match laminate::sources::convert(&roster) {
            Ok(yaml) => match output {
                None => {
                    print!("{yaml}");
                    ExitCode::SUCCESS
                }
                Some(out) => match laminate::atomic::write(&out, yaml.as_bytes()) {
                    Ok(()) => {
                        eprintln!("laminate: wrote {}", out.display());
                        ExitCode::SUCCESS
                    }
                    Err(source) => {
                        fail(Failure::Io { action: "cannot write", path: out.clone(), source })
                    }
                },
            },
            Err(f) => fail(f),
        },
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "laminate", &mut script);
            print_bytes(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .expect("writing to memory does not fail");
            print_bytes(&page)
        }
    }
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("laminate: error: cannot write to standard output: {e}");
            ExitCode::from(EXIT_IO)
        }
        _ => ExitCode::SUCCESS,
    }
}

fn preview(args: &PreviewArgs) -> ExitCode {
    let run = RunArgs {
        roster: args.roster.clone(),
        templates: args.templates.clone(),
        sheet: args.sheet.unwrap_or(if args.id.is_some() {
            laminate::impose::SheetSpec::Card
        } else {
            laminate::parse_sheet("a4").expect("a4 is a sheet")
        }),
        bleed: args.bleed,
        no_crop_marks: args.no_crop_marks,
        only: vec![],
        pass: vec![],
        proof: args.proof,
        manifest: None,
        shard: None,
        key: args.key.clone(),
        reprint: false,
        jobs: None,
        dump: None,
        security_ink: None,
        duplex: false,
        flip: laminate::impose::Flip::Long,
        no_slug: false,
        group_by: None,
        start_at: 1,
        printer_profile: None,
        split_by: None,
        registration_marks: false,
        cut_contour: false,
        from: None,
        since: None,
        pdfx: Default::default(),
    };
    match laminate::preview::preview(&options(&run), args.id.as_deref(), args.dpi, &args.output) {
        Ok(p) => {
            print_diagnostics(&p.report.sources, p.report.warnings);
            let what = match &args.id {
                Some(id) => format!("pass {id}"),
                None if p.pages > 1 => format!("sheet 1 of {}", p.pages),
                None => "sheet 1 of 1".to_string(),
            };
            eprintln!(
                "laminate: wrote {}: {what}, {} x {} px at {} dpi",
                args.output.display(),
                p.width,
                p.height,
                args.dpi
            );
            ExitCode::SUCCESS
        }
        Err(f) => fail(f),
    }
}
