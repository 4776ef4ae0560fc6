//! What the user sees of a run: a progress bar on a terminal, the "wrote …" lines, the
//! closing table (document, profile, pages, size, time, warnings) and phase timings.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::{Error, Made, Profile, Project, display_path};

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

/// The time each phase of a piece of work took, in order.
#[derive(Debug, Clone)]
pub struct Timings {
    /// When the current phase started.
    since: Instant,
    /// The finished phases.
    pub phases: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        Self { since: Instant::now(), phases: Vec::new() }
    }
}

impl Timings {
    /// Ends the current phase, naming it `phase`, and starts the next.
    pub fn lap(&mut self, phase: &'static str) {
        let now = Instant::now();
        self.phases.push((phase, now - self.since));
        self.since = now;
    }

    /// The time of all finished phases.
    pub fn total(&self) -> Duration {
        self.phases.iter().map(|(_, d)| *d).sum()
    }

    /// The phases as `compile 512 ms, export 130 ms, …`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.phases.iter().map(|(p, d)| format!("{p} {}", millis(*d))).collect();
        parts.join(", ")
    }
}

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

/// Shows a progress bar over `documents` documents (two steps each: laid out, then made)
/// when standard error is a terminal, more than one document is made and the output is not
/// quiet.
pub fn progress_start(documents: usize) {
    if documents < 2 || level() == QUIET || !terminal() {
        return;
    }
    let bar = ProgressBar::new(2 * documents as u64);
    let style = ProgressStyle::with_template("{spinner} [{bar:30}] {percent:>3}% {elapsed} {wide_msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(120));
    *BAR.lock().unwrap_or_else(|p| p.into_inner()) = Some(bar);
}

/// Counts one step of document `name` in `profile` as done.
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

/// `1.2 s` or `85 ms`.
pub fn millis(d: Duration) -> String {
    match d.as_millis() {
        ms if ms >= 10_000 => format!("{:.1} s", d.as_secs_f64()),
        ms => format!("{ms} ms"),
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
pub fn outcomes(project: &Project, outcomes: &[crate::Result<Made>], timings: bool) -> u8 {
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
                    print_made(project, made);
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
        eprintln!("timings: project: {}", project.timings.describe());
        for m in &made {
            eprintln!("timings: {} ({}): {}", m.name, m.profile.name(), m.timings.describe());
        }
    }
    if !quiet && made.len() > 1 {
        eprint!("{}", table(&made));
    }
    code
}

/// Prints the preflight findings of a run (the project's and every document's): a table on
/// standard error, or with `json` a JSON report on standard output. Returns 1 when a finding
/// fails the run (an error, or any finding with `--strict`), else 0.
pub fn preflight(project: &Project, outcomes: &[crate::Result<Made>], json: bool) -> u8 {
    let mut findings = project.findings.clone();
    for outcome in outcomes {
        match outcome {
            Ok(made) => findings.extend(made.findings.iter().cloned()),
            Err(Error::Preflight { findings: found, .. }) => findings.extend(found.iter().cloned()),
            Err(_) => {}
        }
    }
    if json {
        println!("{}", crate::preflight::json(&findings, project.strict));
    } else if !findings.is_empty() {
        suspend(|| eprint!("{}", crate::preflight::table(&findings, project.strict)));
    }
    u8::from(findings.iter().any(|f| f.fails(project.strict)))
}

/// Prints the "wrote …" (or, for a check, "ok …") lines of one document.
pub fn print_made(project: &Project, made: &Made) {
    match &made.path {
        Some(path) if made.bytes > 0 => eprintln!(
            "wrote {} ({} pages, {} KB)",
            display_path(path, &project.root),
            made.pages,
            made.bytes.div_ceil(1024)
        ),
        Some(path) => eprintln!("wrote {} ({} pages)", display_path(path, &project.root), made.pages),
        None => eprintln!("ok {} ({} pages)", made.name, made.pages),
    }
    for path in &made.also {
        eprintln!("wrote {}", display_path(path, &project.root));
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
