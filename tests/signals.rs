//! Signals (issue 22): SIGTERM, SIGINT and SIGHUP end every long-running
//! command within a second whatever its stdout and stderr are (a pipe
//! whose reader has gone, a full pipe nobody reads, closed), and leave no
//! output and no temporary file behind.

mod util;

use std::fs;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use util::{names_in, temp};

/// What the command's stdout and stderr are.
#[derive(Clone, Copy, Debug)]
enum Streams {
    /// Pipes whose reading end is closed: every write fails with EPIPE.
    ReaderGone,
    /// One pipe, already full, that nobody reads: every write blocks.
    Full,
    /// Closed (`>&- 2>&-`).
    Closed,
}

const ALL_STREAMS: [Streams; 3] = [Streams::ReaderGone, Streams::Full, Streams::Closed];
const SIGNALS: [&str; 3] = ["-TERM", "-INT", "-HUP"];

/// A started command and what keeps its streams as they should be.
struct Started {
    child: Child,
    /// For `Streams::Full`: the process that holds the pipe's reading end
    /// and never reads it.
    sleeper: Option<Child>,
}

impl Drop for Started {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(s) = &mut self.sleeper {
            // Its end of the pipe closes: the filling thread's write fails and it ends.
            let _ = s.kill();
            let _ = s.wait();
        }
    }
}

/// The writing end of a pipe that nobody reads, filled until a write would
/// block (a thread goes on writing into it, blocked), and the process that
/// holds its reading end.
fn full_pipe() -> (OwnedFd, Child) {
    let mut sleeper = Command::new("sleep")
        .arg("600")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("sleep runs");
    let writer: OwnedFd = sleeper.stdin.take().unwrap().into();
    let mut filler = fs::File::from(writer.try_clone().unwrap());
    thread::spawn(move || {
        let block = [b'x'; 4096];
        while filler.write_all(&block).is_ok() {}
    });
    // A pipe holds 64 KiB on Linux; 16 blocks fill it well within this.
    thread::sleep(Duration::from_millis(200));
    (writer, sleeper)
}

/// Starts `laminate args` in `dir` with `streams` (and TMPDIR inside `dir`).
fn start(dir: &Path, args: &[&str], streams: Streams) -> Started {
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let exe = env!("CARGO_BIN_EXE_laminate");
    let mut cmd = match streams {
        Streams::Closed => {
            let mut c = Command::new("sh");
            c.arg("-c").arg("exec \"$0\" \"$@\" >&- 2>&-").arg(exe).args(args);
            c
        }
        _ => {
            let mut c = Command::new(exe);
            c.args(args);
            c
        }
    };
    cmd.current_dir(dir).env_clear().env("TMPDIR", &tmp).stdin(Stdio::null());
    let mut sleeper = None;
    match streams {
        Streams::ReaderGone => {
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        }
        Streams::Full => {
            let (w, s) = full_pipe();
            cmd.stdout(Stdio::from(w.try_clone().unwrap())).stderr(Stdio::from(w));
            sleeper = Some(s);
        }
        Streams::Closed => {}
    }
    let mut child = cmd.spawn().expect("laminate runs");
    // Our ends of the pipes close: the command's writes fail from now on.
    drop(child.stdout.take());
    drop(child.stderr.take());
    Started { child, sleeper }
}

