//! The stock catalogue: turns a `--sheet` name into one stock of the
//! built-in presets, pretix's badge sheets and the gLabels databases found,
//! and lists them.

use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

use super::glabels::{self, Problem};
use super::{key, pretix_sheets, Origin, Shape, Stock, STOCKS};
use crate::units::{to_mm, Size};

/// Where gLabels-format databases are looked for, first first: a product
/// in an earlier folder hides one of the same name in a later one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Folders(pub Vec<PathBuf>);

impl Folders {
    /// `extra` (`--stock-db`), then `LAMINATE_STOCKS` (folders separated as
    /// in PATH), then the user's gLabels templates
    /// (`$XDG_CONFIG_HOME/libglabels/templates`, `~/.glabels`), then the
    /// system's: `libglabels-3.0/templates` (gLabels 3, Debian's
    /// glabels-data) and `glabels-qt/templates` under each of
    /// `$XDG_DATA_DIRS` (default `/usr/local/share:/usr/share`).
    pub fn standard(extra: &[PathBuf]) -> Folders {
        let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
        let mut out: Vec<PathBuf> = extra.to_vec();
        if let Some(v) = var("LAMINATE_STOCKS") {
            out.extend(std::env::split_paths(&v));
        }
        let home = var("HOME").map(PathBuf::from);
        let config = var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        if let Some(c) = config {
            out.push(c.join("libglabels").join("templates"));
        }
        if let Some(h) = &home {
            out.push(h.join(".glabels"));
        }
        let data = var("XDG_DATA_DIRS").unwrap_or_else(|| "/usr/local/share:/usr/share".into());
        for d in std::env::split_paths(&data) {
            out.push(d.join("libglabels-3.0").join("templates"));
            out.push(d.join("glabels-qt").join("templates"));
        }
        Folders(out)
    }
}

/// Every stock `--sheet` can name.
#[derive(Debug, Default)]
pub struct Catalogue {
    /// The presets, then pretix's sheets, then the databases' products.
    pub stocks: Vec<Arc<Stock>>,
    /// Database products on labels laminate does not print on: name, shape.
    pub unsupported: Vec<(String, &'static str)>,
    /// Problems in the database files (the rest of each is still read).
    pub problems: Vec<Problem>,
    /// The database folders found.
    pub folders: Vec<PathBuf>,
}

/// Why a name is not one stock.
#[derive(Debug, Clone, PartialEq)]
pub enum NotFound {
    /// No stock has the name; the nearest names, if any.
    Unknown {
        /// Names like it.
        near: Vec<String>,
    },
    /// Sources give the name to stocks of different sizes.
    Ambiguous {
        /// Each one's qualified name and what it is.
        stocks: Vec<(String, String)>,
    },
    /// A product on labels laminate does not print on.
    Unsupported {
        /// The product.
        name: String,
        /// What kind of label it is.
        shape: &'static str,
    },
}

impl Catalogue {
    /// The presets, pretix's sheets and every product in `folders`.
    pub fn load(folders: &Folders) -> Catalogue {
        let db = glabels::read(&folders.0);
        let mut stocks: Vec<Arc<Stock>> = STOCKS.iter().cloned().map(Arc::new).collect();
        stocks.extend(pretix_sheets::stocks().into_iter().map(Arc::new));
        stocks.extend(db.stocks.into_iter().map(Arc::new));
        Catalogue {
            stocks,
            unsupported: db.unsupported,
            problems: db.problems,
            folders: db.folders,
        }
    }

    /// The stock `name` names: a preset, a pretix key or a product's brand
    /// and part (`Avery L4785`), case and spaces aside, or any of them
    /// qualified by its source (`glabels:Avery L4784`, `pretix:avery_63x29`,
    /// `laminate:avery-5392`). When sources give the name to stocks of the
    /// same paper, label size and count, it is gLabels' product (its slots
    /// are where a gLabels user prints); when to different ones, it is
    /// [`NotFound::Ambiguous`].
    pub fn find(&self, name: &str) -> Result<Arc<Stock>, NotFound> {
        let (origin, bare) = match name.split_once(':') {
            Some((p, rest)) => match [Origin::Laminate, Origin::Pretix, Origin::Glabels]
                .into_iter()
                .find(|o| o.prefix().eq_ignore_ascii_case(p.trim()))
            {
                Some(o) => (Some(o), rest),
                None => (None, name),
            },
            None => (None, name),
        };
        let k = key(bare);
        let mut found: Vec<&Arc<Stock>> = self
            .stocks
            .iter()
            .filter(|s| origin.is_none_or(|o| s.origin == o))
            .filter(|s| key(&s.name) == k || s.product.as_deref().is_some_and(|p| key(p) == k))
            .collect();
        if found.is_empty() {
            if let Some((n, shape)) = self.unsupported.iter().find(|(n, _)| key(n) == k) {
                return Err(NotFound::Unsupported { name: n.clone(), shape });
            }
            return Err(NotFound::Unknown { near: self.near(bare) });
        }
        // gLabels first, then pretix, then the presets.
        found.sort_by_key(|s| std::cmp::Reverse(s.origin));
        let first = found[0];
        if found.iter().all(|s| same_stock(s, first)) {
            return Ok(first.clone());
        }
        Err(NotFound::Ambiguous {
            stocks: found.iter().map(|s| (s.qualified(), summary(s))).collect(),
        })
    }

