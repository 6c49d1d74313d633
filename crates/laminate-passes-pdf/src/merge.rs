//! Merging shard PDFs: turns the PDFs of `render --shard K/N` into one PDF,
//! copied object by object (never a whole file in memory), with one
//! Security layer and one CutContour layer for every page, the first
//! shard's catalog entries (ViewerPreferences, output intents, metadata)
//! and identical objects (shared drawings, colour spaces, output profiles,
//! photos) written once.
//!
//! Font subsets are not shared unless they are identical: each shard's
//! subset holds the glyphs of its own passes' names, and its page content
//! addresses glyphs by the subset's own numbering; one font for all would
//! mean re-subsetting and rewriting every page's text.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::out::Out;
use crate::read::{self, malformed, Layout, Value};

/// A shard PDF, opened: its place in the run and its structure.
pub struct Shard {
    /// The file.
    pub path: PathBuf,
    /// K of `--shard K/N`.
    pub k: usize,
    /// N of `--shard K/N`.
    pub n: usize,
    /// The whole run's id.
    pub run: String,
    /// The first and last front sheet it holds, as numbered in the whole run.
    pub sheets: Option<(usize, usize)>,
    info: Value,
    catalog: Value,
    catalog_num: u32,
    info_num: u32,
    page_tree: u32,
    pages: Vec<u32>,
    /// The Security layer's object and the CutContour layer's, if any.
    security: Option<u32>,
    cut: Option<u32>,
    layout: Layout,
}

/// Why a file cannot be merged: not a PDF laminate wrote, or not a shard.
pub fn not_a_shard(why: &str) -> io::Error {
    malformed(format!("not a shard of a laminate run: {why}"))
}

impl Shard {
    /// Opens a shard PDF and reads its trailer, catalog, page tree, layers
    /// and place in the run (the Info keys of [`laminate_passes::emit::writer::shard_keys`]).
    pub fn open(path: &Path) -> io::Result<Shard> {
        let mut file = File::open(path)?;
        let layout = read::layout(&mut file)?;
        let get = |file: &mut File, num: u32| -> io::Result<Value> {
            let i = layout
                .index
                .get(num as usize)
                .copied()
                .flatten()
                .ok_or_else(|| malformed(format!("object {num} is missing")))?;
            let (_, start, end) = layout.objects[i];
            Ok(read::object(file, start, end)?.value)
        };
        let reference = |v: Option<&Value>, what: &str| match v {
            Some(Value::Ref(r)) => Ok(*r),
            _ => Err(malformed(format!("no {what}"))),
        };
        let catalog_num = reference(layout.trailer.get(b"Root"), "catalog")?;
        let info_num = reference(layout.trailer.get(b"Info"), "Info dictionary")
            .map_err(|_| not_a_shard("it has no Info dictionary"))?;
        let catalog = get(&mut file, catalog_num)?;
        let info = get(&mut file, info_num)?;
        let text = |key: &[u8]| info.get(key).and_then(Value::text);
        let shard = text(b"LaminateShard")
            .ok_or_else(|| not_a_shard("its Info dictionary has no LaminateShard"))?;
        let (k, n) = shard
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)))
            .filter(|&(k, n)| k >= 1 && k <= n)
            .ok_or_else(|| not_a_shard(&format!("LaminateShard is \"{shard}\", not K/N")))?;
        let run = text(b"LaminateRun").ok_or_else(|| not_a_shard("no LaminateRun"))?;
        let sheets = match text(b"LaminateSheets").unwrap_or_default().split_once('-') {
            Some((a, b)) => Some((
                a.parse().map_err(|_| not_a_shard("bad LaminateSheets"))?,
                b.parse().map_err(|_| not_a_shard("bad LaminateSheets"))?,
            )),
            None => None,
        };
        let page_tree = reference(catalog.get(b"Pages"), "page tree")?;
        let tree = get(&mut file, page_tree)?;
        let Some(Value::Array(kids)) = tree.get(b"Kids") else {
            return Err(malformed("the page tree has no Kids"));
        };
        let mut pages = Vec::with_capacity(kids.len());
        for kid in kids {
            pages.push(reference(Some(kid), "page")?);
        }
        let (mut security, mut cut) = (None, None);
        if let Some(Value::Array(ocgs)) = catalog.get(b"OCProperties").and_then(|o| o.get(b"OCGs"))
        {
            for ocg in ocgs {
                let r = reference(Some(ocg), "layer")?;
                match get(&mut file, r)?.get(b"Name").and_then(Value::text).as_deref() {
                    Some("Security") => security = Some(r),
                    Some("CutContour") => cut = Some(r),
                    other => {
                        return Err(malformed(format!("an unknown layer {other:?}")));
                    }
                }
            }
        }
        Ok(Shard {
            path: path.to_path_buf(),
            k,
            n,
            run,
            sheets,
            info,
            catalog,
            catalog_num,
            info_num,
            page_tree,
            pages,
            security,
            cut,
            layout,
        })
    }

    /// Pages in the shard.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }
}

