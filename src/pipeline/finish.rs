//! The last stages of a job: preflight on its pages, export, the figures and print marks
//! put into the PDF, printer spreads for `--impose`, and the atomic write; and the
//! manifest of a profile's documents.

use super::compile::TYPST_VERSION;
use super::job::{Figured, Finish};
use super::{Build, Job, Made, compile, manifest};
use crate::error::{Error, Result};
use crate::pdf;
use crate::pdf::embed::Embed;
use crate::preflight::Pages;
use crate::profile::Profile;
use crate::project::{Project, display_path};
use crate::timings::{Phase, Timings};

/// A document exported by Typst, its JPEG figures still one-pixel stand-ins.
struct Exported {
    /// The PDF bytes.
    pdf: Vec<u8>,
    /// The figures that replace their stand-ins.
    embeds: Vec<Embed>,
    /// The page count.
    pages: usize,
    /// The document's title.
    title: Option<String>,
}

/// The slug beyond the bleed that holds the crop marks, in millimetres.
pub const SLUG_MM: f64 = 7.0;

impl Build<'_> {
    /// Checks one figured document and, as `finish` asks, exports and writes its PDF (and
    /// its imposed printer spreads); `timings` holds the phases so far.
    pub fn finish(&self, job: Job, figured: Figured, timings: Timings, finish: Finish) -> Result<Made> {
        let plan = &self.project.plans[job.document];
        let profile = job.profile;
        let pages = figured.compiled.document.pages().len();
        let mut made = Made::new(&plan.name, profile, pages);
        made.timings = timings;
        if figured.compiled.padding > 0 {
            made.warnings.push(format!(
                "{} page(s) were added to reach the page rule; add content or remove pages to avoid padding",
                figured.compiled.padding
            ));
        }
        let project = self.project;
        made.findings = crate::preflight::document(
            &project.root,
            &project.facts.files,
            plan,
            profile,
            &Pages {
                document: &figured.compiled.document,
                world: &figured.compiled.world,
                warnings: &figured.compiled.warnings,
                violation: figured.compiled.violation.as_deref(),
                placements: &figured.placements,
                embeds: &figured.embeds,
            },
            &project.press,
        );
        let fallback = project.config.translations.fallback;
        let translations = &project.translations;
        made.findings.extend(crate::preflight::translations::check(
            plan,
            profile,
            &project.facts,
            translations,
            fallback,
        ));
        made.timings.lap(Phase::Preflight);
        if made.findings.iter().any(|f| f.fails(project.strict)) {
            return Err(Error::Preflight { name: plan.name.clone(), findings: made.findings });
        }
        let Finish::Write { impose } = finish else {
            return Ok(made);
        };
        if plan.format.raster() && profile == Profile::Screen {
            return self.write_image(job, &figured, made);
        }
        let mut figured = figured;
        if let (Profile::Proof, Some(marks)) = (profile, &self.options.proof) {
            figured.compiled.document = self.proof_pages(job, &figured, marks, &mut made)?;
        }
        let pdf = compile::export(&self.ctx, &figured.compiled, &plan.name, job.profile)?;
        let info = typst::model::Document::info(&figured.compiled.document);
        let title = info.title.as_ref().map(ToString::to_string);
        let exported = Exported { pdf, embeds: figured.embeds, pages, title };
        drop(figured.compiled);
        made.timings.lap(Phase::Export);
        self.write(job, exported, impose, made)
    }

    /// Writes an image document: each page rendered at the configured pixel width, as PNG
    /// or JPEG (sRGB), refused when larger than its platform accepts; one page is
    /// `<document>.png`, more are `<document>-<n>.png`.
    fn write_image(&self, job: Job, figured: &Figured, mut made: Made) -> Result<Made> {
        let plan = &self.project.plans[job.document];
        let Some(pixels) = plan.pixels else {
            return Err(Error::Usage(format!("`{}` has no `pixels:`", plan.name)));
        };
        let pages = figured.compiled.document.pages();
        let dir = self.output_dir(job.profile);
        let extension = plan.format.extension();
        let mut written = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            let ppi = f64::from(pixels.width) / page.frame.width().to_pt() * 72.0;
            let image = crate::raster::render(page, ppi as f32);
            let bytes = match plan.format {
                crate::project::form::Format::Jpeg => crate::raster::jpeg(&image)?,
                _ => crate::raster::png(&image)?,
            };
            if bytes.len() as u64 > pixels.max_bytes {
                let finding = crate::finding::Finding {
                    severity: crate::finding::Severity::Error,
                    check: crate::finding::Check::ImageSize,
                    document: Some(plan.name.clone()),
                    profile: Some(job.profile),
                    page: Some(i + 1),
                    what: format!(
                        "the image is {:.1} MB; the platform takes at most {:.1} MB",
                        bytes.len() as f64 / 1_048_576.0,
                        pixels.max_bytes as f64 / 1_048_576.0
                    ),
                    fix: "use `format: jpeg`, fewer or smaller figures, or a larger `max-bytes` if the platform allows".into(),
                    field: None,
                    area: None,
                };
                return Err(Error::Preflight { name: plan.name.clone(), findings: vec![finding] });
            }
            let name = if pages.len() == 1 { plan.name.clone() } else { format!("{}-{}", plan.name, i + 1) };
            let path = dir.join(format!("{name}.{extension}"));
            crate::output::write::write_atomic(&path, &bytes)?;
            written.push((path, bytes));
        }
        made.timings.lap(Phase::Write);
        let mut written = written.into_iter();
        if let Some((path, bytes)) = written.next() {
            made.bytes = bytes.len();
            made.digests = Some(crate::output::digest::digests(&bytes));
            made.path = Some(path);
        }
        made.also.extend(written.map(|(path, _)| path));
        Ok(made)
    }

    /// A proof's pages: their page map into `made`, their images written to
    /// `<round>/pages/<document>-<page>.png`, then the pages with the proof marks laid over.
    fn proof_pages(
        &self,
        job: Job,
        figured: &Figured,
        marks: &crate::profile::ProofMarks,
        made: &mut Made,
    ) -> Result<typst_layout::PagedDocument> {
        let name = &self.project.plans[job.document].name;
        let document = &figured.compiled.document;
        let map = super::proof::page_map(document);
        let pages = self.output_dir(Profile::Proof).join("pages");
        for (i, png) in super::proof::page_images(document)?.iter().enumerate() {
            crate::output::write::write_atomic(&pages.join(format!("{name}-{}.png", i + 1)), png)?;
        }
        let marked = super::proof::overlay(&self.ctx, name, document, marks, &map, &figured.placements)?;
        made.page_map = Some(map);
        Ok(marked)
    }

    /// Puts the figures into an exported PDF (for print, also the marks and the PDF/X-4
    /// identification, see [`pdf::pdfx`]) and writes it,
    /// with its printer spreads when `impose` is set; fills in what `made` records.
    fn write(&self, job: Job, exported: Exported, impose: bool, mut made: Made) -> Result<Made> {
        let plan = &self.project.plans[job.document];
        let profile = job.profile;
        let internal = |e: pdf::PdfError| Error::internal(format!("document `{}`", plan.name), e);
        let Exported { pdf, embeds, pages, title } = exported;
        let dir = self.output_dir(profile);
        if impose && profile == Profile::Print && plan.pages.multiple_of == Some(4) {
            let source = pdf::pdfx::finish(&pdf, &embeds, None, &self.project.press).map_err(internal)?;
            let sheet = super::impose::Sheet { trim: plan.trim, bleed_mm: plan.bleed_mm(profile), pages };
            let imposed = super::impose::impose(&self.ctx, &plan.name, source, sheet)?;
            let path = dir.join(format!("{}-imposed.pdf", plan.name));
            crate::output::write::write_atomic(&path, &imposed)?;
            made.also.push(path);
        }
        let pdf = if profile == Profile::Print {
            let slug = plan.marks.then_some(SLUG_MM);
            pdf::pdfx::finish(&pdf, &embeds, slug, &self.project.press).map_err(internal)?
        } else {
            pdf::embed::finish(pdf, &embeds).map_err(internal)?
        };
        let record = (profile == Profile::Archive).then(|| {
            super::record::Record::new(self.project, job.document, title.as_deref(), pages)
                .with_approvals(&self.options.approvals)
        });
        let pdf = match &record {
            Some(record) => pdf::xmp::extend(&pdf, &record.schema()).map_err(internal)?,
            None => pdf,
        };
        made.timings.lap(Phase::Embed);
        let path = dir.join(format!("{}.pdf", plan.name));
        if self.ctx.durable {
            crate::output::write::write_atomic(&path, &pdf)?;
        } else {
            crate::output::write::write_quick(&path, &pdf)?;
        }
        made.timings.lap(Phase::Write);
        let digests = crate::output::digest::digests(&pdf);
        if let Some(record) = record {
            let sidecar = dir.join(format!("{}.metadata.xml", plan.name));
            let xml = record.sidecar(pdf.len(), &digests.sm3, &digests.sha256);
            crate::output::write::write_atomic(&sidecar, xml.as_bytes())?;
            made.also.push(sidecar);
        }
        made.path = Some(path);
        made.bytes = pdf.len();
        made.digests = Some(digests);
        Ok(made)
    }
}

