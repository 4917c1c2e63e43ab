//! RPM versions: `[epoch:]version[-release]` (EVR), split as rpm's `rpmverParse` and
//! ordered as `rpmverCmp`/`rpmvercmp` (Red Hat, AlmaLinux, Rocky, SUSE, Mariner,
//! Amazon Linux).
//!
//! # Traps
//! - The epoch is only the leading run of digits when a `:` follows it; otherwise the
//!   `:` is part of the version (`a:1`, `1.m+e2:1` have no epoch). Missing epoch is 0;
//!   epochs compare as numbers (`01:2 == 1:2`).
//! - The release is everything after the *last* `-` (`+2-n:1` is version `+2`, release
//!   `n:1`).
//! - `rpmvercmp` splits on anything that is not an ASCII letter or digit (and not `~` or
//!   `^`); separators only separate, so `2.0 == 2_0`, `1. == 1`, `+ == _`, `1.1.α ==
//!   1.1.β`. Digit runs compare as numbers of any length, ignoring leading zeros
//!   (`10.0001 == 10.1`); a digit run beats a letter run (`1.0a < 1.0.1`, `xyz.4 < 8`);
//!   more segments win (`1.0 < 1.0a`); letter runs compare by ASCII (`1.0a < 1.0aa`,
//!   `B < a`).
//! - `~` sorts before everything, even the end (`1.0~rc1 < 1.0`); `^` sorts after the
//!   end but before anything else (`1.0 < 1.0^git1 < 1.01`, `1.0^git1 < 1.0.1`).
//! - Missing release: it sorts *before* any release, even an empty one or `~`
//!   (`1 < 1-~ < 1- < 1-0 < 1-1`), as rpm 4.18's `rpm.vercmp` answers (checked with
//!   `rpm --eval '%{lua:print(rpm.vercmp("1","1-~"))}'`, which prints `-1`). Older rpm
//!   skipped the release when one side lacked it (a wildcard for dependency ranges,
//!   which is not a total order).
//! - Only an empty string, whitespace and control characters are rejected; rpm compares
//!   anything else.

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed RPM version (EVR).
#[derive(Debug, Clone)]
pub struct RpmVersion {
    raw: String,
    /// Byte range of the epoch digits in `raw` (empty: epoch 0).
    epoch: (usize, usize),
    version: (usize, usize),
    release: Option<(usize, usize)>,
}

impl RpmVersion {
    /// Parses an RPM EVR.
    ///
    /// # Errors
    /// When `s` is empty or contains whitespace or control characters.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Rpm, s, "empty"));
        }
        if s.bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(Error::invalid(
                VersionScheme::Rpm,
                s,
                "contains whitespace or a control character",
            ));
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let after_epoch = digits;
        let (epoch, vstart) = if s.as_bytes().get(digits) == Some(&b':') {
            ((0, digits), digits + 1)
        } else {
            ((0, 0), 0)
        };
        // rpm looks for the last `-` after the epoch digits.
        let release_dash = s
            .get(after_epoch..)
            .and_then(|t| t.rfind('-'))
            .map(|p| p + after_epoch);
        let (version, release) = match release_dash {
            Some(d) if d >= vstart => ((vstart, d), Some((d + 1, s.len()))),
            _ => ((vstart, s.len()), None),
        };
        Ok(Self {
            raw: s.to_owned(),
            epoch,
            version,
            release,
        })
    }

    fn slice(&self, r: (usize, usize)) -> &[u8] {
        self.raw.as_bytes().get(r.0..r.1).unwrap_or_default()
    }

    /// The epoch as written (`""` when absent).
    #[must_use]
    pub fn epoch(&self) -> &str {
        self.raw.get(self.epoch.0..self.epoch.1).unwrap_or_default()
    }

    /// The version part.
    #[must_use]
    pub fn version(&self) -> &str {
        self.raw
            .get(self.version.0..self.version.1)
            .unwrap_or_default()
    }

    /// The release part, if any.
    #[must_use]
    pub fn release(&self) -> Option<&str> {
        self.release
            .map(|r| self.raw.get(r.0..r.1).unwrap_or_default())
    }
}

fn is_sep(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || c == b'~' || c == b'^')
}

/// rpm's `rpmvercmp`.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while a.get(i).is_some_and(|&c| is_sep(c)) {
            i += 1;
        }
        while b.get(j).is_some_and(|&c| is_sep(c)) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };
        let isnum = first.is_ascii_digit();
        let class = |c: &u8| {
            if isnum {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        let ea = i + a
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| class(c))
            .count();
        let eb = j + b
            .get(j..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| class(c))
            .count();
        if eb == j {
            // Different kinds: a number beats letters.
            return if isnum {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let sa = a.get(i..ea).unwrap_or_default();
        let sb = b.get(j..eb).unwrap_or_default();
        let o = if isnum {
            crate::semver::cmp_digits(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if o != Ordering::Equal {
            return o;
        }
        i = ea;
        j = eb;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        crate::semver::cmp_digits(self.slice(self.epoch), other.slice(other.epoch))
            .then_with(|| rpmvercmp(self.slice(self.version), other.slice(other.version)))
            .then_with(|| match (self.release, other.release) {
                (Some(a), Some(b)) => rpmvercmp(self.slice(a), other.slice(b)),
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
            })
    }
}
impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for RpmVersion {}
impl fmt::Display for RpmVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
