//! laminate-passes-python: the library as the Python module
//! `laminate_passes._native`. It converts Python values into the library's
//! options, rosters and templates (keyword options through the command
//! line's own parser, so `render(..., sheet="a3")` means what `--sheet a3`
//! means), and the library's results and failures into Python objects and
//! exceptions. It renders with the GIL released and never prints.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use clap::{CommandFactory, Parser};
use laminate_passes::diag::{self, Severity, Sources};
use laminate_passes::{Failure, RenderOptions};
use laminate_passes_cli::cli::{self, Cli, Command};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PySequence, PyString, PyTuple,
};

create_exception!(
    _native,
    InputError,
    PyException,
    "The input has problems: `.diagnostics` lists every one of them; nothing was written."
);

/// One problem found in the input, with its place.
#[pyclass(frozen, get_all, module = "laminate_passes")]
#[derive(Clone)]
struct Diagnostic {
    /// "error", "warning" or "note".
    severity: String,
    /// The file (or "<mapping>" for a roster given as a mapping).
    file: Option<String>,
    /// Line, from 1.
    line: Option<u32>,
    /// Column, from 1.
    column: Option<u32>,
    /// The roster entry's id.
    entry: Option<String>,
    /// What is wrong.
    message: String,
    /// What to do about it (hints joined by newlines).
    hint: Option<String>,
}

#[pymethods]
impl Diagnostic {
    fn __repr__(&self) -> String {
        let place = match (&self.file, self.line) {
            (Some(f), Some(l)) => format!("{f}:{l}:{}: ", self.column.unwrap_or(1)),
            (Some(f), None) => format!("{f}: "),
            _ => String::new(),
        };
        format!("<Diagnostic {place}{}: {}>", self.severity, self.message)
    }
}

/// What a render did.
#[pyclass(frozen, get_all, module = "laminate_passes")]
struct Report {
    /// Passes rendered.
    passes: usize,
    /// Sheets (pages) written.
    sheets: usize,
    /// Bytes written.
    bytes: usize,
    /// The PDF files written, in order.
    files: Vec<String>,
    /// Every warning.
    warnings: Vec<Diagnostic>,
}

#[pymethods]
impl Report {
    fn __repr__(&self) -> String {
        format!(
            "<Report passes={} sheets={} bytes={} files={:?} warnings={}>",
            self.passes,
            self.sheets,
            self.bytes,
            self.files,
            self.warnings.len()
        )
    }
}

/// A scanned payload checked: `status` is "valid" or the refusal.
#[pyclass(frozen, get_all, module = "laminate_passes")]
struct Verdict {
    /// "valid", or "malformed", "unsigned", "bad-signature", "revoked",
    /// "superseded", "not-yet-valid", "expired", "wrong-zone".
    status: String,
    /// The pass id, when the payload could be read.
    pass_id: Option<String>,
    /// The pass type.
    pass_type: Option<String>,
    /// The zones granted.
    zones: Vec<String>,
    /// First valid day (ISO 8601).
    valid_from: Option<String>,
    /// Last valid day (ISO 8601).
    valid_until: Option<String>,
    /// What `laminate verify` says.
    message: String,
}

#[pymethods]
impl Verdict {
    fn __repr__(&self) -> String {
        format!("<Verdict {} {:?}: {}>", self.status, self.pass_id, self.message)
    }

    fn __bool__(&self) -> bool {
        self.status == "valid"
    }
}

fn diagnostics(sources: &Sources, list: &[diag::Diagnostic]) -> Vec<Diagnostic> {
    list.iter()
        .map(|d| Diagnostic {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
            .into(),
            file: d.span.map(|s| sources.name(s.file).to_string()),
            line: d.span.map(|s| s.line),
            column: d.span.map(|s| s.col + 1),
            entry: d.entry.clone(),
            message: d.message.clone(),
            hint: (!d.hints.is_empty()).then(|| d.hints.join("\n")),
        })
        .collect()
}

