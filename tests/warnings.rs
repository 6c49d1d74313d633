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
