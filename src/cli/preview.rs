//! `laminate preview`: turns one pass, or the first sheet, into a PNG
//! drawn from the very PDF `render` writes.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::{fail, print_diagnostics};
use super::parse::parse_bleed;
use super::render::{options, RunArgs};

/// `laminate preview`.
#[derive(Args)]
pub struct PreviewArgs {
    /// The roster (YAML, CSV or XLSX; - for YAML on stdin).
    #[arg(value_name = "ROSTER")]
    pub roster: PathBuf,
    /// Show this pass alone (on a card-sized page unless --sheet is given);
    /// without it, the first sheet.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The PNG to write.
    #[arg(short, long, value_name = "FILE.png")]
    pub output: PathBuf,
    /// Resolution in dots per inch (36 to 1200).
    #[arg(long, default_value_t = 150,
          value_parser = clap::value_parser!(u32).range(36..=1200))]
    pub dpi: u32,
    /// A template folder instead of the built-in set.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Sheet, as for render (default: card with --id, a4 without).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Bleed around each card, e.g. 3mm or 0.125in (0 for none; default
    /// 3mm, on stock presets as much as fits up to 3mm).
    #[arg(long, value_parser = parse_bleed)]
    pub bleed: Option<f64>,
    /// Leave out the crop marks.
    #[arg(long)]
    pub no_crop_marks: bool,
    /// Proof: leave out the security layer.
    #[arg(long)]
    pub proof: bool,
    /// Sign the QR payloads with this private key, as render --key does.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
}

/// Renders the PNG and says what it shows.
pub fn run(args: PreviewArgs) -> ExitCode {
    let run = RunArgs {
        roster: args.roster.clone(),
        templates: args.templates.clone(),
        sheet: args
            .sheet
            .clone()
            .unwrap_or_else(|| if args.id.is_some() { "card" } else { "a4" }.to_string()),
        stock_db: vec![],
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
        flip: laminate_passes::impose::Flip::Long,
        no_slug: false,
        group_by: None,
        start_at: 1,
        printer_profile: None,
        split_by: None,
        registration_marks: false,
        cut_contour: false,
        from: None,
        since: None,
        photo_cache: None,
        no_photo_cache: false,
        pdfx: Default::default(),
    };
    match laminate_passes::preview::preview(
        &options(&run),
        args.id.as_deref(),
        args.dpi,
        &args.output,
    ) {
        Ok(p) => {
            print_diagnostics(&p.report.sources, p.report.warnings);
            let what = match &args.id {
                Some(id) => format!("pass {id}"),
                None if p.pages > 1 => format!("sheet 1 of {}", p.pages),
                None => "sheet 1 of 1".to_string(),
            };
            say!(
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
