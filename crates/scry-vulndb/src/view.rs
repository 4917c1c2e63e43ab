//! What matching reads of a match view.
//!
//! A match view is a record narrowed to one package's `affected` entries (see
//! [`crate::Database::lookup_views`]). Decoded as [`scry_osv::Record`], every view pays
//! for fields matching never reads: the summary, aliases and severities, each entry's
//! severities and unknown keys, each range's `database_specific` (JSON values, one
//! allocation per key and string), and the `serde(flatten)` bookkeeping of unknown keys.
//! [`MatchView`] decodes the id, whether the record is withdrawn, and per entry the
//! package, ranges, versions and the two JSON objects matching and fix selection read;
//! serde checks and skips the rest of the JSON without building it.
//!
//! The entries are [`scry_osv::Affected`] values, so a view entry is evaluated by the
//! same code ([`scry_osv::Affected::affects_parsed`], [`scry_osv::Range::contains`]) as
//! a whole record's. Fields not decoded are left empty: an entry's `severity` and
//! `extra`, a package's `purl` and `extra`, a range's `repo`, `database_specific` and
//! `extra`. Each decoded field decodes exactly as in [`scry_osv::Record`] (same types,
//! `null` read as empty).

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use scry_osv::{Affected, Event, Package, Range, RangeType};

/// A record as matching reads it: id, withdrawal and the package's affected entries.
#[derive(Debug, Deserialize)]
pub struct MatchView {
    /// The record's id.
    pub id: String,
    #[serde(default)]
    withdrawn: Option<IgnoredAny>,
    /// The entries about the looked-up package (of every matching release).
    #[serde(default, deserialize_with = "affected_entries")]
    pub affected: Vec<Affected>,
}

impl MatchView {
    /// Whether the record was withdrawn.
    #[must_use]
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
}

#[derive(Deserialize)]
struct ViewAffected {
    #[serde(default)]
    package: Option<ViewPackage>,
    #[serde(default, deserialize_with = "null_as_default")]
    ranges: Vec<ViewRange>,
    #[serde(default, deserialize_with = "null_as_default")]
    versions: Vec<String>,
    #[serde(default)]
    ecosystem_specific: Option<Value>,
    #[serde(default)]
    database_specific: Option<Value>,
}

#[derive(Deserialize)]
struct ViewPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct ViewRange {
    #[serde(rename = "type")]
    kind: RangeType,
    #[serde(default, deserialize_with = "null_as_default")]
    events: Vec<Event>,
}

fn affected_entries<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Affected>, D::Error> {
    let entries: Vec<ViewAffected> = null_as_default(d)?;
    Ok(entries
        .into_iter()
        .map(|a| Affected {
            package: a.package.map(|p| Package {
                ecosystem: p.ecosystem,
                name: p.name,
                purl: None,
                extra: Map::new(),
            }),
            severity: Vec::new(),
            ranges: a
                .ranges
                .into_iter()
                .map(|r| Range {
                    kind: r.kind,
                    repo: None,
                    events: r.events,
                    database_specific: None,
                    extra: Map::new(),
                })
                .collect(),
            versions: a.versions,
            ecosystem_specific: a.ecosystem_specific,
            database_specific: a.database_specific,
            extra: Map::new(),
        })
        .collect())
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
