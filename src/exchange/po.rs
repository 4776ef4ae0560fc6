//! gettext PO, as Weblate, Poedit and OmegaT read it: the field path as `msgctxt`, the
//! Chinese as `msgid`, the translation as `msgstr`; drafts `#, fuzzy`; the translation's
//! file and line as a `#:` reference.

use super::Unit;
use crate::project::i18n::State;

/// `text` as a PO string (a carriage return as `\r`, other control characters as they are).
fn quoted(text: &str) -> String {
    super::edit::escaped(text, |c| if c == '\r' { "\\r".into() } else { c.to_string() })
}

/// `units` as a PO file for `language`.
pub fn write(units: &[Unit], language: &str) -> String {
    let mut out = format!(
        "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Language: {language}\\n\"\n\"X-Source-Language: zh_CN\\n\"\n"
    );
    for unit in units {
        out.push('\n');
        out.push_str(&format!("#: {}\n", unit.note));
        if unit.state == Some(State::Draft) {
            out.push_str("#, fuzzy\n");
        }
        out.push_str(&format!(
            "msgctxt {}\nmsgid {}\nmsgstr {}\n",
            quoted(&unit.id),
            quoted(&unit.source),
            quoted(unit.target.as_deref().unwrap_or_default())
        ));
    }
    out
}

/// The value of a PO string line (`"…"`), unescaped.
fn unquote(line: &str) -> Result<String, String> {
    let inner = line
        .trim()
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .ok_or_else(|| format!("`{line}` is not a quoted PO string"))?;
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => return Err(format!("`{line}` ends in a lone backslash")),
        }
    }
    Ok(out)
}

/// Reads a PO file: its language (from the header) and units (the header is not one).
pub fn read(text: &str) -> Result<(Option<String>, Vec<Unit>), String> {
    let mut units = Vec::new();
    let mut language = None;
    for (n, block) in text.replace("\r\n", "\n").split("\n\n").enumerate() {
        let mut unit =
            Unit { id: String::new(), source: String::new(), target: None, state: None, note: String::new() };
        let (mut fuzzy, mut field): (bool, Option<u8>) = (false, None);
        let mut has_id = false;
        for line in block.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let at = |e: String| format!("entry {}: {e}", n + 1);
            if let Some(flags) = line.strip_prefix("#,") {
                fuzzy |= flags.split(',').any(|f| f.trim() == "fuzzy");
            } else if let Some(note) = line.strip_prefix("#:") {
                unit.note = note.trim().to_string();
            } else if line.starts_with('#') {
            } else if let Some(rest) = line.strip_prefix("msgctxt ") {
                unit.id = unquote(rest).map_err(at)?;
                field = Some(b'c');
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                unit.source = unquote(rest).map_err(at)?;
                has_id = true;
                field = Some(b'i');
            } else if let Some(rest) = line.strip_prefix("msgstr ") {
                unit.target = Some(unquote(rest).map_err(at)?);
                field = Some(b's');
            } else if line.starts_with('"') {
                let more = unquote(line).map_err(at)?;
                match field {
                    Some(b'c') => unit.id.push_str(&more),
                    Some(b'i') => unit.source.push_str(&more),
                    Some(b's') => unit.target.get_or_insert_with(String::new).push_str(&more),
                    _ => return Err(at("a string continues nothing".into())),
                }
            } else {
                return Err(at(format!("`{line}` is not PO")));
            }
        }
        if !has_id {
            continue;
        }
        if unit.id.is_empty() && unit.source.is_empty() {
            let header = unit.target.unwrap_or_default();
            language = header.lines().find_map(|l| l.strip_prefix("Language:")).map(|l| l.trim().to_string());
            continue;
        }
        let translated = unit.target.as_deref().is_some_and(|t| !t.trim().is_empty());
        unit.state = translated.then_some(if fuzzy { State::Draft } else { State::Reviewed });
        if !translated {
            unit.target = None;
        }
        units.push(unit);
    }
    Ok((language, units))
}
