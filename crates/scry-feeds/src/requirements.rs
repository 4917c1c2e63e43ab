//! Version requirements (RubyGems, Cargo as RustSec reads it, node-semver, Composer) as
//! sets of versions, and those sets as OSV range events.
//!
//! A requirement is read into a [`VersionSet`]: a sorted list of disjoint, non-adjacent
//! intervals over versions parsed with a scry [`VersionScheme`]. Sets are unioned,
//! intersected and complemented exactly; only the last step, writing OSV events, can lose
//! precision, and says so.
//!
//! Traps:
//! - OSV events cannot start a range *after* a version (there is no "introduced,
//!   exclusive"). For SemVer the next version exists (`1.2.3` → `1.2.4-0`,
//!   `1.0.0-rc.1` → `1.0.0-rc.1.0`, as RustSec's exporter does) and the range is exact.
//!   RubyGems and Composer orders are dense (`1.2.3.0.0.1` sits between `1.2.3` and any
//!   successor), so there the range starts *at* the version and [`Ranges::widened`]
//!   names it: that single version is reported affected although the feed says it is
//!   not (a false positive rather than a miss).
//! - Intervals are plain intervals of the scheme's order: `< 2.0.0` contains
//!   `2.0.0-beta`, unlike node-semver's and RubyGems' prerelease filters. Upper bounds
//!   that mean "before the next major/minor" use the lowest prerelease (`2.0.0-0`) where
//!   the syntax defines one (Cargo `^`/`~`, node-semver partials), as RustSec does.
//!   RubyGems' `~> r` is `v >= r && v.release < r.bump`, so `~> 2.1.3` ends below every
//!   prerelease of 2.2 (`2.2.0.rc1 < 2.2` is outside): at `2.2.A`, as no letter run sorts
//!   below `A`.
//! - RustSec's reading of Cargo requirements differs from Cargo in two places, and scry
//!   follows RustSec (its export is the oracle): `=1.0` is exactly `1.0.0`, and partial
//!   versions fill zeros (`> 1` is `> 1.0.0`, `<= 1.2` is `<= 1.2.0`).

use std::cmp::Ordering;

use scry_core::VersionScheme;
use scry_osv::{Event, Range, RangeType};
use scry_version::Version;

/// Longest requirement string read; longer ones are refused as hostile.
const MAX_REQUIREMENT_LEN: usize = 1024;
/// Most `||` alternatives / comma-separated comparators in one requirement.
const MAX_PARTS: usize = 64;

/// The requirement syntaxes scry reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `Gem::Requirement`: `~> 5.2.4`, `>= 1.0, < 2`, `= 1.2`, `!= 1.3`.
    RubyGems,
    /// Cargo `VersionReq` as RustSec's OSV exporter reads it: `>= 1.2.3, < 2`, `^1.2`,
    /// `~1.2`, `=1.0`, bare `1.2.3` (caret), `*`.
    Cargo,
    /// node-semver ranges: `>=1.0.0 <1.2.3 || >=2.0.0`, `^`, `~`, `1.x`, `1.0 - 2.0`, `*`.
    Npm,
    /// Composer constraints as FriendsOfPHP writes them: `>=1.0.0`, `<1.2.3`, `,` = and,
    /// `||` = or.
    Composer,
}

/// Why a requirement could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("requirement {requirement:?}: {reason}")]
pub struct RequirementError {
    /// The requirement as written (cut to 120 characters).
    pub requirement: String,
    /// What was wrong.
    pub reason: String,
}

impl RequirementError {
    fn new(requirement: &str, reason: impl Into<String>) -> Self {
        Self {
            requirement: requirement.chars().take(120).collect(),
            reason: reason.into(),
        }
    }
}

/// A version as written in an event, and parsed.
#[derive(Debug, Clone)]
pub struct Point {
    text: String,
    version: Version,
}

impl Point {
    /// Parses `text` with `scheme`.
    ///
    /// # Errors
    /// When `text` is not a version of `scheme`.
    pub fn parse(scheme: VersionScheme, text: &str) -> Result<Self, String> {
        Version::parse(scheme, text)
            .map(|version| Self {
                text: text.to_owned(),
                version,
            })
            .map_err(|e| e.to_string())
    }

    /// The version as it goes into an event.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed version.
    #[must_use]
    pub fn version(&self) -> &Version {
        &self.version
    }
}

/// The low end of an interval.
#[derive(Debug, Clone)]
pub enum Lower {
    /// From the first version.
    Unbounded,
    /// From this version, included.
    Inclusive(Point),
    /// From just after this version.
    Exclusive(Point),
}

/// The high end of an interval.
#[derive(Debug, Clone)]
pub enum Upper {
    /// To the last version.
    Unbounded,
    /// Up to this version, included.
    Inclusive(Point),
    /// Up to just before this version.
    Exclusive(Point),
}

fn cmp_lower(a: &Lower, b: &Lower) -> Ordering {
    match (a, b) {
        (Lower::Unbounded, Lower::Unbounded) => Ordering::Equal,
        (Lower::Unbounded, _) => Ordering::Less,
        (_, Lower::Unbounded) => Ordering::Greater,
        (Lower::Inclusive(x) | Lower::Exclusive(x), Lower::Inclusive(y) | Lower::Exclusive(y)) => {
            x.version.cmp(&y.version).then_with(|| {
                let rank = |l: &Lower| u8::from(matches!(l, Lower::Exclusive(_)));
                rank(a).cmp(&rank(b))
            })
        }
    }
}

fn cmp_upper(a: &Upper, b: &Upper) -> Ordering {
    match (a, b) {
        (Upper::Unbounded, Upper::Unbounded) => Ordering::Equal,
        (Upper::Unbounded, _) => Ordering::Greater,
        (_, Upper::Unbounded) => Ordering::Less,
        (Upper::Inclusive(x) | Upper::Exclusive(x), Upper::Inclusive(y) | Upper::Exclusive(y)) => {
            x.version.cmp(&y.version).then_with(|| {
                let rank = |u: &Upper| u8::from(matches!(u, Upper::Inclusive(_)));
                rank(a).cmp(&rank(b))
            })
        }
    }
}

