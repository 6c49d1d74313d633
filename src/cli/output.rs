//! What the commands print: turns diagnostics, warnings and failures into
//! messages on stderr and exit statuses. A message that cannot be written
//! (a closed pipe, a terminal that has gone) is dropped, never a panic.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use {laminate_passes::diag, laminate_passes::Failure};

/// Like `eprintln!`, but a failed write (`EPIPE`, `EIO`) is ignored: a
/// message nobody can read must not stop the command with a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Like `println!`, but a failed write is ignored (see [`say!`]).
macro_rules! show {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Exit status for problems in the input (roster or templates).
pub const EXIT_INPUT: u8 = 1;
/// Exit status for a bad command line, such as an output that is one of
/// the inputs (clap gives it for the rest).
pub const EXIT_USAGE: u8 = 2;
/// Exit status for files that cannot be read or written.
pub const EXIT_IO: u8 = 3;

fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Prints diagnostics like a compiler, on stderr.
pub fn print_diagnostics(sources: &diag::Sources, list: Vec<diag::Diagnostic>) {
    let mut err = std::io::stderr().lock();
    let _ = diag::emit(&mut err, sources, list, colour());
}

/// Prints the first few warnings of each kind and a count of the rest,
/// saying where the rest are.
pub fn print_warnings(sources: &diag::Sources, list: Vec<diag::Diagnostic>, report: Option<&Path>) {
    let (shown, more) = laminate_passes::warnings::group(list);
    print_diagnostics(sources, shown);
    let all_in = match report {
        Some(path) => format!("every one is in {}", path.display()),
        None => "render --report FILE.json lists every one; so does the manifest's warnings column"
            .to_string(),
    };
    for m in more {
        say!("laminate: warning: {} more like: {} ({all_in})", m.count, m.kind);
    }
}

/// The exit status of a failure.
pub fn status(f: &Failure) -> ExitCode {
    match f {
        Failure::Input { .. } => ExitCode::from(EXIT_INPUT),
        Failure::Clobber(_) => ExitCode::from(EXIT_USAGE),
        Failure::Interrupted => ExitCode::from(130),
        Failure::Io { .. } | Failure::Templates(_) | Failure::Key(_) | Failure::Reprints(_) => {
            ExitCode::from(EXIT_IO)
        }
    }
}

/// Prints a failure and gives its exit status.
pub fn fail(f: Failure) -> ExitCode {
    super::signals::hold_if_stopping();
    let status = status(&f);
    match f {
        Failure::Input { sources, diagnostics } => {
            let n = diagnostics.iter().filter(|d| d.severity == diag::Severity::Error).count();
            print_diagnostics(&sources, diagnostics);
            say!("laminate: {n} error{}; nothing was written", if n == 1 { "" } else { "s" });
        }
        f => say!("laminate: error: {f}"),
    }
    status
}

/// "1 sheet", "2 sheets".
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// "1 pass", "2 passes".
pub fn plural_pass(n: usize) -> String {
    format!("{n} pass{}", if n == 1 { "" } else { "es" })
}

/// " (4 rows left out: 2 cancelled, 1 add-on, ...)" for a ticket-shop
/// export's rows that got no pass; nothing for other rosters.
pub fn left_out(skipped: &[(String, usize)]) -> String {
    let n: usize = skipped.iter().map(|(_, n)| n).sum();
    if n == 0 {
        return String::new();
    }
    format!(
        " ({} left out: {})",
        plural(n, "row"),
        laminate_passes::load::sources::skipped_list(skipped)
    )
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
pub fn print_bytes(bytes: &[u8]) -> ExitCode {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            say!("laminate: error: cannot write to standard output: {e}");
            ExitCode::from(EXIT_IO)
        }
        _ => ExitCode::SUCCESS,
    }
}
