//! FriendsOfPHP/security-advisories (`<vendor>/<package>/<name>.yaml`) → OSV, ecosystem
//! `Packagist`, package `vendor/package`.
//!
//! **Id**: `FRIENDSOFPHP-<vendor>:<package>:<file stem>`, e.g.
//! `FRIENDSOFPHP-symfony:symfony:CVE-2019-10909`. The stem alone repeats across packages
//! (a CVE filed under `drupal/core` and `drupal/drupal`; date stems like `2012-02-24`), so
//! the package is part of the id; OSV ids cannot hold `/`, and `:` cannot occur in a
//! Composer name, so the id maps back to exactly one file and is stable for as long as
//! the file is. (Packagist's own `PKSA-…` ids are assigned by Packagist and are not in
//! the files.) The `cve` field is the alias.
//!
//! **Affected versions**: each `branches` entry is one affected interval (its `versions`
//! list is an AND of Composer comparators: `['>=2.0.0', '<2.0.6']`) and becomes one
//! `ECOSYSTEM` range, with the branch name and time in the range's `database_specific`.
//! Versions are kept as written and compared with Composer's ordering.
//!
//! **Dates**: the files carry none for the advisory; `published` is the earliest branch
//! `time`, `modified` the latest. A file with no time at all gets `modified` =
//! `1970-01-01T00:00:00Z` (unknown) and no `published`.
//!
//! `composer-repository: false` (a package not installable from Packagist) is kept in
//! `database_specific.composer_repository`.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value, json};

use scry_core::VersionScheme;
use scry_osv::{Affected, Package, RangeType, Record, Reference};

use crate::requirements::{self, Syntax};
use crate::{Conversion, FeedError};

/// Largest advisory file read.
const MAX_FILE_BYTES: usize = 1 << 20;
/// Most branches read from one file.
const MAX_BRANCHES: usize = 256;

#[derive(Debug, Deserialize)]
struct Advisory {
    title: Option<String>,
    link: Option<String>,
    cve: Option<String>,
    branches: Option<Ordered<Branch>>,
    reference: Option<String>,
    #[serde(rename = "composer-repository")]
    composer_repository: Option<Scalar>,
}

#[derive(Debug, Deserialize)]
struct Branch {
    time: Option<String>,
    versions: Option<Vec<String>>,
}

/// A YAML mapping read in file order.
#[derive(Debug)]
struct Ordered<V>(Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping of branches")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    if out.len() >= MAX_BRANCHES {
                        return Err(de::Error::custom(format!(
                            "more than {MAX_BRANCHES} branches"
                        )));
                    }
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

/// A scalar of any type, as text (`false`, a URL).
#[derive(Debug)]
struct Scalar(Value);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct S;
        impl Visitor<'_> for S {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Value::Bool(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Value::String(v.to_owned())))
            }
        }
        d.deserialize_any(S)
    }
}

/// Whether `path` (with `head`, its first bytes) is a FriendsOfPHP advisory:
/// `<vendor>/<package>/<name>.yaml` holding a `composer://` reference.
pub(crate) fn detect(path: &str, head: &[u8]) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    n >= 3
        && parts[n - 1].ends_with(".yaml")
        && !parts[n - 2].is_empty()
        && !parts[n - 3].is_empty()
        && !parts[n - 3].starts_with('.')
        && head.windows(11).any(|w| w == b"composer://")
}

/// Converts one FriendsOfPHP advisory file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    let name = parts[n - 1];
    let stem = name.strip_suffix(".yaml").unwrap_or(name);
    let (vendor, package) = if n >= 3 {
        (parts[n - 3], parts[n - 2])
    } else {
        ("", "")
    };
    match convert_one(vendor, package, stem, bytes) {
        Ok(record) => out.records.push(record),
        Err(reason) => out.skipped.push(FeedError {
            path: path.to_owned(),
            entry: stem.to_owned(),
            reason,
        }),
    }
    out
}

