//! What the user sees of a run: a progress bar on a terminal, the "wrote …" lines, the
//! closing table (document, profile, pages, size, time, warnings) and phase timings.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use typst::diag::SourceDiagnostic;
use typst_kit::diagnostics::{self, DiagnosticFormat, termcolor};

use crate::error::{Error, Result};
use crate::finding::{self, Finding};
use crate::pipeline::{Made, Observer};
use crate::profile::Profile;
use crate::project::display_path;
use crate::timings::{Timings, millis};
use crate::world::YarlungWorld;

/// The terminal as a build's [`Observer`]: the progress bar, and Typst's diagnostics
/// printed above it with file, line and source excerpt.
pub struct Terminal {
    /// How diagnostics are printed.
    pub format: DiagnosticFormat,
}

impl Observer for Terminal {
    fn phase(&self, text: &str) {
        progress_note(text);
        if level() >= VERBOSE {
            suspend(|| eprintln!("{text}"));
        }
    }

    fn step(&self, name: &str, profile: Profile) {
        progress_advance(name, profile);
    }

    fn diagnostics(&self, world: &YarlungWorld, diagnostics: &[SourceDiagnostic]) {
        if diagnostics.is_empty() {
            return;
        }
        let choice = if terminal() { termcolor::ColorChoice::Auto } else { termcolor::ColorChoice::Never };
        let mut stderr = termcolor::StandardStream::stderr(choice);
        suspend(|| {
            if diagnostics::emit(&mut stderr, world, diagnostics, self.format).is_err() {
                for diagnostic in diagnostics {
                    eprintln!("{:?}: {}", diagnostic.severity, diagnostic.message);
                }
            }
        });
    }
}

/// How much is printed: [`QUIET`], [`NORMAL`] or [`VERBOSE`].
static LEVEL: AtomicU8 = AtomicU8::new(NORMAL);
/// Only errors and warnings.
pub const QUIET: u8 = 0;
/// Progress, written files and the closing table.
pub const NORMAL: u8 = 1;
/// Also what is loaded and rebuilt, and why.
pub const VERBOSE: u8 = 2;

/// The progress bar of the running build, when there is one.
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Sets how much is printed.
pub fn set_level(level: u8) {
    LEVEL.store(level, Ordering::Relaxed);
}

/// How much is printed.
pub fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Whether standard error is a terminal (progress bars, colours).
pub fn terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Shows a progress bar over `documents` documents (a step each)
/// when standard error is a terminal, more than one document is made and the output is not
/// quiet.
pub fn progress_start(documents: usize) {
    if documents < 2 || level() == QUIET || !terminal() {
        return;
    }
    let bar = ProgressBar::new(documents as u64);
    let style = ProgressStyle::with_template("{spinner} [{bar:30}] {percent:>3}% {elapsed} {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    *BAR.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar);
}

/// Counts document `name` in `profile` as done.
pub fn progress_advance(name: &str, profile: Profile) {
    if let Some(bar) = BAR.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        bar.set_message(format!("{name} ({})", profile.name()));
        bar.inc(1);
    }
}

/// Shows `text` beside the progress bar, without counting a step.
pub fn progress_note(text: &str) {
    if let Some(bar) = BAR.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
        bar.set_message(text.to_string());
    }
}

/// Removes the progress bar.
pub fn progress_finish() {
    if let Some(bar) = BAR.lock().unwrap_or_else(|p| p.into_inner()).take() {
        bar.finish_and_clear();
    }
}

/// Runs `print` with the progress bar hidden, so printed lines do not tear it.
pub fn suspend<R>(print: impl FnOnce() -> R) -> R {
    let bar = BAR.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match bar {
        Some(bar) => bar.suspend(print),
        None => print(),
    }
}

/// `3.2 MB` or `412 KB`.
fn size(bytes: usize) -> String {
    match bytes {
        0 => "-".into(),
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b => format!("{} KB", b.div_ceil(1024)),
    }
}

/// Prints the outcomes of a run: errors always; per document the file written (unless a
/// terminal shows the table anyway) and yarlung's warnings; then, for more than one
/// document, the table; with `timings`, each phase. Returns the exit code.
/// `root` is the project root (paths are shown relative to it) and `loading` the project's
/// own timings.
pub fn outcomes(root: &Path, loading: &Timings, outcomes: &[Result<Made>], timings: bool) -> u8 {
    progress_finish();
    let quiet = level() == QUIET;
    let lines = !quiet && (!terminal() || outcomes.len() < 2 || level() >= VERBOSE);
    let mut code = 0;
    for outcome in outcomes {
        match outcome {
            Ok(made) => {
                for warning in &made.warnings {
                    eprintln!("warning: document `{}`: {warning}", made.name);
                }
                if lines {
                    print_made(root, made);
                }
            }
            Err(error) => {
                eprintln!("error: {error}");
                code = code.max(error.exit_code());
            }
        }
    }
    let made: Vec<&Made> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    if timings {
        eprintln!("timings: project: {}", loading.describe());
        for m in &made {
            eprintln!("timings: {} ({}): {}", m.name, m.profile.name(), m.timings.describe());
        }
    }
    if !quiet && made.len() > 1 {
        eprint!("{}", table(&made));
    }
    code
}

/// Prints the preflight findings of a run (the `project`'s own and every document's): a
/// table on standard error, or with `json` a JSON report on standard output. Returns 1 when
/// a finding fails the run (an error, or any finding with `strict`), else 0.
pub fn preflight(project: &[Finding], outcomes: &[Result<Made>], strict: bool, json: bool) -> u8 {
    let mut findings = project.to_vec();
    for outcome in outcomes {
        match outcome {
            Ok(made) => findings.extend(made.findings.iter().cloned()),
            Err(Error::Preflight { findings: found, .. }) => findings.extend(found.iter().cloned()),
            Err(_) => {}
        }
    }
    if json {
        println!("{}", finding::json(&findings, strict));
    } else if !findings.is_empty() {
        suspend(|| eprint!("{}", finding::table(&findings, strict)));
    }
    u8::from(findings.iter().any(|f| f.fails(strict)))
}

/// Prints the "wrote …" (or, for a check, "ok …") lines of one document.
pub fn print_made(root: &Path, made: &Made) {
    match &made.path {
        Some(path) if made.bytes > 0 => eprintln!(
            "wrote {} ({} pages, {} KB)",
            display_path(path, root),
            made.pages,
            made.bytes.div_ceil(1024)
        ),
        Some(path) => eprintln!("wrote {} ({} pages)", display_path(path, root), made.pages),
        None => eprintln!("ok {} ({} pages)", made.name, made.pages),
    }
    for path in &made.also {
        eprintln!("wrote {}", display_path(path, root));
    }
}

/// The closing table: document, profile, pages, size, time, warnings.
pub fn table(made: &[&Made]) -> String {
    let width = made.iter().map(|m| m.name.chars().count()).max().unwrap_or(8).max(8);
    let mut out = format!(
        "{:<width$}  {:<8} {:>5} {:>9} {:>9} {:>8}\n",
        "document", "profile", "pages", "size", "time", "warnings"
    );
    for m in made {
        out += &format!(
            "{:<width$}  {:<8} {:>5} {:>9} {:>9} {:>8}\n",
            m.name,
            m.profile.name(),
            m.pages,
            size(m.bytes),
            millis(m.timings.total()),
            m.warnings.len()
        );
    }
    out
}

/// Prints an error (above the progress bar, if any) and returns its exit code.
pub fn error(error: &Error) -> u8 {
    suspend(|| eprintln!("error: {error}"));
    error.exit_code()
}
