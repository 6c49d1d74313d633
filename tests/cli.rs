//! The command line as users and their scripts meet it: exit codes,
//! messages, what is (and is not) left on disk.

mod util;

use std::fs;

use util::{laminate_in, names_in, root, temp};

fn sample() -> String {
    root().join("samples/festival.yaml").display().to_string()
}

#[test]
fn renders_the_sample_and_says_what_it_did() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["render", &sample(), "-o", "passes.pdf"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let pdf = fs::read(dir.path().join("passes.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(pdf.ends_with(b"%%EOF\n"));
    assert!(
        run.stderr.contains("laminate: wrote passes.pdf: 26 passes on 4 sheets"),
        "{}",
        run.stderr
    );
    // The one very long name is reported, naming its entry and line.
    assert!(run.stderr.contains("warning: entry \"NLF-0005\": name"), "{}", run.stderr);
    assert!(run.stderr.contains("samples/festival.yaml:31:5"), "{}", run.stderr);
    // Nothing else is left in the folder (no temporary files).
    let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["passes.pdf"]);
}

#[test]
fn quiet_prints_nothing_on_a_clean_run() {
    let dir = temp();
    fs::write(
        dir.path().join("r.yaml"),
        "event: {name: E, starts: 2026-01-01, ends: 2026-01-01}\npasses:\n  - {id: A, name: Ann, pass: crew}\n",
    )
    .unwrap();
    let run = laminate_in(dir.path(), &["render", "r.yaml", "-o", "o.pdf", "--quiet"], &[]);
    assert_eq!((run.status, run.stderr.as_str(), run.stdout.as_str()), (0, "", ""));
}

#[test]
fn same_input_same_bytes_and_dates_from_source_date_epoch() {
    let dir = temp();
    let a = laminate_in(dir.path(), &["render", &sample(), "-o", "a.pdf", "--quiet"], &[]);
    let b = laminate_in(dir.path(), &["render", &sample(), "-o", "b.pdf", "--quiet"], &[]);
    assert_eq!((a.status, b.status), (0, 0));
    let (a, b) =
        (fs::read(dir.path().join("a.pdf")).unwrap(), fs::read(dir.path().join("b.pdf")).unwrap());
    assert!(a == b, "two renders of the same roster differ");
    let text = String::from_utf8_lossy(&a);
    assert!(text.contains("/CreationDate(D:19700101000000Z)"));
    let c = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "c.pdf", "--quiet"],
        &[("SOURCE_DATE_EPOCH", "1783641600")],
    );
    assert_eq!(c.status, 0);
    let c = fs::read(dir.path().join("c.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&c).contains("/CreationDate(D:20260710000000Z)"));
}

#[test]
fn validate_checks_everything_and_writes_nothing() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["validate", &sample()], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.ends_with("laminate: 26 passes ok, 1 warning\n"), "{}", run.stderr);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn failed_run_keeps_the_old_output_and_leaves_no_partial_file() {
    let dir = temp();
    fs::write(dir.path().join("out.pdf"), b"previous good output").unwrap();
    fs::write(
        dir.path().join("bad.yaml"),
        "event: {name: E, starts: 2026-01-01, ends: 2026-01-01}\npasses:\n  - {id: A, name: Ann, pass: nope}\n",
    )
    .unwrap();
    let run = laminate_in(dir.path(), &["render", "bad.yaml", "-o", "out.pdf"], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("bad.yaml:3:30"), "{}", run.stderr);
    assert!(run.stderr.ends_with("laminate: 1 error; nothing was written\n"), "{}", run.stderr);
    assert_eq!(fs::read(dir.path().join("out.pdf")).unwrap(), b"previous good output");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn environment_errors_name_the_path_and_exit_3() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["render", "missing.yaml", "-o", "o.pdf"], &[]);
    assert_eq!(run.status, 3);
    assert!(
        run.stderr.starts_with("laminate: error: cannot read the roster missing.yaml:"),
        "{}",
        run.stderr
    );
    let run = laminate_in(dir.path(), &["render", &sample(), "-o", "no/such/folder/o.pdf"], &[]);
    assert_eq!(run.status, 3);
    assert_eq!(
        run.stderr,
        "laminate: error: cannot write no/such/folder/o.pdf: no/such/folder does not exist\n"
    );
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "o.pdf", "--templates", "nowhere"],
        &[],
    );
    assert_eq!(run.status, 3);
    assert!(run.stderr.starts_with("laminate: error: cannot read nowhere:"), "{}", run.stderr);
}

