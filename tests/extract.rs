//! Names read back from the PDF as written, in the four engines people read
//! passes with: poppler (pdftotext), PDFium (Chrome, through pypdfium2),
//! pdf.js (Firefox, under node) and MuPDF 1.21 (mutool), the last two
//! ignoring ActualText. scripts/test installs all four.

mod util;

use std::collections::BTreeMap;
use std::fs;

use laminate_passes::diag::FileId;
use unicode_properties::UnicodeGeneralCategory;
use util::{have, have_helper, laminate_in, root, temp, tool, tool_may_fail};

/// How a name came back from an engine.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Read {
    /// As written.
    Exact,
    /// With the marks of a letter in another order: canonically equivalent
    /// to the name (Unicode 3.11, the same text to any search that
    /// normalises), but not the same code points.
    Equivalent,
    /// As written but for its format characters (Unicode Cf: zero width
    /// non-joiner and joiner), which were left out.
    NoFormat,
    /// Anything else.
    Wrong,
}

/// The names an engine reads back less than exactly, by id. PDFium keeps a
/// run of marks in the order they sit on the page where poppler reverses
/// it with the letters around it; no one order of the invisible text
/// pleases both (see crates/laminate-passes/src/emit/glyphs.rs), and laminate's keeps poppler
/// exact. pdf.js leaves every format character out of the text of any PDF
/// (its `SpecialCharRegExp`), such as the zero width non-joiner of a
/// Persian name.
///
/// Lines that mix directions (MX) are not read back right everywhere:
/// poppler and PDFium choose a line's direction by counting letters (or
/// runs of them), not by its first strong character (Unicode rule P2), so a
/// Latin title before a longer Arabic name ends up last; PDFium also puts
/// the runs of some lines in page order; and pdf.js drops the space where a
/// right-to-left line turns left to right, or, in a line that mixes
/// directions, the space between right-to-left words.
///
/// The test fails when this list is wrong either way, so that a fix (or a
/// regression) updates it.
const NOT_EXACT: &[(&str, Read, &[&str])] = &[
    ("poppler", Read::Wrong, &["MX-5"]),
    ("PDFium", Read::Equivalent, &["AR-1", "AR-3", "HE-1", "HE-2", "HE-4", "MX-3"]),
    ("PDFium", Read::Wrong, &["MX-2", "MX-4", "MX-5"]),
    ("pdf.js", Read::NoFormat, &["FA-2"]),
    ("pdf.js", Read::Wrong, &["MX-2", "MX-3", "MX-5"]),
];

/// Where scripts/test installs pdfjs-dist (git-ignored).
const PDFJS: &str = ".test-tools/node_modules";

/// True when all four engines are here (each missing one fails the test
/// under `LAMINATE_REQUIRE_TOOLS`, as [`have`] does).
fn have_engines() -> bool {
    let tools = [have("pdftotext"), have("mutool"), have("python3"), have("node")];
    let helpers = [
        have_helper("pypdfium2", || {
            tool_may_fail("python3", &["-c", "import pypdfium2"]).status == 0
        }),
        have_helper("pdfjs-dist", || {
            root().join(PDFJS).join("pdfjs-dist/legacy/build/pdf.mjs").exists()
        }),
    ];
    tools.iter().chain(&helpers).all(|ok| *ok)
}

