//! What runs when. Each document is laid out once, in parallel; a document whose figures
//! need no decoding (all processed already and embedded after export) is finished at once,
//! while the others are still laid out. For the rest, each figure is decoded once and
//! processed for every profile and document together; the profiles are then made one after
//! another, those of one figure resolution (print, archive) next to each other so they
//! share the decoded figures, and in each the documents get their figures in parallel, the
//! one with the most decoded pixels last and alone. Typst's caches are emptied between
//! these phases (outside watch mode), so memory holds little more than one profile's
//! figures.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::Build;
use super::memory;
use super::stages::{Figured, Laid, Needs, Placed};
use crate::error::Result;
use crate::figures::{Request, target_ppi};
use crate::profile::Profile;
use crate::timings::Timings;

/// One document (by its index in the project's plans) in one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The profile.
    pub profile: Profile,
    /// The document's index in [`crate::project::Project::plans`].
    pub document: usize,
}

/// A document's layout, how long it took, the jobs finished at once and, for the others,
/// what their figures need (by job index).
struct Layout<T> {
    /// The layout, or why it failed.
    laid: Result<Laid>,
    /// How long it took.
    took: Duration,
    /// The jobs finished straight after the layout, with their outcomes.
    done: Vec<(usize, T)>,
    /// The jobs still to finish, with what their figures need.
    pending: Vec<(usize, Needs)>,
}

/// A placed job waiting for its figures, with its timings so far.
type Waiting = (Result<Placed>, Timings);

