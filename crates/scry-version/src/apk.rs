//! Alpine (apk) versions, validated and ordered as apk-tools 3 (`src/version.c`:
//! `apk_version_validate`, `apk_version_compare`) does. Also used for Wolfi/Chainguard.
//!
//! `N{.N}...{letter}{_suffix{N}}...{~hash}{-rN}`
//!
//! # Traps
//! - Grammar is strict, exactly apk's token state machine: one leading number; more
//!   `.N`; at most one lowercase letter, only right after a number (`1.0a1`, `1.0a.1`,
//!   `1.0bc` are invalid); suffixes `_alpha _beta _pre _rc _cvs _svn _git _hg _p`, each
//!   optionally numbered, repeatable (`0.1_p1_pre2`); one `~hash` of lowercase hex digits
//!   (`~1234abcd`); one `-rN` revision with digits (`1.0-r` is invalid). Anything else is
//!   rejected: `6.6.2p1` (letter then digits), `1-r-0`, `1.2_blah`, `.1`, `a`.
//! - Order is token by token. Equal kinds compare by value: numbers numerically (no
//!   overflow, any length) — except after the first number, where a number with a leading
//!   zero makes the pair compare as *strings* (`1.01 < 1.1`, `1.01 < 1.010`, `1.0 <
//!   1.00`); the first number and suffix/revision numbers ignore leading zeros (`1-r1 ==
//!   1-r01`); letters by ASCII; suffixes `alpha < beta < pre < rc < (none) < cvs < svn <
//!   git < hg < p`; hashes as strings.
//! - When the kinds differ, a pre-release suffix (`_alpha`..`_rc`) loses to everything
//!   (`1.2_rc1 < 1.2`); otherwise the kind later in the grammar loses: end < `-r` <
//!   `~hash` < suffix number < post suffix < letter < `.N` (`1.2 < 1.2_p1 < 1.2a <
//!   1.2.1`, `1.0 < 1.0-r0`, `1.0_alpha < 1.0_alpha1`).
//! - apk-tools' own comparison of *invalid* strings (what `apk version -t` prints for
//!   them) is not a total order (`a == b`, both invalid), so scry rejects them instead.
//!   osv-scalibr's fixtures order some of them (from apk 2.x); see the tests.
//! - apk-tools compares numbers in a `uint64_t` that wraps; scry does not wrap.
//! - [`ApkVersion::fuzzy_matches`] gives apk's `~` (prefix) match: `3.6.9 ~ 3.6`.

use std::cmp::Ordering;
use std::fmt;

use crate::semver::cmp_digits;
use crate::{Error, VersionScheme};

/// Token kinds, in apk-tools' `enum PARTS` order (the order matters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit = 0,
    Digit = 1,
    Letter = 2,
    Suffix = 3,
    SuffixNo = 4,
    CommitHash = 5,
    RevisionNo = 6,
    End = 7,
}

/// Suffix values, in apk-tools' order; `None` (5) is the pivot.
const SUFFIXES: [&str; 11] = [
    "", "alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p",
];
const SUFFIX_NONE: u8 = 5;

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Kind,
    /// Byte range of the token's value in the raw string.
    start: u32,
    end: u32,
    /// Suffix value for [`Kind::Suffix`].
    suffix: u8,
}

/// A parsed, valid apk version.
#[derive(Debug, Clone)]
pub struct ApkVersion {
    raw: String,
    tokens: Vec<Token>,
}

fn span(s: &[u8], from: usize, pred: impl Fn(u8) -> bool) -> usize {
    from + s
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&c| pred(c))
        .count()
}

