//! scry-image integration tests.

// Test catalogers and builders of tars, gzip/zstd layers, OCI layouts and zips.
mod support;
// The shared fixture images (docker save, OCI layout), always run.
mod fixtures;
// Layer semantics: whiteouts, opaque folders, links, platforms, digests.
mod layers;
// Hostile input: escapes, bombs, truncation, overlaps, huge and many files.
mod hostile;
// Folders, single files and function packages.
mod targets;
// A real Debian bookworm image built by scripts/make-debian-image.sh, when present.
mod debian;
