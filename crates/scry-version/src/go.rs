//! Go versions: module versions ordered as `golang.org/x/mod/semver.Compare`, plus Go
//! toolchain names (`go1.21.3`, `go1.21rc2`) as the Go vulnerability database maps them
//! to semver.
//!
//! # Traps
//! - Go's semver wants a leading `v`; OSV records (and so scry) write module versions
//!   without it (`1.6.0`). Both are accepted and equal.
//! - `vMAJOR` and `vMAJOR.MINOR` are shorthands for `.0` (`v1` == `v1.0.0`, and OSV's
//!   `introduced: "0"`), but a shorthand takes no pre-release or build (`v1.2-pre` is
//!   invalid), exactly as in `x/mod/semver`.
//! - Leading zeros are invalid in numbers and numeric pre-release identifiers
//!   (`v01.0.0`, `v1.0.0-01`), as in `x/mod/semver`.
//! - Build metadata does not count, so `+incompatible` is ignored for ordering:
//!   `2.0.0+incompatible == 2.0.0`.
//! - Pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
//!   `v1.2.4-0.20191109021931-daa7c04131f5`) are ordinary pre-releases: their order falls
//!   out of SemVer (the timestamp is one numeric identifier or part of one).
//! - Numbers have no size limit (Go compares them as digit strings).
//! - Toolchain names (`go1.21.3`, `go1.21rc2`, `go1.20`, `1.21rc2`) map as the Go
//!   vulnerability database maps them: `goX.Y` → `X.Y.0`, `goX.Y.Z` → `X.Y.Z`,
//!   `goX.YrcN` → `X.Y.0-rc.N` (likewise `beta`, `alpha`). So `go1.21rc2 < go1.21.0` and
//!   `go1.21.0 == 1.21.0`. Note `go/version.Compare` orders the bare *language* version
//!   `go1.21` before `go1.21rc1`; the database (and scry) treat `go1.21` as the release.
//!   OSV's Go standard-library records use plain semver such as `1.21.0-0` (the lowest
//!   pre-release of 1.21.0) for `introduced`.

use std::cmp::Ordering;
use std::fmt;

use crate::semver::{Ident, Num, SemverParts, cmp_prerelease, cmp_release};
use crate::{Error, VersionScheme};

/// A parsed Go version.
#[derive(Debug, Clone)]
pub struct GoVersion {
    raw: String,
    parts: SemverParts,
}

impl GoVersion {
    /// Parses a Go module version (with or without `v`) or a Go toolchain name.
    ///
    /// # Errors
    /// When `s` is not a valid Go version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let err = |r: &str| Error::invalid(VersionScheme::Go, s, r);
        if s.is_empty() {
            return Err(err("empty"));
        }
        let parts = if let Some(tool) = s.strip_prefix("go") {
            parse_toolchain(tool).ok_or_else(|| err("not a Go toolchain version"))?
        } else {
            let body = s.strip_prefix('v').unwrap_or(s);
            match parse_go_semver(body) {
                Ok(p) => p,
                Err(reason) => parse_toolchain(body).ok_or_else(|| err(reason))?,
            }
        };
        Ok(Self {
            raw: s.to_owned(),
            parts,
        })
    }

    /// Whether the version carries `+incompatible` (a v2+ module without a `go.mod`).
    #[must_use]
    pub fn is_incompatible(&self) -> bool {
        matches!(self.parts.build.as_slice(), [Ident::Alpha(a)] if &**a == "incompatible")
    }
}

/// Parses a run of digits without leading zeros (`0` alone is fine); returns it and the rest.
fn parse_int(s: &str) -> Option<(Num, &str)> {
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    if end == 0 || (end > 1 && s.starts_with('0')) {
        return None;
    }
    let (digits, rest) = s.split_at(end);
    Some((Num::from_digits(digits), rest))
}

/// `x/mod/semver` grammar, without the leading `v`.
fn parse_go_semver(s: &str) -> Result<SemverParts, &'static str> {
    const BAD: &str = "not a Go semantic version";
    let (major, rest) = parse_int(s).ok_or(BAD)?;
    if rest.is_empty() {
        return Ok(SemverParts {
            release: vec![major, Num::ZERO, Num::ZERO],
            ..SemverParts::default()
        });
    }
    let (minor, rest) = parse_int(rest.strip_prefix('.').ok_or(BAD)?).ok_or(BAD)?;
    if rest.is_empty() {
        return Ok(SemverParts {
            release: vec![major, minor, Num::ZERO],
            ..SemverParts::default()
        });
    }
    let (patch, rest) = parse_int(rest.strip_prefix('.').ok_or(BAD)?).ok_or(BAD)?;
    let (rest, build) = match rest.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (rest, None),
    };
    let pre = if rest.is_empty() {
        Vec::new()
    } else {
        let p = rest.strip_prefix('-').ok_or(BAD)?;
        let ids = crate::semver::parse_idents(p, "pre-release").map_err(|_| BAD)?;
        for id in p.split('.') {
            if id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()) {
                return Err("numeric pre-release identifier with a leading zero");
            }
        }
        ids
    };
    let build = match build {
        Some(b) => crate::semver::parse_idents(b, "build").map_err(|_| BAD)?,
        None => Vec::new(),
    };
    Ok(SemverParts {
        release: vec![major, minor, patch],
        pre,
        build,
    })
}

/// `X[.Y[.Z]][(alpha|beta|rc)N]`, without the leading `go`.
fn parse_toolchain(s: &str) -> Option<SemverParts> {
    let (major, mut rest) = parse_int(s)?;
    let mut release = vec![major];
    while let Some(r) = rest.strip_prefix('.') {
        if release.len() == 3 {
            return None;
        }
        let (n, r) = parse_int(r)?;
        release.push(n);
        rest = r;
    }
    release.resize(3, Num::ZERO);
    let mut pre = Vec::new();
    if !rest.is_empty() {
        let label = ["alpha", "beta", "rc"]
            .into_iter()
            .find(|l| rest.starts_with(l))?;
        let (n, r) = parse_int(rest.get(label.len()..)?)?;
        if !r.is_empty() {
            return None;
        }
        pre = vec![Ident::Alpha(label.into()), Ident::Num(n)];
    }
    Some(SemverParts {
        release,
        pre,
        build: Vec::new(),
    })
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_release(&self.parts.release, &other.parts.release)
            .then_with(|| cmp_prerelease(&self.parts.pre, &other.parts.pre))
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
