//! A real Slurm run of the recipe in docs/big-batches.md: a one-node
//! cluster on 127.0.0.1 (Debian's slurm-wlm and munge, started by
//! tests/slurm/cluster.sh, every daemon stopped by its PID when the test
//! ends, passed or failed) runs docs/examples/slurm/render.sbatch as an
//! array of 4 over a 2,000-pass roster and merge.sbatch after it
//! (`afterok`). The outputs are checked, never only sbatch's exit status:
//! with proctrack/cgroup in a sandbox every task fails while `sbatch
//! --wait` still exits 0.

mod util;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use util::{have, have_helper, laminate_in, names_in, root, temp, tool};

/// The cluster of one test; dropping it stops every daemon by its PID.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        // The guard exists before the daemons do: a start that fails half
        // way still stops what it started.
        let cluster = Cluster { dir: dir.to_path_buf() };
        let out = Command::new(script()).arg("start").arg(dir).output().expect("cluster.sh runs");
        assert!(
            out.status.success(),
            "the one-node cluster did not start:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        cluster
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new(script()).arg("stop").arg(&self.dir).status();
    }
}

fn script() -> PathBuf {
    root().join("tests/slurm/cluster.sh")
}

/// Runs a Slurm client command in `dir` against the test's cluster, with
/// laminate on PATH and nothing else of the test's environment (sbatch
/// passes its environment on to the job). Bounded: at most 5 minutes.
fn slurm(cluster: &Cluster, dir: &Path, args: &[&str]) -> (bool, String, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_laminate")).parent().unwrap().to_path_buf();
    let path = format!("{}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", bin.display());
    let out = Command::new("timeout")
        .arg("300")
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", path)
        .env("SLURM_CONF", cluster.dir.join("slurm.conf"))
        .output()
        .expect("a Slurm command runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A roster of `n` passes of the five pass types.
fn roster(n: usize) -> String {
    let mut out = String::from(
        "event:\n  name: Northern Lights Festival 2026\n  starts: 2026-07-10\n  ends: 2026-07-12\npasses:\n",
    );
    let (first, last) =
        (["Ana", "José", "Zoë", "Αλέξης", "Мария"], ["Silva", "Müller", "Berg", "Nowak"]);
    for i in 0..n {
        let pass = ["crew", "all-access", "limited", "sticky", "day"][i % 5];
        let _ = writeln!(
            out,
            "  - id: NLF-{:05}\n    name: {} {}\n    pass: {pass}",
            i + 1,
            first[i % 5],
            last[i % 4]
        );
        if pass == "day" {
            out.push_str("    valid_from: 2026-07-11\n");
        }
    }
    out
}

/// A job folder: the roster, the two batch scripts of the docs, a key.
fn job_folder(dir: &Path, passes: usize) {
    fs::create_dir_all(dir.join("keys")).unwrap();
    fs::write(dir.join("roster.yaml"), roster(passes)).unwrap();
    for name in ["render.sbatch", "merge.sbatch"] {
        fs::copy(root().join("docs/examples/slurm").join(name), dir.join(name)).unwrap();
    }
    let run = laminate_in(dir, &["keygen", "--out", "keys/passes.key"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

/// Waits until `done` holds, at most `secs` seconds.
fn wait_for(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(secs) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// The logs of the jobs run in `dir`, for messages.
fn logs(dir: &Path) -> String {
    names_in(dir)
        .iter()
        .filter(|n| n.ends_with(".log"))
        .map(|n| format!("{n}:\n{}", fs::read_to_string(dir.join(n)).unwrap_or_default()))
        .collect()
}

#[test]
fn a_slurm_array_renders_the_shards_and_a_dependent_job_merges_them() {
    for tool in ["munged", "slurmctld", "slurmd", "sbatch", "scancel", "squeue", "sinfo"] {
        if !have(tool) {
            return;
        }
    }
    let root_user = tool("id", &["-u"]).trim() == "0";
    if !have_helper("root (slurmd runs the jobs; scripts/test and CI run as root)", || root_user) {
        return;
    }
    let base = temp();
    let cluster = Cluster::start(&base.path().join("cluster"));
    let job = base.path().join("job");
    job_folder(&job, 2000);

    // The array, then the merge once every task succeeded (afterok).
    let (ok, jid, err) = slurm(&cluster, &job, &["sbatch", "--parsable", "render.sbatch"]);
    assert!(ok, "{err}");
    let jid = jid.trim().split(';').next().unwrap().to_string();
    let after = format!("--dependency=afterok:{jid}");
    let (ok, _, err) = slurm(&cluster, &job, &["sbatch", "--wait", &after, "merge.sbatch"]);
    assert!(ok, "the merge job failed: {err}\n{}", logs(&job));

    // Each shard is the bytes of a direct render --shard K/4.
    let direct = base.path().join("direct");
    fs::create_dir_all(direct.join("out")).unwrap();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let (pdf, csv) = (format!("out/passes-{k}.pdf"), format!("out/passes-{k}.csv"));
        let args = [
            "render",
            "../job/roster.yaml",
            "--shard",
            &shard,
            "--key",
            "../job/keys/passes.key",
            "-o",
            &pdf,
            "--manifest",
            &csv,
            "--quiet",
        ];
        let run = laminate_in(&direct, &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        for file in [&pdf, &csv] {
            let from_slurm = fs::read(job.join(file))
                .unwrap_or_else(|e| panic!("{file} from Slurm: {e}\n{}", logs(&job)));
            assert!(from_slurm == fs::read(direct.join(file)).unwrap(), "{file} differs");
        }
    }

    // The merge job's PDF and manifest: the whole run's.
    let run = laminate_in(
        &direct,
        &[
            "render",
            "../job/roster.yaml",
            "--key",
            "../job/keys/passes.key",
            "-o",
            "whole.pdf",
            "--quiet",
        ],
        &[],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    let merged = job.join("out/passes.pdf");
    tool("qpdf", &["--check", &merged.display().to_string()]);
    let text = |p: &Path| tool("pdftotext", &[&p.display().to_string(), "-"]);
    let merged_text = text(&merged);
    for id in ["NLF-00001", "NLF-02000"] {
        assert!(merged_text.contains(id), "{id} is not in the merged PDF");
    }
    assert_eq!(merged_text, text(&direct.join("whole.pdf")));
    let info = tool("pdfinfo", &[&merged.display().to_string()]);
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().to_string();
    assert!(pages.parse::<usize>().unwrap() > 200, "{info}");
    let manifest = fs::read_to_string(job.join("out/passes.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 2001, "a header and 2,000 passes");
    assert!(manifest.lines().nth(1).unwrap().starts_with("NLF-"), "{manifest}");

    // Re-running one index (SLURM_ARRAY_TASK_COUNT is then 1) gives the same bytes.
    let before = fs::read(job.join("out/passes-3.pdf")).unwrap();
    fs::remove_file(job.join("out/passes-3.pdf")).unwrap();
    let (ok, _, err) = slurm(&cluster, &job, &["sbatch", "--wait", "--array=3", "render.sbatch"]);
    assert!(ok, "{err}");
    let again = fs::read(job.join("out/passes-3.pdf"))
        .unwrap_or_else(|e| panic!("the re-run wrote no shard: {e}\n{}", logs(&job)));
    assert!(again == before, "a re-run of index 3 gave other bytes");

    // A task cancelled while it writes leaves no file, not even a temporary one.
    let big = base.path().join("big");
    job_folder(&big, 40_000);
    let (ok, jid, err) =
        slurm(&cluster, &big, &["sbatch", "--parsable", "--array=2", "render.sbatch"]);
    assert!(ok, "{err}");
    let jid = jid.trim().to_string();
    let out = big.join("out");
    let writing = wait_for(120, || {
        fs::read_dir(&out).is_ok_and(|d| {
            d.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".pdf.part"))
        })
    });
    assert!(writing, "the task never started writing\n{}", logs(&big));
    let (ok, _, err) = slurm(&cluster, &big, &["scancel", &jid]);
    assert!(ok, "{err}");
    let ended = wait_for(120, || {
        let (_, queue, _) = slurm(&cluster, &big, &["squeue", "-h", "-j", &jid]);
        queue.trim().is_empty()
    });
    assert!(ended, "the cancelled task did not end");
    assert_eq!(names_in(&out), Vec::<String>::new(), "a cancelled task left files\n{}", logs(&big));
    drop(cluster);
}
