//! Tests for the dpkg scheme: `dpkg --compare-versions` (dpkg 1.21).

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::Dpkg;

#[test]
fn fixture_hand_written() {
    assert!(check_file(SCHEME, "debian.txt") > 25);
}

#[test]
fn fixture_generated() {
    assert!(check_file(SCHEME, "debian.generated.txt") > 14_000);
}

/// `scripts/baselines/dpkg.py`: real Debian/Ubuntu advisory versions, ordered by
/// `dpkg --compare-versions`, and strings dpkg refuses with an error.
#[test]
fn baseline_dpkg() {
    assert!(check_baseline(SCHEME, "dpkg.baseline.txt") > 2_000);
}

/// dpkg errors (not warnings) on these; each message is dpkg's. Checked with dpkg
/// 1.21.22: `dpkg --compare-versions 2 eq V` exits 2 for every one of them, except the
/// empty string, which `--compare-versions` takes as "no version" (sorting before every
/// version) rather than as a version; scry has no such value and rejects it.
#[test]
fn rejects_what_dpkg_rejects() {
    for bad in [
        "",                       // version string is empty
        "   ",                    // version string is empty
        "1.0 1",                  // version string has embedded spaces
        ":1.0",                   // epoch in version is empty
        "a:1.0",                  // epoch in version is not number
        "1a:1.0",                 // epoch in version is not number
        "-1:1.0",                 // epoch in version is negative
        "2147483648:1",           // epoch in version is too big
        "99999999999999999999:1", // epoch in version is too big
        "1:",                     // nothing after colon in version number
        "1.0-",                   // revision number is empty
        "-1",                     // version number is empty
        "1:-1",                   // version number is empty
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

/// dpkg only warns on these and compares them: accepted, same order. Every answer here
/// is what `dpkg --compare-versions` (1.21.22, amd64) gives.
#[test]
fn accepts_what_dpkg_only_warns_about() {
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    use std::cmp::Ordering::{Equal, Greater, Less};
    assert_eq!(cmp("abc", "1.0"), Greater); // does not start with a digit; letters > digits
    assert_eq!(cmp("1.0_1", "1.0+1"), Greater); // invalid `_` (0x5f) vs `+` (0x2b): by code
    assert_eq!(cmp(" 1.0 ", "1.0"), Equal); // leading/trailing blanks trimmed
    assert_eq!(cmp("+1:2", "1:2"), Equal); // strtol takes a sign
    assert_eq!(cmp("-0:2", "2"), Equal);
    assert_eq!(cmp("2147483647:1", "1:9"), Greater);
    assert_eq!(cmp("1.0~~", "1.0~~a"), Less);
    // Non-ASCII (a warning): after letters, before ASCII symbols (signed `char`).
    assert_eq!(cmp("1.0é", "1.0+"), Less);
    assert_eq!(cmp("1.0é", "1.0z"), Greater);
    assert_eq!(cmp("1.0~", "1.0"), Less);
    assert_eq!(cmp("1.0", "1.0a"), Less);
    assert_eq!(cmp("1.0a", "1.0+"), Less);
    assert_eq!(cmp("1.0+", "1.0.1"), Less);
    assert_eq!(cmp("1:2:3-4-5", "1:2:3-4-5"), Equal);
    assert_eq!(cmp("1.00000000000000000000000000001", "1.1"), Equal);
    assert_eq!(
        cmp(
            "1.99999999999999999999999999999",
            "1.100000000000000000000000000000"
        ),
        Less
    );
}

fn version() -> impl Strategy<Value = String> {
    "([0-9]{1,2}:)?[0-9][0-9a-c.+~]{0,6}(-[0-9a-c.+~]{1,4})?"
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-z.:+~ -]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
