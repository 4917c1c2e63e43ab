//! CVSS v3.0 and v3.1 scoring (FIRST CVSS v3.0 and v3.1 specifications, section 7/8).
//!
//! Traps:
//! - `Roundup` and floats. Both specifications define it on exact decimals: "the smallest
//!   number, specified to one decimal place, that is equal to or higher than its input"
//!   (`Round up (4.00)` is `4.0`). v3.0's reference calculator computed `ceil(x * 10) / 10`
//!   on floats, so `5.0 × 0.92` (`RC:U`), which is `4.6000000000000005` in binary, became
//!   `4.7`; v3.1 (Appendix A) redefined `Roundup` with integer arithmetic (round to 5
//!   decimals first) to fix exactly that. scry scores both versions per the definition:
//!   [`roundup_31`] for v3.1 and [`roundup_30`] (the ceiling of the decimal value, i.e. the
//!   float ceiling after discarding noise below 1e-5) for v3.0. A plain float ceiling
//!   disagreed with the exact-decimal reference on 6 of 3,310 v3.0 vectors, all by +0.1
//!   (see `tests/cvss/parse.rs::v30_roundup_is_decimal_ceiling`).
//! - The modified impact for a *changed* modified scope differs: v3.0 uses
//!   `7.52 × (MISS − 0.029) − 3.25 × (MISS − 0.02)^15` (same as the base impact), v3.1 uses
//!   `7.52 × (MISS − 0.029) − 3.25 × (MISS × 0.9731 − 0.02)^13`.
//! - `PR`/`MPR` weigh more when the (modified) scope is changed (L 0.68, H 0.5).
//! - MISS is capped at 0.915.

use crate::vector::{Group, MetricDef, Scores, Vector, Version};

use Group::{Base as B, Environmental as En, Temporal as T};

pub(crate) static METRICS: &[MetricDef] = &[
    MetricDef::new("AV", B, &["N", "A", "L", "P"]),
    MetricDef::new("AC", B, &["L", "H"]),
    MetricDef::new("PR", B, &["N", "L", "H"]),
    MetricDef::new("UI", B, &["N", "R"]),
    MetricDef::new("S", B, &["U", "C"]),
    MetricDef::new("C", B, &["H", "L", "N"]),
    MetricDef::new("I", B, &["H", "L", "N"]),
    MetricDef::new("A", B, &["H", "L", "N"]),
    MetricDef::new("E", T, &["X", "H", "F", "P", "U"]),
    MetricDef::new("RL", T, &["X", "U", "W", "T", "O"]),
    MetricDef::new("RC", T, &["X", "C", "R", "U"]),
    MetricDef::new("CR", En, &["X", "H", "M", "L"]),
    MetricDef::new("IR", En, &["X", "H", "M", "L"]),
    MetricDef::new("AR", En, &["X", "H", "M", "L"]),
    MetricDef::new("MAV", En, &["X", "N", "A", "L", "P"]),
    MetricDef::new("MAC", En, &["X", "L", "H"]),
    MetricDef::new("MPR", En, &["X", "N", "L", "H"]),
    MetricDef::new("MUI", En, &["X", "N", "R"]),
    MetricDef::new("MS", En, &["X", "U", "C"]),
    MetricDef::new("MC", En, &["X", "H", "L", "N"]),
    MetricDef::new("MI", En, &["X", "H", "L", "N"]),
    MetricDef::new("MA", En, &["X", "H", "L", "N"]),
];

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
/// Offset from a base metric to its modified metric (`AV` 0 → `MAV` 14, …, `A` 7 → `MA` 21).
const MODIFIED: usize = 14;

/// v3.1 `Roundup` (specification Appendix A): integer arithmetic after rounding to 5 decimals.
pub(crate) fn roundup_31(x: f64) -> f64 {
    // Scores are within 0..=10, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

/// v3.0 "Round up": the smallest one-decimal number >= the input, taken on the decimal value
/// the float stands for (noise below 1e-5 discarded, then the plain ceiling).
pub(crate) fn roundup_30(x: f64) -> f64 {
    ((x * 100_000.0).round() / 10_000.0).ceil() / 10.0
}

/// Letter of a base metric, or of its modified counterpart when that is defined.
fn modified_letter(v: &Vector, base: usize, modified: bool) -> &'static str {
    if modified && let Some(m) = v.value_at(base + MODIFIED) {
        return m;
    }
    v.letter(base)
}

