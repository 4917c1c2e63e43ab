//! Tests for the rubygems scheme.
