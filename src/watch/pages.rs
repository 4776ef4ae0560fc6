//! Whether a rebuilt document prints what its last build printed: its pages hashed without
//! what does not print.

use std::hash::{Hash, Hasher};

use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

/// The hash of what `document` prints.
pub fn printed(document: &PagedDocument) -> u128 {
    typst::utils::hash128(&Visible(document))
}

/// A document as printed: its info and pages, with frames hashed without their
/// introspection tags (which carry, e.g., the facts captured by `context` blocks, and change
/// when an unrelated fact changes even though nothing printed does).
struct Visible<'a>(&'a PagedDocument);

/// A frame hashed without its introspection tags.
struct VisibleFrame<'a>(&'a Frame);

impl Hash for Visible<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        typst::model::Document::info(self.0).hash(state);
        for page in self.0.pages() {
            page.bleed.hash(state);
            page.fill.hash(state);
            page.numbering.hash(state);
            page.number.hash(state);
            VisibleFrame(&page.frame).hash(state);
        }
    }
}

impl Hash for VisibleFrame<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.size().hash(state);
        self.0.kind().hash(state);
        for (point, item) in self.0.items() {
            match item {
                FrameItem::Tag(_) => continue,
                FrameItem::Group(group) => {
                    point.hash(state);
                    group.transform.hash(state);
                    group.clip.hash(state);
                    group.label.hash(state);
                    VisibleFrame(&group.frame).hash(state);
                }
                other => {
                    point.hash(state);
                    other.hash(state);
                }
            }
        }
    }
}