/// A failure as the Python exception it is: input problems as InputError
/// (with every diagnostic, and the command's text as its message), an
/// interrupted run as KeyboardInterrupt, files as OSError.
fn exception(py: Python<'_>, f: Failure) -> PyErr {
    match f {
        Failure::Input { sources, diagnostics: list } => {
            let mut text = Vec::new();
            let _ = diag::emit(&mut text, &sources, list.clone(), false);
            let errors = list.iter().filter(|d| d.severity == Severity::Error).count();
            let message = format!(
                "{}laminate: {errors} error{}; nothing was written",
                String::from_utf8_lossy(&text),
                if errors == 1 { "" } else { "s" }
            );
            let err = InputError::new_err(message);
            let found = diagnostics(&sources, &list);
            let _ = err.value(py).setattr("diagnostics", found);
            err
        }
        Failure::Interrupted => PyKeyboardInterrupt::new_err("interrupted; nothing was written"),
        Failure::Clobber(e) => PyValueError::new_err(e.to_string()),
        f => PyOSError::new_err(f.to_string()),
    }
}

/// A Python value as YAML text (JSON-quoted strings, so any text is read
/// back as written): a roster or a template given as a mapping.
fn to_yaml(v: &Bound<'_, PyAny>) -> PyResult<String> {
    let mut out = String::with_capacity(1 << 16);
    block(v, 0, &mut out)?;
    Ok(out)
}

fn scalar(v: &Bound<'_, PyAny>, out: &mut String) -> PyResult<()> {
    if v.is_none() {
        out.push_str("null");
    } else if v.is_instance_of::<PyBool>() {
        out.push_str(if v.extract::<bool>()? { "true" } else { "false" });
    } else if v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>() {
        out.push_str(&v.str()?.to_cow()?);
    } else if let Ok(s) = v.cast::<PyString>() {
        quote(&s.to_cow()?, out);
    } else if v.hasattr("isoformat")? {
        // date, datetime, time: ISO 8601, as the roster writes them.
        out.push_str(&v.call_method0("isoformat")?.extract::<String>()?);
    } else if let Ok(p) = v.extract::<PathBuf>() {
        quote(&p.to_string_lossy(), out);
    } else {
        let kind = v.get_type().name()?;
        return Err(PyTypeError::new_err(format!("a roster value cannot be a {kind}")));
    }
    Ok(())
}

fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn is_sequence(v: &Bound<'_, PyAny>) -> bool {
    v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>()
}

/// Writes a mapping or list at `indent`, each key or item on a line of its
/// own (so that a problem is placed on its line), scalars inline.
fn block(v: &Bound<'_, PyAny>, indent: usize, out: &mut String) -> PyResult<()> {
    let pad = " ".repeat(indent);
    if let Ok(map) = v.cast::<PyMapping>() {
        let items = map.items()?;
        for item in items.iter() {
            let (k, val): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
            out.push_str(&pad);
            scalar(&k, out)?;
            out.push(':');
            value(&val, indent, out)?;
        }
    } else if is_sequence(v) {
        for item in v.cast::<PySequence>()?.try_iter()? {
            out.push_str(&pad);
            out.push('-');
            value(&item?, indent, out)?;
        }
    } else {
        scalar(v, out)?;
        out.push('\n');
    }
    Ok(())
}

/// The value after `key:` or `-`: a nested block on the next lines, an
/// empty one in flow style, or a scalar on the same line.
fn value(v: &Bound<'_, PyAny>, indent: usize, out: &mut String) -> PyResult<()> {
    let nested = v.cast::<PyMapping>().is_ok() || is_sequence(v);
    if nested && v.len()? > 0 {
        if is_sequence(v)
            && v.cast::<PySequence>()?.try_iter()?.all(|i| i.is_ok_and(|i| !is_block(&i)))
        {
            // A list of scalars: one line, `[a, b]`.
            out.push_str(" [");
            for (n, item) in v.cast::<PySequence>()?.try_iter()?.enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                scalar(&item?, out)?;
            }
            out.push_str("]\n");
        } else {
            out.push('\n');
            block(v, indent + 2, out)?;
        }
    } else if nested {
        out.push_str(if is_sequence(v) { " []\n" } else { " {}\n" });
    } else {
        out.push(' ');
        scalar(v, out)?;
        out.push('\n');
    }
    Ok(())
}

fn is_block(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<PyMapping>().is_ok() || is_sequence(v)
}

/// A roster argument: a path, or a mapping with the roster's structure.
enum Roster {
    Path(PathBuf),
    Text(Arc<str>),
}

fn roster_of(roster: &Bound<'_, PyAny>) -> PyResult<Roster> {
    if roster.cast::<PyMapping>().is_ok() {
        return Ok(Roster::Text(Arc::from(to_yaml(roster)?)));
    }
    roster.extract::<PathBuf>().map(Roster::Path).map_err(|_| {
        PyTypeError::new_err("roster must be a path (str or os.PathLike) or a mapping")
    })
}

