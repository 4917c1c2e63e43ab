//! The database file layout (schema 1). All integers are little-endian.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "SCRYVDB\0"
//! 8       4     schema version (1)
//! 12      4     number of sections N
//! 16      8     total file length in bytes (detects truncation)
//! 24      32*N  section table: kind u32, reserved u32, offset u64, length u64, xxh3-64 u64
//! 24+32N  8     xxh3-64 of bytes 0 .. 24+32N (the header checksum)
//! ...           sections, in any order
//! ```
//!
//! Sections (see [`SectionKind`]): `META` (JSON), `PACKAGES` (the (ecosystem, name) →
//! advisories index), `ADVISORIES` (id → block and place, sorted by id), `BLOCK_TABLE`
//! (offset, sizes and checksum of each compressed block), `BLOCKS` (zstd blocks of
//! newline-separated compact JSON records), `GROUPS` (alias groups), `KEV` (JSON) and
//! `EPSS` (fixed-size rows sorted by CVE).
//!
//! Fixed-size rows:
//! - `PACKAGES`: `u32 N`, N × (key offset u32, key length u32, first posting u32,
//!   posting count u32), then the postings, 16 bytes each (advisory ordinal u32, block
//!   u32, offset in block u32, length u32: where the record's *match view* for that key
//!   is stored), then the key bytes `family \0 name \0 release` sorted bytewise.
//!   A match view is the record with `affected` narrowed to the key's entries and the
//!   long text left out; views are stored in key order after the full records' blocks.
//! - `ADVISORIES`: `u32 N`, N × (id offset u32, id length u32, block u32, offset in
//!   block u32, length u32, flags u32 (bit 0 withdrawn), group u32, source u32), then the
//!   id bytes. Ordinal = row number; rows are sorted by id.
//! - `BLOCK_TABLE`: `u32 N`, N × (offset in `BLOCKS` u64, compressed length u32,
//!   uncompressed length u32, xxh3-64 of the compressed bytes u64).
//! - `GROUPS`: `u32 N`, N × (offset u32, length u32) into a blob of ids joined by `\n`,
//!   the group's chosen id first.
//! - `EPSS`: `u32 N`, N × (CVE year u16, reserved u16, CVE number u32, probability f32,
//!   percentile f32), sorted by (year, number).

use xxhash_rust::xxh3::xxh3_64;

/// The magic bytes that open every database file.
pub const MAGIC: &[u8; 8] = b"SCRYVDB\0";
/// The schema this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;
/// Bytes before the section table.
pub const FIXED_HEADER: usize = 24;
/// Bytes per section-table row.
pub const SECTION_ROW: usize = 32;

/// The sections of a database file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum SectionKind {
    Meta = 1,
    Packages = 2,
    Advisories = 3,
    BlockTable = 4,
    Blocks = 5,
    Groups = 6,
    Kev = 7,
    Epss = 8,
}

impl SectionKind {
    /// Every kind, in file order.
    pub const ALL: [Self; 8] = [
        Self::Meta,
        Self::Packages,
        Self::Advisories,
        Self::BlockTable,
        Self::Blocks,
        Self::Groups,
        Self::Kev,
        Self::Epss,
    ];

    /// The position of this kind in [`SectionKind::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize - 1
    }

    pub(crate) fn from_u32(v: u32) -> Option<Self> {
        Self::ALL.into_iter().find(|k| *k as u32 == v)
    }
}

/// One row of the section table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionEntry {
    pub kind: SectionKind,
    pub offset: u64,
    pub len: u64,
    pub checksum: u64,
}

/// The decoded header.
#[derive(Debug, Clone)]
pub struct Header {
    pub schema: u32,
    pub file_len: u64,
    pub sections: Vec<SectionEntry>,
}

impl Header {
    /// The header's size in bytes for `n` sections.
    #[must_use]
    pub fn size(n: usize) -> usize {
        FIXED_HEADER + SECTION_ROW * n + 8
    }

    /// Encodes the header, checksum included.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::size(self.sections.len()));
        out.extend_from_slice(MAGIC);
        put_u32(&mut out, self.schema);
        put_u32(
            &mut out,
            u32::try_from(self.sections.len()).unwrap_or(u32::MAX),
        );
        put_u64(&mut out, self.file_len);
        for s in &self.sections {
            put_u32(&mut out, s.kind as u32);
            put_u32(&mut out, 0);
            put_u64(&mut out, s.offset);
            put_u64(&mut out, s.len);
            put_u64(&mut out, s.checksum);
        }
        let sum = xxh3_64(&out);
        put_u64(&mut out, sum);
        out
    }

    /// The number of sections named by a fixed header, to know how much more to read.
    ///
    /// # Errors
    /// When the magic is wrong or the count absurd.
    pub fn section_count(fixed: &[u8]) -> Result<usize, String> {
        if fixed.len() < FIXED_HEADER || &fixed[..8] != MAGIC {
            return Err("not a scry advisory database (bad magic)".into());
        }
        let n = read_u32(fixed, 12).ok_or("short header")? as usize;
        if n > 64 {
            return Err(format!("header names {n} sections"));
        }
        Ok(n)
    }

    /// Decodes and verifies a whole header (fixed part, table and checksum).
    ///
    /// # Errors
    /// A reason when the magic, checksum or table is wrong. The schema version is
    /// returned as found; the caller decides whether it can read it.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let n = Self::section_count(bytes)?;
        let size = Self::size(n);
        if bytes.len() < size {
            return Err("truncated header".into());
        }
        let body = &bytes[..size - 8];
        let stored = read_u64(bytes, size - 8).ok_or("truncated header")?;
        if xxh3_64(body) != stored {
            return Err("header checksum mismatch".into());
        }
        let schema = read_u32(bytes, 8).ok_or("truncated header")?;
        let file_len = read_u64(bytes, 16).ok_or("truncated header")?;
        let mut sections = Vec::with_capacity(n);
        for i in 0..n {
            let at = FIXED_HEADER + i * SECTION_ROW;
            let raw_kind = read_u32(bytes, at).ok_or("truncated header")?;
            let Some(kind) = SectionKind::from_u32(raw_kind) else {
                continue; // a newer writer's extra section: ignore it
            };
            sections.push(SectionEntry {
                kind,
                offset: read_u64(bytes, at + 8).ok_or("truncated header")?,
                len: read_u64(bytes, at + 16).ok_or("truncated header")?,
                checksum: read_u64(bytes, at + 24).ok_or("truncated header")?,
            });
        }
        Ok(Self {
            schema,
            file_len,
            sections,
        })
    }
}

pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_f32(out: &mut Vec<u8>, v: f32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
pub(crate) fn read_u32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
pub(crate) fn read_u64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}
pub(crate) fn read_f32(b: &[u8], at: usize) -> Option<f32> {
    Some(f32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Splits `CVE-2021-44228` into (2021, 44228).
#[must_use]
pub fn cve_key(cve: &str) -> Option<(u16, u32)> {
    let rest = cve.strip_prefix("CVE-")?;
    let (year, num) = rest.split_once('-')?;
    Some((year.parse().ok()?, num.parse().ok()?))
}
