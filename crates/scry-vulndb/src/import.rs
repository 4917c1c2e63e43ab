//! Reading advisory sources into a [`Builder`].
//!
//! A source is a path: a folder, an archive or a single file. What each holds is
//! recognised by name and content:
//!
//! | input | read as |
//! |---|---|
//! | `*.zip` | every entry, by the rules below (OSV exports, feed repositories) |
//! | `*.jsonl`, `*.jsonl.zst`, `*.jsonl.gz` | one OSV record per line |
//! | `*.json` (also `.gz`, `.zst`) | an OSV record, an array of them, or the CISA KEV catalogue |
//! | `*.csv` (also `.gz`) named `epss*` or starting with the EPSS header | EPSS scores |
//! | files `scry-feeds` recognises | Debian/Ubuntu/Alpine trackers, RubySec, FriendsOfPHP, Node.js WG, RustSec |
//! | a folder | each archive in it as its own source; loose files together as one source |
//!
//! Bad input never aborts an import: a malformed record is skipped with a warning that
//! names the file, the record id and the reason, and counted in the [`ImportReport`].
//! Sizes are bounded: an archive entry or a decompressed file larger than
//! [`Limits::max_entry_bytes`] is skipped with a warning, so a decompression bomb costs
//! at most that much memory.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::build::Builder;
use crate::read::{EpssScore, KevEntry};

/// Bounds on what one import may read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest archive entry or decompressed file read into memory.
    pub max_entry_bytes: u64,
    /// Largest line of a JSON-lines file.
    pub max_line_bytes: usize,
    /// How many warnings are kept in a report (all are counted).
    pub max_warnings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_entry_bytes: 256 * 1024 * 1024,
            max_line_bytes: 64 * 1024 * 1024,
            max_warnings: 50,
        }
    }
}

/// What an import of one source did.
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// The source's name.
    pub source: String,
    /// Records read.
    pub records: u64,
    /// Entries skipped as malformed.
    pub skipped: u64,
    /// KEV entries read.
    pub kev: u64,
    /// EPSS scores read.
    pub epss: u64,
    /// The first warnings, each naming file, entry and reason.
    pub warnings: Vec<String>,
}

/// Why a source could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the source failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The source is of no kind scry reads.
    #[error(
        "{0}: not an advisory source scry knows (expected a folder, .zip, .json, .jsonl[.zst|.gz], KEV JSON or EPSS CSV)"
    )]
    Unrecognised(PathBuf),
    /// The archive itself is unreadable.
    #[error("{path}: {reason}")]
    Archive { path: PathBuf, reason: String },
}

struct Ctx<'a> {
    builder: &'a mut Builder,
    source: u32,
    limits: Limits,
    report: ImportReport,
}

impl Ctx<'_> {
    fn warn(&mut self, msg: String) {
        tracing::debug!("{msg}");
        if self.report.warnings.len() < self.limits.max_warnings {
            self.report.warnings.push(msg);
        }
    }

    fn skip(&mut self, msg: String) {
        self.report.skipped += 1;
        self.builder.note_skipped(self.source);
        self.warn(msg);
    }
}

/// Imports a path (file or folder) into `builder`. A folder yields one report per
/// archive inside it plus one for its loose files.
///
/// # Errors
/// When the path cannot be read, or is of no known kind.
pub fn import_path(
    builder: &mut Builder,
    path: &Path,
    limits: Limits,
) -> Result<Vec<ImportReport>, ImportError> {
    let meta = std::fs::metadata(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return import_dir(builder, path, limits);
    }
    let name = file_name(path);
    Ok(vec![import_file_as(
        builder,
        path,
        &name,
        &path.display().to_string(),
        limits,
    )?])
}

/// Imports one file under a given source name and location (used for downloads,
/// whose cache file name says nothing).
///
/// # Errors
/// When the file cannot be read, or is of no known kind.
pub fn import_file_as(
    builder: &mut Builder,
    path: &Path,
    name: &str,
    location: &str,
    limits: Limits,
) -> Result<ImportReport, ImportError> {
    let source = builder.add_source(name, location);
    let mut ctx = Ctx {
        builder,
        source,
        limits,
        report: ImportReport {
            source: name.to_owned(),
            ..ImportReport::default()
        },
    };
    import_file(&mut ctx, path, name)?;
    Ok(ctx.report)
}

