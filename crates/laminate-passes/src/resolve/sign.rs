//! Signing: turns an Ed25519 key pair into signed QR payloads, and checks a
//! payload the way a door does (signature, dates, zone, revocations).

use std::fmt;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use jiff::civil::{Date, DateTime};
use jiff::Timestamp;

use crate::resolve::payload::{BadPayload, Hours, Payload};

const PRIVATE_HEADER: &str = "laminate ed25519 private key";
const PUBLIC_HEADER: &str = "laminate ed25519 public key";

/// The signature field of a payload that is not signed.
pub const UNSIGNED: &str = "U";

/// A key file that cannot be made or used.
#[derive(Debug)]
pub enum KeyError {
    /// The file cannot be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a laminate key of the kind asked for.
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// keygen would overwrite an existing key.
    Exists(PathBuf),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Io { path, source } => {
                write!(f, "cannot use key file {}: {source}", path.display())
            }
            KeyError::Format { path, why } => {
                write!(f, "{} is not usable as a key: {why}", path.display())
            }
            KeyError::Exists(path) => {
                write!(
                    f,
                    "{} exists already; laminate does not overwrite keys (remove it first)",
                    path.display()
                )
            }
        }
    }
}

impl std::error::Error for KeyError {}

/// The public key file that belongs to a private key file: `KEYFILE.pub`.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Makes a new key pair: `out` (private, mode 0600) and `out.pub` (public).
pub fn keygen(out: &Path) -> Result<(PathBuf, PathBuf), KeyError> {
    let public = public_path(out);
    for p in [out, public.as_path()] {
        if p.exists() {
            return Err(KeyError::Exists(p.to_path_buf()));
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Io {
        path: out.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    let key = SigningKey::from_bytes(&seed);
    let private_text = format!("{PRIVATE_HEADER}\n{}\n", data_encoding::HEXLOWER.encode(&seed));
    let public_text = format!(
        "{PUBLIC_HEADER}\n{}\n",
        data_encoding::HEXLOWER.encode(key.verifying_key().as_bytes())
    );
    // Both files or neither, even when a signal comes between them.
    crate::atomic::write_new_pair([
        (out, private_text.as_bytes(), 0o600),
        (&public, public_text.as_bytes(), 0o644),
    ])
    .map_err(|source| match source.kind() {
        std::io::ErrorKind::AlreadyExists if public.exists() && !out.exists() => {
            KeyError::Exists(public.clone())
        }
        std::io::ErrorKind::AlreadyExists => KeyError::Exists(out.to_path_buf()),
        _ => KeyError::Io { path: out.to_path_buf(), source },
    })?;
    Ok((out.to_path_buf(), public))
}

fn read_key(path: &Path, header: &str) -> Result<[u8; 32], KeyError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| KeyError::Io { path: path.to_path_buf(), source })?;
    let bad = |why: &str| KeyError::Format { path: path.to_path_buf(), why: why.to_string() };
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'));
    if lines.next() != Some(header) {
        return Err(bad(&format!("its first line is not \"{header}\"")));
    }
    let hex = lines.next().ok_or_else(|| bad("the key line is missing"))?;
    let bytes = data_encoding::HEXLOWER_PERMISSIVE
        .decode(hex.as_bytes())
        .map_err(|_| bad("the key is not hexadecimal"))?;
    bytes.try_into().map_err(|_| bad("the key is not 32 bytes long"))
}

/// Reads a private key written by [`keygen`].
pub fn load_signing_key(path: &Path) -> Result<SigningKey, KeyError> {
    read_key(path, PRIVATE_HEADER).map(|seed| SigningKey::from_bytes(&seed))
}

/// Reads a public key written by [`keygen`] (`KEYFILE.pub`).
pub fn load_public_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let bytes = read_key(path, PUBLIC_HEADER)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::Format {
        path: path.to_path_buf(),
        why: "not a valid Ed25519 public key".into(),
    })
}

/// Signs a payload: its signature field becomes the Ed25519 signature of
/// [`Payload::signed_part`], in unpadded upper-case base32 (103 characters,
/// all in the QR alphanumeric set).
pub fn sign(key: &SigningKey, payload: &mut Payload) {
    let sig = key.sign(payload.signed_part().as_bytes());
    payload.signature = data_encoding::BASE32_NOPAD.encode(&sig.to_bytes());
}

