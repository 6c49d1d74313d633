mod util;

// Hostile input: files that are empty, broken, malicious or unwritable.
// Every case must fail with the right exit status (1 for the input, 3 for a
// file that cannot be read or written), say which file, line and entry is at
// fault, never panic, finish quickly, and leave nothing behind: no output
// file and no `.laminate-*.part` temporary file.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use util::{names_in, temp, Run};

/// Every run must end within this time.
const LIMIT: Duration = Duration::from_secs(5);

/// The top of a valid roster; the first entry starts on line 6.
const EVENT: &str =
    "event:\n  name: Hostile Fest\n  starts: 2026-07-10\n  ends: 2026-07-12\npasses:\n";

/// A valid roster of one pass.
const GOOD: &str = "event:\n  name: Hostile Fest\n  starts: 2026-07-10\n  ends: 2026-07-12\npasses:\n  - id: OK-1\n    name: Ann Lee\n    pass: crew\n";

/// A minimal template set with a photo: one pass type, `guest`.
const GUEST: &str = "card: cr80
label: GUEST
elements:
  photo: { type: photo, x: 4, y: 4, width: 20, height: 25 }
  name: { type: text, x: 30, y: 4, width: 50, height: 10, text: \"{name}\" }
  qr: { type: qr, x: 60, y: 28, width: 24, height: 24 }
";

/// A run of the binary and how long it took.
struct Timed {
    run: Run,
    took: Duration,
    killed: bool,
}

/// Runs `cmd` (stdin closed), killing it once it has run past `LIMIT` (plus
/// a margin, so that a slow run is reported with its time rather than hung).
fn run_limited(mut cmd: Command) -> Timed {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().expect("the laminate binary starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let mut killed = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for laminate") {
            break status;
        }
        if start.elapsed() > LIMIT + Duration::from_secs(5) {
            let _ = child.kill();
            killed = true;
            break child.wait().expect("waiting for laminate");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let took = start.elapsed();
    let run = Run {
        status: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    Timed { run, took, killed }
}

/// Runs `laminate` with `args` in `dir`, with a cleared environment (as `util::laminate_in`).
fn laminate(dir: &Path, args: &[&str]) -> Timed {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_laminate"));
    cmd.args(args).current_dir(dir).env_clear();
    run_limited(cmd)
}

/// Runs `laminate` in `dir` with files limited to `blocks` 512-byte blocks
/// (RLIMIT_FSIZE, with SIGXFSZ ignored), so that writing the output fails
/// part-way with EFBIG, as it would on a full disk.
fn laminate_with_small_files(dir: &Path, blocks: u32, args: &[&str]) -> Timed {
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {blocks} || exit 99; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_laminate"))
        .args(args)
        .current_dir(dir)
        .env_clear();
    run_limited(cmd)
}

/// Collects every broken expectation of one run, so that a failing test
/// lists all of them (and the run's stderr) at once.
struct Checks<'a> {
    t: &'a Timed,
    failures: Vec<String>,
}

impl<'a> Checks<'a> {
    /// The checks every hostile run must pass: the exit status, no panic,
    /// no crash, and the time limit.
    fn new(t: &'a Timed, status: i32) -> Self {
        let mut c = Checks { t, failures: Vec::new() };
        if t.killed {
            c.fail(format!("did not finish: killed after {:.1} s", t.took.as_secs_f64()));
        }
        if t.run.status != status {
            c.fail(format!("exit status {}, expected {status}", t.run.status));
        }
        if t.run.stderr.contains("panicked") {
            c.fail("it panicked".into());
        }
        if t.took >= LIMIT {
            c.fail(format!(
                "took {:.2} s, the limit is {} s",
                t.took.as_secs_f64(),
                LIMIT.as_secs()
            ));
        }
        c
    }

    fn fail(&mut self, why: String) {
        self.failures.push(why);
    }

    /// stderr says `text`.
    fn says(mut self, text: &str) -> Self {
        if !self.t.run.stderr.contains(text) {
            self.fail(format!("stderr does not say {text:?}"));
        }
        self
    }

    /// stderr names `file` with a line (`file:LINE:`) in `lines`.
    fn names_line(mut self, file: &str, lines: std::ops::RangeInclusive<u32>) -> Self {
        let named = named_lines(&self.t.run.stderr, file);
        if !named.iter().any(|l| lines.contains(l)) {
            self.fail(format!(
                "stderr does not name {file}:LINE: with LINE in {lines:?} (it names lines {named:?} of {file})"
            ));
        }
        self
    }

    /// stderr names the roster entry `id`.
    fn names_entry(mut self, id: &str) -> Self {
        if !self.t.run.stderr.contains(&format!("entry \"{id}\"")) {
            self.fail(format!("stderr does not name the entry: no `entry \"{id}\"`"));
        }
        self
    }

    /// `dir` holds exactly `names` (the test's own input files): no output
    /// and no temporary file was left in it.
    fn leaves_only(mut self, dir: &Path, names: &[&str]) -> Self {
        let found = names_in(dir);
        let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        want.sort();
        if found != want {
            self.fail(format!("{} holds {found:?}, expected only {want:?}", dir.display()));
        }
        self
    }

    /// Fails the test with every broken expectation and the run's output.
    fn done(self) {
        assert!(
            self.failures.is_empty(),
            "\n- {}\n--- status {} in {:.2} s; stderr:\n{}--- stdout:\n{}",
            self.failures.join("\n- "),
            self.t.run.status,
            self.t.took.as_secs_f64(),
            shorten(&self.t.run.stderr),
            shorten(&self.t.run.stdout)
        );
    }
}

/// `text` with very long lines (20,000 brackets) cut short, for failure messages.
fn shorten(text: &str) -> String {
    text.lines()
        .map(|l| match l.char_indices().nth(160) {
            Some((at, _)) => format!("{}… ({} characters)\n", &l[..at], l.chars().count()),
            None => format!("{l}\n"),
        })
        .collect()
}

/// The line numbers `text` gives for `file`, from every `file:LINE:` in it.
fn named_lines(text: &str, file: &str) -> Vec<u32> {
    let pat = format!("{file}:");
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(&pat) {
        rest = &rest[at + pat.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && rest[digits.len()..].starts_with(':') {
            lines.push(digits.parse().unwrap());
        }
    }
    lines
}

/// Temporary files laminate would leave in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with(".laminate-") && n.ends_with(".part"))
        .collect()
}

/// Writes `roster.yaml` into `dir`.
fn roster(dir: &Path, text: impl AsRef<[u8]>) {
    fs::write(dir.join("roster.yaml"), text).unwrap();
}

/// Writes `templates/guest.yaml` into `dir`.
fn guest_template(dir: &Path, text: &str) {
    fs::create_dir(dir.join("templates")).unwrap();
    fs::write(dir.join("templates/guest.yaml"), text).unwrap();
}

/// Bytes that look random (xorshift), the same on every run.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

/// CRC-32 as PNG uses it (ISO 3309, reflected, polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG signature and a valid IHDR chunk for a `w` x `h` RGB image, then garbage.
fn png_header_then_garbage(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = b"IHDR".to_vec();
    chunk.extend(w.to_be_bytes());
    chunk.extend(h.to_be_bytes());
    chunk.extend([8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, adaptive filter, no interlace
    png.extend(13u32.to_be_bytes());
    png.extend(&chunk);
    png.extend(crc32(&chunk).to_be_bytes());
    png.extend(noise(60_000, 4096));
    png
}

// Guards against an empty roster file crashing or passing as a roster.
#[test]
fn empty_roster_file() {
    let dir = temp();
    roster(dir.path(), "");
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("roster.yaml")
        .says("empty")
        .leaves_only(dir.path(), &["roster.yaml"])
        .done();
}

// Guards against a roster of nothing but comments crashing or passing as a roster.
#[test]
fn roster_of_only_comments() {
    let dir = temp();
    roster(dir.path(), "# passes for next week\n\n# (to be filled in)\n");
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("roster.yaml")
        .says("empty")
        .leaves_only(dir.path(), &["roster.yaml"])
        .done();
}

// Guards against a roster saved as Latin-1 (not UTF-8): the byte must be found by line and entry.
#[test]
fn latin1_bytes_in_a_name() {
    let dir = temp();
    let mut text = EVENT.as_bytes().to_vec();
    text.extend(b"  - id: OK-1\n    name: Ann Lee\n    pass: crew\n");
    text.extend(b"  - id: LAT-1\n    name: Jos\xe9 Silva\n    pass: crew\n");
    roster(dir.path(), text);
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("UTF-8")
        .names_line("roster.yaml", 10..=10)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("LAT-1")
        .done();
}

// Guards against tabs used for indentation: a YAML error at the tabbed line, not a crash.
#[test]
fn tabs_used_for_indentation() {
    let dir = temp();
    roster(dir.path(), format!("{EVENT}  - id: TAB-1\n\tname: Ann Lee\n\tpass: crew\n"));
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("tab")
        .names_line("roster.yaml", 7..=7)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("TAB-1")
        .done();
}

// Guards against an unclosed quote: the message must point at the line where the quote opens.
#[test]
fn unclosed_quote() {
    let dir = temp();
    // Closed by nothing before the next key...
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: Q-1\n    name: \"Ana Silva\n    pass: crew\n  - id: Q-2\n    name: Tom Berg\n    pass: day\n"
        ),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .names_line("roster.yaml", 7..=7)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("Q-1")
        .done();
    // ...and by nothing before the end of the file.
    roster(dir.path(), format!("{EVENT}  - id: Q-3\n    name: Ann Lee\n    pass: 'crew\n"));
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .names_line("roster.yaml", 8..=8)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("Q-3")
        .done();
}

// Guards against a name of a megabyte (what one cell becomes when a quote
// swallows the rest of a file): fitting it took more than 10 minutes. It is
// refused at once, naming the entry, the length and the limit, and the
// message shows a window of the line, not the whole megabyte.
#[test]
fn name_of_a_megabyte() {
    let dir = temp();
    let name = "Abcdefgh ".repeat(110_000);
    roster(dir.path(), format!("{EVENT}  - id: L-1\n    name: {name}\n    pass: crew\n"));
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    let mut c = Checks::new(&t, 1)
        .names_line("roster.yaml", 7..=7)
        .names_entry("L-1")
        .says("`name` is 989999 characters long; at most 256 are allowed")
        .leaves_only(dir.path(), &["roster.yaml"]);
    if t.run.stderr.len() > 2_000 {
        c.fail(format!("stderr is {} bytes: the long line was not cut", t.run.stderr.len()));
    }
    c.done();
}

// Guards the message for a CSV whose quote on row 4 is never closed: it
// used to say "this pass entry has no `pass` type". It must say where the
// quote opened and how many rows it swallowed.
#[test]
fn csv_quote_never_closed() {
    let dir = temp();
    let mut csv =
        String::from("id,name,pass\nA-1,Ana Silva,crew\nA-2,Tom Berg,day\nA-3,\"Eva Lind,crew\n");
    for i in 4..4_000 {
        csv.push_str(&format!("A-{i},Holder {i},crew\n"));
    }
    fs::write(dir.path().join("guests.csv"), csv).unwrap();
    fs::write(
        dir.path().join("guests.event.yaml"),
        "event:\n  name: Hostile Fest\n  starts: 2026-07-10\n  ends: 2026-07-12\n",
    )
    .unwrap();
    let t = laminate(dir.path(), &["render", "guests.csv", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .names_line("guests.csv", 4..=4)
        .says("guests.csv:4:5")
        .says("this quote is never closed: the cell it opens runs to the end of the file and swallows the rest of the file (3996 more rows)")
        .leaves_only(dir.path(), &["guests.csv", "guests.event.yaml"])
        .done();
}

// Guards a date with a two-byte letter across its tenth byte, which made
// the date reader panic (found by fuzzing the roster loader).
#[test]
fn date_with_a_letter_inside() {
    let dir = temp();
    roster(
        dir.path(),
        format!("{EVENT}  - id: D-1\n    name: Ann Lee\n    pass: crew\n    valid_until: 2026-07-1שָׁלוֹם\n"),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .names_line("roster.yaml", 9..=9)
        .names_entry("D-1")
        .says("is not a date")
        .leaves_only(dir.path(), &["roster.yaml"])
        .done();
}

// Guards against a "billion laughs" alias bomb inside an entry exhausting memory or time.
#[test]
fn alias_bomb_inside_an_entry() {
    let dir = temp();
    let mut text = format!("{EVENT}  - id: BOMB-1\n    name: Ann Lee\n    pass: crew\n");
    text.push_str("    zones: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"); // line 9
    for i in 1..9 {
        let p = i - 1;
        let refs = vec![format!("*l{p}"); 9].join(", ");
        text.push_str(&format!("    l{i}: &l{i} [{refs}]\n")); // lines 10 to 17
    }
    roster(dir.path(), text);
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("alias")
        .names_line("roster.yaml", 10..=17)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("BOMB-1")
        .done();
}

// Guards against 20,000 levels of flow nesting ([[[[...) overflowing the stack.
#[test]
fn flow_nesting_20000_deep() {
    let dir = temp();
    let deep = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    roster(
        dir.path(),
        format!("{EVENT}  - id: DEEP-1\n    name: Ann Lee\n    pass: crew\n    zones: {deep}\n"),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .names_line("roster.yaml", 9..=9)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("DEEP-1")
        .done();
}

// Guards against 20,000 levels of block nesting (- - - ...) overflowing the stack.
#[test]
fn block_nesting_20000_deep() {
    let dir = temp();
    let deep = format!("{}x", "- ".repeat(20_000));
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: DEEP-2\n    name: Ann Lee\n    pass: crew\n    zones:\n      {deep}\n"
        ),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("deeper")
        .names_line("roster.yaml", 10..=10)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("DEEP-2")
        .done();
}

// Guards against a list where a text value belongs (`name: [a, b]`) being accepted or crashing.
#[test]
fn list_where_a_name_belongs() {
    let dir = temp();
    roster(dir.path(), format!("{EVENT}  - id: LIST-1\n    name: [a, b]\n    pass: crew\n"));
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("a list")
        .names_line("roster.yaml", 7..=7)
        .leaves_only(dir.path(), &["roster.yaml"])
        .names_entry("LIST-1")
        .done();
}

// Guards against a payload too long for any QR code (400 zones, which the
// payload carries): an error naming the entry, not a panic in the encoder.
#[test]
fn zones_too_many_for_a_qr_code() {
    let dir = temp();
    let zones: Vec<String> = (0..400).map(|i| format!("ZONE-NUMBER-{i}")).collect();
    let zones = zones.join(", ");
    roster(
        dir.path(),
        format!("{EVENT}  - id: Z-1\n    name: Ann Lee\n    pass: crew\n    zones: [{zones}]\n"),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    Checks::new(&t, 1)
        .says("more than a QR code holds")
        .names_line("roster.yaml", 6..=6)
        .names_entry("Z-1")
        .leaves_only(dir.path(), &["roster.yaml"])
        .done();
}

// Guards against a missing photo file: reported by entry and line, not a crash or an empty slot.
#[test]
fn missing_photo() {
    let dir = temp();
    guest_template(dir.path(), GUEST);
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: PH-1\n    name: Ann Lee\n    pass: guest\n    photo: photos/ann.jpg\n"
        ),
    );
    let t = laminate(
        dir.path(),
        &["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"],
    );
    Checks::new(&t, 1)
        .says("photos/ann.jpg")
        .names_line("roster.yaml", 9..=9)
        .leaves_only(dir.path(), &["roster.yaml", "templates"])
        .names_entry("PH-1")
        .done();
}

// Guards against corrupt photos (random bytes named .jpg, with and without a JPEG start marker).
#[test]
fn corrupt_photo() {
    let dir = temp();
    guest_template(dir.path(), GUEST);
    fs::create_dir(dir.path().join("photos")).unwrap();
    fs::write(dir.path().join("photos/noise.jpg"), noise(1, 20_000)).unwrap();
    let mut fake = vec![0xff, 0xd8, 0xff, 0xe0];
    fake.extend(noise(2, 20_000));
    fs::write(dir.path().join("photos/fake.jpg"), fake).unwrap();
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: PH-2\n    name: Ann Lee\n    pass: guest\n    photo: photos/noise.jpg\n  - id: PH-3\n    name: Tom Berg\n    pass: guest\n    photo: photos/fake.jpg\n"
        ),
    );
    let t = laminate(
        dir.path(),
        &["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"],
    );
    Checks::new(&t, 1)
        .says("photos/noise.jpg")
        .says("photos/fake.jpg")
        .names_line("roster.yaml", 9..=9)
        .names_line("roster.yaml", 13..=13)
        .leaves_only(dir.path(), &["roster.yaml", "templates", "photos"])
        .names_entry("PH-2")
        .names_entry("PH-3")
        .done();
}

// Guards against a PNG whose header claims 60000 x 60000 pixels (a decompression bomb) being allocated.
#[test]
fn png_claiming_60000_by_60000_pixels() {
    assert_eq!(crc32(b"IEND"), 0xae42_6082, "the CRC-32 of this test is wrong");
    let dir = temp();
    guest_template(dir.path(), GUEST);
    fs::create_dir(dir.path().join("photos")).unwrap();
    fs::write(dir.path().join("photos/huge.png"), png_header_then_garbage(60_000, 60_000)).unwrap();
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: PH-4\n    name: Ann Lee\n    pass: guest\n    photo: photos/huge.png\n"
        ),
    );
    let t = laminate(
        dir.path(),
        &["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"],
    );
    Checks::new(&t, 1)
        .says("photos/huge.png")
        .names_line("roster.yaml", 9..=9)
        .leaves_only(dir.path(), &["roster.yaml", "templates", "photos"])
        .names_entry("PH-4")
        .done();
}

// Guards against a template placeholder for a field that does not exist ({nmae}).
#[test]
fn template_with_an_unknown_field() {
    let dir = temp();
    guest_template(
        dir.path(),
        "card: cr80\nlabel: GUEST\nelements:\n  name: { type: text, x: 4, y: 4, width: 50, height: 10, text: \"{nmae}\" }\n",
    );
    roster(dir.path(), format!("{EVENT}  - id: T-1\n    name: Ann Lee\n    pass: guest\n"));
    let t = laminate(
        dir.path(),
        &["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"],
    );
    Checks::new(&t, 1)
        .says("{nmae}")
        .says("{name}")
        .names_line("templates/guest.yaml", 4..=4)
        .leaves_only(dir.path(), &["roster.yaml", "templates"])
        .done();
}

// Guards against a template element placed outside the card.
#[test]
fn template_element_outside_the_card() {
    let dir = temp();
    guest_template(
        dir.path(),
        "card: cr80\nlabel: GUEST\nelements:\n  name: { type: text, x: 4, y: 4, width: 50, height: 10, text: \"{name}\" }\n  qr: { type: qr, x: 70, y: 30, width: 30, height: 30 }\n",
    );
    roster(dir.path(), format!("{EVENT}  - id: T-2\n    name: Ann Lee\n    pass: guest\n"));
    let t = laminate(
        dir.path(),
        &["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"],
    );
    Checks::new(&t, 1)
        .says("outside")
        .names_line("templates/guest.yaml", 5..=5)
        .leaves_only(dir.path(), &["roster.yaml", "templates"])
        .done();
}

// Guards against writing into a folder that does not exist (and creating it).
#[test]
fn output_folder_does_not_exist() {
    let dir = temp();
    roster(dir.path(), GOOD);
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "missing/out.pdf"]);
    Checks::new(&t, 3).says("missing/out.pdf").leaves_only(dir.path(), &["roster.yaml"]).done();
}

