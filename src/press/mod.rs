//! The print condition: the CMYK output profile the print PDFs are made for (the shipped
//! FOGRA39L characterisation, or the one a print shop sends), how colours are converted
//! to it, and the ink limit. The print profile's figures are converted through it
//! ([`convert`]), its PDFs name it as their PDF/X output intent ([`crate::pdf::pdfx`]), and
//! preflight checks ink against it ([`crate::preflight::ink`]).

pub mod convert;
pub mod profile;

use std::path::PathBuf;
use std::sync::Arc;

use serde::Deserialize;

pub use profile::{OutputProfile, ProfileError};

/// How colours outside the output's gamut are brought into it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Intent {
    /// Compresses the whole gamut, keeping relations between colours.
    Perceptual,
    /// Keeps in-gamut colours exact (relative to the paper white), clips the rest.
    #[default]
    RelativeColorimetric,
    /// Keeps colours vivid rather than exact (charts, not photos).
    Saturation,
    /// Keeps colours exact, paper white included.
    AbsoluteColorimetric,
}

impl Intent {
    /// The intent's name, as written in `yarlung.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Perceptual => "perceptual",
            Self::RelativeColorimetric => "relative-colorimetric",
            Self::Saturation => "saturation",
            Self::AbsoluteColorimetric => "absolute-colorimetric",
        }
    }
}

/// The `print:` section of `yarlung.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PrintConfig {
    /// A CMYK output profile (ICC) inside the project, from the print shop; the shipped
    /// FOGRA39L coated-offset profile when absent.
    #[serde(default)]
    pub output_profile: Option<PathBuf>,
    /// The output condition's identifier in a characterisation registry (`FOGRA39`,
    /// `JC200103`, `CGATS TR 006`); the profile's description when absent.
    #[serde(default)]
    pub output_condition: Option<String>,
    /// How figures are converted to the output's CMYK.
    #[serde(default)]
    pub intent: Intent,
    /// Whether the source's black is mapped to the output's black (keeps shadow detail).
    #[serde(default = "yes")]
    pub black_point_compensation: bool,
    /// The highest total area coverage allowed, in per cent (sum of C, M, Y and K).
    #[serde(default = "default_ink_limit")]
    pub ink_limit: f64,
}

impl Default for PrintConfig {
    fn default() -> Self {
        Self {
            output_profile: None,
            output_condition: None,
            intent: Intent::default(),
            black_point_compensation: true,
            ink_limit: default_ink_limit(),
        }
    }
}

/// `true`, for serde defaults.
fn yes() -> bool {
    true
}

/// The FOGRA39 ink limit, 300 %.
fn default_ink_limit() -> f64 {
    300.0
}

/// The print condition of a build: the output profile, the conversion and the ink limit.
#[derive(Debug, Clone)]
pub struct Press {
    /// The output profile.
    pub profile: Arc<OutputProfile>,
    /// The rendering intent of conversions to it.
    pub intent: Intent,
    /// Whether conversions compensate for the black point.
    pub black_point_compensation: bool,
    /// The total area coverage limit, in per cent.
    pub ink_limit: f64,
}

impl Press {
    /// The print condition of `config` with the output `profile`.
    pub fn new(config: &PrintConfig, profile: OutputProfile) -> Self {
        Self {
            profile: Arc::new(profile),
            intent: config.intent,
            black_point_compensation: config.black_point_compensation,
            ink_limit: config.ink_limit,
        }
    }

    /// What a figure converted for this condition depends on, for cache keys: the profile's
    /// digest, the intent and black-point compensation.
    pub fn key(&self) -> String {
        let bpc = if self.black_point_compensation { "-bpc" } else { "" };
        let intent = match self.intent {
            Intent::Perceptual => "p",
            Intent::RelativeColorimetric => "r",
            Intent::Saturation => "s",
            Intent::AbsoluteColorimetric => "a",
        };
        format!("{}-{intent}{bpc}", &self.profile.digest[..12])
    }
}

impl Default for Press {
    fn default() -> Self {
        Self::new(&PrintConfig::default(), OutputProfile::builtin())
    }
}
