//! `laminate design`: turns the command line into the designer's options,
//! starts its server and prints the address to open.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::output::fail;

/// `laminate design`.
#[derive(Args)]
pub struct DesignArgs {
    /// A roster to preview with (default: the starter roster of init).
    pub roster: Option<PathBuf>,
    /// The template folder to edit (default: a copy of the built-in
    /// set, saved only into a new folder you name in the page).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// The port to listen on (default: any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Open the page in the browser (xdg-open).
    #[arg(long)]
    pub open: bool,
}

/// Serves until a signal stops the process.
pub fn run(args: DesignArgs) -> ExitCode {
    let DesignArgs { roster, templates, port, open } = args;
    let opts = crate::serve::designer::Options { roster, templates, port };
    let result = crate::serve::http::serve(&opts, &mut |url| {
        // stdout, one line, flushed: scripts and tests read the URL from it.
        // Nobody may be reading it any more (`| head -1` has ended): the
        // designer goes on, and a signal still stops it.
        show!("{url}");
        say!("laminate: designing in the browser at the address above; Ctrl-C stops");
        if open && std::process::Command::new("xdg-open").arg(url).spawn().is_err() {
            say!("laminate: cannot start xdg-open; open the address yourself");
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => fail(f),
    }
}
