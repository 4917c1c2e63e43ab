//! rustsec/advisory-db (`crates/<crate>/RUSTSEC-YYYY-NNNN.md`) → OSV, the way RustSec's
//! own exporter (`rustsec::osv`, branch `osv` of the database) writes it.
//!
//! The file is Markdown opening with a ```` ```toml ```` block (`[advisory]`, `[affected]`,
//! `[versions]`); the first `# ` heading after it is the summary, the rest the details.
//! Affected versions are the complement of `patched` ∪ `unaffected`, as one `SEMVER`
//! range whose unbounded start is `0.0.0-0` (see [`crate::requirements`]).
//!
//! Differences from RustSec's export, all deliberate:
//! - `modified` is the advisory's `date` (or `withdrawn`, when later) at 12:00 UTC:
//!   RustSec uses the file's last git commit time, which the file does not hold.
//! - `database_specific.scry_source` is `rustsec`.
//! - Overlapping `patched`/`unaffected` requirements are unioned; RustSec's exporter
//!   refuses them.
//!
//! `rust/<component>/*.md` (advisories about the Rust toolchain, ids `CVE-…`) are skipped:
//! there is no OSV ecosystem for the toolchain, and RustSec's export leaves them out too.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use scry_core::VersionScheme;
use scry_osv::{Affected, Event, Package, RangeType, Record, Reference, SeverityEntry};

use crate::requirements::{self, Syntax};
use crate::{Conversion, FeedError};

/// Largest advisory file read.
const MAX_FILE_BYTES: usize = 1 << 20;

#[derive(Debug, Deserialize)]
struct Front {
    advisory: Meta,
    #[serde(default)]
    affected: Option<AffectedToml>,
    #[serde(default)]
    versions: Versions,
}

#[derive(Debug, Deserialize)]
struct Meta {
    id: String,
    package: String,
    date: toml::Value,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    related: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    license: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct AffectedToml {
    #[serde(default)]
    arch: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
    #[serde(default)]
    functions: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct Versions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// Whether `path` is a RustSec advisory (`crates/<crate>/*.md` or `rust/<x>/*.md`).
pub(crate) fn detect(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let n = parts.len();
    n >= 3
        && matches!(parts[n - 3], "crates" | "rust")
        && parts[n - 1].ends_with(".md")
        && !parts[n - 2].is_empty()
}

/// Converts one RustSec advisory file.
pub(crate) fn convert(path: &str, bytes: &[u8]) -> Conversion {
    let mut out = Conversion::default();
    let parts: Vec<&str> = path.split('/').collect();
    if parts.len() >= 3 && parts[parts.len() - 3] == "rust" {
        out.skipped.push(FeedError {
            path: path.to_owned(),
            entry: stem(path).to_owned(),
            reason: "Rust toolchain advisories (`rust/`) have no OSV package ecosystem; \
                     RustSec's OSV export leaves them out too"
                .to_owned(),
        });
        return out;
    }
    match convert_one(path, bytes) {
        Ok(record) => out.records.push(record),
        Err(reason) => out.skipped.push(FeedError {
            path: path.to_owned(),
            entry: stem(path).to_owned(),
            reason,
        }),
    }
    out
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name)
}

/// The parts of a RustSec Markdown advisory, as `rustsec::advisory::Parts` splits them.
struct Parts<'a> {
    front_matter: &'a str,
    title: &'a str,
    description: &'a str,
}

fn split_parts(text: &str) -> Result<Parts<'_>, String> {
    let Some(rest) = text.strip_prefix("```toml") else {
        return Err("does not start with a ```toml front-matter block".to_owned());
    };
    let end = rest
        .find("\n```")
        .ok_or("front matter: no closing ``` line")?;
    let front_matter = rest[..end].trim();
    let markdown = rest[end + 4..].trim_start();
    let Some(md) = markdown.strip_prefix("# ") else {
        return Err("no `# ` title heading after the front matter".to_owned());
    };
    let newline = md
        .find('\n')
        .ok_or("no Markdown body (description) after the title")?;
    Ok(Parts {
        front_matter,
        title: md[..newline].trim_end(),
        description: md[newline + 1..].trim(),
    })
}

fn toml_date(v: &toml::Value) -> Result<String, String> {
    let s = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => return Err(format!("date {other:?} is not a date")),
    };
    let ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if ok {
        Ok(format!("{s}T12:00:00Z"))
    } else {
        Err(format!("date {s:?} is not YYYY-MM-DD"))
    }
}