/// Whether an interval ending at `hi` and one starting at `lo` overlap or touch, so
/// that their union is one interval.
fn joins(hi: &Upper, lo: &Lower) -> bool {
    match (hi, lo) {
        (Upper::Unbounded, _) | (_, Lower::Unbounded) => true,
        (Upper::Inclusive(h) | Upper::Exclusive(h), Lower::Inclusive(l) | Lower::Exclusive(l)) => {
            match l.version.cmp(&h.version) {
                Ordering::Less => true,
                Ordering::Greater => false,
                // [.., v) ∪ (v, ..) leaves v out; every other pair meets.
                Ordering::Equal => {
                    !(matches!(hi, Upper::Exclusive(_)) && matches!(lo, Lower::Exclusive(_)))
                }
            }
        }
    }
}

/// One interval of versions; never empty.
#[derive(Debug, Clone)]
pub struct Interval {
    lo: Lower,
    hi: Upper,
}

impl Interval {
    /// The interval from `lo` to `hi`, or `None` when it holds no version.
    #[must_use]
    pub fn new(lo: Lower, hi: Upper) -> Option<Self> {
        let non_empty = match (&lo, &hi) {
            (Lower::Unbounded, _) | (_, Upper::Unbounded) => true,
            (Lower::Inclusive(l), Upper::Inclusive(h)) => l.version <= h.version,
            (
                Lower::Inclusive(l) | Lower::Exclusive(l),
                Upper::Inclusive(h) | Upper::Exclusive(h),
            ) => l.version < h.version,
        };
        non_empty.then_some(Self { lo, hi })
    }

    fn contains(&self, v: &Version) -> bool {
        let above = match &self.lo {
            Lower::Unbounded => true,
            Lower::Inclusive(l) => v >= &l.version,
            Lower::Exclusive(l) => v > &l.version,
        };
        let below = match &self.hi {
            Upper::Unbounded => true,
            Upper::Inclusive(h) => v <= &h.version,
            Upper::Exclusive(h) => v < &h.version,
        };
        above && below
    }

    fn intersect(&self, other: &Self) -> Option<Self> {
        let lo = if cmp_lower(&self.lo, &other.lo) == Ordering::Less {
            other.lo.clone()
        } else {
            self.lo.clone()
        };
        let hi = if cmp_upper(&self.hi, &other.hi) == Ordering::Greater {
            other.hi.clone()
        } else {
            self.hi.clone()
        };
        Self::new(lo, hi)
    }
}

/// A set of versions: sorted, disjoint, non-touching intervals.
#[derive(Debug, Clone, Default)]
pub struct VersionSet {
    intervals: Vec<Interval>,
}

impl VersionSet {
    /// No version.
    #[must_use]
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every version.
    #[must_use]
    pub fn all() -> Self {
        Self {
            intervals: vec![Interval {
                lo: Lower::Unbounded,
                hi: Upper::Unbounded,
            }],
        }
    }

    /// The set holding one interval (empty when `lo..hi` holds nothing).
    #[must_use]
    pub fn interval(lo: Lower, hi: Upper) -> Self {
        Self {
            intervals: Interval::new(lo, hi).into_iter().collect(),
        }
    }

    /// The set of these intervals, normalised.
    #[must_use]
    pub fn from_intervals(mut intervals: Vec<Interval>) -> Self {
        intervals.sort_by(|a, b| cmp_lower(&a.lo, &b.lo));
        let mut out: Vec<Interval> = Vec::with_capacity(intervals.len());
        for next in intervals {
            match out.last_mut() {
                Some(cur) if joins(&cur.hi, &next.lo) => {
                    if cmp_upper(&next.hi, &cur.hi) == Ordering::Greater {
                        cur.hi = next.hi;
                    }
                }
                _ => out.push(next),
            }
        }
        Self { intervals: out }
    }

    /// The intervals, in order.
    #[must_use]
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// Whether no version is in the set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Whether `v` is in the set.
    #[must_use]
    pub fn contains(&self, v: &Version) -> bool {
        self.intervals.iter().any(|i| i.contains(v))
    }

    /// Versions in either set.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        Self::from_intervals(
            self.intervals
                .iter()
                .chain(other.intervals.iter())
                .cloned()
                .collect(),
        )
    }

    /// Versions in both sets.
    #[must_use]
    pub fn intersect(&self, other: &Self) -> Self {
        let mut out = Vec::new();
        for a in &self.intervals {
            for b in &other.intervals {
                out.extend(a.intersect(b));
            }
        }
        Self::from_intervals(out)
    }

    /// Versions not in the set.
    #[must_use]
    pub fn complement(&self) -> Self {
        let mut out = Vec::new();
        let mut from = Lower::Unbounded;
        let mut open = true;
        for i in &self.intervals {
            let to = match &i.lo {
                Lower::Unbounded => None,
                Lower::Inclusive(p) => Some(Upper::Exclusive(p.clone())),
                Lower::Exclusive(p) => Some(Upper::Inclusive(p.clone())),
            };
            if let Some(to) = to {
                out.extend(Interval::new(from.clone(), to));
            }
            match &i.hi {
                Upper::Unbounded => {
                    open = false;
                    break;
                }
                Upper::Inclusive(p) => from = Lower::Exclusive(p.clone()),
                Upper::Exclusive(p) => from = Lower::Inclusive(p.clone()),
            }
        }
        if open {
            out.extend(Interval::new(from, Upper::Unbounded));
        }
        Self::from_intervals(out)
    }

    /// The set as OSV ranges of `kind` over `scheme`'s versions.
    ///
    /// An unbounded start is `introduced: "0"`. Intervals closed above (`last_affected`)
    /// go to a second range, since OSV forbids `fixed` and `last_affected` in one range.
    /// An empty set gives no range.
    #[must_use]
    pub fn to_ranges(&self, kind: &RangeType, scheme: VersionScheme) -> Ranges {
        let mut fixed = Vec::new();
        let mut last = Vec::new();
        let mut widened = Vec::new();
        for i in &self.intervals {
            let introduced = match &i.lo {
                Lower::Unbounded => Event::Introduced("0".to_owned()),
                Lower::Inclusive(p) => Event::Introduced(p.text.clone()),
                Lower::Exclusive(p) => match successor(scheme, &p.text) {
                    Some(next) => Event::Introduced(next),
                    None => {
                        widened.push(p.text.clone());
                        Event::Introduced(p.text.clone())
                    }
                },
            };
            match &i.hi {
                Upper::Unbounded => fixed.push(introduced),
                Upper::Exclusive(p) => {
                    fixed.push(introduced);
                    fixed.push(Event::Fixed(p.text.clone()));
                }
                // Where the next version exists, `<= v` is `< next(v)`, as RustSec writes
                // it, and the interval stays in the `fixed` range.
                Upper::Inclusive(p) => match successor(scheme, &p.text) {
                    Some(next) => {
                        fixed.push(introduced);
                        fixed.push(Event::Fixed(next));
                    }
                    None => {
                        last.push(introduced);
                        last.push(Event::LastAffected(p.text.clone()));
                    }
                },
            }
        }
        let range = |events: Vec<Event>| Range {
            kind: kind.clone(),
            repo: None,
            events,
            database_specific: None,
            extra: serde_json::Map::new(),
        };
        let mut ranges = Vec::new();
        if !fixed.is_empty() {
            ranges.push(range(fixed));
        }
        if !last.is_empty() {
            ranges.push(range(last));
        }
        Ranges { ranges, widened }
    }
}

