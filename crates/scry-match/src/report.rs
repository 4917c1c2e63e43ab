//! The report: findings of one target with the database's age and a summary; what every
//! renderer reads.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use scry_core::{Inventory, Severity, Target};
use scry_vulndb::Database;

use crate::finding::{Finding, FindingStatus, FixAvailable, SCHEMA_VERSION, YesNo};
use crate::matcher::{MatchError, MatchOptions, MatchWarning, match_inventory_detailed};

/// RFC 3339 in UTC with seconds (`2026-11-29T17:00:00Z`).
#[must_use]
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The database a report was matched against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseInfo {
    /// When it was built (RFC 3339).
    pub built_at: String,
    /// Seconds between the build and `generatedAt` (0 when unknown or in the future).
    pub age_seconds: u64,
}

/// The operating system of the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OsInfo {
    /// `os-release` `ID`.
    pub family: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The OSV ecosystem its packages are matched in (`Debian:12`), when scry has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
}

/// Counts over the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Findings in the document (any status).
    pub total: usize,
    /// Active findings per severity (every label present, zero included).
    pub active_by_severity: BTreeMap<String, usize>,
    pub active: usize,
    pub suppressed: usize,
    /// Active findings with a fix for every package.
    pub fixable: usize,
    /// Active findings listed in CISA KEV.
    pub exploited: usize,
    /// Findings removed by the policy's severity filter or `--ignore-unfixed`.
    pub filtered_out: usize,
    /// Packages in the inventory.
    pub packages: usize,
    /// Packages not matched because their version does not parse.
    pub unparsable_versions: usize,
    /// (package, advisory) pairs not evaluated because an event does not parse.
    pub unparsable_events: usize,
}

/// A scan's result: the JSON document (`--format json`) and what the other renderers read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// RFC 3339.
    pub generated_at: String,
    pub database: DatabaseInfo,
    pub target: Target,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<OsInfo>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Matching problems (unparsable versions and events) and policy notes (expired
    /// ignore entries), each naming what it is about.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Ignore entries past their `expires` date (no longer applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_ignores: Vec<crate::policy::IgnoreEntry>,
}

/// How findings are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// The scry priority (tier, adjusted score, EPSS, fix): `scoreDetails.priority.key`.
    #[default]
    Score,
    /// Severity, then priority.
    Severity,
    /// EPSS probability, then priority.
    Epss,
    /// KEV first, then priority.
    Kev,
}

impl FromStr for SortBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "score" | "priority" => Ok(Self::Score),
            "severity" => Ok(Self::Severity),
            "epss" => Ok(Self::Epss),
            "kev" => Ok(Self::Kev),
            _ => Err(format!(
                "unknown sort key `{s}` (expected score, severity, epss or kev)"
            )),
        }
    }
}

/// Sorts findings, most urgent first; ties by vulnerability id then finding id, so the
/// order is deterministic.
pub fn sort_findings(findings: &mut [Finding], by: SortBy) {
    // The priority key sits in each finding's JSON score details: read it once per
    // finding rather than twice per comparison, sort positions, then move the findings.
    let keys: Vec<u64> = findings
        .iter()
        .map(|f| f.score_details.priority_key())
        .collect();
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&findings[i], &findings[j]);
        let primary = match by {
            SortBy::Score => std::cmp::Ordering::Equal,
            SortBy::Severity => b.severity.cmp(&a.severity),
            SortBy::Epss => {
                let ea = a.epss.map_or(-1.0, |e| e.score);
                let eb = b.epss.map_or(-1.0, |e| e.score);
                eb.total_cmp(&ea)
            }
            SortBy::Kev => {
                (b.exploit_available == YesNo::Yes).cmp(&(a.exploit_available == YesNo::Yes))
            }
        };
        primary.then(keys[i].cmp(&keys[j])).then_with(|| {
            a.package_vulnerability_details
                .vulnerability_id
                .cmp(&b.package_vulnerability_details.vulnerability_id)
                .then_with(|| a.id.cmp(&b.id))
        })
    });
    permute(findings, &order);
}

