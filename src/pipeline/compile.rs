//! Compiling one document with Typst and exporting it to PDF. A plain build calls Typst's
//! own compile in a fresh World; the watch mode compiles in kept Worlds and hands its result
//! to [`settle`] the same way.

use std::path::Path;
use std::sync::Arc;

use typst::diag::{SourceDiagnostic, SourceResult, Warned};
use typst::foundations::{Datetime, Label, Smart};
use typst::introspection::Introspector;
use typst::utils::PicoStr;
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use super::Observer;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::project::plan::DocumentPlan;
use crate::world::{SharedFiles, YarlungWorld};

/// The label templates put on pages added only to reach a page multiple.
pub const PADDING_LABEL: &str = "yarlung-padding";

/// The version of Typst yarlung embeds, as written in PDFs and manifests.
pub const TYPST_VERSION: &str = "0.15.1";

/// A document as Typst laid it out.
pub struct Compiled {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// How many pages were added only to satisfy the page rule.
    pub padding: usize,
    /// The World it was compiled in (kept for diagnostics and export).
    pub world: Arc<YarlungWorld>,
    /// Typst's warnings, not yet printed (see [`Observer::diagnostics`]).
    pub warnings: Vec<SourceDiagnostic>,
    /// How the page count breaks the document's page rule, if it does.
    pub violation: Option<String>,
}

/// Everything the compiler needs besides the document plan.
pub struct CompileContext<'a> {
    /// The canonical project root.
    pub root: &'a Path,
    /// The shared fonts.
    pub fonts: Arc<FontStore>,
    /// The fixed date.
    pub date: Datetime,
    /// Whether JPEG figures are put into the exported PDF afterwards (see
    /// [`crate::pdf::embed`]) rather than decoded for Typst: for builds, not when pages are
    /// rendered.
    pub late_figures: bool,
    /// Whether processed figures are written to the disk cache (not by `yarlung check`).
    pub persist: bool,
    /// How long one compilation may take (see [`super::deadline`]).
    pub timeout: std::time::Duration,
    /// Whether written PDFs are flushed to disk before they replace the old ones (not in
    /// watch mode, which rewrites them at every save).
    pub durable: bool,
    /// The project files and parsed sources the fresh Worlds of this build share.
    pub shared: Arc<SharedFiles>,
    /// Where diagnostics and progress go.
    pub observer: &'a dyn Observer,
}

/// A fresh World for `plan` serving its `generated` files (the facts JSON and, for the
/// archive, the inputs list), the other files taken from `shared` when given.
pub fn world(
    ctx: &CompileContext,
    plan: &DocumentPlan,
    generated: Vec<(String, Vec<u8>)>,
    shared: Option<Arc<SharedFiles>>,
) -> Result<YarlungWorld> {
    check_template(ctx, plan)?;
    YarlungWorld::new(ctx.root, &plan.template, generated, ctx.fonts.clone(), ctx.date, shared)
}

/// Checks that the template of `plan` is a file.
pub fn check_template(ctx: &CompileContext, plan: &DocumentPlan) -> Result<()> {
    let template = ctx.root.join(&plan.template);
    if !template.is_file() {
        let problem =
            if template.is_dir() { "is a folder; name the template's .typ file" } else { "does not exist" };
        return Err(Error::field(
            crate::project::config::CONFIG_FILE,
            format!("documents.{}.template", plan.name),
            format!("template `{}` {problem}", plan.template.display()),
        ));
    }
    Ok(())
}

/// Compiles `plan` with its `generated` files in a fresh World that shares the build's
/// project files, with Typst's own compile; errors are printed.
pub fn compile(
    ctx: &CompileContext,
    plan: &DocumentPlan,
    generated: Vec<(String, Vec<u8>)>,
) -> Result<Compiled> {
    let world = Arc::new(world(ctx, plan, generated, Some(ctx.shared.clone()))?);
    let compiling = world.clone();
    let warned = super::deadline::within(ctx.timeout, &plan.name, &plan.template, move || {
        typst::compile::<PagedDocument>(&*compiling)
    })?;
    settle(ctx, plan, world, warned)
}

/// The outcome of compiling `plan` in `world`: the document with its page-rule check and
/// padding count, or its errors printed and a [`Error::Document`].
pub fn settle(
    ctx: &CompileContext,
    plan: &DocumentPlan,
    world: Arc<YarlungWorld>,
    warned: Warned<SourceResult<PagedDocument>>,
) -> Result<Compiled> {
    let Warned { output, warnings } = warned;
    let document = match output {
        Ok(document) => document,
        Err(errors) => {
            ctx.observer.diagnostics(&world, &warnings);
            ctx.observer.diagnostics(&world, &errors);
            return Err(Error::Document {
                name: plan.name.clone(),
                message: format!(
                    "{} failed to compile ({} error(s) above)",
                    plan.template.display(),
                    errors.len()
                ),
            });
        }
    };
    let violation = plan.pages.violation(document.pages().len());
    let padding = Label::new(PicoStr::intern(PADDING_LABEL))
        .map_or(0, |label| document.introspector().label_count(label));
    Ok(Compiled { document, padding, world, warnings: warnings.to_vec(), violation })
}

/// Exports laid-out pages to PDF bytes for `profile`; errors are printed.
pub fn export(ctx: &CompileContext, compiled: &Compiled, name: &str, profile: Profile) -> Result<Vec<u8>> {
    let standards = PdfStandards::new(&profile.standards()).map_err(|e| {
        Error::internal(format!("document `{name}`"), format!("invalid PDF standards: {}", e.message()))
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("yarlung/{name}/{}", profile.name())),
        creator: Smart::Custom(Some(format!(
            "yarlung {} (Typst {TYPST_VERSION})",
            env!("CARGO_PKG_VERSION")
        ))),
        timestamp: Some(Timestamp::new_utc(ctx.date)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&compiled.document, &options).map_err(|errors| {
        ctx.observer.diagnostics(&compiled.world, &errors);
        Error::Document { name: name.into(), message: "PDF export failed (see above)".into() }
    })
}
