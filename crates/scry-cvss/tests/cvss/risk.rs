//! The risk score model, and the three worked examples of docs/scoring.md (real advisories
//! from /work/shared/vulndb; KEV and EPSS values from its `cisa-kev.json.gz` and
//! `epss-scores.csv.gz`).

use scry_core::Severity;
use scry_cvss::Requirement;
use scry_cvss::Vector;
use scry_cvss::risk::{
    Evidence, ExploitSignals, NetworkExposure, PackageUse, ScoreInput, SecurityRequirements,
    Source, SourcedVector, Tier, pick, score,
};
use serde_json::json;

fn sv(source: Source, v: &str) -> SourcedVector {
    SourcedVector {
        source,
        vector: Vector::parse(v).unwrap(),
    }
}

/// CVE-2017-12617 (Apache Tomcat JSP upload RCE), Ubuntu `tomcat8`; vector from the Ubuntu
/// CVE tracker's `nvd:` line; CISA KEV (due 2022-04-15); EPSS 0.99988 (percentile 0.99984).
/// Evidence: the connector only listens on a private network.
pub(crate) fn example_tomcat() -> ScoreInput {
    ScoreInput {
        vectors: vec![sv(
            Source::Nvd,
            "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
        )],
        distro_package: true,
        vendor_severity: Some(Severity::Medium),
        evidence: Evidence {
            network_exposure: NetworkExposure::PrivateOnly {
                reason: "port 8080 only reachable from 10.0.0.0/8".to_owned(),
            },
            package_in_use: PackageUse::Loaded,
            security_requirements: None,
        },
        exploit: ExploitSignals {
            kev: true,
            kev_due_date: Some("2022-04-15".to_owned()),
            epss: Some(0.99988),
            epss_percentile: Some(0.99984),
            fix_available: true,
        },
    }
}

/// CVE-2019-17545 (GDAL double free), PyPI `gdal`, PYSEC-2019-241; not in KEV; EPSS 0.02577
/// (percentile 0.83865). Evidence: no network path; asset needs high confidentiality and
/// low availability.
pub(crate) fn example_gdal() -> ScoreInput {
    ScoreInput {
        vectors: vec![sv(
            Source::Advisory,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        )],
        distro_package: false,
        vendor_severity: None,
        evidence: Evidence {
            network_exposure: NetworkExposure::None {
                reason: "batch job, no listening socket".to_owned(),
            },
            package_in_use: PackageUse::Loaded,
            security_requirements: Some(SecurityRequirements {
                cr: Requirement::High,
                ir: Requirement::Medium,
                ar: Requirement::Low,
            }),
        },
        exploit: ExploitSignals {
            kev: false,
            kev_due_date: None,
            epss: Some(0.02577),
            epss_percentile: Some(0.83865),
            fix_available: true,
        },
    }
}

/// CVE-2025-27533 (ActiveMQ memory allocation DoS), Bitnami `activemq`,
/// BIT-activemq-2025-27533 (v4.0 vector only); not in KEV; EPSS 0.0859 (percentile 0.94606).
/// Evidence: internet-facing, but the package is not loaded.
pub(crate) fn example_activemq() -> ScoreInput {
    ScoreInput {
        vectors: vec![sv(
            Source::Advisory,
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H/E:X/CR:X/IR:X/AR:X/MAV:X/MAC:X/MAT:X/MPR:X/MUI:X/MVC:X/MVI:X/MVA:X/MSC:X/MSI:X/MSA:X/S:X/AU:Y/R:A/V:D/RE:M/U:Red",
        )],
        distro_package: false,
        vendor_severity: None,
        evidence: Evidence {
            network_exposure: NetworkExposure::Internet,
            package_in_use: PackageUse::NotLoaded,
            security_requirements: None,
        },
        exploit: ExploitSignals {
            kev: false,
            kev_due_date: None,
            epss: Some(0.0859),
            epss_percentile: Some(0.94606),
            fix_available: false,
        },
    }
}

