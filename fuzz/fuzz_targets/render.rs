//! Fuzzes a whole render (validate: everything but the file) of a roster
//! against the built-in templates.
#![no_main]

use laminate_passes::impose::SheetSpec;
use laminate_passes::{diag, Failure, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("laminate-fuzz-{}.yaml", std::process::id()));
    std::fs::write(&path, data).expect("temp file");
    // On one card a page, as the smallest output that runs every stage.
    let opts = RenderOptions { sheet: SheetSpec::Card, ..RenderOptions::new(path) };
    if let Err(Failure::Input { sources, diagnostics }) = laminate_passes::render(&opts, None) {
        let mut printed = Vec::new();
        diag::emit(&mut printed, &sources, diagnostics, false).expect("diagnostics print");
    }
});
