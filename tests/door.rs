//! `laminate door` and `laminate checkins merge`: the page in headless
//! Chromium (Playwright, tests/browser/door.py) admits and refuses passes
//! typed by a keyboard-wedge scanner, typed by hand and shown to a fake
//! camera, with exactly the verdicts of `laminate verify` over the same
//! bytes; reads every frame of the door grid (tests/browser/door_grid.py)
//! that zxing-cpp reads; makes no network request; exports its log safe
//! for spreadsheets; and `checkins merge` finds a double entry planted
//! across two doors' logs.

mod util;

use std::fs;
use std::path::Path;
use std::process::Command;

use ed25519_dalek::SigningKey;
use jiff::civil::date;
use laminate_passes::resolve::payload::{Hours, Payload};
use serde_json::{json, Value};
use util::{have, have_python_modules, laminate_in, root, temp, Run};

const ROSTER: &str = "event:
  name: Northern Lights Festival 2026
  starts: 2026-07-09
  ends: 2026-07-13
  timezone: Europe/London
passes:
  - id: NLF-0001
    name: Ana Lima
    pass: crew
    zones: [stage, backstage]
";

/// The README's test key (seed 00 01 ... 1f), as `laminate keygen` writes it.
fn readme_key() -> SigningKey {
    let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
    SigningKey::from_bytes(&seed)
}

fn write_keys(dir: &Path, name: &str, key: &SigningKey) {
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    fs::write(dir.join(name), format!("laminate ed25519 private key\n{}\n", hex(&key.to_bytes())))
        .unwrap();
    let public = format!("laminate ed25519 public key\n{}\n", hex(key.verifying_key().as_bytes()));
    fs::write(dir.join(format!("{name}.pub")), public).unwrap();
}

/// A crew pass for 9 to 13 July 2026 (or a window with hours), signed.
fn pass(key: &SigningKey, id: &str, zones: &[&str], reprint: u32, hours: Option<Hours>) -> String {
    let mut p = Payload {
        event: "NLF2026".into(),
        id: id.into(),
        pass: "crew".into(),
        valid_from: date(2026, 7, 9),
        valid_until: date(2026, 7, 13),
        hours,
        zones: zones.iter().map(|z| z.to_string()).collect(),
        reprint,
        name: None,
        signature: "U".into(),
    };
    laminate_passes::resolve::sign::sign(key, &mut p);
    p.encode()
}

fn readme_block(marker: &str) -> String {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find(marker).unwrap_or_else(|| panic!("README has no {marker}"));
    let code = readme[start + marker.len()..].split("```").nth(1).expect("a code block");
    code.trim_start_matches(|c: char| c.is_alphanumeric()).trim().to_string()
}

/// Playwright, Chromium and the modules the fake camera needs; like
/// [`have`], a failure under `LAMINATE_REQUIRE_TOOLS`, else a skip.
fn have_browser() -> bool {
    have("chromium") && have_python_modules(&["playwright", "PIL", "numpy"])
}

