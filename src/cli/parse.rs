//! Value parsers: turns the text of a command-line value into its type, or
//! into the message clap shows for it.

use std::path::PathBuf;

use laminate_passes::units;

/// `--flip`: long or short.
pub fn parse_flip(text: &str) -> Result<laminate_passes::impose::Flip, String> {
    match text {
        "long" => Ok(laminate_passes::impose::Flip::Long),
        "short" => Ok(laminate_passes::impose::Flip::Short),
        _ => Err(format!("\"{text}\": the edge is long or short")),
    }
}

/// `--security-ink NAME[=CMYK]`.
pub fn parse_spot(text: &str) -> Result<laminate_passes::emit::draw::Spot, String> {
    let (name, fallback) = match text.split_once('=') {
        Some((n, c)) => (n.trim(), laminate_passes_pdf::colour::Colour::parse(c)?),
        None => (text.trim(), laminate_passes_pdf::colour::Colour::Cmyk(0.0, 0.0, 0.0, 0.35)),
    };
    let ok =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let reserved = ["All", "None", "Cyan", "Magenta", "Yellow", "Black"].contains(&name);
    if !ok || reserved {
        return Err(format!(
            "\"{name}\" is not a usable ink name (letters, digits, - and _; not a process colour)"
        ));
    }
    Ok(laminate_passes::emit::draw::Spot { name: name.to_string(), fallback })
}

/// `--manifest FILE`: a name ending in .csv or .json.
pub fn parse_manifest(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    laminate_passes::emit::manifest::Format::of(&path)
        .map(|_| path)
        .ok_or_else(|| format!("\"{text}\": a manifest file name ends in .csv or .json"))
}

/// `--shard K/N` with 1 <= K <= N.
pub fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("\"{text}\" is not a shard: write K/N with 1 <= K <= N, e.g. 3/8");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) =
        (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// `--on DATE`: YYYY-MM-DD.
pub fn parse_date(text: &str) -> Result<jiff::civil::Date, String> {
    text.parse().map_err(|_| format!("\"{text}\" is not a date (write YYYY-MM-DD)"))
}

/// `--at TIME`: RFC 3339, or a local time in the pass's zone.
pub fn parse_at(text: &str) -> Result<laminate_passes::resolve::sign::Moment, String> {
    laminate_passes::resolve::sign::Moment::parse_at(text).ok_or_else(|| {
        format!("\"{text}\" is not a time (write 2027-06-18T08:30:00+01:00, or 2027-06-18 08:30 in the pass's time zone)")
    })
}

/// `--bleed LENGTH`, in pt: between 0 and 20 mm.
pub fn parse_bleed(text: &str) -> Result<f64, String> {
    let v = units::parse_length(text).map_err(|e| e.0)?;
    if !(0.0..=units::mm(20.0)).contains(&v) {
        return Err("bleed is between 0 and 20mm".into());
    }
    Ok(v)
}