/// docs/scoring.md, example 1.
#[test]
fn example_1_tomcat_kev_private_network() {
    let d = score(&example_tomcat());
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        json!({
            "baseVector": "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "baseSource": "nvd",
            "adjustedVector": "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:A",
            "baseScore": 8.1,
            "adjustedScore": 7.5,
            "severity": "HIGH",
            "adjustments": [{"metric": "MAV", "from": "N", "to": "A",
                             "reason": "port 8080 only reachable from 10.0.0.0/8"}],
            "cvss4": null,
            "exploit": {"kev": true, "kevDueDate": "2022-04-15", "epss": 0.99988,
                        "epssPercentile": 0.99984},
            "priority": {"tier": "kev", "key": 250_000_120_u64},
        })
    );
}

/// docs/scoring.md, example 2.
#[test]
fn example_2_gdal_no_network_path_with_requirements() {
    let d = score(&example_gdal());
    assert_eq!(d.base_score, Some(9.8));
    assert_eq!(
        d.adjusted_vector.as_deref(),
        Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:H/IR:M/AR:L/MAV:L")
    );
    assert_eq!(d.adjusted_score, Some(8.4));
    assert_eq!(d.severity, Severity::High);
    let changed: Vec<_> = d
        .adjustments
        .iter()
        .map(|a| format!("{}:{}->{}", a.metric, a.from, a.to))
        .collect();
    assert_eq!(changed, ["MAV:N->L", "CR:X->H", "IR:X->M", "AR:X->L"]);
    assert_eq!(d.priority.tier, Tier::Standard);
    assert_eq!(d.priority.key, 20_160_974_230);
}

/// docs/scoring.md, example 3.
#[test]
fn example_3_activemq_v4_not_loaded() {
    let d = score(&example_activemq());
    assert_eq!(
        d.base_vector.as_deref(),
        Some(
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H/AU:Y/R:A/V:D/RE:M/U:Red"
        )
    );
    assert_eq!((d.base_score, d.adjusted_score), (Some(6.9), Some(6.9)));
    assert_eq!(d.severity, Severity::Medium);
    assert!(d.adjustments.is_empty());
    assert_eq!(d.cvss4.as_ref().map(|c| c.score), Some(6.9));
    assert_eq!(d.priority.tier, Tier::NotLoaded);
    assert_eq!(d.priority.key, 30_310_914_101);
}

#[test]
fn examples_sort_in_priority_order() {
    let mut keys: Vec<(u64, &str)> = vec![
        (score(&example_activemq()).priority.key, "activemq"),
        (score(&example_gdal()).priority.key, "gdal"),
        (score(&example_tomcat()).priority.key, "tomcat"),
    ];
    keys.sort_unstable();
    let names: Vec<&str> = keys.iter().map(|(_, n)| *n).collect();
    assert_eq!(names, ["tomcat", "gdal", "activemq"]);
}

