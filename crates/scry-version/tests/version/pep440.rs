//! Tests for the pep440 scheme.
