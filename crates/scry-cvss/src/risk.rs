//! The scry risk score: pick a finding's best CVSS vector, adjust it with environmental
//! evidence, and fold exploit signals into a priority key. Pure: evidence and signals come in
//! as values. The rules, with worked examples, are in `docs/scoring.md`.
//!
//! Rules in short:
//! 1. **Pick** ([`pick`]): v2 vectors only when nothing newer exists; otherwise by source
//!    (distro packages: `vendor`, `nvd`, `advisory`, other; other packages: `advisory`, `nvd`,
//!    `vendor`, other), then version (3.1, 3.0, 4.0). A v4.0 vector is kept and shown next to
//!    the scored one ([`ScoreDetails::cvss4`]).
//! 2. **Adjust** with environmental metrics, never on unknown evidence:
//!    - exposure `PrivateOnly` lowers an `N` attack vector to `MAV:A`; `None` (no network path
//!      at all) lowers `N`/`A` to `MAV:L`. `Unknown` and `Internet` change nothing.
//!    - `security_requirements` set `CR`/`IR`/`AR` (the operator said so: may raise or lower).
//!    - v2 has no `MAV`: exposure is not applied to v2 vectors.
//!    - `package_in_use` has no CVSS metric; it only moves the priority tier.
//! 3. **Prioritise** ([`Priority`]): tier (KEV, likely exploited, standard, not loaded), then
//!    adjusted score, EPSS and fix availability, packed into one ascending sort key.

use scry_core::Severity;
use serde::Serialize;

use crate::rating::Rating;
use crate::vector::{AttackVector, Environment, Requirement, Vector, Version};

/// Where a vector came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The distribution vendor (Debian, Ubuntu, Red Hat, …).
    Vendor,
    /// NVD.
    Nvd,
    /// The ecosystem advisory (GHSA, OSV database, …).
    Advisory,
    /// Anything else, named.
    Other(String),
}

impl Source {
    fn rank(&self, distro_package: bool) -> u8 {
        match (self, distro_package) {
            (Self::Vendor, true) | (Self::Advisory, false) => 0,
            (Self::Nvd, _) => 1,
            (Self::Advisory, true) | (Self::Vendor, false) => 2,
            (Self::Other(_), _) => 3,
        }
    }
}

/// A vector with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedVector {
    /// Who published it.
    pub source: Source,
    /// The vector.
    pub vector: Vector,
}

/// Is the vulnerable service reachable, and from where?
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum NetworkExposure {
    /// No evidence: nothing changes.
    #[default]
    Unknown,
    /// Reachable from the internet: nothing changes.
    Internet,
    /// Only reachable from private networks (`MAV:N` → `MAV:A`).
    PrivateOnly {
        /// Evidence, e.g. "security group sg-1 allows 10.0.0.0/8 only".
        reason: String,
    },
    /// No network path at all (`MAV:N`/`MAV:A` → `MAV:L`).
    None {
        /// Evidence, e.g. "no listening socket".
        reason: String,
    },
}

/// Is the vulnerable package's code loaded by a running process?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PackageUse {
    /// No evidence.
    #[default]
    Unknown,
    /// Loaded by a running process.
    Loaded,
    /// Installed but not loaded.
    NotLoaded,
}

/// `CR`/`IR`/`AR` the operator assigned to the asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityRequirements {
    /// Confidentiality requirement.
    pub cr: Requirement,
    /// Integrity requirement.
    pub ir: Requirement,
    /// Availability requirement.
    pub ar: Requirement,
}

/// Environmental evidence about the finding's asset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evidence {
    /// Network reachability.
    pub network_exposure: NetworkExposure,
    /// Whether the package is in use.
    pub package_in_use: PackageUse,
    /// Asset security requirements, if configured.
    pub security_requirements: Option<SecurityRequirements>,
}

/// Exploit signals for the vulnerability.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExploitSignals {
    /// Listed in CISA KEV.
    pub kev: bool,
    /// KEV due date (`YYYY-MM-DD`).
    pub kev_due_date: Option<String>,
    /// EPSS probability (0..=1).
    pub epss: Option<f64>,
    /// EPSS percentile (0..=1).
    pub epss_percentile: Option<f64>,
    /// A fixed version exists.
    pub fix_available: bool,
}

