//! The watch mode's way of compiling a job: in its World kept from the last rebuild (see
//! [`super::worlds`]), starting from what that World's last compilation found (see
//! [`super::from_last_layout`]); the rest of the job is the build's own.

use std::sync::Arc;

use typst::diag::Warned;
use typst_layout::PagedDocument;

use super::from_last_layout;
use super::worlds::Worlds;
use crate::error::Result;
use crate::pipeline::compile::{self, Compiled};
use crate::pipeline::job::{Compiler, Generated};
use crate::pipeline::{Build, Job, deadline};

/// Compiles in the Worlds a watch session keeps.
pub struct Kept<'a>(pub &'a Worlds);

impl Compiler for Kept<'_> {
    fn compile(&self, build: &Build, job: Job, generated: Generated) -> Result<Compiled> {
        let plan = &build.project.plans[job.document];
        compile::check_template(&build.ctx, plan)?;
        let key = (job.profile, plan.name.as_str(), plan.template.as_path());
        let (world, seed) = self.0.lend(key, generated, |g| compile::world(&build.ctx, plan, g, None))?;
        let world = Arc::new(world);
        let (compiling, from) = (world.clone(), seed.clone());
        let warned = deadline::within(build.ctx.timeout, &plan.name, &plan.template, move || {
            match from.as_ref().and_then(|seed| from_last_layout::compile(&*compiling, seed)) {
                Some(Warned { output, warnings }) => Warned { output: Ok(output), warnings },
                None => typst::compile::<PagedDocument>(&*compiling),
            }
        })?;
        let compiled = compile::settle(&build.ctx, plan, world.clone(), warned);
        let seed = match &compiled {
            Ok(compiled) => Some(compiled.document.introspector().clone()),
            Err(_) => seed,
        };
        self.0.keep(key, world, seed);
        compiled
    }
}
