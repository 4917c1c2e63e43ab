//! Pieces shared by the distribution converters (Debian, Ubuntu, Alpine): building records,
//! `affected[]` entries and the `scry_statuses` list, and the few syntax checks they share.

use serde_json::{Map, Value, json};

use scry_osv::{Affected, Event, Package, Range, RangeType, Record};

use crate::FeedError;

/// A record with only its id and dates set. The distribution feeds carry no modification
/// date, so `modified` is the publication date.
pub(crate) fn record(id: String, published: String) -> Record {
    Record {
        schema_version: None,
        id,
        modified: published.clone(),
        published: Some(published),
        withdrawn: None,
        aliases: Vec::new(),
        related: Vec::new(),
        upstream: Vec::new(),
        summary: None,
        details: None,
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        credits: Vec::new(),
        database_specific: None,
        extra: Map::new(),
    }
}

/// An `affected` entry for a source package in one release: one ECOSYSTEM range from `0`,
/// fixed in each of `fixed` (none: no fix yet).
pub(crate) fn affected(
    ecosystem: String,
    name: &str,
    fixed: &[String],
    ecosystem_specific: Option<Value>,
) -> Affected {
    let ranges = if fixed.is_empty() {
        vec![range(None)]
    } else {
        fixed.iter().map(|v| range(Some(v))).collect()
    };
    Affected {
        package: Some(Package {
            ecosystem,
            name: name.to_owned(),
            purl: None,
            extra: Map::new(),
        }),
        severity: Vec::new(),
        ranges,
        versions: Vec::new(),
        ecosystem_specific,
        database_specific: None,
        extra: Map::new(),
    }
}

fn range(fixed: Option<&String>) -> Range {
    let mut events = vec![Event::Introduced("0".to_owned())];
    if let Some(v) = fixed {
        events.push(Event::Fixed(v.clone()));
    }
    Range {
        kind: RangeType::Ecosystem,
        repo: None,
        events,
        database_specific: None,
        extra: Map::new(),
    }
}

/// A package a record names but which is not affected in a release (one
/// `database_specific.scry_statuses` entry).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Status {
    pub(crate) ecosystem: String,
    pub(crate) package: String,
    /// `not_affected`, `does_not_exist`, ...
    pub(crate) status: &'static str,
    pub(crate) note: Option<String>,
}

impl Status {
    fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("ecosystem".into(), json!(self.ecosystem));
        m.insert("package".into(), json!(self.package));
        m.insert("status".into(), json!(self.status));
        if let Some(note) = &self.note {
            m.insert("note".into(), json!(note));
        }
        Value::Object(m)
    }
}

/// `database_specific`: `scry_source`, then `extra`'s keys, then `scry_statuses` when any.
pub(crate) fn database_specific(
    source: &str,
    extra: Map<String, Value>,
    statuses: &[Status],
) -> Value {
    let mut m = Map::new();
    m.insert("scry_source".into(), json!(source));
    m.extend(extra);
    if !statuses.is_empty() {
        m.insert(
            "scry_statuses".into(),
            Value::Array(statuses.iter().map(Status::to_json).collect()),
        );
    }
    Value::Object(m)
}

/// Folds records that share an id into one, in first-seen order: `aliases`, `related`,
/// `affected[]` and `database_specific.scry_statuses` are united (exact duplicates dropped);
/// every other field comes from the first record of the id.
///
/// The Alpine secdb needs it: each branch and repository is a file, and one CVE is fixed in
/// many of them. It is harmless on feeds whose ids are unique.
#[must_use]
pub fn merge_records(records: impl IntoIterator<Item = Record>) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for record in records {
        let Some(&i) = index.get(&record.id) else {
            index.insert(record.id.clone(), out.len());
            out.push(record);
            continue;
        };
        let into = &mut out[i];
        for alias in record.aliases {
            if !into.aliases.contains(&alias) {
                into.aliases.push(alias);
            }
        }
        for related in record.related {
            if !into.related.contains(&related) {
                into.related.push(related);
            }
        }
        for affected in record.affected {
            if !into.affected.contains(&affected) {
                into.affected.push(affected);
            }
        }
        let statuses = record
            .database_specific
            .as_ref()
            .and_then(|d| d.get("scry_statuses"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if statuses.is_empty() {
            continue;
        }
        let db = into
            .database_specific
            .get_or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(db) = db {
            let list = db
                .entry("scry_statuses")
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                for s in statuses {
                    if !list.contains(&s) {
                        list.push(s);
                    }
                }
            }
        }
    }
    out
}

/// Whether `s` is `CVE-YYYY-N...` (four-digit year, at least four digits after it).
pub(crate) fn is_cve(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit())
}

/// A cheap syntax check for a distribution package version (dpkg or apk): it starts with a
/// digit and holds only the characters those schemes allow. The order itself is
/// `scry-version`'s business; this only keeps prose out of `fixed` events.
pub(crate) fn looks_like_version(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+-~:_".contains(&b))
}

/// Whether `s` is a plausible package name (no spaces or control characters, not empty,
/// bounded).
pub(crate) fn looks_like_package(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".+-_~".contains(&b))
}

/// A [`FeedError`].
pub(crate) fn error(path: &str, entry: impl Into<String>, reason: impl Into<String>) -> FeedError {
    FeedError {
        path: path.to_owned(),
        entry: entry.into(),
        reason: reason.into(),
    }
}

/// `s` cut to at most `max` characters, for quoting hostile input in messages.
pub(crate) fn quote(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    format!("`{out}`")
}

/// `YYYY-MM-DDT00:00:00Z` from numeric parts, checking the ranges.
pub(crate) fn date(year: u32, month: u32, day: u32) -> Option<String> {
    ((1970..=9999).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{year:04}-{month:02}-{day:02}T00:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_syntax() {
        assert!(is_cve("CVE-2014-0160"));
        assert!(is_cve("CVE-2021-123456"));
        assert!(!is_cve("CVE-14-0160"));
        assert!(!is_cve("CVE-2014-016"));
        assert!(!is_cve("CVE-????-?????"));
        assert!(!is_cve("CVE_2014-0160"));
    }

    #[test]
    fn version_syntax() {
        assert!(looks_like_version("2:1.20.11-1+deb11u6"));
        assert!(looks_like_version("1.0.2k-r0"));
        assert!(!looks_like_version("code not present"));
        assert!(!looks_like_version(""));
        assert!(!looks_like_version("v1"));
    }
}
