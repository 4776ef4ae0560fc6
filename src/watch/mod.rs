//! `yarlung watch`: builds, then rebuilds on every saved change, only the documents whose
//! inputs changed. Worlds are kept between rebuilds ([`worlds`]) and compiled from what
//! their last compilation found ([`from_last_layout`]), so Typst reuses its memoized work; a failed
//! rebuild prints its errors and leaves the last good PDF.

mod compile;
mod files;
pub mod from_last_layout;
mod pages;
pub mod worlds;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, Watcher};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::pipeline::{Build, Made};
use crate::pipeline::{Finish, Job};
use crate::profile::Profile;
use crate::project::config::CONFIG_FILE;
use crate::project::facts::Facts;
use crate::project::{Options, Project, display_path};
use crate::report::{self, VERBOSE};
use crate::timings::{Timings, millis};
use typst_layout::PagedDocument;
use worlds::Worlds;

/// The evicted comemo entries' age, in compilations (as `typst watch` does).
const EVICT_AGE: usize = 10;

/// What a change asks to be reloaded before rebuilding.
#[derive(Debug, Default, Clone, Copy)]
struct Reload {
    /// Reopen the whole project (config, figures, fonts).
    project: bool,
    /// Reload the facts and re-plan the documents.
    facts: bool,
    /// Forget the kept Worlds (the fonts changed).
    fonts: bool,
}

/// What the last good build of one document in one profile was made from and made.
struct Last {
    /// The digest of its generated files (the facts).
    facts: [u8; 32],
    /// The hash of its laid-out pages.
    pages: u128,
    /// What was written.
    made: Made,
}

/// A document to rebuild: the job and the digest of its generated files.
type Dirty = (Job, [u8; 32]);

/// Where a watch session reports what it made, besides the terminal: the proof room of
/// `yarlung serve` shows the pages and findings.
pub trait Sink: Sync {
    /// Whether the pages it is given must show their figures (decoded, not stand-ins).
    fn pixels(&self) -> bool {
        false
    }
    /// Document `name` was laid out in `profile` as `document`, with these `findings`
    /// (also when preflight refused it).
    fn laid_out(&self, _name: &str, _profile: Profile, _document: &PagedDocument, _findings: &[Finding]) {}
    /// Something failed: the project did not load, or a document did not compile.
    fn failed(&self, _error: &Error) {}
    /// A round of rebuilds ended with nothing failed.
    fn settled(&self) {}
}

/// A sink that is told nothing (`yarlung watch`).
struct Quiet;

impl Sink for Quiet {}

/// The state of a watch session.
struct Session<'a> {
    /// Where it reports besides the terminal.
    sink: &'a dyn Sink,
    /// The options of the build.
    options: &'a Options,
    /// Print the phases of every rebuilt document.
    timings: bool,
    /// The loaded project, once it loaded.
    project: Option<Project>,
    /// Kept Worlds, one per profile and document.
    worlds: Worlds,
    /// Per profile and document: the digest of its generated files, the hash of its laid
    /// out pages and what was made.
    last: HashMap<(Profile, String), Last>,
    /// Reloads that are still owed (a failed reload is retried on the next change).
    owed: Reload,
    /// How many documents compile at once.
    jobs: usize,
}

/// Builds the project and rebuilds it on every change until the process is ended.
/// Returns only when watching cannot be set up or fails.
pub fn run(options: &Options, timings: bool) -> Result<()> {
    run_with(options, timings, &Quiet)
}

/// [`run`], reporting to `sink` too.
pub fn run_with(options: &Options, timings: bool, sink: &dyn Sink) -> Result<()> {
    let root = options.project.canonicalize().map_err(|e| {
        Error::input(&options.project, format!("cannot open the project folder: {e}; check --project"))
    })?;
    let (tx, rx) = channel();
    let mut watcher = <RecommendedWatcher as Watcher>::new(tx, notify::Config::default())
        .map_err(|e| Error::input(&root, format!("cannot watch for changes: {e}")))?;
    let mut watched = HashSet::new();
    let mut session = Session {
        sink,
        options,
        timings,
        project: None,
        worlds: Worlds::default(),
        last: HashMap::new(),
        owed: Reload { project: true, ..Reload::default() },
        jobs: match options.jobs {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        },
    };
    // Saves made while the first build runs are seen after it.
    files::watch_paths(&mut watcher, &mut watched, &root, None, options)?;
    let mut changed = Vec::new();
    loop {
        session.round(&changed);
        files::watch_paths(&mut watcher, &mut watched, &root, session.project.as_ref(), options)?;
        if report::level() > report::QUIET {
            eprintln!("watching {} for changes (Ctrl-C to stop)", root.display());
        }
        changed = files::wait(&rx, &root, session.project.as_ref())?;
    }
}

