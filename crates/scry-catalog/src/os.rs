//! Operating-system catalogers: os-release, dpkg, apk, rpm.

use crate::Cataloger;

/// The OS catalogers.
#[must_use]
pub fn catalogers() -> Vec<Box<dyn Cataloger>> {
    Vec::new()
}
