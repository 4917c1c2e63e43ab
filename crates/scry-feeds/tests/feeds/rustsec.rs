//! RustSec advisory-db → OSV, checked against RustSec's own OSV export of the same
//! commit (`rustsec-crates.osv.jsonl.zst`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use scry_core::{Ecosystem, VersionScheme};
use scry_feeds::{Conversion, FeedKind, convert, detect};
use scry_osv::{Affected, RangeVerdict, Record};

/// Every file of a `shared/vulndb` zip, as (path, bytes), in archive order.
pub(crate) fn archive(name: &str) -> Vec<(String, Vec<u8>)> {
    let path = scry_test::vulndb_dir().join(name);
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("zip entry");
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().expect("entry name").into_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("entry bytes");
        out.push((name, bytes));
    }
    out
}

/// Detects and converts every file of an archive; returns the per-kind conversions
/// merged, and the paths detected as nothing.
pub(crate) fn convert_archive(name: &str) -> (BTreeMap<FeedKindKey, Conversion>, Vec<String>) {
    let mut by_kind: BTreeMap<FeedKindKey, Conversion> = BTreeMap::new();
    let mut ignored = Vec::new();
    for (path, bytes) in archive(name) {
        let head = &bytes[..bytes.len().min(4096)];
        match detect(&path, head) {
            Some(kind) => {
                let c = convert(kind, &path, &bytes);
                let slot = by_kind.entry(FeedKindKey(format!("{kind:?}"))).or_default();
                slot.records.extend(c.records);
                slot.skipped.extend(c.skipped);
            }
            None => ignored.push(path),
        }
    }
    (by_kind, ignored)
}

/// `FeedKind` as an ordered map key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct FeedKindKey(pub(crate) String);

/// Converts one file of a snapshot archive and returns its single record (no skips).
pub(crate) fn convert_one(archive_name: &str, kind: FeedKind, path: &str) -> scry_osv::Record {
    let entries = archive(archive_name);
    let (_, bytes) = entries
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} in the archive"));
    let mut c = scry_feeds::convert(kind, path, bytes);
    assert!(c.skipped.is_empty(), "{:?}", c.skipped);
    c.records.remove(0)
}

/// Whether the record's first `affected` entry covers version `v` of `ecosystem`.
pub(crate) fn first_affects(r: &scry_osv::Record, ecosystem: &str, v: &str) -> bool {
    r.affected[0]
        .affects(&scry_core::Ecosystem::parse(ecosystem), v)
        .unwrap_or_else(|e| panic!("{}: {v}: {e}", r.id))
        == scry_osv::RangeVerdict::Affected
}

pub(crate) fn key(kind: FeedKind) -> FeedKindKey {
    FeedKindKey(format!("{kind:?}"))
}

/// Reasons of skipped entries, counted.
pub(crate) fn reasons(c: &Conversion) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for s in &c.skipped {
        *out.entry(s.reason.clone()).or_default() += 1;
    }
    out
}

fn oracle() -> BTreeMap<String, Record> {
    let path = scry_test::vulndb_dir().join("rustsec-crates.osv.jsonl.zst");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = zstd::decode_all(&bytes[..]).expect("zstd");
    let text = String::from_utf8(text).expect("UTF-8");
    text.lines()
        .map(|l| {
            let r = scry_osv::parse_record(l.as_bytes()).expect("oracle record parses");
            (r.id.clone(), r)
        })
        .collect()
}

/// Versions worth probing around `v`: itself, and its neighbours in SemVer order.
fn neighbours(v: &str) -> Vec<String> {
    let mut out = vec![v.to_owned()];
    let core = v.split_once('+').map_or(v, |(c, _)| c);
    let (release, pre) = core.split_once('-').unwrap_or((core, ""));
    let nums: Vec<u64> = release.split('.').filter_map(|n| n.parse().ok()).collect();
    if nums.len() != 3 {
        return out;
    }
    let (a, b, c) = (nums[0], nums[1], nums[2]);
    out.push(format!("{a}.{b}.{}", c + 1));
    out.push(format!("{a}.{}.0", b + 1));
    out.push(format!("{}.0.0", a + 1));
    out.push(format!("{a}.{b}.{c}-alpha.1"));
    out.push(format!("{a}.{b}.{c}-0"));
    if c > 0 {
        out.push(format!("{a}.{b}.{}", c - 1));
        out.push(format!("{a}.{b}.{}-rc.1", c - 1));
    }
    if b > 0 {
        out.push(format!("{a}.{}.99", b - 1));
    }
    if !pre.is_empty() {
        out.push(release.to_owned());
        out.push(format!("{release}-{pre}.0"));
        out.push(format!("{release}-{pre}.1"));
    } else {
        out.push(format!("{a}.{b}.{}-0", c + 1));
    }
    out
}

