//! Resolve: turns a roster entry and its pass type's template into a Badge
//! that holds only decisions (dates, texts, zones, payload, photo).

pub mod payload;
pub mod sign;

use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Date;

use crate::diag::{Diagnostic, Span};
use crate::fonts::FontBook;
use crate::load::reprint::Reprints;
use crate::load::roster::{Entry, Event};
use crate::load::template::{Days, Field, Kind, Pattern, Piece, Template, TemplateSet};
use crate::load::when::{When, Window};
use crate::photos::prepared::Photo;
use crate::photos::{Photos, Prepared};
use crate::resolve::payload::Payload;
use ed25519_dalek::SigningKey;

/// A pass with every decision made: what layout needs and nothing to look up.
#[derive(Clone, Debug)]
pub struct Badge {
    /// Position in the roster, from 0.
    pub index: usize,
    /// The pass id.
    pub id: String,
    /// Index of its template in the set.
    pub template: usize,
    /// First valid day, with its time when it has one.
    pub valid_from: When,
    /// Last valid day, with its time when it has one.
    pub valid_until: When,
    /// Zones granted.
    pub zones: Vec<String>,
    /// Per template element: the text to show (text, raised and microtext
    /// elements), `None` where the element shows no text or its text is empty.
    pub texts: Vec<Option<String>>,
    /// The same for the template's back elements.
    pub back_texts: Vec<Option<String>>,
    /// The QR payload.
    pub payload: String,
    /// Its error correction level: M for laminate's payload, by length for
    /// a ticket shop's code ([`laminate_passes_qr::ticket_level`]).
    pub qr_level: laminate_passes_qr::Level,
    /// The photo, scaled for its box, if the entry has one and the template a place for it.
    pub photo: Option<Arc<Photo>>,
    /// The photo's file and its key (together they name the image for
    /// reuse in the PDF).
    pub photo_path: Option<PathBuf>,
    /// The prepared photo's key (content, box and settings).
    pub photo_key: String,
    /// Where the entry is, for messages found during layout.
    pub span: Span,
    /// 0 for a first print, n for the n-th reprint.
    pub reprint: u32,
}

/// What resolving needs besides the entry.
pub struct Resolver<'a> {
    /// The event.
    pub event: &'a Event,
    /// The pass types.
    pub set: &'a TemplateSet,
    /// The fonts, to check that every character can be shown.
    pub fonts: &'a FontBook,
    /// Reprint numbers by id.
    pub reprints: &'a Reprints,
    /// The key that signs payloads, if passes are signed.
    pub key: Option<&'a SigningKey>,
    /// Backs are printed (`--duplex`): what they show is on the card too.
    pub backs: bool,
}

impl<'a> Resolver<'a> {
    /// A resolver for one run.
    pub fn new(
        event: &'a Event,
        set: &'a TemplateSet,
        fonts: &'a FontBook,
        reprints: &'a Reprints,
        key: Option<&'a SigningKey>,
    ) -> Self {
        Resolver { event, set, fonts, reprints, key, backs: false }
    }

    /// Resolves one entry (with warnings about it), or returns every problem
    /// with it. The steps, in order: its pass type, its dates, the texts
    /// and photo of each element, the checks of what it shows, its QR
    /// payload.
    pub fn resolve(
        &self,
        index: usize,
        e: &Entry,
        photos: &Photos,
    ) -> Result<(Badge, Vec<Diagnostic>), Vec<Diagnostic>> {
        let template_index = self.pass_type(e)?;
        let t = &self.set.templates[template_index];
        let mut errors = Vec::new();
        let (from, until) = self.dates(e, t, &mut errors);
        let zones = e.zones.clone().unwrap_or_else(|| t.zones.clone());
        let reprint = self.reprints.get(&*e.id).copied().unwrap_or(0);
        let values = Values { e, t, event: self.event, from, until, zones: &zones, reprint };
        let ([texts, back_texts], photo) = self.texts(e, t, &values, photos, &mut errors);
        let mut warnings = Vec::new();
        unshown_photo(e, t, &mut errors, &mut warnings);
        if !errors.is_empty() {
            errors.dedup();
            return Err(errors);
        }
        let window = Window { from, until };
        if let Some(w) = self.unshown_hours(e, t, &window) {
            warnings.push(w);
        }
        let (payload, qr_level) = self.payload(e, t, &window, &zones, reprint)?;
        Ok((
            Badge {
                index,
                id: e.id.to_string(),
                template: template_index,
                valid_from: from,
                valid_until: until,
                zones,
                texts,
                back_texts,
                qr_level,
                payload,
                photo_path: photo.as_ref().and(e.photo.clone()),
                photo_key: photo.as_ref().map(|p| p.key.clone()).unwrap_or_default(),
                photo: photo.map(|p| p.photo),
                span: e.spans.entry(),
                reprint,
            },
            warnings,
        ))
    }

