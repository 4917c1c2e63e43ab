//! Integration tests for scry-cvss (one binary, see STYLE.md §3.8).

// Tests may unwrap: a panic is the failure report (STYLE.md §3.5: no unwrap outside tests).
#![allow(clippy::unwrap_used)]

// Every vector of tests/data/*.baseline against the Python `cvss` reference.
mod oracle;
// Validation errors, one per failure kind, and the known values of the specifications.
mod parse;
// proptest: no panics on arbitrary or mutated input, Display → parse round-trips.
mod props;
// The `scry cvss` JSON/text report.
mod report;
// The risk score model and the worked examples of docs/scoring.md.
mod risk;
