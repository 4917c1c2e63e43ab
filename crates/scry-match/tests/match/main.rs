//! scry-match integration tests (one binary).

/// Cargo.lock files against cargo-audit's answers (scripts/baselines/cargo-audit.sh).
mod cargo_audit;
/// Debian dpkg inventories against the independent tracker reference (scripts/oracles).
mod debian;
/// Severity filter, ignore-unfixed, ignore files, VEX, fail-on.
mod policy;
/// JSON (against the schema), SARIF, CycloneDX and table output.
mod render;
/// Test databases (synthetic and built from the real snapshots) and inventories.
mod support;
/// Matching rules on hand-written records.
mod units;
