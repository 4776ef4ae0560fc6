//! XLIFF 1.2 and 2.0, as Weblate, OmegaT, memoQ and Trados read them. 1.2: one
//! `trans-unit` per text, its id the field path; reviewed texts `approved="yes"` with
//! `state="final"`, drafts `state="needs-review-translation"`, missing ones an empty target
//! `state="needs-translation"`; the translation's file and line as a `note`. 2.0: the field
//! path as the unit's `name` (ids are NMTOKENs, which paths are not), segment `state`
//! `final` (reviewed), `translated` (draft) or `initial` (missing).

use quick_xml::events::Event;

use super::Unit;
use crate::pdf::xmp::escape;
use crate::project::i18n::State;

/// The language the sources are in.
const SOURCE_LANGUAGE: &str = "zh-CN";

/// `units` as XLIFF 1.2 for `language`.
pub fn write_12(units: &[Unit], language: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n\
         <file original=\"data\" source-language=\"{SOURCE_LANGUAGE}\" target-language=\"{language}\" datatype=\"plaintext\">\n<body>\n"
    );
    for unit in units {
        let (approved, state) = match unit.state {
            Some(State::Reviewed) => (" approved=\"yes\"", "final"),
            Some(State::Draft) => ("", "needs-review-translation"),
            None => ("", "needs-translation"),
        };
        out.push_str(&format!(
            "<trans-unit id=\"{}\"{approved} xml:space=\"preserve\">\n<source>{}</source>\n<target state=\"{state}\">{}</target>\n<note>{}</note>\n</trans-unit>\n",
            escape(&unit.id),
            escape(&unit.source),
            escape(unit.target.as_deref().unwrap_or_default()),
            escape(&unit.note),
        ));
    }
    out.push_str("</body>\n</file>\n</xliff>\n");
    out
}

/// `units` as XLIFF 2.0 for `language`.
pub fn write_20(units: &[Unit], language: &str) -> String {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" \
         srcLang=\"{SOURCE_LANGUAGE}\" trgLang=\"{language}\">\n<file id=\"data\">\n"
    );
    for (n, unit) in units.iter().enumerate() {
        let state = match unit.state {
            Some(State::Reviewed) => "final",
            Some(State::Draft) => "translated",
            None => "initial",
        };
        out.push_str(&format!(
            "<unit id=\"u{}\" name=\"{}\">\n<notes><note category=\"location\">{}</note></notes>\n\
             <segment state=\"{state}\">\n<source xml:space=\"preserve\">{}</source>\n<target xml:space=\"preserve\">{}</target>\n</segment>\n</unit>\n",
            n + 1,
            escape(&unit.id),
            escape(&unit.note),
            escape(&unit.source),
            escape(unit.target.as_deref().unwrap_or_default()),
        ));
    }
    out.push_str("</file>\n</xliff>\n");
    out
}

/// The attribute `name` of an element.
fn attribute(start: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// Reads XLIFF 1.2 or 2.0: the target language and the units.
pub fn read(text: &str) -> Result<(Option<String>, Vec<Unit>), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut language = None;
    let mut units = Vec::new();
    let mut unit: Option<Unit> = None;
    let mut field: Option<&'static str> = None;
    let mut state12: (bool, Option<String>) = (false, None);
    loop {
        let event = reader.read_event().map_err(|e| format!("not well-formed XLIFF: {e}"))?;
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"file" => language = language.or(attribute(e, "target-language")),
                b"xliff" => language = language.or(attribute(e, "trgLang")),
                b"trans-unit" | b"unit" => {
                    let id = attribute(e, "name").or_else(|| attribute(e, "id")).unwrap_or_default();
                    unit = Some(Unit {
                        id,
                        source: String::new(),
                        target: None,
                        state: None,
                        note: String::new(),
                    });
                    state12 = (attribute(e, "approved").as_deref() == Some("yes"), None);
                }
                b"segment" => state12.1 = attribute(e, "state"),
                b"source" => field = Some("source"),
                b"target" => {
                    state12.1 = state12.1.take().or_else(|| attribute(e, "state"));
                    field = Some("target");
                    if let Some(unit) = unit.as_mut() {
                        unit.target = Some(String::new());
                    }
                }
                b"note" => field = Some("note"),
                _ => {}
            },
            Event::Text(t) => {
                if let (Some(unit), Some(field)) = (unit.as_mut(), field) {
                    let t = t.decode().map_err(|e| e.to_string())?;
                    let t = quick_xml::escape::unescape(&t).map_err(|e| e.to_string())?;
                    push(unit, field, &t);
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(unit), Some(field)) = (unit.as_mut(), field) {
                    let name = r.decode().map_err(|e| e.to_string())?;
                    let entity = format!("&{name};");
                    let t = quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?;
                    push(unit, field, &t);
                }
            }
            Event::CData(t) => {
                if let (Some(unit), Some(field)) = (unit.as_mut(), field) {
                    push(unit, field, &String::from_utf8_lossy(t));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"source" | b"target" | b"note" => field = None,
                b"trans-unit" | b"unit" => {
                    if let Some(mut done) = unit.take() {
                        done.state = state_of(&done, &state12);
                        if done.state.is_none() {
                            done.target = None;
                        }
                        units.push(done);
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((language, units))
}

/// Appends `text` to `field` of `unit`.
fn push(unit: &mut Unit, field: &str, text: &str) {
    match field {
        "source" => unit.source.push_str(text),
        "target" => unit.target.get_or_insert_with(String::new).push_str(text),
        _ => unit.note.push_str(text),
    }
}

/// The state of a read unit: reviewed when approved or final (or 2.0's reviewed), a draft
/// when it has a translation otherwise, none without one.
fn state_of(unit: &Unit, (approved, state): &(bool, Option<String>)) -> Option<State> {
    let target = unit.target.as_deref().is_some_and(|t| !t.trim().is_empty());
    let final_ = *approved || matches!(state.as_deref(), Some("final" | "signed-off" | "reviewed"));
    match (target, final_) {
        (false, _) => None,
        (true, true) => Some(State::Reviewed),
        (true, false) => Some(State::Draft),
    }
}
