use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use xxhash_rust::xxh3::xxh3_64;

use scry_core::Ecosystem;
use scry_osv::Record;

use crate::aliases::group_aliases;
use crate::error::DbError;
use crate::format::{
    Header, SCHEMA_VERSION, SectionEntry, SectionKind, cve_key, put_f32, put_u16, put_u32, put_u64,
};
use crate::names::normalize_name;
use crate::read::{Database, EpssScore, KevEntry};

/// Uncompressed size at which a record block is closed.
const BLOCK_TARGET: usize = 64 * 1024;
/// zstd level for record blocks: a good ratio at a build speed of seconds.
const ZSTD_LEVEL: i32 = 9;

/// A source the database was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceInfo {
    /// A short name (the file name, or the URL).
    pub name: String,
    /// Where it was read from (path or URL).
    pub location: String,
    /// When it was imported (RFC 3339).
    pub imported_at: String,
    /// Records read from it (before merging).
    pub records: u64,
    /// Entries skipped as malformed.
    pub skipped: u64,
}

/// Collects records and enrichment, then writes a database file.
#[derive(Debug, Default)]
pub struct Builder {
    records: BTreeMap<String, (Record, u32)>,
    sources: Vec<SourceInfo>,
    kev: BTreeMap<String, KevEntry>,
    kev_catalog: Option<String>,
    epss: HashMap<(u16, u32), EpssScore>,
    epss_date: Option<String>,
}

/// What [`Builder::write`] did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildSummary {
    pub path: PathBuf,
    pub advisories: usize,
    pub withdrawn: usize,
    pub packages: usize,
    pub alias_groups: usize,
    pub kev: usize,
    pub epss: usize,
    pub bytes: u64,
}

/// The JSON `META` section.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Meta {
    pub(crate) built_at: String,
    pub(crate) scry_version: String,
    pub(crate) sources: Vec<SourceInfo>,
    pub(crate) total: u64,
    pub(crate) withdrawn: u64,
    pub(crate) ecosystems: BTreeMap<String, u64>,
    pub(crate) newest_modified: Option<String>,
    pub(crate) kev_catalog: Option<String>,
    pub(crate) kev_count: u64,
    pub(crate) epss_date: Option<String>,
    pub(crate) epss_count: u64,
    pub(crate) alias_groups: u64,
}

impl Builder {
    /// An empty builder.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder holding everything of an existing database, to merge new sources into.
    ///
    /// # Errors
    /// When the database cannot be read completely.
    pub fn from_database(db: &Database) -> Result<Self, DbError> {
        let mut b = Self::new();
        b.sources = db.meta()?.sources.clone();
        for (record, source) in db.all_records()? {
            b.records.insert(record.id.clone(), (record, source));
        }
        for entry in db.kev_entries()? {
            b.kev.insert(entry.cve.clone(), entry);
        }
        b.kev_catalog = db.meta()?.kev_catalog.clone();
        for (key, score) in db.epss_entries()? {
            b.epss.insert(key, score);
        }
        b.epss_date = db.meta()?.epss_date.clone();
        Ok(b)
    }

