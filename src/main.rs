//! The `laminate` command: parses arguments and hands each subcommand to
//! its module under `cli/`, which calls the library.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Render(cli::render::RenderArgs),
    /// Run every check of render and write nothing.
    Validate(cli::validate::ValidateArgs),
    /// Make an Ed25519 key pair for signing QR payloads: KEYFILE (private,
    /// mode 0600) and KEYFILE.pub (public, for door scanners).
    Keygen(cli::keygen::KeygenArgs),
    /// Check a scanned QR payload: signature, and optionally date, zone and revocations.
    Verify(cli::verify::VerifyArgs),
    /// List the pass types of a template set and the fields each uses.
    Templates(cli::templates::TemplatesArgs),
    /// List the stock presets and paper sizes --sheet knows: paper, card
    /// size, slots, margins and gutters.
    Stocks(cli::stocks::StocksArgs),
    /// Render one pass, or the first sheet, to a PNG from the very PDF that
    /// render writes.
    Preview(cli::preview::PreviewArgs),
    /// Design pass types in the browser: a local page (127.0.0.1 only, with
    /// a session token) that shows the card as render draws it and saves
    /// the template YAML changing only what was edited. Ctrl-C stops it.
    Design(cli::design::DesignArgs),
    /// Start a project: write DIR/roster.yaml and a copy of the built-in
    /// templates in DIR/templates, to edit; or, with --from EXPORT, the
    /// event file a ticket-shop export needs.
    Init(cli::init::InitArgs),
    /// Turn a CSV or XLSX roster (with its NAME.event.yaml) into a YAML roster.
    Convert(cli::convert::ConvertArgs),
    /// Print a shell completion script to standard output.
    Completions(cli::completions::CompletionsArgs),
    /// Print the manual page (roff) to standard output.
    Man(cli::man::ManArgs),
    /// Write the offline door page that checks passes (docs/door.md).
    Door(cli::door::DoorArgs),
    /// Join the scan logs that door pages export.
    Checkins(cli::checkins::CheckinsArgs),
    /// Join the shards of one `render --shard K/N` run into one file: their
    /// PDFs into one PDF, or their manifests into one manifest.
    Merge(cli::merge::MergeArgs),
}

fn main() -> ExitCode {
    let designing = matches!(std::env::args().nth(1).as_deref(), Some("design"));
    cli::signals::install(designing);
    let status = match Cli::parse().command {
        Command::Render(args) => cli::render::run(args),
        Command::Validate(args) => cli::validate::run(args),
        Command::Keygen(args) => cli::keygen::run(args),
        Command::Verify(args) => cli::verify::run(args),
        Command::Templates(args) => cli::templates::run(args),
        Command::Stocks(args) => cli::stocks::run(args),
        Command::Preview(args) => cli::preview::run(args),
        Command::Design(args) => cli::design::run(args),
        Command::Init(args) => cli::init::run(args),
        Command::Convert(args) => cli::convert::run(args),
        Command::Completions(args) => cli::completions::run(args),
        Command::Man(args) => cli::man::run(args),
        Command::Door(args) => cli::door::run(args),
        Command::Checkins(args) => cli::checkins::run(args),
        Command::Merge(args) => cli::merge::run(args),
    };
    cli::signals::hold_if_stopping();
    status
}
