//! Debian security tracker lists (`debian-security-tracker-lists.zip`): every advisory of
//! DSA, DLA and DTSA converted, counts pinned, a few advisories checked field by field
//! against the list text, and hostile snippets that must give `FeedError`s.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use scry_feeds::{Conversion, FeedKind, convert, detect};
use scry_osv::{Event, Record};
use serde_json::json;

/// Every file of a `shared/vulndb` zip, as `(path, bytes)`, in archive order.
pub(crate) fn zip_files(name: &str) -> Vec<(String, Vec<u8>)> {
    let path = scry_test::vulndb_dir().join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut archive = zip::ZipArchive::new(file).expect("a zip archive");
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("readable entry");
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().expect("UTF-8 name").into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("inflates");
        out.push((name, bytes));
    }
    out
}

/// Detects and converts every file of a zip; returns the conversion per path.
pub(crate) fn convert_zip(name: &str, kind: FeedKind) -> BTreeMap<String, Conversion> {
    let mut out = BTreeMap::new();
    for (path, bytes) in zip_files(name) {
        match detect(&path, &bytes[..bytes.len().min(512)]) {
            Some(k) => {
                assert_eq!(k, kind, "{path}");
                out.insert(path.clone(), convert(k, &path, &bytes));
            }
            None => panic!("{path} not detected"),
        }
    }
    out
}

/// The record with this id.
pub(crate) fn find<'a>(records: &'a [Record], id: &str) -> &'a Record {
    records
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

/// `(ecosystem, name, events)` of each affected entry.
pub(crate) fn affected(r: &Record) -> Vec<(String, String, Vec<Event>)> {
    r.affected
        .iter()
        .map(|a| {
            let p = a.package.as_ref().expect("package");
            let events = a.ranges.iter().flat_map(|r| r.events.clone()).collect();
            (p.ecosystem.clone(), p.name.clone(), events)
        })
        .collect()
}

pub(crate) fn fixed(v: &str) -> Vec<Event> {
    vec![Event::Introduced("0".into()), Event::Fixed(v.into())]
}

pub(crate) fn unfixed() -> Vec<Event> {
    vec![Event::Introduced("0".into())]
}

pub(crate) fn t(e: &str, n: &str, ev: Vec<Event>) -> (String, String, Vec<Event>) {
    (e.to_owned(), n.to_owned(), ev)
}

/// The whole archive converted once per test binary: `(records, skips as text)`.
fn all() -> &'static (Vec<Record>, Vec<String>) {
    static ALL: OnceLock<(Vec<Record>, Vec<String>)> = OnceLock::new();
    ALL.get_or_init(convert_all)
}

fn convert_all() -> (Vec<Record>, Vec<String>) {
    let convs = convert_zip("debian-security-tracker-lists.zip", FeedKind::DebianList);
    let counts: Vec<(String, usize, usize)> = convs
        .iter()
        .map(|(p, c)| (p.clone(), c.records.len(), c.skipped.len()))
        .collect();
    assert_eq!(
        counts,
        [
            ("data/DLA/list".to_owned(), 3530, 4),
            ("data/DSA/list".to_owned(), 5382, 25),
            ("data/DTSA/list".to_owned(), 207, 1),
        ],
        "{:#?}",
        convs
            .values()
            .flat_map(|c| c.skipped.iter().map(ToString::to_string))
            .collect::<Vec<_>>()
    );
    let mut records = Vec::new();
    let mut skipped = Vec::new();
    for c in convs.into_values() {
        records.extend(c.records);
        skipped.extend(c.skipped.iter().map(ToString::to_string));
    }
    (records, skipped)
}

#[test]
fn every_advisory_converts() {
    let (records, skipped) = all();
    assert_eq!(records.len(), 9119);
    // 28 skips are the announcements (end of life of a release, key changes) and the
    // advisories that name no package (DSA-1605-1 glibc: "NOTE: <unfixed>" only).
    // DSA-423 is broken in the tracker itself: its one release line gives the package name
    // where the version belongs.
    let (no_release, other): (Vec<&String>, Vec<&String>) =
        skipped.iter().partition(|s| s.contains("no release lines"));
    assert_eq!(no_release.len(), 28);
    assert_eq!(
        other,
        [
            "data/DSA/list: DSA-423 line 17244: bad fixed version `kernel-image-2.4.17-ia64`",
            "data/DSA/list: DSA-423: none of its release lines could be used",
        ]
    );
    for id in [
        "DSA-4205-1",
        "DSA-3281-1",
        "DSA-1605-1",
        "DLA-3067-1",
        "DTSA-16-1",
    ] {
        assert!(
            skipped.iter().any(|s| s.contains(&format!(": {id}: "))),
            "{id}"
        );
    }
    let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), records.len(), "ids are unique");
    for r in records {
        assert_eq!(
            r.published.as_deref(),
            Some(r.modified.as_str()),
            "{}",
            r.id
        );
        assert_eq!(
            r.database_specific
                .as_ref()
                .and_then(|d| d.get("scry_source")),
            Some(&json!("debian-security-tracker"))
        );
        assert!(r.upstream.iter().all(|a| a.starts_with("CVE-")));
        for a in &r.affected {
            let eco = &a.package.as_ref().expect("package").ecosystem;
            assert!(eco.starts_with("Debian:"), "{eco}");
        }
    }
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
    // 10,731 release lines: 55 `<not-affected>` statuses, DSA-423's broken line, the rest
    // affected.
    assert_eq!((affected, statuses), (10_675, 55));
}

