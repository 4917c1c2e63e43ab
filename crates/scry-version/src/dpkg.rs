//! Dpkg versions. STUB: to be implemented (parse + total order per the reference tool).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed Dpkg version.
#[derive(Debug, Clone)]
pub struct DpkgVersion {
    raw: String,
}

impl DpkgVersion {
    /// Parses a Dpkg version.
    ///
    /// # Errors
    /// When `s` is not a valid Dpkg version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Dpkg, s, "empty"));
        }
        Ok(Self { raw: s.to_owned() })
    }
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for DpkgVersion {}
impl fmt::Display for DpkgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