/// Everything the model needs about one finding.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoreInput {
    /// All vectors known for the vulnerability.
    pub vectors: Vec<SourcedVector>,
    /// The package comes from a distribution (dpkg, rpm, apk).
    pub distro_package: bool,
    /// The vendor's own severity label, used when no vector exists.
    pub vendor_severity: Option<Severity>,
    /// Environmental evidence.
    pub evidence: Evidence,
    /// Exploit signals.
    pub exploit: ExploitSignals,
}

/// One environmental change the model made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Adjustment {
    /// Metric key (`MAV`, `CR`, …).
    pub metric: String,
    /// Effective value before (`AV` for `MAV`; `X` when not defined).
    pub from: String,
    /// New value.
    pub to: String,
    /// Why.
    pub reason: String,
}

/// Exploit signals as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExploitDetails {
    /// In CISA KEV.
    pub kev: bool,
    /// KEV due date.
    pub kev_due_date: Option<String>,
    /// EPSS probability.
    pub epss: Option<f64>,
    /// EPSS percentile.
    pub epss_percentile: Option<f64>,
}

/// The v4.0 vector kept for display.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cvss4Details {
    /// Canonical vector.
    pub vector: String,
    /// Its source.
    pub source: Source,
    /// Its score.
    pub score: f64,
}

/// Priority tiers, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// Listed in CISA KEV.
    Kev = 0,
    /// EPSS ≥ 0.1 or EPSS percentile ≥ 0.95.
    ExploitLikely = 1,
    /// Everything else.
    Standard = 2,
    /// Package not loaded (and not in KEV).
    NotLoaded = 3,
}

/// The priority of a finding. Sort by `key` ascending: most urgent first.
///
/// `key` packs, in decimal digits `T SSS EEEEEE F`:
/// - `T` the [`Tier`] (0–3);
/// - `SSS` 100 − adjusted score × 10 (higher score first; unscored findings use their
///   severity's lower bound, `UNTRIAGED` counts as 4.0 so it is not buried);
/// - `EEEEEE` 100000 − EPSS × 100000 (likelier first; no EPSS counts as 0);
/// - `F` 0 when a fix is available (actionable first), else 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Priority {
    /// The tier.
    pub tier: Tier,
    /// The sort key.
    pub key: u64,
}

/// The model's output for a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreDetails {
    /// The vector the score starts from.
    pub base_vector: Option<String>,
    /// Its source.
    pub base_source: Option<Source>,
    /// The vector after environmental adjustments.
    pub adjusted_vector: Option<String>,
    /// Score of `base_vector` as published (its overall score).
    pub base_score: Option<f64>,
    /// Score of `adjusted_vector`.
    pub adjusted_score: Option<f64>,
    /// Severity of the adjusted score, else the vendor's, else `UNTRIAGED`.
    pub severity: Severity,
    /// What changed and why.
    pub adjustments: Vec<Adjustment>,
    /// A v4.0 vector when one exists (shown; the score comes from v3 when available).
    pub cvss4: Option<Cvss4Details>,
    /// Exploit signals.
    pub exploit: ExploitDetails,
    /// Priority.
    pub priority: Priority,
}

fn version_rank(v: Version) -> u8 {
    match v {
        Version::V3_1 => 0,
        Version::V3_0 => 1,
        Version::V4_0 => 2,
        Version::V2_0 => 3,
    }
}

/// The vector to score (rule 1), if any.
#[must_use]
pub fn pick(vectors: &[SourcedVector], distro_package: bool) -> Option<&SourcedVector> {
    vectors.iter().min_by_key(|sv| {
        let version = sv.vector.version();
        (
            version == Version::V2_0,
            sv.source.rank(distro_package),
            version_rank(version),
        )
    })
}