fn probe_versions(records: &[&Record]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in records {
        for a in &r.affected {
            for range in &a.ranges {
                for e in &range.events {
                    out.extend(neighbours(e.version()));
                }
            }
        }
    }
    out.extend(["0.0.0", "0.0.1", "0.1.0", "1.0.0", "99.0.0"].map(str::to_owned));
    out
}

fn verdict(a: &Affected, v: &str) -> Result<bool, String> {
    let eco = Ecosystem::parse("crates.io");
    a.affects(&eco, v)
        .map(|x| x == RangeVerdict::Affected)
        .map_err(|e| e.to_string())
}

#[test]
fn converts_every_advisory() {
    let (by_kind, ignored) = convert_archive("rustsec-advisory-db.zip");
    assert_eq!(
        by_kind.len(),
        1,
        "only RustSec files detected: {:?}",
        by_kind.keys()
    );
    let c = &by_kind[&key(FeedKind::RustSec)];
    assert_eq!(c.records.len(), 1205);
    let reasons = reasons(c);
    assert_eq!(
        reasons.into_iter().collect::<Vec<_>>(),
        vec![(
            "Rust toolchain advisories (`rust/`) have no OSV package ecosystem; RustSec's OSV \
             export leaves them out too"
                .to_owned(),
            20
        )]
    );
    assert!(
        ignored.iter().all(|p| !p.starts_with("crates/")),
        "{ignored:?}"
    );
    assert!(ignored.contains(&"README.md".to_owned()));
    // Ids are unique and are the file names.
    let ids: BTreeSet<&str> = c.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), c.records.len());
}