#[test]
fn bad_command_lines_exit_2() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["render", &sample(), "-o", "o.pdf", "--sheet", "a5"], &[]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains("\"a5\" is not a sheet: use a4, a3, sra3, letter, tabloid, card"),
        "{}",
        run.stderr
    );
    let run = laminate_in(dir.path(), &["render", &sample()], &[]);
    assert_eq!(run.status, 2);
}

#[test]
fn only_and_pass_select_entries() {
    let dir = temp();
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "o.pdf", "--only", "NLF-0001,NLF-0010"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains(": 2 passes on 1 sheet,"), "{}", run.stderr);
    let run =
        laminate_in(dir.path(), &["render", &sample(), "-o", "o.pdf", "--pass", "vip,day"], &[]);
    assert!(run.stderr.contains(": 9 passes on 2 sheets"), "{}", run.stderr);
    let run =
        laminate_in(dir.path(), &["render", &sample(), "-o", "o.pdf", "--only", "NLF-9999"], &[]);
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("--only names \"NLF-9999\", which is not an id in the roster"));
}

#[test]
fn sheet_sizes_are_exact() {
    let dir = temp();
    for (sheet, w, h) in
        [("a4", 595.28, 841.89), ("letter", 612.0, 792.0), ("300x200mm", 850.39, 566.93)]
    {
        let run = laminate_in(
            dir.path(),
            &["render", &sample(), "-o", "o.pdf", "--sheet", sheet, "--quiet"],
            &[],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let pdf =
            String::from_utf8_lossy(&fs::read(dir.path().join("o.pdf")).unwrap()).into_owned();
        let at = pdf.find("/MediaBox[").expect("a MediaBox") + "/MediaBox[".len();
        let nums: Vec<f64> =
            pdf[at..].split(']').next().unwrap().split(' ').map(|n| n.parse().unwrap()).collect();
        let (mw, mh) = (nums[2] - nums[0], nums[3] - nums[1]);
        let same = |a: f64, b: f64| (a - b).abs() < 0.01;
        assert!(
            (same(mw, w) && same(mh, h)) || (same(mw, h) && same(mh, w)),
            "{sheet}: {mw} x {mh}"
        );
    }
}

#[test]
fn templates_lists_pass_types_and_fields() {
    let dir = temp();
    let run = laminate_in(dir.path(), &["templates"], &[]);
    assert_eq!(run.status, 0);
    for t in ["all-access:", "crew:", "day:", "limited (also: vip):", "sticky:"] {
        assert!(run.stdout.contains(t), "{t} missing from\n{}", run.stdout);
    }
    assert!(run.stdout.contains("  card:   85.6 x 54 mm"));
    assert!(
        run.stdout.contains("fields: name, organisation, role, access, zones, dates, event, id"),
        "{}",
        run.stdout
    );
}

#[test]
fn one_thread_and_many_threads_write_the_same_bytes() {
    // Guards the parallel pipeline: pages are made on many threads but must
    // come out exactly as a one-thread run writes them.
    let dir = temp();
    let roster = dir.path().join("big.yaml");
    let mut text = String::from(
        "event: {name: Threads Fest, starts: 2026-07-10, ends: 2026-07-12}\npasses:\n",
    );
    let types = ["crew", "all-access", "vip", "sticky", "day"];
    for i in 0..1300 {
        text.push_str(&format!(
            "  - {{id: T-{i:05}, name: Holder Ñumber {i}, pass: {}}}\n",
            types[i % 5]
        ));
    }
    fs::write(&roster, text).unwrap();
    let r = roster.display().to_string();
    let one =
        laminate_in(dir.path(), &["render", &r, "-o", "one.pdf", "--jobs", "1", "--quiet"], &[]);
    let four =
        laminate_in(dir.path(), &["render", &r, "-o", "four.pdf", "--jobs", "4", "--quiet"], &[]);
    assert_eq!((one.status, four.status), (0, 0), "{}{}", one.stderr, four.stderr);
    let a = fs::read(dir.path().join("one.pdf")).unwrap();
    let b = fs::read(dir.path().join("four.pdf")).unwrap();
    assert!(a.len() > 1_000_000, "1300 passes make a real file");
    assert!(a == b, "--jobs 1 and --jobs 4 differ");
}

#[test]
fn shards_cover_the_roster_exactly_once() {
    let dir = temp();
    let mut ids = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("part{k}.pdf");
        let manifest = format!("part{k}.json");
        let run = laminate_in(
            dir.path(),
            &[
                "render",
                &sample(),
                "-o",
                &out,
                "--shard",
                &shard,
                "--manifest",
                &manifest,
                "--quiet",
            ],
            &[],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let rows: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.path().join(&manifest)).unwrap()).unwrap();
        for row in rows.as_array().unwrap() {
            assert_eq!(row["shard"], shard.as_str());
            assert_eq!(row["file"], out.as_str());
            ids.push(row["id"].as_str().unwrap().to_string());
        }
    }
    // Shards are slices of the print order, which places the CR80 cards
    // before the sticky passes (a sheet holds one card size).
    let sticky = ["NLF-0008", "NLF-0009", "NLF-0023"];
    let mut expected: Vec<String> = (1..=26).map(|i| format!("NLF-{i:04}")).collect();
    expected.retain(|id| !sticky.contains(&id.as_str()));
    expected.extend(sticky.iter().map(|s| s.to_string()));
    assert_eq!(ids, expected, "shards in print order, each pass once");
    let bad = laminate_in(dir.path(), &["render", &sample(), "-o", "x.pdf", "--shard", "4/3"], &[]);
    assert_eq!(bad.status, 2);
    assert!(bad.stderr.contains("is not a shard"));
}

