//! `yarlung package`: the archive profile's records as a transfer package an archive
//! imports, and `--verify`, which recomputes every digest of a package.
//!
//! Both formats hold `catalogue.xml` (移交目录: every file with its size, SM3 and SHA-256),
//! `manifest.json` (the build's inputs and outputs), `data/` (the facts) and `images/` (the
//! original figure files). `eep` adds one DA/T 48-2009 envelope per record
//! (`records/<document>.eep.xml`: 封装包类型 原始型, the record's DA/T 46 metadata, the PDF
//! Base64-encoded with its SM3 digest; the signature block is left for the agency's own
//! seal); `folder` holds each PDF with its metadata sidecar (`records/<document>.pdf`,
//! `records/<document>.metadata.xml`). The package is made in a folder beside `DIR` and
//! renamed into place, so a failed run leaves no half-made package.

use std::path::{Path, PathBuf};

use base64::Engine;
use quick_xml::events::Event;

use crate::error::{Error, Result};
use crate::output::digest::digests;
use crate::pdf::xmp::escape;
use crate::pipeline::Made;
use crate::project::Project;

/// The catalogue's file name.
pub const CATALOGUE: &str = "catalogue.xml";

/// How records are packaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One DA/T 48 envelope (EEP) per record.
    Eep,
    /// The PDFs and their metadata sidecars in a folder.
    Folder,
}

/// Writes the package of the archived documents `made` of `project` into `dir`; returns
/// the files written, relative to `dir`.
pub fn write(project: &Project, made: &[&Made], format: Format, dir: &Path) -> Result<Vec<PathBuf>> {
    let partial = sibling(dir, "partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    for m in made {
        let pdf_path =
            m.path.as_ref().ok_or_else(|| Error::internal("the package", "a record was not written"))?;
        let pdf = std::fs::read(pdf_path).map_err(|e| Error::io(pdf_path, e))?;
        let sidecar_path = pdf_path.with_extension("metadata.xml");
        let sidecar = std::fs::read_to_string(&sidecar_path).map_err(|e| Error::io(&sidecar_path, e))?;
        match format {
            Format::Eep => {
                let envelope = envelope(project, &m.name, &pdf, &sidecar);
                files.push((PathBuf::from(format!("records/{}.eep.xml", m.name)), envelope.into_bytes()));
            }
            Format::Folder => {
                files.push((PathBuf::from(format!("records/{}.pdf", m.name)), pdf));
                files.push((PathBuf::from(format!("records/{}.metadata.xml", m.name)), sidecar.into_bytes()));
            }
        }
    }
    let sources = project.facts.files.iter().chain(project.figures.iter().map(|f| &f.path));
    for rel in sources {
        let bytes = std::fs::read(project.root.join(rel)).map_err(|e| Error::io(rel, e))?;
        files.push((rel.clone(), bytes));
    }
    let manifest =
        project.output_dir(crate::profile::Profile::Archive).join(crate::pipeline::manifest::MANIFEST_FILE);
    files.push((
        PathBuf::from("manifest.json"),
        std::fs::read(&manifest).map_err(|e| Error::io(&manifest, e))?,
    ));
    let catalogue = catalogue(project, &files);
    files.push((PathBuf::from(CATALOGUE), catalogue.into_bytes()));
    for (rel, bytes) in &files {
        crate::output::write::write_atomic(&partial.join(rel), bytes)?;
    }
    replace(&partial, dir)?;
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// `dir`'s sibling named `.<dir's name>.yarlung-<what>`.
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "package".into());
    dir.with_file_name(format!(".{name}.yarlung-{what}"))
}

