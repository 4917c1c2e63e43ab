//! Maven via sbt: sbt-dependency-lock's `build.sbt.lock` (lock format version 1).
//!
//! Traps:
//! - The lock lists the resolved graph flat: `dependencies[]` with `org`, `name`, `version`
//!   and the sbt `configurations` each is in. It cannot tell direct from transitive.
//! - A dependency only in `test` configurations (`test`, `test-internal`, ...) is a dev
//!   dependency. trivy drops every dependency outside `compile` and `runtime` (also
//!   `provided` and `optional` ones, which do ship or build against the code); scry keeps
//!   them, with test-only ones marked dev.
//! - Scala artifacts carry the Scala version in the name (`cats-core_2.12`); that is the
//!   Maven artifact id, and advisories name it so.

use serde_json::Value;

use scry_core::{DependencyKind, EcosystemKind, PackageManager};

use super::{Collector, file_name, jstr, simple};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![simple(
        "sbt-lock",
        |p| file_name(p) == "build.sbt.lock",
        parse,
    )]
}

fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let mut c = Collector::new(path, EcosystemKind::Maven, PackageManager::Sbt, limits);
    match doc.get("lockVersion") {
        None => {}
        Some(v) if v.as_u64() == Some(1) => {}
        Some(Value::Number(n)) => c.warn(format!("lock version {n}: read as version 1")),
        Some(_) => c.warn("`lockVersion` is not a number: read as version 1"),
    }
    let Some(deps) = doc.get("dependencies") else {
        return Ok(c.finish());
    };
    let deps = deps
        .as_array()
        .ok_or_else(|| CatalogError::new(path, "`dependencies` is not an array"))?;
    for (i, d) in deps.iter().enumerate() {
        let (Some(org), Some(name)) = (jstr(d, "org"), jstr(d, "name")) else {
            c.warn(format!("dependency {i}: no `org` or `name`"));
            continue;
        };
        if org.trim().is_empty() || name.trim().is_empty() || name.contains(':') {
            c.warn(format!("dependency {i}: `{org}:{name}` is not `org:name`"));
            continue;
        }
        let Some(version) = jstr(d, "version") else {
            c.warn(format!("`{org}:{name}`: no version"));
            continue;
        };
        let configs: Vec<&str> = d
            .get("configurations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let test_only = !configs.is_empty() && configs.iter().all(|cfg| cfg.starts_with("test"));
        c.add(
            &format!("{}:{}", org.trim(), name.trim()),
            version,
            test_only.then_some(DependencyKind::Dev),
        );
    }
    Ok(c.finish())
}
