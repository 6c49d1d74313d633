//! gLabels' product database: turns the template files gLabels installs
//! (`*-templates.xml`, `*.template` and `paper-sizes.xml`, the format of
//! its `glabels-3.0.dtd`) into stocks, read where they lie at run time.
//!
//! The database is GPL: laminate reads it, never ships a copy. What it reads
//! follows libglabels: lengths are a number and a unit (pt, in, mm, cm or
//! pc; none means pt, an empty value 0), an `equiv` is a copy of another
//! product of the same brand under a new part number, and the labels of
//! every `Layout` are taken in reading order (top to bottom, then left to
//! right), as gLabels numbers them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::{key, Layout, Origin, Shape, Stock};
use crate::units::Size;

/// Most labels one product may have: beyond it a file is taken for broken
/// (the largest product of gLabels' own database has a few hundred).
const MAX_LABELS: usize = 10_000;

/// A problem in a database file: the file is read on without the product
/// (or, when the XML itself is broken, without the file).
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file.
    pub path: PathBuf,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.col, self.message)
    }
}

/// A product as its file gives it, before `equiv` is resolved.
#[derive(Clone, Debug)]
struct Entry {
    brand: String,
    part: String,
    /// The part this one is a copy of (same brand), if it is an `equiv`.
    equiv: Option<String>,
    description: String,
    /// The paper's id (`A4`, `US-Letter`) or, for `Other`, its size.
    paper: Paper,
    frame: Option<Frame>,
    path: PathBuf,
    line: u32,
    col: u32,
}

#[derive(Clone, Debug)]
enum Paper {
    Id(String),
    Other(Size),
}

/// A product's label and where its copies are on the sheet.
#[derive(Clone, Debug)]
struct Frame {
    /// The label's box in pt (a round label's is its diameter square).
    size: Size,
    shape: Shape,
    /// The bleed gLabels allows (its `waste`, the smaller of x and y), in pt.
    waste: f64,
    layouts: Vec<Layout>,
    /// A shape laminate does not print on (`Label-cd`, `Label-ellipse`).
    unsupported: Option<&'static str>,
}

/// What the files of some folders hold.
#[derive(Debug, Default)]
pub struct Database {
    /// The products, in folder order, then file name order, then file order.
    pub stocks: Vec<Stock>,
    /// Products of a shape laminate does not print on: their names and shapes.
    pub unsupported: Vec<(String, &'static str)>,
    /// Problems found, each with its file and line.
    pub problems: Vec<Problem>,
    /// The folders that exist and were read.
    pub folders: Vec<PathBuf>,
}

/// Reads every product in `folders`, the first folder first: a product
/// named in two folders is the first folder's (gLabels' own order puts the
/// user's templates before the system's). A folder that does not exist is
/// skipped; a file that cannot be read or is not XML is a problem.
pub fn read(folders: &[PathBuf]) -> Database {
    let mut db = Database::default();
    let mut papers: HashMap<String, Size> = HashMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    for folder in folders {
        let Ok(list) = std::fs::read_dir(folder) else { continue };
        db.folders.push(folder.clone());
        let mut files: Vec<PathBuf> = list.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for path in files {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let papers_file = name == "paper-sizes.xml";
            if !(papers_file || name.ends_with("-templates.xml") || name.ends_with(".template")) {
                continue;
            }
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    db.problems.push(Problem {
                        path: path.clone(),
                        line: 1,
                        col: 1,
                        message: format!("cannot read it: {e}"),
                    });
                    continue;
                }
            };
            let doc = match roxmltree::Document::parse(&text) {
                Ok(d) => d,
                Err(e) => {
                    let pos = e.pos();
                    db.problems.push(Problem {
                        path: path.clone(),
                        line: pos.row,
                        col: pos.col,
                        message: format!("not XML, the file is skipped: {e}"),
                    });
                    continue;
                }
            };
            let root = doc.root_element();
            match root.tag_name().name() {
                "Glabels-paper-sizes" => read_papers(&doc, &path, &mut papers, &mut db.problems),
                "Glabels-templates" => read_templates(&doc, &path, &mut entries, &mut db.problems),
                other => db.problems.push(problem(
                    &doc,
                    root,
                    &path,
                    format!("not a gLabels template file (its root is <{other}>), skipped"),
                )),
            }
        }
    }
    resolve(entries, &papers, &mut db);
    db
}

