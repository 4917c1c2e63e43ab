//! Validation (one test per failure kind) and values straight from the specifications.

use scry_cvss::{AttackVector, CvssError, Environment, Rating, Requirement, Vector, Version};

fn err(s: &str) -> CvssError {
    Vector::parse(s).expect_err(s)
}

#[test]
fn versions_and_prefixes() {
    let cases = [
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P", Version::V2_0),
        ("(AV:N/AC:L/Au:N/C:P/I:P/A:P)", Version::V2_0),
        (
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Version::V3_0,
        ),
        (
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            Version::V3_1,
        ),
        (
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            Version::V4_0,
        ),
    ];
    for (s, version) in cases {
        assert_eq!(Vector::parse(s).unwrap().version(), version, "{s}");
    }
}

#[test]
fn bad_prefix() {
    for s in [
        "CVSS:3.2/AV:N",
        "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        "CVSS:/AV:N",
        "CVSS:4.0",
    ] {
        assert!(
            matches!(
                err(s),
                CvssError::BadPrefix { .. } | CvssError::EmptyComponent { .. }
            ),
            "{s}: {}",
            err(s)
        );
    }
    assert!(
        matches!(err("CVSS:3.2/AV:N"), CvssError::BadPrefix { prefix, .. } if prefix == "CVSS:3.2")
    );
}

#[test]
fn missing_prefix_names_the_metric() {
    let e = err("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    assert!(
        matches!(&e, CvssError::MissingPrefix { metric, .. } if metric == "PR"),
        "{e}"
    );
    assert!(e.to_string().contains("`CVSS:3.1/`"), "{e}");
}

