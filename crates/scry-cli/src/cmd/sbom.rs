//! `scry sbom image|rootfs|fs|function TARGET`: the inventory of a target as scry's JSON,
//! CycloneDX 1.6 JSON or SPDX 2.3 JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use scry_core::Inventory;
use scry_image::{Options, Platform, TargetSpec};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// scry's inventory JSON.
    Json,
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

/// What to inventory.
#[derive(Debug, Subcommand)]
pub(crate) enum Target {
    /// A container image: OCI layout folder, oci-archive tar or `docker save` tar.
    Image {
        path: PathBuf,
        /// `os/arch[/variant]` to pick from a multi-platform image [default: the host's].
        #[arg(long)]
        platform: Option<String>,
    },
    /// A root filesystem: a mounted disk snapshot, or `/`.
    Rootfs { path: PathBuf },
    /// A project folder or a single lockfile.
    Fs { path: PathBuf },
    /// A function deployment package (zip or folder) and its layers.
    Function {
        path: PathBuf,
        /// A layer (zip or folder); repeat in the order the function lists them.
        #[arg(long = "layer")]
        layers: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub(crate) struct SbomArgs {
    #[command(subcommand)]
    target: Target,
    #[arg(long, value_enum, default_value_t = Format::Cyclonedx, global = true)]
    format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short, global = true)]
    output: Option<PathBuf>,
}

/// Inventories a target with every cataloger.
pub(crate) fn inventory(target: &Target) -> anyhow::Result<Inventory> {
    let mut opts = Options::default();
    let spec = match target {
        Target::Image { path, platform } => {
            if let Some(p) = platform {
                opts.platform = Some(
                    p.parse::<Platform>()
                        .map_err(|e| anyhow::anyhow!("--platform {p}: {e}"))?,
                );
            }
            TargetSpec::Image(path.clone())
        }
        Target::Rootfs { path } => TargetSpec::Rootfs(path.clone()),
        Target::Fs { path } => TargetSpec::Fs(path.clone()),
        Target::Function { path, layers } => TargetSpec::Function {
            code: path.clone(),
            layers: layers.clone(),
        },
    };
    let catalogers = scry_catalog::all();
    let inv = scry_image::inventory(&spec, &catalogers, &opts)?;
    for w in &inv.warnings {
        tracing::info!("{w}");
    }
    if !inv.warnings.is_empty() {
        tracing::warn!(
            "{} inventory notes (files skipped or unreadable); `-v` lists them",
            inv.warnings.len()
        );
    }
    Ok(inv)
}

pub(crate) fn run(args: &SbomArgs) -> anyhow::Result<ExitCode> {
    let inv = inventory(&args.target)?;
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&inv)?,
        Format::Cyclonedx => serde_json::to_string_pretty(&crate::sbom::cyclonedx(&inv))?,
        Format::Spdx => serde_json::to_string_pretty(&crate::sbom::spdx(&inv))?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("writing {}", path.display()))?,
        None => crate::outln!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}
