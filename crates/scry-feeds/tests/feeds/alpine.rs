//! Alpine secdb (`alpine-secdb-legacy.zip`, `v3.3`..`v3.11` `main.yaml`/`community.yaml`):
//! every file converted and merged into one record per id, counts pinned (checked
//! independently with a Python script over the same YAML), records checked field by field,
//! and hostile YAML that must give `FeedError`s.

use std::sync::OnceLock;

use scry_feeds::{FeedKind, convert, merge_records};
use scry_osv::{Event, Record};
use serde_json::json;

use super::debian::{affected, convert_zip, find, fixed, t};

struct All {
    per_file: Vec<(String, usize, usize)>,
    records: Vec<Record>,
}

fn all() -> &'static All {
    static ALL: OnceLock<All> = OnceLock::new();
    ALL.get_or_init(|| {
        let convs = convert_zip("alpine-secdb-legacy.zip", FeedKind::AlpineSecdb);
        let per_file = convs
            .iter()
            .map(|(p, c)| (p.clone(), c.records.len(), c.skipped.len()))
            .collect();
        let records = merge_records(convs.into_values().flat_map(|c| c.records));
        All { per_file, records }
    })
}

#[test]
fn every_file_converts() {
    let All { per_file, records } = all();
    let expected = [
        ("v3.10/community.yaml", 692),
        ("v3.10/main.yaml", 1110),
        ("v3.11/community.yaml", 829),
        ("v3.11/main.yaml", 1123),
        ("v3.3/community.yaml", 0),
        ("v3.3/main.yaml", 458),
        ("v3.4/community.yaml", 14),
        ("v3.4/main.yaml", 666),
        ("v3.5/community.yaml", 98),
        ("v3.5/main.yaml", 801),
        ("v3.6/community.yaml", 195),
        ("v3.6/main.yaml", 868),
        ("v3.7/community.yaml", 378),
        ("v3.7/main.yaml", 1037),
        ("v3.8/community.yaml", 462),
        ("v3.8/main.yaml", 1089),
        ("v3.9/community.yaml", 575),
        ("v3.9/main.yaml", 1059),
    ]
    .map(|(p, n)| (p.to_owned(), n, 0));
    // Every secfix entry holds a usable id (after the normalisations the module documents):
    // nothing is skipped.
    assert_eq!(per_file, &expected);
    // 2,474 ids: 2,444 CVEs and 30 Xen/Zabbix/Wireshark/Talos ids without a CVE.
    assert_eq!(records.len(), 2474);
    let cves = records
        .iter()
        .filter(|r| r.id.starts_with("ALPINE-CVE-"))
        .count();
    assert_eq!(cves, 2444);
    let affected: usize = records.iter().map(|r| r.affected.len()).sum();
    assert_eq!(affected, 11_876);
    let statuses: usize = records
        .iter()
        .filter_map(|r| {
            r.database_specific
                .as_ref()?
                .get("scry_statuses")?
                .as_array()
        })
        .map(Vec::len)
        .sum();
    assert_eq!(statuses, 5);
    for r in records {
        assert_eq!(r.modified, "0001-01-01T00:00:00Z");
        assert_eq!(r.published, None);
        let key = &r.id["ALPINE-".len()..];
        if key.starts_with("CVE-") {
            assert_eq!(r.aliases, [key]);
        } else {
            assert!(r.aliases.is_empty());
        }
        assert_eq!(
            r.database_specific
                .as_ref()
                .and_then(|d| d.get("scry_source")),
            Some(&json!("alpine-secdb"))
        );
        for a in &r.affected {
            let eco = &a.package.as_ref().expect("package").ecosystem;
            assert!(eco.starts_with("Alpine:v3."), "{eco}");
        }
    }
}

#[test]
fn merged_across_branches_with_related_ids() {
    // `CVE-2017-8904 XSA-214` under xen in all nine branches (v3.3: 4.6.3-r7 ...
    // v3.11: 4.8.1-r2).
    let r = find(&all().records, "ALPINE-CVE-2017-8904");
    assert_eq!(r.aliases, ["CVE-2017-8904"]);
    assert_eq!(r.related, ["XSA-214"]);
    let a = affected(r);
    assert_eq!(a.len(), 9);
    assert!(a.contains(&t("Alpine:v3.3", "xen", fixed("4.6.3-r7"))));
    assert!(a.contains(&t("Alpine:v3.11", "xen", fixed("4.8.1-r2"))));
    // `XSA-207` alone keys its own record.
    let r = find(&all().records, "ALPINE-XSA-207");
    assert!(r.aliases.is_empty());
    let a = affected(r);
    assert_eq!(a.len(), 9);
    assert!(a.contains(&t("Alpine:v3.3", "xen", fixed("4.6.3-r8"))));
    assert!(a.contains(&t("Alpine:v3.11", "xen", fixed("4.7.1-r5"))));
    // One branch only.
    let r = find(&all().records, "ALPINE-CVE-2019-14904");
    assert_eq!(
        affected(r),
        [t("Alpine:v3.11", "ansible", fixed("2.9.3-r0"))]
    );
}