#[test]
fn each_failure_kind() {
    assert_eq!(err(""), CvssError::Empty);
    assert_eq!(err("   "), CvssError::Empty);
    assert!(matches!(
        err(&"A".repeat(600)),
        CvssError::TooLong { len: 600, .. }
    ));
    assert!(matches!(
        err("(AV:N/AC:L/Au:N/C:P/I:P/A:P"),
        CvssError::Unbalanced { .. }
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N//AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::EmptyComponent { position: 2, .. }
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/"),
        CvssError::EmptyComponent { position: 9, .. }
    ));
    assert!(matches!(
        err("CVSS:3.1/AVN/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::MalformedComponent { component, .. } if component == "AVN"
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y"),
        CvssError::UnknownMetric { metric, version: "3.1", .. } if metric == "XX"
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::DuplicateMetric { metric, .. } if metric == "AV"
    ));
    assert!(matches!(
        err("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H"),
        CvssError::MissingMetric { metrics, .. } if metrics == "S, A"
    ));
    let e = err("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U");
    assert!(
        matches!(&e, CvssError::BadValue { metric, value, .. } if metric == "I" && value == "U")
    );
    assert_eq!(
        e.to_string(),
        "CVSS vector `CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:U/A:U`: bad value `U` for metric `I`; expected one of H, L, N"
    );
    // Base metrics have no "not defined" value; v4 base SI has no Safety value.
    assert!(matches!(
        err("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        CvssError::BadValue { .. }
    ));
    assert!(matches!(
        err("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N"),
        CvssError::BadValue { .. }
    ));
    // Metric names are case-sensitive (`Au` in v2); `AU` is v4's Automatable.
    assert!(matches!(
        err("AV:N/AC:L/au:N/C:P/I:P/A:P"),
        CvssError::UnknownMetric { .. }
    ));
    assert!(matches!(
        err("AV:N/AC:L/AU:N/C:P/I:P/A:P"),
        CvssError::MissingPrefix { .. }
    ));
}

#[test]
fn canonical_display() {
    let v = Vector::parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/MAV:L").unwrap();
    assert_eq!(
        v.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MAV:L"
    );
    let v = Vector::parse("(AV:N/AC:L/Au:N/C:P/I:P/A:P/E:ND)").unwrap();
    assert_eq!(v.to_string(), "AV:N/AC:L/Au:N/C:P/I:P/A:P");
}

fn scores(s: &str) -> (f64, Option<f64>, Option<f64>, f64) {
    let x = Vector::parse(s).unwrap().scores();
    (x.base, x.temporal, x.environmental, x.overall)
}

#[test]
fn specification_values() {
    assert_eq!(
        scores("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
        (7.5, Some(7.5), Some(7.5), 7.5)
    );
    // v2 guide §3.3.1 style: temporal and environmental.
    assert_eq!(
        scores("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF/RC:C/CDP:H/TD:H/CR:H/IR:H/AR:H"),
        (7.5, Some(5.9), Some(8.5), 8.5)
    );
    assert_eq!(
        scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        (9.8, Some(9.8), Some(9.8), 9.8)
    );
    assert_eq!(
        scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").0,
        0.0
    );
    assert_eq!(
        scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").3,
        9.3
    );
    // Threat E:U lowers, MSI:S (safety) raises the v4 score.
    let v4 = scores("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U/MSI:S");
    assert_eq!((v4.0, v4.1, v4.3), (9.3, None, 9.4));
}

/// v3.1 changed the modified impact for a changed modified scope.
#[test]
fn v30_and_v31_modified_impact_differ() {
    let rest = "AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:N/CR:L";
    assert_eq!(scores(&format!("CVSS:3.0/{rest}")).2, Some(9.6));
    assert_eq!(scores(&format!("CVSS:3.1/{rest}")).2, Some(9.5));
}

/// `5.0 × 0.92` is `4.6000000000000005` in binary; the v3.0 definition of Round up gives 4.6
/// (the Python reference agrees), a plain float ceiling would give 4.7.
#[test]
fn v30_roundup_is_decimal_ceiling() {
    let s = "CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:C/C:N/I:N/A:H/RC:U";
    assert_eq!(scores(s), (5.0, Some(4.6), Some(4.6), 4.6));
}

#[test]
fn ratings() {
    assert_eq!(Rating::for_score(Version::V2_0, 0.0), Rating::Low);
    assert_eq!(Rating::for_score(Version::V2_0, 10.0), Rating::High);
    assert_eq!(Rating::for_score(Version::V3_1, 0.0), Rating::None);
    assert_eq!(Rating::for_score(Version::V4_0, 9.0), Rating::Critical);
    assert_eq!(Rating::for_score(Version::V3_1, 6.9), Rating::Medium);
}

#[test]
fn environment_overrides() {
    let v = Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
    let env = Environment {
        attack_vector: Some(AttackVector::Local),
        confidentiality: Some(Requirement::Low),
        ..Environment::default()
    };
    let w = v.with_environment(&env).unwrap();
    assert_eq!(
        w.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/MAV:L"
    );
    assert_eq!(w.scores().overall, 8.1);
    assert_eq!(w.effective_attack_vector(), Some(AttackVector::Local));
    let mut x = w;
    x.set("MAV", "X").unwrap();
    assert_eq!(x.get("MAV"), None);
    assert!(x.set("AV", "X").is_err());
    let v2 = Vector::parse("AV:N/AC:L/Au:N/C:P/I:P/A:P").unwrap();
    assert!(v2.with_environment(&env).is_err());
}

/// The v2 guide does not clamp the adjusted base: with `CR:L` it is −0.2 here, and the
/// environmental score is round((−0.2 × 0.9 → −0.2) + (10 + 0.2) × 0.4) = 3.9 (the Python
/// reference agrees; clamping would give 4.0).
#[test]
fn v2_negative_adjusted_base() {
    let s = "AV:L/AC:H/Au:M/C:P/I:N/A:N/E:ND/RL:TF/RC:ND/CDP:MH/TD:ND/CR:L/IR:H/AR:ND";
    assert_eq!(scores(s), (0.8, Some(0.7), Some(3.9), 3.9));
}
