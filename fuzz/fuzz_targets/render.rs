//! Fuzzes a whole render (validate: everything but the file) of a roster
//! against the built-in templates.
#![no_main]

use laminate::impose::SheetSpec;
use laminate::{diag, units, Failure, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("laminate-fuzz-{}.yaml", std::process::id()));
    std::fs::write(&path, data).expect("temp file");
    let opts = RenderOptions {
        roster: path,
        templates: None,
        sheet: SheetSpec::Card,
        bleed: units::mm(3.0),
        crop_marks: true,
        only: vec![],
        pass: vec![],
        proof: false,
        epoch: 0,
        dump: None,
        manifest: None,
        shard: None,
        jobs: 1,
        key: None,
        reprint: false,
        security_ink: None,
        duplex: None,
        slug: true,
        group_by_pass: false,
        start_at: 0,
        printer_profile: None,
        split_by_pass: false,
        registration_marks: false,
    };
    if let Err(Failure::Input { sources, diagnostics }) = laminate::render(&opts, None) {
        let mut printed = Vec::new();
        diag::emit(&mut printed, &sources, diagnostics, false).expect("diagnostics print");
    }
});
