//! Ticket-shop exports the way an organiser uses them: the samples in
//! samples/exports rendered, every QR decoded and compared with the
//! export's own ticket code, and the errors an organiser meets.

mod util;

use std::fs;
use std::path::Path;

use util::{have, laminate_in, root, temp, tool};

/// Each sample, the ids its manifest must list (in order), and the ticket
/// codes its QR codes must carry, byte for byte (pretix's CSV escaping of
/// `+Zx3...` as `'+Zx3...` undone).
fn samples() -> Vec<(&'static str, Vec<&'static str>, Vec<&'static str>)> {
    let pretix_ids = vec!["A1B2C-1", "D3E4F-1", "G5H6J-1", "N9P0Q-1"];
    let pretix_codes = vec![
        "ueb4kq3n7tsmzx2frwd9h8pc6ayg5vj1",
        "E4BibyTSylQOgeKjuMPiTDxi5HXPuTVsx1qCli3IL0143gj0EZXOB9iQInANxRFJTt4Pf9nXnHdB91Qk/RN0L9AIBABBKHlzY8/2Hl2aGB2dd3TgBgmT8H/dJ1Sl62LH3TDkBKYmthX6NeE9M4GBGXkwAQ==",
        "+Zx3hW9qLp2vTn8cR4mK7yB1dF6gJ0sA",
        "mw8q2n5v7x1c3z9b4k6j0h2g8f5d3s1a",
    ];
    vec![
        ("pretix-orders.csv", pretix_ids.clone(), pretix_codes.clone()),
        ("pretix-workbook.xlsx", pretix_ids, pretix_codes),
        (
            "pretix-checkin.csv",
            vec!["X7Y8Z-1", "X7Y8Z-2", "P4Q5R-1", "S6T7U-1"],
            vec![
                "kq8v2m4n6p1r3t5w7y9z0b2d4f6h8j0l",
                "a1c3e5g7i9k2m4o6q8s0u1w3y5z7b9d2",
                "-vT2kL9pQ4mN7xR1cW8zH3bJ6fG0dS5a",
                "r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0",
            ],
        ),
        (
            "pretix-codes.csv",
            vec!["T8781d6ccff", "T4202111739"],
            vec!["h8j2k4l6m8n0p2q4r6s8t0u2v4w6x8y0", "b3d5f7h9j1l3n5p7r9t1v3x5z7b9d1f3"],
        ),
        (
            "eventbrite.csv",
            vec!["5012345678", "5012345679", "5012345682"],
            vec!["501234567812345678001", "501234567912345679001", "501234568212345682001"],
        ),
        // QAZW-2 is a sticky pass (80 x 50 mm): placed after the CR80 cards.
        ("tito.csv", vec!["QAZW-1", "RFVT", "QAZW-2"], vec!["QAZW-1", "QAZW-2", "RFVT"]),
    ]
}

/// The first column of a manifest CSV, below its header.
fn manifest_ids(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect()
}

#[test]
fn every_export_renders_with_the_shops_own_codes_in_its_qr_codes() {
    if !have("pdftoppm") || !have("zbarimg") {
        return;
    }
    let dir = temp();
    for (sample, ids, codes) in samples() {
        let roster = root().join("samples/exports").join(sample);
        let pdf = dir.path().join("out.pdf");
        let manifest = dir.path().join("manifest.csv");
        let run = laminate_in(
            dir.path(),
            &[
                "render",
                &roster.display().to_string(),
                "-o",
                &pdf.display().to_string(),
                "--manifest",
                &manifest.display().to_string(),
                "--no-slug",
            ],
            &[],
        );
        assert_eq!(run.status, 0, "{sample}: {}", run.stderr);
        // One manifest row per pass, none for the rows left out.
        assert_eq!(manifest_ids(&manifest), ids, "{sample}");

        let prefix = dir.path().join("page").display().to_string();
        tool("pdftoppm", &["-r", "300", "-png", &pdf.display().to_string(), &prefix]);
        let mut decoded = Vec::new();
        for page in util::names_in(dir.path()).iter().filter(|n| n.ends_with(".png")) {
            let page = dir.path().join(page);
            decoded.extend(util::zbarimg(&page));
            fs::remove_file(page).unwrap();
        }
        decoded.sort();
        let mut want: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        want.sort();
        assert_eq!(decoded, want, "{sample}: the QR codes do not carry the export's ticket codes");
    }
}

/// Writes an export and its event file into `dir`.
fn export(dir: &Path, name: &str, table: &str, event: &str) {
    fs::write(dir.join(name), table).unwrap();
    let stem = name.rsplit_once('.').unwrap().0;
    fs::write(dir.join(format!("{stem}.event.yaml")), event).unwrap();
}

