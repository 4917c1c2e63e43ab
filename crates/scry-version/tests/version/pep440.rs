//! Tests for the pep440 scheme: Python `packaging.version.Version`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::read_vectors;

const SCHEME: VersionScheme = VersionScheme::Pep440;

/// The fixture strings that packaging rejects, as listed by
/// `scripts/baselines/pep440.py` (which asks packaging for each string of the fixtures).
fn legacy() -> Vec<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pep440.fixture-legacy.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with("# "))
        .map(str::to_owned)
        .collect()
}

/// Checks a pypi fixture file. Its legacy (pre-PEP 440) versions such as `0.1-bulbasaur`,
/// `0.7.10p1` or `-class.-jw.util.version.version-pre` were ordered by the peer with the
/// `LegacyVersion` of packaging < 22. packaging removed `LegacyVersion` in 22; packaging
/// 26.4 (the reference here) raises for every one of them:
///
/// ```text
/// >>> packaging.version.Version("0.1-bulbasaur")
/// packaging.version.InvalidVersion: Invalid version: '0.1-bulbasaur'
/// ```
///
/// `scripts/baselines/pep440.py` lists them (asking packaging) in
/// `tests/data/pep440.fixture-legacy.txt`. A vector with a listed side must have that side
/// rejected by scry (not silently skipped); every other vector must hold. Returns
/// (vectors compared, legacy vectors).
fn check_pypi_fixture(name: &str) -> (usize, usize) {
    let legacy = legacy();
    let is_legacy = |s: &str| legacy.iter().any(|l| l == s);
    let mut failures = Vec::new();
    let (mut checked, mut legacy_vectors) = (0, 0);
    for (a, op, b) in read_vectors(name) {
        if is_legacy(&a) || is_legacy(&b) {
            legacy_vectors += 1;
            for s in [&a, &b] {
                let parsed = Version::parse(SCHEME, s);
                if is_legacy(s) == parsed.is_ok() {
                    failures.push(format!(
                        "{s:?}: packaging rejects it iff listed; scry: {parsed:?}"
                    ));
                }
            }
            continue;
        }
        match (Version::parse(SCHEME, &a), Version::parse(SCHEME, &b)) {
            (Ok(va), Ok(vb)) => {
                if va.cmp(&vb) != op || vb.cmp(&va) != op.reverse() {
                    failures.push(format!("{a} {op:?} {b}: got {:?}", va.cmp(&vb)));
                }
            }
            (Err(e), _) | (_, Err(e)) => failures.push(format!("{a} {op:?} {b}: {e}")),
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    (checked, legacy_vectors)
}

#[test]
fn fixture_generated() {
    let (checked, legacy) = check_pypi_fixture("pypi.generated.txt");
    assert_eq!(legacy, 69);
    assert!(checked > 12_000);
}

#[test]
fn fixture_hand_written() {
    let (checked, legacy) = check_pypi_fixture("pypi.txt");
    assert_eq!(legacy, 11);
    assert!(checked > 20);
}

#[test]
fn baseline_from_packaging() {
    assert!(check_baseline(SCHEME, "pep440.baseline.txt") > 2000);
}

#[test]
fn normalisation_and_ordering_rules() {
    let cmp = |a, b| scry_version::compare(SCHEME, a, b).unwrap();
    let equal = [
        ("1.0", "1.0.0"),
        ("1", "1.0.0.0"),
        ("v1.0", "1.0"),
        (" 1.0\n", "1.0"),
        ("1.0ALPHA1", "1.0a1"),
        ("1.0-a_1", "1.0a1"),
        ("1.0c1", "1.0rc1"),
        ("1.0pre1", "1.0rc1"),
        ("1.0preview1", "1.0rc1"),
        ("1.0-1", "1.0.post1"),
        ("1.0rev1", "1.0.post1"),
        ("1.0r", "1.0.post0"),
        ("1.0a", "1.0a0"),
        ("1.0a-", "1.0a0"),
        ("1.0.dev", "1.0.dev0"),
        ("0!1.0", "1.0"),
        ("1.0+ABC.007", "1.0+abc.7"),
        ("1.0+a-b_c", "1.0+a.b.c"),
    ];
    for (a, b) in equal {
        assert_eq!(cmp(a, b), Ordering::Equal, "{a} = {b}");
    }
    let ascending = [
        "1.0.dev1",
        "1.0a1.dev1",
        "1.0a1",
        "1.0a2",
        "1.0b1",
        "1.0rc1.dev1",
        "1.0rc1",
        "1.0",
        "1.0+abc",
        "1.0+abc.5",
        "1.0+1",
        "1.0.post1.dev1",
        "1.0.post1",
        "1.0.1",
        "1!0.1",
    ];
    for w in ascending.windows(2) {
        assert_eq!(cmp(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
    }
}

#[test]
fn rejects_what_packaging_rejects() {
    let too_long = format!("1.{}", "9".repeat(4301));
    let bad = [
        "",
        "  ",
        "1.0-",
        "1.0.",
        ".1",
        "1..0",
        "1.0+",
        "1.0+a.",
        "1.0+a..b",
        "1.0--1",
        "1.0abc",
        "1!",
        "!1",
        "1.0.post1.post2",
        "1.0a1b2",
        "1.0.dev1.a1",
        "vv1",
        "1.0+é",
        "١.٠",
        too_long.as_str(),
    ];
    for s in bad {
        assert!(Version::parse(SCHEME, s).is_err(), "{s:?} must be rejected");
    }
    // 4300 digits is still fine.
    assert!(Version::parse(SCHEME, &format!("1.{}", "9".repeat(4300))).is_ok());
}

fn version() -> impl Strategy<Value = String> {
    concat!(
        "(v|V)?([0-9]!)?[0-9]{1,2}(\\.[0-9]{1,2}){0,3}",
        "([._-]?(a|A|alpha|b|beta|c|rc|RC|pre|preview)[._-]?[0-9]{0,2})?",
        "(-[0-9]{1,2}|[._-]?(post|rev|r)[._-]?[0-9]{0,2})?",
        "([._-]?(dev|DEV)[._-]?[0-9]{0,2})?",
        "(\\+[a-zA-Z0-9]{1,3}([._-][a-z0-9]{1,3}){0,2})?"
    )
}

proptest! {
    #[test]
    fn total_order(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile_input(a in any::<String>(), b in "[0-9a-zA-Z.+!_ -]{0,16}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
