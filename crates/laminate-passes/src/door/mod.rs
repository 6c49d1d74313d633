//! The door page: turns public keys, a revocation list, reprint numbers and
//! the event into one self-contained offline HTML page that checks signed
//! pass payloads the way `laminate verify` does (see docs/door.md).
//!
//! The page is plain HTML, CSS and JavaScript kept beside this module
//! (`page/`), with the vendored QR decoder, zxing-cpp's WebAssembly build
//! (`vendor/zxing-wasm/`); everything it needs is inlined here, and its
//! Content-Security-Policy forbids every network request (`default-src
//! 'none'`, `connect-src 'none'`). Its scripts are allowed by their SHA-256
//! hashes, not by `'unsafe-inline'`, so that nothing injected into the page
//! can run; `'wasm-unsafe-eval'` lets it compile the decoder, and nothing
//! more.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ed25519_dalek::VerifyingKey;
use jiff::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, FileId, Sources, Span};
use crate::load::reprint::Reprints;
use crate::load::roster::Event;
use crate::outcome::Failure;
use crate::resolve::sign::Revocations;

const TEMPLATE: &str = include_str!("page/door.html");
const STYLE: &str = include_str!("page/door.css");
const SCRIPT: &str = include_str!("page/door.js");
const ZXING: &str = include_str!("vendor/zxing-wasm/zxing_reader.js");
const ZXING_WASM: &[u8] = include_bytes!("vendor/zxing-wasm/zxing_reader.wasm");
const SERVICE_WORKER: &str = include_str!("page/sw.js");

/// A public key the page accepts, with the name it is shown under.
#[derive(Clone, Debug)]
pub struct DoorKey {
    /// Shown beside the fingerprint, e.g. the key file's name.
    pub label: String,
    /// The key.
    pub key: VerifyingKey,
}

/// Everything a door page is made from.
#[derive(Clone, Debug, Default)]
pub struct DoorOptions {
    /// The keys, newest first (several during a key rotation).
    pub keys: Vec<DoorKey>,
    /// Revoked passes (`verify --revoked`).
    pub revoked: Revocations,
    /// The latest reprint number of each reprinted pass (the roster's
    /// `.reprints` file): an older card is refused as superseded.
    pub reprints: Reprints,
    /// The event, from a roster: its name, dates and time zone.
    pub event: Option<Event>,
    /// A pass id of the event's roster, shown as an example in the field
    /// where a payload or an id is typed.
    pub example_id: Option<String>,
    /// The zones the door's zone menu offers; the first is chosen at first.
    pub zones: Vec<String>,
    /// Whether the zone is checked at first (`--zone` given).
    pub zone_checked: bool,
    /// The door's name written into the log (editable in the page).
    pub door_name: String,
    /// When the page was made; the page warns when the device's clock is
    /// earlier than this.
    pub created: Timestamp,
    /// The file name of the service worker and manifest written beside the
    /// page (`--pwa`), relative to it; none for a page that stands alone.
    pub pwa: Option<PwaNames>,
}

/// The names of the files written beside a page for installing it.
#[derive(Clone, Debug)]
pub struct PwaNames {
    /// The page's own file name, cached by the service worker.
    pub page: String,
    /// The service worker's file name.
    pub worker: String,
    /// The web app manifest's file name.
    pub manifest: String,
}

/// A key's fingerprint as the page shows it: the first 8 bytes of the
/// SHA-256 of the 32 key bytes, in hex groups of four (`1a2b 3c4d ...`).
pub fn fingerprint(key: &VerifyingKey) -> String {
    let hash = Sha256::digest(key.as_bytes());
    let hex = data_encoding::HEXLOWER.encode(&hash[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Serialize)]
struct Config<'a> {
    format: &'static str,
    version: &'static str,
    created: String,
    keys: Vec<KeyJson>,
    revoked: Vec<(&'a str, Option<u32>)>,
    reprints: &'a BTreeMap<String, u32>,
    event: Option<EventJson>,
    zones: &'a [String],
    zone_checked: bool,
    door: &'a str,
    pwa: Option<PwaJson<'a>>,
}

#[derive(Serialize)]
struct KeyJson {
    label: String,
    hex: String,
    fingerprint: String,
}

#[derive(Serialize)]
struct EventJson {
    name: String,
    id: String,
    venue: Option<String>,
    starts: String,
    ends: String,
    timezone: Option<String>,
}

#[derive(Serialize)]
struct PwaJson<'a> {
    worker: &'a str,
}

/// The SHA-256 of an inline script or style, as CSP names it.
fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", data_encoding::BASE64.encode(&Sha256::digest(text.as_bytes())))
}

