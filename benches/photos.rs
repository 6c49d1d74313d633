//! Photo benchmark: renders a conference roster in which every holder has a
//! photo of their own, cold (empty photo cache) and warm (cache filled), and
//! reports passes a second, bytes a pass and peak memory; optionally the
//! same roster with an earlier laminate, in the same run, for comparison.
//!
//! ```sh
//! cargo bench --bench photos                          # 1000 distinct photos, 3 runs each
//! cargo bench --bench photos -- 1000 4000 --runs 1    # chosen sizes
//! cargo bench --bench photos -- --baseline HEAD~3     # also the binary built from that commit
//! cargo bench --bench photos -- --baseline /path/to/laminate
//! cargo bench --bench photos -- --jobs 1
//! cargo bench --bench photos -- --pdfx                # render --pdfx: photos converted to CMYK
//! cargo bench --bench photos -- --reportlab           # also reportlab, drawing the photos as pretix does
//! ```
//!
//! `--reportlab` runs `benches/reportlab_photos.py` on the same photos in
//! the same invocation, after laminate's runs of each roster: the badges
//! drawn with reportlab the way pretix's badge renderer draws a holder's
//! photo (Pillow shrinks the upload to the box at 300 dpi, reportlab
//! embeds the pixels), one badge a page. It needs python3 with reportlab
//! (and its C accelerator, rl_accel, as `pip install reportlab` on a
//! current Python brings or `pip install rl-accel` adds).
//!
//! The photos are made here, once, and kept in `target/bench-photos/`: smooth
//! shading with a head-and-shoulders shape and a few octaves of value noise
//! for detail, so that they compress and decode like photos (pure noise
//! would make JPEG decoding unrealistically slow). Most are 1200 x 1500
//! JPEGs (about 170 KB); one in 25 is a 3024 x 4032 phone photo stored
//! sideways with EXIF orientation 6; one in 10 is grayscale; one in 50 is a
//! PNG. The roster uses `samples/conference/templates` (photo box 26 x 32 mm,
//! 307 x 378 px at 300 dpi).
//!
//! A baseline given as a commit is built with `cargo build --release` in a
//! detached worktree under `target/bench-baseline/`; one that does not know
//! `--photo-cache` gets a cold run only.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use image::{ImageEncoder, Rgb, RgbImage};
use rayon::prelude::*;

mod common;
use common::{cpu_model, group, load_average, median, Run};

const DEFAULT_SIZES: [usize; 1] = [1_000];
const DEFAULT_RUNS: usize = 3;
/// Changes when the generated photos change, so old ones are made again.
const PHOTO_SET: &str = "v1";

fn die(msg: String) -> ! {
    eprintln!("photos: FAILED: {msg}");
    std::process::exit(1);
}

/// A small deterministic generator (SplitMix64).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn unit(seed: u64) -> f32 {
    (mix(seed) >> 40) as f32 / (1u64 << 24) as f32
}

/// Value noise: random values on a grid of `cell` pixels, smoothly interpolated.
fn noise(seed: u64, x: u32, y: u32, cell: u32) -> f32 {
    let (gx, gy) = (x / cell, y / cell);
    let (fx, fy) = ((x % cell) as f32 / cell as f32, (y % cell) as f32 / cell as f32);
    let s = |t: f32| t * t * (3.0 - 2.0 * t);
    let at = |i: u32, j: u32| unit(seed ^ (u64::from(i) << 32 | u64::from(j)).wrapping_mul(31));
    let top = at(gx, gy) + (at(gx + 1, gy) - at(gx, gy)) * s(fx);
    let bottom = at(gx, gy + 1) + (at(gx + 1, gy + 1) - at(gx, gy + 1)) * s(fx);
    top + (bottom - top) * s(fy) - 0.5
}

/// A portrait of `w` x `h`: a backdrop gradient, shoulders and a head, with detail.
fn portrait(i: u64, w: u32, h: u32) -> RgbImage {
    let seed = mix(i + 1);
    let hue = |k: u64| [unit(seed ^ k), unit(seed ^ (k + 1)), unit(seed ^ (k + 2))];
    let (back_a, back_b) = (hue(10), hue(20));
    let skin = {
        let t = unit(seed ^ 30);
        [0.45 + 0.45 * t, 0.32 + 0.38 * t, 0.22 + 0.3 * t]
    };
    let shirt = hue(40);
    let (cx, head_y) = (w as f32 * (0.45 + 0.1 * unit(seed ^ 50)), h as f32 * 0.38);
    let (rx, ry) = (w as f32 * 0.2, h as f32 * 0.2);
    let scale = w as f32 / 1200.0;
    let cells = [(96.0 * scale) as u32, (24.0 * scale) as u32, (6.0 * scale).max(2.0) as u32];
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let t = fy / h as f32;
        let mut c: [f32; 3] = std::array::from_fn(|k| back_a[k] * (1.0 - t) + back_b[k] * t);
        let dx = (fx - cx) / rx;
        let dy = (fy - head_y) / ry;
        let shoulders =
            fy > h as f32 * 0.62 && (fx - cx).abs() < w as f32 * (0.2 + (t - 0.62) * 1.4);
        if dx * dx + dy * dy < 1.0 {
            let shade = 1.0 - 0.25 * dx.max(0.0);
            c = std::array::from_fn(|k| skin[k] * shade);
        } else if shoulders {
            c = shirt;
        }
        let n = 0.16 * noise(seed, x, y, cells[0].max(1))
            + 0.05 * noise(seed ^ 7, x, y, cells[1].max(1))
            + 0.025 * noise(seed ^ 9, x, y, cells[2].max(1));
        Rgb(c.map(|v| ((v + n).clamp(0.0, 1.0) * 255.0) as u8))
    })
}

