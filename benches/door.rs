//! Door page benchmark: how many camera frames a second the door page
//! decodes, in headless Chromium with its CPU at full speed and throttled
//! 4 times (DevTools' CPU throttling, as a low-end phone), and how many of
//! the door grid's 27 conditions it reads against zxing-cpp.
//!
//! ```sh
//! cargo bench --bench door                      # 20 s at 1x and at 4x
//! cargo bench --bench door -- --seconds 60
//! cargo bench --bench door -- --page old.html   # another page (its keys: the README's)
//! ```
//!
//! The grid is tests/door.rs's: 27 signed passes of the built-in types
//! rendered at 600 dpi and posed by tests/browser/door_grid.py (the card at
//! 45, 67.5 and 90 % of a 1280 x 720 frame, turned 0, 12 and 35 degrees,
//! clean, warm, dim), here played at 30 frames a second, each condition for
//! 6 frames, over and over, through Chromium's fake camera; the page reads
//! each new frame once (the rate cannot pass 30). It needs what the browser
//! tests need: chromium, Playwright, Pillow, numpy, zxing-cpp, pdftoppm.
//! The target (issue 28) is at least 10 decodes a second at 4x.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod common;
use common::{cpu_model, load_average};

fn die(msg: String) -> ! {
    eprintln!("door: FAILED: {msg}");
    std::process::exit(1);
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| die(format!("{cmd:?}: {e}")));
    if !out.status.success() {
        die(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn laminate(dir: &Path, args: &[&str]) {
    run(Command::new(env!("CARGO_BIN_EXE_laminate")).args(args).current_dir(dir));
}

/// The grid's roster, as tests/door.rs writes it.
fn roster() -> String {
    let types = ["crew", "all-access", "vip", "sticky", "day", "load-in"];
    let mut y = String::from(
        "event:\n  name: Northern Lights Festival 2026\n  starts: 2026-07-09\n  ends: 2026-07-13\n  timezone: Europe/London\npasses:\n",
    );
    for i in 0..27 {
        let t = types[i % types.len()];
        y += &format!("  - id: NLF-{:04}\n    name: Ana Silva\n    pass: {t}\n", 101 + i);
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let seconds: f64 = value("--seconds").and_then(|s| s.parse().ok()).unwrap_or(20.0);
    let dir = tempfile::Builder::new().prefix("laminate-bench-door-").tempdir().expect("temp dir");
    let d = dir.path();
    // The README's test key (seed 00 01 ... 1f).
    let seed: Vec<u8> = (0u8..32).collect();
    std::fs::write(
        d.join("k"),
        format!("laminate ed25519 private key\n{}\n", data_encoding::HEXLOWER.encode(&seed)),
    )
    .expect("writes the key");
    std::fs::write(
        d.join("k.pub"),
        "laminate ed25519 public key\n03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8\n",
    )
    .expect("writes the key");
    std::fs::write(d.join("grid.yaml"), roster()).expect("writes the roster");
    let card = ["--sheet", "card", "--bleed", "0", "--no-crop-marks", "--no-slug", "--quiet"];
    laminate(d, &[&["render", "grid.yaml", "--key", "k", "-o", "grid.pdf"][..], &card].concat());
    std::fs::create_dir(d.join("cards")).expect("a folder");
    run(Command::new("pdftoppm").args(["-r", "600", "-png", "grid.pdf", "cards/c"]).current_dir(d));
    let grid = run(Command::new("python3")
        .arg(root().join("tests/browser/door_grid.py"))
        .args(["cards", "grid", "--fps", "30", "--hold", "6", "--lead", "0"])
        .current_dir(d));
    let page = match value("--page") {
        Some(p) => PathBuf::from(p).canonicalize().unwrap_or_else(|e| die(format!("{p}: {e}"))),
        None => {
            laminate(
                d,
                &["door", "--public-key", "k.pub", "--event", "grid.yaml", "-o", "door.html"],
            );
            d.join("door.html")
        }
    };
    println!(
        "door page: {} ({} KB)",
        page.display(),
        std::fs::metadata(&page).map_or(0, |m| m.len() / 1024)
    );
    println!("machine: {}, load average {}", cpu_model(), load_average());
    println!("grid: {}", grid.trim());
    for throttle in [1, 4] {
        let plan = serde_json::json!({
            "page": format!("file://{}", page.display()),
            "clock": "2026-07-10T13:00:00+01:00",
            "y4m": d.join("grid/grid.y4m"),
            "throttle": throttle,
            "steps": [{"input": "camera_log", "seconds": seconds}],
        });
        std::fs::write(d.join("plan.json"), plan.to_string()).expect("writes the plan");
        let out = run(Command::new("python3")
            .arg(root().join("tests/browser/door.py"))
            .arg(d.join("plan.json")));
        let seen: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| die(format!("{e}: {out}")));
        let step = &seen["steps"][0];
        let read: std::collections::BTreeSet<&str> =
            step["log"].as_array().into_iter().flatten().filter_map(|e| e["id"].as_str()).collect();
        println!(
            "CPU {throttle}x: {:.1} decodes a second ({} frames, decoder {}); {} of the 27 passes read",
            step["per_second"].as_f64().unwrap_or(0.0),
            step["frames"],
            step["decoder"],
            read.len()
        );
    }
    ExitCode::SUCCESS
}
