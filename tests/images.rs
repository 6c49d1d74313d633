//! Template images and security art from the outside: an SVG logo stays
//! vector in the PDF and draws in poppler, Ghostscript and MuPDF; an image
//! that cannot be drawn, or a file outside the template folder, stops the
//! run with the element named and writes nothing; a pass's guilloche is its
//! own and the same in every render; a signature on the security layer
//! prints on the security ink's plate, over the process inks.

mod util;

use std::fs;
use std::path::Path;

use util::{have, laminate_in, names_in, temp, tiff_plate, tiffsep, tool};

const TEMPLATE: &str = r##"card: cr80
label: PASS
elements:
  background: { type: rect, x: 0, y: 0, width: 85.6, height: 54, fill: "#ffffff" }
  logo: { type: image, x: 5, y: 5, width: 30, height: 30, file: FILE }
  name: { type: text, x: 40, y: 20, width: 40, height: 10, text: "{name}" }
"##;

/// A 100 x 100 logo: a black block (x 10..90, y 10..70) and a word, which
/// must come out as outlines in the bundled font.
const LOGO: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <rect x="10" y="10" width="80" height="60" fill="#000000"/>
  <text x="50" y="92" font-size="20" text-anchor="middle" fill="#203060">LOGO</text>
</svg>"##;

const ROSTER: &str = "event: {name: Logo Test, starts: 2026-05-14, ends: 2026-05-15}
passes:
  - {id: A-1, name: Ann Lee, pass: pass}
";

/// A folder with the roster and a template folder `t` whose logo is `file`.
fn setup(dir: &Path, file: &str) {
    fs::create_dir_all(dir.join("t")).unwrap();
    fs::write(dir.join("t/pass.yaml"), TEMPLATE.replace("FILE", file)).unwrap();
    fs::write(dir.join("r.yaml"), ROSTER).unwrap();
}

fn render(dir: &Path) -> util::Run {
    laminate_in(
        dir,
        &["render", "r.yaml", "--templates", "t", "--sheet", "card", "-o", "out.pdf", "--quiet"],
        &[],
    )
}

/// A binary grey map (P5, 8 bits) as (width, height, pixels).
fn pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let b = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b[i] == b'#' {
            while b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        while !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&b[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5", "{}", path.display());
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, b[i + 1..i + 1 + w * h].to_vec())
}

