//! Cheap integrity checks by kind of file, run on the temp file before it replaces the
//! cached one. They catch truncation and garbage (an HTML error page served with `200`);
//! they do not parse records, because the importer reads the file again anyway.

use std::fmt;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use crate::error::FetchErrorKind;

/// A caller-supplied check: `Err(reason)` rejects the file.
pub type VerifyFn = dyn Fn(&Path) -> Result<(), String> + Send + Sync;

/// Which integrity check a download must pass.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Verify {
    /// Pick by the URL's file name: `.zip` → [`Verify::Zip`], `.gz`/`.tgz` →
    /// [`Verify::Gzip`], `.json` → [`Verify::Json`], anything else → [`Verify::None`].
    #[default]
    Auto,
    /// No check beyond length (and SHA-256 when given).
    None,
    /// Every gzip member decodes to its end with a valid CRC.
    Gzip,
    /// The zip central directory is readable.
    Zip,
    /// The whole file is one JSON value (not materialised).
    Json,
    /// A caller-supplied check.
    Custom(Arc<VerifyFn>),
}

impl fmt::Debug for Verify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "Auto",
            Self::None => "None",
            Self::Gzip => "Gzip",
            Self::Zip => "Zip",
            Self::Json => "Json",
            Self::Custom(_) => "Custom(..)",
        })
    }
}

impl Verify {
    /// Wraps a closure as [`Verify::Custom`].
    pub fn custom(check: impl Fn(&Path) -> Result<(), String> + Send + Sync + 'static) -> Self {
        Self::Custom(Arc::new(check))
    }

    /// Resolves [`Verify::Auto`] from a URL path or file name; other values stay.
    #[must_use]
    pub fn resolve(&self, name: &str) -> Self {
        if !matches!(self, Self::Auto) {
            return self.clone();
        }
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".zip") {
            Self::Zip
        } else if lower.ends_with(".gz") || lower.ends_with(".tgz") {
            Self::Gzip
        } else if lower.ends_with(".json") {
            Self::Json
        } else {
            Self::None
        }
    }

    /// Runs the check on `path`. [`Verify::Auto`] must be resolved first; unresolved it
    /// checks nothing.
    pub(crate) fn check(&self, path: &Path) -> Result<(), FetchErrorKind> {
        let open = || std::fs::File::open(path).map_err(|e| crate::cache::io(path, e));
        match self {
            Self::Auto | Self::None => Ok(()),
            Self::Gzip => {
                let mut decoder = flate2::read::MultiGzDecoder::new(BufReader::new(open()?));
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    match decoder.read(&mut buf) {
                        Ok(0) => return Ok(()),
                        Ok(_) => {}
                        Err(e) => return Err(corrupt("gzip", e)),
                    }
                }
            }
            Self::Zip => zip::ZipArchive::new(open()?)
                .map(drop)
                .map_err(|e| corrupt("zip", e)),
            Self::Json => {
                let reader = BufReader::new(open()?);
                serde_json::from_reader::<_, serde::de::IgnoredAny>(reader)
                    .map(drop)
                    .map_err(|e| corrupt("JSON", e))
            }
            Self::Custom(check) => check(path).map_err(|reason| FetchErrorKind::Corrupt {
                kind: "custom",
                reason,
            }),
        }
    }
}

fn corrupt(kind: &'static str, e: impl fmt::Display) -> FetchErrorKind {
    FetchErrorKind::Corrupt {
        kind,
        reason: e.to_string(),
    }
}
