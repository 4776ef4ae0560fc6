//! The one job: a document made in one profile and edition. Its template is compiled with
//! that profile's facts (colours, bleed and attachments are the template's choice), a
//! stand-in in place of each figure; the processed figures take the stand-ins' places;
//! preflight checks the pages; Typst exports them; the figures and, for print, the PDF/X-4
//! identification and marks go into the PDF; the file is written atomically.
//! Every way of making documents (a build, a worker process, watch, preview, the bundle)
//! calls these functions.

use std::path::PathBuf;

use rayon::prelude::*;

use super::compile::{self, Compiled};
use super::{Build, Job, Made};
use crate::error::{Error, Result};
use crate::figures::{Placement, Served, frames};
use crate::pdf::embed::Embed;
use crate::profile::Profile;
use crate::project::inputs::{self, Attachment, TemplateInputs};
use crate::project::plan::DocumentPlan;
use crate::timings::{Phase, Timings};

/// Files served from memory: root-relative virtual path and bytes.
pub type Generated = Vec<(String, Vec<u8>)>;

/// A document's pages for one profile with their figures in place.
pub struct Figured {
    /// The pages.
    pub compiled: Compiled,
    /// Where the figures are drawn (for the resolution check).
    pub placements: Vec<Placement>,
    /// The figures put in place of their stand-ins once the PDF is exported.
    pub embeds: Vec<Embed>,
}

/// What a job does after its pages are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Nothing: the pages are checked, no PDF is made (`yarlung check`).
    Check,
    /// Export and write the PDF; with `impose`, printer spreads too.
    Write {
        /// Also write saddle-stitch printer spreads (print, multiple-of-4 documents).
        impose: bool,
    },
}

/// How a job compiles its template: Typst's own compile in a fresh World sharing the
/// build's files, or (watch) a kept World.
pub trait Compiler: Sync {
    /// Compiles `plan` with its `generated` files (the facts for the job's profile).
    fn compile(&self, build: &Build, job: Job, generated: Generated) -> Result<Compiled>;
}

/// Typst's own compile in a fresh World (see [`compile::compile`]).
pub struct Fresh;

impl Compiler for Fresh {
    fn compile(&self, build: &Build, job: Job, generated: Generated) -> Result<Compiled> {
        compile::compile(&build.ctx, &build.project.plans[job.document], generated)
    }
}

