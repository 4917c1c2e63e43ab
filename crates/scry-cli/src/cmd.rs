//! One module per command group.

pub(crate) mod cvss;
pub(crate) mod db;
pub(crate) mod network;
pub(crate) mod sbom;
pub(crate) mod scan;
pub(crate) mod version;
