//! Every fact as its field path, value and place (file and line): what proof rounds compare
//! and what `yarlung changes` points at. Paths are named as translation keys name fields:
//! `provinces.hubei.results.talent-jobs.metrics.civil-service-posts.value` (a list item
//! with an `id` by its id, others by their index: `highlights[0].text`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_saphyr::Spanned;

use super::facts::Facts;
use crate::error::Result;

/// One fact as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its value as text (numbers as written by YAML's reading of them).
    pub value: String,
    /// The facts file, relative to the project root.
    pub file: PathBuf,
    /// Its 1-based line there (0 when unknown).
    pub line: usize,
}

impl Field {
    /// `file:line`, as messages name places.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Every fact of `facts` (read again from its files under `root`) by field path.
pub fn fields(root: &Path, facts: &Facts) -> Result<BTreeMap<String, Field>> {
    let mut out = BTreeMap::new();
    for file in &facts.files {
        let node: Spanned<Node> = super::yaml::read(root, file)?;
        let prefix = match file.file_name().and_then(|n| n.to_str()) {
            Some(super::facts::PROJECT_FILE) => "project".to_string(),
            Some(super::facts::FIGURES_FILE) => "figures".to_string(),
            _ => match node.value.get("id") {
                Some(id) => format!("provinces.{id}"),
                None => continue,
            },
        };
        walk(&prefix, &node, file, &mut out);
    }
    Ok(out)
}

/// Adds the scalar leaves of `node` under `path` to `out`.
fn walk(path: &str, node: &Spanned<Node>, file: &Path, out: &mut BTreeMap<String, Field>) {
    match &node.value {
        Node::Scalar(value) => {
            let line = node.referenced.line() as usize;
            out.insert(path.to_string(), Field { value: value.clone(), file: file.to_path_buf(), line });
        }
        Node::Map(entries) => {
            for (key, child) in entries {
                walk(&format!("{path}.{key}"), child, file, out);
            }
        }
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let child = match item.value.get("id") {
                    Some(id) => format!("{path}.{id}"),
                    None => format!("{path}[{i}]"),
                };
                walk(&child, item, file, out);
            }
        }
    }
}

/// A YAML node with the place of every value.
#[derive(Debug)]
enum Node {
    /// A string, number, boolean or null, as text.
    Scalar(String),
    /// A list.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, in the file's order.
    Map(Vec<(String, Spanned<Node>)>),
}

impl Node {
    /// The scalar under `key` of a mapping.
    fn get(&self, key: &str) -> Option<&str> {
        let Node::Map(entries) = self else { return None };
        entries.iter().find(|(k, _)| k == key).and_then(|(_, v)| match &v.value {
            Node::Scalar(s) => Some(s.as_str()),
            _ => None,
        })
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Reads any YAML value into a [`Node`].
struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value::<Spanned<Node>>()?));
        }
        Ok(Node::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_records_by_id_and_lines_are_kept() {
        let yaml = "id: hubei\nresults:\n  jobs:\n    metrics:\n      - id: posts\n        value: 15\n    highlights:\n      - title: A\n";
        let node: Spanned<Node> = crate::project::yaml::parse(Path::new("p.yaml"), yaml.as_bytes()).unwrap();
        let mut out = BTreeMap::new();
        walk("provinces.hubei", &node, Path::new("p.yaml"), &mut out);
        let value = &out["provinces.hubei.results.jobs.metrics.posts.value"];
        assert_eq!((value.value.as_str(), value.line), ("15", 6));
        assert_eq!(out["provinces.hubei.results.jobs.highlights[0].title"].line, 8);
    }
}
