//! Maven versions, ordered exactly as maven-artifact 3.8's `ComparableVersion` orders
//! them.
//!
//! The string is lowercased and split into items: numbers, qualifiers (strings) and
//! nested lists. `.` separates items of one list; `-`, and every switch between digits
//! and letters, opens a nested list (`1-2` is `[1, [2]]`, `1a2` is `[1, [a, [2]]]`).
//! Trailing "null" items (`0`, the empty/`ga`/`final`/`release` qualifier, empty lists)
//! are trimmed from every list, so `1 == 1.0 == 1-0 == 1.ga == 1-final`.
//!
//! # Traps
//! - Qualifier order: `alpha` < `beta` < `milestone` < `rc` = `cr` < `snapshot` <
//!   `""` = `ga` = `final` = `release` < `sp` < any other qualifier (those compare as
//!   strings, so `1-xyz > 1-sp` and `1-abc < 1-xyz`). `a`, `b`, `m` mean alpha, beta,
//!   milestone only when a digit follows directly (`1a1 == 1-alpha-1`, but `1-a` is the
//!   unknown qualifier `a`).
//! - Against a missing item (the other version is shorter), a number is bigger unless it
//!   is 0, and a qualifier is smaller if it sorts before release (`1-rc < 1`,
//!   `1-sp > 1`, `1-foo > 1`).
//! - A number beats a qualifier and a list: `1.1 > 1-sp`, `1.1 > 1-1`; a list beats a
//!   qualifier: `1-1 > 1-sp`.
//! - `.X` (a qualifier after a dot) is treated as `-X` when the list already has items:
//!   `1.0.0.X1 < 1.0.0-X2`.
//! - Numbers have no size limit; a number of up to 9 digits, one of 10 to 18 and a longer
//!   one are distinct item kinds that always sort in that order, with leading ASCII zeros
//!   stripped first (a run of zeros only is kept whole, so `0000000000` is a "long" zero).
//! - Digits are Java's `Character.isDigit` (every Unicode decimal digit of the BMP), and
//!   lowercasing is Java's (full Unicode); unknown qualifiers compare by UTF-16 code
//!   units, as Java's `String.compareTo` does.
//! - Every string is a version; only the empty string is refused here.
//! - The order is not transitive on every string, in the tool itself: trimming a null item
//!   in front of a nested list puts that list where another version has a qualifier, and
//!   a list beats a qualifier while `alpha` loses to "nothing" (maven-artifact 3.8.7:
//!   `a- < -a0 < 0 < a-`; likewise `1-0-a1 < 1 < 1-b` but `1-0-a1 > 1-b`). scry keeps the
//!   tool's answers; on such inputs `sort` may order arbitrarily (or, as `Ord` is then not
//!   total, panic), so sort untrusted Maven versions with care. Versions without null
//!   items before a `-`/qualifier (all the real ones in the fixtures) are totally ordered.

use std::cmp::Ordering;
use std::fmt;

use crate::num::Num;
use crate::{Error, VersionScheme};

/// A parsed Maven version.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    raw: String,
    /// The nested lists as a chain: list `k + 1` is the last item of list `k`.
    lists: Vec<Vec<Atom>>,
}

/// A non-list item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    /// A number: the item kind (0 int, 1 long, 2 big) and its value.
    Int(u8, Num),
    Str(Qualifier),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Qualifier {
    /// Index in `alpha, beta, milestone, rc, snapshot, "", sp`.
    Known(u8),
    Unknown(Box<str>),
}

const RELEASE: u8 = 5;

/// The zero of each run of ten Unicode decimal digits in the BMP (what
/// `Character.isDigit(char)` accepts in Java 17).
const DIGIT_ZEROS: [u32; 37] = [
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
    0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80,
    0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10,
];

/// The value of `c` if Java's `Character.isDigit` accepts it.
fn java_digit(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let cp = u32::from(c);
    if cp < 0x80 {
        return None;
    }
    DIGIT_ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&cp))
        .and_then(|&z| u8::try_from(cp - z).ok())
}