/// A card's place in a dump: x, y, width, height in pt.
type Card = (f64, f64, f64, f64);

#[test]
fn duplex_backs_register_with_their_fronts() {
    // Guards registration: each back, turned over the chosen edge, must land
    // exactly on its own front, to 0.01 mm, and the manifest names its page.
    let dir = temp();
    // Four sheets: the CR80 cards, then the sticky passes (80 x 50 mm) on a
    // sheet of their own.
    for (flip, pages) in [("long", 8), ("short", 8)] {
        let run = laminate_in(
            dir.path(),
            &[
                "render",
                &sample(),
                "-o",
                "d.pdf",
                "--duplex",
                "--flip",
                flip,
                "--dump",
                "d.txt",
                "--manifest",
                "d.csv",
            ],
            &[],
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        assert!(run.stderr.contains("26 passes on 4 sheets with backs"), "{}", run.stderr);
        let dump = fs::read_to_string(dir.path().join("d.txt")).unwrap();
        // sheet WxH ..., then "card at X,Y size WxH" lines.
        let sheets: Vec<(f64, f64, Vec<Card>)> = dump
            .split("sheet ")
            .skip(1)
            .map(|s| {
                let size: Vec<f64> = s
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .split('x')
                    .map(|v| v.parse().unwrap())
                    .collect();
                let cards = s
                    .lines()
                    .filter_map(|l| l.strip_prefix("card at "))
                    .map(|l| {
                        let (at, sz) = l.split_once(" size ").unwrap();
                        let (x, y) = at.split_once(',').unwrap();
                        let (w, h) = sz.split_once('x').unwrap();
                        (
                            x.parse().unwrap(),
                            y.parse().unwrap(),
                            w.parse().unwrap(),
                            h.parse().unwrap(),
                        )
                    })
                    .collect();
                (size[0], size[1], cards)
            })
            .collect();
        assert_eq!(sheets.len(), pages);
        for pair in sheets.chunks(2) {
            let (sw, sh, front) = &pair[0];
            let (_, _, back) = &pair[1];
            assert_eq!(front.len(), back.len());
            for (f, b) in front.iter().zip(back) {
                // The printer takes the paper portrait: on a sheet laid out
                // landscape (the sticky passes'), the long edge runs across.
                let across = (flip == "long") != (sw > sh);
                let (tx, ty) = if across { (sw - b.0 - b.2, b.1) } else { (b.0, sh - b.1 - b.3) };
                let mm = |pt: f64| pt / 72.0 * 25.4;
                assert!(
                    mm((tx - f.0).abs()) < 0.01 && mm((ty - f.1).abs()) < 0.01,
                    "{flip}: back {b:?} does not register with front {f:?}"
                );
            }
        }
        let manifest = fs::read_to_string(dir.path().join("d.csv")).unwrap();
        assert!(
            manifest.contains(",d.pdf,2,1,3,4,"),
            "the 9th pass is on sheet 2, pages 3 and 4:\n{manifest}"
        );
    }
}

#[test]
fn group_by_pass_and_start_at_shape_the_batch() {
    let dir = temp();
    let run = laminate_in(
        dir.path(),
        &[
            "render",
            &sample(),
            "-o",
            "g.pdf",
            "--group-by",
            "pass",
            "--manifest",
            "g.csv",
            "--quiet",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let rows = fs::read_to_string(dir.path().join("g.csv")).unwrap();
    // sheet -> the pass types on it
    let mut sheets: std::collections::BTreeMap<usize, std::collections::BTreeSet<String>> =
        Default::default();
    for line in rows.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        sheets.entry(cols[7].parse().unwrap()).or_default().insert(cols[2].to_string());
    }
    assert!(sheets.values().all(|types| types.len() == 1), "{sheets:?}");
    assert_eq!(
        sheets.len(),
        5,
        "all-access 6, crew 8, day 4, limited 5, sticky 3 passes: one sheet each"
    );
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "s.pdf", "--start-at", "7", "--manifest", "s.csv", "--quiet"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let rows = fs::read_to_string(dir.path().join("s.csv")).unwrap();
    let first: Vec<&str> = rows.lines().nth(1).unwrap().split(',').collect();
    let third: Vec<&str> = rows.lines().nth(3).unwrap().split(',').collect();
    assert_eq!((first[7], first[8]), ("1", "7"), "the first pass goes to slot 7");
    assert_eq!((third[7], third[8]), ("2", "1"), "the third starts a fresh sheet");
}

/// A copy of the built-in templates with another card size in their base.
fn templates_with_card(dir: &std::path::Path, card: &str) -> String {
    let out = dir.join("templates");
    fs::create_dir_all(&out).unwrap();
    for e in fs::read_dir(root().join("templates")).unwrap() {
        let path = e.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        // The sticky type has a size of its own; here every type gets `card`.
        let text = text
            .replace("card: cr80", &format!("card: {card}"))
            .replace("card: 80x50mm", &format!("card: {card}"));
        fs::write(out.join(path.file_name().unwrap()), text).unwrap();
    }
    out.display().to_string()
}

/// The "card at X,Y" corners of the first sheet of a dump, in pt.
fn first_sheet_cards(dump: &str) -> Vec<(f64, f64)> {
    dump.split("sheet ")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("card at "))
        .map(|l| {
            let (x, y) = l.split_once(" size ").unwrap().0.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

#[test]
fn stock_presets_have_fixed_slots_and_take_one_card_size() {
    // Guards the stock presets: slots where the stock's published margins
    // put them, no crop marks, the card size checked per pass type, and
    // bleed only where the gutters leave room.
    let dir = temp();
    let list = laminate_in(dir.path(), &["stocks"], &[]);
    assert_eq!(list.status, 0, "{}", list.stderr);
    for name in ["a4-8up-cr80:", "letter-4up-4x3:", "a4-4up-a6:", "avery-5392:", "a4:", "card:"] {
        assert!(list.stdout.contains(name), "{name} missing:\n{}", list.stdout);
    }
    assert!(list.stdout.contains(
        "avery-5392: Avery 5392 name badge inserts, 6 badges of 4 x 3 in on Letter\n  \
         paper:   Letter 215.9 x 279.4 mm\n  \
         card:    101.6 x 76.2 mm (6 slots: 2 across x 3 down)\n  \
         margins: left 6.35 mm, right 6.35 mm, top 25.4 mm, bottom 25.4 mm\n  \
         gutters: 0 mm across, 0 mm down\n"
    ));

    // 4 x 3 in passes on Avery 5392: 6 a sheet, 0.25 in from the left, 1 in from the top.
    let templates = templates_with_card(dir.path(), "4x3in");
    let run = laminate_in(
        dir.path(),
        &[
            "render",
            &sample(),
            "--templates",
            &templates,
            "--sheet",
            "avery-5392",
            "-o",
            "a.pdf",
            "--dump",
            "a.txt",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("26 passes on 5 sheets"), "{}", run.stderr);
    let dump = fs::read_to_string(dir.path().join("a.txt")).unwrap();
    assert!(
        dump.starts_with(
            "sheet 612.00x792.00 trim=[18.00 72.00 594.00 720.00] bleed=none marks=0\n"
        ),
        "{dump}"
    );
    let (w, h) = (288.0, 216.0);
    let want: Vec<(f64, f64)> = (0..3)
        .flat_map(|r| (0..2).map(move |c| (18.0 + c as f64 * w, 720.0 - h - r as f64 * h)))
        .collect();
    assert_eq!(first_sheet_cards(&dump), want);

    // The CR80 preset: 15 mm from the left, 25.5 mm from the top, 3 mm bleed fits its gutters.
    let run = laminate_in(
        dir.path(),
        // (The CR80 types only: sticky passes have a size of their own.)
        &[
            "render",
            &sample(),
            "--pass",
            "all-access,crew,day,limited",
            "--sheet",
            "a4-8up-cr80",
            "-o",
            "c.pdf",
            "--dump",
            "c.txt",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let dump = fs::read_to_string(dir.path().join("c.txt")).unwrap();
    let cards = first_sheet_cards(&dump);
    assert_eq!(cards.len(), 8);
    let mm = |v: f64| v * 72.0 / 25.4;
    assert!(
        (cards[0].0 - mm(15.0)).abs() < 0.01 && (cards[1].0 - mm(15.0 + 85.6 + 8.8)).abs() < 0.01
    );
    assert!((cards[0].1 - mm(297.0 - 25.5 - 54.0)).abs() < 0.01, "{cards:?}");
    assert!(dump.contains("marks=0"), "no crop marks on pre-cut stock");

    // CR80 passes do not fit 4 x 3 in slots: one error per pass type, nothing written.
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "--sheet", "avery-5392", "-o", "x.pdf"],
        &[],
    );
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains(
        "error: pass type \"crew\" is printed on 85.6 x 54 mm cards, but the slots of the avery-5392 stock are 101.6 x 76.2 mm"
    ), "{}", run.stderr);
    assert_eq!(run.stderr.matches("is printed on").count(), 5, "{}", run.stderr);
    assert!(!dir.path().join("x.pdf").exists());

    // No gutter, no bleed: an explicit bleed is an error with a hint.
    let run = laminate_in(
        dir.path(),
        &[
            "render",
            &sample(),
            "--templates",
            &templates,
            "--sheet",
            "avery-5392",
            "--bleed",
            "3mm",
            "-o",
            "x.pdf",
        ],
        &[],
    );
    assert_eq!(run.status, 1);
    assert!(run.stderr.contains("error: a 3 mm bleed does not fit on the avery-5392 stock: its gutters and margins leave room for 0 mm"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: use --bleed 0"), "{}", run.stderr);
}

#[test]
fn printer_profile_mistakes_name_file_line_and_column() {
    // Guards the profile's diagnostics: unknown keys with the nearest key,
    // values out of range, all at once, and nothing written.
    let dir = temp();
    fs::write(dir.path().join("p.yaml"), "front:\n  ofset_x: 1mm\n  scale: 150%\nbak: {}\n")
        .unwrap();
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "o.pdf", "--printer-profile", "p.yaml"],
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    for want in [
        "error: unknown key \"ofset_x\" in the front of a printer profile\n  ┌─ p.yaml:2:3",
        "hint: did you mean \"offset_x\"?",
        "error: `scale` is 150%, outside 90% to 110%\n  ┌─ p.yaml:3:10",
        "error: unknown key \"bak\" in a printer profile\n  ┌─ p.yaml:4:1",
        "hint: did you mean \"back\"?",
        "laminate: 3 errors; nothing was written",
    ] {
        assert!(run.stderr.contains(want), "{want:?} not in:\n{}", run.stderr);
    }
    assert!(!dir.path().join("o.pdf").exists());
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "o.pdf", "--printer-profile", "missing.yaml"],
        &[],
    );
    assert_eq!(run.status, 3);
    assert!(run.stderr.contains("cannot read the printer profile missing.yaml"), "{}", run.stderr);
}

#[test]
fn split_by_pass_writes_one_whole_file_per_pass_type() {
    // Guards --split-by pass: out.pdf becomes out-TYPE.pdf for each type,
    // the manifest names each pass's file, and a failure on any file leaves
    // none of them (and the files of an earlier run stay as they were).
    let dir = temp();
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "-o", "s.pdf", "--split-by", "pass", "--manifest", "s.csv"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "laminate: wrote s-all-access.pdf, s-crew.pdf, s-day.pdf, s-limited.pdf, s-sticky.pdf: 26 passes on 5 sheets"
        ),
        "{}",
        run.stderr
    );
    let names = names_in(dir.path());
    assert_eq!(
        names,
        ["s-all-access.pdf", "s-crew.pdf", "s-day.pdf", "s-limited.pdf", "s-sticky.pdf", "s.csv"]
    );
    let rows = fs::read_to_string(dir.path().join("s.csv")).unwrap();
    assert_eq!(rows.lines().count(), 27);
    for line in rows.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        assert_eq!(cols[6], format!("s-{}.pdf", cols[2]), "{line}");
        // Each file starts its own sheets and pages.
        if cols[0] == "NLF-0001" {
            assert_eq!((cols[7], cols[8], cols[9]), ("1", "1", "1"), "{line}");
        }
    }
    for name in &names[..5] {
        let pdf = fs::read(dir.path().join(name)).unwrap();
        assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"), "{name}");
    }

    // A folder where s-limited.pdf would go: the run fails after the
    // all-access, crew and day files are written, and leaves none of them.
    let other = temp();
    fs::write(other.path().join("s-crew.pdf"), "the old crew file").unwrap();
    fs::create_dir(other.path().join("s-limited.pdf")).unwrap();
    let run =
        laminate_in(other.path(), &["render", &sample(), "-o", "s.pdf", "--split-by", "pass"], &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("cannot write s-limited.pdf"), "{}", run.stderr);
    assert_eq!(names_in(other.path()), ["s-crew.pdf", "s-limited.pdf"]);
    assert_eq!(fs::read_to_string(other.path().join("s-crew.pdf")).unwrap(), "the old crew file");
}

#[test]
fn registration_marks_need_room_at_the_edges() {
    // Guards the registration-mark check: on stock with no margin it is one
    // error per pass type, not one per pass, and nothing is written.
    let dir = temp();
    let templates = templates_with_card(dir.path(), "105x148mm");
    let run = laminate_in(
        dir.path(),
        &[
            "render",
            &sample(),
            "--templates",
            &templates,
            "--sheet",
            "a4-4up-a6",
            "--registration-marks",
            "-o",
            "r.pdf",
        ],
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "error: pass type \"crew\": no room for registration marks on a 210 x 297 mm sheet of 105 x 148 mm cards: 0 mm free at the narrowest edge, 4.1 mm needed"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("no room for registration marks").count(), 5, "{}", run.stderr);
    assert!(!dir.path().join("r.pdf").exists());
    // Without the flag the same stock renders.
    let run = laminate_in(
        dir.path(),
        &["render", &sample(), "--templates", &templates, "--sheet", "a4-4up-a6", "-o", "r.pdf"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
}
