//! Names read back from the PDF as written, in the four engines people read
//! passes with: poppler (pdftotext), PDFium (Chrome, through pypdfium2),
//! pdf.js (Firefox, under node) and MuPDF 1.21 (mutool), the last two
//! ignoring ActualText. scripts/test installs all four.

mod util;

use std::collections::BTreeMap;
use std::fs;

use laminate::diag::FileId;
use util::{have, have_helper, laminate_in, root, temp, tool};

/// Where scripts/test installs pdfjs-dist (git-ignored).
const PDFJS: &str = ".test-tools/node_modules";

/// The engines, each a command that prints a PDF's pages' text separated
/// by form feeds.
fn engines(pdf: &str) -> Vec<(&'static str, String)> {
    let run = |program: &str, args: &[&str], env: &[(&str, String)]| {
        let mut cmd = std::process::Command::new(program);
        cmd.args(args).current_dir(root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the engine runs");
        assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("engines print UTF-8")
    };
    let poppler = run("pdftotext", &[pdf, "-"], &[]);
    let pdfium = run("python3", &["tests/extract/pdfium.py", pdf], &[]);
    let pdfjs = run(
        "node",
        &["tests/extract/pdfjs.mjs", pdf],
        &[("NODE_PATH", root().join(PDFJS).display().to_string())],
    );
    // Quiet, so its warnings do not mix with the text; pages end in form feeds.
    let mupdf = run("mutool", &["draw", "-q", "-F", "txt", "-o", "-", pdf], &[]);
    vec![("poppler", poppler), ("PDFium", pdfium), ("pdf.js", pdfjs), ("MuPDF", mupdf)]
}

/// A page's text as one line: whitespace runs made one space, and the
/// bidirectional controls some readers wrap right-to-left text in left out
/// (they are not part of the name).
fn normalised(page: &str) -> String {
    let kept: String = page
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn names_with_combining_marks_extract_as_written_in_four_engines() {
    let tools = [have("pdftotext"), have("mutool"), have("python3"), have("node")];
    let helpers = [
        have_helper("pypdfium2", || tool("python3", &["-c", "import pypdfium2"]).0),
        have_helper("pdfjs-dist", || {
            root().join(PDFJS).join("pdfjs-dist/legacy/build/pdf.mjs").exists()
        }),
    ];
    if tools.iter().chain(&helpers).any(|ok| !ok) {
        return;
    }
    let dir = temp();
    let pdf = dir.path().join("marks.pdf").display().to_string();
    let args = [
        "render",
        "tests/marks/roster.yaml",
        "--templates",
        "tests/marks/templates",
        "-o",
        &pdf,
        "--sheet",
        "card",
        "--bleed",
        "0",
        "--no-crop-marks",
        "--no-slug",
        "--quiet",
    ];
    let run = laminate_in(&root(), &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);

    let path = root().join("tests/marks/roster.yaml");
    let mut diags = vec![];
    let text = fs::read_to_string(&path).unwrap();
    let roster = laminate::roster::load(&text, FileId(0), path.parent().unwrap(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let entries = roster.unwrap().entries;

    // Failures per script (the id's prefix) and engine, for the message.
    let mut failed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (engine, text) in engines(&pdf) {
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for (n, e) in entries.iter().enumerate() {
            let script = e.id.split('-').next().unwrap();
            failed.entry((script, engine)).or_default();
            let got = normalised(pages.get(n).copied().unwrap_or(""));
            if got != *e.name {
                *failed.get_mut(&(script, engine)).unwrap() += 1;
                wrong.push(format!("{engine}: {} {:?} came back as {got:?}", e.id, e.name));
            }
        }
    }
    let mut table = String::from("script  poppler PDFium pdf.js MuPDF\n");
    let mut scripts: Vec<&str> = failed.keys().map(|(s, _)| *s).collect();
    scripts.dedup();
    for s in scripts {
        let count = |e| failed[&(s, e)];
        table.push_str(&format!(
            "{s:<7} {:>7} {:>6} {:>6} {:>5}\n",
            count("poppler"),
            count("PDFium"),
            count("pdf.js"),
            count("MuPDF")
        ));
    }
    eprintln!("names that came back wrong, per script and engine:\n{table}");
    assert!(wrong.is_empty(), "{table}\n{}", wrong.join("\n"));
}
