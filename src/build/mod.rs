//! One build: every document laid out once ([`stages::Laid`]), its version for each
//! profile placed ([`stages::Placed`]), given its figures ([`stages::Figured`]), checked by
//! preflight, exported ([`stages::Exported`]), finished and written ([`Made`]).
//! [`schedule`] decides what runs when, over documents and profiles.

pub mod compile;
pub mod finish;
pub mod frames;
pub mod memory;
pub mod schedule;
pub mod stages;
pub mod workers;

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::Arc;

use typst::diag::SourceDiagnostic;

use crate::error::Result;
use crate::out::preview;
use crate::preflight::finding::Finding;
use crate::profile::Profile;
use crate::project::{Options, Project};
use crate::timings::Timings;
use crate::world::YarlungWorld;
use compile::CompileContext;

/// What a build tells its user as it goes; the command line shows it (see
/// [`crate::report`]), tests may ignore it.
pub trait Observer: Sync {
    /// The build entered a phase (`laying out 4 document(s)`).
    fn phase(&self, _text: &str) {}
    /// One step of document `name` in `profile` is done (two per document: placed, made).
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
#[derive(Debug)]
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
    /// The SHA-256 of the written PDF.
    pub sha256: Option<String>,
    /// Further files written for the document (the imposed brochure).
    pub also: Vec<PathBuf>,
    /// How long each phase of making it took.
    pub timings: Timings,
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
            sha256: None,
            also: vec![],
            timings: Timings::default(),
        }
    }
}

/// How many documents are made together, at most: enough to keep every core busy, few
/// enough that their layouts and figures fit in little memory.
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
    /// The arguments that run this build again as a worker process (see [`workers`]):
    /// when set, a build of many documents makes them in worker processes.
    pub worker_command: Option<Vec<OsString>>,
}

impl<'a> Build<'a> {
    /// A build of `project` as `options` ask, telling `observer` how it goes.
    pub fn new(project: &'a Project, options: &Options, observer: &'a dyn Observer) -> Self {
        let ctx = CompileContext {
            root: &project.root,
            fonts: project.fonts.clone(),
            date: project.datetime(),
            late_figures: true,
            attach: options.profiles.contains(&Profile::Archive),
            release: true,
            durable: true,
            shared: Arc::default(),
            observer,
        };
        Self {
            project,
            ctx,
            profiles: options.profiles.clone(),
            impose: options.impose,
            worker_command: None,
        }
    }

    /// Every (profile, document index) pair of the build, in a stable order.
    pub fn jobs(&self) -> Vec<schedule::Job> {
        let documents = 0..self.project.plans.len();
        self.profiles
            .iter()
            .flat_map(|&profile| documents.clone().map(move |document| schedule::Job { profile, document }))
            .collect()
    }

    /// Makes every planned document in every profile; with `write`, writes each PDF and,
    /// per profile whose documents all succeeded, its manifest. Returns one outcome per
    /// document and profile, in plan order, then any manifest that failed.
    pub fn make(&self, write: bool) -> Vec<Result<Made>> {
        let jobs = self.jobs();
        let impose = write.then_some(self.impose);
        let workers = self.workers();
        let mut outcomes = if workers > 1 {
            self.make_in_workers(&jobs, workers, write)
        } else {
            self.in_batches(&jobs, |batch| {
                self.run(batch, write, |job, figured, timings| {
                    figured.and_then(|figured| self.finish(job, figured, timings, impose))
                })
            })
        };
        if write {
            for &profile in &self.profiles {
                let made: Vec<&Made> = outcomes
                    .iter()
                    .filter_map(|o| o.as_ref().ok())
                    .filter(|m| m.profile == profile)
                    .collect();
                if made.len() == self.project.plans.len()
                    && let Err(error) = crate::build::finish::write_manifest(self.project, profile, &made)
                {
                    outcomes.push(Err(error));
                }
            }
        }
        outcomes
    }

    /// Renders the planned documents' pages to `out/preview/<document>-<page>.png`, plus a
    /// contact sheet `out/preview/<document>-sheet.png` of the rendered pages; with
    /// `separations`, the print pages' four plates instead (see [`crate::out::separations`]).
    pub fn preview(
        mut self,
        ppi: f32,
        range: Option<preview::PageRange>,
        separations: bool,
    ) -> Vec<Result<Made>> {
        self.ctx.late_figures = false;
        let dir = self.project.root.join(&self.project.config.output).join("preview");
        let jobs: Vec<schedule::Job> = self
            .jobs()
            .into_iter()
            .filter(|job| !separations || job.profile == crate::profile::Profile::Print)
            .collect();
        self.in_batches(&jobs, |batch| {
            self.run(batch, true, |job, figured, _| {
                let figured = figured?;
                let name = &self.project.plans[job.document].name;
                let document = &figured.compiled.document;
                let sheet = if separations {
                    crate::out::separations::write_plates(&dir, name, document, ppi, range)?
                } else {
                    preview::write_pages(&dir, name, document, ppi, range)?
                };
                let mut made = Made::new(name, job.profile, sheet.1);
                made.path = Some(sheet.0);
                Ok(made)
            })
        })
    }

    /// Runs `run` over `jobs` in batches of [`BATCH`] documents (all their profiles) and
    /// returns the outcomes in the order of `jobs`: a batch's layouts, decoded figures and
    /// Typst's caches are let go of before the next starts, so memory does not grow with
    /// the number of documents. Up to [`BATCH`] documents are one batch.
    fn in_batches<T>(&self, jobs: &[schedule::Job], run: impl Fn(&[schedule::Job]) -> Vec<T>) -> Vec<T> {
        let documents = self.project.plans.len();
        if documents <= BATCH {
            return run(jobs);
        }
        let mut out: Vec<(usize, T)> = Vec::with_capacity(jobs.len());
        for first in (0..documents).step_by(BATCH) {
            let range = first..(first + BATCH).min(documents);
            let (indices, batch): (Vec<usize>, Vec<schedule::Job>) = jobs
                .iter()
                .enumerate()
                .filter(|(_, j)| range.contains(&j.document))
                .map(|(i, j)| (i, *j))
                .unzip();
            out.extend(indices.into_iter().zip(run(&batch)));
            if self.ctx.release {
                memory::release_caches();
            }
        }
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, outcome)| outcome).collect()
    }
}

/// Runs `work` in a thread pool of `jobs` threads (0: one per core).
pub fn in_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
