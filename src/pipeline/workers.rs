//! Documents made in worker processes. Typst memoizes in process-wide caches behind locks,
//! so two documents compiled by two threads of one process wait on each other much of the
//! time; separate processes do not. A build of many documents runs one worker per core:
//! this program's hidden `worker` command, handed the build's options ([`Hello`]), then one
//! document at a time ([`Request`]); it makes the document's jobs and answers with one
//! line of JSON per job: the job's `Result<Made>`, the core types themselves.
//!
//! A worker that stops (a crash, or the kernel's OOM killer) fails at most the document it
//! was making: its feeder starts a new worker, which tries that document once more and then
//! takes the rest of the queue. When no worker can be started, the feeder makes its
//! documents in this process.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::job::{Finish, Fresh};
use super::{Build, Job, Made};
use crate::error::{Error, Result};
use crate::project::{Options, Project};

/// Builds with more documents than this run in worker processes (fewer run in threads,
/// which share the figures decoded for several documents).
pub const MIN_DOCUMENTS: usize = 8;

/// How many documents a worker's Typst caches remember what they did not use again; older
/// entries are let go of, so a worker's memory stays flat however many documents it makes.
const CACHE_AGE: usize = 1;

/// How often a document is given to a new worker after the one making it stopped.
const TRIES: usize = 2;

/// The first line a worker reads: what to build and how.
#[derive(Serialize, Deserialize)]
pub struct Hello {
    /// The build's options.
    pub options: Options,
    /// Whether the documents are written or only checked.
    pub write: bool,
}

/// One document for a worker.
#[derive(Serialize, Deserialize)]
struct Request {
    /// The document's index in the plans.
    document: usize,
    /// Which try this is (1 for the first worker given it).
    attempt: usize,
}

/// One line of a worker's answer.
type Answer = Result<Made>;

/// Why a worker gave no answer.
struct Stopped(String);

