//! Merge: turns the files of `render --shard K/N` (the shards' PDFs, or
//! their manifests) into one file of the whole run, after checking that
//! they are every shard of one run, each once; written whole or not at all.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufWriter, Read};
use std::path::{Path, PathBuf};

use crate::emit::manifest::{self, Row};
use laminate_passes_pdf::merge::Shard;

/// What is being merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Shard PDFs.
    Pdf,
    /// Shard manifests (CSV or JSON, which may be mixed).
    Manifest,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Pdf => "a PDF",
            Kind::Manifest => "a manifest",
        })
    }
}

/// Why a merge wrote nothing.
#[derive(Debug)]
pub enum MergeError {
    /// A file could not be read or written.
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The inputs are not every shard of one run, each once, of one kind.
    Refused(String),
    /// The output is one of the inputs (the same file, by device and inode).
    Clobber(PathBuf),
}

impl fmt::Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeError::Io { action, path, source } => {
                write!(f, "{action} {}: {source}", path.display())
            }
            MergeError::Refused(why) => f.write_str(why),
            MergeError::Clobber(path) => write!(
                f,
                "will not write {}: it is one of the inputs, which merge reads",
                path.display()
            ),
        }
    }
}

impl std::error::Error for MergeError {}

/// What a merge wrote.
#[derive(Debug)]
pub struct Merged {
    /// PDFs or manifests.
    pub kind: Kind,
    /// Shards merged (N).
    pub shards: usize,
    /// Pages (PDF) or rows (manifest) written.
    pub items: usize,
    /// The whole run's id.
    pub run: String,
}

fn io_err<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> MergeError + 'p {
    move |source| MergeError::Io { action, path: path.to_path_buf(), source }
}

/// The kind of a file: a PDF by its first bytes, a manifest by its name.
pub fn kind_of(path: &Path) -> Result<Kind, MergeError> {
    let mut head = [0u8; 5];
    let mut f = std::fs::File::open(path).map_err(io_err("cannot read", path))?;
    let n = f.read(&mut head).map_err(io_err("cannot read", path))?;
    if head[..n] == *b"%PDF-" {
        return Ok(Kind::Pdf);
    }
    match manifest::Format::of(path) {
        Some(_) => Ok(Kind::Manifest),
        None => Err(MergeError::Refused(format!(
            "{}: neither a PDF nor a manifest (.csv or .json)",
            path.display()
        ))),
    }
}

/// Merges `inputs` into `output`: shard PDFs into one PDF, or shard
/// manifests into one manifest (CSV or JSON by `output`'s name), in the
/// whole run's order. Refuses, writing nothing: a missing shard, a shard
/// given twice, shards of different runs or different N, PDFs mixed with
/// manifests, an output of the other kind, and an output that is one of
/// the inputs. Shards may be given in any order.
pub fn merge(inputs: &[PathBuf], output: &Path) -> Result<Merged, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::Refused("nothing to merge".into()));
    }
    let mut kinds = Vec::with_capacity(inputs.len());
    for path in inputs {
        kinds.push((kind_of(path)?, path));
    }
    let kind = kinds[0].0;
    if let Some((other, path)) = kinds.iter().find(|(k, _)| *k != kind) {
        return Err(MergeError::Refused(format!(
            "{} is {other}, but {} is {kind}: merge PDFs with PDFs and manifests with manifests",
            path.display(),
            inputs[0].display()
        )));
    }
    let out_ok = match kind {
        Kind::Pdf => output.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")),
        Kind::Manifest => manifest::Format::of(output).is_some(),
    };
    if !out_ok {
        let want = if kind == Kind::Pdf { "a .pdf" } else { "a .csv or .json" };
        return Err(MergeError::Refused(format!(
            "the inputs are shard {}s, so the output is {want} file, not {}",
            if kind == Kind::Pdf { "PDF" } else { "manifest" },
            output.display()
        )));
    }
    for path in inputs {
        if same_file(path, output) {
            return Err(MergeError::Clobber(output.to_path_buf()));
        }
    }
    match kind {
        Kind::Pdf => merge_pdfs(inputs, output),
        Kind::Manifest => merge_manifests(inputs, output),
    }
}

/// True when both paths name one existing file (its device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(a), std::fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// One shard as found in a file: K, N, the run, and the file.
struct Found<T> {
    k: usize,
    n: usize,
    run: String,
    path: PathBuf,
    item: T,
}