// Guards against writing into a folder without write permission (as root: into /proc).
#[test]
fn output_folder_not_writable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp();
    roster(dir.path(), GOOD);
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
    let probe = locked.join("probe");
    let root_writes_anyway = fs::write(&probe, b"").is_ok();
    if root_writes_anyway {
        // chmod does not stop root; /proc refuses new files to everyone.
        fs::remove_file(&probe).unwrap();
        let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "/proc/laminate-test.pdf"]);
        let mut c = Checks::new(&t, 3).says("/proc/laminate-test.pdf");
        if Path::new("/proc/laminate-test.pdf").exists()
            || !leftovers(Path::new("/proc")).is_empty()
        {
            c.fail("a file was left in /proc".into());
        }
        c.leaves_only(dir.path(), &["roster.yaml", "locked"]).leaves_only(&locked, &[]).done();
    } else {
        let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "locked/out.pdf"]);
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        Checks::new(&t, 3)
            .says("locked/out.pdf")
            .leaves_only(dir.path(), &["roster.yaml", "locked"])
            .leaves_only(&locked, &[])
            .done();
    }
}

// Guards against an output path below a device (/dev/full/x.pdf): exit 3, nothing left in /dev.
#[test]
fn output_below_a_device() {
    let dir = temp();
    roster(dir.path(), GOOD);
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "/dev/full/x.pdf"]);
    let mut c = Checks::new(&t, 3).says("/dev/full/x.pdf");
    let left = leftovers(Path::new("/dev"));
    if !left.is_empty() {
        c.fail(format!("temporary files left in /dev: {left:?}"));
    }
    c.leaves_only(dir.path(), &["roster.yaml"]).done();
}

