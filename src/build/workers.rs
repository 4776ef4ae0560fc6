//! Documents made in worker processes. Typst memoizes in process-wide caches behind locks,
//! so two documents compiled by two threads of one process wait on each other much of the
//! time; separate processes do not. A build of many documents runs one worker per core:
//! the same program and command line with [`WORKER_VAR`] set, each loading the project
//! itself. The build hands the workers one document at a time (the next to whichever is
//! free), each makes and writes it in every profile and answers with one line of JSON per
//! profile ([`Wire`]); the build writes the manifests and reports, as it does in-process.

use std::collections::{BTreeSet, VecDeque};
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::schedule::Job;
use super::{Build, Made, memory};
use crate::error::{Error, Result};
use crate::preflight::finding::{Finding, Severity};
use crate::profile::Profile;
use crate::timings::Timings;

/// Set in a worker's environment: the process serves documents on standard input.
pub const WORKER_VAR: &str = "YARLUNG_WORKER";

/// Builds with more documents than this run in worker processes (fewer run in threads,
/// which share the figures decoded for several documents).
pub const MIN_DOCUMENTS: usize = 8;

/// How many documents a worker's Typst caches remember what they did not use again; older
/// entries are let go of, so a worker's memory stays flat however many documents it makes.
const CACHE_AGE: usize = 1;

/// Whether this process is a worker.
pub fn is_worker() -> bool {
    std::env::var_os(WORKER_VAR).is_some()
}

/// One outcome of a worker, as it travels on the pipe.
#[derive(Serialize, Deserialize)]
enum Wire {
    /// The document was made.
    Made(WireMade),
    /// It failed.
    Failed(WireError),
}

/// A [`Made`] on the pipe.
#[derive(Serialize, Deserialize)]
struct WireMade {
    name: String,
    profile: String,
    pages: usize,
    path: Option<PathBuf>,
    bytes: usize,
    warnings: Vec<String>,
    findings: Vec<WireFinding>,
    sha256: Option<String>,
    also: Vec<PathBuf>,
    timings: Vec<(String, Duration)>,
}

/// A [`Finding`] on the pipe.
#[derive(Serialize, Deserialize)]
struct WireFinding {
    error: bool,
    check: String,
    document: Option<String>,
    profile: Option<String>,
    page: Option<usize>,
    what: String,
    fix: String,
}

/// An [`Error`] on the pipe (an I/O error keeps its message).
#[derive(Serialize, Deserialize)]
enum WireError {
    Usage(String),
    Input { file: PathBuf, position: Option<(u64, u64)>, field: Option<String>, message: String },
    Document { name: String, message: String },
    Preflight { name: String, findings: Vec<WireFinding> },
    Internal { context: String, message: String },
    Io { path: PathBuf, message: String },
}

/// The one `&'static str` for each name a worker sends (check names, phases).
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

impl From<&Finding> for WireFinding {
    fn from(f: &Finding) -> Self {
        Self {
            error: f.severity == Severity::Error,
            check: f.check.into(),
            document: f.document.clone(),
            profile: f.profile.map(String::from),
            page: f.page,
            what: f.what.clone(),
            fix: f.fix.clone(),
        }
    }
}

impl From<WireFinding> for Finding {
    fn from(f: WireFinding) -> Self {
        Self {
            severity: if f.error { Severity::Error } else { Severity::Warning },
            check: intern(&f.check),
            document: f.document,
            profile: f.profile.as_deref().and_then(Profile::named).map(Profile::name),
            page: f.page,
            what: f.what,
            fix: f.fix,
        }
    }
}

