//! rpm: the installed-package database in its three formats, read without `rpm`.
//!
//! | file | format | reader |
//! |---|---|---|
//! | `rpmdb.sqlite` (RHEL 9+, Fedora 33+, Mariner, Amazon Linux 2023) | SQLite, table `Packages(hnum, blob)` | [`sqlite`] |
//! | `Packages` (RHEL/CentOS 5–8, Amazon Linux 2) | Berkeley DB hash | [`bdb`] |
//! | `Packages.db` (SUSE) | rpm's NDB | [`ndb`] |
//!
//! under `var/lib/rpm/` or `usr/lib/sysimage/rpm/`. The format is recognised by its magic
//! bytes, not by the file name. Every database yields header blobs, parsed by [`Header`]:
//! `il`, `dl` (big-endian u32), `il` index entries of 16 bytes (tag, type, offset, count)
//! and a data store of `dl` bytes. Every offset and count is checked against the store;
//! a bad blob becomes a warning naming its position, a bad database an error.
//!
//! Per package: `NAME`, `VERSION`, `RELEASE`, `EPOCH`, `ARCH`, `LICENSE`, `SOURCERPM`
//! (`name-version-release.src.rpm` → `source_name`, and `source_version` when it differs
//! from the binary's `version-release`), files from `DIRNAMES`/`BASENAMES`/`DIRINDEXES`
//! (or the old `OLDFILENAMES`). `version` is `[epoch:]version-release`. The purl is
//! `pkg:rpm/<vendor>/<name>@<version>-<release>?arch=<arch>&epoch=<n>`; [`super::settle`]
//! puts the OS id in the namespace and adds `distro=`. Until the OS release says which
//! rpm distribution it is, the family and namespace are guessed from `VENDOR` (1011):
//! `SUSE LLC` → `SUSE`/`suse`, `Microsoft Corporation` → `Azure Linux`/`azurelinux`,
//! `Amazon Linux` → `Amazon Linux`/`amzn`, ... and `Red Hat`/`redhat` otherwise.
//! `gpg-pubkey` entries (imported signing keys, not software) are skipped.
//!
//! Not read: a SQLite write-ahead log (`rpmdb.sqlite-wal`) not yet checkpointed; rpm
//! checkpoints it when it closes the database, so an image's database is complete.

use scry_core::{Ecosystem, EcosystemKind, Package, PackageManager};

use super::{os_package, purl};
use crate::{CatalogError, Cataloger, Found, Limits};

pub mod bdb;
pub mod ndb;
pub mod sqlite;

/// Reads rpm databases.
#[derive(Debug, Clone, Copy, Default)]
pub struct RpmCataloger;

const DB_FILES: &[&str] = &["rpmdb.sqlite", "Packages", "Packages.db"];

impl Cataloger for RpmCataloger {
    fn name(&self) -> &'static str {
        "rpm"
    }

    fn wants(&self, path: &str) -> bool {
        let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
        let under = |d: &str| dir == d || dir.strip_suffix(d).is_some_and(|r| r.ends_with('/'));
        DB_FILES.contains(&file) && (under("var/lib/rpm") || under("usr/lib/sysimage/rpm"))
    }

    fn parse(&self, path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
        parse_db(path, bytes, limits)
    }
}

