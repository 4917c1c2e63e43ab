//! NuGet: `packages.lock.json` and `*.deps.json`.
//!
//! Traps:
//! - packages.lock.json lists each target framework; `Project` entries are the solution's
//!   own projects and are skipped; `Direct` / `Transitive` / `CentralTransitive` say the
//!   dependency kind.
//! - deps.json `libraries` keys are `Name/Version`; only `type: package` entries are
//!   NuGet packages (`project` is the application itself, `reference` an assembly).

use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, jstr, simple};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple(
            "nuget-lock",
            |p| file_name(p) == "packages.lock.json",
            parse_lock,
        ),
        simple(
            "dotnet-deps",
            |p| file_name(p).ends_with(".deps.json"),
            parse_deps,
        ),
    ]
}

fn parse_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    let Some(frameworks) = doc.get("dependencies").and_then(Value::as_object) else {
        return Err(CatalogError::new(path, "no `dependencies` object"));
    };
    let mut c = Collector::new(path, EcosystemKind::NuGet, PackageManager::Nuget, limits);
    for (fw, deps) in frameworks {
        let Some(deps) = deps.as_object() else {
            c.warn(format!("`{fw}`: not an object"));
            continue;
        };
        for (name, d) in deps {
            let ty = jstr(d, "type").unwrap_or("");
            if ty == "Project" {
                continue;
            }
            let Some(version) = jstr(d, "resolved") else {
                c.warn(format!("`{fw}` `{name}`: no `resolved` version"));
                continue;
            };
            let kind = match ty {
                "Direct" => Some(DependencyKind::Direct),
                "Transitive" | "CentralTransitive" => Some(DependencyKind::Transitive),
                _ => None,
            };
            c.add(name, version, kind);
        }
    }
    Ok(c.finish())
}

fn parse_deps(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    let Some(libs) = doc.get("libraries").and_then(Value::as_object) else {
        return Err(CatalogError::new(path, "no `libraries` object"));
    };
    let mut c = Collector::new(path, EcosystemKind::NuGet, PackageManager::Nuget, limits);
    for (key, lib) in libs {
        if jstr(lib, "type") != Some("package") {
            continue;
        }
        let Some((name, version)) = key.split_once('/') else {
            c.warn(format!("`{key}`: not `Name/Version`"));
            continue;
        };
        c.add(name, version, None);
    }
    Ok(c.finish())
}
