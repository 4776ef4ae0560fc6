//! yarlung turns YAML facts and figures into print-ready PDFs through Typst templates.
//!
//! Data flows one way: [`Options`] → [`Project`] (config, facts, figures, fonts; see
//! [`project`]) → [`Build`] (one job per document, profile and edition: compile →
//! figures → preflight → export → finish → write; see [`pipeline`]) → the files in `out/`.
//! `ARCHITECTURE.md` maps the modules.

pub mod bundle;
pub mod error;
pub mod exchange;
pub mod figures;
pub mod finding;
pub mod fonts;
pub mod init;
pub mod output;
pub mod package;
pub mod pdf;
pub mod pipeline;
pub mod preflight;
pub mod press;
pub mod profile;
pub mod project;
pub mod proof;
pub mod raster;
pub mod render;
pub mod report;
pub mod serve;
pub mod timings;
pub mod watch;
pub mod world;

pub use error::{Error, Result};
pub use pipeline::{Build, Finish, Made, Observer};
pub use profile::Profile;
pub use project::{Options, Project};
pub use typst_kit::diagnostics::DiagnosticFormat;