#[test]
fn never_affected_secfix_zero() {
    // v3.8/main.yaml: db, secfixes `"0": [CVE-2016-0682, ...]` (whitelisted Oracle issues).
    let r = find(&all().records, "ALPINE-CVE-2016-0682");
    assert!(r.affected.is_empty());
    assert_eq!(
        r.database_specific.as_ref().expect("db")["scry_statuses"],
        json!([{"ecosystem": "Alpine:v3.8", "package": "db", "status": "not_affected"}])
    );
}

#[test]
fn two_fixes_in_one_branch_and_notes() {
    // v3.10/community.yaml wireshark: CVE-2017-15191 under 2.4.2-r0 and 2.2.10-r0.
    let r = find(&all().records, "ALPINE-CVE-2017-15191");
    let a = r
        .affected
        .iter()
        .find(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.ecosystem == "Alpine:v3.10")
        })
        .expect("v3.10");
    let ranges: Vec<Vec<Event>> = a.ranges.iter().map(|r| r.events.clone()).collect();
    assert_eq!(ranges, [fixed("2.4.2-r0"), fixed("2.2.10-r0")]);
    // v3.11/main.yaml tcpdump 4.9.3-r0: `CVE-2019-15167 (VRRP)`.
    let r = find(&all().records, "ALPINE-CVE-2019-15167");
    let a = r
        .affected
        .iter()
        .find(|a| {
            a.package
                .as_ref()
                .is_some_and(|p| p.ecosystem == "Alpine:v3.11")
        })
        .expect("v3.11");
    assert_eq!(a.database_specific, Some(json!({"note": "VRRP"})));
    assert_eq!(a.ranges[0].events, fixed("4.9.3-r0"));
}

/// Hostile YAML: each gives the expected records and `FeedError`s, never a panic.
#[test]
fn hostile_files() {
    let cases: &[(&str, usize, &[&str])] = &[
        (
            "distroversion: v3.12\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.0-r0:\n          - CVE-2020-0001\n",
            1,
            &[],
        ),
        ("distroversion: v3.12\npackages:\n", 0, &[]),
        ("", 0, &["-: not a secdb YAML document"]),
        ("[1, 2", 0, &["not a secdb YAML document"]),
        (
            "distroversion: edge\npackages: []\n",
            0,
            &["`distroversion` `edge` is no release branch"],
        ),
        (
            "distroversion: v3.12\npackages:\n  - pkg: {name: a, secfixes: [1, 2]}\n",
            0,
            &["not a secdb YAML document"],
        ),
        (
            "distroversion: v3.12\npackages:\n  - pkg:\n      name: a b\n  - pkg:\n      name: c\n      secfixes:\n        \"not a version\": [CVE-2020-0001]\n        1.0-r0: [fixed it, ~, CVE-2020-0002]\n        2.0-r0:\n",
            1,
            &[
                "-: bad package name `a b`",
                "c not a version: bad fixed version",
                "c 1.0-r0: no vulnerability id in secfix entry `fixed it`",
                "c 1.0-r0: empty secfix entry",
            ],
        ),
        // Truncated mid-document.
        (
            "distroversion: v3.12\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.0-r0:\n          - CVE-20",
            1,
            &[],
        ),
        // Unquoted `1.10` stays `1.10`, `0` unquoted is "never affected".
        (
            "distroversion: v3.12\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.10:\n          - CVE-2020-0003\n        0:\n          - CVE-2020-0004\n",
            2,
            &[],
        ),
        // An alias bomb is stopped by the parser's default budget.
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\ndistroversion: v3.12\n",
            0,
            &["budget breached"],
        ),
    ];
    for (text, records, errors) in cases {
        let c = convert(FeedKind::AlpineSecdb, "v3.12/main.yaml", text.as_bytes());
        let got: Vec<String> = c.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(c.records.len(), *records, "{text:?}: {got:#?}");
        assert_eq!(got.len(), errors.len(), "{text:?}: {got:#?}");
        for (g, e) in got.iter().zip(errors.iter()) {
            assert!(g.contains(e), "{text:?}: {g:?} lacks {e:?}");
        }
    }
    let c = convert(
        FeedKind::AlpineSecdb,
        "v3.12/main.yaml",
        b"distroversion: v3.12\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.10:\n          - CVE-2020-0003\n        0:\n          - CVE-2020-0004\n",
    );
    let three = find(&c.records, "ALPINE-CVE-2020-0003");
    assert_eq!(three.affected[0].ranges[0].events, fixed("1.10"));
    let four = find(&c.records, "ALPINE-CVE-2020-0004");
    assert!(four.affected.is_empty());
}

proptest::proptest! {
    /// Any bytes: no panic.
    #[test]
    fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
        let _ = convert(FeedKind::AlpineSecdb, "v3.12/main.yaml", &bytes);
    }

    /// Secfix entries of any text: no panic, and a record only for usable ids.
    #[test]
    fn any_secfix_entry(entry in "[ -~]{0,40}") {
        let text = format!(
            "distroversion: v3.12\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.0-r0:\n          - {}\n",
            serde_json::to_string(&entry).unwrap_or_default()
        );
        let c = convert(FeedKind::AlpineSecdb, "v3.12/main.yaml", text.as_bytes());
        for r in &c.records {
            proptest::prop_assert!(r.id.starts_with("ALPINE-"));
        }
    }
}
