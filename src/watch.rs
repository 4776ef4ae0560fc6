//! `yarlung watch`: builds, then rebuilds on every saved change, only the documents whose
//! inputs changed. Worlds are kept between rebuilds (see [`crate::incremental`]) so Typst
//! reuses its memoized work; a failed rebuild prints its errors and leaves the last good PDF.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use crate::config::CONFIG_FILE;
use crate::error::{Error, Result};
use crate::facts::Facts;
use crate::incremental::Worlds;
use crate::plan::DocumentPlan;
use crate::report::{self, VERBOSE};
use crate::{Made, Options, Profile, Project, display_path};

/// How long to wait for further events after the first of a burst (editors write, rename
/// and touch in quick succession).
const SETTLE: Duration = Duration::from_millis(8);
/// The longest a burst of events may delay a rebuild.
const STARVE: Duration = Duration::from_millis(250);
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

/// The state of a watch session.
struct Session<'a> {
    /// The options of the build.
    options: &'a Options,
    /// Print the phases of every rebuilt document.
    timings: bool,
    /// The loaded project, once it loaded.
    project: Option<Project>,
    /// Kept Worlds, one per profile and document.
    worlds: Arc<Worlds>,
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
    let root = options.project.canonicalize().map_err(|e| {
        Error::input(&options.project, format!("cannot open the project folder: {e}; check --project"))
    })?;
    let (tx, rx) = channel();
    let mut watcher = RecommendedWatcher::new(tx, notify::Config::default())
        .map_err(|e| Error::input(&root, format!("cannot watch for changes: {e}")))?;
    let mut watched = HashSet::new();
    let mut session = Session {
        options,
        timings,
        project: None,
        worlds: Arc::new(Worlds::default()),
        last: HashMap::new(),
        owed: Reload { project: true, ..Reload::default() },
        jobs: match options.jobs {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        },
    };
    let mut changed = Vec::new();
    loop {
        session.round(&changed);
        watch_paths(&mut watcher, &mut watched, &root, session.project.as_ref(), options)?;
        if report::level() > report::QUIET {
            eprintln!("watching {} for changes (Ctrl-C to stop)", root.display());
        }
        changed = wait(&rx, &root, session.project.as_ref())?;
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
        let Some(project) = &self.project else { return };
        let all = reload.project || self.owed.fonts;
        self.owed = Reload::default();
        let changed: HashSet<&Path> = changed.iter().map(PathBuf::as_path).collect();
        let mut dirty = Vec::new();
        let mut keep = HashSet::new();
        for &profile in &self.options.profiles {
            for plan in &project.plans {
                let key = (profile, plan.name.clone());
                keep.insert(key.clone());
                let attach = self.options.profiles.contains(&Profile::Archive);
                let generated = match project.generated_files(plan, attach) {
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
                    dirty.push((profile, plan, digest));
                }
            }
        }
        self.last.retain(|key, _| keep.contains(key));
        if dirty.is_empty() {
            if report::level() >= VERBOSE {
                eprintln!("no document depends on what changed");
            }
            return;
        }
        // The documents of an edited province first, then those about every province (the
        // brochure), then the other per-province documents, which mostly come out unchanged.
        let edited = |plan: &DocumentPlan| {
            plan.province
                .as_deref()
                .is_some_and(|p| changed.iter().any(|c| c.file_stem().and_then(|s| s.to_str()) == Some(p)))
        };
        dirty.sort_by_key(|(_, plan, _)| (!edited(plan), plan.province.is_some()));
        let mut ctx = project.context(self.options);
        ctx.worlds = Some(self.worlds.clone());
        ctx.late_figures = true;
        let impose = Some(self.options.impose);
        let last = &self.last;
        let job = |&(profile, plan, _): &(Profile, &DocumentPlan, [u8; 32])| {
            // Pages equal to the last good build's need no new PDF.
            let start = Instant::now();
            let mut timings = report::Timings::default();
            let compiled = project.compile(&ctx, plan, profile)?;
            timings.lap("compile");
            let pages = typst::utils::hash128(&Visible(&compiled.document));
            let previous = last.get(&(profile, plan.name.clone()));
            if let Some(previous) = previous
                && !all
                && previous.pages == pages
                && previous.made.path.as_deref().is_some_and(Path::exists)
            {
                if report::level() >= VERBOSE {
                    report::suspend(|| {
                        eprintln!(
                            "{} ({}) is unchanged after {}",
                            plan.name,
                            profile.name(),
                            report::millis(start.elapsed())
                        )
                    });
                }
                return Ok((pages, None));
            }
            let made = project.finish_one(&ctx, plan, profile, compiled, timings, impose)?;
            if report::level() > report::QUIET {
                report::suspend(|| announce(project, &made, start.elapsed(), self.timings));
            }
            Ok((pages, Some(made)))
        };
        let outcomes = in_order(&dirty, self.jobs, job);
        let (mut failed, mut written) = (0, 0);
        for ((profile, plan, digest), outcome) in dirty.iter().zip(outcomes) {
            let key = (*profile, plan.name.clone());
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
                    self.last.remove(&key);
                }
            }
        }
        for &profile in &self.options.profiles {
            let made: Vec<&Made> =
                self.last.iter().filter(|((p, _), _)| *p == profile).map(|(_, last)| &last.made).collect();
            if made.len() == project.plans.len()
                && let Err(error) = project.write_manifest(profile, &made)
            {
                report::error(&error);
            }
        }
        typst::comemo::evict(EVICT_AGE);
        project.images.forget_rasters();
        if report::level() > report::QUIET {
            let n = dirty.len();
            let took = report::millis(start.elapsed());
            match failed {
                0 => eprintln!("checked {n} document(s), wrote {written}, in {took}"),
                f => eprintln!("{f} of {n} document(s) failed; the last good PDFs are kept"),
            }
        }
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
                        eprintln!("loaded the project in {}", report::millis(opened.elapsed()));
                    }
                    self.project = Some(project);
                    return true;
                }
                Err(error) => {
                    report::error(&error);
                    return false;
                }
            }
        }
        if self.owed.facts
            && let Some(project) = &mut self.project
        {
            let reloaded = Facts::load(&project.root, &project.config.data).and_then(|facts| {
                let plans = crate::plan::documents(&project.config, &facts, self.options.only.as_deref())?;
                Ok((facts, plans))
            });
            match reloaded {
                Ok((facts, plans)) => {
                    project.facts = facts;
                    project.plans = plans;
                }
                Err(error) => {
                    report::error(&error);
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
fn announce(project: &Project, made: &Made, took: Duration, timings: bool) {
    let path = made.path.as_deref().map_or(made.name.clone(), |p| display_path(p, &project.root));
    eprintln!(
        "wrote {path} ({} pages, {} KB) in {}",
        made.pages,
        made.bytes.div_ceil(1024),
        report::millis(took)
    );
    if timings {
        eprintln!("timings: {} ({}): {}", made.name, made.profile.name(), made.timings.describe());
    }
}

/// A document as printed: its info and pages, with frames hashed without their
/// introspection tags (which carry, e.g., the facts captured by `context` blocks, and change
/// when an unrelated fact changes even though nothing printed does).
struct Visible<'a>(&'a PagedDocument);

/// A frame hashed without its introspection tags.
struct VisibleFrame<'a>(&'a Frame);

impl Hash for Visible<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        typst::model::Document::info(self.0).hash(state);
        for page in self.0.pages() {
            page.bleed.hash(state);
            page.fill.hash(state);
            page.numbering.hash(state);
            page.number.hash(state);
            VisibleFrame(&page.frame).hash(state);
        }
    }
}

