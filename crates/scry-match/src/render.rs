//! Renderers: pure functions from a [`Report`] to text.
//!
//! - [`render_json`]: the findings document (schema `docs/schema/findings-v1.schema.json`).
//! - [`render_table`] / [`render_table_with`]: a terminal table grouped by severity.
//! - [`render_sarif`]: SARIF 2.1.0, one rule per vulnerability, `security-severity` set.
//! - [`render_cyclonedx`]: CycloneDX 1.6 JSON with `vulnerabilities` (a VDR).

use std::fmt::Write as _;

use serde_json::{Value, json};

use scry_core::Severity;

use crate::finding::{Finding, FindingStatus, FixAvailable, YesNo};
use crate::report::Report;

const SEVERITIES: [Severity; 6] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Informational,
    Severity::Untriaged,
];

/// The JSON document, pretty-printed, with a final newline.
#[must_use]
pub fn render_json(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|e| {
        // Serialising plain data to a string cannot fail; keep a valid document anyway.
        json!({ "error": e.to_string() }).to_string()
    });
    s.push('\n');
    s
}

/// How the table looks.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    /// ANSI colours (only when stdout is a terminal and `NO_COLOR` is unset: see
    /// [`TableOptions::for_stdout`]).
    pub color: bool,
    /// Show suppressed findings too (with their reason).
    pub show_suppressed: bool,
}

impl TableOptions {
    /// Colours when `stdout_is_terminal` and `no_color` (the `NO_COLOR` variable) is unset
    /// or empty. The CLI passes `std::io::stdout().is_terminal()` and
    /// `std::env::var_os("NO_COLOR")`.
    #[must_use]
    pub fn for_stdout(stdout_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> Self {
        Self {
            color: stdout_is_terminal && no_color.is_none_or(std::ffi::OsStr::is_empty),
            show_suppressed: false,
        }
    }
}

fn paint(s: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;31",
        Severity::High => "31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Informational | Severity::Untriaged => "2",
    }
}

/// The table without colours, suppressed findings hidden.
#[must_use]
pub fn render_table(report: &Report) -> String {
    render_table_with(report, &TableOptions::default())
}

fn fmt_score(f: &Finding) -> String {
    f.score
        .map_or_else(|| "-".to_owned(), |s| format!("{s:.1}"))
}

