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
        vectors: vec![sv(Source::Nvd, "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H")],
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
        vectors: vec![sv(Source::Advisory, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")],
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

#[test]
fn print_examples() {
    for input in [example_tomcat(), example_gdal(), example_activemq()] {
        eprintln!("{}", serde_json::to_string_pretty(&score(&input)).unwrap());
    }
}
