//! RubyGems versions, parsed and ordered as `Gem::Version` (RubyGems 3.3) does.
//!
//! Valid strings match `\A\s*([0-9]+(?>\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*\z`.
//! The version is stripped, every `-` becomes `.pre.`, and the segments are the runs of
//! digits (numbers) and of ASCII letters (strings) in it. Comparison uses the
//! *canonical* segments: the numeric segments before the first string, and the segments
//! from the first string on, each with its trailing zeros dropped.
//!
//! # Traps
//! - Segments are split on digit/letter changes too: `1.0.a10 == 1.0.a.10`, and
//!   `1.0.b1 > 1.0.a.2`.
//! - Any letter makes a prerelease, and a string segment sorts before a number (and
//!   before a missing segment, which counts as 0): `1.0.a < 1.0 < 1.0.0.1`.
//! - `-` means `.pre.`: `1.0-beta == 1.0.pre.beta`, which is *above* `1.0.beta` but below
//!   `1.0.rc` (`beta < pre < rc` as strings).
//! - Strings compare byte-wise and case-sensitively: `1.0.A < 1.0.a`.
//! - Trailing zeros are dropped from both parts: `1.0.0 == 1`, `1.a.0 == 1.a`, and
//!   `1.0.a == 1.a` (the zero ends the numeric part).
//! - Numbers have arbitrary precision and leading zeros are ignored (`01.0 == 1`).
//! - Surrounding ASCII whitespace (`\s`: space, `\t\n\v\f\r`) is allowed. `Gem::Version`
//!   reads an empty or blank string as `0`; scry refuses it, since an empty version in an
//!   advisory or lockfile is missing data, not version 0.
//! - No build metadata (`1.0+local` is malformed), no empty segments (`1..0`, `1.0.`),
//!   nothing before the first digit (`v1.0`, `a`).

use std::cmp::Ordering;
use std::fmt;

use crate::num::Num;
use crate::{Error, VersionScheme};

/// A parsed RubyGems version.
#[derive(Debug, Clone)]
pub struct GemVersion {
    raw: String,
    canonical: Vec<Segment>,
    prerelease: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Num(Num),
    Str(Box<str>),
}

/// Ruby's `\s`.
fn is_ruby_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// Whether `s` (already stripped) matches `VERSION_PATTERN` whole.
fn matches_pattern(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let run = |i: &mut usize, ok: &dyn Fn(u8) -> bool| {
        let start = *i;
        while b.get(*i).copied().is_some_and(ok) {
            *i += 1;
        }
        *i > start
    };
    if !run(&mut i, &|c| c.is_ascii_digit()) {
        return false;
    }
    while b.get(i) == Some(&b'.') {
        i += 1;
        if !run(&mut i, &|c| c.is_ascii_alphanumeric()) {
            return false;
        }
    }
    if b.get(i) == Some(&b'-') {
        i += 1;
        let pre = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
        if !run(&mut i, &pre) {
            return false;
        }
        while b.get(i) == Some(&b'.') {
            i += 1;
            if !run(&mut i, &pre) {
                return false;
            }
        }
    }
    i == b.len()
}

impl GemVersion {
    /// Parses a RubyGems version.
    ///
    /// # Errors
    /// When `Gem::Version.new` would raise "Malformed version number string", or when
    /// `s` is empty or blank.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::invalid(VersionScheme::RubyGems, s, reason);
        let text = s.trim_matches(is_ruby_space);
        if text.is_empty() {
            return Err(invalid("empty"));
        }
        if !matches_pattern(text) {
            return Err(invalid(
                "malformed: expected digits, then `.`-separated letters/digits, then an optional `-` prerelease",
            ));
        }
        // `@version.gsub("-", ".pre.").scan(/[0-9]+|[a-z]+/i)`.
        let mut segments = Vec::new();
        let mut prerelease = false;
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&c) = bytes.get(i) {
            if c == b'-' {
                segments.push(Segment::Str("pre".into()));
                prerelease = true;
                i += 1;
                continue;
            }
            let start = i;
            if c.is_ascii_digit() {
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                segments.push(Segment::Num(Num::from_ascii_digits(
                    text.get(start..i).unwrap_or_default(),
                )));
            } else if c.is_ascii_alphabetic() {
                while bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    i += 1;
                }
                segments.push(Segment::Str(text.get(start..i).unwrap_or_default().into()));
                prerelease = true;
            } else {
                i += 1;
            }
        }
        // `canonical_segments`: drop trailing zeros of the numeric part and of the rest.
        let split = segments
            .iter()
            .position(|s| matches!(s, Segment::Str(_)))
            .unwrap_or(segments.len());
        let strings = segments.split_off(split);
        let mut canonical = segments;
        let is_zero = |s: &Segment| matches!(s, Segment::Num(n) if n.is_zero());
        while canonical.last().is_some_and(is_zero) {
            canonical.pop();
        }
        let keep = strings.len() - strings.iter().rev().take_while(|s| is_zero(s)).count();
        canonical.extend(strings.into_iter().take(keep));
        Ok(Self {
            raw: s.to_owned(),
            canonical,
            prerelease,
        })
    }

    /// Whether this is a prerelease (`Gem::Version#prerelease?`: any letter).
    #[must_use]
    pub fn is_prerelease(&self) -> bool {
        self.prerelease
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(Num::ZERO);
        let len = self.canonical.len().max(other.canonical.len());
        for i in 0..len {
            let l = self.canonical.get(i).unwrap_or(&zero);
            let r = other.canonical.get(i).unwrap_or(&zero);
            let o = match (l, r) {
                (Segment::Num(a), Segment::Num(b)) => a.cmp(b),
                (Segment::Str(a), Segment::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
                (Segment::Str(_), Segment::Num(_)) => Ordering::Less,
                (Segment::Num(_), Segment::Str(_)) => Ordering::Greater,
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    }
}
impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for GemVersion {}
impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
