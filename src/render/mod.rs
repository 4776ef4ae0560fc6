//! Pages rendered to PNG: previews and contact sheets ([`preview`]), the print plates
//! ([`separations`]).

pub mod preview;
pub mod separations;

/// Renders the planned documents' pages of `build` to `out/preview/<document>-<page>.png`,
/// plus a contact sheet `out/preview/<document>-sheet.png`; with `separations`, the print
/// pages' four plates instead (see [`super::separations`]). Each document is its job up to
/// its figures, decoded for the renderer.
pub fn pages(
    mut build: crate::pipeline::Build,
    ppi: f32,
    range: Option<preview::PageRange>,
    separations: bool,
) -> Vec<crate::error::Result<crate::pipeline::Made>> {
    use crate::profile::Profile;
    build.ctx.late_figures = false;
    let dir = build.project.root.join(&build.project.config.output).join("preview");
    let jobs: Vec<crate::pipeline::Job> =
        build.jobs().into_iter().filter(|job| !separations || job.profile == Profile::Print).collect();
    build.in_batches(&jobs, |job| {
        let figured = build.figured(job)?;
        let name = &build.project.plans[job.document].name;
        let document = &figured.compiled.document;
        let sheet = if separations {
            separations::write_plates(&dir, name, document, ppi, range)?
        } else {
            preview::write_pages(&dir, name, document, ppi, range)?
        };
        let mut made = crate::pipeline::Made::new(name, job.profile, sheet.1);
        made.path = Some(sheet.0);
        build.ctx.observer.step(name, job.profile);
        Ok(made)
    })
}
