//! SemVer 2.0 versions (npm, crates.io, Hex, Bitnami), ordered by SemVer precedence as
//! node-semver and Cargo do, parsed with the tolerance OSV consumers need.
//!
//! `[v|=]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]`
//!
//! # Traps
//! - Build metadata never counts: `1.0.0+a == 1.0.0+b` (for ordering *and* equality).
//!   Dart's `pub_semver` differs (see [`crate::pub_semver`]).
//! - Numbers have no size limit: `999999999999999999999999999991 <
//!   999999999999999999999999999999` (node-semver itself refuses numbers above
//!   `Number.MAX_SAFE_INTEGER`; advisories still contain them, so scry orders them).
//! - Pre-release identifiers made only of digits compare as numbers and sort *before*
//!   alphanumeric ones (`1.0.0-1 < 1.0.0-a`); alphanumeric ones compare by ASCII, so
//!   `1.0.0-R2 < 1.0.0-r100` (uppercase first) and `1.0.0-r100 < 1.0.0-r2` (no natural
//!   sort). A longer list wins when one is a prefix of the other (`-a < -a.b`).
//! - `1.2.3-4-foo` has one identifier `4-foo` (hyphens belong to identifiers); it is
//!   alphanumeric, so `1.2.3-5 < 1.2.3-5-foo`.
//! - Tolerance, for real advisories: a leading `v`/`V` or `=` (or both, `=v1.2.3`),
//!   missing minor/patch (`1.2` is `1.2.0`, `1` is `1.0.0`), leading zeros
//!   (`01.2.3`), and more than three numeric components (`1.1.3.4.5`; the extra ones
//!   compare like further release numbers, missing ones are zero). `Display` still prints
//!   the input, so `1.2` shows as `1.2` while it equals `1.2.0`.
//! - Rejected: empty input, whitespace anywhere, empty components (`1..2`, `1.`),
//!   empty identifiers (`1.0.0-`, `1.0.0-a..b`, `1.0.0+`), characters outside
//!   `[0-9A-Za-z-]` in identifiers, and anything other than `-` or `+` after the numbers
//!   (`1.2.3beta`, `1.2.x`: ranges are not versions).

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed SemVer version.
#[derive(Debug, Clone)]
pub struct SemVersion {
    raw: String,
    parts: SemverParts,
}

impl SemVersion {
    /// Parses a SemVer version (tolerantly, see the module docs).
    ///
    /// # Errors
    /// When `s` is not a valid SemVer version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let parts = parse_tolerant(s).map_err(|r| Error::invalid(VersionScheme::SemVer, s, r))?;
        Ok(Self {
            raw: s.to_owned(),
            parts,
        })
    }

    /// Whether the version has a pre-release part (`1.0.0-rc.1`).
    #[must_use]
    pub fn is_prerelease(&self) -> bool {
        !self.parts.pre.is_empty()
    }
}

impl Ord for SemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_release(&self.parts.release, &other.parts.release)
            .then_with(|| cmp_prerelease(&self.parts.pre, &other.parts.pre))
    }
}
impl PartialOrd for SemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for SemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for SemVersion {}
impl fmt::Display for SemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

// ---------------------------------------------------------------------------------------
// Shared by the SemVer-like schemes (`go`, `nuget`, `pub_semver`).

/// A non-negative integer of any size, kept as its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Num {
    /// Fits in a `u64`.
    Small(u64),
    /// Larger: ASCII digits without leading zeros (more than 19 of them, or 20 that
    /// overflow).
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub(crate) const ZERO: Self = Self::Small(0);

    /// The value of a run of ASCII digits (callers check they are digits).
    pub(crate) fn from_digits(digits: &str) -> Self {
        let trimmed = digits.trim_start_matches('0');
        let mut value: u64 = 0;
        for b in trimmed.bytes() {
            let d = u64::from(b.wrapping_sub(b'0'));
            match value.checked_mul(10).and_then(|v| v.checked_add(d)) {
                Some(v) => value = v,
                None => return Self::Big(trimmed.into()),
            }
        }
        Self::Small(value)
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Small(a), Self::Small(b)) => a.cmp(b),
            (Self::Small(_), Self::Big(_)) => Ordering::Less,
            (Self::Big(_), Self::Small(_)) => Ordering::Greater,
            (Self::Big(a), Self::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}
impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two runs of ASCII digits as numbers, of any length, without allocating.
pub(crate) fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&c| c == b'0').count();
    s.get(n..).unwrap_or_default()
}

/// One dot-separated identifier of a pre-release or build part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Ident {
    /// Only ASCII digits: compared as a number.
    Num(Num),
    /// Anything else: compared by ASCII.
    Alpha(Box<str>),
}

impl Ord for Ident {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Num(a), Self::Num(b)) => a.cmp(b),
            (Self::Num(_), Self::Alpha(_)) => Ordering::Less,
            (Self::Alpha(_), Self::Num(_)) => Ordering::Greater,
            (Self::Alpha(a), Self::Alpha(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}
impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The pieces of a SemVer-like version.
#[derive(Debug, Clone, Default)]
pub(crate) struct SemverParts {
    /// Release numbers as written (one or more).
    pub(crate) release: Vec<Num>,
    /// Pre-release identifiers (empty: a release).
    pub(crate) pre: Vec<Ident>,
    /// Build identifiers (empty: none).
    pub(crate) build: Vec<Ident>,
}

/// Compares release numbers, missing ones being zero (`1.2 == 1.2.0`).
pub(crate) fn cmp_release(a: &[Num], b: &[Num]) -> Ordering {
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).unwrap_or(&Num::ZERO);
        let y = b.get(i).unwrap_or(&Num::ZERO);
        match x.cmp(y) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    Ordering::Equal
}

/// SemVer pre-release precedence: none sorts after any; otherwise identifier by
/// identifier, a longer list winning when one is a prefix of the other.
pub(crate) fn cmp_prerelease(a: &[Ident], b: &[Ident]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

/// Splits a dot-separated identifier list, each non-empty and made of `[0-9A-Za-z-]`.
pub(crate) fn parse_idents(s: &str, what: &str) -> Result<Vec<Ident>, String> {
    let mut out = Vec::new();
    for id in s.split('.') {
        if id.is_empty() {
            return Err(format!("empty {what} identifier"));
        }
        if !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!(
                "{what} identifier `{id}` has a character outside `[0-9A-Za-z-]`"
            ));
        }
        out.push(if id.bytes().all(|b| b.is_ascii_digit()) {
            Ident::Num(Num::from_digits(id))
        } else {
            Ident::Alpha(id.into())
        });
    }
    Ok(out)
}

/// Parses the tolerant form `[=][v|V]N(.N)*[-PRE][+BUILD]`.
pub(crate) fn parse_tolerant(s: &str) -> Result<SemverParts, String> {
    if s.is_empty() {
        return Err("empty".into());
    }
    if s.bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("contains whitespace or a control character".into());
    }
    let body = s.strip_prefix('=').unwrap_or(s);
    let body = body
        .strip_prefix('v')
        .or_else(|| body.strip_prefix('V'))
        .unwrap_or(body);
    let (body, build) = match body.split_once('+') {
        Some((b, m)) => (b, Some(m)),
        None => (body, None),
    };
    let core_end = body
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'.'))
        .unwrap_or(body.len());
    let (core, rest) = body.split_at(core_end);
    let pre = if rest.is_empty() {
        None
    } else if let Some(p) = rest.strip_prefix('-') {
        Some(p)
    } else {
        return Err(format!("unexpected `{rest}` after the version numbers"));
    };
    let release = parse_release(core)?;
    let pre = match pre {
        Some(p) => parse_idents(p, "pre-release")?,
        None => Vec::new(),
    };
    let build = match build {
        Some(m) => parse_idents(m, "build")?,
        None => Vec::new(),
    };
    Ok(SemverParts {
        release,
        pre,
        build,
    })
}

/// Parses `N(.N)*`, each `N` a non-empty run of digits.
pub(crate) fn parse_release(core: &str) -> Result<Vec<Num>, String> {
    if core.is_empty() {
        return Err("no version number".into());
    }
    core.split('.')
        .map(|n| {
            if n.is_empty() {
                Err("empty version number component".to_owned())
            } else {
                Ok(Num::from_digits(n))
            }
        })
        .collect()
}
