//! Tests for the nuget scheme: NuGet.Versioning `NuGetVersion` / `VersionComparer`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::NuGet;

#[test]
fn fixture_nuget() {
    assert!(check_file(SCHEME, "nuget.txt") > 30);
}

/// Rules of NuGet.Versioning (`NuGetVersion.TryParse`, `VersionComparer.Default`) that
/// the fixture does not cover. No .NET runtime is reachable from this machine's package
/// registries, so there is no tool baseline for NuGet; these follow NuGet.Versioning's
/// source.
#[test]
fn nuget_rules() {
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("1", "1.0.0.0"), Ordering::Equal);
    assert_eq!(cmp(" 1.0 ", "1.0"), Ordering::Equal);
    assert_eq!(cmp("1.0.0-alpha.10", "1.0.0-alpha.9"), Ordering::Greater);
    assert_eq!(cmp("1.0.0-1", "1.0.0-a"), Ordering::Less);
    assert_eq!(cmp("1.0.0-a", "1.0.0-a.0"), Ordering::Less);
    assert_eq!(cmp("1.0.0-a-b", "1.0.0-A-B"), Ordering::Equal);
    // `-5` is Int32 -5 for NuGet, so it is numeric and below `0`.
    assert_eq!(cmp("1.0.0-a.-5", "1.0.0-a.0"), Ordering::Less);
    // Too big for an Int32: a string label, above every numeric one.
    assert_eq!(cmp("1.0.0-99999999999", "1.0.0-5"), Ordering::Greater);
    assert_eq!(cmp("1.0.0-99999999999", "1.0.0-a"), Ordering::Less); // '9' < 'A'
    assert_eq!(cmp("2147483648.0", "2147483647.0"), Ordering::Greater);
    for bad in [
        "",
        "1.0.0.0.0",
        "1.0-",
        "1.0+",
        "1.0.0-01",
        "1.0.0-a..b",
        "1.0.0-a+b+c",
        "a",
        "1.a",
        "1..0",
        "v1.0",
        "1.0 .1",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
    assert!(
        Version::parse(SCHEME, "1.0.0+01").is_ok(),
        "leading zeros are fine in metadata"
    );
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,2}(\\.[0-9]{1,2}){0,3}(-([1-9][0-9]?|[a-cA-C][0-9a-cA-C-]{0,2})(\\.([1-9]|[a-cA-C]{1,2})){0,2})?(\\+[0-9a-z]{1,3})?"
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-zA-Z.+ -]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