/// The engines, each a command that prints a PDF's pages' text separated
/// by form feeds.
fn engines(pdf: &str) -> Vec<(&'static str, String)> {
    let run = |program: &str, args: &[&str], env: &[(&str, String)]| {
        let mut cmd = std::process::Command::new(program);
        cmd.args(args).current_dir(root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("the engine runs");
        assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("engines print UTF-8")
    };
    let poppler = run("pdftotext", &[pdf, "-"], &[]);
    let pdfium = run("python3", &["tests/extract/pdfium.py", pdf], &[]);
    let pdfjs = run(
        "node",
        &["tests/extract/pdfjs.mjs", pdf],
        &[("NODE_PATH", root().join(PDFJS).display().to_string())],
    );
    // Quiet, so its warnings do not mix with the text; pages end in form feeds.
    let mupdf = run("mutool", &["draw", "-q", "-F", "txt", "-o", "-", pdf], &[]);
    vec![("poppler", poppler), ("PDFium", pdfium), ("pdf.js", pdfjs), ("MuPDF", mupdf)]
}

/// An engine's text split into its pages (each ends in a form feed, which
/// MuPDF follows with a newline); the test fails unless there are `n`.
fn split_pages(engine: &str, text: &str, n: usize) -> Vec<String> {
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    let after = pages.pop().unwrap_or_default();
    assert!(after.trim().is_empty(), "{engine}: the text does not end in a form feed: {after:?}");
    assert_eq!(pages.len(), n, "{engine}: {} pages, not {n}", pages.len());
    pages
}

/// A page's text as one line: whitespace runs made one space, and left out
/// the bidirectional controls some readers wrap right-to-left text in
/// (invisible, and not part of the name).
fn normalised(page: &str) -> String {
    let kept: String = page
        .chars()
        .filter(|c| !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How `got` reads as `name`.
fn read(got: &str, name: &str) -> Read {
    let format =
        |c: &char| matches!(c.general_category(), unicode_properties::GeneralCategory::Format);
    if got == name {
        Read::Exact
    } else if canonical_order(got) == canonical_order(name) {
        Read::Equivalent
    } else if got.chars().eq(name.chars().filter(|c| !format(c))) {
        Read::NoFormat
    } else {
        Read::Wrong
    }
}

/// Text in canonical order (Unicode 3.11): each run of combining marks
/// sorted, stably, by combining class. Two strings without decomposable
/// characters are canonically equivalent when these are equal.
fn canonical_order(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    let class = |c: char| unicode_ccc::get_canonical_combining_class(c) as u8;
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && class(chars[i]) != 0 {
            i += 1;
        }
        chars[start..i].sort_by_key(|&c| class(c));
        i = i.max(start + 1);
    }
    chars
}

#[test]
fn names_with_combining_marks_extract_as_written_in_four_engines() {
    // Guards issue 14: names with harakat, niqqud, vowel signs and stacked
    // accents extracted with letters that are not in them (one ToUnicode
    // string per glyph id), right-to-left names reversed in MuPDF, marks
    // split off their letters in poppler and PDFium, the spaces between
    // right-to-left words lost in pdf.js, and U+FFFD for glyphs with no
    // mapping.
    if !have_engines() || !have("qpdf") {
        return;
    }
    let dir = temp();
    let pdf = dir.path().join("marks.pdf").display().to_string();
    let mut args = vec![
        "render",
        "tests/marks/roster.yaml",
        "--templates",
        "tests/marks/templates",
        "-o",
        &pdf,
    ];
    args.extend_from_slice(util::CARD_PAGES);
    let run = laminate_in(&root(), &args, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    // Same input, same bytes (here with one worker thread instead of one a core).
    let one = dir.path().join("one.pdf").display().to_string();
    let mut single = args.to_vec();
    single[5] = &one;
    single.extend(["--jobs", "1"]);
    let run = laminate_in(&root(), &single, &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(fs::read(&pdf).unwrap() == fs::read(&one).unwrap(), "--jobs 1 gave other bytes");

    let path = root().join("tests/marks/roster.yaml");
    let mut diags = vec![];
    let text = fs::read_to_string(&path).unwrap();
    let roster =
        laminate_passes::load::roster::load(&text, FileId(0), path.parent().unwrap(), &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let entries = roster.unwrap().entries;

    // Names read back less than exactly, per script (the id's prefix) and
    // engine, for the message.
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut inexact = Vec::new();
    let mut surprises = Vec::new();
    for (engine, text) in engines(&pdf) {
        let pages = split_pages(engine, &text, entries.len());
        for (e, page) in entries.iter().zip(&pages) {
            let script = e.id.split('-').next().unwrap();
            let count = counts.entry((script, engine)).or_default();
            let got = normalised(page);
            let how = read(&got, &e.name);
            let expected = NOT_EXACT
                .iter()
                .find(|(k, _, ids)| *k == engine && ids.contains(&&*e.id))
                .map_or(Read::Exact, |(_, how, _)| *how);
            if how != Read::Exact {
                *count += 1;
                inexact
                    .push(format!("{engine}: {} {:?} came back {how:?} as {got:?}", e.id, e.name));
            }
            if how != expected {
                surprises.push(format!(
                    "{engine}: {} {:?} came back {how:?}, not {expected:?}, as {got:?}",
                    e.id, e.name
                ));
            }
        }
    }
    let mut table = String::from("names not read back exactly, per script and engine\n");
    table.push_str("script  poppler  PDFium  pdf.js   MuPDF\n");
    let mut scripts: Vec<&str> = counts.keys().map(|(s, _)| *s).collect();
    scripts.dedup();
    for s in scripts {
        let n = |e| counts[&(s, e)];
        table.push_str(&format!(
            "{s:<7} {:>7} {:>7} {:>7} {:>7}\n",
            n("poppler"),
            n("PDFium"),
            n("pdf.js"),
            n("MuPDF")
        ));
    }
    eprintln!("{table}\n{}", inexact.join("\n"));
    assert!(surprises.is_empty(), "{table}\n{}", surprises.join("\n"));

    // The reading font's two dictionaries share their CIDFont: a valid file.
    let stdout = tool("qpdf", &["--check", &pdf]);
    assert!(stdout.contains("No syntax or stream encoding errors"), "{stdout}");
}

/// How a locale writes a full name.
#[derive(Clone, Copy)]
enum Order {
    /// "Given Family".
    GivenFamily,
    /// "Family Given".
    FamilyGiven,
    /// "FamilyGiven", with no space (Korean, Chinese).
    Joined,
}

/// Given and family names of 21 locales, 5 x 4 = 20 full names each: names
/// people have, with the marks their scripts write on them (harakat and
/// shadda, niqqud and dagesh, vowel signs and conjuncts, stress marks,
/// stacked accents).
const LOCALES: &[(&str, Order, &[&str], &[&str])] = &[
    (
        "ar",
        Order::GivenFamily,
        &["مُحَمَّد", "فَاطِمَة", "عَلِيّ", "خَدِيجَة", "يُوسُف"],
        &["عَبْدُ الله", "الزَّهْرَاء", "حَدَّاد", "الخُورِي"],
    ),
    (
        "he",
        Order::GivenFamily,
        &["שָׁלוֹם", "דָּוִד", "רִבְקָה", "אֱלִיעֶזֶר", "יַעֲקֹב"],
        &["כֹּהֵן", "לֵוִי", "בֶּן-גּוּרְיוֹן", "מִזְרָחִי"],
    ),
    (
        "fa",
        Order::GivenFamily,
        &["رضا", "فاطمه", "علی", "مریم", "حسین"],
        &["محمدی", "رضایی", "احمدی", "کریمی"],
    ),
    (
        "ur",
        Order::GivenFamily,
        &["نادیہ", "عمران", "عائشہ", "بلال", "ثمینہ"],
        &["حسین", "خان", "چوہدری", "قریشی"],
    ),
    (
        "yi",
        Order::GivenFamily,
        &["יִצְחָק", "פֿײַגע", "שְׁמוּאֵל", "חַיָּה", "משה"],
        &["באַשעוויס", "זינגער", "גאָלדבערג", "ראָזענבלאַט"],
    ),
    (
        "hi",
        Order::GivenFamily,
        &["अजित", "प्रियंका", "श्रीनिवास", "क्षितिज", "अनुष्का"],
        &["चतुर्वेदी", "चोपड़ा", "त्रिपाठी", "शंकर"],
    ),
    (
        "mr",
        Order::GivenFamily,
        &["ज्ञानेश्वर", "सावित्री", "विठ्ठल", "अश्विनी", "तुकाराम"],
        &["पाटील", "देशपांडे", "कुलकर्णी", "जोशी"],
    ),
    (
        "bn",
        Order::GivenFamily,
        &["রবীন্দ্রনাথ", "সত্যজিৎ", "ঋত্বিক", "শ্রীকান্ত", "জীবনানন্দ"],
        &["ঠাকুর", "রায়", "ঘটক", "মুখোপাধ্যায়"],
    ),
    (
        "ta",
        Order::GivenFamily,
        &["இளையராஜா", "சுப்பிரமணிய", "ஸ்ரீனிவாசன்", "கௌதம்", "அருந்ததி"],
        &["பாரதி", "கிருஷ்ணமூர்த்தி", "மேனன்", "ராய்"],
    ),
    (
        "th",
        Order::GivenFamily,
        &["สมชาย", "ณัฐพงษ์", "กิตติศักดิ์", "ปิ่นแก้ว", "สุภาพร"],
        &["ใจดี", "ศรีสุข", "ทองคำ", "เจริญผล"],
    ),
    (
        "vi",
        Order::FamilyGiven,
        &["Thị Minh Khai", "Hưng Đạo", "Nhật Vượng", "Thái Sơn", "Thị Ánh Tuyết"],
        &["Nguyễn", "Trần", "Phạm", "Đặng"],
    ),
    (
        "yo",
        Order::GivenFamily,
        &["Ọláolúwa", "Adébáyọ̀", "Olúwaṣeun", "Fẹ́mi", "Ìyábọ̀dé"],
        &["Ọlọ́runfẹ́mi", "Akínṣọlá", "Adéyẹmí", "Ògúnlẹ́yẹ"],
    ),
    (
        "el",
        Order::GivenFamily,
        &["Ἀλέξανδρος", "Ὀδυσσεύς", "Ἡρόδοτος", "Σωκράτης", "Εὐριπίδης"],
        &["Ῥήγας", "Ἐλύτης", "Ἁλικαρνασσεύς", "Ἀθηναῖος"],
    ),
    (
        "ru",
        Order::GivenFamily,
        &["Ива\u{301}н", "А\u{301}нна", "Серге\u{301}й", "Ната\u{301}лья", "Алексе\u{301}й"],
        &["Петро\u{301}в", "Соколо\u{301}ва", "Кузнецо\u{301}в", "Смирно\u{301}ва"],
    ),
    (
        "hy",
        Order::GivenFamily,
        &["Արամ", "Անի", "Տիգրան", "Նարե", "Գոհար"],
        &["Խաչատրյան", "Սարգսյան", "Պետրոսյան", "Հակոբյան"],
    ),
    (
        "ka",
        Order::GivenFamily,
        &["ნიკო", "ნინო", "გიორგი", "თამარ", "ლაშა"],
        &["ფიროსმანი", "ბერიძე", "კაპანაძე", "ჯავახიშვილი"],
    ),
    ("ko", Order::Joined, &["민준", "서연", "지훈", "수아", "우진"], &["김", "이", "박", "최"]),
    ("zh", Order::Joined, &["小明", "秀英", "伟", "静", "建国"], &["王", "李", "张", "刘"]),
    (
        "ja",
        Order::FamilyGiven,
        &["太郎", "花子", "翔太", "さくら", "健"],
        &["山田", "佐藤", "鈴木", "高橋"],
    ),
    (
        "tr",
        Order::GivenFamily,
        &["Işıl", "Çağla", "Oğuz", "Şükrü", "Gülşen"],
        &["Çağlar", "Öztürk", "Yıldız", "Şahin"],
    ),
    (
        "pl",
        Order::GivenFamily,
        &["Grzegorz", "Małgorzata", "Łucja", "Żaneta", "Wojciech"],
        &["Brzęczyszczykiewicz", "Wróblewska", "Żółkiewski", "Ślęzak"],
    ),
];

/// How many of the 420 names PDFium gives back with the stacked marks of a
/// letter in another order (canonically equivalent), on either card.
const EQUIVALENT: usize = 34;

/// True when some letter of the name carries two or more marks in a row
/// (what PDFium may give back in the other order).
fn stacked(name: &str) -> bool {
    let class = |c: char| unicode_ccc::get_canonical_combining_class(c) as u8;
    name.chars().zip(name.chars().skip(1)).any(|(a, b)| class(a) != 0 && class(b) != 0)
}

#[test]
fn four_hundred_names_in_twenty_one_locales_extract_as_written() {
    // Issue 14 found 8 of 400 names in 20 locales wrong in poppler, 7 in
    // PDFium and 47 in pdf.js. Every name here must come back exactly as
    // written in all four engines, on a card with the name alone and on one
    // with left-to-right labels around it, but for what no layout can give
    // both poppler and PDFium:
    // - PDFium may return the stacked marks of a letter in another
    //   (canonically equivalent) order;
    // - on a page poppler reads as left to right (more Latin letters than
    //   Hebrew or Arabic ones: every real pass), it returns the parts of a
    //   hyphenated right-to-left name in page order, last part first
    //   ("גוריון-דוד בן"), as it does for any PDF. Laying the parts out
    //   the other way round makes PDFium do the same.
    if !have_engines() {
        return;
    }
    let mut names = Vec::new();
    for (locale, order, given, family) in LOCALES {
        for g in *given {
            for f in *family {
                let name = match order {
                    Order::GivenFamily => format!("{g} {f}"),
                    Order::FamilyGiven => format!("{f} {g}"),
                    Order::Joined => format!("{f}{g}"),
                };
                names.push((*locale, name));
            }
        }
    }
    assert_eq!(names.len(), 420);
    let dir = temp();
    let templates = root().join("tests/marks/templates").display().to_string();
    let mut table = String::from("names not read back as written, per locale and engine\n");
    let mut wrong = Vec::new();
    let mut counted = Vec::new();
    for pass in ["guest", "labelled"] {
        let mut roster = String::from(
            "event: { name: Names, venue: Anywhere, starts: 2026-09-18, ends: 2026-09-18 }\npasses:\n",
        );
        for (n, (locale, name)) in names.iter().enumerate() {
            roster
                .push_str(&format!("  - {{ id: {locale}-{n}, name: \"{name}\", pass: {pass} }}\n"));
        }
        fs::write(dir.path().join("names.yaml"), roster).unwrap();
        let pdf = dir.path().join(format!("{pass}.pdf")).display().to_string();
        let mut args = vec!["render", "names.yaml", "--templates", &templates, "-o", &pdf];
        args.extend_from_slice(util::CARD_PAGES);
        let run = laminate_in(dir.path(), &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);

        let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let (mut equivalent, mut swapped) = (0, 0);
        for (engine, text) in engines(&pdf) {
            let pages = split_pages(engine, &text, names.len());
            for ((locale, name), page) in names.iter().zip(&pages) {
                let page = normalised(page);
                // The labelled card's page holds more than the name.
                let got = if pass == "guest" { page } else { found(&page, name) };
                let count = counts.entry((locale, engine)).or_default();
                match read(&got, name) {
                    Read::Exact => {}
                    Read::Equivalent if engine == "PDFium" && stacked(name) => equivalent += 1,
                    _ if engine == "poppler"
                        && pass == "labelled"
                        && parts_swapped(name).is_some_and(|s| s == got) =>
                    {
                        swapped += 1
                    }
                    how => {
                        *count += 1;
                        wrong.push(format!(
                            "{pass}: {engine}: {locale} {name:?} came back {how:?} as {got:?}"
                        ));
                    }
                }
            }
        }
        table.push_str(&format!("{pass} cards\nlocale  poppler  PDFium  pdf.js   MuPDF\n"));
        for (locale, ..) in LOCALES {
            let n = |e| counts[&(*locale, e)];
            table.push_str(&format!(
                "{locale:<7} {:>7} {:>7} {:>7} {:>7}\n",
                n("poppler"),
                n("PDFium"),
                n("pdf.js"),
                n("MuPDF")
            ));
        }
        table.push_str(&format!(
            "PDFium gave {equivalent} names with stacked marks in another order; poppler gave \
             {swapped} hyphenated right-to-left names last part first\n"
        ));
        // The two allowances are counted, not taken on trust: PDFium's order
        // of stacked marks in the names that have them, and on the labelled
        // cards poppler's order of the parts of the 5 hyphenated Hebrew names
        // (the 5 given names with בֶּן-גּוּרְיוֹן).
        let want = if pass == "labelled" { (EQUIVALENT, 5) } else { (EQUIVALENT, 0) };
        counted.push((pass, (equivalent, swapped), want));
    }
    eprintln!("{table}");
    assert!(wrong.is_empty(), "{table}\n{}", wrong.join("\n"));
    for (pass, got, want) in counted {
        assert_eq!(got, want, "{pass} cards: (stacked marks reordered, parts swapped)\n{table}");
    }
}

/// The name as `page` has it: the name itself, or failing that what stands
/// where it should (the stretch of the same length after the line before,
/// the event's), for the message and the checks that tell how it differs.
fn found(page: &str, name: &str) -> String {
    if page.contains(name) {
        return name.to_string();
    }
    let after = page.split(" · guest pass ").nth(1).unwrap_or(page);
    let before = after.split(" Pass ").next().unwrap_or(after);
    before.trim().to_string()
}

/// A right-to-left name with its hyphen-separated parts in reverse order:
/// "דוד בן-גוריון" as "גוריון-דוד בן"; None for any other name.
fn parts_swapped(name: &str) -> Option<String> {
    let rtl = name.chars().any(|c| ('\u{0590}'..='\u{08ff}').contains(&c));
    if !rtl || !name.contains('-') {
        return None;
    }
    let mut parts: Vec<&str> = name.split('-').collect();
    parts.reverse();
    Some(parts.join("-"))
}

/// Where `--dump` puts the text `name` on its card: its x in pt.
fn dumped_x(dump: &str, name: &str) -> f64 {
    let line = dump
        .lines()
        .find(|l| l.contains(" text ") && l.contains(&format!("\"{name}\"")))
        .unwrap_or_else(|| panic!("{name} not in the dump:\n{dump}"));
    let at = line.trim_start().strip_prefix('@').unwrap();
    at.split(',').next().unwrap().parse().unwrap()
}

#[test]
fn align_start_sets_right_to_left_names_flush_right_and_others_flush_left() {
    let dir = temp();
    let templates = dir.path().join("templates");
    fs::create_dir(&templates).unwrap();
    let guest = fs::read_to_string(root().join("tests/marks/templates/guest.yaml")).unwrap();
    for align in ["start", "end"] {
        fs::write(
            templates.join("guest.yaml"),
            guest.replace("    min_size: 4\n", &format!("    min_size: 4\n    align: {align}\n")),
        )
        .unwrap();
        fs::write(
            dir.path().join("roster.yaml"),
            "event: { name: A, venue: B, starts: 2026-09-18, ends: 2026-09-18 }\n\
             passes:\n\
             \x20 - { id: R-1, name: יעל בר-און, pass: guest }\n\
             \x20 - { id: R-2, name: محمد عبد الله, pass: guest }\n\
             \x20 - { id: L-1, name: Ann Lee, pass: guest }\n",
        )
        .unwrap();
        let mut args = vec!["render", "roster.yaml", "--templates", "templates", "-o", "out.pdf"];
        args.extend_from_slice(util::CARD_PAGES);
        args.extend_from_slice(&["--dump", "out.dump"]);
        let run = laminate_in(dir.path(), &args, &[]);
        assert_eq!(run.status, 0, "{}", run.stderr);
        let dump = fs::read_to_string(dir.path().join("out.dump")).unwrap();
        // The box runs from 3 mm (8.5 pt) to 82.6 mm (234.1 pt) on the card.
        let flush_left = |x: f64| (x - 8.504).abs() < 0.01;
        let latin = dumped_x(&dump, "Ann Lee");
        let hebrew = dumped_x(&dump, "יעל בר-און");
        let arabic = dumped_x(&dump, "محمد عبد الله");
        if align == "start" {
            assert!(flush_left(latin), "{dump}");
            assert!(!flush_left(hebrew) && hebrew > 100.0, "{dump}");
            assert!(!flush_left(arabic) && arabic > 100.0, "{dump}");
        } else {
            assert!(!flush_left(latin) && latin > 100.0, "{dump}");
            assert!(flush_left(hebrew) && flush_left(arabic), "{dump}");
        }
    }
}
