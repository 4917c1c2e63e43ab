//! Language catalogers: lockfiles, installed-package metadata and binaries.

use crate::Cataloger;

/// The language catalogers.
#[must_use]
pub fn catalogers() -> Vec<Box<dyn Cataloger>> {
    Vec::new()
}
