//! Shards of one run: `render --shard K/N` numbers sheets and pages as the
//! whole run does and records its place in its PDF; `laminate merge` joins
//! the shards' PDFs or manifests into the whole run's, and refuses, writing
//! nothing, anything that is not every shard of one run, each once.

mod util;

use std::fs;
use std::path::Path;

use util::{have, laminate_in, names_in, root, temp, tool};

fn sample() -> String {
    root().join("samples/festival.yaml").display().to_string()
}

/// Renders the whole run (`whole.pdf`, `whole.csv`) and its `n` shards
/// (`sK.pdf`, `sK.csv`) with `extra` options; every run must succeed.
fn render_all(dir: &Path, n: usize, extra: &[&str]) {
    let mut runs: Vec<(String, Option<String>)> = vec![("whole".into(), None)];
    runs.extend((1..=n).map(|k| (format!("s{k}"), Some(format!("{k}/{n}")))));
    for (name, shard) in runs {
        let (pdf, csv) = (format!("{name}.pdf"), format!("{name}.csv"));
        let mut args = vec!["render", &*sample(), "-o", &pdf, "--manifest", &csv, "--quiet"]
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        if let Some(s) = &shard {
            args.extend(["--shard".into(), s.clone()]);
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = laminate_in(dir, &args, &[]);
        assert_eq!(run.status, 0, "{args:?}: {}", run.stderr);
    }
}

/// A manifest's rows as maps from column to cell.
fn rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let heads = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            heads.iter().zip(r.iter()).map(|(h, c)| (h.to_string(), c.to_string())).collect()
        })
        .collect()
}

fn pdftotext(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", &pdf.display().to_string(), "-"])
}

#[test]
fn shards_number_sheets_pages_and_rows_as_the_whole_run() {
    // Guards the numbering of shards: each shard's sheets are whole sheets
    // of the whole run, with its slug lines, run id and manifest places.
    for extra in [&[][..], &["--duplex"][..], &["--split-by", "pass", "--start-at", "3"][..]] {
        let dir = temp();
        render_all(dir.path(), 3, extra);
        let whole = rows(&dir.path().join("whole.csv"));
        let mut joined = Vec::new();
        for k in 1..=3 {
            for mut row in rows(&dir.path().join(format!("s{k}.csv"))) {
                assert_eq!(row["shard"], format!("{k}/3"), "{extra:?}");
                row.insert("shard".into(), String::new());
                joined.push(row);
            }
        }
        // The same passes, on the same sheets, slots and pages, of the same run.
        let place = |r: &std::collections::BTreeMap<String, String>| {
            ["id", "sheet", "slot", "front_page", "back_page", "run"].map(|c| r[c].clone())
        };
        assert_eq!(
            joined.iter().map(place).collect::<Vec<_>>(),
            whole.iter().map(place).collect::<Vec<_>>(),
            "{extra:?}"
        );
        assert!(whole.iter().all(|r| r["run"].len() == 8), "a run id on every row");
    }
}

#[test]
fn shard_pdfs_carry_the_whole_runs_slug_lines_and_their_place() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = temp();
    render_all(dir.path(), 3, &[]);
    // The festival's 26 passes fill 4 sheets (three of CR80 cards, one of
    // sticky passes): shards of 1, 1 and 2 sheets.
    let mut text = String::new();
    for (k, sheets) in [(1, "1-1"), (2, "2-2"), (3, "3-4")] {
        let pdf = dir.path().join(format!("s{k}.pdf"));
        let info = tool("pdfinfo", &["-custom", &pdf.display().to_string()]);
        let key = |k: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}:")))
                .map(|v| v.trim().to_string())
                .unwrap_or_else(|| panic!("no {k} in {info}"))
        };
        assert_eq!(key("LaminateShard"), format!("{k}/3"));
        assert_eq!(key("LaminateSheets"), sheets);
        assert_eq!(key("LaminateRun"), rows(&dir.path().join("whole.csv"))[0]["run"]);
        text.push_str(&pdftotext(&pdf));
    }
    assert!(text.contains("sheet 2 of 4"), "{text}");
    assert_eq!(
        text,
        pdftotext(&dir.path().join("whole.pdf")),
        "the shards' pages are the whole run's"
    );
}

