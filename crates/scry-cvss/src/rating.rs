//! Qualitative severity ratings.

use std::fmt;

use scry_core::Severity;

use crate::vector::Version;

/// The qualitative rating of a score. v2 only has Low (0.0–3.9), Medium (4.0–6.9) and High
/// (7.0–10.0); v3 and v4 add None (0.0) and Critical (9.0–10.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Rating {
    /// 0.0 (v3/v4).
    None,
    /// 0.1–3.9 (v2: 0.0–3.9).
    Low,
    /// 4.0–6.9.
    Medium,
    /// 7.0–8.9 (v2: 7.0–10.0).
    High,
    /// 9.0–10.0 (v3/v4).
    Critical,
}

impl Rating {
    /// The rating of `score` under `version`'s bands.
    #[must_use]
    pub fn for_score(version: Version, score: f64) -> Self {
        if version == Version::V2_0 {
            return if score >= 7.0 {
                Self::High
            } else if score >= 4.0 {
                Self::Medium
            } else {
                Self::Low
            };
        }
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::None
        }
    }

    /// The name as the specifications spell it (`None`, `Low`, …).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Critical => "Critical",
        }
    }

    /// The finding severity this rating maps to (None → `INFORMATIONAL`).
    #[must_use]
    pub fn to_severity(self) -> Severity {
        match self {
            Self::None => Severity::Informational,
            Self::Low => Severity::Low,
            Self::Medium => Severity::Medium,
            Self::High => Severity::High,
            Self::Critical => Severity::Critical,
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
