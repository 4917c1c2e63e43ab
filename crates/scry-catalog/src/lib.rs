//! Inventory extraction.
//!
//! A [`Cataloger`] recognises the files it reads by path ([`Cataloger::wants`]) and turns
//! one file's bytes into [`Package`]s ([`Cataloger::parse`]). Catalogers are pure: they
//! never open files themselves, so the same code serves a folder, an image streamed layer
//! by layer, a zip and a single lockfile. The driver (`scry-image`/`scry-fs` side) walks
//! the target once, hands each wanted file to its catalogers, and calls [`finish`] to
//! settle what depends on the whole target (the OS release decides the ecosystem of OS
//! packages).
//!
//! OS catalogers live in [`os`], language ones in [`lang`]; [`all`] lists every cataloger.

use scry_core::{OsRelease, Package};

pub mod lang;
pub mod os;

/// Bounds a cataloger must respect on hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file a cataloger is handed (the driver skips larger ones with a warning).
    pub max_file_bytes: u64,
    /// Most packages one file may yield.
    pub max_packages_per_file: usize,
    /// Deepest nesting (jars in jars, JSON depth) followed.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 512 * 1024 * 1024,
            max_packages_per_file: 1_000_000,
            max_depth: 8,
        }
    }
}

/// Why a file could not be catalogued. Names the file and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct CatalogError {
    /// The file, relative to the target's root.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl CatalogError {
    /// An error about `path`.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// What one file yielded.
#[derive(Debug, Default)]
pub struct Found {
    pub packages: Vec<Package>,
    /// Entries skipped inside an otherwise readable file (a malformed lockfile entry).
    pub warnings: Vec<CatalogError>,
    /// The OS release, when the file was one (`etc/os-release` and fallbacks).
    pub os: Option<OsRelease>,
    /// Dependency edges between this file's `packages` (indexes: `from` depends on `to`),
    /// where the format lists them (language lockfiles); empty otherwise. A driver that
    /// merges files offsets the indexes into its inventory's `dependencies`.
    pub dependencies: Vec<scry_core::Dependency>,
}

/// One source format of packages.
pub trait Cataloger: Send + Sync {
    /// A stable name (`dpkg`, `apk`, `rpm-sqlite`, `npm-lock`, ...).
    fn name(&self) -> &'static str;
    /// Whether the file at `path` (relative to the target's root, `/`-separated, no
    /// leading `/`) is one this cataloger reads. Must be cheap: it is asked of every file.
    fn wants(&self, path: &str) -> bool;
    /// Reads one file.
    ///
    /// # Errors
    /// When the file as a whole is unreadable (entries that are merely malformed become
    /// warnings in [`Found`]).
    fn parse(&self, path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError>;
    /// A streaming reader for the files this cataloger wants, when it needs only a little
    /// of each (the build info of a binary): the driver then hands it the file chunk by
    /// chunk instead of reading it into memory. `None` (the default): use [`Cataloger::parse`].
    fn scan(&self) -> Option<Box<dyn Scan>> {
        None
    }
}

/// What a [`Scan`] concluded at the end of a file.
#[derive(Debug)]
pub enum Scanned {
    /// What [`Cataloger::parse`] would have returned for the whole file.
    Found(Result<Found, CatalogError>),
    /// The file needs random access (a section found through the section table): the
    /// driver must hand the whole file to [`Cataloger::parse`] instead.
    NeedWhole,
}

/// One file seen as a stream, for [`Cataloger::scan`]. Its verdict must equal what
/// [`Cataloger::parse`] returns for the same bytes, or ask for them ([`Scanned::NeedWhole`]).
pub trait Scan {
    /// Takes the next chunk of the file. Every chunk but the last is at least
    /// [`SCAN_CHUNK`] bytes long. Returns `false` once the rest of the file cannot
    /// change the verdict (the driver may then stop reading).
    fn update(&mut self, chunk: &[u8]) -> bool;
    /// The verdict once the file ended (or `update` returned `false`). `path` names the
    /// file in errors.
    fn finish(self: Box<Self>, path: &str, limits: &Limits) -> Scanned;
}

/// The least size of a chunk handed to [`Scan::update`] (the last one excepted).
pub const SCAN_CHUNK: usize = 64 * 1024;

/// Every cataloger scry has.
#[must_use]
pub fn all() -> Vec<Box<dyn Cataloger>> {
    let mut out = os::catalogers();
    out.extend(lang::catalogers());
    out
}

/// Settles what depends on the whole target: OS packages found with only their family
/// ecosystem (`Debian`) get the release from `os` (`Debian:12`), and duplicates (the
/// same package found twice at the same path) are dropped.
pub fn finish(os: Option<&OsRelease>, packages: &mut Vec<Package>) {
    os::settle(os, packages);
    if let Some(eco) = os.and_then(OsRelease::ecosystem) {
        for p in packages.iter_mut() {
            if p.ecosystem.kind() == eco.kind() && p.ecosystem.release().is_none() {
                p.ecosystem = eco.clone();
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    packages.retain(|p| {
        seen.insert((
            p.ecosystem.to_string(),
            p.name.clone(),
            p.version.clone(),
            p.path.clone(),
            // Multi-arch: libc6:amd64 and libc6:i386 are two packages.
            p.arch.clone(),
        ))
    });
}