/// The oracle: every converted record against RustSec's own OSV export.
#[test]
fn matches_rustsecs_own_osv_export() {
    let (by_kind, _) = convert_archive("rustsec-advisory-db.zip");
    let ours: BTreeMap<String, &Record> = by_kind[&key(FeedKind::RustSec)]
        .records
        .iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let theirs = oracle();
    assert_eq!(theirs.len(), 1206);

    // Known, explained differences in the record sets.
    let only_theirs: Vec<&String> = theirs.keys().filter(|k| !ours.contains_key(*k)).collect();
    let only_ours: Vec<&String> = ours.keys().filter(|k| !theirs.contains_key(*k)).collect();
    // RUSTSEC-2025-0000 (matrix-sdk-base, CVE-2025-59047) is still on the `osv` branch
    // but has no file on the main branch: it was re-filed as RUSTSEC-2025-0065, which
    // carries the same CVE and GHSA aliases.
    assert_eq!(only_theirs, vec!["RUSTSEC-2025-0000"]);
    assert!(only_ours.is_empty(), "{only_ours:?}");
    assert_eq!(
        theirs["RUSTSEC-2025-0000"].aliases,
        ours["RUSTSEC-2025-0065"].aliases
    );

    let mut field_diffs: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut version_diffs = Vec::new();
    let mut probes_total = 0usize;
    for (id, mine) in &ours {
        let Some(oracle) = theirs.get(id) else {
            continue;
        };
        let mut diff = |field: &'static str, same: bool| {
            if !same {
                field_diffs.entry(field).or_default().push(id.clone());
            }
        };
        diff("aliases", mine.aliases == oracle.aliases);
        diff("related", mine.related == oracle.related);
        diff("withdrawn", mine.withdrawn == oracle.withdrawn);
        diff("published", mine.published == oracle.published);
        diff("summary", mine.summary == oracle.summary);
        diff("details", mine.details == oracle.details);
        diff("severity", mine.severity == oracle.severity);
        diff("references", mine.references == oracle.references);
        diff(
            "package",
            mine.affected[0]
                .package
                .as_ref()
                .map(|p| (&p.ecosystem, &p.name, &p.purl))
                == oracle.affected[0]
                    .package
                    .as_ref()
                    .map(|p| (&p.ecosystem, &p.name, &p.purl)),
        );
        diff(
            "ecosystem_specific",
            mine.affected[0].ecosystem_specific == oracle.affected[0].ecosystem_specific,
        );
        diff(
            "affected.database_specific",
            mine.affected[0].database_specific == oracle.affected[0].database_specific,
        );
        diff(
            "license",
            mine.database_specific
                .as_ref()
                .and_then(|d| d.get("license"))
                == oracle
                    .database_specific
                    .as_ref()
                    .and_then(|d| d.get("license")),
        );
        diff(
            "events",
            mine.affected[0].ranges == oracle.affected[0].ranges,
        );

        for v in probe_versions(&[mine, oracle]) {
            probes_total += 1;
            let a = verdict(&mine.affected[0], &v);
            let b = verdict(&oracle.affected[0], &v);
            if a != b {
                version_diffs.push(format!("{id} {v}: scry {a:?}, RustSec {b:?}"));
            }
        }
    }
    eprintln!(
        "RustSec oracle: {} records compared, {probes_total} (record, version) probes",
        ours.len() - only_ours.len()
    );
    for (field, ids) in &field_diffs {
        eprintln!(
            "  {field}: {} differ, e.g. {:?}",
            ids.len(),
            &ids[..ids.len().min(5)]
        );
    }
    assert!(probes_total > 20_000, "{probes_total}");
    assert!(
        version_diffs.is_empty(),
        "affected sets differ:\n{}",
        version_diffs.join("\n")
    );
    // Every field RustSec writes agrees exactly (`modified` aside: RustSec takes it from
    // git history, which the files do not hold) ...
    let fields: Vec<&str> = field_diffs.keys().copied().collect();
    assert_eq!(fields, ["events"], "{field_diffs:?}");
    // ... except the event lists of four records, whose affected sets are nonetheless
    // equal (checked above): where two not-affected requirements touch (`< 0.10` and
    // `>= 0.10.0`), RustSec writes an empty `introduced: 0.10.0, fixed: 0.10.0` pair;
    // scry merges touching intervals and writes nothing there.
    assert_eq!(
        field_diffs["events"],
        [
            "RUSTSEC-2022-0012",
            "RUSTSEC-2023-0039",
            "RUSTSEC-2024-0399",
            "RUSTSEC-2026-0149"
        ]
    );
}

#[test]
fn spot_checks() {
    let entries = archive("rustsec-advisory-db.zip");
    let get = |path: &str| -> Record {
        let (_, bytes) = entries
            .iter()
            .find(|(p, _)| p == path)
            .unwrap_or_else(|| panic!("{path} in the archive"));
        let mut c = convert(FeedKind::RustSec, path, bytes);
        assert!(c.skipped.is_empty(), "{:?}", c.skipped);
        c.records.remove(0)
    };

    // RUSTSEC-2016-0001: openssl, all versions before 0.9.0, CVSS 3.0.
    let r = get("crates/openssl/RUSTSEC-2016-0001.md");
    assert_eq!(r.id, "RUSTSEC-2016-0001");
    assert_eq!(r.published.as_deref(), Some("2016-11-05T12:00:00Z"));
    assert_eq!(r.aliases, ["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"]);
    assert_eq!(
        r.summary.as_deref(),
        Some("SSL/TLS MitM vulnerability due to insecure defaults")
    );
    assert!(
        r.details
            .as_deref()
            .is_some_and(|d| d.starts_with("All versions of rust-openssl"))
    );
    assert_eq!(r.severity[0].kind, "CVSS_V3");
    assert_eq!(
        r.severity[0].score,
        "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H"
    );
    let a = &r.affected[0];
    assert_eq!(a.package.as_ref().map(|p| p.name.as_str()), Some("openssl"));
    assert_eq!(
        serde_json::to_value(&a.ranges).expect("serialises"),
        serde_json::json!([{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}, {"fixed": "0.9.0"}]}])
    );
    assert_eq!(verdict(a, "0.8.3"), Ok(true));
    assert_eq!(verdict(a, "0.9.0"), Ok(false));

    // RUSTSEC-2016-0002: hyper, Windows only.
    let r = get("crates/hyper/RUSTSEC-2016-0002.md");
    assert_eq!(r.related, ["RUSTSEC-2016-0001"]);
    assert_eq!(
        r.affected[0]
            .ecosystem_specific
            .as_ref()
            .and_then(|e| e.pointer("/affects/os")),
        Some(&serde_json::json!(["windows"]))
    );

    // A withdrawn advisory.
    let r = get("crates/spin/RUSTSEC-2019-0031.md");
    assert_eq!(r.withdrawn.as_deref(), Some("2020-10-08T12:00:00Z"));
    assert!(r.is_withdrawn());

    // An informational advisory keeps `informational`, spelled as RustSec's export does.
    let inf = entries
        .iter()
        .filter(|(p, _)| p.starts_with("crates/"))
        .flat_map(|(p, b)| convert(FeedKind::RustSec, p, b).records)
        .filter(|r| {
            r.affected[0]
                .database_specific
                .as_ref()
                .and_then(|d| d.get("informational"))
                == Some(&serde_json::json!("unmaintained"))
        })
        .count();
    assert_eq!(inf, 267);
}

