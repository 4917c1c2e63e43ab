//! Capture folders.