/// What an object of a shard becomes in the merged file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Left out (catalog, page tree, Info): the merged file has its own.
    Dropped,
    /// One of the merged file's own objects (the page tree, a layer).
    Mapped(u32),
    /// Copied, or shared with an identical object already copied.
    Copied,
}

/// Writes the merged PDF of `shards` (in order) to `out`: the bytes
/// written and the pages.
pub fn merge<W: Write>(shards: &[Shard], out: W) -> io::Result<(W, usize, usize)> {
    let mut w = Out::new(out);
    w.put(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")?;
    let own = Own { catalog: 1, tree: 2, security: 3, cut: 4 };
    let mut m = Merging { own, next: 5, kids: Vec::new(), written: HashMap::new() };
    let mut any_cut = false;
    // The first shard's objects as numbered here, for its catalog's references.
    let mut first_map: HashMap<u32, u32> = HashMap::new();
    for (s, shard) in shards.iter().enumerate() {
        any_cut |= shard.cut.is_some();
        let new_num = m.copy_shard(&mut w, s, shard)?;
        if s == 0 {
            first_map = new_num;
        }
    }
    let first = shards.first().ok_or_else(|| malformed("no shards"))?;
    let layers = write_layers(&mut w, own, any_cut)?;
    write_page_tree(&mut w, own.tree, &m.kids)?;
    let map = |r: u32| first_map.get(&r).copied().unwrap_or(0);
    write_catalog(&mut w, own, first, &layers, &map)?;
    let info_num = m.next;
    write_info(&mut w, info_num, shards, first, &map)?;
    let size = info_num + 1;
    let pages_written = m.kids.len();
    let (inner, bytes) = w.finish(size, own.catalog, info_num)?;
    Ok((inner, bytes, pages_written))
}

/// The numbers of the merged file's own objects: its catalog, its page
/// tree and its two layers.
#[derive(Clone, Copy)]
struct Own {
    catalog: u32,
    tree: u32,
    security: u32,
    cut: u32,
}

/// What the merge has written so far, across shards.
struct Merging {
    own: Own,
    /// The next free object number.
    next: u32,
    /// The pages written, as numbered here, in order.
    kids: Vec<u32>,
    /// Objects already written, by the hash of what they are (their bytes
    /// with the hashes of what they refer to in place of references).
    written: HashMap<[u8; 32], u32>,
}

impl Merging {
    /// Copies the objects of one shard that its pages use (the `s`th shard,
    /// in order) and returns how its objects are numbered here.
    fn copy_shard<W: Write>(
        &mut self,
        w: &mut Out<W>,
        s: usize,
        shard: &Shard,
    ) -> io::Result<HashMap<u32, u32>> {
        let in_shard = in_shard(shard);
        let mut file = File::open(&shard.path).map_err(in_shard)?;
        let roles = roles(shard, self.own);
        // First pass: what each object is, to find those already written.
        let local = describe(&mut file, shard)?;
        let used = reachable(&roots(shard, s), shard, &local, &roles);
        let (new_num, to_write) = self.number(s, shard, &local, &roles, &used)?;
        // Second pass: copy, references renumbered, stream data untouched.
        copy_objects(w, &mut file, shard, &new_num, &to_write)?;
        self.kids.extend(shard.pages.iter().map(|p| new_num[p]));
        Ok(new_num)
    }

    /// Numbers the objects of a shard as they are in the merged file: the
    /// merged file's own for those it has its own of, a new number for
    /// each page and each object not written before, else the number of
    /// the identical object already written. Also returns the objects to
    /// write.
    fn number(
        &mut self,
        s: usize,
        shard: &Shard,
        local: &[([u8; 32], Vec<u32>)],
        roles: &dyn Fn(u32) -> Role,
        used: &HashSet<u32>,
    ) -> io::Result<(HashMap<u32, u32>, HashSet<u32>)> {
        let in_shard = in_shard(shard);
        let pages: HashSet<u32> = shard.pages.iter().copied().collect();
        let count = shard.layout.objects.len();
        let mut deep: Vec<Option<[u8; 32]>> = vec![None; count];
        let mut new_num: HashMap<u32, u32> = HashMap::new();
        let mut to_write: HashSet<u32> = HashSet::new();
        for i in 0..count {
            let num = shard.layout.objects[i].0;
            match roles(num) {
                Role::Dropped => continue,
                Role::Mapped(m) => {
                    new_num.insert(num, m);
                    continue;
                }
                Role::Copied if !used.contains(&num) => continue,
                Role::Copied => {}
            }
            if pages.contains(&num) {
                new_num.insert(num, self.next);
                to_write.insert(num);
                self.next += 1;
                continue;
            }
            let h = deep_hash(i, shard, local, roles, &pages, &mut deep, s, 0).map_err(in_shard)?;
            let next = &mut self.next;
            let n = *self.written.entry(h).or_insert_with(|| {
                to_write.insert(num);
                *next += 1;
                *next - 1
            });
            new_num.insert(num, n);
        }
        Ok((new_num, to_write))
    }
}

/// An error of a shard, with the shard's file name in front.
fn in_shard(shard: &Shard) -> impl Fn(io::Error) -> io::Error + Copy + '_ {
    |e: io::Error| io::Error::new(e.kind(), format!("{}: {e}", shard.path.display()))
}

