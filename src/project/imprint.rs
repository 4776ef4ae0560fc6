//! The imprint of an official publication (版本记录), as facts: who compiled and printed it,
//! when, how many copies, for whom; for an internal publication its permit number.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::error::{Error, Result};

/// The imprint: who compiled and printed the publication, when, how many and for whom
/// (《内部资料性出版物管理办法》 第十四条: 编印单位、发送对象、印刷单位、印刷日期、印数; an
/// internal publication also carries "内部资料 免费交流" and its permit number on the cover).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Imprint {
    /// 编印单位: the body that compiled it.
    pub compiler: Spanned<String>,
    /// 印刷单位: the printer.
    pub printer: String,
    /// 印刷日期, as printed (`2025年9月`).
    pub printed: String,
    /// 印数: copies printed.
    pub copies: u32,
    /// 发送对象: who receives it.
    pub recipients: String,
    /// 版次 (`2025年9月第1版`).
    pub edition: String,
    /// 准印证号: the permit number of an internal publication.
    #[serde(default)]
    pub permit: Option<Spanned<String>>,
    /// Whether it is an internal publication (内部资料).
    #[serde(default)]
    pub internal: Option<Spanned<bool>>,
}

impl Imprint {
    /// Checks the imprint of `file`: a compiling body, and a permit number exactly when the
    /// publication is internal.
    pub fn check(&self, file: &Path) -> Result<()> {
        let imprint = self;
        let at = |line: u64, field: &str, message: &str| Error::Input {
            file: file.to_path_buf(),
            position: (line > 0).then_some((line, 1)),
            field: Some(format!("imprint.{field}")),
            message: message.to_string(),
        };
        if imprint.compiler.value.trim().is_empty() {
            return Err(at(
                imprint.compiler.referenced.line(),
                "compiler",
                "is empty; name the body that compiled the publication (编印单位)",
            ));
        }
        let internal = imprint.internal.as_ref().map_or((false, 0), |i| (i.value, i.referenced.line()));
        match (&imprint.permit, internal.0) {
            (Some(permit), false) => Err(at(
                permit.referenced.line(),
                "permit",
                "a permit number (准印证号) belongs to an internal publication; add `internal: true` (内部资料) or remove it",
            )),
            (None, true) => Err(at(
                internal.1,
                "internal",
                "an internal publication (内部资料) prints its permit number (准印证号); add `permit:`",
            )),
            (Some(permit), true) if permit.value.trim().is_empty() => {
                Err(at(permit.referenced.line(), "permit", "is empty; write the permit number (准印证号)"))
            }
            _ => Ok(()),
        }
    }
}
