//! The `scry` command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod config;

/// Continuous vulnerability assessment for hosts, container images and serverless functions.
#[derive(Debug, Parser)]
#[command(name = "scry", version, about, long_about = None)]
struct Cli {
    /// The advisory database file [default: the user's data directory, `scry/scry.db`].
    #[arg(long, global = true, env = "SCRY_DB", value_name = "FILE")]
    db: Option<PathBuf>,

    /// The configuration file [default: the user's config directory, `scry/config.toml`].
    #[arg(long, global = true, env = "SCRY_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    /// More logging on stderr (`-v` info, `-vv` debug). `SCRY_LOG` takes a filter too.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Version ordering tools.
    #[command(subcommand)]
    Version(cmd::version::VersionCommand),
    /// Manage the advisory database.
    #[command(subcommand)]
    Db(cmd::db::DbCommand),
    /// Score CVSS v2.0, v3.0, v3.1 and v4.0 vectors.
    Cvss(cmd::cvss::CvssArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = (|| -> anyhow::Result<ExitCode> {
        let config = config::Config::load(cli.config.as_deref())?;
        let db_path = cli
            .db
            .clone()
            .or_else(|| config.db.path.clone())
            .unwrap_or_else(config::default_db_path);
        match cli.command {
            Command::Version(c) => cmd::version::run(c),
            Command::Db(c) => cmd::db::run(c, &db_path, &config),
            Command::Cvss(c) => cmd::cvss::run(&c),
        }
    })();
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_env("SCRY_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .try_init();
}
