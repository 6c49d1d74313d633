//! `laminate import pretix`: turns a pretix badge layout (and its
//! background PDF) into a template set, through the library's importer.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::output::{fail, print_warnings};

/// `laminate import`.
#[derive(Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub from: ImportFrom,
}

/// What `laminate import` reads.
#[derive(Subcommand)]
pub enum ImportFrom {
    /// A pretix badge layout (the JSON of pretix's layout editor, or
    /// `badgelayouts[].layout` of its REST API) as a template set that
    /// renders the same badge (docs/pretix.md).
    Pretix(PretixArgs),
}

/// `laminate import pretix`.
#[derive(Args)]
pub struct PretixArgs {
    /// The layout's JSON.
    #[arg(value_name = "LAYOUT.json")]
    pub layout: PathBuf,
    /// The layout's background PDF: its first page is the badge (and its
    /// size), a second page the back. Default: pretix's blank A6 landscape.
    #[arg(long, value_name = "BG.pdf")]
    pub background: Option<PathBuf>,
    /// The pass type to write (default: the layout file's name).
    #[arg(long, value_name = "TYPE")]
    pub name: Option<String>,
    /// The template folder to write (new, or empty).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// Imports and writes the set (whole or not at all).
pub fn run(args: ImportArgs) -> ExitCode {
    let ImportFrom::Pretix(args) = args.from;
    match laminate_passes::load::pretix::import_files(
        &args.layout,
        args.background.as_deref(),
        args.name.as_deref(),
        &args.output,
    ) {
        Ok((imported, sources)) => {
            print_warnings(&sources, imported.warnings, None);
            let files: Vec<&str> = imported.files.iter().map(|(n, _)| n.as_str()).collect();
            say!("laminate: wrote {}: {}", args.output.display(), files.join(", "));
            if !imported.extra_fields.is_empty() {
                say!(
                    "laminate: the template shows these `extra` values of each roster entry: {}",
                    imported.extra_fields.join(", ")
                );
            }
            ExitCode::SUCCESS
        }
        Err(f) => fail(f),
    }
}