#[test]
fn pick_prefers_vendor_for_distro_then_v31() {
    let vectors = vec![
        sv(Source::Nvd, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        sv(
            Source::Vendor,
            "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        ),
        sv(
            Source::Vendor,
            "CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
        ),
        sv(Source::Vendor, "AV:N/AC:L/Au:N/C:C/I:C/A:C"),
        sv(
            Source::Advisory,
            "CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
        ),
    ];
    assert_eq!(
        pick(&vectors, true).map(|v| &v.source),
        Some(&Source::Vendor)
    );
    assert_eq!(
        pick(&vectors, true).map(|v| v.vector.version()),
        Some(scry_cvss::Version::V3_1)
    );
    assert_eq!(
        pick(&vectors, false).map(|v| &v.source),
        Some(&Source::Advisory)
    );
    // v2 only when nothing newer exists.
    let only_v2_vendor = vec![
        sv(Source::Vendor, "AV:N/AC:L/Au:N/C:C/I:C/A:C"),
        sv(
            Source::Other("osv".into()),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        ),
    ];
    assert_eq!(
        pick(&only_v2_vendor, true).map(|v| &v.source),
        Some(&Source::Other("osv".into()))
    );
    // The v4 vector is still shown.
    let input = ScoreInput {
        vectors,
        distro_package: true,
        ..ScoreInput::default()
    };
    assert!(score(&input).cvss4.is_some());
}

#[test]
fn unknown_evidence_never_lowers() {
    let base = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    for exposure in [NetworkExposure::Unknown, NetworkExposure::Internet] {
        for package_in_use in [PackageUse::Unknown, PackageUse::Loaded] {
            let input = ScoreInput {
                vectors: vec![sv(Source::Nvd, base)],
                evidence: Evidence {
                    network_exposure: exposure.clone(),
                    package_in_use,
                    security_requirements: None,
                },
                ..ScoreInput::default()
            };
            let d = score(&input);
            assert_eq!(d.adjusted_score, Some(9.8));
            assert!(d.adjustments.is_empty());
            assert_eq!(d.adjusted_vector.as_deref(), Some(base));
        }
    }
}

#[test]
fn exposure_only_lowers() {
    // Already local: "no network path" changes nothing.
    let input = ScoreInput {
        vectors: vec![sv(
            Source::Nvd,
            "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
        )],
        evidence: Evidence {
            network_exposure: NetworkExposure::None {
                reason: "no socket".into(),
            },
            ..Evidence::default()
        },
        ..ScoreInput::default()
    };
    let d = score(&input);
    assert!(d.adjustments.is_empty());
    assert_eq!(d.adjusted_score, d.base_score);
    // Adjacent and private-only: nothing to lower.
    let input = ScoreInput {
        vectors: vec![sv(
            Source::Nvd,
            "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        )],
        evidence: Evidence {
            network_exposure: NetworkExposure::PrivateOnly {
                reason: "vpc".into(),
            },
            ..Evidence::default()
        },
        ..ScoreInput::default()
    };
    assert!(score(&input).adjustments.is_empty());
    // v2 has no MAV: exposure is not applied, requirements are.
    let input = ScoreInput {
        vectors: vec![sv(Source::Nvd, "AV:N/AC:L/Au:N/C:P/I:P/A:P")],
        evidence: Evidence {
            network_exposure: NetworkExposure::None {
                reason: "no socket".into(),
            },
            package_in_use: PackageUse::Unknown,
            security_requirements: Some(SecurityRequirements {
                cr: Requirement::High,
                ir: Requirement::High,
                ar: Requirement::High,
            }),
        },
        ..ScoreInput::default()
    };
    let d = score(&input);
    assert_eq!(d.adjustments.len(), 3);
    assert!(d.adjustments.iter().all(|a| a.metric != "MAV"));
}

#[test]
fn no_vector_keeps_vendor_severity_or_untriaged() {
    let input = ScoreInput {
        vendor_severity: Some(Severity::High),
        ..ScoreInput::default()
    };
    let d = score(&input);
    assert_eq!(d.severity, Severity::High);
    assert_eq!(d.base_vector, None);
    assert_eq!(d.priority.tier, Tier::Standard);
    let d = score(&ScoreInput::default());
    assert_eq!(d.severity, Severity::Untriaged);
    assert_eq!(d.adjusted_score, None);
}

#[test]
fn epss_moves_the_tier() {
    let mut input = ScoreInput {
        vectors: vec![sv(
            Source::Nvd,
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
        )],
        ..ScoreInput::default()
    };
    assert_eq!(score(&input).priority.tier, Tier::Standard);
    input.exploit.epss_percentile = Some(0.97);
    assert_eq!(score(&input).priority.tier, Tier::ExploitLikely);
    input.evidence.package_in_use = PackageUse::NotLoaded;
    assert_eq!(score(&input).priority.tier, Tier::NotLoaded);
    input.exploit.kev = true;
    assert_eq!(score(&input).priority.tier, Tier::Kev);
}
