//! laminate-passes-cli: the `laminate` command. Its subcommands (`cli`),
//! each turning its arguments into a call on the library, and the
//! designer's local web server (`serve`); progress bars and signals live
//! here, never in the library.

pub mod cli;
pub mod serve;