/// Reads any of the three formats.
///
/// # Errors
/// When the format is unknown or the database structure is broken.
pub fn parse_db(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let err = |reason: String| CatalogError::new(path, reason);
    if bytes.is_empty() {
        // rpm creates an empty `rpmdb.sqlite` before the first transaction.
        return Ok(Found::default());
    }
    let blobs = if bytes.starts_with(sqlite::MAGIC) {
        sqlite::read_table_blobs(bytes, "Packages", 1, limits)
            .map_err(|e| err(format!("rpmdb.sqlite: {e}")))?
    } else if bytes.starts_with(ndb::MAGIC) {
        ndb::read_blobs(bytes, limits).map_err(|e| err(format!("NDB: {e}")))?
    } else if bdb::is_hash_db(bytes) {
        bdb::read_values(bytes, limits).map_err(|e| err(format!("Berkeley DB: {e}")))?
    } else {
        return Err(err(
            "not an rpm database (no SQLite, NDB or Berkeley DB hash magic)".into(),
        ));
    };
    let mut found = Found::default();
    for (i, blob) in blobs.iter().enumerate() {
        let parsed = Header::parse(blob).and_then(|h| Ok((package(path, &h)?, h.files())));
        match parsed {
            Ok((Some(mut p), files)) => {
                match files {
                    Ok(files) => p.files = files,
                    Err(e) => found
                        .warnings
                        .push(err(format!("header {i} ({}): files: {e}", p.name))),
                }
                if found.packages.len() >= limits.max_packages_per_file {
                    found.warnings.push(err(format!(
                        "more than {} packages: the rest is skipped",
                        limits.max_packages_per_file
                    )));
                    break;
                }
                found.packages.push(p);
            }
            Ok((None, _)) => {}
            Err(e) => found.warnings.push(err(format!("header {i}: {e}"))),
        }
    }
    Ok(found)
}

// Tags (rpmtag.h).
const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const LICENSE: u32 = 1014;
const OLDFILENAMES: u32 = 1027;
const ARCH: u32 = 1022;
const SOURCERPM: u32 = 1044;
const VENDOR: u32 = 1011;
const DIRINDEXES: u32 = 1116;
const BASENAMES: u32 = 1117;
const DIRNAMES: u32 = 1118;

// Types.
const INT32: u32 = 4;
const STRING: u32 = 6;
const STRING_ARRAY: u32 = 8;
const I18NSTRING: u32 = 9;

/// Most index entries one header may have (rpm's own limit is 0xffff).
const MAX_ENTRIES: usize = 0x1_0000;

/// A parsed rpm header blob: its index and data store, borrowed.
#[derive(Debug)]
pub struct Header<'a> {
    entries: Vec<Entry>,
    store: &'a [u8],
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tag: u32,
    ty: u32,
    offset: usize,
    count: usize,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

