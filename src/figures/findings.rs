//! Preflight's warnings about the figure files themselves.

use super::Store;
use crate::finding::{Check, Finding, Severity};

impl Store {
    /// Preflight's warnings about the figure files: colour profiles that cannot be used,
    /// files whose name says another format than they hold, and files that end early.
    pub fn findings(&self) -> Vec<Finding> {
        let misnamed = self.sources.iter().filter_map(|source| {
            let what = source.misnamed.as_ref()?;
            Some(Finding {
                severity: Severity::Warning,
                check: Check::MisnamedFigure,
                document: None,
                profile: None,
                page: None,
                what: format!("figure `{}` ({}): {what}; it is read as what it holds", source.id, source.path.display()),
                fix: "rename the file to its format's extension and update its path under figures: in yarlung.yaml"
                    .into(),
                field: None,
                area: None,
            })
        });
        self.sources
            .iter()
            .filter_map(|source| {
                let why = source.note.as_ref()?;
                Some(Finding {
                    severity: Severity::Warning,
                    check: Check::ColourProfile,
                    document: None,
                    profile: None,
                    page: None,
                    what: format!(
                        "figure `{}` ({}): {why}; its colours are taken as sRGB",
                        source.id,
                        source.path.display()
                    ),
                    fix: "re-export the image with an sRGB (or Adobe RGB) profile embedded".into(),
                    field: None,
                    area: None,
                })
            })
            .chain(misnamed)
            .chain(self.sources.iter().filter(|source| source.cut_short).map(|source| Finding {
                severity: Severity::Warning,
                check: Check::CutShortFigure,
                document: None,
                profile: None,
                page: None,
                what: format!(
                    "figure `{}` ({}): the file ends early; it prints at reduced quality or with missing rows",
                    source.id,
                    source.path.display()
                ),
                fix: "copy the file again from its source (the copy or download was interrupted)".into(),
                field: None,
                area: None,
            }))
            .collect()
    }
}
