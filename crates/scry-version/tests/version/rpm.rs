//! Tests for the rpm scheme.
