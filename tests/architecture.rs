//! The architecture as a test: the rules of ARCHITECTURE.md checked on the
//! source tree. Each crate is a layer that names only the crates below it;
//! inside a crate no module imports one that imports it back, directly or
//! through others; no two modules of a crate share a name or a name's
//! plural; no function runs past 150 lines; and the library pulls in
//! nothing of the command line (clap, HTTP, terminals, signals).
//!
//! Every rule is also run on a small made-up tree that breaks it, so that
//! a rule that stopped finding anything would fail here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates, each with its source folder and the workspace crates it may
/// name, lowest first.
const CRATES: &[(&str, &str, &[&str])] = &[
    ("laminate-passes-qr", "crates/laminate-passes-qr", &[]),
    ("laminate-passes-pdf", "crates/laminate-passes-pdf", &[]),
    ("laminate-passes", "crates/laminate-passes", &["laminate-passes-pdf", "laminate-passes-qr"]),
    ("laminate-passes-cli", ".", &["laminate-passes", "laminate-passes-pdf"]),
    (
        "laminate-passes-python",
        "crates/laminate-passes-python",
        &["laminate-passes", "laminate-passes-cli"],
    ),
];

/// What the library must never depend on: the command line's crates.
const NOT_IN_LIBRARY: &[&str] =
    &["clap", "clap_complete", "clap_mangen", "tiny_http", "indicatif", "ctrlc"];

/// The longest a function may be, in lines.
const MAX_FN_LINES: usize = 150;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A crate's modules: module path (`emit::writer`, `` for the root) to its
/// source text.
type Modules = BTreeMap<String, String>;

fn modules_of(src: &Path) -> Modules {
    let mut out = Modules::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a readable folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let rel = path.strip_prefix(src).expect("under src").with_extension("");
                let mut parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    parts.pop();
                }
                let text = fs::read_to_string(&path).expect("Rust source is UTF-8");
                out.insert(parts.join("::"), text);
            }
        }
    }
    out
}

/// The code of a source file without comments, string contents and its
/// `#[cfg(test)]` module (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'"' && (i == 0 || b[i - 1] != b'\'') {
            // a string literal (raw strings in this tree hold no quotes that matter)
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            out.push('"');
            i += 1;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// The longest module of `mods` that `path` (`a::b::Item`) starts with.
fn module_named(mods: &Modules, path: &[&str]) -> Option<String> {
    (0..=path.len()).rev().map(|n| path[..n].join("::")).find(|m| mods.contains_key(m))
}

/// Which modules each module imports: every `crate::`, `super::`, `self::`
/// or child-module path in its code. Declaring a child (`mod x;`) is not
/// an import; naming it is.
fn imports(mods: &Modules) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (name, text) in mods {
        let code = code_of(text);
        let here: Vec<&str> = if name.is_empty() { vec![] } else { name.split("::").collect() };
        let mut found = BTreeSet::new();
        for path in paths_in(&code) {
            let segs: Vec<&str> = path.split("::").collect();
            let mut abs: Vec<&str> = Vec::new();
            let mut rest = &segs[..];
            match segs[0] {
                "crate" => rest = &segs[1..],
                "super" | "self" => {
                    abs = here.clone();
                    while let Some(&s) = rest.first() {
                        match s {
                            "super" => {
                                abs.pop();
                            }
                            "self" => {}
                            _ => break,
                        }
                        rest = &rest[1..];
                    }
                }
                first => {
                    // a child module named by a relative path
                    let mut child = here.clone();
                    child.push(first);
                    if !mods.contains_key(&child.join("::")) {
                        continue;
                    }
                    abs = here.clone();
                }
            }
            abs.extend_from_slice(rest);
            if let Some(m) = module_named(mods, &abs) {
                if &m != name {
                    found.insert(m);
                }
            }
        }
        out.insert(name.clone(), found);
    }
    out
}