/// Sorts shards by K after checking that they are shards 1 to N of one
/// run, each once.
fn in_order<T>(mut found: Vec<Found<T>>) -> Result<Vec<Found<T>>, MergeError> {
    let first = &found[0];
    let (n, run, first_path) = (first.n, first.run.clone(), first.path.clone());
    for f in &found {
        if f.n != n {
            return Err(MergeError::Refused(format!(
                "{} is shard {}/{}, but {} is a shard of {n}: these are not the shards of one run",
                f.path.display(),
                f.k,
                f.n,
                first_path.display()
            )));
        }
        if f.run != run {
            return Err(MergeError::Refused(format!(
                "{} is of run {}, but {} is of run {run}: these are not the shards of one run",
                f.path.display(),
                f.run,
                first_path.display()
            )));
        }
    }
    let mut by_k: BTreeMap<usize, &Path> = BTreeMap::new();
    for f in &found {
        if let Some(earlier) = by_k.insert(f.k, &f.path) {
            return Err(MergeError::Refused(format!(
                "shard {}/{n} is given twice: {} and {}",
                f.k,
                earlier.display(),
                f.path.display()
            )));
        }
    }
    let missing: Vec<String> =
        (1..=n).filter(|k| !by_k.contains_key(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(MergeError::Refused(format!(
            "shard{} {} of run {run} {} missing: a merge needs all {n}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" }
        )));
    }
    found.sort_by_key(|f| f.k);
    Ok(found)
}

fn merge_pdfs(inputs: &[PathBuf], output: &Path) -> Result<Merged, MergeError> {
    let mut found = Vec::with_capacity(inputs.len());
    for path in inputs {
        let shard = Shard::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::InvalidData => MergeError::Refused(format!("{}: {e}", path.display())),
            _ => MergeError::Io { action: "cannot read", path: path.clone(), source: e },
        })?;
        found.push(Found {
            k: shard.k,
            n: shard.n,
            run: shard.run.clone(),
            path: path.clone(),
            item: shard,
        });
    }
    let found = in_order(found)?;
    let n = found[0].n;
    let run = found[0].run.clone();
    let shards: Vec<Shard> = found.into_iter().map(|f| f.item).collect();
    let temp =
        crate::atomic::temp_beside(output, ".pdf.part").map_err(io_err("cannot write", output))?;
    let sink =
        BufWriter::with_capacity(1 << 16, temp.reopen().map_err(io_err("cannot write", output))?);
    // A shard that is damaged inside is a bad input (its message names it);
    // anything else is the output's trouble.
    let (sink, _, pages) = laminate_passes_pdf::merge::merge(&shards, sink).map_err(|e| match e
        .kind()
    {
        io::ErrorKind::InvalidData => MergeError::Refused(e.to_string()),
        _ => MergeError::Io { action: "cannot merge into", path: output.to_path_buf(), source: e },
    })?;
    drop(sink);
    crate::atomic::persist(temp, output).map_err(io_err("cannot write", output))?;
    Ok(Merged { kind: Kind::Pdf, shards: n, items: pages, run })
}

/// Reads a manifest's rows (a CSV's spreadsheet-safe quotes undone).
fn read_rows(path: &Path) -> Result<Vec<Row>, MergeError> {
    let text = std::fs::read_to_string(path).map_err(io_err("cannot read", path))?;
    let bad =
        |why: String| MergeError::Refused(format!("{}: not a manifest: {why}", path.display()));
    match manifest::Format::of(path) {
        Some(manifest::Format::Json) => serde_json::from_str(&text).map_err(|e| bad(e.to_string())),
        _ => {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let mut rows = Vec::new();
            for (i, row) in reader.deserialize::<Row>().enumerate() {
                let mut row = row.map_err(|e| bad(format!("row {}: {e}", i + 1)))?;
                for cell in
                    [&mut row.id, &mut row.name, &mut row.pass, &mut row.file, &mut row.warnings]
                {
                    *cell = manifest::unescape(cell);
                }
                rows.push(row);
            }
            Ok(rows)
        }
    }
}

fn merge_manifests(inputs: &[PathBuf], output: &Path) -> Result<Merged, MergeError> {
    let mut found = Vec::with_capacity(inputs.len());
    for path in inputs {
        let rows = read_rows(path)?;
        let refuse = |why: &str| {
            MergeError::Refused(format!("{}: not the manifest of a shard: {why}", path.display()))
        };
        let first = rows.first().ok_or_else(|| refuse("it has no rows"))?;
        let shard = first.shard.clone().ok_or_else(|| refuse("its shard column is empty"))?;
        let (k, n) = shard
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .filter(|&(k, n)| k >= 1 && k <= n)
            .ok_or_else(|| refuse(&format!("its shard is \"{shard}\", not K/N")))?;
        let run = first.run.clone();
        if let Some(row) = rows.iter().find(|r| r.shard.as_deref() != Some(&shard) || r.run != run)
        {
            return Err(refuse(&format!(
                "pass {} is of shard {} of run {}, the first of {shard} of run {run}",
                row.id,
                row.shard.as_deref().unwrap_or("none"),
                row.run
            )));
        }
        found.push(Found { k, n, run, path: path.clone(), item: rows });
    }
    let found = in_order(found)?;
    let n = found[0].n;
    let run = found[0].run.clone();
    let mut writer = manifest::Writer::create(output).map_err(io_err("cannot write", output))?;
    let mut items = 0;
    for f in found {
        for row in f.item {
            writer.row(&row).map_err(io_err("cannot write", output))?;
            items += 1;
        }
    }
    writer.finish().map_err(io_err("cannot write", output))?;
    Ok(Merged { kind: Kind::Manifest, shards: n, items, run })
}
