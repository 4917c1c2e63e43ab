//! CI policy over a [`Report`]: severity filter, `--ignore-unfixed`, ignore files, VEX,
//! and the `--fail-on` threshold.
//!
//! - The severity filter and `--ignore-unfixed` *remove* findings (counted in
//!   `summary.filteredOut`): the user asked not to see them.
//! - Ignore entries and VEX statements *suppress* findings: they stay in the JSON with
//!   `status: SUPPRESSED` and a `suppression` saying why, and are hidden from the table
//!   unless asked.
//! - An ignore entry past its `expires` date no longer applies and is listed in
//!   `expiredIgnores` plus a warning, so forgotten exceptions surface.
//! - `--fail-on SEVERITY` looks at active findings only ([`Report::fails`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use scry_core::Severity;

use crate::finding::{Finding, FindingStatus, FixAvailable, Suppression};
use crate::report::Report;

/// Why a policy input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The ignore file is neither valid YAML nor TOML of the expected shape.
    #[error("ignore file {path}: {reason}")]
    IgnoreFile { path: String, reason: String },
    /// The VEX document is not OpenVEX or CycloneDX VEX JSON.
    #[error("VEX document {path}: {reason}")]
    Vex { path: String, reason: String },
}

/// One ignore-file entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreEntry {
    /// A vulnerability id or any alias of it (`CVE-…`, `GHSA-…`, `DSA-…`).
    pub id: String,
    /// Only for this package name (binary or source name); every package when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Why it is ignored (shown with the suppressed finding).
    #[serde(default)]
    pub reason: String,
    /// `YYYY-MM-DD`: the entry applies up to and including that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The file it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

#[derive(Deserialize)]
struct IgnoreDoc {
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
}

/// Parses an ignore file. YAML or TOML, chosen by the file name (`.toml` → TOML,
/// anything else YAML):
///
/// ```yaml
/// ignore:
///   - id: CVE-2023-1234
///     package: openssl        # optional
///     reason: not reachable, tracked in JIRA-1
///     expires: 2026-12-31     # optional
/// ```
///
/// # Errors
/// When the text is not of that shape, or an `expires` is not a `YYYY-MM-DD` date.
pub fn parse_ignore_file(path: &str, text: &str) -> Result<Vec<IgnoreEntry>, PolicyError> {
    let err = |reason: String| PolicyError::IgnoreFile {
        path: path.to_owned(),
        reason,
    };
    let doc: IgnoreDoc = if path.ends_with(".toml") {
        // TOML dates are their own type: turn the table into JSON with dates as text.
        let table: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        serde_json::from_value(toml_to_json(toml::Value::Table(table)))
            .map_err(|e| err(e.to_string()))?
    } else {
        serde_saphyr::from_str(text).map_err(|e| err(e.to_string()))?
    };
    let mut out = doc.ignore;
    for e in &mut out {
        if let Some(x) = &e.expires
            && parse_date(x).is_none()
        {
            return Err(err(format!(
                "entry `{}`: expires `{x}` is not a YYYY-MM-DD date",
                e.id
            )));
        }
        e.file = Some(path.to_owned());
    }
    Ok(out)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn parse_date(s: &str) -> Option<time::Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &fmt).ok()
}

/// One VEX statement, from OpenVEX or CycloneDX VEX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability id and its aliases.
    pub ids: Vec<String>,
    /// Product or component references (purls, image names); empty: every package.
    pub products: Vec<String>,
    /// `not_affected`, `fixed`, `affected`, `under_investigation` (CycloneDX states mapped:
    /// `resolved` → `fixed`, `false_positive` → `not_affected`).
    pub status: String,
    /// Justification and impact statement / detail.
    pub justification: String,
    /// The file it came from.
    pub file: String,
}

/// Parses an OpenVEX or CycloneDX VEX JSON document.
///
/// # Errors
/// When the text is not JSON or is neither format.
pub fn parse_vex(path: &str, text: &str) -> Result<Vec<VexStatement>, PolicyError> {
    let err = |reason: String| PolicyError::Vex {
        path: path.to_owned(),
        reason,
    };
    let doc: Value = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
    let s = |v: &Value| v.as_str().map(str::to_owned);
    let mut out = Vec::new();
    if let Some(statements) = doc.get("statements").and_then(Value::as_array) {
        for st in statements {
            let mut ids = Vec::new();
            match st.get("vulnerability") {
                Some(Value::String(v)) => ids.push(v.clone()),
                Some(v) => {
                    ids.extend(v.get("name").and_then(s));
                    ids.extend(v.get("@id").and_then(s));
                    if let Some(a) = v.get("aliases").and_then(Value::as_array) {
                        ids.extend(a.iter().filter_map(s));
                    }
                }
                None => {}
            }
            let mut products = Vec::new();
            for p in st
                .get("products")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match p {
                    Value::String(x) => products.push(x.clone()),
                    _ => {
                        products.extend(p.get("@id").and_then(s));
                        if let Some(idf) = p.get("identifiers") {
                            products.extend(idf.get("purl").and_then(s));
                        }
                        for sc in p
                            .get("subcomponents")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                        {
                            products.extend(sc.get("@id").and_then(s));
                        }
                    }
                }
            }
            let justification = [
                st.get("justification").and_then(s),
                st.get("impact_statement").and_then(s),
                st.get("status_notes").and_then(s),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
            out.push(VexStatement {
                ids,
                products,
                status: st.get("status").and_then(s).unwrap_or_default(),
                justification,
                file: path.to_owned(),
            });
        }
        return Ok(out);
    }
    if doc.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        for v in doc
            .get("vulnerabilities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut ids: Vec<String> = v.get("id").and_then(s).into_iter().collect();
            for r in v
                .get("references")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                ids.extend(r.get("id").and_then(s));
            }
            let products = v
                .get("affects")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|a| a.get("ref").and_then(s))
                .collect();
            let analysis = v.get("analysis");
            let state = analysis
                .and_then(|a| a.get("state"))
                .and_then(s)
                .unwrap_or_default();
            let status = match state.as_str() {
                "resolved" | "resolved_with_pedigree" => "fixed",
                "not_affected" | "false_positive" => "not_affected",
                "exploitable" => "affected",
                "in_triage" => "under_investigation",
                other => other,
            }
            .to_owned();
            let justification = [
                analysis.and_then(|a| a.get("justification")).and_then(s),
                analysis.and_then(|a| a.get("detail")).and_then(s),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(": ");
            out.push(VexStatement {
                ids,
                products,
                status,
                justification,
                file: path.to_owned(),
            });
        }
        return Ok(out);
    }
    Err(err(
        "neither OpenVEX (`statements`) nor CycloneDX (`bomFormat: CycloneDX`)".to_owned(),
    ))
}

