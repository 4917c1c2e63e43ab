//! Composer (Packagist) versions: Composer's `VersionParser::normalize` (composer/semver
//! 3.3), then PHP's `version_compare` on the normalised strings.
//!
//! `normalize` turns `v1.0`, `1.0.0-beta2`, `1.0.0-RC1`, `1.0-p1`, `2010-01-02` and
//! `1.0.x-dev` into `1.0.0.0`, `1.0.0.0-beta2`, `1.0.0.0-RC1`, `1.0.0.0-patch1`,
//! `2010.01.02` and `1.0.9999999.9999999-dev`, and branches into `dev-<name>`.
//! `version_compare` splits on `.`, `-`, `_`, `+` and digit/letter changes and orders
//! the special words `dev < alpha = a < beta = b < RC = rc < # (a number) < pl = p`,
//! any other word first of all.
//!
//! # Traps
//! - Normalisation pads to four numbers, so `1.0 == 1.0.0 == v1.0.0.0`, and
//!   `3.0 > 3.0.0-beta` (raw `version_compare("3.0", "3.0.0-beta")` says the opposite).
//! - Stability words: `a`/`alpha`, `b`/`beta`, `RC`/`rc`, `p`/`pl`/`patch` (a patch
//!   release sorts *after* the release), `-dev` (before everything of that version:
//!   `1.0-dev < 1.0-alpha`). `-stable` is the release itself. Letters elsewhere make the
//!   string invalid (`1.0.0-foo`, `1.0.0b1.post1`).
//! - At most four numeric parts, and the first has at most 5 digits unless the version is
//!   a date (`20190126`, `2019-01-26.1`).
//! - `dev-*` (and `master`, `trunk`, `default`) are branches: below every version, equal
//!   only to the same branch. Composer gives two different branches no order; scry orders
//!   them by name, so that the order stays total.
//! - `1.x-dev`, `1.0.*-dev` are numeric branches: `1.9999999.9999999.9999999-dev`.
//! - Build metadata (`+build`), a stability flag (`@dev`) and an alias (`1.0 as 2.0`) are
//!   stripped first; surrounding whitespace is trimmed.
//! - PHP reads numbers with `strtol`, which saturates at `i64::MAX` (`version_compare`
//!   calls `99999999999999999999` and `99999999999999999998` equal); scry compares them
//!   exactly instead.

use std::cmp::Ordering;
use std::fmt;

use crate::num::Num;
use crate::{Error, VersionScheme};

/// A parsed Composer version.
#[derive(Debug, Clone)]
pub struct ComposerVersion {
    raw: String,
    normalized: String,
    key: Key,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// `dev-<name>`: the normalised string.
    Branch(Box<str>),
    /// The `version_compare` parts of the normalised string.
    Version(Vec<Part>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Num(Num),
    /// A word, by its `version_compare` special-form order (`-1` for unknown words).
    Word(i8),
}

/// PHP's `trim` characters.
fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\u{b}'])
}

/// PCRE's `\s` (no `/u`).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// PCRE's `$` (no `/D`): the end, or before a final newline.
fn at_end(b: &[u8], i: usize) -> bool {
    i == b.len() || (b.get(i) == Some(&b'\n') && i.checked_add(1) == Some(b.len()))
}

