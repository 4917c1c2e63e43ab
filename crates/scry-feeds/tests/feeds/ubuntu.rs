//! Ubuntu CVE tracker (`ubuntu-cve-tracker-legacy.zip`, `active/CVE-*`): every file
//! converted, counts pinned, CVEs checked field by field against the tracker text, and
//! hostile files that must give `FeedError`s.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use scry_feeds::{FeedKind, convert};
use scry_osv::Record;
use serde_json::json;

use super::debian::{affected, convert_zip, find, fixed, t, unfixed};

struct All {
    records: Vec<Record>,
    skipped: Vec<String>,
}

fn all() -> &'static All {
    static ALL: OnceLock<All> = OnceLock::new();
    ALL.get_or_init(|| {
        let convs = convert_zip("ubuntu-cve-tracker-legacy.zip", FeedKind::UbuntuCve);
        assert_eq!(convs.len(), 6509);
        let mut records = Vec::new();
        let mut skipped = Vec::new();
        for c in convs.into_values() {
            records.extend(c.records);
            skipped.extend(c.skipped.iter().map(ToString::to_string));
        }
        All { records, skipped }
    })
}

#[test]
fn every_file_converts() {
    let All { records, skipped } = all();
    // Every one of the 6,509 files is a record; none of their lines is skipped. (The
    // `-- Tags_xen` and `#xenial_PKG:` lines are comments; `vivid/ubuntu-core` and
    // `vivid/stable-phone-overlay` are overlays, skipped silently like `upstream`.)
    assert_eq!(records.len(), 6509);
    assert!(skipped.is_empty(), "{skipped:#?}");
    let affected: usize = records.iter().map(|r| r.affected.len()).sum();
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
    // Counted independently with a regex over the files: 13,577 released + 10,546
    // needs-triage + 8,050 needed + 1,521 deferred + 167 pending + 36,245 ignored;
    // 109,321 DNE + 25,282 not-affected. Of the not-affected, 15,500 name a version
    // (`not-affected (V)` on a release scry keeps; one written `not-affected V)`): those
    // are affected below V, fixed in V
    // (as Ubuntu's OVAL reads them), so they move from the statuses to `affected`. Counted
    // with a regex over the files, skipping devel/upstream/snap/product and the overlays.
    assert_eq!((affected, statuses), (70_106 + 15_500, 134_603 - 15_500));
    let with_fix = records
        .iter()
        .flat_map(|r| &r.affected)
        .filter(|a| a.ranges.iter().any(|r| r.events.len() == 2))
        .count();
    // 13,577 released + 15,500 `not-affected (V)` + 149 `pending (V)` (of 167 pending).
    assert_eq!(with_fix, 13_577 + 15_500 + 149);
    let by_status = |s: &str| {
        records
            .iter()
            .flat_map(|r| &r.affected)
            .filter(|a| {
                a.ecosystem_specific.as_ref().and_then(|e| e.get("status")) == Some(&json!(s))
            })
            .count()
    };
    assert_eq!(by_status("will_not_fix"), 36_245);
    assert_eq!(by_status("fixed"), 15_500);
    assert_eq!(by_status("pending"), 167);
    assert_eq!(by_status("needs_triage"), 10_546);
    // `nvd: CVSS:3.x` vectors: 6,054 files, as the snapshot's README says.
    assert_eq!(
        records.iter().filter(|r| !r.severity.is_empty()).count(),
        6054
    );
    let mut priorities: BTreeMap<String, usize> = BTreeMap::new();
    for r in records {
        let p = r
            .database_specific
            .as_ref()
            .and_then(|d| d.get("ubuntu_priority"));
        let p = p.and_then(|p| p.as_str()).unwrap_or("-");
        *priorities.entry(p.to_owned()).or_default() += 1;
    }
    assert_eq!(
        priorities,
        BTreeMap::from(
            [
                ("-", 4),
                ("high", 33),
                ("low", 1631),
                ("medium", 4477),
                ("negligible", 181),
                ("untriaged", 183)
            ]
            .map(|(k, v)| (k.to_owned(), v))
        )
    );
    for r in records {
        assert!(r.id.starts_with("UBUNTU-CVE-"), "{}", r.id);
        assert_eq!(r.aliases, [&r.id["UBUNTU-".len()..]]);
        assert_eq!(r.published.as_deref(), Some(r.modified.as_str()));
        for a in &r.affected {
            let eco = &a.package.as_ref().expect("package").ecosystem;
            assert!(eco.starts_with("Ubuntu:"), "{eco}");
        }
    }
}

