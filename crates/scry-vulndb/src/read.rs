use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use scry_core::Ecosystem;
use scry_osv::Record;

use crate::build::{Meta, SourceInfo, package_key};
use crate::error::DbError;
use crate::format::{
    FIXED_HEADER, Header, SCHEMA_VERSION, SectionEntry, SectionKind, cve_key, read_f32, read_u16,
    read_u32, read_u64,
};
use crate::view::MatchView;

/// A CISA KEV catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KevEntry {
    pub cve: String,
    pub vendor_project: String,
    pub product: String,
    pub vulnerability_name: String,
    pub date_added: String,
    pub due_date: String,
    pub known_ransomware_campaign_use: String,
    pub short_description: String,
}

/// An EPSS score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EpssScore {
    /// Probability of exploitation activity in the next 30 days, 0..1.
    pub probability: f32,
    /// Percentile among all scored CVEs, 0..1.
    pub percentile: f32,
}

/// An alias group: the chosen id (the CVE when there is one) and every id of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasGroup {
    pub id: String,
    pub members: Vec<String>,
}

/// What `scry db status` prints.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    pub path: PathBuf,
    pub schema_version: u32,
    pub size_bytes: u64,
    pub built_at: String,
    pub scry_version: String,
    /// Distinct non-withdrawn advisories.
    pub total: u64,
    pub withdrawn: u64,
    /// Non-withdrawn advisories affecting a package of each ecosystem, as records spell it.
    pub ecosystems: std::collections::BTreeMap<String, u64>,
    pub newest_modified: Option<String>,
    pub sources: Vec<SourceInfo>,
    pub kev_catalog: Option<String>,
    pub kev: u64,
    pub epss_date: Option<String>,
    pub epss: u64,
    pub alias_groups: u64,
}

/// A CVE id as (year, number).
pub(crate) type CveKey = (u16, u32);

const ADV_ROW: usize = 32;
const PKG_ROW: usize = 16;
const POSTING_ROW: usize = 16;
const BLOCK_ROW: usize = 24;
const GROUP_ROW: usize = 8;
const EPSS_ROW: usize = 16;
const BLOCK_CACHE: usize = 128;
/// EPSS look-ups answered with positioned reads before the whole section is loaded: a
/// `db query` needs a few scores, a scan hundreds (each positioned look-up costs about
/// twenty reads; loading the section costs about as much as a hundred look-ups).
const EPSS_POSITIONED: u32 = 64;

/// Where a section is and, once read and checked, its bytes.
type SectionSlot = (SectionEntry, OnceLock<Vec<u8>>);

/// An open advisory database. Cheap to open: only the header is read; sections load on
/// first use and record blocks one at a time. Safe to share between threads.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    file: File,
    header: Header,
    /// Indexed by [`SectionKind`] (kind − 1): looked up on every id comparison, so no
    /// hashing.
    sections: [SectionSlot; SectionKind::ALL.len()],
    meta: OnceLock<Meta>,
    kev: OnceLock<HashMap<String, KevEntry>>,
    blocks: Mutex<Vec<(u32, Arc<Vec<u8>>)>>,
    /// Idle zstd decompression contexts: making one costs about as much as decompressing
    /// a small block, so they are reused (one per thread decompressing at once).
    decoders: Decoders,
    /// EPSS look-ups made with positioned reads (see [`EPSS_POSITIONED`]).
    epss_lookups: AtomicU32,
}

/// Idle zstd decompression contexts.
#[derive(Default)]
struct Decoders(Mutex<Vec<zstd::bulk::Decompressor<'static>>>);

impl std::fmt::Debug for Decoders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Decoders")
    }
}

