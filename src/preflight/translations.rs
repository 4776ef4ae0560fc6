//! The translations an edition needs: every text of the facts a document shows, in each of
//! the edition's languages besides Chinese. A missing one is an error (a warning when the
//! project falls back to Chinese); a draft is a warning, an error under `--strict`.

use std::collections::BTreeMap;

use super::{Check, Finding, Severity, excerpt};
use crate::profile::Profile;
use crate::project::facts::Facts;
use crate::project::i18n::{self, State, Translations};
use crate::project::plan::DocumentPlan;

/// The findings about the translations of `plan`'s edition.
pub fn check(
    plan: &DocumentPlan,
    profile: Profile,
    facts: &Facts,
    translations: &BTreeMap<String, Translations>,
    fallback: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let languages: Vec<&str> = plan.edition.translated().collect();
    if languages.is_empty() {
        return out;
    }
    let needed = needed(plan, facts);
    for language in languages {
        let Some(translations) = translations.get(language) else { continue };
        let folder = format!("data/i18n/{language}/");
        for (path, (chinese, file)) in &needed {
            let finding = |severity, check, what: String, fix: String| Finding {
                severity,
                check,
                document: Some(plan.name.clone()),
                profile: Some(profile),
                page: None,
                what,
                fix,
                field: Some(path.clone()),
                area: None,
            };
            match translations.entries.get(path) {
                None => out.push(finding(
                    if fallback { Severity::Warning } else { Severity::Error },
                    Check::MissingTranslation,
                    format!(
                        "`{path}` ({}) has no `{language}` translation: “{}”{}",
                        file.display(),
                        excerpt(chinese),
                        if fallback { "; it prints in Chinese alone" } else { "" }
                    ),
                    format!("add `{path}` with its text and `state: draft` to a file under {folder}"),
                )),
                Some(entry) if entry.state == State::Draft => out.push(finding(
                    Severity::Warning,
                    Check::DraftTranslation,
                    format!("`{path}` ({}:{}) is a draft", entry.file.display(), entry.line),
                    "have a qualified translator review it, then set `state: reviewed`".into(),
                )),
                Some(_) => {}
            }
        }
    }
    out
}

/// The texts `plan` shows, by path, with their Chinese and facts file: the project's, its
/// figures' and its province's (every province's for a document about all); and the units,
/// scales and qualifiers of the metrics among them.
fn needed(plan: &DocumentPlan, facts: &Facts) -> BTreeMap<String, (String, std::path::PathBuf)> {
    let in_scope = |path: &str| {
        path.starts_with("project.")
            || plan.figures.iter().any(|id| path.starts_with(&format!("figures.{id}.")))
            || match &plan.province {
                Some(id) => path.starts_with(&format!("provinces.{id}.")),
                None => path.starts_with("provinces."),
            }
    };
    let mut needed: BTreeMap<String, (String, std::path::PathBuf)> =
        i18n::sources(facts).into_iter().filter(|(path, _)| in_scope(path)).collect();
    for province in &facts.provinces {
        if plan.province.as_ref().is_some_and(|id| *id != province.id) {
            continue;
        }
        let file = facts.files.iter().find(|f| f.ends_with(format!("{}.yaml", province.id))).cloned();
        let file = file.unwrap_or_default();
        for metric in province.results.values().flat_map(|r| &r.metrics) {
            let mut term = |kind: &str, word: &str| {
                if word.is_empty() {
                    return;
                }
                needed
                    .entry(format!("terms.{kind}.{word}"))
                    .or_insert_with(|| (word.to_string(), file.clone()));
            };
            term("units", &metric.unit);
            if let Some(scale) = metric.scale {
                term("scales", scale.word());
            }
            if let Some(qualifier) = metric.qualifier {
                term("qualifiers", qualifier.word());
            }
        }
    }
    needed
}
