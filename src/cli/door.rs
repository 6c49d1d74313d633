//! `laminate door`: writes the offline door page (see docs/door.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

/// Write one self-contained offline HTML page for door staff: it checks
/// signed passes from a camera, a USB scanner or typed input, as `verify`
/// does, and keeps a scan log on the device.
#[derive(Args)]
pub struct DoorArgs {
    /// A public key (KEYFILE.pub from `laminate keygen`); give it again for
    /// each key in use during a key rotation.
    #[arg(long, value_name = "FILE", required = true)]
    pub public_key: Vec<PathBuf>,
    /// A list of revoked passes: one id, or id and reprint number, a line.
    #[arg(long, value_name = "FILE")]
    pub revoked: Option<PathBuf>,
    /// The roster whose event (name, dates, time zone) the page shows and
    /// checks days in; its ROSTER.reprints, when there is one, makes older
    /// cards of reprinted passes refused as superseded.
    #[arg(long, value_name = "ROSTER")]
    pub event: Option<PathBuf>,
    /// A reprint state file to use instead of the roster's ROSTER.reprints.
    #[arg(long, value_name = "FILE")]
    pub reprints: Option<PathBuf>,
    /// The zone this door checks (give it again to offer more in the page's
    /// menu; the first is chosen). Without it, zones are not checked.
    #[arg(long, value_name = "NAME")]
    pub zone: Vec<String>,
    /// The door's name in the scan log (it can be changed in the page).
    #[arg(long, value_name = "NAME", default_value = "door")]
    pub door: String,
    /// Also write OUT-sw.js (a service worker) and OUT.webmanifest beside
    /// the page, so that a phone can install it from an https host and open
    /// it offline.
    #[arg(long)]
    pub pwa: bool,
    /// The page to write (written whole or not at all).
    #[arg(short, long, value_name = "OUT.html")]
    pub output: PathBuf,
}

/// When the page is made: `SOURCE_DATE_EPOCH` when set (reproducible
/// pages), else now. The page warns when the device's clock is earlier.
fn created() -> i64 {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(s) => s.trim().parse().unwrap_or(0),
        Err(_) => jiff::Timestamp::now().as_second(),
    }
}

/// Runs `laminate door`.
pub fn run(args: DoorArgs) -> ExitCode {
    let req = laminate_passes::door::Request {
        public_keys: args.public_key,
        revoked: args.revoked,
        event: args.event,
        reprints: args.reprints,
        zones: args.zone,
        door_name: args.door,
        created: created(),
        output: args.output,
        pwa: args.pwa,
    };
    match laminate_passes::door::make(&req) {
        Ok(w) => {
            let o = &w.options;
            let keys: Vec<String> =
                o.keys.iter().map(|k| laminate_passes::door::fingerprint(&k.key)).collect();
            let files: Vec<String> = w.files.iter().map(|f| f.display().to_string()).collect();
            eprintln!(
                "laminate: wrote {} ({:.0} KB): {} key{} ({}), {} revoked, {} reprinted{}{}",
                files.join(", "),
                w.bytes as f64 / 1024.0,
                o.keys.len(),
                if o.keys.len() == 1 { "" } else { "s" },
                keys.join("; "),
                o.revoked.entries().count(),
                o.reprints.len(),
                o.event.as_ref().map(|e| format!(", event {}", e.name)).unwrap_or_default(),
                if o.zone_checked { format!(", zone {}", o.zones[0]) } else { String::new() },
            );
            ExitCode::SUCCESS
        }
        Err(f) => super::output::fail(f),
    }
}