// Guards against a write that fails part-way (files capped at 8 KB, as on a full disk): no partial file.
#[test]
fn output_write_fails_part_way() {
    let dir = temp();
    roster(dir.path(), GOOD);
    let t = laminate_with_small_files(dir.path(), 16, &["render", "roster.yaml", "-o", "out.pdf"]);
    assert_ne!(t.run.status, 99, "this shell cannot limit file sizes: {}", t.run.stderr);
    Checks::new(&t, 3).says("out.pdf").leaves_only(dir.path(), &["roster.yaml"]).done();
}

// Guards against a full disk when writing the --dump file (/dev/full): exit 3 and no PDF left behind.
#[test]
fn dump_to_a_full_disk() {
    let dir = temp();
    roster(dir.path(), GOOD);
    let t =
        laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf", "--dump", "/dev/full"]);
    Checks::new(&t, 3).says("/dev/full").leaves_only(dir.path(), &["roster.yaml"]).done();
}

// Guards an existing good output file against being replaced or touched by a failed run.
#[test]
fn failed_runs_keep_the_existing_output() {
    let dir = temp();
    let old: &[u8] = b"%PDF-1.7\nprevious good output\n%%EOF\n";
    fs::write(dir.path().join("out.pdf"), old).unwrap();
    // An input failure: 20,000 levels of nesting.
    roster(
        dir.path(),
        format!(
            "{EVENT}  - id: DEEP-3\n    name: Ann Lee\n    pass: crew\n    zones: {}\n",
            "[".repeat(20_000)
        ),
    );
    let t = laminate(dir.path(), &["render", "roster.yaml", "-o", "out.pdf"]);
    let mut c = Checks::new(&t, 1).names_line("roster.yaml", 9..=9);
    if fs::read(dir.path().join("out.pdf")).unwrap() != old {
        c.fail("out.pdf was changed by a run that failed on its input".into());
    }
    c.leaves_only(dir.path(), &["roster.yaml", "out.pdf"]).done();
    // A write failure part-way through a good roster.
    roster(dir.path(), GOOD);
    let t = laminate_with_small_files(dir.path(), 16, &["render", "roster.yaml", "-o", "out.pdf"]);
    assert_ne!(t.run.status, 99, "this shell cannot limit file sizes: {}", t.run.stderr);
    let mut c = Checks::new(&t, 3).says("out.pdf");
    if fs::read(dir.path().join("out.pdf")).unwrap() != old {
        c.fail("out.pdf was changed by a run that failed to write".into());
    }
    c.leaves_only(dir.path(), &["roster.yaml", "out.pdf"]).done();
}

