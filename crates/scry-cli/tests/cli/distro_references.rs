//! Ubuntu and AlmaLinux matching against independent references (issue #4): OS packages
//! match their distribution's own records, by its rules, no more, no fewer.
//!
//! The references share no code with scry; their answers are stored under `tests/data/`,
//! so these tests need neither Python nor dpkg nor rpm (the last test re-runs them when
//! they are installed):
//! - Ubuntu: `scripts/oracles/ubuntu_tracker.py` reads the tracker's `active/CVE-*` files
//!   and applies the status meanings Ubuntu's own OVAL generator gives them
//!   (`released (V)`, `pending (V)` and `not-affected (V)`: below V; `needed`,
//!   `needs-triage`, `deferred`, `ignored`: every version; `DNE`, `not-affected`: none),
//!   comparing with `dpkg --compare-versions`. `tests/data/ubuntu/<series>.expected` for
//!   `<series>.inventory.json` (`scry sbom rootfs` of a root made from `<series>.dpkg`).
//! - AlmaLinux: `scripts/oracles/almalinux_osv.py` applies OSV's range rule to the
//!   `AlmaLinux:<major>` entries named like the installed *binary* rpm, module-build fixes
//!   only to module builds, comparing with rpm's own `rpm.vercmp`. `tests/data/almalinux/almalinux-<major>.expected` for
//!   `almalinux-<major>.inventory.json`.
//!
//! Each inventory is scanned with `scry scan inventory … --offline` against a database
//! holding only that distribution's snapshot; the triples (source package for Ubuntu,
//! binary rpm for AlmaLinux; version; CVE or record id) must equal the reference's except
//! for the classes in `KNOWN`, each of which must still occur exactly as often as listed.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{
    Triple, assert_all_parsed, import_db, os_triples, read, scan_json, test_data,
};
use crate::{stderr, stdout};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The reference says it applies; scry reports nothing for it.
    Reference,
    /// scry reports it; the reference says it does not apply.
    Scry,
}

/// A class of disagreements: which triples (given the reference's fourth column, empty on
/// scry's side), how many there are today, and why.
struct Known {
    case: &'static str,
    side: Side,
    select: fn(&Triple, &str) -> bool,
    count: usize,
    reason: &'static str,
}

/// Every disagreement class that remains (`// BUG:` where scry is wrong).
const KNOWN: &[Known] = &[];

/// Agreeing triples per case, and the reference's total: a change on either side fails.
const AGREED: &[(&str, usize, usize)] = &[
    ("bionic", 441, 441),
    ("xenial", 617, 617),
    ("almalinux-8", 155, 155),
    ("almalinux-9", 174, 174),
];

/// A database of one snapshot, built once per test binary and snapshot.
fn db(snapshot: &'static str, cell: &'static OnceLock<String>) -> &'static str {
    cell.get_or_init(|| {
        let stem = snapshot.split('.').next().unwrap_or(snapshot);
        import_db(stem, &[scry_test::vulndb_dir().join(snapshot)])
    })
}

fn ubuntu_db() -> &'static str {
    static DB: OnceLock<String> = OnceLock::new();
    db("ubuntu-cve-tracker-legacy.zip", &DB)
}

fn almalinux_db() -> &'static str {
    static DB: OnceLock<String> = OnceLock::new();
    db("almalinux-8-9.osv.jsonl.zst", &DB)
}

/// `scry scan inventory FILE --offline --format json`, parsed.
fn scan(inventory: &Path, db: &str) -> serde_json::Value {
    let report = scan_json("inventory", inventory, db, &[0, 1]);
    assert_all_parsed(&report, &inventory.display().to_string());
    report
}

/// AlmaLinux's triples `(binary rpm, version, record id)`: each vulnerable package with
/// each record of the finding's `sources`.
fn almalinux_triples(report: &serde_json::Value) -> BTreeSet<Triple> {
    let mut keys = BTreeSet::new();
    for f in report["findings"].as_array().expect("findings") {
        let ids: Vec<&str> = f["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("source id"))
            .collect();
        let d = &f["packageVulnerabilityDetails"];
        for p in d["vulnerablePackages"].as_array().expect("packages") {
            let eco = p["ecosystem"].as_str().expect("ecosystem");
            assert!(
                eco.starts_with("AlmaLinux:"),
                "a finding outside AlmaLinux: {eco}"
            );
            let s = |k: &str| p[k].as_str().expect("package field").to_owned();
            for id in &ids {
                keys.insert((s("name"), s("version"), (*id).to_owned()));
            }
        }
    }
    keys
}

/// The reference's triples with their fourth column.
fn expected(rel: &str) -> Vec<(Triple, String)> {
    read(&test_data(rel))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "{rel}: {l:?}");
            (
                (f[0].to_owned(), f[1].to_owned(), f[2].to_owned()),
                f[3].to_owned(),
            )
        })
        .collect()
}