/// What each object of a shard becomes in the merged file.
fn roles(shard: &Shard, own: Own) -> impl Fn(u32) -> Role + '_ {
    move |num: u32| {
        if num == shard.catalog_num || num == shard.info_num {
            Role::Dropped
        } else if num == shard.page_tree {
            Role::Mapped(own.tree)
        } else if Some(num) == shard.security {
            Role::Mapped(own.security)
        } else if Some(num) == shard.cut {
            Role::Mapped(own.cut)
        } else {
            Role::Copied
        }
    }
}

/// Each object of a shard, in the order of its layout: the hash of its
/// bytes with references blanked out, and the objects it refers to.
fn describe(file: &mut File, shard: &Shard) -> io::Result<Vec<([u8; 32], Vec<u32>)>> {
    let in_shard = in_shard(shard);
    let mut local: Vec<([u8; 32], Vec<u32>)> = Vec::with_capacity(shard.layout.objects.len());
    for &(_, start, end) in &shard.layout.objects {
        let obj = read::object(file, start, end).map_err(in_shard)?;
        local.push((placeheld_hash(&obj), obj.refs.iter().map(|(_, n)| *n).collect()));
    }
    Ok(local)
}

/// The objects of a shard that are copied from: its pages and, of the
/// first shard (`s` 0), what its catalog keeps.
fn roots(shard: &Shard, s: usize) -> Vec<u32> {
    // Only what the pages use (and, of the first shard, what its
    // catalog keeps) is copied: another shard's XMP or output intent,
    // which its dropped catalog pointed at, is not.
    let mut roots: Vec<u32> = shard.pages.clone();
    if s == 0 {
        let mut kept = Vec::new();
        if let Value::Dict(pairs) = &shard.catalog {
            for (k, v) in pairs {
                if !matches!(k.as_slice(), b"Type" | b"Pages" | b"OCProperties") {
                    v.write(&mut kept, &|r| r);
                }
            }
        }
        let mut p = read::Parser::new(&kept);
        while p.value().is_ok() {}
        roots.extend(p.refs.iter().map(|(_, n)| *n));
    }
    roots
}