impl From<&Result<Made>> for Wire {
    fn from(outcome: &Result<Made>) -> Self {
        match outcome {
            Ok(m) => Self::Made(WireMade {
                name: m.name.clone(),
                profile: m.profile.name().into(),
                pages: m.pages,
                path: m.path.clone(),
                bytes: m.bytes,
                warnings: m.warnings.clone(),
                findings: m.findings.iter().map(WireFinding::from).collect(),
                sha256: m.sha256.clone(),
                also: m.also.clone(),
                timings: m.timings.phases.iter().map(|(p, d)| ((*p).to_string(), *d)).collect(),
            }),
            Err(e) => Self::Failed(match e {
                Error::Usage(message) => WireError::Usage(message.clone()),
                Error::Input { file, position, field, message } => WireError::Input {
                    file: file.clone(),
                    position: *position,
                    field: field.clone(),
                    message: message.clone(),
                },
                Error::Document { name, message } => {
                    WireError::Document { name: name.clone(), message: message.clone() }
                }
                Error::Preflight { name, findings } => WireError::Preflight {
                    name: name.clone(),
                    findings: findings.iter().map(WireFinding::from).collect(),
                },
                Error::Internal { context, message } => {
                    WireError::Internal { context: context.clone(), message: message.clone() }
                }
                Error::Io { path, source } => {
                    WireError::Io { path: path.clone(), message: source.to_string() }
                }
            }),
        }
    }
}

impl Wire {
    /// The outcome this stands for; `profile` is the job's, should the name not be known.
    fn outcome(self, profile: Profile) -> Result<Made> {
        match self {
            Self::Made(m) => {
                let mut timings = Timings::default();
                timings.phases = m.timings.into_iter().map(|(p, d)| (intern(&p), d)).collect();
                Ok(Made {
                    name: m.name,
                    profile: Profile::named(&m.profile).unwrap_or(profile),
                    pages: m.pages,
                    path: m.path,
                    bytes: m.bytes,
                    warnings: m.warnings,
                    findings: m.findings.into_iter().map(Finding::from).collect(),
                    sha256: m.sha256,
                    also: m.also,
                    timings,
                })
            }
            Self::Failed(e) => Err(match e {
                WireError::Usage(message) => Error::Usage(message),
                WireError::Input { file, position, field, message } => {
                    Error::Input { file, position, field, message }
                }
                WireError::Document { name, message } => Error::Document { name, message },
                WireError::Preflight { name, findings } => {
                    Error::Preflight { name, findings: findings.into_iter().map(Finding::from).collect() }
                }
                WireError::Internal { context, message } => Error::Internal { context, message },
                WireError::Io { path, message } => Error::Io { path, source: std::io::Error::other(message) },
            }),
        }
    }
}