/// Template files as (file name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// A templates argument: a folder, or a mapping of pass type (or file
/// name) to template (a mapping or YAML text); a value given as bytes is a
/// file of the set under the key's name (an image, a background PDF).
fn templates_of(
    templates: Option<&Bound<'_, PyAny>>,
) -> PyResult<(Option<PathBuf>, Option<Files>)> {
    let Some(t) = templates.filter(|t| !t.is_none()) else { return Ok((None, None)) };
    if let Ok(map) = t.cast::<PyMapping>() {
        let mut files = Vec::new();
        for item in map.items()?.iter() {
            let (k, v): (String, Bound<'_, PyAny>) = item.extract()?;
            if let Ok(b) = v.cast::<PyBytes>() {
                files.push((k, b.as_bytes().to_vec()));
                continue;
            }
            let name = if k.ends_with(".yaml") { k } else { format!("{k}.yaml") };
            let text = if let Ok(s) = v.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else {
                to_yaml(&v)?
            };
            files.push((name, text.into_bytes()));
        }
        return Ok((None, Some(files)));
    }
    t.extract::<PathBuf>().map(|p| (Some(p), None)).map_err(|_| {
        PyTypeError::new_err("templates must be a folder (str or os.PathLike) or a mapping")
    })
}

/// The command line's arguments for keyword `options` of `subcommand`: a
/// flag for True, `--name value` otherwise, lists joined with commas.
/// An option the subcommand does not have is a TypeError naming it.
fn option_args(
    func: &str,
    subcommand: &str,
    options: Option<&Bound<'_, PyDict>>,
    skip: &[&str],
) -> PyResult<Vec<String>> {
    let mut cmd = Cli::command();
    cmd.build();
    let sub = cmd.find_subcommand(subcommand).expect("the subcommand exists");
    let mut args = Vec::new();
    let Some(options) = options else { return Ok(args) };
    for (k, v) in options.iter() {
        let key: String = k.extract()?;
        let long = key.replace('_', "-");
        let arg = sub
            .get_arguments()
            .find(|a| a.get_long() == Some(long.as_str()) && !skip.contains(&long.as_str()));
        let Some(arg) = arg else {
            return Err(PyTypeError::new_err(format!(
                "{func}() got an unexpected keyword argument '{key}'"
            )));
        };
        if v.is_none() {
            continue;
        }
        if !arg.get_action().takes_values() {
            if v.extract::<bool>()? {
                args.push(format!("--{long}"));
            }
            continue;
        }
        let text = if is_sequence(&v) {
            let parts: PyResult<Vec<String>> =
                v.cast::<PySequence>()?.try_iter()?.map(|i| text_of(&i?)).collect();
            parts?.join(",")
        } else {
            text_of(&v)?
        };
        args.push(format!("--{long}={text}"));
    }
    Ok(args)
}

fn text_of(v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(if v.extract::<bool>()? { "true" } else { "false" }.into());
    }
    if v.hasattr("isoformat")? {
        return v.call_method0("isoformat")?.extract();
    }
    if let Ok(p) = v.extract::<PathBuf>() {
        return Ok(p.to_string_lossy().into_owned());
    }
    Ok(v.str()?.to_cow()?.into_owned())
}

