//! CVSS v2.0 scoring (FIRST CVSS v2 Complete Guide, section 3.2).
//!
//! Every equation rounds to one decimal, half up. Intermediate products are exact decimals in
//! the specification but not in `f64` (`4.35` is `4.3499999…`), so [`round1`] treats values
//! within 1e-9 of a half as the half: this reproduces exact decimal arithmetic.

use crate::vector::{Group, MetricDef, Scores, Vector};

use Group::{Base as B, Environmental as En, Temporal as T};

pub(crate) static METRICS: &[MetricDef] = &[
    MetricDef::new("AV", B, &["L", "A", "N"]),
    MetricDef::new("AC", B, &["H", "M", "L"]),
    MetricDef::new("Au", B, &["M", "S", "N"]),
    MetricDef::new("C", B, &["N", "P", "C"]),
    MetricDef::new("I", B, &["N", "P", "C"]),
    MetricDef::new("A", B, &["N", "P", "C"]),
    MetricDef::new("E", T, &["ND", "U", "POC", "F", "H"]),
    MetricDef::new("RL", T, &["ND", "OF", "TF", "W", "U"]),
    MetricDef::new("RC", T, &["ND", "UC", "UR", "C"]),
    MetricDef::new("CDP", En, &["ND", "N", "L", "LM", "MH", "H"]),
    MetricDef::new("TD", En, &["ND", "N", "L", "M", "H"]),
    MetricDef::new("CR", En, &["ND", "L", "M", "H"]),
    MetricDef::new("IR", En, &["ND", "L", "M", "H"]),
    MetricDef::new("AR", En, &["ND", "L", "M", "H"]),
];

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

/// Round to one decimal, half up (away from zero for negatives, like decimal `ROUND_HALF_UP`),
/// as if computed in exact decimal arithmetic.
pub(crate) fn round1(x: f64) -> f64 {
    let y = x.abs() * 10.0;
    let floor = y.floor();
    let rounded = if y - floor >= 0.5 - 1e-9 {
        floor + 1.0
    } else {
        floor
    };
    // `+ 0.0` turns a -0.0 into 0.0.
    (rounded / 10.0).copysign(x) + 0.0
}

fn weight(v: &Vector, index: usize) -> f64 {
    match (index, v.letter(index)) {
        (AV, "L") => 0.395,
        (AV, "A") => 0.646,
        (AC, "H") => 0.35,
        (AC, "M") => 0.61,
        (AC, "L") => 0.71,
        (AU, "M") => 0.45,
        (AU, "S") => 0.56,
        (AU, "N") => 0.704,
        (C | I | A, "N") | (CDP, "N" | "ND") | (TD, "N") => 0.0,
        (C | I | A, "P") => 0.275,
        (C | I | A, "C") => 0.660,
        (E, "U") => 0.85,
        (E, "POC") | (RC, "UC") | (RL, "TF") => 0.90,
        (E, "F") | (RL, "W") | (RC, "UR") => 0.95,
        (RL, "OF") => 0.87,
        (CDP, "L") => 0.1,
        (CDP, "LM") => 0.3,
        (CDP, "MH") => 0.4,
        (CDP, "H") => 0.5,
        (TD, "L") => 0.25,
        (TD, "M") => 0.75,
        (CR | IR | AR, "L") => 0.5,
        (CR | IR | AR, "H") => 1.51,
        // AV:N, E:H, RL:U, RC:C, TD:H, CR/IR/AR:M and every ND.
        _ => 1.0,
    }
}

/// `BaseScore` of the guide, unclamped: with a low `CR`/`IR`/`AR` the *adjusted* base can be
/// negative (e.g. `AV:L/AC:H/Au:M/C:P/I:N/A:N/CR:L` gives −0.2), and the environmental
/// equation uses it as is; only the published base/temporal/environmental scores are
/// clamped at 0.
fn base_equation(impact: f64, exploitability: f64) -> f64 {
    let f_impact = if impact == 0.0 { 0.0 } else { 1.176 };
    round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact)
}

pub(crate) fn scores(v: &Vector) -> Scores {
    let w = |i| weight(v, i);
    let exploitability = 20.0 * w(AV) * w(AC) * w(AU);
    let impact = 10.41 * (1.0 - (1.0 - w(C)) * (1.0 - w(I)) * (1.0 - w(A)));
    let base = base_equation(impact, exploitability).max(0.0);
    let temporal_factor = |b: f64| round1(b * w(E) * w(RL) * w(RC));
    let temporal = temporal_factor(base).max(0.0);
    let adjusted_impact = (10.41
        * (1.0 - (1.0 - w(C) * w(CR)) * (1.0 - w(I) * w(IR)) * (1.0 - w(A) * w(AR))))
    .min(10.0);
    let adjusted_temporal = temporal_factor(base_equation(adjusted_impact, exploitability));
    let environmental =
        round1((adjusted_temporal + (10.0 - adjusted_temporal) * w(CDP)) * w(TD)).max(0.0);
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
    use super::round1;

    #[test]
    fn round_half_up_like_decimals() {
        assert_eq!(round1(4.35), 4.4);
        assert_eq!(round1(4.349), 4.3);
        assert_eq!(round1(-0.15), -0.2);
        assert_eq!(round1(-0.0), 0.0);
        assert!(round1(-0.01).is_sign_positive());
    }
}