#[test]
fn ignored_needs_triage_and_esm() {
    // active/CVE-2018-12395: firefox released in six releases, mozjs52/60 `ignored
    // (reached end-of-life)` in cosmic and disco, `DNE` in the ESM pockets.
    let r = find(&all().records, "UBUNTU-CVE-2018-12395");
    assert_eq!(r.aliases, ["CVE-2018-12395"]);
    assert_eq!(r.published.as_deref(), Some("2019-02-28T18:29:00Z"));
    assert_eq!(r.modified, "2019-02-28T18:29:00Z");
    assert!(r.details.as_deref().is_some_and(|d| d.starts_with(
        "By rewriting the Host: request headers using the webRequest API, a\nWebExtension"
    )));
    assert_eq!(r.severity.len(), 1);
    assert_eq!(r.severity[0].kind, "CVSS_V3");
    assert_eq!(
        r.severity[0].score,
        "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"
    );
    assert_eq!(
        affected(r),
        [
            t(
                "Ubuntu:14.04:LTS",
                "firefox",
                fixed("63.0+build2-0ubuntu0.14.04.2")
            ),
            t(
                "Ubuntu:16.04:LTS",
                "firefox",
                fixed("63.0+build2-0ubuntu0.16.04.2")
            ),
            t(
                "Ubuntu:18.04:LTS",
                "firefox",
                fixed("63.0+build2-0ubuntu0.18.04.2")
            ),
            t(
                "Ubuntu:18.10",
                "firefox",
                fixed("63.0+build2-0ubuntu0.18.10.2")
            ),
            t("Ubuntu:19.04", "firefox", fixed("63.0+build1-0ubuntu1")),
            t("Ubuntu:19.10", "firefox", fixed("63.0+build1-0ubuntu1")),
            t("Ubuntu:18.04:LTS", "mozjs38", unfixed()),
            t("Ubuntu:18.04:LTS", "mozjs52", unfixed()),
            t("Ubuntu:18.10", "mozjs52", unfixed()),
            t("Ubuntu:19.04", "mozjs52", unfixed()),
            t("Ubuntu:19.10", "mozjs52", unfixed()),
            t("Ubuntu:18.10", "mozjs60", unfixed()),
            t("Ubuntu:19.04", "mozjs60", unfixed()),
            t("Ubuntu:19.10", "mozjs60", unfixed()),
        ]
    );
    assert_eq!(
        r.affected[0].ecosystem_specific,
        Some(json!({"priority": "medium", "status": "released"}))
    );
    assert_eq!(
        r.affected[8].ecosystem_specific,
        Some(
            json!({"priority": "medium", "status": "will_not_fix", "note": "reached end-of-life"})
        )
    );
    assert_eq!(
        r.affected[6].ecosystem_specific,
        Some(json!({"priority": "medium", "status": "needs_triage"}))
    );
    let db = r.database_specific.as_ref().expect("database_specific");
    assert_eq!(db["scry_source"], json!("ubuntu-cve-tracker"));
    assert_eq!(db["ubuntu_priority"], json!("medium"));
    let statuses = db["scry_statuses"].as_array().expect("statuses");
    assert_eq!(statuses.len(), 26);
    assert_eq!(
        statuses[0],
        json!({"ecosystem": "Ubuntu:Pro:12.04:LTS", "package": "firefox", "status": "does_not_exist"})
    );
    assert_eq!(
        statuses[1],
        json!({"ecosystem": "Ubuntu:Pro:14.04:LTS", "package": "firefox",
               "status": "does_not_exist", "note": "trusty was released [63.0+build2-0ubuntu0.14.04.2]"})
    );
    assert!(
        r.references
            .iter()
            .any(|x| x.kind == "ADVISORY" && x.url == "https://usn.ubuntu.com/usn/usn-3801-1")
    );
}

#[test]
fn odd_spellings_in_the_tracker() {
    let records = &all().records;
    // `Candidate:CVE-2009-0799` (no space); `lucid_xpdf: not-affected (3.02-2)`: affected
    // below 3.02-2, as Ubuntu's OVAL reads a version after not-affected.
    let r = find(records, "UBUNTU-CVE-2009-0799");
    assert!(affected(r).contains(&t("Ubuntu:10.04:LTS", "xpdf", fixed("3.02-2"))));
    assert!(affected(r).contains(&t("Ubuntu:9.04", "xpdf", fixed("3.02-1.4ubuntu2.9.04.1"))));
    // `bionic_thunderbird: released (1:68.4.1+build1-0ubuntu0.18.04.1` (no closing
    // parenthesis) and `precise_pgpdump: released (0.27-1+deb7u1build0.12.04.1, 0.28-1+deb8u1)`.
    let with = |id: &str, eco: &str, pkg: &str| -> Vec<scry_osv::Event> {
        affected(find(records, id))
            .into_iter()
            .find(|(e, n, _)| e == eco && n == pkg)
            .unwrap_or_else(|| panic!("{id} {eco} {pkg}"))
            .2
    };
    let thunderbird = records
        .iter()
        .find(|r| {
            affected(r).contains(&t(
                "Ubuntu:18.04:LTS",
                "thunderbird",
                fixed("1:68.4.1+build1-0ubuntu0.18.04.1"),
            ))
        })
        .map(|r| r.id.clone());
    assert!(thunderbird.is_some());
    assert_eq!(
        with("UBUNTU-CVE-2016-4021", "Ubuntu:12.04:LTS", "pgpdump"),
        fixed("0.27-1+deb7u1build0.12.04.1")
    );
    // A description with a blank line keeps both paragraphs.
    let r = find(records, "UBUNTU-CVE-2017-5192");
    assert!(
        r.details
            .as_deref()
            .is_some_and(|d| d.contains("bypassed.\n\nThe LocalClient"))
    );
}

