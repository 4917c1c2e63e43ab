//! CRAN versions, ordered as R's `package_version` orders them.
//!
//! A version is two or more non-negative integers separated by `.` or `-`
//! (`.standard_regexps()$valid_package_version`, `([[:digit:]]+[.-]){1,}[[:digit:]]+`),
//! compared component-wise as numbers.
//!
//! # Traps
//! - `.` and `-` are the same separator: `1.0-1 == 1.0.1`.
//! - Components are numbers: `0.01 == 0.1`, `3.10 > 3.9`.
//! - No trailing-zero normalisation: a shorter prefix sorts first, `0.1.0 < 0.1.0.0`.
//!   This is `utils::compareVersion`'s answer (and the fixtures'). R's `package_version`
//!   *operators* (R 4.2.2 `Ops.numeric_version`) pad the shorter version with zeros
//!   instead, so there `package_version("0.1.0") == "0.1.0.0"`; scry follows
//!   `compareVersion`, which never calls two different component lists equal.
//! - A single integer (`1`) is a valid `numeric_version` but not a `package_version`:
//!   rejected, as R rejects it.
//! - R reads components with `as.integer`, which turns values above 2^31-1 into `NA`;
//!   scry compares them exactly (arbitrary precision) instead of failing.

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

use crate::num::Num;

/// A parsed CRAN (R `package_version`) version.
#[derive(Debug, Clone)]
pub struct CranVersion {
    raw: String,
    parts: Vec<Num>,
}

impl CranVersion {
    /// Parses a CRAN version.
    ///
    /// # Errors
    /// When `s` is not two or more integers separated by `.` or `-`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::invalid(VersionScheme::Cran, s, reason);
        if s.is_empty() {
            return Err(invalid("empty"));
        }
        let mut parts = Vec::new();
        for part in s.split(['.', '-']) {
            if part.is_empty() {
                return Err(invalid("empty component (expected digits between `.`/`-`)"));
            }
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("components must be non-negative integers"));
            }
            parts.push(Num::from_ascii_digits(part));
        }
        if parts.len() < 2 {
            return Err(invalid("a package version has at least two components"));
        }
        Ok(Self {
            raw: s.to_owned(),
            parts,
        })
    }
}

impl Ord for CranVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts)
    }
}
impl PartialOrd for CranVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for CranVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for CranVersion {}
impl fmt::Display for CranVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