impl Hash for VisibleFrame<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.size().hash(state);
        self.0.kind().hash(state);
        for (point, item) in self.0.items() {
            match item {
                FrameItem::Tag(_) => continue,
                FrameItem::Group(group) => {
                    point.hash(state);
                    group.transform.hash(state);
                    group.clip.hash(state);
                    group.label.hash(state);
                    VisibleFrame(&group.frame).hash(state);
                }
                other => {
                    point.hash(state);
                    other.hash(state);
                }
            }
        }
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

/// Watches the project root (for `yarlung.yaml`) and, recursively, the data, template,
/// image and font folders, the folders of the figure files and the extra font folders.
fn watch_paths(
    watcher: &mut RecommendedWatcher,
    watched: &mut HashSet<PathBuf>,
    root: &Path,
    project: Option<&Project>,
    options: &Options,
) -> Result<()> {
    let mut wanted: Vec<(PathBuf, RecursiveMode)> = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    let mut dirs: Vec<PathBuf> =
        ["data", "templates", "images", "fonts"].iter().map(|d| root.join(d)).collect();
    if let Some(project) = project {
        dirs.push(root.join(&project.config.data));
        dirs.extend(project.plans.iter().filter_map(|p| p.template.parent().map(|d| root.join(d))));
        dirs.extend(project.figures.iter().filter_map(|f| f.path.parent().map(|d| root.join(d))));
    }
    dirs.extend(options.font_paths.iter().cloned());
    let output = project.map(|p| root.join(&p.config.output));
    for dir in dirs {
        if dir.is_dir() && dir != root && output.as_ref().is_none_or(|o| !dir.starts_with(o)) {
            wanted.push((dir, RecursiveMode::Recursive));
        }
    }
    for (path, mode) in wanted {
        if watched.insert(path.clone())
            && let Err(error) = watcher.watch(&path, mode)
        {
            watched.remove(&path);
            return Err(Error::input(&path, format!("cannot watch for changes: {error}")));
        }
    }
    Ok(())
}

/// Waits for a burst of relevant changes and returns the changed paths, relative to `root`
/// (font folders outside the project stay absolute).
fn wait(
    rx: &Receiver<notify::Result<Event>>,
    root: &Path,
    project: Option<&Project>,
) -> Result<Vec<PathBuf>> {
    let output = project.map(|p| p.config.output.clone()).unwrap_or_else(|| PathBuf::from("out"));
    let mut changed: Vec<PathBuf> = Vec::new();
    let mut first: Option<Instant> = None;
    loop {
        let event = match first {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(start) if start.elapsed() > STARVE => break,
            Some(_) => rx.recv_timeout(SETTLE),
        };
        let event = match event {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::input(root, "watching for changes stopped"));
            }
        };
        let event = event.map_err(|e| Error::input(root, format!("watching for changes failed: {e}")))?;
        if !relevant(&event.kind) {
            continue;
        }
        for path in event.paths {
            let rel = path.strip_prefix(root).map(Path::to_path_buf).unwrap_or(path);
            let hidden = rel.file_name().and_then(|n| n.to_str()).is_none_or(|n| {
                n.starts_with('.') || n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".tmp")
            });
            if hidden || rel.starts_with(&output) || (rel.parent() == Some(Path::new("")) && !is_config(&rel))
            {
                continue;
            }
            first.get_or_insert_with(Instant::now);
            if !changed.contains(&rel) {
                changed.push(rel);
            }
        }
    }
    Ok(changed)
}

/// Whether a root-level file name is the project config (other root files are ignored;
/// folders at the root are watched on their own).
fn is_config(rel: &Path) -> bool {
    rel == Path::new(CONFIG_FILE)
}

/// Whether an event may change a file's content.
fn relevant(kind: &EventKind) -> bool {
    use notify::event::ModifyKind;
    match kind {
        EventKind::Any | EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_) | ModifyKind::Other) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}
