//! Tests for the dpkg scheme.
