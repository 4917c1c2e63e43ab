//! Tests for the apk scheme: apk-tools 3 `apk_version_validate` / `apk_version_compare`.

#![allow(clippy::unwrap_used, reason = "a test that panics reports the failure")]

use std::cmp::Ordering;

use proptest::prelude::*;
use scry_version::apk::ApkVersion;
use scry_version::{Version, VersionScheme};

use crate::baseline::check_baseline;
use crate::laws::{check_hostile, check_laws};
use crate::vectors::{fixture, read_vectors};

const SCHEME: VersionScheme = VersionScheme::Apk;

/// Runs an `A OP B` fixture whose peer (osv-scalibr) also orders strings that apk-tools
/// 3 rejects as versions (`1-r-0`, `6.6.2p1`, `0..1..0`, `1.2_blah`, `a`, ...; its
/// comments say they come from apk 2.x, which was laxer). scry rejects exactly what
/// `apk_version_validate` rejects, so it cannot order those: every such vector must
/// have a side that scry rejects *and* that fails apk-tools' grammar (checked against the
/// apk-tools table in [`apk_tools_table`]); every vector whose two sides are valid must
/// hold. Returns (checked, skipped-invalid).
fn check_valid_vectors(name: &str) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    let mut checked = 0;
    for (a, op, b) in read_vectors(name) {
        match (ApkVersion::parse(&a), ApkVersion::parse(&b)) {
            (Ok(va), Ok(vb)) => {
                checked += 1;
                if va.cmp(&vb) != op || vb.cmp(&va) != op.reverse() {
                    failures.push(format!("{a} {op:?} {b}: got {:?}", va.cmp(&vb)));
                }
            }
            _ => skipped.push(format!("{a} {op:?} {b}")),
        }
    }
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    (checked, skipped)
}

/// `alpine.txt`: hand-written edge cases. 37 of its 778 vectors have a side apk-tools 3
/// refuses (42 distinct strings such as `1-r-0`, `0..8`, `1.2_blah`, `a`): checked with
/// `apk_version_validate` of apk-tools 3's `src/version.c` (the oracle of
/// `scripts/baselines/apk.py`), which says invalid for every one of them. They are
/// listed by the assertion message if the count changes.
#[test]
fn fixture_hand_written() {
    let (checked, skipped) = check_valid_vectors("alpine.txt");
    assert!(checked > 700, "{checked}");
    assert_eq!(
        skipped.len(),
        37,
        "vectors with an invalid side:\n{}",
        skipped.join("\n")
    );
}

/// `alpine.generated.txt`: real advisory versions ordered by apk. Versions such as
/// `6.6.2p1-r0` (OpenSSH's upstream letter-then-digit) are invalid for apk-tools 3
/// (`token_next`: a digit may not follow a letter), so those vectors are skipped; all
/// others hold.
#[test]
fn fixture_generated() {
    let (checked, skipped) = check_valid_vectors("alpine.generated.txt");
    assert!(checked > 13_000, "{checked}");
    // 58 vectors, 51 distinct strings, all `N.NpN-rN` (OpenSSH-style) and all refused
    // by apk-tools 3's `apk_version_validate` (checked with the apk.py oracle).
    assert_eq!(
        skipped.len(),
        58,
        "vectors with an invalid side:\n{}",
        skipped.join("\n")
    );
}

