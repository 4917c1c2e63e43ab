//! Tests for the composer scheme: Composer's `VersionParser::normalize` + PHP
//! `version_compare`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use proptest::prelude::*;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::read_vectors;

const SCHEME: VersionScheme = VersionScheme::Composer;

fn data(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .unwrap()
}

fn op(s: &str) -> Ordering {
    match s {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        other => panic!("operator {other:?}"),
    }
}

/// The packagist fixtures were ordered by the peer with raw `version_compare` (after
/// stripping a leading `v`), not with Composer. `scripts/baselines/composer.php` asks
/// Composer (composer/semver 3.3.2 `VersionParser::normalize`, then PHP 8.2
/// `version_compare`) about every fixture vector and lists where it disagrees in
/// `tests/data/composer.fixture-conflicts.txt`:
///
/// * `! V`: `normalize` throws for `V` (`1.2.3.#`, `4.3-2RC1`, 30-digit majors,
///   Python-style `3.0.0b1.post1`), so scry rejects it;
/// * `A OP B`: Composer's answer, e.g. `1.0.0 = 1.0` (both normalise to `1.0.0.0`),
///   `v3.0 > v3.0.0-beta`, `v1.9.0-ALPHA.1 < v1.9.0-BETA.1` (raw `version_compare` does
///   not know upper-case `ALPHA`, Composer lower-cases it).
///
/// scry follows Composer there and the fixture everywhere else.
fn check_packagist_fixture(name: &str) -> (usize, usize) {
    let text = data("composer.fixture-conflicts.txt");
    let mut rejected = HashSet::new();
    let mut answers = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with("# ")) {
        if let Some(bad) = line.strip_prefix("! ") {
            rejected.insert(bad.to_owned());
        } else {
            let p: Vec<&str> = line.split(' ').collect();
            answers.insert((p[0].to_owned(), p[2].to_owned()), op(p[1]));
        }
    }
    let mut failures = Vec::new();
    let (mut checked, mut conflicts) = (0, 0);
    for (a, fixture_op, b) in read_vectors(name) {
        checked += 1;
        if rejected.contains(&a) || rejected.contains(&b) {
            conflicts += 1;
            for s in [&a, &b] {
                let parsed = Version::parse(SCHEME, s);
                if parsed.is_ok() == rejected.contains(s) {
                    failures.push(format!(
                        "{s:?}: Composer rejects it iff listed; scry {parsed:?}"
                    ));
                }
            }
            continue;
        }
        let want = match answers.get(&(a.clone(), b.clone())) {
            Some(&tool) => {
                conflicts += 1;
                tool
            }
            None => fixture_op,
        };
        match (Version::parse(SCHEME, &a), Version::parse(SCHEME, &b)) {
            (Ok(va), Ok(vb)) => {
                if va.cmp(&vb) != want || vb.cmp(&va) != want.reverse() {
                    failures.push(format!("{a} {want:?} {b}: got {:?}", va.cmp(&vb)));
                }
            }
            (Err(e), _) | (_, Err(e)) => failures.push(format!("{a} {b}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    (checked, conflicts)
}

#[test]
fn fixture_hand_written() {
    let (checked, conflicts) = check_packagist_fixture("packagist.txt");
    assert!(checked > 90);
    assert_eq!(conflicts, 12);
}

#[test]
fn fixture_generated() {
    let (checked, conflicts) = check_packagist_fixture("packagist.generated.txt");
    assert!(checked > 10_000);
    assert_eq!(conflicts, 28);
}

#[test]
fn baseline_from_composer() {
    assert!(check_baseline(SCHEME, "composer.baseline.txt") > 4000);
}

/// Every `input<TAB>normalized` line Composer's `normalize` produced.
#[test]
fn normalizes_like_composer() {
    let text = data("composer.normalize.txt");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with("# ")) {
        let (input, want) = line.split_once('\t').unwrap();
        n += 1;
        match Version::parse(SCHEME, input) {
            Ok(Version::Composer(v)) if v.normalized() == want => {}
            other => failures.push(format!("{input:?}: want {want:?}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(n > 3000);
}

#[test]
fn composer_rules() {
    let norm = |s: &str| match Version::parse(SCHEME, s).unwrap() {
        Version::Composer(v) => v.normalized().to_owned(),
        _ => unreachable!(),
    };
    for (input, want) in [
        ("v1.0", "1.0.0.0"),
        ("1.0.0-beta2", "1.0.0.0-beta2"),
        ("1.0.0-RC1", "1.0.0.0-RC1"),
        ("1.0.0rc1", "1.0.0.0-RC1"),
        ("dev-master", "dev-master"),
        ("master", "dev-master"),
        ("1.0.x-dev", "1.0.9999999.9999999-dev"),
        ("1.2.3.4", "1.2.3.4"),
        ("1.0-p1", "1.0.0.0-patch1"),
        ("1.0-pl2", "1.0.0.0-patch2"),
        ("2019-01-26", "2019.01.26"),
        ("1.0 as 2.0", "1.0.0.0"),
        ("1.0.0+build.5", "1.0.0.0"),
        ("1.0.0-beta2@dev", "1.0.0.0-beta2"),
        ("1.0-stable-dev", "1.0.0.0"),
    ] {
        assert_eq!(norm(input), want, "{input}");
    }
    let cmp = |a, b| scry_version::compare(SCHEME, a, b).unwrap();
    let ascending = [
        "dev-a",
        "dev-b",
        "1.0-dev",
        "1.0-alpha1",
        "1.0-beta1",
        "1.0-RC1",
        "1.0",
        "1.0-p1",
        "1.0.0.1",
        "1.0.x-dev",
        "1.1",
    ];
    for w in ascending.windows(2) {
        assert_eq!(cmp(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
    }
    assert_eq!(cmp("1.0", "v1.0.0.0"), Ordering::Equal);
    assert_eq!(
        cmp("1.0.0.99999999999999999999", "1.0.0.99999999999999999998"),
        Ordering::Greater
    );
    for bad in [
        "",
        "1.0.0.0.0",
        "1.0-foo",
        "foo",
        "1.0.0b1.post1",
        "1234567.1",
        "1.2.3.#",
    ] {
        assert!(
            Version::parse(SCHEME, bad).is_err(),
            "{bad:?} must be rejected"
        );
    }
}

fn version() -> impl Strategy<Value = String> {
    concat!(
        "(v?[0-9]{1,3}(\\.[0-9]{1,3}){0,3}([-._]?(alpha|a|beta|b|RC|rc|p|pl|patch|stable)",
        "([.-]?[0-9]{1,2}){0,2})?([.-]?dev)?",
        "|dev-[a-z]{1,4}|[0-9]{1,2}\\.x-dev|20[0-9]{2}-[01][0-9]-[0-3][0-9])"
    )
}

proptest! {
    #[test]
    fn total_order(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile_input(a in any::<String>(), b in "[0-9a-zA-Z.+@_ -]{0,16}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
