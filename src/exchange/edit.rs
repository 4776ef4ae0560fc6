//! Editing translation files as text, so that everything but the changed entry keeps its
//! bytes: comments, order, quoting, line endings.

use crate::project::i18n::State;

/// `text` as a double-quoted YAML string.
pub fn quoted(text: &str) -> String {
    escaped(text, |c| format!("\\u{:04X}", c as u32))
}

/// `text` in double quotes with `"`, `\\`, newlines and tabs escaped as C does (YAML's
/// double-quoted strings and PO strings both read them), other control characters as
/// `control` writes them.
pub fn escaped(text: &str, control: impl Fn(char) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&control(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The name of `state` as the files write it.
fn state_name(state: State) -> &'static str {
    match state {
        State::Draft => "draft",
        State::Reviewed => "reviewed",
    }
}

/// How far `line` is indented.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `body` with the entry whose key is on 1-based line `line` given `text` and `state`;
/// `None` when no entry with `text:` and `state:` starts there.
pub fn replace_entry(body: &str, line: usize, text: &str, state: State) -> Option<String> {
    let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = body.split_inclusive('\n').map(str::to_string).collect();
    let key = line.checked_sub(1)?;
    let key_indent = indent(lines.get(key)?);
    let mut end = key + 1;
    while end < lines.len() && (lines[end].trim().is_empty() || indent(&lines[end]) > key_indent) {
        end += 1;
    }
    let field = |lines: &[String], name: &str| {
        (key + 1..end).find(|&i| lines[i].trim_start().starts_with(&format!("{name}:")))
    };
    let at = field(&lines, "state")?;
    let pad = " ".repeat(indent(&lines[at]));
    lines[at] = format!("{pad}state: {}{newline}", state_name(state));
    let at = field(&lines, "text")?;
    let pad_len = indent(&lines[at]);
    let mut last = at + 1;
    while last < end && !lines[last].trim().is_empty() && indent(&lines[last]) > pad_len {
        last += 1;
    }
    let pad = " ".repeat(pad_len);
    lines.splice(at..last, [format!("{pad}text: {}{newline}", quoted(text))]);
    Some(lines.concat())
}

/// Appends an entry `key` with `text` and `state` to `body`.
pub fn append_entry(body: &mut String, key: &str, text: &str, state: State) {
    let newline = if body.contains("\r\n") { "\r\n" } else { "\n" };
    if !body.is_empty() && !body.ends_with('\n') {
        body.push_str(newline);
    }
    let key = if key.contains(": ")
        || key.contains(" #")
        || key.starts_with(['[', '{', '"', '\'', '*', '&', '!'])
    {
        quoted(key)
    } else {
        key.to_string()
    };
    body.push_str(&format!(
        "{key}:{newline}  text: {}{newline}  state: {}{newline}",
        quoted(text),
        state_name(state)
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_changes_alone() {
        let body = "# comment\nlabels.目录:\n  text: \"旧\"\n  state: draft\nlabels.序:\n  text: >-\n    a\n    b\n  state: draft\n";
        let once = replace_entry(body, 5, "新 \"q\"", State::Reviewed).unwrap();
        assert_eq!(
            once,
            "# comment\nlabels.目录:\n  text: \"旧\"\n  state: draft\nlabels.序:\n  text: \"新 \\\"q\\\"\"\n  state: reviewed\n"
        );
        let crlf = body.replace('\n', "\r\n");
        assert!(
            replace_entry(&crlf, 2, "x", State::Draft)
                .unwrap()
                .starts_with("# comment\r\nlabels.目录:\r\n  text: \"x\"\r\n")
        );
        assert_eq!(replace_entry(body, 1, "x", State::Draft), None);
    }
}
