//! CLI tests: filled below.
