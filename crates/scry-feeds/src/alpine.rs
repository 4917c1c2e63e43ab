//! Alpine secdb (`v3.11/main.yaml`, `v3.11/community.yaml`) to OSV.
//!
//! ```yaml
//! distroversion: v3.11
//! reponame: main
//! packages:
//!   - pkg:
//!       name: ansible
//!       secfixes:
//!         2.9.3-r0:
//!           - CVE-2019-14904
//! ```
//!
//! One record per vulnerability id, `ALPINE-<id>` (`ALPINE-CVE-2019-14904`), with one
//! `affected[]` entry per package of the branch (`Alpine:v3.11`) that fixes it: an ECOSYSTEM
//! range from `0` to the secfix version. A file yields the records of its own branch and
//! repository; [`crate::merge_records`] folds the records of every file into one per id.
//!
//! Traps:
//! - The secfix key `"0"` means "never affected" (Alpine's whitelist): a
//!   `database_specific.scry_statuses` entry `not_affected`, not an `affected[]` entry.
//! - The same CVE can be listed under several versions of one package (a fix on an older
//!   upstream branch, a regression fix): each becomes a range of the same `affected[]` entry,
//!   so a version is reported affected while it is below any of them (the highest fix
//!   decides; a package is never called fixed on the strength of an older branch's fix).
//! - Entries are not always one CVE id. Seen in the data and handled:
//!   - `CVE-2017-8904 XSA-214`, `CVE-2019-5060 TALOS-2019-0844`: the CVE keys the record,
//!     the other ids go to `related`;
//!   - `XSA-207`, `ZBX-1234`, `wnpa-sec-2018-01` alone: the record is keyed by that id
//!     (`ALPINE-XSA-207`), with no CVE alias;
//!   - `CVE-????-?????  XSA-295`: the placeholder is dropped, the XSA keys the record;
//!   - `CVE-2019-15167 (VRRP)`, `CVE-2018-1234 (+ regression fix)`: the parenthesised
//!     text is kept as the affected entry's `database_specific.note`;
//!   - typos normalised to the CVE they name: `CVE_2018-1234`, `CVE 2018-1234`,
//!     `CVE-2018-1234.patch`, and `CVE-2017-17434-1` (a patch number after the id);
//!   - anything else (no usable id) skips that entry with a [`FeedError`].
//! - The secdb carries no dates: `modified` is `0001-01-01T00:00:00Z` (as golang/vulndb
//!   does for undated records) and there is no `published`.
//! - Version keys are YAML scalars: they are read as text, never as numbers (`1.10` stays
//!   `1.10`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::{Map, json};

use scry_osv::{Affected, Record};

use crate::Conversion;
use crate::distro::{self, Status, error, quote};

const SOURCE: &str = "alpine-secdb";

/// `modified` of every Alpine record: the secdb has no dates.
pub(crate) const UNDATED: &str = "0001-01-01T00:00:00Z";

/// Whether `path` is a secdb file (`v3.11/main.yaml`).
pub(crate) fn detect(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or_default();
    let dir = parts.next().unwrap_or_default();
    let Some(repo) = name.strip_suffix(".yaml") else {
        return false;
    };
    matches!(repo, "main" | "community" | "testing") && branch_ok(dir)
}

/// `v3.11`: `v`, digits, `.`, digits.
fn branch_ok(branch: &str) -> bool {
    branch
        .strip_prefix('v')
        .and_then(|b| b.split_once('.'))
        .is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()))
        })
}

#[derive(Deserialize)]
struct SecDb {
    distroversion: String,
    #[serde(default)]
    packages: Option<Vec<PackageEntry>>,
}

#[derive(Deserialize)]
struct PackageEntry {
    pkg: Pkg,
}

#[derive(Deserialize)]
struct Pkg {
    name: String,
    #[serde(default)]
    secfixes: Option<Secfixes>,
}

/// `secfixes`, in file order, keys kept as text.
struct Secfixes(Vec<(String, Option<Vec<Option<String>>>)>);

