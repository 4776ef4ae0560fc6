//! Recompiling a document in watch mode starting from the layout its last compilation found.
//!
//! Typst lays a document out until its introspection settles: the first pass reads an
//! empty introspector (no page numbers, no measured elements found), so a template that
//! measures content it then places, or reads page numbers, is laid out two or three times.
//! After an edit, the last compilation's introspector is almost always what the new pages
//! will show, so starting from it usually settles in one pass. The result is checked the
//! same way Typst checks it: a pass counts only when every introspection it made reads the
//! same from the document it produced.

use std::sync::Arc;

use typst::World;
use typst::comemo::{Constraint, Track};
use typst::diag::Warned;
use typst::engine::{Engine, Route, Sink, Traced};
use typst::foundations::{Output, StyleChain, Target, TargetElem};
use typst::introspection::Introspector;
use typst::utils::Protected;
use typst_layout::{PagedDocument, PagedIntrospector};

/// The passes tried before giving up, as in Typst.
const MAX_PASSES: usize = 5;

/// Compiles the main file of `world` like [`typst::compile`], the first layout pass
/// reading `seed`. `None` when that fails or does not settle, or anything is not clean
/// (errors are left to [`typst::compile`], which reports them in full).
pub fn compile(world: &dyn World, seed: &Arc<PagedIntrospector>) -> Option<Warned<PagedDocument>> {
    let tracked = world.track();
    let traced = Traced::default();
    let traced = traced.track();
    let library = world.library();
    let target = TargetElem::target.set(Target::Paged).wrap();
    let styles = StyleChain::new(&library.styles);
    let styles = styles.chain(&target);
    let main = world.source(world.main()).ok()?;
    let mut sink = Sink::new();
    let content =
        typst_eval::eval(tracked, library, traced, sink.track_mut(), Route::default().track(), &main)
            .ok()?
            .content();
    let mut introspector = seed.clone();
    for _ in 0..MAX_PASSES {
        let constraint = Constraint::new();
        let mut pass = Sink::new();
        let reading: &dyn Introspector = &*introspector;
        let mut engine = Engine {
            library,
            world: tracked,
            introspector: Protected::new(reading.track_with(&constraint)),
            traced,
            sink: pass.track_mut(),
            route: Route::default(),
        };
        let document = PagedDocument::create(&mut engine, &content, styles).ok()?;
        if constraint.validate(Output::introspector(&document)) {
            sink.extend_from_sink(pass);
            if !sink.delayed().is_empty() {
                return None;
            }
            return Some(Warned { output: document, warnings: sink.warnings() });
        }
        introspector = document.introspector().clone();
    }
    None
}