/// Render options for `func` from its arguments, through `laminate
/// render`'s parser; the output path is `output`.
fn render_options(
    func: &str,
    roster: &Bound<'_, PyAny>,
    output: &Path,
    templates: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<(RenderOptions, Option<PathBuf>)> {
    let roster = roster_of(roster)?;
    let (dir, files) = templates_of(templates)?;
    let roster_arg = match &roster {
        Roster::Path(p) => p.to_string_lossy().into_owned(),
        Roster::Text(_) => "<mapping>".into(),
    };
    let mut argv = vec![
        "laminate".to_string(),
        "render".into(),
        "-o".into(),
        output.to_string_lossy().into_owned(),
    ];
    argv.extend(option_args(func, "render", options, &["output", "templates"])?);
    if let Some(dir) = dir {
        argv.push(format!("--templates={}", dir.display()));
    }
    argv.push("--".into());
    argv.push(roster_arg);
    let parsed = Cli::try_parse_from(&argv).map_err(|e| PyValueError::new_err(clap_message(&e)))?;
    let Command::Render(args) = parsed.command else { unreachable!("parsed as render") };
    let (mut opts, _) =
        cli::render::try_options(&args.run).map_err(|e| PyValueError::new_err(clap_message(&e)))?;
    if let Roster::Text(text) = roster {
        opts.roster_text = Some(text);
    }
    opts.template_files = files;
    Ok((opts, args.report))
}

/// clap's error without its usage lines: "error: invalid value 'x' for '--sheet <SHEET>': ...".
fn clap_message(e: &clap::Error) -> String {
    let text = e.render().to_string();
    text.lines().next().unwrap_or("").trim_start_matches("error: ").to_string()
}

/// Runs `work` with the GIL released. `progress(done, total)`, if given,
/// is called (with the GIL) after each chunk of passes; Ctrl-C (Python's
/// signal handlers run there too) or an exception in `progress` stops the
/// run, which then writes nothing, within a chunk (256 passes).
fn detached<T: Send>(
    py: Python<'_>,
    opts: &mut RenderOptions,
    progress: Option<Py<PyAny>>,
    work: impl FnOnce(&RenderOptions, &(dyn Fn(usize, usize) + Sync)) -> Result<T, Failure> + Send,
) -> PyResult<T> {
    let cancel = Arc::new(AtomicBool::new(false));
    opts.cancel = Some(cancel.clone());
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let report = |done: usize, total: usize| {
        Python::attach(|py| {
            let result = match &progress {
                Some(f) => f.call1(py, (done, total)).map(drop),
                None => Ok(()),
            };
            if let Err(e) = result {
                cancel.store(true, Ordering::Relaxed);
                raised.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
            }
        })
    };
    let opts: &RenderOptions = opts;
    // The work runs on a thread of its own; this (often the main) thread
    // waits with the GIL released and looks at Python's signals every 50 ms,
    // so Ctrl-C is seen even between progress calls.
    let (done, wait) = mpsc::channel();
    let wait = Mutex::new(wait);
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            let _ = done.send(work(opts, &report));
        });
        loop {
            match py.detach(|| {
                wait.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .recv_timeout(Duration::from_millis(50))
            }) {
                Ok(result) => return result,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        cancel.store(true, Ordering::Relaxed);
                        raised.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Err(Failure::Interrupted),
            }
        }
    });
    if let Some(e) = raised.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    result.map_err(|f| exception(py, f))
}

fn report_of(r: laminate_passes::Report) -> Report {
    Report {
        passes: r.passes,
        sheets: r.sheets,
        bytes: r.bytes,
        files: r.files.iter().map(|f| f.display().to_string()).collect(),
        warnings: diagnostics(&r.sources, &r.warnings),
    }
}

