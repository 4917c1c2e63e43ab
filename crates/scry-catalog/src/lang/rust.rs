//! crates.io: `Cargo.lock` (v1–v4) and binaries built with cargo-auditable.
//!
//! Traps:
//! - Packages without `source` are the workspace's own crates (path dependencies): they
//!   are not on crates.io and are skipped, so a local crate named like a published one
//!   does not match the published one's advisories.
//! - cargo-auditable stores zlib-compressed JSON in a `.dep-v0` section (ELF, PE, Mach-O);
//!   the decompressed size is bounded (`Limits::max_file_bytes`, at most 64 MiB). The
//!   root package (the binary itself) and `local` sources are skipped; `build` kind
//!   dependencies are kept (a build script's dependency can still matter) but marked
//!   [`DependencyKind::Dev`].
//! - Binaries are recognised by path only loosely (no extension, `.exe`, `.so`, `.dll`,
//!   `.dylib`); `parse` checks the magic first and returns nothing for other files.
//! - Binaries are big (a `node` is 100 MB) and the section table that locates `.dep-v0`
//!   sits at the end of an ELF file, after the data. So the cataloger streams
//!   ([`Cataloger::scan`](crate::Cataloger::scan)): a section named `.dep-v0` (or Mach-O's
//!   `__dep_v0`) has that name somewhere in the file, so a binary without those bytes has
//!   none and is done with; only a binary that has them is read whole.

use std::io::Read;

use object::{Object, ObjectSection};
use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, simple, streaming, toml_table, tstr};
use crate::{CatalogError, Cataloger, Found, Limits, Scan, Scanned};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple(
            "cargo-lock",
            |p| file_name(p) == "Cargo.lock",
            parse_cargo_lock,
        ),
        streaming(
            "rust-auditable",
            maybe_binary,
            parse_auditable,
            AuditableScan::boxed,
        ),
    ]
}

/// Finds the first occurrence of a needle in a file handed over chunk by chunk.
pub(crate) struct Seeker {
    finder: memchr::memmem::Finder<'static>,
    /// The last `needle.len() - 1` bytes seen (a match may straddle two chunks).
    carry: Vec<u8>,
}

impl Seeker {
    pub(crate) fn new(needle: &'static [u8]) -> Self {
        Self {
            finder: memchr::memmem::Finder::new(needle),
            carry: Vec::new(),
        }
    }

    /// The bytes from the first match to the end of `chunk`, once the needle is met.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Option<Vec<u8>> {
        let keep = self.finder.needle().len().saturating_sub(1);
        let carried = self.carry.len();
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(&chunk[..chunk.len().min(keep)]);
        if let Some(i) = self.finder.find(&joined) {
            let mut out = joined[i.min(carried)..carried].to_vec();
            out.extend_from_slice(&chunk[i.saturating_sub(carried)..]);
            return Some(out);
        }
        if let Some(i) = self.finder.find(chunk) {
            return Some(chunk[i..].to_vec());
        }
        if chunk.len() >= keep {
            self.carry = chunk[chunk.len() - keep..].to_vec();
        } else {
            joined.truncate(carried);
            joined.extend_from_slice(chunk);
            let cut = joined.len().saturating_sub(keep);
            self.carry = joined.split_off(cut);
        }
        None
    }
}

/// The streaming side of `rust-auditable`: a binary without the bytes `.dep-v0` or
/// `__dep_v0` has no such section, which `parse` would look for and not find.
struct AuditableScan {
    started: bool,
    elf_pe: Seeker,
    macho: Seeker,
    /// `Some(true)`: a section name may be there; `Some(false)`: not a binary.
    verdict: Option<bool>,
}

impl AuditableScan {
    fn boxed() -> Box<dyn Scan> {
        Box::new(Self {
            started: false,
            elf_pe: Seeker::new(b".dep-v0"),
            macho: Seeker::new(b"__dep_v0"),
            verdict: None,
        })
    }
}

impl Scan for AuditableScan {
    fn update(&mut self, chunk: &[u8]) -> bool {
        if self.verdict.is_some() {
            return false;
        }
        if !self.started {
            self.started = true;
            if !is_binary(chunk) {
                self.verdict = Some(false);
                return false;
            }
        }
        if self.elf_pe.feed(chunk).is_some() || self.macho.feed(chunk).is_some() {
            self.verdict = Some(true);
            return false;
        }
        true
    }

    fn finish(self: Box<Self>, _path: &str, _limits: &Limits) -> Scanned {
        if self.verdict == Some(true) {
            Scanned::NeedWhole
        } else {
            Scanned::Found(Ok(Found::default()))
        }
    }
}