fn starts_with_ci(b: &[u8], i: usize, word: &str) -> bool {
    b.get(i..i + word.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
}

fn digits_from(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    i
}

/// `^([^,\s]++) ++as ++([^,\s]++)$`: the aliased version.
fn strip_alias(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    let word = |mut i: usize| {
        while b.get(i).is_some_and(|&c| c != b',' && !is_space(c)) {
            i += 1;
        }
        i
    };
    let spaces = |mut i: usize| {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    };
    let a_end = word(0);
    if a_end == 0 {
        return None;
    }
    let i = spaces(a_end);
    if i == a_end || b.get(i..i + 2) != Some(b"as") {
        return None;
    }
    let j = spaces(i + 2);
    if j == i + 2 {
        return None;
    }
    let k = word(j);
    (k > j && at_end(b, k)).then(|| v.get(..a_end)).flatten()
}

/// `@(?:stable|RC|beta|alpha|dev)$` (case-insensitive), removed the way Composer does
/// (by the length of the match, from the very end).
fn strip_stability_flag(v: &str) -> &str {
    let b = v.as_bytes();
    for word in ["stable", "rc", "beta", "alpha", "dev"] {
        let m = 1 + word.len();
        for end in [Some(b.len()), b.len().checked_sub(1)]
            .into_iter()
            .flatten()
        {
            let Some(start) = end.checked_sub(m) else {
                continue;
            };
            if at_end(b, end) && b.get(start) == Some(&b'@') && starts_with_ci(b, start + 1, word) {
                return v.get(..b.len() - m).unwrap_or(v);
            }
        }
    }
    v
}

/// `^([^,\s+]++)\+[^\s]++$`: the version without build metadata.
fn strip_build(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    let mut i = 0;
    while b
        .get(i)
        .is_some_and(|&c| c != b',' && c != b'+' && !is_space(c))
    {
        i += 1;
    }
    if i == 0 || b.get(i) != Some(&b'+') {
        return None;
    }
    let mut j = i + 1;
    while b.get(j).is_some_and(|&c| !is_space(c)) {
        j += 1;
    }
    (j > i + 1 && at_end(b, j)).then(|| v.get(..i)).flatten()
}

/// What the modifier regex captured.
struct Modifier<'a> {
    stability: Option<&'a str>,
    number: &'a str,
    dev: bool,
}

const STABILITIES: [&str; 9] = [
    "stable", "beta", "b", "RC", "alpha", "a", "patch", "pl", "p",
];

/// `[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$`
/// (case-insensitive) on `b[i..]`, in PCRE's backtracking order.
fn modifier(b: &[u8], i: usize) -> Option<Modifier<'_>> {
    let text = |s: usize, e: usize| std::str::from_utf8(b.get(s..e)?).ok();
    let dev_then_end = |p: usize| -> Option<bool> {
        let seps: &[usize] = if matches!(b.get(p), Some(b'.' | b'-')) {
            &[1, 0]
        } else {
            &[0]
        };
        for &s in seps {
            if starts_with_ci(b, p + s, "dev") && at_end(b, p + s + 3) {
                return Some(true);
            }
        }
        at_end(b, p).then_some(false)
    };
    let seps: &[usize] = if matches!(b.get(i), Some(b'.' | b'_' | b'-')) {
        &[1, 0]
    } else {
        &[0]
    };
    for &s in seps {
        let p = i + s;
        for word in STABILITIES {
            if !starts_with_ci(b, p, word) {
                continue;
            }
            let q = p + word.len();
            let mut r = q;
            loop {
                let sep = usize::from(matches!(b.get(r), Some(b'.' | b'-')));
                let end = digits_from(b, r + sep);
                if end == r + sep {
                    break;
                }
                r = end;
            }
            if let Some(dev) = dev_then_end(r) {
                return Some(Modifier {
                    stability: text(p, q),
                    number: text(q, r)?,
                    dev,
                });
            }
        }
        if let Some(dev) = dev_then_end(p) {
            return Some(Modifier {
                stability: None,
                number: "",
                dev,
            });
        }
    }
    None
}

/// Composer's `expandStability`.
fn expand_stability(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "a" => "alpha".to_owned(),
        "b" => "beta".to_owned(),
        "p" | "pl" => "patch".to_owned(),
        "rc" => "RC".to_owned(),
        _ => lower,
    }
}

fn with_modifier(mut version: String, m: &Modifier<'_>) -> String {
    if let Some(stability) = m.stability.filter(|s| !s.is_empty()) {
        if stability == "stable" {
            return version;
        }
        version.push('-');
        version.push_str(&expand_stability(stability));
        version.push_str(m.number.trim_start_matches(['.', '-']));
    }
    if m.dev {
        version.push_str("-dev");
    }
    version
}

/// `^v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)?<modifier>$`.
fn classical(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let start = usize::from(matches!(b.first(), Some(b'v' | b'V')));
    let major_end = digits_from(b, start);
    if !(1..=5).contains(&(major_end - start)) {
        return None;
    }
    let mut version = v.get(start..major_end)?.to_owned();
    let mut i = major_end;
    let mut parts = 1;
    while parts < 4 && b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        let end = digits_from(b, i + 1);
        version.push_str(v.get(i..end)?);
        i = end;
        parts += 1;
    }
    for _ in parts..4 {
        version.push_str(".0");
    }
    let m = modifier(b, i)?;
    Some(with_modifier(version, &m))
}