/// Mean darkness (0 white, 1 black) of a square of `side` mm centred at
/// (`x`, `y`) mm from the page's top-left corner, in a render at `dpi`.
fn darkness(img: &(usize, usize, Vec<u8>), dpi: f64, x: f64, y: f64, side: f64) -> f64 {
    let px = |mm: f64| (mm / 25.4 * dpi).round() as usize;
    let (w, _, pixels) = img;
    let (mut sum, mut n) = (0.0, 0.0);
    for row in px(y - side / 2.0)..px(y + side / 2.0) {
        for col in px(x - side / 2.0)..px(x + side / 2.0) {
            sum += 1.0 - f64::from(pixels[row * w + col]) / 255.0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn an_svg_logo_is_drawn_as_vector_in_every_renderer() {
    // Guards SVG images: an SVG logo used to be left out without a word; it
    // must draw, as paths (no raster image in the PDF), in poppler,
    // Ghostscript and MuPDF alike.
    if !have("pdfimages") || !have("pdftoppm") || !have("gs") || !have("mutool") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    setup(d, "logo.svg");
    fs::write(d.join("t/logo.svg"), LOGO).unwrap();
    let run = render(d);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pdf = d.join("out.pdf").display().to_string();
    let list = tool("pdfimages", &["-list", &pdf]);
    assert_eq!(list.lines().count(), 2, "the PDF has raster images:\n{list}");
    // The card page has 6.5 mm of bleed and marks around the card; the
    // block's centre is at (20, 17) mm on the card, so (26.5, 23.5) mm.
    let base = d.join("r").display().to_string();
    let renders = [
        ("poppler", tool("pdftoppm", &["-r", "100", "-gray", "-singlefile", &pdf, &base]), "r.pgm"),
        (
            "ghostscript",
            tool(
                "gs",
                &[
                    "-q",
                    "-dNOPAUSE",
                    "-dBATCH",
                    "-sDEVICE=pgmraw",
                    "-r100",
                    &format!("-sOutputFile={}", d.join("gs.pgm").display()),
                    &pdf,
                ],
            ),
            "gs.pgm",
        ),
        (
            "mupdf",
            tool(
                "mutool",
                &[
                    "draw",
                    "-q",
                    "-r",
                    "100",
                    "-c",
                    "gray",
                    "-o",
                    &d.join("mu.pgm").display().to_string(),
                    &pdf,
                ],
            ),
            "mu.pgm",
        ),
    ];
    for (who, _, file) in renders {
        let img = pgm(&d.join(file));
        let logo = darkness(&img, 100.0, 26.5, 23.5, 8.0);
        let text = darkness(&img, 100.0, 26.5, 32.5, 3.0);
        let blank = darkness(&img, 100.0, 66.5, 46.5, 8.0);
        eprintln!("{who}: logo {logo:.3}, its text {text:.3}, blank card {blank:.3}");
        assert!(logo > 0.8, "{who}: the logo's block is not drawn ({logo})");
        assert!(text > 0.05, "{who}: the logo's text is not drawn ({text})");
        assert!(blank < 0.02, "{who}: ink where the card is blank ({blank})");
    }
}

/// Renders with a template whose logo is `file` (made by `make`), and
/// returns the error text, checking that the run failed and wrote nothing.
fn refused(file: &str, make: impl FnOnce(&Path)) -> String {
    let dir = temp();
    let d = dir.path();
    setup(d, file);
    make(d);
    let before = names_in(d);
    let run = render(d);
    assert_eq!(run.status, 1, "{file}: {}", run.stderr);
    assert_eq!(names_in(d), before, "{file}: a failed run left a file behind");
    // The first diagnostic, the one about the image.
    run.stderr.split("\n\n").next().unwrap().to_string()
}

#[test]
fn images_that_cannot_be_drawn_stop_the_run_naming_the_element() {
    // Guards "nothing silently wrong": a corrupt PNG, a truncated JPEG and a
    // broken SVG were left off the pass with exit 0; now each is an error
    // at the template's `file:` naming the element, and nothing is written.
    let png = refused("logo.png", |d| {
        fs::write(d.join("t/logo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x10garbage")
            .unwrap()
    });
    assert_eq!(
        png.lines().next().unwrap(),
        "error: element \"logo\" (image): image file \"logo.png\" cannot be drawn: it is not a readable JPEG, PNG or WebP image (unexpected end of file)"
    );
    assert!(png.contains("t/pass.yaml:5:65"), "{png}");
    let jpeg = refused("logo.jpg", |d| {
        fs::write(
            d.join("t/logo.jpg"),
            b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xff\xc0\0\x11\x08",
        )
        .unwrap()
    });
    assert!(
        jpeg.starts_with("error: element \"logo\" (image): image file \"logo.jpg\" cannot be drawn: it is not a readable JPEG, PNG or WebP image"),
        "{jpeg}"
    );
    let svg = refused("logo.svg", |d| {
        fs::write(d.join("t/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect</svg>")
            .unwrap()
    });
    assert_eq!(
        svg,
        "error: element \"logo\" (image): image file \"logo.svg\" cannot be drawn: it is not a readable SVG file (SVG data parsing failed cause expected a whitespace not '<' at 1:46)
  ┌─ t/pass.yaml:5:65
  │
5 │   logo: { type: image, x: 5, y: 5, width: 30, height: 30, file: logo.svg }
  │                                                                 ^^^^^^^^
  │
  = hint: laminate draws PNG, JPEG and SVG files; open the file in an image viewer to check it"
    );
}

#[test]
fn a_template_reads_no_file_outside_its_folder() {
    // Guards the user's files against a template pack from someone else:
    // `..`, absolute paths and symbolic links out of the template folder
    // are refused, naming the element, and nothing is written.
    let up = refused("../../../../etc/passwd", |_| {});
    assert_eq!(
        up,
        "error: element \"logo\" (image): \"../../../../etc/passwd\" points outside the template folder
  ┌─ t/pass.yaml:5:65
  │
5 │   logo: { type: image, x: 5, y: 5, width: 30, height: 30, file: ../../../../etc/passwd }
  │                                                                 ^^^^^^^^^^^^^^^^^^^^^^
  │
  = hint: a template may use only files inside its own folder; copy the file there"
    );
    let absolute = refused("/etc/passwd", |_| {});
    assert!(
        absolute.starts_with("error: element \"logo\" (image): \"/etc/passwd\" is an absolute path, outside the template folder"),
        "{absolute}"
    );
    let linked = refused("logo.svg", |d| {
        fs::write(d.join("secret.svg"), LOGO).unwrap();
        std::os::unix::fs::symlink(d.join("secret.svg"), d.join("t/logo.svg")).unwrap();
    });
    assert!(
        linked.starts_with("error: element \"logo\" (image): \"logo.svg\" is a link to a file outside the template folder"),
        "{linked}"
    );
}

/// The laid-out security group (guilloche and microtext) of each card in a
/// `--dump`, in page order.
fn security_groups(dump: &str) -> Vec<String> {
    dump.split("card at ")
        .skip(1)
        .map(|card| {
            let lines: Vec<&str> = card.lines().collect();
            let start = lines.iter().position(|l| l.ends_with("group layer=Security")).unwrap();
            let end = lines[start + 1..]
                .iter()
                .position(|l| l.starts_with("  @"))
                .map_or(lines.len(), |k| start + 1 + k);
            lines[start..end].join("\n")
        })
        .collect()
}

#[test]
fn each_pass_gets_its_own_guilloche_and_the_same_one_every_time() {
    // Guards what `verify --art` relies on: a pass's guilloche comes from
    // its payload alone, so rendering the pass again (alone or among
    // others) gives the same curves, and another pass of the same type gets
    // other ones.
    let dir = temp();
    let d = dir.path();
    let sample = util::root().join("samples/festival.yaml").display().to_string();
    let dump = |only: &str, name: &str| -> String {
        let out = format!("{name}.pdf");
        let txt = format!("{name}.txt");
        let args = [
            "render", &sample, "--only", only, "--sheet", "card", "-o", &out, "--dump", &txt,
            "--quiet",
        ];
        let run = laminate_in(d, &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        fs::read_to_string(d.join(txt)).unwrap()
    };
    let alone = security_groups(&dump("NLF-0001", "a"));
    let both = security_groups(&dump("NLF-0003,NLF-0001", "b"));
    assert_eq!(alone.len(), 1);
    assert_eq!(both.len(), 2);
    // Roster order: NLF-0001 is the first page of both runs.
    assert_eq!(
        alone[0], both[0],
        "NLF-0001's guilloche changed with the company it was rendered in"
    );
    // Both are crew passes: the same shared art, placed differently.
    assert_ne!(both[0], both[1], "two passes got the same guilloche");
    assert!(alone[0].contains("transform=[") && alone[0].contains("art "), "{}", alone[0]);
}

#[test]
fn a_signature_on_the_security_layer_prints_on_the_security_ink_plate_over_the_text() {
    // Guards `security: true` images with --security-ink: the collector
    // sample's SVG signature (over the holder's name) is on the Foil plate
    // and on no process plate, and it overprints: the name under it keeps
    // all its black (a spot ink that knocked out the process inks left
    // white gaps in the name wherever the signature crossed it).
    if !have("gs") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let sample = util::root().join("samples/collector");
    for set in ["signed", "unsigned"] {
        fs::create_dir(d.join(set)).unwrap();
        for f in ["base.yaml", "collector.yaml", "signature.svg"] {
            fs::copy(sample.join("templates").join(f), d.join(set).join(f)).unwrap();
        }
    }
    // The same pass type without its signature.
    let collector = fs::read_to_string(d.join("unsigned/collector.yaml")).unwrap();
    let at = collector.find("  signature:").expect("the sample has a signature element");
    fs::write(
        d.join("unsigned/collector.yaml"),
        format!("{}  {{}}\n", &collector[..at].trim_end()),
    )
    .unwrap();
    let roster = sample.join("roster.yaml").display().to_string();
    for set in ["signed", "unsigned"] {
        let pdf = format!("{set}.pdf");
        let mut args = vec!["render", &roster, "--templates", set, "--only", "AV-0001", "-o", &pdf];
        args.extend_from_slice(&["--security-ink", "Foil"]);
        args.extend_from_slice(util::CARD_PAGES);
        let run = laminate_in(d, &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        tiffsep(&d.join(&pdf), d, set, 150);
    }
    // Inked pixels of a plate, in and out of the signature's box (x 20..60,
    // y 22..35.3 mm on the card).
    let inked = |set: &str, ink: &str| {
        let (w, _, pixels) = tiff_plate(&d.join(format!("{set}({ink}).tif")));
        let px = |mm: f64| (mm / 25.4 * 150.0).round() as usize;
        let (mut inside, mut outside) = (0, 0);
        for (i, &v) in pixels.iter().enumerate() {
            let (x, y) = (i % w, i / w);
            let in_box = (px(20.0)..px(60.0)).contains(&x) && (px(22.0)..px(35.3)).contains(&y);
            if v < 192 {
                if in_box {
                    inside += 1;
                } else {
                    outside += 1;
                }
            }
        }
        (inside, outside)
    };
    let (signed, unsigned) = (inked("signed", "Foil"), inked("unsigned", "Foil"));
    assert!(
        signed.0 > unsigned.0 + 1000,
        "no signature on the Foil plate: {signed:?} {unsigned:?}"
    );
    assert_eq!(signed.1, unsigned.1, "the signature's Foil ink reaches outside its box");
    for ink in ["Cyan", "Magenta", "Yellow", "Black"] {
        let with = tiff_plate(&d.join(format!("signed({ink}).tif")));
        let without = tiff_plate(&d.join(format!("unsigned({ink}).tif")));
        assert!(with == without, "the signature changed the {ink} plate");
    }
    assert!(inked("signed", "Black").0 > 500, "no name under the signature on the Black plate");
}
