//! Shared test helpers: a temporary copy of the example project, running the binary,
//! and reading PDFs with lopdf.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use lopdf::{Document, Object, ObjectId};

/// The repository root, which is also the example project.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example project built once per test run in every profile and edition, shared
/// (read-only) by the tests that only read its outputs.
pub fn example() -> &'static Fixture {
    static BUILT: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let fixture = Fixture::new();
        let run = fixture.run(&["build", "--profile", "all"]);
        assert_eq!(run.code, 0, "the example failed to build:\n{}", run.stderr);
        fixture
    })
}

/// A temporary copy of the example project (config, data, templates, images).
pub struct Fixture {
    /// Removed on drop.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// Copies the example project into a fresh temporary folder, its brochure and leaflets
    /// only (the event and online materials have tests of their own: [`Fixture::full`]).
    pub fn new() -> Self {
        let fixture = Self::full();
        let config = fixture.root().join("yarlung.yaml");
        let text = std::fs::read_to_string(&config).expect("read the config");
        let start = text.find("\n  # Roll-up banners").expect("the materials' entries");
        let end = text.find("\n# The figure files").expect("the figures' section");
        std::fs::write(&config, format!("{}\n{}", &text[..start], &text[end..])).expect("write the config");
        fixture
    }

    /// Copies the whole example project into a fresh temporary folder.
    pub fn full() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for entry in ["yarlung.yaml", "data", "templates", "images"] {
            copy(&repo().join(entry), &dir.path().join(entry));
        }
        Self { dir }
    }

    /// The project root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `yarlung <args> --project <root>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = args.to_vec();
        let root = self.root().to_str().expect("utf-8 temp path").to_owned();
        all.extend(["--project", &root]);
        run(&all)
    }

    /// Path of an output PDF of the print profile.
    pub fn pdf(&self, name: &str) -> PathBuf {
        self.root().join("out/print").join(format!("{name}.pdf"))
    }

    /// Replaces `from` with `to` in a project file (the text must occur).
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.root().join(file);
        let text = std::fs::read_to_string(&path).expect("read fixture file");
        assert!(text.contains(from), "{file} does not contain {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write fixture file");
    }
}

/// The outcome of running the binary.
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard error, lossily decoded.
    pub stderr: String,
    /// Standard output, lossily decoded.
    pub stdout: String,
}

/// Runs the yarlung binary with `args` and a pinned environment.
pub fn run(args: &[&str]) -> Run {
    let Output { status, stderr, stdout } = Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("YARLUNG_PROJECT")
        .env_remove("YARLUNG_FONT_PATHS")
        .env_remove("YARLUNG_WORKER")
        .output()
        .expect("run yarlung");
    let stderr = String::from_utf8_lossy(&stderr).into_owned();
    assert!(!stderr.contains("panicked"), "yarlung panicked:\n{stderr}");
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    Run { code: status.code().unwrap_or(-1), stderr, stdout }
}

/// Copies a file or folder recursively.
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("create dir");
        for entry in std::fs::read_dir(from).expect("read dir") {
            let entry = entry.expect("dir entry");
            copy(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        std::fs::copy(from, to).expect("copy file");
    }
}

/// A PDF opened with lopdf.
pub struct Pdf {
    /// The parsed document.
    pub doc: Document,
}