fn import_dir(
    builder: &mut Builder,
    dir: &Path,
    limits: Limits,
) -> Result<Vec<ImportReport>, ImportError> {
    let mut files = Vec::new();
    walk(dir, &mut files).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    files.sort();
    let mut reports = Vec::new();
    let mut loose = Vec::new();
    for f in files {
        let n = file_name(&f);
        if is_container(&n) {
            reports.push(import_file_as(
                builder,
                &f,
                &n,
                &f.display().to_string(),
                limits,
            )?);
        } else {
            loose.push(f);
        }
    }
    if !loose.is_empty() {
        let name = file_name(dir);
        let source = builder.add_source(&name, &dir.display().to_string());
        let mut ctx = Ctx {
            builder,
            source,
            limits,
            report: ImportReport {
                source: name,
                ..ImportReport::default()
            },
        };
        for f in loose {
            let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
            let bytes = read_capped(
                std::fs::File::open(&f).map_err(|source| ImportError::Io {
                    path: f.clone(),
                    source,
                })?,
                limits.max_entry_bytes,
            );
            match bytes {
                Ok(b) => entry(&mut ctx, &rel, &b),
                Err(e) => ctx.skip(format!("{}: {e}", f.display())),
            }
        }
        if ctx.report.records == 0 && ctx.report.skipped == 0 {
            ctx.builder.drop_source_if_empty(source);
        } else {
            reports.push(ctx.report);
        }
    }
    Ok(reports)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let ty = e.file_type()?;
        if ty.is_dir() {
            walk(&e.path(), out)?;
        } else if ty.is_file() {
            out.push(e.path());
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name().map_or_else(
        || p.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn is_container(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".zip", ".jsonl", ".zst", ".gz", ".csv"]
        .iter()
        .any(|ext| n.ends_with(ext))
        || n.ends_with(".json") && (n.contains("kev") || n.contains("known_exploited"))
}

fn import_file(ctx: &mut Ctx<'_>, path: &Path, name: &str) -> Result<(), ImportError> {
    let io = |source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let lower = name.to_ascii_lowercase();
    let file = std::fs::File::open(path).map_err(io)?;
    if lower.ends_with(".zip") {
        return import_zip(ctx, path, file);
    }
    if let Some(inner) = lower.strip_suffix(".zst") {
        let dec = zstd::stream::read::Decoder::new(file).map_err(io)?;
        return import_stream(ctx, path, inner, Box::new(dec));
    }
    if let Some(inner) = lower.strip_suffix(".gz") {
        let dec = flate2::read::MultiGzDecoder::new(file);
        return import_stream(ctx, path, inner, Box::new(dec));
    }
    import_stream(ctx, path, &lower, Box::new(file))
}

fn import_stream(
    ctx: &mut Ctx<'_>,
    path: &Path,
    inner: &str,
    reader: Box<dyn Read + '_>,
) -> Result<(), ImportError> {
    let label = path.display().to_string();
    if inner.ends_with(".jsonl") || inner.ends_with(".ndjson") {
        return json_lines(ctx, &label, reader);
    }
    if inner.ends_with(".csv") {
        return epss_csv(ctx, &label, reader);
    }
    let bytes =
        read_capped(reader, ctx.limits.max_entry_bytes).map_err(|reason| ImportError::Archive {
            path: path.to_path_buf(),
            reason,
        })?;
    if inner.ends_with(".json") {
        entry(ctx, inner, &bytes);
        return Ok(());
    }
    if looks_like_epss(&bytes) {
        return epss_csv(ctx, &label, &bytes[..]);
    }
    if scry_feeds::detect(inner, &bytes).is_some() {
        entry(ctx, inner, &bytes);
        return Ok(());
    }
    Err(ImportError::Unrecognised(path.to_path_buf()))
}

fn read_capped(reader: impl Read, cap: u64) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    let n = reader
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if n as u64 > cap {
        return Err(format!(
            "larger than the limit of {cap} bytes (decompression bomb?)"
        ));
    }
    Ok(buf)
}

fn import_zip(ctx: &mut Ctx<'_>, path: &Path, file: std::fs::File) -> Result<(), ImportError> {
    let mut archive =
        zip::ZipArchive::new(BufReader::new(file)).map_err(|e| ImportError::Archive {
            path: path.to_path_buf(),
            reason: format!("not a readable zip archive: {e}"),
        })?;
    for i in 0..archive.len() {
        let mut f = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                ctx.skip(format!("{}: entry {i}: {e}", path.display()));
                continue;
            }
        };
        if f.is_dir() {
            continue;
        }
        let name = match f.name() {
            Ok(n) => n.into_owned(),
            Err(e) => {
                ctx.skip(format!(
                    "{}: entry {i}: unreadable name: {e}",
                    path.display()
                ));
                continue;
            }
        };
        if f.size() > ctx.limits.max_entry_bytes {
            ctx.skip(format!(
                "{}: {name}: {} bytes, larger than the limit of {}",
                path.display(),
                f.size(),
                ctx.limits.max_entry_bytes
            ));
            continue;
        }
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".json")
            || lower.ends_with(".yaml")
            || lower.ends_with(".yml")
            || lower.ends_with(".md")
            || lower.ends_with("/list")
            || lower.contains("cve-"))
        {
            continue;
        }
        match read_capped(&mut f, ctx.limits.max_entry_bytes) {
            Ok(bytes) => entry(ctx, &name, &bytes),
            Err(e) => ctx.skip(format!("{}: {name}: {e}", path.display())),
        }
    }
    Ok(())
}

