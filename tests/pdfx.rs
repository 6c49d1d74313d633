//! `render --pdfx` as a print shop's preflight sees it: the samples'
//! output checked rule by rule by tests/pdfx_check.py (pikepdf), each check
//! of each rule broken on purpose and caught, with the other rules quiet,
//! plates separated by Ghostscript, and
//! colours compared with Pillow's ImageCms (tests/pdfx_colour.py).
//! scripts/test installs pikepdf, Pillow and Ghostscript.

mod util;

use std::fs;
use std::path::Path;

use util::{have, have_python_modules, laminate_in, root, temp, tool, tool_may_fail, CARD_PAGES};

const CHECKER: &str = "tests/pdfx_check.py";

/// The samples as the round-trip tests render them, with --pdfx.
fn samples() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("samples/festival.yaml", vec![]),
        (
            "samples/duplex-cmyk/roster.yaml",
            vec![
                "--templates",
                "samples/duplex-cmyk/templates",
                "--duplex",
                "--security-ink",
                "Foil",
            ],
        ),
        ("samples/stickers.yaml", vec!["--sheet", "a4-10up-sticky", "--cut-contour"]),
        (
            "samples/conference/roster.yaml",
            vec!["--templates", "samples/conference/templates", "--pdfx-photos", "srgb"],
        ),
    ]
}

fn render(dir: &Path, name: &str, sample: &str, extra: &[&str]) -> String {
    let out = dir.join(name).display().to_string();
    let mut args = vec!["render", sample, "-o", &out, "--pdfx"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--quiet") {
        args.push("--quiet");
    }
    let run = laminate_in(&root(), &args, &[("SOURCE_DATE_EPOCH", "1783641600")]);
    assert_eq!(run.status, 0, "{sample}: {}", run.stderr);
    out
}

/// Runs the checker: (every rule holds, its report). It exits 0 when every
/// rule holds and 1 when one does not; anything else, or a traceback, is the
/// checker failing, and fails the test.
fn check(pdf: &str) -> (bool, String) {
    let run =
        tool_may_fail("python3", &[&root().join(CHECKER).display().to_string(), "check", pdf]);
    assert!(
        (run.status == 0 || run.status == 1) && !run.stderr.contains("Traceback"),
        "the checker crashed (exit status {}): {}{}",
        run.status,
        run.stdout,
        run.stderr
    );
    (run.status == 0, run.stdout + &run.stderr)
}

fn have_checker() -> bool {
    have("python3") && have_python_modules(&["pikepdf"])
}

#[test]
fn every_sample_passes_every_rule() {
    // Guards the claim: a file that says PDF/X-4 keeps every rule the
    // checker knows, on each sample (photos kept RGB, tagged sRGB, on the
    // conference sample).
    if !have_checker() {
        return;
    }
    let dir = temp();
    for (n, (sample, extra)) in samples().into_iter().enumerate() {
        let pdf = render(dir.path(), &format!("{n}.pdf"), sample, &extra);
        let (ok, report) = check(&pdf);
        assert!(ok, "{sample}:\n{report}");
        assert!(report.contains("every rule holds (15 rules)"), "{report}");
        if have("qpdf") {
            let out = tool("qpdf", &["--check", &pdf]);
            assert!(out.contains("No syntax or stream encoding errors"), "{out}");
        }
    }
}