impl<'a> Header<'a> {
    /// Parses a header blob as stored in the database (no lead, no magic).
    ///
    /// # Errors
    /// When the counts or lengths do not fit the blob.
    pub fn parse(blob: &'a [u8]) -> Result<Self, String> {
        let il = be32(blob, 0).ok_or("blob shorter than 8 bytes")? as usize;
        let dl = be32(blob, 4).ok_or("blob shorter than 8 bytes")? as usize;
        if il == 0 || il > MAX_ENTRIES {
            return Err(format!("index entry count {il} out of range"));
        }
        let index_end = 8 + il * 16;
        let end = index_end.checked_add(dl).ok_or("data length overflows")?;
        if end > blob.len() {
            return Err(format!(
                "index ({il} entries) and data ({dl} bytes) exceed the blob ({} bytes)",
                blob.len()
            ));
        }
        let store = &blob[index_end..end];
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let at = 8 + i * 16;
            let (Some(tag), Some(ty), Some(offset), Some(count)) = (
                be32(blob, at),
                be32(blob, at + 4),
                be32(blob, at + 8),
                be32(blob, at + 12),
            ) else {
                return Err(format!("index entry {i} truncated"));
            };
            entries.push(Entry {
                tag,
                ty,
                offset: offset as usize,
                count: count as usize,
            });
        }
        Ok(Self { entries, store })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().copied().find(|e| e.tag == tag)
    }

    /// The NUL-terminated string at `offset` of the store.
    fn str_at(&self, offset: usize) -> Result<(&'a str, usize), String> {
        let rest = self
            .store
            .get(offset..)
            .ok_or("string offset beyond the data")?;
        let len = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or("string without its NUL")?;
        let s = std::str::from_utf8(&rest[..len]).map_err(|_| "string is not UTF-8".to_owned())?;
        Ok((s, offset + len + 1))
    }

    /// A string tag (`STRING`, or the first of an `I18NSTRING`/`STRING_ARRAY`).
    ///
    /// # Errors
    /// When the entry points outside the data or has another type.
    pub fn string(&self, tag: u32) -> Result<Option<&'a str>, String> {
        let Some(e) = self.entry(tag) else {
            return Ok(None);
        };
        match e.ty {
            STRING | I18NSTRING | STRING_ARRAY => self
                .str_at(e.offset)
                .map(|(s, _)| Some(s))
                .map_err(|m| format!("tag {tag}: {m}")),
            ty => Err(format!("tag {tag}: type {ty} is not a string")),
        }
    }

    /// A `STRING_ARRAY` tag.
    ///
    /// # Errors
    /// When the entry points outside the data, counts more strings than bytes, or has
    /// another type.
    pub fn strings(&self, tag: u32) -> Result<Vec<&'a str>, String> {
        let Some(e) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        if e.ty != STRING_ARRAY {
            return Err(format!("tag {tag}: type {} is not a string array", e.ty));
        }
        if e.count > self.store.len() {
            return Err(format!(
                "tag {tag}: {} strings in {} bytes",
                e.count,
                self.store.len()
            ));
        }
        let mut out = Vec::with_capacity(e.count.min(4096));
        let mut at = e.offset;
        for _ in 0..e.count {
            let (s, next) = self.str_at(at).map_err(|m| format!("tag {tag}: {m}"))?;
            out.push(s);
            at = next;
        }
        Ok(out)
    }

    /// An `INT32` array tag.
    ///
    /// # Errors
    /// When the entry points outside the data or has another type.
    pub fn int32s(&self, tag: u32) -> Result<Vec<u32>, String> {
        let Some(e) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        if e.ty != INT32 {
            return Err(format!("tag {tag}: type {} is not int32", e.ty));
        }
        let len = e.count.checked_mul(4).ok_or("count overflows")?;
        let end = e.offset.checked_add(len).ok_or("offset overflows")?;
        let bytes = self.store.get(e.offset..end).ok_or_else(|| {
            format!(
                "tag {tag}: {} int32 at {} beyond the data",
                e.count, e.offset
            )
        })?;
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// The files the package owns, absolute.
    ///
    /// # Errors
    /// When a directory index points past `DIRNAMES` or a tag is broken.
    pub fn files(&self) -> Result<Vec<String>, String> {
        let base = self.strings(BASENAMES)?;
        if base.is_empty() {
            return Ok(self
                .strings(OLDFILENAMES)?
                .into_iter()
                .map(str::to_owned)
                .collect());
        }
        let dirs = self.strings(DIRNAMES)?;
        let idx = self.int32s(DIRINDEXES)?;
        if idx.len() != base.len() {
            return Err(format!(
                "{} basenames but {} dir indexes",
                base.len(),
                idx.len()
            ));
        }
        // Dirnames are shared: the paths may be longer than the store, but not without
        // bound (a hostile header pointing every basename at one huge dirname).
        let budget = self.store.len().saturating_mul(32).saturating_add(1 << 20);
        let mut used = 0usize;
        let mut out = Vec::with_capacity(base.len());
        for (b, i) in base.iter().zip(idx) {
            let d = dirs
                .get(i as usize)
                .ok_or_else(|| format!("dir index {i} beyond {} dirnames", dirs.len()))?;
            used = used.saturating_add(d.len() + b.len());
            if used > budget {
                return Err(format!("file paths exceed {budget} bytes"));
            }
            out.push(format!("{d}{b}"));
        }
        Ok(out)
    }
}

