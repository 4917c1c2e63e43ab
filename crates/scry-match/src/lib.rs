//! Inventory × advisory database → findings.
//!
//! - [`match_inventory`] (and [`match_inventory_detailed`], which also returns the
//!   warnings) turns an [`Inventory`](scry_core::Inventory) and a
//!   [`Database`](scry_vulndb::Database) into [`Finding`]s: pure and deterministic (the
//!   clock comes in through [`MatchOptions::now`]).
//! - [`Report`] wraps the findings of one target with the database's age and a summary;
//!   [`Report::scan`] does both steps. [`Policy`] applies the CI options (severity filter,
//!   `--ignore-unfixed`, ignore files, VEX, `--fail-on`).
//! - [`render_json`], [`render_table`], [`render_sarif`], [`render_cyclonedx`]: pure
//!   renderers.
//!
//! The CLI's exit code: 0 when the scan ran and no active finding reaches `--fail-on`
//! ([`Policy::fails`]); 1 when one does; 2 (or more) when the scan itself failed (no
//! database, unreadable target, bad ignore or VEX file). Warnings never change it.
//!
//! Matching rules and traps (details in `docs/findings.md`):
//! - **Distribution packages** (`Debian:12`, `Alpine:v3.20`, `AlmaLinux:9`, ...) are
//!   matched the way distributions publish advisories: by *source* package name
//!   (`source_name`, else `name`) in the exact release, with the dpkg *source* version
//!   when it differs from the binary's (binNMUs, `+b1`), against the distribution's own
//!   fixed versions. They are never matched against language or upstream ranges.
//!   Not-affected statuses (`database_specific.scry_statuses`) are not `affected[]` entries
//!   and so give no finding; unfixed, `end_of_life`, `no_dsa`, `will_not_fix` entries
//!   give findings with `fixAvailable: NO` and the status shown as `vendorStatus`.
//! - **Language packages** are matched with the OSV range rules in their ecosystem
//!   (any release), the installed version parsed once per package.
//! - **Parse errors**: an installed version that does not parse skips the package; an
//!   event that does not parse skips that (package, advisory) pair. Both are counted in
//!   the summary and give a warning naming package, advisory and reason. No finding is
//!   reported for an advisory whose range could not be evaluated: guessing would give
//!   false positives on every malformed range, and the warning keeps it visible.
//! - **One finding per (vulnerability, resource)**: hits are grouped by the database's
//!   alias groups, transitively over the whole resource; the id is the lowest CVE of the
//!   group when there is one. A record naming several `upstream` CVEs (a Debian DSA/DLA)
//!   gives one hit per CVE, joining that CVE's group; the DSA id is listed as related
//!   and in `sources`.
//! - **Withdrawn** records never match. **`MAL-*`** (malicious package) records give
//!   findings of their own kind (`PACKAGE_VULNERABILITY`, severity `CRITICAL`, title
//!   ending "(malicious package)", `malicious: true`).

mod advisory;
mod finding;
mod matcher;
mod policy;
mod render;
mod report;

pub use crate::finding::{
    Cvss, Epss, Finding, FindingStatus, FindingType, FixAvailable, PackageVulnerabilityDetails,
    Resource, ResourceDetails, SCHEMA_VERSION, ScoreDetailsJson, SourceRecord, Suppression,
    VulnerablePackage, YesNo,
};
pub use crate::matcher::{
    MatchError, MatchOptions, MatchOutput, MatchWarning, NOT_AVAILABLE, finding_id,
    match_inventory, match_inventory_detailed,
};
pub use crate::policy::{
    IgnoreEntry, Policy, PolicyError, VexStatement, parse_ignore_file, parse_vex,
};
pub use crate::render::{
    TableOptions, render_cyclonedx, render_json, render_sarif, render_table, render_table_with,
};
pub use crate::report::{DatabaseInfo, OsInfo, Report, SortBy, Summary, rfc3339, sort_findings};