    /// Step 1: the index of the entry's pass type, or the error naming the
    /// known ones.
    fn pass_type(&self, e: &Entry) -> Result<usize, Vec<Diagnostic>> {
        if let Some(i) = self.set.find(&e.pass) {
            return Ok(i);
        }
        let mut names: Vec<String> = self.set.names().iter().map(|s| s.to_string()).collect();
        for t in &self.set.templates {
            names.extend(t.aliases.iter().map(|a| format!("{a} (= {})", t.name)));
        }
        let known: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut d = error(e, e.spans.pass(), format!("unknown pass type \"{}\"", e.pass));
        if let Some(n) = crate::yaml::nearest(&e.pass, &known) {
            d = d.hint(format!("did you mean \"{n}\"?"));
        }
        d = if known.is_empty() {
            d.hint("the template set has no usable pass type; fix the template errors first")
        } else {
            d.hint(format!("known pass types: {}", known.join(", ")))
        };
        Err(vec![d])
    }

    /// Step 2: the first and last valid day (with times where given), the
    /// event's by default, checked against each other and the pass type.
    fn dates(&self, e: &Entry, t: &Template, errors: &mut Vec<Diagnostic>) -> (When, When) {
        let from = e.valid_from.unwrap_or(When::day(self.event.starts));
        let until = match (e.valid_until, t.days) {
            (Some(u), _) => u,
            (None, Days::Single) => When::day(from.date),
            (None, Days::Range) => When::day(self.event.ends),
        };
        if until.end() <= from.start() && e.valid_until.is_none() {
            errors.push(
                error(
                    e,
                    e.spans.valid_from(),
                    format!("valid_from ({from}) is after the event's last day ({until})"),
                )
                .hint("give valid_until as well, or correct the date"),
            );
        } else if until.end() <= from.start() && e.valid_from.is_none() {
            errors.push(
                error(
                    e,
                    e.spans.valid_until(),
                    format!("valid_until ({until}) is before the event's first day ({from})"),
                )
                .hint("give valid_from as well, or correct the date"),
            );
        }
        // A one-day pass may run past midnight when it has hours (a load-out
        // shift from 22:00 to 03:00), for at most a day.
        let night_shift = until.time.is_some()
            && until.date.yesterday().is_ok_and(|d| d == from.date)
            && until.end()
                <= from
                    .start()
                    .checked_add(jiff::SignedDuration::from_hours(24))
                    .unwrap_or(from.start());
        if t.days == Days::Single && from.date != until.date && !night_shift {
            errors.push(
                error(
                    e,
                    e.spans.valid_until(),
                    format!(
                        "a {} pass is for one day, but this one runs {from} to {until}",
                        t.name
                    ),
                )
                .hint("give only valid_from (the day), or use a pass type for a range of days"),
            );
        }
        (from, until)
    }

