//! PEP 440 versions (PyPI), parsed and ordered exactly as Python's
//! `packaging.version.Version` (packaging 26) does.
//!
//! `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, after normalisation.
//!
//! # Traps
//! - Normalisation is part of parsing: case-insensitive, leading `v`, surrounding
//!   whitespace (Python's `\s`, Unicode included), optional `.`/`-`/`_` separators,
//!   spellings `alpha`=`a`, `beta`=`b`, `c`/`pre`/`preview`=`rc`, `rev`/`r`=`post`,
//!   implicit numbers (`1.0a` = `1.0a0`, `1.0.post` = `1.0.post0`) and the implicit post
//!   release `1.0-1` = `1.0.post1`. A trailing separator after a pre or post label is
//!   accepted (`1.0a-` = `1.0a0`), one after the release is not (`1.0-`).
//! - Trailing zeros of the release do not count: `1.0 == 1.0.0 == 1`.
//! - A dev release without pre or post sorts before every pre-release of its release
//!   (`1.0.dev1 < 1.0a1`), while `1.0a1.dev1 < 1.0a1` and
//!   `1.0.post1.dev1 < 1.0.post1`, both above `1.0`.
//! - Local versions: `1.0 < 1.0+anything`; segments split on `.`/`-`/`_`, numeric
//!   segments (compared as numbers) sort after alphanumeric ones (compared as lowercase
//!   strings), and a shorter local sorts first when one is a prefix of the other.
//! - Numbers have arbitrary precision (`999999999999999999999999999991 <
//!   999999999999999999999999999999`), but Python refuses to convert integers of more than
//!   4300 digits, so `packaging` fails on them: rejected here too.
//! - Legacy (pre-PEP 440) versions such as `0.1-bulbasaur` are rejected, as `packaging`
//!   has done since version 22.

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, VersionScheme};

use crate::num::Num;

/// Python's `sys.int_info.str_digits_check_threshold` default: `int()` refuses longer
/// digit strings.
const MAX_DIGITS: usize = 4300;

/// A parsed PEP 440 version.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    raw: String,
    key: Key,
}

/// The comparison key, field order = comparison order (packaging's `_cmpkey`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    epoch: Num,
    /// The release without trailing zeros.
    release: Vec<Num>,
    pre: PreKey,
    post: Option<Num>,
    dev: DevKey,
    local: Option<Vec<LocalSegment>>,
}

/// Pre-release rank: dev-only < a < b < rc < none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PreKey {
    DevOnly,
    Alpha(Num),
    Beta(Num),
    Rc(Num),
    Stable,
}

/// Dev rank: a dev release sorts before the same version without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum DevKey {
    Dev(Num),
    None,
}

/// A local segment: strings sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalSegment {
    Str(Box<str>),
    Int(Num),
}

/// Python's `str.isspace` (what `re`'s `\s` matches): Unicode `White_Space` plus the
/// information separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat_sep(&mut self) {
        if matches!(self.peek(), Some(b'.' | b'_' | b'-')) {
            self.pos += 1;
        }
    }

    /// Consumes `word` (ASCII, lowercase) case-insensitively.
    fn eat_word(&mut self, word: &str) -> bool {
        let end = self.pos + word.len();
        match self.s.get(self.pos..end) {
            Some(bytes) if bytes.eq_ignore_ascii_case(word.as_bytes()) => {
                self.pos = end;
                true
            }
            _ => false,
        }
    }

    /// The first of `words` found here (regex alternation order), consumed.
    fn eat_any<'w>(&mut self, words: &[&'w str]) -> Option<&'w str> {
        words.iter().copied().find(|w| self.eat_word(w))
    }

    /// A run of ASCII digits (possibly empty), as text.
    fn digits(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        // ASCII digits only, so always valid UTF-8.
        std::str::from_utf8(self.s.get(start..self.pos).unwrap_or_default()).unwrap_or_default()
    }
}