/// The table: a header, one section per severity (most severe first, empty ones left
/// out), one line per (finding, package), then a summary line. Meaning never depends on
/// colour.
#[must_use]
pub fn render_table_with(report: &Report, opts: &TableOptions) -> String {
    let mut out = String::new();
    let os = report
        .os
        .as_ref()
        .and_then(|o| o.ecosystem.clone())
        .map(|e| format!(" ({e})"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}{os}: {} packages, database built {}",
        report.target.name, report.summary.packages, report.database.built_at
    );
    let shown = |f: &&Finding| f.status == FindingStatus::Active || opts.show_suppressed;
    for sev in SEVERITIES {
        let group: Vec<&Finding> = report
            .findings
            .iter()
            .filter(shown)
            .filter(|f| f.severity == sev)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} ({})",
            paint(sev.as_str(), sev_color(sev), opts.color),
            group.len()
        );
        let mut rows: Vec<[String; 7]> = vec![[
            "VULNERABILITY".into(),
            "PACKAGE".into(),
            "INSTALLED".into(),
            "FIXED IN".into(),
            "SCORE".into(),
            "EXPLOIT".into(),
            "TITLE".into(),
        ]];
        for f in group {
            let d = &f.package_vulnerability_details;
            let exploit = match (f.exploit_available, f.epss) {
                (YesNo::Yes, _) => "KEV".to_owned(),
                (YesNo::No, Some(e)) => format!("EPSS {:.1}%", e.score * 100.0),
                (YesNo::No, None) => "-".to_owned(),
            };
            let mut title = f.title.clone();
            if let Some(s) = &f.suppression {
                title = format!("[SUPPRESSED {}: {}] {title}", s.status, s.reason);
            }
            for (i, p) in d.vulnerable_packages.iter().enumerate() {
                let fixed = match (&p.vendor_status, p.fixed_in_version.as_str()) {
                    (Some(s), crate::matcher::NOT_AVAILABLE) => format!("- ({s})"),
                    (_, crate::matcher::NOT_AVAILABLE) => "-".to_owned(),
                    (_, v) => v.to_owned(),
                };
                rows.push([
                    if i == 0 {
                        d.vulnerability_id.clone()
                    } else {
                        String::new()
                    },
                    p.name.clone(),
                    p.version.clone(),
                    fixed,
                    if i == 0 { fmt_score(f) } else { String::new() },
                    if i == 0 {
                        exploit.clone()
                    } else {
                        String::new()
                    },
                    if i == 0 { title.clone() } else { String::new() },
                ]);
            }
        }
        let mut widths = [0usize; 6];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r.iter()) {
                *w = (*w).max(c.chars().count());
            }
        }
        for r in &rows {
            let mut line = String::from("  ");
            for (w, c) in widths.iter().zip(r.iter()) {
                let _ = write!(line, "{c:<w$}  ");
            }
            line.push_str(&r[6]);
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let s = &report.summary;
    let counts: Vec<String> = SEVERITIES
        .iter()
        .map(|sev| {
            format!(
                "{} {}",
                s.active_by_severity.get(sev.as_str()).copied().unwrap_or(0),
                sev.as_str().to_ascii_lowercase()
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n{} active findings ({}); {} fixable, {} known exploited; {} suppressed{}",
        s.active,
        counts.join(", "),
        s.fixable,
        s.exploited,
        s.suppressed,
        if s.filtered_out > 0 {
            format!(", {} filtered out", s.filtered_out)
        } else {
            String::new()
        }
    );
    if !report.warnings.is_empty() {
        let _ = writeln!(
            out,
            "{} warnings (see --format json)",
            report.warnings.len()
        );
    }
    out
}

fn severity_floor(s: Severity) -> f64 {
    match s {
        Severity::Critical => 9.0,
        Severity::High => 7.0,
        Severity::Medium => 4.0,
        Severity::Low => 0.1,
        Severity::Informational | Severity::Untriaged => 0.0,
    }
}

fn security_severity(f: &Finding) -> String {
    let s = if f.malicious {
        10.0
    } else {
        f.score.unwrap_or_else(|| severity_floor(f.severity))
    };
    format!("{s:.1}")
}

/// SARIF 2.1.0: one rule per vulnerability id (with `security-severity`), one result per
/// finding, located at the vulnerable packages' files. Suppressed findings carry SARIF
/// `suppressions`.
#[must_use]
pub fn render_sarif(report: &Report) -> String {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut results = Vec::new();
    for f in &report.findings {
        let d = &f.package_vulnerability_details;
        let idx = *rule_index.entry(d.vulnerability_id.clone()).or_insert_with(|| {
            rules.push(json!({
                "id": d.vulnerability_id,
                "name": d.vulnerability_id.replace('-', ""),
                "shortDescription": { "text": f.title },
                "fullDescription": { "text": if f.description.is_empty() { &f.title } else { &f.description } },
                "helpUri": d.source_url.clone().unwrap_or_else(|| format!("https://osv.dev/vulnerability/{}", d.vulnerability_id)),
                "help": { "text": format!("{}\nRelated: {}", f.title, d.related_vulnerabilities.join(", ")) },
                "properties": {
                    "security-severity": security_severity(f),
                    "tags": ["security", "vulnerability", f.severity.as_str()],
                },
            }));
            rules.len() - 1
        });
        let level = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            _ => "note",
        };
        let locations: Vec<Value> = d
            .vulnerable_packages
            .iter()
            .map(|p| {
                json!({
                    "physicalLocation": { "artifactLocation": { "uri": p.file_path } },
                    "message": { "text": format!("{} {} (fixed in {})", p.name, p.version, p.fixed_in_version) },
                })
            })
            .collect();
        let pkgs: Vec<String> = d
            .vulnerable_packages
            .iter()
            .map(|p| format!("{} {} → {}", p.name, p.version, p.fixed_in_version))
            .collect();
        let mut result = json!({
            "ruleId": d.vulnerability_id,
            "ruleIndex": idx,
            "level": level,
            "message": { "text": format!("{}: {} ({})", f.title, f.severity, pkgs.join("; ")) },
            "locations": locations,
            "partialFingerprints": { "scryFindingId": f.id },
        });
        if let (Some(s), Some(obj)) = (&f.suppression, result.as_object_mut()) {
            obj.insert(
                "suppressions".into(),
                json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} {}: {}", s.kind, s.status, s.reason),
                }]),
            );
        }
        results.push(result);
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "scry",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/scry",
                "rules": rules,
            }},
            "results": results,
            "properties": { "target": report.target.name, "databaseBuiltAt": report.database.built_at },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn cdx_method(version: &str) -> &'static str {
    match version {
        "2.0" => "CVSSv2",
        "3.0" => "CVSSv3",
        "3.1" => "CVSSv31",
        "4.0" => "CVSSv4",
        _ => "other",
    }
}

