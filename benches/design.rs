//! Designer latency: how long `laminate design` takes from an edit to the
//! new picture of the card (apply the edit, load the templates, resolve,
//! lay out, write the PDF, rasterise it, encode the PNG and the JSON).
//!
//! ```sh
//! cargo bench --bench design                 # 30 edits at 8 px/mm, the page's default zoom
//! cargo bench --bench design -- 50 12        # 50 edits at 12 px/mm
//! ```
//!
//! Prints the median and the slowest edit, and the median of each stage.

use std::time::Instant;

use laminate_passes_cli::serve::designer::{Designer, Options, View};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(30);
    let zoom: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(8.0);
    let cwd = std::env::temp_dir();
    let opts = Options { roster: None, templates: None, port: 0 };
    let mut designer = match Designer::open(&opts, &cwd) {
        Ok(d) => d,
        Err(f) => panic!("the designer does not open: {f}"),
    };
    let mut totals = Vec::new();
    let mut stages: Vec<[f64; 4]> = Vec::new();
    for i in 0..runs + 1 {
        let edit = serde_json::json!({
            "pass": "crew", "side": "front", "entry": 0, "zoom": zoom,
            "edits": [{"op": "set", "element": "name", "key": "x", "value": format!("{}", 4 + i % 5)}],
        });
        let view: View = serde_json::from_value(edit).expect("a view");
        let started = Instant::now();
        let answer = designer.view(&view, "edit");
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(answer["card"]["errors"], "", "the edit renders");
        if i == 0 {
            continue; // the first builds the fonts' tables once per process
        }
        totals.push(ms);
        let s = &answer["card"]["stages"];
        stages.push(std::array::from_fn(|k| s[k].as_f64().unwrap_or(0.0)));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let worst = totals.iter().copied().fold(0.0, f64::max);
    println!("edit -> picture, {runs} edits at {zoom} px/mm:");
    println!("  median {:.1} ms, slowest {:.1} ms", median(totals.clone()), worst);
    for (k, name) in ["templates", "resolve + layout", "pdf", "rasterise + png"].iter().enumerate()
    {
        println!("  {name:<18} {:.1} ms", median(stages.iter().map(|s| s[k]).collect()));
    }
}
