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