    /// Up to three names that look like `name` (a typo, the part without
    /// the brand).
    fn near(&self, name: &str) -> Vec<String> {
        let k = key(name);
        if k.len() < 2 {
            return vec![];
        }
        let mut scored: Vec<(f64, String)> = self
            .stocks
            .iter()
            .flat_map(|s| {
                std::iter::once(s.name.to_string()).chain(s.product.as_deref().map(str::to_string))
            })
            .filter_map(|n| {
                let nk = key(&n);
                // The part number alone ("l4785") names its products.
                let score = if nk.ends_with(&k) { 1.0 } else { strsim::jaro_winkler(&nk, &k) };
                (score > 0.9).then_some((score, n))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        scored.into_iter().take(3).map(|(_, n)| n).collect()
    }

    /// Stocks whose slots take `card`, the nearest to `near` first: on its
    /// paper, of its brand, then by source and name. At most `n`.
    pub fn fitting(&self, card: Size, near: &Stock, n: usize) -> Vec<Arc<Stock>> {
        let brand = |s: &Stock| {
            key(s.product.as_deref().unwrap_or(&s.name).split(' ').next().unwrap_or(""))
        };
        let mut fit: Vec<&Arc<Stock>> = self
            .stocks
            .iter()
            .filter(|s| s.takes(card) && !std::ptr::eq(&***s, near) && s.misplaced().is_none())
            .collect();
        fit.sort_by_key(|s| {
            (!s.paper.same_as(near.paper), brand(s) != brand(near), s.origin, s.name.to_string())
        });
        fit.into_iter().take(n).cloned().collect()
    }

    /// The text of `laminate stocks WORDS...`: with no words, the presets
    /// in full and the paper sizes (as before), then pretix's sheets and
    /// the databases' products a few lines each; with words, only the
    /// stocks whose names, descriptions, paper or size hold every word.
    pub fn listing(&self, words: &[String]) -> String {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let hit = |s: &Stock| {
            let text = format!(
                "{} {} {} {} {} {}",
                s.qualified(),
                s.product.as_deref().unwrap_or(""),
                s.description,
                s.paper_name,
                s.card,
                s.source
            )
            .to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        };
        let mut out = String::new();
        if words.is_empty() {
            out.push_str(&super::listing());
        } else {
            let presets: Vec<&Stock> = STOCKS.iter().filter(|s| hit(s)).collect();
            if !presets.is_empty() {
                out.push_str(super::PRESETS_HEADING);
                for s in presets {
                    super::write_preset(&mut out, s);
                }
            }
        }
        let sections = [
            (
                Origin::Pretix,
                "pretix's badge sheets (its badge exporter's rendering choices):".to_string(),
            ),
            (Origin::Glabels, self.database_heading()),
        ];
        for (origin, heading) in sections {
            let list: Vec<&Arc<Stock>> =
                self.stocks.iter().filter(|s| s.origin == origin && hit(s)).collect();
            if list.is_empty() && !words.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{heading}");
            for s in list {
                self.write_line(&mut out, s);
            }
        }
        if !words.is_empty() && out.is_empty() {
            let _ = writeln!(out, "No stock matches {}.", words.join(" "));
        }
        out
    }

    fn database_heading(&self) -> String {
        let count = self.stocks.iter().filter(|s| s.origin == Origin::Glabels).count();
        if self.folders.is_empty() {
            return "gLabels' product database: not found (install glabels-data, or name a folder with --stock-db or LAMINATE_STOCKS)".to_string();
        }
        let folders: Vec<String> = self.folders.iter().map(|f| f.display().to_string()).collect();
        format!("gLabels' product database ({count} products in {}):", folders.join(", "))
    }

    /// Two or three lines of a pretix sheet or a database product.
    fn write_line(&self, out: &mut String, s: &Stock) {
        let _ = writeln!(out, "{}: {}", s.name, s.description);
        let g = s.layouts[0];
        let across = if s.layouts.len() == 1 {
            format!(" ({} across x {} down)", g.nx, g.ny)
        } else {
            format!(" ({} layouts)", s.layouts.len())
        };
        let what = match s.shape {
            Shape::Round => format!("round labels of {} mm", mm2(s.card.w)),
            Shape::Rect { radius } if radius > 0.0 => {
                format!("labels of {}, corners {} mm", s.card, mm2(radius))
            }
            Shape::Rect { .. } => format!("labels of {}", s.card),
            Shape::Card => format!("cards of {}", s.card),
        };
        let _ = writeln!(
            out,
            "  {} {}, {} {what}{across}, bleed at most {} mm",
            s.paper_name,
            s.paper,
            s.count(),
            mm2(s.max_bleed())
        );
        let mut name = s.qualified();
        if let Some(p) = &s.product {
            name.push_str(&format!(", also \"{p}\""));
        }
        let _ = writeln!(out, "  {name}; {}", s.source);
        if let Some(n) = s.misplaced() {
            let _ = writeln!(out, "  (its label {n} overlaps another or leaves the paper: not printable as described)");
        }
    }
}

/// A length in mm with at most two decimals.
fn mm2(pt: f64) -> f64 {
    (to_mm(pt) * 100.0).round() / 100.0
}

/// True when two stocks are the same for a print run: paper, label size and
/// count within gLabels' slack (their slots may differ a little).
fn same_stock(a: &Stock, b: &Stock) -> bool {
    let near = |x: f64, y: f64| (x - y).abs() <= super::LABEL_SLACK;
    near(a.paper.w, b.paper.w)
        && near(a.paper.h, b.paper.h)
        && near(a.card.w, b.card.w)
        && near(a.card.h, b.card.h)
        && a.count() == b.count()
}

/// What a stock is, in a few words: "27 labels of 63.5 x 29.6 mm on A4".
pub fn summary(s: &Stock) -> String {
    let shape = if matches!(s.shape, Shape::Round) { " round" } else { "" };
    format!("{}{shape} of {} on {}, {}", s.count(), s.card, s.paper_name, s.source)
}