impl Pdf {
    /// Opens the PDF at `path`.
    pub fn open(path: &Path) -> Self {
        Self { doc: Document::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())) }
    }

    /// The image XObject streams.
    pub fn image_streams(&self) -> Vec<&lopdf::Stream> {
        self.doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .filter(|s| s.dict.get(b"Subtype").and_then(lopdf::Object::as_name).ok() == Some(b"Image"))
            .collect()
    }

    /// The number of pages.
    pub fn pages(&self) -> usize {
        self.doc.get_pages().len()
    }

    /// A page box (`MediaBox`, `TrimBox`, …) of page `n` (1-based) in millimetres: width, height.
    pub fn page_box(&self, n: u32, name: &[u8]) -> Option<(f64, f64)> {
        let id = *self.doc.get_pages().get(&n)?;
        let page = self.doc.get_dictionary(id).ok()?;
        let array = page.get(name).ok()?.as_array().ok()?;
        let v: Vec<f64> = array
            .iter()
            .filter_map(|o| o.as_float().ok().map(f64::from).or(o.as_i64().ok().map(|i| i as f64)))
            .collect();
        (v.len() == 4).then(|| ((v[2] - v[0]) * 25.4 / 72.0, (v[3] - v[1]) * 25.4 / 72.0))
    }

    /// The text of all pages in drawing order, without whitespace. Strings are decoded
    /// through each font's ToUnicode map, and a marked-content span's `/ActualText`
    /// replaces what it draws (as PDF readers extract it); form XObjects are followed.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (_, page) in self.doc.get_pages() {
            let Ok(content) = self.doc.get_page_content(page) else {
                continue;
            };
            let resources = self.doc.get_page_resources(page).ok().and_then(|(own, ids)| {
                own.cloned().or_else(|| ids.first().and_then(|id| self.doc.get_dictionary(*id).ok().cloned()))
            });
            self.walk(&content, resources.as_ref(), &mut out, 0);
        }
        out.split_whitespace().collect()
    }

    /// The text of page `n` (1-based), as [`Pdf::text`] gives all pages'.
    pub fn page_text(&self, n: u32) -> String {
        let mut out = String::new();
        if let Some(&page) = self.doc.get_pages().get(&n)
            && let Ok(content) = self.doc.get_page_content(page)
        {
            let resources = self.doc.get_page_resources(page).ok().and_then(|(own, ids)| {
                own.cloned().or_else(|| ids.first().and_then(|id| self.doc.get_dictionary(*id).ok().cloned()))
            });
            self.walk(&content, resources.as_ref(), &mut out, 0);
        }
        out.split_whitespace().collect()
    }

    /// Decodes the text of one content stream with its resources.
    fn walk(&self, content: &[u8], resources: Option<&lopdf::Dictionary>, out: &mut String, depth: usize) {
        let Ok(content) = lopdf::content::Content::decode(content) else {
            return;
        };
        let lookup = |kind: &[u8], name: &[u8]| -> Option<&lopdf::Object> {
            let dict = resources?.get(kind).ok()?;
            let dict = match dict {
                Object::Reference(id) => self.doc.get_dictionary(*id).ok()?,
                other => other.as_dict().ok()?,
            };
            let object = dict.get(name).ok()?;
            match object {
                Object::Reference(id) => self.doc.get_object(*id).ok(),
                other => Some(other),
            }
        };
        let mut map = std::collections::HashMap::new();
        // Open marked-content spans: the ActualText of each, where it has one.
        let mut spans: Vec<Option<String>> = Vec::new();
        for op in &content.operations {
            let replaced = spans.iter().any(Option::is_some);
            match op.operator.as_str() {
                "BMC" => spans.push(None),
                "BDC" => {
                    let actual = op.operands.get(1).and_then(|o| o.as_dict().ok()).and_then(|d| {
                        let bytes = d.get(b"ActualText").and_then(Object::as_str).ok()?;
                        let units: Vec<u16> = bytes
                            .strip_prefix(&[0xFE, 0xFF])?
                            .chunks(2)
                            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                            .collect();
                        Some(String::from_utf16_lossy(&units))
                    });
                    spans.push(actual);
                }
                "EMC" => {
                    if let Some(Some(text)) = spans.pop()
                        && !spans.iter().any(Option::is_some)
                    {
                        out.push_str(&text);
                    }
                }
                "Tj" | "'" | "\"" | "TJ" if replaced => {}
                "Tf" => {
                    map.clear();
                    if let Some(font) =
                        op.operands.first().and_then(|o| o.as_name().ok()).and_then(|n| lookup(b"Font", n))
                    {
                        map = self.to_unicode(font);
                    }
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    for operand in &op.operands {
                        let strings: Vec<&[u8]> = match operand {
                            Object::String(bytes, _) => vec![bytes],
                            Object::Array(items) => items.iter().filter_map(|i| i.as_str().ok()).collect(),
                            _ => vec![],
                        };
                        for bytes in strings {
                            for pair in bytes.chunks(2) {
                                let code = pair.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
                                out.push_str(map.get(&code).map(String::as_str).unwrap_or("\u{fffd}"));
                            }
                        }
                    }
                }
                "Do" if depth < 8 => {
                    let Some(Object::Stream(stream)) = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|n| lookup(b"XObject", n))
                    else {
                        continue;
                    };
                    if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
                        continue;
                    }
                    let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
                    let inner = match stream.dict.get(b"Resources") {
                        Ok(Object::Reference(id)) => self.doc.get_dictionary(*id).ok().cloned(),
                        Ok(Object::Dictionary(d)) => Some(d.clone()),
                        _ => resources.cloned(),
                    };
                    self.walk(&data, inner.as_ref(), out, depth + 1);
                }
                _ => {}
            }
        }
    }

    /// Parses the `bfchar` and `bfrange` entries of a font's ToUnicode CMap.
    fn to_unicode(&self, font: &Object) -> std::collections::HashMap<u32, String> {
        let mut map = std::collections::HashMap::new();
        let Some(stream) = font
            .as_dict()
            .ok()
            .and_then(|d| d.get(b"ToUnicode").ok())
            .and_then(|o| o.as_reference().ok())
            .and_then(|id| self.doc.get_object(id).ok())
            .and_then(|o| o.as_stream().ok())
        else {
            return map;
        };
        let data = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
        let text = String::from_utf8_lossy(&data);
        let hex = |s: &str| u32::from_str_radix(s.trim_matches(|c| c == '<' || c == '>'), 16).ok();
        let utf16 = |s: &str| {
            let s = s.trim_matches(|c| c == '<' || c == '>');
            let units: Vec<u16> =
                (0..s.len() / 4).filter_map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).ok()).collect();
            String::from_utf16_lossy(&units)
        };
        let mut mode = "";
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.last().copied() {
                Some("beginbfchar") => mode = "char",
                Some("beginbfrange") => mode = "range",
                Some("endbfchar") | Some("endbfrange") => mode = "",
                _ => match (mode, words.as_slice()) {
                    ("char", [code, uni]) => {
                        if let Some(code) = hex(code) {
                            map.insert(code, utf16(uni));
                        }
                    }
                    ("range", [lo, hi, uni]) if uni.starts_with('<') => {
                        if let (Some(lo), Some(hi), Some(base)) = (hex(lo), hex(hi), hex(uni)) {
                            for (i, code) in (lo..=hi).enumerate() {
                                let c = char::from_u32(base + i as u32).map(String::from).unwrap_or_default();
                                map.insert(code, c);
                            }
                        }
                    }
                    _ => {}
                },
            }
        }
        map
    }

    /// Every font dictionary that draws glyphs (descendants of Type0 fonts included).
    pub fn fonts(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        for (_, object) in self.doc.objects.iter() {
            let Ok(dict) = object.as_dict() else { continue };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font") {
                continue;
            }
            let subtype = dict.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
            if subtype == b"Type0" || subtype == b"Type3" {
                continue;
            }
            let name = dict
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            let embedded = dict
                .get(b"FontDescriptor")
                .and_then(Object::as_reference)
                .and_then(|id: ObjectId| self.doc.get_dictionary(id))
                .map(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"))
                .unwrap_or(false);
            out.push((name, embedded));
        }
        out
    }
}