/// A UUID-shaped string from a hash, for a deterministic `serialNumber`.
fn uuid_from(seed: &str) -> String {
    let h = crate::matcher::finding_id("cyclonedx", seed);
    format!(
        "{}-{}-4{}-8{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// CycloneDX 1.6 JSON: the target as `metadata.component`, each vulnerable package as a
/// component, each finding as a `vulnerabilities[]` entry with ratings, affects and, for
/// suppressed findings, an `analysis`.
#[must_use]
pub fn render_cyclonedx(report: &Report) -> String {
    let mut components: Vec<Value> = Vec::new();
    let mut refs: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut vulns = Vec::new();
    for f in &report.findings {
        let d = &f.package_vulnerability_details;
        let mut affects = Vec::new();
        for p in &d.vulnerable_packages {
            let key = format!("{}|{}|{}|{}", p.ecosystem, p.name, p.version, p.file_path);
            let bom_ref = if let Some(r) = refs.get(&key) {
                r.clone()
            } else {
                let r = p
                    .purl
                    .clone()
                    .filter(|purl| !refs.values().any(|v| v == purl))
                    .unwrap_or_else(|| format!("pkg-{}", refs.len() + 1));
                let mut c = json!({
                    "type": "library",
                    "bom-ref": r,
                    "name": p.name,
                    "version": p.version,
                    "properties": [
                        { "name": "scry:ecosystem", "value": p.ecosystem },
                        { "name": "scry:filePath", "value": p.file_path },
                    ],
                });
                if let (Some(purl), Some(obj)) = (&p.purl, c.as_object_mut()) {
                    obj.insert("purl".into(), json!(purl));
                }
                components.push(c);
                refs.insert(key, r.clone());
                r
            };
            affects.push(json!({
                "ref": bom_ref,
                "versions": [{ "version": p.version, "status": "affected" }],
            }));
        }
        let mut ratings: Vec<Value> = d
            .cvss
            .iter()
            .map(|c| {
                json!({
                    "source": { "name": c.source },
                    "score": c.base_score,
                    "severity": scry_core::Severity::from_cvss_score(c.base_score).as_str().to_ascii_lowercase(),
                    "method": cdx_method(&c.version),
                    "vector": c.scoring_vector,
                })
            })
            .collect();
        let sev = match f.severity {
            Severity::Informational => "info".to_owned(),
            Severity::Untriaged => "unknown".to_owned(),
            s => s.as_str().to_ascii_lowercase(),
        };
        let mut scry_rating =
            json!({ "source": { "name": "scry" }, "severity": sev, "method": "other" });
        if let (Some(s), Some(obj)) = (f.score, scry_rating.as_object_mut()) {
            obj.insert("score".into(), json!(s));
        }
        ratings.push(scry_rating);
        let fixes: Vec<String> = d
            .vulnerable_packages
            .iter()
            .map(|p| p.remediation.clone())
            .collect();
        let mut v = json!({
            "bom-ref": f.id,
            "id": d.vulnerability_id,
            "source": {
                "name": d.source,
                "url": d.source_url.clone().unwrap_or_else(|| format!("https://osv.dev/vulnerability/{}", d.vulnerability_id)),
            },
            "references": d.related_vulnerabilities.iter().map(|r| json!({
                "id": r,
                "source": { "name": "osv", "url": format!("https://osv.dev/vulnerability/{r}") },
            })).collect::<Vec<_>>(),
            "ratings": ratings,
            "description": f.description,
            "recommendation": fixes.join("; "),
            "advisories": d.reference_urls.iter().take(20).map(|u| json!({ "url": u })).collect::<Vec<_>>(),
            "affects": affects,
            "properties": [
                { "name": "scry:fixAvailable", "value": match f.fix_available { FixAvailable::Yes => "YES", FixAvailable::No => "NO", FixAvailable::Partial => "PARTIAL" } },
                { "name": "scry:exploitAvailable", "value": if f.exploit_available == YesNo::Yes { "YES" } else { "NO" } },
            ],
        });
        if let (Some(s), Some(obj)) = (&f.suppression, v.as_object_mut()) {
            let state = match s.status.as_str() {
                "fixed" => "resolved",
                "not_affected" => "not_affected",
                _ => "not_affected",
            };
            let mut analysis =
                json!({ "state": state, "detail": format!("{}: {}", s.kind, s.reason) });
            const JUSTIFICATIONS: &[&str] = &[
                "code_not_present",
                "code_not_reachable",
                "requires_configuration",
                "requires_dependency",
                "requires_environment",
                "protected_by_compiler",
                "protected_at_runtime",
                "protected_at_perimeter",
                "protected_by_mitigating_control",
            ];
            let first = s.reason.split(':').next().unwrap_or("").trim();
            let mapped = match first {
                "component_not_present" | "vulnerable_code_not_present" => Some("code_not_present"),
                "vulnerable_code_not_in_execute_path"
                | "vulnerable_code_cannot_be_controlled_by_adversary" => Some("code_not_reachable"),
                "inline_mitigations_already_exist" => Some("protected_by_mitigating_control"),
                j if JUSTIFICATIONS.contains(&j) => Some(j),
                _ => None,
            };
            if let (Some(j), Some(a)) = (mapped, analysis.as_object_mut()) {
                a.insert("justification".into(), json!(j));
            }
            obj.insert("analysis".into(), analysis);
        }
        vulns.push(v);
    }
    let kind = match report.target.kind {
        scry_core::TargetKind::Image => "container",
        scry_core::TargetKind::Rootfs => "operating-system",
        _ => "application",
    };
    let doc = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", uuid_from(&format!("{}{}", report.target.name, report.generated_at))),
        "version": 1,
        "metadata": {
            "timestamp": report.generated_at,
            "tools": { "components": [{ "type": "application", "name": "scry", "version": env!("CARGO_PKG_VERSION") }] },
            "component": { "type": kind, "bom-ref": "target", "name": report.target.name },
        },
        "components": components,
        "vulnerabilities": vulns,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
