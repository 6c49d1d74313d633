//! Ticket-shop exports as new users meet them (issue 22): an older pretix
//! workbook whose ticket secrets are formulas with no value, and an export
//! without its event file, which `validate` shows and `laminate init --from
//! EXPORT` writes.

mod util;

use std::fs;
use std::io::Write;
use std::path::Path;

use util::{have, laminate_in, names_in, root, temp, tool, zbarimg};

/// A cell of a test workbook.
enum Cell<'a> {
    /// Text, stored inline.
    Text(&'a str),
    /// A formula with no cached value (`<f>` without `<v>`), as openpyxl
    /// wrote a text that starts with `=`: the text without its `=`.
    Formula(&'a str),
}

/// An XLSX workbook whose one sheet, "Order positions", holds `rows` from
/// A1, as an older pretix "Order data" export is laid out.
fn write_workbook(path: &Path, rows: &[Vec<Cell>]) {
    let ns = "http://schemas.openxmlformats.org";
    let mut sheet = format!("<worksheet xmlns=\"{ns}/spreadsheetml/2006/main\"><sheetData>");
    for (r, cells) in rows.iter().enumerate() {
        let r = r + 1;
        sheet.push_str(&format!("<row r=\"{r}\">"));
        for (c, cell) in cells.iter().enumerate() {
            let at = format!("{}{r}", (b'A' + c as u8) as char);
            match cell {
                Cell::Text(t) => sheet
                    .push_str(&format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{t}</t></is></c>")),
                Cell::Formula(f) => sheet.push_str(&format!("<c r=\"{at}\"><f>{f}</f></c>")),
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", format!("<Types xmlns=\"{ns}/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>")),
        ("_rels/.rels", format!("<Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{ns}/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>")),
        ("xl/workbook.xml", format!("<workbook xmlns=\"{ns}/spreadsheetml/2006/main\" xmlns:r=\"{ns}/officeDocument/2006/relationships\"><sheets><sheet name=\"Order positions\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")),
        ("xl/_rels/workbook.xml.rels", format!("<Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{ns}/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>")),
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

/// The ticket secrets of the test workbook: two that start with `=` (a
/// reversed base64 text ends its padding first) and one that does not.
const SECRETS: [&str; 3] = ["==QfiAXZ4l2c", "=yJ9kq3mZt", "ueb4kq3n7tsmzx2f"];

const EVENT_FILE: &str = "event:\n  name: Harbour Jazz Night 2026\n  starts: 2026-08-01\n  ends: 2026-08-02\ntickets:\n  Crew: crew\nqr: ticket\n";

/// An older pretix workbook in `dir` (orders.xlsx, with its event file):
/// the secrets that start with `=` are formulas without a value.
fn older_workbook(dir: &Path) {
    use Cell::{Formula, Text};
    let head = ["Order code", "Position ID", "Product", "Attendee name", "Ticket secret"];
    let mut rows = vec![head.iter().map(|h| Text(h)).collect::<Vec<_>>()];
    let names = ["Ana Silva", "Tom Berg", "Eva Lind"];
    let positions = ["1", "2", "3"];
    for ((secret, name), position) in SECRETS.iter().zip(names).zip(positions) {
        let code = match secret.strip_prefix('=') {
            Some(formula) => Formula(formula),
            None => Text(secret),
        };
        rows.push(vec![Text("A1B2C"), Text(position), Text("Crew"), Text(name), code]);
    }
    write_workbook(&dir.join("orders.xlsx"), &rows);
    fs::write(dir.join("orders.event.yaml"), EVENT_FILE).unwrap();
}

// Guards older pretix workbooks: a ticket secret stored as a formula with no
// value was read as an empty cell ("this row has no ticket code"). It is
// read with its `=`, and a note says so once.
#[test]
fn an_older_pretix_workbook_gives_its_formula_secrets_with_their_equals_sign() {
    let dir = temp();
    older_workbook(dir.path());
    let run = laminate_in(dir.path(), &["validate", "orders.xlsx"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("note:").count(), 1, "one note: {}", run.stderr);
    assert!(
        run.stderr.contains("note: 2 cells are stored as a formula with no value; read as the formula's text, with its `=`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.ends_with("laminate: 3 passes ok\n"), "{}", run.stderr);

    // The codes that reach the passes, as convert writes them.
    let run = laminate_in(dir.path(), &["convert", "orders.xlsx"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let tickets: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ticket: \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert_eq!(tickets, SECRETS, "{}", run.stdout);

    // And in the QR codes of the PDF.
    if !have("pdftoppm") || !have("zbarimg") {
        return;
    }
    let args = ["render", "orders.xlsx", "-o", "out.pdf", "--no-slug", "--quiet"];
    let run = laminate_in(dir.path(), &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pdf = dir.path().join("out.pdf").display().to_string();
    let prefix = dir.path().join("page").display().to_string();
    tool("pdftoppm", &["-r", "300", "-png", &pdf, &prefix]);
    let mut decoded = Vec::new();
    for page in names_in(dir.path()).iter().filter(|n| n.ends_with(".png")) {
        decoded.extend(zbarimg(&dir.path().join(page)));
    }
    decoded.sort();
    let mut want: Vec<String> = SECRETS.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(decoded, want);
}

/// Copies a sample export (without its event file) into `dir`.
fn copy_export(dir: &Path, name: &str) {
    fs::copy(root().join("samples/exports").join(name), dir.join(name)).unwrap();
}

/// The samples, each with what its event file must say.
const SAMPLES: &[(&str, &str, &[&str])] = &[
    (
        "pretix-orders.csv",
        "  name: Harbour Jazz Night 2026\n",
        &[
            "  \"Festival pass – Weekend\": sticky    # 1 row; a guess from its name: check it\n",
            "  \"Parking\": ~    # 1 row; a guess from its name: check it\n",
            "  \"Festival pass – Saturday\": day    # 1 row; a guess from its name: check it\n",
            "  \"Crew\": crew    # 1 row\n",
            "  \"Artist\": sticky    # 1 row; a guess from its name: check it\n",
        ],
    ),
    (
        "pretix-workbook.xlsx",
        "  name: Harbour Jazz Night 2026\n",
        &[
            "  \"Crew\": crew    # 1 row\n",
            "  \"Parking\": ~    # 1 row; a guess from its name: check it\n",
        ],
    ),
    (
        "pretix-checkin.csv",
        "  name: pretix-checkin    # not in the export: write the event's name\n",
        &["  \"Tagesticket – Samstag\": day    # 2 rows; a guess from its name: check it\n"],
    ),
    (
        "pretix-codes.csv",
        "  name: pretix-codes    # not in the export: write the event's name\n",
        &["  \"Parking\": ~    # 1 row; a guess from its name: check it\n"],
    ),
    (
        "eventbrite.csv",
        "  name: eventbrite    # not in the export: write the event's name\n",
        &[
            "  \"Day Pass\": day    # 1 row; a guess from its name: check it\n",
            "  \"Crew\": crew    # 1 row\n",
        ],
    ),
    (
        "tito.csv",
        "  name: RustConf Harbour 2026\n",
        &["  \"Speaker\": sticky    # 1 row; a guess from its name: check it\n"],
    ),
];

// Guards the export without its event file: validate showed a generic
// example. It now prints the whole event file, and init --from writes it,
// after which validate passes.
#[test]
fn validate_prints_and_init_writes_the_event_file_of_every_sample_export() {
    let dir = temp();
    let d = dir.path();
    for (name, event, tickets) in SAMPLES {
        copy_export(d, name);
        let stem = name.rsplit_once('.').unwrap().0;
        let event_file = format!("{stem}.event.yaml");
        let run = laminate_in(d, &["validate", name], &[]);
        assert_eq!(run.status, 1, "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!(
                "error: this export needs its event file, and {event_file} does not exist"
            )),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("hint: laminate init --from {name} writes it; or write {event_file} beside the export:\n")),
            "{name}: {}",
            run.stderr
        );
        // The hint is the event file, indented.
        let hinted: String = run
            .stderr
            .lines()
            .skip_while(|l| !l.contains("beside the export:"))
            .skip(1)
            .take_while(|l| l.starts_with("    "))
            .map(|l| format!("{}\n", &l[4..]))
            .collect();

        let run = laminate_in(d, &["init", "--from", name], &[]);
        assert_eq!(run.status, 0, "{name}: {}", run.stderr);
        assert!(run.stderr.starts_with(&format!("laminate: wrote {event_file}")), "{}", run.stderr);
        let written = fs::read_to_string(d.join(&event_file)).unwrap();
        assert_eq!(hinted, written, "{name}: validate showed another file than init wrote");
        assert!(written.contains(event), "{name}: {written}");
        for t in *tickets {
            assert!(written.contains(t), "{name}: no {t:?} in\n{written}");
        }
        let run = laminate_in(d, &["validate", name], &[]);
        assert_eq!(
            run.status, 0,
            "{name}: the written event file does not pass:\n{written}\n{}",
            run.stderr
        );

        // Never over an event file that is there.
        let run = laminate_in(d, &["init", "--from", name], &[]);
        assert_eq!(run.status, 3, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("will not overwrite {event_file}")), "{}", run.stderr);
        assert_eq!(fs::read_to_string(d.join(&event_file)).unwrap(), written);
    }
}

// Guards the dates: where the export has them (pretix's "Valid from" and
// "Valid until"), the event file starts on the first and ends on the last.
#[test]
fn an_event_file_takes_its_dates_from_the_export() {
    let dir = temp();
    let d = dir.path();
    let csv = "\"Order code\",\"Position ID\",\"Status\",\"Product\",\"Attendee name\",\"Ticket secret\",\"Valid from\",\"Valid until\",\"Event name\"\n\
        \"A1\",1,\"paid\",\"VIP\",\"Ana Silva\",\"s1\",\"2026-08-01 18:00:00\",\"2026-08-02 02:00:00\",\"Sea Fest\"\n\
        \"A2\",1,\"paid\",\"Crew\",\"Tom Berg\",\"s2\",\"2026-07-31\",\"2026-08-03\",\"Sea Fest\"\n\
        \"A3\",1,\"canceled\",\"Crew\",\"Eva Lind\",\"s3\",\"2026-07-01\",\"2026-09-30\",\"Sea Fest\"\n";
    fs::write(d.join("sea.csv"), csv).unwrap();
    let run = laminate_in(d, &["init", "--from", "sea.csv"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let written = fs::read_to_string(d.join("sea.event.yaml")).unwrap();
    // The first and last day of the rows that get a pass (the cancelled
    // row's dates are left out).
    assert!(
        written.contains("event:\n  name: Sea Fest\n  starts: 2026-07-31\n  ends: 2026-08-03\n"),
        "{written}"
    );
    assert!(written.contains("  \"VIP\": limited    # 1 row\n"), "{written}");
    assert!(written.contains("  \"Crew\": crew    # 1 row\n"), "{written}");
    assert!(written.contains("# Rows that get no pass whatever their ticket type: 1 cancelled.\n"));
    assert!(written.ends_with("qr: ticket\n"), "{written}");
    let run = laminate_in(d, &["validate", "sea.csv"], &[]);
    assert_eq!(run.status, 0, "{written}\n{}", run.stderr);

    // A table that is no export gets no event file.
    fs::write(d.join("plain.csv"), "id,name,pass\nA,Ana,crew\n").unwrap();
    let run = laminate_in(d, &["init", "--from", "plain.csv"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(run.stderr.contains("this table is not a ticket-shop export laminate knows"));
    assert!(!d.join("plain.event.yaml").exists());
}