/// Revoked passes: whole ids, or one reprint of an id; and, when known, the
/// latest reprint number of each reprinted pass, so that an older card is
/// refused as superseded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revocations {
    list: Vec<(String, Option<u32>)>,
    latest: crate::load::reprint::Reprints,
}

impl Revocations {
    /// Reads a revocation list: one `ID` or `ID REPRINT` a line, `#` comments.
    /// An error names the line.
    pub fn parse(text: &str) -> Result<Revocations, (usize, String)> {
        let mut list = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let id = parts.next().unwrap_or("").to_string();
            let reprint = match parts.next() {
                None => None,
                Some(n) => Some(
                    n.parse().map_err(|_| (i + 1, format!("\"{n}\" is not a reprint number")))?,
                ),
            };
            if parts.next().is_some() {
                return Err((
                    i + 1,
                    "write one id, optionally followed by a reprint number".into(),
                ));
            }
            list.push((id, reprint));
        }
        Ok(Revocations { list, latest: Default::default() })
    }

    /// Adds the latest reprint number of each reprinted pass (the roster's
    /// `.reprints` file, see [`crate::load::reprint`]): a card with an older
    /// number is superseded.
    pub fn with_reprints(mut self, latest: crate::load::reprint::Reprints) -> Revocations {
        self.latest = latest;
        self
    }

    /// The revoked ids, each with its reprint number when only that one is revoked.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<u32>)> {
        self.list.iter().map(|(i, r)| (i.as_str(), *r))
    }

    /// Why a card (this id, this reprint) is refused, if it is.
    fn refusal(&self, id: &str, reprint: u32) -> Option<Refusal> {
        if self.list.iter().any(|(i, r)| i == id && r.is_none_or(|r| r == reprint)) {
            return Some(Refusal::Revoked);
        }
        match self.latest.get(id) {
            Some(&latest) if reprint < latest => Some(Refusal::Superseded(latest)),
            _ => None,
        }
    }
}

/// Why a door should refuse a pass. Each has its own exit status.
#[derive(Debug, PartialEq)]
pub enum Refusal {
    /// Not a laminate payload.
    Malformed(BadPayload),
    /// The pass carries no signature.
    Unsigned,
    /// The signature does not match: the payload was changed, or signed with another key.
    BadSignature,
    /// The pass (this id, or this reprint) is on the revocation list.
    Revoked,
    /// A later reprint of the pass (this number) replaces this card.
    Superseded(u32),
    /// The date or time is before the pass's start (which this names).
    NotYetValid(String),
    /// The date or time is after the pass's end (which this names).
    Expired(String),
    /// The zone asked for is not on the pass.
    ZoneNotGranted(String),
}

impl Refusal {
    /// The exit status `laminate verify` ends with.
    pub fn exit_status(&self) -> u8 {
        match self {
            Refusal::Malformed(_) => 10,
            Refusal::Unsigned => 11,
            Refusal::BadSignature => 12,
            Refusal::Revoked => 13,
            Refusal::NotYetValid(_) => 14,
            Refusal::Expired(_) => 15,
            Refusal::ZoneNotGranted(_) => 16,
            Refusal::Superseded(_) => 17,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Malformed(e) => write!(f, "not a valid pass: {e}"),
            Refusal::Unsigned => f.write_str("the pass is not signed, so it proves nothing"),
            Refusal::BadSignature => f.write_str(
                "the signature does not match: the payload was altered, or signed with another key",
            ),
            Refusal::Revoked => f.write_str("the pass is revoked"),
            Refusal::Superseded(n) => {
                write!(f, "the pass is superseded by a reprint: the valid card is reprint {n}")
            }
            Refusal::NotYetValid(d) => write!(f, "the pass is not valid yet: it starts {d}"),
            Refusal::Expired(d) => write!(f, "the pass has expired: {d}"),
            Refusal::ZoneNotGranted(z) => write!(f, "the pass does not grant zone \"{z}\""),
        }
    }
}

/// When a door checks a pass (`verify --on` or `--at`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Moment {
    /// A whole day: the pass must be valid at some time that day.
    On(Date),
    /// An instant, and its date and time as written (RFC 3339 with an offset).
    At(Timestamp, DateTime),
    /// A local date and time in the pass's own time zone.
    Local(DateTime),
}