impl Build<'_> {
    /// Makes every job and hands each to `then` as soon as its figures are in place, with its
    /// timings; with `persist`, processed figures are written to the disk cache. Returns
    /// what `then` returns, in the order of `jobs`.
    pub fn run<T: Send>(
        &self,
        jobs: &[Job],
        persist: bool,
        then: impl Fn(Job, Result<Figured>, Timings) -> T + Sync,
    ) -> Vec<T> {
        let mut documents: Vec<usize> = jobs.iter().map(|j| j.document).collect();
        documents.sort_unstable();
        documents.dedup();
        self.ctx.observer.phase(&format!("laying out {} document(s)", documents.len()));
        let layouts: Vec<Layout<T>> =
            documents.par_iter().map(|&document| self.lay_out(document, jobs, persist, &then)).collect();
        let mut out: Vec<Option<T>> = jobs.iter().map(|_| None).collect();
        let mut needs: Vec<Option<Needs>> = jobs.iter().map(|_| None).collect();
        let mut laid: Vec<Option<(Result<Laid>, Duration)>> =
            self.project.plans.iter().map(|_| None).collect();
        for (document, layout) in documents.iter().zip(layouts) {
            for (i, outcome) in layout.done {
                out[i] = Some(outcome);
            }
            for (i, need) in layout.pending {
                needs[i] = Some(need);
            }
            laid[*document] = Some((layout.laid, layout.took));
        }
        let rest: Vec<usize> = (0..jobs.len()).filter(|&i| out[i].is_none()).collect();
        if rest.is_empty() {
            return out.into_iter().flatten().collect();
        }
        // Typst's caches are not needed for what follows (figures, export): their memory is.
        if self.ctx.release {
            memory::release_caches();
        }
        let groups = by_resolution(jobs, &rest);
        let firsts = first_shown(jobs, &groups, &out);
        self.ctx.observer.phase("processing figures");
        // Every profile's figures are processed at once, so that each figure is decoded once.
        let requests: Vec<Request> =
            rest.iter().filter_map(|&i| needs[i].as_ref()).flat_map(|n| n.requests.clone()).collect();
        self.project.images.prepare(&requests, persist);
        for (n, group) in groups.iter().enumerate() {
            let waiting: Vec<Waiting> = group
                .iter()
                .map(|&i| (i, needs[i].take()))
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|(i, need)| self.place_job(jobs[i], &laid, need, firsts[i]))
                .collect();
            let group_jobs: Vec<Job> = group.iter().map(|&i| jobs[i]).collect();
            for (&i, outcome) in group.iter().zip(self.finish_group(&group_jobs, waiting, persist, &then)) {
                out[i] = outcome;
            }
            let next = groups.get(n + 1).map(|g| target_ppi(jobs[g[0]].profile));
            if next != Some(target_ppi(jobs[group[0]].profile)) {
                self.project.images.forget_rasters();
            }
            if self.ctx.release {
                memory::release_caches();
            }
        }
        out.into_iter().flatten().collect()
    }

    /// Lays document `document` out and works out what its jobs among `jobs` need; when none
    /// needs a figure decoded, finishes them at once (handing each to `then`).
    fn lay_out<T>(
        &self,
        document: usize,
        jobs: &[Job],
        persist: bool,
        then: &(impl Fn(Job, Result<Figured>, Timings) -> T + Sync),
    ) -> Layout<T> {
        let plan = &self.project.plans[document];
        let start = Instant::now();
        let laid = memory::laying_out(|| self.layout(plan));
        let took = start.elapsed();
        let laid = match laid {
            Ok(laid) => laid,
            Err(error) => return Layout { laid: Err(error), took, done: vec![], pending: vec![] },
        };
        self.ctx.observer.diagnostics(&laid.compiled.world, &laid.compiled.warnings);
        let mine: Vec<(usize, Needs)> = (0..jobs.len())
            .filter(|&i| jobs[i].document == document)
            .map(|i| (i, self.needs(&laid, jobs[i].profile)))
            .collect();
        let images = &self.project.images;
        let early = self.ctx.late_figures
            && mine
                .iter()
                .all(|(_, needs)| needs.requests.iter().all(|r| images.ready(r) && images.embeds_late(r)));
        if !early {
            return Layout { laid: Ok(laid), took, done: vec![], pending: mine };
        }
        let done = mine
            .into_iter()
            .enumerate()
            .map(|(n, (i, needs))| {
                let mut timings = Timings::default();
                if n == 0 {
                    timings.phases.push(("layout", took));
                }
                let placed = laid.place(jobs[i].profile, needs);
                timings.lap("derive");
                self.ctx.observer.step(&plan.name, jobs[i].profile);
                (i, self.finish_placed(jobs[i], Ok(placed), timings, persist, then))
            })
            .collect();
        Layout { laid: Ok(laid), took, done, pending: vec![] }
    }

    /// Places `job` from its document's layout in `laid` (with what its figures `need`,
    /// when known); `first` adds the layout's time to its timings.
    fn place_job(
        &self,
        job: Job,
        laid: &[Option<(Result<Laid>, Duration)>],
        need: Option<Needs>,
        first: bool,
    ) -> Waiting {
        let mut timings = Timings::default();
        let placed = match &laid[job.document] {
            Some((Ok(laid), took)) => {
                if first {
                    timings.phases.push(("layout", *took));
                }
                let need = need.unwrap_or_else(|| self.needs(laid, job.profile));
                Ok(laid.place(job.profile, need))
            }
            Some((Err(error), _)) => Err(error.duplicate()),
            None => Err(crate::error::Error::internal(
                format!("document `{}`", self.project.plans[job.document].name),
                "the document was never laid out",
            )),
        };
        timings.lap("derive");
        self.ctx.observer.step(&self.project.plans[job.document].name, job.profile);
        (placed, timings)
    }

    /// Gives each of one profile's `waiting` jobs its figures (processed already) and hands
    /// it to `then`: the one with the most decoded figure pixels last and alone, once the
    /// others have let go of their pages (its decoded figures are most of the memory); all
    /// at once when none are decoded.
    fn finish_group<T: Send>(
        &self,
        jobs: &[Job],
        waiting: Vec<Waiting>,
        persist: bool,
        then: &(impl Fn(Job, Result<Figured>, Timings) -> T + Sync),
    ) -> Vec<Option<T>> {
        let pixels: Vec<u64> = waiting.iter().map(|(placed, _)| self.decoded_pixels(placed)).collect();
        let heaviest = (0..waiting.len()).max_by_key(|&i| pixels[i]).filter(|&i| pixels[i] > 0);
        let mut waiting: Vec<Option<Waiting>> = waiting.into_iter().map(Some).collect();
        let last = heaviest.and_then(|i| waiting[i].take().map(|w| (i, w)));
        let mut out: Vec<Option<T>> = waiting
            .into_par_iter()
            .zip(jobs.par_iter())
            .map(|(w, &job)| {
                w.map(|(placed, timings)| self.finish_placed(job, placed, timings, persist, then))
            })
            .collect();
        if let Some((i, (placed, timings))) = last {
            // Only the heaviest document's decoded figures are worth keeping for the next
            // profile; the others' go now, with what Typst still caches of them.
            let keep: Vec<Request> = placed.as_ref().map(|p| p.needs.requests.clone()).unwrap_or_default();
            self.project.images.keep_rasters(&keep);
            if self.ctx.release {
                memory::release_caches();
            }
            out[i] = Some(self.finish_placed(jobs[i], placed, timings, persist, then));
        }
        out
    }

    /// The pixels a placed document's figures hold in memory once decoded (none for JPEGs
    /// embedded after export).
    fn decoded_pixels(&self, placed: &Result<Placed>) -> u64 {
        let images = &self.project.images;
        placed.as_ref().map_or(0, |p| {
            p.needs
                .requests
                .iter()
                .filter(|r| !(self.ctx.late_figures && images.embeds_late(r)))
                .map(|r| u64::from(r.size.0) * u64::from(r.size.1))
                .sum()
        })
    }

    /// Gives a placed job its figures and hands it (with `timings`, to which the figures'
    /// time is added) to `then`.
    fn finish_placed<T>(
        &self,
        job: Job,
        placed: Result<Placed>,
        mut timings: Timings,
        persist: bool,
        then: &impl Fn(Job, Result<Figured>, Timings) -> T,
    ) -> T {
        let figured = placed.and_then(|placed| self.figure(placed, persist));
        timings.lap("figures");
        let outcome = then(job, figured, timings);
        self.ctx.observer.step(&self.project.plans[job.document].name, job.profile);
        outcome
    }
}

/// The indices `rest` of `jobs`, grouped by profile (jobs of one profile are adjacent in
/// `jobs`), the groups of the highest figure resolution first.
fn by_resolution(jobs: &[Job], rest: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> =
        rest.chunk_by(|&a, &b| jobs[a].profile == jobs[b].profile).map(<[usize]>::to_vec).collect();
    groups.sort_by(|a, b| target_ppi(jobs[b[0]].profile).total_cmp(&target_ppi(jobs[a[0]].profile)));
    groups
}

/// For each job, whether it is the first of its document to be finished, and so the one
/// whose timings show the layout: no job of its document was finished early (`out`) and it
/// comes first in `groups`.
fn first_shown<T>(jobs: &[Job], groups: &[Vec<usize>], out: &[Option<T>]) -> Vec<bool> {
    let documents = jobs.iter().map(|j| j.document).max().map_or(0, |d| d + 1);
    let mut shown = vec![false; documents];
    for (i, job) in jobs.iter().enumerate() {
        shown[job.document] |= out[i].is_some();
    }
    let mut firsts = vec![false; jobs.len()];
    for group in groups {
        for &i in group {
            firsts[i] = !std::mem::replace(&mut shown[jobs[i].document], true);
        }
    }
    firsts
}
