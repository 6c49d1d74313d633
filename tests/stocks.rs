//! Stocks by name, from the outside: gLabels' product database where the
//! system installed it (Debian's glabels-data), pretix's badge sheets, and
//! `laminate stocks`. Where the labels land is read back from the PDF by
//! MuPDF (`mutool trace`) and compared with the XML, read by Python's own
//! XML parser (tests/stock_geometry.py), never by laminate's reader.

mod util;

use std::fs;
use std::path::Path;
use std::process::Command;

use util::{have, have_helper, laminate_in, root, temp};

/// Where Debian's glabels-data puts gLabels' database.
const GLABELS: &str = "/usr/share/libglabels-3.0/templates";

/// True when gLabels' database is installed (scripts/test installs it);
/// otherwise the test fails under LAMINATE_REQUIRE_TOOLS, as [`have`].
fn have_glabels() -> bool {
    have_helper("glabels-data", || Path::new(GLABELS).join("avery-iso-templates.xml").exists())
}

/// A template folder in which the sticky type is a plain label of `card`
/// (a background and the name, inside the card whatever its size), and a
/// roster of `n` sticky passes: the folder and the roster's path.
fn sticky_run(dir: &Path, card: &str, n: usize) -> (String, String) {
    let out = dir.join(format!("templates-{}", card.replace(['.', ' '], "_")));
    fs::create_dir_all(&out).unwrap();
    for e in fs::read_dir(root().join("templates")).unwrap() {
        let path = e.unwrap().path();
        fs::copy(&path, out.join(path.file_name().unwrap())).unwrap();
    }
    let size = laminate_passes::units::parse_card(card).unwrap();
    let (w, h) = (size.w * 25.4 / 72.0, size.h * 25.4 / 72.0);
    let sticky = format!(
        "card: {card}\ncorner_radius: 2mm\ndescription: A plain label\nlabel: GUEST\nzones: [afterparty]\n\
         colours: {{background: \"#ffffff\", text: \"#1a1a1a\"}}\nelements:\n  \
         background: {{type: rect, x: 0, y: 0, width: {w}, height: {h}, fill: background}}\n  \
         name: {{type: text, x: {x}, y: {y}, width: {tw}, height: 6, text: \"{{name}}\", size: 9, min_size: 4}}\n",
        x = w * 0.2,
        y = h * 0.4,
        tw = w * 0.6,
    );
    fs::write(out.join("sticky.yaml"), sticky).unwrap();
    let mut roster = String::from(
        "event: {name: Northern Lights Festival 2026, starts: 2026-07-10, ends: 2026-07-12}\npasses:\n",
    );
    for i in 1..=n {
        roster.push_str(&format!("  - {{id: S-{i:02}, name: Guest {i}, pass: sticky}}\n"));
    }
    let path = dir.join(format!("r{n}.yaml"));
    fs::write(&path, roster).unwrap();
    (out.display().to_string(), path.display().to_string())
}