/// Held by each browser test: one Chromium at a time, so that the
/// timings measured are the page's, not those of two browsers sharing the
/// machine's cores.
fn one_browser() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs tests/browser/door.py with `plan`; what it saw.
fn drive(dir: &Path, plan: Value) -> Value {
    let file = dir.join(format!("plan-{}.json", fastrand()));
    fs::write(&file, plan.to_string()).unwrap();
    let out = Command::new("python3")
        .arg(root().join("tests/browser/door.py"))
        .arg(&file)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the browser driver failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn fastrand() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn door(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["door"];
    all.extend_from_slice(args);
    let run = laminate_in(dir, &all, &[("SOURCE_DATE_EPOCH", "1780000000")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    run
}

/// One scan of the test: the clock, the zone chosen, the payload, and how
/// `laminate verify` is asked about it (key file, extra flags).
struct Case {
    what: &'static str,
    clock: &'static str,
    zone: &'static str,
    text: String,
    key: &'static str,
    mode: &'static str,
}

fn case(what: &'static str, clock: &'static str, text: String) -> Case {
    Case { what, clock, zone: "", text, key: "k.pub", mode: "entry" }
}

// Guards issue 20: every verdict of the page is the verdict of `laminate
// verify` over the same bytes, at the same time, for the same zone; the
// README's vectors verify in the page; a second scan of an admitted pass
// says it was already admitted; an exit lets it in again; no request
// leaves the page; and the exported logs of two doors show the double
// entry to `checkins merge`.
#[test]
fn the_page_admits_and_refuses_exactly_as_verify_does_and_logs_every_scan() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    let k = readme_key();
    let old = SigningKey::from_bytes(&[9; 32]);
    let stranger = SigningKey::from_bytes(&[5; 32]);
    write_keys(d, "k", &k);
    write_keys(d, "old", &old);
    fs::write(d.join("r.yaml"), ROSTER).unwrap();
    fs::write(d.join("revoked.txt"), "# lost on day 1\nNLF-0007\n").unwrap();
    fs::write(d.join("r.yaml.reprints"), "NLF-0008 2\n").unwrap();
    door(
        d,
        &["--public-key", "k.pub", "--public-key", "old.pub", "--revoked", "revoked.txt"]
            .iter()
            .chain(&["--event", "r.yaml", "--zone", "stage", "--zone", "backstage"])
            .chain(&["--door", "Gate A", "-o", "a.html"])
            .copied()
            .collect::<Vec<_>>(),
    );
    door(d, &["--public-key", "k.pub", "--event", "r.yaml", "--door", "Gate B", "-o", "b.html"]);

    let vector = readme_block("<!-- vector: payload -->");
    let vector_hours = readme_block("<!-- vector: payload with hours -->");
    let h = |from: &str, to: &str| {
        Some(Hours {
            start: from.parse().unwrap(),
            end: to.parse().unwrap(),
            offset: jiff::tz::Offset::from_hours(1).unwrap(),
        })
    };
    let shift =
        pass(&k, "NLF-0005", &["stage"], 0, h("2026-07-10T07:00:00Z", "2026-07-10T16:00:00Z"));
    let day2 = "2026-07-10T13:00:00+01:00";
    let cases = vec![
        case("README vector", day2, vector.clone()),
        case("README vector with hours", "2027-06-18T12:00:00+01:00", vector_hours.clone()),
        case("another key", day2, pass(&stranger, "NLF-0002", &["stage"], 0, None)),
        case(
            "tampered",
            day2,
            pass(&k, "NLF-0003", &["stage"], 0, None).replace(":CREW:", ":ALL-ACCESS:"),
        ),
        case("expired, to the minute", "2026-07-10T17:00:00+01:00", shift.clone()),
        case("not yet valid, to the minute", "2026-07-10T07:59:00+01:00", shift.clone()),
        case("within its hours", "2026-07-10T16:59:00+01:00", shift),
        case("expired day pass", "2026-07-14T00:30:00+01:00", pass(&k, "NLF-0006", &[], 0, None)),
        case("revoked", day2, pass(&k, "NLF-0007", &["stage"], 0, None)),
        Case {
            zone: "backstage",
            ..case("wrong zone", day2, pass(&k, "NLF-0010", &["stage"], 0, None))
        },
        Case {
            zone: "stage",
            ..case("all areas", day2, pass(&k, "NLF-0011", &["all areas"], 0, None))
        },
        case("unsigned", day2, vector.rsplit_once(':').map(|(a, _)| format!("{a}:U")).unwrap()),
        case("malformed", day2, "L1:NLF2026:NLF-0012:CREW:20260231:20260713:STAGE:0:AAAA".into()),
        // verify reads the fields and signs them again: a lower-case event
        // or a reprint written "+0" are the same pass to it.
        case(
            "lower-case event",
            day2,
            pass(&k, "NLF-0013", &["stage"], 0, None).replace("NLF2026", "nlf2026"),
        ),
        case(
            "reprint +0",
            day2,
            pass(&k, "NLF-0014", &["stage"], 0, None).replace(":STAGE:0:", ":STAGE:+0:"),
        ),
        Case {
            key: "old.pub",
            ..case("the old key of a rotation", day2, pass(&old, "NLF-0009", &["stage"], 0, None))
        },
    ];
    let superseded = pass(&k, "NLF-0008", &["stage"], 1, None);
    let mut steps: Vec<Value> = cases
        .iter()
        .map(|c| json!({"input": "wedge", "text": c.text, "clock": c.clock, "zone": c.zone, "mode": c.mode}))
        .collect();
    let n = steps.len();
    steps.extend([
        json!({"input": "wedge", "text": superseded, "clock": day2}),
        // A second scan of the admitted README pass; typed by hand.
        json!({"input": "typed", "text": vector, "clock": "2026-07-10T13:02:00+01:00"}),
        json!({"input": "wedge", "text": vector, "clock": "2026-07-10T13:05:00+01:00", "mode": "exit"}),
        json!({"input": "wedge", "text": vector, "clock": "2026-07-10T13:20:00+01:00"}),
        json!({"input": "export", "csv": "a.csv", "json": "a.json"}),
    ]);
    let seen = drive(
        d,
        json!({"page": url(&d.join("a.html")), "clock": day2, "export_dir": d, "steps": steps}),
    );
    let step = |i: usize| &seen["steps"][i];

    for (i, c) in cases.iter().enumerate() {
        let s = step(i);
        assert_eq!(s["role"], "status", "the verdict region is role=status");
        let status = s["status"].as_str().unwrap();
        let mut args = vec!["verify", c.text.as_str(), "--public-key", c.key, "--at", c.clock];
        args.extend(["--revoked", "revoked.txt"]);
        if !c.zone.is_empty() {
            args.extend(["--zone", c.zone]);
        }
        let v = laminate_in(d, &args, &[]);
        if v.status == 0 {
            assert!(
                status.starts_with("ADMIT\n"),
                "{}: verify admits, the page says {status}",
                c.what
            );
        } else {
            let why = v.stderr.trim().strip_prefix("laminate: ").unwrap();
            assert!(
                status.starts_with(&format!("REFUSE\n{why}")),
                "{}: verify says {why:?} (exit {}), the page says {status:?}",
                c.what,
                v.status
            );
        }
        assert!(s["ms"].as_f64().unwrap() < 300.0, "{}: scan to verdict {} ms", c.what, s["ms"]);
    }
    // What each case is, so that a page and a verify that agree on nonsense fail too.
    let words: Vec<&str> =
        (0..n).map(|i| step(i)["status"].as_str().unwrap().split('\n').next().unwrap()).collect();
    assert_eq!(
        words,
        ["ADMIT", "ADMIT", "REFUSE", "REFUSE", "REFUSE", "REFUSE", "ADMIT", "REFUSE", "REFUSE"]
            .iter()
            .chain(&["REFUSE", "ADMIT", "REFUSE", "REFUSE", "ADMIT", "ADMIT", "ADMIT"])
            .copied()
            .collect::<Vec<_>>()
    );
    let reasons: Vec<&str> = (0..n).map(|i| step(i)["reason"].as_str().unwrap()).collect();
    assert_eq!(&reasons[2..6], ["bad-signature", "bad-signature", "expired", "not-yet-valid"]);
    assert_eq!(reasons[8], "revoked");
    let rotation = step(n - 1)["status"].as_str().unwrap();
    let old_print = laminate_passes::door::fingerprint(&old.verifying_key());
    assert!(rotation.contains(&format!("key {old_print}")), "shown with its key: {rotation}");
    let s = step(n)["status"].as_str().unwrap();
    assert!(
        s.starts_with("REFUSE\nthe pass is superseded by a reprint: the valid card is reprint 2"),
        "{s}"
    );
    let again = step(n + 1)["status"].as_str().unwrap();
    assert!(again.starts_with("REFUSE\nalready admitted here at 13:00\n"), "{again}");
    assert!(step(n + 2)["status"]
        .as_str()
        .unwrap()
        .starts_with("ADMIT\nOUT: exit recorded at 13:05"));
    assert!(
        step(n + 3)["status"].as_str().unwrap().starts_with("ADMIT\n"),
        "back in after an exit"
    );

    // No network: only the page itself was loaded, and no CSP violation.
    let requests = seen["requests"].as_array().unwrap();
    assert!(
        requests.iter().all(|r| ["file:", "data:", "blob:"]
            .iter()
            .any(|s| r.as_str().unwrap().starts_with(s))),
        "{requests:?}"
    );
    assert_eq!(seen["violations"], json!([]));
    assert!(seen["load_ms"].as_f64().unwrap() < 1000.0, "opens in {} ms", seen["load_ms"]);
    let slowest = (0..n).map(|i| step(i)["ms"].as_f64().unwrap()).fold(0.0, f64::max);
    eprintln!(
        "door page: opened in {:.0} ms; slowest wedge scan to verdict {slowest} ms",
        seen["load_ms"].as_f64().unwrap()
    );

    // The log: CSV and JSON exports of the same scans.
    let csv = fs::read_to_string(d.join("a.csv")).unwrap();
    assert!(csv.starts_with("time,local,door,mode,verdict,reason,event,id,reprint,pass,key\n"));
    assert_eq!(csv.lines().count(), n + 5, "a header and every scan: {csv}");
    assert!(
        csv.contains(
            ",2026-07-10 13:02,Gate A,entry,refuse,already-inside,NLF2026,NLF-0001,0,CREW,"
        ),
        "{csv}"
    );
    let log: Value = serde_json::from_str(&fs::read_to_string(d.join("a.json")).unwrap()).unwrap();
    assert_eq!(log["scans"].as_array().unwrap().len(), n + 4);

    // Door B, its own device: the README pass is let in at 13:30 while,
    // by door A's log, it is inside since 13:20.
    let b = drive(
        d,
        json!({"page": url(&d.join("b.html")), "clock": day2, "export_dir": d, "steps": [
            {"input": "wedge", "text": vector, "clock": "2026-07-10T13:30:00+01:00"},
            {"input": "export", "csv": "b.csv", "json": "b.json"},
        ]}),
    );
    assert!(b["steps"][0]["status"].as_str().unwrap().starts_with("ADMIT\n"), "{b}");
    let merged = laminate_in(d, &["checkins", "merge", "a.csv", "b.json"], &[]);
    assert_eq!(merged.status, 20, "{}{}", merged.stdout, merged.stderr);
    assert!(
        merged.stdout.contains("admitted more than once: 1\n  NLF-0001 (CREW): at Gate A 2026-07-10 13:20, again at Gate B 2026-07-10 13:30 with no exit between\n"),
        "{}",
        merged.stdout
    );
    assert_eq!(merged.stderr, "laminate: 1 admission of a pass already inside\n");
    // Door A's log alone has an exit between its two admissions: no double entry.
    let alone = laminate_in(d, &["checkins", "merge", "a.csv", "a.json"], &[]);
    assert_eq!(alone.status, 0, "{}{}", alone.stdout, alone.stderr);
    assert!(alone.stdout.contains("admitted more than once: 0\n"), "{}", alone.stdout);
    assert!(
        alone.stdout.contains(&format!("{} scans at 1 door: Gate A", n + 4)),
        "{}",
        alone.stdout
    );
}

// Guards the camera path: a signed pass rendered at 150 dpi, tilted,
// blurred and noisy, shown to Chromium's fake camera, is read by the
// vendored decoder, zxing-cpp (headless Chromium on Linux has no
// BarcodeDetector), and admitted within 300 ms of the frame.
#[test]
fn a_pass_shown_to_the_camera_at_phone_quality_is_admitted() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    fs::write(d.join("r.yaml"), ROSTER).unwrap();
    let run = laminate_in(
        d,
        &["preview", "r.yaml", "--id", "NLF-0001", "--key", "k", "--dpi", "150", "-o", "pass.png"],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let out = Command::new("python3")
        .arg(root().join("tests/browser/fake_camera.py"))
        .args([d.join("pass.png"), d.join("cam.y4m")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    door(
        d,
        &["--public-key", "k.pub", "--event", "r.yaml", "--zone", "backstage", "-o", "door.html"],
    );
    let seen = drive(
        d,
        json!({"page": url(&d.join("door.html")), "clock": "2026-07-10T13:00:00+01:00",
               "y4m": d.join("cam.y4m"), "steps": [{"input": "camera", "zone": "backstage"}]}),
    );
    let s = &seen["steps"][0];
    assert_eq!(s["source"], "camera");
    assert_eq!(s["decoder"], "zxing-cpp");
    let status = s["status"].as_str().unwrap();
    assert!(
        status.starts_with(
            "ADMIT\nCREW · STAGE, BACKSTAGE\nvalid 2026-07-09 to 2026-07-13\nNLF-0001"
        ),
        "{status}"
    );
    let ms = s["ms"].as_f64().unwrap();
    eprintln!("camera: scan to verdict {ms} ms after {} frames", s["frames"]);
    assert!(ms < 300.0, "scan to verdict {ms} ms");
}

/// The door grid's roster: 27 passes of the built-in types in turn (a
/// load-in pass with hours), all valid at 13:00 on 10 July 2026 in London,
/// ids NLF-0101 to NLF-0127 in the order of the grid's conditions.
fn grid_roster() -> String {
    let types = ["crew", "all-access", "vip", "sticky", "day", "load-in"];
    let names = ["José Müller-Łukasiewicz", "Ingrid Søndergaard", "Дмитрий Соколов", "Ana Silva"];
    let mut y = ROSTER.split("passes:").next().unwrap().to_string() + "passes:\n";
    for i in 0..27 {
        let t = types[i % types.len()];
        y += &format!("  - id: NLF-{:04}\n    name: {}\n    pass: {t}\n", 101 + i, names[i % 4]);
        match t {
            "day" => y += "    valid_from: 2026-07-10\n",
            "load-in" => {
                y += "    valid_from: 2026-07-10 08:00\n    valid_until: 2026-07-10 17:00\n"
            }
            _ => {}
        }
    }
    y
}

/// One frame of the door grid: what it shows, and what zxing-cpp read in it.
struct GridFrame {
    what: String,
    zxing: Option<String>,
}

/// Renders the grid roster signed with the README key (two passes revoked),
/// one card a page at 600 dpi, and makes the door grid of them in
/// `dir/grid` (tests/browser/door_grid.py): the fake camera's video, each
/// condition `hold` frames at `fps`, and what zxing-cpp reads in each frame.
fn door_grid(dir: &Path, fps: u32, hold: u32) -> Vec<GridFrame> {
    write_keys(dir, "k", &readme_key());
    fs::write(dir.join("grid.yaml"), grid_roster()).unwrap();
    fs::write(dir.join("revoked.txt"), "NLF-0105\nNLF-0118\n").unwrap();
    let mut args = vec!["render", "grid.yaml", "--key", "k", "-o", "grid.pdf"];
    args.extend_from_slice(util::CARD_PAGES);
    let run = laminate_in(dir, &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    fs::create_dir(dir.join("cards")).unwrap();
    let pdf = dir.join("grid.pdf").display().to_string();
    let cards = dir.join("cards/c").display().to_string();
    util::tool("pdftoppm", &["-r", "600", "-png", &pdf, &cards]);
    let out = Command::new("python3")
        .arg(root().join("tests/browser/door_grid.py"))
        .args([dir.join("cards"), dir.join("grid")])
        .args(["--fps", &fps.to_string(), "--hold", &hold.to_string()])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = fs::read_to_string(dir.join("grid/grid.json")).unwrap();
    let grid: Value = serde_json::from_str(&text).unwrap();
    grid.as_array()
        .unwrap()
        .iter()
        .map(|g| GridFrame {
            what: format!(
                "{}, turned {} degrees, {} % of the width",
                g["kind"].as_str().unwrap(),
                g["angle"],
                g["width"].as_f64().unwrap() * 100.0
            ),
            zxing: g["zxing"].as_str().map(str::to_string),
        })
        .collect()
}

/// How long the door grid plays: 4 frames of background, then each of the
/// 27 conditions for `hold` frames, at `fps` (then it starts again).
fn grid_seconds(fps: u32, hold: u32) -> f64 {
    f64::from(4 + 27 * hold) / f64::from(fps)
}

// Guards issue 28: the door grid (27 frames of 1280 x 720 of signed passes
// of every built-in type: the card filling 45, 67.5 and 90 % of the width,
// turned 0, 12 and 35 degrees, clean, in warm stage light, in dim light),
// played to the page by Chromium's fake camera. Every frame that zxing-cpp
// reads in the same pixels, the page reads too, with the verdict `laminate
// verify` gives and that frame's own pass id; two of the passes are
// revoked, so that a page that admitted whatever it read would fail.
#[test]
fn the_page_reads_every_door_grid_frame_that_zxing_cpp_reads() {
    if !have_browser() || !have("pdftoppm") || !have_python_modules(&["zxingcpp"]) {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    let grid = door_grid(d, 2, 3);
    let args = ["--public-key", "k.pub", "--event", "grid.yaml", "--revoked", "revoked.txt"];
    door(d, &[&args[..], &["-o", "door.html"]].concat());
    let clock = "2026-07-10T13:00:00+01:00";
    let seen = drive(
        d,
        json!({"page": url(&d.join("door.html")), "clock": clock, "y4m": d.join("grid/grid.y4m"),
               "steps": [{"input": "camera_log", "seconds": grid_seconds(2, 3)}]}),
    );
    let step = &seen["steps"][0];
    assert_eq!(step["decoder"], "zxing-cpp");
    let log = step["log"].as_array().unwrap();
    let ids: Vec<String> = (0..grid.len()).map(|i| format!("NLF-{:04}", 101 + i)).collect();
    for e in log {
        assert!(ids.iter().any(|id| e["id"] == id.as_str()), "the page read a pass not shown: {e}");
    }
    let (mut page, mut zxing, mut refused) = (0, 0, 0);
    for (i, (frame, id)) in grid.iter().zip(&ids).enumerate() {
        // The pass's first scan: the video starts again after the grid.
        let scan = log.iter().find(|e| e["id"] == id.as_str());
        page += usize::from(scan.is_some());
        let Some(text) = &frame.zxing else { continue };
        zxing += 1;
        assert!(text.contains(&format!(":{id}:")), "frame {}: zxing-cpp read {text}", i + 1);
        let scan = scan.unwrap_or_else(|| {
            panic!("frame {} ({}): zxing-cpp reads {id}, the page does not", i + 1, frame.what)
        });
        let verify = ["verify", text, "--at", clock, "--revoked", "revoked.txt"];
        let v = laminate_in(d, &[&verify[..], &["--public-key", "k.pub"]].concat(), &[]);
        let want = if v.status == 0 { ("admit", "") } else { ("refuse", "revoked") };
        let got = (scan["verdict"].as_str().unwrap(), scan["reason"].as_str().unwrap());
        assert_eq!(got, want, "frame {} ({id}): verify says {}", i + 1, v.stderr);
        refused += usize::from(v.status != 0);
    }
    eprintln!(
        "door grid: the page read {page} of {} frames, zxing-cpp {zxing}; {refused} revoked refused",
        grid.len()
    );
    // A grid nobody reads proves nothing: most frames read, one refused.
    assert!(zxing >= 15 && refused >= 1, "zxing-cpp read {zxing}, {refused} refused");
}

// Guards issue 28: forged codes whose ids are formulas (`=1+1`, `@SUM(A1)`),
// scanned and refused, an id typed as `+1`, and a door named like a formula
// reach the CSV export as text (a leading '), and the JSON export exactly;
// `checkins merge` reads both back as the same scans. A negative number
// stays a number, as in the manifest.
#[test]
fn the_log_exports_safely_to_spreadsheets_and_merges_back() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    door(d, &["--public-key", "k.pub", "--door", "=HYPERLINK(\"http://x\")", "-o", "door.html"]);
    let forged =
        |id: &str| format!("L1:NLF2026:{id}:CREW:20260709:20260713:STAGE:0:{}", "A".repeat(103));
    let clock = "2026-07-10T13:00:00+01:00";
    let seen = drive(
        d,
        json!({"page": url(&d.join("door.html")), "clock": clock, "export_dir": d, "steps": [
            {"input": "wedge", "text": forged("=1+1")},
            {"input": "wedge", "text": forged("@SUM(A1)")},
            {"input": "typed", "text": "+1"},
            {"input": "typed", "text": "-3"},
            {"input": "export", "csv": "a.csv", "json": "a.json"},
        ]}),
    );
    let status = seen["steps"][0]["status"].as_str().unwrap();
    assert!(status.starts_with("REFUSE\nthe signature does not match"), "{status}");
    let csv = fs::read_to_string(d.join("a.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{csv}");
    let door_cell = "\"'=HYPERLINK(\"\"http://x\"\")\"";
    for (row, id) in rows.iter().zip(["'=1+1", "'@SUM(A1)", "'+1", "-3"]) {
        assert!(row.contains(&format!(",{door_cell},entry,refuse,")), "{row}");
        assert!(row.contains(&format!(",{id},")), "{id} in {row}");
    }
    let log: Value = serde_json::from_str(&fs::read_to_string(d.join("a.json")).unwrap()).unwrap();
    let ids: Vec<&str> =
        log["scans"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["=1+1", "@SUM(A1)", "+1", "-3"], "the JSON export is exact");
    assert_eq!(log["scans"][0]["door"], "=HYPERLINK(\"http://x\")");
    let merged = laminate_in(d, &["checkins", "merge", "a.csv", "a.json"], &[]);
    assert_eq!(merged.status, 0, "{}{}", merged.stdout, merged.stderr);
    assert!(
        merged.stdout.starts_with("2 logs, 4 scans at 1 door: =HYPERLINK(\"http://x\")\n"),
        "the CSV and the JSON hold the same four scans:\n{}",
        merged.stdout
    );
}

// Guards issue 28: docs/door.md runs as written. Its first example, run by
// `sh` in a folder that has the repository's samples (keygen, render, the
// revocation list, the page), prints the line the page shows (with this
// run's key); and `checkins merge` of the two sample logs prints exactly
// the report shown.
#[test]
fn the_door_docs_run_as_written() {
    let doc = fs::read_to_string(root().join("docs/door.md")).unwrap();
    let blocks: Vec<&str> = doc.split("```").skip(1).step_by(2).collect();
    let first = blocks.iter().position(|b| b.starts_with("sh\n")).expect("an sh block");
    let dir = temp();
    let d = dir.path();
    fs::create_dir_all(d.join("samples/door")).unwrap();
    fs::copy(root().join("samples/festival.yaml"), d.join("samples/festival.yaml")).unwrap();
    for f in ["front-gate.csv", "stage-door.json"] {
        fs::copy(root().join("samples/door").join(f), d.join("samples/door").join(f)).unwrap();
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_laminate")).parent().unwrap();
    let sh = |script: &str| {
        Command::new("sh")
            .args(["-e", "-c", script])
            .current_dir(d)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("SOURCE_DATE_EPOCH", "1780000000")
            .output()
            .expect("sh runs")
    };
    let out = sh(&blocks[first]["sh\n".len()..]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(d.join("door.html").exists() && d.join("passes.pdf").exists());
    let key = laminate_passes::resolve::sign::load_public_key(&d.join("festival.key.pub")).unwrap();
    let shown = blocks[first + 1]
        .trim()
        .replace("5647 5aa7 5463 474c", &laminate_passes::door::fingerprint(&key));
    assert!(
        stderr.lines().any(|l| l == shown),
        "docs/door.md shows {shown:?}; the run printed:\n{stderr}"
    );

    let merge = "laminate checkins merge samples/door/front-gate.csv samples/door/stage-door.json";
    let at = blocks
        .iter()
        .position(|b| b.trim_start_matches("sh\n").trim() == merge)
        .expect("the merge example");
    let out = sh(merge);
    assert_eq!(out.status.code(), Some(20), "the samples hold a double entry");
    assert_eq!(String::from_utf8_lossy(&out.stdout), blocks[at + 1].trim_start_matches('\n'));
}

// Guards the no-network check itself: a page that asks for a remote image
// is caught, by its CSP violation while the CSP stands, and by the request
// once the CSP is taken out.
#[test]
fn the_network_check_catches_a_page_that_reaches_out() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    door(d, &["--public-key", "k.pub", "-o", "door.html"]);
    let html = fs::read_to_string(d.join("door.html")).unwrap();
    let img = "<img src=\"http://127.0.0.1:9/pixel.png\" alt=\"\">";
    let leaky = html.replacen("<main>", &format!("<main>{img}"), 1);
    fs::write(d.join("leaky.html"), &leaky).unwrap();
    let start = leaky.find("<meta http-equiv=\"Content-Security-Policy\"").unwrap();
    let end = start + leaky[start..].find('>').unwrap() + 1;
    fs::write(d.join("open.html"), format!("{}{}", &leaky[..start], &leaky[end..])).unwrap();
    let seen = drive(d, json!({"page": url(&d.join("leaky.html")), "steps": []}));
    let violations = seen["violations"].as_array().unwrap();
    assert!(
        violations
            .iter()
            .any(|v| v.as_str().unwrap().starts_with("http://127.0.0.1:9/pixel.png img-src")),
        "{seen}"
    );
    let seen = drive(d, json!({"page": url(&d.join("open.html")), "steps": []}));
    let requests = seen["requests"].as_array().unwrap();
    assert!(requests.iter().any(|r| r == "http://127.0.0.1:9/pixel.png"), "{seen}");
}

#[test]
fn door_errors_name_the_file_and_line_and_write_nothing() {
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    let run = laminate_in(d, &["door", "--public-key", "missing.pub", "-o", "door.html"], &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("laminate: error: cannot use key file missing.pub: "),
        "{}",
        run.stderr
    );
    let run = laminate_in(d, &["door", "--public-key", "k", "-o", "door.html"], &[]);
    assert_eq!(run.status, 3);
    assert!(
        run.stderr.contains("its first line is not \"laminate ed25519 public key\""),
        "{}",
        run.stderr
    );
    fs::write(d.join("list"), "NLF-0001\nNLF-0002 two\n").unwrap();
    let run = laminate_in(
        d,
        &["door", "--public-key", "k.pub", "--revoked", "list", "-o", "door.html"],
        &[],
    );
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: bad revocation list line: \"two\" is not a reprint number\n"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("┌─ list:2:1"), "{}", run.stderr);
    let run = laminate_in(d, &["door", "--public-key", "k.pub", "-o", "k.pub"], &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("will not write over its own input"), "{}", run.stderr);
    assert!(!d.join("door.html").exists(), "nothing written");
    assert!(fs::read_to_string(d.join("k.pub"))
        .unwrap()
        .starts_with("laminate ed25519 public key"));
}

#[test]
fn pwa_writes_a_service_worker_and_manifest_beside_the_page() {
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    let run = door(d, &["--public-key", "k.pub", "--pwa", "-o", "door.html"]);
    assert!(
        run.stderr.starts_with("laminate: wrote door.html, door-sw.js, door.webmanifest ("),
        "{}",
        run.stderr
    );
    let html = fs::read_to_string(d.join("door.html")).unwrap();
    assert!(html.contains("<link rel=\"manifest\" href=\"door.webmanifest\">"));
    assert!(html.contains("worker-src 'self'; manifest-src 'self'"));
    let sw = fs::read_to_string(d.join("door-sw.js")).unwrap();
    assert!(sw.contains("[\"./\",\"door.html\",\"door.webmanifest\"]"), "{sw}");
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(d.join("door.webmanifest")).unwrap()).unwrap();
    assert_eq!(manifest["start_url"], "door.html");
    // Without --pwa the page stands alone and allows no worker.
    door(d, &["--public-key", "k.pub", "-o", "alone.html"]);
    let alone = fs::read_to_string(d.join("alone.html")).unwrap();
    assert!(
        alone.contains("worker-src 'none'; manifest-src 'none'")
            && !alone.contains("rel=\"manifest\"")
    );
}

#[test]
fn checkins_merge_names_the_bad_line_of_each_log() {
    let dir = temp();
    let d = dir.path();
    let head = "time,local,door,mode,verdict,reason,event,id,reprint,pass,key\n";
    fs::write(d.join("a.csv"), format!("{head}2026-07-10T12:00:00Z,2026-07-10 13:00,A,entry,admit,,E,P1,0,CREW,k\n2026-07-10T12:01:00Z,2026-07-10 13:01,A,entry,maybe,,E,P2,0,CREW,k\n")).unwrap();
    fs::write(
        d.join("b.json"),
        "{\"format\": \"laminate-door-log\", \"scans\": [\n {\n  \"time\": \"soon\"\n }\n]}\n",
    )
    .unwrap();
    let run = laminate_in(d, &["checkins", "merge", "a.csv", "b.json", "-o", "report.txt"], &[]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("error: verdict \"maybe\" is not admit, exit or refuse\n  ┌─ a.csv:3:1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("error: scan 1: \"soon\" is not a time"), "{}", run.stderr);
    assert!(run.stderr.contains("┌─ b.json:3:1"), "{}", run.stderr);
    assert!(!d.join("report.txt").exists());
    fs::write(d.join("b.json"), "{\"format\": \"laminate-door-log\", \"scans\": []}").unwrap();
    fs::write(
        d.join("a.csv"),
        format!("{head}2026-07-10T12:00:00Z,2026-07-10 13:00,A,entry,admit,,E,P1,0,CREW,k\n"),
    )
    .unwrap();
    let run = laminate_in(d, &["checkins", "merge", "a.csv", "b.json", "-o", "report.json"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let report: Value =
        serde_json::from_str(&fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["by_pass_type"]["CREW"], 1);
    assert_eq!(report["by_hour"]["2026-07-10 13:00"], 1);
    let run = laminate_in(d, &["checkins", "merge", "a.csv", "-o", "a.csv"], &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
}

// Guards the clock check and typed ids: the page warns when the device's
// clock is before the page was made or away from the event's dates, and
// says nothing while it agrees; an id typed alone is never admitted.
#[test]
fn the_page_warns_of_a_wrong_clock_and_does_not_admit_an_id_alone() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    fs::write(d.join("r.yaml"), ROSTER).unwrap();
    fs::write(d.join("revoked.txt"), "NLF-0007\n").unwrap();
    // SOURCE_DATE_EPOCH 1780000000 is 2026-05-28 20:26:40 UTC.
    door(
        d,
        &[
            "--public-key",
            "k.pub",
            "--event",
            "r.yaml",
            "--revoked",
            "revoked.txt",
            "-o",
            "door.html",
        ],
    );
    let page = url(&d.join("door.html"));
    let early = drive(d, json!({"page": page, "clock": "2026-05-01T12:00:00Z", "steps": []}));
    let w = early["warnings"].as_str().unwrap();
    assert!(w.starts_with("Check this device's clock: it says 2026-05-01 13:00, before this page was made (2026-05-28T20:26:40Z)"), "{w}");
    let late = drive(d, json!({"page": page, "clock": "2026-08-01T12:00:00Z", "steps": []}));
    let w = late["warnings"].as_str().unwrap();
    assert!(w.contains("it says 2026-08-01, and the event runs 2026-07-09 to 2026-07-13"), "{w}");
    let right = drive(
        d,
        json!({"page": page, "clock": "2026-07-10T12:00:00Z",
               "steps": [{"input": "typed", "text": "NLF-0007"}]}),
    );
    assert_eq!(right["warnings"], "", "a clock that agrees gets no warning");
    let s = &right["steps"][0];
    let status = s["status"].as_str().unwrap();
    assert!(status.starts_with("REFUSE\nNLF-0007 typed by hand: not verified"), "{status}");
    assert!(status.contains("This id is on the revocation list."), "{status}");
    assert_eq!(s["reason"], "not-verified");
    // A browser without WebCrypto Ed25519 is told so, and admits nothing.
    let vector = readme_block("<!-- vector: payload -->");
    let old = drive(
        d,
        json!({"page": page, "clock": "2026-07-10T12:00:00Z", "no_ed25519": true,
               "steps": [{"input": "wedge", "text": vector}]}),
    );
    let w = old["warnings"].as_str().unwrap();
    assert!(w.starts_with("This browser cannot check Ed25519 signatures (WebCrypto Ed25519 needs Chrome 137+, Firefox 129+ or Safari 17+)"), "{w}");
    let status = old["steps"][0]["status"].as_str().unwrap();
    assert!(status.starts_with("REFUSE\nthis browser cannot check Ed25519 signatures"), "{status}");
}

/// A static file server on 127.0.0.1 (Python's http.server), stopped when dropped.
struct Server(std::process::Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Server {
    use std::io::BufRead;
    let mut child = Command::new("python3")
        .args(["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory"])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    // "Serving HTTP on 127.0.0.1 port 43567 (http://127.0.0.1:43567/) ..."
    let port =
        line.split(" port ").nth(1).and_then(|r| r.split(' ').next()).and_then(|p| p.parse().ok());
    Server(child, port.unwrap_or_else(|| panic!("a port in {line:?}")))
}

// Guards the phone path: served from a secure origin (here http on
// localhost, which browsers treat as https), the page written with --pwa
// installs its service worker and opens again with the network off.
#[test]
fn with_pwa_the_served_page_opens_again_offline() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    door(d, &["--public-key", "k.pub", "--pwa", "-o", "door.html"]);
    let server = serve(d);
    let page = format!("http://127.0.0.1:{}/door.html", server.1);
    let seen = drive(
        d,
        json!({"page": page, "clock": "2026-07-10T12:00:00Z", "offline_reload": true, "steps": []}),
    );
    drop(server);
    assert_eq!(seen["offline_ready"], true, "{seen}");
    assert_eq!(seen["offline_controlled"], true, "{seen}");
    assert_eq!(seen["violations"], json!([]));
}

// Guards the page's reading of payloads against verify's, byte by byte: the
// README vector changed at every seventh character (and in a few chosen
// ways) gets the same verdict and the same words from both. The page is in
// exit mode, so that payloads verify accepts are never "already admitted".
#[test]
fn altered_payloads_get_the_same_verdict_and_words_as_verify() {
    if !have_browser() {
        return;
    }
    let _browser = one_browser();
    let dir = temp();
    let d = dir.path();
    write_keys(d, "k", &readme_key());
    door(d, &["--public-key", "k.pub", "-o", "door.html"]);
    let vector = readme_block("<!-- vector: payload -->");
    let mut texts = Vec::new();
    let swaps = ["0", "a", "%", "+", ":", " ", "Z", "é"];
    for (n, (i, _)) in vector.char_indices().step_by(7).enumerate() {
        let mut t = vector.clone();
        t.replace_range(i..i + 1, swaps[n % swaps.len()]);
        texts.push(t);
    }
    let k = readme_key();
    for (from, to) in [
        (":0:", ":00:"),
        (":0:", ":+0:"),
        (":0:", ":-0:"),
        (":0:", ":4294967296:"),
        ("STAGE+", "ST%41GE+"),
        ("STAGE+", "stage+"),
        ("STAGE+", "ST%C3%28+"),
        ("STAGE+", "ST%4+"),
        ("STAGE+", "ST%+4+"),
        (":20260709:", ":20260229:"),
        (":20260709:", ":2026079:"),
        ("BACKSTAGE:", "BACKSTAGE::"),
        ("NLF2026:", "NLF2026:NLF-0001:CREW:"),
    ] {
        texts.push(vector.replacen(from, to, 1));
    }
    let shift = |mins: &str, offset: &str| {
        let h = Hours {
            start: "2026-07-10T07:00:00Z".parse().unwrap(),
            end: "2026-07-10T16:00:00Z".parse().unwrap(),
            offset: jiff::tz::Offset::from_hours(1).unwrap(),
        };
        pass(&k, "NLF-0005", &["stage"], 0, Some(h)).replacen(
            ":540:+60:",
            &format!(":{mins}:{offset}:"),
            1,
        )
    };
    for (mins, offset) in [
        ("0540", "+60"),
        ("540", "+060"),
        ("540", "60"),
        ("0", "+60"),
        ("540", "+1560"),
        ("540", "-0"),
    ] {
        texts.push(shift(mins, offset));
    }
    let clock = "2026-07-10T13:00:00+01:00";
    let steps: Vec<Value> = texts
        .iter()
        .map(|t| json!({"input": "typed", "text": t, "clock": clock, "mode": "exit"}))
        .collect();
    let seen = drive(d, json!({"page": url(&d.join("door.html")), "clock": clock, "steps": steps}));
    let mut admitted = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let status = seen["steps"][i]["status"].as_str().unwrap();
        let v = laminate_in(d, &["verify", t, "--public-key", "k.pub", "--at", clock], &[]);
        if v.status == 0 {
            admitted.push(t.clone());
            assert!(
                status.starts_with("ADMIT\nOUT: "),
                "{t:?}: verify admits, the page says {status:?}"
            );
        } else {
            let why = v.stderr.trim().strip_prefix("laminate: ").unwrap();
            assert!(
                status.starts_with(&format!("REFUSE\n{why}")),
                "{t:?}: verify says {why:?}, the page says {status:?}"
            );
        }
    }
    // Those verify reads leniently, and no other: 00 and +0 as reprint 0
    // (-0 is refused: 'reprint "-0" is not a number'), an escaped or
    // lower-case zone, 0540 minutes, +060.
    let lenient = [
        vector.replacen(":0:", ":00:", 1),
        vector.replacen(":0:", ":+0:", 1),
        vector.replacen("STAGE+", "ST%41GE+", 1),
        vector.replacen("STAGE+", "stage+", 1),
        shift("0540", "+60"),
        shift("540", "+060"),
    ];
    assert_eq!(admitted, lenient, "the payloads verify admits");
}
