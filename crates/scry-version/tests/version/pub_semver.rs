//! Tests for the pub_semver scheme.