/// What the CI options ask for.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Keep only these severities (`--severity`); empty keeps all.
    pub severities: Vec<Severity>,
    /// Drop findings with `fixAvailable: NO` (`--ignore-unfixed`).
    pub ignore_unfixed: bool,
    /// `--fail-on`: see [`Report::fails`].
    pub fail_on: Option<Severity>,
    /// Entries of the ignore file(s).
    pub ignores: Vec<IgnoreEntry>,
    /// Statements of the VEX document(s).
    pub vex: Vec<VexStatement>,
    /// Today, for `expires`: passed in so the policy stays deterministic.
    pub today: Option<time::Date>,
}

/// A purl without qualifiers and subpath, lower-cased: `pkg:cargo/smallvec@0.6.9`.
fn purl_core(p: &str) -> String {
    let p = p.split(['?', '#']).next().unwrap_or(p);
    p.to_ascii_lowercase()
}

fn product_matches(product: &str, finding: &Finding) -> bool {
    let want = purl_core(product);
    let versionless = !want.contains('@');
    let d = &finding.package_vulnerability_details;
    let package_hit = d.vulnerable_packages.iter().any(|p| {
        p.purl.as_deref().is_some_and(|purl| {
            let have = purl_core(purl);
            have == want || (versionless && have.split('@').next() == Some(want.as_str()))
        })
    });
    package_hit
        || finding.resources.iter().any(|r| {
            r.id.eq_ignore_ascii_case(product)
                || r.details.name.eq_ignore_ascii_case(product)
                || want.contains(&r.id.to_ascii_lowercase())
        })
}

impl Policy {
    /// Applies the policy to a report in place and refreshes its summary.
    pub fn apply(&self, report: &mut Report) {
        let before = report.findings.len();
        report.findings.retain(|f| {
            (self.severities.is_empty() || self.severities.contains(&f.severity))
                && !(self.ignore_unfixed && f.fix_available == FixAvailable::No)
        });
        report.summary.filtered_out += before - report.findings.len();

        let today = self.today;
        let (live, expired): (Vec<&IgnoreEntry>, Vec<&IgnoreEntry>) =
            self.ignores.iter().partition(|e| {
                match (e.expires.as_deref().and_then(parse_date), today) {
                    (Some(exp), Some(today)) => today <= exp,
                    _ => true,
                }
            });
        for e in expired {
            report.warnings.push(format!(
                "ignore entry `{}`{} expired on {}: no longer applied",
                e.id,
                e.package
                    .as_deref()
                    .map(|p| format!(" (package `{p}`)"))
                    .unwrap_or_default(),
                e.expires.as_deref().unwrap_or("?")
            ));
            report.expired_ignores.push(e.clone());
        }
        for f in &mut report.findings {
            if f.status != FindingStatus::Active {
                continue;
            }
            if let Some(s) = self.vex_for(f) {
                f.status = FindingStatus::Suppressed;
                f.suppression = Some(s);
                continue;
            }
            if let Some(e) = ignore_for(&live, f) {
                f.status = FindingStatus::Suppressed;
                f.suppression = Some(Suppression {
                    kind: "ignore".to_owned(),
                    status: "ignored".to_owned(),
                    reason: e.reason.clone(),
                    source: e.file.clone(),
                });
            }
        }
        report.refresh_summary();
    }

    fn vex_for(&self, f: &Finding) -> Option<Suppression> {
        let st = self.vex.iter().find(|st| {
            matches!(st.status.as_str(), "not_affected" | "fixed")
                && st
                    .ids
                    .iter()
                    .any(|id| f.ids().any(|x| x.eq_ignore_ascii_case(id)))
                && (st.products.is_empty() || st.products.iter().any(|p| product_matches(p, f)))
        })?;
        Some(Suppression {
            kind: "vex".to_owned(),
            status: st.status.clone(),
            reason: st.justification.clone(),
            source: Some(st.file.clone()),
        })
    }

    /// Whether the report must fail the build under this policy.
    #[must_use]
    pub fn fails(&self, report: &Report) -> bool {
        self.fail_on.is_some_and(|t| report.fails(t))
    }
}

/// The entry that suppresses `f`: same id (or alias), and when the entry names a
/// package, every vulnerable package of the finding is that package.
fn ignore_for<'a>(entries: &[&'a IgnoreEntry], f: &Finding) -> Option<&'a IgnoreEntry> {
    entries.iter().copied().find(|e| {
        f.ids().any(|x| x.eq_ignore_ascii_case(&e.id))
            && e.package.as_deref().is_none_or(|p| {
                f.package_vulnerability_details
                    .vulnerable_packages
                    .iter()
                    .all(|vp| vp.name == p || vp.source_name.as_deref() == Some(p))
            })
    })
}
