//! `scry scan image|rootfs|fs|function|inventory TARGET`: findings for a target.
//!
//! Exit codes: 0 when the scan ran and no active finding reaches `--fail-on`; 1 when one
//! does; 2 when the scan itself failed (no database, unreadable target, bad ignore or VEX
//! file).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use scry_core::{Inventory, Severity};
use scry_match::{MatchOptions, Policy, Report, SortBy, TableOptions};
use scry_vulndb::Database;

use crate::cmd::sbom::Target;
use crate::config::Config;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
    Sarif,
    Cyclonedx,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ScanTarget {
    #[command(flatten)]
    Target(Target),
    /// An inventory written by `scry sbom --format json`.
    Inventory { path: PathBuf },
    /// A CycloneDX (1.4–1.6) or SPDX (2.2–2.3) JSON SBOM.
    Sbom { path: PathBuf },
}

#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    #[command(subcommand)]
    target: ScanTarget,
    #[arg(long, value_enum, default_value_t = Format::Table, global = true)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short, global = true)]
    output: Option<PathBuf>,
    /// Keep only these severities (comma-separated: critical,high,...).
    #[arg(long, value_delimiter = ',', global = true)]
    severity: Vec<String>,
    /// Drop findings that have no fix yet.
    #[arg(long, global = true)]
    ignore_unfixed: bool,
    /// Exit 1 when an active finding at or above this severity remains.
    #[arg(long, value_name = "SEVERITY", global = true)]
    fail_on: Option<String>,
    /// An ignore file (YAML or TOML: id, package, reason, expires); repeatable.
    #[arg(long, global = true)]
    ignore_file: Vec<PathBuf>,
    /// A VEX document (OpenVEX or CycloneDX VEX JSON); repeatable.
    #[arg(long, global = true)]
    vex: Vec<PathBuf>,
    /// Order of the findings.
    #[arg(long, default_value = "score", global = true)]
    sort_by: String,
    /// Show suppressed findings in the table too.
    #[arg(long, global = true)]
    show_suppressed: bool,
    /// Never touch the network: use the local database however old it is.
    #[arg(long, global = true)]
    offline: bool,
    /// Update the database first when it is older than this many hours.
    #[arg(long, default_value_t = 24, global = true)]
    max_db_age_hours: u64,
}

fn severity(s: &str) -> anyhow::Result<Severity> {
    Severity::parse_loose(s).with_context(|| {
        format!("`{s}` is not a severity (critical, high, medium, low, informational, untriaged)")
    })
}

pub(crate) fn run(args: &ScanArgs, db_path: &Path, config: &Config) -> anyhow::Result<ExitCode> {
    let db = open_fresh(db_path, config, args)?;
    let inventory: Inventory = match &args.target {
        ScanTarget::Target(t) => crate::cmd::sbom::inventory(t)?,
        ScanTarget::Inventory { path } => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a scry inventory", path.display()))?
        }
        ScanTarget::Sbom { path } => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let inv = crate::sbom::read(&path.display().to_string(), &text)?;
            for w in &inv.warnings {
                tracing::info!("{w}");
            }
            inv
        }
    };
    let now = time::OffsetDateTime::now_utc();
    let mut report = Report::scan(&inventory, &db, &MatchOptions::at(now))?;
    let mut policy = Policy {
        severities: args
            .severity
            .iter()
            .map(|s| severity(s))
            .collect::<Result<_, _>>()?,
        ignore_unfixed: args.ignore_unfixed,
        fail_on: args.fail_on.as_deref().map(severity).transpose()?,
        today: Some(now.date()),
        ..Policy::default()
    };
    for f in &args.ignore_file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        policy.ignores.extend(scry_match::parse_ignore_file(
            &f.display().to_string(),
            &text,
        )?);
    }
    for f in &args.vex {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        policy
            .vex
            .extend(scry_match::parse_vex(&f.display().to_string(), &text)?);
    }
    policy.apply(&mut report);
    let sort: SortBy = args
        .sort_by
        .parse()
        .map_err(|e| anyhow::anyhow!("--sort-by {}: {e}", args.sort_by))?;
    report.sort(sort);
    let text = match args.format {
        Format::Json => scry_match::render_json(&report),
        Format::Sarif => scry_match::render_sarif(&report),
        Format::Cyclonedx => scry_match::render_cyclonedx(&report),
        Format::Table => {
            let mut opts = TableOptions::for_stdout(
                args.output.is_none() && std::io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            );
            opts.show_suppressed = args.show_suppressed;
            scry_match::render_table_with(&report, &opts)
        }
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => crate::out!("{text}")?,
    }
    Ok(if policy.fails(&report) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Opens the database, updating it first when it is missing or older than allowed
/// (unless `--offline`). Says how old it is on stderr.
fn open_fresh(db_path: &Path, config: &Config, args: &ScanArgs) -> anyhow::Result<Database> {
    let age = Database::open(db_path).ok().and_then(|db| {
        let built = db.built_at().ok()?;
        let t = time::OffsetDateTime::parse(&built, &time::format_description::well_known::Rfc3339)
            .ok()?;
        Some(
            (time::OffsetDateTime::now_utc() - t)
                .whole_seconds()
                .max(0)
                .unsigned_abs(),
        )
    });
    let stale = age.is_none_or(|a| a > args.max_db_age_hours * 3600);
    if stale && !args.offline {
        eprintln!(
            "{}: {}; updating it first (use --offline to skip)",
            db_path.display(),
            age.map_or_else(
                || "no database".to_owned(),
                |a| format!("built {} h ago", a / 3600)
            )
        );
        let sources = crate::cmd::db::configured_sources(&[], config);
        if let Err(e) = crate::cmd::db::update(db_path, &sources, false) {
            eprintln!("warning: the update failed, scanning with what is there: {e:#}");
        }
    }
    let db = Database::open(db_path)?;
    if let Ok(built) = db.built_at() {
        eprintln!("advisory database {} built at {built}", db_path.display());
    }
    Ok(db)
}