fn weight(metric: usize, letter: &str, scope_changed: bool) -> f64 {
    match (metric, letter) {
        (AV, "N") | (UI, "N") | (PR, "N") => 0.85,
        (AV, "A") | (PR, "L") | (UI, "R") => {
            if metric == PR && scope_changed {
                0.68
            } else {
                0.62
            }
        }
        (AV, "L") => 0.55,
        (AV, "P") => 0.2,
        (AC, "L") => 0.77,
        (AC, "H") => 0.44,
        (PR, "H") => {
            if scope_changed {
                0.5
            } else {
                0.27
            }
        }
        (C | I | A, "H") => 0.56,
        (C | I | A, "L") => 0.22,
        (C | I | A, _) => 0.0,
        (E, "F") | (RL, "W") => 0.97,
        (E, "P") => 0.94,
        (E, "U") => 0.91,
        (RL, "T") | (RC, "R") => 0.96,
        (RL, "O") => 0.95,
        (RC, "U") => 0.92,
        (CR | IR | AR, "H") => 1.5,
        (CR | IR | AR, "L") => 0.5,
        // X, E:H, RL:U, RC:C, CR/IR/AR:M.
        _ => 1.0,
    }
}

pub(crate) fn scores(v: &Vector) -> Scores {
    let roundup: fn(f64) -> f64 = if v.version() == Version::V3_0 {
        roundup_30
    } else {
        roundup_31
    };
    let w = |metric: usize, modified: bool, changed: bool| {
        weight(metric, modified_letter(v, metric, modified), changed)
    };

    // Base.
    let changed = v.letter(S) == "C";
    let iss = 1.0
        - ((1.0 - w(C, false, false)) * (1.0 - w(I, false, false)) * (1.0 - w(A, false, false)));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22
        * w(AV, false, false)
        * w(AC, false, false)
        * w(PR, false, changed)
        * w(UI, false, false);
    let base = if impact <= 0.0 {
        0.0
    } else if changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    };

    // Temporal.
    let t = |metric| weight(metric, v.letter(metric), false);
    // Left to right, as the reference calculators multiply (float products are not associative).
    let with_temporal = |x: f64| x * t(E) * t(RL) * t(RC);
    let temporal = roundup(with_temporal(base));

    // Environmental.
    let m_changed = modified_letter(v, S, true) == "C";
    let miss = (1.0
        - ((1.0 - w(C, true, false) * t(CR))
            * (1.0 - w(I, true, false) * t(IR))
            * (1.0 - w(A, true, false) * t(AR))))
    .min(0.915);
    let m_impact = if !m_changed {
        6.42 * miss
    } else if v.version() == Version::V3_0 {
        7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15)
    } else {
        7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
    };
    let m_exploitability = 8.22
        * w(AV, true, false)
        * w(AC, true, false)
        * w(PR, true, m_changed)
        * w(UI, true, false);
    let environmental = if m_impact <= 0.0 {
        0.0
    } else if m_changed {
        roundup(with_temporal(roundup(
            (1.08 * (m_impact + m_exploitability)).min(10.0),
        )))
    } else {
        roundup(with_temporal(roundup(
            (m_impact + m_exploitability).min(10.0),
        )))
    };

    let overall = if v.has_group(Group::Environmental) {
        environmental
    } else if v.has_group(Group::Temporal) {
        temporal
    } else {
        base
    };
    Scores {
        base,
        temporal: Some(temporal),
        environmental: Some(environmental),
        overall,
    }
}

#[cfg(test)]
mod tests {
    use super::{roundup_30, roundup_31};

    #[test]
    fn roundup_definitions() {
        // The specifications' own examples.
        for f in [roundup_30, roundup_31] {
            assert_eq!(f(4.02), 4.1);
            assert_eq!(f(4.00), 4.0);
            // Float noise above an exact decimal is not a reason to round up.
            assert_eq!(f(5.0 * 0.92), 4.6);
            assert_eq!(f(0.0), 0.0);
            assert_eq!(f(10.0), 10.0);
        }
        // The plain float ceiling would have said 4.7.
        assert_eq!((5.0_f64 * 0.92 * 10.0).ceil() / 10.0, 4.7);
    }
}
