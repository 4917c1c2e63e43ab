//! NuGet versions. STUB: to be implemented (parse + total order per the reference tool).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    raw: String,
}

impl NuGetVersion {
    /// Parses a NuGet version.
    ///
    /// # Errors
    /// When `s` is not a valid NuGet version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::NuGet, s, "empty"));
        }
        Ok(Self { raw: s.to_owned() })
    }
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for NuGetVersion {}
impl fmt::Display for NuGetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
