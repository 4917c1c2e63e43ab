//! rubysec/ruby-advisory-db (`gems/<gem>/<id>.yml`) → OSV, ecosystem `RubyGems`.
//!
//! **Id**: `RUBYSEC-<gem>:<file stem>`, e.g. `RUBYSEC-actionpack:CVE-2008-7248`. The file
//! stem alone is not unique (one CVE or GHSA is filed under several gems:
//! `dependabot-common/CVE-2020-26222.yml` and `dependabot-omnibus/CVE-2020-26222.yml`), and
//! neither are the `ghsa`/`cve` fields (39 GHSAs and 40 CVEs repeat across gems), so the
//! gem is part of the id. `:` cannot occur in a gem name, so the id maps back to exactly
//! one file (`gems/<gem>/<stem>.yml`) and stays the same as long as the file does; OSV
//! ids with `:` exist already (`RHSA-2024:1234`, `ALSA-2023:7165`). The advisory's CVE,
//! GHSA and OSVDB ids are `aliases`; `related.{cve,ghsa,osvdb}` are `related`.
//!
//! **Affected versions**: the complement of `patched_versions` ∪ `unaffected_versions`
//! (`Gem::Requirement` syntax) as one `ECOSYSTEM` range (see [`crate::requirements`]; an
//! exclusive lower bound such as unaffected `<= 1.13.7` starts the range *at* 1.13.7 and
//! the record's `database_specific.scry_widened` names it).
//!
//! **Severity**: the feed's `cvss_v2`/`cvss_v3`/`cvss_v4` are base *scores* (`6.8`), not
//! vectors, and OSV's `CVSS_V*` severity types require a vector; the scores are kept in
//! `database_specific.cvss_v2`/`cvss_v3`/`cvss_v4` (as text) and `severity` stays empty.
//!
//! `rubies/<engine>/*.yml` (advisories about Ruby interpreters) are skipped: OSV has no
//! ecosystem for Ruby interpreters.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use scry_core::VersionScheme;
use scry_osv::{Affected, Package, RangeType, Record, Reference};

use crate::requirements::{self, Syntax};
use crate::{Conversion, FeedError};

/// Largest advisory file read.
const MAX_FILE_BYTES: usize = 1 << 20;

#[derive(Debug, Deserialize)]
struct Advisory {
    gem: Option<String>,
    cve: Option<String>,
    ghsa: Option<String>,
    osvdb: Option<String>,
    url: Option<String>,
    title: Option<String>,
    date: Option<String>,
    description: Option<String>,
    cvss_v2: Option<String>,
    cvss_v3: Option<String>,
    cvss_v4: Option<String>,
    patched_versions: Option<Vec<String>>,
    unaffected_versions: Option<Vec<String>>,
    related: Option<Related>,
    framework: Option<String>,
    platform: Option<String>,
    library: Option<String>,
    notes: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Related {
    url: Option<Vec<String>>,
    cve: Option<Vec<String>>,
    ghsa: Option<Vec<String>>,
    osvdb: Option<Vec<String>>,
}

/// Whether `path` is a RubySec advisory (`gems/<gem>/*.yml` or `rubies/<engine>/*.yml`).
pub(crate) fn detect(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    n >= 3
        && matches!(parts[n - 3], "gems" | "rubies")
        && parts[n - 1].ends_with(".yml")
        && !parts[n - 2].is_empty()
}

/// Converts one RubySec advisory file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    let name = parts[n - 1];
    let stem = name.strip_suffix(".yml").unwrap_or(name);
    let dir = if n >= 2 { parts[n - 2] } else { "" };
    let skip = |reason: String| FeedError {
        path: path.to_owned(),
        entry: stem.to_owned(),
        reason,
    };
    if n >= 3 && parts[n - 3] == "rubies" {
        out.skipped.push(skip(
            "Ruby interpreter advisories have no package ecosystem".to_owned(),
        ));
        return out;
    }
    match convert_one(dir, stem, bytes) {
        Ok(record) => out.records.push(record),
        Err(reason) => out.skipped.push(skip(reason)),
    }
    out
}

fn present(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty() && *s != "~")
}

/// A `YYYY-MM-DD` date as an RFC 3339 timestamp at midnight UTC.
pub(crate) fn day_to_rfc3339(date: &str) -> Option<String> {
    let date = date.trim();
    let ok = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    ok.then(|| format!("{date}T00:00:00Z"))
}