/// Copies the objects of a shard in `to_write`, their references
/// renumbered by `new_num` and their stream data untouched.
fn copy_objects<W: Write>(
    w: &mut Out<W>,
    file: &mut File,
    shard: &Shard,
    new_num: &HashMap<u32, u32>,
    to_write: &HashSet<u32>,
) -> io::Result<()> {
    let in_shard = in_shard(shard);
    for &(num, start, end) in &shard.layout.objects {
        if !to_write.contains(&num) {
            continue;
        }
        let obj = read::object(file, start, end).map_err(in_shard)?;
        let mut body = Vec::with_capacity(obj.body.len() + 16);
        let mut at = 0;
        for (range, r) in &obj.refs {
            body.extend_from_slice(&obj.body[at..range.start]);
            let n = new_num.get(r).ok_or_else(|| {
                in_shard(malformed(format!("object {num} refers to object {r}, which is missing")))
            })?;
            body.extend_from_slice(format!("{n} 0 R").as_bytes());
            at = range.end;
        }
        body.extend_from_slice(&obj.body[at..]);
        object(w, new_num[&num], &body)?;
    }
    Ok(())
}

/// Writes the merged file's layers (CutContour only if a shard has it)
/// and returns the references to them, as the catalog lists them.
fn write_layers<W: Write>(w: &mut Out<W>, own: Own, any_cut: bool) -> io::Result<String> {
    let Own { security, cut, .. } = own;
    object(w, security, b"<</Type/OCG/Name(Security)>>")?;
    Ok(if any_cut {
        object(w, cut, b"<</Type/OCG/Name(CutContour)>>")?;
        format!("{security} 0 R {cut} 0 R")
    } else {
        format!("{security} 0 R")
    })
}

/// Writes the merged page tree: every shard's pages, in order.
fn write_page_tree<W: Write>(w: &mut Out<W>, tree: u32, kids: &[u32]) -> io::Result<()> {
    let mut pages = format!("<</Type/Pages/Count {}/Kids[", kids.len()).into_bytes();
    for (i, k) in kids.iter().enumerate() {
        if i > 0 {
            pages.push(b' ');
        }
        pages.extend_from_slice(format!("{k} 0 R").as_bytes());
    }
    pages.extend_from_slice(b"]>>");
    object(w, tree, &pages)
}

/// Writes the first shard's catalog, with the merged page tree and layers:
/// ViewerPreferences, OutputIntents, Metadata and the rest kept.
fn write_catalog<W: Write>(
    w: &mut Out<W>,
    own: Own,
    first: &Shard,
    layers: &str,
    map: &dyn Fn(u32) -> u32,
) -> io::Result<()> {
    let tree = own.tree;
    let mut cat = b"<</Type/Catalog".to_vec();
    cat.extend_from_slice(format!("/Pages {tree} 0 R").as_bytes());
    if let Value::Dict(pairs) = &first.catalog {
        for (k, v) in pairs {
            if matches!(k.as_slice(), b"Type" | b"Pages" | b"OCProperties") {
                continue;
            }
            cat.push(b'/');
            cat.extend_from_slice(k);
            cat.push(b' ');
            v.write(&mut cat, map);
        }
    }
    cat.extend_from_slice(
        format!(
            "/OCProperties<</OCGs[{layers}]/D<</Name(Default)/ON[{layers}]/Order[{layers}]>>>>>>"
        )
        .as_bytes(),
    );
    object(w, own.catalog, &cat)
}

