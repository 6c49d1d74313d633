//! Round trips through the tools print shops and door staff use: the PDF of
//! each sample is checked by qpdf, poppler, zbar, Ghostscript and MuPDF.
//! scripts/test (and so CI) installs the tools and makes these required.

mod util;

use std::fs;
use std::path::Path;

use laminate_passes::diag::FileId;
use laminate_passes::resolve::payload::Payload;
use util::{have, laminate_in, root, temp, tool, tool_may_fail};

/// (roster, extra arguments) of every sample.
fn samples() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut list = vec![("samples/festival.yaml", vec![]), ("samples/world.yaml", vec![])];
    if root().join("samples/conference/roster.yaml").exists() {
        list.push((
            "samples/conference/roster.yaml",
            vec!["--templates", "samples/conference/templates"],
        ));
    }
    list.push(("samples/stickers.yaml", vec!["--sheet", "a4-10up-sticky", "--cut-contour"]));
    list.push((
        "samples/collector/roster.yaml",
        vec!["--templates", "samples/collector/templates"],
    ));
    list.push((
        "samples/duplex-cmyk/roster.yaml",
        vec!["--templates", "samples/duplex-cmyk/templates", "--duplex", "--security-ink", "Foil"],
    ));
    list
}

fn roster(path: &str) -> laminate_passes::load::roster::Roster {
    let full = root().join(path);
    let text = fs::read_to_string(&full).unwrap();
    let mut out = vec![];
    let r = laminate_passes::load::roster::load(&text, FileId(0), full.parent().unwrap(), &mut out);
    assert!(out.is_empty(), "{out:?}");
    r.unwrap()
}

fn render(dir: &Path, sample: &str, extra: &[&str]) -> String {
    let out = dir.join("out.pdf").display().to_string();
    let mut args = vec!["render", sample, "-o", &out, "--quiet"];
    args.extend_from_slice(extra);
    let run = laminate_in(&root(), &args, &[]);
    assert_eq!(run.status, 0, "{sample}: {}", run.stderr);
    out
}

#[test]
fn qpdf_finds_no_errors() {
    if !have("qpdf") {
        return;
    }
    let dir = temp();
    for (sample, extra) in samples() {
        let pdf = render(dir.path(), sample, &extra);
        let stdout = tool("qpdf", &["--check", &pdf]);
        assert!(stdout.contains("No syntax or stream encoding errors"), "{sample}: {stdout}");
    }
}

#[test]
fn every_font_is_embedded_subset_and_mapped_to_unicode() {
    if !have("pdffonts") {
        return;
    }
    let dir = temp();
    for (sample, extra) in samples() {
        let pdf = render(dir.path(), sample, &extra);
        let stdout = tool("pdffonts", &[&pdf]);
        let rows: Vec<&str> = stdout.lines().skip(2).collect();
        assert!(rows.len() >= 2, "{stdout}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name type... emb sub uni object ID
            let n = cols.len();
            assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{sample}: {row}");
            assert_eq!(cols[0].find('+'), Some(6), "subset tag missing: {row}");
        }
    }
}

#[test]
fn every_name_can_be_extracted_as_text() {
    if !have("pdftotext") {
        return;
    }
    let dir = temp();
    for (sample, extra) in samples() {
        let pdf = render(dir.path(), sample, &extra);
        let text = tool("pdftotext", &[&pdf, "-"]);
        // A name wrapped onto two lines comes back as two lines, and poppler
        // joins a line ending in a hyphen with the next: compare the letters.
        // Readers mark right-to-left stretches with embedding controls.
        let text: String = text.chars().filter(|c| !matches!(c, '\u{202a}'..='\u{202e}')).collect();
        let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        for e in roster(sample).entries {
            for word in e.name.split_whitespace() {
                // Poppler may order the parts of a hyphenated right-to-left
                // word differently; each part must still come back whole.
                let rtl = word.chars().any(|c| ('\u{0590}'..='\u{08ff}').contains(&c));
                let parts: Vec<String> = if rtl {
                    word.split('-').map(str::to_string).collect()
                } else {
                    vec![word.chars().filter(|c| *c != '-').collect()]
                };
                for part in parts {
                    assert!(
                        compact.contains(&part),
                        "{sample}: \"{part}\" of {} not in the text",
                        e.name
                    );
                }
            }
            assert!(text.contains(&*e.id), "{sample}: id {} not in the text", e.id);
        }
    }
}

