//! CI policy: severity filter, ignore-unfixed, ignore files with expiry, VEX, fail-on.

use scry_core::Severity;
use scry_match::{FindingStatus, Policy, parse_ignore_file, parse_vex, render_table};

use crate::units::synthetic_report;

fn date(s: &str) -> time::Date {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).expect("date")
}

fn status_of(r: &scry_match::Report, id: &str) -> FindingStatus {
    r.findings
        .iter()
        .find(|f| f.package_vulnerability_details.vulnerability_id == id)
        .map(|f| f.status)
        .unwrap_or_else(|| panic!("{id} not in report"))
}

#[test]
fn fail_on_and_severity_filter() {
    let (_d, mut r) = synthetic_report();
    assert_eq!(r.findings.len(), 4);
    assert!(r.fails(Severity::Critical));
    let p = Policy {
        severities: vec![Severity::Untriaged, Severity::Medium],
        fail_on: Some(Severity::High),
        ..Policy::default()
    };
    p.apply(&mut r);
    assert_eq!(r.summary.filtered_out, 2);
    assert!(!p.fails(&r));
    assert!(r.findings.iter().all(|f| f.severity < Severity::High));
}

#[test]
fn ignore_unfixed_drops_findings_without_any_fix() {
    let (_d, mut r) = synthetic_report();
    Policy {
        ignore_unfixed: true,
        ..Policy::default()
    }
    .apply(&mut r);
    // MAL (no fix) and RUSTSEC-2023-0099 (fixed 99.0.0) / CVE-2024-2000 (PARTIAL) stay.
    let ids: Vec<&str> = r
        .findings
        .iter()
        .map(|f| f.package_vulnerability_details.vulnerability_id.as_str())
        .collect();
    assert!(!ids.contains(&"MAL-2024-7"), "{ids:?}");
    assert!(ids.contains(&"CVE-2024-2000"), "{ids:?}");
}

#[test]
fn ignore_file_yaml_and_toml_with_expiry() {
    let yaml = "ignore:\n  - id: GHSA-aaaa-bbbb-cccc\n    reason: not reachable\n    expires: 2027-01-01\n  - id: MAL-2024-7\n    reason: old\n    expires: 2020-01-01\n  - id: CVE-2024-2000\n    package: left\n    reason: only left\n";
    let entries = parse_ignore_file(".scryignore.yaml", yaml).expect("parses");
    assert_eq!(entries.len(), 3);
    let toml = "[[ignore]]\nid = \"GHSA-aaaa-bbbb-cccc\"\nreason = \"not reachable\"\nexpires = 2027-01-01\n";
    let t = parse_ignore_file("scry-ignore.toml", toml).expect("parses");
    assert_eq!(t[0].expires.as_deref(), Some("2027-01-01"));
    assert!(parse_ignore_file("x.yaml", "ignore:\n  - id: X\n    expires: tomorrow\n").is_err());

    let (_d, mut r) = synthetic_report();
    Policy {
        ignores: entries,
        today: Some(date("2026-11-29")),
        ..Policy::default()
    }
    .apply(&mut r);
    // Alias id suppresses the CVE finding, with the reason.
    assert_eq!(status_of(&r, "CVE-2024-1000"), FindingStatus::Suppressed);
    let f = r
        .findings
        .iter()
        .find(|f| f.package_vulnerability_details.vulnerability_id == "CVE-2024-1000")
        .expect("present");
    assert_eq!(
        f.suppression.as_ref().map(|s| s.reason.as_str()),
        Some("not reachable")
    );
    // Expired: still active, and reported.
    assert_eq!(status_of(&r, "MAL-2024-7"), FindingStatus::Active);
    assert_eq!(r.expired_ignores.len(), 1);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("MAL-2024-7") && w.contains("expired"))
    );
    // A package-scoped entry does not cover a finding with another package too.
    assert_eq!(status_of(&r, "CVE-2024-2000"), FindingStatus::Active);
    assert_eq!(r.summary.suppressed, 1);
    // Suppressed findings are hidden from the table, kept in JSON.
    let table = render_table(&r);
    assert!(!table.contains("CVE-2024-1000"), "{table}");
    assert!(scry_match::render_json(&r).contains("\"SUPPRESSED\""));
}

#[test]
fn openvex_and_cyclonedx_vex() {
    let openvex = r#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"me","timestamp":"2026-01-01T00:00:00Z","version":1,
      "statements":[
        {"vulnerability":{"name":"CVE-2024-1000"},"products":[{"@id":"pkg:pypi/foo@1.5"}],"status":"not_affected","justification":"vulnerable_code_not_in_execute_path","impact_statement":"parser unused"},
        {"vulnerability":{"name":"CVE-2024-2000"},"products":[{"@id":"pkg:npm/other@1.0.0"}],"status":"not_affected","justification":"component_not_present"},
        {"vulnerability":{"name":"MAL-2024-7"},"status":"affected"}
      ]}"#;
    let cdx = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","vulnerabilities":[
        {"id":"RUSTSEC-2023-0099","analysis":{"state":"resolved","detail":"patched in vendored copy"},"affects":[{"ref":"pkg:cargo/openssl"}]}]}"#;
    let mut vex = parse_vex("app.openvex.json", openvex).expect("openvex");
    vex.extend(parse_vex("app.cdx.json", cdx).expect("cyclonedx"));
    assert!(parse_vex("x.json", "{}").is_err());
    let (_d, mut r) = synthetic_report();
    Policy {
        vex,
        ..Policy::default()
    }
    .apply(&mut r);
    assert_eq!(status_of(&r, "CVE-2024-1000"), FindingStatus::Suppressed);
    assert_eq!(status_of(&r, "CVE-2024-2000"), FindingStatus::Active);
    assert_eq!(status_of(&r, "MAL-2024-7"), FindingStatus::Active);
    assert_eq!(
        status_of(&r, "RUSTSEC-2023-0099"),
        FindingStatus::Suppressed
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.package_vulnerability_details.vulnerability_id == "CVE-2024-1000")
        .expect("present");
    let s = f.suppression.as_ref().expect("suppressed");
    assert_eq!(s.kind, "vex");
    assert_eq!(s.status, "not_affected");
    assert_eq!(
        s.reason,
        "vulnerable_code_not_in_execute_path: parser unused"
    );
    let g = r
        .findings
        .iter()
        .find(|f| f.package_vulnerability_details.vulnerability_id == "RUSTSEC-2023-0099")
        .expect("present");
    assert_eq!(
        g.suppression.as_ref().map(|s| s.status.as_str()),
        Some("fixed")
    );
    // CycloneDX output carries the analysis.
    let out = scry_match::render_cyclonedx(&r);
    assert!(out.contains("\"code_not_reachable\""), "{out}");
}
