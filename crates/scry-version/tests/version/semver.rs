//! Tests for the semver scheme: SemVer 2.0 precedence (node-semver, Cargo).

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::SemVer;

#[test]
fn fixture_semver() {
    assert!(check_file(SCHEME, "semver.txt") > 80);
}

/// `scripts/baselines/semver.sh`: npm, crates.io, Hex and Bitnami advisory versions
/// ordered by node-semver's `semver.compare`.
#[test]
fn baseline_node_semver() {
    assert!(check_baseline(SCHEME, "semver.baseline.txt") > 2_000);
}

#[test]
fn tolerance() {
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("1.2", "1.2.0"), Ordering::Equal);
    assert_eq!(cmp("=v1.2.3", "1.2.3"), Ordering::Equal);
    assert_eq!(cmp("1", "1.0.0"), Ordering::Equal);
    assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
    assert_eq!(cmp("1.0.0-rc.1+a", "1.0.0-rc.1+b"), Ordering::Equal);
    assert_eq!(cmp("1.1.3.4", "1.1.3"), Ordering::Greater);
    assert_eq!(Version::parse(SCHEME, "1.2").unwrap().to_string(), "1.2");
    for bad in [
        "",
        "1.",
        "1..2",
        "1.2.3-",
        "1.2.3+",
        "1.2.3-a..b",
        "1.2.x",
        "1.2.3beta",
        " 1.2.3",
        "1.2.3-é",
        "v",
        "=",
        "^1.2.3",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

fn version() -> impl Strategy<Value = String> {
    "v?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-[0-9a-bA-]{1,3}(\\.[0-9a-b-]{1,3}){0,2})?(\\+[0-9a-z]{1,3})?"
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-zA-Z.+=v-]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
