//! A deadline for compiling one document. Typst stops endless `while` loops and unbounded
//! recursion itself, but a template can still run for hours (a `for` loop over a huge range);
//! Typst cannot be cancelled, so when a compilation overruns, the process ends with exit
//! code 1 and a message naming the document and template, after any PDF being written
//! has been completely written (see [`WRITING`]).

use std::path::Path;
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

/// The environment variable that sets the deadline, in seconds.
pub const TIMEOUT_VAR: &str = "YARLUNG_COMPILE_TIMEOUT";
/// The deadline when [`TIMEOUT_VAR`] is not set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// Held while an output file is written; the watchdog takes it before ending the process,
/// so no half-written or temporary file is left behind.
pub static WRITING: Mutex<()> = Mutex::new(());

/// A running deadline; dropping it (when the compilation ends) disarms it.
pub struct Deadline {
    /// Disconnects on drop, which wakes and ends the watchdog thread.
    _done: Sender<()>,
}

impl Deadline {
    /// Starts the deadline for compiling document `name` from `template`.
    pub fn start(name: &str, template: &Path) -> Self {
        let (done, wait) = mpsc::channel::<()>();
        let limit = timeout();
        let message = format!(
            "error: document `{name}`: {} did not finish compiling within {} s; look for a loop or \
             recursion that runs too long (set {TIMEOUT_VAR}=SECONDS to allow more time)",
            template.display(),
            limit.as_secs()
        );
        std::thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = wait.recv_timeout(limit) {
                let _writing = WRITING.lock();
                eprintln!("{message}");
                std::process::exit(1);
            }
        });
        Self { _done: done }
    }
}

/// The configured deadline.
fn timeout() -> Duration {
    std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
}