/// OSV ranges made from a [`VersionSet`].
#[derive(Debug, Clone)]
pub struct Ranges {
    /// The ranges (none when the set is empty).
    pub ranges: Vec<Range>,
    /// Versions the set excludes but the ranges include: exclusive lower bounds in a
    /// scheme with no next version (see the module docs).
    pub widened: Vec<String>,
}

/// The lowest version above `text`, where the scheme has one (SemVer only).
#[must_use]
pub fn successor(scheme: VersionScheme, text: &str) -> Option<String> {
    if scheme != VersionScheme::SemVer {
        return None;
    }
    let core = text.split_once('+').map_or(text, |(c, _)| c);
    if let Some((_, pre)) = core.split_once('-')
        && !pre.is_empty()
    {
        return Some(format!("{core}.0"));
    }
    let mut parts = core.splitn(3, '.');
    let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next()?);
    let patch: u64 = patch.parse().ok()?;
    Some(format!("{major}.{minor}.{}-0", patch.checked_add(1)?))
}

/// Reads one requirement string.
///
/// # Errors
/// When the syntax is not understood, a version does not parse, or the string is
/// over the size limits.
pub fn parse(
    syntax: Syntax,
    scheme: VersionScheme,
    req: &str,
) -> Result<VersionSet, RequirementError> {
    if req.len() > MAX_REQUIREMENT_LEN {
        return Err(RequirementError::new(
            req,
            format!("longer than {MAX_REQUIREMENT_LEN} bytes"),
        ));
    }
    let result = match syntax {
        Syntax::RubyGems => parse_and(req, ',', |c| gem_comparator(scheme, c)),
        Syntax::Cargo => parse_and(req, ',', |c| cargo_comparator(scheme, c)),
        Syntax::Npm => parse_npm(scheme, req),
        Syntax::Composer => parse_or(req, |alt| {
            let alt = alt.replace(',', " ");
            parse_and(&alt, ' ', |c| composer_comparator(scheme, c))
        }),
    };
    result.map_err(|reason| RequirementError::new(req, reason))
}

/// The versions a list of "not affected" requirements (patched ∪ unaffected) leaves
/// affected.
///
/// # Errors
/// As [`parse`], for the first requirement that fails.
pub fn affected_by_complement<S: AsRef<str>>(
    syntax: Syntax,
    scheme: VersionScheme,
    not_affected: &[S],
) -> Result<VersionSet, RequirementError> {
    let mut set = VersionSet::empty();
    for req in not_affected {
        set = set.union(&parse(syntax, scheme, req.as_ref())?);
    }
    Ok(set.complement())
}

/// The intersection of every requirement (a FriendsOfPHP branch: `['>=1.0', '<1.2']`).
///
/// # Errors
/// As [`parse`].
pub fn all_of<S: AsRef<str>>(
    syntax: Syntax,
    scheme: VersionScheme,
    reqs: &[S],
) -> Result<VersionSet, RequirementError> {
    let mut set = VersionSet::all();
    for req in reqs {
        set = set.intersect(&parse(syntax, scheme, req.as_ref())?);
    }
    Ok(set)
}

fn parse_or(
    req: &str,
    alt: impl Fn(&str) -> Result<VersionSet, String>,
) -> Result<VersionSet, String> {
    let mut set = VersionSet::empty();
    for (n, part) in req.split("||").enumerate() {
        if n >= MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} alternatives"));
        }
        set = set.union(&alt(part)?);
    }
    Ok(set)
}

fn parse_and(
    req: &str,
    sep: char,
    comparator: impl Fn(&str) -> Result<VersionSet, String>,
) -> Result<VersionSet, String> {
    let mut set = VersionSet::all();
    let mut any = false;
    for (n, part) in req
        .split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .enumerate()
    {
        if n >= MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} comparators"));
        }
        any = true;
        set = set.intersect(&comparator(part)?);
    }
    if any {
        Ok(set)
    } else {
        Err("empty requirement".to_owned())
    }
}

/// Splits a leading operator off; the rest is trimmed.
fn split_op<'a>(s: &'a str, ops: &[&'static str]) -> (&'static str, &'a str) {
    let s = s.trim();
    // Longest operators first, so `>=` is not read as `>`.
    let mut best: Option<&'static str> = None;
    for op in ops {
        if s.starts_with(op) && best.is_none_or(|b| op.len() > b.len()) {
            best = Some(op);
        }
    }
    match best {
        Some(op) => (op, s[op.len()..].trim()),
        None => ("", s),
    }
}

