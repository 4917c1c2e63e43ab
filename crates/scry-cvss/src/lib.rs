//! CVSS for scry: parse and score v2.0, v3.0, v3.1 and v4.0 vectors, render the `scry cvss`
//! report, and compute scry's own risk score.
//!
//! - [`Vector`]: a parsed, validated vector; [`Vector::scores`] gives [`Scores`] and
//!   [`Vector::severity`] a [`Rating`]; `Display` prints the canonical vector.
//! - [`report`]: the `scry cvss` report ([`CvssReport`], JSON via serde, text via
//!   [`CvssReport::to_text`]).
//! - [`risk`]: pick the best vector of a finding, adjust it with environmental evidence, and
//!   fold in exploit signals (see `docs/scoring.md`).
//!
//! ```
//! let v = scry_cvss::Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
//! assert_eq!(v.scores().base, 9.8);
//! ```
//!
//! Traps (details in each version's module):
//! - Rounding differs per version: v2 rounds half up to one decimal; v3.0 rounds *up* with a
//!   plain float ceiling; v3.1 rounds up with the integer-based `Roundup` of its Appendix A
//!   (so `CVSS:3.0` and `CVSS:3.1` vectors with the same metrics can score 0.1 apart); v4.0
//!   rounds half up after adding 1e-6.
//! - v3.1 changed the modified impact for a changed modified scope
//!   (`(MISS × 0.9731 − 0.02)^13` instead of `(MISS − 0.02)^15`).
//! - v4.0 has no formula: a score comes from the MacroVector table (EQ1–EQ6) refined by the
//!   severity distance; `E:X` means `E:A` and `CR/IR/AR:X` mean `H`.
//! - v2 vectors have no prefix (NVD wraps them in parentheses); v3/v4 vectors must have
//!   theirs. `X`/`ND` values are "not defined": they are dropped from the canonical vector.

mod error;
mod rating;
mod report;
pub mod risk;
mod v2;
mod v3;
mod v4;
mod v4_lookup;
mod vector;

pub use crate::error::CvssError;
pub use crate::rating::Rating;
pub use crate::report::{CvssReport, ReportEntry, ScoredVector, report};
pub use crate::vector::{
    AttackVector, Environment, MAX_VECTOR_LEN, Requirement, Scores, Vector, Version,
};