#[test]
fn every_qr_code_decodes_from_a_300_dpi_render() {
    if !have("pdftoppm") || !have("zbarimg") {
        return;
    }
    let dir = temp();
    for (sample, extra) in samples() {
        let pdf = render(dir.path(), sample, &extra);
        let prefix = dir.path().join("page").display().to_string();
        tool("pdftoppm", &["-r", "300", "-png", &pdf, &prefix]);
        let mut decoded = Vec::new();
        let mut pages: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "png"))
            .collect();
        pages.sort();
        for page in &pages {
            decoded.extend(util::zbarimg(page));
            fs::remove_file(page).unwrap();
        }
        let r = roster(sample);
        let mut ids: Vec<String> =
            decoded.iter().map(|p| Payload::decode(p).expect("a laminate payload").id).collect();
        ids.sort();
        let mut want: Vec<String> = r.entries.iter().map(|e| e.id.to_string()).collect();
        want.sort();
        assert_eq!(ids, want, "{sample}: decoded ids differ from the roster");
        if sample.ends_with("festival.yaml") {
            assert!(decoded.contains(
                &"L1:NLF2026:NLF-0001:CREW:20260709:20260713:STAGE+BACKSTAGE:0:U".to_string()
            ));
        }
    }
}

#[test]
fn every_page_has_media_trim_and_bleed_boxes() {
    if !have("pdfinfo") {
        return;
    }
    let dir = temp();
    let pdf = render(dir.path(), "samples/festival.yaml", &[]);
    let out = tool("pdfinfo", &["-box", "-f", "1", "-l", "99", &pdf]);
    for b in ["MediaBox", "TrimBox", "BleedBox"] {
        // Four sheets: the CR80 cards, then the sticky passes (80 x 50 mm).
        assert_eq!(out.matches(&format!("{b}:")).count(), 4, "{b} on every page:\n{out}");
    }
    let boxes: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("Page    1 "))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    // A4; the trim holds 2 x 4 CR80 cards and 1 gutter of 13 mm across,
    // centred; the bleed is 3 mm (8.5 pt) outside the trim.
    for want in [
        "Page 1 MediaBox: 0.00 0.00 595.28 841.89",
        "Page 1 TrimBox: 36.57 59.53 558.71 782.36",
        "Page 1 BleedBox: 28.06 51.02 567.21 790.87",
    ] {
        assert!(boxes.iter().any(|b| b == want), "{want} not in {boxes:?}");
    }
}

#[test]
fn ghostscript_and_mupdf_render_it_cleanly() {
    if !have("gs") || !have("mutool") {
        return;
    }
    let dir = temp();
    for (sample, extra) in samples() {
        let pdf = render(dir.path(), sample, &extra);
        let gs = tool_may_fail("gs", &["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", &pdf]);
        let (out, err) = (&gs.stdout, &gs.stderr);
        assert!(
            gs.status == 0 && !out.contains("rror") && !err.contains("rror"),
            "{sample}: {out}{err}"
        );
        let png = dir.path().join("m.png").display().to_string();
        let mu = tool_may_fail("mutool", &["draw", "-q", "-r", "30", "-o", &png, &pdf, "1"]);
        assert!(mu.status == 0 && !mu.stderr.contains("error"), "{sample}: {}", mu.stderr);
        // The security layer is an optional content group named Security.
        let out = tool("mutool", &["show", &pdf, "trailer/Root/OCProperties/OCGs"]);
        let ocg = out
            .trim()
            .trim_start_matches('[')
            .split_whitespace()
            .next()
            .expect("one OCG")
            .to_string();
        let out = tool("mutool", &["show", &pdf, &ocg]);
        assert!(out.contains("/Type /OCG") && out.contains("/Name (Security)"), "{sample}: {out}");
    }
}

