//! Why a target could not be inventoried. Every message names the input (file, layer,
//! entry) and the reason; [`ImageError::code`] is a stable kebab-case name for APIs.

use std::path::Path;

/// A target that could not be read as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file system refused.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The target is not of the kind asked for.
    #[error("{path}: not an image: {reason}")]
    NotAnImage { path: String, reason: String },
    /// A JSON document (index, manifest, config) is malformed or missing a field.
    #[error("{input}: {reason}")]
    Metadata { input: String, reason: String },
    /// A blob the image needs is not there.
    #[error("{input}: blob {name} is missing")]
    MissingBlob { input: String, name: String },
    /// Bytes do not hash to the digest that names them.
    #[error("{input}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        input: String,
        expected: String,
        actual: String,
    },
    /// A stream or archive is damaged or cut short.
    #[error("{input}: damaged: {reason}")]
    Corrupt { input: String, reason: String },
    /// An entry's name or link would leave the root.
    #[error("{input}: entry {entry:?} escapes the root")]
    UnsafePath { input: String, entry: String },
    /// Two zip entries share bytes (the non-recursive zip bomb).
    #[error("{input}: entries {first:?} and {second:?} overlap")]
    Overlap {
        input: String,
        first: String,
        second: String,
    },
    /// A bound of `Options` was exceeded.
    #[error("{input}: {what} exceeds the limit of {limit}")]
    Limit {
        input: String,
        what: String,
        limit: u64,
    },
    /// No manifest of the image matches the platform.
    #[error("{input}: no image for platform {wanted}; the image has {available}")]
    Platform {
        input: String,
        wanted: String,
        available: String,
    },
    /// A format scry does not read (bzip2/xz layers, encrypted layers).
    #[error("{input}: unsupported: {reason}")]
    Unsupported { input: String, reason: String },
}

impl ImageError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// A stable name for the kind of error (`image-digest-mismatch`, ...).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { .. } => "image-io",
            Self::NotAnImage { .. } => "image-not-an-image",
            Self::Metadata { .. } => "image-metadata",
            Self::MissingBlob { .. } => "image-missing-blob",
            Self::DigestMismatch { .. } => "image-digest-mismatch",
            Self::Corrupt { .. } => "image-corrupt",
            Self::UnsafePath { .. } => "image-unsafe-path",
            Self::Overlap { .. } => "image-zip-overlap",
            Self::Limit { .. } => "image-limit",
            Self::Platform { .. } => "image-platform",
            Self::Unsupported { .. } => "image-unsupported",
        }
    }
}