/// Rearranges `items` so that position `k` holds what was at `order[k]`.
fn permute<T>(items: &mut [T], order: &[usize]) {
    // `at[k]`: the original position of the item now at `k`; `pos[o]`: where the item
    // originally at `o` is now.
    let mut at: Vec<usize> = (0..items.len()).collect();
    let mut pos = at.clone();
    for (k, &want) in order.iter().enumerate() {
        let p = pos[want];
        items.swap(k, p);
        let displaced = at[k];
        at.swap(k, p);
        pos[displaced] = p;
        pos[want] = k;
    }
}

impl Report {
    /// Matches `inv` against `db` and builds the report (`generatedAt` = `opts.now`).
    ///
    /// # Errors
    /// When the database is damaged.
    pub fn scan(inv: &Inventory, db: &Database, opts: &MatchOptions) -> Result<Self, MatchError> {
        let out = match_inventory_detailed(inv, db, opts)?;
        let built_at = db.built_at()?;
        let age =
            time::OffsetDateTime::parse(&built_at, &time::format_description::well_known::Rfc3339)
                .ok()
                .map_or(0, |b| {
                    u64::try_from((opts.now - b).whole_seconds()).unwrap_or(0)
                });
        let mut report = Self {
            schema_version: SCHEMA_VERSION.to_owned(),
            generated_at: rfc3339(opts.now),
            database: DatabaseInfo {
                built_at,
                age_seconds: age,
            },
            target: inv.target.clone(),
            os: inv.os.as_ref().map(|o| OsInfo {
                family: o.id.clone(),
                version: o.version_id.clone(),
                ecosystem: o.ecosystem().map(|e| e.to_string()),
            }),
            findings: out.findings,
            summary: Summary {
                packages: inv.packages.len(),
                unparsable_versions: out.unparsable_versions,
                unparsable_events: out.unparsable_events,
                ..Summary::default()
            },
            warnings: out.warnings.iter().map(MatchWarning::to_string).collect(),
            expired_ignores: Vec::new(),
        };
        report.refresh_summary();
        Ok(report)
    }

    /// Recomputes the counts after findings changed (a policy, a sort).
    pub fn refresh_summary(&mut self) {
        let s = &mut self.summary;
        s.total = self.findings.len();
        s.active_by_severity = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
            Severity::Informational,
            Severity::Untriaged,
        ]
        .iter()
        .map(|sev| (sev.as_str().to_owned(), 0))
        .collect();
        s.active = 0;
        s.suppressed = 0;
        s.fixable = 0;
        s.exploited = 0;
        for f in &self.findings {
            match f.status {
                FindingStatus::Active => {
                    s.active += 1;
                    *s.active_by_severity
                        .entry(f.severity.as_str().to_owned())
                        .or_default() += 1;
                    if f.fix_available == FixAvailable::Yes {
                        s.fixable += 1;
                    }
                    if f.exploit_available == YesNo::Yes {
                        s.exploited += 1;
                    }
                }
                FindingStatus::Suppressed => s.suppressed += 1,
                FindingStatus::Closed => {}
            }
        }
    }

    /// Re-sorts the findings.
    pub fn sort(&mut self, by: SortBy) {
        sort_findings(&mut self.findings, by);
    }

    /// Whether an active finding is at or above `threshold`: the CLI exits 1 then
    /// (`--fail-on`). `UNTRIAGED` ranks below `INFORMATIONAL`, so only
    /// `--fail-on untriaged` fails on it.
    #[must_use]
    pub fn fails(&self, threshold: Severity) -> bool {
        self.findings
            .iter()
            .any(|f| f.is_active() && f.severity >= threshold)
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_moves_each_item_to_its_place() {
        let mut items = ['a', 'b', 'c', 'd', 'e'];
        permute(&mut items, &[3, 0, 4, 1, 2]);
        assert_eq!(items, ['d', 'a', 'e', 'b', 'c']);
        let mut items = ['a', 'b', 'c'];
        permute(&mut items, &[2, 1, 0]);
        assert_eq!(items, ['c', 'b', 'a']);
    }
}
