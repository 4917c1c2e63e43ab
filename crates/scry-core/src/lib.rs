//! scry's shared vocabulary: the types every other crate speaks.
//!
//! - [`Ecosystem`]: a package ecosystem as OSV spells it (`Debian:12`, `PyPI`,
//!   `Alpine:v3.20`), split into a known [`EcosystemKind`] and an optional release.
//! - [`VersionScheme`]: which ordering rules an ecosystem's versions follow.
//! - [`Severity`]: the severity labels findings carry, shaped like Amazon Inspector's.
//!
//! Traps:
//! - OSV ecosystem names are case-sensitive (`npm`, `crates.io`, `PyPI`). We accept the
//!   canonical spelling and a few common case variants, and keep the original text.
//! - The part after the first `:` is a release (`Debian:12`, `Ubuntu:22.04:LTS`,
//!   `Alpine:v3.20`, `AlmaLinux:9`); everything after the first colon is kept verbatim.
//! - An unknown ecosystem is not an error when parsing (new ones appear every month), but
//!   asking for its [`VersionScheme`] yields `None`, so nothing ever compares its versions
//!   as plain strings.

mod ecosystem;
pub mod inventory;
mod severity;

pub use crate::ecosystem::{Ecosystem, EcosystemKind, VersionScheme};
pub use crate::inventory::{
    Dependency, DependencyKind, Inventory, OsRelease, Package, PackageManager, Target, TargetKind,
};
pub use crate::severity::Severity;