/// Compares scry's triples (`primary` must all be expected; every expected one must be in
/// `all`) with the reference under `KNOWN`, and checks the agreement count.
fn compare(
    case: &str,
    want: &[(Triple, String)],
    primary: &BTreeSet<Triple>,
    all: &BTreeSet<Triple>,
) {
    let set: BTreeSet<&Triple> = want.iter().map(|(t, _)| t).collect();
    let mut diffs: Vec<(Side, &Triple, &str)> = Vec::new();
    for (t, col4) in want {
        if !all.contains(t) {
            diffs.push((Side::Reference, t, col4));
        }
    }
    for t in primary {
        if !set.contains(t) {
            diffs.push((Side::Scry, t, ""));
        }
    }
    let known: Vec<&Known> = KNOWN.iter().filter(|k| k.case == case).collect();
    let mut counts = vec![0usize; known.len()];
    let mut seen: Vec<Vec<String>> = vec![Vec::new(); known.len()];
    let mut unexplained = String::new();
    for (side, t, col4) in &diffs {
        match known
            .iter()
            .position(|k| k.side == *side && (k.select)(t, col4))
        {
            Some(i) => {
                counts[i] += 1;
                seen[i].push(format!("{} {} {}", t.0, t.1, t.2));
            }
            None => {
                let _ = writeln!(
                    unexplained,
                    "{case}: only {side:?}: {} {} {}",
                    t.0, t.1, t.2
                );
            }
        }
    }
    assert!(unexplained.is_empty(), "{unexplained}");
    for ((k, n), seen) in known.iter().zip(&counts).zip(&seen) {
        assert_eq!(
            *n, k.count,
            "{case}: known {:?}-side disagreement ({}) now occurs {n} times: {seen:?}",
            k.side, k.reason
        );
    }
    let agreed = want.len() - diffs.iter().filter(|d| d.0 == Side::Reference).count();
    eprintln!(
        "{case}: reference {}, scry {}, agreed {agreed}, known disagreements {}",
        want.len(),
        primary.len(),
        diffs.len()
    );
    let row = AGREED.iter().find(|r| r.0 == case).expect("an AGREED row");
    assert_eq!((agreed, want.len()), (row.1, row.2), "{case}: counts moved");
}

fn ubuntu_case(series: &str, ecosystem: &str) {
    let report = scan(
        &test_data(&format!("ubuntu/{series}.inventory.json")),
        ubuntu_db(),
    );
    assert_eq!(report["os"]["ecosystem"], ecosystem);
    let (primary, all) = os_triples(&report, "Ubuntu:", true);
    compare(
        series,
        &expected(&format!("ubuntu/{series}.expected")),
        &primary,
        &all,
    );
}

#[test]
fn ubuntu_bionic_matches_the_tracker_reference() {
    ubuntu_case("bionic", "Ubuntu:18.04:LTS");
}

#[test]
fn ubuntu_xenial_matches_the_tracker_reference() {
    ubuntu_case("xenial", "Ubuntu:16.04:LTS");
}

fn almalinux_case(major: &str) {
    let case = format!("almalinux-{major}");
    let report = scan(
        &test_data(&format!("almalinux/{case}.inventory.json")),
        almalinux_db(),
    );
    assert_eq!(report["os"]["ecosystem"], format!("AlmaLinux:{major}"));
    let keys = almalinux_triples(&report);
    compare(
        &case,
        &expected(&format!("almalinux/{case}.expected")),
        &keys,
        &keys,
    );
}

#[test]
fn almalinux_8_matches_the_osv_reference() {
    almalinux_case("8");
}

#[test]
fn almalinux_9_matches_the_osv_reference() {
    almalinux_case("9");
}

/// The stored Ubuntu inventories hold exactly the `(source, source version)` pairs of the
/// `.dpkg` lists the reference read.
#[test]
fn ubuntu_inventories_are_the_dpkg_lists() {
    for series in ["bionic", "xenial"] {
        let inv: serde_json::Value = serde_json::from_str(&read(&test_data(&format!(
            "ubuntu/{series}.inventory.json"
        ))))
        .expect("inventory JSON");
        let mut from_json = BTreeSet::new();
        for p in inv["packages"].as_array().expect("packages") {
            let s = |k: &str| p[k].as_str().map(str::to_owned);
            let name = s("name").expect("name");
            let version = s("version").expect("version");
            let src = s("sourceName").unwrap_or_else(|| name.clone());
            let src_v = s("sourceVersion").unwrap_or_else(|| version.clone());
            from_json.insert(format!("{src} {src_v} {name} {version}"));
        }
        let from_dpkg: BTreeSet<String> = read(&test_data(&format!("ubuntu/{series}.dpkg")))
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(from_json, from_dpkg, "{series}");
    }
}

/// The stored answers are what the references say today (python3, dpkg, rpm and zstd
/// needed; skipped with a printed reason otherwise).
#[test]
fn expected_files_are_the_references_answers() {
    for tool in [
        ["python3", "--version"],
        ["dpkg", "--version"],
        ["rpm", "--version"],
        ["zstd", "--version"],
    ] {
        if Command::new(tool[0]).arg(tool[1]).output().is_err() {
            println!("skipped: no `{}`", tool[0]);
            return;
        }
    }
    let root = scry_test::workspace_root();
    let vulndb = scry_test::vulndb_dir();
    let mut runs: Vec<(String, Vec<PathBuf>, String)> = Vec::new();
    for series in ["bionic", "xenial"] {
        runs.push((
            "ubuntu_tracker.py".into(),
            vec![
                vulndb.join("ubuntu-cve-tracker-legacy.zip"),
                PathBuf::from(series),
                test_data(&format!("ubuntu/{series}.dpkg")),
            ],
            format!("ubuntu/{series}.expected"),
        ));
    }
    for major in ["8", "9"] {
        runs.push((
            "almalinux_osv.py".into(),
            vec![
                vulndb.join("almalinux-8-9.osv.jsonl.zst"),
                test_data(&format!("almalinux/almalinux-{major}.inventory.json")),
            ],
            format!("almalinux/almalinux-{major}.expected"),
        ));
    }
    for (script, args, want) in runs {
        let out = Command::new("python3")
            .arg(root.join("scripts/oracles").join(&script))
            .args(&args)
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "{script}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            read(&test_data(&want)),
            "tests/data/{want} is stale: re-run {script}"
        );
    }
}
