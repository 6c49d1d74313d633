//! Throughput benchmark: renders generated rosters of 1,000, 10,000 and
//! 100,000 passes with the release binary and reports wall time, passes per
//! second, PDF bytes per pass and peak memory.
//!
//! ```sh
//! cargo bench --bench throughput                       # sizes 1000 10000 100000, 3 runs each
//! cargo bench --bench throughput -- 1000 10000         # chosen sizes
//! cargo bench --bench throughput -- --runs 5           # or LAMINATE_BENCH_RUNS=5
//! cargo bench --bench throughput -- --jobs 1           # pass --jobs N to laminate
//! cargo bench --bench throughput -- --keep DIR         # keep the generated rosters in DIR
//! cargo bench --bench throughput -- 10000 --shaped     # names in shaped scripts instead
//! cargo bench --bench throughput -- 100000 --pdfx      # render --pdfx (PDF/X-4, colour-managed)
//! ```
//!
//! The names are Latin, Greek and Cyrillic (set as text); with `--shaped`
//! they are Arabic and Hebrew with their marks, Devanagari, Bengali and
//! Thai (drawn as outlines with an invisible text line, see
//! crates/laminate-passes/src/emit/glyphs.rs).
//!
//! Each run is a fresh `laminate render ROSTER -o OUT.pdf --quiet` process, so
//! every time includes process start-up, YAML parsing and writing the file.
//! Peak memory is the child's `VmHWM` from `/proc/<pid>/status`, polled every
//! 5 ms while it runs (Linux only).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod common;
use common::{cpu_model, group, load_average, Run};

const DEFAULT_SIZES: [usize; 3] = [1_000, 10_000, 100_000];
const DEFAULT_RUNS: usize = 3;

/// First and last names of one script, so that a generated name never mixes
/// scripts.
struct Names {
    first: &'static [&'static str],
    last: &'static [&'static str],
}

const LATIN: Names = Names {
    first: &[
        "José",
        "Ingrid",
        "François",
        "Zoë",
        "Ørjan",
        "Łucja",
        "Jürgen",
        "Siobhán",
        "Chloé",
        "Þórunn",
        "Renée",
        "Çağla",
        "Małgorzata",
        "Pål",
        "Émilie",
        "Ana Lúcia",
        "Mikael",
        "Søren",
        "Agnès",
        "Dóra",
        "Tomáš",
        "Núria",
        "Bjørn",
        "Íñigo",
        "Åsa",
        "Mário",
        "Hélène",
        "Oğuz",
        "Zdeněk",
        "Sigríður",
    ],
    last: &[
        "Müller",
        "Søndergaard",
        "Lefèvre",
        "Ødegård",
        "Hæstad",
        "Wróblewska",
        "Weiß",
        "Ní Bhriain",
        "Dubois-Martínez",
        "Guðmundsdóttir",
        "O'Connor",
        "Yıldırım",
        "Szymańska",
        "Côté",
        "Gonçalves",
        "Järvinen",
        "Łukasiewicz",
        "Núñez",
        "Dvořák",
        "Åkerlund",
        "Fernández",
        "Kovačević",
        "Sánchez",
        "Öztürk",
        "Björklund",
        "Hernández",
        "Jovanović",
        "Štěpánek",
        "Lindqvist",
        "Grönholm",
    ],
};

const GREEK: Names = Names {
    first: &[
        "Αλέξανδρος",
        "Ελένη",
        "Σοφία",
        "Γιώργος",
        "Μαρία",
        "Νίκος",
        "Κατερίνα",
        "Δημήτρης",
        "Ιωάννα",
        "Παναγιώτης",
        "Αθηνά",
        "Χρήστος",
    ],
    last: &[
        "Παπαδόπουλος",
        "Γεωργίου",
        "Κωνσταντίνου",
        "Οικονόμου",
        "Βασιλείου",
        "Νικολάου",
        "Παπαδάκη",
        "Ιωάννου",
        "Αντωνίου",
        "Μιχαηλίδης",
        "Καραγιάννη",
        "Σταυρόπουλος",
    ],
};

const CYRILLIC: Names = Names {
    first: &[
        "Дмитрий",
        "Ольга",
        "Иван",
        "Ярослава",
        "Анна",
        "Сергей",
        "Наталья",
        "Алексей",
        "Екатерина",
        "Богдан",
        "Людмила",
        "Юрий",
    ],
    last: &[
        "Соколов",
        "Кузнецова",
        "Петров",
        "Шевченко",
        "Иванова",
        "Смирнов",
        "Попова",
        "Волков",
        "Лебедева",
        "Коваленко",
        "Морозова",
        "Жуков",
    ],
};