/// The objects of a PDF, as qpdf's JSON gives them: "N 0 R" to value.
fn objects(pdf: &Path) -> serde_json::Map<String, serde_json::Value> {
    let json = tool("qpdf", &["--json=2", "--json-key=qpdf", &pdf.display().to_string()]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["qpdf"][1]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("obj:")?.to_string(), v["value"].clone())))
        .collect()
}

/// A PDF's catalog, and its objects.
fn catalog(pdf: &Path) -> (serde_json::Value, serde_json::Map<String, serde_json::Value>) {
    let objs = objects(pdf);
    let trailer = tool("qpdf", &["--show-object=trailer", &pdf.display().to_string()]);
    let root =
        trailer.split("/Root ").nth(1).unwrap().split(" R").next().unwrap().to_string() + " R";
    (objs[&root].clone(), objs)
}

/// The layers a page's Security and CutContour properties point at, sorted;
/// None for a page without /Properties.
type PageLayers = Option<Vec<String>>;

/// The catalog's layers by name (with their references), and each page's.
fn layers(pdf: &Path) -> (Vec<(String, String)>, Vec<PageLayers>) {
    let (cat, objs) = catalog(pdf);
    let cat = &cat;
    let ocgs: Vec<(String, String)> = cat["/OCProperties"]["/OCGs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let r = r.as_str().unwrap().to_string();
            let name = objs[&r]["/Name"].as_str().unwrap().trim_start_matches("u:").to_string();
            (name, r)
        })
        .collect();
    let mut pages = Vec::new();
    let tree = &objs[cat["/Pages"].as_str().unwrap()];
    for kid in tree["/Kids"].as_array().unwrap() {
        let page = &objs[kid.as_str().unwrap()];
        let refs = page["/Resources"]["/Properties"].as_object().map(|props| {
            let mut refs: Vec<String> =
                props.values().map(|v| v.as_str().unwrap().to_string()).collect();
            refs.sort();
            refs
        });
        pages.push(refs);
    }
    (ocgs, pages)
}

