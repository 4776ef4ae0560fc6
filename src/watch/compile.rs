//! A watch rebuild of one document: compiled in its kept World, from what the World's last
//! compilation found, then placed, given its figures and finished like any build's.

use std::sync::Arc;

use typst::diag::Warned;
use typst_layout::PagedDocument;

use super::seeded;
use super::worlds::Worlds;
use crate::build::Build;
use crate::build::compile;
use crate::build::schedule::Job;
use crate::build::stages::{Figured, Laid};
use crate::error::Result;
use crate::profile::Profile;

/// Compiles `job` of `build` in its World kept in `worlds` (made when none is) and gives it
/// its figures.
pub fn compile(build: &Build, worlds: &Worlds, job: Job) -> Result<Figured> {
    let project = build.project;
    let plan = &project.plans[job.document];
    compile::check_template(&build.ctx, plan)?;
    let standins = project.images.standins(&plan.figures);
    let generated = build.generated(plan, Profile::Print, build.ctx.attach, &standins)?;
    let key = (job.profile, plan.name.as_str(), plan.template.as_path());
    let (world, seed) = worlds.lend(key, generated, |g| compile::world(&build.ctx, plan, g, None))?;
    let world = Arc::new(world);
    let deadline = crate::watchdog::Deadline::start(&plan.name, &plan.template);
    let warned = match seed.as_ref().and_then(|seed| seeded::compile(&*world, seed)) {
        Some(Warned { output, warnings }) => Warned { output: Ok(output), warnings },
        None => typst::compile::<PagedDocument>(&*world),
    };
    drop(deadline);
    let compiled = compile::settle(&build.ctx, plan, world.clone(), warned);
    let seed = match &compiled {
        Ok(compiled) => Some(compiled.document.introspector().clone()),
        Err(_) => seed,
    };
    worlds.keep(key, world, seed);
    let compiled = compiled?;
    build.ctx.observer.diagnostics(&compiled.world, &compiled.warnings);
    let laid = Laid::new(compiled, standins);
    let needs = build.needs(&laid, job.profile);
    project.images.prepare(&needs.requests, true);
    build.figure(laid.place(job.profile, needs), true)
}
