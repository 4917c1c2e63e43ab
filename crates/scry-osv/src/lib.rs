//! A lossless model of OSV records ([`Record`]) and the OSV rules that decide whether a
//! version is affected ([`Affected::affects`]).
//!
//! The model follows the OSV schema (<https://ossf.github.io/osv-schema/>): every field
//! the schema names is typed, and any field it does not name is kept in `extra`, so a
//! record read and written again loses nothing. `database_specific` and
//! `ecosystem_specific` stay raw JSON.
//!
//! Traps of the range rules:
//! - Events of a range are sorted by version before they are walked; `introduced: "0"`
//!   means "from the beginning" and sorts first.
//! - `last_affected: X` includes X; `fixed: X` excludes X; `limit` caps a range from
//!   above (the version must be below it).
//! - `SEMVER` ranges always use SemVer precedence, whatever the ecosystem; `ECOSYSTEM`
//!   ranges use the ecosystem's own ordering; `GIT` ranges name commits and never match a
//!   version (they are kept for the record and for commit-level matching).
//! - A package is affected when its version is listed in `versions` *or* lies in any
//!   range. The `versions` list compares with the ecosystem's equality, so `1.0` and
//!   `1.0.0` are the same PyPI version.

mod model;
mod range;

pub use crate::model::{
    Affected, Credit, Event, Package, Range, RangeType, Record, Reference, SeverityEntry,
};
pub use crate::range::{EvalError, RangeVerdict};

/// A record that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("malformed OSV record{}: {source}", id.as_ref().map(|i| format!(" {i}")).unwrap_or_default())]
pub struct ParseError {
    /// The record's `id`, when it could be read.
    pub id: Option<String>,
    /// Why it is malformed.
    #[source]
    pub source: serde_json::Error,
}

/// Parses one OSV record from JSON bytes.
///
/// # Errors
/// When the bytes are not JSON or not an OSV record (missing `id`/`modified`, wrong
/// types); the error names the record's id when one could be read.
pub fn parse_record(bytes: &[u8]) -> Result<Record, ParseError> {
    serde_json::from_slice::<Record>(bytes).map_err(|source| {
        #[derive(serde::Deserialize)]
        struct IdOnly {
            id: Option<String>,
        }
        let id = serde_json::from_slice::<IdOnly>(bytes)
            .ok()
            .and_then(|r| r.id);
        ParseError { id, source }
    })
}
