//! `laminate verify`: turns a scanned QR payload and the public key into
//! the pass's fields and a verdict, with an exit status for each refusal.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::EXIT_IO;
use super::parse::{parse_at, parse_date};

/// `laminate verify`.
#[derive(Args)]
pub struct VerifyArgs {
    /// The payload text, as a scanner reads it from the QR code.
    pub payload: String,
    /// The public key (KEYFILE.pub from `laminate keygen`).
    #[arg(long, value_name = "FILE")]
    pub public_key: PathBuf,
    /// Check the pass is valid on this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "at")]
    pub on: Option<jiff::civil::Date>,
    /// Check the pass is valid at this time: RFC 3339 with an offset
    /// (2027-06-18T08:30:00+01:00), or YYYY-MM-DD HH:MM in the pass's time zone.
    #[arg(long, value_name = "TIME", value_parser = parse_at)]
    pub at: Option<laminate_passes::resolve::sign::Moment>,
    /// Check the pass grants this zone.
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<String>,
    /// A list of revoked passes: one id, or id and reprint number, a line.
    #[arg(long, value_name = "FILE")]
    pub revoked: Option<PathBuf>,
    /// The roster's reprint state (ROSTER.reprints): a pass printed again
    /// since is refused as superseded by its reprint.
    #[arg(long, value_name = "FILE")]
    pub reprints: Option<PathBuf>,
    /// Also explain how to compare the printed security art with the payload.
    #[arg(long)]
    pub art: bool,
}

/// Decodes and checks the payload.
pub fn run(args: VerifyArgs) -> ExitCode {
    let VerifyArgs { payload, public_key, on, at, zone, revoked, reprints, art } = args;
    let moment = on.map(laminate_passes::resolve::sign::Moment::On).or(at);
    let lists = Lists { revoked: revoked.as_deref(), reprints: reprints.as_deref() };
    check(&payload, &public_key, moment, zone.as_deref(), lists, art)
}

/// The files that can refuse a well-signed pass.
struct Lists<'a> {
    revoked: Option<&'a std::path::Path>,
    reprints: Option<&'a std::path::Path>,
}

fn check(
    text: &str,
    public_key: &std::path::Path,
    on: Option<laminate_passes::resolve::sign::Moment>,
    zone: Option<&str>,
    lists: Lists,
    art: bool,
) -> ExitCode {
    use laminate_passes::resolve::sign;
    let key = match sign::load_public_key(public_key) {
        Ok(k) => k,
        Err(e) => {
            say!("laminate: error: {e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    let revocations = match lists.revoked {
        None => sign::Revocations::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| (0, e.to_string()))
            .and_then(|t| sign::Revocations::parse(&t))
        {
            Ok(r) => r,
            Err((line, why)) => {
                say!("laminate: error: {}:{line}: {why}", path.display());
                return ExitCode::from(EXIT_IO);
            }
        },
    };
    // Named on the command line, a missing state file is a typo, not "no reprints yet".
    if let Some(path) = lists.reprints.filter(|p| !p.is_file()) {
        say!(
            "laminate: error: cannot read the reprint state {}: there is no such file",
            path.display()
        );
        return ExitCode::from(EXIT_IO);
    }
    let revocations = match lists.reprints.map(laminate_passes::load::reprint::load).transpose() {
        Ok(None) => revocations,
        Ok(Some(latest)) => revocations.with_reprints(latest),
        Err(e) => {
            say!("laminate: error: {e}");
            return ExitCode::from(EXIT_IO);
        }
    };
    if let Ok(p) = laminate_passes::resolve::payload::Payload::decode(text) {
        show!("id:          {}", p.id);
        show!("event:       {}", p.event);
        show!("pass type:   {}", p.pass);
        match &p.hours {
            None => show!("valid:       {} to {}", p.valid_from, p.valid_until),
            Some(h) => show!(
                "valid:       {} to {} (UTC{})",
                h.offset.to_datetime(h.start).strftime("%Y-%m-%d %H:%M"),
                h.offset.to_datetime(h.end).strftime("%Y-%m-%d %H:%M"),
                h.offset
            ),
        }
        show!("zones:       {}", p.zones.join(", "));
        show!("reprint:     {}", p.reprint);
        if let Some(name) = &p.name {
            show!("name:        {name}");
        }
        if art {
            show!("art seed:    {}", laminate_passes::layout::security::fingerprint(text));
            show!();
            show!("{}", laminate_passes::layout::security::ART_HELP);
        }
    }
    match sign::verify(text, &key, on, zone, &revocations) {
        Ok(_) => {
            let mut checks = vec!["signature ok".to_string()];
            match on {
                Some(sign::Moment::On(d)) => checks.push(format!("valid on {d}")),
                Some(sign::Moment::At(_, t) | sign::Moment::Local(t)) => {
                    checks.push(format!("valid at {}", t.strftime("%Y-%m-%d %H:%M")))
                }
                None => {}
            }
            if let Some(z) = zone {
                checks.push(format!("grants {z}"));
            }
            show!("result:      VALID ({})", checks.join(", "));
            ExitCode::SUCCESS
        }
        Err(refusal) => {
            show!("result:      REFUSED");
            say!("laminate: {refusal}");
            ExitCode::from(refusal.exit_status())
        }
    }
}
