//! Options: what `render` and `validate` are asked to do, with `--sheet`'s
//! reading and the default bleed.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::emit::files::Memory;
use crate::impose::stock::catalogue::{Catalogue, NotFound};
use crate::impose::stock::{self, Origin};
use crate::impose::{self, ImposeOptions, SheetSpec};
use crate::load::sources::headings::From;
use crate::{photos, units};
use laminate_passes_pdf::pdfx;

/// What `render` and `validate` are asked to do.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// The roster file.
    pub roster: PathBuf,
    /// A template folder, or `None` for the built-in set.
    pub templates: Option<PathBuf>,
    /// The sheet to impose on.
    pub sheet: SheetSpec,
    /// The stock catalogue `sheet` was found in, if it was: its stocks
    /// that take a pass type's card are the hint when the sheet's do not.
    pub stocks: Option<Arc<Catalogue>>,
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
    pub security_ink: Option<crate::emit::draw::Spot>,
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
    pub from: From,
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
    /// The roster's YAML text, when a program gives it rather than a file
    /// (the Python module's mapping); `roster` then only names it in
    /// messages, and photo paths are relative to the working folder.
    pub roster_text: Option<Arc<str>>,
    /// Template files as (file name, bytes): YAML files and the images and
    /// backgrounds they name, when a program gives them rather than a
    /// folder; used instead of `templates`.
    pub template_files: Option<Vec<(String, Vec<u8>)>>,
    /// Write the PDF into this buffer instead of a file (the Python
    /// module's `render_bytes`); nothing is written beside the output.
    pub memory: Option<Memory>,
    /// Set to stop the run: it ends after the chunk of passes in hand with
    /// [`Failure::Interrupted`](crate::outcome::Failure::Interrupted), and
    /// nothing is written.
    pub cancel: Option<Arc<AtomicBool>>,
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
            bleed: default_bleed(&sheet),
            sheet,
            stocks: None,
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
            from: From::default(),
            since: None,
            photo_cache: photos::CacheChoice::Default,
            other_outputs: Vec::new(),
            pdfx: None,
            roster_text: None,
            template_files: None,
            memory: None,
            cancel: None,
        }
    }
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
        return Ok(SheetSpec::Stock(Arc::new(stock.clone())));
    }
    units::parse_wxh(&lower).map(SheetSpec::Paper).map_err(|_| {
        let names: Vec<&str> = units::SHEETS.iter().map(|s| s.0).collect();
        let stocks: Vec<&str> = stock::STOCKS.iter().map(|s| &*s.name).collect();
        format!(
            "\"{text}\" is not a sheet: use {}, card, WxH such as 300x200mm, or a stock preset: {} (laminate stocks lists them)",
            names.join(", "),
            stocks.join(", ")
        )
    })
}

/// Reads `--sheet` with the stock catalogue: what [`parse_sheet`] reads,
/// else a stock of `catalogue` by name (a pretix sheet, a product of
/// gLabels' database; see [`Catalogue::find`]). The error says why not,
/// naming the stocks a name could mean.
pub fn find_sheet(text: &str, catalogue: &Catalogue) -> Result<SheetSpec, String> {
    let Err(plain) = parse_sheet(text) else { return parse_sheet(text) };
    match catalogue.find(text) {
        Ok(stock) => match stock.misplaced() {
            None => Ok(SheetSpec::Stock(stock)),
            Some(n) => Err(format!(
                "\"{text}\" cannot be printed on as described: its label {n} overlaps another or leaves the paper ({})",
                stock.source
            )),
        },
        Err(NotFound::Unknown { near }) => {
            let mut m = plain.replace(
                " (laminate stocks lists them)",
                ", one of pretix's badge sheets such as avery_80x50, or a product of gLabels' database such as \"Avery L4785\" (laminate stocks lists them)",
            );
            if !near.is_empty() {
                let near: Vec<String> = near.iter().map(|n| format!("\"{n}\"")).collect();
                m.push_str(&format!("; did you mean {}?", near.join(" or ")));
            }
            Err(m)
        }
        Err(NotFound::Ambiguous { stocks }) => {
            let each: Vec<String> =
                stocks.iter().map(|(name, what)| format!("{name} ({what})")).collect();
            Err(format!(
                "\"{text}\" names different stocks: {}; name one of them so",
                each.join(" and ")
            ))
        }
        Err(NotFound::Unsupported { name, shape }) => Err(format!(
            "\"{name}\" is {shape}: laminate prints on rectangular and round labels"
        )),
    }
}

/// The bleed of a run on `sheet`, in pt: `asked` (`--bleed`), or the
/// default. On a stock that is not a preset (pretix's sheets, gLabels'
/// products), more than its labels leave room for is cut to that, with the
/// warning returned: their gaps are the maker's, and a gLabels user gets
/// the bleed the product's waste allows. (On presets it stays an error.)
pub fn fit_bleed(sheet: &SheetSpec, asked: Option<f64>) -> (f64, Option<String>) {
    let Some(asked) = asked else { return (default_bleed(sheet), None) };
    match sheet {
        SheetSpec::Stock(s) if s.origin != Origin::Laminate && asked > s.max_bleed() + 1e-6 => {
            let mm = |pt: f64| (units::to_mm(pt) * 100.0).round() / 100.0;
            let room = s.max_bleed();
            let warning = format!(
                "a {} mm bleed does not fit on {}: its labels leave room for {} mm; printing with {} mm",
                mm(asked),
                s.name,
                mm(room),
                mm(room)
            );
            (room, Some(warning))
        }
        _ => (asked, None),
    }
}

/// The bleed used when `--bleed` is not given, in pt: 3 mm, or on stock
/// presets as much as their gutters and margins leave room for, up to 3 mm.
pub fn default_bleed(sheet: &SheetSpec) -> f64 {
    match sheet {
        SheetSpec::Stock(stock) => stock.default_bleed(),
        SheetSpec::Card | SheetSpec::Paper(_) => units::mm(3.0),
    }
}

/// The imposition of a run, from its options.
pub fn impose_options(opts: &RenderOptions) -> ImposeOptions {
    ImposeOptions {
        sheet: opts.sheet.clone(),
        bleed: opts.bleed,
        crop_marks: opts.crop_marks,
        margin: impose::default_margin(),
        duplex: opts.duplex,
        start_at: opts.start_at,
        registration_marks: opts.registration_marks,
    }
}
