//! The error type of every yarlung operation, and the exit code each one maps to.

use std::fmt::{self, Display, Formatter};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// A failure that ends a command, carrying what the user needs to fix it.
#[derive(Debug, Serialize, Deserialize)]
pub enum Error {
    /// The command line was wrong (unknown document, bad flag value).
    Usage(String),
    /// A project input (config, facts, figure, font, template path) is invalid.
    Input {
        /// The file at fault, relative to the project root where possible.
        file: PathBuf,
        /// 1-based line and column, when known.
        position: Option<(u64, u64)>,
        /// The field path inside the file, when known (`results.industry.metrics[1].value`).
        field: Option<String>,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A document failed to compile or violates its declared page rules.
    /// Typst diagnostics have already been printed.
    Document {
        /// The document's name.
        name: String,
        /// A summary of the failure.
        message: String,
    },
    /// Preflight found errors in a document (or warnings, with `--strict`); it was not written.
    Preflight {
        /// The document's name.
        name: String,
        /// Every finding of the document, errors and warnings.
        findings: Vec<Finding>,
    },
    /// A fault inside yarlung, not in the user's files (exit code 1).
    Internal {
        /// What was being made when it happened (`document `brochure``, `figure `fig2``).
        context: String,
        /// What went wrong.
        message: String,
    },
    /// Reading or writing a file failed.
    Io {
        /// The path that could not be read or written.
        path: PathBuf,
        /// The underlying error (its message, when it crossed a pipe).
        #[serde(with = "io_message")]
        source: std::io::Error,
    },
}

impl Error {
    /// Builds an [`Error::Input`] without a position.
    pub fn input(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self::Input { file: file.into(), position: None, field: None, message: message.into() }
    }

    /// Builds an [`Error::Input`] naming a field of the file.
    pub fn field(file: impl Into<PathBuf>, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Input { file: file.into(), position: None, field: Some(field.into()), message: message.into() }
    }

    /// Builds an [`Error::Internal`] about `context`.
    pub fn internal(context: impl Into<String>, message: impl Display) -> Self {
        Self::Internal { context: context.into(), message: message.to_string() }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }

    /// The process exit code: 2 for bad input or usage, 1 for failed documents, I/O and
    /// internal faults.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) | Self::Input { .. } => 2,
            Self::Document { .. } | Self::Preflight { .. } | Self::Internal { .. } | Self::Io { .. } => 1,
        }
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage(message) => write!(f, "{message}"),
            Self::Input { file, position, field, message } => {
                write!(f, "{}", file.display())?;
                if let Some((line, column)) = position {
                    write!(f, ":{line}:{column}")?;
                }
                if let Some(field) = field.as_deref().filter(|field| !field.is_empty() && *field != ".") {
                    write!(f, ": field `{field}`")?;
                }
                write!(f, ": {message}")
            }
            Self::Document { name, message } => write!(f, "document `{name}`: {message}"),
            Self::Preflight { name, findings } => write!(
                f,
                "document `{name}` failed preflight ({} finding(s), see the preflight table); its PDF was not written",
                findings.len()
            ),
            Self::Internal { context, message } => write!(
                f,
                "internal error while making {context}: {message}; this is a fault in yarlung, not in \
                 your files: please report it with the files involved"
            ),
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

/// An I/O error as its message, for errors that travel between processes.
mod io_message {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the error's message.
    pub fn serialize<S: Serializer>(error: &std::io::Error, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&error.to_string())
    }

    /// Reads an error with the message.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<std::io::Error, D::Error> {
        String::deserialize(deserializer).map(std::io::Error::other)
    }
}

/// Shorthand for results of yarlung operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;