impl Build<'_> {
    /// How many worker processes [`Build::make`] runs: one per thread of the pool, when this
    /// build may start them and has more than [`MIN_DOCUMENTS`] documents; else none.
    pub fn workers(&self) -> usize {
        let documents = self.project.plans.len();
        if self.spawn_workers && documents > MIN_DOCUMENTS {
            rayon::current_num_threads().min(documents)
        } else {
            0
        }
    }

    /// Makes every document in `workers` worker processes, handing each the next document
    /// when it is done with one; returns one outcome per job, in the order of `jobs`.
    pub fn make_in_workers(&self, jobs: &[Job], workers: usize, finish: Finish) -> Vec<Result<Made>> {
        let documents = self.project.plans.len();
        self.ctx.observer.phase(&format!("making {documents} documents in {workers} worker processes"));
        let queue: Mutex<VecDeque<usize>> = Mutex::new((0..documents).collect());
        let results: Mutex<Vec<Option<Result<Made>>>> = Mutex::new(jobs.iter().map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| self.feed(jobs, &queue, &results, finish));
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

    /// Gives documents from `queue` to a worker until none is left, putting the outcomes
    /// into `results`; starts a new worker when one stops, and makes the documents in this
    /// process when none can be started.
    fn feed(
        &self,
        jobs: &[Job],
        queue: &Mutex<VecDeque<usize>>,
        results: &Mutex<Vec<Option<Result<Made>>>>,
        finish: Finish,
    ) {
        let mut worker: Option<Child> = None;
        let next = || queue.lock().unwrap_or_else(|p| p.into_inner()).pop_front();
        while let Some(document) = next() {
            let mine: Vec<usize> = (0..jobs.len()).filter(|&i| jobs[i].document == document).collect();
            let mut answers = Err(Stopped(String::new()));
            for attempt in 1..=TRIES {
                let child = match worker.take().map_or_else(|| self.spawn(finish), Ok) {
                    Ok(child) => worker.insert(child),
                    Err(why) => {
                        eprintln!("yarlung: {why}; its documents are made in this process");
                        answers = Ok(mine.iter().map(|&i| self.make_job(jobs[i], finish, &Fresh)).collect());
                        break;
                    }
                };
                answers = ask(child, Request { document, attempt }, mine.len());
                if answers.is_ok() {
                    break;
                }
                if let Some(child) = worker.take() {
                    answers = Err(Stopped(ended(child)));
                }
            }
            let mut results = results.lock().unwrap_or_else(|p| p.into_inner());
            match answers {
                Ok(outcomes) => {
                    for (&i, outcome) in mine.iter().zip(outcomes) {
                        self.ctx.observer.step(&self.project.plans[document].name, jobs[i].profile);
                        results[i] = Some(outcome);
                    }
                }
                Err(Stopped(why)) => {
                    for &i in &mine {
                        results[i] = Some(Err(self.lost(document, &why)));
                    }
                }
            }
        }
        if let Some(mut child) = worker {
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }

    /// An error for `document`, which the workers could not make.
    fn lost(&self, document: usize, why: &str) -> Error {
        Error::Document {
            name: self.project.plans[document].name.clone(),
            message: format!("the worker processes making it stopped {TRIES} times; the last {why}"),
        }
    }

    /// Starts a worker process (this program's `worker` command) and says hello.
    fn spawn(&self, finish: Finish) -> std::result::Result<Child, String> {
        let program = std::env::current_exe().map_err(|e| format!("cannot find its own program: {e}"))?;
        let mut child = Command::new(program)
            .arg("worker")
            // mimalloc commits memory as it is used and returns freed memory at once: a
            // worker making 100 leaflets peaks at 100 MB rather than 135 MB.
            .env("MIMALLOC_ARENA_EAGER_COMMIT", "0")
            .env("MIMALLOC_PURGE_DELAY", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start a worker process: {e}"))?;
        let hello = Hello { options: self.options.clone(), write: finish != Finish::Check };
        let line = serde_json::to_string(&hello).map_err(|e| format!("cannot write to a worker: {e}"))?;
        let stdin = child.stdin.as_mut().ok_or("the worker has no input")?;
        writeln!(stdin, "{line}").map_err(|e| format!("cannot write to a worker: {e}"))?;
        Ok(child)
    }
}

/// What became of a worker that stopped answering.
fn ended(mut child: Child) -> String {
    let _ = child.kill();
    let status = child.wait();
    #[cfg(unix)]
    if let Ok(Some(signal)) = status.as_ref().map(std::os::unix::process::ExitStatusExt::signal) {
        let (name, hint) = match signal {
            9 => (
                "SIGKILL",
                "; SIGKILL usually means the system ran out of memory: make fewer documents at once (--jobs 1) or free memory",
            ),
            6 => ("SIGABRT", ""),
            11 => ("SIGSEGV", ""),
            15 => ("SIGTERM", ""),
            _ => ("", ""),
        };
        let name = if name.is_empty() { format!("signal {signal}") } else { name.to_string() };
        return format!("was killed by {name}{hint}");
    }
    match status {
        Ok(status) => format!("ended early ({status})"),
        Err(e) => format!("stopped answering ({e})"),
    }
}

/// Sends `request` to a worker and reads its `count` answers.
fn ask(child: &mut Child, request: Request, count: usize) -> std::result::Result<Vec<Answer>, Stopped> {
    let stopped = |e: std::io::Error| Stopped(format!("stopped answering ({e})"));
    let line = serde_json::to_string(&request).map_err(|e| Stopped(e.to_string()))?;
    let stdin = child.stdin.as_mut().ok_or(Stopped("has no input".into()))?;
    writeln!(stdin, "{line}").and_then(|()| stdin.flush()).map_err(stopped)?;
    let stdout = child.stdout.as_mut().ok_or(Stopped("has no output".into()))?;
    let mut reader = BufReader::new(stdout);
    let mut answers = Vec::with_capacity(count);
    for _ in 0..count {
        let mut line = String::new();
        if reader.read_line(&mut line).map_err(stopped)? == 0 {
            return Err(Stopped("stopped before it answered".into()));
        }
        answers.push(serde_json::from_str(&line).map_err(|e| Stopped(format!("answered unreadably: {e}")))?);
    }
    Ok(answers)
}

/// Serves as a worker on standard input and output: reads the [`Hello`], opens the project,
/// then makes each requested document in every profile and answers with a line of JSON per
/// job, until standard input ends. `observer` shows Typst's diagnostics (on standard error).
pub fn serve(observer: &dyn super::Observer) -> Result<()> {
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let input = |e| Error::io(std::path::Path::new("<standard input>"), e);
    let Some(first) = lines.next() else { return Ok(()) };
    let hello: Hello = serde_json::from_str(&first.map_err(input)?).map_err(|e| {
        Error::Usage(format!("`yarlung worker` is started by `yarlung build`, not by hand ({e})"))
    })?;
    let project = Project::open(&hello.options)?;
    let mut build = Build::new(&project, &hello.options, observer);
    build.ctx.persist = hello.write;
    let finish = if hello.write { Finish::Write { impose: build.impose } } else { Finish::Check };
    let jobs = build.jobs();
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        let Ok(request) = serde_json::from_str::<Request>(&line.map_err(input)?) else { continue };
        let Some(plan) = project.plans.get(request.document) else { continue };
        if let Some(abort) = &hello.options.abort_worker
            && abort.document == plan.name
            && (abort.every || request.attempt == 1)
        {
            std::process::abort();
        }
        let mut text = String::new();
        for &job in jobs.iter().filter(|j| j.document == request.document) {
            let outcome = build.make_job(job, finish, &Fresh);
            let answer =
                serde_json::to_string(&outcome).map_err(|e| Error::internal("a worker's answer", e))?;
            text.push_str(&answer);
            text.push('\n');
        }
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::io(std::path::Path::new("<standard output>"), e))?;
        typst::comemo::evict(CACHE_AGE);
    }
    Ok(())
}