    /// Step 3: the text of each element, front and back (`None` where it
    /// shows none), each checked against the fonts; and the photo, prepared
    /// for its element's box.
    fn texts(
        &self,
        e: &Entry,
        t: &Template,
        values: &Values,
        photos: &Photos,
        errors: &mut Vec<Diagnostic>,
    ) -> ([Vec<Option<String>>; 2], Option<Prepared>) {
        let mut photo = None;
        let mut lists: [Vec<Option<String>>; 2] = [Vec::new(), Vec::new()];
        for (side, el) in t.elements.iter().map(|e| (0, e)).chain(t.back.iter().map(|e| (1, e))) {
            let text = match &el.kind {
                Kind::Text(style) => {
                    let parts: Vec<String> = style
                        .parts
                        .iter()
                        .map(|p| values.render(p))
                        .filter(|s| !s.trim().is_empty())
                        .collect();
                    let joined = parts.join(&style.separator);
                    Some(if style.uppercase { joined.to_uppercase() } else { joined })
                }
                Kind::Raised { text, .. } => Some(values.render(text)),
                Kind::Microtext { .. } => Some(format!("{} · {} · ", self.event.name, e.id)),
                Kind::Photo { .. } => {
                    if let (Some(path), Some(target)) = (&e.photo, crate::photos::target_of(t, el))
                    {
                        match photos.get_or_prepare(path, &target) {
                            Ok(p) => photo = Some(p),
                            Err(why) => errors.push(
                                error(
                                    e,
                                    e.spans.photo(),
                                    format!("photo {}: {why}", path.display()),
                                )
                                .hint(why.hint()),
                            ),
                        }
                    }
                    None
                }
                _ => None,
            };
            if let Some(text) = &text {
                self.check_glyphs(e, text, errors);
            }
            lists[side].push(text.filter(|s| !s.is_empty()));
        }
        (lists, photo)
    }

    /// An error for each character of `text` that no bundled font has.
    fn check_glyphs(&self, e: &Entry, text: &str, errors: &mut Vec<Diagnostic>) {
        let missing = self.fonts.missing(text);
        if missing.is_empty() {
            return;
        }
        let list: Vec<String> =
            missing.iter().map(|c| format!("'{c}' (U+{:04X})", *c as u32)).collect();
        let span = if text.contains(&*e.name) { e.spans.name() } else { e.spans.entry() };
        errors.push(
            error(e, span, format!("no bundled font has {}", list.join(", ")))
                .hint("the bundled fonts cover Latin, Greek, Cyrillic, Armenian, Georgian, Arabic, Hebrew, Devanagari, Bengali, Tamil, Thai, Chinese, Japanese and Korean, not emoji: write the name without it"),
        );
    }

    /// Step 4: a warning when the pass has hours that its printed side does
    /// not show.
    fn unshown_hours(&self, e: &Entry, t: &Template, window: &Window) -> Option<Diagnostic> {
        if !window.has_time() || shows_hours(t, self.backs) {
            return None;
        }
        let hint = if !self.backs && shows_hours(t, true) {
            "its back shows them: print backs with --duplex, or use a pass type that shows {hours} or {dates} on its front (the built-in load-in, say); the QR code holds them either way"
        } else {
            "use a pass type that shows {hours} or {dates} (the built-in load-in, say); the QR code holds them either way"
        };
        Some(
            Diagnostic::warning(
                e.spans.valid_from(),
                format!("the hours are not printed: pass type \"{}\" shows no time", t.name),
            )
            .entry(&*e.id)
            .hint(hint),
        )
    }

    /// Step 5: the QR payload (signed when there is a key; a ticket shop's
    /// own code as it is) and its error correction level, checked to fit a
    /// QR code when the pass shows one.
    fn payload(
        &self,
        e: &Entry,
        t: &Template,
        window: &Window,
        zones: &[String],
        reprint: u32,
    ) -> Result<(String, laminate_passes_qr::Level), Vec<Diagnostic>> {
        // A pass with hours carries its window as instants (payload version
        // 2); the roster refused times without a zone, so one is here.
        let hours = self.event.timezone.as_ref().filter(|_| window.has_time()).map(|zone| {
            let (start, end) = window.instants(zone);
            crate::resolve::payload::Hours { start, end, offset: zone.offset(start) }
        });
        let mut payload = Payload {
            event: self.event.id.clone(),
            id: e.id.to_string(),
            pass: t.name.clone(),
            valid_from: window.from.date,
            valid_until: window.until.date,
            hours,
            zones: zones.to_vec(),
            reprint,
            name: t.qr_name.then(|| e.name.to_string()),
            signature: crate::resolve::sign::UNSIGNED.into(),
        };
        if let Some(key) = self.key {
            crate::resolve::sign::sign(key, &mut payload);
        }
        // The shop's own ticket code goes in verbatim: its scanner app
        // checks that code, not ours.
        let payload = match &e.ticket {
            Some(code) => code.to_string(),
            None => payload.encode(),
        };
        let qr_level = match e.ticket {
            Some(_) => laminate_passes_qr::ticket_level(payload.as_bytes()),
            None => laminate_passes_qr::Level::M,
        };
        if t.elements.iter().chain(&t.back).any(|el| matches!(el.kind, Kind::Qr { .. }))
            && !laminate_passes_qr::fits_at(payload.as_bytes(), qr_level)
        {
            return Err(vec![error(
                e,
                e.spans.entry(),
                format!(
                    "the QR payload of this pass is {} characters, more than a QR code holds",
                    payload.len()
                ),
            )
            .hint(if e.ticket.is_some() {
                "the ticket code is put in the QR as it is; check the export's ticket column"
            } else {
                "shorten the id or the zone list (the payload carries both)"
            })]);
        }
        Ok((payload, qr_level))
    }
}