fn convert_one(dir: &str, stem: &str, bytes: &[u8]) -> Result<Record, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!("file larger than {MAX_FILE_BYTES} bytes"));
    }
    let adv: Advisory = serde_saphyr::from_slice(bytes).map_err(|e| format!("YAML: {e}"))?;
    let gem = present(adv.gem.as_ref()).ok_or("missing `gem`")?;
    if gem != dir {
        return Err(format!("gem {gem:?} differs from its folder {dir:?}"));
    }
    if gem.contains([':', '/']) || stem.contains([':', '/']) {
        return Err(format!("gem {gem:?} or file name holds `:` or `/`"));
    }
    let date = present(adv.date.as_ref()).ok_or("missing `date`")?;
    let published =
        day_to_rfc3339(date).ok_or_else(|| format!("date {date:?} is not YYYY-MM-DD"))?;

    let mut aliases = Vec::new();
    if let Some(cve) = present(adv.cve.as_ref()) {
        aliases.push(format!("CVE-{cve}"));
    }
    if let Some(ghsa) = present(adv.ghsa.as_ref()) {
        aliases.push(format!("GHSA-{ghsa}"));
    }
    if let Some(osvdb) = present(adv.osvdb.as_ref()) {
        aliases.push(format!("OSVDB-{osvdb}"));
    }
    let related_in = adv.related.unwrap_or_default();
    let mut related = Vec::new();
    for (prefix, ids) in [
        ("CVE", &related_in.cve),
        ("GHSA", &related_in.ghsa),
        ("OSVDB", &related_in.osvdb),
    ] {
        for id in ids.iter().flatten() {
            let id = format!("{prefix}-{}", id.trim());
            if !aliases.contains(&id) && !related.contains(&id) {
                related.push(id);
            }
        }
    }

    let patched = adv.patched_versions.unwrap_or_default();
    let unaffected = adv.unaffected_versions.unwrap_or_default();
    let not_affected: Vec<&String> = patched.iter().chain(unaffected.iter()).collect();
    let set = requirements::affected_by_complement(
        Syntax::RubyGems,
        VersionScheme::RubyGems,
        &not_affected,
    )
    .map_err(|e| format!("patched/unaffected versions: {e}"))?;
    let ranges = set.to_ranges(&RangeType::Ecosystem, VersionScheme::RubyGems);

    let mut urls: Vec<String> = Vec::new();
    for url in adv.url.iter().chain(related_in.url.iter().flatten()) {
        let url = url.trim().to_owned();
        if !url.is_empty() && !urls.contains(&url) {
            urls.push(url);
        }
    }
    let references = urls
        .into_iter()
        .map(|url| Reference {
            kind: crate::rustsec::reference_kind(&url).to_owned(),
            url,
        })
        .collect();

    let mut affected_db = Map::new();
    affected_db.insert("patched_versions".to_owned(), json!(patched));
    affected_db.insert("unaffected_versions".to_owned(), json!(unaffected));
    for (key, value) in [
        ("framework", &adv.framework),
        ("platform", &adv.platform),
        ("library", &adv.library),
    ] {
        if let Some(v) = present(value.as_ref()) {
            affected_db.insert(key.to_owned(), json!(v));
        }
    }

    let mut db = Map::new();
    db.insert("scry_source".to_owned(), json!("rubysec"));
    for (key, value) in [
        ("cvss_v2", &adv.cvss_v2),
        ("cvss_v3", &adv.cvss_v3),
        ("cvss_v4", &adv.cvss_v4),
    ] {
        if let Some(v) = present(value.as_ref()) {
            db.insert(key.to_owned(), json!(v));
        }
    }
    if let Some(notes) = present(adv.notes.as_ref()) {
        db.insert("notes".to_owned(), json!(notes));
    }
    if !ranges.widened.is_empty() {
        db.insert("scry_widened".to_owned(), json!(ranges.widened));
    }

    Ok(Record {
        schema_version: None,
        id: format!("RUBYSEC-{gem}:{stem}"),
        modified: published.clone(),
        published: Some(published),
        withdrawn: None,
        aliases,
        related,
        upstream: Vec::new(),
        summary: present(adv.title.as_ref()).map(str::to_owned),
        details: adv
            .description
            .as_deref()
            .map(str::trim_end)
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        severity: Vec::new(),
        affected: vec![Affected {
            package: Some(Package {
                ecosystem: "RubyGems".to_owned(),
                name: gem.to_owned(),
                purl: Some(format!("pkg:gem/{gem}")),
                extra: Map::new(),
            }),
            severity: Vec::new(),
            ranges: ranges.ranges,
            versions: Vec::new(),
            ecosystem_specific: None,
            database_specific: Some(Value::Object(affected_db)),
            extra: Map::new(),
        }],
        references,
        credits: Vec::new(),
        database_specific: Some(Value::Object(db)),
        extra: Map::new(),
    })
}
