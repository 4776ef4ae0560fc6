//! Reading typed YAML with input budgets and errors that point at file, line, column and field.

use std::cell::RefCell;
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// The largest YAML file yarlung reads; facts files are a few kilobytes.
pub const MAX_YAML_BYTES: u64 = 1024 * 1024;

/// Reads `root/rel` and deserializes it, enforcing size, nesting and alias budgets.
///
/// A leading UTF-8 byte-order mark is accepted. Errors name `rel`, the position, the field
/// path and what was expected.
pub fn read<T: DeserializeOwned>(root: &Path, rel: &Path) -> Result<T> {
    let path = root.join(rel);
    let meta = std::fs::metadata(&path).map_err(|e| Error::input(rel, format!("cannot read: {e}")))?;
    if meta.len() > MAX_YAML_BYTES {
        return Err(Error::input(
            rel,
            format!("file is {} bytes; YAML inputs are limited to {MAX_YAML_BYTES} bytes", meta.len()),
        ));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::input(rel, format!("cannot read: {e}")))?;
    parse(rel, &bytes)
}

/// Deserializes YAML `bytes` that came from the file `name` (used in messages only).
pub fn parse<T: DeserializeOwned>(name: &Path, bytes: &[u8]) -> Result<T> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of(bytes, e.valid_up_to());
        Error::Input {
            file: name.to_path_buf(),
            position: Some((line, column)),
            field: None,
            message: "invalid UTF-8; save the file as UTF-8 text".into(),
        }
    })?;
    if text.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) {
        return Err(Error::input(name, "the file is empty (or only comments); expected a YAML mapping"));
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: 100_000,
            max_events: 200_000,
            max_total_scalar_bytes: 2 * 1024 * 1024,
            max_documents: 1,
        },
        with_snippet: false,
    };
    let field = RefCell::new(String::new());
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            *field.borrow_mut() = e.path().to_string();
            e.into_inner()
        })
    })
    .map_err(|e| {
        let position = e.location().map(|l| (l.line(), l.column())).filter(|&(line, _)| line > 0);
        let field = field.into_inner();
        // serde_path_to_error writes `?` for a key it has not read yet (e.g. a duplicate key).
        let field = field.trim_end_matches('?').trim_end_matches('.').to_string();
        Error::Input {
            file: name.to_path_buf(),
            position,
            field: (!field.is_empty()).then_some(field),
            message: describe(&e),
        }
    })
}

/// Says what is wrong in words for the person editing the file: the parser's own wording
/// for limits and a few type errors speaks to Rust programmers, not to editors.
fn describe(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let mut inner = error;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = inner {
        inner = error;
    }
    const SIMPLIFY: &str = "yarlung's facts files are small; write the values out plainly";
    match inner {
        E::Budget { breach: B::Documents { .. }, .. } | E::MultipleDocuments { .. } => {
            "the file holds more than one YAML document (`---`); keep exactly one per file".into()
        }
        E::Budget { breach: B::Depth { depth }, .. } => {
            format!("nesting is {depth} levels deep, more than yarlung reads; {SIMPLIFY}")
        }
        E::Budget { breach: B::ScalarBytes { total_scalar_bytes }, .. } => format!(
            "the text in this file adds up to {total_scalar_bytes} bytes (aliases counted each time they are used), \
             more than the 2 MB yarlung reads; shorten it or remove repeated aliases (*name)"
        ),
        E::Budget { breach: B::Aliases { .. } | B::Anchors { .. }, .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            format!("too many anchors (&name) or aliases (*name), or aliases nested too deep; {SIMPLIFY}")
        }
        E::Budget { breach: B::Nodes { .. } | B::Events { .. }, .. } => format!(
            "the file holds more values than yarlung reads (aliases counted each time they are used); {SIMPLIFY}"
        ),
        E::Budget { .. } => format!("the file is larger or more complex than yarlung reads; {SIMPLIFY}"),
        E::DuplicateMappingKey { key: Some(key), .. } => {
            format!("the key `{key}` appears twice in the same mapping; keep one")
        }
        E::DuplicateMappingKey { key: None, .. } => {
            "a key appears twice in the same mapping; keep one".into()
        }
        E::NullIntoString { .. } => "the value is missing; write a text after the colon".into(),
        E::InvalidScalar { ty, .. } if ty.starts_with('u') || ty.starts_with('i') => {
            "expected a whole number (digits only, e.g. 10)".into()
        }
        E::InvalidScalar { ty, .. } if ty.starts_with('f') => "expected a number (e.g. 1.6 or 400)".into(),
        _ => {
            let message = first_line(&error.to_string());
            match message.contains("recursion limit") {
                true => format!("brackets or indentation are nested too deep; {SIMPLIFY}"),
                false => message,
            }
        }
    }
}

/// Keeps the headline of a multi-line parser message (the location is reported separately).
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    match line.rfind(" at line ") {
        Some(at) if line[at..].contains(", column ") => line[..at].to_string(),
        _ => line.to_string(),
    }
}

/// The 1-based line and column of byte `offset` in `bytes`.
fn position_of(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() as u64 + 1;
    (line, column)
}