/// An error in entry `e`.
fn error(e: &Entry, span: Span, msg: String) -> Diagnostic {
    Diagnostic::error(span, msg).entry(&*e.id)
}

/// A photo the pass type has no place for: a warning when the file is
/// there, an error when it is not.
fn unshown_photo(
    e: &Entry,
    t: &Template,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(path) = &e.photo else { return };
    if t.elements.iter().any(|el| matches!(el.kind, Kind::Photo { .. })) {
        return;
    }
    if path.is_file() {
        warnings.push(
            Diagnostic::warning(e.spans.photo(), format!("the photo is not shown: pass type \"{}\" has no photo element", t.name))
                .entry(&*e.id)
                .hint("use a template set with a `type: photo` element (see samples/conference), or drop the photo key"),
        );
    } else {
        errors.push(error(
            e,
            e.spans.photo(),
            format!("photo {}: there is no such file", path.display()),
        ));
    }
}

struct Values<'v> {
    e: &'v Entry,
    t: &'v Template,
    event: &'v Event,
    from: When,
    until: When,
    zones: &'v [String],
    reprint: u32,
}

impl Values<'_> {
    fn window(&self) -> Window {
        Window { from: self.from, until: self.until }
    }

    fn render(&self, p: &Pattern) -> String {
        let mut s = String::new();
        for piece in &p.0 {
            match piece {
                Piece::Lit(l) => s.push_str(l),
                Piece::Field(f, fmt) => s.push_str(&self.field(*f, fmt.as_deref())),
                Piece::Extra(name) => {
                    if let Some((_, v)) = self.e.extra.iter().find(|(k, _)| **k == **name) {
                        s.push_str(v);
                    }
                }
            }
        }
        s
    }

    fn field(&self, f: Field, fmt: Option<&str>) -> String {
        let date_fmt = fmt.unwrap_or(&self.t.date_format);
        match f {
            Field::Name => self.e.name.to_string(),
            Field::Organisation => self.e.organisation.as_deref().unwrap_or_default().to_string(),
            Field::Role => self.e.role.as_deref().unwrap_or_default().to_string(),
            Field::Access => self.t.label.clone(),
            Field::Pass => self.t.name.clone(),
            Field::Zones => self.zones.join(" · "),
            Field::ValidFrom => format_when(self.from, date_fmt),
            Field::ValidUntil => format_when(self.until, date_fmt),
            Field::Dates => window_text(self.window(), date_fmt, &self.t.time_format),
            Field::Hours => self.window().hours(fmt.unwrap_or(&self.t.time_format)),
            Field::Event => self.event.name.clone(),
            Field::Venue => self.event.venue.clone().unwrap_or_default(),
            Field::Id => self.e.id.to_string(),
            Field::Reprint if self.reprint > 0 => format!("REPRINT {}", self.reprint),
            Field::Reprint => String::new(),
        }
    }
}

/// Formats a date with a strftime format (checked when the template loaded).
pub fn format_date(d: Date, fmt: &str) -> String {
    let mut s = String::new();
    match jiff::fmt::strtime::BrokenDownTime::from(d).format(fmt, &mut s) {
        Ok(()) => s,
        Err(_) => d.to_string(),
    }
}

/// A `valid_from` or `valid_until` value with a pattern's format: with its
/// time when it has one (so `%H:%M` prints it), else as a day.
pub fn format_when(w: When, fmt: &str) -> String {
    match w.time {
        Some(_) => crate::load::when::format_time(w.start(), fmt),
        None => format_date(w.date, fmt),
    }
}

