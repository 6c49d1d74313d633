//! Embeds the repo's templates/ folder in the binary: every file becomes an
//! entry of `BUILTIN_TEMPLATES` (name, bytes), sorted by name so builds are reproducible.

use std::env;
use std::fs;
use std::path::Path;

fn main() {
    // The variable as cargo sets it for this run, not as it was when the
    // build script was compiled: one compiled script may serve a checkout
    // in another folder that shares the target directory.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR set by cargo");
    let dir = Path::new(&manifest).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("templates/ exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut code = String::from("/// The files of templates/, embedded at build time.\npub static BUILTIN_TEMPLATES: &[(&str, &[u8])] = &[\n");
    for name in &names {
        println!("cargo:rerun-if-changed={}", dir.join(name).display());
        code.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            dir.join(name).to_string_lossy()
        ));
    }
    code.push_str("];\n");
    let out =
        Path::new(&env::var("OUT_DIR").expect("OUT_DIR set by cargo")).join("builtin_templates.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
