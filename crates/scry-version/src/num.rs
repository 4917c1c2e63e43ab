//! Arbitrary-precision non-negative integers for version components.
//!
//! Included with `#[path]` by the schemes that compare numbers of any length
//! (`999999999999999999999999999991 < 999999999999999999999999999999` must hold, and a
//! hostile string of a thousand digits must neither overflow nor panic). Numbers of up to
//! 19 digits stay inline in a `u64`; longer ones keep their decimal digits without leading
//! zeros, so every `Big` is above every `Small`, and comparing two `Big`s is comparing
//! lengths, then digits.

use std::cmp::Ordering;

/// A non-negative integer of any size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// At most 19 digits (below 10^19).
    Small(u64),
    /// 20 digits or more: ASCII digits without leading zeros.
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub(crate) const ZERO: Self = Self::Small(0);

    /// The value of a run of ASCII digits (an empty run is zero). Callers pass only ASCII
    /// digits; another byte never panics but gives a meaningless value.
    pub(crate) fn from_ascii_digits(digits: &str) -> Self {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.len() <= 19 {
            // 19 digits are below 10^19 < u64::MAX: no overflow.
            let value = trimmed.bytes().fold(0u64, |v, b| {
                v.wrapping_mul(10)
                    .wrapping_add(u64::from(b.wrapping_sub(b'0') % 10))
            });
            return Self::Small(value);
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
