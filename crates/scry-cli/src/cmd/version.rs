//! `scry version cmp ECOSYSTEM`: compare version pairs read from standard input.

use std::io::{BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::Subcommand;
use scry_core::Ecosystem;
use scry_version::Version;

#[derive(Debug, Subcommand)]
pub(crate) enum VersionCommand {
    /// Read lines `A B` on standard input; print `<`, `=` or `>` for each (or
    /// `error: <reason>` for a version that does not parse, and carry on).
    Cmp {
        /// The ecosystem as OSV spells it: `Debian`, `Debian:12`, `AlmaLinux:9`,
        /// `Alpine:v3.20`, `PyPI`, `npm`, `Go`, `Maven`, `RubyGems`, ...
        ecosystem: String,
    },
}

pub(crate) fn run(cmd: VersionCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        VersionCommand::Cmp { ecosystem } => cmp(&ecosystem),
    }
}

fn cmp(ecosystem: &str) -> anyhow::Result<ExitCode> {
    let eco = Ecosystem::parse(ecosystem);
    let Some(scheme) = eco.version_scheme() else {
        anyhow::bail!("unknown ecosystem `{ecosystem}`: scry has no version ordering for it");
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        let mut parts = line.split_whitespace();
        let answer = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => {
                match (Version::parse(scheme, a), Version::parse(scheme, b)) {
                    (Ok(a), Ok(b)) => match a.cmp(&b) {
                        std::cmp::Ordering::Less => "<".to_owned(),
                        std::cmp::Ordering::Equal => "=".to_owned(),
                        std::cmp::Ordering::Greater => ">".to_owned(),
                    },
                    (Err(e), _) | (_, Err(e)) => format!("error: {e}"),
                }
            }
            (None, _, _) => "error: empty line, expected two versions".to_owned(),
            _ => "error: expected two versions separated by white space".to_owned(),
        };
        writeln!(out, "{answer}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