fn point(scheme: VersionScheme, text: &str) -> Result<Point, String> {
    if text.is_empty() {
        return Err("missing version".to_owned());
    }
    Point::parse(scheme, text)
}

/// `op v` for the plain operators every syntax shares.
fn simple(op: &str, p: Point) -> Option<VersionSet> {
    Some(match op {
        "" | "=" | "==" => VersionSet::interval(Lower::Inclusive(p.clone()), Upper::Inclusive(p)),
        "!=" => VersionSet::from_intervals(vec![
            Interval {
                lo: Lower::Unbounded,
                hi: Upper::Exclusive(p.clone()),
            },
            Interval {
                lo: Lower::Exclusive(p),
                hi: Upper::Unbounded,
            },
        ]),
        ">" => VersionSet::interval(Lower::Exclusive(p), Upper::Unbounded),
        ">=" => VersionSet::interval(Lower::Inclusive(p), Upper::Unbounded),
        "<" => VersionSet::interval(Lower::Unbounded, Upper::Exclusive(p)),
        "<=" => VersionSet::interval(Lower::Unbounded, Upper::Inclusive(p)),
        _ => return None,
    })
}

// ---------------------------------------------------------------- RubyGems

fn gem_comparator(scheme: VersionScheme, c: &str) -> Result<VersionSet, String> {
    let (op, v) = split_op(c, &["=", "!=", ">", "<", ">=", "<=", "~>"]);
    let p = point(scheme, v)?;
    if op == "~>" {
        // `Gem::Requirement`'s `~>` is `v >= r && v.release < r.bump`: the prereleases of
        // the bump (`2.2.0.rc1` for `~> 2.1.3`) are outside, although they sort below
        // `2.2`. `2.2.A` is below every one of them (`A` is the lowest letter run) except
        // `2.2.A.A`-like versions no gem uses.
        let bump = gem_bump(v).ok_or_else(|| format!("cannot bump {v:?} for `~>`"))?;
        let hi = point(scheme, &format!("{bump}.A"))?;
        return Ok(VersionSet::interval(
            Lower::Inclusive(p),
            Upper::Exclusive(hi),
        ));
    }
    simple(op, p).ok_or_else(|| format!("unknown operator {op:?}"))
}

/// `Gem::Version#bump`: drop prerelease segments, drop the last segment (if more than
/// one), increment the new last one. `~> 2.2.3` is `>= 2.2.3, < 2.3`.
fn gem_bump(v: &str) -> Option<String> {
    let mut nums: Vec<u64> = Vec::new();
    for seg in v.split(['.', '-']) {
        match seg.parse::<u64>() {
            Ok(n) => nums.push(n),
            // The first non-numeric segment starts the prerelease part.
            Err(_) => {
                // A segment like `3rc` holds a number then letters: keep the number.
                let digits: String = seg.chars().take_while(char::is_ascii_digit).collect();
                if let Ok(n) = digits.parse::<u64>() {
                    nums.push(n);
                }
                break;
            }
        }
    }
    if nums.len() > 1 {
        nums.pop();
    }
    let last = nums.last_mut()?;
    *last = last.checked_add(1)?;
    Some(
        nums.iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join("."),
    )
}

// ---------------------------------------------------------------- SemVer partials

/// A SemVer version that may lack minor/patch or use `x`/`*` there.
#[derive(Debug, Clone)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    /// `-pre` without the dash; empty when absent.
    pre: String,
}

impl Partial {
    fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s).trim();
        let s = s.split_once('+').map_or(s, |(c, _)| c);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, p.to_owned()),
            None => (s, String::new()),
        };
        let mut nums = [None; 3];
        let mut parts = core.split('.');
        for (i, slot) in nums.iter_mut().enumerate() {
            match parts.next() {
                None => break,
                Some("x" | "X" | "*") => break,
                Some(n) => {
                    *slot = Some(
                        n.parse::<u64>()
                            .map_err(|_| format!("{s:?}: part {} is not a number", i + 1))?,
                    );
                }
            }
        }
        if parts
            .next()
            .is_some_and(|rest| !matches!(rest, "x" | "X" | "*"))
        {
            return Err(format!("{s:?}: more than three version parts"));
        }
        if nums[0].is_none() && !core.is_empty() && !matches!(core, "x" | "X" | "*") {
            return Err(format!("{s:?} is not a version"));
        }
        Ok(Self {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre,
        })
    }

    fn is_full(&self) -> bool {
        self.patch.is_some()
    }

    /// The version with missing parts as zeros.
    fn floor(&self) -> String {
        let mut s = format!(
            "{}.{}.{}",
            self.major.unwrap_or(0),
            self.minor.unwrap_or(0),
            self.patch.unwrap_or(0)
        );
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        s
    }

    /// The lowest version above every version matching this partial: `1.2` → `1.3.0-0`,
    /// `1` → `2.0.0-0`; `None` when the partial matches everything.
    fn ceiling(&self) -> Option<String> {
        match (self.major, self.minor, self.patch) {
            (Some(m), None, _) => Some(format!("{}.0.0-0", m.checked_add(1)?)),
            (Some(m), Some(n), None) => Some(format!("{m}.{}.0-0", n.checked_add(1)?)),
            (Some(m), Some(n), Some(p)) => Some(format!("{m}.{n}.{}-0", p.checked_add(1)?)),
            (None, _, _) => None,
        }
    }

    /// The upper end of `^` (Cargo and node-semver agree).
    fn caret_ceiling(&self) -> Option<String> {
        match (self.major, self.minor, self.patch) {
            (Some(0), Some(0), Some(p)) => Some(format!("0.0.{}-0", p.checked_add(1)?)),
            (Some(0), Some(n), _) => Some(format!("0.{}.0-0", n.checked_add(1)?)),
            (Some(m), _, _) => Some(format!("{}.0.0-0", m.checked_add(1)?)),
            (None, _, _) => None,
        }
    }

    /// The upper end of `~`.
    fn tilde_ceiling(&self) -> Option<String> {
        match (self.major, self.minor) {
            (Some(m), None) => Some(format!("{}.0.0-0", m.checked_add(1)?)),
            (Some(m), Some(n)) => Some(format!("{m}.{}.0-0", n.checked_add(1)?)),
            (None, _) => None,
        }
    }
}