/// Writes the Info dictionary: the first shard's, without the keys of one
/// shard, with the sheets and shards of the whole run.
fn write_info<W: Write>(
    w: &mut Out<W>,
    info_num: u32,
    shards: &[Shard],
    first: &Shard,
    map: &dyn Fn(u32) -> u32,
) -> io::Result<()> {
    let last = shards.iter().rev().find_map(|s| s.sheets).map(|(_, b)| b);
    let mut info = b"<<".to_vec();
    if let Value::Dict(pairs) = &first.info {
        for (k, v) in pairs {
            if matches!(k.as_slice(), b"LaminateShard" | b"LaminateSheets") {
                continue;
            }
            info.push(b'/');
            info.extend_from_slice(k);
            info.push(b' ');
            v.write(&mut info, map);
        }
    }
    if let Some(last) = last {
        info.extend_from_slice(format!("/LaminateSheets(1-{last})").as_bytes());
    }
    info.extend_from_slice(format!("/LaminateShards({})", shards.len()).as_bytes());
    info.extend_from_slice(b">>");
    object(w, info_num, &info)
}

/// The objects that `roots` refer to, directly or not, and the roots,
/// without going through the objects the merged file has its own of.
fn reachable(
    roots: &[u32],
    shard: &Shard,
    local: &[([u8; 32], Vec<u32>)],
    roles: &dyn Fn(u32) -> Role,
) -> HashSet<u32> {
    let mut seen = HashSet::new();
    let mut stack: Vec<u32> = roots.to_vec();
    while let Some(num) = stack.pop() {
        if roles(num) != Role::Copied || !seen.insert(num) {
            continue;
        }
        if let Some(i) = shard.layout.index.get(num as usize).copied().flatten() {
            stack.extend(local[i].1.iter().copied());
        }
    }
    seen
}

/// The hash of an object's bytes with every reference blanked out.
fn placeheld_hash(obj: &read::Object) -> [u8; 32] {
    let mut h = Sha256::new();
    let mut at = 0;
    for (range, _) in &obj.refs {
        h.update(&obj.body[at..range.start]);
        h.update(b"\0ref\0");
        at = range.end;
    }
    h.update(&obj.body[at..]);
    h.finalize().into()
}

/// What an object is, whatever its number: its bytes and, in place of each
/// reference, what that refers to. Two objects with the same hash are the
/// same bytes once renumbered, so one copy serves both. Pages (and
/// anything on a cycle) are their own.
#[allow(clippy::too_many_arguments)]
fn deep_hash(
    i: usize,
    shard: &Shard,
    local: &[([u8; 32], Vec<u32>)],
    roles: &dyn Fn(u32) -> Role,
    pages: &HashSet<u32>,
    deep: &mut Vec<Option<[u8; 32]>>,
    s: usize,
    depth: usize,
) -> io::Result<[u8; 32]> {
    if let Some(h) = deep[i] {
        return Ok(h);
    }
    let num = shard.layout.objects[i].0;
    let unique = |what: &[u8]| -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(what);
        h.update(s.to_le_bytes());
        h.update(num.to_le_bytes());
        h.finalize().into()
    };
    if depth > 64 || pages.contains(&num) {
        return Ok(unique(b"own"));
    }
    let mut h = Sha256::new();
    h.update(local[i].0);
    for &r in &local[i].1 {
        match roles(r) {
            Role::Mapped(m) => h.update(format!("mapped {m} {}", r == shard.page_tree)),
            Role::Dropped => h.update(unique(b"dropped")),
            Role::Copied => {
                let j = shard
                    .layout
                    .index
                    .get(r as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| malformed(format!("object {num} refers to missing {r}")))?;
                let sub = deep_hash(j, shard, local, roles, pages, deep, s, depth + 1)?;
                h.update(sub);
            }
        }
    }
    let h: [u8; 32] = h.finalize().into();
    deep[i] = Some(h);
    Ok(h)
}

/// Writes one whole object of the merged file (through the writer's `Out`,
/// which keeps its offset for the cross-reference table).
fn object<W: Write>(w: &mut Out<W>, num: u32, body: &[u8]) -> io::Result<()> {
    w.mark(num);
    w.put(format!("{num} 0 obj\n").as_bytes())?;
    w.put(body)?;
    w.put(b"\nendobj\n")
}
