//! Matching rules on hand-written records: grouping, DSAs with several CVEs, distro
//! statuses, withdrawn and malicious records, fix availability, parse errors.

use scry_core::Severity;
use scry_match::{
    FixAvailable, MatchOptions, Report, YesNo, match_inventory, match_inventory_detailed,
};

use crate::support::{deb, inventory, lang, now, rec, synthetic_db};

fn records() -> Vec<scry_osv::Record> {
    vec![
        // GHSA + PYSEC + CVE: one vulnerability.
        rec(
            r#"{"id":"GHSA-aaaa-bbbb-cccc","modified":"2024-01-02T00:00:00Z","aliases":["CVE-2024-1000"],
            "summary":"foo: bad parsing","details":"Foo before 2.0 mis-parses input.",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected":[{"package":{"ecosystem":"PyPI","name":"foo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}],
            "references":[{"type":"ADVISORY","url":"https://github.com/advisories/GHSA-aaaa-bbbb-cccc"}]}"#,
        ),
        rec(
            r#"{"id":"PYSEC-2024-1","modified":"2024-01-03T00:00:00Z","aliases":["CVE-2024-1000","GHSA-aaaa-bbbb-cccc"],
            "affected":[{"package":{"ecosystem":"PyPI","name":"Foo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"fixed":"1.9.1"}]}]}]}"#,
        ),
        // Withdrawn: never matches.
        rec(
            r#"{"id":"GHSA-wwww-wwww-wwww","modified":"2024-01-02T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"PyPI","name":"foo"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}"#,
        ),
        // A DSA fixing two CVEs in openssl (Debian 12), and an older one for Debian 11.
        rec(
            r#"{"id":"DSA-5500-1","modified":"2023-05-01T00:00:00Z","upstream":["CVE-2023-0001","CVE-2023-0002"],
            "summary":"openssl - security update",
            "affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.9-1"}]}]},
                        {"package":{"ecosystem":"Debian:11","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1.1n-0+deb11u5"}]}]}],
            "references":[{"type":"ADVISORY","url":"https://security-tracker.debian.org/tracker/DSA-5500-1"}],
            "database_specific":{"scry_source":"debian-security-tracker"}}"#,
        ),
        // Ubuntu's view of one of them: its NVD vector enriches the Debian finding.
        rec(
            r#"{"id":"UBUNTU-CVE-2023-0001","modified":"2023-05-01T00:00:00Z","aliases":["CVE-2023-0001"],
            "details":"A buffer overread in openssl.",
            "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
            "affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.2-0ubuntu1.10"}]}],
                         "ecosystem_specific":{"status":"released","priority":"medium"}}],
            "database_specific":{"scry_source":"ubuntu-cve-tracker","ubuntu_priority":"medium"}}"#,
        ),
        // Ubuntu "ignored": affected, will not fix.
        rec(
            r#"{"id":"UBUNTU-CVE-2023-0003","modified":"2023-05-01T00:00:00Z","aliases":["CVE-2023-0003"],
            "affected":[{"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"tiff"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],
                         "ecosystem_specific":{"status":"will_not_fix","priority":"low"}}],
            "database_specific":{"scry_source":"ubuntu-cve-tracker","ubuntu_priority":"low"}}"#,
        ),
        // Debian: not affected in 12 (status only), affected but unfixed in 11.
        rec(
            r#"{"id":"DSA-5600-1","modified":"2023-06-01T00:00:00Z","upstream":["CVE-2023-0004"],
            "affected":[{"package":{"ecosystem":"Debian:11","name":"zlib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}],
                         "ecosystem_specific":{"status":"end_of_life"}}],
            "database_specific":{"scry_source":"debian-security-tracker","scry_statuses":[{"ecosystem":"Debian:12","package":"zlib","status":"not_affected"}]}}"#,
        ),
        // A crates.io record named like a distro package: never matched for dpkg.
        rec(
            r#"{"id":"RUSTSEC-2023-0099","modified":"2023-06-01T00:00:00Z",
            "affected":[{"package":{"ecosystem":"crates.io","name":"openssl"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"99.0.0"}]}]}]}"#,
        ),
        // Malicious package.
        rec(
            r#"{"id":"MAL-2024-7","modified":"2024-03-01T00:00:00Z","summary":"Malicious code in evil-pkg (npm)",
            "affected":[{"package":{"ecosystem":"npm","name":"evil-pkg"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
        ),
        // Two packages, one fixable: PARTIAL.
        rec(
            r#"{"id":"GHSA-pppp-pppp-pppp","modified":"2024-01-02T00:00:00Z","aliases":["CVE-2024-2000"],
            "affected":[{"package":{"ecosystem":"npm","name":"left"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"2.0.0"}]}]},
                        {"package":{"ecosystem":"npm","name":"right"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}"#,
        ),
        // An event that does not parse.
        rec(
            r#"{"id":"RUSTSEC-2099-0001","modified":"2024-01-02T00:00:00Z",
            "affected":[{"package":{"ecosystem":"crates.io","name":"broken"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"},{"fixed":"not a version!"}]}]}]}"#,
        ),
    ]
}

fn ids(r: &[scry_match::Finding]) -> Vec<String> {
    let mut v: Vec<String> = r
        .iter()
        .map(|f| f.package_vulnerability_details.vulnerability_id.clone())
        .collect();
    v.sort();
    v
}

#[test]
fn ghsa_pysec_cve_are_one_finding() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory("app", vec![lang("PyPI", "foo", "1.5")]);
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["CVE-2024-1000"]);
    let d = &f[0].package_vulnerability_details;
    assert_eq!(
        d.related_vulnerabilities,
        ["GHSA-aaaa-bbbb-cccc", "PYSEC-2024-1"]
    );
    assert_eq!(f[0].sources.len(), 2);
    assert_eq!(f[0].title, "CVE-2024-1000 - foo");
    assert_eq!(f[0].severity, Severity::Critical);
    assert_eq!(f[0].score, Some(9.8));
    // Two records, fixed in 2.0 and 1.9.1: the version clearing both is 2.0.
    assert_eq!(d.vulnerable_packages[0].fixed_in_version, "2.0");
    assert_eq!(d.vulnerable_packages[0].fixed_in_versions, ["1.9.1", "2.0"]);
    assert_eq!(f[0].fix_available, FixAvailable::Yes);
    // 2.0 is fixed for both; 0.5 is only in GHSA's range (withdrawn record ignored).
    let inv = inventory("app", vec![lang("PyPI", "foo", "2.0")]);
    assert!(
        match_inventory(&inv, &db, &MatchOptions::at(now()))
            .expect("matches")
            .is_empty()
    );
    let inv = inventory("app", vec![lang("PyPI", "foo", "0.5")]);
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(f[0].sources.len(), 1);
    assert_eq!(f[0].sources[0].id, "GHSA-aaaa-bbbb-cccc");
}

#[test]
fn dsa_with_two_cves_gives_two_findings_by_source_package() {
    let (_d, db) = synthetic_db(records());
    // libssl3 is built from openssl; 3.0.8-1 is below the fix.
    let inv = inventory(
        "host",
        vec![
            deb("12", "libssl3", "3.0.8-1", "openssl", "3.0.8-1"),
            deb("12", "openssl", "3.0.8-1", "openssl", "3.0.8-1"),
        ],
    );
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["CVE-2023-0001", "CVE-2023-0002"]);
    for x in &f {
        let d = &x.package_vulnerability_details;
        assert!(d.related_vulnerabilities.contains(&"DSA-5500-1".to_owned()));
        assert_eq!(d.vulnerable_packages.len(), 2);
        assert_eq!(d.vulnerable_packages[0].fixed_in_version, "3.0.9-1");
        assert_eq!(x.sources[0].id, "DSA-5500-1");
        assert_eq!(x.title, format!("{} - openssl", d.vulnerability_id));
    }
    // CVE-2023-0001 has Ubuntu's NVD vector; CVE-2023-0002 has none.
    let one = f
        .iter()
        .find(|x| x.package_vulnerability_details.vulnerability_id == "CVE-2023-0001")
        .expect("present");
    assert_eq!(one.score, Some(7.5));
    assert_eq!(one.description, "A buffer overread in openssl.");
    let two = f
        .iter()
        .find(|x| x.package_vulnerability_details.vulnerability_id == "CVE-2023-0002")
        .expect("present");
    assert_eq!(two.severity, Severity::Untriaged);
    // A binNMU (+b1) of the fixed source version is fixed: the source version decides.
    let inv = inventory(
        "host",
        vec![deb("12", "libssl3", "3.0.9-1+b1", "openssl", "3.0.9-1")],
    );
    assert!(
        match_inventory(&inv, &db, &MatchOptions::at(now()))
            .expect("matches")
            .is_empty()
    );
    // Debian 11's fix does not apply to Debian 12 and vice versa.
    let inv = inventory(
        "host",
        vec![deb(
            "11",
            "openssl",
            "1.1.1n-0+deb11u5",
            "openssl",
            "1.1.1n-0+deb11u5",
        )],
    );
    assert!(
        match_inventory(&inv, &db, &MatchOptions::at(now()))
            .expect("matches")
            .is_empty()
    );
}

