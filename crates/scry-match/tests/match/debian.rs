//! dpkg inventories against an independent reference: `scripts/oracles/debian_tracker.py`
//! reads the tracker's `data/DSA/list` and `data/DLA/list` and decides with
//! `dpkg --compare-versions` which vulnerabilities apply to each (source, version); its
//! answers are stored in `tests/data/debian/<name>.expected`.
//!
//! Inventories (`tests/data/debian/<name>.dpkg`, lines `source source_version binary
//! binary_version`):
//! - `host-bookworm`: this machine's `dpkg-query -W -f '${source:Package}
//!   ${source:Version} ${Package} ${Version}\n'` (Debian 12). The snapshot (2023-04-02)
//!   predates bookworm's release and names no bookworm package: both sides answer nothing.
//! - `buster-old`: crafted Debian 10 inventory of early buster versions, where many DSAs
//!   and DLAs apply.

use std::collections::BTreeSet;

use scry_core::{Inventory, OsRelease, Target, TargetKind};
use scry_match::{MatchOptions, match_inventory_detailed};

use crate::support::{data, deb, now, real_db};

fn inventory(name: &str, release: &str) -> Inventory {
    let text = std::fs::read_to_string(data(&format!("debian/{name}.dpkg"))).expect("inventory");
    let packages = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 4).then(|| deb(release, f[2], f[3], f[0], f[1]))
        })
        .collect();
    Inventory {
        target: Target {
            kind: TargetKind::Rootfs,
            name: name.into(),
            digest: None,
        },
        os: Some(OsRelease {
            id: "debian".into(),
            version_id: Some(release.into()),
            ..OsRelease::default()
        }),
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

/// `(source, version, id)` triples of the reference.
fn expected(name: &str) -> BTreeSet<(String, String, String)> {
    let text = std::fs::read_to_string(data(&format!("debian/{name}.expected"))).expect("expected");
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() == 5).then(|| (f[0].to_owned(), f[1].to_owned(), f[2].to_owned()))
        })
        .collect()
}

fn compare(name: &str, release: &str) -> (usize, usize, Vec<String>) {
    let db = real_db();
    let inv = inventory(name, release);
    let out = match_inventory_detailed(&inv, &db, &MatchOptions::at(now())).expect("matches");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let mut primary = BTreeSet::new();
    let mut all = BTreeSet::new();
    for f in &out.findings {
        let d = &f.package_vulnerability_details;
        for p in &d.vulnerable_packages {
            let src = p
                .source_name
                .clone()
                .expect("dpkg packages have a source name");
            let v = p.matched_version.clone();
            primary.insert((src.clone(), v.clone(), d.vulnerability_id.clone()));
            for id in f.ids() {
                all.insert((src.clone(), v.clone(), id.to_owned()));
            }
        }
    }
    let want = expected(name);
    let mut diffs = Vec::new();
    for t in want.difference(&all) {
        diffs.push(format!("{name}: only the reference: {t:?}"));
    }
    for t in primary.difference(&want) {
        diffs.push(format!("{name}: only scry: {t:?}"));
    }
    eprintln!(
        "{name}: {} packages, {} findings, reference {} (source, version, id) triples, scry {}",
        inv.packages.len(),
        out.findings.len(),
        want.len(),
        primary.len()
    );
    (want.len(), out.findings.len(), diffs)
}

#[test]
fn host_bookworm_matches_the_reference() {
    let (want, _, diffs) = compare("host-bookworm", "12");
    assert_eq!(want, 0);
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

#[test]
fn old_buster_matches_the_reference() {
    let (want, findings, diffs) = compare("buster-old", "10");
    // The real report also satisfies the schema.
    let report = scry_match::Report::scan(
        &inventory("buster-old", "10"),
        &real_db(),
        &MatchOptions::at(now()),
    )
    .expect("scans");
    crate::render::check_schema(&scry_match::render_json(&report));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.exploit_available == scry_match::YesNo::Yes)
    );
    assert!(report.findings.iter().any(|f| f.score.is_some()));
    assert!(want > 500, "{want}");
    assert!(findings > 400, "{findings}");
    assert!(
        diffs.is_empty(),
        "{} disagreements:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}

/// Matching on several threads gives exactly what one thread gives: the same findings
/// in the same order, with the same ids, packages and warnings (issue #4).
#[test]
fn threads_do_not_change_the_output() {
    use std::num::NonZeroUsize;
    let db = real_db();
    // Both inventories as Debian 10: the bookworm versions sort after buster's fixes, the
    // old ones before, so the ~860 packages give findings of every shape.
    let mut inv = inventory("buster-old", "10");
    inv.packages
        .extend(inventory("host-bookworm", "10").packages);
    let run = |threads: usize| {
        let opts = MatchOptions {
            threads: NonZeroUsize::new(threads),
            ..MatchOptions::at(now())
        };
        let out = match_inventory_detailed(&inv, &db, &opts).expect("matches");
        serde_json::to_string(&(&out.findings, &out.warnings, out.packages_matched))
            .expect("findings serialise")
    };
    let one = run(1);
    assert!(one.len() > 10_000, "a real workload: {} bytes", one.len());
    for threads in [2, 3, 8] {
        assert!(run(threads) == one, "{threads} threads differ from one");
    }
}
