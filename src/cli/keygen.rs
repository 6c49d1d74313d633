//! `laminate keygen`: turns a file name into a new Ed25519 key pair, the
//! private key (mode 0600) and the public key beside it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::EXIT_IO;

/// `laminate keygen`.
#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the private key; the public key goes to KEYFILE.pub.
    #[arg(long, value_name = "KEYFILE")]
    pub out: PathBuf,
}

/// Writes the key pair (never over an existing file) and says where.
pub fn run(args: KeygenArgs) -> ExitCode {
    match laminate_passes::resolve::sign::keygen(&args.out) {
        Ok((private, public)) => {
            say!(
                "laminate: wrote {} (private: keep it safe, mode 0600) and {} (public: give it to door scanners)",
                private.display(),
                public.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            say!("laminate: error: {e}");
            ExitCode::from(EXIT_IO)
        }
    }
}
