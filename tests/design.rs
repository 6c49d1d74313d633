//! `laminate design`: the server's safety checks over raw HTTP, and the page
//! in a real browser (headless Chromium driven by Playwright) editing a
//! copy of the templates, with the saved YAML rendered by the CLI.

mod util;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use util::{have, laminate_in, root, temp, tool};

/// A running `laminate design`, stopped when dropped.
struct Designer {
    child: Child,
    port: u16,
    token: String,
    url: String,
}

impl Drop for Designer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn design(dir: &Path, args: &[&str]) -> Designer {
    let mut child = Command::new(env!("CARGO_BIN_EXE_laminate"))
        .arg("design")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("laminate runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().to_string();
    let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("a URL: {url:?}"));
    let (port, query) = rest.split_once('/').unwrap();
    let token = query.strip_prefix("?token=").unwrap().to_string();
    assert_eq!(token.len(), 32, "128 bits of token: {url}");
    Designer { child, port: port.parse().unwrap(), token, url }
}

#[test]
fn a_copy_of_the_built_in_set_is_saved_only_into_a_new_folder_named_in_the_page() {
    let dir = temp();
    let d = design(dir.path(), &[]);
    let view = r#""pass":"crew","side":"front","entry":1,"zoom":4"#;
    let edit =
        format!(r#"{{{view},"edits":[{{"op":"set","element":"qr","key":"x","value":"55"}}]}}"#);
    assert_eq!(post(&d, "/api/edit", &edit).0, 200);
    let save =
        |folder: &str| post(&d, "/api/save", &format!(r#"{{{view},"folder":"{folder}"}}"#)).1;
    assert!(save("").contains("name a new folder"));
    let body = save("../out");
    assert!(body.contains("no .., no absolute path"), "{body}");
    assert!(save("/tmp/x").contains("no .., no absolute path"));
    fs::create_dir(dir.path().join("full")).unwrap();
    fs::write(dir.path().join("full/keep.txt"), "x").unwrap();
    assert!(save("full").contains("is not empty"));
    let body = save("mine");
    assert!(body.contains("saved all-access.yaml, base.yaml, crew.yaml"), "{body}");
    let base = fs::read_to_string(dir.path().join("mine/base.yaml")).unwrap();
    assert!(base.contains("qr: { type: qr, x: 55, y: "), "{base}");
    drop(d);
    fs::write(dir.path().join("roster.yaml"), laminate_passes::init::STARTER_ROSTER).unwrap();
    let run = laminate_in(dir.path(), &["validate", "roster.yaml", "--templates", "mine"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}

#[test]
fn a_template_folder_that_cannot_be_read_stops_it_as_render_does() {
    // Regression: the message said "cannot write" about a folder it read.
    let dir = temp();
    let run = laminate_in(dir.path(), &["design", "--templates", "missing"], &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.starts_with("laminate: error: cannot read missing: "), "{}", run.stderr);
    fs::create_dir(dir.path().join("empty")).unwrap();
    let run = laminate_in(dir.path(), &["design", "--templates", "empty"], &[]);
    assert_eq!(run.stderr, "laminate: error: empty holds no template (.yaml) files\n");
}

#[test]
fn ctrl_c_stops_the_designer() {
    let dir = project();
    let mut d = design(&dir.path().join("p"), &["roster.yaml", "--templates", "templates"]);
    let pid = d.child.id().to_string();
    tool("kill", &["-INT", &pid]);
    let status = d.child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

/// Sends one raw HTTP request; the status code and the body.
fn http(port: u16, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(out.len());
    let head = String::from_utf8_lossy(&out[..split]).to_ascii_lowercase();
    let code = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let mut body = &out[(split + 4).min(out.len())..];
    if !head.contains("transfer-encoding: chunked") {
        return (code, String::from_utf8_lossy(body).into_owned());
    }
    // Larger answers come in chunks (hex size, CRLF, data, CRLF; size 0
    // ends), split anywhere, even inside a character: joined as bytes.
    let mut whole = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&body[..eol]).trim().to_string();
        let n = usize::from_str_radix(&size, 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        whole.extend_from_slice(&body[eol + 2..eol + 2 + n]);
        body = &body[eol + 4 + n..];
    }
    (code, String::from_utf8_lossy(&whole).into_owned())
}

fn get(d: &Designer, path: &str, host: &str, extra: &str) -> (u16, String) {
    http(
        d.port,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{extra}Connection: close\r\n\r\n"),
    )
}

fn post(d: &Designer, path: &str, body: &str) -> (u16, String) {
    let host = format!("127.0.0.1:{}", d.port);
    http(
        d.port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nX-Laminate-Token: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            d.token,
            body.len()
        ),
    )
}

/// A project as `laminate init` makes it: DIR/roster.yaml, DIR/templates.
fn project() -> tempfile::TempDir {
    let dir = temp();
    let run = laminate_in(dir.path(), &["init", "p"], &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    dir
}

#[test]
fn requests_without_the_token_from_another_host_or_origin_are_refused() {
    let dir = project();
    let d = design(&dir.path().join("p"), &["roster.yaml", "--templates", "templates"]);
    let host = format!("127.0.0.1:{}", d.port);
    let with = format!("/api/state?token={}", d.token);
    assert_eq!(get(&d, &with, &host, "").0, 200);
    assert_eq!(get(&d, &with, &format!("localhost:{}", d.port), "").0, 200);
    let (code, body) = get(&d, "/api/state", &host, "");
    assert_eq!(code, 403, "{body}");
    assert_eq!(get(&d, "/api/state?token=0123", &host, "").0, 403);
    assert_eq!(get(&d, "/", &host, "").0, 403);
    // DNS rebinding: a foreign name that resolves here, or a foreign page.
    assert_eq!(get(&d, &with, &format!("evil.example:{}", d.port), "").0, 403);
    assert_eq!(get(&d, &with, &host, "Origin: http://evil.example\r\n").0, 403);
    assert_eq!(get(&d, &with, &host, &format!("Origin: http://{host}\r\n")).0, 200);
    // The page itself comes with the token.
    let (code, page) = get(&d, &format!("/?token={}", d.token), &host, "");
    assert_eq!(code, 200);
    assert!(page.contains("laminate design") && page.contains("__designer"));
}

#[test]
fn only_template_files_inside_the_folder_are_read_or_written() {
    let dir = project();
    let p = dir.path().join("p");
    let d = design(&p, &["roster.yaml", "--templates", "templates"]);
    let host = format!("127.0.0.1:{}", d.port);
    let file = |name: &str| get(&d, &format!("/api/file?name={name}&token={}", d.token), &host, "");
    assert_eq!(file("base.yaml").0, 200);
    for bad in ["../roster.yaml", "/etc/passwd", "..%2Froster.yaml", "templates/base.yaml"] {
        let (code, body) = file(bad);
        assert_eq!(code, 404, "{bad}: {body}");
    }
    // An image file named in the page must be inside the folder too.
    let view0 = r#""pass":"crew","side":"front","entry":0,"zoom":4"#;
    fs::write(p.join("templates/logo.png"), b"not really").unwrap();
    std::os::unix::fs::symlink("/etc/hostname", p.join("templates/out.png")).unwrap();
    let add = format!(r#"{{{view0},"edits":[{{"op":"add","kind":"image","x":1,"y":1}}]}}"#);
    assert_eq!(post(&d, "/api/edit", &add).0, 200);
    for bad in ["../roster.yaml", "/etc/hostname", "out.png"] {
        let edit = format!(
            r#"{{{view0},"edits":[{{"op":"set","element":"image1","key":"file","value":"{bad}"}}]}}"#
        );
        let (_, body) = post(&d, "/api/edit", &edit);
        assert!(body.contains("must be a file inside the template folder"), "{bad}: {body}");
    }
    // A body larger than the cap is refused unread.
    let big = format!("{{\"pass\":\"{}\"}}", "x".repeat(70_000));
    assert_eq!(post(&d, "/api/render", &big).0, 413);
    // A template file swapped for a symbolic link to a file outside the
    // folder is not written through.
    let outside = p.join("outside.yaml");
    fs::write(&outside, "untouched\n").unwrap();
    let view = r#""pass":"crew","side":"front","entry":0,"zoom":4"#;
    let edit =
        format!(r#"{{{view},"edits":[{{"op":"set","element":"name","key":"x","value":"7"}}]}}"#);
    let (code, body) = post(&d, "/api/edit", &edit);
    assert_eq!(code, 200, "{body}");
    let base = p.join("templates/base.yaml");
    fs::remove_file(&base).unwrap();
    std::os::unix::fs::symlink(&outside, &base).unwrap();
    let (_, body) = post(&d, "/api/save", &format!("{{{view}}}"));
    assert!(body.contains("is not a plain file"), "{body}");
    assert_eq!(fs::read_to_string(&outside).unwrap(), "untouched\n");
}

#[test]
fn saving_refuses_when_the_file_changed_on_disk() {
    let dir = project();
    let p = dir.path().join("p");
    let d = design(&p, &["roster.yaml", "--templates", "templates"]);
    let view = r#""pass":"crew","side":"front","entry":0,"zoom":4"#;
    let edit =
        format!(r#"{{{view},"edits":[{{"op":"set","element":"qr","key":"x","value":"59"}}]}}"#);
    assert_eq!(post(&d, "/api/edit", &edit).0, 200);
    let base = p.join("templates/base.yaml");
    let theirs = fs::read_to_string(&base).unwrap() + "# edited elsewhere\n";
    fs::write(&base, &theirs).unwrap();
    let (_, body) = post(&d, "/api/save", &format!("{{{view}}}"));
    assert!(body.contains("changed on disk"), "{body}");
    assert!(body.contains("\"conflict\":true"), "the page is told to offer Reload: {body}");
    assert_eq!(fs::read_to_string(&base).unwrap(), theirs);
    // Reload takes the file as it is now; the edit is dropped.
    let (_, body) = post(&d, "/api/reload", &format!("{{{view}}}"));
    assert!(body.contains("\"changed\":[]"), "{body}");
}

#[test]
fn a_template_the_page_cannot_accept_gets_the_clis_diagnostics() {
    let dir = project();
    let d = design(&dir.path().join("p"), &["roster.yaml", "--templates", "templates"]);
    let view = r#""pass":"crew","side":"front","entry":0,"zoom":4"#;
    let edit = format!(
        r#"{{{view},"edits":[{{"op":"set","element":"name","key":"font","value":"comic"}}]}}"#
    );
    let (_, body) = post(&d, "/api/edit", &edit);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let errors = v["card"]["errors"].as_str().unwrap();
    assert!(errors.contains("base.yaml:") && errors.contains("comic"), "{errors}");
}

/// True when Python has Playwright; like [`have`], a failure when
/// `LAMINATE_REQUIRE_TOOLS` is set (scripts/test installs it).
fn have_playwright() -> bool {
    util::have_helper("Playwright for Python", || {
        Command::new("python3")
            .args(["-c", "import playwright"])
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// The x of the first word `word` on page 1, in pt, from `pdftotext -bbox`.
fn word_x(pdf: &Path, word: &str) -> f64 {
    let out = tool("pdftotext", &["-bbox", &pdf.display().to_string(), "-"]);
    let line = out.lines().find(|l| l.ends_with(&format!(">{word}</word>"))).expect(word);
    let x = line.split("xMin=\"").nth(1).unwrap().split('"').next().unwrap();
    x.parse().unwrap()
}

#[test]
fn the_page_drags_nudges_undoes_sets_a_size_and_saves_only_that() {
    if !have("chromium") || !have("pdftotext") || !have_playwright() {
        return;
    }
    let dir = project();
    let p = dir.path().join("p");
    let before = fs::read_to_string(p.join("templates/base.yaml")).unwrap();
    let d = design(&p, &["roster.yaml", "--templates", "templates"]);
    let shot = dir.path().join("designer.png");
    let out = Command::new("python3")
        .arg(root().join("tests/browser/designer.py"))
        .arg(&d.url)
        .arg(&shot)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // What the page saw, with the nudge's time from request to picture.
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    drop(d);
    // Only the name's x (4 -> 9 mm) and size (15 -> 13 pt) changed; every
    // comment and every other byte is as it was.
    let after = fs::read_to_string(p.join("templates/base.yaml")).unwrap();
    let changed: Vec<(&str, &str)> =
        before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(before.lines().count(), after.lines().count());
    assert_eq!(changed.len(), 2, "{changed:#?}");
    assert_eq!(changed[0], ("    x: 4", "    x: 9"));
    assert_eq!(changed[1], ("    size: 15", "    size: 13"));
    // The CLI renders the saved template with the name 5 mm further right.
    let args = ["render", "roster.yaml", "--sheet", "card", "--only", "HJN-002"];
    let old_dir = dir.path().join("old");
    fs::create_dir(&old_dir).unwrap();
    fs::copy(p.join("templates/all-access.yaml"), old_dir.join("all-access.yaml")).unwrap();
    fs::write(old_dir.join("base.yaml"), &before).unwrap();
    let run =
        laminate_in(&p, &[&args[..], &["--templates", "../old", "-o", "old.pdf"]].concat(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let run =
        laminate_in(&p, &[&args[..], &["--templates", "templates", "-o", "new.pdf"]].concat(), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let moved = word_x(&p.join("new.pdf"), "Tom") - word_x(&p.join("old.pdf"), "Tom");
    assert!((moved - 5.0 * 72.0 / 25.4).abs() < 0.05, "moved {moved} pt");
    // The screenshot the README shows: written when missing or with
    // LAMINATE_BLESS=1 (a browser's pixels vary, so not on every run).
    let shot_bytes = fs::read(&shot).unwrap();
    assert!(shot_bytes.starts_with(b"\x89PNG"));
    let readme_shot = root().join("docs/designer.png");
    if std::env::var_os("LAMINATE_BLESS").is_some() || !readme_shot.exists() {
        fs::write(readme_shot, shot_bytes).unwrap();
    }
}