const EVENT: &str =
    "event:\n  name: Harbour Jazz Night 2026\n  starts: 2026-08-01\n  ends: 2026-08-02\n";

#[test]
fn an_unmapped_ticket_type_is_one_error_with_counts_and_a_block_to_paste() {
    let dir = temp();
    export(
        dir.path(),
        "attendees.csv",
        "Order #,First Name,Last Name,Ticket Type,Attendee #,Barcode #\n\
         1,Ana,Silva,Day Pass,11,b11\n\
         2,Tom,Berg,Parking,12,b12\n\
         3,Li,Wei,T-shirt,13,b13\n\
         4,Eva,Ek,Parking,14,b14\n",
        &format!("{EVENT}tickets:\n  Day Pass: day\n"),
    );
    let run = laminate_in(dir.path(), &["validate", "attendees.csv"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        r#"error: ticket types not in `tickets:` of attendees.event.yaml: "Parking" (2 rows), "T-shirt" (1 row)
  ┌─ attendees.csv:3:12
  │
3 │ 2,Tom,Berg,Parking,12,b12
  │            ^^^^^^^
  │
  = hint: in column "Ticket Type"; map each to a pass type or alias (laminate templates lists them), or to ~ for no pass:
    tickets:
      "Day Pass": day
      "Parking": ~    # or a pass type
      "T-shirt": ~    # or a pass type

laminate: 1 error; nothing was written
"#
    );
}

#[test]
fn an_export_without_a_name_column_says_which_headings_it_looked_for() {
    let dir = temp();
    export(
        dir.path(),
        "attendees.csv",
        "Order #,Email,Ticket Type,Attendee #\n1,a@example.org,Day Pass,11\n",
        &format!("{EVENT}tickets:\n  Day Pass: day\n"),
    );
    let run = laminate_in(dir.path(), &["validate", "attendees.csv"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        r#"error: this Eventbrite attendee report has no name column ("First Name" and "Last Name")
  ┌─ attendees.csv:1:37
  │
1 │ Order #,Email,Ticket Type,Attendee #
  │                                     ^
  │
  = hint: write the name's headings in attendees.event.yaml, e.g. columns: { name: "{First} {Last}" }

laminate: 1 error; nothing was written
"#
    );
}

#[test]
fn qr_ticket_on_a_pretix_export_without_ticket_secret_is_an_error() {
    let dir = temp();
    // The headings of pretix before it wrote "Ticket secret" (3.x).
    export(
        dir.path(),
        "orders.csv",
        "\"Event slug\",\"Order code\",\"Position ID\",\"Status\",\"Product\",\"Variation\",\"Attendee name\"\n\
         \"hjn\",\"A1B2C\",1,\"paid\",\"Crew\",\"\",\"Ana Silva\"\n",
        &format!("{EVENT}tickets:\n  Crew: crew\nqr: ticket\n"),
    );
    let run = laminate_in(dir.path(), &["validate", "orders.csv"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        r#"error: qr: ticket puts the export's ticket code in the QR, and this pretix "Order positions" export has no "Ticket secret" column
  ┌─ orders.csv:1:87
  │
1 │ "Event slug","Order code","Position ID","Status","Product","Variation","Attendee name"
  │                                                                                       ^
  │
  = hint: export "Order data" from pretix 4.x or later (it has "Ticket secret"), or the "Check-in list" with its QR-code secrets; or take `qr: ticket` out of the event file

laminate: 1 error; nothing was written
"#
    );
}

#[test]
fn validate_counts_the_rows_left_out_and_lists_unused_headings_once() {
    let dir = temp();
    let roster = root().join("samples/exports/eventbrite.csv");
    let run = laminate_in(dir.path(), &["validate", &roster.display().to_string()], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "laminate: not used: Order #, Order Date, Email, Quantity\n\
         laminate: 3 passes (2 rows left out: 1 not attending, 1 ticket type mapped to ~) ok\n"
    );
}

#[test]
fn from_csv_keeps_the_strict_checks_of_a_plain_table() {
    let dir = temp();
    let roster = root().join("samples/exports/tito.csv");
    let run =
        laminate_in(dir.path(), &["validate", &roster.display().to_string(), "--from", "csv"], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("has `tickets:`, but this table is not a ticket-shop export"));
    assert!(run.stderr.contains("unknown column \"Ticket Full Name\""));
}

#[test]
fn a_name_pattern_makes_names_for_a_plain_csv() {
    let dir = temp();
    export(
        dir.path(),
        "guests.csv",
        "id,First Name,Last Name,pass\nG-1,Ana,Silva,crew\nG-2,Li,,day\n",
        &format!("{EVENT}columns:\n  name: \"{{First Name}} {{Last Name}}\"\n"),
    );
    let run = laminate_in(dir.path(), &["convert", "guests.csv"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // A missing last name leaves no trailing space.
    assert!(run.stdout.contains("  - id: G-1\n    name: Ana Silva\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  - id: G-2\n    name: Li\n"), "{}", run.stdout);
}

#[test]
fn since_renders_only_the_tickets_sold_after_the_last_print() {
    let dir = temp();
    for name in ["eventbrite.csv", "eventbrite.event.yaml"] {
        fs::copy(root().join("samples/exports").join(name), dir.path().join(name)).unwrap();
    }
    let run = laminate_in(
        dir.path(),
        &["render", "eventbrite.csv", "-o", "first.pdf", "--manifest", "first.csv"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Two tickets sold since: a re-export has them as new rows.
    let mut export = fs::read_to_string(dir.path().join("eventbrite.csv")).unwrap();
    export.push_str("4312345690,2026-05-09 08:00:00,Ines,Duarte,id@example.org,1,Day Pass,5012345690,501234569012345690001,,,Attending\r\n");
    export.push_str("4312345691,2026-05-09 08:05:00,Omar,Farouk,of@example.org,1,Crew,5012345691,501234569112345691001,,,Attending\r\n");
    fs::write(dir.path().join("eventbrite.csv"), export).unwrap();
    let run = laminate_in(
        dir.path(),
        &[
            "render",
            "eventbrite.csv",
            "--since",
            "first.csv",
            "-o",
            "new.pdf",
            "--manifest",
            "new.csv",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(manifest_ids(&dir.path().join("new.csv")), ["5012345690", "5012345691"]);
    // A manifest that cannot be read stops the run before anything is written.
    let run = laminate_in(
        dir.path(),
        &["render", "eventbrite.csv", "--since", "missing.csv", "-o", "none.pdf"],
        &[],
    );
    assert_eq!(run.status, 3);
    assert!(
        run.stderr.starts_with("laminate: error: cannot read the --since manifest missing.csv"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("none.pdf").exists());
}

// Regression: a holder's name reached manifest.csv as a spreadsheet formula (CSV injection).
#[test]
fn names_that_look_like_formulas_reach_the_manifest_as_text() {
    let dir = temp();
    export(
        dir.path(),
        "attendees.csv",
        "First Name,Last Name,Ticket Type,Attendee #\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,Day Pass,11\n\
         +1,Guest,Day Pass,12\n",
        &format!("{EVENT}tickets:\n  Day Pass: day\n"),
    );
    let run = laminate_in(
        dir.path(),
        &["render", "attendees.csv", "-o", "out.pdf", "--manifest", "m.csv"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let manifest = fs::read_to_string(dir.path().join("m.csv")).unwrap();
    let names: Vec<&str> =
        manifest.lines().skip(1).map(|l| l.split(",2026").next().unwrap()).collect();
    assert_eq!(
        names,
        ["11,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",day", "12,'+1 Guest,day"]
    );
}

#[test]
fn a_row_without_its_ticket_code_is_an_error_under_qr_ticket() {
    let dir = temp();
    export(
        dir.path(),
        "attendees.csv",
        "First Name,Last Name,Ticket Type,Attendee #,Barcode #\nAna,Silva,Day Pass,11,b11\nTom,Berg,Day Pass,12,\n",
        &format!("{EVENT}tickets:\n  Day Pass: day\nqr: ticket\n"),
    );
    let run = laminate_in(dir.path(), &["validate", "attendees.csv"], &[]);
    assert_eq!(run.status, 1);
    assert_eq!(
        run.stderr,
        r#"error: entry "12": this row has no ticket code for its QR (`qr: ticket`)
  ┌─ attendees.csv:3:22
  │
3 │ Tom,Berg,Day Pass,12,
  │                      ^
  │
  = hint: column "Barcode #" is empty on this row; export the tickets again, or take `qr: ticket` out of attendees.event.yaml

laminate: 1 error; nothing was written
"#
    );
}

#[test]
fn validate_json_lists_the_rows_left_out_and_the_unused_headings() {
    let dir = temp();
    let roster = root().join("samples/exports/tito.csv");
    let run = laminate_in(
        dir.path(),
        &["validate", &roster.display().to_string(), "--format", "json"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["passes"], 3);
    assert_eq!(report["left_out"], serde_json::json!([{ "reason": "void", "rows": 1 }]));
    assert_eq!(
        report["not_used"],
        serde_json::json!([
            "Number",
            "Ticket Created Date",
            "Ticket Last Updated Date",
            "Ticket Email",
            "Ticket Phone Number",
            "Event",
            "Order Reference",
            "Order Name",
            "Order Email"
        ])
    );
}
