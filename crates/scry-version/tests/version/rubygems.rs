//! Tests for the rubygems scheme: `Gem::Version`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;
use std::path::Path;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::{check_file, read_vectors};

const SCHEME: VersionScheme = VersionScheme::RubyGems;

#[test]
fn fixture_generated() {
    assert!(check_file(SCHEME, "rubygems.generated.txt") > 4000);
}

/// `rubygems.txt` has `1 > 1beta` and `1 > 1gamma`, but `Gem::Version` refuses both
/// strings (a letter may only follow a `.` or `-`), RubyGems 3.3.15:
///
/// ```text
/// $ ruby -e 'Gem::Version.new("1beta")'
/// Malformed version number string 1beta (ArgumentError)
/// ```
///
/// `scripts/baselines/rubygems.rb` lists the fixture strings Gem::Version rejects in
/// `tests/data/rubygems.fixture-invalid.txt`; scry must reject exactly those, and every
/// vector without them must hold.
#[test]
fn fixture_hand_written() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rubygems.fixture-invalid.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let invalid: Vec<&str> = text.lines().filter(|l| !l.starts_with("# ")).collect();
    assert_eq!(invalid, ["1beta", "1gamma"]);
    let (mut checked, mut rejected) = (0, 0);
    for (a, op, b) in read_vectors("rubygems.txt") {
        if invalid.contains(&a.as_str()) || invalid.contains(&b.as_str()) {
            for s in [&a, &b] {
                let parsed = Version::parse(SCHEME, s);
                assert_eq!(
                    parsed.is_err(),
                    invalid.contains(&s.as_str()),
                    "{s:?}: {parsed:?}"
                );
            }
            rejected += 1;
            continue;
        }
        let va = Version::parse(SCHEME, &a).unwrap();
        let vb = Version::parse(SCHEME, &b).unwrap();
        assert_eq!(va.cmp(&vb), op, "{a} {op:?} {b}");
        assert_eq!(vb.cmp(&va), op.reverse(), "{b} {a}");
        checked += 1;
    }
    assert_eq!(rejected, 2);
    assert!(checked > 20);
}

#[test]
fn baseline_from_gem_version() {
    assert!(check_baseline(SCHEME, "rubygems.baseline.txt") > 4000);
}

#[test]
fn segment_rules() {
    let cmp = |a, b| scry_version::compare(SCHEME, a, b).unwrap();
    let equal = [
        ("1.0.a10", "1.0.a.10"),
        ("1.0.0", "1"),
        ("1.a.0", "1.a"),
        ("1.0.a", "1.a"),
        ("1.0-beta", "1.0.pre.beta"),
        ("01.0", "1"),
        (" 1.0\n", "1.0"),
    ];
    for (a, b) in equal {
        assert_eq!(cmp(a, b), Ordering::Equal, "{a} = {b}");
    }
    let ascending = [
        "1.0.A", "1.0.a", "1.0.a.1", "1.0.b", "1.0", "1.0.0.1", "1.1",
    ];
    for w in ascending.windows(2) {
        assert_eq!(cmp(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
    }
    assert_eq!(cmp("1.0-beta", "1.0.beta"), Ordering::Greater);
    assert_eq!(cmp("1.0-alpha", "1.0.rc"), Ordering::Less);
    assert!(matches!(
        Version::parse(SCHEME, "1.0.a").unwrap(),
        Version::RubyGems(v) if v.is_prerelease()
    ));
}

#[test]
fn rejects_malformed() {
    for bad in [
        "",
        " ",
        "1beta",
        "v1.0",
        "a",
        ".1",
        "1.",
        "1..0",
        "1.0-",
        "1.-1",
        "1.0+local",
        "1 0",
        "1\u{a0}",
        "1,0",
        "1.0.é",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
    for good in ["1.0--", "1.0-a-", "1.0-1.2-3", "\t1.0\u{b}"] {
        assert!(Version::parse(SCHEME, good).is_ok(), "{good:?} must parse");
    }
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,3}(\\.([0-9]{1,3}|[a-cA-C]{1,2}[0-9]?)){0,4}(-[0-9a-c]{1,3}(\\.[0-9a-c-]{1,3}){0,2})?"
}

proptest! {
    #[test]
    fn total_order(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile_input(a in any::<String>(), b in "[0-9a-zA-Z.+_ -]{0,16}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