fn problem(
    doc: &roxmltree::Document,
    node: roxmltree::Node,
    path: &Path,
    message: String,
) -> Problem {
    let pos = doc.text_pos_at(node.range().start);
    Problem { path: path.to_path_buf(), line: pos.row, col: pos.col, message }
}

fn read_papers(
    doc: &roxmltree::Document,
    path: &Path,
    papers: &mut HashMap<String, Size>,
    problems: &mut Vec<Problem>,
) {
    for node in doc.root_element().children().filter(|n| n.has_tag_name("Paper-size")) {
        let size = (|| {
            let id = node.attribute("id").ok_or("a <Paper-size> without an id")?;
            let w = length(node, "width", None)?;
            let h = length(node, "height", None)?;
            if w <= 0.0 || h <= 0.0 {
                return Err(format!("paper \"{id}\" has no area"));
            }
            Ok((id.to_string(), Size::new(w, h)))
        })();
        match size {
            // The first definition of an id wins, as a product's does.
            Ok((id, size)) => {
                papers.entry(id).or_insert(size);
            }
            Err(e) => problems.push(problem(doc, node, path, e.to_string())),
        }
    }
}

fn read_templates(
    doc: &roxmltree::Document,
    path: &Path,
    entries: &mut Vec<Entry>,
    problems: &mut Vec<Problem>,
) {
    for node in doc.root_element().children().filter(|n| n.is_element()) {
        if !node.has_tag_name("Template") {
            continue;
        }
        match template(node, path) {
            Ok(mut entry) => {
                let pos = doc.text_pos_at(node.range().start);
                (entry.line, entry.col) = (pos.row, pos.col);
                entries.push(entry);
            }
            Err(message) => problems.push(problem(doc, node, path, message)),
        }
    }
}

/// One `Template` element.
fn template(node: roxmltree::Node, path: &Path) -> Result<Entry, String> {
    let (brand, part) = match (node.attribute("brand"), node.attribute("part")) {
        (Some(b), Some(p)) => (b.trim().to_string(), p.trim().to_string()),
        // The older form: name="BRAND PART".
        _ => match node.attribute("name").and_then(|n| n.trim().split_once(' ')) {
            Some((b, p)) => (b.to_string(), p.trim().to_string()),
            None => return Err("a <Template> without brand and part".into()),
        },
    };
    if brand.is_empty() || part.is_empty() {
        return Err("a <Template> with an empty brand or part".into());
    }
    let named = format!("{brand} {part}");
    let entry = |frame, paper, description: &str| Entry {
        brand: brand.clone(),
        part: part.clone(),
        equiv: node.attribute("equiv").map(|e| e.trim().to_string()),
        description: description.trim().to_string(),
        paper,
        frame,
        path: path.to_path_buf(),
        line: 0,
        col: 0,
    };
    if node.attribute("equiv").is_some() {
        return Ok(entry(None, Paper::Id(String::new()), ""));
    }
    let description =
        node.attribute("_description").or_else(|| node.attribute("description")).unwrap_or("");
    let paper = match node.attribute("size") {
        Some(id) if id.eq_ignore_ascii_case("other") => {
            let w = length(node, "width", None).map_err(|e| format!("{named}: {e}"))?;
            let h = length(node, "height", None).map_err(|e| format!("{named}: {e}"))?;
            if w <= 0.0 || h <= 0.0 {
                return Err(format!("{named}: its paper has no area"));
            }
            Paper::Other(Size::new(w, h))
        }
        Some(id) => Paper::Id(id.trim().to_string()),
        None => return Err(format!("{named}: no paper size (size=\"A4\", \"US-Letter\", ...)")),
    };
    let frame = node
        .children()
        .find(|n| n.is_element() && n.tag_name().name().starts_with("Label-"))
        .ok_or_else(|| format!("{named}: no label (<Label-rectangle>, <Label-round>, ...)"))?;
    let frame = label(frame).map_err(|e| format!("{named}: {e}"))?;
    Ok(entry(Some(frame), paper, description))
}