/// A roster of `n` crew passes in `dir`/big.yaml, big enough that a run
/// can be interrupted while it reads and while it writes.
fn big_roster(dir: &Path, n: usize) {
    let mut text =
        String::from("event: {name: Big Night, starts: 2026-07-10, ends: 2026-07-10}\npasses:\n");
    for i in 0..n {
        text.push_str(&format!("  - {{id: B-{i:05}, name: Holder Number {i}, pass: crew}}\n"));
    }
    fs::write(dir.join("big.yaml"), text).unwrap();
}

/// Starts `laminate args` in `dir`, sends it `signal` once a temporary file
/// exists (or, without `wait_for_part`, 30 ms after the start, before any
/// does), and returns its exit status and how long it ran on after the signal.
fn signal_mid_run(dir: &Path, args: &[&str], signal: &str, wait_for_part: bool) -> (i32, Duration) {
    let part = || {
        fs::read_dir(dir)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().ends_with(".part"))
    };
    let child = Command::new(env!("CARGO_BIN_EXE_laminate"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    if wait_for_part {
        while !part() {
            assert!(started.elapsed().as_secs() < 30, "no temporary file appeared");
            thread::sleep(Duration::from_millis(10));
        }
    } else {
        thread::sleep(Duration::from_millis(30));
        assert!(!part(), "the roster was read before the signal; the test needs a bigger one");
    }
    let signalled = Instant::now();
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    if code != 130 {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    (code, signalled.elapsed())
}

// Guards an interrupted run: Ctrl-C mid-render leaves no partial file and
// keeps the earlier output.
#[test]
fn interrupted_run_leaves_nothing_behind() {
    let dir = temp();
    big_roster(dir.path(), 40_000);
    fs::write(dir.path().join("out.pdf"), b"earlier good output").unwrap();
    let args = ["render", "big.yaml", "-o", "out.pdf", "--quiet", "--jobs", "1"];
    let (status, _) = signal_mid_run(dir.path(), &args, "-INT", true);
    assert_eq!(status, 130);
    assert_eq!(names_in(dir.path()), ["big.yaml", "out.pdf"]);
    assert_eq!(fs::read(dir.path().join("out.pdf")).unwrap(), b"earlier good output");
}

// Guards the promise that a signal ends a run within a second wherever it
// is: while the roster is still being read (before any file exists) and
// while sheets, manifest and dump are being written. Each run must end with
// status 130 and leave only what was there before.
#[test]
fn sigterm_ends_a_run_within_a_second_at_any_stage() {
    let dir = temp();
    big_roster(dir.path(), 60_000);
    let args =
        ["render", "big.yaml", "-o", "out.pdf", "-q", "--manifest", "m.csv", "--dump", "out.dump"];
    for (stage, wait_for_part) in [("reading the roster", false), ("writing", true)] {
        let (status, took) = signal_mid_run(dir.path(), &args, "-TERM", wait_for_part);
        assert_eq!(status, 130, "{stage}");
        assert!(took.as_millis() < 1000, "{stage}: the run went on for {took:?} after SIGTERM");
        assert_eq!(names_in(dir.path()), ["big.yaml"], "{stage}");
    }
}