/// apk-tools' own table (`test/unit/version.data`), run as its `version_test.c` does:
/// `A OP B` and `A !OP B` through `apk_version_match` (with `~` fuzzy matching), `V` must
/// be valid, `!V` invalid. Lines comparing an invalid version (apk compares those too,
/// e.g. `1.0 < 1.0bc`) cannot be checked because scry rejects such strings; they are
/// counted, and every such side must be rejected.
#[test]
fn apk_tools_table() {
    let path = fixture("alpine.apk-tools.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let (mut checked, mut invalid_side) = (0, Vec::new());
    let mut failures = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.as_slice() {
            [v] => {
                let (want, v) = match v.strip_prefix('!') {
                    Some(v) => (false, v),
                    None => (true, *v),
                };
                checked += 1;
                if ApkVersion::is_valid(v) != want || ApkVersion::parse(v).is_ok() != want {
                    failures.push(format!("{line}: validity"));
                }
            }
            [a, op, b] => {
                let (invert, op) = match op.strip_prefix('!') {
                    Some(op) => (true, op),
                    None => (false, *op),
                };
                let (Ok(va), Ok(vb)) = (ApkVersion::parse(a), ApkVersion::parse(b)) else {
                    invalid_side.push(line.to_owned());
                    continue;
                };
                checked += 1;
                if apk_match(&va, op, &vb) == invert {
                    failures.push(format!("{line}: got {:?}", va.cmp(&vb)));
                }
            }
            _ => panic!("malformed line {line:?}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 700, "{checked}");
    // `_foo` and `_post` are no apk suffixes, `bc` is two letters: apk-tools' own
    // validity rows reject the same shapes (`!0.1_foobar`, `!0.1bc`).
    assert_eq!(
        invalid_side,
        [
            "23_foo > 4_beta",
            "1.0 < 1.0bc",
            "3.6.9_post1 ~ 3.6",
            "3.6.9_post1 !~ 3.8"
        ],
        "lines with an invalid side (apk compares them, scry rejects them)"
    );
}

/// `apk_version_match`: the op's mask (`<` `>` `=` `~`) against the (fuzzy) comparison.
fn apk_match(a: &ApkVersion, op: &str, b: &ApkVersion) -> bool {
    let (mut less, mut greater, mut equal, mut fuzzy) = (false, false, false, false);
    for c in op.chars() {
        match c {
            '<' => less = true,
            '>' => greater = true,
            '=' => equal = true,
            '~' => {
                fuzzy = true;
                equal = true;
            }
            _ => panic!("unknown op {op:?}"),
        }
    }
    if less && greater && equal {
        return true;
    }
    let got = if fuzzy { a.cmp_fuzzy(b) } else { a.cmp(b) };
    match got {
        Ordering::Less => less,
        Ordering::Greater => greater,
        Ordering::Equal => equal,
    }
}

/// osv.dev's Alpine converter fixtures. `valid_versions.txt` contains versions with a
/// digit after the letter (`6.6.2p1-r0`, OpenSSH's upstream numbering) and a letter
/// after a dot (`10.2.22.r0`), which apk-tools 3 rejects (`token_next`; its own table has
/// `!0.1a1` and `!0.1a.1`). scry follows apk-tools: those are asserted *invalid* here.
#[test]
fn osv_dev_valid_and_invalid() {
    const APK3_INVALID: &[&str] = &[
        "6.6.2p1-r0",
        "6.6.4p1-r2",
        "16.6.4p1-r1",
        "3.3.3p1-r3",
        "6.7.1p1-r1",
        "10.2.22.r0",
        "10.2.24.r0",
        "0.8.21.r2",
    ];
    let read = |name: &str| {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let valid = read("alpine.valid.txt");
    assert!(valid.len() > 150);
    let rejected: Vec<&str> = valid
        .iter()
        .map(String::as_str)
        .filter(|v| Version::parse(SCHEME, v).is_err())
        .collect();
    assert_eq!(rejected, APK3_INVALID);
    let invalid = read("alpine.invalid.txt");
    assert!(invalid.len() >= 10);
    for v in &invalid {
        assert!(Version::parse(SCHEME, v).is_err(), "{v:?} must be rejected");
    }
}

/// `scripts/baselines/apk.sh`: Alpine secdb versions ordered by apk-tools 3's
/// `apk_version_compare` (and `! V` for what `apk_version_validate` refuses).
#[test]
fn baseline_apk() {
    assert!(check_baseline(SCHEME, "apk.baseline.txt") > 2_000);
}

fn version() -> impl Strategy<Value = String> {
    "[0-9]{1,2}(\\.[0-9]{1,2}){0,2}[a-c]?(_(alpha|rc|p|git)[0-9]{0,1}){0,2}(~[0-9a-c]{1,2})?(-r[0-9]{1,2})?"
}

proptest! {
    #[test]
    fn laws(a in version(), b in version(), c in version()) {
        check_laws(SCHEME, &a, &b, &c);
    }

    #[test]
    fn hostile(a in "\\PC{0,16}", b in "[0-9a-z._~-]{0,12}") {
        check_hostile(SCHEME, &a, &b);
        check_hostile(SCHEME, &b, &a);
    }
}