/// A `Label-*` element and its `Layout` lines.
fn label(node: roxmltree::Node) -> Result<Frame, String> {
    let kind = node.tag_name().name();
    let (size, shape, waste, unsupported) = match kind {
        "Label-rectangle" => {
            let w = length(node, "width", None)?;
            let h = length(node, "height", None)?;
            let radius = length(node, "round", Some(0.0))?;
            // A single `waste` stands for both directions.
            let waste = match node.attribute("waste") {
                Some(_) => length(node, "waste", Some(0.0))?,
                None => {
                    length(node, "x_waste", Some(0.0))?.min(length(node, "y_waste", Some(0.0))?)
                }
            };
            (Size::new(w, h), Shape::Rect { radius }, waste, None)
        }
        "Label-round" => {
            let r = length(node, "radius", None)?;
            (Size::new(2.0 * r, 2.0 * r), Shape::Round, length(node, "waste", Some(0.0))?, None)
        }
        "Label-ellipse" => {
            let w = length(node, "width", None)?;
            let h = length(node, "height", None)?;
            (Size::new(w, h), Shape::Rect { radius: 0.0 }, 0.0, Some("an elliptical label"))
        }
        "Label-cd" => {
            let r = length(node, "radius", None)?;
            let w = length(node, "width", Some(2.0 * r))?;
            let h = length(node, "height", Some(2.0 * r))?;
            (Size::new(w, h), Shape::Round, 0.0, Some("a CD label"))
        }
        other => return Err(format!("unknown label <{other}>")),
    };
    if !(size.w > 0.0 && size.h > 0.0) {
        return Err(format!("<{kind}> has no area"));
    }
    let mut layouts = Vec::new();
    let mut count = 0usize;
    for l in node.children().filter(|n| n.has_tag_name("Layout")) {
        let n = |name| count_attr(l, name);
        let layout = Layout {
            nx: n("nx")?,
            ny: n("ny")?,
            x0: length(l, "x0", Some(0.0))?,
            y0: length(l, "y0", Some(0.0))?,
            dx: length(l, "dx", Some(0.0))?,
            dy: length(l, "dy", Some(0.0))?,
        };
        count = count.saturating_add(layout.nx.saturating_mul(layout.ny));
        if count > MAX_LABELS {
            return Err(format!("more than {MAX_LABELS} labels"));
        }
        layouts.push(layout);
    }
    if count == 0 {
        return Err(format!("<{kind}> has no <Layout> with labels"));
    }
    Ok(Frame { size, shape, waste: waste.max(0.0), layouts, unsupported })
}

/// `nx` or `ny`: a whole number, 1 when left out (as in libglabels).
fn count_attr(node: roxmltree::Node, name: &str) -> Result<usize, String> {
    match node.attribute(name) {
        None => Ok(1),
        Some(v) => {
            v.trim().parse::<usize>().map_err(|_| format!("{name}=\"{v}\" is not a whole number"))
        }
    }
}

/// A length attribute in pt: a number and a unit (pt, in, mm, cm, pc; no
/// unit means pt, and an empty value is 0, as libglabels reads them).
fn length(node: roxmltree::Node, name: &str, default: Option<f64>) -> Result<f64, String> {
    let Some(text) = node.attribute(name) else {
        return default.ok_or_else(|| format!("no {name}"));
    };
    parse_length(text).ok_or_else(|| {
        format!("{name}=\"{text}\" is not a length (a number and pt, in, mm, cm or pc)")
    })
}

