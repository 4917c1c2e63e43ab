//! rubysec/ruby-advisory-db → OSV (`RubyGems`).

use std::collections::BTreeSet;

use scry_feeds::{FeedKind, convert};
use scry_osv::Record;

use crate::rustsec::{archive, convert_archive, convert_one, first_affects, key, reasons};

const ARCHIVE: &str = "rubysec-rubygems.zip";

fn get(path: &str) -> Record {
    convert_one(ARCHIVE, FeedKind::RubySec, path)
}

fn affected(r: &Record, v: &str) -> bool {
    first_affects(r, "RubyGems", v)
}

#[test]
fn converts_every_advisory() {
    let (by_kind, ignored) = convert_archive(ARCHIVE);
    assert!(ignored.is_empty(), "{ignored:?}");
    assert_eq!(by_kind.len(), 1);
    let c = &by_kind[&key(FeedKind::RubySec)];
    for s in c.skipped.iter().filter(|s| !s.path.starts_with("rubies/")) {
        eprintln!("skipped: {s}");
    }
    assert_eq!(c.records.len(), 1234);
    assert_eq!(
        reasons(c).into_iter().collect::<Vec<_>>(),
        vec![(
            "Ruby interpreter advisories have no package ecosystem".to_owned(),
            147
        )]
    );
    // The id scheme is unique although stems, CVEs and GHSAs repeat across gems.
    let ids: BTreeSet<&str> = c.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 1234);
    let stems: BTreeSet<&str> = c
        .records
        .iter()
        .filter_map(|r| r.id.split_once(':').map(|(_, s)| s))
        .collect();
    assert!(stems.len() < ids.len());
    // Every record's ranges evaluate.
    for r in &c.records {
        for range in &r.affected[0].ranges {
            for e in &range.events {
                if e.version() != "0" {
                    affected(r, e.version());
                }
            }
        }
    }
    let widened: Vec<&str> = c
        .records
        .iter()
        .filter(|r| {
            r.database_specific
                .as_ref()
                .is_some_and(|d| d.get("scry_widened").is_some())
        })
        .map(|r| r.id.as_str())
        .collect();
    // Unaffected `<= v` (or patched `= v`) leaves an exclusive start, widened to `v`.
    assert_eq!(widened.len(), 13, "{widened:?}");
}

#[test]
fn spot_checks() {
    // actionpack CVE-2008-7248: unaffected < 2.1.0; patched ~> 2.1.3, >= 2.2.2.
    let r = get("gems/actionpack/CVE-2008-7248.yml");
    assert_eq!(r.id, "RUBYSEC-actionpack:CVE-2008-7248");
    assert_eq!(r.aliases, ["CVE-2008-7248", "GHSA-8fqx-7pv4-3jwm"]);
    assert_eq!(r.published.as_deref(), Some("2017-10-24T00:00:00Z"));
    assert_eq!(
        r.summary.as_deref(),
        Some("Improper Input Validation in rails")
    );
    assert!(
        r.details
            .as_deref()
            .is_some_and(|d| d.starts_with("Ruby on Rails 2.1 before 2.1.3"))
    );
    assert!(r.severity.is_empty());
    let db = r.database_specific.as_ref().expect("database_specific");
    assert_eq!(db["cvss_v2"], "6.8");
    assert_eq!(db["scry_source"], "rubysec");
    let p = r.affected[0].package.as_ref().expect("package");
    assert_eq!(
        (p.ecosystem.as_str(), p.name.as_str()),
        ("RubyGems", "actionpack")
    );
    assert_eq!(p.purl.as_deref(), Some("pkg:gem/actionpack"));
    assert_eq!(
        serde_json::to_value(&r.affected[0].ranges).expect("serialises"),
        serde_json::json!([{"type": "ECOSYSTEM", "events": [
            {"introduced": "2.1.0"}, {"fixed": "2.1.3"}, {"introduced": "2.2.A"}, {"fixed": "2.2.2"}
        ]}])
    );
    assert_eq!(
        r.references[0].url,
        "https://weblog.rubyonrails.org/2008/11/18/potential-circumvention-of-csrf-protection-in-rails-2-1"
    );
    assert!(r.references.iter().any(|x| x.url
        == "https://github.com/advisories/GHSA-8fqx-7pv4-3jwm"
        && x.kind == "ADVISORY"));
    // Needs scry-version's RubyGems ordering.
    for (v, want) in [
        ("2.0.9", false),
        ("2.1.0", true),
        ("2.1.2", true),
        ("2.1.3", false),
        ("2.1.10", false),
        // RubyGems' `~> 2.1.3` leaves out the prereleases of 2.2 (`v.release < 2.2`).
        ("2.2.0.rc1", true),
        ("2.2.0", true),
        ("2.2.1", true),
        ("2.2.2", false),
        ("2.10.0", false),
    ] {
        assert_eq!(affected(&r, v), want, "actionpack {v}");
    }

    // The same CVE under two gems: two records, two ids.
    let a = get("gems/dependabot-common/CVE-2020-26222.yml");
    let b = get("gems/dependabot-omnibus/CVE-2020-26222.yml");
    assert_eq!(a.id, "RUBYSEC-dependabot-common:CVE-2020-26222");
    assert_eq!(b.id, "RUBYSEC-dependabot-omnibus:CVE-2020-26222");
    assert_eq!(a.aliases, b.aliases);

    // nokogiri CVE-2022-23476: unaffected <= 1.13.7, patched >= 1.13.10: the range
    // starts at 1.13.7 (OSV has no exclusive start), named in `scry_widened`.
    let r = get("gems/nokogiri/CVE-2022-23476.yml");
    assert_eq!(
        r.affected[0].ranges[0].events,
        [
            scry_osv::Event::Introduced("1.13.7".to_owned()),
            scry_osv::Event::Fixed("1.13.10".to_owned())
        ]
    );
    assert_eq!(
        r.database_specific
            .as_ref()
            .and_then(|d| d.get("scry_widened")),
        Some(&serde_json::json!(["1.13.7"]))
    );
    assert!(affected(&r, "1.13.9"));
    assert!(!affected(&r, "1.13.10"));

    // An OSVDB-named advisory with a CVSS v3 score and no GHSA.
    let entries = archive(ARCHIVE);
    let osvdb: Vec<Record> = entries
        .iter()
        .filter(|(p, _)| p.contains("/OSVDB-"))
        .flat_map(|(p, b)| convert(FeedKind::RubySec, p, b).records)
        .collect();
    assert_eq!(osvdb.len(), 58);
    assert!(
        osvdb
            .iter()
            .all(|r| r.aliases.iter().any(|a| a.starts_with("OSVDB-")))
    );
}