const ARABIC: Names = Names {
    first: &["مُحَمَّد", "فَاطِمَة", "عَلِيّ", "خَدِيجَة", "يُوسُف", "مَرْيَم", "حَسَن", "زَيْنَب"],
    last: &["عَبْدُ الله", "الزَّهْرَاء", "بْنُ أَبِي طَالِب", "الأَحْمَد", "الخُورِي", "حَدَّاد"],
};

const HEBREW: Names = Names {
    first: &["שָׁלוֹם", "דָּוִד", "רִבְקָה", "אֱלִיעֶזֶר", "יַעֲקֹב", "מִרְיָם", "נֹעָה", "יְהוֹנָתָן"],
    last: &["כֹּהֵן", "לֵוִי", "בֶּן-גּוּרְיוֹן", "מִזְרָחִי", "פֶּרֶץ", "אַבְרָהָם"],
};

const INDIC_THAI: Names = Names {
    first: &["अजित", "प्रियंका", "श्रीनिवास", "রবীন্দ্রনাথ", "সত্যজিৎ", "สมชาย", "ณัฐพงษ์", "क्षितिज"],
    last: &["चतुर्वेदी", "चोपड़ा", "ठाकुर", "রায়", "ใจดี", "ศรีสุข", "त्रिपाठी", "মুখোপাধ্যায়"],
};

const ROLES: &[&str] = &[
    "Rigger",
    "Production Manager",
    "Front-of-house engineer",
    "Lighting designer",
    "Cellist",
    "Presenter",
    "Guest of the headliner",
    "Contest winner",
    "Friend of the band",
    "Monitor engineer",
    "Backline technician",
    "Loader",
    "Tour manager",
    "Photographer",
    "Sponsor guest",
    "Security lead",
    "Caterer",
    "Dancer",
    "Interpreter",
    "Runner",
    "Merchandise",
    "Stage manager",
    "Drummer",
    "Driver",
];

const PASSES: &[&str] = &["crew", "all-access", "vip", "sticky", "day"];
const EVENT_DAYS: &[&str] = &["2026-07-10", "2026-07-11", "2026-07-12"];

/// A 64-bit linear congruential generator (Knuth's MMIX constants): the
/// rosters are the same on every run and every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[(self.next() % list.len() as u64) as usize]
    }
}

/// A YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn roster(passes: usize, shaped: bool) -> String {
    let mut rng = Lcg(0x004e_4c46_3230_3236);
    let mut out = String::with_capacity(passes * 140 + 200);
    out.push_str(
        "# Generated by benches/throughput.rs\n\
         event:\n  name: Northern Lights Festival 2026\n  venue: Harbour Arena\n  \
         starts: 2026-07-10\n  ends: 2026-07-12\npasses:\n",
    );
    for i in 0..passes {
        let script = match (shaped, rng.next() % 10) {
            (false, 0..=5) => &LATIN,
            (false, 6 | 7) => &GREEK,
            (false, _) => &CYRILLIC,
            (true, 0..=3) => &ARABIC,
            (true, 4..=6) => &HEBREW,
            (true, _) => &INDIC_THAI,
        };
        let name = format!("{} {}", rng.pick(script.first), rng.pick(script.last));
        let role = rng.pick(ROLES);
        let pass = PASSES[i % PASSES.len()];
        let _ = write!(
            out,
            "  - id: NLF-{:06}\n    name: {}\n    role: {}\n    pass: {pass}\n",
            i + 1,
            quoted(&name),
            quoted(role)
        );
        if pass == "day" {
            let _ = writeln!(
                out,
                "    valid_from: {}",
                EVENT_DAYS[(i / PASSES.len()) % EVENT_DAYS.len()]
            );
        }
    }
    out
}

fn die(msg: String) -> ! {
    eprintln!("throughput: FAILED: {msg}");
    std::process::exit(1);
}

