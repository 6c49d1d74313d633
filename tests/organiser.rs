//! The organiser's day: spreadsheet rosters (CSV, XLSX, stdin), previews,
//! `init`, `convert`, JSON reports, completions, and GUIDE.md, whose every
//! command is run here so that it stays true.

mod util;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use util::{have, laminate_in, names_in, root, temp, tool, Run};

const EVENT: &str =
    "event:\n  name: Harbour Jazz Night 2026\n  starts: 2026-08-01\n  ends: 2026-08-02\n";

/// The same three passes as YAML, CSV and XLSX rows.
const YAML_PASSES: &str = "passes:\n  - id: HJN-001\n    name: Ana Silva\n    organisation: Harbour Sound\n    pass: crew\n    valid_from: 2026-07-31\n    zones: [stage, backstage]\n  - id: HJN-002\n    name: Zoë Ødegård\n    pass: vip\n  - id: HJN-003\n    name: Tom Berg\n    pass: day\n    valid_from: 2026-08-02\n";
const CSV: &str = "id,Name,Organisation,pass,Valid From,zones\nHJN-001,Ana Silva,Harbour Sound,crew,2026-07-31,\"stage, backstage\"\nHJN-002,Zoë Ødegård,,vip,,\n\nHJN-003,Tom Berg,,day,2026-08-02,\n";