/// render(roster, output, *, templates=None, progress=None, **options) -> Report
#[pyfunction]
#[pyo3(signature = (roster, output, *, templates=None, progress=None, **options))]
fn render(
    py: Python<'_>,
    roster: &Bound<'_, PyAny>,
    output: PathBuf,
    templates: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Report> {
    let (mut opts, report_path) = render_options("render", roster, &output, templates, options)?;
    if let Some(path) = &report_path {
        opts.other_outputs.push(("the report".into(), path.clone()));
    }
    let report = detached(py, &mut opts, progress, |opts, progress| {
        let report = laminate_passes::render_with_progress(opts, Some(&output), progress)?;
        if let Some(path) = &report_path {
            laminate_passes::warnings::write_report(
                path,
                report.passes,
                &report.sources,
                &report.warnings,
            )
            .map_err(|source| Failure::Io {
                action: "cannot write the report",
                path: path.clone(),
                source,
            })?;
        }
        Ok(report)
    })?;
    Ok(report_of(report))
}

/// render_bytes(roster, *, templates=None, progress=None, **options) -> bytes
#[pyfunction]
#[pyo3(signature = (roster, *, templates=None, progress=None, **options))]
fn render_bytes<'py>(
    py: Python<'py>,
    roster: &Bound<'py, PyAny>,
    templates: Option<&Bound<'py, PyAny>>,
    progress: Option<Py<PyAny>>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, pyo3::types::PyBytes>> {
    let (mut opts, _) =
        render_options("render_bytes", roster, Path::new("<memory>"), templates, options)?;
    let (_, bytes) = detached(py, &mut opts, progress, laminate_passes::render_to_memory)?;
    Ok(pyo3::types::PyBytes::new(py, &bytes))
}

/// validate(roster, *, templates=None, **options) -> list[Diagnostic]
#[pyfunction]
#[pyo3(signature = (roster, *, templates=None, **options))]
fn validate(
    py: Python<'_>,
    roster: &Bound<'_, PyAny>,
    templates: Option<&Bound<'_, PyAny>>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<Diagnostic>> {
    let (mut opts, _) =
        render_options("validate", roster, Path::new("<validate>"), templates, options)?;
    let report = detached(py, &mut opts, None, |opts, progress| {
        laminate_passes::render_with_progress(opts, None, progress)
    })?;
    Ok(diagnostics(&report.sources, &report.warnings))
}

/// verify(payload, public_key, *, at=None, on=None, zone=None, revoked=None, reprints=None) -> Verdict
#[pyfunction]
#[pyo3(signature = (payload, public_key, *, at=None, on=None, zone=None, revoked=None, reprints=None))]
fn verify(
    payload: &str,
    public_key: PathBuf,
    at: Option<&Bound<'_, PyAny>>,
    on: Option<&Bound<'_, PyAny>>,
    zone: Option<String>,
    revoked: Option<PathBuf>,
    reprints: Option<PathBuf>,
) -> PyResult<Verdict> {
    use laminate_passes::resolve::sign::{self, Moment, Refusal};
    let moment = match (on, at) {
        (Some(_), Some(_)) => return Err(PyValueError::new_err("give on or at, not both")),
        (Some(d), None) => {
            Some(Moment::On(cli::parse::parse_date(&text_of(d)?).map_err(PyValueError::new_err)?))
        }
        (None, Some(t)) => {
            let mut text = text_of(t)?;
            // A Python datetime's isoformat has a T and seconds; --at takes both.
            if text.len() == 19 && text.as_bytes()[10] == b'T' {
                text = format!("{} {}", &text[..10], &text[11..16]);
            }
            Some(cli::parse::parse_at(&text).map_err(PyValueError::new_err)?)
        }
        (None, None) => None,
    };
    let key = sign::load_public_key(&public_key).map_err(|e| PyOSError::new_err(e.to_string()))?;
    let mut revocations = match &revoked {
        None => sign::Revocations::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| PyOSError::new_err(format!("cannot read {}: {e}", path.display())))?;
            sign::Revocations::parse(&text).map_err(|(line, why)| {
                PyValueError::new_err(format!("{}:{line}: {why}", path.display()))
            })?
        }
    };
    if let Some(path) = &reprints {
        let latest = laminate_passes::load::reprint::load(path)
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        revocations = revocations.with_reprints(latest);
    }
    let read = laminate_passes::resolve::payload::Payload::decode(payload).ok();
    let (status, message) = match sign::verify(payload, &key, moment, zone.as_deref(), &revocations)
    {
        Ok(_) => ("valid".to_string(), "VALID".to_string()),
        Err(refusal) => {
            let status = match &refusal {
                Refusal::Malformed(_) => "malformed",
                Refusal::Unsigned => "unsigned",
                Refusal::BadSignature => "bad-signature",
                Refusal::Revoked => "revoked",
                Refusal::Superseded(_) => "superseded",
                Refusal::NotYetValid(_) => "not-yet-valid",
                Refusal::Expired(_) => "expired",
                Refusal::ZoneNotGranted(_) => "wrong-zone",
            };
            (status.to_string(), refusal.to_string())
        }
    };
    Ok(Verdict {
        status,
        pass_id: read.as_ref().map(|p| p.id.clone()),
        pass_type: read.as_ref().map(|p| p.pass.clone()),
        zones: read.as_ref().map(|p| p.zones.clone()).unwrap_or_default(),
        valid_from: read.as_ref().map(|p| p.valid_from.to_string()),
        valid_until: read.as_ref().map(|p| p.valid_until.to_string()),
        message,
    })
}

/// keygen(path) -> (private, public): both key files, or neither.
#[pyfunction]
fn keygen(path: PathBuf) -> PyResult<(String, String)> {
    let show = |p: PathBuf| p.display().to_string();
    laminate_passes::resolve::sign::keygen(&path).map(|(a, b)| (show(a), show(b))).map_err(|e| {
        match e {
            laminate_passes::resolve::sign::KeyError::Exists(_) => {
                pyo3::exceptions::PyFileExistsError::new_err(e.to_string())
            }
            e => PyOSError::new_err(e.to_string()),
        }
    })
}