fn semver_range(scheme: VersionScheme, lo: &str, hi: Option<String>) -> Result<VersionSet, String> {
    let lo = point(scheme, lo)?;
    let hi = match hi {
        Some(h) => Upper::Exclusive(point(scheme, &h)?),
        None => Upper::Unbounded,
    };
    Ok(VersionSet::interval(Lower::Inclusive(lo), hi))
}

// ---------------------------------------------------------------- Cargo (RustSec)

fn cargo_comparator(scheme: VersionScheme, c: &str) -> Result<VersionSet, String> {
    let (op, v) = split_op(c, &["=", ">", "<", ">=", "<=", "~", "^"]);
    let partial = Partial::parse(v)?;
    if partial.major.is_none() {
        return if op.is_empty() {
            Ok(VersionSet::all())
        } else {
            Err(format!("wildcard after operator {op:?}"))
        };
    }
    match op {
        // `1.*`, `1.2.*`: a wildcard, not a caret.
        "" if v.contains(['x', 'X', '*']) => {
            semver_range(scheme, &partial.floor(), partial.ceiling())
        }
        "" | "^" => semver_range(scheme, &partial.floor(), partial.caret_ceiling()),
        "~" => semver_range(scheme, &partial.floor(), partial.tilde_ceiling()),
        // RustSec fills missing parts with zeros for the plain operators.
        _ => {
            let p = point(scheme, &partial.floor())?;
            simple(op, p).ok_or_else(|| format!("unknown operator {op:?}"))
        }
    }
}

// ---------------------------------------------------------------- node-semver

fn parse_npm(scheme: VersionScheme, req: &str) -> Result<VersionSet, String> {
    parse_or(req, |alt| {
        let alt = alt.trim();
        if alt.is_empty() {
            return Ok(VersionSet::all());
        }
        if let Some((a, b)) = alt.split_once(" - ") {
            return npm_hyphen(scheme, a.trim(), b.trim());
        }
        // Glue operators written apart from their version (`>= 1.2.3`).
        let mut comparators: Vec<String> = Vec::new();
        let mut pending = String::new();
        for token in alt.split_whitespace() {
            if token
                .chars()
                .all(|c| matches!(c, '<' | '>' | '=' | '~' | '^'))
            {
                pending.push_str(token);
            } else {
                comparators.push(format!("{pending}{token}"));
                pending.clear();
            }
        }
        if !pending.is_empty() {
            return Err(format!("operator {pending:?} without a version"));
        }
        if comparators.len() > MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} comparators"));
        }
        let mut set = VersionSet::all();
        for c in &comparators {
            set = set.intersect(&npm_comparator(scheme, c)?);
        }
        Ok(set)
    })
}

fn npm_hyphen(scheme: VersionScheme, a: &str, b: &str) -> Result<VersionSet, String> {
    let lo = Partial::parse(a)?;
    let hi = Partial::parse(b)?;
    let lower = if lo.major.is_some() {
        Lower::Inclusive(point(scheme, &lo.floor())?)
    } else {
        Lower::Unbounded
    };
    let upper = if hi.is_full() {
        Upper::Inclusive(point(scheme, &hi.floor())?)
    } else {
        match hi.ceiling() {
            Some(c) => Upper::Exclusive(point(scheme, &c)?),
            None => Upper::Unbounded,
        }
    };
    Ok(VersionSet::interval(lower, upper))
}

fn npm_comparator(scheme: VersionScheme, c: &str) -> Result<VersionSet, String> {
    let (op, v) = split_op(c, &["=", ">", "<", ">=", "<=", "~", "^", "~>"]);
    let partial = Partial::parse(v)?;
    if partial.major.is_none() {
        // `*`, `x`, `>=*`: every version; `<*`, `>*`: none.
        return Ok(if matches!(op, "<" | ">") {
            VersionSet::empty()
        } else {
            VersionSet::all()
        });
    }
    let floor = partial.floor();
    match op {
        "^" => semver_range(scheme, &floor, partial.caret_ceiling()),
        "~" | "~>" => semver_range(scheme, &floor, partial.tilde_ceiling()),
        "" | "=" if partial.is_full() => {
            simple("=", point(scheme, &floor)?).ok_or_else(|| "unreachable operator".to_owned())
        }
        "" | "=" => semver_range(scheme, &floor, partial.ceiling()),
        ">" if !partial.is_full() => match partial.ceiling() {
            Some(c) => Ok(VersionSet::interval(
                Lower::Inclusive(point(scheme, &c)?),
                Upper::Unbounded,
            )),
            None => Ok(VersionSet::empty()),
        },
        "<=" if !partial.is_full() => match partial.ceiling() {
            Some(c) => Ok(VersionSet::interval(
                Lower::Unbounded,
                Upper::Exclusive(point(scheme, &c)?),
            )),
            None => Ok(VersionSet::all()),
        },
        "<" if !partial.is_full() => {
            let p = point(scheme, &format!("{floor}-0"))?;
            Ok(VersionSet::interval(Lower::Unbounded, Upper::Exclusive(p)))
        }
        _ => simple(op, point(scheme, &floor)?).ok_or_else(|| format!("unknown operator {op:?}")),
    }
}

// ---------------------------------------------------------------- Composer