/// The OSV reference type for a URL, as RustSec's exporter guesses it.
pub(crate) fn reference_kind(url: &str) -> &'static str {
    if (url.contains("://github.com/") || url.contains("://gitlab.")) && url.contains("/issues/") {
        "REPORT"
    } else if url.contains("/advisories/") || url.contains("://cve.mitre.org/") {
        "ADVISORY"
    } else if url.contains("://crates.io/crates/") {
        "PACKAGE"
    } else {
        "WEB"
    }
}

fn convert_one(path: &str, bytes: &[u8]) -> Result<Record, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!("file larger than {MAX_FILE_BYTES} bytes"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let parts = split_parts(text)?;
    let front_matter = if parts.front_matter.starts_with("[advisory]") {
        parts.front_matter.to_owned()
    } else {
        format!("[advisory]\n{}", parts.front_matter)
    };
    let front: Front =
        toml::from_str(&front_matter).map_err(|e| format!("front matter: {}", e.message()))?;
    let meta = front.advisory;
    if !meta.id.starts_with("RUSTSEC-") {
        return Err(format!("id {:?} is not a RUSTSEC id", meta.id));
    }
    if stem(path) != meta.id {
        return Err(format!("id {:?} differs from the file name", meta.id));
    }
    if meta.package.is_empty() {
        return Err("empty `package`".to_owned());
    }
    let published = toml_date(&meta.date)?;
    let withdrawn = meta.withdrawn.as_ref().map(toml_date).transpose()?;

    let not_affected: Vec<&String> = front
        .versions
        .unaffected
        .iter()
        .chain(front.versions.patched.iter())
        .collect();
    let set =
        requirements::affected_by_complement(Syntax::Cargo, VersionScheme::SemVer, &not_affected)
            .map_err(|e| format!("[versions]: {e}"))?;
    let mut ranges = set.to_ranges(&RangeType::SemVer, VersionScheme::SemVer);
    // RustSec writes the unbounded start as the lowest SemVer version.
    for range in &mut ranges.ranges {
        for event in &mut range.events {
            if matches!(event, Event::Introduced(v) if v == "0") {
                *event = Event::Introduced("0.0.0-0".to_owned());
            }
        }
    }

    let affected_toml = front.affected.unwrap_or_default();
    let severity: Vec<SeverityEntry> = meta
        .cvss
        .iter()
        .filter_map(|v| {
            let kind = if v.starts_with("CVSS:3.") {
                "CVSS_V3"
            } else if v.starts_with("CVSS:4.") {
                "CVSS_V4"
            } else {
                return None;
            };
            Some(SeverityEntry {
                kind: kind.to_owned(),
                score: v.clone(),
            })
        })
        .collect();
    if meta.cvss.is_some() && severity.is_empty() {
        return Err(format!("cvss {:?} is neither CVSS 3 nor 4", meta.cvss));
    }

    let mut urls = vec![
        format!("https://crates.io/crates/{}", meta.package),
        format!("https://rustsec.org/advisories/{}.html", meta.id),
    ];
    urls.extend(meta.url.iter().cloned());
    urls.extend(meta.references.iter().cloned());
    let references = urls
        .into_iter()
        .map(|url| Reference {
            kind: reference_kind(&url).to_owned(),
            url,
        })
        .collect();

    let affected = Affected {
        package: Some(Package {
            ecosystem: "crates.io".to_owned(),
            name: meta.package.clone(),
            purl: Some(format!("pkg:cargo/{}", meta.package)),
            extra: serde_json::Map::new(),
        }),
        severity: Vec::new(),
        ranges: ranges.ranges,
        versions: Vec::new(),
        ecosystem_specific: Some(json!({
            "affects": {
                "arch": affected_toml.arch,
                "os": affected_toml.os,
                "functions": affected_toml.functions.keys().collect::<Vec<_>>(),
            },
            "affected_functions": Value::Null,
        })),
        database_specific: Some(json!({
            "categories": meta.categories,
            "cvss": meta.cvss,
            "informational": meta.informational,
        })),
        extra: serde_json::Map::new(),
    };

    let modified = match &withdrawn {
        Some(w) if *w > published => w.clone(),
        _ => published.clone(),
    };
    Ok(Record {
        schema_version: None,
        id: meta.id,
        modified,
        published: Some(published),
        withdrawn,
        aliases: meta.aliases,
        related: meta.related,
        upstream: Vec::new(),
        summary: Some(parts.title.to_owned()),
        details: Some(parts.description.to_owned()),
        severity,
        affected: vec![affected],
        references,
        credits: Vec::new(),
        database_specific: Some(json!({
            "license": meta.license.as_deref().unwrap_or("CC0-1.0"),
            "scry_source": "rustsec",
        })),
        extra: serde_json::Map::new(),
    })
}