impl Build<'_> {
    /// How many worker processes [`Build::make`] runs: one per thread of the pool, when this
    /// build may start them and has more than [`MIN_DOCUMENTS`] documents; else none.
    pub fn workers(&self) -> usize {
        let documents = self.project.plans.len();
        match &self.worker_command {
            Some(_) if documents > MIN_DOCUMENTS => rayon::current_num_threads().min(documents),
            _ => 0,
        }
    }

    /// Makes every document in `workers` worker processes, handing each the next document
    /// when it is done with one; returns one outcome per job, in the order of `jobs`.
    pub fn make_in_workers(&self, jobs: &[Job], workers: usize, write: bool) -> Vec<Result<Made>> {
        let documents = self.project.plans.len();
        self.ctx.observer.phase(&format!("making {documents} documents in {workers} worker processes"));
        let queue: Mutex<VecDeque<usize>> = Mutex::new((0..documents).collect());
        let results: Mutex<Vec<Option<Result<Made>>>> = Mutex::new(jobs.iter().map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| self.feed(jobs, &queue, &results, write));
            }
        });
        let results = results.into_inner().unwrap_or_else(|p| p.into_inner());
        results
            .into_iter()
            .zip(jobs)
            .map(|(outcome, job)| {
                outcome.unwrap_or_else(|| Err(self.lost(job.document, "no worker made it")))
            })
            .collect()
    }

    /// Starts one worker and gives it documents from `queue` until none is left, putting
    /// its outcomes into `results`; a worker that cannot start or stops early fails the
    /// documents it was given.
    fn feed(
        &self,
        jobs: &[Job],
        queue: &Mutex<VecDeque<usize>>,
        results: &Mutex<Vec<Option<Result<Made>>>>,
        write: bool,
    ) {
        let mut worker = match self.spawn(write) {
            Ok(child) => Some(child),
            Err(error) => {
                eprintln!("yarlung: {error}; its documents are made by the other workers");
                return;
            }
        };
        let next = || queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
        while let Some(document) = next() {
            let mine: Vec<usize> = (0..jobs.len()).filter(|&i| jobs[i].document == document).collect();
            let answers = match worker.as_mut() {
                Some(child) => ask(child, document, mine.len()),
                None => Err("the worker stopped".into()),
            };
            let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
            match answers {
                Ok(lines) => {
                    for (&i, wire) in mine.iter().zip(lines) {
                        let outcome = wire.outcome(jobs[i].profile);
                        let name = &self.project.plans[document].name;
                        // (two steps, as a document made in-process shows: placed and made)
                        self.ctx.observer.step(name, jobs[i].profile);
                        self.ctx.observer.step(name, jobs[i].profile);
                        results[i] = Some(outcome);
                    }
                }
                Err(why) => {
                    for &i in &mine {
                        results[i] = Some(Err(self.lost(document, &why)));
                    }
                    worker = None;
                }
            }
        }
        if let Some(mut child) = worker {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }

    /// An internal error for `document`, made by a worker that failed.
    fn lost(&self, document: usize, why: &str) -> Error {
        Error::internal(
            format!("document `{}`", self.project.plans[document].name),
            format!("worker process: {why}"),
        )
    }

    /// Starts a worker process: this program with the build's command line and
    /// [`WORKER_VAR`] set, reading document numbers on its standard input.
    fn spawn(&self, write: bool) -> std::result::Result<Child, String> {
        let argv: &[OsString] = self.worker_command.as_deref().unwrap_or_default();
        let program = std::env::current_exe().map_err(|e| format!("cannot find its own program: {e}"))?;
        let mut command = Command::new(program);
        command.args(argv).env(WORKER_VAR, if write { "write" } else { "check" });
        // mimalloc reads these when it starts (see `memory::ALLOCATOR_OPTIONS`).
        for (option, value) in memory::ALLOCATOR_OPTIONS {
            if std::env::var_os(option).is_none() {
                command.env(option, value);
            }
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start a worker process: {e}"))
    }

    /// Serves as a worker: makes each document whose number arrives on standard input in
    /// every profile (writing its PDFs when `write`) and answers with a line of JSON per
    /// profile, until standard input ends.
    pub fn serve(mut self, write: bool) -> Result<()> {
        // Typst's caches are kept from one document to the next and aged (below), not emptied.
        self.ctx.release = false;
        let stdin = std::io::stdin();
        let mut stdout = std::io::stdout().lock();
        let jobs = self.jobs();
        let impose = write.then_some(self.impose);
        for line in stdin.lock().lines() {
            let line = line.map_err(|e| Error::io(std::path::Path::new("<standard input>"), e))?;
            let Ok(document) = line.trim().parse::<usize>() else { continue };
            let mine: Vec<Job> = jobs.iter().filter(|j| j.document == document).copied().collect();
            let outcomes = self.run(&mine, write, |job, figured, timings| {
                figured.and_then(|figured| self.finish(job, figured, timings, impose))
            });
            let mut text = String::new();
            for outcome in &outcomes {
                let wire = serde_json::to_string(&Wire::from(outcome))
                    .map_err(|e| Error::internal("a worker's answer", e))?;
                text.push_str(&wire);
                text.push('\n');
            }
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io(std::path::Path::new("<standard output>"), e))?;
            typst::comemo::evict(CACHE_AGE);
            memory::trim();
        }
        Ok(())
    }
}