impl Moment {
    /// Reads `--at`: RFC 3339 with an offset (`2027-06-18T08:30:00+01:00`,
    /// `...Z`), or a local `YYYY-MM-DD HH:MM` in the pass's time zone.
    pub fn parse_at(text: &str) -> Option<Moment> {
        if let Ok(t) = text.parse::<Timestamp>() {
            // The date and time as written, before the offset.
            let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
            let local = pieces.date().to_datetime(pieces.time().unwrap_or_default());
            return Some(Moment::At(t, local));
        }
        let w = crate::load::when::When::parse(text)?;
        w.time.map(|_| Moment::Local(w.start()))
    }

    /// Why a pass with days `from` to `until` (no hours) is refused at this moment.
    fn check_days(self, from: Date, until: Date) -> Result<(), Refusal> {
        let day = match self {
            Moment::On(d) => d,
            Moment::At(_, local) | Moment::Local(local) => local.date(),
        };
        if day < from {
            return Err(Refusal::NotYetValid(format!("on {from}")));
        }
        if day > until {
            return Err(Refusal::Expired(format!("its last day was {until}")));
        }
        Ok(())
    }

    /// Why a pass with hours is refused at this moment.
    fn check_hours(self, p: &Payload, h: &Hours) -> Result<(), Refusal> {
        let local = |t: Timestamp| {
            let dt = h.offset.to_datetime(t);
            format!("{} {:02}:{:02} (UTC{})", dt.date(), dt.hour(), dt.minute(), h.offset)
        };
        let at = match self {
            Moment::On(_) => return self.check_days(p.valid_from, p.valid_until),
            Moment::At(t, _) => t,
            Moment::Local(dt) => h
                .offset
                .to_timestamp(dt)
                .map_err(|_| Refusal::NotYetValid(format!("at {}", local(h.start))))?,
        };
        if at < h.start {
            return Err(Refusal::NotYetValid(format!("at {}", local(h.start))));
        }
        if at >= h.end {
            return Err(Refusal::Expired(format!("it ended at {}", local(h.end))));
        }
        Ok(())
    }
}

