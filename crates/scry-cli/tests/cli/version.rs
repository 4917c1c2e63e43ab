//! `scry version cmp ECOSYSTEM` against the ecosystems' own answers.

use std::path::Path;

use crate::{scry, stderr, stdout};

/// Feeds every `A OP B` line of `file` to `scry version cmp eco` and checks each answer.
/// `! V` lines (invalid versions) expect `error:`. Returns the number of lines checked.
fn check(eco: &str, file: &Path) -> usize {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut pairs = Vec::new();
    let mut expected = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        if t.trim().is_empty() || t.starts_with('#') || t.starts_with("//") {
            continue;
        }
        let parts: Vec<&str> = t.split(' ').collect();
        match parts.as_slice() {
            ["!", v] => {
                pairs.push(format!("{v} {v}"));
                expected.push("error".to_owned());
            }
            [a, op @ ("<" | "=" | ">"), b] => {
                pairs.push(format!("{a} {b}"));
                expected.push((*op).to_owned());
            }
            _ => {}
        }
    }
    let out = scry(&["version", "cmp", eco], &(pairs.join("\n") + "\n"));
    assert!(out.status.success(), "{eco}: {}", stderr(&out));
    let got: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(got.len(), pairs.len(), "{eco}: one answer per line");
    let mut bad = Vec::new();
    for ((pair, want), got) in pairs.iter().zip(&expected).zip(&got) {
        let ok = if want == "error" {
            got.starts_with("error:")
        } else {
            got == want
        };
        if !ok {
            bad.push(format!("{pair}: want {want}, got {got}"));
        }
    }
    assert!(
        bad.is_empty(),
        "{eco} {}: {} disagreements:\n{}",
        file.display(),
        bad.len(),
        bad.join("\n")
    );
    pairs.len()
}

fn baseline(name: &str) -> std::path::PathBuf {
    scry_test::workspace_root()
        .join("crates/scry-version/tests/data")
        .join(name)
}

#[test]
fn agrees_with_the_real_tools_on_versions_from_real_advisories() {
    let mut total = 0;
    for (eco, file) in [
        ("Debian:12", "dpkg.baseline.txt"),
        ("Ubuntu:22.04:LTS", "dpkg.baseline.txt"),
        ("AlmaLinux:9", "rpm.baseline.txt"),
        ("Rocky Linux:8", "rpm.baseline.txt"),
        ("Alpine:v3.20", "apk.baseline.txt"),
        ("npm", "semver.baseline.txt"),
        ("crates.io", "semver.baseline.txt"),
        ("Go", "go.baseline.txt"),
        ("PyPI", "pep440.baseline.txt"),
        ("Maven", "maven.baseline.txt"),
        ("RubyGems", "rubygems.baseline.txt"),
        ("Packagist", "composer.baseline.txt"),
        ("CRAN", "cran.baseline.txt"),
    ] {
        total += check(eco, &baseline(file));
    }
    assert!(total > 40_000, "only {total} comparisons");
}

#[test]
fn agrees_with_the_fixture_vectors() {
    let v = scry_test::fixtures_dir().join("versions");
    for (eco, file) in [
        ("Debian", "debian.txt"),
        ("Red Hat:9", "redhat.txt"),
        ("Hackage", "hackage.txt"),
        ("NuGet", "nuget.txt"),
        ("Pub", "pub.txt"),
    ] {
        check(eco, &v.join(file));
    }
}

#[test]
fn bad_versions_say_error_and_carry_on() {
    let out = scry(
        &["version", "cmp", "Debian:12"],
        "1.0 2.0\nx:1 2\nonly-one\n2.0 1.0\n",
    );
    assert!(out.status.success());
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines[0], "<");
    assert!(
        lines[1].starts_with("error: ") && lines[1].contains("x:1"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("error: expected two versions"),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], ">");
}

#[test]
fn unknown_ecosystems_are_reported_not_compared_as_strings() {
    let out = scry(&["version", "cmp", "Nonesuch"], "1 2\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown ecosystem `Nonesuch`"),
        "{}",
        stderr(&out)
    );
    let out = scry(&["version", "cmp", "Linux"], "1 2\n");
    assert_eq!(out.status.code(), Some(2));
}
