//! `scry db status` counts against an independent count of the OSV snapshot files.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};

const OSV_FILES: &[&str] = &[
    "almalinux-8-9.osv.jsonl.zst",
    "bitnami.osv.jsonl.zst",
    "go-vulndb.osv.jsonl.zst",
    "ossf-malicious-packages.osv.jsonl.zst",
    "psf-cpython.osv.jsonl.zst",
    "pypa-pypi.osv.jsonl.zst",
    "r-cran.osv.jsonl.zst",
    "rustsec-crates.osv.jsonl.zst",
];

/// Counts with serde_json values only (not scry's model): distinct non-withdrawn ids,
/// and per ecosystem the number of such records with a package of that ecosystem.
fn independent_count() -> (u64, BTreeMap<String, u64>) {
    let mut seen: HashMap<String, (bool, BTreeSet<String>)> = HashMap::new();
    for f in OSV_FILES {
        let file = std::fs::File::open(scry_test::vulndb_dir().join(f)).expect("open snapshot");
        let dec = zstd::stream::read::Decoder::new(file).expect("zstd");
        for line in BufReader::new(dec).lines() {
            let line = line.expect("line");
            let v: serde_json::Value = serde_json::from_str(&line).expect("json");
            let id = v["id"].as_str().expect("id").to_owned();
            let withdrawn = v.get("withdrawn").is_some_and(|w| !w.is_null());
            let ecos: BTreeSet<String> = v["affected"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["package"]["ecosystem"].as_str().map(str::to_owned))
                .collect();
            seen.insert(id, (withdrawn, ecos));
        }
    }
    let mut per = BTreeMap::new();
    let mut total = 0;
    for (withdrawn, ecos) in seen.values() {
        if *withdrawn {
            continue;
        }
        total += 1;
        for e in ecos {
            *per.entry(e.clone()).or_insert(0) += 1;
        }
    }
    (total, per)
}

#[test]
fn osv_files_counts_equal_an_independent_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = crate::build(dir.path(), OSV_FILES);
    let db = scry_vulndb::Database::open(&path).expect("open");
    let status = db.status().expect("status");
    let (total, per) = independent_count();
    assert_eq!(status.total, total, "distinct non-withdrawn advisories");
    assert_eq!(status.ecosystems, per, "per-ecosystem counts");
    // Pinned from the snapshots' README: a change here means the import lost records.
    assert_eq!(per.get("AlmaLinux:8"), Some(&3237));
    assert_eq!(per.get("Bitnami"), Some(&7444));
}

#[test]
fn every_snapshot_source_imports() {
    let db = crate::open_full();
    let s = db.status().expect("status");
    let by_name: BTreeMap<&str, &scry_vulndb::SourceInfo> = s
        .sources
        .iter()
        .map(|src| (src.name.as_str(), src))
        .collect();
    let expect = [
        ("almalinux-8-9.osv.jsonl.zst", 5020, 0),
        ("bitnami.osv.jsonl.zst", 7444, 0),
        ("go-vulndb.osv.jsonl.zst", 4291, 0),
        ("ossf-malicious-packages.osv.jsonl.zst", 33076, 0),
        ("psf-cpython.osv.jsonl.zst", 132, 0),
        ("pypa-pypi.osv.jsonl.zst", 2661, 0),
        ("r-cran.osv.jsonl.zst", 14, 0),
        ("rustsec-crates.osv.jsonl.zst", 1206, 0),
        // Non-OSV feeds, converted by scry-feeds (skips are documented there).
        ("debian-security-tracker-lists.zip", 9119, 30), // 29 advisories; DSA-423 twice
        ("ubuntu-cve-tracker-legacy.zip", 6509, 0),
        ("friendsofphp-packagist.zip", 1592, 0),
        ("nodejs-security-wg.zip", 467, 171),
        ("rubysec-rubygems.zip", 1234, 147),
        ("rustsec-advisory-db.zip", 1205, 20),
    ];
    for (name, records, skipped) in expect {
        let src = by_name
            .get(name)
            .unwrap_or_else(|| panic!("source {name} missing"));
        assert_eq!((src.records, src.skipped), (records, skipped), "{name}");
    }
    // Alpine's secdb spreads a CVE over one file per branch: merged into one record each.
    assert!(by_name.contains_key("alpine-secdb-legacy.zip"));
    assert_eq!(s.kev, 1404);
    assert_eq!(s.epss, 360_142);
    assert!(s.ecosystems.contains_key("Debian:11"));
    assert!(s.ecosystems.contains_key("Ubuntu:18.04:LTS"));
    assert!(s.ecosystems.contains_key("Alpine:v3.11"));
    assert!(s.ecosystems.contains_key("RubyGems"));
    // RustSec arrives twice (OSV export and native format) under the same ids: one each.
    let rust = s.ecosystems.get("crates.io").copied().unwrap_or(0);
    assert!((1100..=1210).contains(&rust), "crates.io advisories {rust}");
}

#[test]
fn kev_and_epss_join_by_cve() {
    let db = crate::open_full();
    let log4shell = db
        .kev("CVE-2021-44228")
        .expect("kev")
        .expect("Log4Shell is in KEV");
    assert_eq!(log4shell.vendor_project, "Apache");
    assert!(db.kev("CVE-1999-0001").expect("kev").is_none());
    let e = db.epss("CVE-2021-44228").expect("epss").expect("scored");
    assert!(e.probability > 0.9 && e.percentile > 0.99, "{e:?}");
    assert!(db.epss("not-a-cve").expect("epss").is_none());
}

#[test]
fn aliases_group_transitively() {
    let db = crate::open_full();
    // A PyPI advisory, its CVE, and the Bitnami record that names the same CVE.
    let g = db
        .alias_group("PYSEC-2023-61")
        .expect("group")
        .expect("grouped");
    assert_eq!(g.id, "CVE-2023-31047");
    assert!(g.members.iter().any(|m| m.starts_with("BIT-")), "{g:?}");
    // The Ubuntu view of the same CVE joins the group through its single upstream/alias.
    let u = db
        .alias_group("UBUNTU-CVE-2018-0734")
        .expect("group")
        .expect("grouped");
    assert_eq!(u.id, "CVE-2018-0734");
}
