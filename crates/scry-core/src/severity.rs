use std::fmt;

use serde::{Deserialize, Serialize};

/// A finding's severity, with Amazon Inspector's labels.
///
/// Ordered from least to most severe so that `max()` picks the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// No score and no vendor rating.
    Untriaged,
    /// CVSS 0.0, or a vendor's "informational"/"negligible".
    Informational,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Severity {
    /// The usual CVSS v3/v4 bands for a score in 0.0..=10.0.
    #[must_use]
    pub fn from_cvss_score(score: f64) -> Self {
        if score >= 9.0 {
            Self::Critical
        } else if score >= 7.0 {
            Self::High
        } else if score >= 4.0 {
            Self::Medium
        } else if score > 0.0 {
            Self::Low
        } else {
            Self::Informational
        }
    }

    /// The label as Inspector spells it (`CRITICAL`, `HIGH`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Untriaged => "UNTRIAGED",
            Self::Informational => "INFORMATIONAL",
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }

    /// Parses a label case-insensitively; also accepts common vendor words
    /// (`moderate`, `important`, `negligible`, `unimportant`, `none`).
    #[must_use]
    pub fn parse_loose(s: &str) -> Option<Self> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "critical" => Self::Critical,
            "high" | "important" => Self::High,
            "medium" | "moderate" => Self::Medium,
            "low" => Self::Low,
            "informational" | "info" | "negligible" | "unimportant" | "none" => Self::Informational,
            "untriaged" | "unknown" => Self::Untriaged,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        assert_eq!(Severity::from_cvss_score(9.8), Severity::Critical);
        assert_eq!(Severity::from_cvss_score(7.0), Severity::High);
        assert_eq!(Severity::from_cvss_score(6.9), Severity::Medium);
        assert_eq!(Severity::from_cvss_score(0.1), Severity::Low);
        assert_eq!(Severity::from_cvss_score(0.0), Severity::Informational);
        assert!(Severity::Critical > Severity::Low);
        assert_eq!(Severity::parse_loose("Moderate"), Some(Severity::Medium));
    }
}