/// Sends `document` to a worker and reads its `count` answers.
fn ask(child: &mut Child, document: usize, count: usize) -> std::result::Result<Vec<Wire>, String> {
    let stopped = |e: std::io::Error| format!("the worker stopped ({e})");
    let stdin = child.stdin.as_mut().ok_or("the worker has no input")?;
    writeln!(stdin, "{document}").and_then(|()| stdin.flush()).map_err(stopped)?;
    let stdout = child.stdout.as_mut().ok_or("the worker has no output")?;
    let mut reader = BufReader::new(stdout);
    let mut answers = Vec::with_capacity(count);
    for _ in 0..count {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(stopped)? == 0 {
            return Err("the worker stopped before it answered".into());
        }
        answers.push(serde_json::from_str(&line).map_err(|e| format!("unreadable answer: {e}"))?);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding as preflight makes them.
    fn finding() -> Finding {
        Finding {
            severity: Severity::Warning,
            check: "draft-translation",
            document: Some("leaflet-hubei".into()),
            profile: Some("print"),
            page: Some(2),
            what: "a “draft” # ] \"".into(),
            fix: "review it".into(),
        }
    }

    /// `outcome` after a trip through the pipe.
    fn round_trip(outcome: &Result<Made>) -> Result<Made> {
        let line = serde_json::to_string(&Wire::from(outcome)).unwrap();
        serde_json::from_str::<Wire>(&line).unwrap().outcome(Profile::Screen)
    }

    #[test]
    fn a_made_document_arrives_whole() {
        let mut made = Made::new("leaflet-hubei", Profile::Print, 2);
        made.path = Some(PathBuf::from("out/print/leaflet-hubei.pdf"));
        made.bytes = 241_000;
        made.warnings = vec!["1 page(s) were added".into()];
        made.findings = vec![finding()];
        made.sha256 = Some("ab".repeat(32));
        made.timings.phases =
            vec![("layout", Duration::from_millis(180)), ("export", Duration::from_micros(1))];
        let back = round_trip(&Ok(made)).unwrap();
        assert_eq!(
            (back.name.as_str(), back.profile, back.pages, back.bytes),
            ("leaflet-hubei", Profile::Print, 2, 241_000)
        );
        assert_eq!(back.path, Some(PathBuf::from("out/print/leaflet-hubei.pdf")));
        assert_eq!(back.warnings, vec!["1 page(s) were added".to_string()]);
        assert_eq!(back.sha256, Some("ab".repeat(32)));
        assert_eq!(
            back.timings.phases,
            vec![("layout", Duration::from_millis(180)), ("export", Duration::from_micros(1))]
        );
        let f = &back.findings[0];
        assert_eq!(
            (f.severity, f.check, f.profile, f.page),
            (Severity::Warning, "draft-translation", Some("print"), Some(2))
        );
        assert_eq!(f.what, "a “draft” # ] \"");
    }

    #[test]
    fn a_failure_arrives_with_its_kind_and_words() {
        let input = Error::Input {
            file: "data/provinces/hubei.yaml".into(),
            position: Some((3, 7)),
            field: Some("results.industry".into()),
            message: "unknown theme".into(),
        };
        let back = round_trip(&Err(input)).unwrap_err();
        assert!(
            matches!(&back, Error::Input { position: Some((3, 7)), field: Some(f), .. } if f == "results.industry")
        );
        assert_eq!(back.exit_code(), 2);
        let failed = Error::Preflight { name: "brochure".into(), findings: vec![finding()] };
        let back = round_trip(&Err(failed)).unwrap_err();
        assert!(
            matches!(&back, Error::Preflight { name, findings } if name == "brochure" && findings.len() == 1)
        );
        assert_eq!(back.exit_code(), 1);
        let io = Error::io(std::path::Path::new("out/print/x.pdf"), std::io::Error::other("disk full"));
        assert!(round_trip(&Err(io)).unwrap_err().to_string().contains("disk full"));
    }
}