#[test]
fn interpreters_are_skipped() {
    let entries = archive(ARCHIVE);
    let (path, bytes) = entries
        .iter()
        .find(|(p, _)| p.starts_with("rubies/ruby/"))
        .expect("an interpreter advisory");
    let c = convert(FeedKind::RubySec, path, bytes);
    assert!(c.records.is_empty());
    assert_eq!(c.skipped[0].path, *path);
    assert_eq!(
        c.skipped[0].reason,
        "Ruby interpreter advisories have no package ecosystem"
    );
}

#[test]
fn hostile_inputs_are_feed_errors() {
    let path = "gems/foo/CVE-2099-0001.yml";
    let good = "---\ngem: foo\ncve: 2099-0001\nurl: https://example.com\ntitle: T\ndate: 2099-01-01\ndescription: D\npatched_versions:\n  - \">= 1.2.0\"\n";
    let c = convert(FeedKind::RubySec, path, good.as_bytes());
    assert_eq!(c.records.len(), 1, "{:?}", c.skipped);
    let cases: Vec<(String, &str)> = vec![
        (good[..60].to_owned(), "date"),
        (good.replace("gem: foo\n", ""), "gem"),
        (good.replace("gem: foo", "gem: bar"), "folder"),
        (good.replace(">= 1.2.0", ">= one.two"), "versions"),
        (good.replace(">= 1.2.0", "~>"), "versions"),
        (
            good.replace(">= 1.2.0", &"!= 1.0, ".repeat(300)),
            "versions",
        ),
        (good.replace("date: 2099-01-01", "date: soon"), "date"),
        (good.replace("  - \">= 1.2.0\"", "  - [1, 2]"), "YAML"),
        ("gem: [unclosed".to_owned(), "YAML"),
        ("*alias".to_owned(), "YAML"),
    ];
    for (text, want) in cases {
        let c = convert(FeedKind::RubySec, path, text.as_bytes());
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
        .filter(|(p, _)| p.starts_with("gems/"))
        .take(40)
    {
        for cut in (0..bytes.len()).step_by(13) {
            let c = convert(FeedKind::RubySec, p, &bytes[..cut]);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} cut at {cut}");
            assert!(c.skipped.iter().all(|s| s.path == *p));
        }
        for at in (0..bytes.len()).step_by(29) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5a;
            let c = convert(FeedKind::RubySec, p, &damaged);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} flipped at {at}");
        }
    }
}