impl<'de> Deserialize<'de> for Secfixes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Secfixes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of fixed version to a list of ids")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Secfixes, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Option<Vec<Option<String>>>>()? {
                    out.push((k, v));
                }
                Ok(Secfixes(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A record being built: its affected packages and statuses. Duplicates are dropped in
/// [`finish`], so hostile files with many repeats stay linear.
#[derive(Default)]
struct Pending {
    cve: Option<String>,
    related: Vec<String>,
    /// `(package, fixed versions, notes)` in first-seen order.
    affected: Vec<(String, Vec<String>, Vec<String>)>,
    /// Package name → index in `affected`.
    index: HashMap<String, usize>,
    statuses: Vec<Status>,
}

/// Converts one secdb file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let db: SecDb = match serde_saphyr::from_slice(bytes) {
        Ok(db) => db,
        Err(e) => {
            let msg = e.to_string();
            let first = msg.lines().next().unwrap_or_default();
            out.skipped.push(error(
                path,
                "-",
                format!("not a secdb YAML document: {}", quote(first, 200)),
            ));
            return out;
        }
    };
    let branch = db.distroversion.trim();
    if !branch_ok(branch) {
        out.skipped.push(error(
            path,
            "-",
            format!(
                "`distroversion` {} is no release branch (expected `v3.11`)",
                quote(branch, 40)
            ),
        ));
        return out;
    }
    let ecosystem = format!("Alpine:{branch}");
    let mut records: BTreeMap<String, Pending> = BTreeMap::new();
    for entry in db.packages.unwrap_or_default() {
        let Pkg { name, secfixes } = entry.pkg;
        if !distro::looks_like_package(&name) {
            out.skipped.push(error(
                path,
                "-",
                format!("bad package name {}", quote(&name, 40)),
            ));
            continue;
        }
        for (version, ids) in secfixes.map(|s| s.0).unwrap_or_default() {
            let version = version.trim().to_owned();
            let place = || format!("{name} {version}");
            let never = version == "0";
            if !never && !distro::looks_like_version(&version) {
                out.skipped.push(error(
                    path,
                    place(),
                    format!("bad fixed version {}", quote(&version, 40)),
                ));
                continue;
            }
            for raw in ids.unwrap_or_default() {
                let Some(raw) = raw else {
                    out.skipped.push(error(path, place(), "empty secfix entry"));
                    continue;
                };
                let parsed = match parse_entry(&raw) {
                    Ok(p) => p,
                    Err(reason) => {
                        out.skipped.push(error(path, place(), reason));
                        continue;
                    }
                };
                let keys: Vec<&String> = if parsed.cves.is_empty() {
                    parsed.others.iter().collect()
                } else {
                    parsed.cves.iter().collect()
                };
                for key in keys {
                    let rec = records.entry(format!("ALPINE-{key}")).or_default();
                    if distro::is_cve(key) {
                        rec.cve = Some(key.clone());
                        rec.related.extend(parsed.others.iter().cloned());
                    }
                    if never {
                        let status = Status {
                            ecosystem: ecosystem.clone(),
                            package: name.clone(),
                            status: "not_affected",
                            note: parsed.note.clone(),
                        };
                        rec.statuses.push(status);
                        continue;
                    }
                    let i = *rec.index.entry(name.clone()).or_insert_with(|| {
                        rec.affected.push((name.clone(), Vec::new(), Vec::new()));
                        rec.affected.len() - 1
                    });
                    let slot = &mut rec.affected[i];
                    slot.1.push(version.clone());
                    if let Some(note) = &parsed.note {
                        slot.2.push(note.clone());
                    }
                }
            }
        }
    }
    out.records = records
        .into_iter()
        .map(|(id, p)| finish(id, p, &ecosystem))
        .collect();
    out
}

fn finish(id: String, p: Pending, ecosystem: &str) -> Record {
    let mut record = distro::record(id, UNDATED.to_owned());
    record.published = None;
    record.aliases = p.cve.into_iter().collect();
    record.related = dedup(p.related);
    record.affected = p
        .affected
        .into_iter()
        .map(|(name, fixed, notes)| {
            let (fixed, notes) = (dedup(fixed), dedup(notes));
            let mut a: Affected = distro::affected(ecosystem.to_owned(), &name, &fixed, None);
            if !notes.is_empty() {
                a.database_specific = Some(json!({ "note": notes.join("; ") }));
            }
            a
        })
        .collect();
    let statuses = dedup(p.statuses);
    record.database_specific = Some(distro::database_specific(SOURCE, Map::new(), &statuses));
    record
}

/// `items` without repeats, first occurrences kept in order.
fn dedup<T: Clone + Eq + std::hash::Hash>(items: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::with_capacity(items.len());
    items
        .into_iter()
        .filter(|i| seen.insert(i.clone()))
        .collect()
}

/// The ids and note of one secfix entry.
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    cves: Vec<String>,
    others: Vec<String>,
    note: Option<String>,
}