impl Session<'_> {
    /// Reloads what `changed` (root-relative paths) asks for and rebuilds what it touches.
    fn round(&mut self, changed: &[PathBuf]) {
        let start = Instant::now();
        let reload = self.classify(changed);
        self.owed.project |= reload.project;
        self.owed.facts |= reload.facts;
        self.owed.fonts |= reload.fonts;
        if !self.reload() {
            return;
        }
        let all = reload.project || self.owed.fonts;
        self.owed = Reload::default();
        let Some(project) = self.project.take() else { return };
        self.rebuild_all(&project, changed, all, start);
        self.project = Some(project);
    }

    /// Rebuilds the documents of `project` that `changed` (or, with `all`, every change)
    /// touches; the round started at `start`.
    fn rebuild_all(&mut self, project: &Project, changed: &[PathBuf], all: bool, start: Instant) {
        let observer = report::Terminal { format: self.options.diagnostic_format };
        let mut build = Build::new(project, self.options, &observer);
        build.ctx.durable = false;
        build.ctx.late_figures = !self.sink.pixels();
        let dirty = self.dirty(&build, changed, all);
        if dirty.is_empty() {
            if report::level() >= VERBOSE {
                eprintln!("no document depends on what changed");
            }
            self.sink.settled();
            return;
        }
        let outcomes = in_order(&dirty, self.jobs, |&(job, _)| self.rebuild(&build, job, all));
        let (failed, written) = self.record(project, &dirty, outcomes);
        for &profile in &self.options.profiles {
            let made: Vec<&Made> =
                self.last.iter().filter(|((p, _), _)| *p == profile).map(|(_, last)| &last.made).collect();
            if made.len() == project.plans.iter().filter(|p| p.made_in(profile)).count()
                && let Err(error) = crate::pipeline::finish::write_manifest(project, profile, &made, &[])
            {
                report::error(&error);
            }
        }
        typst::comemo::evict(EVICT_AGE);
        project.images.forget_rasters();
        if failed == 0 {
            self.sink.settled();
        }
        if report::level() > report::QUIET {
            let n = dirty.len();
            let took = millis(start.elapsed());
            match failed {
                0 => eprintln!("checked {n} document(s), wrote {written}, in {took}"),
                f => eprintln!("{f} of {n} document(s) failed; the last good PDFs are kept"),
            }
        }
    }

    /// The documents to rebuild after `changed` (all with `all`), in the order they are
    /// rebuilt: those of an edited province first, then those about every province (the
    /// brochure), then the other per-province documents, which mostly come out unchanged.
    fn dirty(&mut self, build: &Build, changed: &[PathBuf], all: bool) -> Vec<Dirty> {
        let project = build.project;
        let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
        let mut dirty = Vec::new();
        let mut keep = HashSet::new();
        for &profile in &self.options.profiles {
            for (document, plan) in project.plans.iter().enumerate().filter(|(_, p)| p.made_in(profile)) {
                let key = (profile, plan.name.clone());
                keep.insert(key.clone());
                let standins = project.images.standins(&plan.figures);
                let generated = match build.generated(plan, profile, &standins) {
                    Ok(generated) => generated,
                    Err(error) => {
                        report::error(&error);
                        continue;
                    }
                };
                let digest = digest(&generated);
                let touched = match self.worlds.dependencies(profile, &plan.name) {
                    Some(deps) => deps.iter().any(|d| changed.contains(d.as_path())),
                    None => true,
                };
                let same = self.last.get(&key).is_some_and(|last| last.facts == digest);
                if all || touched || !same {
                    if report::level() >= VERBOSE {
                        let why = match (all, touched, same) {
                            (true, ..) => "the configuration or fonts changed",
                            (_, true, _) => "a file it reads changed",
                            _ => "its facts changed",
                        };
                        eprintln!("rebuilding {} ({}): {why}", plan.name, profile.name());
                    }
                    dirty.push((Job { profile, document }, digest));
                }
            }
        }
        self.last.retain(|key, _| keep.contains(key));
        let edited = |document: usize| {
            project.plans[document]
                .province
                .as_deref()
                .is_some_and(|p| changed.iter().any(|c| c.file_stem().and_then(|s| s.to_str()) == Some(p)))
        };
        dirty.sort_by_key(|(job, _)| (!edited(job.document), project.plans[job.document].province.is_some()));
        dirty
    }

    /// Rebuilds `job`; returns the hash of its printed pages and, unless they print as the
    /// last good build's did (and `all` is not set), what was written.
    fn rebuild(&self, build: &Build, job: Job, all: bool) -> Result<(u128, Option<Made>)> {
        let start = Instant::now();
        let plan = &build.project.plans[job.document];
        let mut timings = Timings::default();
        let figured = build.figured_by(job, &compile::Kept(&self.worlds), &mut timings)?;
        let pages = pages::printed(&figured.compiled.document);
        let previous = self.last.get(&(job.profile, plan.name.clone()));
        if let Some(previous) = previous
            && !all
            && previous.pages == pages
            && previous.made.path.as_deref().is_some_and(Path::exists)
        {
            if report::level() >= VERBOSE {
                report::suspend(|| {
                    let took = millis(start.elapsed());
                    eprintln!("{} ({}) is unchanged after {took}", plan.name, job.profile.name())
                });
            }
            return Ok((pages, None));
        }
        let document = figured.compiled.document.clone();
        let made = build.finish(job, figured, timings, Finish::Write { impose: self.options.impose });
        match &made {
            Ok(made) => self.sink.laid_out(&plan.name, job.profile, &document, &made.findings),
            Err(Error::Preflight { findings, .. }) => {
                self.sink.laid_out(&plan.name, job.profile, &document, findings)
            }
            Err(_) => {}
        }
        let made = made?;
        if report::level() > report::QUIET {
            report::suspend(|| announce(&build.project.root, &made, start.elapsed(), self.timings));
        }
        Ok((pages, Some(made)))
    }

    /// Records the `outcomes` of the `dirty` documents; returns how many failed and how
    /// many were written.
    fn record(
        &mut self,
        project: &Project,
        dirty: &[Dirty],
        outcomes: Vec<Result<(u128, Option<Made>)>>,
    ) -> (usize, usize) {
        let (mut failed, mut written) = (0, 0);
        for ((job, digest), outcome) in dirty.iter().zip(outcomes) {
            let key = (job.profile, project.plans[job.document].name.clone());
            match outcome {
                Ok((pages, Some(made))) => {
                    written += 1;
                    self.last.insert(key, Last { facts: *digest, pages, made });
                }
                Ok((_, None)) => {
                    if let Some(last) = self.last.get_mut(&key) {
                        last.facts = *digest;
                    }
                }
                Err(error) => {
                    failed += 1;
                    report::error(&error);
                    self.sink.failed(&error);
                    self.last.remove(&key);
                }
            }
        }
        (failed, written)
    }

    /// Carries out the owed reloads; false when the project cannot be loaded now.
    fn reload(&mut self) -> bool {
        if self.owed.fonts {
            self.worlds.clear();
        }
        if self.owed.project || self.project.is_none() {
            let opened = Instant::now();
            match Project::open(self.options) {
                Ok(project) => {
                    if report::level() >= VERBOSE {
                        eprintln!("loaded the project in {}", millis(opened.elapsed()));
                    }
                    self.project = Some(project);
                    return true;
                }
                Err(error) => {
                    report::error(&error);
                    self.sink.failed(&error);
                    return false;
                }
            }
        }
        if self.owed.facts
            && let Some(project) = &mut self.project
        {
            let reloaded = Facts::load(&project.root, &project.config.data).and_then(|facts| {
                let plans = crate::project::plan::documents(
                    &project.config,
                    &facts,
                    &self.options.only,
                    self.options.edition.as_deref(),
                )?;
                Ok((facts, plans))
            });
            match reloaded {
                Ok((facts, plans)) => {
                    project.facts = facts;
                    project.plans = plans;
                }
                Err(error) => {
                    report::error(&error);
                    self.sink.failed(&error);
                    return false;
                }
            }
        }
        true
    }

    /// What the changed files ask to reload.
    fn classify(&self, changed: &[PathBuf]) -> Reload {
        let mut reload = Reload::default();
        let Some(project) = &self.project else {
            return Reload { project: true, ..reload };
        };
        let data = project.config.data.as_path();
        let figures: HashSet<&Path> = project.figures.iter().map(|f| f.path.as_path()).collect();
        for path in changed {
            if path == Path::new(CONFIG_FILE) {
                reload.project = true;
            } else if path.starts_with("fonts") || self.options.font_paths.iter().any(|f| path.starts_with(f))
            {
                reload.project = true;
                reload.fonts = true;
            } else if figures.contains(path.as_path()) || path == &data.join("figures.yaml") {
                reload.project = true;
            } else if path.starts_with(data) {
                reload.facts = true;
            }
        }
        reload
    }
}

/// Runs `job` over `items` on `jobs` threads, starting the items strictly in order (a
/// rayon split would start the first and the middle item), and returns the outcomes in order.
fn in_order<T: Sync, R: Send>(items: &[T], jobs: usize, job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let outcome = job(item);
                    *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
                }
            });
        }
    });
    slots.into_iter().filter_map(|slot| slot.into_inner().unwrap_or_else(|p| p.into_inner())).collect()
}

/// Prints that `made` was rebuilt in `took` (and, with `timings`, its phases).
fn announce(root: &Path, made: &Made, took: Duration, timings: bool) {
    let path = made.path.as_deref().map_or(made.name.clone(), |p| display_path(p, root));
    eprintln!("wrote {path} ({} pages, {} KB) in {}", made.pages, made.bytes.div_ceil(1024), millis(took));
    if timings {
        eprintln!("timings: {} ({}): {}", made.name, made.profile.name(), made.timings.describe());
    }
}

/// The SHA-256 of a document's generated files.
fn digest(generated: &[(String, Vec<u8>)]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for (path, bytes) in generated {
        hasher.update((path.len() as u64).to_le_bytes());
        hasher.update(path.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.finalize().into()
}