/// Checks a payload text: well-formed, signed by `key`, not revoked, and
/// (when asked) valid at a moment and granting `zone`. Returns the payload.
pub fn verify(
    text: &str,
    key: &VerifyingKey,
    on: Option<Moment>,
    zone: Option<&str>,
    revoked: &Revocations,
) -> Result<Payload, Refusal> {
    let payload = Payload::decode(text).map_err(Refusal::Malformed)?;
    if payload.signature == UNSIGNED {
        return Err(Refusal::Unsigned);
    }
    let bytes = data_encoding::BASE32_NOPAD
        .decode(payload.signature.as_bytes())
        .map_err(|_| Refusal::BadSignature)?;
    let sig = Signature::from_slice(&bytes).map_err(|_| Refusal::BadSignature)?;
    key.verify(payload.signed_part().as_bytes(), &sig).map_err(|_| Refusal::BadSignature)?;
    if let Some(refusal) = revoked.refusal(&payload.id, payload.reprint) {
        return Err(refusal);
    }
    if let Some(moment) = on {
        match &payload.hours {
            None => moment.check_days(payload.valid_from, payload.valid_until)?,
            Some(h) => moment.check_hours(&payload, h)?,
        }
    }
    if let Some(z) = zone {
        let want = z.to_uppercase();
        if !payload.zones.iter().any(|have| *have == want || have == "ALL AREAS") {
            return Err(Refusal::ZoneNotGranted(z.to_string()));
        }
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn pass() -> Payload {
        Payload {
            event: "NLF2026".into(),
            id: "NLF-0001".into(),
            pass: "crew".into(),
            valid_from: date(2026, 7, 9),
            valid_until: date(2026, 7, 13),
            hours: None,
            zones: vec!["stage".into(), "backstage".into()],
            reprint: 0,
            name: None,
            signature: UNSIGNED.into(),
        }
    }

    #[test]
    fn signed_payload_verifies_and_stays_alphanumeric() {
        let mut p = pass();
        sign(&key(), &mut p);
        let text = p.encode();
        assert_eq!(p.signature.len(), 103);
        assert!(text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " $%*+-./:".contains(c)));
        let ok = verify(
            &text,
            &key().verifying_key(),
            Some(Moment::On(date(2026, 7, 10))),
            Some("stage"),
            &Revocations::default(),
        );
        assert_eq!(ok.unwrap().id, "NLF-0001");
    }

    #[test]
    fn every_refusal_has_its_own_status() {
        let mut p = pass();
        sign(&key(), &mut p);
        let text = p.encode();
        let pk = key().verifying_key();
        let none = Revocations::default();
        let refuse = |t: &str, k: &VerifyingKey, on, zone, r: &Revocations| {
            verify(t, k, on, zone, r).unwrap_err()
        };
        assert_eq!(refuse("hello", &pk, None, None, &none).exit_status(), 10);
        assert_eq!(refuse(&pass().encode(), &pk, None, None, &none), Refusal::Unsigned);
        let tampered = text.replace(":CREW:", ":ALL-ACCESS:");
        assert_eq!(refuse(&tampered, &pk, None, None, &none), Refusal::BadSignature);
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert_eq!(refuse(&text, &other, None, None, &none), Refusal::BadSignature);
        let revoked = Revocations::parse("# lost\nNLF-0001 0\n").unwrap();
        assert_eq!(refuse(&text, &pk, None, None, &revoked), Refusal::Revoked);
        let other_reprint = Revocations::parse("NLF-0001 1\n").unwrap();
        assert!(verify(&text, &pk, None, None, &other_reprint).is_ok());
        // A card older than the latest reprint of its pass is superseded;
        // the latest card itself, and other passes, are not.
        let reprinted = |n: u32| none.clone().with_reprints([("NLF-0001".to_string(), n)].into());
        assert_eq!(refuse(&text, &pk, None, None, &reprinted(2)), Refusal::Superseded(2));
        assert_eq!(Refusal::Superseded(2).exit_status(), 17);
        assert!(verify(&text, &pk, None, None, &reprinted(0)).is_ok());
        assert_eq!(
            refuse(&text, &pk, Some(Moment::On(date(2026, 7, 8))), None, &none),
            Refusal::NotYetValid("on 2026-07-09".into())
        );
        assert_eq!(
            refuse(&text, &pk, Some(Moment::On(date(2026, 7, 14))), None, &none),
            Refusal::Expired("its last day was 2026-07-13".into())
        );
        assert_eq!(
            refuse(&text, &pk, None, Some("vip bar"), &none),
            Refusal::ZoneNotGranted("vip bar".into())
        );
        assert_eq!(Revocations::parse("A 1 2\n").unwrap_err().0, 1);
    }

    #[test]
    fn hours_are_checked_to_the_minute_from_any_zone() {
        let mut p = pass();
        p.hours = Some(Hours {
            start: "2027-06-18T07:00:00Z".parse().unwrap(),
            end: "2027-06-18T16:00:00Z".parse().unwrap(),
            offset: jiff::tz::Offset::from_hours(1).unwrap(),
        });
        (p.valid_from, p.valid_until) = (date(2027, 6, 18), date(2027, 6, 18));
        sign(&key(), &mut p);
        let text = p.encode();
        let pk = key().verifying_key();
        let at = |s: &str| {
            verify(&text, &pk, Some(Moment::parse_at(s).unwrap()), None, &Revocations::default())
        };
        assert!(at("2027-06-18 08:00").is_ok());
        assert!(at("2027-06-18T03:00:00-04:00").is_ok(), "08:00 in London is 03:00 in New York");
        assert!(at("2027-06-18 16:59").is_ok());
        assert_eq!(at("2027-06-18 07:59").unwrap_err().exit_status(), 14);
        assert_eq!(at("2027-06-18T06:59:00Z").unwrap_err().exit_status(), 14);
        assert_eq!(at("2027-06-18 17:00").unwrap_err().exit_status(), 15);
        assert_eq!(
            at("2027-06-18T16:00:00Z").unwrap_err().to_string(),
            "the pass has expired: it ended at 2027-06-18 17:00 (UTC+01)"
        );
        let on = |d| verify(&text, &pk, Some(Moment::On(d)), None, &Revocations::default());
        assert!(on(date(2027, 6, 18)).is_ok());
        assert_eq!(on(date(2027, 6, 19)).unwrap_err().exit_status(), 15);
        assert_eq!(Moment::parse_at("2027-06-18"), None, "a day is --on, not --at");
    }
}
