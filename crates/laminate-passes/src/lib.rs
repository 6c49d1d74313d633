//! laminate-passes: turns a roster of people into print-ready PDF sheets of
//! laminate passes. The library under the `laminate` command, the designer,
//! the Python module and the pretix plugin; it knows passes, not command
//! lines, HTTP, terminals or signals.
//!
//! The pipeline, one folder per stage (ARCHITECTURE.md has the map):
//! [`load`] (rosters in YAML, CSV, XLSX or ticket-shop exports, and template
//! sets) -> [`photos`] (each distinct photo prepared once, through a
//! persistent cache) -> [`resolve`] (entry + template -> `Badge`) ->
//! [`layout`] (`Badge` -> `Frame`) -> [`impose`] (frames -> `Sheet`s) ->
//! [`emit`] (sheets -> PDF files, each written by its own thread).
//! [`run`] holds the orchestrator: [`render_with_progress`] calls the stages
//! in order, and the designer calls the same ones for one card. Passes are
//! resolved and laid out, and their sheets' content streams made, on
//! `--jobs` worker threads, 256 passes at a time; the main thread places
//! cards on sheets in print order.

pub mod atomic;
pub mod checkins;
pub mod clobber;
pub mod diag;
pub mod door;
pub mod emit;
pub mod fonts;
pub mod frame;
pub mod impose;
pub mod init;
pub mod json;
pub mod layout;
pub mod load;
pub mod options;
pub mod outcome;
pub mod photos;
pub mod preview;
pub mod resolve;
pub mod run;
pub mod shards;
pub mod units;
pub mod warnings;
pub mod yaml;

pub use options::{default_bleed, find_sheet, fit_bleed, parse_sheet, RenderOptions};
pub use outcome::{Failure, Report};
pub use run::{load_templates, render, render_to_memory, render_with_progress};
