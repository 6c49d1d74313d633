//! The subcommands, one module each: clap arguments and a `run` that calls
//! the library.

pub mod checkins;
pub mod door;