/// `name-version-release.src.rpm` → (name, version-release).
#[must_use]
pub fn split_source_rpm(s: &str) -> Option<(&str, &str)> {
    let stem = s
        .strip_suffix(".src.rpm")
        .or_else(|| s.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = stem.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    if name.is_empty() {
        return None;
    }
    Some((name, &stem[name.len() + 1..]))
}

fn package(path: &str, h: &Header<'_>) -> Result<Option<Package>, String> {
    let name = h.string(NAME)?.ok_or("no NAME")?;
    if name == "gpg-pubkey" {
        return Ok(None);
    }
    let version = h.string(VERSION)?.ok_or("no VERSION")?;
    let release = h.string(RELEASE)?.unwrap_or("");
    let epoch = h.int32s(EPOCH)?.first().copied();
    let arch = h.string(ARCH)?.filter(|a| !a.is_empty());
    let vr = if release.is_empty() {
        version.to_owned()
    } else {
        format!("{version}-{release}")
    };
    let full = match epoch {
        Some(e) => format!("{e}:{vr}"),
        None => vr.clone(),
    };
    // A broken VENDOR tag only loses the guess.
    let (kind, namespace) = vendor_family(h.string(VENDOR).ok().flatten().unwrap_or(""));
    let mut p = os_package(name, &full, Ecosystem::new(kind), PackageManager::Rpm, path);
    p.epoch = epoch;
    p.release = (!release.is_empty()).then(|| release.to_owned());
    p.arch = arch.map(str::to_owned);
    if let Some((sname, sver)) = h.string(SOURCERPM)?.and_then(split_source_rpm) {
        p.source_name = Some(sname.to_owned());
        if sver != vr {
            p.source_version = Some(sver.to_owned());
        }
    }
    p.licenses = h
        .string(LICENSE)?
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .into_iter()
        .collect();
    let epoch_s = epoch.map(|e| e.to_string()).unwrap_or_default();
    p.purl = Some(purl(
        "rpm",
        namespace,
        name,
        &vr,
        &[("arch", arch.unwrap_or("")), ("epoch", &epoch_s)],
    ));
    Ok(Some(p))
}

/// The rpm family and purl namespace a `VENDOR` names (`Red Hat` when unknown).
fn vendor_family(vendor: &str) -> (EcosystemKind, &'static str) {
    let v = vendor.to_ascii_lowercase();
    let table: &[(&str, EcosystemKind, &str)] = &[
        ("suse", EcosystemKind::Suse, "suse"),
        ("microsoft", EcosystemKind::AzureLinux, "azurelinux"),
        ("amazon", EcosystemKind::AmazonLinux, "amzn"),
        ("almalinux", EcosystemKind::AlmaLinux, "almalinux"),
        ("rocky", EcosystemKind::RockyLinux, "rocky"),
        ("oracle", EcosystemKind::OracleLinux, "oracle"),
        ("fedora", EcosystemKind::Fedora, "fedora"),
        ("centos", EcosystemKind::CentOs, "centos"),
        ("vmware", EcosystemKind::PhotonOs, "photon"),
        ("openeuler", EcosystemKind::OpenEuler, "openeuler"),
    ];
    table
        .iter()
        .find(|(k, _, _)| v.contains(k))
        .map_or((EcosystemKind::RedHat, "redhat"), |(_, kind, ns)| {
            (kind.clone(), *ns)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_rpm() {
        assert_eq!(
            split_source_rpm("gcc12-12.2.1+git416-150000.1.5.1.src.rpm"),
            Some(("gcc12", "12.2.1+git416-150000.1.5.1"))
        );
        assert_eq!(split_source_rpm("x.src.rpm"), None);
    }

    #[test]
    fn header_bounds() {
        assert!(Header::parse(&[]).is_err());
        assert!(Header::parse(&[0, 0, 0, 1, 0, 0, 0, 0]).is_err());
        // One entry, NAME string at offset 100 of a 4-byte store.
        let mut b = vec![0, 0, 0, 1, 0, 0, 0, 4];
        for v in [NAME, STRING, 100, 1] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.extend_from_slice(b"abc\0");
        let h = Header::parse(&b).expect("well-formed index");
        assert!(h.string(NAME).is_err());
    }
}