/// One file's bytes: a feed file, an OSV record (or array), or a KEV catalogue.
fn entry(ctx: &mut Ctx<'_>, name: &str, bytes: &[u8]) {
    if let Some(kind) = scry_feeds::detect(name, bytes) {
        let conv = scry_feeds::convert(kind, name, bytes);
        for r in conv.records {
            ctx.report.records += 1;
            ctx.builder.add_record(r, ctx.source);
        }
        for e in conv.skipped {
            ctx.skip(e.to_string());
        }
        return;
    }
    if !name.to_ascii_lowercase().ends_with(".json") {
        return;
    }
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            ctx.skip(format!("{name}: not JSON: {e}"));
            return;
        }
    };
    match value {
        serde_json::Value::Object(ref map)
            if map.contains_key("catalogVersion") && map.contains_key("vulnerabilities") =>
        {
            kev_json(ctx, name, value);
        }
        serde_json::Value::Object(ref map) if map.contains_key("id") => {
            osv_value(ctx, name, value);
        }
        serde_json::Value::Array(items)
            if items
                .iter()
                .all(|i| i.get("id").is_some() && i.get("modified").is_some()) =>
        {
            for item in items {
                osv_value(ctx, name, item);
            }
        }
        // Not an advisory (an index, a schema): nothing to import.
        _ => tracing::debug!("{name}: not an OSV record, skipped"),
    }
}

fn osv_value(ctx: &mut Ctx<'_>, name: &str, value: serde_json::Value) {
    let id = value
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("?")
        .to_owned();
    match serde_json::from_value::<scry_osv::Record>(value) {
        Ok(r) => {
            ctx.report.records += 1;
            ctx.builder.add_record(r, ctx.source);
        }
        Err(e) => ctx.skip(format!("{name}: record {id}: {e}")),
    }
}

