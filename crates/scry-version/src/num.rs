//! Arbitrary-precision non-negative integers for version components.
//!
//! Included with `#[path]` by the schemes that compare numbers of any length
//! (`999999999999999999999999999991 < 999999999999999999999999999999` must hold, and a
//! hostile string of a thousand digits must neither overflow nor panic). Numbers that fit
//! in a `u64` stay inline; longer ones keep their decimal digits without leading zeros, so
//! comparing them is comparing lengths, then digits.

use std::cmp::Ordering;

/// A non-negative integer of any size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// Fits in a `u64`.
    Small(u64),
    /// Larger than `u64::MAX`: ASCII digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub(crate) const ZERO: Self = Self::Small(0);

    /// The value of a run of ASCII digits (an empty run is zero). Callers pass only ASCII
    /// digits; any other byte is treated as its distance from `'0'` would be, so never
    /// panics, but the value is then meaningless.
    pub(crate) fn from_ascii_digits(digits: &str) -> Self {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= 19 {
            let mut value: u64 = 0;
            let mut fits = true;
            for b in trimmed.bytes() {
                match value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b.wrapping_sub(b'0'))))
                {
                    Some(v) => value = v,
                    None => {
                        fits = false;
                        break;
                    }
                }
            }
            if fits {
                return Self::Small(value);
            }
        }
        Self::Big(trimmed.into())
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Self::Small(0))
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
