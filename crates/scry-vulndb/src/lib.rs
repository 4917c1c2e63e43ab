//! scry's local advisory database.
//!
//! - [`Builder`] collects OSV records (merged by id, newest `modified` wins), the CISA
//!   KEV catalogue and EPSS scores, and writes one compact file atomically.
//! - [`Database`] opens that file and answers lookups by (ecosystem, package name), by
//!   advisory id, by alias group, and by CVE for KEV and EPSS.
//! - [`import`] reads sources (files, folders, zip archives, `.jsonl.zst`, `.gz`, KEV
//!   JSON, EPSS CSV and the non-OSV feeds of `scry-feeds`) into a [`Builder`].
//!
//! The file format is described in [`mod@format`]; its traps:
//! - A reader must never see a half-built file: the builder writes a temporary file in
//!   the same folder, syncs it, and renames it over the old one.
//! - A truncated or corrupt file is detected: the header carries the schema version, the
//!   file's length and a checksum; every section and every compressed block carries its
//!   own checksum, verified when it is first read.
//! - Start-up must be cheap: opening reads only the header; sections are read on first
//!   use, and record blocks one at a time.

pub mod format;
pub mod import;

mod aliases;
mod build;
mod error;
mod names;
mod read;
mod view;

pub use crate::build::{BuildSummary, Builder, SourceInfo};
pub use crate::error::DbError;
pub use crate::names::normalize_name;
pub use crate::read::{AliasGroup, Database, EpssScore, KevEntry, Status};
pub use crate::view::MatchView;
