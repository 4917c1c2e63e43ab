//! Tests for the pub scheme: Dart `pub_semver` `Version.compareTo`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::Pub;

#[test]
fn fixture_pub() {
    assert!(check_file(SCHEME, "pub.txt") > 90);
}

/// `pub_semver` rules not in the fixture. No Dart SDK is reachable from this machine's
/// package registries, so there is no tool baseline for pub; these follow
/// `pub_semver`'s `Version.compareTo` and `_compareLists`.
#[test]
fn pub_rules() {
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Less);
    assert_eq!(cmp("1.0.0+1", "1.0.0+01"), Ordering::Equal);
    assert_eq!(cmp("1.0.0+a", "1.0.0+a.b"), Ordering::Less);
    assert_eq!(cmp("1.0.0-a+z", "1.0.0-b"), Ordering::Less);
    assert_eq!(cmp("1.0.0+z", "1.0.1-a"), Ordering::Less);
    assert_ne!(
        Version::parse(SCHEME, "1.0.0+a").unwrap(),
        Version::parse(SCHEME, "1.0.0+b").unwrap()
    );
}

fn version() -> impl Strategy<Value = String> {
    "v?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-[0-9a-bA-]{1,3}(\\.[0-9a-b-]{1,3}){0,2})?(\\+[0-9a-b]{1,3}(\\.[0-9a-b]{1,2})?)?"
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