#[test]
fn distro_packages_never_match_language_records() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory(
        "host",
        vec![deb("12", "openssl", "3.0.9-1", "openssl", "3.0.9-1")],
    );
    assert!(
        match_inventory(&inv, &db, &MatchOptions::at(now()))
            .expect("matches")
            .is_empty()
    );
    let inv = inventory("app", vec![lang("crates.io", "openssl", "1.0.0")]);
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["RUSTSEC-2023-0099"]);
}

#[test]
fn will_not_fix_and_end_of_life_are_findings_without_fix() {
    let (_d, db) = synthetic_db(records());
    let mut p = deb("22.04", "libtiff5", "4.3.0-6", "tiff", "4.3.0-6");
    p.ecosystem = scry_core::Ecosystem::parse("Ubuntu:22.04:LTS");
    let inv = inventory("host", vec![p]);
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["CVE-2023-0003"]);
    let d = &f[0].package_vulnerability_details;
    assert_eq!(f[0].fix_available, FixAvailable::No);
    assert_eq!(
        d.vulnerable_packages[0].vendor_status.as_deref(),
        Some("will_not_fix")
    );
    assert_eq!(d.vulnerable_packages[0].fixed_in_version, "NotAvailable");
    assert_eq!(d.vendor_severity.as_deref(), Some("low"));
    assert_eq!(f[0].severity, Severity::Low);

    let inv = inventory(
        "host",
        vec![deb(
            "11",
            "zlib1g",
            "1:1.2.11.dfsg-2",
            "zlib",
            "1:1.2.11.dfsg-2",
        )],
    );
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["CVE-2023-0004"]);
    let vp = &f[0].package_vulnerability_details.vulnerable_packages[0];
    assert_eq!(vp.vendor_status.as_deref(), Some("end_of_life"));
    assert!(vp.remediation.contains("end_of_life"), "{}", vp.remediation);
}