impl Atom {
    fn number(digits: &[char]) -> Self {
        // `stripLeadingZeroes`: drops leading ASCII zeros, keeps an all-zero run whole.
        let first = digits.iter().position(|&c| c != '0');
        let len = first.map_or(digits.len(), |p| digits.len() - p);
        let kind = match len {
            0..=9 => 0,
            10..=18 => 1,
            _ => 2,
        };
        let ascii: String = digits
            .iter()
            .map(|&c| char::from(b'0' + java_digit(c).unwrap_or(0)))
            .collect();
        Self::Int(kind, Num::from_ascii_digits(&ascii))
    }

    fn qualifier(text: &[char], followed_by_digit: bool) -> Self {
        let s: String = text.iter().collect();
        let s = match (followed_by_digit, s.as_str()) {
            (true, "a") => "alpha",
            (true, "b") => "beta",
            (true, "m") => "milestone",
            (_, other) => other,
        };
        let q = match s {
            "alpha" => Qualifier::Known(0),
            "beta" => Qualifier::Known(1),
            "milestone" => Qualifier::Known(2),
            "rc" | "cr" => Qualifier::Known(3),
            "snapshot" => Qualifier::Known(4),
            "" | "ga" | "final" | "release" => Qualifier::Known(RELEASE),
            "sp" => Qualifier::Known(6),
            other => Qualifier::Unknown(other.into()),
        };
        Self::Str(q)
    }

    fn item(is_digit: bool, text: &[char]) -> Self {
        if is_digit {
            Self::number(text)
        } else {
            Self::qualifier(text, false)
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Self::Int(_, n) => n.is_zero(),
            Self::Str(q) => *q == Qualifier::Known(RELEASE),
        }
    }

    /// `item.compareTo(null)`: against a missing item.
    fn cmp_missing(&self) -> Ordering {
        match self {
            Self::Int(_, n) if n.is_zero() => Ordering::Equal,
            Self::Int(..) | Self::Str(Qualifier::Unknown(_)) => Ordering::Greater,
            Self::Str(Qualifier::Known(i)) => i.cmp(&RELEASE),
        }
    }

    fn cmp_atom(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Int(ka, a), Self::Int(kb, b)) => ka.cmp(kb).then_with(|| a.cmp(b)),
            (Self::Int(..), Self::Str(_)) => Ordering::Greater,
            (Self::Str(_), Self::Int(..)) => Ordering::Less,
            (Self::Str(a), Self::Str(b)) => match (a, b) {
                (Qualifier::Known(x), Qualifier::Known(y)) => x.cmp(y),
                (Qualifier::Known(_), Qualifier::Unknown(_)) => Ordering::Less,
                (Qualifier::Unknown(_), Qualifier::Known(_)) => Ordering::Greater,
                (Qualifier::Unknown(x), Qualifier::Unknown(y)) => {
                    if x.is_ascii() && y.is_ascii() {
                        x.cmp(y)
                    } else {
                        x.encode_utf16().cmp(y.encode_utf16())
                    }
                }
            },
        }
    }

    /// This atom against a nested list at the same position.
    fn cmp_list(&self) -> Ordering {
        match self {
            // `IntItem.compareTo(ListItem)`: 1.1 > 1-1.
            Self::Int(..) => Ordering::Greater,
            // `StringItem.compareTo(ListItem)`: 1-sp < 1-1.
            Self::Str(_) => Ordering::Less,
        }
    }
}

/// One element of list `k`: an atom, the nested list `k + 1`, or nothing.
enum Elem<'a> {
    Atom(&'a Atom),
    List,
    Missing,
}

