//! CVSS v4.0 scoring (FIRST CVSS v4.0 specification, section 8, and its reference calculator).
//!
//! How a v4.0 score is made:
//! 1. Resolve each base metric to its modified value when one is set (`MAV` over `AV`, …);
//!    `E:X` counts as `E:A`, `CR/IR/AR:X` as `H` (the worst case).
//! 2. If every impact metric (`VC VI VA SC SI SA`, modified) is `N`, the score is 0.0.
//! 3. Compute the MacroVector, six equivalence classes:
//!    - EQ1 (`AV PR UI`): 0 if `AV:N PR:N UI:N`; 1 if any of them is `N` and `AV` is not `P`;
//!      else 2.
//!    - EQ2 (`AC AT`): 0 if `AC:L AT:N`, else 1.
//!    - EQ3 (`VC VI VA`): 0 if `VC:H VI:H`; 1 if any of `VC VI VA` is `H`; else 2.
//!    - EQ4 (`SC SI SA`, `MSI MSA`): 0 if `MSI:S` or `MSA:S`; 1 if any of `SC SI SA` is `H`;
//!      else 2.
//!    - EQ5 (`E`): A → 0, P → 1, U → 2.
//!    - EQ6 (`CR IR AR` with `VC VI VA`): 0 if `CR:H VC:H` or `IR:H VI:H` or `AR:H VA:H`,
//!      else 1. EQ3 and EQ6 are scored jointly (EQ3 = 2 forces EQ6 = 1).
//! 4. Look the MacroVector up in the table of 270 scores ([`crate::v4_lookup`]).
//! 5. Refine inside the MacroVector by the severity distance: find the first "highest
//!    severity vector" of the MacroVector the vector does not exceed, measure per-metric
//!    distances from it (levels step 0.1), and for each EQ with a next-lower MacroVector in the
//!    table subtract `available distance × distance / max severity depth`, averaged over the
//!    EQs that have a lower MacroVector (EQ5's proportion is always 0). For EQ3+EQ6 at (0, 0)
//!    the next lower MacroVector is the higher-scoring of (1, 0) and (0, 1).
//! 6. Clamp to 0..=10 and round half up to one decimal after adding 1e-6 (the reference
//!    calculator's guard against `x.x4999999`).
//!
//! Traps: metric order in the vector is free here (the specification asks producers for the
//! canonical order; consumers in the wild accept any); supplemental metrics (`S AU R V RE U`)
//! never change the score; `MSI`/`MSA` accept `S` (Safety), the base `SI`/`SA` do not.

use crate::v4_lookup::MACRO_SCORES;
use crate::vector::{Group, MetricDef, Scores, Vector};

use Group::{Base as B, Environmental as En, Supplemental as Su, Temporal as T};

