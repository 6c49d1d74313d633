//! The subcommands and option groups of the `laminate` binary, one module each.

pub mod pdfx;
