//! NuGet versions, parsed and ordered as NuGet.Versioning's `NuGetVersion.TryParse` and
//! `VersionComparer.Default` do.
//!
//! `N[.N[.N[.N]]][-LABEL(.LABEL)*][+METADATA]`
//!
//! # Traps
//! - Up to four numbers (`Major.Minor.Patch.Revision`), missing ones are zero:
//!   `1 == 1.0 == 1.0.0 == 1.0.0.0`; leading zeros are fine (`1.0.01 == 1.0.1`).
//!   NuGet refuses numbers above `Int32::MAX`; scry accepts numbers of any size and
//!   orders them numerically (the peer's fixture has `999999999999999999999999999991 <
//!   999999999999999999999999999999`, and advisories are not always NuGet-valid).
//! - Release labels compare case-insensitively (`1.0.0-BETA == 1.0.0-beta`, ordinal after
//!   upper-casing). A label is numeric when `Int32.TryParse` accepts it, so `-5` is the
//!   number −5 and `99999999999` (too big for an `Int32`) is a *string*. Numeric labels
//!   sort before string ones; a longer list wins when one is a prefix of the other; any
//!   pre-release sorts before the release.
//! - Numeric labels with leading zeros (`1.0.0-01`) are invalid, as in NuGet; leading
//!   zeros are fine in metadata.
//! - Build metadata (`+...`) is ignored for ordering and equality.
//! - NuGet trims surrounding whitespace; scry does too (for parsing only: `Display` prints
//!   the input), but rejects whitespace inside, which NuGet partly tolerates.

use std::cmp::Ordering;
use std::fmt;

use crate::semver::Num;
use crate::{Error, VersionScheme};

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    raw: String,
    numbers: [Num; 4],
    labels: Vec<Label>,
}

#[derive(Debug, Clone)]
enum Label {
    Num(i32),
    /// Upper-cased for comparison.
    Str(Box<str>),
}

impl Label {
    fn cmp_label(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Num(a), Self::Num(b)) => a.cmp(b),
            (Self::Num(_), Self::Str(_)) => Ordering::Less,
            (Self::Str(_), Self::Num(_)) => Ordering::Greater,
            (Self::Str(a), Self::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

fn valid_part(s: &str, allow_leading_zeros: bool) -> bool {
    !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (allow_leading_zeros
            || !(s.len() > 1 && s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit())))
}

/// `Int32.TryParse` on a label of `[0-9A-Za-z-]`: an optional `-` then digits that fit.
fn int32(s: &str) -> Option<i32> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok()
}

impl NuGetVersion {
    /// Parses a NuGet version.
    ///
    /// # Errors
    /// When `s` is not a valid NuGet version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let err = |r: &str| Error::invalid(VersionScheme::NuGet, s, r);
        let t = s.trim();
        if t.is_empty() {
            return Err(err("empty"));
        }
        if t.bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        {
            return Err(err("contains whitespace or a control character"));
        }
        let (t, metadata) = match t.split_once('+') {
            Some((v, m)) => (v, Some(m)),
            None => (t, None),
        };
        let (version, labels) = match t.split_once('-') {
            Some((v, l)) => (v, Some(l)),
            None => (t, None),
        };
        if metadata.is_some_and(|m| !m.split('.').all(|p| valid_part(p, true))) {
            return Err(err("invalid build metadata"));
        }
        let labels = match labels {
            Some(l) => l
                .split('.')
                .map(|p| {
                    if !valid_part(p, false) {
                        return Err(err("invalid release label"));
                    }
                    Ok(match int32(p) {
                        Some(n) => Label::Num(n),
                        None => Label::Str(p.to_ascii_uppercase().into()),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let mut numbers = [Num::ZERO, Num::ZERO, Num::ZERO, Num::ZERO];
        for (count, part) in version.split('.').enumerate() {
            let slot = numbers
                .get_mut(count)
                .ok_or_else(|| err("more than four version numbers"))?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("version numbers must be digits"));
            }
            *slot = Num::from_digits(part);
        }
        Ok(Self {
            raw: s.to_owned(),
            numbers,
            labels,
        })
    }

    /// Whether the version has release labels (`1.0.0-beta`).
    #[must_use]
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.labels.iter().zip(&other.labels) {
                        match a.cmp_label(b) {
                            Ordering::Equal => {}
                            o => return o,
                        }
                    }
                    self.labels.len().cmp(&other.labels.len())
                }
            }
        })
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