/// Every path `a::b::c` in code, with `use x::{a, b::c}` groups expanded.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && (ident(b[i - 1]) || b[i - 1] == b':')) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        loop {
            while end < b.len() && ident(b[end]) {
                end += 1;
            }
            if code[end..].starts_with("::") && b.get(end + 2).is_some_and(|&c| ident(c)) {
                end += 2;
            } else {
                break;
            }
        }
        let path = &code[start..end];
        if code[end..].starts_with("::{") {
            let close = code[end..].find('}').map_or(code.len(), |c| end + c);
            for item in code[end + 3..close].split(',') {
                let item = item.split_whitespace().next().unwrap_or("");
                if !item.is_empty() && item != "self" {
                    out.push(format!("{path}::{item}"));
                }
            }
            if path.contains("::") {
                out.push(path.to_string());
            }
            i = close;
        } else {
            if path.contains("::") {
                out.push(path.to_string());
            }
            i = end.max(i + 1);
        }
    }
    out
}

/// The import circles: each strongly connected group of two or more
/// modules, as a sorted list.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, iteratively.
    let names: Vec<&String> = graph.keys().collect();
    let at: BTreeMap<&String, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let n = names.len();
    let (mut index, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut next, mut out) = (Vec::new(), 0, Vec::new());
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            let succ: Vec<usize> =
                graph[names[v]].iter().filter_map(|s| at.get(s).copied()).collect();
            if let Some(&w) = succ.get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    group.push(names[w].clone());
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    group.sort();
                    out.push(group);
                }
            }
        }
    }
    out
}

/// Pairs of modules whose last names are equal, or one the other's plural.
fn shared_names(mods: &Modules) -> Vec<(String, String)> {
    let last = |m: &String| m.rsplit("::").next().unwrap_or("").to_string();
    let names: Vec<&String> = mods.keys().filter(|m| !m.is_empty()).collect();
    let mut out = Vec::new();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let (x, y) = (last(a), last(b));
            if x == y || format!("{x}s") == y || format!("{y}s") == x {
                out.push(((*a).clone(), (*b).clone()));
            }
        }
    }
    out
}

/// Functions longer than `max` lines: (module, function, lines). A
/// function runs from its `fn` line to the line of the brace that closes
/// its body.
fn long_functions(mods: &Modules, max: usize) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    for (module, text) in mods {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_fn = [
                "fn ",
                "pub fn ",
                "pub(crate) fn ",
                "pub(super) fn ",
                "const fn ",
                "pub const fn ",
            ]
            .iter()
            .any(|p| t.starts_with(p));
            if !is_fn {
                continue;
            }
            let indent = line.len() - t.len();
            let name: String = t
                .split("fn ")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let close = " ".repeat(indent) + "}";
            let Some(end) = lines[i + 1..]
                .iter()
                .position(|l| *l == close || l.starts_with(&(close.clone() + " ")))
            else {
                continue;
            };
            // a declaration without a body ends with `;` before any `{`
            if lines[i..=i + 1 + end]
                .iter()
                .take_while(|l| !l.contains('{'))
                .any(|l| l.trim_end().ends_with(';'))
            {
                continue;
            }
            let len = end + 2;
            if len > max {
                out.push((module.clone(), name, len));
            }
        }
    }
    out
}

