//! Load: the run's inputs, read and checked: rosters (YAML, CSV, XLSX and
//! ticket-shop exports), template sets, dates and times, reprint state.

pub mod pretix;
pub mod reprint;
pub mod roster;
pub mod sources;
pub mod template;
pub mod when;