/// main(argv, signals=False) -> int: the whole command line, as `laminate`
/// runs it, and its exit status. With `signals` (the `laminate` console
/// script), SIGINT, SIGTERM and SIGHUP end it as they end the command.
#[pyfunction]
#[pyo3(signature = (argv, signals=false))]
fn main(py: Python<'_>, argv: Vec<String>, signals: bool) -> i32 {
    if signals {
        cli::signals::install(argv.first().is_some_and(|a| a == "design"));
    }
    let mut full = vec!["laminate".to_string()];
    full.extend(argv);
    let code = py.detach(|| cli::run(full));
    if signals {
        cli::signals::hold_if_stopping();
    }
    // ExitCode keeps its number to itself; find it among the 256 it can be.
    (0..=255u8).find(|&n| std::process::ExitCode::from(n) == code).map_or(1, i32::from)
}

/// A pretix badge layout as a laminate template set (`laminate import
/// pretix`, in memory).
#[pyclass(frozen, get_all, module = "laminate_passes")]
struct PretixLayout {
    /// The pass type the set defines.
    name: String,
    /// The set's files by name: `{name}.yaml`, its background PDF, logos.
    files: Py<PyDict>,
    /// The roster `extra` keys the template shows (`item`, `question_12`, ...).
    extra_fields: Vec<String>,
    /// What laminate draws differently from pretix.
    warnings: Vec<Diagnostic>,
}

#[pymethods]
impl PretixLayout {
    fn __repr__(&self, py: Python<'_>) -> String {
        let files: Vec<String> =
            self.files.bind(py).keys().iter().filter_map(|k| k.extract().ok()).collect();
        format!(
            "<PretixLayout {:?} files={files:?} extra_fields={:?}>",
            self.name, self.extra_fields
        )
    }
}

/// pretix_layout(layout, *, background=None, name="badge") -> PretixLayout
#[pyfunction]
#[pyo3(signature = (layout, *, background=None, name="badge"))]
fn pretix_layout(
    py: Python<'_>,
    layout: &Bound<'_, PyAny>,
    background: Option<&Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<PretixLayout> {
    let text = if let Ok(s) = layout.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else if let Ok(b) = layout.cast::<PyBytes>() {
        String::from_utf8_lossy(b.as_bytes()).into_owned()
    } else {
        let json = py.import("json")?;
        json.call_method1("dumps", (layout,))
            .map_err(|_| {
                PyTypeError::new_err("layout must be the layout's JSON (str or bytes) or its list")
            })?
            .extract()?
    };
    let (bg_name, bg) = match background.filter(|b| !b.is_none()) {
        None => (String::new(), None),
        Some(b) => match b.cast::<PyBytes>() {
            Ok(bytes) => ("<background>".to_string(), Some(bytes.as_bytes().to_vec())),
            Err(_) => {
                let path: PathBuf = b.extract().map_err(|_| {
                    PyTypeError::new_err("background must be the PDF's bytes or a path")
                })?;
                let bytes = std::fs::read(&path).map_err(|e| {
                    PyOSError::new_err(format!("cannot read {}: {e}", path.display()))
                })?;
                (path.display().to_string(), Some(bytes))
            }
        },
    };
    let imported = laminate_passes::load::pretix::import_bytes(
        "<layout>",
        &text,
        bg.as_deref().map(|b| (bg_name.as_str(), b)),
        name,
    );
    let (imported, sources) = imported.map_err(|f| exception(py, f))?;
    let files = PyDict::new(py);
    for (file, bytes) in &imported.files {
        files.set_item(file, PyBytes::new(py, bytes))?;
    }
    Ok(PretixLayout {
        name: imported.pass_type,
        files: files.unbind(),
        extra_fields: imported.extra_fields,
        warnings: diagnostics(&sources, &imported.warnings),
    })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add_class::<Diagnostic>()?;
    m.add_class::<Report>()?;
    m.add_class::<Verdict>()?;
    m.add_class::<PretixLayout>()?;
    m.add_function(wrap_pyfunction!(pretix_layout, m)?)?;
    m.add_function(wrap_pyfunction!(render, m)?)?;
    m.add_function(wrap_pyfunction!(render_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(keygen, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    Ok(())
}
