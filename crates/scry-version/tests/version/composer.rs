//! Tests for the composer scheme.