/// Runs `laminate` with `input` on its standard input.
fn laminate_stdin(dir: &Path, args: &[&str], input: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_laminate"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the laminate binary runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A minimal XLSX workbook (one sheet named "Passes") with these rows, each
/// `(row number, [(column letter, cell)])`. A cell is text, or `=N` for a
/// date cell holding the Excel serial day N.
fn write_xlsx(path: &Path, rows: &[(u32, Vec<(&str, &str)>)]) {
    let ns = "http://schemas.openxmlformats.org";
    let mut sheet = format!("<worksheet xmlns=\"{ns}/spreadsheetml/2006/main\"><sheetData>");
    for (r, cells) in rows {
        sheet.push_str(&format!("<row r=\"{r}\">"));
        for (col, value) in cells {
            match value.strip_prefix('=') {
                Some(serial) => {
                    sheet.push_str(&format!("<c r=\"{col}{r}\" s=\"1\"><v>{serial}</v></c>"))
                }
                None => sheet.push_str(&format!(
                    "<c r=\"{col}{r}\" t=\"inlineStr\"><is><t>{value}</t></is></c>"
                )),
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", format!("<Types xmlns=\"{ns}/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>")),
        ("_rels/.rels", format!("<Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{ns}/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!("<workbook xmlns=\"{ns}/spreadsheetml/2006/main\" xmlns:r=\"{ns}/officeDocument/2006/relationships\"><sheets><sheet name=\"Passes\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{ns}/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"{ns}/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>")),
        // Style 1 is number format 14, the built-in short date.
        ("xl/styles.xml", format!("<styleSheet xmlns=\"{ns}/spreadsheetml/2006/main\"><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>")),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{text}").as_bytes())
            .unwrap();
    }
    zip.finish().unwrap();
}

/// The passes of `YAML_PASSES` as a sheet that starts at B2, so that its row
/// numbers and column letters are not the defaults. 46234 is 2026-07-31 and
/// 46236 is 2026-08-02.
fn xlsx_rows(third_pass: &str) -> Vec<(u32, Vec<(&str, &str)>)> {
    vec![
        (
            2,
            vec![
                ("B", "id"),
                ("C", "name"),
                ("D", "organisation"),
                ("E", "pass"),
                ("F", "valid_from"),
                ("G", "zones"),
            ],
        ),
        (
            3,
            vec![
                ("B", "HJN-001"),
                ("C", "Ana Silva"),
                ("D", "Harbour Sound"),
                ("E", "crew"),
                ("F", "=46234"),
                ("G", "stage; backstage"),
            ],
        ),
        (4, vec![("B", "HJN-002"), ("C", "Zoë Ødegård"), ("E", "vip")]),
        (5, vec![("B", "HJN-003"), ("C", "Tom Berg"), ("E", third_pass), ("F", "=46236")]),
    ]
}

#[test]
fn yaml_csv_xlsx_and_stdin_rosters_give_the_same_pdf() {
    let dir = temp();
    let d = dir.path();
    fs::write(d.join("roster.yaml"), format!("{EVENT}{YAML_PASSES}")).unwrap();
    fs::write(d.join("guests.csv"), CSV).unwrap();
    fs::write(d.join("guests.event.yaml"), EVENT).unwrap();
    // Spreadsheets in many locales separate cells with semicolons.
    fs::write(
        d.join("semi.csv"),
        "id;Name;Organisation;pass;Valid From;zones\nHJN-001;Ana Silva;Harbour Sound;crew;2026-07-31;stage, backstage\nHJN-002;Zoë Ødegård;;vip;;\nHJN-003;Tom Berg;;day;2026-08-02;\n",
    )
    .unwrap();
    fs::write(d.join("semi.event.yaml"), EVENT).unwrap();
    write_xlsx(&d.join("book.xlsx"), &xlsx_rows("day"));
    fs::write(d.join("book.event.yaml"), EVENT).unwrap();

    let mut pdfs = Vec::new();
    for roster in ["roster.yaml", "guests.csv", "semi.csv", "book.xlsx"] {
        let out = format!("{roster}.pdf");
        let run = laminate_in(d, &["render", roster, "-o", &out], &[]);
        assert_eq!(run.status, 0, "{roster}: {}", run.stderr);
        assert!(run.stderr.contains(": 3 passes on 1 sheet"), "{roster}: {}", run.stderr);
        pdfs.push((roster, fs::read(d.join(&out)).unwrap()));
    }
    let run = laminate_stdin(
        d,
        &["render", "-", "-o", "stdin.pdf", "--quiet"],
        &format!("{EVENT}{YAML_PASSES}"),
    );
    assert_eq!(run.status, 0, "stdin: {}", run.stderr);
    pdfs.push(("-", fs::read(d.join("stdin.pdf")).unwrap()));
    for (roster, pdf) in &pdfs[1..] {
        assert!(pdf == &pdfs[0].1, "{roster} gives another PDF than roster.yaml");
    }
}

// Guards times in spreadsheet rosters (issue 13): a CSV cell written
// `2026-08-01 08:00` and an XLSX date-and-time cell give the pass the same
// hours as YAML, with the event file's timezone.
#[test]
fn spreadsheet_times_and_xlsx_date_time_cells_give_the_same_pass_as_yaml() {
    let dir = temp();
    let d = dir.path();
    let event = format!("{EVENT}  timezone: Europe/London\n");
    fs::write(
        d.join("roster.yaml"),
        format!("{event}passes:\n  - id: HJN-101\n    name: Sam Okafor\n    pass: load-in\n    valid_from: 2026-08-01 08:00\n    valid_until: 2026-08-01 17:00\n"),
    )
    .unwrap();
    fs::write(
        d.join("times.csv"),
        "id,name,pass,valid_from,valid_until\nHJN-101,Sam Okafor,load-in,2026-08-01 08:00,2026-08-01 17:00\n",
    )
    .unwrap();
    fs::write(d.join("times.event.yaml"), &event).unwrap();
    // Excel counts days from 1899-12-30: 46235 is 2026-08-01, and a third
    // of a day is 08:00, seventeen twenty-fourths 17:00.
    let head =
        vec![("A", "id"), ("B", "name"), ("C", "pass"), ("D", "valid_from"), ("E", "valid_until")];
    let row = vec![
        ("A", "HJN-101"),
        ("B", "Sam Okafor"),
        ("C", "load-in"),
        ("D", "=46235.333333333336"),
        ("E", "=46235.708333333336"),
    ];
    write_xlsx(&d.join("times.xlsx"), &[(1, head), (2, row)]);
    let mut pdfs = Vec::new();
    for roster in ["roster.yaml", "times.csv", "times.xlsx"] {
        let (out, manifest) = (format!("{roster}.pdf"), format!("{roster}.csv"));
        let run = laminate_in(
            d,
            &["render", roster, "-o", &out, "--manifest", &manifest, "--quiet"],
            &[],
        );
        assert_eq!(run.status, 0, "{roster}: {}", run.stderr);
        let m = fs::read_to_string(d.join(&manifest)).unwrap();
        assert!(
            m.contains("HJN-101,Sam Okafor,load-in,2026-08-01 08:00,2026-08-01 17:00,"),
            "{roster}: {m}"
        );
        pdfs.push((roster, fs::read(d.join(&out)).unwrap()));
    }
    // convert keeps the zone and the times, and its YAML renders the same.
    let run = laminate_in(d, &["convert", "times.xlsx", "-o", "converted.yaml"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let yaml = fs::read_to_string(d.join("converted.yaml")).unwrap();
    assert!(yaml.contains("  timezone: Europe/London\n"), "{yaml}");
    assert!(yaml.contains("    valid_from: 2026-08-01 08:00\n"), "{yaml}");
    let run = laminate_in(d, &["render", "converted.yaml", "-o", "converted.pdf", "--quiet"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    pdfs.push(("converted.yaml", fs::read(d.join("converted.pdf")).unwrap()));
    for (roster, pdf) in &pdfs[1..] {
        assert!(pdf == &pdfs[0].1, "{roster} gives another PDF than roster.yaml");
    }
}

#[test]
fn a_bad_csv_row_is_reported_by_row_and_column() {
    let dir = temp();
    let d = dir.path();
    fs::write(
        d.join("bad.csv"),
        "id,name,pass,valid_from\nHJN-001,Ana Silva,crew,\nHJN-002,Tom Berg,crew,31/07/2026\nHJN-003,,day,2026-08-02\n",
    )
    .unwrap();
    fs::write(d.join("bad.event.yaml"), EVENT).unwrap();
    let run = laminate_in(d, &["render", "bad.csv", "-o", "bad.pdf"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let expected = concat!(
        "error: entry \"HJN-002\": `valid_from`: \"31/07/2026\" is not a date\n",
        "  ┌─ bad.csv:3:23\n",
        "  │\n",
        "3 │ HJN-002,Tom Berg,crew,31/07/2026\n",
        "  │                       ^^^^^^^^^^\n",
        "  │\n",
        "  = hint: in column \"valid_from\"\n",
        "  = hint: write dates as YYYY-MM-DD, e.g. 2026-07-10\n",
        "\n",
        "error: entry \"HJN-003\": this pass entry has no `name`\n",
        "  ┌─ bad.csv:4:1\n",
        "  │\n",
        "4 │ HJN-003,,day,2026-08-02\n",
        "  │ ^^^^^^^^^^^^^^^^^^^^^^^\n",
        "  │\n",
        "  = hint: column \"name\" is empty on this row\n",
        "\n",
        "laminate: 2 errors; nothing was written\n",
    );
    assert_eq!(run.stderr, expected);
    assert!(!d.join("bad.pdf").exists());

    // A later check (the pass type, found by resolve) points at the cell too.
    fs::write(d.join("type.csv"), "id,name,pass\nA-1,Ann,crew\nA-2,Bo,backstage\n").unwrap();
    fs::write(d.join("type.event.yaml"), EVENT).unwrap();
    let run = laminate_in(d, &["validate", "type.csv"], &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("entry \"A-2\": unknown pass type \"backstage\"\n  ┌─ type.csv:3:8\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn xlsx_errors_name_the_sheet_row_and_column_letter() {
    let dir = temp();
    let d = dir.path();
    write_xlsx(&d.join("book.xlsx"), &xlsx_rows("dy"));
    fs::write(d.join("book.event.yaml"), EVENT).unwrap();
    let run = laminate_in(d, &["validate", "book.xlsx", "--format", "json"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["errors"], 1, "{report:#}");
    let d0 = &report["diagnostics"][0];
    assert_eq!(d0["file"], "book.xlsx (sheet \"Passes\")");
    assert_eq!(d0["line"], 5, "the sheet's own row number");
    assert_eq!(d0["entry"], "HJN-003");
    assert_eq!(d0["message"], "unknown pass type \"dy\"");
}

#[test]
fn spreadsheet_headers_and_event_files_are_checked() {
    let dir = temp();
    let d = dir.path();
    fs::write(d.join("t.csv"), "Ticket,Guest,Kind,Email\nT-1,Lena Park,sticky,l@x\n").unwrap();
    // No event file: one error that says which file to write.
    let run = laminate_in(d, &["validate", "t.csv"], &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.starts_with("error: a spreadsheet roster needs an event file, and t.event.yaml does not exist\n  ┌─ t.csv:1:1\n"),
        "{}",
        run.stderr
    );
    // Unknown headings are errors, and a missing id/name/pass column is named.
    fs::write(d.join("t.event.yaml"), EVENT).unwrap();
    let run = laminate_in(d, &["validate", "t.csv", "--format", "json"], &[]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "unknown column \"Ticket\": it is not a roster key",
            "unknown column \"Guest\": it is not a roster key",
            "unknown column \"Kind\": it is not a roster key",
            "unknown column \"Email\": it is not a roster key",
            "the roster has no `id` column",
            "the roster has no `name` column",
            "the roster has no `pass` column",
        ]
    );
    // `columns:` renames them; `~` leaves one out; a bad key is found.
    fs::write(
        d.join("t.event.yaml"),
        format!("{EVENT}columns:\n  Ticket: id\n  Guest: name\n  Kind: pas\n  Email: ~\n"),
    )
    .unwrap();
    let run = laminate_in(d, &["validate", "t.csv"], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("`columns` maps \"Kind\" to \"pas\", which is not a roster key\n  ┌─ t.event.yaml:8:9\n"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: did you mean \"pass\"?"), "{}", run.stderr);
    fs::write(
        d.join("t.event.yaml"),
        format!("{EVENT}columns:\n  Ticket: id\n  Guest: name\n  Kind: pass\n  Email: ~\n"),
    )
    .unwrap();
    let run = laminate_in(d, &["validate", "t.csv"], &[]);
    assert_eq!((run.status, run.stderr.as_str()), (0, "laminate: 1 pass ok\n"));
    // Event errors point into the event file.
    fs::write(d.join("t.event.yaml"), "event:\n  name: X\n  starts: 2026-08-02\n  ends: 2026-08-01\ncolumns: {Ticket: id, Guest: name, Kind: pass, Email: ~}\n").unwrap();
    let run = laminate_in(d, &["validate", "t.csv"], &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains(
            "the event ends (2026-08-01) before it starts (2026-08-02)\n  ┌─ t.event.yaml:4:9\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn convert_writes_a_yaml_roster_that_renders_the_same() {
    let dir = temp();
    let d = dir.path();
    fs::write(d.join("guests.csv"), CSV).unwrap();
    fs::write(d.join("guests.event.yaml"), EVENT).unwrap();
    let run = laminate_in(d, &["convert", "guests.csv"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("# Converted from guests.csv by laminate convert.\nevent:\n  name: Harbour Jazz Night 2026\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("  - id: HJN-002\n    name: Zoë Ødegård\n    pass: vip\n"),
        "{}",
        run.stdout
    );
    let run = laminate_in(d, &["convert", "guests.csv", "-o", "guests.yaml"], &[]);
    assert_eq!(run.stderr, "laminate: wrote guests.yaml\n");
    for r in ["guests.csv", "guests.yaml"] {
        let run = laminate_in(d, &["render", r, "-o", &format!("{r}.pdf"), "--quiet"], &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    }
    assert!(
        fs::read(d.join("guests.csv.pdf")).unwrap() == fs::read(d.join("guests.yaml.pdf")).unwrap()
    );
}

/// Width and height of a PNG, from its header, and its pixels per metre.
fn png_info(png: &[u8]) -> (u32, u32, Option<u32>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    let phys = png.windows(4).position(|w| w == b"pHYs").map(|at| be(at + 4));
    (be(16), be(20), phys)
}

/// The MediaBox of the first page of a PDF, in pt.
fn media_box(pdf: &[u8]) -> (f64, f64) {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/MediaBox[").expect("a MediaBox") + "/MediaBox[".len();
    let n: Vec<f64> =
        text[at..].split(']').next().unwrap().split(' ').map(|n| n.parse().unwrap()).collect();
    (n[2] - n[0], n[3] - n[1])
}

#[test]
fn preview_is_the_page_at_the_dpi_and_its_qr_decodes() {
    let dir = temp();
    let d = dir.path();
    let sample = root().join("samples/festival.yaml").display().to_string();
    // The page that render writes for this one pass...
    let run = laminate_in(
        d,
        &["render", &sample, "--only", "NLF-0003", "--sheet", "card", "-o", "card.pdf", "--quiet"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (w, h) = media_box(&fs::read(d.join("card.pdf")).unwrap());
    // ...is the page of the preview, at 300 dpi.
    let run = laminate_in(
        d,
        &["preview", &sample, "--id", "NLF-0003", "--dpi", "300", "-o", "pass.png"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let png = fs::read(d.join("pass.png")).unwrap();
    let (pw, ph, ppm) = png_info(&png);
    assert_eq!((pw, ph), ((w * 300.0 / 72.0).round() as u32, (h * 300.0 / 72.0).round() as u32));
    assert_eq!(ppm, Some(11811), "300 dpi is 11811 pixels per metre");
    assert_eq!(
        run.stderr,
        format!("laminate: wrote pass.png: pass NLF-0003, {pw} x {ph} px at 300 dpi\n")
    );
    if have("zbarimg") {
        assert_eq!(
            util::zbarimg(&d.join("pass.png")),
            ["L1:NLF2026:NLF-0003:CREW:20260710:20260712:STAGE+BACKSTAGE+LOADING:0:U"]
        );
    }
    // Without --id: the first A4 sheet (210 x 297 mm) at 100 dpi.
    let run = laminate_in(d, &["preview", &sample, "--dpi", "100", "-o", "sheet.png"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let (sw, sh, _) = png_info(&fs::read(d.join("sheet.png")).unwrap());
    assert_eq!((sw, sh), (827, 1169));
    assert!(
        run.stderr.ends_with("laminate: wrote sheet.png: sheet 1 of 4, 827 x 1169 px at 100 dpi\n"),
        "{}",
        run.stderr
    );
    // An id that is not in the roster is named as --id, and nothing is written.
    let run = laminate_in(d, &["preview", &sample, "--id", "NLF-9999", "-o", "none.png"], &[]);
    assert_eq!(run.status, 1);
    assert!(
        run.stderr.contains("--id names \"NLF-9999\", which is not an id in the roster"),
        "{}",
        run.stderr
    );
    assert!(!d.join("none.png").exists());
}

#[test]
fn init_writes_a_project_that_validates_and_never_overwrites() {
    let dir = temp();
    let d = dir.path();
    let run = laminate_in(d, &["init", "fest"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        names_in(&d.join("fest/templates")),
        [
            "all-access.yaml",
            "base.yaml",
            "crew.yaml",
            "day.yaml",
            "limited.yaml",
            "load-in.yaml",
            "sticky.yaml"
        ]
    );
    assert_eq!(
        fs::read(d.join("fest/templates/crew.yaml")).unwrap(),
        fs::read(root().join("templates/crew.yaml")).unwrap()
    );
    let run =
        laminate_in(d, &["validate", "fest/roster.yaml", "--templates", "fest/templates"], &[]);
    assert_eq!((run.status, run.stderr.as_str()), (0, "laminate: 5 passes ok\n"));
    fs::write(d.join("fest/roster.yaml"), "mine").unwrap();
    let run = laminate_in(d, &["init", "fest"], &[]);
    assert_eq!(run.status, 3);
    assert_eq!(run.stderr, "laminate: error: will not overwrite fest/roster.yaml: it exists already (init writes only new files)\n");
    assert_eq!(fs::read_to_string(d.join("fest/roster.yaml")).unwrap(), "mine");
}

#[test]
fn validate_json_lists_every_diagnostic_with_its_place() {
    let dir = temp();
    let d = dir.path();
    let sample = root().join("samples/festival.yaml").display().to_string();
    let run = laminate_in(d, &["validate", &sample, "--format", "json"], &[]);
    assert_eq!((run.status, run.stderr.as_str()), (0, ""));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (report["ok"].as_bool(), report["passes"].as_u64(), report["warnings"].as_u64()),
        (Some(true), Some(26), Some(1))
    );
    let w = &report["diagnostics"][0];
    assert_eq!(
        (w["severity"].as_str(), w["line"].as_u64(), w["column"].as_u64(), w["entry"].as_str()),
        (Some("warning"), Some(31), Some(5), Some("NLF-0005"))
    );
    let run = laminate_in(d, &["validate", "missing.yaml", "--format", "json"], &[]);
    assert_eq!(run.status, 3);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(report["diagnostics"][0]["file"], "missing.yaml");
    assert!(report["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("cannot read the roster missing.yaml"));
}

#[test]
fn completions_and_man_page_are_generated() {
    let dir = temp();
    for (shell, marker) in [
        ("bash", "complete -F _laminate"),
        ("zsh", "#compdef laminate"),
        ("fish", "complete -c laminate"),
    ] {
        let run = laminate_in(dir.path(), &["completions", shell], &[]);
        assert_eq!(run.status, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no {marker:?}");
        for word in ["render", "preview", "convert", "dpi", "templates"] {
            assert!(run.stdout.contains(word), "{shell} completions lack {word}");
        }
    }
    if have("bash") {
        let script = dir.path().join("c.bash");
        let run = laminate_in(dir.path(), &["completions", "bash"], &[]);
        fs::write(&script, run.stdout).unwrap();
        tool("bash", &["-n", &script.display().to_string()]);
    }
    let run = laminate_in(dir.path(), &["man"], &[]);
    assert_eq!(run.status, 0);
    assert!(run.stdout.contains(".TH laminate 1"), "{}", run.stdout);
    assert!(run.stdout.contains("laminate\\-preview"), "the man page lists the subcommands");
}

/// One thing GUIDE.md asks to run: a `sh` block (a script that must succeed)
/// or a `$ command` of a `console` block with the output shown under it.
struct Step {
    line: usize,
    script: String,
    /// `None` for sh blocks, whose output is not shown.
    expected: Option<Vec<String>>,
    status: i32,
}

/// Reads the steps of GUIDE.md. `<!-- guide: skip -->` before a block leaves
/// it out; `<!-- guide: needs TOOL -->` runs it only when TOOL is installed.
fn guide_steps(text: &str) -> Vec<Step> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    let mut note = "";
    while i < lines.len() {
        let line = lines[i];
        if let Some(n) = line.strip_prefix("<!-- guide: ") {
            note = n.trim_end_matches(" -->");
            i += 1;
            continue;
        }
        let kind = match line {
            "```sh" => "sh",
            "```console" => "console",
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 1;
        let end = start + lines[start..].iter().position(|l| *l == "```").expect("a closed block");
        let run = match note.strip_prefix("needs ") {
            _ if note == "skip" => false,
            Some(tool) => have(tool),
            None => true,
        };
        note = "";
        i = end + 1;
        if !run {
            continue;
        }
        if kind == "sh" {
            steps.push(Step {
                line: start,
                script: lines[start..end].join("\n"),
                expected: None,
                status: 0,
            });
            continue;
        }
        for (k, l) in lines[start..end].iter().enumerate() {
            if let Some(cmd) = l.strip_prefix("$ ") {
                let status =
                    cmd.split("# exit status ").nth(1).map_or(0, |s| s.trim().parse().unwrap());
                steps.push(Step {
                    line: start + k + 1,
                    script: cmd.to_string(),
                    expected: Some(vec![]),
                    status,
                });
            } else {
                let step = steps.last_mut().expect("output follows a command");
                step.expected.as_mut().expect("a console step").push(l.to_string());
            }
        }
    }
    steps
}

/// `...` in an expected line stands for any text; a line that is only `...`
/// for any number of lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e == "..." => (0..=actual.len()).any(|k| matches(rest, &actual[k..])),
        Some((e, rest)) => {
            actual.split_first().is_some_and(|(a, more)| line_matches(e, a) && matches(rest, more))
        }
    }
}

fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("...").collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == line;
    }
    if line.len() < first.len() + last.len() || !line.starts_with(first) || !line.ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn every_command_in_the_guide_does_what_the_guide_says() {
    let text = fs::read_to_string(root().join("GUIDE.md")).unwrap();
    let steps = guide_steps(&text);
    assert!(steps.len() > 30, "the guide has its commands ({} found)", steps.len());
    let work = temp();
    let logs = temp();
    // One shell for the whole guide, so that `cd` and files carry over.
    let mut script = String::new();
    for (n, step) in steps.iter().enumerate() {
        let log = logs.path().join(n.to_string()).display().to_string();
        script.push_str(&format!(
            "{{\n{}\n}} >'{log}' 2>&1 </dev/null; echo $? >'{log}.status'\n",
            step.script
        ));
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_laminate")).parent().unwrap().display().to_string();
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(work.path())
        .env_clear()
        .env("PATH", format!("{bin}:/usr/local/bin:/usr/bin:/bin"))
        .env("HOME", work.path())
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut failures = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let log = logs.path().join(n.to_string());
        let output = fs::read_to_string(&log).unwrap();
        let status: i32 =
            fs::read_to_string(log.with_extension("status")).unwrap().trim().parse().unwrap();
        let actual: Vec<&str> = output.lines().collect();
        let shown = step.expected.as_ref().is_none_or(|e| matches(e, &actual));
        if status != step.status || !shown {
            failures.push(format!(
                "GUIDE.md:{}: {}\n  status {status} (expected {})\n{}",
                step.line, step.script, step.status, output
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
