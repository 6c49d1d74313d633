//! `laminate import pretix` from the outside: pretix badge layouts (its own
//! default, its "simple" template, one with every element type, rotation,
//! alignments and line heights, and a two-sided one on a turned background
//! with object streams) become template sets whose badges put every Latin
//! line within 0.5 mm of where pretix 2026.8.0's own badge exporter put it
//! (tests/pretix/ref/*.pdf, made by tests/pretix/pretix_render.py); the
//! background stays vector art; a layout pretix's schema refuses is an
//! error naming the element and the key, and nothing is written.

mod util;

use std::fs;
use std::path::Path;

use util::{have, have_python_modules, laminate_in, root, temp, tool, CARD_PAGES};

/// 0.5 mm in pt.
const TOLERANCE: f64 = 0.5 * 72.0 / 25.4;

/// The attendees pretix_render.py gave pretix: (given, family, company).
const ATTENDEES: [(&str, &str, &str); 3] = [
    ("Ana", "Silva", "Harbour Sound Ltd"),
    ("José", "Müller-Łukasiewicz", "Stagehands"),
    (
        "Maximiliane-Theresa",
        "von Hohenzollern-Sigmaringen",
        "Internationale Veranstaltungstechnik GmbH & Co. KG",
    ),
];

/// A roster with pretix's attendees as passes of `pass`, carrying the
/// values pretix printed (order codes as pretix_render.py made them).
fn roster(pass: &str) -> String {
    let mut r = String::from(
        "event: {name: Harbour Jazz Night 2026, starts: 2026-08-01, ends: 2026-08-02}\npasses:\n",
    );
    for (i, (given, family, company)) in ATTENDEES.iter().enumerate() {
        let order = format!("{}{i:02}", pass[..3].to_uppercase());
        r.push_str(&format!(
            "  - id: P{i}\n    name: \"{given} {family}\"\n    organisation: \"{company}\"\n    pass: {pass}\n    ticket: secret{i:04}abcdefghijkmnopqrs\n    extra: {{item: Day ticket, order: {order}, positionid: \"1\", attendee_name_family_name: \"{family}\"}}\n"
        ));
    }
    r
}

/// One line of text as MuPDF reads it: page, first and last character
/// origins (pt, y from the top) and the text.
#[derive(Debug, Clone)]
struct Line {
    page: usize,
    first: (f64, f64),
    last: (f64, f64),
    text: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[at..].find('"')? + at;
    Some(
        tag[at..end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&apos;", "'"),
    )
}

/// Every text line of a PDF, with `mutool draw -F stext` (lines set
/// smaller than 1 pt, like pretix's hidden QR note, are left out).
fn lines(pdf: &Path) -> Vec<Line> {
    // util::tool fails the test when mutool fails.
    let xml = tool("mutool", &["draw", "-q", "-F", "stext", "-o", "-", pdf.to_str().unwrap()]);
    let mut out = Vec::new();
    let mut page = 0;
    let mut size = 0.0;
    let mut chars: Vec<((f64, f64), String)> = Vec::new();
    for tag in xml.split('<').skip(1) {
        if tag.starts_with("page ") {
            page += 1;
        } else if tag.starts_with("font ") {
            size = attr(tag, "size").and_then(|s| s.parse().ok()).unwrap_or(0.0);
        } else if tag.starts_with("char ") && size >= 1.0 {
            let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
            let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
            chars.push(((x, y), attr(tag, "c").unwrap()));
        } else if tag.starts_with("/line") {
            let text: String = chars.iter().map(|(_, c)| c.as_str()).collect();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                out.push(Line { page, first: chars[0].0, last: chars[chars.len() - 1].0, text });
            }
            chars.clear();
        }
    }
    out
}

/// Imports `tests/pretix/CASE.json` (with CASE.pdf as background when there
/// is one) into the template set `set` inside `dir`; the import must succeed.
fn import_case(dir: &Path, case: &str) {
    let src = root().join("tests/pretix");
    let layout = src.join(format!("{case}.json"));
    let background = src.join(format!("{case}.pdf"));
    let mut args = vec!["import", "pretix", layout.to_str().unwrap(), "-o", "set"];
    if background.exists() {
        args.extend(["--background", background.to_str().unwrap()]);
    }
    let run = laminate_in(dir, &args, &[]);
    assert_eq!(run.status, 0, "import {case}: {}", run.stderr);
}

