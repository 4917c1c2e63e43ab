//! Tests for the cran scheme: R `package_version`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::Cran;

#[test]
fn fixture_hand_written() {
    assert!(check_file(SCHEME, "cran.txt") > 20);
}

#[test]
fn fixture_generated() {
    assert!(check_file(SCHEME, "cran.generated.txt") > 50);
}

#[test]
fn baseline_from_r() {
    assert!(check_baseline(SCHEME, "cran.baseline.txt") > 1000);
}

#[test]
fn rejects_what_package_version_rejects() {
    for bad in [
        "", "1", "1.", ".1", "1..2", "1.0a", "1.0 ", "v1.0", "1.-0", "1,0", "1.0-",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

#[test]
fn separators_and_big_numbers() {
    let cmp = |a, b| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("1.0-1", "1.0.1"), std::cmp::Ordering::Equal);
    assert_eq!(cmp("0.01", "0.1"), std::cmp::Ordering::Equal);
    assert_eq!(cmp("1.0", "1.0.0"), std::cmp::Ordering::Less);
    assert_eq!(
        cmp("1.99999999999999999999999", "1.100000000000000000000000"),
        std::cmp::Ordering::Less
    );
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,3}([.-][0-9]{1,3}){1,4}"
}

proptest! {
    #[test]
    fn total_order(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile_input(a in any::<String>(), b in "[0-9.-]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
