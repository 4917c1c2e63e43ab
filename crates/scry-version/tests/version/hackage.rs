//! Tests for the hackage scheme.
