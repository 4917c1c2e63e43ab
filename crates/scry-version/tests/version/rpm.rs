//! Tests for the rpm scheme: `rpmvercmp` and EVR splitting (rpm 4.18).

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::check_file;

const SCHEME: VersionScheme = VersionScheme::Rpm;

/// `redhat.txt` (osv-scalibr) includes `1 < 1-1`, `1 < 1-0` and `1 < 1-`: a missing
/// release sorts first. rpm 4.18 agrees:
///
/// ```text
/// $ rpm --eval '%{lua:print(rpm.vercmp("1", "1-"))}'
/// -1
/// $ rpm --eval '%{lua:print(rpm.vercmp("1-~", "1"))}'
/// 1
/// ```
///
/// In fact rpm 4.18's `rpm.vercmp` gives the fixture's answer for all 165 vectors of
/// `redhat.txt` and all 91 of `rpm.rpmvercmp.derived.txt` (checked while writing
/// `scripts/baselines/rpm.py`).
#[test]
fn fixture_redhat() {
    assert!(check_file(SCHEME, "redhat.txt") > 150);
}

/// rpm's own `tests/rpmvercmp.at`, compared as whole EVR strings (none of them has a `-`
/// or an epoch, so the EVR split leaves them to `rpmvercmp` unchanged).
#[test]
fn fixture_rpmvercmp() {
    assert!(check_file(SCHEME, "rpm.rpmvercmp.derived.txt") > 90);
}

/// `scripts/baselines/rpm.sh`: AlmaLinux advisory EVRs ordered by rpm 4.18's
/// `rpm.vercmp`.
#[test]
fn baseline_rpm() {
    assert!(check_baseline(SCHEME, "rpm.baseline.txt") > 2_000);
}

/// EVR splitting and the missing-release rule; every comparison here is what rpm 4.18's
/// `rpm.vercmp` answers.
#[test]
fn evr_split() {
    let v = scry_version::rpm::RpmVersion::parse("2:1.0-3.el9").unwrap();
    assert_eq!(
        (v.epoch(), v.version(), v.release()),
        ("2", "1.0", Some("3.el9"))
    );
    let v = scry_version::rpm::RpmVersion::parse("a:1-2-3").unwrap();
    assert_eq!(
        (v.epoch(), v.version(), v.release()),
        ("", "a:1-2", Some("3"))
    );
    let v = scry_version::rpm::RpmVersion::parse("1:2").unwrap();
    assert_eq!((v.epoch(), v.version(), v.release()), ("1", "2", None));
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp(":1", "0:1"), Ordering::Equal);
    assert_eq!(cmp("1:1", "99"), Ordering::Greater);
    assert_eq!(cmp("1-", "1-0"), Ordering::Less);
    assert_eq!(cmp("1-~", "1-"), Ordering::Less);
    assert_eq!(cmp("1", "1-~"), Ordering::Less);
    for bad in ["", " 1", "1 ", "1\n"] {
        assert!(Version::parse(SCHEME, bad).is_err(), "{bad:?}");
    }
}

fn version() -> impl Strategy<Value = String> {
    "([0-9]{1,2}:)?[0-9a-c.~^_+]{1,8}(-[0-9a-c.~^_]{0,4})?"
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-zA-Z.:~^_+α-]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
