//! Tests for the semver scheme.
