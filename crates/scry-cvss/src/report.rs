//! The `scry cvss` report: one entry per input vector, as JSON (`--json`) or text.

use serde::Serialize;

use crate::rating::Rating;
use crate::vector::{Vector, Version};

/// The `scry cvss` output: one entry per non-empty input line, in input order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct CvssReport {
    /// The entries.
    pub entries: Vec<ReportEntry>,
}

/// One input vector: its scores, or why it was rejected.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ReportEntry {
    /// A valid vector.
    Scored(ScoredVector),
    /// An invalid vector.
    Invalid {
        /// The input as given (trimmed).
        vector: String,
        /// The parse error message.
        error: String,
    },
}

/// The JSON object for a valid vector.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoredVector {
    /// Canonical vector.
    pub vector: String,
    /// `"2.0"`, `"3.0"`, `"3.1"` or `"4.0"`.
    pub version: Version,
    /// Base score (v4: CVSS-B).
    pub base_score: f64,
    /// v2/v3 temporal score; omitted for v4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temporal_score: Option<f64>,
    /// v2/v3 environmental score; omitted for v4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environmental_score: Option<f64>,
    /// The score the vector stands for: v4 the CVSS-B/BT/BE/BTE score; v2/v3 environmental
    /// if any environmental metric is defined, else temporal if any temporal metric is
    /// defined, else base.
    pub score: f64,
    /// Rating of `score`.
    pub severity: Rating,
}

impl ScoredVector {
    /// Scores a parsed vector.
    #[must_use]
    pub fn new(vector: &Vector) -> Self {
        let scores = vector.scores();
        Self {
            vector: vector.to_string(),
            version: vector.version(),
            base_score: scores.base,
            temporal_score: scores.temporal,
            environmental_score: scores.environmental,
            score: scores.overall,
            severity: crate::Rating::for_score(vector.version(), scores.overall),
        }
    }
}

/// Builds the report for `input`: one vector per line (blank lines and surrounding
/// whitespace ignored). Never fails: invalid vectors become [`ReportEntry::Invalid`].
#[must_use]
pub fn report(input: &str) -> CvssReport {
    let entries = input
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match Vector::parse(line) {
            Ok(vector) => ReportEntry::Scored(ScoredVector::new(&vector)),
            Err(err) => ReportEntry::Invalid {
                vector: line.to_owned(),
                error: err.to_string(),
            },
        })
        .collect();
    CvssReport { entries }
}

impl CvssReport {
    /// True when any entry is invalid (the CLI exits non-zero then).
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, ReportEntry::Invalid { .. }))
    }

    /// Text rendering, one line per vector:
    /// `<vector>  CVSS <version>  base 9.8  temporal 9.1  environmental 9.1  score 9.1  Critical`
    /// or `<vector>  error: <message>`.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for entry in &self.entries {
            match entry {
                ReportEntry::Scored(s) => {
                    out.push_str(&format!(
                        "{}  CVSS {}  base {:.1}",
                        s.vector, s.version, s.base_score
                    ));
                    if let Some(t) = s.temporal_score {
                        out.push_str(&format!("  temporal {t:.1}"));
                    }
                    if let Some(e) = s.environmental_score {
                        out.push_str(&format!("  environmental {e:.1}"));
                    }
                    out.push_str(&format!("  score {:.1}  {}\n", s.score, s.severity));
                }
                ReportEntry::Invalid { vector, error } => {
                    out.push_str(&format!("{vector}  error: {error}\n"));
                }
            }
        }
        out
    }

    /// JSON rendering (an array of entries), pretty-printed.
    #[must_use]
    pub fn to_json(&self) -> String {
        // Serializing plain structs of strings and finite numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| String::from("[]"))
    }
}
