//! Warnings at batch scale, as an organiser sees them: the first few of each
//! kind on the terminal, every one in `--report FILE.json` and in the
//! manifest's `warnings` column.

mod util;

use std::fs;

use util::{laminate_in, temp};

// Regression: a 100,000-pass run printed every one of its ~200 "shrunk"
// warnings in full (seven lines each, some 1,400 lines).
#[test]
fn many_warnings_of_one_kind_print_three_and_a_count() {
    let dir = temp();
    let mut csv = String::from("id,name,role,pass\n");
    for i in 0..8 {
        csv.push_str(&format!(
            "W-{i},Ana Silva,Head of Lighting and Video and Special Effects and Pyrotechnics {i},crew\n"
        ));
    }
    fs::write(dir.path().join("w.csv"), csv).unwrap();
    fs::write(
        dir.path().join("w.event.yaml"),
        "event:\n  name: Warn Fest\n  starts: 2026-07-01\n  ends: 2026-07-02\n",
    )
    .unwrap();
    let run = laminate_in(
        dir.path(),
        &["render", "w.csv", "-q", "-o", "w.pdf", "--manifest", "m.csv", "--report", "r.json"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr.matches("warning: entry").count(), 3, "{}", run.stderr);
    assert!(run.stderr.ends_with(
        "laminate: warning: 5 more like: role \"…\" shrunk to N pt to fit, below the template's minimum of N pt (every one is in r.json)\n"
    ), "{}", run.stderr);

    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["warnings"], 8);
    assert_eq!(report["diagnostics"][7]["entry"], "W-7");
    assert_eq!(report["diagnostics"][7]["line"], 9);

    let manifest = fs::read_to_string(dir.path().join("m.csv")).unwrap();
    let mut lines = manifest.lines();
    assert!(lines.next().unwrap().ends_with(",shard,warnings"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 8);
    for (i, row) in rows.iter().enumerate() {
        // The size it shrank to is the text fitter's business; the cell
        // names the role and says it went below the minimum.
        let (start, end) = row.split_once(" shrunk to ").expect("a shrunk warning");
        assert!(
            start.ends_with(&format!(
                ",\"role \"\"Head of Lighting and Video and Special Effects and Pyrotechnics {i}\"\""
            )),
            "{row}"
        );
        assert!(end.ends_with(" pt to fit, below the template's minimum of 6 pt\""), "{row}");
    }
}

// Guards issue 28: nothing is drawn over a QR code or its quiet zone. The
// collector sample's signature (on the security overlay) once ended where
// the code's box begins; put back there, it gets a warning naming it, the
// file and the line; the sample as shipped, and the built-in templates,
// get none. A template can still ask for ISO's 4-module quiet zone.
#[test]
fn art_over_a_qr_code_is_warned_of_by_name() {
    let dir = temp();
    let d = dir.path();
    let sample = util::root().join("samples/collector");
    fs::create_dir_all(d.join("t")).unwrap();
    for f in ["base.yaml", "collector.yaml", "signature.svg"] {
        fs::copy(sample.join("templates").join(f), d.join("t").join(f)).unwrap();
    }
    fs::copy(sample.join("roster.yaml"), d.join("roster.yaml")).unwrap();
    let shipped = laminate_in(d, &["validate", "roster.yaml", "--templates", "t"], &[]);
    assert_eq!(shipped.status, 0, "{}", shipped.stderr);
    assert!(!shipped.stderr.contains("warning"), "{}", shipped.stderr);
    let builtin = laminate_in(&util::root(), &["validate", "samples/festival.yaml"], &[]);
    assert!(!builtin.stderr.contains("QR code"), "{}", builtin.stderr);

    let collector = fs::read_to_string(d.join("t/collector.yaml")).unwrap();
    let wide =
        collector.replace("    width: 38\n    height: 12.7\n", "    width: 40\n    height: 13.3\n");
    assert_ne!(wide, collector, "the sample's signature is 38 x 12.7 mm");
    fs::write(d.join("t/collector.yaml"), &wide).unwrap();
    let run = laminate_in(d, &["validate", "roster.yaml", "--templates", "t"], &[]);
    assert_eq!(run.status, 0, "a warning, not an error: {}", run.stderr);
    // The element's mapping: its first key, under its name.
    let name = wide.lines().position(|l| l == "  signature:").unwrap();
    let line = name + 1 + wide.lines().skip(name).position(|l| l == "    type: image").unwrap();
    assert!(
        run.stderr.contains(
            "warning: template \"collector\": element \"signature\" is drawn over QR code \"qr\" or its quiet zone"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!("┌─ t/collector.yaml:{line}:")), "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "keep \"signature\" clear of the code's box (x 60.0 to 83.5 mm, y 17.0 to 40.5 mm)"
        ),
        "{}",
        run.stderr
    );

    let base = fs::read_to_string(d.join("t/base.yaml")).unwrap();
    let iso =
        base.replace("width: 23.5, height: 23.5 }", "width: 23.5, height: 23.5, quiet_zone: 4 }");
    assert_ne!(iso, base);
    fs::write(d.join("t/base.yaml"), iso.replace("quiet_zone: 4", "quiet_zone: 9")).unwrap();
    let run = laminate_in(d, &["validate", "roster.yaml", "--templates", "t"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("`quiet_zone` is a whole number of modules, 0 to 8"),
        "{}",
        run.stderr
    );
    // The box holds the code and its quiet zone: 1 module a side by
    // default, 4 when asked (the dump gives the modules' size in pt).
    for (q, text) in [(4, iso), (1, base)] {
        fs::write(d.join("t/base.yaml"), text).unwrap();
        let args = ["render", "roster.yaml", "--templates", "t", "-o", "o.pdf", "--quiet"];
        let run = laminate_in(d, &[&args[..], &["--dump", "o.dump"]].concat(), &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let dump = fs::read_to_string(d.join("o.dump")).unwrap();
        let line = dump.lines().find(|l| l.contains(" qr ")).expect("a code in the dump");
        let words: Vec<&str> = line.split_whitespace().collect();
        let n: f64 = words[2].split('x').next().unwrap().parse().unwrap();
        let module: f64 = words[3].strip_prefix("module=").unwrap().parse().unwrap();
        let side = 23.5 / 25.4 * 72.0;
        assert!((module * (n + 2.0 * f64::from(q)) - side).abs() < 0.5, "quiet zone {q}: {line}");
    }
}