/// The decoder's WebAssembly as the page carries it: gzipped (946 KB to
/// about 410 KB; the page unpacks it with `DecompressionStream`, which every
/// browser with WebCrypto Ed25519 has) and in base64. Made once a process.
fn zxing_wasm() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(ZXING_WASM).expect("writes to memory");
        data_encoding::BASE64.encode(&gz.finish().expect("writes to memory"))
    })
}

/// JSON that is safe inside a `<script type="application/json">`: no `</`
/// that could end the element, no `<!--` that could start a comment.
fn json_in_html(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain data is JSON").replace('<', "\\u003c")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The page's HTML.
pub fn page(opts: &DoorOptions) -> String {
    let config = Config {
        format: "laminate-door",
        version: env!("CARGO_PKG_VERSION"),
        created: opts.created.to_string(),
        keys: opts
            .keys
            .iter()
            .map(|k| KeyJson {
                label: k.label.clone(),
                hex: data_encoding::HEXLOWER.encode(k.key.as_bytes()),
                fingerprint: fingerprint(&k.key),
            })
            .collect(),
        revoked: opts.revoked.entries().collect(),
        reprints: &opts.reprints,
        event: opts.event.as_ref().map(|e| EventJson {
            name: e.name.clone(),
            id: e.id.clone(),
            venue: e.venue.clone(),
            starts: e.starts.to_string(),
            ends: e.ends.to_string(),
            timezone: e.timezone.as_ref().map(|z| z.name.clone()),
        }),
        zones: &opts.zones,
        zone_checked: opts.zone_checked,
        door: &opts.door_name,
        pwa: opts.pwa.as_ref().map(|p| PwaJson { worker: &p.worker }),
    };
    let title = match &opts.event {
        Some(e) => format!("Door: {}", e.name),
        None => "Door".to_string(),
    };
    let manifest_link = match &opts.pwa {
        Some(p) => format!("<link rel=\"manifest\" href=\"{}\">", escape_html(&p.manifest)),
        None => String::new(),
    };
    // The service worker and manifest come from the page's own origin
    // ('self'), and only when `--pwa` wrote them; everything else is inline.
    let pwa_src = if opts.pwa.is_some() { "'self'" } else { "'none'" };
    let csp = format!(
        "default-src 'none'; script-src 'wasm-unsafe-eval' {} {}; style-src {}; \
         img-src data: blob:; media-src blob: mediastream:; connect-src 'none'; \
         worker-src {pwa_src}; manifest-src {pwa_src}; base-uri 'none'; form-action 'none'",
        csp_hash(ZXING),
        csp_hash(SCRIPT),
        csp_hash(STYLE),
    );
    let placeholder = match &opts.example_id {
        Some(id) => format!("L1:... or {id}"),
        None => "L1:... or a pass id".to_string(),
    };
    fill(
        TEMPLATE,
        &[
            ("CSP", &escape_html(&csp)),
            ("TITLE", &escape_html(&title)),
            ("MANIFEST", &manifest_link),
            ("STYLE", STYLE),
            ("CONFIG", &json_in_html(&config)),
            ("PLACEHOLDER", &escape_html(&placeholder)),
            ("ZXING_WASM", zxing_wasm()),
            ("ZXING", ZXING),
            ("SCRIPT", SCRIPT),
        ],
    )
}

/// `template` with each `{{NAME}}` replaced by its value, in one pass: a
/// value (an event's name, a door's name) that holds `{{SCRIPT}}` stays
/// as it is.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let value = after.find("}}").and_then(|end| {
            values.iter().find(|(name, _)| *name == &after[..end]).map(|(_, v)| (*v, end))
        });
        match value {
            Some((v, end)) => {
                out.push_str(v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The service worker written beside the page by `--pwa`: it keeps the
/// page in the browser's cache, so that it opens with no network.
pub fn service_worker(names: &PwaNames, page_html: &str) -> String {
    // The page's hash names the cache, so a new page replaces the old one.
    let hash = data_encoding::HEXLOWER.encode(&Sha256::digest(page_html.as_bytes())[..8]);
    SERVICE_WORKER
        .replace("{{CACHE}}", &format!("laminate-door-{hash}"))
        .replace("{{FILES}}", &json_in_html(&["./", &names.page, &names.manifest]))
}

/// The web app manifest written beside the page by `--pwa`.
pub fn manifest(names: &PwaNames, event: Option<&Event>) -> String {
    let name = match event {
        Some(e) => format!("Door: {}", e.name),
        None => "laminate door".to_string(),
    };
    // One SVG icon, inline: a green tick on a dark square.
    let icon = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 96 96'%3E%3Crect width='96' height='96' rx='16' fill='%23111'/%3E%3Cpath d='M24 50l16 16 32-36' stroke='%2300c853' stroke-width='10' fill='none'/%3E%3C/svg%3E";
    let value = serde_json::json!({
        "name": name,
        "short_name": "Door",
        "start_url": names.page,
        "scope": "./",
        "display": "fullscreen",
        "background_color": "#111111",
        "theme_color": "#111111",
        "icons": [{ "src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any" }],
    });
    serde_json::to_string_pretty(&value).expect("plain data is JSON")
}

/// What `laminate door` is asked to make.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Public key files, newest first.
    pub public_keys: Vec<PathBuf>,
    /// A revocation list (`verify --revoked`).
    pub revoked: Option<PathBuf>,
    /// A roster whose event (name, dates, time zone) the page shows and checks
    /// days in; its `.reprints` file is read too, when there is one.
    pub event: Option<PathBuf>,
    /// A reprint state file to use instead of the roster's.
    pub reprints: Option<PathBuf>,
    /// The zones the door offers; the first is checked at first.
    pub zones: Vec<String>,
    /// The door's name in the log.
    pub door_name: String,
    /// When the page is made (seconds since 1970).
    pub created: i64,
    /// The page to write.
    pub output: PathBuf,
    /// Also write a service worker and a manifest beside the page.
    pub pwa: bool,
}

/// What `laminate door` wrote.
#[derive(Debug)]
pub struct Written {
    /// The files, the page first.
    pub files: Vec<PathBuf>,
    /// The page's size in bytes.
    pub bytes: usize,
    /// The page's options (keys, lists, event).
    pub options: DoorOptions,
}

fn read_list(path: &Path, sources: &mut Sources) -> Result<(String, FileId), Failure> {
    let text = std::fs::read_to_string(path).map_err(|source| Failure::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    })?;
    let file = sources.add(path.display().to_string(), text.clone().into());
    Ok((text, file))
}

/// Reads the keys, lists and event of `req`, and writes the page (and, with
/// `pwa`, its service worker and manifest), each whole or not at all.
pub fn make(req: &Request) -> Result<Written, Failure> {
    let mut keys = Vec::new();
    for path in &req.public_keys {
        let key = crate::resolve::sign::load_public_key(path).map_err(Failure::Key)?;
        let label = path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned();
        keys.push(DoorKey { label, key });
    }
    let mut sources = Sources::default();
    let mut found = Vec::new();
    let revoked = match &req.revoked {
        None => Revocations::default(),
        Some(path) => {
            let (text, file) = read_list(path, &mut sources)?;
            Revocations::parse(&text).unwrap_or_else(|(line, why)| {
                let span = Span { file, line: line as u32, col: 0, len: 1 };
                found.push(
                    Diagnostic::error(span, format!("bad revocation list line: {why}")).hint(
                        "write one pass id a line, or an id and the reprint number to revoke",
                    ),
                );
                Revocations::default()
            })
        }
    };
    let mut event = None;
    let mut example_id = None;
    let mut zones = req.zones.clone();
    let mut reprints_path = req.reprints.clone();
    if let Some(path) = &req.event {
        let roster = crate::load::sources::load_path(
            path,
            crate::load::sources::From::Auto,
            &mut sources,
            &mut found,
        )?;
        if let Some(roster) = roster {
            event = Some(roster.event);
            example_id = roster.entries.first().map(|e| e.id.to_string());
            // The zones named in the roster, after those given, for the menu.
            for z in roster.entries.iter().filter_map(|e| e.zones.as_ref()).flatten() {
                if !zones.iter().any(|have| have.eq_ignore_ascii_case(z)) {
                    zones.push(z.clone());
                }
            }
        }
        if reprints_path.is_none() && !crate::load::sources::is_stdin(path) {
            let beside = crate::load::reprint::state_path(path);
            reprints_path = beside.exists().then_some(beside);
        }
    }
    if found.iter().any(|d| d.severity == crate::diag::Severity::Error) {
        return Err(Failure::Input { sources, diagnostics: found });
    }
    let reprints = match &reprints_path {
        Some(p) => crate::load::reprint::load(p).map_err(Failure::Reprints)?,
        None => Reprints::new(),
    };
    let names = req.pwa.then(|| {
        let page = req.output.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let stem = req.output.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        PwaNames { page, worker: format!("{stem}-sw.js"), manifest: format!("{stem}.webmanifest") }
    });
    let options = DoorOptions {
        keys,
        revoked,
        reprints,
        event,
        example_id,
        zone_checked: !req.zones.is_empty(),
        zones,
        door_name: req.door_name.clone(),
        created: Timestamp::from_second(req.created).unwrap_or(Timestamp::UNIX_EPOCH),
        pwa: names.clone(),
    };
    let html = page(&options);
    let mut files = vec![(req.output.clone(), html.clone())];
    if let Some(n) = &names {
        let dir = req.output.parent().unwrap_or(Path::new(""));
        files.push((dir.join(&n.worker), service_worker(n, &html)));
        files.push((dir.join(&n.manifest), manifest(n, options.event.as_ref())));
    }
    let inputs: Vec<&PathBuf> = req
        .public_keys
        .iter()
        .chain(&req.revoked)
        .chain(&req.event)
        .chain(&reprints_path)
        .collect();
    for (path, _) in &files {
        // Never over one of its own inputs (the same file, by any name).
        if let Ok(out) = path.canonicalize() {
            if inputs.iter().any(|i| i.canonicalize().is_ok_and(|i| i == out)) {
                return Err(Failure::Io {
                    action: "will not write over its own input",
                    path: path.clone(),
                    source: std::io::Error::other("choose another output file"),
                });
            }
        }
    }
    for (path, text) in &files {
        crate::atomic::write(path, text.as_bytes()).map_err(|source| Failure::Io {
            action: "cannot write",
            path: path.clone(),
            source,
        })?;
    }
    Ok(Written { files: files.into_iter().map(|(p, _)| p).collect(), bytes: html.len(), options })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> DoorOptions {
        DoorOptions {
            keys: vec![DoorKey {
                label: "k.pub".into(),
                key: ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]).verifying_key(),
            }],
            door_name: "Gate </script><b>".into(),
            created: "2026-07-01T00:00:00Z".parse().unwrap(),
            ..DoorOptions::default()
        }
    }

    #[test]
    fn the_page_inlines_everything_and_allows_its_scripts_by_hash() {
        let html = page(&opts());
        assert!(!html.contains("{{"), "every placeholder is filled");
        assert!(html.contains(&csp_hash(SCRIPT)) && html.contains(&csp_hash(ZXING)));
        assert!(html.contains("script-src 'wasm-unsafe-eval' 'sha256-"));
        assert!(!html.contains("unsafe-inline") && !html.contains("'unsafe-eval'"));
        assert!(html.contains("connect-src 'none'"));
        // The door name cannot end the config element early.
        assert!(html.contains("Gate \\u003c/script>\\u003cb>"), "JSON escaped");
        assert_eq!(html.matches("</script>").count(), 4, "config, WebAssembly, zxing, door.js");
        assert!(html.len() < 1_500_000, "one file under 1.5 MB: {} bytes", html.len());
    }

    // Guards issue 28: the WebAssembly the page unpacks is the vendored
    // file, byte for byte, and the vendored files are those whose sha256
    // the repository records.
    #[test]
    fn the_page_carries_the_vendored_decoder_unchanged() {
        use std::io::Read;
        let html = page(&opts());
        let start = html.find("id=\"zxing-wasm\">").expect("the WebAssembly element") + 16;
        let b64 = &html[start..start + html[start..].find('<').expect("its end")];
        let gz = data_encoding::BASE64.decode(b64.trim().as_bytes()).expect("base64");
        let mut wasm = Vec::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_end(&mut wasm).expect("gzip");
        assert!(wasm == ZXING_WASM, "the page's WebAssembly is the vendored file");
        let sums = include_str!("vendor/zxing-wasm/SHA256SUMS");
        for (bytes, name) in
            [(ZXING.as_bytes(), "zxing_reader.js"), (ZXING_WASM, "zxing_reader.wasm")]
        {
            let hex = data_encoding::HEXLOWER.encode(&Sha256::digest(bytes));
            assert!(
                sums.contains(&format!("{hex}  {name}\n")),
                "{name}: sha256 {hex} not in SHA256SUMS"
            );
        }
    }

    // Guards the placeholders: a door or event name that holds one is
    // written as it is, not replaced by the page's script.
    #[test]
    fn names_that_look_like_placeholders_stay_as_they_are() {
        let html = page(&DoorOptions { door_name: "{{SCRIPT}} {{ZXING_WASM}}".into(), ..opts() });
        assert!(html.contains("\"door\":\"{{SCRIPT}} {{ZXING_WASM}}\""));
        assert_eq!(html.matches("use strict").count(), 1, "door.js once");
        assert_eq!(fill("a {{X}} {{Y}} {{", &[("X", "{{Y}}")]), "a {{Y}} {{Y}} {{");
    }

    #[test]
    fn the_example_id_is_the_event_rosters() {
        assert!(page(&opts()).contains("placeholder=\"L1:... or a pass id\""));
        let html = page(&DoorOptions { example_id: Some("AV-0001".into()), ..opts() });
        assert!(html.contains("placeholder=\"L1:... or AV-0001\""));
    }

    #[test]
    fn fingerprints_are_short_grouped_hex() {
        let f = fingerprint(&opts().keys[0].key);
        assert_eq!(f.len(), 19, "{f}");
        assert_eq!(f.split(' ').count(), 4);
    }
}