/// Whether a path may be an executable or shared library (cheap, by name).
pub(crate) fn maybe_binary(path: &str) -> bool {
    let f = file_name(path);
    match f.rsplit_once('.') {
        None => !f.is_empty(),
        Some((_, ext)) => {
            matches!(
                ext,
                "exe" | "dll" | "so" | "dylib" | "elf" | "bin" | "macho"
            ) || f.contains(".so.")
        }
    }
}

/// Whether `bytes` start like an ELF, PE or Mach-O file.
pub(crate) fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
        || bytes.starts_with(b"MZ")
        || bytes.starts_with(&[0xfe, 0xed, 0xfa, 0xce])
        || bytes.starts_with(&[0xfe, 0xed, 0xfa, 0xcf])
        || bytes.starts_with(&[0xce, 0xfa, 0xed, 0xfe])
        || bytes.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || bytes.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
}

fn parse_cargo_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let t = toml_table(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::CratesIo, PackageManager::Cargo, limits);
    let pkgs = t
        .get("package")
        .and_then(toml::Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (i, p) in pkgs.iter().enumerate() {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            c.warn(format!("package {i}: no name or version"));
            continue;
        };
        if tstr(p, "source").is_none() {
            continue;
        }
        c.add(name, version, None);
    }
    // Edges: `dependencies = ["name", "name version", "name version (source)"]`.
    for p in pkgs {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            continue;
        };
        let Some(from) = c.index_of(name, version) else {
            continue;
        };
        let Some(deps) = p.get("dependencies").and_then(toml::Value::as_array) else {
            continue;
        };
        for d in deps.iter().filter_map(toml::Value::as_str) {
            let mut it = d.split_whitespace();
            let (Some(n), v) = (it.next(), it.next()) else {
                continue;
            };
            if let Some(to) = c.resolve(n, v) {
                c.edge(from, to);
            }
        }
    }
    Ok(c.finish())
}

fn parse_auditable(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    if !is_binary(bytes) {
        return Ok(Found::default());
    }
    let Ok(file) = object::File::parse(bytes) else {
        return Ok(Found::default());
    };
    let section = file.sections().find(|s| {
        s.name()
            .is_ok_and(|n| n == ".dep-v0" || n == "__dep_v0" || n.ends_with(".dep-v0"))
    });
    let Some(section) = section else {
        return Ok(Found::default());
    };
    let data = section
        .data()
        .map_err(|e| CatalogError::new(path, format!("`.dep-v0` section: {e}")))?;
    let cap = limits.max_file_bytes.min(64 * 1024 * 1024);
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(data)
        .take(cap + 1)
        .read_to_end(&mut json)
        .map_err(|e| CatalogError::new(path, format!("`.dep-v0` section: not zlib: {e}")))?;
    if json.len() as u64 > cap {
        return Err(CatalogError::new(
            path,
            format!("`.dep-v0` section: decompresses to more than {cap} bytes"),
        ));
    }
    let doc = super::json(path, &json)?;
    let mut c = Collector::new(
        path,
        EcosystemKind::CratesIo,
        PackageManager::RustBinary,
        limits,
    );
    let Some(pkgs) = doc.get("packages").and_then(Value::as_array) else {
        return Err(CatalogError::new(path, "`.dep-v0` section: no `packages`"));
    };
    for (i, p) in pkgs.iter().enumerate() {
        let (Some(name), Some(version)) = (super::jstr(p, "name"), super::jstr(p, "version"))
        else {
            c.warn(format!("`.dep-v0` package {i}: no name or version"));
            continue;
        };
        if p.get("root").and_then(Value::as_bool) == Some(true)
            || super::jstr(p, "source") == Some("local")
        {
            continue;
        }
        let kind = (super::jstr(p, "kind") == Some("build")).then_some(DependencyKind::Dev);
        c.add(name, version, kind);
    }
    // Edges: `dependencies` are indexes into the section's own list.
    let idx = |i: usize| {
        let p = pkgs.get(i)?;
        c.index_of(super::jstr(p, "name")?, super::jstr(p, "version")?)
    };
    let mut edges = Vec::new();
    for (i, p) in pkgs.iter().enumerate() {
        let Some(from) = idx(i) else { continue };
        for d in p
            .get("dependencies")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(to) = d
                .as_u64()
                .and_then(|d| usize::try_from(d).ok())
                .and_then(idx)
            {
                edges.push((from, to));
            }
        }
    }
    for (from, to) in edges {
        c.edge(from, to);
    }
    Ok(c.finish())
}
