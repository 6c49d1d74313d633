//! Signals: turns SIGINT, SIGTERM and SIGHUP into a prompt exit that
//! removes the run's half-written temporary files, whatever the state of
//! the command's output streams.

use std::io::Write;
use std::sync::mpsc;
use std::time::Duration;

/// How long the closing message may take to write. A pipe nobody reads
/// blocks a write for ever, so the message is written by a thread of its
/// own and the process exits when this has passed, written or not.
const MESSAGE_WAIT: Duration = Duration::from_millis(200);

/// Installs the handler: Ctrl-C (or a scheduler's SIGTERM, or the hang-up
/// of a closed terminal) mid-run removes the half-written temporary files,
/// leaves any earlier output as it was and exits 130; the designer, which
/// Ctrl-C is how one stops, exits 0.
pub fn install(designing: bool) {
    let _ = ctrlc::set_handler(move || {
        laminate_passes::atomic::remove_pending();
        if designing {
            // What was saved stays.
            stop("laminate: the designer stopped; unsaved edits were dropped", 0);
        }
        stop("laminate: interrupted; nothing was written", 130);
    });
}

/// Writes `message` to stderr if that can be done within [`MESSAGE_WAIT`],
/// and exits with `status`. Called on the handler's thread: the main
/// thread may be stuck in a write to a full pipe, holding stderr's lock.
fn stop(message: &'static str, status: i32) -> ! {
    let (done, wait) = mpsc::channel();
    let writer = std::thread::Builder::new().spawn(move || {
        let _ = writeln!(std::io::stderr(), "{message}");
        let _ = done.send(());
    });
    if writer.is_ok() {
        let _ = wait.recv_timeout(MESSAGE_WAIT);
    }
    std::process::exit(status)
}

/// Waits for the signal's handler to end the process, when a signal is
/// ending it: the run's own failure then (its temporary files removed
/// under it) must not end the process first, with another status and a
/// message about a file the user did not break.
pub fn hold_if_stopping() {
    if laminate_passes::atomic::stopping() {
        loop {
            std::thread::park();
        }
    }
}