#[test]
fn not_affected_status_gives_no_finding() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory(
        "host",
        vec![deb(
            "12",
            "zlib1g",
            "1:1.2.13.dfsg-1",
            "zlib",
            "1:1.2.13.dfsg-1",
        )],
    );
    assert!(
        match_inventory(&inv, &db, &MatchOptions::at(now()))
            .expect("matches")
            .is_empty()
    );
}

#[test]
fn withdrawn_never_matches_and_mal_is_critical() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory("app", vec![lang("npm", "evil-pkg", "1.0.0")]);
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["MAL-2024-7"]);
    assert_eq!(f[0].severity, Severity::Critical);
    assert!(f[0].malicious);
    assert_eq!(f[0].title, "MAL-2024-7 - evil-pkg (malicious package)");
    assert_eq!(
        serde_json::to_value(f[0].kind).expect("json"),
        "PACKAGE_VULNERABILITY"
    );
    assert_eq!(f[0].exploit_available, YesNo::No);
}

#[test]
fn partial_fix_over_two_packages() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory(
        "app",
        vec![lang("npm", "left", "1.0.0"), lang("npm", "right", "1.0.0")],
    );
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["CVE-2024-2000"]);
    assert_eq!(f[0].fix_available, FixAvailable::Partial);
    assert_eq!(f[0].title, "CVE-2024-2000 - left, right");
    let names: Vec<&str> = f[0]
        .package_vulnerability_details
        .vulnerable_packages
        .iter()
        .map(|p| p.fixed_in_version.as_str())
        .collect();
    assert_eq!(names, ["2.0.0", "NotAvailable"]);
}

#[test]
fn parse_errors_are_warnings_not_findings() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory(
        "app",
        vec![
            lang("crates.io", "broken", "1.0.0"),
            lang("PyPI", "foo", "not/a/version"),
        ],
    );
    let out = match_inventory_detailed(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert!(out.findings.is_empty());
    assert_eq!(out.unparsable_events, 1);
    assert_eq!(out.unparsable_versions, 1);
    let w: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    assert!(
        w[0].contains("broken 1.0.0")
            && w[0].contains("RUSTSEC-2099-0001")
            && w[0].contains("not a version!"),
        "{w:?}"
    );
    assert!(w[1].contains("foo not/a/version"), "{w:?}");
    let report = Report::scan(&inv, &db, &MatchOptions::at(now())).expect("scans");
    assert_eq!(report.summary.unparsable_events, 1);
    assert_eq!(report.warnings.len(), 2);
}

