//! Tests for the cran scheme.