/// True when a pass type prints the times of a pass that has hours: with
/// `{hours}`, `{dates}`, or a `{valid_from}` or `{valid_until}` whose format
/// writes the hour, on its front or (when `backs` are printed) its back.
fn shows_hours(t: &Template, backs: bool) -> bool {
    let writes_hour = |fmt: &str| {
        ["%H", "%I", "%k", "%l", "%R", "%T", "%X", "%c", "%r"].iter().any(|s| fmt.contains(s))
    };
    let piece = |p: &Piece| match p {
        Piece::Field(Field::Hours | Field::Dates, _) => true,
        Piece::Field(Field::ValidFrom | Field::ValidUntil, fmt) => {
            writes_hour(fmt.as_deref().unwrap_or(&t.date_format))
        }
        _ => false,
    };
    let back = if backs { &t.back[..] } else { &[] };
    t.elements.iter().chain(back).any(|el| match &el.kind {
        Kind::Text(style) => style.parts.iter().any(|p| p.0.iter().any(piece)),
        Kind::Raised { text, .. } => text.0.iter().any(piece),
        _ => false,
    })
}

/// The `{dates}` of a pass: its days as [`date_range`] writes them, and for a
/// pass with hours the times too: "18 Jun 2027 08:00 – 17:00" within a day,
/// "18 Jun 2027 20:00 – 19 Jun 2027 02:00" across midnight.
pub fn window_text(w: Window, date_fmt: &str, time_fmt: &str) -> String {
    if !w.has_time() {
        return date_range(w.from.date, w.until.date, date_fmt);
    }
    let day = |d: Date| format_date(d, date_fmt);
    let time = |dt: jiff::civil::DateTime| crate::load::when::format_time(dt, time_fmt);
    let from = format!("{} {}", day(w.from.date), time(w.from.start()));
    match w.until.time {
        Some(_) if w.until.date == w.from.date => format!("{from} – {}", time(w.until.end())),
        Some(_) => format!("{from} – {} {}", day(w.until.date), time(w.until.end())),
        None => format!("{from} – {}", day(w.until.date)),
    }
}

/// A range of days as people write it: "10 – 12 Jul 2026" when month and year
/// agree (with the default format), one date when the range is one day.
pub fn date_range(from: Date, until: Date, fmt: &str) -> String {
    if from == until {
        return format_date(from, fmt);
    }
    if fmt == "%d %b %Y" && from.year() == until.year() {
        if from.month() == until.month() {
            return format!("{} – {}", format_date(from, "%d"), format_date(until, fmt));
        }
        return format!("{} – {}", format_date(from, "%d %b"), format_date(until, fmt));
    }
    format!("{} – {}", format_date(from, fmt), format_date(until, fmt))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn ranges_read_naturally() {
        let f = "%d %b %Y";
        assert_eq!(date_range(date(2026, 7, 10), date(2026, 7, 12), f), "10 – 12 Jul 2026");
        assert_eq!(date_range(date(2026, 7, 30), date(2026, 8, 2), f), "30 Jul – 02 Aug 2026");
        assert_eq!(date_range(date(2026, 7, 10), date(2026, 7, 10), f), "10 Jul 2026");
        assert_eq!(
            date_range(date(2026, 12, 31), date(2027, 1, 1), "%Y-%m-%d"),
            "2026-12-31 – 2027-01-01"
        );
    }

    #[test]
    fn windows_with_hours_read_naturally() {
        let w = |a: &str, b: &str| Window {
            from: When::parse(a).unwrap(),
            until: When::parse(b).unwrap(),
        };
        let (d, t) = ("%d %b %Y", "%H:%M");
        assert_eq!(
            window_text(w("2027-06-18 08:00", "2027-06-18 17:00"), d, t),
            "18 Jun 2027 08:00 – 17:00"
        );
        assert_eq!(
            window_text(w("2027-06-18 20:00", "2027-06-19 02:00"), d, t),
            "18 Jun 2027 20:00 – 19 Jun 2027 02:00"
        );
        assert_eq!(
            window_text(w("2027-06-18 08:00", "2027-06-19"), d, t),
            "18 Jun 2027 08:00 – 19 Jun 2027"
        );
        assert_eq!(window_text(w("2027-06-18", "2027-06-19"), d, t), "18 – 19 Jun 2027");
        assert_eq!(format_when(When::parse("2027-06-18 08:00").unwrap(), "%a %H:%M"), "Fri 08:00");
    }
}
