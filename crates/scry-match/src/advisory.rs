//! What a finding shows of an advisory record.
//!
//! Matching decides on the database's match views; the whole record is read only for
//! the advisories that do match (and their aliases), to build findings. Those records
//! can list hundreds of affected versions and ranges a finding never shows, and
//! [`scry_osv::Record`] keeps every field (unknown ones too, through `serde(flatten)`,
//! which buffers the whole object before decoding it). [`Advisory`] names only what a
//! finding reads; serde checks and skips the rest of the JSON without building it.
//!
//! Each field decodes exactly as the same field of [`scry_osv::Record`] does (same
//! types, `null` read as empty), so a finding is the same whichever type it was built
//! from.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use scry_core::Ecosystem;
use scry_osv::{Reference, SeverityEntry};

/// The fields of an OSV record a finding reads.
#[derive(Debug, Deserialize)]
pub(crate) struct Advisory {
    pub(crate) id: String,
    pub(crate) modified: String,
    #[serde(default)]
    pub(crate) withdrawn: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) aliases: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) upstream: Vec<String>,
    #[serde(default)]
    pub(crate) summary: Option<String>,
    #[serde(default)]
    pub(crate) details: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) affected: Vec<AffectedShown>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) references: Vec<Reference>,
    #[serde(default)]
    pub(crate) database_specific: Option<Value>,
}

/// The fields of an `affected` entry a finding reads: whose package it is (a
/// distribution's or not) and its severity entries.
#[derive(Debug, Deserialize)]
pub(crate) struct AffectedShown {
    #[serde(default)]
    pub(crate) package: Option<PackageShown>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) severity: Vec<SeverityEntry>,
}

/// An `affected` entry's package, by ecosystem only.
#[derive(Debug, Deserialize)]
pub(crate) struct PackageShown {
    /// As the record spells it (`Debian:12`, `PyPI`, ...).
    pub(crate) ecosystem: String,
}

impl Advisory {
    /// Whether the record was withdrawn.
    pub(crate) fn is_withdrawn(&self) -> bool {
        self.withdrawn.is_some()
    }
}

impl PackageShown {
    /// The parsed ecosystem.
    pub(crate) fn ecosystem(&self) -> Ecosystem {
        Ecosystem::parse(&self.ecosystem)
    }
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