fn tokenize(s: &str) -> Result<Vec<Token>, &'static str> {
    let b = s.as_bytes();
    if u32::try_from(b.len()).is_err() {
        return Err("too long");
    }
    let tok = |kind, start: usize, end: usize, suffix| Token {
        kind,
        // Lengths fit in u32 (checked above).
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
        suffix,
    };
    let mut out = Vec::new();
    let end = span(b, 0, |c| c.is_ascii_digit());
    if end == 0 {
        return Err("does not start with a digit");
    }
    out.push(tok(Kind::InitialDigit, 0, end, 0));
    let mut prev = Kind::InitialDigit;
    let mut i = end;
    while let Some(&c) = b.get(i) {
        let t = match c {
            b'a'..=b'z' => {
                if prev > Kind::Digit {
                    return Err("a letter must follow a number");
                }
                i += 1;
                tok(Kind::Letter, i - 1, i, 0)
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if prev > Kind::Digit {
                        return Err("`.` must follow a number");
                    }
                    i += 1;
                }
                let kind = match prev {
                    Kind::InitialDigit | Kind::Digit => Kind::Digit,
                    Kind::Suffix => Kind::SuffixNo,
                    _ => return Err("misplaced number"),
                };
                let e = span(b, i, |c| c.is_ascii_digit());
                if e == i {
                    return Err("missing number");
                }
                let t = tok(kind, i, e, 0);
                i = e;
                t
            }
            b'_' => {
                if prev > Kind::SuffixNo {
                    return Err("misplaced suffix");
                }
                i += 1;
                let e = span(b, i, |c| c.is_ascii_lowercase());
                let name = s.get(i..e).unwrap_or_default();
                let value = SUFFIXES
                    .iter()
                    .position(|&x| !x.is_empty() && x == name)
                    .ok_or("unknown suffix")?;
                let t = tok(Kind::Suffix, i, e, u8::try_from(value).unwrap_or(0));
                i = e;
                t
            }
            b'~' => {
                if prev >= Kind::CommitHash {
                    return Err("misplaced `~hash`");
                }
                i += 1;
                let e = span(b, i, |c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
                if e == i {
                    return Err("empty `~hash`");
                }
                let t = tok(Kind::CommitHash, i, e, 0);
                i = e;
                t
            }
            b'-' => {
                if prev >= Kind::RevisionNo {
                    return Err("misplaced revision");
                }
                if b.get(i + 1) != Some(&b'r') {
                    return Err("`-` must start a `-rN` revision");
                }
                i += 2;
                let e = span(b, i, |c| c.is_ascii_digit());
                if e == i {
                    return Err("revision `-r` without a number");
                }
                let t = tok(Kind::RevisionNo, i, e, 0);
                i = e;
                t
            }
            _ => return Err("invalid character"),
        };
        prev = t.kind;
        out.push(t);
    }
    Ok(out)
}

impl ApkVersion {
    /// Parses an apk version, rejecting what `apk_version_validate` rejects.
    ///
    /// # Errors
    /// When `s` is not a valid apk version.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Apk, s, "empty"));
        }
        let tokens = tokenize(s).map_err(|r| Error::invalid(VersionScheme::Apk, s, r))?;
        Ok(Self {
            raw: s.to_owned(),
            tokens,
        })
    }

    /// Whether `s` is a valid apk version (`apk_version_validate`).
    #[must_use]
    pub fn is_valid(s: &str) -> bool {
        !s.is_empty() && tokenize(s).is_ok()
    }

    fn value(&self, t: &Token) -> &[u8] {
        self.raw
            .as_bytes()
            .get(t.start as usize..t.end as usize)
            .unwrap_or_default()
    }

    fn token_cmp(&self, ta: &Token, other: &Self, tb: &Token) -> Ordering {
        let (a, b) = (self.value(ta), other.value(tb));
        match ta.kind {
            Kind::Digit if a.first() == Some(&b'0') || b.first() == Some(&b'0') => a.cmp(b),
            Kind::Digit | Kind::InitialDigit | Kind::SuffixNo | Kind::RevisionNo => {
                cmp_digits(a, b)
            }
            Kind::Letter | Kind::CommitHash | Kind::End => a.cmp(b),
            Kind::Suffix => ta.suffix.cmp(&tb.suffix),
        }
    }

    /// apk's `apk_version_compare_fuzzy`; `fuzzy` makes `self` equal to `other` when
    /// `other` is a prefix of it (token-wise).
    fn compare_fuzzy(&self, other: &Self, fuzzy: bool) -> Ordering {
        let end = Token {
            kind: Kind::End,
            start: 0,
            end: 0,
            suffix: 0,
        };
        let mut k = 0;
        loop {
            let ta = self.tokens.get(k).unwrap_or(&end);
            let tb = other.tokens.get(k).unwrap_or(&end);
            if ta.kind != tb.kind || ta.kind == Kind::End {
                if ta.kind == tb.kind {
                    return Ordering::Equal;
                }
                if tb.kind == Kind::End && fuzzy {
                    return Ordering::Equal;
                }
                if ta.kind == Kind::Suffix && ta.suffix < SUFFIX_NONE {
                    return Ordering::Less;
                }
                if tb.kind == Kind::Suffix && tb.suffix < SUFFIX_NONE {
                    return Ordering::Greater;
                }
                return tb.kind.cmp(&ta.kind);
            }
            match self.token_cmp(ta, other, tb) {
                Ordering::Equal => k += 1,
                o => return o,
            }
        }
    }

    /// apk's fuzzy match (`~` in a dependency): whether `prefix`'s tokens all equal the
    /// leading tokens of `self` (`3.6.9 ~ 3.6`, `3.6_pre1 ~ 3.6`, but not `3.8 ~ 3.8.1`).
    #[must_use]
    pub fn fuzzy_matches(&self, prefix: &Self) -> bool {
        self.compare_fuzzy(prefix, true) == Ordering::Equal
    }

    /// [`fuzzy_matches`](Self::fuzzy_matches), or the order when it does not match
    /// (for apk's `<~` and `>~`).
    #[must_use]
    pub fn cmp_fuzzy(&self, prefix: &Self) -> Ordering {
        self.compare_fuzzy(prefix, true)
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.compare_fuzzy(other, false)
    }
}
impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for ApkVersion {}
impl fmt::Display for ApkVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