/// Writes `out/<profile>/manifest.json` for the documents `made` in `profile`.
pub fn write_manifest(
    project: &Project,
    profile: Profile,
    made: &[&Made],
    approvals: &[crate::profile::Approval],
) -> Result<()> {
    let dir = project.output_dir(profile);
    let outputs = made
        .iter()
        .filter_map(|m| {
            let plan = project.plans.iter().find(|p| p.name == m.name)?;
            Some(manifest::OutputEntry {
                document: m.name.clone(),
                path: display_path(m.path.as_deref()?, &project.root),
                digests: m.digests.clone()?,
                pages: m.pages,
                trim: plan.trim,
                bleed: plan.bleed_mm(profile),
                standards: profile.standard_names(),
            })
        })
        .collect();
    let (y, mo, d) = project.date;
    let manifest = manifest::Manifest {
        tool: format!("yarlung {}", env!("CARGO_PKG_VERSION")),
        typst: TYPST_VERSION.into(),
        profile: profile.name().into(),
        date: format!("{y:04}-{mo:02}-{d:02}"),
        inputs: manifest::inputs(&project.root, &project.input_files())?,
        outputs,
        warnings: made.iter().flat_map(|m| m.warnings.iter().map(|w| format!("{}: {w}", m.name))).collect(),
        approvals: approvals.to_vec(),
    };
    manifest.write_merged(&dir.join(manifest::MANIFEST_FILE), &project.root)
}