/// A TIFF-structured EXIF block holding only an orientation.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut e = b"II*\0".to_vec();
    e.extend_from_slice(&8u32.to_le_bytes());
    e.extend_from_slice(&1u16.to_le_bytes());
    e.extend_from_slice(&0x0112u16.to_le_bytes());
    e.extend_from_slice(&3u16.to_le_bytes());
    e.extend_from_slice(&1u32.to_le_bytes());
    e.extend_from_slice(&value.to_le_bytes());
    e.extend_from_slice(&[0, 0]);
    e.extend_from_slice(&0u32.to_le_bytes());
    e
}

/// Writes photo `i` into `dir`, returning its file name.
fn write_photo(dir: &Path, i: usize) -> Result<String, String> {
    let (name, bytes) = if i % 50 == 7 {
        let img = portrait(i as u64, 1200, 1500);
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(img.as_raw(), 1200, 1500, image::ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
        (format!("p{i:06}.png"), png)
    } else if i % 25 == 3 {
        // A phone photo, stored sideways: EXIF 6 turns it upright.
        let img = image::imageops::rotate270(&portrait(i as u64, 3024, 4032));
        let mut jpeg = Vec::new();
        let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
        enc.set_exif_metadata(exif_orientation(6)).map_err(|e| e.to_string())?;
        enc.write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
            .map_err(|e| e.to_string())?;
        (format!("p{i:06}.jpg"), jpeg)
    } else {
        let img = portrait(i as u64, 1200, 1500);
        let mut jpeg = Vec::new();
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90);
        if i % 10 == 5 {
            let gray = image::DynamicImage::ImageRgb8(img).to_luma8();
            enc.write_image(gray.as_raw(), 1200, 1500, image::ExtendedColorType::L8)
        } else {
            enc.write_image(img.as_raw(), 1200, 1500, image::ExtendedColorType::Rgb8)
        }
        .map_err(|e| e.to_string())?;
        (format!("p{i:06}.jpg"), jpeg)
    };
    let path = dir.join(&name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(name)
}

/// The photos of the largest size asked for (made once, kept for later runs).
fn photos(root: &Path, n: usize) -> Vec<String> {
    let dir = root.join(PHOTO_SET);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| die(format!("{}: {e}", dir.display())));
    let names: Vec<String> = (0..n)
        .into_par_iter()
        .map(|i| {
            let ext = if i % 50 == 7 { "png" } else { "jpg" };
            let name = format!("p{i:06}.{ext}");
            if dir.join(&name).is_file() {
                Ok(name)
            } else {
                write_photo(&dir, i)
            }
        })
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| die(e));
    names.into_iter().map(|n| dir.join(n).display().to_string()).collect()
}

fn roster(photos: &[String], same: bool) -> String {
    let mut y = String::from(
        "event:\n  name: Open Hardware Summit 2026\n  venue: Kulturbrauerei, Berlin\n  starts: 2026-05-14\n  ends: 2026-05-15\npasses:\n",
    );
    let types = ["crew", "all-access", "limited"];
    for (i, p) in photos.iter().enumerate() {
        let photo = if same { &photos[0] } else { p };
        let _ = writeln!(
            y,
            "  - id: OHS-{i:06}\n    name: Holder Number {i}\n    organisation: Bench Org\n    role: Speaker\n    pass: {}\n    photo: \"{photo}\"",
            types[i % types.len()]
        );
    }
    y
}