fn is_date_sep(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), Some(b'.' | b':' | b'-'))
}

fn has_digits(b: &[u8], i: usize, n: usize) -> bool {
    (i..i + n).all(|k| b.get(k).is_some_and(u8::is_ascii_digit))
}

/// The rest of the date regex from `i`, after `count` `[.:-]?\d{2}` groups, in PCRE's
/// order (greedy, separator first): where the date ends, and the modifier after it.
fn date_rest(b: &[u8], i: usize, count: usize) -> Option<(usize, Modifier<'_>)> {
    let seps: &[usize] = if is_date_sep(b, i) { &[1, 0] } else { &[0] };
    if count < 6 {
        for &s in seps {
            if has_digits(b, i + s, 2)
                && let Some(found) = date_rest(b, i + s + 2, count + 1)
            {
                return Some(found);
            }
        }
    }
    if count == 0 {
        return None;
    }
    for &s in seps {
        for n in (1..=3).rev() {
            if has_digits(b, i + s, n)
                && let Some(m) = modifier(b, i + s + n)
            {
                return Some((i + s + n, m));
            }
        }
    }
    modifier(b, i).map(|m| (i, m))
}

/// `^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)<modifier>$`, non-digits of the
/// date replaced by `.`.
fn date(v: &str) -> Option<String> {
    let b = v.as_bytes();
    let start = usize::from(matches!(b.first(), Some(b'v' | b'V')));
    if !has_digits(b, start, 4) {
        return None;
    }
    let (end, m) = date_rest(b, start + 4, 0)?;
    let date: String = v
        .get(start..end)?
        .chars()
        .map(|c| if c.is_ascii_digit() { c } else { '.' })
        .collect();
    Some(with_modifier(date, &m))
}

/// Composer's `normalizeBranch`.
fn normalize_branch(name: &str) -> String {
    let name = php_trim(name);
    let b = name.as_bytes();
    let start = usize::from(matches!(b.first(), Some(b'v' | b'V')));
    let first_end = digits_from(b, start);
    if first_end > start {
        let mut i = first_end;
        let mut parts = Vec::new();
        while parts.len() < 3 && b.get(i) == Some(&b'.') {
            let end = match b.get(i + 1) {
                Some(c) if c.is_ascii_digit() => digits_from(b, i + 1),
                Some(b'x' | b'X' | b'*') => i + 2,
                _ => break,
            };
            parts.push((i, end));
            i = end;
        }
        if at_end(b, i) {
            let mut version = name.get(start..first_end).unwrap_or_default().to_owned();
            for k in 0..3 {
                match parts.get(k) {
                    Some(&(s, e)) => version
                        .push_str(&name.get(s..e).unwrap_or_default().replace(['*', 'X'], "x")),
                    None => version.push_str(".x"),
                }
            }
            return version.replace('x', "9999999") + "-dev";
        }
    }
    format!("dev-{name}")
}

/// `(.*?)[.-]?dev$` (case-insensitive, unanchored): the branch name before `dev`.
fn dev_branch_prefix(v: &str) -> Option<&str> {
    let b = v.as_bytes();
    let dev_start = [b.len().checked_sub(3), b.len().checked_sub(4)]
        .into_iter()
        .flatten()
        .find(|&s| starts_with_ci(b, s, "dev") && at_end(b, s + 3))?;
    // `.` does not match a newline: the match starts after the last one before `dev`.
    let start = b
        .get(..dev_start)?
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let end = if dev_start > start && matches!(b.get(dev_start - 1), Some(b'.' | b'-')) {
        dev_start - 1
    } else {
        dev_start
    };
    v.get(start..end)
}

/// Composer's `VersionParser::normalize`; `None` where it throws.
fn normalize(input: &str) -> Option<String> {
    let mut v = php_trim(input);
    if let Some(aliased) = strip_alias(v) {
        v = aliased;
    }
    v = strip_stability_flag(v);
    if matches!(v, "master" | "trunk" | "default") {
        return Some(format!("dev-{v}"));
    }
    if starts_with_ci(v.as_bytes(), 0, "dev-") {
        return Some(format!("dev-{}", v.get(4..).unwrap_or_default()));
    }
    if let Some(stripped) = strip_build(v) {
        v = stripped;
    }
    if let Some(version) = classical(v).or_else(|| date(v)) {
        return Some(version);
    }
    let branch = normalize_branch(dev_branch_prefix(v)?);
    (!branch.contains("dev-")).then_some(branch)
}