/// A gLabels length in pt, or `None` when its unit is unknown. As in
/// libglabels, a value that does not start with a number is 0 (the
/// database has `round="in"`).
pub fn parse_length(text: &str) -> Option<f64> {
    let t = text.trim();
    let unit_at =
        t.find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E').unwrap_or(t.len());
    let (number, unit) = t.split_at(unit_at);
    let per = match unit.trim() {
        "" | "pt" => 1.0,
        "in" => 72.0,
        "mm" => 72.0 / 25.4,
        "cm" => 720.0 / 25.4,
        "pc" => 12.0,
        _ => return None,
    };
    let number = number.trim();
    if number.is_empty() {
        return Some(0.0);
    }
    let pt = number.parse::<f64>().ok()? * per;
    pt.is_finite().then_some(pt)
}

/// Turns the entries into stocks: papers looked up, `equiv` copies made
/// (following chains, in any file order), the first of two same-named
/// products kept.
fn resolve(entries: Vec<Entry>, papers: &HashMap<String, Size>, db: &mut Database) {
    let mut by_name: HashMap<(String, String), usize> = HashMap::new();
    let mut kept: Vec<&Entry> = Vec::new();
    for e in &entries {
        let k = (key(&e.brand), key(&e.part));
        if let std::collections::hash_map::Entry::Vacant(slot) = by_name.entry(k) {
            slot.insert(kept.len());
            kept.push(e);
        }
    }
    for e in &kept {
        // Follow `equiv` to a product that has a label, at most as many steps as there are products.
        let mut target = *e;
        let mut steps = 0;
        let mut broken = None;
        while let Some(equiv) = &target.equiv {
            steps += 1;
            match by_name.get(&(key(&target.brand), key(equiv))) {
                Some(&i) if steps <= kept.len() => target = kept[i],
                Some(_) => {
                    broken = Some(format!(
                        "{} {}: its equiv chain goes round in a circle",
                        e.brand, e.part
                    ));
                    break;
                }
                None => {
                    broken = Some(format!(
                        "{} {}: equiv=\"{equiv}\" names no {} product",
                        e.brand, e.part, e.brand
                    ));
                    break;
                }
            }
        }
        let here =
            |message: String| Problem { path: e.path.clone(), line: e.line, col: e.col, message };
        if let Some(message) = broken {
            db.problems.push(here(message));
            continue;
        }
        let Some(frame) = &target.frame else { continue };
        let name = format!("{} {}", e.brand, e.part);
        if let Some(what) = frame.unsupported {
            db.unsupported.push((name, what));
            continue;
        }
        let (paper, paper_name) = match &target.paper {
            Paper::Other(size) => (*size, "Other".to_string()),
            Paper::Id(id) => {
                match papers.get(id).or_else(|| {
                    papers.iter().find(|(k, _)| k.eq_ignore_ascii_case(id)).map(|(_, s)| s)
                }) {
                    Some(size) => (*size, id.replace('-', " ")),
                    None => {
                        db.problems.push(Problem {
                        message: format!("{name}: unknown paper size \"{id}\" (paper-sizes.xml has no such id)"),
                        ..here(String::new())
                    });
                        continue;
                    }
                }
            }
        };
        let file = e.path.display();
        let source = if std::ptr::eq(target, *e) {
            format!("gLabels, {file}:{}", e.line)
        } else {
            format!("gLabels, {file}:{} (equiv of {} {})", e.line, target.brand, target.part)
        };
        db.stocks.push(Stock {
            name: Cow::Owned(name),
            product: None,
            description: Cow::Owned(target.description.clone()),
            paper,
            paper_name: Cow::Owned(paper_name),
            card: frame.size,
            shape: frame.shape,
            layouts: Cow::Owned(frame.layouts.clone()),
            waste: Some(frame.waste),
            origin: Origin::Glabels,
            source: Cow::Owned(source),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::to_mm;

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    const PAPERS: &str = r#"<Glabels-paper-sizes><Paper-size id="A4" pwg_size="iso_a4" width="210mm" height="297mm"/></Glabels-paper-sizes>"#;

    #[test]
    fn lengths_are_read_as_libglabels_reads_them() {
        assert_eq!(parse_length("72"), Some(72.0));
        assert_eq!(parse_length("1in"), Some(72.0));
        assert!((parse_length(" 2.54 cm ").unwrap() - 72.0).abs() < 1e-9);
        assert_eq!(parse_length("6pc"), Some(72.0));
        assert!((parse_length("25.4mm").unwrap() - 72.0).abs() < 1e-9);
        assert_eq!(parse_length(""), Some(0.0));
        assert_eq!(parse_length("in"), Some(0.0));
        assert_eq!(parse_length("3furlong"), None);
        assert_eq!(parse_length("1e400pt"), None);
    }

    #[test]
    fn equivs_follow_chains_in_any_order_and_broken_ones_are_problems() {
        // T-3 copies T-2, which copies T-1 defined later in the file; T-9
        // names nothing; C-1 and C-2 copy each other.
        let dir = folder(&[
            ("paper-sizes.xml", PAPERS),
            (
                "t-templates.xml",
                r#"<Glabels-templates xmlns="http://glabels.org/xmlns/3.0/">
  <Template brand="Test" part="T-3" equiv="T-2"/>
  <Template brand="Test" part="T-2" equiv="T-1"/>
  <Template name="Test T-1" size="A4" _description="Badges">
    <Label-rectangle id="0" width="80mm" height="50mm" x_waste="3mm" y_waste="2mm">
      <Layout nx="2" ny="5" x0="18mm" y0="13mm" dx="95mm" dy="55mm"/>
    </Label-rectangle>
  </Template>
  <Template brand="Test" part="T-9" equiv="T-8"/>
  <Template brand="Test" part="C-1" equiv="C-2"/>
  <Template brand="Test" part="C-2" equiv="C-1"/>
</Glabels-templates>"#,
            ),
        ]);
        let db = read(&[dir.path().to_path_buf()]);
        let names: Vec<&str> = db.stocks.iter().map(|s| &*s.name).collect();
        assert_eq!(names, ["Test T-3", "Test T-2", "Test T-1"]);
        assert!(db.stocks.iter().all(|s| s.layouts == db.stocks[2].layouts));
        assert_eq!(db.stocks[0].description, "Badges");
        assert!((to_mm(db.stocks[0].waste.unwrap()) - 2.0).abs() < 1e-9);
        let lines: Vec<(u32, &str)> =
            db.problems.iter().map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], (9, "Test T-9: equiv=\"T-8\" names no Test product"));
        assert!(lines[1].1.contains("goes round in a circle"), "{lines:?}");
    }

    #[test]
    fn a_broken_file_is_a_problem_and_the_first_folder_wins() {
        let good = r#"<Glabels-templates>
  <Template brand="Test" part="R-1" size="Other" width="100mm" height="100mm">
    <Label-round id="0" radius="20mm" waste="1mm"><Layout nx="2" ny="1" x0="5mm" y0="5mm" dx="50mm"/></Label-round>
  </Template>
</Glabels-templates>"#;
        let first = folder(&[
            ("a-templates.xml", good),
            ("b-templates.xml", "<Glabels-templates>\n<Template"),
        ]);
        let second =
            folder(&[("c-templates.xml", &good.replace("radius=\"20mm\"", "radius=\"10mm\""))]);
        let db = read(&[first.path().to_path_buf(), second.path().to_path_buf()]);
        assert_eq!(db.stocks.len(), 1);
        assert!((to_mm(db.stocks[0].card.w) - 40.0).abs() < 1e-9);
        assert_eq!(db.stocks[0].shape, Shape::Round);
        assert_eq!(db.problems.len(), 1);
        assert!(
            db.problems[0].to_string().contains("b-templates.xml:1:1: not XML"),
            "{}",
            db.problems[0]
        );
        assert_eq!(db.folders.len(), 2);
    }
}
