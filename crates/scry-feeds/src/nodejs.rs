//! nodejs/security-wg ecosystem advisories (`vuln/npm/<n>.json`) → OSV, ecosystem `npm`.
//!
//! **Id**: `NSWG-ECO-<id>`, the working group's own spelling (its reports and the GitHub
//! advisories that cite them use it); unique since `<id>` is the file's number.
//!
//! **Affected versions**: `vulnerable_versions` (a node-semver range) is the affected set,
//! written as `SEMVER` ranges. `patched_versions` is only a cross-check: a version both
//! vulnerable and patched is named in `database_specific.scry_patched_overlap` (the
//! record still follows `vulnerable_versions`; `<0.0.0`, the WG's "no fix", is no
//! overlap).
//!
//! **Severity**: `cvss_vector` (CVSS 3.0) as `CVSS_V3`.
//!
//! `vuln/core/*` (advisories about the Node.js runtime itself) are skipped: the runtime
//! is not an npm package. `index.json` (a map of every advisory) is no advisory.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use scry_core::VersionScheme;
use scry_osv::{Affected, Package, RangeType, Record, Reference, SeverityEntry};

use crate::requirements::{self, Syntax};
use crate::rubysec::day_to_rfc3339;
use crate::{Conversion, FeedError};

/// Largest advisory file read.
const MAX_FILE_BYTES: usize = 1 << 20;

#[derive(Debug, Deserialize)]
struct Advisory {
    id: Option<Value>,
    created_at: Option<String>,
    updated_at: Option<String>,
    publish_date: Option<String>,
    title: Option<String>,
    module_name: Option<String>,
    #[serde(default)]
    cves: Option<Vec<String>>,
    vulnerable_versions: Option<String>,
    patched_versions: Option<String>,
    overview: Option<String>,
    recommendation: Option<String>,
    #[serde(default)]
    references: Option<Vec<String>>,
    cvss_vector: Option<String>,
    cvss_score: Option<Value>,
}

/// Whether `path` is a Node.js security WG advisory (`vuln/{npm,core}/<n>.json`, not
/// `index.json`).
pub(crate) fn detect(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    n >= 3
        && parts[n - 3] == "vuln"
        && matches!(parts[n - 2], "npm" | "core")
        && parts[n - 1].ends_with(".json")
        && parts[n - 1] != "index.json"
}

/// Converts one Node.js security WG advisory file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    let name = parts[n - 1];
    let stem = name.strip_suffix(".json").unwrap_or(name);
    if n >= 2 && parts[n - 2] == "core" {
        out.skipped.push(FeedError {
            path: path.to_owned(),
            entry: stem.to_owned(),
            reason: "Node.js runtime advisories (`vuln/core`) are not about an npm package"
                .to_owned(),
        });
        return out;
    }
    match convert_one(stem, bytes) {
        Ok(record) => out.records.push(record),
        Err(reason) => out.skipped.push(FeedError {
            path: path.to_owned(),
            entry: stem.to_owned(),
            reason,
        }),
    }
    out
}

fn text(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// `pkg:npm/…`, with the scope's `@` percent-encoded.
fn purl(name: &str) -> String {
    match name.strip_prefix('@') {
        Some(scoped) => format!("pkg:npm/%40{scoped}"),
        None => format!("pkg:npm/{name}"),
    }
}

fn convert_one(stem: &str, bytes: &[u8]) -> Result<Record, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!("file larger than {MAX_FILE_BYTES} bytes"));
    }
    let adv: Advisory = serde_json::from_slice(bytes).map_err(|e| format!("JSON: {e}"))?;
    let id = match &adv.id {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => return Err("missing `id`".to_owned()),
    };
    if id != stem {
        return Err(format!("id {id:?} differs from the file name"));
    }
    let module = text(adv.module_name.as_ref()).ok_or("missing `module_name`")?;
    let vulnerable =
        text(adv.vulnerable_versions.as_ref()).ok_or("missing `vulnerable_versions`")?;
    let set = requirements::parse(Syntax::Npm, VersionScheme::SemVer, vulnerable)
        .map_err(|e| format!("vulnerable_versions: {e}"))?;
    let made = set.to_ranges(&RangeType::SemVer, VersionScheme::SemVer);

    let mut db = Map::new();
    db.insert("scry_source".to_owned(), json!("nodejs-security-wg"));
    if let Some(patched) = text(adv.patched_versions.as_ref()) {
        match requirements::parse(Syntax::Npm, VersionScheme::SemVer, patched) {
            Ok(p) => {
                // The WG writes "no fix" as `<0.0.0` or `<=0.0.0`: only versions from
                // 0.0.1 on count as an overlap.
                let real = requirements::parse(Syntax::Npm, VersionScheme::SemVer, ">=0.0.1")
                    .map_err(|e| e.to_string())?;
                if !p.intersect(&set).intersect(&real).is_empty() {
                    db.insert("scry_patched_overlap".to_owned(), json!(patched));
                }
            }
            Err(e) => {
                db.insert("scry_patched_unreadable".to_owned(), json!(e.to_string()));
            }
        }
    }
    if let Some(score) = &adv.cvss_score {
        db.insert("cvss_score".to_owned(), score.clone());
    }

    let dates = |s: Option<&String>| text(s).and_then(day_to_rfc3339);
    let published = dates(adv.publish_date.as_ref()).or_else(|| dates(adv.created_at.as_ref()));
    let modified = dates(adv.updated_at.as_ref())
        .or_else(|| published.clone())
        .ok_or("no valid `updated_at`, `publish_date` or `created_at`")?;

    let severity = text(adv.cvss_vector.as_ref())
        .filter(|v| v.starts_with("CVSS:3."))
        .map(|v| {
            vec![SeverityEntry {
                kind: "CVSS_V3".to_owned(),
                score: v.to_owned(),
            }]
        })
        .unwrap_or_default();

    let details = match (
        text(adv.overview.as_ref()),
        text(adv.recommendation.as_ref()),
    ) {
        (Some(o), Some(r)) => Some(format!("{o}\n\n## Recommendation\n\n{r}")),
        (Some(o), None) => Some(o.to_owned()),
        (None, Some(r)) => Some(format!("## Recommendation\n\n{r}")),
        (None, None) => None,
    };
    let mut references: Vec<Reference> = Vec::new();
    for url in adv.references.iter().flatten() {
        let url = url.trim();
        if url.starts_with("http") && !references.iter().any(|r| r.url == url) {
            references.push(Reference {
                kind: crate::rustsec::reference_kind(url).to_owned(),
                url: url.to_owned(),
            });
        }
    }

    Ok(Record {
        schema_version: None,
        id: format!("NSWG-ECO-{id}"),
        modified,
        published,
        withdrawn: None,
        aliases: adv
            .cves
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| c.starts_with("CVE-"))
            .collect(),
        related: Vec::new(),
        upstream: Vec::new(),
        summary: text(adv.title.as_ref()).map(str::to_owned),
        details,
        severity,
        affected: vec![Affected {
            package: Some(Package {
                ecosystem: "npm".to_owned(),
                name: module.to_owned(),
                purl: Some(purl(module)),
                extra: Map::new(),
            }),
            severity: Vec::new(),
            ranges: made.ranges,
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: Some(json!({ "vulnerable_versions": vulnerable })),
            extra: Map::new(),
        }],
        references,
        credits: Vec::new(),
        database_specific: Some(Value::Object(db)),
        extra: Map::new(),
    })
}
