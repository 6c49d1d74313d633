//! The subcommands of `laminate`, one module each: its arguments and its `run`.

pub mod merge;
