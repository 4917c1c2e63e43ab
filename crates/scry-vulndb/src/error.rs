use std::path::PathBuf;

/// What can go wrong with the database file.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file does not exist.
    #[error("no advisory database at {0}: run `scry db import` or `scry db update` first")]
    Missing(PathBuf),
    /// The file is not a scry database, or is damaged.
    #[error("{path}: corrupt advisory database: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// The file was written by another schema version.
    #[error(
        "{path}: advisory database schema {found}, this scry reads schema {expected}: rebuild it with `scry db update`"
    )]
    Schema {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// A record in the file could not be decoded.
    #[error("{path}: record {id}: {reason}")]
    Record {
        path: PathBuf,
        id: String,
        reason: String,
    },
}

impl DbError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.into(),
            reason: reason.into(),
        }
    }
}
