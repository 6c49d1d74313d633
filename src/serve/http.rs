//! The designer's HTTP side: turns requests on 127.0.0.1 into calls on the
//! [`Designer`], after the checks that keep other pages and other users of
//! the machine out (token, Host, Origin, body size).

use std::io::Read;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::serve::designer::{Designer, Options, View, MAX_BODY};
use laminate_passes::Failure;

const PAGE: &str = include_str!("page/index.html");
const STYLE: &str = include_str!("page/style.css");
const SCRIPT: &str = include_str!("page/app.js");

/// Why a request is refused.
struct Refusal(u16, &'static str);

/// Binds 127.0.0.1:`port` (never another interface) and answers requests
/// one at a time until the process is stopped.
pub fn run(mut designer: Designer, port: u16, ready: &mut dyn FnMut(&str)) -> Result<(), Failure> {
    let addr = format!("127.0.0.1:{port}");
    let server = Server::http(&addr).map_err(|e| Failure::Io {
        action: "cannot listen on",
        path: addr.clone().into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let port = server.server_addr().to_ip().map_or(port, |a| a.port());
    let token = token().map_err(|e| Failure::Io {
        action: "cannot make a session token for",
        path: addr.into(),
        source: std::io::Error::other(e.to_string()),
    })?;
    ready(&format!("http://127.0.0.1:{port}/?token={token}"));
    for mut request in server.incoming_requests() {
        let answer = match check(&mut request, port, &token) {
            Ok(body) => route(&mut designer, &request, &body),
            Err(Refusal(code, why)) => text(code, why),
        };
        let _ = request.respond(answer);
    }
    Ok(())
}

/// 128 random bits from the operating system, as hex.
fn token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn header<'r>(request: &'r Request, name: &'static str) -> Option<&'r str> {
    request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str())
}

fn query<'u>(url: &'u str, key: &str) -> Option<&'u str> {
    let (_, q) = url.split_once('?')?;
    q.split('&').find_map(|p| p.strip_prefix(key)?.strip_prefix('='))
}

/// The checks every request passes before it is looked at; the body.
fn check(request: &mut Request, port: u16, token: &str) -> Result<Vec<u8>, Refusal> {
    // DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still
    // sends its own name as Host, and its own origin.
    let ours = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if !header(request, "Host").is_some_and(|h| ours.iter().any(|o| o == h)) {
        return Err(Refusal(403, "refused: the Host header is not this designer's address"));
    }
    if let Some(origin) = header(request, "Origin") {
        if !ours.iter().any(|o| origin == format!("http://{o}")) {
            return Err(Refusal(403, "refused: the request comes from another site"));
        }
    }
    let given = header(request, "X-Laminate-Token").or_else(|| query(request.url(), "token"));
    // Compared in full whatever the first difference, so timing tells nothing.
    let same = given.is_some_and(|g| {
        g.len() == token.len() && g.bytes().zip(token.bytes()).fold(0, |d, (a, b)| d | (a ^ b)) == 0
    });
    if !same {
        return Err(Refusal(
            403,
            "refused: open the address laminate design printed (it carries the token)",
        ));
    }
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return Err(Refusal(413, "refused: the request is too large"));
    }
    let mut body = Vec::new();
    let read = request.as_reader().take(MAX_BODY as u64 + 1).read_to_end(&mut body);
    if read.is_err() || body.len() > MAX_BODY {
        return Err(Refusal(413, "refused: the request is too large"));
    }
    Ok(body)
}

type Answer = Response<std::io::Cursor<Vec<u8>>>;

fn with_type(body: Vec<u8>, code: u16, content_type: &str) -> Answer {
    let h =
        |k: &str, v: &str| Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header");
    Response::from_data(body)
        .with_status_code(code)
        .with_header(h("Content-Type", content_type))
        .with_header(h("Cache-Control", "no-store"))
        .with_header(h("X-Content-Type-Options", "nosniff"))
        .with_header(h("X-Frame-Options", "DENY"))
        .with_header(h(
            "Content-Security-Policy",
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; frame-ancestors 'none'",
        ))
}

fn text(code: u16, body: &str) -> Answer {
    with_type(body.as_bytes().to_vec(), code, "text/plain; charset=utf-8")
}

fn json(value: &serde_json::Value) -> Answer {
    with_type(value.to_string().into_bytes(), 200, "application/json")
}

fn route(designer: &mut Designer, request: &Request, body: &[u8]) -> Answer {
    let path = request.url().split('?').next().unwrap_or("");
    match (request.method(), path) {
        (Method::Get, "/") => {
            let page = PAGE.replace("/*STYLE*/", STYLE).replace("/*SCRIPT*/", SCRIPT);
            with_type(page.into_bytes(), 200, "text/html; charset=utf-8")
        }
        (Method::Get, "/api/state") => json(&designer.state()),
        (Method::Get, "/api/file") => {
            match query(request.url(), "name").and_then(|n| designer.file(n)) {
                Some(t) => text(200, &t),
                None => text(404, "no such template file in the folder"),
            }
        }
        (Method::Post, p) if p.starts_with("/api/") => {
            let action = &p[5..];
            if !["render", "edit", "undo", "redo", "save", "reload"].contains(&action) {
                return text(404, "not found");
            }
            match serde_json::from_slice::<View>(body) {
                Ok(view) => json(&designer.view(&view, action)),
                Err(e) => text(400, &format!("bad request: {e}")),
            }
        }
        _ => text(404, "not found"),
    }
}

/// Runs the designer until the process is stopped (Ctrl-C), calling
/// `ready` with the URL (token included) once it listens.
pub fn serve(opts: &Options, ready: &mut dyn FnMut(&str)) -> Result<(), Failure> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let designer = Designer::open(opts, &cwd)?;
    run(designer, opts.port, ready)
}