impl MavenVersion {
    /// Parses a Maven version: every non-empty string is one.
    ///
    /// # Errors
    /// When `s` is empty.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.is_empty() {
            return Err(Error::invalid(VersionScheme::Maven, s, "empty"));
        }
        let chars: Vec<char> = s.to_lowercase().chars().collect();
        let mut lists: Vec<Vec<Atom>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut start = 0;
        for (i, &c) in chars.iter().enumerate() {
            let text = chars.get(start..i).unwrap_or_default();
            if c == '.' || c == '-' {
                let item = if i == start {
                    Atom::Int(0, Num::ZERO)
                } else {
                    Atom::item(is_digit, text)
                };
                push(&mut lists, item);
                start = i + 1;
                if c == '-' {
                    lists.push(Vec::new());
                }
            } else if java_digit(c).is_some() {
                if !is_digit && i > start {
                    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X.
                    if !current_is_empty(&lists) {
                        lists.push(Vec::new());
                    }
                    push(&mut lists, Atom::qualifier(text, true));
                    start = i;
                    lists.push(Vec::new());
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    push(&mut lists, Atom::number(text));
                    start = i;
                    lists.push(Vec::new());
                }
                is_digit = false;
            }
        }
        if chars.len() > start {
            if !is_digit && !current_is_empty(&lists) {
                lists.push(Vec::new());
            }
            let text = chars.get(start..).unwrap_or_default();
            push(&mut lists, Atom::item(is_digit, text));
        }
        // `normalize()`, innermost list first: drop an empty nested list, then the null
        // atoms at the end (a non-empty nested list does not stop the trimming).
        for k in (0..lists.len()).rev() {
            let child_is_null = lists.get(k + 1).is_some_and(Vec::is_empty) && lists.len() == k + 2;
            if child_is_null {
                lists.truncate(k + 1);
            }
            if let Some(list) = lists.get_mut(k) {
                while list.last().is_some_and(Atom::is_null) {
                    list.pop();
                }
            }
        }
        Ok(Self {
            raw: s.to_owned(),
            lists,
        })
    }

    fn elem(&self, k: usize, i: usize) -> Elem<'_> {
        let Some(list) = self.lists.get(k) else {
            return Elem::Missing;
        };
        match list.get(i) {
            Some(a) => Elem::Atom(a),
            None if i == list.len() && k + 1 < self.lists.len() => Elem::List,
            None => Elem::Missing,
        }
    }

    /// `ListItem.compareTo(null)` for list `k`.
    fn cmp_missing_from(&self, k: usize) -> Ordering {
        for list in self.lists.iter().skip(k) {
            for atom in list {
                let o = atom.cmp_missing();
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
        Ordering::Equal
    }
}

fn push(lists: &mut [Vec<Atom>], atom: Atom) {
    if let Some(cur) = lists.last_mut() {
        cur.push(atom);
    }
}

fn current_is_empty(lists: &[Vec<Atom>]) -> bool {
    lists.last().is_none_or(Vec::is_empty)
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // `ListItem.compareTo(ListItem)`, iteratively: a nested list is always the last
        // element of its parent, so comparing two nested lists is a tail call.
        let mut k = 0;
        loop {
            let mut i = 0;
            loop {
                let o = match (self.elem(k, i), other.elem(k, i)) {
                    (Elem::Atom(a), Elem::Atom(b)) => a.cmp_atom(b),
                    (Elem::Atom(a), Elem::List) => a.cmp_list(),
                    (Elem::List, Elem::Atom(b)) => b.cmp_list().reverse(),
                    (Elem::Atom(a), Elem::Missing) => a.cmp_missing(),
                    (Elem::Missing, Elem::Atom(b)) => b.cmp_missing().reverse(),
                    (Elem::List, Elem::Missing) => return self.cmp_missing_from(k + 1),
                    (Elem::Missing, Elem::List) => {
                        return other.cmp_missing_from(k + 1).reverse();
                    }
                    (Elem::List, Elem::List) => break,
                    (Elem::Missing, Elem::Missing) => return Ordering::Equal,
                };
                if o != Ordering::Equal {
                    return o;
                }
                i += 1;
            }
            k += 1;
        }
    }
}
impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for MavenVersion {}
impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}
