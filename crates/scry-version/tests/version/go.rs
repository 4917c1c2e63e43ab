//! Tests for the go scheme.
