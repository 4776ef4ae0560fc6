//! Compiling one document and exporting it to PDF, with diagnostics printed as Typst prints them.

use std::path::Path;
use std::sync::Arc;

use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::{Datetime, Label, Smart};
use typst::introspection::Introspector;
use typst::utils::PicoStr;
use typst_kit::diagnostics::{self, DiagnosticFormat, termcolor};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::error::{Error, Result};
use crate::incremental::{Lease, Worlds};
use crate::plan::DocumentPlan;
use crate::profile::Profile;
use crate::world::{SharedFiles, YarlungWorld};

/// The label templates put on pages added only to reach a page multiple.
pub const PADDING_LABEL: &str = "yarlung-padding";

/// A compiled document.
pub struct Compiled {
    /// The laid-out pages.
    pub document: PagedDocument,
    /// How many pages were added only to satisfy the page rule.
    pub padding: usize,
    /// The World it was compiled in (kept for diagnostics and export), shared by the
    /// versions of the document derived for each profile.
    pub world: Arc<Lease>,
    /// Typst's warnings, not yet printed (see [`print_warnings`]).
    pub warnings: Vec<SourceDiagnostic>,
    /// How the page count breaks the document's page rule, if it does.
    pub violation: Option<String>,
    /// Where the figures were placed (filled in by the figure pipeline).
    pub placements: Vec<crate::imaging::Placement>,
    /// The figures to put in place of their stand-ins once the PDF is exported.
    pub embeds: Vec<crate::embed::Embed>,
}

/// Everything the compiler needs besides the document plan.
pub struct CompileContext<'a> {
    /// The canonical project root.
    pub root: &'a Path,
    /// The shared fonts.
    pub fonts: Arc<FontStore>,
    /// The fixed date.
    pub date: Datetime,
    /// How diagnostics are printed.
    pub format: DiagnosticFormat,
    /// Worlds kept between compilations (watch mode); `None` makes a fresh World each time.
    pub worlds: Option<Arc<Worlds>>,
    /// Whether JPEG figures are put into the exported PDF afterwards (see [`crate::embed`])
    /// rather than decoded for Typst: for builds, not when pages are rendered.
    pub late_figures: bool,
    /// Whether layouts carry the archive's attachments (the facts files and the list of
    /// inputs with their digests): only when the archive profile is made.
    pub attach: bool,
    /// The project files and parsed sources the fresh Worlds of this build share.
    pub shared: Arc<SharedFiles>,
}

/// Compiles `plan` with its `generated` files (the facts JSON and, for the archive, the
/// inputs list), printing errors; warnings are kept in [`Compiled::warnings`].
pub fn compile(
    ctx: &CompileContext,
    plan: &DocumentPlan,
    profile: Profile,
    generated: Vec<(String, Vec<u8>)>,
) -> Result<Compiled> {
    let template = ctx.root.join(&plan.template);
    if !template.is_file() {
        let problem =
            if template.is_dir() { "is a folder; name the template's .typ file" } else { "does not exist" };
        return Err(Error::field(
            crate::config::CONFIG_FILE,
            format!("documents.{}.template", plan.name),
            format!("template `{}` {problem}", plan.template.display()),
        ));
    }
    // Kept Worlds (watch mode) have stores of their own, refreshed after every edit.
    let shared = ctx.worlds.is_none().then(|| ctx.shared.clone());
    let make = |generated| {
        YarlungWorld::new(ctx.root, &plan.template, generated, ctx.fonts.clone(), ctx.date, shared)
    };
    let mut world = match &ctx.worlds {
        Some(worlds) => worlds.lend(profile, &plan.name, &plan.template, generated, make)?,
        None => Lease::once(make(generated)?),
    };
    let deadline = crate::watchdog::Deadline::start(&plan.name, &plan.template);
    let seeded = world.seed.as_ref().and_then(|seed| crate::seeded::compile(&*world, seed));
    let Warned { output, warnings } = match seeded {
        Some(Warned { output, warnings }) => Warned { output: Ok(output), warnings },
        None => typst::compile::<PagedDocument>(&*world),
    };
    drop(deadline);
    let document = match output {
        Ok(document) => document,
        Err(errors) => {
            print_diagnostics(&world, &warnings, ctx.format);
            print_diagnostics(&world, &errors, ctx.format);
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
    world.seed = Some(document.introspector().clone());
    let violation = plan.pages.violation(document.pages().len());
    let padding = Label::new(PicoStr::intern(PADDING_LABEL))
        .map_or(0, |label| document.introspector().label_count(label));
    Ok(Compiled {
        document,
        padding,
        world: Arc::new(world),
        warnings: warnings.to_vec(),
        violation,
        placements: vec![],
        embeds: vec![],
    })
}

/// Prints the Typst warnings of a compilation with file, line and source excerpt.
pub fn print_warnings(compiled: &Compiled, format: DiagnosticFormat) {
    print_diagnostics(&compiled.world, &compiled.warnings, format);
}

/// Exports a compiled document to PDF bytes for `profile`.
pub fn export(
    compiled: &Compiled,
    name: &str,
    profile: Profile,
    date: Datetime,
    format: DiagnosticFormat,
) -> Result<Vec<u8>> {
    let standards = PdfStandards::new(&profile.standards()).map_err(|e| Error::Document {
        name: name.into(),
        message: format!("invalid PDF standards: {}", e.message()),
    })?;
    let options = PdfOptions {
        ident: Smart::Custom(format!("yarlung/{name}/{}", profile.name())),
        creator: Smart::Custom(Some(format!("yarlung {} (Typst 0.15.1)", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(date)),
        page_ranges: None,
        standards,
        tagged: true,
        pretty: false,
    };
    typst_pdf::pdf(&compiled.document, &options).map_err(|errors| {
        print_diagnostics(&compiled.world, &errors, format);
        Error::Document { name: name.into(), message: "PDF export failed (see above)".into() }
    })
}

/// Prints Typst diagnostics to standard error with file, line and source excerpt.
fn print_diagnostics(world: &YarlungWorld, diagnostics: &[SourceDiagnostic], format: DiagnosticFormat) {
    if diagnostics.is_empty() {
        return;
    }
    let choice = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    };
    let mut stderr = termcolor::StandardStream::stderr(choice);
    crate::report::suspend(|| {
        if diagnostics::emit(&mut stderr, world, diagnostics, format).is_err() {
            for diagnostic in diagnostics {
                eprintln!("{:?}: {}", diagnostic.severity, diagnostic.message);
            }
        }
    });
}