/// Imports `tests/pretix/CASE.json` (with CASE.pdf as background when there
/// is one), renders pretix's attendees with it, and compares every line
/// pretix drew with laminate's line of the same text on the same page.
fn compare(case: &str, duplex: bool) {
    if !have("mutool") {
        return;
    }
    let dir = temp();
    let src = root().join("tests/pretix");
    import_case(dir.path(), case);
    fs::write(dir.path().join("r.yaml"), roster(case)).unwrap();
    let mut args = vec!["render", "r.yaml", "--templates", "set", "-o", "out.pdf"];
    args.extend(CARD_PAGES);
    if duplex {
        args.push("--duplex");
    }
    let run = laminate_in(dir.path(), &args, &[("SOURCE_DATE_EPOCH", "0")]);
    assert_eq!(run.status, 0, "render {case}: {}", run.stderr);
    let theirs = lines(&src.join(format!("ref/{case}.pdf")));
    let ours = lines(&dir.path().join("out.pdf"));
    assert!(!theirs.is_empty());
    let mut worst: f64 = 0.0;
    for t in &theirs {
        let Some(o) = ours.iter().find(|o| o.page == t.page && o.text == t.text) else {
            panic!(
                "{case}: page {} has no line {:?}; laminate's lines: {:#?}",
                t.page,
                t.text,
                ours.iter().filter(|o| o.page == t.page).map(|o| &o.text).collect::<Vec<_>>()
            );
        };
        for (a, b) in [(t.first, o.first), (t.last, o.last)] {
            let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
            worst = worst.max(d);
            assert!(d <= TOLERANCE, "{case}: page {} {:?}: pretix at {a:?}, laminate at {b:?}, {d:.2} pt apart (at most {TOLERANCE:.2})", t.page, t.text);
        }
    }
    eprintln!(
        "{case}: {} lines, at most {:.3} mm from pretix's",
        theirs.len(),
        worst * 25.4 / 72.0
    );
}

#[test]
fn pretix_default_layout_places_names_as_pretix_does() {
    compare("default", false);
}

#[test]
fn pretix_simple_layout_shrinks_and_aligns_as_pretix_does() {
    compare("simple", false);
}

#[test]
fn every_element_type_rotation_and_line_height_match_pretix() {
    compare("mixed", false);
}

#[test]
fn a_turned_two_page_background_gives_two_sided_badges() {
    compare("twosided", true);
}

#[test]
fn the_background_is_vector_art_and_sets_the_page_size() {
    // Regression: the background must be the page itself (a Form XObject),
    // not an image, and the badge takes its first page's shown size.
    if !have("pdfimages") || !have("pdfinfo") || !have("pdftotext") {
        return;
    }
    let dir = temp();
    import_case(dir.path(), "twosided");
    fs::write(dir.path().join("r.yaml"), roster("twosided")).unwrap();
    let mut args = vec!["render", "r.yaml", "--templates", "set", "-o", "out.pdf"];
    args.extend(CARD_PAGES);
    assert_eq!(laminate_in(dir.path(), &args, &[]).status, 0);
    let out = dir.path().join("out.pdf");
    let images = tool("pdfimages", &["-list", out.to_str().unwrap()]);
    assert_eq!(images.lines().count(), 2, "no images, only the header: {images}");
    let info = tool("pdfinfo", &[out.to_str().unwrap()]);
    assert!(info.contains("419.528 x 297.638 pts"), "{info}");
    let text = tool("pdftotext", &[out.to_str().unwrap(), "-"]);
    assert!(text.contains("Harbour Jazz Night"), "the background's own text is there: {text}");
}

