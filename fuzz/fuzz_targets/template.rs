//! Fuzzes the template loader: any text as one more file of the built-in
//! set must load or give printable diagnostics.
#![no_main]

use laminate_passes::diag::{self, Sources};
use laminate_passes::load::template::{self, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut sources = Sources::default();
    let mut out = Vec::new();
    let origin = Origin::BuiltinPlus { name: "fuzz.yaml".into(), text: text.into() };
    let _ = template::folder::load(&origin, &mut sources, &mut out);
    let mut printed = Vec::new();
    diag::emit(&mut printed, &sources, out, false).expect("diagnostics print");
});
