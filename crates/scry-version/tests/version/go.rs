//! Tests for the go scheme: `golang.org/x/mod/semver` plus Go toolchain names.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::read_vectors;

const SCHEME: VersionScheme = VersionScheme::Go;

/// `semver.txt` is used by the peer for Go too. Go refuses one of its strings,
/// `1.1.3.4.5` (four numbers), so scry's Go scheme does too:
///
/// ```text
/// semver.IsValid("v1.1.3.4.5") == false   // golang.org/x/mod 0.7.0, Go 1.19
/// ```
///
/// (every other string of the file is valid for Go, checked the same way; `999...991`
/// is the shorthand `v999...991.0.0`). Every other vector must hold.
#[test]
fn fixture_semver() {
    const GO_INVALID: &[&str] = &["1.1.3.4.5"];
    let mut checked = 0;
    for (a, op, b) in read_vectors("semver.txt") {
        if GO_INVALID.contains(&a.as_str()) || GO_INVALID.contains(&b.as_str()) {
            for s in [&a, &b] {
                if GO_INVALID.contains(&s.as_str()) {
                    assert!(Version::parse(SCHEME, s).is_err(), "{s:?} is invalid in Go");
                }
            }
            continue;
        }
        let va = Version::parse(SCHEME, &a).unwrap();
        let vb = Version::parse(SCHEME, &b).unwrap();
        assert_eq!(va.cmp(&vb), op, "{a} {op:?} {b}");
        assert_eq!(vb.cmp(&va), op.reverse(), "{b} vs {a}");
        checked += 1;
    }
    assert!(checked > 80, "{checked}");
}

/// `scripts/baselines/go.sh`: Go vulndb versions ordered by `semver.Compare` of
/// `golang.org/x/mod` (with the `v` added), and `! V` for what `semver.IsValid` refuses.
#[test]
fn baseline_go() {
    assert!(check_baseline(SCHEME, "go.baseline.txt") > 2_000);
}

#[test]
fn toolchain_and_module_forms() {
    let cmp = |a: &str, b: &str| scry_version::compare(SCHEME, a, b).unwrap();
    assert_eq!(cmp("go1.21.3", "1.21.3"), Ordering::Equal);
    assert_eq!(cmp("go1.21rc2", "go1.21.0"), Ordering::Less);
    assert_eq!(cmp("1.21rc2", "1.21.0-rc.2"), Ordering::Equal);
    assert_eq!(cmp("1.21.0-0", "1.21rc1"), Ordering::Less);
    assert_eq!(cmp("go1.20", "1.20.0"), Ordering::Equal);
    assert_eq!(cmp("go1.9.2rc2", "1.9.2"), Ordering::Less);
    assert_eq!(
        cmp("0", "0.0.0-20160722212129-ac0cc4484ad4"),
        Ordering::Greater
    );
    assert_eq!(cmp("v2.0.0+incompatible", "2.0.0"), Ordering::Equal);
    assert_eq!(
        cmp("1.2.4-0.20191109021931-daa7c04131f5", "1.2.3"),
        Ordering::Greater
    );
    assert_eq!(
        cmp("1.2.4-0.20191109021931-daa7c04131f5", "1.2.4-pre"),
        Ordering::Less
    );
    assert!(
        scry_version::go::GoVersion::parse("2.0.0+incompatible")
            .unwrap()
            .is_incompatible()
    );
    for bad in [
        "",
        "v",
        "01.0.0",
        "1.02.0",
        "1.0.0-01",
        "1.2-pre",
        "1.0.0.0",
        "go",
        "go1.21x",
        "1.21rc",
        "1.0.0+",
        "v1.0.0-a..b",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        "v?(0|[1-9][0-9]?)\\.(0|[1-9])\\.(0|[1-9])(-(0|[1-9][0-9]?|[a-c][0-9a-c-]{0,2})(\\.(0|[1-9]|[a-c]{1,2})){0,2})?(\\+incompatible)?",
        "v?[1-9](\\.(0|[1-9]))?",
        "go1(\\.(0|[1-9][0-9]?)){0,2}((rc|beta)[1-3])?",
    ]
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-z.+v-]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