pub(crate) static METRICS: &[MetricDef] = &[
    MetricDef::new("AV", B, &["N", "A", "L", "P"]),
    MetricDef::new("AC", B, &["L", "H"]),
    MetricDef::new("AT", B, &["N", "P"]),
    MetricDef::new("PR", B, &["N", "L", "H"]),
    MetricDef::new("UI", B, &["N", "P", "A"]),
    MetricDef::new("VC", B, &["H", "L", "N"]),
    MetricDef::new("VI", B, &["H", "L", "N"]),
    MetricDef::new("VA", B, &["H", "L", "N"]),
    MetricDef::new("SC", B, &["H", "L", "N"]),
    MetricDef::new("SI", B, &["H", "L", "N"]),
    MetricDef::new("SA", B, &["H", "L", "N"]),
    MetricDef::new("E", T, &["X", "A", "P", "U"]),
    MetricDef::new("CR", En, &["X", "H", "M", "L"]),
    MetricDef::new("IR", En, &["X", "H", "M", "L"]),
    MetricDef::new("AR", En, &["X", "H", "M", "L"]),
    MetricDef::new("MAV", En, &["X", "N", "A", "L", "P"]),
    MetricDef::new("MAC", En, &["X", "L", "H"]),
    MetricDef::new("MAT", En, &["X", "N", "P"]),
    MetricDef::new("MPR", En, &["X", "N", "L", "H"]),
    MetricDef::new("MUI", En, &["X", "N", "P", "A"]),
    MetricDef::new("MVC", En, &["X", "H", "L", "N"]),
    MetricDef::new("MVI", En, &["X", "H", "L", "N"]),
    MetricDef::new("MVA", En, &["X", "H", "L", "N"]),
    MetricDef::new("MSC", En, &["X", "H", "L", "N"]),
    MetricDef::new("MSI", En, &["X", "S", "H", "L", "N"]),
    MetricDef::new("MSA", En, &["X", "S", "H", "L", "N"]),
    MetricDef::new("S", Su, &["X", "N", "P"]),
    MetricDef::new("AU", Su, &["X", "N", "Y"]),
    MetricDef::new("R", Su, &["X", "A", "U", "I"]),
    MetricDef::new("V", Su, &["X", "D", "C"]),
    MetricDef::new("RE", Su, &["X", "L", "M", "H"]),
    MetricDef::new("U", Su, &["X", "Clear", "Green", "Amber", "Red"]),
];

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
/// `AV` 0 → `MAV` 15, …, `SA` 10 → `MSA` 25.
const MODIFIED: usize = 15;
const MSI: usize = SI + MODIFIED;
const MSA: usize = SA + MODIFIED;

/// The effective value of a metric (step 1 of the module docs).
fn m(v: &Vector, metric: usize) -> &'static str {
    match metric {
        E => v.value_at(E).unwrap_or("A"),
        CR | IR | AR => v.value_at(metric).unwrap_or("H"),
        _ => v
            .value_at(metric + MODIFIED)
            .unwrap_or_else(|| v.letter(metric)),
    }
}

/// Severity level of a value, 0.0 = worst (the reference's `*_levels` tables).
fn level(metric: usize, value: &str) -> f64 {
    match (metric, value) {
        (AV, "A") | (PR, "L") | (UI, "P") | (AC, "H") | (AT, "P") => 0.1,
        (AV, "L") | (PR, "H") | (UI, "A") => 0.2,
        (AV, "P") => 0.3,
        (VC | VI | VA, "L") | (CR | IR | AR, "M") => 0.1,
        (VC | VI | VA, "N") | (CR | IR | AR, "L") => 0.2,
        (SC | SI | SA, "H") => 0.1,
        (SC | SI | SA, "L") => 0.2,
        (SC | SI | SA, "N") => 0.3,
        // N/L/H "worst" values and SI/SA:S.
        _ => 0.0,
    }
}