    /// Registers a source and returns its number, to pass to [`Builder::add_record`].
    /// A source of the same name replaces the earlier entry's statistics.
    ///
    /// Importing a source again replaces what it brought before: its earlier records are
    /// dropped, so an advisory the source no longer carries (or carries differently)
    /// does not linger.
    pub fn add_source(&mut self, name: &str, location: &str) -> u32 {
        let imported_at = now_rfc3339();
        if let Some(i) = self.sources.iter().position(|s| s.name == name) {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            self.records.retain(|_, (_, source)| *source != index);
            let s = &mut self.sources[i];
            s.location = location.to_owned();
            s.imported_at = imported_at;
            s.records = 0;
            s.skipped = 0;
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        self.sources.push(SourceInfo {
            name: name.to_owned(),
            location: location.to_owned(),
            imported_at,
            records: 0,
            skipped: 0,
        });
        u32::try_from(self.sources.len() - 1).unwrap_or(u32::MAX)
    }

    /// Counts a skipped entry against a source.
    pub fn note_skipped(&mut self, source: u32) {
        if let Some(s) = self.sources.get_mut(source as usize) {
            s.skipped += 1;
        }
    }

    /// Adds a record.
    ///
    /// When the same source already gave a record of this id (the Alpine secdb spreads
    /// one vulnerability over a file per branch), the two are merged
    /// ([`scry_feeds::merge_records`]). When another source gave it, the one with the
    /// newer `modified` stays; on a tie, the new one replaces the old.
    pub fn add_record(&mut self, record: Record, source: u32) {
        if let Some(s) = self.sources.get_mut(source as usize) {
            s.records += 1;
        }
        if let Some((old, old_source)) = self.records.get(&record.id) {
            if *old_source == source {
                let merged = scry_feeds::merge_records([old.clone(), record]);
                if let Some(one) = merged.into_iter().next() {
                    self.records.insert(one.id.clone(), (one, source));
                }
                return;
            }
            if newer(&old.modified, &record.modified) {
                return;
            }
        }
        self.records.insert(record.id.clone(), (record, source));
    }

    /// Forgets the most recently added source when it brought nothing (a folder whose
    /// loose files are only READMEs).
    pub fn drop_source_if_empty(&mut self, source: u32) {
        let last = self.sources.len().checked_sub(1);
        if last == Some(source as usize)
            && self
                .sources
                .get(source as usize)
                .is_some_and(|s| s.records == 0 && s.skipped == 0)
            && !self.records.values().any(|(_, s)| *s == source)
        {
            self.sources.pop();
        }
    }

    /// Replaces the KEV catalogue.
    pub fn set_kev(&mut self, catalog_version: Option<String>, entries: Vec<KevEntry>) {
        self.kev = entries.into_iter().map(|e| (e.cve.clone(), e)).collect();
        self.kev_catalog = catalog_version;
    }

    /// Replaces the EPSS scores.
    pub fn set_epss(
        &mut self,
        date: Option<String>,
        scores: impl IntoIterator<Item = (String, EpssScore)>,
    ) {
        self.epss = scores
            .into_iter()
            .filter_map(|(cve, s)| Some((cve_key(&cve)?, s)))
            .collect();
        self.epss_date = date;
    }

    /// Number of records held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record is held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Writes the database to `path` atomically: a temporary file in the same folder,
    /// synced, then renamed over `path`. Readers see the old file or the new one.
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write(self, path: &Path) -> Result<BuildSummary, DbError> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| DbError::io(dir, e))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("scry.db"),
            std::process::id()
        ));
        let result = self.write_to(&tmp, path);
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        let mut summary = result?;
        std::fs::rename(&tmp, path).map_err(|e| DbError::io(path, e))?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        summary.path = path.to_path_buf();
        Ok(summary)
    }

    fn write_to(self, tmp: &Path, final_path: &Path) -> Result<BuildSummary, DbError> {
        let Self {
            records,
            sources,
            kev,
            kev_catalog,
            epss,
            epss_date,
        } = self;

        // Ordinals follow id order (BTreeMap). Records are stored in blocks ordered by
        // their first package key, so one package's advisories sit in few blocks.
        let ids: Vec<&String> = records.keys().collect();
        let live: Vec<&Record> = records
            .values()
            .map(|(r, _)| r)
            .filter(|r| !r.is_withdrawn())
            .collect();
        let groups = group_aliases(live.iter().copied());

        // Package index: key → (ordinal, indexes of the record's affected entries for
        // that key) of non-withdrawn records.
        let mut packages: BTreeMap<Vec<u8>, BTreeMap<u32, Vec<usize>>> = BTreeMap::new();
        let mut first_key: Vec<Vec<u8>> = Vec::with_capacity(ids.len());
        let mut ecosystems: BTreeMap<String, u64> = BTreeMap::new();
        let mut newest: Option<String> = None;
        let mut withdrawn = 0u64;
        for (ordinal, (record, _)) in records.values().enumerate() {
            let ordinal = u32::try_from(ordinal).unwrap_or(u32::MAX);
            let mut first = None;
            if record.is_withdrawn() {
                withdrawn += 1;
            } else {
                let mut seen = BTreeSet::new();
                for (ai, affected) in record.affected.iter().enumerate() {
                    let Some(pkg) = &affected.package else {
                        continue;
                    };
                    let key = package_key(&pkg.ecosystem(), &pkg.name);
                    if first.is_none() {
                        first = Some(key.clone());
                    }
                    packages
                        .entry(key)
                        .or_default()
                        .entry(ordinal)
                        .or_default()
                        .push(ai);
                    seen.insert(pkg.ecosystem.clone());
                }
                for eco in seen {
                    *ecosystems.entry(eco).or_default() += 1;
                }
                if newest.as_ref().is_none_or(|n| newer(&record.modified, n)) {
                    newest = Some(record.modified.clone());
                }
            }
            first_key.push(first.unwrap_or_default());
        }

        // Blocks.
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by(|a, b| first_key[*a].cmp(&first_key[*b]).then(a.cmp(b)));
        let values: Vec<&(Record, u32)> = records.values().collect();
        let mut place = vec![(0u32, 0u32, 0u32); ids.len()];
        let mut blocks = BlockWriter::default();
        let to_json = |record: &Record, value: &Record| {
            serde_json::to_vec(value).map_err(|e| DbError::Record {
                path: final_path.to_path_buf(),
                id: record.id.clone(),
                reason: e.to_string(),
            })
        };
        for &i in &order {
            let (record, _) = values[i];
            place[i] = blocks.append(&to_json(record, record)?, tmp)?;
        }
        blocks.flush(tmp)?;

        // Match views: per package key, each record narrowed to that key's affected
        // entries, without the long text; stored in key order so that one lookup reads
        // one or two blocks and parses only small records.
        let mut slice_refs: Vec<(u32, u32, u32, u32)> = Vec::new();
        for entries in packages.values() {
            for (ordinal, idxs) in entries {
                let (record, _) = values[*ordinal as usize];
                let (block, off, len) =
                    blocks.append(&to_json(record, &match_view(record, idxs))?, tmp)?;
                slice_refs.push((*ordinal, block, off, len));
            }
        }
        blocks.flush(tmp)?;
        let BlockWriter {
            bytes: blocks_bytes,
            table: block_table,
            count: nblocks,
            ..
        } = blocks;
        let mut block_section = Vec::with_capacity(4 + block_table.len());
        put_u32(&mut block_section, nblocks);
        block_section.extend_from_slice(&block_table);

        // Advisory index.
        let id_to_group: HashMap<&str, u32> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, members)| {
                let g = u32::try_from(g).unwrap_or(u32::MAX);
                members.iter().map(move |m| (m.as_str(), g))
            })
            .collect();
        let mut adv = Vec::new();
        let mut adv_ids = Vec::new();
        put_u32(&mut adv, u32::try_from(ids.len()).unwrap_or(u32::MAX));
        for (i, id) in ids.iter().enumerate() {
            let (record, source) = values[i];
            let (block, off, len) = place[i];
            put_u32(&mut adv, u32::try_from(adv_ids.len()).unwrap_or(u32::MAX));
            put_u32(&mut adv, u32::try_from(id.len()).unwrap_or(u32::MAX));
            put_u32(&mut adv, block);
            put_u32(&mut adv, off);
            put_u32(&mut adv, len);
            put_u32(&mut adv, u32::from(record.is_withdrawn()));
            put_u32(
                &mut adv,
                id_to_group.get(id.as_str()).copied().unwrap_or(u32::MAX),
            );
            put_u32(&mut adv, *source);
            adv_ids.extend_from_slice(id.as_bytes());
        }
        adv.extend_from_slice(&adv_ids);

        // Package section.
        let mut pkg = Vec::new();
        let mut postings = Vec::new();
        let mut keys = Vec::new();
        put_u32(&mut pkg, u32::try_from(packages.len()).unwrap_or(u32::MAX));
        let mut npost = 0u32;
        let mut refs = slice_refs.iter();
        for (key, ords) in &packages {
            put_u32(&mut pkg, u32::try_from(keys.len()).unwrap_or(u32::MAX));
            put_u32(&mut pkg, u32::try_from(key.len()).unwrap_or(u32::MAX));
            put_u32(&mut pkg, npost);
            put_u32(&mut pkg, u32::try_from(ords.len()).unwrap_or(u32::MAX));
            for _ in ords {
                let (ordinal, block, off, len) = refs.next().copied().unwrap_or_default();
                put_u32(&mut postings, ordinal);
                put_u32(&mut postings, block);
                put_u32(&mut postings, off);
                put_u32(&mut postings, len);
                npost += 1;
            }
            keys.extend_from_slice(key);
        }
        pkg.extend_from_slice(&postings);
        pkg.extend_from_slice(&keys);

        // Alias groups.
        let mut grp = Vec::new();
        let mut blob = Vec::new();
        put_u32(&mut grp, u32::try_from(groups.len()).unwrap_or(u32::MAX));
        for members in &groups {
            let text = members.join("\n");
            put_u32(&mut grp, u32::try_from(blob.len()).unwrap_or(u32::MAX));
            put_u32(&mut grp, u32::try_from(text.len()).unwrap_or(u32::MAX));
            blob.extend_from_slice(text.as_bytes());
        }
        grp.extend_from_slice(&blob);

        // KEV and EPSS.
        let kev_list: Vec<&KevEntry> = kev.values().collect();
        let kev_json =
            serde_json::to_vec(&kev_list).map_err(|e| DbError::corrupt(tmp, e.to_string()))?;
        let mut epss_rows: Vec<(&(u16, u32), &EpssScore)> = epss.iter().collect();
        epss_rows.sort_by_key(|(k, _)| **k);
        let mut ep = Vec::with_capacity(4 + epss_rows.len() * 16);
        put_u32(&mut ep, u32::try_from(epss_rows.len()).unwrap_or(u32::MAX));
        for ((year, num), s) in &epss_rows {
            put_u16(&mut ep, *year);
            put_u16(&mut ep, 0);
            put_u32(&mut ep, *num);
            put_f32(&mut ep, s.probability);
            put_f32(&mut ep, s.percentile);
        }

        let meta = Meta {
            built_at: now_rfc3339(),
            scry_version: env!("CARGO_PKG_VERSION").to_owned(),
            sources,
            total: ids.len() as u64 - withdrawn,
            withdrawn,
            ecosystems,
            newest_modified: newest,
            kev_catalog,
            kev_count: kev.len() as u64,
            epss_date,
            epss_count: epss_rows.len() as u64,
            alias_groups: groups.len() as u64,
        };
        let meta_json =
            serde_json::to_vec(&meta).map_err(|e| DbError::corrupt(tmp, e.to_string()))?;

        let sections: Vec<(SectionKind, &[u8])> = vec![
            (SectionKind::Meta, &meta_json),
            (SectionKind::Packages, &pkg),
            (SectionKind::Advisories, &adv),
            (SectionKind::BlockTable, &block_section),
            (SectionKind::Groups, &grp),
            (SectionKind::Kev, &kev_json),
            (SectionKind::Epss, &ep),
            (SectionKind::Blocks, &blocks_bytes),
        ];
        let header_len = Header::size(sections.len()) as u64;
        let mut offset = header_len;
        let mut entries = Vec::new();
        for (kind, bytes) in &sections {
            entries.push(SectionEntry {
                kind: *kind,
                offset,
                len: bytes.len() as u64,
                checksum: xxh3_64(bytes),
            });
            offset += bytes.len() as u64;
        }
        let header = Header {
            schema: SCHEMA_VERSION,
            file_len: offset,
            sections: entries,
        };
        let file = std::fs::File::create(tmp).map_err(|e| DbError::io(tmp, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        w.write_all(&header.encode())
            .map_err(|e| DbError::io(tmp, e))?;
        for (_, bytes) in &sections {
            w.write_all(bytes).map_err(|e| DbError::io(tmp, e))?;
        }
        let file = w
            .into_inner()
            .map_err(|e| DbError::io(tmp, e.into_error()))?;
        file.sync_all().map_err(|e| DbError::io(tmp, e))?;
        Ok(BuildSummary {
            path: tmp.to_path_buf(),
            advisories: ids.len() - usize::try_from(withdrawn).unwrap_or(0),
            withdrawn: usize::try_from(withdrawn).unwrap_or(0),
            packages: packages.len(),
            alias_groups: groups.len(),
            kev: kev.len(),
            epss: epss_rows.len(),
            bytes: offset,
        })
    }
}

