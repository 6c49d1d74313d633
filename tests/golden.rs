//! Golden cases: every folder under tests/cases/ is one run of the binary,
//! compared byte for byte with what it produced before.
//!
//! A case folder holds `args` (the command line; `{out}` stands for a fresh
//! output folder), the inputs it names, `status` (the exit code), `stderr`,
//! and every file the run writes into `{out}` (e.g. `out.pdf` and its
//! readable dump `out.dump`). A missing expected file fails the test.
//! `LAMINATE_BLESS=1 cargo test --test golden` rewrites the expected files.

mod util;

use std::fs;
use std::path::Path;

fn check(case: &Path, bless: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let args_text = fs::read_to_string(case.join("args")).expect("case has an args file");
    let out = util::temp();
    let out_dir = out.path().to_str().expect("utf-8 temp path").to_string();
    let args: Vec<String> =
        args_text.split_whitespace().map(|a| a.replace("{out}", &out_dir)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = util::laminate_in(case, &args, &[]);
    let mut produced = vec![
        ("status".to_string(), format!("{}\n", run.status).into_bytes()),
        ("stderr".to_string(), run.stderr.into_bytes()),
    ];
    let mut files: Vec<_> =
        fs::read_dir(out.path()).expect("out dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for f in files {
        produced.push((
            f.file_name().unwrap().to_string_lossy().into_owned(),
            fs::read(&f).expect("output readable"),
        ));
    }
    for (name, bytes) in &produced {
        let expected_path = case.join(name);
        if bless {
            fs::write(&expected_path, bytes).expect("bless writes");
            continue;
        }
        match fs::read(&expected_path) {
            Ok(expected) if &expected == bytes => {}
            Ok(expected) => {
                let show = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(4000)]).into_owned();
                problems.push(if name.ends_with(".pdf") {
                    format!(
                        "{name} differs ({} bytes now, {} expected); compare the .dump files",
                        bytes.len(),
                        expected.len()
                    )
                } else {
                    format!(
                        "{name} differs.\n--- expected\n{}\n--- got\n{}",
                        show(&expected),
                        show(bytes)
                    )
                });
            }
            Err(_) => problems.push(format!(
                "{name} was produced but {} does not exist (bless with LAMINATE_BLESS=1)",
                expected_path.display()
            )),
        }
    }
    // Expected outputs that the run no longer produces.
    for entry in fs::read_dir(case).expect("case dir") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        let is_output = name.starts_with("out.");
        if is_output && !produced.iter().any(|(n, _)| *n == name) {
            problems.push(format!("expected {name}, but the run did not write it"));
        }
    }
    problems
}

#[test]
fn golden_cases() {
    let bless = std::env::var_os("LAMINATE_BLESS").is_some_and(|v| v == "1");
    let dir = util::root().join("tests/cases");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 4, "expected the golden cases under {}", dir.display());
    let mut failures = Vec::new();
    for case in &cases {
        for p in check(case, bless) {
            failures.push(format!("{}: {p}", case.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} golden problems:\n{}", failures.len(), failures.join("\n\n"));
}