/// PHP's `php_canonicalize_version` (bytes, C locale).
fn canonicalize(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 2);
    let Some((&first, rest)) = v.split_first() else {
        return out;
    };
    out.push(first);
    let mut lp = first;
    let isdig = |x: u8| x.is_ascii_digit();
    let isndig = |x: u8| !x.is_ascii_digit() && x != b'.';
    for &p in rest {
        let last_dot = out.last() == Some(&b'.');
        if matches!(p, b'-' | b'_' | b'+') {
            if !last_dot {
                out.push(b'.');
            }
        } else if (isndig(lp) && isdig(p)) || (isdig(lp) && isndig(p)) {
            if !last_dot {
                out.push(b'.');
            }
            out.push(p);
        } else if !p.is_ascii_alphanumeric() {
            if !last_dot {
                out.push(b'.');
            }
        } else {
            out.push(p);
        }
        lp = p;
    }
    out
}

/// `compare_special_version_forms`' order of a word (prefix match).
fn special_order(word: &[u8]) -> i8 {
    const FORMS: [(&[u8], i8); 10] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"#", 4),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| word.starts_with(name))
        .map_or(-1, |&(_, order)| order)
}

/// The parts `version_compare` walks, from a normalised (non-branch) version.
fn parts(normalized: &str) -> Vec<Part> {
    canonicalize(normalized.as_bytes())
        .split(|&c| c == b'.')
        .map(|p| {
            if p.first().is_some_and(u8::is_ascii_digit) {
                let end = p
                    .iter()
                    .position(|c| !c.is_ascii_digit())
                    .unwrap_or(p.len());
                let digits = std::str::from_utf8(p.get(..end).unwrap_or_default()).unwrap_or("0");
                Part::Num(Num::from_ascii_digits(digits))
            } else {
                Part::Word(special_order(p))
            }
        })
        .collect()
}

/// `php_version_compare` on the parts of two normalised versions (which never have empty
/// parts).
fn version_compare(a: &[Part], b: &[Part]) -> Ordering {
    const NUMBER: i8 = 4; // "#N#"
    for (x, y) in a.iter().zip(b) {
        let o = match (x, y) {
            (Part::Num(x), Part::Num(y)) => x.cmp(y),
            (Part::Word(x), Part::Word(y)) => x.cmp(y),
            (Part::Num(_), Part::Word(y)) => NUMBER.cmp(y),
            (Part::Word(x), Part::Num(_)) => x.cmp(&NUMBER),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    // The longer one's remaining parts against "#N#": a number wins at once, a word by
    // its order.
    let (rest, flip) = if a.len() > b.len() {
        (a.get(b.len()..).unwrap_or_default(), false)
    } else {
        (b.get(a.len()..).unwrap_or_default(), true)
    };
    for part in rest {
        let o = match part {
            Part::Num(_) => Ordering::Greater,
            Part::Word(x) => x.cmp(&NUMBER),
        };
        if o != Ordering::Equal {
            return if flip { o.reverse() } else { o };
        }
    }
    Ordering::Equal
}

impl ComposerVersion {
    /// Parses a Composer version.
    ///
    /// # Errors
    /// When Composer's `VersionParser::normalize` throws for `s`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        let normalized = normalize(s).ok_or_else(|| {
            Error::invalid(
                VersionScheme::Composer,
                s,
                "not a Composer version (expected e.g. `1.2.3`, `v1.2.3-beta1`, `1.0.x-dev`, `dev-main`)",
            )
        })?;
        let key = if normalized.starts_with("dev-") {
            Key::Branch(normalized.as_str().into())
        } else {
            Key::Version(parts(&normalized))
        };
        Ok(Self {
            raw: s.to_owned(),
            normalized,
            key,
        })
    }

    /// The version as Composer normalises it (`v1.0-beta2` → `1.0.0.0-beta2`).
    #[must_use]
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.key, &other.key) {
            (Key::Branch(a), Key::Branch(b)) => a.cmp(b),
            (Key::Branch(_), Key::Version(_)) => Ordering::Less,
            (Key::Version(_), Key::Branch(_)) => Ordering::Greater,
            (Key::Version(a), Key::Version(b)) => version_compare(a, b),
        }
    }
}
impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for ComposerVersion {}
impl fmt::Display for ComposerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