/// Renders onto `sheet` with the die line and checks with
/// tests/stock_geometry.py that every label of the first page sits within
/// 0.1 mm of the product's XML geometry.
fn check_geometry(dir: &Path, sheet: &str, card: &str, n: usize, brand: &str, part: &str) {
    let (templates, roster) = sticky_run(dir, card, n);
    let pdf = dir.join("g.pdf");
    let run = laminate_in(
        dir,
        &[
            "render",
            &roster,
            "--templates",
            &templates,
            "--sheet",
            sheet,
            "--cut-contour",
            "-o",
            "g.pdf",
            "--quiet",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{sheet}: {}", run.stderr);
    let check = Command::new("python3")
        .arg(root().join("tests/stock_geometry.py"))
        .args([pdf.to_str().unwrap(), GLABELS, brand, part, &n.to_string()])
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{sheet}: {said}");
    assert!(said.contains(&format!("{n} labels within")), "{said}");
}

#[test]
fn glabels_products_sit_where_their_xml_puts_them() {
    // Guards the database reader and the imposition on it: the labels of
    // an A4 badge sheet (Avery L4785), a US Letter product (Avery 5395,
    // inches, a single `waste`), a product with two Layout lines (Staples
    // EU BC Supreme, lengths in pt) and a round label (Avery 5194) land
    // within 0.1 mm of the XML, and a round label's die line is its circle.
    if !have_glabels() || !have("mutool") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    check_geometry(d, "Avery L4785", "80x50mm", 10, "Avery", "L4785");
    check_geometry(d, "Avery 5395", "3.375x2.333333333in", 8, "Avery", "5395");
    check_geometry(d, "Staples EU BC Supreme", "85x55mm", 10, "Staples", "EU BC Supreme");
    check_geometry(d, "Avery 5194", "63.5x63.5mm", 12, "Avery", "5194");
    // A partly filled sheet fills gLabels' label order (reading order across both layouts).
    check_geometry(d, "Staples EU BC Supreme", "85x55mm", 3, "Staples", "EU BC Supreme");
}

/// The "card at X,Y" corners of the first sheet of a dump, in mm from the
/// paper's bottom-left corner, and the sheet's line.
fn first_sheet(dump: &str) -> (String, Vec<(f64, f64)>) {
    let sheet = dump.split("sheet ").nth(1).unwrap();
    let cards = sheet
        .lines()
        .filter_map(|l| l.strip_prefix("card at "))
        .map(|l| {
            let (x, y) = l.split_once(" size ").unwrap().0.split_once(',').unwrap();
            let mm = |v: &str| v.parse::<f64>().unwrap() * 25.4 / 72.0;
            (mm(x), mm(y))
        })
        .collect();
    (sheet.lines().next().unwrap().to_string(), cards)
}

/// Renders `n` sticky passes of `card` on `sheet` with `args` and `env`;
/// the run and the dump.
fn render(
    dir: &Path,
    sheet: &str,
    card: &str,
    n: usize,
    args: &[&str],
    env: &[(&str, &str)],
) -> (util::Run, String) {
    let (templates, roster) = sticky_run(dir, card, n);
    let _ = fs::remove_file(dir.join("d.txt"));
    let mut all = vec![
        "render",
        &roster,
        "--templates",
        &templates,
        "--sheet",
        sheet,
        "-o",
        "o.pdf",
        "--dump",
        "d.txt",
    ];
    all.extend_from_slice(args);
    let run = laminate_in(dir, &all, env);
    let dump = fs::read_to_string(dir.join("d.txt")).unwrap_or_default();
    (run, dump)
}

#[test]
fn an_equiv_is_its_product_under_another_name() {
    // Guards equiv: Avery L4787 is a copy of L4785 in gLabels' database,
    // found case- and space-insensitively, with L4785's slots and bleed
    // (its waste: 2.5 mm, less than the 3 mm default).
    if !have_glabels() {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let (run, dump) = render(d, "avery  l4787", "80x50mm", 10, &[], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (_, l4787) = first_sheet(&dump);
    let (run, dump) = render(d, "Avery L4785", "80x50mm", 10, &[], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (line, l4785) = first_sheet(&dump);
    assert_eq!(l4787, l4785);
    // 18 mm from the left, 13 mm from the top of A4.
    assert!(
        (l4785[0].0 - 18.0).abs() < 0.01 && (l4785[0].1 - (297.0 - 13.0 - 50.0)).abs() < 0.01,
        "{l4785:?}"
    );
    // The bleed box is the trim grown by 2.5 mm (7.09 pt).
    assert!(line.contains("bleed=[43.94 "), "{line}");
}

#[test]
fn a_card_that_is_not_the_label_is_refused_with_stocks_that_fit() {
    // Guards the card check on a database product: CR80 passes on Avery
    // L4785 are an error naming both sizes and stocks that take CR80
    // cards; nothing is written.
    if !have_glabels() {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let (run, _) = render(d, "Avery L4785", "cr80", 2, &[], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("pass type \"sticky\" is printed on 85.6 x 54 mm cards, but the labels of Avery L4785 are 80 x 50 mm"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("stocks for 85.6 x 54 mm cards: a4-8up-cr80"), "{}", run.stderr);
    assert!(!d.join("o.pdf").exists());
}

#[test]
fn too_much_bleed_for_the_waste_is_a_warning_and_the_waste() {
    // Guards bleed on a database product: more than its waste (L4785:
    // 2.5 mm) warns and prints with the waste.
    if !have_glabels() {
        return;
    }
    let dir = temp();
    let (run, dump) = render(dir.path(), "Avery L4785", "80x50mm", 2, &["--bleed", "3mm"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: a 3 mm bleed does not fit on Avery L4785: its labels leave room for 2.5 mm; printing with 2.5 mm"),
        "{}",
        run.stderr
    );
    assert!(first_sheet(&dump).0.contains("bleed=[43.94 "), "{dump}");
}

#[test]
fn a_broken_database_file_warns_and_the_others_load() {
    // Guards the reader's problems: a file that is not XML and a product
    // with a length in an unknown unit are warnings naming file and line;
    // the other files and products still load and print.
    let dir = temp();
    let d = dir.path();
    let db = d.join("db");
    fs::create_dir_all(&db).unwrap();
    fs::write(db.join("broken-templates.xml"), "<?xml version=\"1.0\"?>\n<Glabels-templates>\n  <Template brand=\"Test\" part=\"B-1\"\n</Glabels-templates>\n").unwrap();
    fs::write(
        db.join("mine-templates.xml"),
        "<?xml version=\"1.0\"?>\n<Glabels-templates xmlns=\"http://glabels.org/xmlns/3.0/\">\n  \
         <Template brand=\"Test\" part=\"T-1\" size=\"Other\" width=\"200mm\" height=\"120mm\" _description=\"Test badges\">\n    \
         <Label-rectangle id=\"0\" width=\"80mm\" height=\"50mm\" round=\"3mm\" waste=\"2mm\">\n      \
         <Layout nx=\"2\" ny=\"2\" x0=\"10mm\" y0=\"5mm\" dx=\"100mm\" dy=\"60mm\"/>\n    </Label-rectangle>\n  </Template>\n  \
         <Template brand=\"Test\" part=\"T-2\" equiv=\"T-1\"/>\n  \
         <Template brand=\"Test\" part=\"T-3\" size=\"Other\" width=\"200furlong\" height=\"120mm\">\n    \
         <Label-round id=\"0\" radius=\"20mm\"><Layout nx=\"1\" ny=\"1\"/></Label-round>\n  </Template>\n\
         </Glabels-templates>\n",
    )
    .unwrap();
    let db_arg = db.display().to_string();
    let env = [("XDG_DATA_DIRS", "/nonexistent")];
    let list = laminate_in(d, &["stocks", "--stock-db", &db_arg, "test"], &env);
    assert_eq!(list.status, 0, "{}", list.stderr);
    assert!(list.stderr.contains("broken-templates.xml:4:1: "), "{}", list.stderr);
    assert!(
        list.stderr
            .contains("mine-templates.xml:9:3: Test T-3: width=\"200furlong\" is not a length"),
        "{}",
        list.stderr
    );
    assert!(list.stdout.contains("Test T-1: Test badges"), "{}", list.stdout);
    assert!(list.stdout.contains("Test T-2: Test badges"), "{}", list.stdout);
    assert!(
        !list.stdout.contains("Test B-1") && !list.stdout.contains("Test T-3"),
        "{}",
        list.stdout
    );
    // The good product prints: 10 mm from the left, 5 mm from the top of a 120 mm high sheet.
    let (run, dump) = render(d, "test t-2", "80x50mm", 4, &["--stock-db", &db_arg], &env);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("broken-templates.xml:4:1"), "{}", run.stderr);
    let (_, cards) = first_sheet(&dump);
    assert!(
        (cards[0].0 - 10.0).abs() < 0.01 && (cards[0].1 - (120.0 - 5.0 - 50.0)).abs() < 0.01,
        "{cards:?}"
    );
    // LAMINATE_STOCKS names database folders too.
    let (run, _) = render(
        d,
        "Test T-1",
        "80x50mm",
        1,
        &[],
        &[("XDG_DATA_DIRS", "/nonexistent"), ("LAMINATE_STOCKS", &db_arg)],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn without_a_database_the_presets_and_pretix_sheets_still_work() {
    // Guards the sources without gLabels: `laminate stocks` lists the
    // presets and pretix's sheets and says the database is missing;
    // pretix's keys and product names print on pretix's slots.
    let dir = temp();
    let d = dir.path();
    let env = [("XDG_DATA_DIRS", "/nonexistent")];
    let list = laminate_in(d, &["stocks"], &env);
    assert_eq!(list.status, 0, "{}", list.stderr);
    assert!(list.stdout.starts_with("Stock presets (pre-cut"), "{}", list.stdout);
    assert!(
        list.stdout
            .contains("avery_80x50: pretix's badge sheet \"Avery Zweckform 80 x 50 mm (L4785)\""),
        "{}",
        list.stdout
    );
    assert!(list.stdout.contains("gLabels' product database: not found"), "{}", list.stdout);
    for sheet in ["avery_80x50", "pretix:avery_80x50", "Avery L4785", "herma 4412"] {
        let (run, dump) = render(d, sheet, "80x50mm", 10, &[], &env);
        assert_eq!(run.status, 0, "{sheet}: {}", run.stderr);
        // pretix: 17.5 mm from the left, 13.5 mm from the bottom, 95 and 55 mm apart.
        let (_, cards) = first_sheet(&dump);
        assert!(
            (cards[0].0 - 17.5).abs() < 0.01 && (cards[8].1 - 13.5).abs() < 0.01,
            "{sheet}: {cards:?}"
        );
        assert!((cards[1].0 - cards[0].0 - 95.0).abs() < 0.01, "{sheet}: {cards:?}");
    }
    // Without gLabels, Avery L4784 is pretix's 63.5 x 29.6 mm label, 27 to a sheet.
    let (run, dump) = render(d, "Avery L4784", "63.5x29.6mm", 27, &[], &env);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(first_sheet(&dump).1.len(), 27);
    for preset in ["a4-8up-cr80", "avery-5392"] {
        let run = laminate_in(d, &["stocks", preset], &env);
        assert!(run.stdout.contains(&format!("{preset}: ")), "{}", run.stdout);
    }
}

#[test]
fn a_name_two_sources_disagree_on_is_an_error_with_both_names() {
    // Guards conflicts: pretix calls Avery L4784 a 63.5 x 29.6 mm label,
    // gLabels an equiv of L4785 (80 x 50 mm). The name alone is a command-
    // line error showing both qualified names; each qualified name works.
    if !have_glabels() {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let (run, _) = render(d, "Avery L4784", "80x50mm", 1, &[], &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("pretix:avery_63x29") && run.stderr.contains("glabels:Avery L4784"),
        "{}",
        run.stderr
    );
    let (run, _) = render(d, "glabels:Avery L4784", "80x50mm", 1, &[], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (run, _) = render(d, "pretix:avery_63x29", "63.5x29.6mm", 1, &[], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn stocks_lists_and_filters_every_source() {
    // Guards `laminate stocks WORDS`: every word must match (name,
    // description, paper, size or source), across presets, pretix and gLabels.
    if !have_glabels() {
        return;
    }
    let dir = temp();
    let all = laminate_in(dir.path(), &["stocks"], &[]);
    assert_eq!(all.status, 0, "{}", all.stderr);
    assert!(all.stdout.contains("\ngLabels' product database ("), "{}", &all.stdout[..2000]);
    let run = laminate_in(dir.path(), &["stocks", "avery", "badge"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    for want in [
        "Avery L4785: Self-Adhesive Name Badges",
        "Avery 5395: Name Badge Labels",
        "avery_80x50: ",
        "avery-5392: ",
    ] {
        assert!(run.stdout.contains(want), "{want}:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("Herma") && !run.stdout.contains("a4-8up-cr80"), "{}", run.stdout);
    assert!(run.stdout.lines().count() < all.stdout.lines().count() / 20);
}
