//! A deadline for compiling one document. Typst stops endless `while` loops and unbounded
//! recursion itself, but a template can still run for hours (a `for` loop over a huge
//! range), and a compilation cannot be interrupted. So it runs on a thread of its own: when
//! it overruns, its job fails with an error naming the document and template, the build
//! goes on with the other documents, and the overrunning thread ends with the process.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};

/// The environment variable that sets the deadline, in seconds.
pub const TIMEOUT_VAR: &str = "YARLUNG_COMPILE_TIMEOUT";
/// The stack of a compiling thread: deep templates recurse deeply.
const STACK: usize = 64 << 20;

/// Runs `compile` for document `name` from `template`, failing it when it does not finish
/// within `limit`.
pub fn within<T: Send + 'static>(
    limit: Duration,
    name: &str,
    template: &Path,
    compile: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let (done, wait) = mpsc::sync_channel(1);
    let spawned =
        std::thread::Builder::new().name(format!("compile {name}")).stack_size(STACK).spawn(move || {
            let _ = done.send(compile());
        });
    if let Err(e) = spawned {
        return Err(Error::internal(format!("document `{name}`"), format!("cannot start a thread: {e}")));
    }
    wait.recv_timeout(limit).map_err(|_| Error::Document {
        name: name.to_string(),
        message: format!(
            "{} did not finish compiling within {} s; look for a loop or recursion that runs too \
             long (set {TIMEOUT_VAR}=SECONDS to allow more time)",
            template.display(),
            limit.as_secs()
        ),
    })
}
