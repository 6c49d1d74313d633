//! Names read back from the PDF as written, in the four engines people read
//! passes with: poppler (pdftotext), PDFium (Chrome, through pypdfium2),
//! pdf.js (Firefox, under node) and MuPDF 1.21 (mutool), the last two
//! ignoring ActualText. scripts/test installs all four.

mod util;

use std::collections::BTreeMap;
use std::fs;

use laminate::diag::FileId;
use unicode_properties::UnicodeGeneralCategory;
use util::{have, have_helper, laminate_in, root, temp, tool};

/// How a name came back from an engine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Read {
    /// As written.
    Exact,
    /// With the marks of a letter in another order: canonically equivalent
    /// to the name (Unicode 3.11, the same text to any search that
    /// normalises), but not the same code points.
    Equivalent,
    /// As written but for its format characters (Unicode Cf: zero width
    /// non-joiner and joiner), which were left out.
    NoFormat,
    /// Anything else.
    Wrong,
}

/// The names an engine reads back less than exactly, by id. PDFium keeps a
/// run of marks in the order they sit on the page where poppler reverses
/// it with the letters around it; no one order of the invisible text
/// pleases both (see src/pdf/glyphs.rs), and laminate's keeps poppler
/// exact. pdf.js leaves every format character out of the text of any PDF
/// (its `SpecialCharRegExp`), such as the zero width non-joiner of a
/// Persian name.
///
/// Lines that mix directions (MX) are not read back right everywhere:
/// poppler and PDFium choose a line's direction by counting letters (or
/// runs of them), not by its first strong character (Unicode rule P2), so a
/// Latin title before a longer Arabic name ends up last; PDFium also puts
/// the runs of some lines in page order; and pdf.js drops the space where a
/// right-to-left line turns left to right, or, in a line that mixes
/// directions, the space between right-to-left words.
///
/// The test fails when this list is wrong either way, so that a fix (or a
/// regression) updates it.
const NOT_EXACT: &[(&str, Read, &[&str])] = &[
    ("poppler", Read::Wrong, &["MX-5"]),
    ("PDFium", Read::Equivalent, &["AR-1", "AR-3", "HE-1", "HE-2", "HE-4", "MX-3"]),
    ("PDFium", Read::Wrong, &["MX-2", "MX-4", "MX-5"]),
    ("pdf.js", Read::NoFormat, &["FA-2"]),
    ("pdf.js", Read::Wrong, &["MX-2", "MX-3", "MX-5"]),
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
/// the bidirectional controls some readers wrap right-to-left text in
/// (invisible, and not part of the name).
fn normalised(page: &str) -> String {
    let kept: String = page
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How `got` reads as `name`.
fn read(got: &str, name: &str) -> Read {
    let format =
        |c: &char| matches!(c.general_category(), unicode_properties::GeneralCategory::Format);
    if got == name {
        Read::Exact
    } else if canonical_order(got) == canonical_order(name) {
        Read::Equivalent
    } else if got.chars().eq(name.chars().filter(|c| !format(c))) {
        Read::NoFormat
    } else {
        Read::Wrong
    }
}

/// Text in canonical order (Unicode 3.11): each run of combining marks
/// sorted, stably, by combining class. Two strings without decomposable
/// characters are canonically equivalent when these are equal.
fn canonical_order(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    let class = |c: char| unicode_ccc::get_canonical_combining_class(c) as u8;
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && class(chars[i]) != 0 {
            i += 1;
        }
        chars[start..i].sort_by_key(|&c| class(c));
        i = i.max(start + 1);
    }
    chars
}

#[test]
fn names_with_combining_marks_extract_as_written_in_four_engines() {
    // Guards issue 14: names with harakat, niqqud, vowel signs and stacked
    // accents extracted with letters that are not in them (one ToUnicode
    // string per glyph id), right-to-left names reversed in MuPDF, marks
    // split off their letters in poppler and PDFium, the spaces between
    // right-to-left words lost in pdf.js, and U+FFFD for glyphs with no
    // mapping.
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

    // Names read back less than exactly, per script (the id's prefix) and
    // engine, for the message.
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut inexact = Vec::new();
    let mut surprises = Vec::new();
    for (engine, text) in engines(&pdf) {
        let pages: Vec<&str> = text.split('\u{c}').collect();
        for (n, e) in entries.iter().enumerate() {
            let script = e.id.split('-').next().unwrap();
            let count = counts.entry((script, engine)).or_default();
            let got = normalised(pages.get(n).copied().unwrap_or(""));
            let how = read(&got, &e.name);
            let expected = NOT_EXACT
                .iter()
                .find(|(k, _, ids)| *k == engine && ids.contains(&&*e.id))
                .map_or(Read::Exact, |(_, how, _)| *how);
            if how != Read::Exact {
                *count += 1;
                inexact
                    .push(format!("{engine}: {} {:?} came back {how:?} as {got:?}", e.id, e.name));
            }
            if how != expected {
                surprises.push(format!(
                    "{engine}: {} {:?} came back {how:?}, not {expected:?}, as {got:?}",
                    e.id, e.name
                ));
            }
        }
    }
    let mut table = String::from("names not read back exactly, per script and engine\n");
    table.push_str("script  poppler  PDFium  pdf.js   MuPDF\n");
    let mut scripts: Vec<&str> = counts.keys().map(|(s, _)| *s).collect();
    scripts.dedup();
    for s in scripts {
        let n = |e| counts[&(s, e)];
        table.push_str(&format!(
            "{s:<7} {:>7} {:>7} {:>7} {:>7}\n",
            n("poppler"),
            n("PDFium"),
            n("pdf.js"),
            n("MuPDF")
        ));
    }
    eprintln!("{table}\n{}", inexact.join("\n"));
    assert!(surprises.is_empty(), "{table}\n{}", surprises.join("\n"));

    // The reading font's two dictionaries share their CIDFont: a valid file.
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
