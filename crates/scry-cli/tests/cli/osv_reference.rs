//! scry's language-package matching against an independent OSV reference (issue #4).
//!
//! `scripts/oracles/osv_reference.py` (its docstring gives the rules, the libraries and the
//! command) decided from the OSV schema's evaluation rules, with `packaging` for PyPI, the
//! `semver` package for SEMVER/Go/crates.io/npm and node-semver for the nodejs/security-wg
//! ranges, which advisory records affect each package of three stored inventories in
//! `tests/data/osv/`:
//!
//! - `lockfiles`: `scry sbom fs target/fixtures/lockfiles --format json` (every lockfile
//!   fixture: PyPI, npm, Go, RubyGems, Maven, NuGet, …);
//! - `binaries`: the same over `target/fixtures/binaries` (Go, Rust and Java binaries);
//! - `boundaries`: the packages above that have records, at every version their ranges
//!   name and one just below it, plus every nodejs/security-wg module at the versions its
//!   ranges name (written by the script's `--write-boundaries`).
//!
//! Its answers are the `*.expected` files. Here the same advisory files are imported into
//! a fresh database, each inventory is scanned with `scry scan inventory … --offline`, and
//! the (ecosystem, name, version, record id) set of the findings (`vulnerablePackages[]` ×
//! `sources[].id`) must equal the reference's, except for the disagreements in [`KNOWN`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::support::{import_db, read, scan_json, test_data};

/// (ecosystem, name, version, record id).
type Key = (String, String, String, String);

/// The advisory files both sides read, from `../shared/vulndb`.
const SOURCES: &[&str] = &[
    "pypa-pypi.osv.jsonl.zst",
    "go-vulndb.osv.jsonl.zst",
    "ossf-malicious-packages.osv.jsonl.zst",
    "psf-cpython.osv.jsonl.zst",
    "bitnami.osv.jsonl.zst",
    "rustsec-crates.osv.jsonl.zst",
    "nodejs-security-wg.zip",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Diff {
    /// The reference says the record affects the package; scry reports no such finding.
    OnlyReference,
    /// scry reports it; the reference says the record does not affect the package.
    OnlyScry,
}

struct Known {
    /// The inventory's stem (`lockfiles`, `binaries`, `boundaries`).
    case: &'static str,
    diff: Diff,
    key: [&'static str; 4],
    reason: &'static str,
}

/// Every disagreement that remains, with its reason (`// BUG:` where scry is wrong).
///
/// None remains. Resolved on the way (the reference was wrong): node-semver's `satisfies`
/// without `includePrerelease` leaves `electron 3.0.0-beta.1` out of `<3.0.16`, which scry
/// reports; npm's own audit (npm/metavuln-calculator) passes `includePrerelease: true`, and
/// so does the reference now (22 triples: electron, sequelize and swagger-ui pre-releases).
const KNOWN: &[Known] = &[];

/// Agreeing (ecosystem, name, version, record) quadruples per inventory and ecosystem.
/// Every ecosystem with a hit is listed; a change in either side's count fails.
const AGREED: &[(&str, &str, usize)] = &[
    ("lockfiles", "Go", 655),
    ("lockfiles", "PyPI", 51),
    ("lockfiles", "crates.io", 1),
    ("lockfiles", "npm", 1),
    ("binaries", "Go", 131),
    ("boundaries", "Go", 1011),
    ("boundaries", "PyPI", 6524),
    ("boundaries", "crates.io", 1),
    ("boundaries", "npm", 620),
];

fn read_expected(case: &str) -> BTreeSet<Key> {
    let path = test_data(&format!("osv/{case}.expected"));
    read(&path)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                f.len(),
                4,
                "{}: line {l:?} has not 4 fields",
                path.display()
            );
            (
                f[0].to_owned(),
                f[1].to_owned(),
                f[2].to_owned(),
                f[3].to_owned(),
            )
        })
        .collect()
}

/// scry's quadruples: each vulnerable package of a finding with each record it names.
/// A finding naming several records and several packages cannot say which record matched
/// which package, so it fails the test rather than being guessed.
fn scry_keys(report: &serde_json::Value) -> BTreeSet<Key> {
    let mut keys = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        let packages: BTreeSet<(String, String, String)> =
            f["packageVulnerabilityDetails"]["vulnerablePackages"]
                .as_array()
                .expect("vulnerablePackages")
                .iter()
                .map(|p| {
                    let s = |k: &str| p[k].as_str().expect("package field").to_owned();
                    (s("ecosystem"), s("name"), s("version"))
                })
                .collect();
        let ids: BTreeSet<String> = f["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("source id").to_owned())
            .collect();
        assert!(
            packages.len() < 2 || ids.len() < 2,
            "finding {} names records {ids:?} and packages {packages:?}: no way to pair them",
            f["id"]
        );
        for (eco, name, version) in &packages {
            for id in &ids {
                keys.insert((eco.clone(), name.clone(), version.clone(), id.clone()));
            }
        }
    }
    keys
}

#[test]
fn language_matching_agrees_with_the_osv_reference() {
    let vulndb = scry_test::vulndb_dir();
    let sources: Vec<_> = SOURCES.iter().map(|s| vulndb.join(s)).collect();
    let db = import_db("osv", &sources);

    let mut problems = String::new();
    let mut agreed: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut seen_known = BTreeSet::new();
    for case in ["lockfiles", "binaries", "boundaries"] {
        let inventory = test_data(&format!("osv/{case}.inventory.json"));
        let report = scan_json("inventory", &inventory, &db, &[0]);
        let ours = scry_keys(&report);
        let reference = read_expected(case);

        for k in ours.intersection(&reference) {
            *agreed.entry((case.to_owned(), k.0.clone())).or_default() += 1;
        }
        let diffs = reference
            .difference(&ours)
            .map(|k| (Diff::OnlyReference, k))
            .chain(ours.difference(&reference).map(|k| (Diff::OnlyScry, k)));
        for (diff, k) in diffs {
            let known = KNOWN.iter().position(|n| {
                n.case == case
                    && n.diff == diff
                    && n.key == [k.0.as_str(), k.1.as_str(), k.2.as_str(), k.3.as_str()]
            });
            match known {
                Some(i) => {
                    seen_known.insert(i);
                }
                None => writeln!(problems, "{case}: unexplained {diff:?}: {k:?}").expect("write"),
            }
        }
    }
    for (i, n) in KNOWN.iter().enumerate() {
        if !seen_known.contains(&i) {
            writeln!(
                problems,
                "{}: listed {:?} {:?} no longer happens ({})",
                n.case, n.diff, n.key, n.reason
            )
            .expect("write");
        }
    }
    let want: BTreeMap<(String, String), usize> = AGREED
        .iter()
        .map(|(c, e, n)| (((*c).to_owned(), (*e).to_owned()), *n))
        .collect();
    if agreed != want {
        writeln!(
            problems,
            "agreeing quadruples per (inventory, ecosystem): {agreed:?}, pinned {want:?}"
        )
        .expect("write");
    }
    assert!(
        problems.is_empty(),
        "scry vs the OSV reference:\n{problems}"
    );
}
