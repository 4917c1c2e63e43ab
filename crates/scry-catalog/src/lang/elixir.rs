//! TODO

use crate::Cataloger;

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    Vec::new()
}