/// Sends `signal` to the started command and gives its exit status (None:
/// ended by a signal) and how long it ran on. Fails the test when it runs
/// on for more than 5 s (and kills it).
fn stop(started: &mut Started, signal: &str, what: &str) -> (Option<i32>, Duration) {
    let pid = started.child.id().to_string();
    let sent = Instant::now();
    assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success(), "{what}");
    loop {
        if let Some(status) = started.child.try_wait().unwrap() {
            return (status.code(), sent.elapsed());
        }
        if sent.elapsed() > Duration::from_secs(5) {
            let _ = started.child.kill();
            panic!("{what}: still running 5 s after {signal}");
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// A roster of `n` crew passes in `dir`/big.yaml.
fn big_roster(dir: &Path, n: usize) {
    let mut text =
        String::from("event: {name: Big Night, starts: 2026-07-10, ends: 2026-07-10}\npasses:\n");
    for i in 0..n {
        text.push_str(&format!("  - {{id: B-{i:05}, name: Holder Number {i}, pass: crew}}\n"));
    }
    fs::write(dir.join("big.yaml"), text).unwrap();
}

/// Waits until a temporary output file exists in `dir` (the run is
/// writing), or fails after 60 s.
fn wait_for_part(dir: &Path, what: &str) {
    let started = Instant::now();
    while !names_in(dir).iter().any(|n| n.ends_with(".part")) {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}: no temporary file appeared");
        thread::sleep(Duration::from_millis(10));
    }
}

/// Everything in `dir` apart from the roster and the (empty) TMPDIR.
fn left_behind(dir: &Path) -> Vec<String> {
    let mut left: Vec<String> =
        names_in(dir).into_iter().filter(|n| n != "big.yaml" && n != "tmp").collect();
    left.extend(names_in(&dir.join("tmp")).into_iter().map(|n| format!("tmp/{n}")));
    left
}

// Guards a render whose output streams are gone or stuck: before issue 22,
// the handler's message panicked on a closed stream (the run went on and
// wrote its PDF) or blocked on a full pipe (the run never ended).
#[test]
fn render_ends_within_a_second_on_every_signal_whatever_its_streams() {
    let dir = temp();
    big_roster(dir.path(), 20_000);
    let args = ["render", "big.yaml", "-o", "out.pdf", "--manifest", "m.csv", "--jobs", "1"];
    for streams in ALL_STREAMS {
        for signal in SIGNALS {
            let what = format!("render, {streams:?}, {signal}");
            let mut run = start(dir.path(), &args, streams);
            wait_for_part(dir.path(), &what);
            let (status, took) = stop(&mut run, signal, &what);
            assert_eq!(status, Some(130), "{what}");
            assert!(took < Duration::from_secs(1), "{what}: ran on for {took:?}");
            assert_eq!(left_behind(dir.path()), Vec::<String>::new(), "{what}");
        }
    }
}

// Guards validate of a big roster with a pipe nobody reads, which blocked
// the handler's message for ever.
#[test]
fn validate_ends_within_a_second_with_a_full_pipe() {
    let dir = temp();
    big_roster(dir.path(), 20_000);
    for signal in SIGNALS {
        let what = format!("validate, {signal}");
        let mut run = start(dir.path(), &["validate", "big.yaml"], Streams::Full);
        thread::sleep(Duration::from_millis(300));
        assert!(run.child.try_wait().unwrap().is_none(), "{what}: ended before the signal");
        let (status, took) = stop(&mut run, signal, &what);
        assert_eq!(status, Some(130), "{what}");
        assert!(took < Duration::from_secs(1), "{what}: ran on for {took:?}");
        assert_eq!(left_behind(dir.path()), Vec::<String>::new(), "{what}");
    }
}

// Guards the designer started with its output piped to `head -1`, a `tee`
// that ended, or a closed terminal: it ignored SIGTERM and Ctrl-C from then
// on (or, with stdout gone, stopped at once on a panic).
#[test]
fn design_ends_within_a_second_on_every_signal_whatever_its_streams() {
    let dir = temp();
    for streams in ALL_STREAMS {
        for signal in SIGNALS {
            let what = format!("design, {streams:?}, {signal}");
            let mut run = start(dir.path(), &["design"], streams);
            thread::sleep(Duration::from_millis(500));
            assert!(run.child.try_wait().unwrap().is_none(), "{what}: ended before the signal");
            let (status, took) = stop(&mut run, signal, &what);
            // Ctrl-C is how the designer is stopped: status 0.
            assert_eq!(status, Some(0), "{what}");
            assert!(took < Duration::from_secs(1), "{what}: ran on for {took:?}");
            assert_eq!(left_behind(dir.path()), Vec::<String>::new(), "{what}");
        }
    }
}

// Guards preview, which renders the whole roster to a PDF in a temporary
// folder first: the signal must remove that folder too.
#[test]
fn preview_ends_within_a_second_and_removes_its_temporary_folder() {
    let dir = temp();
    big_roster(dir.path(), 20_000);
    for (streams, signal) in [(Streams::ReaderGone, "-INT"), (Streams::Full, "-TERM")] {
        let what = format!("preview, {streams:?}, {signal}");
        let args = ["preview", "big.yaml", "-o", "first.png", "--sheet", "a4"];
        let mut run = start(dir.path(), &args, streams);
        let started = Instant::now();
        while names_in(&dir.path().join("tmp")).is_empty() {
            assert!(started.elapsed() < Duration::from_secs(60), "{what}: no temporary folder");
            thread::sleep(Duration::from_millis(10));
        }
        thread::sleep(Duration::from_millis(200));
        let (status, took) = stop(&mut run, signal, &what);
        assert_eq!(status, Some(130), "{what}");
        assert!(took < Duration::from_secs(1), "{what}: ran on for {took:?}");
        assert_eq!(left_behind(dir.path()), Vec::<String>::new(), "{what}");
    }
}

// Guards the commands that print to stdout (`man | less` that was left
// open and not read, `convert big.yaml | ...`): blocked on the full pipe,
// they still end on a signal.
#[test]
fn printing_commands_end_within_a_second_with_a_full_pipe() {
    let dir = temp();
    big_roster(dir.path(), 20_000);
    let commands = [
        &["man"][..],
        &["completions", "bash"],
        &["stocks"],
        &["templates"],
        &["convert", "big.yaml"],
    ];
    for args in commands {
        let what = format!("{args:?}");
        let mut run = start(dir.path(), args, Streams::Full);
        thread::sleep(Duration::from_millis(300));
        assert!(run.child.try_wait().unwrap().is_none(), "{what}: ended before the signal");
        let (status, took) = stop(&mut run, "-TERM", &what);
        assert_eq!(status, Some(130), "{what}");
        assert!(took < Duration::from_secs(1), "{what}: ran on for {took:?}");
    }
}

/// Runs `laminate args` in `dir` on a pseudo-terminal of its own (a new
/// session, as a login shell's command), closes the terminal once
/// `ready_file` exists in `dir` (or after 500 ms when it is empty), and
/// gives the exit status (None: killed by a signal) and how long after the
/// hang-up it ended; None for the time when it ran on for 5 s (then it is
/// killed).
fn hang_up(dir: &Path, args: &[&str], ready_file: &str) -> (Option<i32>, Option<Duration>) {
    const SCRIPT: &str = r#"
import os, pty, sys, time
exe, ready = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execv(exe, [exe] + sys.argv[3:])
os.set_blocking(fd, False)
start = time.time()
while True:
    if ready and any(n.endswith(ready) for n in os.listdir(".")):
        break
    if not ready and time.time() - start > 0.5:
        break
    if time.time() - start > 60:
        print("never ready"); sys.exit(1)
    try:
        os.read(fd, 65536)
    except OSError:
        pass
    time.sleep(0.01)
os.close(fd)
closed = time.time()
while time.time() - closed < 5:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        code = os.waitstatus_to_exitcode(status)
        print(code, time.time() - closed)
        sys.exit(0)
    time.sleep(0.005)
os.kill(pid, 9)
os.waitpid(pid, 0)
print("running")
"#;
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(SCRIPT).arg(env!("CARGO_BIN_EXE_laminate")).arg(ready_file).args(args);
    let out = cmd.current_dir(dir).env_clear().env("TMPDIR", dir.join("tmp")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let mut words = text.split_whitespace();
    match (words.next(), words.next()) {
        (Some("running"), _) => (Some(0), None),
        (Some(code), Some(secs)) => {
            let code: i32 = code.parse().unwrap();
            let took = Duration::from_secs_f64(secs.parse().unwrap());
            ((code >= 0).then_some(code), Some(took))
        }
        _ => panic!("{text}"),
    }
}

// Guards a command whose terminal is closed (the window shut, ssh gone):
// the hang-up came as SIGHUP, and the handler's message to the gone
// terminal failed (EIO) and panicked, so the designer ran on, deaf to
// SIGTERM and Ctrl-C, and a render went on to write its PDF.
#[test]
fn closing_the_terminal_ends_design_and_render_within_a_second() {
    if !util::have("python3") {
        return;
    }
    let dir = temp();
    fs::create_dir_all(dir.path().join("tmp")).unwrap();
    let (status, took) = hang_up(dir.path(), &["design"], "");
    let took = took.expect("design ran on for 5 s after its terminal closed");
    assert_eq!(status, Some(0), "design");
    assert!(took < Duration::from_secs(1), "design ran on for {took:?}");

    big_roster(dir.path(), 20_000);
    let args = ["render", "big.yaml", "-o", "out.pdf", "--jobs", "1"];
    let (status, took) = hang_up(dir.path(), &args, ".part");
    let took = took.expect("render ran on for 5 s after its terminal closed");
    assert_eq!(status, Some(130), "render");
    assert!(took < Duration::from_secs(1), "render ran on for {took:?}");
    assert_eq!(left_behind(dir.path()), Vec::<String>::new());
}
