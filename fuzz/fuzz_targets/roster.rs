//! Fuzzes the roster loader: any text must give a roster or diagnostics
//! whose places can be printed, never a panic or a hang.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use laminate_passes::diag::{self, Sources};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::default();
    let file = sources.add("roster.yaml", Arc::from(text));
    let mut out = Vec::new();
    let _ = laminate_passes::load::roster::load(text, file, Path::new("/nonexistent"), &mut out);
    let mut printed = Vec::new();
    diag::emit(&mut printed, &sources, out, false).expect("diagnostics print");
});