impl Database {
    /// Opens and checks the header of a database file.
    ///
    /// # Errors
    /// [`DbError::Missing`] when there is no file; [`DbError::Corrupt`] when the magic,
    /// header checksum or length is wrong (a truncated file); [`DbError::Schema`] for
    /// another schema version.
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DbError::Missing(path.to_path_buf()));
            }
            Err(e) => return Err(DbError::io(path, e)),
        };
        let actual_len = file.metadata().map_err(|e| DbError::io(path, e))?.len();
        let mut fixed = [0u8; FIXED_HEADER];
        file.read_exact_at(&mut fixed, 0)
            .map_err(|_| DbError::corrupt(path, "file is shorter than a header"))?;
        let n = Header::section_count(&fixed).map_err(|r| DbError::corrupt(path, r))?;
        let mut head = vec![0u8; Header::size(n)];
        file.read_exact_at(&mut head, 0)
            .map_err(|_| DbError::corrupt(path, "truncated header"))?;
        let header = Header::decode(&head).map_err(|r| DbError::corrupt(path, r))?;
        if header.schema != SCHEMA_VERSION {
            return Err(DbError::Schema {
                path: path.to_path_buf(),
                found: header.schema,
                expected: SCHEMA_VERSION,
            });
        }
        if header.file_len != actual_len {
            return Err(DbError::corrupt(
                path,
                format!(
                    "file is {actual_len} bytes, its header says {} (truncated or appended to)",
                    header.file_len
                ),
            ));
        }
        let mut sections: [Option<SectionSlot>; SectionKind::ALL.len()] = Default::default();
        for s in &header.sections {
            if s.offset
                .checked_add(s.len)
                .is_none_or(|end| end > actual_len)
            {
                return Err(DbError::corrupt(
                    path,
                    format!("section {:?} lies beyond the end of the file", s.kind),
                ));
            }
            sections[s.kind.index()] = Some((*s, OnceLock::new()));
        }
        if let Some(kind) = SectionKind::ALL
            .into_iter()
            .find(|k| sections[k.index()].is_none())
        {
            return Err(DbError::corrupt(
                path,
                format!("section {kind:?} is missing"),
            ));
        }
        // Every slot is filled (checked just above); the placeholder is never used.
        let sections = SectionKind::ALL.map(|kind| {
            sections[kind.index()].take().unwrap_or_else(|| {
                let empty = SectionEntry {
                    kind,
                    offset: 0,
                    len: 0,
                    checksum: 0,
                };
                (empty, OnceLock::new())
            })
        });
        Ok(Self {
            path: path.to_path_buf(),
            file,
            header,
            sections,
            meta: OnceLock::new(),
            kev: OnceLock::new(),
            blocks: Mutex::new(Vec::new()),
            decoders: Decoders::default(),
            epss_lookups: AtomicU32::new(0),
        })
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn entry(&self, kind: SectionKind) -> &SectionEntry {
        &self.sections[kind.index()].0
    }

    fn section(&self, kind: SectionKind) -> Result<&[u8], DbError> {
        let (entry, cell) = &self.sections[kind.index()];
        if let Some(bytes) = cell.get() {
            return Ok(bytes);
        }
        let len = usize::try_from(entry.len)
            .map_err(|_| DbError::corrupt(&self.path, "section too large"))?;
        let mut buf = vec![0u8; len];
        self.file
            .read_exact_at(&mut buf, entry.offset)
            .map_err(|e| DbError::io(&self.path, e))?;
        if xxh3_64(&buf) != entry.checksum {
            return Err(DbError::corrupt(
                &self.path,
                format!("section {kind:?} checksum mismatch"),
            ));
        }
        Ok(cell.get_or_init(|| buf))
    }

    pub(crate) fn meta(&self) -> Result<&Meta, DbError> {
        if let Some(m) = self.meta.get() {
            return Ok(m);
        }
        let bytes = self.section(SectionKind::Meta)?;
        let meta: Meta = serde_json::from_slice(bytes)
            .map_err(|e| DbError::corrupt(&self.path, format!("META section: {e}")))?;
        Ok(self.meta.get_or_init(|| meta))
    }

    /// The numbers `scry db status` shows.
    ///
    /// # Errors
    /// When the META section is damaged.
    pub fn status(&self) -> Result<Status, DbError> {
        let m = self.meta()?;
        Ok(Status {
            path: self.path.clone(),
            schema_version: self.header.schema,
            size_bytes: self.header.file_len,
            built_at: m.built_at.clone(),
            scry_version: m.scry_version.clone(),
            total: m.total,
            withdrawn: m.withdrawn,
            ecosystems: m.ecosystems.clone(),
            newest_modified: m.newest_modified.clone(),
            sources: m.sources.clone(),
            kev_catalog: m.kev_catalog.clone(),
            kev: m.kev_count,
            epss_date: m.epss_date.clone(),
            epss: m.epss_count,
            alias_groups: m.alias_groups,
        })
    }

    /// When the database was built (RFC 3339).
    ///
    /// # Errors
    /// When the META section is damaged.
    pub fn built_at(&self) -> Result<String, DbError> {
        Ok(self.meta()?.built_at.clone())
    }

    /// Advisories (withdrawn ones excluded) affecting package `name` of `ecosystem`.
    ///
    /// With a release (`Debian:12`), records for that release and records for the family
    /// without a release are returned; without a release (`PyPI`), records of every
    /// release of the family are returned. Names are compared in their normalised form
    /// ([`crate::normalize_name`]).
    ///
    /// # Errors
    /// When a section or block is damaged.
    ///
    /// Each record comes as its *match view*: `affected` narrowed to this package's
    /// entries (of the matching releases), without `details`, `references`, `credits`
    /// and distribution statuses. [`Database::get`] returns the whole record.
    pub fn lookup(&self, ecosystem: &Ecosystem, name: &str) -> Result<Vec<Record>, DbError> {
        let views = self.views(ecosystem, name, |bytes| {
            scry_osv::parse_record(bytes).map_err(|e| e.to_string())
        })?;
        Ok(views.into_iter().map(|(_, r)| r).collect())
    }

    /// [`Database::lookup`] with each view's record ordinal (for [`Database::record_at`]),
    /// decoded as matching reads it ([`MatchView`]). A
    /// record affecting several releases of the package gives one view per release, merged
    /// here into one.
    ///
    /// # Errors
    /// When a section or block is damaged.
    pub fn lookup_views(
        &self,
        ecosystem: &Ecosystem,
        name: &str,
    ) -> Result<Vec<(u32, MatchView)>, DbError> {
        self.views(ecosystem, name, |bytes| {
            serde_json::from_slice(bytes).map_err(|e| e.to_string())
        })
    }

    /// The views a lookup selects, each decoded by `decode`, one per record (the entries
    /// of a record's several views merged), in ordinal order.
    fn views<T: HasAffected>(
        &self,
        ecosystem: &Ecosystem,
        name: &str,
        decode: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<Vec<(u32, T)>, DbError> {
        let mut out: Vec<(u32, T)> = Vec::new();
        for (ordinal, block, off, len) in self.postings(ecosystem, name)? {
            let data = self.block(block)?;
            let bytes = data
                .get(off as usize..off as usize + len as usize)
                .ok_or_else(|| self.bad("PACKAGES"))?;
            let view = decode(bytes).map_err(|reason| DbError::Record {
                path: self.path.clone(),
                id: self.id_at(ordinal).unwrap_or("?").to_owned(),
                reason,
            })?;
            match out.iter_mut().find(|(o, _)| *o == ordinal) {
                Some((_, merged)) => merged.affected_mut().extend(view.into_affected()),
                None => out.push((ordinal, view)),
            }
        }
        out.sort_by_key(|(o, _)| *o);
        Ok(out)
    }

    /// The ordinals [`Database::lookup`] would read.
    ///
    /// # Errors
    /// When the PACKAGES section is damaged.
    pub fn lookup_ordinals(&self, ecosystem: &Ecosystem, name: &str) -> Result<Vec<u32>, DbError> {
        let mut out: Vec<u32> = self
            .postings(ecosystem, name)?
            .into_iter()
            .map(|(o, ..)| o)
            .collect();
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The postings (ordinal, block, offset, length) of the keys a lookup selects.
    fn postings(
        &self,
        ecosystem: &Ecosystem,
        name: &str,
    ) -> Result<Vec<(u32, u32, u32, u32)>, DbError> {
        let pkg = self.section(SectionKind::Packages)?;
        let bad = || DbError::corrupt(&self.path, "PACKAGES section is malformed");
        let n = read_u32(pkg, 0).ok_or_else(bad)? as usize;
        let rows = 4;
        let postings = rows + n * PKG_ROW;
        let total_postings: usize = if n == 0 {
            0
        } else {
            let last = rows + (n - 1) * PKG_ROW;
            (read_u32(pkg, last + 8).ok_or_else(bad)? + read_u32(pkg, last + 12).ok_or_else(bad)?)
                as usize
        };
        let keys = postings + total_postings * POSTING_ROW;
        let key_at = |i: usize| -> Option<&[u8]> {
            let row = rows + i * PKG_ROW;
            let off = read_u32(pkg, row)? as usize;
            let len = read_u32(pkg, row + 4)? as usize;
            pkg.get(keys + off..keys + off + len)
        };
        // Prefix `family \0 name \0`; every release of the package follows it.
        let full = package_key(ecosystem, name);
        let prefix_len = full.len() - ecosystem.release().map_or(0, str::len);
        let prefix = &full[..prefix_len];
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if key_at(mid).ok_or_else(bad)? < prefix {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut out = Vec::new();
        let mut i = lo;
        while i < n {
            let key = key_at(i).ok_or_else(bad)?;
            if !key.starts_with(prefix) {
                break;
            }
            let release = &key[prefix_len..];
            let wanted = match ecosystem.release() {
                Some(r) => release.is_empty() || release == r.as_bytes(),
                None => true,
            };
            if wanted {
                let row = rows + i * PKG_ROW;
                let first = read_u32(pkg, row + 8).ok_or_else(bad)? as usize;
                let count = read_u32(pkg, row + 12).ok_or_else(bad)? as usize;
                for p in first..first + count {
                    let at = postings + p * POSTING_ROW;
                    let field = |k: usize| read_u32(pkg, at + k * 4).ok_or_else(bad);
                    out.push((field(0)?, field(1)?, field(2)?, field(3)?));
                }
            }
            i += 1;
        }
        Ok(out)
    }

    /// The record with this id, withdrawn or not.
    ///
    /// # Errors
    /// When a section or block is damaged.
    pub fn get(&self, id: &str) -> Result<Option<Record>, DbError> {
        match self.ordinal_of(id)? {
            Some(o) => self.record_at(o).map(Some),
            None => Ok(None),
        }
    }

    fn adv_row(&self, ordinal: u32) -> Result<(&[u8], usize, usize), DbError> {
        let adv = self.section(SectionKind::Advisories)?;
        let n = read_u32(adv, 0).ok_or_else(|| self.bad("ADVISORIES"))? as usize;
        if ordinal as usize >= n {
            return Err(self.bad("ADVISORIES"));
        }
        Ok((adv, 4 + ordinal as usize * ADV_ROW, 4 + n * ADV_ROW))
    }

    fn bad(&self, what: &str) -> DbError {
        DbError::corrupt(&self.path, format!("{what} section is malformed"))
    }

    fn id_at(&self, ordinal: u32) -> Result<&str, DbError> {
        std::str::from_utf8(self.id_bytes_at(ordinal)?).map_err(|_| self.bad("ADVISORIES"))
    }

    /// The id bytes of an ordinal, unchecked as text: ids are compared bytewise (which
    /// orders UTF-8 like `str` does) in the binary search.
    fn id_bytes_at(&self, ordinal: u32) -> Result<&[u8], DbError> {
        let (adv, row, ids) = self.adv_row(ordinal)?;
        let off = read_u32(adv, row).ok_or_else(|| self.bad("ADVISORIES"))? as usize;
        let len = read_u32(adv, row + 4).ok_or_else(|| self.bad("ADVISORIES"))? as usize;
        adv.get(ids + off..ids + off + len)
            .ok_or_else(|| self.bad("ADVISORIES"))
    }

    /// The ordinal of the record with this id (for [`Database::record_at`]), withdrawn
    /// or not: lets a caller decode each record once and keep it by ordinal.
    ///
    /// # Errors
    /// When the ADVISORIES section is damaged.
    pub fn ordinal(&self, id: &str) -> Result<Option<u32>, DbError> {
        self.ordinal_of(id)
    }

    fn ordinal_of(&self, id: &str) -> Result<Option<u32>, DbError> {
        let adv = self.section(SectionKind::Advisories)?;
        let n = read_u32(adv, 0).ok_or_else(|| self.bad("ADVISORIES"))?;
        let (mut lo, mut hi) = (0u32, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id_bytes_at(mid)?.cmp(id.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(Some(mid)),
            }
        }
        Ok(None)
    }

    /// Number of records stored (withdrawn ones included).
    ///
    /// # Errors
    /// When the ADVISORIES section is damaged.
    pub fn record_count(&self) -> Result<u32, DbError> {
        let adv = self.section(SectionKind::Advisories)?;
        read_u32(adv, 0).ok_or_else(|| self.bad("ADVISORIES"))
    }

    /// Reads the record at an ordinal.
    ///
    /// # Errors
    /// When its block is damaged or the record does not decode.
    pub fn record_at(&self, ordinal: u32) -> Result<Record, DbError> {
        let (data, range) = self.record_bytes(ordinal)?;
        scry_osv::parse_record(&data[range]).map_err(|e| self.bad_record(ordinal, &e))
    }

    /// Decodes the record at an ordinal into `T`, a caller's subset of the OSV fields:
    /// the JSON of the fields `T` leaves out is checked and skipped, not built (findings
    /// show a few fields of records listing hundreds of versions).
    ///
    /// # Errors
    /// When its block is damaged or the record does not decode into `T`.
    pub fn record_at_as<T: serde::de::DeserializeOwned>(&self, ordinal: u32) -> Result<T, DbError> {
        let (data, range) = self.record_bytes(ordinal)?;
        serde_json::from_slice(&data[range]).map_err(|e| self.bad_record(ordinal, &e))
    }

    /// The block holding a record and where the record lies in it.
    fn record_bytes(
        &self,
        ordinal: u32,
    ) -> Result<(Arc<Vec<u8>>, std::ops::Range<usize>), DbError> {
        let (adv, row, _) = self.adv_row(ordinal)?;
        let field = |k: usize| read_u32(adv, row + k * 4).ok_or_else(|| self.bad("ADVISORIES"));
        let (block, off, len) = (field(2)?, field(3)? as usize, field(4)? as usize);
        let data = self.block(block)?;
        if data.get(off..off + len).is_none() {
            return Err(self.bad("ADVISORIES"));
        }
        Ok((data, off..off + len))
    }

    fn bad_record(&self, ordinal: u32, reason: &impl std::fmt::Display) -> DbError {
        DbError::Record {
            path: self.path.clone(),
            id: self.id_at(ordinal).unwrap_or("?").to_owned(),
            reason: reason.to_string(),
        }
    }

    fn block(&self, index: u32) -> Result<Arc<Vec<u8>>, DbError> {
        if let Ok(cache) = self.blocks.lock()
            && let Some((_, b)) = cache.iter().find(|(i, _)| *i == index)
        {
            return Ok(b.clone());
        }
        let table = self.section(SectionKind::BlockTable)?;
        let n = read_u32(table, 0).ok_or_else(|| self.bad("BLOCK_TABLE"))?;
        if index >= n {
            return Err(self.bad("BLOCK_TABLE"));
        }
        let row = 4 + index as usize * BLOCK_ROW;
        let off = read_u64(table, row).ok_or_else(|| self.bad("BLOCK_TABLE"))?;
        let clen = read_u32(table, row + 8).ok_or_else(|| self.bad("BLOCK_TABLE"))? as usize;
        let ulen = read_u32(table, row + 12).ok_or_else(|| self.bad("BLOCK_TABLE"))? as usize;
        let sum = read_u64(table, row + 16).ok_or_else(|| self.bad("BLOCK_TABLE"))?;
        let blocks = self.entry(SectionKind::Blocks);
        if off + clen as u64 > blocks.len {
            return Err(self.bad("BLOCK_TABLE"));
        }
        let mut compressed = vec![0u8; clen];
        self.file
            .read_exact_at(&mut compressed, blocks.offset + off)
            .map_err(|e| DbError::io(&self.path, e))?;
        if xxh3_64(&compressed) != sum {
            return Err(DbError::corrupt(
                &self.path,
                format!("record block {index} checksum mismatch"),
            ));
        }
        let data = self.decompress(&compressed, ulen).map_err(|e| {
            DbError::corrupt(
                &self.path,
                format!("record block {index} does not decompress: {e}"),
            )
        })?;
        let data = Arc::new(data);
        if let Ok(mut cache) = self.blocks.lock() {
            if cache.len() >= BLOCK_CACHE {
                cache.remove(0);
            }
            cache.push((index, data.clone()));
        }
        Ok(data)
    }

    /// Decompresses one block with an idle decompression context (or a new one).
    fn decompress(&self, compressed: &[u8], ulen: usize) -> std::io::Result<Vec<u8>> {
        let idle = self.decoders.0.lock().ok().and_then(|mut d| d.pop());
        let mut decoder = match idle {
            Some(d) => d,
            None => zstd::bulk::Decompressor::new()?,
        };
        let data = decoder.decompress(compressed, ulen)?;
        if let Ok(mut d) = self.decoders.0.lock() {
            d.push(decoder);
        }
        Ok(data)
    }

    /// Every record with the number of the source it came from.
    ///
    /// # Errors
    /// When any block is damaged.
    pub fn all_records(&self) -> Result<Vec<(Record, u32)>, DbError> {
        let n = self.record_count()?;
        let mut out = Vec::with_capacity(n as usize);
        for o in 0..n {
            let (adv, row, _) = self.adv_row(o)?;
            let source = read_u32(adv, row + 28).ok_or_else(|| self.bad("ADVISORIES"))?;
            out.push((self.record_at(o)?, source));
        }
        Ok(out)
    }

    /// The alias group of an id (a record id or an alias of one).
    ///
    /// # Errors
    /// When a section is damaged.
    pub fn alias_group(&self, id: &str) -> Result<Option<AliasGroup>, DbError> {
        let group = match self.ordinal_of(id)? {
            Some(o) => {
                let (adv, row, _) = self.adv_row(o)?;
                read_u32(adv, row + 24).ok_or_else(|| self.bad("ADVISORIES"))?
            }
            None => return Ok(None),
        };
        self.group(group)
    }

    fn group(&self, group: u32) -> Result<Option<AliasGroup>, DbError> {
        if group == u32::MAX {
            return Ok(None);
        }
        let g = self.section(SectionKind::Groups)?;
        let n = read_u32(g, 0).ok_or_else(|| self.bad("GROUPS"))?;
        if group >= n {
            return Err(self.bad("GROUPS"));
        }
        let blob = 4 + n as usize * GROUP_ROW;
        let row = 4 + group as usize * GROUP_ROW;
        let off = read_u32(g, row).ok_or_else(|| self.bad("GROUPS"))? as usize;
        let len = read_u32(g, row + 4).ok_or_else(|| self.bad("GROUPS"))? as usize;
        let text = g
            .get(blob + off..blob + off + len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .ok_or_else(|| self.bad("GROUPS"))?;
        let members: Vec<String> = text.split('\n').map(str::to_owned).collect();
        Ok(Some(AliasGroup {
            id: members.first().cloned().unwrap_or_default(),
            members,
        }))
    }

    fn kev_map(&self) -> Result<&HashMap<String, KevEntry>, DbError> {
        if let Some(m) = self.kev.get() {
            return Ok(m);
        }
        let bytes = self.section(SectionKind::Kev)?;
        let list: Vec<KevEntry> = serde_json::from_slice(bytes)
            .map_err(|e| DbError::corrupt(&self.path, format!("KEV section: {e}")))?;
        Ok(self
            .kev
            .get_or_init(|| list.into_iter().map(|e| (e.cve.clone(), e)).collect()))
    }

    /// The KEV entry of a CVE, if CISA lists it as known exploited.
    ///
    /// # Errors
    /// When the KEV section is damaged.
    pub fn kev(&self, cve: &str) -> Result<Option<KevEntry>, DbError> {
        Ok(self.kev_map()?.get(cve).cloned())
    }

    pub(crate) fn kev_entries(&self) -> Result<Vec<KevEntry>, DbError> {
        Ok(self.kev_map()?.values().cloned().collect())
    }

    /// The EPSS score of a CVE.
    ///
    /// # Errors
    /// When the EPSS section is damaged.
    pub fn epss(&self, cve: &str) -> Result<Option<EpssScore>, DbError> {
        let Some(key) = cve_key(cve) else {
            return Ok(None);
        };
        if self.sections[SectionKind::Epss.index()].1.get().is_some()
            || self.epss_lookups.fetch_add(1, AtomicOrdering::Relaxed) >= EPSS_POSITIONED
        {
            return self.epss_loaded(cve, key);
        }
        // Binary search with small positioned reads: a query needs a few scores, and
        // loading the whole 5 MiB section would dominate start-up. (`verify` checks the
        // section's checksum as a whole.)
        let entry = self.entry(SectionKind::Epss);
        let read = |at: u64, buf: &mut [u8]| -> Result<(), DbError> {
            if at + buf.len() as u64 > entry.len {
                return Err(self.bad("EPSS"));
            }
            self.file
                .read_exact_at(buf, entry.offset + at)
                .map_err(|e| DbError::io(&self.path, e))
        };
        let mut head = [0u8; 4];
        read(0, &mut head)?;
        let n = u64::from(u32::from_le_bytes(head));
        if 4 + n * EPSS_ROW as u64 != entry.len {
            return Err(self.bad("EPSS"));
        }
        let (mut lo, mut hi) = (0u64, n);
        let mut row = [0u8; EPSS_ROW];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            read(4 + mid * EPSS_ROW as u64, &mut row)?;
            let k = (
                read_u16(&row, 0).ok_or_else(|| self.bad("EPSS"))?,
                read_u32(&row, 4).ok_or_else(|| self.bad("EPSS"))?,
            );
            match k.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.epss_row(cve, &row).map(Some),
            }
        }
        Ok(None)
    }

    /// [`Database::epss`] on the whole section, read (and its checksum checked) once.
    fn epss_loaded(&self, cve: &str, key: CveKey) -> Result<Option<EpssScore>, DbError> {
        let e = self.section(SectionKind::Epss)?;
        let n = read_u32(e, 0).ok_or_else(|| self.bad("EPSS"))? as usize;
        if 4 + n * EPSS_ROW != e.len() {
            return Err(self.bad("EPSS"));
        }
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let row = &e[4 + mid * EPSS_ROW..4 + (mid + 1) * EPSS_ROW];
            let k = (
                read_u16(row, 0).ok_or_else(|| self.bad("EPSS"))?,
                read_u32(row, 4).ok_or_else(|| self.bad("EPSS"))?,
            );
            match k.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.epss_row(cve, row).map(Some),
            }
        }
        Ok(None)
    }

    /// The score in an EPSS row, checked to be in range.
    fn epss_row(&self, cve: &str, row: &[u8]) -> Result<EpssScore, DbError> {
        let probability = read_f32(row, 8).ok_or_else(|| self.bad("EPSS"))?;
        let percentile = read_f32(row, 12).ok_or_else(|| self.bad("EPSS"))?;
        if !(0.0..=1.0).contains(&probability) || !(0.0..=1.0).contains(&percentile) {
            return Err(DbError::corrupt(
                &self.path,
                format!("EPSS row of {cve} is out of range"),
            ));
        }
        Ok(EpssScore {
            probability,
            percentile,
        })
    }

    pub(crate) fn epss_entries(&self) -> Result<Vec<(CveKey, EpssScore)>, DbError> {
        let e = self.section(SectionKind::Epss)?;
        let n = read_u32(e, 0).ok_or_else(|| self.bad("EPSS"))? as usize;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let row = 4 + i * EPSS_ROW;
            let get = || -> Option<((u16, u32), EpssScore)> {
                Some((
                    (read_u16(e, row)?, read_u32(e, row + 4)?),
                    EpssScore {
                        probability: read_f32(e, row + 8)?,
                        percentile: read_f32(e, row + 12)?,
                    },
                ))
            };
            out.push(get().ok_or_else(|| self.bad("EPSS"))?);
        }
        Ok(out)
    }

    /// Reads and checks every section and block: what `scry db verify` does.
    ///
    /// # Errors
    /// The first damage found.
    pub fn verify(&self) -> Result<u32, DbError> {
        for kind in SectionKind::ALL {
            if kind != SectionKind::Blocks {
                self.section(kind)?;
            }
        }
        let table = self.section(SectionKind::BlockTable)?;
        let blocks = read_u32(table, 0).ok_or_else(|| self.bad("BLOCK_TABLE"))?;
        for b in 0..blocks {
            self.block(b)?;
        }
        let n = self.record_count()?;
        for o in 0..n {
            self.record_at(o)?;
        }
        Ok(n)
    }
}

/// A decoded view whose affected entries can be merged with another view's.
trait HasAffected {
    fn affected_mut(&mut self) -> &mut Vec<scry_osv::Affected>;
    fn into_affected(self) -> Vec<scry_osv::Affected>;
}

impl HasAffected for Record {
    fn affected_mut(&mut self) -> &mut Vec<scry_osv::Affected> {
        &mut self.affected
    }
    fn into_affected(self) -> Vec<scry_osv::Affected> {
        self.affected
    }
}

impl HasAffected for MatchView {
    fn affected_mut(&mut self) -> &mut Vec<scry_osv::Affected> {
        &mut self.affected
    }
    fn into_affected(self) -> Vec<scry_osv::Affected> {
        self.affected
    }
}