#[test]
fn crop_marks_print_on_all_four_plates() {
    if !have("gs") {
        return;
    }
    let dir = temp();
    let pdf = render(dir.path(), "samples/festival.yaml", &["--only", "NLF-0001"]);
    let out = dir.path().join("page.pam").display().to_string();
    // Ghostscript's CMYK raster: one byte of ink per plate and pixel.
    tool(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=pamcmyk32",
            "-r144",
            &format!("-sOutputFile={out}"),
            &pdf,
        ],
    );
    let data = fs::read(&out).unwrap();
    let header_end = data.windows(7).position(|w| w == b"ENDHDR\n").unwrap() + 7;
    let header = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let width: usize =
        header.lines().find_map(|l| l.strip_prefix("WIDTH ")).unwrap().parse().unwrap();
    let pixels = &data[header_end..];
    let ink = |x: usize, y: usize| -> [u8; 4] {
        let i = (y * width + x) * 4;
        [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]]
    };
    // The first card's top-left horizontal mark runs along y = 782.36 pt
    // (59.5 pt from the top) from x = 18.1 to 26.6 pt: at 144 dpi, y = 119.
    let mut found = false;
    for y in 116..123 {
        for x in 38..52 {
            if ink(x, y).iter().all(|&v| v > 200) {
                found = true;
            }
        }
    }
    assert!(found, "no pixel of the crop mark has ink on all four plates");
    // Outside the marks and cards the paper stays blank.
    assert_eq!(ink(5, 5), [0, 0, 0, 0]);
}

