//! Database tests.
