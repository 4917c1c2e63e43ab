//! Hackage versions, ordered as Haskell's `Data.Version` (and the PVP) orders them.
//!
//! A version is one or more non-negative integers separated by `.`; versions compare as
//! lists of numbers, lexicographically.
//!
//! # Traps
//! - No trailing-zero normalisation: `1.0 < 1.0.0` and `1 < 1.0` (a shorter prefix sorts
//!   first), unlike PEP 440 or Maven.
//! - Components are numbers: `1.10 > 1.9`; leading zeros are read as `Data.Version`'s
//!   `read` reads them (`1.01 == 1.1`), although Cabal refuses to publish such versions.
//! - Tags (`1.0-foo`) are deprecated in `Data.Version` and never appear on Hackage:
//!   rejected.
//! - Components are compared with arbitrary precision (no `Int` overflow).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

use crate::num::Num;

/// A parsed Hackage (`Data.Version`) version.
#[derive(Debug, Clone)]
pub struct HackageVersion {
    raw: String,
    parts: Vec<Num>,
}

impl HackageVersion {
    /// Parses a Hackage version.
    ///
    /// # Errors
    /// When `s` is not integers separated by `.`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::invalid(VersionScheme::Hackage, s, reason);
        if s.is_empty() {
            return Err(invalid("empty"));
        }
        let mut parts = Vec::new();
        for part in s.split('.') {
            if part.is_empty() {
                return Err(invalid("empty component (expected digits between `.`)"));
            }
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("components must be non-negative integers"));
            }
            parts.push(Num::from_ascii_digits(part));
        }
        Ok(Self {
            raw: s.to_owned(),
            parts,
        })
    }
}

impl Ord for HackageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
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