impl Pep440Version {
    /// Parses a PEP 440 version.
    ///
    /// # Errors
    /// When `packaging.version.Version` would reject `s`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::invalid(VersionScheme::Pep440, s, reason);
        let text = s.trim_matches(is_py_space);
        if text.is_empty() {
            return Err(invalid("empty"));
        }
        if !text.is_ascii() {
            return Err(invalid("non-ASCII character"));
        }
        let number = |digits: &str| -> Result<Num, Error> {
            if digits.len() > MAX_DIGITS {
                return Err(invalid("integer of more than 4300 digits"));
            }
            Ok(Num::from_ascii_digits(digits))
        };
        let mut c = Cursor {
            s: text.as_bytes(),
            pos: 0,
        };
        if matches!(c.peek(), Some(b'v' | b'V')) {
            c.pos += 1;
        }

        // Epoch and release.
        let first = c.digits();
        if first.is_empty() {
            return Err(invalid("expected a release number"));
        }
        let mut epoch = Num::ZERO;
        let mut release = Vec::new();
        if c.peek() == Some(b'!') {
            c.pos += 1;
            epoch = number(first)?;
            let d = c.digits();
            if d.is_empty() {
                return Err(invalid("expected a release number after the epoch"));
            }
            release.push(number(d)?);
        } else {
            release.push(number(first)?);
        }
        while c.peek() == Some(b'.') && c.s.get(c.pos + 1).is_some_and(u8::is_ascii_digit) {
            c.pos += 1;
            let d = c.digits();
            release.push(number(d)?);
        }
        while release.last().is_some_and(Num::is_zero) {
            release.pop();
        }

        // Pre-release.
        let mut pre = None;
        let save = c.pos;
        c.eat_sep();
        if let Some(label) = c.eat_any(&["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"]) {
            c.eat_sep();
            let n = number(c.digits())?;
            pre = Some(match label {
                "alpha" | "a" => PreKey::Alpha(n),
                "beta" | "b" => PreKey::Beta(n),
                _ => PreKey::Rc(n),
            });
        } else {
            c.pos = save;
        }

        // Post-release: `-N`, or `[sep](post|rev|r)[sep][N]`.
        let mut post = None;
        let save = c.pos;
        if c.peek() == Some(b'-') && c.s.get(c.pos + 1).is_some_and(u8::is_ascii_digit) {
            c.pos += 1;
            post = Some(number(c.digits())?);
        } else {
            c.eat_sep();
            if c.eat_any(&["post", "rev", "r"]).is_some() {
                c.eat_sep();
                post = Some(number(c.digits())?);
            } else {
                c.pos = save;
            }
        }

        // Dev release.
        let mut dev = None;
        let save = c.pos;
        c.eat_sep();
        if c.eat_word("dev") {
            c.eat_sep();
            dev = Some(number(c.digits())?);
        } else {
            c.pos = save;
        }

        // Local version.
        let mut local = None;
        if c.peek() == Some(b'+') {
            c.pos += 1;
            let rest = text.get(c.pos..).unwrap_or_default();
            let mut segments = Vec::new();
            for part in rest.split(['.', '_', '-']) {
                if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(invalid(
                        "local version segments are ASCII letters and digits",
                    ));
                }
                segments.push(if part.bytes().all(|b| b.is_ascii_digit()) {
                    LocalSegment::Int(number(part)?)
                } else {
                    LocalSegment::Str(part.to_ascii_lowercase().into())
                });
            }
            local = Some(segments);
            c.pos = c.s.len();
        }

        if c.pos != c.s.len() {
            return Err(invalid("unexpected text after the version"));
        }

        let pre = match (pre, &post, &dev) {
            (Some(p), _, _) => p,
            (None, None, Some(_)) => PreKey::DevOnly,
            (None, _, _) => PreKey::Stable,
        };
        let dev = dev.map_or(DevKey::None, DevKey::Dev);
        Ok(Self {
            raw: s.to_owned(),
            key: Key {
                epoch,
                release,
                pre,
                post,
                dev,
                local,
            },
        })
    }
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp(&other.key)
    }
}
impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pep440Version {}
impl fmt::Display for Pep440Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