#[test]
fn dsa_with_two_releases() {
    // [10 May 2018] DSA-4199-1 firefox-esr - security update
    //   {CVE-2018-5150 CVE-2018-5154 ... CVE-2018-5183}
    //   [jessie] - firefox-esr 52.8.0esr-1~deb8u1
    //   [stretch] - firefox-esr 52.8.0esr-1~deb9u1
    let records = &all().0;
    let r = find(records, "DSA-4199-1");
    assert_eq!(r.summary.as_deref(), Some("firefox-esr - security update"));
    assert_eq!(r.published.as_deref(), Some("2018-05-10T00:00:00Z"));
    assert_eq!(r.modified, "2018-05-10T00:00:00Z");
    assert_eq!(r.upstream.len(), 9);
    assert_eq!(r.upstream[0], "CVE-2018-5150");
    assert_eq!(r.upstream[8], "CVE-2018-5183");
    assert_eq!(
        affected(r),
        [
            t("Debian:8", "firefox-esr", fixed("52.8.0esr-1~deb8u1")),
            t("Debian:9", "firefox-esr", fixed("52.8.0esr-1~deb9u1")),
        ]
    );
    assert_eq!(
        r.references[0].url,
        "https://security-tracker.debian.org/tracker/DSA-4199-1"
    );

    // [29 Mar 2023] DSA-5380-1 xorg-server - security update: epoch kept.
    let r = find(records, "DSA-5380-1");
    assert_eq!(r.upstream, ["CVE-2023-1393"]);
    assert_eq!(
        affected(r),
        [t("Debian:11", "xorg-server", fixed("2:1.20.11-1+deb11u6"))]
    );
}

#[test]
fn not_affected_is_a_status() {
    // [12 Apr 2011] DSA-2218-1 vlc - heap-based buffer overflow
    //   {CVE-2011-1684}
    //   [lenny] - vlc <not-affected> (Vulnerable code not present)
    //   [squeeze] - vlc 1.1.3-1squeeze5
    let records = &all().0;
    let r = find(records, "DSA-2218-1");
    assert_eq!(
        affected(r),
        [t("Debian:6", "vlc", fixed("1.1.3-1squeeze5"))]
    );
    assert_eq!(
        r.database_specific.as_ref().expect("db")["scry_statuses"],
        json!([{"ecosystem": "Debian:5", "package": "vlc", "status": "not_affected",
                "note": "Vulnerable code not present"}])
    );
}

#[test]
fn unfixed_and_end_of_life_stay_affected() {
    // [02 Nov 2005] DSA-880-1 phpmyadmin - several
    //   [woody] - phpmyadmin <unfixed>
    //   [sarge] - phpmyadmin 4:2.6.2-3sarge1
    let records = &all().0;
    let r = find(records, "DSA-880-1");
    assert_eq!(
        affected(r),
        [
            t("Debian:3.0", "phpmyadmin", unfixed()),
            t("Debian:3.1", "phpmyadmin", fixed("4:2.6.2-3sarge1")),
        ]
    );
    assert_eq!(
        r.affected[0].ecosystem_specific,
        Some(json!({"status": "unfixed"}))
    );
    // [18 Dec 2015] DLA-372-1 virtualbox-ose - end of support
    //   [squeeze] - virtualbox-ose <end-of-life>
    let r = find(records, "DLA-372-1");
    assert!(r.upstream.is_empty());
    assert_eq!(affected(r), [t("Debian:6", "virtualbox-ose", unfixed())]);
    assert_eq!(
        r.affected[0].ecosystem_specific,
        Some(json!({"status": "end_of_life"}))
    );
}

#[test]
fn dtsa_dates_and_notes() {
    // [August 26th, 2005] DTSA-1-1 kismet - various
    //   {CVE-2005-2626 CVE-2005-2627 }
    //   [etch] - kismet 2005.08.R1-0.1etch1 (high)
    let records = &all().0;
    let r = find(records, "DTSA-1-1");
    assert_eq!(r.published.as_deref(), Some("2005-08-26T00:00:00Z"));
    assert_eq!(r.upstream, ["CVE-2005-2626", "CVE-2005-2627"]);
    assert_eq!(
        affected(r),
        [t("Debian:4", "kismet", fixed("2005.08.R1-0.1etch1"))]
    );
    assert_eq!(
        r.affected[0].ecosystem_specific,
        Some(json!({"note": "high"}))
    );
}