/// Applies rule 2 to `vector`; returns the adjusted vector and the changes.
#[must_use]
pub fn adjust(vector: &Vector, evidence: &Evidence) -> (Vector, Vec<Adjustment>) {
    let mut out = *vector;
    let mut adjustments = Vec::new();
    let target = match &evidence.network_exposure {
        NetworkExposure::PrivateOnly { reason } => Some((AttackVector::Adjacent, reason)),
        NetworkExposure::None { reason } => Some((AttackVector::Local, reason)),
        NetworkExposure::Unknown | NetworkExposure::Internet => None,
    };
    if let (Some((target, reason)), Some(current)) = (target, vector.effective_attack_vector()) {
        // Only ever lower: Local/Physical stay as they are.
        if current < target {
            let env = Environment {
                attack_vector: Some(target),
                ..Environment::default()
            };
            if let Ok(v) = out.with_environment(&env) {
                out = v;
                adjustments.push(Adjustment {
                    metric: "MAV".to_owned(),
                    from: current.letter().to_owned(),
                    to: target.letter().to_owned(),
                    reason: reason.clone(),
                });
            }
        }
    }
    if let Some(req) = evidence.security_requirements {
        for (key, value) in [("CR", req.cr), ("IR", req.ir), ("AR", req.ar)] {
            let from = out.get(key).unwrap_or("X");
            if from != value.letter() && out.set(key, value.letter()).is_ok() {
                adjustments.push(Adjustment {
                    metric: key.to_owned(),
                    from: from.to_owned(),
                    to: value.letter().to_owned(),
                    reason: "asset security requirement".to_owned(),
                });
            }
        }
    }
    (out, adjustments)
}

fn priority(score: f64, input: &ScoreInput) -> Priority {
    let signals = &input.exploit;
    let epss = signals.epss.unwrap_or(0.0).clamp(0.0, 1.0);
    let tier = if signals.kev {
        Tier::Kev
    } else if input.evidence.package_in_use == PackageUse::NotLoaded {
        Tier::NotLoaded
    } else if epss >= 0.1 || signals.epss_percentile.unwrap_or(0.0) >= 0.95 {
        Tier::ExploitLikely
    } else {
        Tier::Standard
    };
    // Both values are clamped to small non-negative ranges, so the casts are exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let score10 = (score.clamp(0.0, 10.0) * 10.0).round() as u64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let epss5 = (epss * 100_000.0).round() as u64;
    let key = (tier as u64) * 10_000_000_000
        + (100 - score10) * 10_000_000
        + (100_000 - epss5) * 10
        + u64::from(!signals.fix_available);
    Priority { tier, key }
}

fn severity_floor(s: Severity) -> f64 {
    match s {
        Severity::Critical => 9.0,
        Severity::High => 7.0,
        Severity::Medium | Severity::Untriaged => 4.0,
        Severity::Low => 0.1,
        Severity::Informational => 0.0,
    }
}

/// Runs the whole model (rules 1–3) for one finding.
#[must_use]
pub fn score(input: &ScoreInput) -> ScoreDetails {
    let exploit = ExploitDetails {
        kev: input.exploit.kev,
        kev_due_date: input.exploit.kev_due_date.clone(),
        epss: input.exploit.epss,
        epss_percentile: input.exploit.epss_percentile,
    };
    let cvss4 = input
        .vectors
        .iter()
        .filter(|sv| sv.vector.version() == Version::V4_0)
        .min_by_key(|sv| sv.source.rank(input.distro_package))
        .map(|sv| Cvss4Details {
            vector: sv.vector.to_string(),
            source: sv.source.clone(),
            score: sv.vector.scores().overall,
        });
    let Some(chosen) = pick(&input.vectors, input.distro_package) else {
        let severity = input.vendor_severity.unwrap_or(Severity::Untriaged);
        return ScoreDetails {
            base_vector: None,
            base_source: None,
            adjusted_vector: None,
            base_score: None,
            adjusted_score: None,
            severity,
            adjustments: Vec::new(),
            cvss4,
            exploit,
            priority: priority(severity_floor(severity), input),
        };
    };
    let (adjusted, adjustments) = adjust(&chosen.vector, &input.evidence);
    let base_score = chosen.vector.scores().overall;
    let adjusted_score = adjusted.scores().overall;
    ScoreDetails {
        base_vector: Some(chosen.vector.to_string()),
        base_source: Some(chosen.source.clone()),
        adjusted_vector: Some(adjusted.to_string()),
        base_score: Some(base_score),
        adjusted_score: Some(adjusted_score),
        severity: Rating::for_score(adjusted.version(), adjusted_score).to_severity(),
        adjustments,
        cvss4,
        exploit,
        priority: priority(adjusted_score, input),
    }
}
