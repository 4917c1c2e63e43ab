//! Dart `pub` versions, ordered as `pub_semver`'s `Version.compareTo`, parsed with the
//! same tolerance as [`crate::semver`].
//!
//! # Traps
//! - Unlike SemVer 2.0, build metadata *does* order: a version without build sorts
//!   before the same version with one (`1.0.0-pre < 1.0.0-pre+build < 1.0.0 <
//!   1.0.0+build`), and builds compare like pre-releases, part by part (`1.2.3+1 <
//!   1.2.3+a`, `1.2.3+a < 1.2.3+a1`, `1.2.3+9a > 1.2.3+1z` as strings).
//!   `1.0.0+a != 1.0.0+b`.
//! - Parts made only of digits compare as numbers and sort before string parts; a
//!   missing part sorts before a present one (`-a < -a.b`).
//! - Tolerance beyond `pub_semver` (whose grammar is exactly `N.N.N[-pre][+build]` with
//!   64-bit numbers), shared with [`crate::semver`] because OSV data has such versions:
//!   a leading `v`/`=`, fewer or more than three numbers (missing ones are zero), numbers
//!   of any size.
//! - Dart's `int.tryParse` decides which parts are numbers: it also takes `-5` and
//!   `0x1f`, and refuses values beyond 64 bits. scry treats exactly the all-digit parts
//!   as numbers, of any size. Real pub versions never contain such parts.

use std::cmp::Ordering;
use std::fmt;

use crate::semver::{Ident, SemverParts, cmp_prerelease, cmp_release, parse_tolerant};
use crate::{Error, VersionScheme};

/// A parsed Pub version.
#[derive(Debug, Clone)]
pub struct PubVersion {
    raw: String,
    parts: SemverParts,
}

impl PubVersion {
    /// Parses a Pub version.
    ///
    /// # Errors
    /// When `s` is not a valid Pub version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let parts = parse_tolerant(s).map_err(|r| Error::invalid(VersionScheme::Pub, s, r))?;
        Ok(Self {
            raw: s.to_owned(),
            parts,
        })
    }
}

/// `pub_semver`'s `_compareLists` for builds: none first, then part by part, a missing
/// part before a present one.
fn cmp_build(a: &[Ident], b: &[Ident]) -> Ordering {
    a.cmp(b)
}

impl Ord for PubVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_release(&self.parts.release, &other.parts.release)
            .then_with(|| cmp_prerelease(&self.parts.pre, &other.parts.pre))
            .then_with(|| cmp_build(&self.parts.build, &other.parts.build))
    }
}
impl PartialOrd for PubVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for PubVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for PubVersion {}
impl fmt::Display for PubVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
