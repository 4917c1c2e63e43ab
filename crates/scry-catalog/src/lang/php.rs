//! Packagist: `composer.lock` and Composer's `installed.json` (v1 array, v2 object).
//!
//! Traps:
//! - `packages-dev` (lock) and `dev-package-names` (installed v2) are dev packages;
//!   versions are kept as written (`v1.2.3` stays, the matcher normalises).
//! - Composer writes `installed.json` to `vendor/composer/`, but it is read under any
//!   folder (trivy's composer-vendor analyzer goes by the file name too: copied vendor
//!   trees and extracted artifacts keep the file without its folders). The name is
//!   common, so outside a `composer/` folder a file that is not JSON of Composer's shape
//!   (an array of objects with a `name`, or an object with a `packages` array) is someone
//!   else's: skipped without a warning.

use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, jstr, simple};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple(
            "composer-lock",
            |p| file_name(p) == "composer.lock",
            parse_lock,
        ),
        simple(
            "composer-installed",
            |p| file_name(p) == "installed.json",
            parse_installed,
        ),
    ]
}

fn add_list(c: &mut Collector<'_>, list: &[Value], section: &str, dev: &dyn Fn(&str) -> bool) {
    for (i, p) in list.iter().enumerate() {
        let (Some(name), Some(version)) = (jstr(p, "name"), jstr(p, "version")) else {
            c.warn(format!("{section} {i}: no name or version"));
            continue;
        };
        let kind = dev(name).then_some(DependencyKind::Dev);
        if c.add(name, version, kind).is_some()
            && let Some(l) = p.get("license").and_then(Value::as_array)
            && let Some(last) = c.packages_mut().last_mut()
        {
            last.licenses = l
                .iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect();
        }
    }
}

fn parse_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let mut c = Collector::new(
        path,
        EcosystemKind::Packagist,
        PackageManager::Composer,
        limits,
    );
    if let Some(l) = doc.get("packages").and_then(Value::as_array) {
        add_list(&mut c, l, "packages", &|_| false);
    }
    if let Some(l) = doc.get("packages-dev").and_then(Value::as_array) {
        add_list(&mut c, l, "packages-dev", &|_| true);
    }
    // Edges: `require` names (platform requirements like `php`, `ext-json` match nothing).
    for section in ["packages", "packages-dev"] {
        for p in doc
            .get(section)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(name), Some(version)) = (jstr(p, "name"), jstr(p, "version")) else {
                continue;
            };
            let Some(from) = c.index_of(name, version) else {
                continue;
            };
            if let Some(req) = p.get("require").and_then(Value::as_object) {
                c.edges_by_name(from, req.keys().map(|k| (k.as_str(), None)));
            }
        }
    }
    Ok(c.finish())
}

/// Whether `path` is where Composer writes `installed.json` (`.../composer/installed.json`).
fn in_composer_dir(path: &str) -> bool {
    path == "composer/installed.json" || path.ends_with("/composer/installed.json")
}

fn parse_installed(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = match super::json(path, bytes) {
        Ok(doc) => doc,
        Err(_) if !in_composer_dir(path) => return Ok(Found::default()),
        Err(e) => return Err(e),
    };
    let composer_shaped = match &doc {
        Value::Array(l) => l.iter().all(|p| jstr(p, "name").is_some()),
        Value::Object(o) => o.get("packages").is_some_and(Value::is_array),
        _ => false,
    };
    if !composer_shaped && !in_composer_dir(path) {
        return Ok(Found::default());
    }
    let mut c = Collector::new(
        path,
        EcosystemKind::Packagist,
        PackageManager::Composer,
        limits,
    );
    match &doc {
        Value::Array(l) => add_list(&mut c, l, "package", &|_| false),
        Value::Object(_) => {
            let dev_names: Vec<String> = doc
                .get("dev-package-names")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let l = doc
                .get("packages")
                .and_then(Value::as_array)
                .ok_or_else(|| CatalogError::new(path, "no `packages` array"))?;
            add_list(&mut c, l, "package", &|n| dev_names.iter().any(|d| d == n));
        }
        _ => return Err(CatalogError::new(path, "neither an array nor an object")),
    }
    Ok(c.finish())
}
