//! Names read back from the PDF as written, in the four engines people read
//! passes with: poppler (pdftotext), PDFium (Chrome, through pypdfium2),
//! pdf.js (Firefox, under node) and MuPDF 1.21 (mutool), the last two
//! ignoring ActualText. scripts/test installs all four.

mod util;

use std::collections::BTreeMap;
use std::fs;

use laminate::diag::FileId;
use util::{have, have_helper, laminate_in, root, temp, tool};

/// The names each engine still reads back wrong, by id (see the report in
/// the test's output): marks in right-to-left names come back out of order
/// in the engines that order text by position (poppler, PDFium), pdf.js
/// loses the spaces between right-to-left words, and MuPDF puts a space
/// inside a Bengali and a Thai name (after a mark).
/// The test fails when this list is wrong either way, so that a fix (or a
/// regression) updates it.
const KNOWN: &[(&str, &[&str])] = &[
    ("poppler", &["AR-1", "AR-2", "AR-3", "AR-4", "AR-5", "HE-1", "HE-2", "HE-3", "HE-4"]),
    ("PDFium", &["AR-1", "AR-2", "AR-3", "AR-4", "AR-5", "HE-1", "HE-2", "HE-3", "HE-4"]),
    ("pdf.js", &["AR-1", "AR-2", "AR-3", "AR-4", "AR-5", "HE-1", "HE-2", "HE-3", "HE-4", "HE-5"]),
    ("MuPDF", &["BN-1", "TH-4"]),
];

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

/// A page's text as one line: whitespace runs made one space, and left out
/// the bidirectional controls some readers wrap right-to-left text in and
/// the WORD JOINER laminate maps the second glyph of a split vowel to (all
/// invisible and not part of the name; MuPDF alone keeps the joiner).
fn normalised(page: &str) -> String {
    let kept: String = page
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn names_with_combining_marks_extract_as_written_in_four_engines() {
    // Guards issue 14: names with harakat, niqqud, vowel signs and stacked
    // accents extracted with letters that are not in them (one ToUnicode
    // string per glyph id), right-to-left names reversed in MuPDF, and
    // U+FFFD for glyphs with no mapping.
    let tools = [have("pdftotext"), have("mutool"), have("python3"), have("node"), have("qpdf")];
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
    // Same input, same bytes (here with one worker thread instead of one a core).
    let one = dir.path().join("one.pdf").display().to_string();
    let mut single = args.to_vec();
    single[5] = &one;
    single.extend(["--jobs", "1"]);
    let run = laminate_in(&root(), &single, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(fs::read(&pdf).unwrap() == fs::read(&one).unwrap(), "--jobs 1 gave other bytes");

    let path = root().join("tests/marks/roster.yaml");
    let mut diags = vec![];
    let text = fs::read_to_string(&path).unwrap();
    let roster = laminate::roster::load(&text, FileId(0), path.parent().unwrap(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let entries = roster.unwrap().entries;

    // Failures per script (the id's prefix) and engine, for the message.
    let mut failed: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    let mut surprises = Vec::new();
    for (engine, text) in engines(&pdf) {
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for (n, e) in entries.iter().enumerate() {
            let script = e.id.split('-').next().unwrap();
            failed.entry((script, engine)).or_default();
            let got = normalised(pages.get(n).copied().unwrap_or(""));
            let known = KNOWN.iter().any(|(k, ids)| *k == engine && ids.contains(&&*e.id));
            if got != *e.name {
                *failed.get_mut(&(script, engine)).unwrap() += 1;
                wrong.push(format!("{engine}: {} {:?} came back as {got:?}", e.id, e.name));
                if !known {
                    surprises.push(format!("{engine}: {} {:?} came back as {got:?}", e.id, e.name));
                }
            } else if known {
                surprises.push(format!("{engine}: {} now comes back right: update KNOWN", e.id));
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
    eprintln!("names that came back wrong, per script and engine:\n{table}\n{}", wrong.join("\n"));
    assert!(surprises.is_empty(), "{table}\n{}", surprises.join("\n"));

    // The layers' font dictionaries share their CIDFont: a valid file.
    let (ok, stdout, stderr) = tool("qpdf", &["--check", &pdf]);
    assert!(ok && stdout.contains("No syntax or stream encoding errors"), "{stdout}{stderr}");
}

/// Where `--dump` puts the text `name` on its card: its x in pt.
fn dumped_x(dump: &str, name: &str) -> f64 {
    let line = dump
        .lines()
        .find(|l| l.contains(" text ") && l.contains(&format!("\"{name}\"")))
        .unwrap_or_else(|| panic!("{name} not in the dump:\n{dump}"));
    let at = line.trim_start().strip_prefix('@').unwrap();
    at.split(',').next().unwrap().parse().unwrap()
}

#[test]
fn align_start_sets_right_to_left_names_flush_right_and_others_flush_left() {
    let dir = temp();
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    let guest = fs::read_to_string(root().join("tests/marks/templates/guest.yaml")).unwrap();
    for align in ["start", "end"] {
        fs::write(
            templates.join("guest.yaml"),
            guest.replace("    min_size: 4\n", &format!("    min_size: 4\n    align: {align}\n")),
        )
        .unwrap();
        fs::write(
            dir.path().join("roster.yaml"),
            "event: { name: A, venue: B, starts: 2026-09-18, ends: 2026-09-18 }\n\
             passes:\n\
             \x20 - { id: R-1, name: יעל בר-און, pass: guest }\n\
             \x20 - { id: R-2, name: محمد عبد الله, pass: guest }\n\
             \x20 - { id: L-1, name: Ann Lee, pass: guest }\n",
        )
        .unwrap();
        let args = [
            "render",
            "roster.yaml",
            "--templates",
            "templates",
            "-o",
            "out.pdf",
            "--sheet",
            "card",
            "--bleed",
            "0",
            "--no-crop-marks",
            "--no-slug",
            "--quiet",
            "--dump",
            "out.dump",
        ];
        let run = laminate_in(dir.path(), &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let dump = fs::read_to_string(dir.path().join("out.dump")).unwrap();
        // The box runs from 3 mm (8.5 pt) to 82.6 mm (234.1 pt) on the card.
        let flush_left = |x: f64| (x - 8.504).abs() < 0.01;
        let latin = dumped_x(&dump, "Ann Lee");
        let hebrew = dumped_x(&dump, "יעל בר-און");
        let arabic = dumped_x(&dump, "محمد عبد الله");
        if align == "start" {
            assert!(flush_left(latin), "{dump}");
            assert!(!flush_left(hebrew) && hebrew > 100.0, "{dump}");
            assert!(!flush_left(arabic) && arabic > 100.0, "{dump}");
        } else {
            assert!(!flush_left(latin) && latin > 100.0, "{dump}");
            assert!(flush_left(hebrew) && flush_left(arabic), "{dump}");
        }
    }
}