/// Hostile snippets: each gives the expected records and `FeedError`s, never a panic.
#[test]
fn hostile_snippets() {
    let cases: &[(&str, usize, &[&str])] = &[
        // An unknown release skips its line, and the advisory when nothing is left.
        (
            "[01 Jan 2020] DSA-1-1 foo - x\n\t{CVE-2020-0001}\n\t[sid] - foo 1.0\n",
            0,
            &[
                "DSA-1-1 line 3: unknown Debian release `sid`",
                "DSA-1-1: none of its release lines",
            ],
        ),
        (
            "[01 Jan 2020] DSA-1-1 foo - x\n\t[sid] - foo 1.0\n\t[buster] - foo 1.0-1\n",
            1,
            &["unknown Debian release `sid`"],
        ),
        (
            "[99 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo 1\n",
            0,
            &["line 1: unreadable date"],
        ),
        (
            "[01 Jan 2020] USN-1-1 foo - x\n\t[buster] - foo 1\n",
            0,
            &["is not a DSA/DLA/DTSA id"],
        ),
        (
            "garbage\n",
            0,
            &["line 1: `garbage` before the first advisory header"],
        ),
        (
            "[01 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo\n\t[buster] foo 1\n\t[buster] - foo <bogus>\n\t{CVE-2020-1 bug}\n\twhat\n\t[buster] - foo 1.0 trailing\n\t[buster] - foo not-a-version\n",
            0,
            &[
                "malformed release line",
                "malformed release line",
                "unknown status <`bogus`>",
                "`CVE-2020-1` is not a CVE id",
                "`bug` is not a CVE id",
                "unrecognised line `what`",
                "unexpected text `trailing`",
                "bad fixed version `not-a-version`",
                "none of its release lines",
            ],
        ),
        // Truncated in the middle of a header.
        (
            "[01 Jan 2020] DSA-1-1 foo - x\n\t[buster] - foo 1.0-1\n[01 Ja",
            1,
            &["line 3: malformed advisory header"],
        ),
        (
            "\u{0}\u{1}[\n]\n",
            0,
            &[
                "line 1: `\u{0}\u{1}[` before the first",
                "line 2: `]` before the first",
            ],
        ),
    ];
    for (text, records, errors) in cases {
        let c = convert(FeedKind::DebianList, "data/DSA/list", text.as_bytes());
        let got: Vec<String> = c.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(c.records.len(), *records, "{text:?}: {got:#?}");
        assert_eq!(got.len(), errors.len(), "{text:?}: {got:#?}");
        for (g, e) in got.iter().zip(errors.iter()) {
            assert!(g.contains(e), "{text:?}: {g:?} lacks {e:?}");
            assert!(g.starts_with("data/DSA/list: "), "{g}");
        }
    }
    let c = convert(FeedKind::DebianList, "data/DSA/list", b"\xff\xfe");
    assert_eq!(
        c.skipped[0].reason.split(':').next(),
        Some("not UTF-8 text")
    );
}

proptest::proptest! {
    /// Any bytes: no panic, and every skip names the file.
    #[test]
    fn never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
        let c = convert(FeedKind::DebianList, "data/DLA/list", &bytes);
        proptest::prop_assert!(c.skipped.iter().all(|s| s.path == "data/DLA/list"));
    }

    /// Line-shaped input built from the list's own pieces: no panic.
    #[test]
    fn never_panics_on_list_pieces(lines in proptest::collection::vec(
        proptest::sample::select(vec![
            "[01 Jan 2020] DSA-1-1 foo - x", "[August 26th, 2005] DTSA-1-1 k", "\t{CVE-2020-0001}",
            "\t[buster] - foo 1.0", "\t[lenny] - foo <not-affected> (x)", "\t[woody] - foo <unfixed>",
            "\tNOTE: x", "[", "\t[", "\t{", "\t[buster] -", "[01 Jan 2020]", "",
        ]), 0..30)) {
        let text = lines.join("\n");
        let _ = convert(FeedKind::DebianList, "data/DSA/list", text.as_bytes());
    }
}

/// The whole OSV JSON of one record, as the database stores it.
#[test]
fn osv_json_of_one_advisory() {
    let r = find(&all().0, "DSA-2218-1");
    assert_eq!(
        serde_json::to_value(r).expect("serialises"),
        json!({
            "id": "DSA-2218-1",
            "modified": "2011-04-12T00:00:00Z",
            "published": "2011-04-12T00:00:00Z",
            "upstream": ["CVE-2011-1684"],
            "summary": "vlc - heap-based buffer overflow",
            "affected": [{
                "package": {"ecosystem": "Debian:6", "name": "vlc"},
                "ranges": [{"type": "ECOSYSTEM", "events": [
                    {"introduced": "0"}, {"fixed": "1.1.3-1squeeze5"}]}]
            }],
            "references": [{"type": "ADVISORY",
                            "url": "https://security-tracker.debian.org/tracker/DSA-2218-1"}],
            "database_specific": {
                "scry_source": "debian-security-tracker",
                "scry_statuses": [{"ecosystem": "Debian:5", "package": "vlc",
                                   "status": "not_affected", "note": "Vulnerable code not present"}]
            }
        })
    );
}