fn json_lines(
    ctx: &mut Ctx<'_>,
    label: &str,
    reader: Box<dyn Read + '_>,
) -> Result<(), ImportError> {
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(ctx.limits.max_line_bytes as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| ImportError::Archive {
                path: PathBuf::from(label),
                reason: format!("line {}: {e}", n + 1),
            })?;
        if read == 0 {
            break;
        }
        n += 1;
        if line.len() > ctx.limits.max_line_bytes {
            ctx.skip(format!(
                "{label}: line {n}: longer than {} bytes",
                ctx.limits.max_line_bytes
            ));
            // Skip the rest of the over-long line.
            let mut sink = Vec::new();
            let _ = reader.read_until(b'\n', &mut sink);
            continue;
        }
        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match scry_osv::parse_record(text) {
            Ok(r) => {
                ctx.report.records += 1;
                ctx.builder.add_record(r, ctx.source);
            }
            Err(e) => ctx.skip(format!("{label}: line {n}: {e}")),
        }
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevCatalog {
    catalog_version: Option<String>,
    vulnerabilities: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KevRaw {
    #[serde(rename = "cveID")]
    cve_id: String,
    #[serde(default)]
    vendor_project: String,
    #[serde(default)]
    product: String,
    #[serde(default)]
    vulnerability_name: String,
    #[serde(default)]
    date_added: String,
    #[serde(default)]
    due_date: String,
    #[serde(default)]
    known_ransomware_campaign_use: String,
    #[serde(default)]
    short_description: String,
}

fn kev_json(ctx: &mut Ctx<'_>, name: &str, value: serde_json::Value) {
    let catalog: KevCatalog = match serde_json::from_value(value) {
        Ok(c) => c,
        Err(e) => {
            ctx.skip(format!("{name}: KEV catalogue: {e}"));
            return;
        }
    };
    let mut entries = Vec::with_capacity(catalog.vulnerabilities.len());
    for (i, v) in catalog.vulnerabilities.into_iter().enumerate() {
        match serde_json::from_value::<KevRaw>(v) {
            Ok(k) if k.cve_id.starts_with("CVE-") => entries.push(KevEntry {
                cve: k.cve_id,
                vendor_project: k.vendor_project,
                product: k.product,
                vulnerability_name: k.vulnerability_name,
                date_added: k.date_added,
                due_date: k.due_date,
                known_ransomware_campaign_use: k.known_ransomware_campaign_use,
                short_description: k.short_description,
            }),
            Ok(k) => ctx.skip(format!(
                "{name}: KEV entry {i}: cveID {:?} is not a CVE id",
                k.cve_id
            )),
            Err(e) => ctx.skip(format!("{name}: KEV entry {i}: {e}")),
        }
    }
    ctx.report.kev = entries.len() as u64;
    ctx.builder.set_kev(catalog.catalog_version, entries);
}

fn looks_like_epss(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(200)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.starts_with("#model_version")
        || head.starts_with("cve,epss")
        || head.starts_with("cve;epss")
}

fn epss_csv(ctx: &mut Ctx<'_>, label: &str, reader: impl Read) -> Result<(), ImportError> {
    let reader = BufReader::with_capacity(1 << 20, reader);
    let mut scores = Vec::new();
    let mut date = None;
    let mut sep = None;
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| ImportError::Archive {
            path: PathBuf::from(label),
            reason: format!("line {}: {e}", i + 1),
        })?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            // `#model_version:v2025.03.14,score_date:2025-08-20T00:00:00+0000`
            if let Some(d) = comment
                .split(',')
                .find_map(|p| p.strip_prefix("score_date:"))
            {
                date = Some(d.to_owned());
            }
            continue;
        }
        let s = *sep.get_or_insert(if line.contains(';') { ';' } else { ',' });
        let mut parts = line.split(s);
        let (Some(cve), Some(p), Some(pct)) = (parts.next(), parts.next(), parts.next()) else {
            ctx.skip(format!(
                "{label}: line {}: expected cve{s}epss{s}percentile",
                i + 1
            ));
            continue;
        };
        if cve.eq_ignore_ascii_case("cve") {
            continue;
        }
        match (p.trim().parse::<f32>(), pct.trim().parse::<f32>()) {
            (Ok(probability), Ok(percentile))
                if cve.starts_with("CVE-")
                    && (0.0..=1.0).contains(&probability)
                    && (0.0..=1.0).contains(&percentile) =>
            {
                scores.push((
                    cve.to_owned(),
                    EpssScore {
                        probability,
                        percentile,
                    },
                ));
            }
            _ => ctx.skip(format!("{label}: line {}: bad EPSS row {line:?}", i + 1)),
        }
    }
    ctx.report.epss = scores.len() as u64;
    ctx.builder.set_epss(date, scores);
    Ok(())
}
