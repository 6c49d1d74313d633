//! Outputs that are inputs (issue 22): every command refuses an output path
//! that is one of the files it reads, told by file identity (so `./x`, a
//! symbolic link and a hard link count), writes nothing, names both paths
//! and leaves the input as it was, byte for byte.

mod util;

use std::fs;
use std::path::{Path, PathBuf};

use util::{laminate_in, names_in, root, temp, Run};

/// Copies the sample folder (or file) `from` (relative to the repository)
/// into `dir` as `to`.
fn copy(from: &str, dir: &Path, to: &str) {
    let src = root().join(from);
    let dst = dir.join(to);
    if src.is_dir() {
        fs::create_dir_all(&dst).unwrap();
        for e in fs::read_dir(&src).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            copy(&format!("{from}/{name}"), dir, &format!("{to}/{name}"));
        }
    } else {
        fs::copy(src, dst).unwrap();
    }
}

/// `head` and then `args`.
fn with<'a>(head: &[&'a str], args: &[&'a str]) -> Vec<&'a str> {
    [head, args].concat()
}

/// Every file below `dir` with its bytes, sorted by path. A file that cannot
/// be read (a link whose target went, say) fails the test.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.symlink_metadata().unwrap().is_dir() {
                todo.push(path);
            } else {
                let bytes = fs::read(&path)
                    .unwrap_or_else(|e| panic!("{}: cannot be read: {e}", path.display()));
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// Runs `args` in `dir` and checks that it was refused: exit status 2, one
/// message naming the output as given and the input as `input` and saying
/// what the input is, and every file in `dir` as it was (nothing new,
/// nothing changed, no temporary file).
fn refused(dir: &Path, args: &[&str], output: &str, input: &str, what: &str) -> Run {
    let before = snapshot(dir);
    let run = laminate_in(dir, args, &[]);
    let context = format!("{args:?}: {}", run.stderr);
    assert_eq!(run.status, 2, "{context}");
    let line = run.stderr.lines().find(|l| l.starts_with("laminate: error: will not write"));
    let line = line.unwrap_or_else(|| panic!("no refusal: {context}"));
    assert!(line.contains(&format!(" to {output}: it is {what}, {input}, ")), "{context}");
    assert!(line.ends_with("which this run reads; nothing was written"), "{context}");
    let after = snapshot(dir);
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&after), names(&before), "{context}");
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        assert!(old == new, "{}: changed by a refused run ({context})", path.display());
    }
    run
}

// Guards `render roster.yaml -o ./roster.yaml`, which replaced the roster
// with the PDF; and the same through a symbolic link and a hard link.
#[test]
fn render_will_not_write_the_pdf_over_the_roster_by_any_name() {
    let dir = temp();
    copy("samples/festival.yaml", dir.path(), "roster.yaml");
    let d = dir.path();
    refused(
        d,
        &["render", "roster.yaml", "-o", "./roster.yaml"],
        "./roster.yaml",
        "roster.yaml",
        "the roster",
    );
    std::os::unix::fs::symlink("roster.yaml", d.join("link.pdf")).unwrap();
    refused(
        d,
        &["render", "roster.yaml", "-o", "link.pdf"],
        "link.pdf",
        "roster.yaml",
        "the roster",
    );
    fs::remove_file(d.join("link.pdf")).unwrap();
    fs::hard_link(d.join("roster.yaml"), d.join("hard.pdf")).unwrap();
    refused(
        d,
        &["render", "roster.yaml", "-o", "hard.pdf"],
        "hard.pdf",
        "roster.yaml",
        "the roster",
    );
    // A roster given through a link is the file it leads to.
    fs::remove_file(d.join("hard.pdf")).unwrap();
    std::os::unix::fs::symlink("roster.yaml", d.join("via.yaml")).unwrap();
    refused(
        d,
        &["render", "via.yaml", "-o", "roster.yaml"],
        "roster.yaml",
        "via.yaml",
        "the roster",
    );
}

// Guards --report, --manifest and --dump over the roster, and a manifest
// over a ticket shop's export.
#[test]
fn render_will_not_write_its_side_files_over_an_input() {
    let dir = temp();
    let d = dir.path();
    copy("samples/festival.yaml", d, "roster.yaml");
    let run = refused(
        d,
        &["render", "roster.yaml", "-o", "out.pdf", "--report", "roster.yaml"],
        "roster.yaml",
        "roster.yaml",
        "the roster",
    );
    assert!(run.stderr.contains("will not write the report to"), "{}", run.stderr);
    let run = refused(
        d,
        &["render", "roster.yaml", "-o", "out.pdf", "--dump", "roster.yaml"],
        "roster.yaml",
        "roster.yaml",
        "the roster",
    );
    assert!(run.stderr.contains("will not write the dump to"), "{}", run.stderr);
    copy("samples/exports/pretix-orders.csv", d, "export.csv");
    copy("samples/exports/pretix-orders.event.yaml", d, "export.event.yaml");
    let run = refused(
        d,
        &["render", "export.csv", "-o", "out.pdf", "--manifest", "export.csv"],
        "export.csv",
        "export.csv",
        "the roster",
    );
    assert!(run.stderr.contains("will not write the manifest to"), "{}", run.stderr);
}