/// Packs newline-separated JSON records into zstd blocks of about [`BLOCK_TARGET`]
/// uncompressed bytes, with the `BLOCK_TABLE` rows that locate and check them.
#[derive(Default)]
struct BlockWriter {
    /// The block being filled.
    current: Vec<u8>,
    /// Every closed block, compressed, back to back (the `BLOCKS` section).
    bytes: Vec<u8>,
    /// The `BLOCK_TABLE` rows.
    table: Vec<u8>,
    /// Closed blocks.
    count: u32,
}

impl BlockWriter {
    /// Adds one record; returns (block, offset in block, length).
    fn append(&mut self, json: &[u8], path: &Path) -> Result<(u32, u32, u32), DbError> {
        let at = (
            self.count,
            u32::try_from(self.current.len()).unwrap_or(u32::MAX),
            u32::try_from(json.len()).unwrap_or(u32::MAX),
        );
        self.current.extend_from_slice(json);
        self.current.push(b'\n');
        if self.current.len() >= BLOCK_TARGET {
            self.flush(path)?;
        }
        Ok(at)
    }

    /// Closes the current block, if it holds anything.
    fn flush(&mut self, path: &Path) -> Result<(), DbError> {
        if self.current.is_empty() {
            return Ok(());
        }
        let compressed =
            zstd::bulk::compress(&self.current, ZSTD_LEVEL).map_err(|e| DbError::io(path, e))?;
        put_u64(&mut self.table, self.bytes.len() as u64);
        put_u32(
            &mut self.table,
            u32::try_from(compressed.len()).unwrap_or(u32::MAX),
        );
        put_u32(
            &mut self.table,
            u32::try_from(self.current.len()).unwrap_or(u32::MAX),
        );
        put_u64(&mut self.table, xxh3_64(&compressed));
        self.bytes.extend_from_slice(&compressed);
        self.current.clear();
        self.count += 1;
        Ok(())
    }
}

