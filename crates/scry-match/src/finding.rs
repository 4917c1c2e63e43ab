//! The findings model: what `--format json` writes (schema `docs/schema/findings-v1.schema.json`),
//! shaped like Amazon Inspector findings.

use serde::{Deserialize, Serialize};

use scry_core::{Severity, TargetKind};
use scry_cvss::risk::ScoreDetails;

/// The version of the JSON document's shape. Bumped on any incompatible change.
pub const SCHEMA_VERSION: &str = "scry.findings/v1";

/// The kind of a finding. Only package vulnerabilities today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingType {
    /// A vulnerable (or malicious) package.
    PackageVulnerability,
}

/// Whether a finding still needs attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingStatus {
    /// Open.
    Active,
    /// Kept for the record but silenced by an ignore entry or a VEX statement.
    Suppressed,
    /// No longer observed (set by a store re-matching an inventory; never by the matcher).
    Closed,
}

/// Whether updating to a published version removes the vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FixAvailable {
    /// Every vulnerable package has a fixed version.
    Yes,
    /// None has.
    No,
    /// Some have.
    Partial,
}

/// `YES`/`NO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum YesNo {
    Yes,
    No,
}

/// EPSS of the finding's CVE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    /// Probability of exploitation in the next 30 days (0..1).
    pub score: f64,
    /// Percentile among scored CVEs (0..1).
    pub percentile: f64,
}

/// One CVSS vector known for the vulnerability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cvss {
    /// The vector's score (environmental/temporal when defined, else base).
    pub base_score: f64,
    /// The canonical vector.
    pub scoring_vector: String,
    /// `2.0`, `3.0`, `3.1`, `4.0`.
    pub version: String,
    /// Who published it: the advisory id it was read from.
    pub source: String,
}

/// A package of the resource that has the vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnerablePackage {
    pub name: String,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The source package (distro packages), as matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// The version that was compared with the advisory (the source version for dpkg).
    pub matched_version: String,
    /// The ecosystem matched in (`Debian:12`, `crates.io`).
    pub ecosystem: String,
    /// `DPKG`, `CARGO`, ...
    pub package_manager: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Where the package was found, relative to the target's root.
    pub file_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_layer_hash: Option<String>,
    /// The lowest version that leaves every matched advisory, or `NotAvailable`.
    pub fixed_in_version: String,
    /// Every fixed version the advisories name above the installed one, ascending.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_in_versions: Vec<String>,
    /// What to do, in words.
    pub remediation: String,
    /// The distribution's status when it publishes no fix (`will_not_fix`, `end_of_life`,
    /// `no_dsa`, `needed`, `needs_triage`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_status: Option<String>,
}

/// `packageVulnerabilityDetails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PackageVulnerabilityDetails {
    /// The CVE when the vulnerability has one, else the advisory id.
    pub vulnerability_id: String,
    /// The feed of the advisory the finding is primarily based on.
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Every other id of the vulnerability (GHSA, PYSEC, RUSTSEC, DSA, ...), sorted.
    pub related_vulnerabilities: Vec<String>,
    pub cvss: Vec<Cvss>,
    pub reference_urls: Vec<String>,
    /// The distribution's or advisory's own severity word, when it gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_severity: Option<String>,
    pub vulnerable_packages: Vec<VulnerablePackage>,
}

/// The resource a finding is about (the scanned target).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    /// `CONTAINER_IMAGE`, `ROOTFS`, `FILESYSTEM`, `FUNCTION`, `SBOM`, `LOCKFILE`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The image digest when there is one, else the target's name.
    pub id: String,
    pub details: ResourceDetails,
}

/// Details of a [`Resource`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDetails {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// The OS ecosystem (`Debian:12`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

impl Resource {
    /// The resource of a target.
    #[must_use]
    pub fn of(target: &scry_core::Target, platform: Option<String>) -> Self {
        let kind = match target.kind {
            TargetKind::Image => "CONTAINER_IMAGE",
            TargetKind::Rootfs => "ROOTFS",
            TargetKind::Fs => "FILESYSTEM",
            TargetKind::Function => "FUNCTION",
            TargetKind::Sbom => "SBOM",
            TargetKind::Lockfile => "LOCKFILE",
        };
        Self {
            kind: kind.to_owned(),
            id: target.digest.clone().unwrap_or_else(|| target.name.clone()),
            details: ResourceDetails {
                name: target.name.clone(),
                digest: target.digest.clone(),
                platform,
            },
        }
    }
}

/// An advisory record that produced the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRecord {
    /// The feed (`debian-security-tracker`, `rustsec`, `ghsa`, `osv`, ...).
    pub source: String,
    /// The record's id.
    pub id: String,
    /// Its `modified` timestamp as written.
    pub modified: String,
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Suppression {
    /// `ignore` (ignore file) or `vex`.
    pub kind: String,
    /// The status the statement gives (`not_affected`, `fixed`) or `ignored`.
    pub status: String,
    /// The entry's reason or the statement's justification/impact statement.
    pub reason: String,
    /// The file the entry came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One finding: one vulnerability in one resource, with every vulnerable package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable id: hex SHA-256 (first 32 digits) of the resource id and vulnerability id.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FindingType,
    /// `CVE-2023-1234 - openssl`.
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub status: FindingStatus,
    /// RFC 3339.
    pub first_observed_at: String,
    /// RFC 3339.
    pub last_observed_at: String,
    /// The scry score (the adjusted CVSS score), when a vector exists.
    pub score: Option<f64>,
    pub score_details: ScoreDetailsJson,
    pub fix_available: FixAvailable,
    pub exploit_available: YesNo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epss: Option<Epss>,
    pub package_vulnerability_details: PackageVulnerabilityDetails,
    pub resources: Vec<Resource>,
    pub sources: Vec<SourceRecord>,
    /// Set when `status` is `SUPPRESSED`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// The record is a malicious-package report (`MAL-*`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub malicious: bool,
}

/// [`ScoreDetails`] as stored in a finding (it is only `Serialize` upstream, so the
/// finding keeps its JSON form, which also reads back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ScoreDetailsJson(pub serde_json::Value);

impl ScoreDetailsJson {
    /// From the risk model's output.
    #[must_use]
    pub fn from_details(d: &ScoreDetails) -> Self {
        Self(serde_json::to_value(d).unwrap_or(serde_json::Value::Null))
    }

    /// The priority sort key (ascending = most urgent), when present.
    #[must_use]
    pub fn priority_key(&self) -> u64 {
        self.0
            .get("priority")
            .and_then(|p| p.get("key"))
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(u64::MAX)
    }
}

impl Finding {
    /// Whether the finding is active (not suppressed or closed).
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.status == FindingStatus::Active
    }

    /// The vulnerability id and every related id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        let d = &self.package_vulnerability_details;
        std::iter::once(d.vulnerability_id.as_str())
            .chain(d.related_vulnerabilities.iter().map(String::as_str))
    }
}
