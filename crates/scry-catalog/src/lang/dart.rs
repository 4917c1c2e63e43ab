//! Pub: `pubspec.lock`.
//!
//! Traps: `dependency` is `direct main`, `direct dev`, `direct overridden` or
//! `transitive`; `sdk` sources (flutter itself) are not pub.dev packages and are skipped.

use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, jstr, simple};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![simple(
        "pubspec-lock",
        |p| file_name(p) == "pubspec.lock",
        parse,
    )]
}

fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::yaml(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::Pub, PackageManager::Pub, limits);
    if doc.is_null() {
        return Ok(c.finish());
    }
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a YAML mapping"));
    }
    let Some(pkgs) = doc.get("packages").and_then(Value::as_object) else {
        return Ok(c.finish());
    };
    for (name, p) in pkgs {
        if jstr(p, "source") == Some("sdk") {
            continue;
        }
        let version = match p.get("version") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                c.warn(format!("`{name}`: no version"));
                continue;
            }
        };
        let kind = match jstr(p, "dependency") {
            Some("direct main" | "direct overridden") => Some(DependencyKind::Direct),
            Some("direct dev") => Some(DependencyKind::Dev),
            Some("transitive") => Some(DependencyKind::Transitive),
            _ => None,
        };
        c.add(name, &version, kind);
    }
    Ok(c.finish())
}