/// A record as a lookup returns it: `affected` narrowed to the entries of one package
/// key, and the long text (`details`, `references`, `credits`, distribution statuses)
/// left out; `Database::get` gives the whole record.
fn match_view(record: &Record, idxs: &[usize]) -> Record {
    let mut view = record.clone();
    view.affected = idxs
        .iter()
        .filter_map(|i| record.affected.get(*i).cloned())
        .collect();
    view.details = None;
    view.references.clear();
    view.credits.clear();
    if let Some(serde_json::Value::Object(db)) = &mut view.database_specific {
        db.remove("scry_statuses");
    }
    view
}

/// The index key of a package: `family \0 normalised name \0 release`.
pub(crate) fn package_key(ecosystem: &Ecosystem, name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(name.len() + 24);
    key.extend_from_slice(ecosystem.kind().as_str().as_bytes());
    key.push(0);
    key.extend_from_slice(normalize_name(ecosystem.kind(), name).as_bytes());
    key.push(0);
    key.extend_from_slice(ecosystem.release().unwrap_or("").as_bytes());
    key
}

/// Whether timestamp `a` is strictly newer than `b` (RFC 3339; text order as fallback).
pub(crate) fn newer(a: &str, b: &str) -> bool {
    match (
        OffsetDateTime::parse(a, &Rfc3339),
        OffsetDateTime::parse(b, &Rfc3339),
    ) {
        (Ok(a), Ok(b)) => a > b,
        _ => a > b,
    }
}

pub(crate) fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .unwrap_or_default()
}
