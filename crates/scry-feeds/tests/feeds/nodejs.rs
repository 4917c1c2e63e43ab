//! nodejs/security-wg (`vuln/npm`) → OSV (`npm`).

use std::collections::BTreeSet;

use scry_feeds::{FeedKind, convert};
use scry_osv::Record;

use crate::rustsec::{archive, convert_archive, convert_one, first_affects, key, reasons};

const ARCHIVE: &str = "nodejs-security-wg.zip";

fn get(path: &str) -> Record {
    convert_one(ARCHIVE, FeedKind::NodejsWg, path)
}

fn affected(r: &Record, v: &str) -> bool {
    first_affects(r, "npm", v)
}

#[test]
fn converts_every_advisory() {
    let (by_kind, ignored) = convert_archive(ARCHIVE);
    assert_eq!(ignored, ["vuln/core/index.json", "vuln/npm/index.json"]);
    assert_eq!(by_kind.len(), 1);
    let c = &by_kind[&key(FeedKind::NodejsWg)];
    for s in c.skipped.iter().filter(|s| !s.path.contains("/core/")) {
        eprintln!("skipped: {s}");
    }
    assert_eq!(c.records.len(), 467);
    assert_eq!(
        reasons(c).into_iter().collect::<Vec<_>>(),
        vec![(
            "Node.js runtime advisories (`vuln/core`) are not about an npm package".to_owned(),
            171
        )]
    );
    let ids: BTreeSet<&str> = c.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 467);
    assert_eq!(
        c.records.iter().filter(|r| !r.severity.is_empty()).count(),
        458
    );
    // Cross-check against `patched_versions`: advisories where a version is both.
    let overlap: Vec<String> = c
        .records
        .iter()
        .filter_map(|r| {
            let db = r.database_specific.as_ref()?;
            db.get("scry_patched_overlap")
                .or_else(|| db.get("scry_patched_unreadable"))
                .map(|p| {
                    let vulnerable = r.affected[0]
                        .database_specific
                        .as_ref()
                        .map(|d| d["vulnerable_versions"].to_string())
                        .unwrap_or_default();
                    format!("{} vulnerable {vulnerable} / patched {p}", r.id)
                })
        })
        .collect();
    // Six advisories list versions as both vulnerable and patched; the record follows
    // `vulnerable_versions` and names the overlap (`scry_patched_overlap`).
    assert_eq!(
        overlap,
        [
            "NSWG-ECO-357 vulnerable \">=2.0.0\" / patched \">=2.15.0\"",
            "NSWG-ECO-400 vulnerable \"<=6.8.5\" / patched \">=5.0.3 <6.0.0 || >=6.8.6\"",
            "NSWG-ECO-490 vulnerable \"<2.0.1 || <1.1.7\" / patched \"^1.1.7 || >= 2.0.1\"",
            "NSWG-ECO-495 vulnerable \"<2.0.18 || <3.0.16 || <3.1.6 || <4.0.8 || <5.0.0-beta.5\" / patched \"^2.0.18 || ^3.0.16 || ^3.1.6 || ^4.0.8 || ^5.0.0-beta.5\"",
            "NSWG-ECO-92 vulnerable \"<= 2.4.2 || >= 3.0.0 <=3.0.1\" / patched \">=2.5.0 <= 3.0.0 || >=3.1.0\"",
            "NSWG-ECO-98 vulnerable \"<= 2.15.0 || >= 3.0.0 <= 3.8.2\" / patched \">= 2.15.1 <= 3.0.0 || >= 3.8.3\"",
        ]
    );
    // Every event parses.
    for r in &c.records {
        for range in &r.affected[0].ranges {
            for e in &range.events {
                affected(r, e.version());
            }
        }
    }
}

