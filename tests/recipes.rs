//! The scheduler recipes of docs/big-batches.md: the Kubernetes Indexed Job
//! is parsed and checked (Indexed completion, K = JOB_COMPLETION_INDEX + 1
//! by running its script, N written literally and equal to completions,
//! backoffLimitPerIndex, the key from a Secret, the outputs on a volume),
//! each check also on a copy broken on purpose; and the files the page
//! shows are the files the tests run.

mod util;

use std::fs;
use std::process::Command;

use util::root;
use yaml_rust2::{Yaml, YamlLoader};

fn job_file() -> String {
    fs::read_to_string(root().join("docs/examples/k8s-indexed-job.yaml")).unwrap()
}

/// What a shard's container runs for one index: the script with `exec
/// laminate` replaced by `echo`, and /data by a temporary folder (or why
/// the script failed).
fn command_for(script: &str, index: usize, shard_k: &str, data: &str) -> String {
    let script = script.replace("exec laminate", "echo laminate").replace("/data", data);
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("JOB_COMPLETION_INDEX", index.to_string())
        .env("SHARD_K", shard_k)
        .output()
        .expect("sh runs");
    if !out.status.success() {
        return format!("the script failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Every problem of an Indexed Job that renders shards, empty when none.
fn problems(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let docs = match YamlLoader::load_from_str(text) {
        Ok(d) => d,
        Err(e) => return vec![format!("not YAML: {e}")],
    };
    let job = &docs[0];
    let spec = &job["spec"];
    if job["kind"].as_str() != Some("Job") {
        found.push("not a Job".into());
    }
    if spec["completionMode"].as_str() != Some("Indexed") {
        found.push("completionMode is not Indexed".into());
    }
    let Some(n) = spec["completions"].as_i64() else {
        return vec!["completions is not a number".into()];
    };
    if spec["backoffLimitPerIndex"].as_i64().is_none_or(|b| b < 1) {
        found.push("no backoffLimitPerIndex: a failed index is not retried on its own".into());
    }
    let pod = &spec["template"]["spec"];
    if pod["restartPolicy"].as_str() != Some("Never") {
        found.push("restartPolicy is not Never (backoffLimitPerIndex needs it)".into());
    }
    let container = &pod["containers"][0];
    let script = container["args"][0].as_str().unwrap_or("").to_string();
    let volumes = pod["volumes"].as_vec().cloned().unwrap_or_default();
    let mounts = container["volumeMounts"].as_vec().cloned().unwrap_or_default();
    let mount_of = |pred: &dyn Fn(&Yaml) -> bool| -> Option<String> {
        let vol = volumes.iter().find(|v| pred(v))?;
        let name = vol["name"].as_str()?;
        mounts.iter().find(|m| m["name"].as_str() == Some(name))?["mountPath"]
            .as_str()
            .map(str::to_string)
    };
    let keys = mount_of(&|v: &Yaml| v["secret"]["secretName"].as_str().is_some());
    let data = mount_of(&|v: &Yaml| !v["persistentVolumeClaim"].is_badvalue());
    match &keys {
        Some(dir) if script.contains(&format!("--key {dir}/")) => {}
        _ => found.push("the signing key is not read from a mounted Secret".into()),
    }
    match &data {
        Some(dir) if script.contains(&format!("-o \"{dir}/")) => {}
        _ => found.push("the outputs are not written to a mounted volume".into()),
    }
    // N is written literally: the script does not read it from the environment.
    if !script.contains(&format!("--shard \"$K/{n}\"")) {
        found.push(format!("--shard is not written K/{n} with N literal as completions"));
    }
    if script.contains("JOB_COMPLETION_INDEX") {
        let dir = util::temp();
        let data = dir.path().display().to_string();
        for index in 0..n as usize {
            let cmd = command_for(&script, index, "", &data);
            let k = index + 1;
            if !cmd.contains(&format!("--shard {k}/{n}"))
                || !cmd.contains(&format!("passes-{k}.pdf"))
            {
                found.push(format!("index {index} does not render shard {k}/{n}: {cmd}"));
                break;
            }
        }
        let cmd = command_for(&script, 0, "4", &data);
        if !cmd.contains(&format!("--shard 4/{n}")) {
            found.push(format!("SHARD_K=4 does not re-run shard 4: {cmd}"));
        }
    } else {
        found.push("K is not taken from JOB_COMPLETION_INDEX".into());
    }
    found
}

#[test]
fn the_kubernetes_indexed_job_renders_every_shard_once() {
    // Guards the Kubernetes recipe: the index arithmetic (indexes start at
    // 0), the literal N, per-index retries, the Secret and the volume.
    assert_eq!(problems(&job_file()), Vec::<String>::new());
}

#[test]
fn each_check_of_the_job_fails_on_a_job_broken_on_purpose() {
    // Guards the checker itself: each rule, broken alone, is reported.
    let good = job_file();
    let broken = [
        ("completionMode: Indexed", "completionMode: NonIndexed", "completionMode"),
        ("$((JOB_COMPLETION_INDEX + 1))", "$JOB_COMPLETION_INDEX", "does not render shard 1/8"),
        ("--shard \"$K/8\"", "--shard \"$K/$N\"", "N literal"),
        ("completions: 8", "completions: 9", "N literal"),
        ("  backoffLimitPerIndex: 2\n", "", "backoffLimitPerIndex"),
        ("restartPolicy: Never", "restartPolicy: OnFailure", "restartPolicy"),
        ("secretName: laminate-signing-key", "name: laminate-signing-key", "Secret"),
        ("--key /keys/passes.key", "--key /tmp/passes.key", "Secret"),
        ("-o \"/data/out/", "-o \"/tmp/out/", "mounted volume"),
        ("K=${SHARD_K:-$((JOB_COMPLETION_INDEX + 1))}", "K=${SHARD_K:-1}", "not taken from"),
        ("K=${SHARD_K:-", "K=${OTHER:-", "SHARD_K=4"),
        ("kind: Job", "kind: CronJob", "not a Job"),
        ("completions: 8", "completions: eight", "completions is not a number"),
        ("kind: Job", "kind: [Job", "not YAML"),
    ];
    for (from, to, says) in broken {
        assert!(good.contains(from), "the job no longer has {from:?}");
        let bad = good.replace(from, to);
        let found = problems(&bad);
        assert!(found.iter().any(|p| p.contains(says)), "{from:?} -> {to:?}: {found:?}");
    }
}

#[test]
fn the_page_shows_the_files_the_tests_run() {
    // Guards the docs against drifting from the tested files: the page
    // quotes the Job and both Slurm scripts whole.
    let page = fs::read_to_string(root().join("docs/big-batches.md")).unwrap();
    for file in ["k8s-indexed-job.yaml", "slurm/render.sbatch", "slurm/merge.sbatch"] {
        let text = fs::read_to_string(root().join("docs/examples").join(file)).unwrap();
        assert!(
            page.contains(&text),
            "docs/big-batches.md does not show docs/examples/{file} as it is"
        );
    }
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains("(docs/big-batches.md)"), "the README links the page");
}
