//! yarlung turns YAML facts and figures into print-ready PDFs through Typst templates.
//!
//! Data flows one way: [`Options`] → [`Project`] (config, facts, figures, fonts; see
//! [`project`]) → [`Build`] (each document laid out once, placed for each profile, given
//! its figures, checked, exported and finished; see [`build`]) → the files in `out/`
//! ([`out`]). `ARCHITECTURE.md` maps the modules.

pub mod build;
pub mod error;
pub mod figures;
pub mod fonts;
pub mod init;
pub mod out;
pub mod pdf;
pub mod preflight;
pub mod press;
pub mod profile;
pub mod project;
pub mod report;
pub mod timings;
pub mod watch;
pub mod watchdog;
pub mod world;

pub use build::{Build, Made, Observer};
pub use error::{Error, Result};
pub use profile::Profile;
pub use project::{Options, Project};
pub use typst_kit::diagnostics::DiagnosticFormat;