impl Build<'_> {
    /// Makes `job`: compile → figures → preflight → export → finish → write (see the
    /// module's documentation), compiling with `compiler`.
    pub fn make_job(&self, job: Job, finish: Finish, compiler: &dyn Compiler) -> Result<Made> {
        let mut timings = Timings::default();
        let made = self
            .figured_by(job, compiler, &mut timings)
            .and_then(|figured| self.finish(job, figured, timings, finish));
        self.ctx.observer.step(&self.project.plans[job.document].name, job.profile);
        made
    }

    /// `job` up to its figures, compiled afresh: what preview and tests need.
    pub fn figured(&self, job: Job) -> Result<Figured> {
        self.figured_by(job, &Fresh, &mut Timings::default())
    }

    /// Compiles `job` with `compiler` and puts its figures in place; `timings` gets the phases.
    pub fn figured_by(&self, job: Job, compiler: &dyn Compiler, timings: &mut Timings) -> Result<Figured> {
        let plan = &self.project.plans[job.document];
        let standins = self.project.images.standins(&plan.figures);
        let generated = self.generated(plan, job.profile, &standins)?;
        let compiled = compiler.compile(self, job, generated)?;
        self.ctx.observer.diagnostics(&compiled.world, &compiled.warnings);
        timings.lap(Phase::Layout);
        let figured = self.figure(compiled, &standins, job.profile, plan)?;
        timings.lap(Phase::Figures);
        Ok(figured)
    }

    /// Puts the processed figures in place of the `standins` drawn in `compiled` (at the
    /// resolution `plan` asks for, when less than the profile's); JPEG
    /// figures, when the build embeds them late, as one-pixel stand-ins replaced in the
    /// exported PDF.
    pub fn figure(
        &self,
        mut compiled: Compiled,
        standins: &[Served],
        profile: Profile,
        plan: &DocumentPlan,
    ) -> Result<Figured> {
        let images = &self.project.images;
        let placements = frames::placements(&compiled.document, standins);
        let (requests, assignment) = images.requests(&placements, profile, plan.ppi);
        // An image document is rendered from its pages: its figures are decoded.
        let late = self.ctx.late_figures && !plan.format.raster();
        images.prepare(&requests, self.ctx.persist);
        let made = requests
            .par_iter()
            .map(|request| images.swap(request, self.ctx.persist, late))
            .collect::<Result<Vec<_>>>()?;
        let swaps: Vec<Option<&crate::figures::Swap>> =
            assignment.iter().map(|&i| made.get(i).and_then(Option::as_ref).map(|(swap, _)| swap)).collect();
        if swaps.iter().any(Option::is_some) {
            compiled.document = frames::swap(&compiled.document, standins, &swaps);
        }
        // Every request stems from a placement, so each embed has its stand-in in the pages.
        let embeds = made.into_iter().flatten().filter_map(|(_, embed)| embed).collect();
        Ok(Figured { compiled, placements, embeds })
    }

    /// The files the World serves from memory for `plan` in `profile`, by root-relative
    /// virtual path: the facts JSON for the profile (with each figure's path pointing at its
    /// image in `images`), the generated figure images and, for the archive, the files it
    /// attaches (the facts and the manifest of inputs).
    pub fn generated(&self, plan: &DocumentPlan, profile: Profile, images: &[Served]) -> Result<Generated> {
        let project = self.project;
        let mut generated = Vec::new();
        let mut attachments = Vec::new();
        if profile == Profile::Archive {
            attachments = self.attachments(&mut generated)?;
        }
        let mut figures = project.figures.clone();
        for figure in &mut figures {
            if let Some(image) = images.iter().find(|i| i.id == figure.id && i.generated) {
                figure.path = PathBuf::from(image.vpath.trim_start_matches('/'));
                generated.push((image.vpath.clone(), image.bytes.to_vec()));
            }
        }
        let translations = (&project.translations, project.config.translations.numerals);
        let facts = TemplateInputs::new(
            plan,
            profile,
            project.date,
            &project.facts,
            &figures,
            attachments,
            translations,
        );
        generated.push((inputs::FACTS_PATH.to_string(), facts.to_json()));
        Ok(generated)
    }

    /// The files the archive attaches: the facts files, and the manifest of inputs, which
    /// is added to `generated`.
    fn attachments(&self, generated: &mut Generated) -> Result<Vec<Attachment>> {
        let project = self.project;
        let mut attachments = Vec::new();
        for file in &project.facts.files {
            let path = format!("/{}", file.to_string_lossy().replace('\\', "/"));
            attachments.push(Attachment {
                description: format!("Facts the document was made from ({})", &path[1..]),
                path,
                relationship: "source",
                mime_type: "application/yaml",
            });
        }
        let sources = serde_json::json!({
            "tool": format!("yarlung {}", env!("CARGO_PKG_VERSION")),
            "typst": compile::TYPST_VERSION,
            "inputs": super::manifest::inputs(&project.root, &project.input_files())?,
        });
        let bytes = serde_json::to_vec_pretty(&sources)
            .map_err(|e| Error::internal("the archive's list of inputs", e))?;
        generated.push((inputs::SOURCES_PATH.to_string(), bytes));
        attachments.push(Attachment {
            path: inputs::SOURCES_PATH.into(),
            relationship: "data",
            mime_type: "application/json",
            description: "Manifest: every input file with its SHA-256".into(),
        });
        Ok(attachments)
    }
}
