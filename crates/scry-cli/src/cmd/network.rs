//! `scry network aws DIR` and `scry network host [--root DIR]`: unintended network
//! reachability, as `NETWORK_REACHABILITY` findings.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum NetworkCommand {
    /// Analyse an AWS network from the JSON the AWS CLI prints (`ec2 describe-*`,
    /// `elbv2 describe-*`): one file each in a folder, or one combined file.
    Aws {
        /// The folder (or combined file).
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Analyse a Linux host: listening sockets, addresses, nftables and iptables.
    Host {
        /// A folder of files captured from a host (layout in docs/network.md); without
        /// it, the running host.
        #[arg(long, value_name = "DIR", default_value = "/")]
        root: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

pub(crate) fn run(cmd: NetworkCommand) -> anyhow::Result<ExitCode> {
    let (report, format) = match cmd {
        NetworkCommand::Aws { dir, format } => (scry_netreach::aws::analyze_dir(&dir)?, format),
        NetworkCommand::Host { root, format } => (scry_netreach::host::analyze(&root)?, format),
    };
    match format {
        Format::Json => crate::outln!("{}", serde_json::to_string_pretty(&report)?)?,
        Format::Table => {
            let table = scry_netreach::render_table(&report);
            crate::outln!("{}", table.trim_end())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