#[test]
fn manifest_rows_agree_with_where_pdftotext_finds_each_id() {
    if !have("pdftotext") {
        return;
    }
    let dir = temp();
    let manifest = dir.path().join("m.csv").display().to_string();
    let pdf = render(dir.path(), "samples/festival.yaml", &["--manifest", &manifest]);
    let rows = fs::read_to_string(&manifest).unwrap();
    let mut lines = rows.lines();
    assert_eq!(lines.next(), Some("id,name,pass,valid_from,valid_until,reprint,file,sheet,slot,front_page,back_page,run,shard,warnings"));
    // The A4 grid of each pass type's card: the library's own imposition, as
    // the PDF used it (the sticky passes have a card size of their own).
    let set = laminate_passes::load_templates(None).unwrap();
    let opts = laminate_passes::impose::ImposeOptions {
        sheet: laminate_passes::parse_sheet("a4").unwrap(),
        bleed: laminate_passes::units::mm(3.0),
        crop_marks: true,
        margin: laminate_passes::impose::default_margin(),
        duplex: None,
        start_at: 0,
        registration_marks: false,
    };
    let bbox_path = dir.path().join("bbox.html").display().to_string();
    tool("pdftotext", &["-bbox", &pdf, &bbox_path]);
    let html = fs::read_to_string(&bbox_path).unwrap();
    // Pages, then words with their box (y from the top of the page).
    let pages: Vec<&str> = html.split("<page ").skip(1).collect();
    let mut seen = 0;
    for line in lines {
        let cols: Vec<&str> = line.split(',').collect();
        let (id, slot, page): (&str, usize, usize) =
            (cols[0], cols[8].parse().unwrap(), cols[9].parse().unwrap());
        let card = set.templates[set.find(cols[2]).unwrap()].card;
        let grid = laminate_passes::impose::grid(card, &opts).unwrap();
        let at = grid.slots[slot - 1];
        let (x0, x1) = (at.x, at.x + card.w);
        let (top, bottom) = (grid.sheet.h - (at.y + card.h), grid.sheet.h - at.y);
        let mut found = 0;
        for word in pages[page - 1].split("<word ").skip(1) {
            let text = word.split('>').nth(1).unwrap().split('<').next().unwrap();
            if text != id {
                continue;
            }
            let num = |k: &str| -> f64 {
                word.split(&format!("{k}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            let (wx0, wy0, wx1, wy1) = (num("xMin"), num("yMin"), num("xMax"), num("yMax"));
            assert!(
                wx0 >= x0 - 0.5 && wx1 <= x1 + 0.5 && wy0 >= top - 0.5 && wy1 <= bottom + 0.5,
                "{id} at {wx0},{wy0} is outside slot {slot} of page {page}"
            );
            found += 1;
        }
        assert!(found >= 1, "{id} not found on page {page}");
        seen += 1;
    }
    assert_eq!(seen, 26);
}

#[test]
fn security_layer_can_go_on_its_own_spot_plate() {
    if !have("gs") || !have("mutool") {
        return;
    }
    let dir = temp();
    for (proof, expect_plate) in [(false, true), (true, false)] {
        let mut args = vec!["--only", "NLF-0001", "--security-ink", "UV=cmyk(20,0,0,0)"];
        if proof {
            args.push("--proof");
        }
        let pdf = render(dir.path(), "samples/festival.yaml", &args);
        let prefix = dir.path().join(format!("sep-{proof}"));
        let out = format!("-sOutputFile={}.tif", prefix.display());
        tool("gs", &["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", "-r36", &out, &pdf]);
        let plate = dir.path().join(format!("sep-{proof}(UV).tif"));
        assert_eq!(plate.exists(), expect_plate, "UV plate with proof={proof}");
        for process in ["Cyan", "Magenta", "Yellow", "Black"] {
            assert!(dir.path().join(format!("sep-{proof}({process}).tif")).exists());
        }
    }
    // Viewers are told not to scale the pages when printing.
    let pdf = render(dir.path(), "samples/festival.yaml", &["--only", "NLF-0001"]);
    let out = tool("mutool", &["show", &pdf, "trailer/Root/ViewerPreferences"]);
    assert!(out.contains("/PrintScaling /None"), "{out}");
}

#[test]
fn each_sheet_has_a_slug_line_unless_asked_not_to() {
    if !have("pdftotext") {
        return;
    }
    let dir = temp();
    let pdf = render(dir.path(), "samples/festival.yaml", &[]);
    let text = tool("pdftotext", &[&pdf, "-"]);
    for k in 1..=4 {
        assert!(
            text.contains(&format!("Northern Lights Festival 2026 · sheet {k} of 4 · ")),
            "sheet {k}:\n{text}"
        );
    }
    assert!(text.contains("· sheet 1 of 4 · all-access, crew, day, limited · run "), "{text}");
    assert!(text.contains("· sheet 4 of 4 · sticky · run "), "{text}");
    let pdf = render(dir.path(), "samples/festival.yaml", &["--no-slug"]);
    let text = tool("pdftotext", &[&pdf, "-"]);
    // The passes are there; the slug lines are not.
    assert!(text.contains("NLF-0001") && text.contains("NLF-0026"), "{text}");
    assert!(!text.contains("sheet 1 of 4") && !text.contains(" · run "), "{text}");
}

/// (xMin, yMin) in pt from the top left of the first word `word` on each
/// page, as `pdftotext -bbox` finds it.
fn word_positions(pdf: &str, word: &str) -> Vec<(f64, f64)> {
    let out = tool("pdftotext", &["-bbox", pdf, "-"]);
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    out.split("<page ")
        .skip(1)
        .map(|page| {
            let line = page
                .lines()
                .find(|l| l.trim_end().ends_with(&format!(">{word}</word>")))
                .unwrap_or_else(|| panic!("{word} not on a page of {pdf}"));
            (attr(line, "xMin"), attr(line, "yMin"))
        })
        .collect()
}

#[test]
fn a_printer_profile_moves_and_scales_each_side_to_a_hundredth_of_a_mm() {
    // Guards calibration: with a profile, where the id lands on the front
    // and on the back follows the profile's offset and its scale about the
    // page centre, to 0.01 mm; the page boxes do not move.
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = temp();
    let profile = dir.path().join("printer.yaml");
    fs::write(
        &profile,
        "# Our office printer, measured on 2026-06-01\n\
         front: {offset_x: 1.2mm, offset_y: -0.5mm, scale: 99.5%}\n\
         back:\n  offset_x: -0.8mm\n  offset_y: 0.3mm\n  scale: 100.2%\n",
    )
    .unwrap();
    let plain_dir = dir.path().join("plain");
    fs::create_dir(&plain_dir).unwrap();
    let args = ["--only", "NLF-0001", "--duplex"];
    let plain = render(&plain_dir, "samples/festival.yaml", &args);
    let mut with = args.to_vec();
    let p = profile.display().to_string();
    with.extend(["--printer-profile", &p]);
    let adjusted = render(dir.path(), "samples/festival.yaml", &with);
    let (w, h) = (595.2756, 841.8898);
    let mm = |v: f64| v * 72.0 / 25.4;
    let before = word_positions(&plain, "NLF-0001");
    let after = word_positions(&adjusted, "NLF-0001");
    assert_eq!((before.len(), after.len()), (2, 2), "a front and a back page");
    for (page, (dx, dy, s)) in [(0, (1.2, -0.5, 0.995)), (1, (-0.8, 0.3, 1.002))] {
        let (x, y_down) = before[page];
        // pdftotext measures y down from the top; the profile's y is up.
        let want_x = s * (x - w / 2.0) + w / 2.0 + mm(dx);
        let want_y_down = s * (y_down - h / 2.0) + h / 2.0 - mm(dy);
        let (gx, gy) = after[page];
        let err = |a: f64, b: f64| (a - b).abs() * 25.4 / 72.0;
        assert!(
            err(gx, want_x) < 0.01 && err(gy, want_y_down) < 0.01,
            "page {}: id at ({gx}, {gy}), want ({want_x}, {want_y_down})",
            page + 1
        );
        // And it did move: by more than half a millimetre.
        assert!(err(gx, x) > 0.5 || err(gy, y_down) > 0.5);
    }
    let boxes = |pdf: &str| {
        let info = tool("pdfinfo", &["-box", "-f", "1", "-l", "2", pdf]);
        let lines: Vec<String> =
            info.lines().filter(|l| l.contains("Box:")).map(str::to_string).collect();
        // Media, crop, bleed, trim and art box of each of the two pages.
        assert_eq!(lines.len(), 10, "{pdf}: {info}");
        lines
    };
    assert_eq!(boxes(&plain), boxes(&adjusted), "page boxes stay nominal");
}

/// A CMYK raster of one page by Ghostscript: (width, height, 4 bytes a pixel).
fn cmyk_raster(dir: &Path, pdf: &str, page: usize, dpi: usize) -> (usize, usize, Vec<u8>) {
    let out = dir.join(format!("page{page}.pam")).display().to_string();
    tool(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=pamcmyk32",
            &format!("-r{dpi}"),
            &format!("-dFirstPage={page}"),
            &format!("-dLastPage={page}"),
            &format!("-sOutputFile={out}"),
            pdf,
        ],
    );
    let data = fs::read(&out).unwrap();
    let header_end = data.windows(7).position(|w| w == b"ENDHDR\n").unwrap() + 7;
    let header = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let num = |key: &str| -> usize {
        header.lines().find_map(|l| l.strip_prefix(key)).unwrap().trim().parse().unwrap()
    };
    (num("WIDTH "), num("HEIGHT "), data[header_end..].to_vec())
}

#[test]
fn registration_targets_sit_at_the_edge_midpoints_outside_every_bleed() {
    // Guards --registration-marks: on fronts and backs, ink on all four
    // plates (the registration colour) appears at the four edge midpoints,
    // never inside a card's bleed box, and the back's targets lie behind
    // the front's once the sheet is turned over its long edge.
    if !have("gs") {
        return;
    }
    let dir = temp();
    let dump = dir.path().join("r.txt").display().to_string();
    let pdf = render(
        dir.path(),
        "samples/festival.yaml",
        &["--registration-marks", "--no-crop-marks", "--duplex", "--dump", &dump],
    );
    let text = fs::read_to_string(&dump).unwrap();
    let dpi = 144;
    let px = |pt: f64| pt * dpi as f64 / 72.0;
    let bleed = 3.0 * 72.0 / 25.4;
    let mut centres = vec![];
    for (page, sheet) in text.split("sheet ").skip(1).take(2).enumerate() {
        // Each card's bleed box in pixels, y down.
        let (w, h, pixels) = cmyk_raster(dir.path(), &pdf, page + 1, dpi);
        let sheet_h: f64 =
            sheet.split_whitespace().next().unwrap().split_once('x').unwrap().1.parse().unwrap();
        let page_h = px(sheet_h);
        assert_eq!(h, page_h.round() as usize);
        let boxes: Vec<(f64, f64, f64, f64)> = sheet
            .lines()
            .filter_map(|l| l.strip_prefix("card at "))
            .map(|l| {
                let (at, size) = l.split_once(" size ").unwrap();
                let (x, y) = at.split_once(',').unwrap();
                let (cw, ch) = size.split_once('x').unwrap();
                let (x, y, cw, ch): (f64, f64, f64, f64) = (
                    x.parse().unwrap(),
                    y.parse().unwrap(),
                    cw.parse().unwrap(),
                    ch.parse().unwrap(),
                );
                (
                    px(x - bleed),
                    page_h - px(y + ch + bleed),
                    px(x + cw + bleed),
                    page_h - px(y - bleed),
                )
            })
            .collect();
        assert!(!boxes.is_empty());
        // Registration pixels, grouped by the nearest edge midpoint.
        let mids = [
            (0.0, h as f64 / 2.0),
            (w as f64, h as f64 / 2.0),
            (w as f64 / 2.0, 0.0),
            (w as f64 / 2.0, h as f64),
        ];
        let mut groups: Vec<Vec<(f64, f64)>> = vec![vec![]; 4];
        for y in 0..h {
            for x in 0..w {
                let i = (y * w + x) * 4;
                if pixels[i..i + 4].iter().all(|&v| v > 250) {
                    let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
                    for b in &boxes {
                        assert!(
                            !(fx > b.0 && fx < b.2 && fy > b.1 && fy < b.3),
                            "page {}: registration ink at ({x}, {y}) inside a bleed box {b:?}",
                            page + 1
                        );
                    }
                    let d = |m: &(f64, f64)| (m.0 - fx).powi(2) + (m.1 - fy).powi(2);
                    let near = (0..4).min_by(|&a, &b| d(&mids[a]).total_cmp(&d(&mids[b]))).unwrap();
                    groups[near].push((fx, fy));
                }
            }
        }
        let mut page_centres = vec![];
        for (g, points) in groups.iter().enumerate() {
            assert!(points.len() > 20, "page {}: no target at edge midpoint {g}", page + 1);
            let (x0, x1) =
                points.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
            let (y0, y1) =
                points.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
            let c = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            // Centred on the edge's midpoint line, to a pixel (0.18 mm).
            let off = if g < 2 { c.1 - h as f64 / 2.0 } else { c.0 - w as f64 / 2.0 };
            assert!(off.abs() <= 1.0, "page {}: target {g} at {c:?}", page + 1);
            page_centres.push(c);
        }
        centres.push((w, page_centres));
    }
    // Turned over the long edge (left and right swap), each back target
    // lies on a front target, to a pixel.
    let (w, front) = &centres[0];
    let (_, back) = &centres[1];
    for b in back {
        let turned = (*w as f64 - b.0, b.1);
        assert!(
            front.iter().any(|f| (f.0 - turned.0).abs() <= 1.0 && (f.1 - turned.1).abs() <= 1.0),
            "back target {b:?} turned to {turned:?} is on no front target {front:?}"
        );
    }
}

/// A JPEG of a smooth gradient, `w` x `h` pixels, grey or RGB.
fn jpeg(w: u32, h: u32, grey: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    let rgb = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 128])
    });
    if grey {
        image::DynamicImage::ImageRgb8(rgb).to_luma8().write_with_encoder(enc).unwrap();
    } else {
        rgb.write_with_encoder(enc).unwrap();
    }
    out
}