/// The binary to compare with: a file, or a commit built in a worktree.
fn baseline(spec: &str, manifest_dir: &Path) -> PathBuf {
    let as_file = PathBuf::from(spec);
    if as_file.is_file() {
        return as_file;
    }
    let git = |args: &[&str]| -> String {
        let out = Command::new("git")
            .current_dir(manifest_dir)
            .args(args)
            .output()
            .unwrap_or_else(|e| die(format!("git: {e}")));
        if !out.status.success() {
            die(format!("git {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
        }
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let rev = git(&["rev-parse", "--verify", &format!("{spec}^{{commit}}")]);
    let root = manifest_dir.join("target/bench-baseline");
    let tree = root.join(&rev[..12]);
    let bin = root.join("target/release/laminate");
    if !tree.join("Cargo.toml").is_file() {
        let _ = std::fs::create_dir_all(&root);
        git(&["worktree", "add", "--detach", &tree.display().to_string(), &rev]);
    }
    eprintln!("photos: building the baseline {spec} ({}) in {}", &rev[..12], tree.display());
    let status = Command::new("cargo")
        .current_dir(&tree)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["build", "--release", "--quiet", "--bin", "laminate"])
        .status()
        .unwrap_or_else(|e| die(format!("cargo: {e}")));
    if !status.success() {
        die(format!("building {spec} failed"));
    }
    // Keep a copy per commit: the next build of another commit overwrites the binary.
    let kept = root.join(format!("laminate-{}", &rev[..12]));
    std::fs::copy(&bin, &kept).unwrap_or_else(|e| die(format!("{}: {e}", kept.display())));
    kept
}

/// True when `bin`'s render takes `flag` (an older binary may not).
fn knows(bin: &Path, flag: &str) -> bool {
    Command::new(bin)
        .args(["render", "--help"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(flag))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("photos: {msg}");
    eprintln!(
        "usage: cargo bench --bench photos -- [SIZE ...] [--runs N] [--jobs N] [--pdfx] [--reportlab] [--baseline COMMIT|BINARY]"
    );
    ExitCode::from(2)
}

/// The same photos drawn by reportlab as pretix draws them, `runs` times.
fn reportlab_row(
    manifest_dir: &Path,
    dir: &Path,
    photos: &[&String],
    runs: usize,
    n: usize,
    label: &str,
) -> Row {
    let script = manifest_dir.join("benches/reportlab_photos.py");
    let out = dir.join("reportlab.pdf");
    let stderr = dir.join("reportlab-stderr.txt");
    let mut timed = Vec::new();
    for r in 0..runs {
        let mut cmd = Command::new("python3");
        cmd.arg(&script).arg(&out).args(photos);
        let run = common::measure(cmd, &out, &stderr)
            .unwrap_or_else(|e| die(format!("reportlab: {e} (pip install reportlab rl-accel)")));
        eprintln!("photos: reportlab, {n} {label}, {}/{runs}: {:.2} s", r + 1, run.seconds);
        timed.push(run);
    }
    Row { who: "reportlab".into(), roster: format!("{n} {label}"), mode: "none", n, runs: timed }
}

struct Row {
    who: String,
    roster: String,
    mode: &'static str,
    n: usize,
    runs: Vec<Run>,
}

fn main() -> ExitCode {
    let mut sizes = Vec::new();
    let mut runs = DEFAULT_RUNS;
    let mut jobs: Option<String> = None;
    let mut base: Option<String> = None;
    let mut pdfx = false;
    let mut reportlab = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--runs" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => runs = n,
                _ => return usage("--runs takes a number above 0"),
            },
            "--jobs" => match args.next() {
                Some(j) => jobs = Some(j),
                None => return usage("--jobs takes a number"),
            },
            "--pdfx" => pdfx = true,
            "--reportlab" => reportlab = true,
            "--baseline" => match args.next() {
                Some(b) => base = Some(b),
                None => return usage("--baseline takes a commit or a binary"),
            },
            other => match other.replace(['_', ','], "").parse::<usize>() {
                Ok(n) if n > 0 => sizes.push(n),
                _ => return usage(&format!("unknown argument {other:?}")),
            },
        }
    }
    if sizes.is_empty() {
        sizes = DEFAULT_SIZES.to_vec();
    }
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laminate"));
    let templates = manifest_dir.join("samples/conference/templates");
    let mut binaries = vec![("this".to_string(), bin.clone())];
    if let Some(spec) = &base {
        binaries.push((format!("baseline {spec}"), baseline(spec, &manifest_dir)));
    }
    let largest = sizes.iter().copied().max().unwrap_or(0);
    eprintln!("photos: making {largest} photos (kept in target/bench-photos for later runs)");
    let all = photos(&manifest_dir.join("target/bench-photos"), largest);
    let bytes_in: u64 = all.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let dir = tempfile::tempdir().unwrap_or_else(|e| die(format!("temp dir: {e}")));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!("laminate photos: {runs} run(s) per row, median wall and CPU time (user + system), peak memory the highest of the runs");
    println!("machine: {cores} cores, {}", cpu_model());
    println!("load:    {} (1, 5, 15 min load average before the runs)", load_average());
    println!(
        "jobs:    {}",
        jobs.as_deref().map_or_else(|| format!("default (one per core: {cores})"), str::to_string)
    );
    println!(
        "photos:  {largest} made, {:.0} KB each on average; samples/conference/templates",
        bytes_in as f64 / largest.max(1) as f64 / 1024.0
    );
    println!();

    let mut rows: Vec<Row> = Vec::new();
    for &n in &sizes {
        for (same, label) in [(false, "distinct"), (true, "one photo")] {
            let roster_path = dir.path().join(format!("roster-{n}-{label}.yaml"));
            std::fs::write(&roster_path, roster(&all[..n], same))
                .unwrap_or_else(|e| die(format!("{}: {e}", roster_path.display())));
            for (who, exe) in &binaries {
                let cached = knows(exe, "--photo-cache");
                if pdfx && !knows(exe, "--pdfx") {
                    eprintln!("photos: {who} has no --pdfx; left out");
                    continue;
                }
                let out = dir.path().join("out.pdf");
                let stderr = dir.path().join("stderr.txt");
                let mut cold = Vec::new();
                let mut warm = Vec::new();
                let mut pdfs: Vec<Vec<u8>> = Vec::new();
                for r in 0..runs {
                    let cache = dir.path().join(format!("cache-{r}"));
                    let _ = std::fs::remove_dir_all(&cache);
                    let command = || {
                        let mut cmd = Command::new(exe);
                        cmd.arg("render").arg(&roster_path).arg("--templates").arg(&templates);
                        cmd.arg("-o").arg(&out).arg("--quiet");
                        if cached {
                            cmd.arg("--photo-cache").arg(&cache);
                        }
                        if pdfx {
                            cmd.arg("--pdfx");
                        }
                        if let Some(j) = &jobs {
                            cmd.args(["--jobs", j]);
                        }
                        cmd
                    };
                    let run = common::measure(command(), &out, &stderr).unwrap_or_else(|e| die(e));
                    eprintln!(
                        "photos: {who}, {n} {label}, cold {}/{runs}: {:.2} s",
                        r + 1,
                        run.seconds
                    );
                    cold.push(run);
                    if cached {
                        pdfs.push(std::fs::read(&out).unwrap_or_default());
                        let run =
                            common::measure(command(), &out, &stderr).unwrap_or_else(|e| die(e));
                        eprintln!(
                            "photos: {who}, {n} {label}, warm {}/{runs}: {:.2} s",
                            r + 1,
                            run.seconds
                        );
                        warm.push(run);
                        if std::fs::read(&out).unwrap_or_default() != pdfs[0] {
                            die(format!("{who}: a warm run wrote other bytes than the cold one ({n} {label})"));
                        }
                    }
                    let _ = std::fs::remove_dir_all(&cache);
                }
                let label = format!("{n} {label}");
                rows.push(Row {
                    who: who.clone(),
                    roster: label.clone(),
                    mode: "cold",
                    n,
                    runs: cold,
                });
                if !warm.is_empty() {
                    rows.push(Row { who: who.clone(), roster: label, mode: "warm", n, runs: warm });
                }
            }
            if reportlab {
                let photos: Vec<&String> =
                    if same { vec![&all[0]; n] } else { all[..n].iter().collect() };
                rows.push(reportlab_row(&manifest_dir, dir.path(), &photos, runs, n, label));
            }
        }
    }

    let header =
        ["binary", "roster", "cache", "median s", "cpu s", "passes/s", "bytes/pass", "peak MB"];
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let times: Vec<f64> = r.runs.iter().map(|x| x.seconds).collect();
            let m = median(&times);
            let peak = r.runs.iter().map(|x| x.peak_kb).max().unwrap_or(0);
            vec![
                r.who.clone(),
                r.roster.clone(),
                r.mode.to_string(),
                format!("{m:.2}"),
                format!("{:.2}", median(&r.runs.iter().map(|x| x.cpu_seconds).collect::<Vec<_>>())),
                group((r.n as f64 / m).round() as usize),
                group((r.runs[0].bytes as f64 / r.n as f64).round() as usize),
                format!("{:.1}", peak as f64 / 1024.0),
            ]
        })
        .collect();
    common::print_table(&header, &cells, 3, false);
    let time = |r: &Row| median(&r.runs.iter().map(|x| x.seconds).collect::<Vec<_>>());
    for rl in rows.iter().filter(|r| r.who == "reportlab") {
        for r in rows.iter().filter(|r| r.who != "reportlab" && r.roster == rl.roster) {
            let cpu = |r: &Row| median(&r.runs.iter().map(|x| x.cpu_seconds).collect::<Vec<_>>());
            println!(
                "{} {} {}: {:.2} times as fast as reportlab ({:.2} times the CPU time)",
                r.who,
                r.roster,
                r.mode,
                time(rl) / time(r),
                cpu(r) / cpu(rl)
            );
        }
    }
    ExitCode::SUCCESS
}