#[test]
fn the_qr_code_sits_where_pretix_draws_it() {
    // Regression: pretix draws reportlab's QR code with a 4-module border
    // (none with `nowhitespace`); laminate's default border is 1 module, so
    // an import that left the border out would draw a larger code than
    // pretix. zxing-cpp reads both pages at 300 dpi and gives the corners of
    // each code: they must agree within 0.5 mm, at the same error level.
    if !have("pdftoppm") || !have("python3") || !have_python_modules(&["zxingcpp", "PIL"]) {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let src = root().join("tests/pretix");
    import_case(d, "mixed");
    fs::write(d.join("r.yaml"), roster("mixed")).unwrap();
    let mut args = vec!["render", "r.yaml", "--templates", "set", "-o", "out.pdf", "--only", "P0"];
    args.extend(CARD_PAGES);
    let run = laminate_in(d, &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let read = |pdf: &Path, name: &str| -> String {
        let png = d.join(name).display().to_string();
        let pdf = pdf.display().to_string();
        tool("pdftoppm", &["-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", &pdf, &png]);
        let script = "import sys, zxingcpp; from PIL import Image\n\
            for b in zxingcpp.read_barcodes(Image.open(sys.argv[1])):\n\
            \x20   p = b.position\n\
            \x20   print(b.ec_level, *(v for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left) for v in (c.x, c.y)))";
        tool("python3", &["-c", script, &format!("{png}.png")])
    };
    let ours = read(&d.join("out.pdf"), "ours");
    let theirs = read(&src.join("ref/mixed.pdf"), "theirs");
    let parse = |s: &str| -> (String, Vec<f64>) {
        let f: Vec<&str> = s.split_whitespace().collect();
        assert_eq!(f.len(), 9, "one code on the page: {s:?}");
        (f[0].to_string(), f[1..].iter().map(|v| v.parse().unwrap()).collect())
    };
    let ((our_level, ours), (their_level, theirs)) = (parse(&ours), parse(&theirs));
    assert_eq!(our_level, their_level);
    // 0.5 mm at 300 dpi, in pixels.
    let tolerance = 0.5 / 25.4 * 300.0;
    for (a, b) in ours.iter().zip(&theirs) {
        assert!((a - b).abs() <= tolerance, "corners: laminate {ours:?}, pretix {theirs:?} (px)");
    }
}

#[test]
fn a_layout_outside_pretix_schema_names_element_and_key_and_writes_nothing() {
    let dir = temp();
    fs::write(
        dir.path().join("layout.json"),
        "[\n {\"type\": \"textcontainer\", \"left\": \"5\", \"bottom\": \"5\", \"width\": \"50\", \"height\": \"10\",\n  \"fontsize\": \"large\", \"fontfamily\": \"Open Sans\", \"bold\": true, \"italic\": false,\n  \"align\": \"left\", \"verticalalign\": \"top\", \"color\": [0, 0, 0, 1], \"content\": \"attendee_name\"},\n {\"type\": \"barcodearea\", \"left\": 1, \"bottom\": 2, \"size\": 20, \"colour\": [0, 0, 0]}\n]\n",
    )
    .unwrap();
    let run = laminate_in(dir.path(), &["import", "pretix", "layout.json", "-o", "set"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    for (place, message) in [
        ("layout.json:3:15", "error: element 1 (textcontainer, attendee_name): `fontsize` must be a number or a number written as a string (\"12.5\"), not \"large\""),
        ("layout.json:5:62", "error: element 2 (barcodearea): `colour` is not a key of this element (did you mean `color`?)"),
    ] {
        assert!(run.stderr.contains(place) && run.stderr.contains(message), "{place} {message} in {}", run.stderr);
    }
    assert!(!dir.path().join("set").exists(), "nothing is written");
}

#[test]
fn pdfx_refuses_a_pdf_background_and_writes_nothing() {
    // Regression: a background's colours cannot be checked for PDF/X-4, so
    // --pdfx must not claim PDF/X for a file that draws one.
    let dir = temp();
    import_case(dir.path(), "twosided");
    fs::write(dir.path().join("r.yaml"), roster("twosided")).unwrap();
    let run = laminate_in(
        dir.path(),
        &["render", "r.yaml", "--templates", "set", "--pdfx", "-o", "out.pdf"],
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("the background twosided-background.pdf#1 is a PDF page"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("leave out --pdfx for a template with a PDF background"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("out.pdf").exists());
}
