//! Tests for the hackage scheme: Haskell `Data.Version` (PVP).

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::Hackage;

#[test]
fn fixture_hand_written() {
    assert!(check_file(SCHEME, "hackage.txt") >= 10);
}

#[test]
fn rejects_non_versions() {
    for bad in [
        "", "1.", ".1", "1..2", "1.0-tag", "1.0a", " 1.0", "v1", "-1",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

#[test]
fn no_trailing_zero_normalisation() {
    let cmp = |a, b| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("1", "1.0"), Ordering::Less);
    assert_eq!(cmp("1.0", "1.0.0"), Ordering::Less);
    assert_eq!(cmp("1.10", "1.9"), Ordering::Greater);
    assert_eq!(cmp("1.01", "1.1"), Ordering::Equal);
    assert_eq!(
        cmp("99999999999999999999999.1", "99999999999999999999998.2"),
        Ordering::Greater
    );
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,3}(\\.[0-9]{1,3}){0,4}"
}

proptest! {
    #[test]
    fn total_order(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile_input(a in any::<String>(), b in "[0-9.]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
