//! An archived document as a record: the archival description of `archive:` in
//! `yarlung.yaml` with what yarlung knows (page count, format, program, file name, size,
//! digests), written into the PDF's XMP (namespace [`NAMESPACE`]) and beside it as
//! `<document>.metadata.xml`, whose element names are DA/T 46-2009's.

use crate::pdf::xmp::{Property, Schema, escape};
use crate::pipeline::compile::TYPST_VERSION;
use crate::project::Project;
use crate::project::plan::DocumentPlan;

/// The namespace of yarlung's archival XMP properties.
pub const NAMESPACE: &str = "https://yarlung.org/ns/archive/1.0/";
/// Its prefix.
pub const PREFIX: &str = "yarc";
/// The format every archived PDF has.
pub const FORMAT: &str = "PDF/A-3b; PDF/UA-1";

/// What an archive records of one document.
#[derive(Debug, Clone)]
pub struct Record {
    /// 题名: the document's title.
    pub title: String,
    /// 责任者.
    pub creator: String,
    /// 日期, YYYYMMDD.
    pub date: String,
    /// 年度.
    pub year: i32,
    /// 文种 or 类别.
    pub kind: String,
    /// 密级.
    pub classification: &'static str,
    /// 保管期限.
    pub retention: &'static str,
    /// 机构或问题.
    pub subject: String,
    /// 全宗号.
    pub fonds: String,
    /// 立档单位.
    pub agency: String,
    /// 件号: the document's 1-based number among the documents the configuration makes.
    pub number: usize,
    /// 档号, when a pattern is configured.
    pub reference: Option<String>,
    /// 页数.
    pub pages: usize,
    /// 语种.
    pub language: String,
    /// 计算机文件名.
    pub file: String,
    /// 文档创建程序.
    pub program: String,
    /// 审签: the approvals of the proof round a `--final` build printed (empty otherwise).
    pub approvals: String,
}

impl Record {
    /// The record of document `number` (0-based index in the plans) of `project`, titled
    /// `title`, with `pages` pages.
    pub fn new(project: &Project, number: usize, title: Option<&str>, pages: usize) -> Self {
        let plan: &DocumentPlan = &project.plans[number];
        let archive = &project.config.archive;
        let (y, m, d) = project.date;
        let creator = if archive.creator.trim().is_empty() {
            project.facts.project.colophon.editors.clone()
        } else {
            archive.creator.clone()
        };
        Self {
            title: title.unwrap_or(&plan.name).to_string(),
            creator,
            date: format!("{y:04}{m:02}{d:02}"),
            year: y,
            kind: kind(&archive.kinds, plan),
            classification: archive.classification.name(),
            retention: archive.retention.name(),
            subject: archive.subject.clone(),
            fonds: archive.fonds.clone(),
            agency: archive.agency.clone(),
            number: plan.number,
            reference: archive.reference_of(y, plan.number),
            pages,
            language: plan.edition.languages.join(", "),
            file: format!("{}.pdf", plan.name),
            program: format!("yarlung {} (Typst {TYPST_VERSION})", env!("CARGO_PKG_VERSION")),
            approvals: String::new(),
        }
    }

    /// `approvals` as the record states them: `第2校 责任编辑 张三 (time); …`.
    pub fn with_approvals(mut self, approvals: &[crate::profile::Approval]) -> Self {
        let each = approvals.iter().map(|a| format!("第{}校 {} {} ({})", a.round, a.role, a.name, a.time));
        self.approvals = each.collect::<Vec<_>>().join("; ");
        self
    }

