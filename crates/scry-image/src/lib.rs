//! Reads every kind of target as a stream of files and feeds the visible ones to the
//! catalogers, extracting nothing and writing nothing.
//!
//! [`inventory`] is the one entry point: it takes a [`TargetSpec`] (an image, a root
//! filesystem, a project folder, a function package or a single file), the catalogers
//! (`scry_catalog::all()`), and [`Options`] (platform, bounds), walks the target once and
//! returns a `scry_core::Inventory`.
//!
//! Images (OCI layout folders, `oci-archive` tars, `docker save` tars, plain or gzip'd)
//! are read layer by layer, last layer first. The driver keeps the set of paths seen,
//! deleted (`.wh.<name>`) and made opaque (`.wh..wh..opq`), so every visible file is
//! visited once, in the layer that brought its topmost version, and hidden files are never
//! handed out. Blob digests (sha256 of the bytes as stored) and diff IDs (sha256 of the
//! uncompressed tar) are verified while streaming. Packages record the layer's **diff ID**
//! (`sha256:...` of the uncompressed layer, as listed in the image config), which is the
//! same whether the image was pulled, saved or exported.
//!
//! Traps of the domain, each with a test:
//! - layer compression is sniffed from the magic bytes (gzip, zstd, none), never taken
//!   from the media type alone;
//! - entry names are normalised (`./`, leading `/`, inner `..`); a name that escapes the
//!   root is an error, as it is for `docker load`;
//! - symlinks are resolved inside the root as a container would (`..` stops at `/`,
//!   absolute targets start at the root), with a hop bound;
//! - tar extension headers (PAX, GNU long names) are bounded, so a hostile header cannot
//!   make the reader buffer gigabytes;
//! - decompression is bounded in total and in ratio; zip entries may not overlap.

mod dir;
mod error;
mod function;
mod image;
mod layer;
mod meter;
mod overlay;
mod path;
mod sink;

use std::path::PathBuf;

pub use error::ImageError;
pub use image::Platform;
use scry_catalog::Cataloger;
use scry_core::{Inventory, TargetKind};

/// What to inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// A container image: an OCI image layout folder, an `oci-archive` tar, or a
    /// `docker save` tar (either tar may itself be gzip or zstd compressed), or a folder
    /// holding an extracted `docker save`.
    Image(PathBuf),
    /// A root filesystem (a mounted disk snapshot, a host's `/`): `proc`, `sys` and `dev`
    /// at its top are skipped.
    Rootfs(PathBuf),
    /// A project folder, or a single lockfile or manifest.
    Fs(PathBuf),
    /// A function deployment package (AWS Lambda style): the code (a zip or a folder)
    /// seen at `var/task`, and its layers (zips or folders) merged in order under `opt`,
    /// later layers overwriting earlier ones.
    Function { code: PathBuf, layers: Vec<PathBuf> },
}

impl TargetSpec {
    /// The path the user named (the code package for a function).
    #[must_use]
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Image(p) | Self::Rootfs(p) | Self::Fs(p) => p,
            Self::Function { code, .. } => code,
        }
    }
}

/// Bounds on the target as a whole (per-file bounds are `scry_catalog::Limits`).
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Most entries (files, folders, links, whiteouts) over all layers or the whole tree.
    pub max_entries: u64,
    /// Deepest path (in components).
    pub max_depth: usize,
    /// Most uncompressed bytes read over the whole target.
    pub max_total_bytes: u64,
    /// Largest ratio of uncompressed to compressed bytes for a layer or zip entry...
    pub max_ratio: u64,
    /// ...checked once more than this many uncompressed bytes came out of it.
    pub ratio_floor_bytes: u64,
    /// Most symlinks followed when resolving one path.
    pub max_symlink_hops: usize,
    /// Largest JSON document (index, manifest, config) read.
    pub max_metadata_bytes: u64,
    /// Largest tar extension header (PAX records, GNU long names) before an entry.
    pub max_header_bytes: u64,
    /// Most layers in an image.
    pub max_layers: usize,
}

impl Default for WalkLimits {
    fn default() -> Self {
        Self {
            max_entries: 5_000_000,
            max_depth: 128,
            max_total_bytes: 64 << 30,
            max_ratio: 250,
            ratio_floor_bytes: 64 << 20,
            max_symlink_hops: 40,
            max_metadata_bytes: 16 << 20,
            max_header_bytes: 1 << 20,
            max_layers: 1024,
        }
    }
}

/// How to inventory.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Bounds handed to the catalogers; `max_file_bytes` also bounds what the driver reads.
    pub limits: scry_catalog::Limits,
    /// Bounds on the target as a whole.
    pub walk: WalkLimits,
    /// The platform to pick from a multi-platform image. `None`: the host's when the
    /// image has it, else the image's only one.
    pub platform: Option<Platform>,
    /// The name recorded in the inventory's target (default: the path as given).
    pub name: Option<String>,
}

/// Walks `target` once, hands each visible regular file that a cataloger wants to it,
/// and returns what they found, settled by `scry_catalog::finish`.
///
/// # Errors
/// When the target cannot be read, is not what its kind says, is damaged (truncated,
/// digest mismatch) or exceeds a bound of [`Options`]. Problems confined to one file
/// (too large, unreadable by its cataloger, a dangling link) are warnings in the
/// inventory instead.
pub fn inventory(
    target: &TargetSpec,
    catalogers: &[Box<dyn Cataloger>],
    opts: &Options,
) -> Result<Inventory, ImageError> {
    let mut sink = sink::Sink::new(catalogers, opts);
    let (kind, digest) = match target {
        TargetSpec::Image(p) => (TargetKind::Image, image::walk(p, &mut sink, opts)?),
        TargetSpec::Rootfs(p) => {
            dir::walk(p, "", true, &mut sink, opts)?;
            (TargetKind::Rootfs, None)
        }
        TargetSpec::Fs(p) => {
            let meta = std::fs::metadata(p).map_err(|e| ImageError::io(p, e))?;
            if meta.is_file() {
                dir::single_file(p, &mut sink, opts)?;
                (TargetKind::Lockfile, None)
            } else {
                dir::walk(p, "", false, &mut sink, opts)?;
                (TargetKind::Fs, None)
            }
        }
        TargetSpec::Function { code, layers } => {
            function::walk(code, layers, &mut sink, opts)?;
            (TargetKind::Function, None)
        }
    };
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| target.path().display().to_string());
    Ok(sink.into_inventory(kind, name, digest))
}
