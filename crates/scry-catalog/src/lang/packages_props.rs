//! NuGet: central package versions in `Directory.Packages.props` and the older
//! `Packages.props` (Microsoft.Build.CentralPackageVersions).
//!
//! Traps:
//! - Entries are `<ItemGroup>` children of `<Project>`: `<PackageVersion>` (central package
//!   management), `<PackageReference>` (`Packages.props`) and `<GlobalPackageReference>`
//!   (a reference every project gets). The name is in `Include`, or in the legacy `Update`;
//!   the version in the `Version` attribute or a `<Version>` child element.
//! - The file pins versions for the solution's projects; it cannot say which projects use
//!   which entry, so no dependency kind is set.
//! - MSBuild properties (`$(NewtonsoftVersion)`) are defined elsewhere (other props files,
//!   the command line): such entries are skipped with a warning, as are version ranges
//!   and floating versions; `[1.2.3]` is the exact version 1.2.3.
//! - File names are matched case-insensitively (NuGet on Linux does too): `packages.props`,
//!   `Directory.Packages.props` and any `*.packages.props`. trivy also reads
//!   `*packages.props` without the dot, and drops `GlobalPackageReference` entries.

use scry_core::{EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, xml};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![simple("nuget-props", wants, parse)]
}

fn wants(path: &str) -> bool {
    let name = file_name(path).to_ascii_lowercase();
    name == "packages.props" || name.ends_with(".packages.props")
}

const ENTRIES: [&str; 3] = [
    "PackageVersion",
    "PackageReference",
    "GlobalPackageReference",
];

fn is_property(s: &str) -> bool {
    s.contains("$(")
}

fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = super::text_any(path, bytes)?;
    let root = xml::parse(&s, limits.max_depth.max(1) * 8)
        .map_err(|e| CatalogError::new(path, format!("invalid XML: {e}")))?;
    let project = root
        .child("Project")
        .ok_or_else(|| CatalogError::new(path, "no `<Project>` element"))?;
    let mut c = Collector::new(path, EcosystemKind::NuGet, PackageManager::Nuget, limits);
    for group in project.children_named("ItemGroup") {
        for entry in group
            .children
            .iter()
            .filter(|e| ENTRIES.contains(&e.name.as_str()))
        {
            let kind = &entry.name;
            let Some(name) = entry
                .attr("Include")
                .filter(|n| !n.trim().is_empty())
                .or_else(|| entry.attr("Update"))
                .map(str::trim)
                .filter(|n| !n.is_empty())
            else {
                c.warn(format!("`<{kind}>` without `Include` or `Update`"));
                continue;
            };
            if is_property(name) {
                c.warn(format!(
                    "`<{kind}>` `{name}`: the name uses an MSBuild property"
                ));
                continue;
            }
            let Some(version) = entry
                .attr("Version")
                .or_else(|| entry.text_of("Version"))
                .map(str::trim)
                .filter(|v| !v.is_empty())
            else {
                c.warn(format!("`{name}`: no version"));
                continue;
            };
            if is_property(version) {
                c.warn(format!(
                    "`{name}`: version `{version}` uses an MSBuild property defined elsewhere"
                ));
                continue;
            }
            let exact = version
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .unwrap_or(version)
                .trim();
            if exact.contains([',', '(', ')', '[', ']', '*']) {
                c.warn(format!(
                    "`{name}`: version `{version}` is a range or floating: skipped"
                ));
                continue;
            }
            c.add(name, exact, None);
        }
    }
    Ok(c.finish())
}