#[test]
fn the_checker_finds_the_plain_output_is_not_pdfx() {
    // Guards the checker against passing anything: laminate's output
    // without --pdfx lacks the declarations.
    if !have_checker() {
        return;
    }
    let dir = temp();
    let out = dir.path().join("plain.pdf").display().to_string();
    let run =
        laminate_in(&root(), &["render", "samples/festival.yaml", "-o", &out, "--quiet"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (ok, report) = check(&out);
    assert!(!ok, "{report}");
    for rule in ["header:", "info:", "output-intent:", "xmp:"] {
        assert!(report.contains(rule), "{rule} not found in:\n{report}");
    }
}

/// Each break of the checker (`pdfx_check.py break CASE`): a passing file
/// rewritten so that one check of one rule fails (the case is the rule's id,
/// or RULE/WHAT for its other checks), and the line the checker must print
/// for it, "…" standing for any text.
const BREAKS: &[(&str, &str)] = &[
    ("header", "header: file: the header is b'%PDF-1.7', not %PDF-1.6"),
    ("trailer-id", "trailer-id: trailer: no /ID [<...> <...>]"),
    ("no-encryption", "no-encryption: trailer: the file is encrypted"),
    ("info", "info: Info: /Trapped is None, not /True or /False"),
    ("info/no-info", "info: trailer: no Info dictionary"),
    ("info/title", "info: Info: no /Title"),
    ("output-intent", "output-intent: catalog: 0 /GTS_PDFX output intents, not one"),
    ("output-intent/two", "output-intent: catalog: 2 /GTS_PDFX output intents, not one"),
    ("output-intent/no-profile", "output-intent: output intent: no embedded DestOutputProfile"),
    (
        "output-intent/other-profile",
        "output-intent: /GTS_PDFA1 output intent: a DestOutputProfile other than the GTS_PDFX intent's",
    ),
    (
        "output-intent/profile-class",
        "output-intent: DestOutputProfile: a mntr profile for CMYK, not a CMYK output profile",
    ),
    (
        "output-intent/profile-space",
        "output-intent: DestOutputProfile: a prtr profile for RGB , not a CMYK output profile",
    ),
    (
        "output-intent/profile-n",
        "output-intent: DestOutputProfile: a prtr profile for CMYK, not a CMYK output profile",
    ),
    ("output-intent/condition", "output-intent: output intent: no /OutputConditionIdentifier"),
    ("output-intent/registry", "output-intent: output intent: no /RegistryName"),
    ("output-intent/info", "output-intent: output intent: no /Info"),
    ("xmp", "xmp: metadata: pdfxid:GTS_PDFXVersion is 'PDF/X-3', not 'PDF/X-4'"),
    ("xmp/no-metadata", "xmp: catalog: no /Metadata stream"),
    ("xmp/not-xml", "xmp: metadata: not XML: mismatched tag…"),
    ("xmp/trapped", "xmp: metadata: pdf:Trapped is 'True', Info says 'False'"),
    (
        "xmp/create-date",
        "xmp: metadata: xmp:CreateDate is '20261-…', Info /CreationDate says '2026-…'",
    ),
    ("xmp/modify-date", "xmp: metadata: xmp:ModifyDate is '1999-…', Info /ModDate says '2026-…'"),
    ("xmp/metadata-date", "xmp: metadata: no xmp:MetadataDate"),
    (
        "xmp/title",
        "xmp: metadata: dc:title 'Not Northern Lights Festival 2026: passes' is not Info's title",
    ),
    ("xmp/producer", "xmp: metadata: pdf:Producer 'Not laminate …' is not Info's producer"),
    ("xmp/document-id", "xmp: metadata: xmpMM:DocumentID is '…', not a uuid: URN"),
    ("xmp/instance-id", "xmp: metadata: xmpMM:InstanceID is 'urn:…', not a uuid: URN"),
    ("xmp/version-id", "xmp: metadata: no xmpMM:VersionID"),
    ("xmp/rendition-class", "xmp: metadata: no xmpMM:RenditionClass"),
    ("no-actions", "no-actions: catalog: /OpenAction"),
    ("no-actions/catalog-aa", "no-actions: catalog: /AA"),
    ("no-actions/names-javascript", "no-actions: catalog /Names: /JavaScript"),
    ("no-actions/page-aa", "no-actions: page 1: /AA"),
    ("no-actions/annotation-a", "no-actions: page 1: an annotation with an action"),
    ("no-actions/object-a", "no-actions: object: a dictionary with /A"),
    ("no-actions/launch", "no-actions: object: an action /Launch"),
    ("page-boxes", "page-boxes: page 1: no TrimBox"),
    ("page-boxes/no-media", "page-boxes: page 1: no MediaBox"),
    ("page-boxes/trim-outside-bleed", "page-boxes: page 1: TrimBox (…) is not inside BleedBox (…)"),
    (
        "page-boxes/bleed-outside-media",
        "page-boxes: page 1: BleedBox (…) is not inside MediaBox (…)",
    ),
    ("page-boxes/trim-outside-media", "page-boxes: page 1: TrimBox (…) is not inside MediaBox (…)"),
    (
        "marks-outside-bleed",
        "marks-outside-bleed: page 1: a registration-colour mark from (…) enters the card at …",
    ),
    ("oc-config", "oc-config: /D: an /AS (auto state) entry"),
    ("oc-config/name", "oc-config: /D: no /Name"),
    ("oc-config/no-default", "oc-config: OCProperties: no default configuration /D"),
    ("fonts-embedded", "fonts-embedded: page 1: font /F0 (…) is not embedded"),
    ("rendering-intents", "rendering-intents: page 1: ri /Vivid"),
    ("rendering-intents/graphics-state", "rendering-intents: object: /RI /Vivid"),
    ("rendering-intents/image", "rendering-intents: object: /Intent /Vivid"),
    ("transparency-cmyk", "transparency-cmyk: transparency group: blends in /DeviceGray, not CMYK"),
    ("no-rgb", "no-rgb: page 1: a DeviceRGB colour (rg)"),
    ("no-rgb/unreadable-content", "no-rgb: page 1: content stream cannot be read: …"),
    ("no-rgb/cs", "no-rgb: page 1: cs /DeviceRGB"),
    ("no-rgb/image", "no-rgb: page 1: image /ImRGB is DeviceRGB"),
    ("no-rgb/masked-image", "no-rgb: page 1: image … is DeviceRGB"),
    ("no-rgb/calrgb", "no-rgb: colour space: /CalRGB"),
    ("spot-alternates", "spot-alternates: ink /Foil: 2 different alternates or tint transforms"),
];

/// The breaks that cannot help breaking a second rule, and that rule: XMP's
/// dates, title, producer and trapped are compared with Info's, which is
/// gone.
const ALSO: &[(&str, &str)] = &[("info/no-info", "xmp")];

/// True when `line` is `pattern`, each "…" in it standing for any text.
fn matches(line: &str, pattern: &str) -> bool {
    let mut pieces = pattern.split('…');
    let first = pieces.next().unwrap_or("");
    let Some(mut rest) = line.strip_prefix(first) else { return false };
    let mut pieces: Vec<&str> = pieces.collect();
    let Some(last) = pieces.pop() else { return rest.is_empty() };
    for piece in pieces {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[test]
fn each_check_broken_on_purpose_is_caught_and_no_other_rule_complains() {
    // Guards every check of the checker: a passing file rewritten to break
    // exactly one check (no output intent, a display profile, XMP dates,
    // DeviceRGB in an image or a `cs`, a TrimBox outside its BleedBox, /AS
    // or no /Name in an OC configuration, JavaScript in /Names, ...) fails
    // with that check's line, and no rule but the broken one complains.
    if !have_checker() {
        return;
    }
    let dir = temp();
    let festival = render(dir.path(), "f.pdf", "samples/festival.yaml", &[]);
    let (_, duplex_args) = &samples()[1];
    let duplex = render(dir.path(), "d.pdf", "samples/duplex-cmyk/roster.yaml", duplex_args);
    // A template logo with alpha (a soft-masked image) for no-rgb/masked-image.
    let t = conference_with_png_logo(dir.path());
    let logo_args = ["--templates", &t, "--only", "OHS-001", "--sheet", "card", "--no-photo-cache"];
    let logo = render(dir.path(), "l.pdf", "samples/conference/roster.yaml", &logo_args);
    let script = root().join(CHECKER).display().to_string();
    let rules = tool("python3", &[&script, "rules"]);
    let rules: Vec<&str> = rules.lines().collect();
    assert_eq!(rules.len(), 15, "{rules:?}");
    let cases = tool("python3", &[&script, "breaks"]);
    let cases: Vec<&str> = cases.lines().collect();
    let table: Vec<&str> = BREAKS.iter().map(|(case, _)| *case).collect();
    assert_eq!(cases, table, "the checker's breaks and this test's table differ");
    for rule in &rules {
        assert!(table.iter().any(|c| c.split('/').next() == Some(rule)), "{rule} is never broken");
    }
    let mut wrong = Vec::new();
    for (case, want) in BREAKS {
        let rule = case.split('/').next().unwrap();
        let src = match *case {
            "spot-alternates" => &duplex,
            "no-rgb/masked-image" => &logo,
            _ => &festival,
        };
        let broken = dir.path().join(format!("broken-{}.pdf", case.replace('/', "-")));
        let broken = broken.display().to_string();
        tool("python3", &[&script, "break", case, src, &broken]);
        let (ok, report) = check(&broken);
        if ok {
            wrong.push(format!("{case}: broken, but the checker passed it"));
            continue;
        }
        if !report.lines().any(|l| matches(l, want)) {
            wrong.push(format!("{case}: no line {want:?} in:\n{report}"));
        }
        let also = ALSO.iter().find(|(c, _)| c == case).map(|(_, r)| format!("{r}: "));
        for line in report.lines() {
            if !line.starts_with(&format!("{rule}: "))
                && also.as_ref().is_none_or(|a| !line.starts_with(a))
            {
                wrong.push(format!("{case}: another rule complains: {line}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn conference_photos_are_converted_to_cmyk_and_every_rule_holds() {
    // The photo stage converts RGB photos to the printing condition's CMYK
    // (through the profile, cached with it): the conference sample is
    // PDF/X-4 with no RGB left, not merely tagged.
    if !have_checker() {
        return;
    }
    let dir = temp();
    let out = dir.path().join("c.pdf");
    let out_s = out.display().to_string();
    let args = [
        "render",
        "samples/conference/roster.yaml",
        "--templates",
        "samples/conference/templates",
        "-o",
        &out_s,
        "--pdfx",
        "--no-photo-cache",
    ];
    let run = laminate_in(&root(), &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (ok, report) = check(&out_s);
    assert!(ok, "{report}");
    let qdf = tool("qpdf", &["--qdf", "--object-streams=disable", &out_s, "-"]);
    assert!(qdf.contains("/N 4"), "no CMYK profile in the file");
    assert!(!qdf.contains("/N 3"), "photos left RGB without --pdfx-photos srgb");
    let list = tool("pdfimages", &["-list", &out_s]);
    let photos: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(photos.len(), 8, "{list}");
    assert!(photos.iter().all(|l| l.contains(" cmyk ")), "{list}");
}

/// The conference templates with an RGB PNG logo with alpha on the band
/// (a disc, transparent around it), in `dir/t`; the logo's corner is at
/// (60, 3) mm, 12 mm square.
fn conference_with_png_logo(dir: &Path) -> String {
    let t = dir.join("t");
    fs::create_dir(&t).unwrap();
    for f in fs::read_dir(root().join("samples/conference/templates")).unwrap() {
        let f = f.unwrap().path();
        fs::copy(&f, t.join(f.file_name().unwrap())).unwrap();
    }
    let logo = image::RgbaImage::from_fn(300, 300, |x, y| {
        let (dx, dy) = (x as f32 - 149.5, y as f32 - 149.5);
        let inside = dx * dx + dy * dy < 125.0 * 125.0;
        image::Rgba([(x / 2) as u8, 40, 200, if inside { 255 } else { 0 }])
    });
    logo.save(t.join("logo.png")).unwrap();
    // Drawn after the band, so that it lies on the band's colour.
    let base = fs::read_to_string(t.join("base.yaml")).unwrap();
    let logo = "  logo: { type: image, x: 60, y: 3, width: 12, height: 12, file: logo.png }\n";
    assert!(base.contains("\n  footer:"), "{base}");
    let base = base.replacen("\n  footer:", &format!("\n{logo}  footer:"), 1);
    fs::write(t.join("base.yaml"), base).unwrap();
    t.display().to_string()
}

#[test]
fn an_rgb_png_logo_with_alpha_is_converted_and_keeps_its_soft_mask() {
    // Guards raster images under --pdfx: a template's RGB PNG logo with
    // alpha goes through the output intent as photos do (CMYK, or ICCBased
    // sRGB with --pdfx-photos srgb), its transparency a soft mask, and the
    // file passes every rule of the checker. Before, the run stopped with an
    // error for each such image, and the alpha was laid on white.
    if !have_checker() || !have("pdfimages") || !have("pdftoppm") {
        return;
    }
    let dir = temp();
    let t = conference_with_png_logo(dir.path());
    for (name, extra, colour) in [
        ("x.pdf", &["--pdfx"][..], "cmyk"),
        ("s.pdf", &["--pdfx", "--pdfx-photos", "srgb"][..], "icc"),
        ("plain.pdf", &[][..], "rgb"),
    ] {
        let out = dir.path().join(name).display().to_string();
        let args = [
            &["render", "samples/conference/roster.yaml", "--templates", &t, "-o", &out][..],
            &["--no-photo-cache", "--quiet", "--only", "OHS-001", "--sheet", "card"][..],
            &["--bleed", "0", "--no-crop-marks", "--no-slug"][..],
            extra,
        ]
        .concat();
        let run = laminate_in(&root(), &args, &[]);
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        if !extra.is_empty() {
            let (ok, report) = check(&out);
            assert!(ok, "{name}: {report}");
        }
        if name == "x.pdf" {
            // The checker catches the logo left RGB.
            let broken = dir.path().join("broken.pdf").display().to_string();
            let script = root().join(CHECKER).display().to_string();
            tool("python3", &[&script, "break", "no-rgb/masked-image", &out, &broken]);
            let (ok, report) = check(&broken);
            assert!(!ok && report.contains("no-rgb: "), "{report}");
        }
        // The logo (142 x 142: 12 mm at 300 dpi) in the expected colours,
        // with a soft mask of its size.
        let list = tool("pdfimages", &["-list", &out]);
        let logo: Vec<&str> = list.lines().filter(|l| l.contains(" 142   142 ")).collect();
        assert_eq!(logo.len(), 2, "{name}: the logo and its mask:\n{list}");
        assert!(
            logo.iter().any(|l| l.contains(" image ") && l.contains(&format!(" {colour} "))),
            "{name}:\n{list}"
        );
        assert!(
            logo.iter().any(|l| l.contains(" smask ") && l.contains(" gray ")),
            "{name}:\n{list}"
        );
        // Seen through its transparent corner: the band's colour, not white.
        let png = dir.path().join(name.replace(".pdf", "-page"));
        tool(
            "pdftoppm",
            &[
                "-r",
                "72",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                "-singlefile",
                &out,
                &png.display().to_string(),
            ],
        );
        let page = image::open(png.with_extension("png")).unwrap().to_rgb8();
        // The page is the card; 72 dpi is 72 / 25.4 pixels a mm.
        let px = |mm: f64| (mm * 72.0 / 25.4).round() as u32;
        let (cx, cy) = (px(60.6), px(3.6));
        let corner = page.get_pixel(cx, cy).0;
        let band = page.get_pixel(cx - 6, cy).0;
        let near = corner.iter().zip(band).all(|(a, b)| a.abs_diff(b) <= 12);
        assert!(near, "{name}: the logo's transparent corner shows {corner:?}, the band {band:?}");
        assert!(corner.iter().any(|&v| v < 200), "{name}: white behind the logo: {corner:?}");
    }
}

#[test]
fn the_same_input_gives_the_same_bytes_with_dates_in_xmp() {
    // Guards reproducibility: XMP ids are hashes of the content and the
    // XMP dates are SOURCE_DATE_EPOCH's, as the Info dates are.
    let dir = temp();
    let a = render(dir.path(), "a.pdf", "samples/festival.yaml", &[]);
    let b = render(dir.path(), "b.pdf", "samples/festival.yaml", &[]);
    let (a, b) = (fs::read(a).unwrap(), fs::read(b).unwrap());
    assert!(a == b, "two runs differ");
    let text = String::from_utf8_lossy(&a);
    assert!(text.starts_with("%PDF-1.6\n"));
    assert!(text.contains("<xmp:CreateDate>2026-07-10T00:00:00Z</xmp:CreateDate>"));
    assert!(text.contains("/CreationDate(D:20260710000000Z)"));
    assert!(text.contains("/OutputConditionIdentifier(FOGRA39)"));
}

#[test]
fn without_pdfx_nothing_is_declared() {
    // Guards the plain output: no output intent, XMP or 1.6 header unless
    // asked (the golden files hold the exact bytes).
    let dir = temp();
    let out = dir.path().join("p.pdf").display().to_string();
    let run =
        laminate_in(&root(), &["render", "samples/festival.yaml", "-o", &out, "--quiet"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let text = String::from_utf8_lossy(&fs::read(&out).unwrap()).into_owned();
    assert!(text.starts_with("%PDF-1.7\n"));
    for absent in ["/OutputIntents", "/Metadata", "/Trapped", "GTS_PDFX"] {
        assert!(!text.contains(absent), "{absent} without --pdfx");
    }
}

#[test]
fn a_profile_that_is_not_cmyk_output_is_an_error() {
    // Guards --output-intent: an sRGB display profile, or a file that is no
    // profile, stops the run with the file named; nothing is written.
    let dir = temp();
    let out = dir.path().join("x.pdf");
    let out_s = out.display().to_string();
    fs::write(dir.path().join("junk.icc"), b"not a profile").unwrap();
    let srgb = root().join("profiles/sRGB.icc").display().to_string();
    let junk = dir.path().join("junk.icc").display().to_string();
    let missing = dir.path().join("missing.icc").display().to_string();
    for (icc, why) in [
        (
            &srgb,
            "it is a display (mntr) profile for RGB colours, not a CMYK output (printer) profile",
        ),
        (&junk, "it is not an ICC colour profile"),
        (&missing, "cannot read the output intent profile"),
    ] {
        let args = ["render", "samples/festival.yaml", "-o", &out_s, "--output-intent", icc];
        let run = laminate_in(&root(), &args, &[]);
        assert_eq!(run.status, 1, "{}", run.stderr);
        assert!(run.stderr.contains(&format!("error: --output-intent {icc}: ")), "{}", run.stderr);
        assert!(run.stderr.contains(why), "{why} not in {}", run.stderr);
        assert!(!out.exists());
    }
}

#[test]
fn a_shops_profile_from_the_command_line_or_the_printer_profile() {
    // Guards the shop's own condition: --output-intent with --condition,
    // and a printer profile's output_intent key (relative to the profile
    // file), each embed that profile and name that condition.
    if !have_checker() {
        return;
    }
    let dir = temp();
    let icc = dir.path().join("shop.icc");
    fs::copy(root().join("profiles/FOGRA39L_coated.icc"), &icc).unwrap();
    let icc_s = icc.display().to_string();
    let a = dir.path().join("a.pdf").display().to_string();
    let args = ["render", "samples/festival.yaml", "-o", &a, "--quiet", "--output-intent", &icc_s];
    let run = laminate_in(&root(), &[&args[..], &["--condition", "Shop Coated 1"]].concat(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (ok, report) = check(&a);
    assert!(ok, "{report}");
    let text = String::from_utf8_lossy(&fs::read(&a).unwrap()).into_owned();
    assert!(text.contains("/OutputConditionIdentifier(Shop Coated 1)"));
    assert!(text.contains("/Info(FOGRA39L Coated)"));

    let yaml = dir.path().join("printer.yaml");
    fs::write(&yaml, "front: {offset_x: 0.5mm}\noutput_intent: shop.icc\ncondition: Press 2\n")
        .unwrap();
    let b = dir.path().join("b.pdf").display().to_string();
    let yaml_s = yaml.display().to_string();
    let args =
        ["render", "samples/festival.yaml", "-o", &b, "--quiet", "--printer-profile", &yaml_s];
    let run = laminate_in(&root(), &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (ok, report) = check(&b);
    assert!(ok, "{report}");
    let text = String::from_utf8_lossy(&fs::read(&b).unwrap()).into_owned();
    assert!(text.contains("/OutputConditionIdentifier(Press 2)"));
    // The command line wins key by key: --pdfx keeps the profile's
    // condition, --condition replaces it.
    for (extra, want) in [("--pdfx", "Press 2"), ("--condition=Press 3", "Press 3")] {
        let run = laminate_in(&root(), &[&args[..], &[extra]].concat(), &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let text = String::from_utf8_lossy(&fs::read(&b).unwrap()).into_owned();
        assert!(text.contains(&format!("/OutputConditionIdentifier({want})")), "{extra}");
    }
}

/// Mean ink (0..1) of a tiffsep plate within a box given in fractions of
/// the page (x0, y0 from the top-left, x1, y1).
fn plate_ink(path: &Path, area: (f64, f64, f64, f64)) -> f64 {
    let (w, h, px) = util::tiff_plate(path);
    let (x0, y0) = ((area.0 * w as f64) as usize, (area.1 * h as f64) as usize);
    let (x1, y1) = ((area.2 * w as f64) as usize, (area.3 * h as f64) as usize);
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += u64::from(255 - px[y * w + x]);
            n += 1;
        }
    }
    sum as f64 / n.max(1) as f64 / 255.0
}

#[test]
fn ghostscript_still_separates_foil_cut_contour_and_photo_plates() {
    // Guards the plates under --pdfx: the Foil and CutContour spots keep
    // plates of their own, and a photo (kept RGB, tagged sRGB) lands on the
    // process plates.
    if !have("gs") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let (_, duplex_args) = &samples()[1];
    let foil = render(d, "foil.pdf", "samples/duplex-cmyk/roster.yaml", duplex_args);
    util::tiffsep(Path::new(&foil), d, "foil", 36);
    assert!(plate_ink(&d.join("foil(Foil).tif"), (0.0, 0.0, 1.0, 1.0)) > 0.005);
    assert!(plate_ink(&d.join("foil(Cyan).tif"), (0.0, 0.0, 1.0, 1.0)) > 0.01);

    let cut = render(d, "cut.pdf", "samples/stickers.yaml", &samples()[2].1);
    util::tiffsep(Path::new(&cut), d, "cut", 36);
    assert!(plate_ink(&d.join("cut(CutContour).tif"), (0.0, 0.0, 1.0, 1.0)) > 0.001);

    let mut args = vec!["--templates", "samples/conference/templates", "--pdfx-photos", "srgb"];
    args.extend_from_slice(CARD_PAGES);
    args.extend_from_slice(&["--only", "OHS-001", "--proof"]);
    let photo = render(d, "photo.pdf", "samples/conference/roster.yaml", &args);
    util::tiffsep(Path::new(&photo), d, "photo", 72);
    // The photo's box on the 76.2 x 101.6 mm card: x 5-31 mm, y 27.5-59.5 mm.
    let area = (6.0 / 76.2, 28.5 / 101.6, 30.0 / 76.2, 58.5 / 101.6);
    let inks: Vec<f64> = ["Cyan", "Magenta", "Yellow", "Black"]
        .iter()
        .map(|ink| plate_ink(&d.join(format!("photo({ink}).tif")), area))
        .collect();
    eprintln!("photo area ink C M Y K: {inks:?}");
    assert!(
        inks[..3].iter().all(|&v| v > 0.02),
        "the photo is not on the process plates: {inks:?}"
    );
}

#[test]
fn template_colours_agree_with_imagecms_within_delta_e_2() {
    // Guards colour management: each pass type's accent, as sRGB hex,
    // lands in the PDF within delta E 2 of Pillow's ImageCms conversion
    // (relative colorimetric + BPC through FOGRA39), with --pdfx and
    // without it (the same conversion in every output). The comparison can
    // fail: the same templates with the accents given as the old formula's
    // cmyk(...) numbers are far off.
    if !have_python_modules(&["pikepdf", "PIL.ImageCms"]) {
        return;
    }
    let dir = temp();
    let mut args = CARD_PAGES.to_vec();
    args.push("--proof");
    let pdfx = render(dir.path(), "x.pdf", "samples/festival.yaml", &args);
    let plain_render = |out: &str, extra: &[&str]| -> String {
        let out = dir.path().join(out).display().to_string();
        let run = laminate_in(
            &root(),
            &[&["render", "samples/festival.yaml", "-o", &out][..], &args, extra].concat(),
            &[],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        out
    };
    let plain = plain_render("plain.pdf", &[]);
    let accents = ["#b3261e", "#263238", "#1b7a3e", "#5b2c83", "#c75a00"];
    // The built-in templates with each accent as the formula's CMYK.
    let t = dir.path().join("formula");
    fs::create_dir(&t).unwrap();
    for f in fs::read_dir(root().join("templates")).unwrap() {
        let f = f.unwrap().path();
        let mut text = fs::read_to_string(&f).unwrap();
        for a in accents {
            let [c, m, y, k] = laminate_passes_pdf::colour::Colour::parse(a).unwrap().to_cmyk();
            let p = |v: f32| (v * 100.0).round();
            let cmyk = format!("cmyk({}, {}, {}, {})", p(c), p(m), p(y), p(k));
            text = text.replace(&format!("\"{a}\""), &cmyk);
        }
        fs::write(t.join(f.file_name().unwrap()), text).unwrap();
    }
    let t_s = t.display().to_string();
    let formula = plain_render("formula.pdf", &["--templates", &t_s]);
    let script = root().join("tests/pdfx_colour.py").display().to_string();
    let icc = root().join("profiles/FOGRA39L_coated.icc").display().to_string();
    let measure = |pdf: &str| -> Vec<f64> {
        let out = tool("python3", &[&[&script[..], "colours", pdf, &icc][..], &accents].concat());
        out.lines().map(|l| l.split(' ').nth(1).unwrap().parse().unwrap()).collect()
    };
    for (what, pdf) in [("--pdfx", &pdfx), ("without --pdfx", &plain)] {
        let managed = measure(pdf);
        eprintln!("delta E {what}: {managed:?}");
        assert!(managed.iter().all(|&d| d < 2.0), "{what}: {accents:?}: {managed:?}");
    }
    let formula = measure(&formula);
    eprintln!("delta E of the formula: {formula:?}");
    assert!(formula.iter().any(|&d| d >= 2.0), "the formula agrees too: {formula:?}");
}

#[test]
fn a_photo_patch_converts_like_imagecms_within_delta_e_2() {
    // Guards the photo conversion the photo stage calls: a patch of sRGB
    // pixels (ramps of every hue, greys, skin tones) through
    // OutputIntent::photo_to_cmyk agrees with ImageCms pixel by pixel.
    // pdfx_colour.py imports pikepdf as well, for either command.
    if !have_python_modules(&["pikepdf", "PIL.ImageCms"]) {
        return;
    }
    let mut rgb = Vec::new();
    for r in (0..=255).step_by(51) {
        for g in (0..=255).step_by(51) {
            for b in (0..=255).step_by(51) {
                rgb.extend_from_slice(&[r as u8, g as u8, b as u8]);
            }
        }
    }
    rgb.extend_from_slice(&[224, 172, 105, 141, 85, 36, 255, 219, 172, 128, 128, 128]);
    let intent = laminate_passes_pdf::cms::OutputIntent::fogra39();
    let cmyk = intent
        .photo_to_cmyk(
            laminate_passes_pdf::cms::Pixels::Rgb(&rgb),
            None,
            laminate_passes_pdf::cms::Intent::default(),
        )
        .unwrap();
    let dir = temp();
    let (a, b) = (dir.path().join("rgb.raw"), dir.path().join("cmyk.raw"));
    fs::write(&a, &rgb).unwrap();
    fs::write(&b, &cmyk).unwrap();
    let script = root().join("tests/pdfx_colour.py").display().to_string();
    let icc = root().join("profiles/FOGRA39L_coated.icc").display().to_string();
    let out = tool(
        "python3",
        &[&script, "pixels", &icc, &a.display().to_string(), &b.display().to_string()],
    );
    let (max, mean) = out.trim().split_once(' ').unwrap();
    let (max, mean): (f64, f64) = (max.parse().unwrap(), mean.parse().unwrap());
    eprintln!("photo patch: max delta E {max}, mean {mean}");
    assert!(max < 2.0, "max delta E {max}");
    // And the comparison can fail: the formula's CMYK for the same pixels.
    let formula: Vec<u8> = rgb
        .chunks(3)
        .flat_map(|p| {
            let c = laminate_passes_pdf::colour::Colour::Rgb(
                f32::from(p[0]) / 255.0,
                f32::from(p[1]) / 255.0,
                f32::from(p[2]) / 255.0,
            );
            c.to_cmyk().map(|v| (v * 255.0).round() as u8)
        })
        .collect();
    fs::write(&b, &formula).unwrap();
    let out = tool(
        "python3",
        &[&script, "pixels", &icc, &a.display().to_string(), &b.display().to_string()],
    );
    let max: f64 = out.split(' ').next().unwrap().parse().unwrap();
    assert!(max >= 2.0, "the formula agrees too: {out}");
}

#[test]
fn photos_follow_the_templates_rendering_intent() {
    // Guards "photos follow rendering_intent": an out-of-gamut patch (sRGB
    // blue) and a dark navy in a photo come out as ImageCms's perceptual
    // CMYK under a perceptual template and as its relative colorimetric
    // (with BPC) CMYK under the default, and the two differ. The intent is
    // in the cache key: a perceptual run on a cache filled by a relative
    // one writes the bytes of an uncached perceptual run.
    if !have_python_modules(&["PIL.ImageCms"]) || !have("pdfimages") {
        return;
    }
    let dir = temp();
    let d = dir.path();
    fs::create_dir(d.join("photos")).unwrap();
    let photo = image::RgbImage::from_fn(600, 750, |x, _| {
        image::Rgb(if x < 300 { [0, 0, 255] } else { [20, 20, 60] })
    });
    photo.save(d.join("photos/p.jpg")).unwrap();
    fs::write(
        d.join("roster.yaml"),
        "event:\n  name: T\n  starts: 2026-01-01\n  ends: 2026-01-02\npasses:\n  - id: A-1\n    name: A\n    pass: crew\n    photo: photos/p.jpg\n",
    )
    .unwrap();
    for (set, intent) in [("rel", None), ("per", Some("perceptual"))] {
        let t = d.join(set);
        fs::create_dir(&t).unwrap();
        for f in fs::read_dir(root().join("samples/conference/templates")).unwrap() {
            let f = f.unwrap().path();
            let mut text = fs::read_to_string(&f).unwrap();
            if let (Some(i), true) = (intent, f.ends_with("crew.yaml")) {
                text = text.replace(
                    "\nextends: base\n",
                    &format!("\nextends: base\nrendering_intent: {i}\n"),
                );
                assert!(text.contains("rendering_intent"), "{text}");
            }
            fs::write(t.join(f.file_name().unwrap()), text).unwrap();
        }
    }
    let cache = d.join("cache").display().to_string();
    let render = |set: &str, out: &str, cached: bool| -> Vec<u8> {
        let mut args =
            vec!["render", "roster.yaml", "--templates", set, "-o", out, "--pdfx", "--quiet"];
        if cached {
            args.extend(["--photo-cache", &cache]);
        } else {
            args.push("--no-photo-cache");
        }
        let run = laminate_in(d, &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        fs::read(d.join(out)).unwrap()
    };
    render("rel", "rel.pdf", true);
    let warm = render("per", "per.pdf", true);
    let cold = render("per", "per-uncached.pdf", false);
    assert!(warm == cold, "a perceptual run took the relative photo from the cache");
    let script = root().join("tests/pdfx_colour.py").display().to_string();
    let icc = root().join("profiles/FOGRA39L_coated.icc").display().to_string();
    let numbers =
        |out: String| -> Vec<f64> { out.split_whitespace().map(|v| v.parse().unwrap()).collect() };
    let mut seen = Vec::new();
    for (pdf, intent) in [("rel.pdf", "relative-colorimetric"), ("per.pdf", "perceptual")] {
        let prefix = d.join(pdf.replace(".pdf", "-img")).display().to_string();
        tool("pdfimages", &["-j", &d.join(pdf).display().to_string(), &prefix]);
        let jpeg = format!("{prefix}-000.jpg");
        for (rgb, bx) in [
            (["0", "0", "255"], ["0.1", "0.2", "0.4", "0.8"]),
            (["20", "20", "60"], ["0.6", "0.2", "0.9", "0.8"]),
        ] {
            let want =
                tool("python3", &[&[&script[..], "expect", intent, &icc][..], &rgb].concat());
            let got = tool("python3", &[&[&script[..], "patch", &jpeg][..], &bx].concat());
            let (want, got) = (numbers(want), numbers(got));
            eprintln!("{pdf} {rgb:?}: ImageCms {intent} {want:?}, in the PDF {got:?}");
            assert!(
                want.iter().zip(&got).all(|(a, b)| (a - b).abs() <= 3.0),
                "{pdf} {rgb:?}: {want:?} {got:?}"
            );
            seen.push(got);
        }
    }
    // Blue and navy, relative then perceptual.
    let differ = |a: &[f64], b: &[f64]| a.iter().zip(b).any(|(x, y)| (x - y).abs() >= 4.0);
    assert!(differ(&seen[0], &seen[2]) && differ(&seen[1], &seen[3]), "{seen:?}");
}

#[test]
fn a_templates_rendering_intent_is_used() {
    // Guards `rendering_intent` in a template: its colours follow that
    // intent (ImageCms's perceptual conversion, not the relative one), the
    // other templates keep the default, and a misspelt intent is an error
    // at its line.
    if !have_python_modules(&["pikepdf", "PIL.ImageCms"]) {
        return;
    }
    let dir = temp();
    let d = dir.path();
    let run = laminate_in(d, &["init", "p"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let all_access = d.join("p/templates/all-access.yaml");
    let text = fs::read_to_string(&all_access).unwrap();
    assert!(text.contains("\nextends: base\n"), "{text}");
    fs::write(
        &all_access,
        text.replace("\nextends: base\n", "\nextends: base\nrendering_intent: perceptual\n"),
    )
    .unwrap();
    let out = d.join("x.pdf").display().to_string();
    let mut args = vec![
        "render",
        "p/roster.yaml",
        "--templates",
        "p/templates",
        "-o",
        &out,
        "--pdfx",
        "--proof",
    ];
    args.extend_from_slice(CARD_PAGES);
    let run = laminate_in(d, &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let script = root().join("tests/pdfx_colour.py").display().to_string();
    let icc = root().join("profiles/FOGRA39L_coated.icc").display().to_string();
    // all-access's accent, and crew's (default intent).
    let measure = |intent: &str| -> Vec<f64> {
        let o = tool(
            "python3",
            &[&script, "colours", "--intent", intent, &out, &icc, "#b3261e", "#263238"],
        );
        o.lines().map(|l| l.split(' ').nth(1).unwrap().parse().unwrap()).collect()
    };
    let perceptual = measure("perceptual");
    let relative = measure("relative-colorimetric");
    eprintln!("perceptual {perceptual:?}, relative {relative:?}");
    assert!(perceptual[0] < 2.0 && relative[0] >= 2.0, "all-access: {perceptual:?} {relative:?}");
    assert!(relative[1] < 2.0 && perceptual[1] >= 2.0, "crew: {perceptual:?} {relative:?}");

    let text = fs::read_to_string(&all_access).unwrap();
    fs::write(&all_access, text.replace("rendering_intent: perceptual", "rendering_intent: vivid"))
        .unwrap();
    let run = laminate_in(d, &args, &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("error: `rendering_intent` \"vivid\" is not a rendering intent"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("all-access.yaml:3:19"), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "hint: use one of relative-colorimetric, perceptual, saturation, absolute-colorimetric"
        ),
        "{}",
        run.stderr
    );
}