fn run_once(
    bin: &Path,
    roster: &Path,
    out: &Path,
    stderr: &Path,
    jobs: Option<&str>,
    pdfx: bool,
) -> Run {
    let mut cmd = Command::new(bin);
    cmd.arg("render").arg(roster).arg("-o").arg(out).arg("--quiet");
    if let Some(j) = jobs {
        cmd.args(["--jobs", j]);
    }
    if pdfx {
        cmd.arg("--pdfx");
    }
    common::measure(cmd, out, stderr).unwrap_or_else(|e| die(e))
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("throughput: {msg}");
    eprintln!(
        "usage: cargo bench --bench throughput -- [SIZE ...] [--runs N] [--jobs N] [--keep DIR] [--shaped] [--pdfx]"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut sizes = Vec::new();
    let mut runs: Option<usize> = None;
    let mut jobs: Option<String> = None;
    let mut keep: Option<PathBuf> = None;
    let mut shaped = false;
    let mut pdfx = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // cargo bench passes --bench to harness = false targets.
            "--bench" => {}
            "--runs" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => runs = Some(n),
                _ => return usage("--runs takes a number above 0"),
            },
            "--jobs" => match args.next() {
                Some(j) => jobs = Some(j),
                None => return usage("--jobs takes a number"),
            },
            "--shaped" => shaped = true,
            "--pdfx" => pdfx = true,
            "--keep" => match args.next() {
                Some(d) => keep = Some(PathBuf::from(d)),
                None => return usage("--keep takes a folder"),
            },
            other => match other.replace(['_', ','], "").parse::<usize>() {
                Ok(n) if n > 0 => sizes.push(n),
                _ => return usage(&format!("unknown argument {other:?}")),
            },
        }
    }
    if sizes.is_empty() {
        sizes = DEFAULT_SIZES.to_vec();
    }
    let runs = match runs {
        Some(n) => n,
        None => match std::env::var("LAMINATE_BENCH_RUNS") {
            Ok(v) => match v.parse() {
                Ok(n) if n > 0 => n,
                _ => return usage("LAMINATE_BENCH_RUNS takes a number above 0"),
            },
            Err(_) => DEFAULT_RUNS,
        },
    };

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_laminate"));
    let dir = tempfile::tempdir().unwrap_or_else(|e| die(format!("cannot create a temp dir: {e}")));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let smallest = sizes.iter().copied().min().unwrap_or(0);

    println!("laminate throughput: {} run(s) per size, median wall time, peak memory the highest of the runs", runs);
    println!("binary:  {}", bin.display());
    println!(
        "jobs:    {}",
        jobs.as_deref().map_or_else(|| format!("default (one per core: {cores})"), str::to_string)
    );
    println!("machine: {cores} cores, {}", cpu_model());
    println!("load:    {} (1, 5, 15 min load average before the runs)", load_average());
    println!(
        "names:   {}",
        if shaped {
            "Arabic, Hebrew (with marks), Devanagari, Bengali, Thai"
        } else {
            "Latin, Greek, Cyrillic"
        }
    );
    println!("pdfx:    {}", if pdfx { "yes (render --pdfx)" } else { "no" });
    println!();

    let header = ["passes", "median s", "passes/s", "bytes/pass", "peak MB", ""];
    let mut rows: Vec<Vec<String>> = Vec::new();
    for &n in &sizes {
        let roster_path = keep.as_deref().unwrap_or(dir.path()).join(format!("roster-{n}.yaml"));
        std::fs::write(&roster_path, roster(n, shaped))
            .unwrap_or_else(|e| die(format!("cannot write {}: {e}", roster_path.display())));
        let out = dir.path().join(format!("out-{n}.pdf"));
        let stderr = dir.path().join(format!("stderr-{n}.txt"));
        let mut results: Vec<Run> = Vec::with_capacity(runs);
        for r in 0..runs {
            let run = run_once(&bin, &roster_path, &out, &stderr, jobs.as_deref(), pdfx);
            eprintln!(
                "throughput: {n} passes, run {}/{runs}: {:.3} s, peak {:.1} MB, {} bytes",
                r + 1,
                run.seconds,
                run.peak_kb as f64 / 1024.0,
                run.bytes
            );
            results.push(run);
        }
        // The PDF of a large run is big; don't keep it around.
        let _ = std::fs::remove_file(&out);
        if results.iter().any(|r| r.bytes != results[0].bytes) {
            die(format!("{n} passes: the PDF size differs between runs (output is meant to be deterministic)"));
        }

        let times: Vec<f64> = results.iter().map(|r| r.seconds).collect();
        let median = common::median(&times);
        let peak_kb = results.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        rows.push(vec![
            group(n),
            format!("{median:.2}"),
            group((n as f64 / median).round() as usize),
            group((results[0].bytes as f64 / n as f64).round() as usize),
            if peak_kb == 0 { "n/a".into() } else { format!("{:.1}", peak_kb as f64 / 1024.0) },
            if n == smallest { "including start-up".into() } else { String::new() },
        ]);
    }

    println!();
    common::print_table(&header, &rows, 0, true);
    println!();
    println!(
        "MB = 2^20 bytes (VmHWM, the peak resident set); every time includes process start-up."
    );
    ExitCode::SUCCESS
}