/// Hostile files: each gives the expected records and `FeedError`s, never a panic.
#[test]
fn hostile_files() {
    const OK: &str =
        "Candidate: CVE-2020-0001\nPublicDate: 2020-01-02 03:04:05 UTC\nPriority: low\n\n";
    let cases: &[(&str, &str, usize, &[&str])] = &[
        (OK, "focal_foo: released (1.0-1)\n", 1, &[]),
        (
            "",
            "",
            0,
            &["active/CVE-2020-0001: -: no `Candidate:` field"],
        ),
        (
            "Candidate: CVE-2020-0002\nPublicDate: 2020-01-02\n",
            "focal_foo: needed\n",
            0,
            &["`Candidate:` does not match the file name `CVE-2020-0001`"],
        ),
        (
            "Candidate: CVE-2020-0001\n",
            "focal_foo: needed\n",
            0,
            &["no `PublicDate:`"],
        ),
        (
            "Candidate: CVE-2020-0001\nPublicDate: soon\n",
            "",
            0,
            &["unreadable `PublicDate:` `soon`"],
        ),
        (
            "Candidate: CVE 2020 0001\nPublicDate: 2020-01-02\n",
            "",
            0,
            &["is no vulnerability id"],
        ),
        (OK, "", 0, &["no `<release>_<package>: <status>` lines"]),
        (OK, "upstream_foo: released (1.0)\n", 1, &[]),
        (
            OK,
            "sid_foo: needed\nfocal_foo: released\nfocal_bar: released (not a version)\nfocal_baz: frobbed\nfocal_qux:\n garbage\nnot a field\nfocal_ok: needed\n",
            1,
            &[
                "line 10: indented line ` garbage` continues no field",
                "line 11: unrecognised line `not a field`",
                "line 5: unknown Ubuntu release `sid`",
                "line 6: `released` without a version",
                "line 7: `released` with bad version",
                "line 8: unknown status `frobbed`",
                "line 9: empty status",
            ],
        ),
        // Truncated mid-line.
        (OK, "focal_foo: released (1.0-", 1, &[]),
        (
            " leading continuation\n",
            "",
            0,
            &["line 1: indented line", "no `Candidate:` field"],
        ),
    ];
    for (head, body, records, errors) in cases {
        let text = format!("{head}{body}");
        let c = convert(FeedKind::UbuntuCve, "active/CVE-2020-0001", text.as_bytes());
        let got: Vec<String> = c.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(c.records.len(), *records, "{text:?}: {got:#?}");
        assert_eq!(got.len(), errors.len(), "{text:?}: {got:#?}");
        for (g, e) in got.iter().zip(errors.iter()) {
            assert!(g.contains(e), "{text:?}: {g:?} lacks {e:?}");
        }
    }
    let c = convert(
        FeedKind::UbuntuCve,
        "active/CVE-2020-0001",
        b"Candidate: \xff",
    );
    assert_eq!(c.skipped.len(), 1);
    assert!(c.skipped[0].reason.starts_with("not UTF-8 text"));
}

proptest::proptest! {
    /// Any bytes: no panic.
    #[test]
    fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let c = convert(FeedKind::UbuntuCve, "active/CVE-2020-0001", &bytes);
        proptest::prop_assert!(c.records.len() <= 1);
    }

    /// Files assembled from the tracker's own line shapes: no panic, at most one record.
    #[test]
    fn never_panics_on_tracker_pieces(lines in proptest::collection::vec(
        proptest::sample::select(vec![
            "Candidate: CVE-2020-0001", "Candidate:", "PublicDate: 2020-01-02 03:04:05 UTC",
            "PublicDate: 2020-13-45", "Priority: high", "Priority_foo: low", "CVSS:",
            " nvd: CVSS:3.1/AV:N", " nvd:", "Description:", " text", "", "Patches_foo:",
            "focal_foo: released (1.0)", "focal_foo: released (", "trusty/esm_foo: DNE",
            "esm-apps/_foo: needed", "_: :", "focal_: ignored", "xenial_foo: pending (1.2)",
        ]), 0..30)) {
        let text = lines.join("\n");
        let c = convert(FeedKind::UbuntuCve, "active/CVE-2020-0001", text.as_bytes());
        proptest::prop_assert!(c.records.len() <= 1);
    }
}
