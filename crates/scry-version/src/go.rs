//! Go versions. STUB: to be implemented (parse + total order per the reference tool).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed Go version.
#[derive(Debug, Clone)]
pub struct GoVersion {
    raw: String,
}

impl GoVersion {
    /// Parses a Go version.
    ///
    /// # Errors
    /// When `s` is not a valid Go version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Go, s, "empty"));
        }
        Ok(Self { raw: s.to_owned() })
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for GoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for GoVersion {}
impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
