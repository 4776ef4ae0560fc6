//! The CMYK output profile: the shipped one, or a print shop's read and validated (a CMYK
//! output profile, within a size bound, usable by the colour engine).

use std::fmt::{self, Display, Formatter};
use std::sync::{Arc, OnceLock};

/// The shipped output profile, made by `profiles/make-profile.sh` from FOGRA39L data.
const BUILTIN: &[u8] = include_bytes!("../../profiles/FOGRA39L-coated.icc");

/// The largest output profile read. Standard press profiles are 0.5 to 4 MB.
pub const MAX_PROFILE_BYTES: usize = 16 * 1024 * 1024;

/// A CMYK output profile and how the PDF/X output intent names its condition.
#[derive(Debug, Clone)]
pub struct OutputProfile {
    /// The ICC data.
    pub icc: Arc<Vec<u8>>,
    /// The profile's own description.
    pub description: String,
    /// The output condition's identifier (PDF/X `OutputConditionIdentifier`).
    pub identifier: String,
    /// A readable name of the condition (PDF/X `OutputCondition`).
    pub condition: String,
    /// The SHA-256 of the ICC data, lowercase hex.
    pub digest: String,
    /// The stream that carries the ICC data in a PDF (its bytes and whether they are
    /// deflated), made once for all documents by [`crate::pdf::pdfx`].
    pub stream: Arc<OnceLock<(Vec<u8>, bool)>>,
}

/// Why a file is not a usable CMYK output profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileError {
    /// Larger than [`MAX_PROFILE_BYTES`] (its size).
    TooLarge(usize),
    /// Not ICC data at all, or cut short (what is wrong).
    NotIcc(String),
    /// An ICC profile of another kind (what it is).
    Kind(String),
    /// The colour engine cannot convert to it (its words).
    Unusable(String),
}

impl Display for ProfileError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge(n) => write!(
                f,
                "the profile is {} MiB; an output profile has at most {} MiB, so this is not one",
                n / (1024 * 1024),
                MAX_PROFILE_BYTES / (1024 * 1024)
            ),
            Self::NotIcc(why) => {
                write!(f, "this is not an ICC profile ({why}); ask the print shop for its .icc file")
            }
            Self::Kind(what) => write!(
                f,
                "this is {what}, not a CMYK output profile; name the print shop's CMYK profile \
                 (class `prtr`, colour space CMYK)"
            ),
            Self::Unusable(why) => {
                write!(
                    f,
                    "the colour engine cannot convert to this profile ({why}); ask the print shop for another"
                )
            }
        }
    }
}

impl std::error::Error for ProfileError {}

impl OutputProfile {
    /// The shipped FOGRA39L coated-offset profile.
    pub fn builtin() -> Self {
        let mut profile =
            Self::parse(BUILTIN.to_vec()).expect("the shipped profile is a CMYK output profile");
        profile.identifier = "FOGRA39".into();
        profile.condition = "Coated FOGRA39 (ISO 12647-2:2004, paper types 1 and 2, TAC 300 %)".into();
        profile
    }

    /// Reads and validates a CMYK output profile from `bytes`; `identifier` names its output
    /// condition (the profile's description when `None`).
    pub fn load(bytes: Vec<u8>, identifier: Option<&str>) -> Result<Self, ProfileError> {
        let mut profile = Self::parse(bytes)?;
        if let Some(id) = identifier.map(str::trim).filter(|id| !id.is_empty()) {
            profile.identifier = id.to_string();
        }
        Ok(profile)
    }

    /// Validates `bytes` as a CMYK output profile.
    fn parse(bytes: Vec<u8>) -> Result<Self, ProfileError> {
        check_header(&bytes)?;
        let profile = lcms2::Profile::new_icc(&bytes).map_err(|e| ProfileError::NotIcc(e.to_string()))?;
        // The conversions yarlung makes to it must exist (a B2A table, or a matrix for grey).
        super::convert::check(&profile)?;
        let description = profile
            .info(lcms2::InfoType::Description, lcms2::Locale::none())
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "CMYK output profile".into());
        let digest = crate::output::digest::sha256(&bytes);
        Ok(Self {
            icc: Arc::new(bytes),
            identifier: description.clone(),
            condition: description.clone(),
            description,
            digest,
            stream: Arc::default(),
        })
    }
}

/// Checks the 128-byte ICC header: length, signature, class and colour space.
fn check_header(bytes: &[u8]) -> Result<(), ProfileError> {
    if bytes.len() > MAX_PROFILE_BYTES {
        return Err(ProfileError::TooLarge(bytes.len()));
    }
    if bytes.len() < 132 {
        return Err(ProfileError::NotIcc(format!("{} bytes, shorter than an ICC header", bytes.len())));
    }
    if &bytes[36..40] != b"acsp" {
        return Err(ProfileError::NotIcc("no `acsp` signature at byte 36".into()));
    }
    let declared = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    if declared > bytes.len() {
        return Err(ProfileError::NotIcc(format!(
            "the header declares {declared} bytes but the file has {}: it is cut short",
            bytes.len()
        )));
    }
    let class = &bytes[12..16];
    let space = &bytes[16..20];
    let kind = |sig: &[u8]| String::from_utf8_lossy(sig).trim().to_string();
    let class_name = match class {
        b"mntr" => "a display profile",
        b"scnr" => "an input (camera or scanner) profile",
        b"link" => "a device link",
        b"spac" => "a colour space conversion profile",
        b"abst" => "an abstract profile",
        b"nmcl" => "a named colour profile",
        b"prtr" => "an output profile",
        _ => "a profile of unknown class",
    };
    if class != b"prtr" || space != b"CMYK" {
        return Err(ProfileError::Kind(format!(
            "{class_name} (class `{}`) for {} data",
            kind(class),
            match space {
                b"RGB " => "RGB".to_string(),
                b"GRAY" => "grey".to_string(),
                other => kind(other),
            }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_profile_is_a_cmyk_output_profile() {
        let profile = OutputProfile::builtin();
        assert_eq!(profile.identifier, "FOGRA39");
        assert!(profile.description.contains("FOGRA39L"), "{}", profile.description);
        assert_eq!(&profile.icc[12..20], b"prtrCMYK");
    }

    #[test]
    fn other_files_are_refused_with_what_they_are() {
        let srgb = lcms2::Profile::new_srgb().icc().expect("encodes");
        let err = OutputProfile::load(srgb, None).expect_err("an RGB display profile");
        assert!(
            matches!(&err, ProfileError::Kind(what) if what.contains("display") && what.contains("RGB")),
            "{err}"
        );
        let cut = BUILTIN[..BUILTIN.len() / 2].to_vec();
        assert!(matches!(OutputProfile::load(cut, None), Err(ProfileError::NotIcc(_))));
        assert!(matches!(OutputProfile::load(b"garbage".to_vec(), None), Err(ProfileError::NotIcc(_))));
        let huge = vec![0; MAX_PROFILE_BYTES + 1];
        assert!(matches!(OutputProfile::load(huge, None), Err(ProfileError::TooLarge(_))));
    }
}