/// The "highest severity vectors" of each EQ level (reference `maxComposed`), as values of
/// the EQ's metrics in the order given in the comment.
/// EQ1: `AV PR UI`.
static EQ1_MAX: [&[[&str; 3]]; 3] = [
    &[["N", "N", "N"]],
    &[["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]],
    &[["P", "N", "N"], ["A", "L", "P"]],
];
/// EQ2: `AC AT`.
static EQ2_MAX: [&[[&str; 2]]; 2] = [&[["L", "N"]], &[["H", "N"], ["L", "P"]]];
/// EQ3+EQ6, indexed `[eq3][eq6]`: `VC VI VA CR IR AR`.
static EQ36_MAX: [[&[[&str; 6]]; 2]; 3] = [
    [
        &[["H", "H", "H", "H", "H", "H"]],
        &[
            ["H", "H", "L", "M", "M", "H"],
            ["H", "H", "H", "M", "M", "M"],
        ],
    ],
    [
        &[
            ["L", "H", "H", "H", "H", "H"],
            ["H", "L", "H", "H", "H", "H"],
        ],
        &[
            ["L", "H", "L", "H", "M", "H"],
            ["L", "H", "H", "H", "M", "M"],
            ["H", "L", "H", "M", "H", "M"],
            ["H", "L", "L", "M", "H", "H"],
            ["L", "L", "H", "H", "H", "M"],
        ],
    ],
    [&[], &[["L", "L", "L", "H", "H", "H"]]],
];
/// EQ4: `SC SI SA`.
static EQ4_MAX: [&[[&str; 3]]; 3] = [&[["H", "S", "S"]], &[["H", "H", "H"]], &[["L", "L", "L"]]];
/// Depth of each EQ level in 0.1 steps (reference `maxSeverity`); EQ3+EQ6 by `[eq3][eq6]`.
const EQ1_DEPTH: [u8; 3] = [1, 4, 5];
const EQ2_DEPTH: [u8; 2] = [1, 2];
const EQ36_DEPTH: [[u8; 2]; 3] = [[7, 6], [8, 8], [0, 10]];
const EQ4_DEPTH: [u8; 3] = [6, 5, 4];

/// The six EQ levels of a vector.
fn macro_vector(v: &Vector) -> [usize; 6] {
    let is = |metric, value| m(v, metric) == value;
    let eq1 = if is(AV, "N") && is(PR, "N") && is(UI, "N") {
        0
    } else if (is(AV, "N") || is(PR, "N") || is(UI, "N")) && !is(AV, "P") {
        1
    } else {
        2
    };
    let eq2 = usize::from(!(is(AC, "L") && is(AT, "N")));
    let eq3 = if is(VC, "H") && is(VI, "H") {
        0
    } else if is(VC, "H") || is(VI, "H") || is(VA, "H") {
        1
    } else {
        2
    };
    let eq4 = if v.value_at(MSI) == Some("S") || v.value_at(MSA) == Some("S") {
        0
    } else if is(SC, "H") || is(SI, "H") || is(SA, "H") {
        1
    } else {
        2
    };
    let eq5 = match m(v, E) {
        "P" => 1,
        "U" => 2,
        _ => 0,
    };
    let eq6 = usize::from(
        !((is(CR, "H") && is(VC, "H"))
            || (is(IR, "H") && is(VI, "H"))
            || (is(AR, "H") && is(VA, "H"))),
    );
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// Table score of a MacroVector; `None` when out of range or impossible.
fn lookup(eq: [usize; 6]) -> Option<f64> {
    let [e1, e2, e3, e4, e5, e6] = eq;
    if e1 > 2 || e2 > 1 || e3 > 2 || e4 > 2 || e5 > 2 || e6 > 1 {
        return None;
    }
    MACRO_SCORES
        .get(((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 + e6)
        .copied()
        .flatten()
}

fn bump(eq: [usize; 6], index: usize) -> [usize; 6] {
    let mut out = eq;
    if let Some(x) = out.get_mut(index) {
        *x += 1;
    }
    out
}

/// Half-up rounding to one decimal after adding 1e-6, as the reference calculator does.
fn final_round(x: f64) -> f64 {
    ((x + 1e-6) * 10.0).round() / 10.0
}

/// The score of the whole vector (steps 1–6 of the module docs).
pub(crate) fn score(v: &Vector) -> f64 {
    if [VC, VI, VA, SC, SI, SA].iter().all(|&i| m(v, i) == "N") {
        return 0.0;
    }
    let eq = macro_vector(v);
    let [e1, e2, e3, e4, _e5, e6] = eq;
    let Some(value) = lookup(eq) else {
        // Unreachable for a valid vector (every reachable MacroVector is in the table).
        return 0.0;
    };

    let lower_eq1 = lookup(bump(eq, 0));
    let lower_eq2 = lookup(bump(eq, 1));
    let lower_eq36 = match (e3, e6) {
        (0, 0) => match (lookup(bump(eq, 5)), lookup(bump(eq, 2))) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        },
        (1, 0) => lookup(bump(eq, 5)),
        (2, _) => lookup(bump(bump(eq, 2), 5)),
        _ => lookup(bump(eq, 2)),
    };
    let lower_eq4 = lookup(bump(eq, 3));
    let lower_eq5 = lookup(bump(eq, 4));

    // Distances from the first highest-severity vector the vector does not exceed.
    let d = |metric: usize, max: &str| level(metric, m(v, metric)) - level(metric, max);
    let mut dist = [0.0f64; 14];
    let eq1_max = EQ1_MAX.get(e1).copied().unwrap_or(&[]);
    let eq2_max = EQ2_MAX.get(e2).copied().unwrap_or(&[]);
    let eq36_max = EQ36_MAX
        .get(e3)
        .and_then(|r| r.get(e6))
        .copied()
        .unwrap_or(&[]);
    let eq4_max = EQ4_MAX.get(e4).copied().unwrap_or(&[]);
    'search: for m1 in eq1_max {
        for m2 in eq2_max {
            for m36 in eq36_max {
                for m4 in eq4_max {
                    let [av, pr, ui] = *m1;
                    let [ac, at] = *m2;
                    let [vc, vi, va, cr, ir, ar] = *m36;
                    let [sc, si, sa] = *m4;
                    dist = [
                        d(AV, av),
                        d(PR, pr),
                        d(UI, ui),
                        d(AC, ac),
                        d(AT, at),
                        d(VC, vc),
                        d(VI, vi),
                        d(VA, va),
                        d(SC, sc),
                        d(SI, si),
                        d(SA, sa),
                        d(CR, cr),
                        d(IR, ir),
                        d(AR, ar),
                    ];
                    if dist.iter().all(|x| *x >= 0.0) {
                        break 'search;
                    }
                }
            }
        }
    }
    let [
        d_av,
        d_pr,
        d_ui,
        d_ac,
        d_at,
        d_vc,
        d_vi,
        d_va,
        d_sc,
        d_si,
        d_sa,
        d_cr,
        d_ir,
        d_ar,
    ] = dist;
    let current_eq1 = d_av + d_pr + d_ui;
    let current_eq2 = d_ac + d_at;
    let current_eq36 = d_vc + d_vi + d_va + d_cr + d_ir + d_ar;
    let current_eq4 = d_sc + d_si + d_sa;

    let step = 0.1;
    let depth = |n: Option<&u8>| f64::from(n.copied().unwrap_or(1)) * step;
    let max_eq1 = depth(EQ1_DEPTH.get(e1));
    let max_eq2 = depth(EQ2_DEPTH.get(e2));
    let max_eq36 = depth(EQ36_DEPTH.get(e3).and_then(|r| r.get(e6)));
    let max_eq4 = depth(EQ4_DEPTH.get(e4));

    let mut n_lower = 0u8;
    let mut part = |lower: Option<f64>, current: f64, max: f64| -> f64 {
        match lower {
            Some(lower) if value - lower >= 0.0 => {
                n_lower += 1;
                (value - lower) * (current / max)
            }
            _ => 0.0,
        }
    };
    let n1 = part(lower_eq1, current_eq1, max_eq1);
    let n2 = part(lower_eq2, current_eq2, max_eq2);
    let n36 = part(lower_eq36, current_eq36, max_eq36);
    let n4 = part(lower_eq4, current_eq4, max_eq4);
    // EQ5 counts towards the mean but its proportion is always 0.
    let n5 = part(lower_eq5, 0.0, 1.0);
    let mean = if n_lower == 0 {
        0.0
    } else {
        (n1 + n2 + n36 + n4 + n5) / f64::from(n_lower)
    };
    final_round((value - mean).clamp(0.0, 10.0))
}

pub(crate) fn scores(v: &Vector) -> Scores {
    Scores {
        base: score(&v.base_only()),
        temporal: None,
        environmental: None,
        overall: score(v),
    }
}
