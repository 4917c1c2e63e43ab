//! Debian versions, parsed as dpkg's `parseversion` and ordered as its `verrevcmp`
//! (`dpkg --compare-versions`).
//!
//! `[epoch:]upstream[-revision]`
//!
//! # Traps
//! - The epoch is everything before the *first* `:`; the revision everything after the
//!   *last* `-` (so upstream may contain `-` and `:`, `1:2:3-4-5` is epoch 1, upstream
//!   `2:3-4`, revision 5). Missing epoch is 0, missing revision equals `0`
//!   (`1.0 == 1.0-0 == 0:1.0`).
//! - In each part, runs of non-digits compare character by character with `~` before
//!   everything (even the end: `1.0~rc1 < 1.0`), then the end, then letters, then all
//!   other characters (`1.0 < 1.0a < 1.0+ < 1.0.1`); runs of digits compare as numbers
//!   of any length (`0.0.9 < 0.0.10`, `1.01 == 1.1`, no overflow).
//! - Bytes above ASCII (dpkg warns about them) order as dpkg does on x86, where `char` is
//!   signed: after letters, before the other ASCII symbols.
//! - dpkg *errors* on: an empty string, embedded spaces, an empty or non-numeric or
//!   negative or too big (> `i32::MAX`) epoch, nothing after the epoch colon, an empty
//!   upstream (`-1`), an empty revision (`1.0-`). These are rejected here.
//! - dpkg only *warns* on an upstream that does not start with a digit and on characters
//!   outside `[A-Za-z0-9.+~:-]`, and compares such versions anyway: accepted here, same
//!   order. (`dpkg --compare-versions` compares them too.)
//! - Leading and trailing blanks (space, tab) are trimmed as dpkg does; other control
//!   characters (newline, NUL, ...) are rejected, which dpkg would let through with a
//!   warning. `Display` prints the input unchanged.
//! - The epoch is parsed like C's `strtol`: a leading `+` is allowed (`+1:2 == 1:2`) and
//!   `-0:1` is epoch 0.

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

/// A parsed Debian version.
#[derive(Debug, Clone)]
pub struct DpkgVersion {
    raw: String,
    epoch: u32,
    /// Byte range of the upstream version in `raw`.
    upstream: (usize, usize),
    /// Byte range of the revision in `raw` (empty when absent).
    revision: (usize, usize),
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

impl DpkgVersion {
    /// Parses a Debian version.
    ///
    /// # Errors
    /// When dpkg would refuse `s` with an error (not a warning).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let err = |r: &str| Error::invalid(VersionScheme::Dpkg, s, r);
        let bytes = s.as_bytes();
        let start = bytes.iter().take_while(|&&b| is_blank(b)).count();
        let end = bytes.len() - bytes.iter().rev().take_while(|&&b| is_blank(b)).count();
        if start >= end {
            return Err(err("version string is empty"));
        }
        let body = s
            .get(start..end)
            .ok_or_else(|| err("version string is empty"))?;
        if body.bytes().any(is_blank) {
            return Err(err("version string has embedded spaces"));
        }
        if body.bytes().any(|b| b.is_ascii_control()) {
            return Err(err("version string has a control character"));
        }
        let (epoch, ver_start) = match body.find(':') {
            Some(colon) => {
                let epoch = parse_epoch(body.get(..colon).unwrap_or_default()).map_err(err)?;
                if colon + 1 == body.len() {
                    return Err(err("nothing after colon in version number"));
                }
                (epoch, start + colon + 1)
            }
            None => (0, start),
        };
        let rest = s.get(ver_start..end).unwrap_or_default();
        let (upstream, revision) = match rest.rfind('-') {
            Some(h) => {
                if h + 1 == rest.len() {
                    return Err(err("revision number is empty"));
                }
                ((ver_start, ver_start + h), (ver_start + h + 1, end))
            }
            None => ((ver_start, end), (end, end)),
        };
        if upstream.0 == upstream.1 {
            return Err(err("version number is empty"));
        }
        Ok(Self {
            raw: s.to_owned(),
            epoch,
            upstream,
            revision,
        })
    }

    /// The epoch (0 when absent).
    #[must_use]
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// The upstream version.
    #[must_use]
    pub fn upstream(&self) -> &str {
        self.raw
            .get(self.upstream.0..self.upstream.1)
            .unwrap_or_default()
    }

    /// The Debian revision (empty when absent).
    #[must_use]
    pub fn revision(&self) -> &str {
        self.raw
            .get(self.revision.0..self.revision.1)
            .unwrap_or_default()
    }
}

/// `strtol(s, &end, 10)` that must consume all of `s`, then dpkg's range checks.
fn parse_epoch(s: &str) -> Result<u32, &'static str> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..).unwrap_or_default()),
        Some(b'-') => (true, s.get(1..).unwrap_or_default()),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(if s.is_empty() {
            "epoch in version is empty"
        } else {
            "epoch in version is not number"
        });
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("epoch in version is not number");
    }
    let trimmed = digits.trim_start_matches('0');
    if trimmed.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err("epoch in version is negative");
    }
    match trimmed.parse::<u32>() {
        Ok(v) if v <= i32::MAX.unsigned_abs() => Ok(v),
        _ => Err("epoch in version is too big"),
    }
}

/// dpkg's `order()`: the weight of a non-digit character (0 for the end).
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        // `char` is signed on x86: bytes >= 0x80 are negative, plus 256.
        Some(c) if c >= 0x80 => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let ac = order(a.get(i).copied());
            let bc = order(b.get(j).copied());
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a.get(i).cmp(&b.get(j));
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream().as_bytes(), other.upstream().as_bytes()))
            .then_with(|| verrevcmp(self.revision().as_bytes(), other.revision().as_bytes()))
    }
}
impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for DpkgVersion {}
impl fmt::Display for DpkgVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
