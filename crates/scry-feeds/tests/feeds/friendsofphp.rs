//! FriendsOfPHP/security-advisories → OSV (`Packagist`).

use std::collections::BTreeSet;

use scry_feeds::{FeedKind, convert};
use scry_osv::Record;

use crate::rustsec::{archive, convert_archive, convert_one, first_affects, key, reasons};

const ARCHIVE: &str = "friendsofphp-packagist.zip";

fn get(path: &str) -> Record {
    convert_one(ARCHIVE, FeedKind::FriendsOfPhp, path)
}

fn affected(r: &Record, v: &str) -> bool {
    first_affects(r, "Packagist", v)
}

#[test]
fn converts_every_advisory() {
    let (by_kind, ignored) = convert_archive(ARCHIVE);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(by_kind.len(), 1, "{:?}", by_kind.keys());
    let c = &by_kind[&key(FeedKind::FriendsOfPhp)];
    assert!(c.skipped.is_empty(), "{:?}", reasons(c));
    assert_eq!(c.records.len(), 1592);
    let ids: BTreeSet<&str> = c.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), c.records.len());
    // One range per branch (5,682 branches in the files), less the branches whose
    // comparators leave no version (named in `scry_empty_branches`).
    let ranges: usize = c.records.iter().map(|r| r.affected[0].ranges.len()).sum();
    let empty: usize = c
        .records
        .iter()
        .filter_map(|r| r.database_specific.as_ref()?.get("scry_empty_branches"))
        .map(|e| e.as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(ranges + empty, 5682);
    // No branch is empty in Composer's order (Magento's `['>=2.4.4', '<2.4.4-p9']` is
    // not: `-p9` sorts after the release). Needs scry-version's Composer ordering.
    assert_eq!(empty, 0, "empty branches: needs the Composer ordering");
    eprintln!("FriendsOfPHP: 1592 records, {ranges} ranges, {empty} empty branches");
    for r in &c.records {
        for range in &r.affected[0].ranges {
            for e in &range.events {
                if e.version() != "0" {
                    affected(r, e.version());
                }
            }
        }
    }
}

#[test]
fn spot_checks() {
    // symfony/symfony CVE-2019-10909: ten branches, ten ranges; some branches have no time.
    let r = get("symfony/symfony/CVE-2019-10909.yaml");
    assert_eq!(r.id, "FRIENDSOFPHP-symfony:symfony:CVE-2019-10909");
    assert_eq!(r.aliases, ["CVE-2019-10909"]);
    assert_eq!(
        r.summary.as_deref(),
        Some("CVE-2019-10909: Escape validation messages in the PHP templating engine")
    );
    assert_eq!(r.published.as_deref(), Some("2019-04-16T11:40:42Z"));
    assert_eq!(r.modified, "2019-04-16T11:40:42Z");
    assert_eq!(r.references[0].url, "https://symfony.com/cve-2019-10909");
    let p = r.affected[0].package.as_ref().expect("package");
    assert_eq!(
        (p.ecosystem.as_str(), p.name.as_str()),
        ("Packagist", "symfony/symfony")
    );
    assert_eq!(p.purl.as_deref(), Some("pkg:composer/symfony/symfony"));
    let ranges = &r.affected[0].ranges;
    assert_eq!(ranges.len(), 10);
    assert_eq!(
        serde_json::to_value(&ranges[0]).expect("serialises"),
        serde_json::json!({"type": "ECOSYSTEM", "events": [{"introduced": "2.7.0"}, {"fixed": "2.7.51"}],
            "database_specific": {"branch": "2.7.x", "time": "2019-04-16 11:40:42", "versions": [">=2.7.0", "<2.7.51"]}})
    );
    // Needs scry-version's Composer ordering.
    for (v, want) in [
        ("2.7.50", true),
        ("2.7.51", false),
        ("2.8.49", true),
        ("3.3.18", true),
        ("3.4.26", false),
        ("4.2.7", false),
        ("4.3.0", false),
        ("2.6.9", false),
    ] {
        assert_eq!(affected(&r, v), want, "symfony {v}");
    }

    // amphp/artax CVE-2016-5385: `>0.7.1` cannot start an OSV range exclusively.
    let r = get("amphp/artax/CVE-2016-5385.yaml");
    assert_eq!(r.affected[0].ranges.len(), 2);
    assert_eq!(
        r.database_specific
            .as_ref()
            .and_then(|d| d.get("scry_widened")),
        Some(&serde_json::json!(["0.7.1"]))
    );
    assert!(affected(&r, "1.0.3"));
    assert!(!affected(&r, "1.0.4"));

    // A time with a zone offset.
    let r = get("silverstripe/framework/SS-2015-013-1.yaml");
    assert_eq!(r.published.as_deref(), Some("2015-05-29T12:53:14+12:00"));
    assert!(r.aliases.is_empty());

    // A package not on Packagist.
    let r = get("magento/magento1ce/CVE-2019-7938.yaml");
    assert_eq!(
        r.database_specific
            .as_ref()
            .and_then(|d| d.get("composer_repository")),
        Some(&serde_json::json!(false))
    );
}

#[test]
fn hostile_inputs_are_feed_errors() {
    let path = "acme/widget/CVE-2099-0001.yaml";
    let good = "title: T\nlink: https://example.com\ncve: CVE-2099-0001\nbranches:\n    1.x:\n        time: 2099-01-01 00:00:00\n        versions: ['>=1.0.0', '<1.2.0']\nreference: composer://acme/widget\n";
    let c = convert(FeedKind::FriendsOfPhp, path, good.as_bytes());
    assert_eq!(c.records.len(), 1, "{:?}", c.skipped);
    let cases: Vec<(String, &str)> = vec![
        (good[..70].to_owned(), "YAML"),
        (
            good.replace("composer://acme/widget", "composer://acme/gadget"),
            "differs",
        ),
        (
            good.replace("reference: composer://acme/widget\n", ""),
            "reference",
        ),
        (good.replace("'<1.2.0'", "'~1.2'"), "unsupported"),
        (good.replace("'<1.2.0'", "'< '"), "missing version"),
        (
            good.replace("versions: ['>=1.0.0', '<1.2.0']", "versions: []"),
            "no versions",
        ),
        (
            good.replace("'<1.2.0'", &format!("'{}'", "<1.2.0 || ".repeat(200))),
            "branch",
        ),
        ("branches: {".to_owned(), "YAML"),
        ("- a\n- b\n".to_owned(), "YAML"),
    ];
    for (text, want) in cases {
        let c = convert(FeedKind::FriendsOfPhp, path, text.as_bytes());
        assert!(c.records.is_empty(), "{want}: {text:?}");
        let e = &c.skipped[0];
        assert_eq!((e.path.as_str(), e.entry.as_str()), (path, "CVE-2099-0001"));
        assert!(e.reason.contains(want), "{want:?} not in {:?}", e.reason);
    }
}

/// Every prefix of real files (cut every 13 bytes), and the files with one byte
/// flipped: records or skips naming the file, never a panic.
#[test]
fn damaged_files_never_panic() {
    for (p, bytes) in archive(ARCHIVE)
        .iter()
        .filter(|(p, _)| p.ends_with(".yaml"))
        .take(40)
    {
        for cut in (0..bytes.len()).step_by(13) {
            let c = convert(FeedKind::FriendsOfPhp, p, &bytes[..cut]);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} cut at {cut}");
            assert!(c.skipped.iter().all(|s| s.path == *p));
        }
        for at in (0..bytes.len()).step_by(29) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5a;
            let c = convert(FeedKind::FriendsOfPhp, p, &damaged);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} flipped at {at}");
        }
    }
}
