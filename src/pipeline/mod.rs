//! Making documents: one job per document, profile and edition ([`job`]: compile →
//! figures → preflight → export → finish → write), run in this process or in worker
//! processes ([`workers`]); the manifest of each profile once its documents are made.

pub mod compile;
pub mod deadline;
pub mod finish;
pub mod impose;
pub mod job;
pub mod manifest;
pub mod proof;
pub mod record;
pub mod workers;

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use typst::diag::SourceDiagnostic;

use crate::error::Result;
use crate::finding::Finding;
use crate::profile::Profile;
use crate::project::{Options, Project};
use crate::timings::Timings;
use crate::world::YarlungWorld;
use compile::CompileContext;
pub use job::{Finish, Fresh};

/// What a build tells its user as it goes; the command line shows it (see
/// [`crate::report`]), tests may ignore it.
pub trait Observer: Sync {
    /// The build entered a phase (`laying out 4 document(s)`).
    fn phase(&self, _text: &str) {}
    /// Document `name` is made (or failed) in `profile`.
    fn step(&self, _name: &str, _profile: Profile) {}
    /// Typst's diagnostics of a compilation in `world`, to be printed as Typst prints them.
    fn diagnostics(&self, world: &YarlungWorld, diagnostics: &[SourceDiagnostic]);
}

/// An observer that shows nothing (for library users and tests).
pub struct Silent;

impl Observer for Silent {
    fn diagnostics(&self, _world: &YarlungWorld, _diagnostics: &[SourceDiagnostic]) {}
}

/// The result of making one document in one profile.
#[derive(Debug, Serialize, Deserialize)]
pub struct Made {
    /// The document's name.
    pub name: String,
    /// The profile it was made for.
    pub profile: Profile,
    /// Its page count.
    pub pages: usize,
    /// Where the file was written, when it was.
    pub path: Option<PathBuf>,
    /// The size of the written file in bytes.
    pub bytes: usize,
    /// Warnings of yarlung's own (Typst warnings are printed as they occur).
    pub warnings: Vec<String>,
    /// What preflight found (warnings only: errors fail the document).
    pub findings: Vec<Finding>,
    /// The SHA-256 and SM3 of the written PDF.
    pub digests: Option<crate::output::digest::Digests>,
    /// Further files written for the document (the imposed brochure).
    pub also: Vec<PathBuf>,
    /// How long each phase of making it took.
    pub timings: Timings,
    /// Proof profile: where each marked fact prints.
    #[serde(default)]
    pub page_map: Option<proof::PageMap>,
}

impl Made {
    /// A document made in `profile` but not written (yet).
    pub fn new(name: &str, profile: Profile, pages: usize) -> Self {
        Self {
            name: name.to_string(),
            profile,
            pages,
            path: None,
            bytes: 0,
            warnings: vec![],
            findings: vec![],
            digests: None,
            also: vec![],
            timings: Timings::default(),
            page_map: None,
        }
    }
}

/// One document (by its index in the project's plans) in one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The profile.
    pub profile: Profile,
    /// The document's index in [`crate::project::Project::plans`].
    pub document: usize,
}

/// How many documents are made together in this process, at most: Typst's caches are
/// emptied between such batches, so memory does not grow with the number of documents.
pub const BATCH: usize = 8;

/// A build of a loaded project: the project and how its documents are compiled.
pub struct Build<'a> {
    /// The project.
    pub project: &'a Project,
    /// How documents are compiled.
    pub ctx: CompileContext<'a>,
    /// The profiles made.
    pub profiles: Vec<Profile>,
    /// Also write saddle-stitch printer spreads (print profile).
    pub impose: bool,
    /// The options the build was made from, handed to worker processes.
    pub options: Options,
    /// Whether a build of many documents may make them in worker processes (this
    /// program's `worker` command; see [`workers`]).
    pub spawn_workers: bool,
}

impl<'a> Build<'a> {
    /// A build of `project` as `options` ask, telling `observer` how it goes.
    pub fn new(project: &'a Project, options: &Options, observer: &'a dyn Observer) -> Self {
        let ctx = CompileContext {
            root: &project.root,
            fonts: project.fonts.clone(),
            date: project.datetime(),
            late_figures: true,
            persist: true,
            timeout: options.compile_timeout,
            durable: true,
            shared: Arc::default(),
            observer,
        };
        Self {
            project,
            ctx,
            profiles: options.profiles.clone(),
            impose: options.impose,
            options: options.clone(),
            spawn_workers: false,
        }
    }

    /// Every (profile, document index) pair of the build: document by document, in plan
    /// order, each in the build's profiles it is made in (an image only for the screen).
    pub fn jobs(&self) -> Vec<Job> {
        let plans = &self.project.plans;
        (0..plans.len())
            .flat_map(|document| self.profiles.iter().map(move |&profile| Job { profile, document }))
            .filter(|job| plans[job.document].made_in(job.profile))
            .collect()
    }

    /// Makes every planned document in every profile as `finish` asks; when it writes,
    /// also each profile's manifest once all its documents succeeded. Returns one outcome
    /// per job (see [`Build::jobs`]), then any manifest that failed.
    pub fn make(&self, finish: Finish) -> Vec<Result<Made>> {
        let jobs = self.jobs();
        let workers = self.workers();
        let mut outcomes = if workers > 1 {
            self.make_in_workers(&jobs, workers, finish)
        } else {
            self.in_batches(&jobs, |job| self.make_job(job, finish, &Fresh))
        };
        if finish != Finish::Check {
            // A proof round's record is its manifest (see `crate::proof`).
            for &profile in self.profiles.iter().filter(|&&p| p != Profile::Proof) {
                let made: Vec<&Made> = outcomes
                    .iter()
                    .filter_map(|o| o.as_ref().ok())
                    .filter(|m| m.profile == profile)
                    .collect();
                if made.len() == self.project.plans.iter().filter(|p| p.made_in(profile)).count()
                    && let Err(error) =
                        finish::write_manifest(self.project, profile, &made, &self.options.approvals)
                {
                    outcomes.push(Err(error));
                }
            }
        }
        outcomes
    }

    /// The folder `profile`'s documents are written to: `out/<profile>/`, for a proof
    /// `out/proof/<round>/`.
    pub fn output_dir(&self, profile: Profile) -> PathBuf {
        let dir = self.project.output_dir(profile);
        match (&self.options.proof, profile) {
            (Some(marks), Profile::Proof) => dir.join(&marks.folder),
            _ => dir,
        }
    }

    /// Runs `job` over `jobs` in parallel, [`BATCH`] documents at a time, and returns the
    /// outcomes in the order of `jobs`. Between batches Typst's caches and the decoded
    /// figures are let go of.
    pub fn in_batches<T: Send>(&self, jobs: &[Job], job: impl Fn(Job) -> T + Sync) -> Vec<T> {
        self.ctx.observer.phase(&format!("making {} document(s)", self.project.plans.len()));
        let mut out = Vec::with_capacity(jobs.len());
        for batch in jobs.chunk_by(|a, b| a.document / BATCH == b.document / BATCH) {
            out.extend(batch.par_iter().map(|&j| job(j)).collect::<Vec<_>>());
            if self.project.plans.len() > BATCH {
                typst::comemo::evict(0);
                self.project.images.forget_rasters();
            }
        }
        out
    }
}

/// Runs `work` in a thread pool of `jobs` threads (0: one per core).
pub fn in_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
