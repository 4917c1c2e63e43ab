//! Tests for the apk scheme.