/// A YAML timestamp as FriendsOfPHP writes them (`2012-11-08 08:33:49`,
/// `2015-05-29 12:53:14 +1200`, `2017-11-1 19:02:00`) as RFC 3339
/// (`2015-05-29T12:53:14+12:00`); `None` when it is none.
fn timestamp(t: &str) -> Option<String> {
    fn num(s: &str, max_len: usize) -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    }
    let t = t.trim();
    let (date, rest) = match t.split_once(['T', 't', ' ']) {
        Some((d, r)) => (d, r.trim()),
        None => (t, ""),
    };
    let mut d = date.split('-');
    let (y, mo, day) = (num(d.next()?, 4)?, num(d.next()?, 2)?, num(d.next()?, 2)?);
    if d.next().is_some() || date.len() < 8 || !(1..=12).contains(&mo) || !(1..=31).contains(&day) {
        return None;
    }
    if rest.is_empty() {
        return Some(format!("{y:04}-{mo:02}-{day:02}T00:00:00Z"));
    }
    // Time, then an optional zone (`Z`, `+1200`, `+12:00`, `-05`).
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = (rest[..zone_at].trim(), rest[zone_at..].trim());
    let time = time.split_once('.').map_or(time, |(t, _)| t);
    let mut tp = time.split(':');
    let (h, mi, sec) = (
        num(tp.next()?, 2)?,
        num(tp.next()?, 2)?,
        num(tp.next()?, 2)?,
    );
    if tp.next().is_some() || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let zone = match zone {
        "" | "Z" | "z" => "Z".to_owned(),
        z => {
            let (sign, digits) = z.split_at(1);
            let digits = digits.replace(':', "");
            let (zh, zm) = match digits.len() {
                1 | 2 => (num(&digits, 2)?, 0),
                4 => (num(&digits[..2], 2)?, num(&digits[2..], 2)?),
                _ => return None,
            };
            if zh > 23 || zm > 59 {
                return None;
            }
            format!("{sign}{zh:02}:{zm:02}")
        }
    };
    Some(format!(
        "{y:04}-{mo:02}-{day:02}T{h:02}:{mi:02}:{sec:02}{zone}"
    ))
}

fn convert_one(vendor: &str, package: &str, stem: &str, bytes: &[u8]) -> Result<Record, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!("file larger than {MAX_FILE_BYTES} bytes"));
    }
    let adv: Advisory = serde_saphyr::from_slice(bytes).map_err(|e| format!("YAML: {e}"))?;
    let name = format!("{vendor}/{package}");
    let reference = adv
        .reference
        .as_deref()
        .map(str::trim)
        .ok_or("missing `reference`")?;
    let referenced = reference
        .strip_prefix("composer://")
        .ok_or_else(|| format!("reference {reference:?} is not composer://"))?;
    if referenced != name {
        return Err(format!(
            "reference {reference:?} differs from the path {name:?}"
        ));
    }
    if [vendor, package, stem]
        .iter()
        .any(|p| p.is_empty() || p.contains(':'))
    {
        return Err("vendor, package or file name is empty or holds `:`".to_owned());
    }
    let branches = adv.branches.ok_or("missing `branches`")?.0;
    if branches.is_empty() {
        return Err("no branches".to_owned());
    }

    let mut ranges = Vec::new();
    let mut times = Vec::new();
    let mut widened = Vec::new();
    let mut empty_branches = Vec::new();
    for (branch, b) in &branches {
        let versions = b
            .versions
            .as_ref()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("branch {branch:?}: no versions"))?;
        // A time that is no timestamp is kept as written and not used for the dates.
        let raw_time = b.time.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let time = raw_time.and_then(timestamp);
        let set = requirements::all_of(Syntax::Composer, VersionScheme::Composer, versions)
            .map_err(|e| format!("branch {branch:?}: {e}"))?;
        if set.is_empty() {
            empty_branches.push(branch.clone());
            continue;
        }
        let made = set.to_ranges(&RangeType::Ecosystem, VersionScheme::Composer);
        widened.extend(made.widened);
        for mut range in made.ranges {
            range.database_specific = Some(json!({
                "branch": branch,
                "time": raw_time,
                "versions": versions,
            }));
            ranges.push(range);
        }
        times.extend(time);
    }
    times.sort();

    let mut db = Map::new();
    db.insert("scry_source".to_owned(), json!("friendsofphp"));
    if let Some(repo) = adv.composer_repository {
        db.insert("composer_repository".to_owned(), repo.0);
    }
    if !widened.is_empty() {
        db.insert("scry_widened".to_owned(), json!(widened));
    }
    if !empty_branches.is_empty() {
        db.insert("scry_empty_branches".to_owned(), json!(empty_branches));
    }

    let aliases = adv
        .cve
        .as_deref()
        .map(str::trim)
        .filter(|c| c.starts_with("CVE-"))
        .map(|c| vec![c.to_owned()])
        .unwrap_or_default();
    let references = adv
        .link
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|url| {
            vec![Reference {
                kind: crate::rustsec::reference_kind(url).to_owned(),
                url: url.to_owned(),
            }]
        })
        .unwrap_or_default();

    Ok(Record {
        schema_version: None,
        id: format!("FRIENDSOFPHP-{vendor}:{package}:{stem}"),
        modified: times
            .last()
            .cloned()
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned()),
        published: times.first().cloned(),
        withdrawn: None,
        aliases,
        related: Vec::new(),
        upstream: Vec::new(),
        summary: adv
            .title
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty()),
        details: None,
        severity: Vec::new(),
        affected: vec![Affected {
            package: Some(Package {
                ecosystem: "Packagist".to_owned(),
                name: name.clone(),
                purl: Some(format!("pkg:composer/{name}")),
                extra: Map::new(),
            }),
            severity: Vec::new(),
            ranges,
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: None,
            extra: Map::new(),
        }],
        references,
        credits: Vec::new(),
        database_specific: Some(Value::Object(db)),
        extra: Map::new(),
    })
}
