//! Converters from advisory feeds that are not OSV into OSV [`Record`]s, and parsers for
//! the enrichment feeds (CISA KEV, EPSS).
//!
//! Every converter is pure: it takes one file's path (as named inside its archive or
//! folder) and bytes, and returns the records it holds plus the entries it had to skip,
//! each skip naming the file, the entry and the reason. Nothing here reads the disk or
//! the network; `scry-vulndb` walks archives and folders and calls [`detect`] then
//! [`convert`].
//!
//! The Alpine secdb spreads one vulnerability over one file per branch and repository:
//! pass the records of all files through [`merge_records`] to get one record per id.
//!
//! Distribution statuses that are not "affected" (Debian `<not-affected>`, Ubuntu
//! `not-affected`/`DNE`, Alpine fixed-in `0`) are not `affected[]` entries: they are kept
//! in the record's `database_specific.scry_statuses` so a scan can explain why a package
//! is not reported, while `affected[]` lists only what is affected.
//!
//! Records converted here carry `database_specific.scry_source` naming the feed.

use scry_osv::Record;

mod alpine;
mod debian;
mod distro;
pub mod enrich;
mod friendsofphp;
mod nodejs;
pub mod requirements;
mod rubysec;
mod rustsec;
mod ubuntu;

pub use distro::merge_records;

/// The feed formats scry converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// Debian security tracker `data/DSA/list`, `data/DLA/list`, `data/DTSA/list`.
    DebianList,
    /// Ubuntu CVE tracker per-CVE files (`active/CVE-*`, `retired/CVE-*`).
    UbuntuCve,
    /// Alpine secdb YAML (`v3.x/main.yaml`).
    AlpineSecdb,
    /// rubysec/ruby-advisory-db YAML (`gems/<gem>/<id>.yml`).
    RubySec,
    /// FriendsOfPHP/security-advisories YAML (`<vendor>/<package>/<id>.yaml`).
    FriendsOfPhp,
    /// nodejs/security-wg JSON (`vuln/npm/<n>.json`).
    NodejsWg,
    /// rustsec/advisory-db Markdown with TOML front matter (`crates/<crate>/RUSTSEC-*.md`).
    RustSec,
}

/// What a converter made of one file.
#[derive(Debug, Default)]
pub struct Conversion {
    /// The records the file holds.
    pub records: Vec<Record>,
    /// Entries skipped, each with its reason.
    pub skipped: Vec<FeedError>,
}

/// An entry (or a whole file) a converter could not use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {entry}: {reason}")]
pub struct FeedError {
    /// The file, as named in its archive or folder.
    pub path: String,
    /// Which entry of the file (advisory id, line number, package), or `-` for the file.
    pub entry: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Recognises a feed file by its path inside the archive or folder (and, where the path
/// is ambiguous, its first bytes). Returns `None` for files that are no advisories
/// (READMEs, licences, indexes).
#[must_use]
pub fn detect(path: &str, head: &[u8]) -> Option<FeedKind> {
    if debian::detect(path) {
        return Some(FeedKind::DebianList);
    }
    if ubuntu::detect(path) {
        return Some(FeedKind::UbuntuCve);
    }
    if alpine::detect(path) {
        return Some(FeedKind::AlpineSecdb);
    }
    if rustsec::detect(path) {
        return Some(FeedKind::RustSec);
    }
    if rubysec::detect(path) {
        return Some(FeedKind::RubySec);
    }
    if nodejs::detect(path) {
        return Some(FeedKind::NodejsWg);
    }
    if friendsofphp::detect(path, head) {
        return Some(FeedKind::FriendsOfPhp);
    }
    None
}

/// Converts one feed file.
#[must_use]
pub fn convert(kind: FeedKind, path: &str, bytes: &[u8]) -> Conversion {
    match kind {
        FeedKind::RubySec => rubysec::convert(path, bytes),
        FeedKind::FriendsOfPhp => friendsofphp::convert(path, bytes),
        FeedKind::NodejsWg => nodejs::convert(path, bytes),
        FeedKind::RustSec => rustsec::convert(path, bytes),
        FeedKind::DebianList => debian::convert(path, bytes),
        FeedKind::UbuntuCve => ubuntu::convert(path, bytes),
        FeedKind::AlpineSecdb => alpine::convert(path, bytes),
    }
}