#[test]
fn finding_ids_are_stable() {
    let (_d, db) = synthetic_db(records());
    let inv = inventory("app", vec![lang("PyPI", "foo", "1.5")]);
    let a = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    let b = match_inventory(&inv, &db, &MatchOptions::default()).expect("matches");
    assert_eq!(a[0].id, b[0].id);
    assert_eq!(a[0].id, scry_match::finding_id("app", "CVE-2024-1000"));
    assert_eq!(a[0].id.len(), 32);
}

pub(crate) fn synthetic_report() -> (tempfile::TempDir, Report) {
    let (d, db) = synthetic_db(records());
    let inv = inventory(
        "app",
        vec![
            lang("PyPI", "foo", "1.5"),
            lang("npm", "evil-pkg", "1.0.0"),
            lang("npm", "left", "1.0.0"),
            lang("npm", "right", "1.0.0"),
            lang("crates.io", "openssl", "1.0.0"),
        ],
    );
    (
        d,
        Report::scan(&inv, &db, &MatchOptions::at(now())).expect("scans"),
    )
}

/// An rpm of AlmaLinux 9 (`name` built from `source`).
fn alma_rpm(name: &str, version: &str, source: &str) -> scry_core::Package {
    let mut p = deb("12", name, version, source, version);
    p.ecosystem = scry_core::Ecosystem::parse("AlmaLinux:9");
    p.package_manager = scry_core::PackageManager::Rpm;
    p.source_version = None;
    p.purl = None;
    p
}

fn alma_record(id: &str, package: &str, fixed: &str) -> scry_osv::Record {
    rec(&format!(
        r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z", "affected": [{{
            "package": {{"ecosystem": "AlmaLinux:9", "name": "{package}"}},
            "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]
        }}]}}"#
    ))
}

/// AlmaLinux errata name binary rpms: `krb5-libs` (source `krb5`, which builds no `krb5`
/// binary) is found under its own name; a record naming both the source and the binary
/// is reported once.
#[test]
fn rpm_errata_are_found_under_the_binary_name_too() {
    let (_d, db) = synthetic_db(vec![
        alma_record("ALSA-2023:2570", "krb5-libs", "1.20.1-8.el9"),
        alma_record("ALSA-2023:0001", "krb5", "1.20.1-8.el9"),
    ]);
    let inv = inventory(
        "host",
        vec![alma_rpm("krb5-libs", "1.19.1-24.el9_1", "krb5")],
    );
    let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["ALSA-2023:0001", "ALSA-2023:2570"]);
    for x in &f {
        assert_eq!(x.package_vulnerability_details.vulnerable_packages.len(), 1);
    }
}

/// A fix built for a module stream does not apply to a plain build, nor the reverse.
#[test]
fn rpm_module_errata_apply_only_to_module_builds() {
    let (_d, db) = synthetic_db(vec![
        alma_record(
            "ALSA-2024:3128",
            "perl-libs",
            "4:5.32.1-473.module_el9.10.0+4162+0aac7c4c",
        ),
        alma_record("ALSA-2024:0002", "perl-libs", "4:5.26.3-422.el9"),
    ]);
    let plain = inventory(
        "host",
        vec![alma_rpm("perl-libs", "4:5.26.3-421.el9", "perl")],
    );
    let f = match_inventory(&plain, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["ALSA-2024:0002"]);
    let module = inventory(
        "host",
        vec![alma_rpm(
            "perl-libs",
            "4:5.32.1-471.module_el9.6.0+2000+1a2b3c4d",
            "perl",
        )],
    );
    let f = match_inventory(&module, &db, &MatchOptions::at(now())).expect("matches");
    assert_eq!(ids(&f), ["ALSA-2024:3128"]);
}

/// RubySec `platform: jruby`: not for a gem known to be built for a native platform; still
/// for the java build and for a gem of unknown platform.
#[test]
fn jruby_only_advisories_skip_native_gems() {
    let (_d, db) = synthetic_db(vec![rec(
        r#"{"id": "RUBYSEC-nokogiri:GHSA-xxxx", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "RubyGems", "name": "nokogiri"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.13.4"}]}],
              "database_specific": {"platform": "jruby"}}]}"#,
    )]);
    let gem = |arch: Option<&str>| {
        let mut p = lang("RubyGems", "nokogiri", "1.13.3");
        p.arch = arch.map(str::to_owned);
        p
    };
    for (arch, want) in [
        (Some("x86_64-linux"), 0),
        (Some("java"), 1),
        (Some("x86_64-linux,java"), 1),
        (None, 1),
    ] {
        let inv = inventory("app", vec![gem(arch)]);
        let f = match_inventory(&inv, &db, &MatchOptions::at(now())).expect("matches");
        assert_eq!(f.len(), want, "platform {arch:?}");
    }
}