// Guards the rest of a run's inputs: the event file, a template and an image
// it draws, the signing key, the --since manifest, the printer profile, a
// photo and the reprint numbers; and each pass type's file of --split-by.
#[test]
fn render_will_not_write_over_any_file_it_reads() {
    let dir = temp();
    let d = dir.path();
    copy("samples/exports/pretix-orders.csv", d, "export.csv");
    copy("samples/exports/pretix-orders.event.yaml", d, "export.event.yaml");
    refused(
        d,
        &with(&["render", "export.csv"], &["-o", "export.event.yaml"]),
        "export.event.yaml",
        "export.event.yaml",
        "the roster's event file",
    );

    copy("samples/collector", d, "collector");
    let c = ["render", "collector/roster.yaml", "--templates", "collector/templates"];
    let base = "collector/templates/base.yaml";
    refused(d, &with(&c, &["-o", base]), base, base, "a file of the template folder");
    let svg = "collector/templates/signature.svg";
    refused(d, &with(&c, &["-o", svg]), svg, svg, "a file of the template folder");

    let keygen = laminate_in(d, &["keygen", "--out", "k.key"], &[]);
    assert_eq!(keygen.status, 0, "{}", keygen.stderr);
    let f = ["render", "collector/roster.yaml"];
    refused(d, &with(&f, &["--key", "k.key", "-o", "k.key"]), "k.key", "k.key", "the signing key");
    fs::write(d.join("old.csv"), "id\nNLF-0001\n").unwrap();
    refused(
        d,
        &with(&f, &["--since", "old.csv", "-o", "out.pdf", "--manifest", "old.csv"]),
        "old.csv",
        "old.csv",
        "the --since manifest",
    );
    fs::write(d.join("out-crew.yaml"), "front: {offset_x: 1mm}\n").unwrap();
    refused(
        d,
        &with(&f, &["--printer-profile", "out-crew.yaml", "-o", "out.yaml", "--split-by", "pass"]),
        "out-crew.yaml",
        "out-crew.yaml",
        "the printer profile",
    );

    copy("samples/conference", d, "conference");
    let photo = "conference/photos/ohs-003.jpg";
    refused(
        d,
        &["render", "conference/roster.yaml", "-o", photo],
        photo,
        photo,
        "the photo of entry \"OHS-003\"",
    );
    fs::write(d.join("conference/roster.yaml.reprints"), "OHS-001 1\n").unwrap();
    refused(
        d,
        &["render", "conference/roster.yaml", "-o", "conference/roster.yaml.reprints"],
        "conference/roster.yaml.reprints",
        "conference/roster.yaml.reprints",
        "the roster's reprint numbers",
    );
}

// Guards `preview ... -o roster.yaml` and `convert export.csv -o
// export.csv`, which replaced the roster and the shop's export.
#[test]
fn preview_and_convert_will_not_write_over_the_roster() {
    let dir = temp();
    let d = dir.path();
    copy("samples/festival.yaml", d, "roster.yaml");
    let run = refused(
        d,
        &["preview", "roster.yaml", "-o", "roster.yaml"],
        "roster.yaml",
        "roster.yaml",
        "the roster",
    );
    assert!(run.stderr.contains("will not write the PNG to"), "{}", run.stderr);
    copy("samples/exports/tito.csv", d, "export.csv");
    copy("samples/exports/tito.event.yaml", d, "export.event.yaml");
    refused(
        d,
        &["convert", "export.csv", "-o", "export.csv"],
        "export.csv",
        "export.csv",
        "the roster",
    );
    refused(
        d,
        &["convert", "export.csv", "-o", "./export.event.yaml"],
        "./export.event.yaml",
        "export.event.yaml",
        "the roster's event file",
    );
    // What is not an input is still written.
    let ok = laminate_in(d, &["convert", "export.csv", "-o", "export.yaml"], &[]);
    assert_eq!(ok.status, 0, "{}", ok.stderr);
    assert!(names_in(d).contains(&"export.yaml".to_string()));
}
