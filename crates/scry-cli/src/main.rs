//! The `scry` command.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod config;
mod sbom;

/// `println!` that returns the I/O error instead of panicking (a closed pipe, as in
/// `scry db status | head`, ends the command quietly).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `print!` that returns the I/O error instead of panicking.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)
    }};
}

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
    /// Find known vulnerabilities in a target (image, root filesystem, project, function).
    Scan(cmd::scan::ScanArgs),
    /// The software bill of materials of a target (CycloneDX 1.6, SPDX 2.3 or scry JSON).
    Sbom(cmd::sbom::SbomArgs),
    /// Unintended network reachability of AWS instances and Linux hosts.
    #[command(subcommand)]
    Network(cmd::network::NetworkCommand),
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
            Command::Network(c) => cmd::network::run(c),
            Command::Sbom(c) => cmd::sbom::run(&c),
            Command::Scan(c) => cmd::scan::run(&c, &db_path, &config),
        }
    })();
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
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

/// Whether the error is a write to a closed pipe (`scry ... | head`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