#[test]
fn hostile_inputs_are_feed_errors() {
    let path = "crates/x/RUSTSEC-2099-0001.md";
    let good = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"x\"\ndate = \"2099-01-01\"\n\n[versions]\npatched = [\">= 1.0.0\"]\n```\n\n# Title\n\nBody\n";
    let c = convert(FeedKind::RustSec, path, good.as_bytes());
    assert_eq!(c.records.len(), 1, "{:?}", c.skipped);
    let cases: Vec<(String, &str)> = vec![
        (good[..40].to_owned(), "front matter"),
        (good.replace("```toml", "toml"), "front-matter"),
        (good.replace("# Title", "Title"), "title"),
        (good.replace("package = \"x\"\n", ""), "package"),
        (good.replace(">= 1.0.0", ">= one"), "versions"),
        (
            good.replace(">= 1.0.0", &">= 1.0.0, ".repeat(500)),
            "versions",
        ),
        (good.replace("2099-01-01", "yesterday"), "date"),
        (
            good.replace("RUSTSEC-2099-0001\"", "RUSTSEC-2099-0002\""),
            "file name",
        ),
        (good.replace("[versions]", "[versions"), "front matter"),
        ("\u{0}\u{1}".to_owned(), "front-matter"),
    ];
    for (text, want) in cases {
        let c = convert(FeedKind::RustSec, path, text.as_bytes());
        assert!(c.records.is_empty(), "{want}: {text:?}");
        assert_eq!(c.skipped.len(), 1);
        let e = &c.skipped[0];
        assert_eq!(e.path, path);
        assert_eq!(e.entry, "RUSTSEC-2099-0001");
        assert!(e.reason.contains(want), "{want:?} not in {:?}", e.reason);
    }
    let c = convert(FeedKind::RustSec, path, &[0xff, 0xfe, 0x00]);
    assert!(c.skipped[0].reason.contains("UTF-8"), "{:?}", c.skipped);
    let _ = VersionScheme::SemVer;
}

/// Every prefix of real files (cut every 13 bytes), and the files with one byte
/// flipped: records or skips naming the file, never a panic.
#[test]
fn damaged_files_never_panic() {
    for (p, bytes) in archive("rustsec-advisory-db.zip")
        .iter()
        .filter(|(p, _)| p.starts_with("crates/"))
        .take(40)
    {
        for cut in (0..bytes.len()).step_by(13) {
            let c = convert(FeedKind::RustSec, p, &bytes[..cut]);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} cut at {cut}");
            assert!(c.skipped.iter().all(|s| s.path == *p));
        }
        for at in (0..bytes.len()).step_by(29) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5a;
            let c = convert(FeedKind::RustSec, p, &damaged);
            assert_eq!(c.records.len() + c.skipped.len(), 1, "{p} flipped at {at}");
        }
    }
}