/// The workspace crates a manifest names as dependencies (normal and build,
/// not dev: tests may use any crate).
fn workspace_deps(manifest: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut section = String::new();
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.to_string();
            continue;
        }
        if section == "[dependencies]" || section == "[build-dependencies]" {
            let name = t.split(['=', '.', ' ']).next().unwrap_or("");
            if CRATES.iter().any(|(c, _, _)| *c == name) {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn crate_modules(dir: &str) -> Modules {
    modules_of(&root().join(dir).join("src"))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    for (name, dir, _) in CRATES {
        let found = circles(&imports(&crate_modules(dir)));
        assert!(found.is_empty(), "{name}: import circles: {found:?}");
    }
}

#[test]
fn no_two_modules_of_a_crate_share_a_name() {
    for (name, dir, _) in CRATES {
        let found = shared_names(&crate_modules(dir));
        assert!(found.is_empty(), "{name}: modules that share a name: {found:?}");
    }
}

#[test]
fn functions_stay_under_150_lines() {
    for (name, dir, _) in CRATES {
        let found = long_functions(&crate_modules(dir), MAX_FN_LINES);
        assert!(found.is_empty(), "{name}: functions over {MAX_FN_LINES} lines: {found:?}");
    }
}

#[test]
fn each_crate_names_only_the_crates_below_it() {
    for (name, dir, allowed) in CRATES {
        let manifest = fs::read_to_string(root().join(dir).join("Cargo.toml")).expect("a manifest");
        for dep in workspace_deps(&manifest) {
            assert!(
                allowed.contains(&dep.as_str()),
                "{name} depends on {dep}, which is not below it"
            );
        }
    }
}

#[test]
fn the_library_pulls_in_nothing_of_the_command_line() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "laminate-passes",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{lib}",
        ])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    let tree = String::from_utf8_lossy(&out.stdout);
    let names: BTreeSet<&str> = tree.lines().map(str::trim).collect();
    assert!(
        names.contains("laminate_passes_pdf"),
        "cargo tree lists the library's own crates:\n{tree}"
    );
    for bad in NOT_IN_LIBRARY {
        assert!(!names.contains(bad), "the library depends on {bad}:\n{tree}");
    }
}

// The rules on trees that break them, so that none can pass by finding
// nothing.

fn tree(files: &[(&str, &str)]) -> Modules {
    files.iter().map(|(m, t)| (m.to_string(), t.to_string())).collect()
}

#[test]
fn a_circle_through_three_modules_is_found() {
    let mods = tree(&[
        ("", "pub mod a; pub mod b; pub mod c;"),
        ("a", "use crate::b::B;"),
        ("b", "pub fn f() { crate::c::g() }"),
        ("c", "use crate::{x, a::A};"),
        ("d", "use crate::{a, b};"),
    ]);
    assert_eq!(circles(&imports(&mods)), vec![vec!["a".to_string(), "b".into(), "c".into()]]);
}

#[test]
fn a_child_that_uses_its_parent_which_uses_it_is_a_circle() {
    let mods =
        tree(&[("run", "mod emit;\npub use emit::Emit;\n"), ("run::emit", "use super::Pass;\n")]);
    assert_eq!(circles(&imports(&mods)), vec![vec!["run".to_string(), "run::emit".into()]]);
    // Declaring the child alone, or naming it only in a comment or a test, is no import.
    let fine = tree(&[
        ("run", "mod emit;\n// emit::Emit is used by\n#[cfg(test)]\nmod tests { use super::emit::Emit; }"),
        ("run::emit", "use super::Pass;\n"),
    ]);
    assert!(circles(&imports(&fine)).is_empty());
}

#[test]
fn a_name_and_its_plural_are_found() {
    let mods =
        tree(&[("photo", ""), ("photos", ""), ("emit::pdfx", ""), ("pdfx", ""), ("layout", "")]);
    assert_eq!(
        shared_names(&mods),
        vec![("emit::pdfx".to_string(), "pdfx".to_string()), ("photo".into(), "photos".into())]
    );
}

#[test]
fn a_long_function_is_found_and_a_short_one_is_not() {
    let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
    let text = format!("pub fn long() {{\n{body}}}\n\nfn short() {{\n    1\n}}\n");
    let mods = tree(&[("m", &text)]);
    assert_eq!(
        long_functions(&mods, MAX_FN_LINES),
        vec![("m".into(), "long".into(), MAX_FN_LINES + 2)]
    );
    assert!(long_functions(&mods, MAX_FN_LINES + 2).is_empty());
}

#[test]
fn a_crate_that_names_a_higher_one_is_found() {
    let manifest = "[package]\nname = \"laminate-passes-pdf\"\n[dependencies]\nlaminate-passes.workspace = true\nsha2 = \"0.10\"\n[dev-dependencies]\nlaminate-passes-qr.workspace = true\n";
    assert_eq!(workspace_deps(manifest), BTreeSet::from(["laminate-passes".to_string()]));
    let (_, _, allowed) = CRATES[1];
    assert!(!allowed.contains(&"laminate-passes"));
}
