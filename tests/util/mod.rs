//! Helpers for tests that run the built binary the way a user does.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary gave.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `render` options for one card a page with nothing around it (no bleed,
/// marks or slug), quietly: a page's text and ink are the pass's alone.
pub const CARD_PAGES: &[&str] =
    &["--sheet", "card", "--bleed", "0", "--no-crop-marks", "--no-slug", "--quiet"];

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `laminate` with `args` in `dir`, with a cleared environment (plus `env`).
pub fn laminate_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_laminate"));
    cmd.args(args).current_dir(dir).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the laminate binary runs");
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The names of the files and folders in `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder can be listed")
        .map(|e| e.expect("a folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A fresh temporary folder, removed when dropped.
pub fn temp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("laminate-test-").tempdir().expect("temp dir")
}

/// True when an external tool is on PATH. When it is not, the test fails if
/// `LAMINATE_REQUIRE_TOOLS` is set (as scripts/test and CI do), and is
/// otherwise reported as skipped.
pub fn have(tool: &str) -> bool {
    have_helper(tool, || {
        Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {tool}"))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// True when python3 can import every module in `modules` (installed by
/// scripts/test with pip). Missing, the test fails under
/// `LAMINATE_REQUIRE_TOOLS` and is otherwise reported as skipped, as [`have`].
pub fn have_python_modules(modules: &[&str]) -> bool {
    have_helper(&format!("python3 with {modules:?}"), || {
        Command::new("python3")
            .arg("-c")
            .arg(format!("import {}", modules.join(", ")))
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    })
}

/// Runs an external tool that must succeed, and returns its standard output.
/// The test fails, naming the tool, its arguments, its exit status and its
/// standard error, when the tool cannot start or exits non-zero: a failed
/// tool prints little or nothing, and a check that some text is absent
/// would pass on that.
pub fn tool(program: &str, args: &[&str]) -> String {
    let run = tool_may_fail(program, args);
    assert!(
        run.status == 0,
        "{program} {args:?} failed (exit status {}):\n{}{}",
        run.status,
        run.stderr,
        run.stdout
    );
    run.stdout
}

/// Runs an external tool whose failure the test expects or examines: what
/// it gave, whatever its exit status (-1 when a signal ended it). The test
/// still fails when the tool cannot start at all.
pub fn tool_may_fail(program: &str, args: &[&str]) -> Run {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot be started: {e}"));
    Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The texts of the codes zbarimg reads in the image `png`, one a symbol;
/// none when it finds none (its exit status 4). Any other failure fails the
/// test.
pub fn zbarimg(png: &Path) -> Vec<String> {
    let path = png.display().to_string();
    let run = tool_may_fail("zbarimg", &["-q", "--raw", &path]);
    assert!(
        run.status == 0 || run.status == 4,
        "zbarimg {path} failed (exit status {}): {}",
        run.status,
        run.stderr
    );
    run.stdout.lines().map(str::to_string).collect()
}

/// Separates `pdf` into plates with Ghostscript's tiffsep device at `dpi`:
/// `DIR/NAME(Ink).tif`, one per ink (Cyan, Magenta, Yellow, Black and each
/// spot), read with [`tiff_plate`].
pub fn tiffsep(pdf: &Path, dir: &Path, name: &str, dpi: u32) {
    let out = format!("-sOutputFile={}", dir.join(format!("{name}.tif")).display());
    let res = format!("-r{dpi}");
    let path = pdf.display().to_string();
    let args =
        ["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", "-sCompression=none", &res, &out, &path];
    tool("gs", &args);
}

/// A plate written by Ghostscript's tiffsep device with `-sCompression=none`
/// (8-bit, BlackIsZero: 255 is no ink), as (width, height, pixels).
pub fn tiff_plate(path: &Path) -> (usize, usize, Vec<u8>) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let le = &b[..2] == b"II";
    let u16_at = |i: usize| {
        let v = [b[i], b[i + 1]];
        if le {
            u16::from_le_bytes(v)
        } else {
            u16::from_be_bytes(v)
        }
    };
    let u32_at = |i: usize| {
        let v = [b[i], b[i + 1], b[i + 2], b[i + 3]];
        if le {
            u32::from_le_bytes(v)
        } else {
            u32::from_be_bytes(v)
        }
    };
    let ifd = u32_at(4) as usize;
    let (mut w, mut h, mut offsets, mut counts) = (0, 0, vec![], vec![]);
    for k in 0..u16_at(ifd) as usize {
        let e = ifd + 2 + 12 * k;
        let (tag, kind, n) = (u16_at(e), u16_at(e + 2), u32_at(e + 4) as usize);
        let read = |i: usize| if kind == 3 { u16_at(i) as usize } else { u32_at(i) as usize };
        let size = if kind == 3 { 2 } else { 4 };
        let values: Vec<usize> = if n * size <= 4 {
            (0..n).map(|j| read(e + 8 + j * size)).collect()
        } else {
            let at = u32_at(e + 8) as usize;
            (0..n).map(|j| read(at + j * size)).collect()
        };
        match tag {
            256 => w = values[0],
            257 => h = values[0],
            259 => assert_eq!(values, [1], "{}: uncompressed", path.display()),
            262 => assert_eq!(values, [1], "{}: BlackIsZero", path.display()),
            273 => offsets = values,
            279 => counts = values,
            _ => {}
        }
    }
    let mut pixels = Vec::with_capacity(w * h);
    for (o, c) in offsets.iter().zip(&counts) {
        pixels.extend_from_slice(&b[*o..o + c]);
    }
    assert_eq!(pixels.len(), w * h, "{}: 8-bit, one component", path.display());
    (w, h, pixels)
}

/// True when a helper a test runs (a Python or npm package scripts/test
/// installs) is there; like [`have`], its absence fails the test under
/// `LAMINATE_REQUIRE_TOOLS` and skips it otherwise.
pub fn have_helper(name: &str, found: impl FnOnce() -> bool) -> bool {
    let found = found();
    if !found {
        assert!(
            std::env::var_os("LAMINATE_REQUIRE_TOOLS").is_none(),
            "{name} is required (LAMINATE_REQUIRE_TOOLS is set) but not installed"
        );
        skipped(&format!("{name} is not installed (scripts/test installs it)"));
    }
    found
}

/// Says that the running test skips (all or part of) its checks, and why.
/// Straight to the process's standard error, which the test harness does
/// not capture (it captures `eprintln!`, and shows that only for a failed
/// test), so a plain `cargo test` shows the skip beside its summary; and,
/// when `LAMINATE_SKIP_LOG` names a file (scripts/test sets it), as a line
/// there, which scripts/test counts in its own summary.
pub fn skipped(why: &str) {
    use std::io::Write;
    let test = std::thread::current().name().unwrap_or("?").to_string();
    let line = format!("{}::{test}: {why}\n", env!("CARGO_CRATE_NAME"));
    let _ = std::io::stderr().write_all(format!("skipped {line}").as_bytes());
    if let Some(log) = std::env::var_os("LAMINATE_SKIP_LOG") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap_or_else(|e| panic!("LAMINATE_SKIP_LOG {}: {e}", Path::new(&log).display()));
        file.write_all(line.as_bytes()).expect("the skip log can be written");
    }
}