    /// The elements a PDF carries in its XMP: all but its own size and digests.
    pub fn schema(&self) -> Schema<'static> {
        let text = |name, description, value: &str| Property {
            name,
            value_type: "Text",
            description,
            value: value.to_string(),
        };
        let mut properties = vec![
            text("title", "题名 (title)", &self.title),
            text("creator", "责任者 (creator)", &self.creator),
            text("date", "日期 (date, YYYYMMDD)", &self.date),
            text("kind", "文种/类别 (kind of record)", &self.kind),
            text("classification", "密级 (security classification)", self.classification),
            text("retention", "保管期限 (retention period)", self.retention),
            text("subject", "机构或问题 (organisational unit or subject)", &self.subject),
            text("fonds", "全宗号 (fonds number)", &self.fonds),
            text("agency", "立档单位 (agency)", &self.agency),
            text("reference", "档号 (archival reference)", self.reference.as_deref().unwrap_or_default()),
            text("format", "格式信息 (format)", FORMAT),
            text("program", "文档创建程序 (creating program)", &self.program),
            text("filename", "计算机文件名 (file name)", &self.file),
            text("approvals", "审签 (approvals of the proof round built)", &self.approvals),
        ];
        properties.push(Property {
            name: "number",
            value_type: "Integer",
            description: "件号 (item number)",
            value: self.number.to_string(),
        });
        properties.push(Property {
            name: "pages",
            value_type: "Integer",
            description: "页数 (page count)",
            value: self.pages.to_string(),
        });
        properties.retain(|p| !p.value.is_empty());
        Schema { name: "yarlung archival record (DA/T 46-2009)", uri: NAMESPACE, prefix: PREFIX, properties }
    }

    /// The sidecar `<document>.metadata.xml` of the written PDF: `bytes` long, with its
    /// SM3 and SHA-256 digests.
    pub fn sidecar(&self, bytes: usize, sm3: &str, sha256: &str) -> String {
        let e = |text: &str| escape(text);
        let reference =
            self.reference.as_deref().map(|r| format!("<档号>{}</档号>", e(r))).unwrap_or_default();
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <电子文件元数据 标准=\"DA/T 46-2009\">\n\
             \x20 <聚合层次>文件</聚合层次>\n\
             \x20 <来源><立档单位名称>{agency}</立档单位名称></来源>\n\
             \x20 <档号>{reference}<全宗号>{fonds}</全宗号><年度>{year}</年度><保管期限>{retention}</保管期限>\
             <机构或问题>{subject}</机构或问题><件号>{number}</件号></档号>\n\
             \x20 <内容描述><题名>{title}</题名><责任者>{creator}</责任者><日期>{date}</日期><文种>{kind}</文种>\
             <密级>{classification}</密级><保管期限>{retention}</保管期限></内容描述>\n\
             \x20 <形式特征><页数>{pages}</页数><语种>{language}</语种></形式特征>\n\
             \x20 <电子属性><格式信息>{FORMAT}</格式信息><计算机文件名>{file}</计算机文件名>\
             <计算机文件大小>{bytes}</计算机文件大小><文档创建程序>{program}</文档创建程序></电子属性>\n\
             \x20 <数字摘要 算法=\"SM3\">{sm3}</数字摘要>\n\
             \x20 <数字摘要 算法=\"SHA-256\">{sha256}</数字摘要>\n\
             </电子文件元数据>\n",
            agency = e(&self.agency),
            fonds = e(&self.fonds),
            year = self.year,
            retention = self.retention,
            subject = e(&self.subject),
            number = self.number,
            title = e(&self.title),
            creator = e(&self.creator),
            date = self.date,
            kind = e(&self.kind),
            classification = self.classification,
            pages = self.pages,
            language = e(&self.language),
            file = e(&self.file),
            program = e(&self.program),
        )
    }
}

/// The kind of record `plan` is: its entry in `kinds` by the document's name as configured
/// (`leaflet-{province}`) or as made (`leaflet-hubei`).
fn kind(kinds: &std::collections::BTreeMap<String, String>, plan: &DocumentPlan) -> String {
    kinds
        .iter()
        .find(|(name, _)| {
            **name == plan.base
                || plan.province.as_deref().is_some_and(|p| name.replace("{province}", p) == plan.base)
        })
        .map(|(_, kind)| kind.clone())
        .unwrap_or_default()
}
