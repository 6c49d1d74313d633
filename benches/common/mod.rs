//! What the benchmarks share: running a laminate process while polling its
//! peak memory, and describing the machine.

#![allow(dead_code)]

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(5);

/// One finished run.
pub struct Run {
    pub seconds: f64,
    /// CPU time of the process and its threads, user and system, in s: on
    /// a machine that other work shares, steadier than the wall time.
    pub cpu_seconds: f64,
    pub peak_kb: u64,
    pub bytes: u64,
}

/// CPU time (user + system) of this process's waited-for children so far,
/// in s (`cutime` and `cstime` of /proc/self/stat, in clock ticks of 1/100 s).
fn children_cpu() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 16 and 17 of the file; 14 and 15 after the name and state.
    (tick(13) + tick(14)) / 100.0
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Runs `cmd` (a `laminate render ... -o out`), its stderr to `stderr`,
/// timing it and polling its peak resident memory (`VmHWM`, every 5 ms);
/// checks that it exits 0 and that `out` is a PDF.
pub fn measure(mut cmd: Command, out: &Path, stderr: &Path) -> Result<Run, String> {
    let _ = std::fs::remove_file(out);
    let err_file =
        File::create(stderr).map_err(|e| format!("cannot create {}: {e}", stderr.display()))?;
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::from(err_file));
    let cpu_before = children_cpu();
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let pid = child.id();
    let mut peak_kb = 0;
    let status = loop {
        // Read before try_wait: once the child has exited its memory map is
        // gone and VmHWM is no longer shown, so keep the last value read.
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = kb;
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(POLL),
            Err(e) => return Err(format!("waiting for laminate: {e}")),
        }
    };
    let seconds = start.elapsed().as_secs_f64();
    let cpu_seconds = children_cpu() - cpu_before;
    let stderr_text = std::fs::read_to_string(stderr).unwrap_or_default();
    if !status.success() {
        return Err(format!("{cmd:?} exited with {status}\n{stderr_text}"));
    }
    let mut magic = [0u8; 5];
    File::open(out)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map_err(|e| format!("cannot read {}: {e}", out.display()))?;
    if &magic != b"%PDF-" {
        return Err(format!(
            "{} does not start with %PDF-: {:?}",
            out.display(),
            String::from_utf8_lossy(&magic)
        ));
    }
    let bytes = std::fs::metadata(out).map_err(|e| format!("{}: {e}", out.display()))?.len();
    Ok(Run { seconds, cpu_seconds, peak_kb, bytes })
}

/// The CPU's model name, from `/proc/cpuinfo`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The first three fields of `/proc/loadavg`: other work on the machine skews the times.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `n` with thousands separated by commas.
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The median of `values` (not empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    }
}

/// Prints a table: a header, a rule and the rows, two spaces between
/// columns; the first `left` columns (and the last, with `note_last`: a
/// note, not a number) are left-aligned, the others (numbers) right-aligned.
pub fn print_table(header: &[&str], rows: &[Vec<String>], left: usize, note_last: bool) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if i < left || (note_last && i + 1 == cells.len()) {
                s.push_str(&format!("{cell:<w$}"));
            } else {
                s.push_str(&format!("{cell:>w$}"));
            }
        }
        s.trim_end().to_string()
    };
    println!("{}", line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()));
    println!("{}", line(&widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>()));
    for row in rows {
        println!("{}", line(row));
    }
}
