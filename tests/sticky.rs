//! Stick-on passes and their die line, from the outside: `--cut-contour`
//! puts each pass's cut line on a CutContour plate of its own (Ghostscript's
//! tiffsep device), overprinting, so the other plates are what they were.

mod util;

use std::fs;
use std::path::Path;

use util::{have, laminate_in, temp, tiff_plate, tiffsep};

const ROSTER: &str =
    "event: {name: Northern Lights Festival 2026, starts: 2026-07-10, ends: 2026-07-12}
passes:
  - {id: S-01, name: Lena Park, pass: sticky}
  - {id: S-02, name: Tomás Ferreira, pass: sticky, role: Contest winner}
  - {id: C-01, name: Bo Lind, pass: crew}
";

/// Renders `ids` with `args` and separates the PDF at 72 dpi into plates
/// named `NAME(Ink).tif`.
fn separate(dir: &Path, name: &str, ids: &str, args: &[&str]) {
    let pdf = format!("{name}.pdf");
    let mut all = vec!["render", "r.yaml", "--only", ids, "-o", &pdf, "--quiet"];
    all.extend_from_slice(args);
    let run = laminate_in(dir, &all, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    tiffsep(&dir.join(&pdf), dir, name, 72);
}

/// Ink (0 to 255) of the plate's darkest pixel in a box of mm from the
/// page's top-left corner, at 72 dpi.
fn most_ink(plate: &(usize, usize, Vec<u8>), x0: f64, y0: f64, x1: f64, y1: f64) -> u8 {
    let px = |mm: f64| (mm / 25.4 * 72.0).round() as usize;
    let (w, _, pixels) = plate;
    let mut most = 0;
    for row in px(y0)..px(y1) {
        for col in px(x0)..px(x1) {
            most = most.max(255 - pixels[row * w + col]);
        }
    }
    most
}

#[test]
fn the_cut_contour_is_a_plate_of_its_own_that_knocks_nothing_out() {
    // Guards --cut-contour: ghostscript's tiffsep finds a CutContour plate
    // with ink along each sticky pass's rounded outline and none inside it,
    // and the process plates are the same pixel for pixel as without the
    // cut line (it overprints, so nothing under it is knocked out).
    if !have("gs") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    fs::write(d.join("r.yaml"), ROSTER).unwrap();
    let stock = ["--sheet", "a4-10up-sticky"];
    separate(d, "cut", "S-01,S-02", &[&stock[..], &["--cut-contour"]].concat());
    separate(d, "plain", "S-01,S-02", &stock);
    let cut = tiff_plate(&d.join("cut(CutContour).tif"));
    assert!(!d.join("plain(CutContour).tif").exists(), "a CutContour plate without --cut-contour");
    // The first slot: x 20..100 mm, y 11.5..61.5 mm; corners of 4 mm radius.
    let edges = [
        ("top", most_ink(&cut, 30.0, 10.8, 90.0, 12.2)),
        ("bottom", most_ink(&cut, 30.0, 60.8, 90.0, 62.2)),
        ("left", most_ink(&cut, 19.3, 20.0, 20.7, 50.0)),
        ("right", most_ink(&cut, 99.3, 20.0, 100.7, 50.0)),
        ("second pass, top", most_ink(&cut, 120.0, 10.8, 180.0, 12.2)),
    ];
    for (edge, ink) in edges {
        assert!(ink > 200, "no cut line along the {edge} edge ({ink})");
    }
    // Rounded: the slot's very corner is outside the line.
    assert_eq!(most_ink(&cut, 20.0, 11.5, 20.6, 12.1), 0, "the corner is not rounded");
    assert_eq!(most_ink(&cut, 21.5, 13.0, 98.5, 60.0), 0, "cut-line ink inside the pass");
    assert_eq!(most_ink(&cut, 0.0, 70.0, 210.0, 297.0), 0, "cut-line ink where no pass is");
    for ink in ["Cyan", "Magenta", "Yellow", "Black"] {
        let with = tiff_plate(&d.join(format!("cut({ink}).tif")));
        let without = tiff_plate(&d.join(format!("plain({ink}).tif")));
        assert!(with.2.iter().any(|&v| v < 255), "{ink} plate is blank");
        assert!(with == without, "the cut line changed the {ink} plate");
    }
}

#[test]
fn a_laminate_is_cut_along_its_outline_and_its_slot() {
    // Guards the die line of a card with a lanyard slot: the CutContour
    // plate has the slot's outline as well as the card's.
    if !have("gs") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    fs::write(d.join("r.yaml"), ROSTER).unwrap();
    separate(d, "crew", "C-01", &["--sheet", "card", "--cut-contour"]);
    let cut = tiff_plate(&d.join("crew(CutContour).tif"));
    // Card pages have 6.5 mm of bleed and marks; the slot is at x 36.45..49.15,
    // y 2.2..5.4 mm on the card.
    let (x, y) = (6.5, 6.5);
    assert!(
        most_ink(&cut, x + 40.0, y + 1.6, x + 45.0, y + 2.8) > 200,
        "no line on the slot's top"
    );
    assert_eq!(most_ink(&cut, x + 38.5, y + 3.2, x + 47.0, y + 4.4), 0, "ink inside the slot");
    assert!(
        most_ink(&cut, x + 20.0, y - 0.7, x + 60.0, y + 0.7) > 200,
        "no line on the card's top"
    );
    assert_eq!(most_ink(&cut, x + 5.0, y + 8.0, x + 80.0, y + 50.0), 0, "ink inside the card");
}

#[test]
fn the_sticky_type_has_its_own_size_and_no_slot() {
    // Guards the built-in sticky type: 80 x 50 mm with rounded corners and
    // no punch, and its stock preset is listed.
    let dir = temp();
    let run = laminate_in(dir.path(), &["stocks"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.contains("a4-10up-sticky"), "{}", run.stdout);
    let run = laminate_in(dir.path(), &["templates"], &[]);
    assert!(
        run.stdout.contains("sticky: Friends, family, contest winners; afterparty (stick-on)"),
        "{}",
        run.stdout
    );
    fs::write(dir.path().join("r.yaml"), ROSTER).unwrap();
    let run = laminate_in(
        dir.path(),
        &[
            "render", "r.yaml", "--only", "S-01", "--sheet", "card", "--dump", "d.txt", "-o",
            "o.pdf", "--quiet",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let dump = fs::read_to_string(dir.path().join("d.txt")).unwrap();
    // 80 x 50 mm in pt. (No slot: the first test finds no cut line inside.)
    assert!(dump.contains("card at 18.43,18.43 size 226.77x141.73"), "{}", &dump[..600]);
}
