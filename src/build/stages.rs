//! The stages a document goes through, as types: [`Laid`] (laid out once, for print, with a
//! stand-in for each figure) → [`Placed`] (its version for one profile, with the processed
//! images its figures need) → [`Figured`] (the processed figures in place: the pages as they
//! print) → [`Exported`] (the PDF Typst wrote, before its figures and marks are added).

use std::path::PathBuf;

use rayon::prelude::*;

use super::Build;
use super::compile::{self, Compiled};
use super::frames;
use crate::error::Result;
use crate::figures::{Placement, Request, Served};
use crate::pdf::embed::Embed;
use crate::profile::Profile;
use crate::project::inputs::{self, Attachment, TemplateInputs};
use crate::project::plan::DocumentPlan;

/// A document laid out once for every profile: for print (CMYK colours, bleed), with a
/// stand-in for each figure.
pub struct Laid {
    /// The compilation with the stand-ins.
    pub compiled: Compiled,
    /// The stand-ins the layout served.
    pub standins: Vec<Served>,
    /// The template's CMYK colours with their RGB twins.
    pub colours: frames::Twins,
}

/// What a laid-out document needs for one profile: the processed images, for each
/// placement the index of its image, and the placements.
pub struct Needs {
    /// The processed images.
    pub requests: Vec<Request>,
    /// For each placement, the index of its image in `requests`.
    pub assignment: Vec<usize>,
    /// Where the figures are drawn.
    pub placements: Vec<Placement>,
}

/// The version of a laid-out document for one profile, waiting for its figures.
pub struct Placed {
    /// The derived pages, still with the stand-ins.
    pub compiled: Compiled,
    /// The stand-ins the layout served.
    pub standins: Vec<Served>,
    /// What its figures need.
    pub needs: Needs,
}

/// A document's pages for one profile with their figures in place.
pub struct Figured {
    /// The pages.
    pub compiled: Compiled,
    /// Where the figures are drawn (for the resolution check).
    pub placements: Vec<Placement>,
    /// The figures put in place of their stand-ins once the PDF is exported.
    pub embeds: Vec<Embed>,
}

/// A document exported by Typst, its JPEG figures still one-pixel stand-ins.
pub struct Exported {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// The figures that replace their stand-ins.
    pub embeds: Vec<Embed>,
    /// The page count.
    pub pages: usize,
}

/// Files served from memory: root-relative virtual path and bytes.
pub type Generated = Vec<(String, Vec<u8>)>;

impl Laid {
    /// A laid-out document, with the stand-ins its layout served.
    pub fn new(compiled: Compiled, standins: Vec<Served>) -> Self {
        let colours = frames::Twins::of(&compiled.document);
        Self { compiled, standins, colours }
    }

    /// Its version for `profile` (see [`frames::derive`]), with what its figures `needs`.
    pub fn place(&self, profile: Profile, needs: Needs) -> Placed {
        let compiled = Compiled {
            document: frames::derive(&self.compiled.document, profile, &self.colours),
            padding: self.compiled.padding,
            world: self.compiled.world.clone(),
            warnings: self.compiled.warnings.clone(),
            violation: self.compiled.violation.clone(),
        };
        Placed { compiled, standins: self.standins.clone(), needs }
    }
}

impl Build<'_> {
    /// Lays `plan` out once for every profile, with the archive's attachments when the build
    /// makes the archive, and a stand-in for each figure.
    pub fn layout(&self, plan: &DocumentPlan) -> Result<Laid> {
        let standins = self.project.images.standins(&plan.figures);
        let generated = self.generated(plan, Profile::Print, self.ctx.attach, &standins)?;
        let compiled = compile::compile(&self.ctx, plan, generated)?;
        Ok(Laid::new(compiled, standins))
    }

    /// Document `document` made for `profile` alone, up to its figures: what a test or a
    /// one-off rendering needs.
    pub fn figured(&self, document: usize, profile: Profile) -> Result<Figured> {
        let laid = self.layout(&self.project.plans[document])?;
        self.ctx.observer.diagnostics(&laid.compiled.world, &laid.compiled.warnings);
        let needs = self.needs(&laid, profile);
        self.project.images.prepare(&needs.requests, true);
        self.figure(laid.place(profile, needs), true)
    }

    /// Where the figures of `laid` are placed in `profile` (which only trims the bleed of the
    /// layout), and the processed images they need.
    pub fn needs(&self, laid: &Laid, profile: Profile) -> Needs {
        // The archive shows its figures at the print's resolution and quality; cropped as
        // for print (the bleed lies outside its pages), each is the very image print uses.
        let bleed = profile != Profile::Screen;
        let placements = frames::placements(&laid.compiled.document, &laid.standins, bleed);
        let (requests, assignment) = self.project.images.requests(&placements, profile);
        Needs { requests, assignment, placements }
    }

    /// Puts the processed figures of `placed` in place of their stand-ins; JPEG figures, when
    /// the build embeds them late, as one-pixel stand-ins replaced in the exported PDF.
    /// With `persist`, images made now are written to the disk cache.
    pub fn figure(&self, placed: Placed, persist: bool) -> Result<Figured> {
        let Placed { mut compiled, standins, needs } = placed;
        let images = &self.project.images;
        let made = needs
            .requests
            .par_iter()
            .map(|request| images.swap(request, persist, self.ctx.late_figures))
            .collect::<Result<Vec<_>>>()?;
        let swaps: Vec<Option<&crate::figures::Swap>> = needs
            .assignment
            .iter()
            .map(|&i| made.get(i).and_then(Option::as_ref).map(|(swap, _)| swap))
            .collect();
        if swaps.iter().any(Option::is_some) {
            compiled.document = frames::swap(&compiled.document, &standins, &swaps);
        }
        // Every request stems from a placement, so each embed has its stand-in in the pages.
        let embeds = made.into_iter().flatten().filter_map(|(_, embed)| embed).collect();
        Ok(Figured { compiled, placements: needs.placements, embeds })
    }

    /// The files the World serves from memory for `plan` in the layout, with the archive's
    /// attachments when `attach` is set.
    pub fn generated_files(&self, plan: &DocumentPlan, attach: bool) -> Result<Generated> {
        self.generated(plan, Profile::Print, attach, &self.project.images.standins(&plan.figures))
    }

    /// The files the World serves from memory for `plan`, by root-relative virtual path:
    /// the facts JSON for `profile` (with each figure's path pointing at its image in
    /// `images`), the generated figure images and, with `attach`, the files the archive
    /// attaches (the facts and the manifest of inputs).
    pub fn generated(
        &self,
        plan: &DocumentPlan,
        profile: Profile,
        attach: bool,
        images: &[Served],
    ) -> Result<Generated> {
        let project = self.project;
        let mut generated = Vec::new();
        let mut attachments = Vec::new();
        if attach {
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
            "inputs": crate::out::manifest::inputs(&project.root, &project.input_files())?,
        });
        let bytes = serde_json::to_vec_pretty(&sources).unwrap_or_default();
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
