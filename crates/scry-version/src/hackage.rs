//! Hackage versions. STUB: to be implemented (parse + total order per the reference tool).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed Hackage version.
#[derive(Debug, Clone)]
pub struct HackageVersion {
    raw: String,
}

impl HackageVersion {
    /// Parses a Hackage version.
    ///
    /// # Errors
    /// When `s` is not a valid Hackage version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Hackage, s, "empty"));
        }
        Ok(Self { raw: s.to_owned() })
    }
}

impl Ord for HackageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl PartialOrd for HackageVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for HackageVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for HackageVersion {}
impl fmt::Display for HackageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