/// `CVE-2017-8904 XSA-214`, `CVE-2019-15167 (VRRP)`, `XSA-207`, `CVE_2018-1234`, ...
fn parse_entry(raw: &str) -> Result<Entry, String> {
    let raw = raw.trim();
    let (ids, note) = match raw.split_once('(') {
        Some((ids, note)) => {
            let note = note.trim().trim_end_matches(')').trim();
            (ids, (!note.is_empty()).then(|| note.to_owned()))
        }
        None => (raw, None),
    };
    let mut entry = Entry {
        cves: Vec::new(),
        others: Vec::new(),
        note,
    };
    let mut extra_words: Vec<String> = Vec::new();
    let tokens: Vec<&str> = ids.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        i += 1;
        // `CVE 2018-1234`.
        let joined;
        let token = if token == "CVE" && i < tokens.len() {
            joined = format!("CVE-{}", tokens[i]);
            i += 1;
            joined.as_str()
        } else {
            token
        };
        if let Some(cve) = normalise_cve(token) {
            if !entry.cves.contains(&cve) {
                entry.cves.push(cve);
            }
        } else if token.starts_with("CVE-????") {
            // A placeholder for a CVE not assigned yet: the other ids name the issue.
        } else if is_other_id(token) {
            if !entry.others.iter().any(|o| o == token) {
                entry.others.push(token.to_owned());
            }
        } else {
            extra_words.push(token.to_owned());
        }
    }
    if !extra_words.is_empty() {
        let extra = extra_words.join(" ");
        entry.note = Some(match entry.note.take() {
            Some(n) => format!("{extra} ({n})"),
            None => extra,
        });
    }
    if entry.cves.is_empty() && entry.others.is_empty() {
        return Err(format!(
            "no vulnerability id in secfix entry {}",
            quote(raw, 60)
        ));
    }
    Ok(entry)
}

/// `CVE-2018-1234`, and the typos `CVE_2018-1234`, `CVE-2018-1234.patch`,
/// `CVE-2017-17434-1` → `CVE-2018-1234` / `CVE-2017-17434`.
fn normalise_cve(token: &str) -> Option<String> {
    let token = token.strip_suffix(".patch").unwrap_or(token);
    let rest = token
        .strip_prefix("CVE-")
        .or_else(|| token.strip_prefix("CVE_"))?;
    let mut parts = rest.split('-');
    let (year, num) = (parts.next()?, parts.next()?);
    match parts.next() {
        None => {}
        Some(patch)
            if !patch.is_empty()
                && patch.len() <= 2
                && patch.bytes().all(|b| b.is_ascii_digit()) => {}
        Some(_) => return None,
    }
    if parts.next().is_some() {
        return None;
    }
    let cve = format!("CVE-{year}-{num}");
    distro::is_cve(&cve).then_some(cve)
}

/// `XSA-207`, `TALOS-2017-0499`, `ZBX-1234`, `wnpa-sec-2018-01`: a letter-led word, dashes,
/// ending in digits.
fn is_other_id(token: &str) -> bool {
    token.len() <= 64
        && token.starts_with(|c: char| c.is_ascii_alphabetic())
        && token.contains('-')
        && token.ends_with(|c: char| c.is_ascii_digit())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(cves: &[&str], others: &[&str], note: Option<&str>) -> Entry {
        Entry {
            cves: cves.iter().map(|s| (*s).to_owned()).collect(),
            others: others.iter().map(|s| (*s).to_owned()).collect(),
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn entries() {
        assert_eq!(
            parse_entry("CVE-2019-14904"),
            Ok(e(&["CVE-2019-14904"], &[], None))
        );
        assert_eq!(
            parse_entry("CVE-2017-8904 XSA-214"),
            Ok(e(&["CVE-2017-8904"], &["XSA-214"], None))
        );
        assert_eq!(parse_entry("XSA-207"), Ok(e(&[], &["XSA-207"], None)));
        assert_eq!(
            parse_entry("CVE-????-?????  XSA-295"),
            Ok(e(&[], &["XSA-295"], None))
        );
        assert_eq!(
            parse_entry("CVE-2019-15167 (VRRP)"),
            Ok(e(&["CVE-2019-15167"], &[], Some("VRRP")))
        );
        assert_eq!(
            parse_entry("CVE_2018-1234"),
            Ok(e(&["CVE-2018-1234"], &[], None))
        );
        assert_eq!(
            parse_entry("CVE 2018-1234"),
            Ok(e(&["CVE-2018-1234"], &[], None))
        );
        assert_eq!(
            parse_entry("CVE-2018-1234.patch"),
            Ok(e(&["CVE-2018-1234"], &[], None))
        );
        assert_eq!(
            parse_entry("CVE-2017-17434-2"),
            Ok(e(&["CVE-2017-17434"], &[], None))
        );
        assert_eq!(
            parse_entry("CVE-2017-5715 CVE-2017-5754 XSA-254 XPTI"),
            Ok(e(
                &["CVE-2017-5715", "CVE-2017-5754"],
                &["XSA-254"],
                Some("XPTI")
            ))
        );
        assert!(parse_entry("fixed something").is_err());
        assert!(parse_entry("").is_err());
    }

    #[test]
    fn branches() {
        assert!(branch_ok("v3.11"));
        assert!(!branch_ok("edge"));
        assert!(!branch_ok("v3"));
        assert!(detect("v3.11/main.yaml"));
        assert!(detect("alpine-secdb/v3.3/community.yaml"));
        assert!(!detect("gems/rack/CVE-2019-1.yml"));
    }
}