#[test]
fn merge_joins_shard_pdfs_into_the_whole_run() {
    // Guards merging PDFs: one Security and one CutContour layer for every
    // page, PrintScaling None, the whole run's pages in order, drawn as the
    // whole run draws them, shared objects written once.
    if !have("qpdf") || !have("pdftotext") || !have("pdftoppm") || !have("pdfinfo") {
        return;
    }
    let dir = temp();
    render_all(dir.path(), 3, &["--cut-contour", "--duplex"]);
    // Out of order on purpose: merge sorts by K.
    let run =
        laminate_in(dir.path(), &["merge", "s3.pdf", "s1.pdf", "s2.pdf", "-o", "all.pdf"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("wrote all.pdf: 8 pages from 3 shards"), "{}", run.stderr);
    let all = dir.path().join("all.pdf");
    let out = tool("qpdf", &["--check", &all.display().to_string()]);
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    let info = tool("pdfinfo", &[&all.display().to_string()]);
    assert!(info.contains("Pages:           8"), "{info}");
    let info = tool("pdfinfo", &["-custom", &all.display().to_string()]);
    assert!(!info.contains("LaminateShard:"), "{info}");
    assert!(info.contains("LaminateSheets:  1-4"), "{info}");
    assert_eq!(pdftotext(&all), pdftotext(&dir.path().join("whole.pdf")));

    let (ocgs, pages) = layers(&all);
    let names: Vec<&str> = ocgs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Security", "CutContour"]);
    let mut both: Vec<String> = ocgs.iter().map(|(_, r)| r.clone()).collect();
    both.sort();
    let security = vec![ocgs[0].1.clone()];
    // Fronts use both layers; the backs of the three card sheets Security's
    // (their microtext); the sticky passes have no back, so the last page
    // draws nothing and has no /Properties.
    let want = [&both, &security, &both, &security, &both, &security, &both]
        .map(|refs| Some(refs.clone()))
        .into_iter()
        .chain([None])
        .collect::<Vec<_>>();
    assert_eq!(pages, want, "the layers each page uses");
    let (_, shard_pages) = layers(&dir.path().join("s3.pdf"));
    assert_eq!(shard_pages.len(), 4, "shard 3: two sheets, fronts and backs");
    let bytes = fs::read(&all).unwrap();
    let count = |b: &[u8], what: &[u8]| b.windows(what.len()).filter(|w| *w == what).count();
    let (cat, _) = catalog(&all);
    assert_eq!(cat["/ViewerPreferences"]["/PrintScaling"], "/None", "{cat}");
    // The shared drawings and colour spaces of the shards are written once.
    let forms: usize = (1..=3)
        .map(|k| count(&fs::read(dir.path().join(format!("s{k}.pdf"))).unwrap(), b"/Subtype/Form"))
        .sum();
    let merged_forms = count(&bytes, b"/Subtype/Form");
    assert!(merged_forms < forms, "{merged_forms} forms merged from {forms}");
    assert_eq!(count(&bytes, b"/CutContour"), 1, "one CutContour colour space");

    // Every page renders as the whole run's does.
    for (name, pdf) in [("w", "whole.pdf"), ("m", "all.pdf")] {
        let out = dir.path().join(name).display().to_string();
        tool("pdftoppm", &["-r", "20", &dir.path().join(pdf).display().to_string(), &out]);
    }
    for p in 1..=8 {
        let w = fs::read(dir.path().join(format!("w-{p}.ppm"))).unwrap();
        let m = fs::read(dir.path().join(format!("m-{p}.ppm"))).unwrap();
        assert!(w == m, "page {p} renders differently");
    }
}

#[test]
fn merge_joins_shard_manifests_in_the_whole_runs_order() {
    // Guards merging manifests: rows of every shard, in the whole run's
    // order, CSV or JSON.
    let dir = temp();
    render_all(dir.path(), 3, &[]);
    let run =
        laminate_in(dir.path(), &["merge", "s2.csv", "s3.csv", "s1.csv", "-o", "all.csv"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let strip = |rows: Vec<std::collections::BTreeMap<String, String>>| {
        rows.into_iter()
            .map(|mut r| {
                r.remove("file");
                r.remove("shard");
                r
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(rows(&dir.path().join("all.csv"))),
        strip(rows(&dir.path().join("whole.csv")))
    );
    let run =
        laminate_in(dir.path(), &["merge", "s1.csv", "s2.csv", "s3.csv", "-o", "all.json"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("all.json")).unwrap()).unwrap();
    let ids: Vec<&str> =
        json.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let whole = rows(&dir.path().join("whole.csv"));
    assert_eq!(ids, whole.iter().map(|r| r["id"].as_str()).collect::<Vec<_>>());
}

#[test]
fn merge_refuses_anything_but_every_shard_of_one_run_and_writes_nothing() {
    // Guards each refusal: exit 1, a message naming the problem, no output
    // file and no temporary file left.
    let dir = temp();
    let d = dir.path();
    render_all(d, 3, &[]);
    // Shards of another split, and of another run (other options).
    for (k, n, name, extra) in [(1, 2, "half1", &[][..]), (2, 3, "other2", &["--proof"][..])] {
        let shard = format!("{k}/{n}");
        let pdf = format!("{name}.pdf");
        let csv = format!("{name}.csv");
        let s = sample();
        let mut args = vec!["render", &*s];
        args.extend(["-o", &pdf, "--manifest", &csv, "--shard", &shard, "--quiet"]);
        args.extend(extra);
        let run = laminate_in(d, &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
    }
    fs::copy(d.join("s2.pdf"), d.join("copy2.pdf")).unwrap();
    // A shard cut short, as by a failed copy.
    let s2 = fs::read(d.join("s2.pdf")).unwrap();
    fs::write(d.join("cut2.pdf"), &s2[..s2.len() / 2]).unwrap();
    // A shard damaged inside: an object's header overwritten.
    let mut bad = s2.clone();
    let at = bad.windows(6).skip(2000).position(|w| w == b" 0 obj").unwrap() + 2000;
    bad[at + 3..at + 6].copy_from_slice(b"obz");
    fs::write(d.join("bad2.pdf"), bad).unwrap();
    let before = names_in(d);
    let cases: &[(&[&str], &str, &str)] = &[
        (&["s1.pdf", "s3.pdf"], "out.pdf", "shard 2/3 of run"),
        (&["s1.pdf", "s2.pdf", "copy2.pdf", "s3.pdf"], "out.pdf", "shard 2/3 is given twice"),
        (
            &["s1.pdf", "s2.pdf", "s3.pdf", "half1.pdf"],
            "out.pdf",
            "is shard 1/2, but s1.pdf is a shard of 3",
        ),
        (&["s1.pdf", "other2.pdf", "s3.pdf"], "out.pdf", "these are not the shards of one run"),
        (&["s1.pdf", "s2.csv", "s3.pdf"], "out.pdf", "s2.csv is a manifest, but s1.pdf is a PDF"),
        (&["s1.pdf", "s2.pdf", "s3.pdf"], "out.csv", "the output is a .pdf file"),
        (&["s1.pdf", "s2.pdf", "whole.pdf"], "out.pdf", "not a shard of a laminate run"),
        (
            &["s1.pdf", "cut2.pdf", "s3.pdf"],
            "out.pdf",
            "cut2.pdf: no startxref: the file is cut short",
        ),
        (&["s1.pdf", "bad2.pdf", "s3.pdf"], "out.pdf", "bad2.pdf: no object at byte"),
        (&["s1.csv", "s3.csv"], "out.csv", "shard 2/3 of run"),
        (&["s1.csv", "s2.csv", "s2.csv", "s3.csv"], "out.csv", "given twice"),
        (&["s1.csv", "other2.csv", "s3.csv"], "out.csv", "these are not the shards of one run"),
        (&["s1.csv", "half1.csv"], "out.csv", "is a shard of 3"),
        (&["s1.csv", "s2.csv", "whole.csv"], "out.csv", "its shard column is empty"),
    ];
    for (inputs, out, says) in cases {
        let mut args = vec!["merge"];
        args.extend(inputs.iter());
        args.extend(["-o", out]);
        let run = laminate_in(d, &args, &[]);
        assert_eq!(run.status, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
        assert_eq!(names_in(d), before, "{args:?} left a file");
    }
    // The output may not be one of the inputs (exit 2, as for every
    // command): s3.pdf stays as it was.
    let s3 = fs::read(d.join("s3.pdf")).unwrap();
    let run = laminate_in(d, &["merge", "s1.pdf", "s2.pdf", "s3.pdf", "-o", "s3.pdf"], &[]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("will not write s3.pdf: it is one of the inputs"),
        "{}",
        run.stderr
    );
    assert_eq!(fs::read(d.join("s3.pdf")).unwrap(), s3);
    assert_eq!(names_in(d), before);
}

#[test]
fn a_shard_reports_the_errors_of_its_entries() {
    // Guards the whole-run plan against dropping entries it cannot place:
    // an entry of an unknown pass type still lands in a shard, whose run
    // then fails with its error and writes nothing.
    let dir = temp();
    fs::write(
        dir.path().join("bad.yaml"),
        "event: {name: E, starts: 2026-01-01, ends: 2026-01-01}\npasses:\n  - {id: A, name: Ann, pass: nope}\n  - {id: B, name: Bo, pass: crew}\n",
    )
    .unwrap();
    for shard in ["1/1", "1/2", "2/2"] {
        let run =
            laminate_in(dir.path(), &["render", "bad.yaml", "-o", "o.pdf", "--shard", shard], &[]);
        if shard == "2/2" {
            // Two sheets (the unknown entry's and B's): shard 2/2 holds only B.
            assert_eq!(run.status, 0, "{}", run.stderr);
            fs::remove_file(dir.path().join("o.pdf")).unwrap();
            continue;
        }
        assert_eq!(run.status, 1, "{shard}: {}", run.stderr);
        assert!(run.stderr.contains("bad.yaml:3:"), "{}", run.stderr);
        assert_eq!(names_in(dir.path()), ["bad.yaml"]);
    }
}
