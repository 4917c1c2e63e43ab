//! Tests for the maven scheme.