/// Puts the finished folder `partial` in the place of `dir`.
fn replace(partial: &Path, dir: &Path) -> Result<()> {
    let old = sibling(dir, "old");
    if dir.exists() {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::rename(partial, dir).map_err(|e| Error::io(dir, e))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// The DA/T 48 envelope of the record `name`: its `pdf` and its DA/T 46 `sidecar`.
fn envelope(project: &Project, name: &str, pdf: &[u8], sidecar: &str) -> String {
    let (y, m, d) = project.date;
    let metadata = sidecar.split_once("?>").map_or(sidecar, |(_, rest)| rest).trim();
    let digest = digests(pdf);
    let data = base64::engine::general_purpose::STANDARD.encode(pdf);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <电子文件封装包>\n\
         <封装包格式描述>本封装包依据DA/T 48-2009《基于XML的电子文件封装规范》生成</封装包格式描述>\n\
         <版本>2009</版本>\n\
         <被签名对象 eep版本=\"2009\">\n\
         <封装包类型>原始型</封装包类型>\n\
         <封装包类型描述>本封装包包含电子文件数据及其元数据，原始封装，未经修改</封装包类型描述>\n\
         <封装包创建时间>{y:04}-{m:02}-{d:02}T00:00:00</封装包创建时间>\n\
         <封装包创建单位>{agency}</封装包创建单位>\n\
         <封装内容>\n\
         <文件实体块><文件实体><文件数据><文档><文档标识符>{name}</文档标识符><文档序号>1</文档序号>\
         <文档数据><编码><电子属性><格式信息>{format}</格式信息><计算机文件名>{name}.pdf</计算机文件名>\
         <计算机文件大小>{size}</计算机文件大小></电子属性>\
         <编码描述>编码数据为计算机文件二进制流的Base64编码</编码描述><反编码关键字>base64</反编码关键字>\
         <数字摘要 算法=\"SM3\">{sm3}</数字摘要><数字摘要 算法=\"SHA-256\">{sha256}</数字摘要>\n\
         <编码数据>{data}</编码数据>\n\
         </编码></文档数据></文档></文件数据></文件实体></文件实体块>\n\
         <元数据>\n{metadata}\n</元数据>\n\
         </封装内容>\n\
         </被签名对象>\n\
         <电子签名块><!-- 留待立档单位以其电子印章或SM2签名签署 --></电子签名块>\n\
         </电子文件封装包>\n",
        agency = escape(&project.config.archive.agency),
        name = escape(name),
        format = crate::pipeline::record::FORMAT,
        size = pdf.len(),
        sm3 = digest.sm3,
        sha256 = digest.sha256,
    )
}

/// The catalogue of `files` (path in the package, bytes).
fn catalogue(project: &Project, files: &[(PathBuf, Vec<u8>)]) -> String {
    let (y, m, d) = project.date;
    let entries: String = files
        .iter()
        .map(|(rel, bytes)| {
            let digest = digests(bytes);
            format!(
                "  <文件 路径=\"{}\" 大小=\"{}\" SM3=\"{}\" SHA256=\"{}\"/>\n",
                escape(&rel.to_string_lossy().replace('\\', "/")),
                bytes.len(),
                digest.sm3,
                digest.sha256
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <移交目录 立档单位=\"{}\" 全宗号=\"{}\" 日期=\"{y:04}{m:02}{d:02}\" 创建程序=\"yarlung {}\">\n{entries}</移交目录>\n",
        escape(&project.config.archive.agency),
        escape(&project.config.archive.fonds),
        env!("CARGO_PKG_VERSION"),
    )
}

/// What `--verify` found wrong with one file of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the package.
    pub file: String,
    /// What differs.
    pub what: String,
}

/// Recomputes every digest the package in `dir` records (the catalogue's, and each
/// envelope's for its content) and returns what differs.
pub fn verify(dir: &Path) -> Result<Vec<Problem>> {
    let path = dir.join(CATALOGUE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(
            &path,
            format!("cannot read the package's catalogue ({e}); is {} a package?", dir.display()),
        )
    })?;
    let mut problems = Vec::new();
    for entry in elements(&text, "文件").map_err(|m| Error::input(&path, m))? {
        let file = entry.attribute("路径").unwrap_or_default();
        let problem = |what: String| Problem { file: file.clone(), what };
        let Ok(bytes) = std::fs::read(dir.join(&file)) else {
            problems.push(problem("is missing".into()));
            continue;
        };
        let digest = digests(&bytes);
        if entry.attribute("SM3").as_deref() != Some(digest.sm3.as_str()) {
            problems.push(problem(format!(
                "its SM3 is {}, the catalogue records {}",
                digest.sm3,
                entry.attribute("SM3").unwrap_or_default()
            )));
        } else if entry.attribute("SHA256").as_deref() != Some(digest.sha256.as_str()) {
            problems.push(problem("its SHA-256 differs from the catalogue's".into()));
        }
        if file.ends_with(".eep.xml") {
            problems.extend(verify_envelope(&file, &bytes));
        }
    }
    Ok(problems)
}

/// The problems of the envelope `file` holding `bytes`: content that does not decode or
/// whose SM3 is not the one the envelope records.
fn verify_envelope(file: &str, bytes: &[u8]) -> Vec<Problem> {
    let problem = |what: &str| vec![Problem { file: file.to_string(), what: what.to_string() }];
    let text = String::from_utf8_lossy(bytes);
    let Ok(found) = elements(&text, "数字摘要").and_then(|d| Ok((d, elements(&text, "编码数据")?)))
    else {
        return problem("is not well-formed XML");
    };
    let (digests_found, data) = found;
    let recorded =
        digests_found.iter().find(|d| d.attribute("算法").as_deref() == Some("SM3")).map(|d| d.text.clone());
    let Some(data) = data.first() else { return problem("holds no 编码数据") };
    let Ok(content) = base64::engine::general_purpose::STANDARD.decode(data.text.trim()) else {
        return problem("its 编码数据 is not Base64");
    };
    let sm3 = crate::output::digest::sm3(&content);
    if recorded.as_deref() != Some(sm3.as_str()) {
        return problem(&format!(
            "its content's SM3 is {sm3}, the envelope records {}",
            recorded.unwrap_or_default()
        ));
    }
    vec![]
}

/// An XML element's attributes and text.
#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Attributes by name.
    pub attributes: Vec<(String, String)>,
    /// The text inside it.
    pub text: String,
}

impl Element {
    /// The attribute `name`'s value.
    pub fn attribute(&self, name: &str) -> Option<String> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }
}

/// Every element named `name` in the XML `text`, in document order, with its text (that
/// of its children included).
pub fn elements(text: &str, name: &str) -> std::result::Result<Vec<Element>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut open: Option<(Element, usize)> = None;
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| format!("not well-formed XML: {e}"))?;
        match &event {
            Event::Start(start) | Event::Empty(start)
                if open.is_none() && start.name().as_ref() == name.as_bytes() =>
            {
                let mut element = Element::default();
                for attribute in start.attributes() {
                    let attribute = attribute.map_err(|e| format!("not well-formed XML: {e}"))?;
                    let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
                    let value = attribute.unescape_value().map_err(|e| e.to_string())?.into_owned();
                    element.attributes.push((key, value));
                }
                if matches!(event, Event::Empty(_)) {
                    out.push(element);
                } else {
                    open = Some((element, depth));
                    depth += 1;
                }
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if open.as_ref().is_some_and(|(_, at)| *at == depth) {
                    out.extend(open.take().map(|(element, _)| element));
                }
            }
            Event::Text(t) => {
                if let Some((element, _)) = open.as_mut() {
                    element.text.push_str(&t.decode().map_err(|e| e.to_string())?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}
