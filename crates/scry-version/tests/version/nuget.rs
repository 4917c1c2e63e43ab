//! Tests for the nuget scheme.
