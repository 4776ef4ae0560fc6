//! The `archive:` section of `yarlung.yaml`: the archival description every archived PDF
//! carries (GB/T 18894-2016, DA/T 46-2009 element names in brackets), checked like every
//! setting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::error::{Error, Result};

/// The archival description of the project's records.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ArchiveConfig {
    /// The fonds number (全宗号).
    #[serde(default)]
    pub fonds: String,
    /// The agency whose records these are (立档单位).
    #[serde(default)]
    pub agency: String,
    /// Who is responsible for the records' content (责任者); the facts' editors when empty.
    #[serde(default)]
    pub creator: String,
    /// The kind of each record (文种 or 类别) by document name as configured under
    /// `documents:` (`brochure: 画册`, `leaflet-{province}: 宣传折页`).
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
    /// The security classification (密级).
    #[serde(default)]
    pub classification: Classification,
    /// How long the records are kept (保管期限).
    #[serde(default)]
    pub retention: Retention,
    /// The organisational unit or subject the records are filed under (机构或问题).
    #[serde(default)]
    pub subject: String,
    /// The pattern of each record's archival reference (档号): `{fonds}`, `{year}`,
    /// `{retention}`, `{subject}` and `{number}` (the record's 1-based number, or
    /// `{number:4}` padded to four digits) are filled in.
    #[serde(default)]
    pub reference: Option<Spanned<String>>,
}

/// 密级: the security classification.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Classification {
    /// Public.
    #[default]
    #[serde(rename = "公开")]
    Public,
    /// Internal (内部).
    #[serde(rename = "内部")]
    Internal,
}

/// 保管期限: how long a record is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Retention {
    /// For ever.
    #[default]
    #[serde(rename = "永久")]
    Permanent,
    /// Thirty years.
    #[serde(rename = "定期30年")]
    Years30,
    /// Ten years.
    #[serde(rename = "定期10年")]
    Years10,
}

impl Classification {
    /// Its Chinese name, as records write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Public => "公开",
            Self::Internal => "内部",
        }
    }
}

impl Retention {
    /// Its Chinese name, as records write it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Permanent => "永久",
            Self::Years30 => "定期30年",
            Self::Years10 => "定期10年",
        }
    }

    /// Its code in archival references (Y, D30, D10).
    pub fn code(self) -> &'static str {
        match self {
            Self::Permanent => "Y",
            Self::Years30 => "D30",
            Self::Years10 => "D10",
        }
    }
}

/// The placeholders an archival reference pattern may use.
const PLACEHOLDERS: [&str; 5] = ["fonds", "year", "retention", "subject", "number"];

impl ArchiveConfig {
    /// Checks the reference pattern: known placeholders only, and the values it uses given.
    /// `file` is the configuration file, for the error (at the pattern's line).
    pub fn check(&self, file: &str) -> Result<()> {
        let Some(spanned) = &self.reference else { return Ok(()) };
        let pattern = &spanned.value;
        let line = spanned.referenced.line();
        let at = |field: &str, message: String| Error::Input {
            file: file.into(),
            position: (line > 0).then_some((line, 1)),
            field: Some(field.into()),
            message,
        };
        let field = "archive.reference";
        for name in placeholders(pattern).map_err(|m| at(field, m))? {
            let base = name.split(':').next().unwrap_or_default();
            if !PLACEHOLDERS.contains(&base) {
                let known = PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ");
                return Err(at(field, format!("unknown placeholder `{{{name}}}`; use {known}")));
            }
            let (value, key) = match base {
                "fonds" => (&self.fonds, "archive.fonds"),
                "subject" => (&self.subject, "archive.subject"),
                _ => continue,
            };
            if value.trim().is_empty() {
                return Err(at(
                    key,
                    format!("is empty, but the reference pattern uses `{{{base}}}`; fill it in"),
                ));
            }
        }
        Ok(())
    }

    /// The archival reference of record `number` (1-based) of `year`.
    pub fn reference_of(&self, year: i32, number: usize) -> Option<String> {
        let pattern = &self.reference.as_ref()?.value;
        let mut out = String::new();
        let mut rest = pattern.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let name = &rest[open + 1..close];
            let (base, width) = name.split_once(':').unwrap_or((name, "0"));
            let width: usize = width.parse().unwrap_or(0);
            match base {
                "fonds" => out.push_str(&self.fonds),
                "year" => out.push_str(&year.to_string()),
                "retention" => out.push_str(self.retention.code()),
                "subject" => out.push_str(&self.subject),
                _ => out.push_str(&format!("{number:0width$}")),
            }
            rest = rest.get(close + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        Some(out)
    }
}

/// The placeholders of `pattern` (what stands between `{` and `}`).
fn placeholders(pattern: &str) -> std::result::Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("`{pattern}` opens a placeholder with `{{` and never closes it"))?;
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A configuration with `reference` and a fonds number.
    fn config(reference: &str, fonds: &str) -> ArchiveConfig {
        let reference: Spanned<String> =
            serde_saphyr::from_str(&format!("\"{reference}\"")).expect("a YAML string");
        ArchiveConfig { fonds: fonds.into(), reference: Some(reference), ..ArchiveConfig::default() }
    }

    #[test]
    fn references_fill_their_placeholders() {
        let c = config("{fonds}-{year}-{retention}-{number:4}", "J042");
        assert_eq!(c.reference_of(2025, 7).as_deref(), Some("J042-2025-Y-0007"));
        assert!(c.check("yarlung.yaml").is_ok());
    }

    #[test]
    fn a_pattern_needs_what_it_uses() {
        let e = config("{fonds}-{number}", " ").check("yarlung.yaml").unwrap_err().to_string();
        assert_eq!(
            e,
            "yarlung.yaml:1:1: field `archive.fonds`: is empty, but the reference pattern uses `{fonds}`; fill it in"
        );
        let e = config("{fonds}-{volume}", "J1").check("yarlung.yaml").unwrap_err().to_string();
        assert!(e.contains("unknown placeholder `{volume}`"), "{e}");
        let e = config("{fonds", "J1").check("yarlung.yaml").unwrap_err().to_string();
        assert!(e.contains("never closes"), "{e}");
    }
}
