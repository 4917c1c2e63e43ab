//! Enrichment feeds joined onto vulnerabilities by CVE id: CISA KEV and EPSS.
//!
//! - [`kev::parse`] reads the CISA Known Exploited Vulnerabilities catalogue JSON
//!   (`known_exploited_vulnerabilities.json`, gunzipped by the caller) into [`kev::KevEntry`]s;
//!   [`kev::parse_catalog`] also returns the catalogue's version and release date.
//! - [`epss::parse`] streams FIRST's EPSS CSV (gunzipped by the caller) as
//!   [`epss::EpssEntry`]s, one line at a time, so the 300k+ lines are never held at once.
//!   It reads both the official file (`#model_version:...,score_date:...` comment, then the
//!   `cve,epss,percentile` header, comma-separated) and `;`-separated copies.
//!
//! Both name the entry or line number of anything they cannot read, and never panic on
//! hostile input.

pub mod epss;
pub mod kev;

/// Why an enrichment feed could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnrichError {
    /// The KEV catalogue is not the expected JSON.
    #[error("CISA KEV catalogue: {0}")]
    Kev(String),
    /// A line of the EPSS CSV is not `cve,epss,percentile`.
    #[error("EPSS CSV line {line}: {reason}")]
    EpssLine {
        /// 1-based line number.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading the EPSS stream failed.
    #[error("EPSS CSV line {line}: read error: {source}")]
    Io {
        /// The line being read.
        line: u64,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