fn composer_comparator(scheme: VersionScheme, c: &str) -> Result<VersionSet, String> {
    let (op, v) = split_op(c, &["=", "==", "!=", "<>", ">", "<", ">=", "<="]);
    if v.starts_with(['~', '^']) || v.contains('*') {
        return Err(format!("unsupported Composer constraint {c:?}"));
    }
    let op = if op == "<>" { "!=" } else { op };
    let p = point(scheme, v)?;
    simple(op, p).ok_or_else(|| format!("unknown operator {op:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scry_core::Ecosystem;
    use scry_osv::{Affected, RangeVerdict};

    fn events(syntax: Syntax, scheme: VersionScheme, not_affected: &[&str]) -> Vec<Vec<Event>> {
        let set = affected_by_complement(syntax, scheme, not_affected).expect("requirements parse");
        let kind = if scheme == VersionScheme::SemVer {
            RangeType::SemVer
        } else {
            RangeType::Ecosystem
        };
        set.to_ranges(&kind, scheme)
            .ranges
            .into_iter()
            .map(|r| r.events)
            .collect()
    }

    fn i(v: &str) -> Event {
        Event::Introduced(v.to_owned())
    }
    fn f(v: &str) -> Event {
        Event::Fixed(v.to_owned())
    }
    fn l(v: &str) -> Event {
        Event::LastAffected(v.to_owned())
    }

    #[test]
    fn rustsec_example_advisory() {
        // EXAMPLE_ADVISORY.md: patched [">= 1.2.3, < 1.3.0", ">= 1.3.4"], unaffected ["<= 0.1.2"].
        let got = events(
            Syntax::Cargo,
            VersionScheme::SemVer,
            &[">= 1.2.3, < 1.3.0", ">= 1.3.4", "<= 0.1.2"],
        );
        assert_eq!(
            got,
            vec![vec![i("0.1.3-0"), f("1.2.3"), i("1.3.0"), f("1.3.4")]]
        );
    }

    #[test]
    fn cargo_caret_tilde_exact() {
        assert_eq!(
            events(Syntax::Cargo, VersionScheme::SemVer, &["^1.2", ">= 3.0.0"]),
            vec![vec![i("0"), f("1.2.0"), i("2.0.0-0"), f("3.0.0")]]
        );
        assert_eq!(
            events(Syntax::Cargo, VersionScheme::SemVer, &["~0.2.3", "^0.0.3"]),
            vec![vec![
                i("0"),
                f("0.0.3"),
                i("0.0.4-0"),
                f("0.2.3"),
                i("0.3.0-0")
            ]]
        );
        assert_eq!(
            events(Syntax::Cargo, VersionScheme::SemVer, &["=1.0"]),
            vec![vec![i("0"), f("1.0.0"), i("1.0.1-0")]]
        );
        assert_eq!(
            events(Syntax::Cargo, VersionScheme::SemVer, &[]),
            vec![vec![i("0")]]
        );
        assert!(events(Syntax::Cargo, VersionScheme::SemVer, &["*"]).is_empty());
    }

    #[test]
    fn npm_ranges() {
        let set = |r: &str| {
            parse(Syntax::Npm, VersionScheme::SemVer, r)
                .expect("range parses")
                .to_ranges(&RangeType::SemVer, VersionScheme::SemVer)
                .ranges
                .into_iter()
                .map(|r| r.events)
                .collect::<Vec<_>>()
        };
        assert_eq!(set("<=1.5.1"), vec![vec![i("0"), f("1.5.2-0")]]);
        assert_eq!(
            set(">=1.0.0 <1.2.3 || >=2.0.0 <2.1.0"),
            vec![vec![i("1.0.0"), f("1.2.3"), i("2.0.0"), f("2.1.0")]]
        );
        assert_eq!(set("1.x"), vec![vec![i("1.0.0"), f("2.0.0-0")]]);
        assert_eq!(set("1.0 - 2.0"), vec![vec![i("1.0.0"), f("2.1.0-0")]]);
        assert_eq!(set("1.0.0 - 2.0.0"), vec![vec![i("1.0.0"), f("2.0.1-0")]]);
        assert_eq!(set("*"), vec![vec![i("0")]]);
        assert_eq!(set("< 1.0.0 > 0.5.0"), vec![vec![i("0.5.1-0"), f("1.0.0")]]);
        assert_eq!(
            set("^0.2.3 || ~1.2"),
            vec![vec![i("0.2.3"), f("0.3.0-0"), i("1.2.0"), f("1.3.0-0")]]
        );
        assert_eq!(
            set("<=v2.0.0-alpha3"),
            vec![vec![i("0"), f("2.0.0-alpha3.0")]]
        );
    }

    #[test]
    fn ecosystem_ranges_keep_last_affected_apart() {
        // `> 3.0.4` not affected leaves `<= 3.0.4` affected; with no successor in a dense
        // order this is `last_affected`, in its own range.
        let set = affected_by_complement(Syntax::Composer, VersionScheme::Composer, &[">3.0.4"])
            .expect("parses");
        let r = set.to_ranges(&RangeType::Ecosystem, VersionScheme::Composer);
        assert_eq!(r.ranges.len(), 1);
        assert_eq!(r.ranges[0].events, vec![i("0"), l("3.0.4")]);
        // And `<= 1.0` not affected widens: the range starts at 1.0 itself.
        let set = affected_by_complement(Syntax::Composer, VersionScheme::Composer, &["<=1.0"])
            .expect("parses");
        let r = set.to_ranges(&RangeType::Ecosystem, VersionScheme::Composer);
        assert_eq!(r.ranges[0].events, vec![i("1.0")]);
        assert_eq!(r.widened, vec!["1.0".to_owned()]);
    }

    #[test]
    fn gem_bump_matches_gem_version() {
        assert_eq!(gem_bump("5.2.4").as_deref(), Some("5.3"));
        assert_eq!(gem_bump("2.2").as_deref(), Some("3"));
        assert_eq!(gem_bump("5").as_deref(), Some("6"));
        assert_eq!(gem_bump("1.2.3.rc1").as_deref(), Some("1.3"));
        assert_eq!(gem_bump("4.2.0.beta2").as_deref(), Some("4.3"));
    }

    #[test]
    fn rubygems_pessimistic() {
        // actionpack CVE-2008-7248: unaffected < 2.1.0, patched ~> 2.1.3, >= 2.2.2.
        // Needs the RubyGems ordering of scry-version.
        assert_eq!(
            events(
                Syntax::RubyGems,
                VersionScheme::RubyGems,
                &["~> 2.1.3", ">= 2.2.2", "< 2.1.0"]
            ),
            vec![vec![i("2.1.0"), f("2.1.3"), i("2.2.A"), f("2.2.2")]]
        );
    }

    #[test]
    fn rubygems_pessimistic_leaves_out_prereleases_of_the_bump() {
        // `Gem::Requirement.new("~> 2.1.3").satisfied_by?(Gem::Version.new("2.2.0.rc1"))`
        // is false in RubyGems 3.3 (`v.release < r.bump`), though `2.2.0.rc1 < 2.2`.
        let set = parse(Syntax::RubyGems, VersionScheme::RubyGems, "~> 2.1.3").expect("parses");
        for (v, inside) in [
            ("2.1.2", false),
            ("2.1.3", true),
            ("2.1.99.rc1", true),
            ("2.2.0.rc1", false),
            ("2.2.0.RC1", false),
            ("2.2.a", false),
            ("2.2", false),
        ] {
            assert_eq!(set.contains(&gv(v)), inside, "{v}");
        }
    }

    #[test]
    fn hostile_requirements_are_errors() {
        for (syntax, req) in [
            (Syntax::Cargo, ">= banana"),
            (Syntax::Cargo, ">="),
            (Syntax::Cargo, ""),
            (Syntax::Npm, ">= 1.0.0 <"),
            (Syntax::Npm, "1.2.3.4.5"),
            (Syntax::RubyGems, "~>"),
            (Syntax::RubyGems, "=~ 1.0"),
            (Syntax::Composer, "^1.0"),
            (Syntax::Cargo, "99999999999999999999999.0.0"),
        ] {
            let scheme = if syntax == Syntax::RubyGems {
                VersionScheme::RubyGems
            } else if syntax == Syntax::Composer {
                VersionScheme::Composer
            } else {
                VersionScheme::SemVer
            };
            assert!(
                parse(syntax, scheme, req).is_err(),
                "{syntax:?} {req:?} should fail"
            );
        }
        let long = ">= 1.0.0 ".repeat(200);
        assert!(parse(Syntax::Npm, VersionScheme::SemVer, &long).is_err());
        let many = vec!["<1.0.0"; 100].join(" || ");
        assert!(parse(Syntax::Npm, VersionScheme::SemVer, &many).is_err());
    }

    // ------------------------------------------------------------ properties

    /// A small SemVer universe, so generated versions collide with bounds often.
    fn version() -> impl Strategy<Value = String> {
        (
            0u64..3,
            0u64..3,
            0u64..3,
            prop::sample::select(vec!["", "-0", "-alpha", "-alpha.1", "-beta"]),
        )
            .prop_map(|(a, b, c, pre)| format!("{a}.{b}.{c}{pre}"))
    }

    #[derive(Debug, Clone)]
    enum Cmp {
        Op(&'static str, String),
        Caret(String),
        Tilde(String),
    }

    fn comparator() -> impl Strategy<Value = Cmp> {
        prop_oneof![
            (
                prop::sample::select(vec![">=", ">", "<", "<=", "="]),
                version()
            )
                .prop_map(|(op, v)| Cmp::Op(op, v)),
            version().prop_map(Cmp::Caret),
            version().prop_map(Cmp::Tilde),
        ]
    }

    fn sv(s: &str) -> Version {
        Version::parse(VersionScheme::SemVer, s).expect("generated versions parse")
    }

    /// The requirement checked comparator by comparator, without intervals.
    fn satisfies(req: &[Cmp], v: &Version) -> bool {
        req.iter().all(|c| match c {
            Cmp::Op(op, p) => {
                let p = sv(p);
                match *op {
                    ">=" => *v >= p,
                    ">" => *v > p,
                    "<" => *v < p,
                    "<=" => *v <= p,
                    _ => *v == p,
                }
            }
            Cmp::Caret(p) | Cmp::Tilde(p) => {
                let part = Partial::parse(p).expect("generated");
                let ceiling = if matches!(c, Cmp::Caret(_)) {
                    part.caret_ceiling()
                } else {
                    part.tilde_ceiling()
                }
                .expect("small numbers");
                *v >= sv(p) && *v < sv(&ceiling)
            }
        })
    }

    fn render(req: &[Cmp]) -> String {
        req.iter()
            .map(|c| match c {
                Cmp::Op(op, v) => format!("{op} {v}"),
                Cmp::Caret(v) => format!("^{v}"),
                Cmp::Tilde(v) => format!("~{v}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any string, in any syntax: a set or an error, never a panic.
        #[test]
        fn never_panics(
            s in "[<>=~^!|, .*xXv0-9a-z-]{0,40}|\\PC{0,40}",
        ) {
            for (syntax, scheme) in [
                (Syntax::Cargo, VersionScheme::SemVer),
                (Syntax::Npm, VersionScheme::SemVer),
                (Syntax::RubyGems, VersionScheme::RubyGems),
                (Syntax::Composer, VersionScheme::Composer),
            ] {
                if let Ok(set) = parse(syntax, scheme, &s) {
                    let _ = set.complement().to_ranges(&RangeType::Ecosystem, scheme);
                }
            }
        }

        /// A version is affected by the emitted OSV events iff it satisfies none of the
        /// not-affected requirements.
        #[test]
        fn events_are_the_complement(
            reqs in prop::collection::vec(prop::collection::vec(comparator(), 1..3), 0..4),
            probes in prop::collection::vec(version(), 1..24),
        ) {
            let texts: Vec<String> = reqs.iter().map(|r| render(r)).collect();
            let set = affected_by_complement(Syntax::Cargo, VersionScheme::SemVer, &texts)
                .expect("generated requirements parse");
            let made = set.to_ranges(&RangeType::SemVer, VersionScheme::SemVer);
            prop_assert!(made.widened.is_empty());
            let affected = Affected {
                package: None,
                severity: Vec::new(),
                ranges: made.ranges,
                versions: Vec::new(),
                ecosystem_specific: None,
                database_specific: None,
                extra: serde_json::Map::new(),
            };
            let eco = Ecosystem::parse("crates.io");
            // Probe the generated versions and every event version.
            let mut all = probes.clone();
            for r in &affected.ranges {
                for e in &r.events {
                    if e.version() != "0" {
                        all.push(e.version().to_owned());
                    }
                }
            }
            for p in &all {
                let v = sv(p);
                let truth = !reqs.iter().any(|r| satisfies(r, &v));
                let got = affected.affects(&eco, p).expect("events parse")
                    == RangeVerdict::Affected;
                prop_assert_eq!(got, truth, "version {} with not-affected {:?}", p, texts);
                prop_assert_eq!(set.contains(&v), truth);
            }
        }

        /// Union, intersection and complement agree with set logic point by point.
        #[test]
        fn algebra_laws(
            a in prop::collection::vec(comparator(), 1..3),
            b in prop::collection::vec(comparator(), 1..3),
            probes in prop::collection::vec(version(), 1..24),
        ) {
            let sa = parse(Syntax::Cargo, VersionScheme::SemVer, &render(&a)).expect("parses");
            let sb = parse(Syntax::Cargo, VersionScheme::SemVer, &render(&b)).expect("parses");
            let (u, n, c) = (sa.union(&sb), sa.intersect(&sb), sa.complement());
            for p in &probes {
                let v = sv(p);
                let (ia, ib) = (satisfies(&a, &v), satisfies(&b, &v));
                prop_assert_eq!(sa.contains(&v), ia);
                prop_assert_eq!(u.contains(&v), ia || ib);
                prop_assert_eq!(n.contains(&v), ia && ib);
                prop_assert_eq!(c.contains(&v), !ia);
                prop_assert_eq!(c.complement().contains(&v), ia);
            }
        }
    }

    // ------------------------------------------------------------ RubyGems (dense order)

    fn gem_version() -> impl Strategy<Value = String> {
        (
            0u64..3,
            0u64..3,
            prop::option::of(0u64..3),
            prop::sample::select(vec!["", ".rc1", ".pre", ".0"]),
        )
            .prop_map(|(a, b, c, pre)| match c {
                Some(c) => format!("{a}.{b}.{c}{pre}"),
                None => format!("{a}.{b}{pre}"),
            })
    }

    fn gem_comparator_text() -> impl Strategy<Value = (&'static str, String)> {
        (
            prop::sample::select(vec!["=", "!=", ">", "<", ">=", "<=", "~>"]),
            gem_version(),
        )
    }

    fn gv(s: &str) -> Version {
        Version::parse(VersionScheme::RubyGems, s).expect("generated gem versions parse")
    }

    /// `Gem::Version#release` of a generated version: the segments before the first
    /// one holding a letter.
    fn gem_release(v: &Version) -> Version {
        let text = v.to_string();
        let release: Vec<&str> = text
            .split('.')
            .take_while(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        gv(&release.join("."))
    }

    fn gem_satisfies(req: &[(&'static str, String)], v: &Version) -> bool {
        req.iter().all(|(op, p)| {
            let pv = gv(p);
            match *op {
                "=" => *v == pv,
                "!=" => *v != pv,
                ">" => *v > pv,
                "<" => *v < pv,
                ">=" => *v >= pv,
                "<=" => *v <= pv,
                // `~>`: `v >= r && v.release < r.bump`.
                _ => *v >= pv && gem_release(v) < gv(&gem_bump(p).expect("small numbers")),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// In a dense order the events are exact except at the versions `widened` names:
        /// those (and only those) are reported affected although no requirement leaves
        /// them affected.
        #[test]
        fn gem_events_are_the_complement_up_to_widened_points(
            reqs in prop::collection::vec(prop::collection::vec(gem_comparator_text(), 1..3), 0..4),
            probes in prop::collection::vec(gem_version(), 1..24),
        ) {
            let texts: Vec<String> = reqs
                .iter()
                .map(|r| r.iter().map(|(op, v)| format!("{op} {v}")).collect::<Vec<_>>().join(", "))
                .collect();
            let set = affected_by_complement(Syntax::RubyGems, VersionScheme::RubyGems, &texts)
                .expect("generated requirements parse");
            let made = set.to_ranges(&RangeType::Ecosystem, VersionScheme::RubyGems);
            let widened: Vec<Version> = made.widened.iter().map(|w| gv(w)).collect();
            let affected = Affected {
                package: None,
                severity: Vec::new(),
                ranges: made.ranges,
                versions: Vec::new(),
                ecosystem_specific: None,
                database_specific: None,
                extra: serde_json::Map::new(),
            };
            let eco = Ecosystem::parse("RubyGems");
            let mut all = probes.clone();
            for r in &affected.ranges {
                prop_assert!(
                    !(r.events.iter().any(|e| matches!(e, Event::Fixed(_)))
                        && r.events.iter().any(|e| matches!(e, Event::LastAffected(_)))),
                    "fixed and last_affected in one range"
                );
                for e in &r.events {
                    if e.version() != "0" {
                        all.push(e.version().to_owned());
                    }
                }
            }
            for p in &all {
                let v = gv(p);
                let truth = !reqs.iter().any(|r| gem_satisfies(r, &v));
                let got = affected.affects(&eco, p).expect("events parse") == RangeVerdict::Affected;
                prop_assert_eq!(set.contains(&v), truth, "set, version {} with {:?}", p, texts);
                if widened.contains(&v) {
                    prop_assert!(got, "widened {} must be reported", p);
                } else {
                    prop_assert_eq!(got, truth, "version {} with not-affected {:?}", p, texts);
                }
            }
        }
    }
}
