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

/// Runs an external tool and returns (success, stdout, stderr).
pub fn tool(program: &str, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(program).args(args).output().expect("tool runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
        eprintln!("skipping: {name} is not installed (scripts/test installs it)");
    }
    found
}