/// The same JPEG with an EXIF segment saying "turn 90 degrees clockwise" (orientation 6).
fn with_orientation_6(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend([0, 1]); // one IFD entry
    tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation, SHORT, 1, 6
    tiff.extend([0, 0, 0, 0]); // no next IFD
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

/// The image dictionary written just before `bytes` in `pdf`, if the PDF
/// holds those bytes unchanged.
fn dict_before(pdf: &[u8], bytes: &[u8]) -> Option<String> {
    let at = pdf.windows(bytes.len()).position(|w| w == bytes)?;
    let start = pdf[..at].windows(6).rposition(|w| w == b" 0 obj")?;
    Some(String::from_utf8_lossy(&pdf[start..at]).into_owned())
}

#[test]
fn jpeg_photos_that_need_no_change_are_kept_as_they_are() {
    // Guards the JPEG passthrough: a grey, RGB or CMYK JPEG of the photo
    // box's shape at no more than 300 dpi is embedded as its own bytes with
    // /DCTDecode in its own colour space; a turned (EXIF) or too large one
    // is turned or scaled and re-encoded. The CMYK one prints its own inks.
    let dir = temp();
    let d = dir.path();
    // The conference photo box is 26 x 32 mm: 260 x 320 px is its shape at 254 dpi.
    let rgb = jpeg(260, 320, false);
    let grey = jpeg(260, 320, true);
    let turned = with_orientation_6(&jpeg(320, 260, false));
    let big = jpeg(1300, 1600, false);
    fs::write(d.join("rgb.jpg"), &rgb).unwrap();
    fs::write(d.join("grey.jpg"), &grey).unwrap();
    fs::write(d.join("turned.jpg"), &turned).unwrap();
    fs::write(d.join("big.jpg"), &big).unwrap();
    let mut roster =
        String::from("event: {name: Photo Test, starts: 2026-05-14, ends: 2026-05-15}\npasses:\n");
    for id in ["rgb", "grey", "turned", "big", "cmyk"] {
        roster.push_str(&format!(
            "  - {{id: {id}, name: Ann Lee, pass: all-access, photo: {id}.jpg}}\n"
        ));
    }
    let cmyk_test = have("gs");
    if cmyk_test {
        // Ghostscript's jpegcmyk device: a 260 x 320 px CMYK JPEG of 80 % cyan.
        let ps = d.join("cyan.ps");
        fs::write(&ps, "%!PS\n<< /PageSize [260 320] >> setpagedevice\n0.8 0 0 0 setcmykcolor 0 0 260 320 rectfill showpage\n").unwrap();
        let out = format!("-sOutputFile={}", d.join("cmyk.jpg").display());
        tool(
            "gs",
            &[
                "-q",
                "-dNOPAUSE",
                "-dBATCH",
                "-sDEVICE=jpegcmyk",
                "-r72",
                &out,
                &ps.display().to_string(),
            ],
        );
    }
    fs::write(d.join("r.yaml"), roster).unwrap();
    let templates = root().join("samples/conference/templates").display().to_string();
    let render_one = |id: &str| -> Vec<u8> {
        let out = format!("{id}.pdf");
        let run = laminate_in(
            d,
            &[
                "render",
                "r.yaml",
                "--templates",
                &templates,
                "--sheet",
                "card",
                "--only",
                id,
                "-o",
                &out,
                "--quiet",
            ],
            &[],
        );
        assert_eq!(run.status, 0, "{id}: {}", run.stderr);
        fs::read(d.join(&out)).unwrap()
    };
    for (id, bytes, space) in
        [("rgb", &rgb, "/ColorSpace/DeviceRGB"), ("grey", &grey, "/ColorSpace/DeviceGray")]
    {
        let pdf = render_one(id);
        let dict = dict_before(&pdf, bytes)
            .unwrap_or_else(|| panic!("{id}: the JPEG's own bytes are not in the PDF"));
        for want in ["/Filter/DCTDecode", "/Width 260/Height 320", space] {
            assert!(dict.contains(want), "{id}: {want} not in {dict}");
        }
    }
    // Turned: not kept, and the pixels are turned upright (260 wide, 320 high).
    let pdf = render_one("turned");
    assert!(dict_before(&pdf, &turned[20..200]).is_none(), "a turned JPEG was kept as it is");
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Width 260/Height 320"), "the turned photo is not upright");
    // Too many pixels: scaled to 300 dpi, 307 x 378.
    let pdf = render_one("big");
    assert!(dict_before(&pdf, &big[20..200]).is_none());
    assert!(String::from_utf8_lossy(&pdf).contains("/Width 307/Height 378"));
    if cmyk_test {
        let cmyk = fs::read(d.join("cmyk.jpg")).unwrap();
        let pdf = render_one("cmyk");
        let dict = dict_before(&pdf, &cmyk).expect("the CMYK JPEG's own bytes are not in the PDF");
        assert!(
            dict.contains("/ColorSpace/DeviceCMYK") && dict.contains("/Filter/DCTDecode"),
            "{dict}"
        );
        // Printed, the photo's middle has the JPEG's ink: 80 % cyan, nothing else.
        let path = d.join("cmyk.pdf").display().to_string();
        let (w, _, pixels) = cmyk_raster(d, &path, 1, 72);
        // Card page: 6.5 mm of bleed and marks, then the photo box at (5, 27.5) mm, 26 x 32 mm.
        let px = |v: f64| (v / 25.4 * 72.0) as usize;
        let i = (px(6.5 + 27.5 + 16.0) * w + px(6.5 + 5.0 + 13.0)) * 4;
        let ink = &pixels[i..i + 4];
        assert!(
            (ink[0] as i32 - 204).abs() < 20 && ink[1..].iter().all(|&v| v < 20),
            "the CMYK photo prints {ink:?}, not 80 % cyan"
        );
    }
}

/// Mean ink of a plate written by Ghostscript's tiffsep device (uncompressed,
/// 8-bit, BlackIsZero: 255 is no ink), from 0 (none) to 1 (solid).
fn plate_ink(path: &Path) -> f64 {
    let (_, _, pixels) = util::tiff_plate(path);
    let ink: u64 = pixels.iter().map(|&v| 255 - u64::from(v)).sum();
    ink as f64 / pixels.len() as f64 / 255.0
}

#[test]
fn the_duplex_cmyk_sample_prints_four_process_plates_and_a_foil_plate() {
    // Guards the print-shop sample: CMYK templates with backs, rendered
    // duplex with the security layer on a spot ink, pass qpdf, and
    // Ghostscript separates each page into C, M, Y, K and a Foil plate that
    // carries ink on fronts and backs alike.
    if !have("gs") || !have("qpdf") {
        return;
    }
    let dir = temp();
    let pdf = render(
        dir.path(),
        "samples/duplex-cmyk/roster.yaml",
        &["--templates", "samples/duplex-cmyk/templates", "--duplex", "--security-ink", "Foil"],
    );
    let out = tool("qpdf", &["--check", &pdf]);
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    // Device colours only: CMYK, the spot and registration; no RGB anywhere.
    let qdf = tool("qpdf", &["--qdf", "--object-streams=disable", &pdf, "-"]);
    assert!(qdf.contains("/DeviceCMYK") && qdf.contains(" k\n"), "no CMYK in the CMYK sample");
    assert!(
        !qdf.contains("DeviceRGB") && !qdf.contains(" rg\n") && !qdf.contains(" RG\n"),
        "RGB in the CMYK sample"
    );
    let prefix = dir.path().join("sep");
    let out = format!("-sOutputFile={}-%d.tif", prefix.display());
    tool(
        "gs",
        &[
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-sDEVICE=tiffsep",
            "-sCompression=none",
            "-r36",
            &out,
            &pdf,
        ],
    );
    // 10 passes on 2 sheets: front, back, front, back.
    for page in 1..=4 {
        let plate = |ink: &str| dir.path().join(format!("sep-{page}({ink}).tif"));
        for process in ["Cyan", "Magenta", "Yellow", "Black"] {
            assert!(plate(process).exists(), "page {page}: no {process} plate");
        }
        let foil = plate_ink(&plate("Foil"));
        let cyan = plate_ink(&plate("Cyan"));
        // Fronts carry guilloche and hologram; backs only microtext.
        let least = if page % 2 == 1 { 0.005 } else { 0.0002 };
        eprintln!("page {page}: Foil {foil:.4}, Cyan {cyan:.4}");
        assert!(foil > least, "page {page}: the Foil plate is (nearly) blank ({foil})");
        assert!(cyan > 0.01, "page {page}: the Cyan plate is blank ({cyan})");
    }
    assert!(!dir.path().join("sep-5(Foil).tif").exists());
}