#[test]
fn spot_checks() {
    // NSWG-ECO-1: bassmaster <= 1.5.1.
    let r = get("vuln/npm/1.json");
    assert_eq!(r.id, "NSWG-ECO-1");
    assert_eq!(r.aliases, ["CVE-2014-7205"]);
    assert_eq!(r.published.as_deref(), Some("2014-09-27T00:00:00Z"));
    assert_eq!(r.modified, "2016-04-28T00:00:00Z");
    assert_eq!(r.summary.as_deref(), Some("Arbitrary JavaScript Execution"));
    assert!(
        r.details
            .as_deref()
            .is_some_and(|d| d.contains("## Recommendation\n\nUpdate to bassmaster version 1.5.2"))
    );
    assert_eq!(r.severity[0].kind, "CVSS_V3");
    assert_eq!(
        r.severity[0].score,
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N"
    );
    let p = r.affected[0].package.as_ref().expect("package");
    assert_eq!(
        (p.ecosystem.as_str(), p.name.as_str()),
        ("npm", "bassmaster")
    );
    assert_eq!(p.purl.as_deref(), Some("pkg:npm/bassmaster"));
    assert_eq!(
        serde_json::to_value(&r.affected[0].ranges).expect("serialises"),
        serde_json::json!([{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.5.2-0"}]}])
    );
    assert!(affected(&r, "1.5.1"));
    assert!(!affected(&r, "1.5.2"));
    assert_eq!(r.references.len(), 2);
}

#[test]
fn range_shapes_of_the_feed() {
    // `<2.0.1 || <1.1.7` (NSWG-ECO-490): `||` of overlapping ranges.
    let r = get("vuln/npm/490.json");
    assert!(affected(&r, "2.0.0"));
    assert!(!affected(&r, "2.0.1"));
    // `>= 1.2.3 <= 1.4.0`-style with spaces, and `x` ranges.
    let r = get("vuln/npm/92.json");
    assert!(affected(&r, "2.4.2"));
    assert!(!affected(&r, "2.4.3"));
    assert!(affected(&r, "3.0.1"));
    assert!(!affected(&r, "3.0.2"));
    // Scoped-looking names are purl-encoded (none in the feed; checked on a synthetic one).
    let json = r#"{"id": 1, "updated_at": "2020-01-01", "module_name": "@scope/pkg", "vulnerable_versions": "*"}"#;
    let c = convert(FeedKind::NodejsWg, "vuln/npm/1.json", json.as_bytes());
    let p = c.records[0].affected[0].package.as_ref().expect("package");
    assert_eq!(p.purl.as_deref(), Some("pkg:npm/%40scope/pkg"));
    assert!(affected(&c.records[0], "0.0.1"));
}

#[test]
fn hostile_inputs_are_feed_errors() {
    let path = "vuln/npm/9999.json";
    let good = r#"{"id": 9999, "created_at": "2020-01-01", "updated_at": "2020-01-02", "publish_date": "2020-01-01", "title": "T", "module_name": "m", "cves": [], "vulnerable_versions": "<1.0.0", "patched_versions": ">=1.0.0", "overview": "O", "recommendation": "R", "references": [], "cvss_vector": null, "cvss_score": null}"#;
    let c = convert(FeedKind::NodejsWg, path, good.as_bytes());
    assert_eq!(c.records.len(), 1, "{:?}", c.skipped);
    let cases: Vec<(String, &str)> = vec![
        (good[..50].to_owned(), "JSON"),
        (good.replace("\"module_name\": \"m\", ", ""), "module_name"),
        (
            good.replace("\"<1.0.0\"", "\"<1.0.0 ||| >=\""),
            "vulnerable_versions",
        ),
        (
            good.replace("\"<1.0.0\"", "\"about three\""),
            "vulnerable_versions",
        ),
        (
            good.replace("\"<1.0.0\"", &format!("\"{}\"", "<1.0.0 || ".repeat(200))),
            "vulnerable_versions",
        ),
        (good.replace("9999,", "9998,"), "file name"),
        (
            good.replace("\"2020-01-02\"", "\"later\"")
                .replace("\"publish_date\": \"2020-01-01\"", "\"publish_date\": null")
                .replace("\"created_at\": \"2020-01-01\"", "\"created_at\": 3"),
            "JSON",
        ),
        ("[]".to_owned(), "JSON"),
    ];
    for (text, want) in cases {
        let c = convert(FeedKind::NodejsWg, path, text.as_bytes());
        assert!(c.records.is_empty(), "{want}: {text:?}");
        let e = &c.skipped[0];
        assert_eq!((e.path.as_str(), e.entry.as_str()), (path, "9999"));
        assert!(e.reason.contains(want), "{want:?} not in {:?}", e.reason);
    }
}

/// Every prefix of real files (cut every 13 bytes), and the files with one byte
/// flipped: records or skips naming the file, never a panic.
#[test]
fn damaged_files_never_panic() {
    for (p, bytes) in archive(ARCHIVE)
        .iter()
        .filter(|(p, _)| p.starts_with("vuln/npm/") && !p.ends_with("index.json"))
        .take(40)
    {
        for cut in (0..bytes.len()).step_by(13) {
            let c = convert(FeedKind::NodejsWg, p, &bytes[..cut]);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} cut at {cut}");
            assert!(c.skipped.iter().all(|s| s.path == *p));
        }
        for at in (0..bytes.len()).step_by(29) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5a;
            let c = convert(FeedKind::NodejsWg, p, &damaged);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} flipped at {at}");
        }
    }
}
