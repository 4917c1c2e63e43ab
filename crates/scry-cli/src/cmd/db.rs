//! `scry db import|update|status|verify`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Subcommand;
use scry_vulndb::import::{ImportReport, Limits};
use scry_vulndb::{Builder, Database, DbError};

use crate::config::Config;

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Add sources to the database (created when there is none): OSV files, folders,
    /// zip archives, `.jsonl[.zst]`, KEV JSON, EPSS CSV, distro and language feeds, or
    /// HTTP(S) URLs of any of these.
    Import {
        /// Paths or URLs.
        #[arg(required = true)]
        sources: Vec<String>,
        /// Print the import report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-fetch the configured sources (conditional requests: unchanged sources are not
    /// downloaded again) and merge them into the database, replaced atomically.
    ///
    /// Sources, first found wins: `--source`, `SCRY_DB_SOURCES` (comma-separated), the
    /// config file's `[db] sources`, then the defaults (the public OSV per-ecosystem
    /// archives, the CISA KEV catalogue and the EPSS daily scores).
    Update {
        /// A source URL or path; repeat for several.
        #[arg(long = "source", value_name = "URL")]
        sources: Vec<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print what the database holds.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read every section and record, checking every checksum.
    Verify,
    /// List the advisories that name a package (any version), with their alias group,
    /// KEV and EPSS data.
    Query {
        /// The ecosystem as OSV spells it (`PyPI`, `Debian:12`, `npm`).
        ecosystem: String,
        /// The package name (source package name for distributions).
        name: String,
        /// Only advisories affecting this version.
        #[arg(long)]
        version: Option<String>,
        /// Print JSON (the full OSV records).
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(cmd: DbCommand, db: &Path, config: &Config) -> anyhow::Result<ExitCode> {
    match cmd {
        DbCommand::Import { sources, json } => import(db, &sources, json),
        DbCommand::Update { sources, json } => {
            let sources = configured_sources(&sources, config);
            update(db, &sources, json)
        }
        DbCommand::Status { json } => status(db, json),
        DbCommand::Query {
            ecosystem,
            name,
            version,
            json,
        } => query(db, &ecosystem, &name, version.as_deref(), json),
        DbCommand::Verify => {
            let database = Database::open(db)?;
            let n = database.verify()?;
            crate::outln!("{}: {n} records, every checksum matches", db.display())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The sources of an update: `--source` flags, else `SCRY_DB_SOURCES`, else the config
/// file, else the defaults.
pub(crate) fn configured_sources(flags: &[String], config: &Config) -> Vec<String> {
    if !flags.is_empty() {
        flags.to_vec()
    } else if let Some(env) = std::env::var_os("SCRY_DB_SOURCES") {
        env.to_string_lossy()
            .split([',', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    } else if let Some(list) = &config.db.sources {
        list.clone()
    } else {
        default_sources()
    }
}

/// Opens the existing database as a builder, or starts an empty one.
pub(crate) fn builder_for(db: &Path) -> anyhow::Result<Builder> {
    match Database::open(db) {
        Ok(existing) => Builder::from_database(&existing)
            .with_context(|| format!("reading {} to merge into it", db.display())),
        Err(DbError::Missing(_)) => Ok(Builder::new()),
        Err(e) => Err(e).context("the existing database is unreadable; move it away or rebuild it"),
    }
}

fn import(db: &Path, sources: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut builder = builder_for(db)?;
    let mut reports: Vec<ImportReport> = Vec::new();
    for source in sources {
        if is_url(source) {
            let fetcher = fetcher()?;
            let got = fetcher.fetch(source, &cache_dir(db))?;
            let report = scry_vulndb::import::import_file_as(
                &mut builder,
                &got.path,
                source,
                source,
                Limits::default(),
            )
            .with_context(|| format!("importing {source}"))?;
            reports.push(report);
            continue;
        }
        let path = PathBuf::from(source.strip_prefix("file://").unwrap_or(source));
        let got = scry_vulndb::import::import_path(&mut builder, &path, Limits::default())
            .with_context(|| format!("importing {source}"))?;
        reports.extend(got);
    }
    let summary = builder.write(db)?;
    print_reports(&reports, &summary, started.elapsed(), json)?;
    Ok(ExitCode::SUCCESS)
}

fn print_reports(
    reports: &[ImportReport],
    summary: &scry_vulndb::BuildSummary,
    elapsed: std::time::Duration,
    json: bool,
) -> anyhow::Result<()> {
    if json {
        let out = serde_json::json!({ "sources": reports, "database": summary, "seconds": elapsed.as_secs_f64() });
        crate::outln!("{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        let mut err = std::io::stderr().lock();
        for r in reports {
            writeln!(
                err,
                "{}: {} records, {} skipped{}{}",
                r.source,
                r.records,
                r.skipped,
                if r.kev > 0 {
                    format!(", {} KEV entries", r.kev)
                } else {
                    String::new()
                },
                if r.epss > 0 {
                    format!(", {} EPSS scores", r.epss)
                } else {
                    String::new()
                }
            )?;
            for w in &r.warnings {
                writeln!(err, "  warning: {w}")?;
            }
            if r.skipped as usize > r.warnings.len() {
                writeln!(
                    err,
                    "  ... and {} more skipped",
                    r.skipped as usize - r.warnings.len()
                )?;
            }
        }
        crate::outln!(
            "{}: {} advisories ({} withdrawn kept), {} packages, {} alias groups, {} KEV, {} EPSS, {} bytes, built in {:.2}s",
            summary.path.display(),
            summary.advisories,
            summary.withdrawn,
            summary.packages,
            summary.alias_groups,
            summary.kev,
            summary.epss,
            summary.bytes,
            elapsed.as_secs_f64()
        )?;
    }
    Ok(())
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

/// Downloads are cached beside the database, in `<db>.cache/`.
fn cache_dir(db: &Path) -> PathBuf {
    let mut name = db
        .file_name()
        .map(std::ffi::OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".cache");
    db.with_file_name(name)
}

fn fetcher() -> anyhow::Result<scry_fetch::Fetcher> {
    Ok(scry_fetch::Fetcher::builder().build()?)
}

/// OSV ecosystems fetched by default: every one scry orders versions for.
const DEFAULT_OSV_ECOSYSTEMS: &[&str] = &[
    "AlmaLinux",
    "Alpine",
    "Bitnami",
    "CRAN",
    "Chainguard",
    "Debian",
    "GitHub Actions",
    "Go",
    "Hackage",
    "Hex",
    "Maven",
    "NuGet",
    "Packagist",
    "Pub",
    "PyPI",
    "Red Hat",
    "Rocky Linux",
    "RubyGems",
    "SUSE",
    "SwiftURL",
    "Ubuntu",
    "Wolfi",
    "crates.io",
    "npm",
    "openSUSE",
];
const OSV_BUCKET: &str = "https://osv-vulnerabilities.storage.googleapis.com";
const KEV_URL: &str =
    "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json";
const EPSS_URL: &str = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz";

/// The default sources of `scry db update`.
pub(crate) fn default_sources() -> Vec<String> {
    let mut out: Vec<String> = DEFAULT_OSV_ECOSYSTEMS
        .iter()
        .map(|e| format!("{OSV_BUCKET}/{}/all.zip", e.replace(' ', "%20")))
        .collect();
    out.push(KEV_URL.to_owned());
    out.push(EPSS_URL.to_owned());
    out
}

pub(crate) fn update(db: &Path, sources: &[String], json: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let cache = cache_dir(db);
    let fetcher = fetcher()?;
    let existing = match Database::open(db) {
        Ok(d) => Some(d.status()?),
        Err(DbError::Missing(_)) => None,
        Err(e) => return Err(e).context("the existing database is unreadable"),
    };
    let mut fetched = Vec::new();
    let mut failures = Vec::new();
    for source in sources {
        if !is_url(source) {
            fetched.push((
                source.clone(),
                PathBuf::from(source.strip_prefix("file://").unwrap_or(source)),
                false,
            ));
            continue;
        }
        match fetcher.fetch(source, &cache) {
            Ok(got) => fetched.push((source.clone(), got.path, got.not_modified)),
            Err(e) => {
                eprintln!("warning: {e}");
                failures.push(source.clone());
            }
        }
    }
    let known = |name: &str| {
        existing
            .as_ref()
            .is_some_and(|s| s.sources.iter().any(|src| src.name == name))
    };
    let changed: Vec<&(String, PathBuf, bool)> = fetched
        .iter()
        .filter(|(name, _, not_modified)| !*not_modified || !known(name))
        .collect();
    if changed.is_empty() {
        if failures.is_empty() {
            crate::outln!(
                "{}: up to date ({} sources unchanged)",
                db.display(),
                fetched.len()
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        anyhow::bail!(
            "{} of {} sources could not be fetched; the database was left as it was",
            failures.len(),
            sources.len()
        );
    }
    let mut builder = builder_for(db)?;
    let mut reports = Vec::new();
    for (name, path, _) in changed {
        if is_url(name) {
            reports.push(
                scry_vulndb::import::import_file_as(
                    &mut builder,
                    path,
                    name,
                    name,
                    Limits::default(),
                )
                .with_context(|| format!("importing {name}"))?,
            );
        } else {
            reports.extend(
                scry_vulndb::import::import_path(&mut builder, path, Limits::default())
                    .with_context(|| format!("importing {name}"))?,
            );
        }
    }
    let summary = builder.write(db)?;
    print_reports(&reports, &summary, started.elapsed(), json)?;
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "error: {} of {} sources could not be fetched; the others were merged",
            failures.len(),
            sources.len()
        );
        Ok(ExitCode::from(2))
    }
}

fn status(db: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let database = Database::open(db)?;
    let s = database.status()?;
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(&s)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "database   {}", s.path.display())?;
    writeln!(
        out,
        "built at   {} (scry {}, schema {})",
        s.built_at, s.scry_version, s.schema_version
    )?;
    writeln!(out, "size       {} bytes", s.size_bytes)?;
    writeln!(
        out,
        "advisories {} ({} withdrawn kept aside)",
        s.total, s.withdrawn
    )?;
    writeln!(
        out,
        "newest     {}",
        s.newest_modified.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "aliases    {} groups", s.alias_groups)?;
    writeln!(
        out,
        "KEV        {} entries (catalogue {})",
        s.kev,
        s.kev_catalog.as_deref().unwrap_or("-")
    )?;
    writeln!(
        out,
        "EPSS       {} scores ({})",
        s.epss,
        s.epss_date.as_deref().unwrap_or("-")
    )?;
    writeln!(out, "sources:")?;
    for src in &s.sources {
        writeln!(
            out,
            "  {:<40} {:>7} records {:>6} skipped  {}",
            src.name, src.records, src.skipped, src.imported_at
        )?;
    }
    writeln!(out, "ecosystems:")?;
    for (eco, n) in &s.ecosystems {
        writeln!(out, "  {eco:<40} {n:>7}")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn query(
    db: &Path,
    ecosystem: &str,
    name: &str,
    version: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let database = Database::open(db)?;
    let eco = scry_core::Ecosystem::parse(ecosystem);
    let mut records = database.lookup(&eco, name)?;
    if let Some(v) = version {
        let mut kept = Vec::new();
        for r in records {
            let mut hit = false;
            for a in &r.affected {
                let Some(pkg) = &a.package else { continue };
                let pe = pkg.ecosystem();
                if pe.kind() != eco.kind()
                    || scry_vulndb::normalize_name(pe.kind(), &pkg.name)
                        != scry_vulndb::normalize_name(eco.kind(), name)
                {
                    continue;
                }
                match a.affects(&pe, v) {
                    Ok(scry_osv::RangeVerdict::Affected) => hit = true,
                    Ok(scry_osv::RangeVerdict::NotAffected) => {}
                    Err(e) => eprintln!("warning: {}: {e}", r.id),
                }
            }
            if hit {
                kept.push(r);
            }
        }
        records = kept;
    }
    if json {
        crate::outln!("{}", serde_json::to_string_pretty(&records)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for r in &records {
        let group = database.alias_group(&r.id)?;
        let cve = group.as_ref().map_or(r.id.as_str(), |g| g.id.as_str());
        let kev = database
            .kev(cve)?
            .map(|k| format!(" KEV(due {})", k.due_date))
            .unwrap_or_default();
        let epss = database
            .epss(cve)?
            .map(|e| {
                format!(
                    " EPSS {:.4} ({:.0}th pct)",
                    e.probability,
                    e.percentile * 100.0
                )
            })
            .unwrap_or_default();
        writeln!(
            out,
            "{:<24} {:<18} {}{kev}{epss}",
            r.id,
            if cve == r.id { "" } else { cve },
            r.summary
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect::<String>()
        )?;
    }
    writeln!(out, "{} advisories", records.len())?;
    Ok(ExitCode::SUCCESS)
}
