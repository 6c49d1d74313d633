//! The subcommands: turns each subcommand's arguments into a call on the
//! library and its result into messages and an exit status. One module a
//! subcommand, each with its clap `Args` and its `run`; `main` only
//! dispatches.

#[macro_use]
pub mod output;

pub mod checkins;
pub mod completions;
pub mod convert;
pub mod design;
pub mod door;
pub mod import;
pub mod init;
pub mod keygen;
pub mod man;
pub mod merge;
pub mod parse;
pub mod pdfx;
pub mod preview;
pub mod render;
pub mod signals;
pub mod stocks;
pub mod templates;
pub mod validate;
pub mod verify;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// Turns a YAML roster of people into print-ready PDF sheets of laminate passes.
#[derive(Parser)]
#[command(name = "laminate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Render a roster to a PDF of pass sheets.
    Render(render::RenderArgs),
    /// Run every check of render and write nothing.
    Validate(validate::ValidateArgs),
    /// Make an Ed25519 key pair for signing QR payloads: KEYFILE (private,
    /// mode 0600) and KEYFILE.pub (public, for door scanners).
    Keygen(keygen::KeygenArgs),
    /// Check a scanned QR payload: signature, and optionally date, zone and revocations.
    Verify(verify::VerifyArgs),
    /// List the pass types of a template set and the fields each uses.
    Templates(templates::TemplatesArgs),
    /// List the stocks --sheet knows (presets, pretix's badge sheets, the
    /// products of gLabels' database) with their paper, size, slots and
    /// source, and the paper sizes; words keep only the stocks that match.
    Stocks(stocks::StocksArgs),
    /// Render one pass, or the first sheet, to a PNG from the very PDF that
    /// render writes.
    Preview(preview::PreviewArgs),
    /// Design pass types in the browser: a local page (127.0.0.1 only, with
    /// a session token) that shows the card as render draws it and saves
    /// the template YAML changing only what was edited. Ctrl-C stops it.
    Design(design::DesignArgs),
    /// Start a project: write DIR/roster.yaml and a copy of the built-in
    /// templates in DIR/templates, to edit; or, with --from EXPORT, the
    /// event file a ticket-shop export needs.
    Init(init::InitArgs),
    /// Turn a CSV or XLSX roster (with its NAME.event.yaml) into a YAML roster.
    Convert(convert::ConvertArgs),
    /// Turn another program's badge layout into a template set: `laminate
    /// import pretix LAYOUT.json [--background BG.pdf] -o DIR`.
    Import(import::ImportArgs),
    /// Print a shell completion script to standard output.
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    Man(man::ManArgs),
    /// Write the offline door page that checks passes (docs/door.md).
    Door(door::DoorArgs),
    /// Join the scan logs that door pages export.
    Checkins(checkins::CheckinsArgs),
    /// Join the shards of one `render --shard K/N` run into one file: their
    /// PDFs into one PDF, or their manifests into one manifest.
    Merge(merge::MergeArgs),
}

/// Parses the command line and runs its subcommand, with the handlers
/// that end a run cleanly on SIGINT, SIGTERM and SIGHUP.
pub fn main() -> ExitCode {
    let designing = matches!(std::env::args().nth(1).as_deref(), Some("design"));
    signals::install(designing);
    let status = run(std::env::args_os());
    signals::hold_if_stopping();
    status
}

/// Runs the command line `argv` (the program's name first), printing what
/// `laminate` prints; the caller installs signal handlers if it wants them.
pub fn run<T: Into<std::ffi::OsString> + Clone>(argv: impl IntoIterator<Item = T>) -> ExitCode {
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match cli.command {
        Command::Render(args) => render::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Templates(args) => templates::run(args),
        Command::Stocks(args) => stocks::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Design(args) => design::run(args),
        Command::Init(args) => init::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Import(args) => import::run(args),
        Command::Completions(args) => completions::run(args, Cli::command()),
        Command::Man(args) => man::run(args, Cli::command()),
        Command::Door(args) => door::run(args),
        Command::Checkins(args) => checkins::run(args),
        Command::Merge(args) => merge::run(args),
    }
}
