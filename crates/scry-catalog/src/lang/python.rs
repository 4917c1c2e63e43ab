//! PyPI: `requirements*.txt`, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pdm.lock`,
//! `pylock.toml` and installed `*.dist-info/METADATA` / `*.egg-info/PKG-INFO`.
//!
//! Traps:
//! - requirements files pin with `==` (or `===`); a line with a range (`>=`, `~=`) or no
//!   version says nothing about what is installed, so it is skipped with a warning. `-r`
//!   includes are not followed (the included file is catalogued on its own). Extras
//!   (`name[extra]`), markers (`; python_version < "3"`), hashes and trailing `\`
//!   continuations are dropped; `==1.0.*` wildcards are not pins.
//! - poetry marks dev packages with `category = "dev"` (1.x) or `groups = [...]` without
//!   `main` (2.x); pdm with `groups` without `default`; Pipfile.lock with the `develop`
//!   section; uv with the root package's `dev-dependencies` / `optional-dependencies`.
//! - Git sources keep the package's declared version (advisories range over versions).
//! - uv's root (`source = { editable = "." }` / `virtual`) is the project itself and is
//!   reported like trivy does (as a package), its dependencies as direct.

use std::collections::{HashMap, HashSet};

use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, pep503, simple, toml_table, tstr};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple(
            "python-requirements",
            wants_requirements,
            parse_requirements,
        ),
        simple(
            "poetry-lock",
            |p| file_name(p) == "poetry.lock",
            parse_poetry,
        ),
        simple(
            "pipenv-lock",
            |p| file_name(p) == "Pipfile.lock",
            parse_pipfile,
        ),
        simple("uv-lock", |p| file_name(p) == "uv.lock", parse_uv),
        simple("pdm-lock", |p| file_name(p) == "pdm.lock", parse_pdm),
        simple("pylock", wants_pylock, parse_pylock),
        simple("python-installed", wants_installed, parse_installed),
    ]
}

fn wants_requirements(path: &str) -> bool {
    let f = file_name(path);
    f.ends_with(".txt") && f.starts_with("requirements")
}

fn wants_pylock(path: &str) -> bool {
    let f = file_name(path);
    f == "pylock.toml" || (f.starts_with("pylock.") && f.ends_with(".toml"))
}

fn wants_installed(path: &str) -> bool {
    path.ends_with(".dist-info/METADATA")
        || path.ends_with(".egg-info/PKG-INFO")
        || path.ends_with(".egg-info")
        || path.ends_with("/EGG-INFO/PKG-INFO")
}

fn parse_requirements(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = super::text_any(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Pip, limits);
    // Join `\` continuations first.
    let mut logical: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in s.lines() {
        let line = line.trim_end();
        if let Some(head) = line.strip_suffix('\\') {
            cur.push_str(head);
            cur.push(' ');
            continue;
        }
        cur.push_str(line);
        logical.push(std::mem::take(&mut cur));
    }
    if !cur.is_empty() {
        logical.push(cur);
    }
    for line in logical {
        // Comments start at ` #` or at the line start.
        let line = match line.find(" #") {
            Some(i) => &line[..i],
            None => line.as_str(),
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        if line.contains("://") || line.starts_with('.') || line.starts_with('/') {
            // URLs and local paths carry no version we can trust.
            continue;
        }
        let line = line.split(';').next().unwrap_or(line);
        // Per-requirement options (`--hash=...`, `-C x`) end the requirement.
        let line = line.split(" -").next().unwrap_or(line).trim();
        let Some((name, version)) = split_pin(line) else {
            c.warn(format!(
                "`{}`: not pinned with `==`: skipped",
                line.chars().take(80).collect::<String>()
            ));
            continue;
        };
        c.add(name, version, None);
    }
    Ok(c.finish())
}

/// `name[extras] == 1.2.3` → (`name`, `1.2.3`).
fn split_pin(line: &str) -> Option<(&str, &str)> {
    let idx = line.find("==")?;
    let name = line[..idx].trim();
    let name = name.split('[').next().unwrap_or(name).trim();
    let version = line[idx + 2..].trim_start_matches('=').trim();
    let version = version.split(',').next().unwrap_or(version).trim();
    // Text after the version (`==1.0 stray words`) is not part of it.
    let version = version.split_whitespace().next().unwrap_or("");
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !valid_name || version.is_empty() || version.contains('*') || version.contains(' ') {
        return None;
    }
    Some((name, version))
}

fn packages_array<'t>(table: &'t toml::Table, key: &str) -> &'t [toml::Value] {
    table
        .get(key)
        .and_then(toml::Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn str_list(v: &toml::Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(toml::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn parse_poetry(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let t = toml_table(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Poetry, limits);
    for (i, p) in packages_array(&t, "package").iter().enumerate() {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            c.warn(format!("package {i}: no name or version"));
            continue;
        };
        let groups = str_list(p, "groups");
        let dev = tstr(p, "category") == Some("dev")
            || (!groups.is_empty() && !groups.iter().any(|g| g == "main"));
        c.add(name, version, dev.then_some(DependencyKind::Dev));
    }
    link_by_normalised_name(&mut c, packages_array(&t, "package"), |p| {
        p.get("dependencies")
            .and_then(toml::Value::as_table)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    });
    Ok(c.finish())
}

/// Edges between a TOML lockfile's packages, by PEP 503-normalised name: `deps` lists the
/// names a package entry depends on.
fn link_by_normalised_name(
    c: &mut Collector<'_>,
    pkgs: &[toml::Value],
    deps: impl Fn(&toml::Value) -> Vec<String>,
) {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut entries = Vec::new();
    for p in pkgs {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            continue;
        };
        if let Some(i) = c.index_of(name, version) {
            by_name.entry(pep503(name)).or_default().push(i);
            entries.push((i, p));
        }
    }
    for (from, p) in entries {
        for d in deps(p) {
            if let Some([to]) = by_name.get(&pep503(&d)).map(Vec::as_slice) {
                c.edge(from, *to);
            }
        }
    }
}

fn parse_pipfile(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Pipenv, limits);
    for (section, kind) in [("default", None), ("develop", Some(DependencyKind::Dev))] {
        let Some(m) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (name, entry) in m {
            let Some(v) = super::jstr(entry, "version") else {
                // Git/path entries: the `ref` is the commit.
                if let Some(r) = super::jstr(entry, "ref") {
                    c.add(name, r, kind);
                }
                continue;
            };
            let v = v.trim_start_matches("===").trim_start_matches("==");
            c.add(name, v, kind);
        }
    }
    Ok(c.finish())
}

fn parse_uv(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let t = toml_table(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Uv, limits);
    let pkgs = packages_array(&t, "package");
    // The root: `source = { editable = "." }` or `{ virtual = "." }`.
    let is_root = |p: &toml::Value| {
        p.get("source")
            .is_some_and(|s| tstr(s, "editable") == Some(".") || tstr(s, "virtual") == Some("."))
    };
    let names_of = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| tstr(d, "name").map(pep503))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut direct: HashSet<String> = HashSet::new();
    let mut edges: HashMap<String, Vec<String>> = HashMap::new();
    for p in pkgs {
        if let Some(name) = tstr(p, "name") {
            edges.insert(pep503(name), names_of(p.get("dependencies")));
        }
        if is_root(p) {
            direct.extend(names_of(p.get("dependencies")));
        }
    }
    // What production code reaches from the direct dependencies; the rest is dev-only.
    let mut prod: HashSet<String> = HashSet::new();
    let mut stack: Vec<String> = direct.iter().cloned().collect();
    while let Some(n) = stack.pop() {
        if prod.insert(n.clone())
            && let Some(next) = edges.get(&n)
        {
            stack.extend(next.iter().cloned());
        }
    }
    let has_root = pkgs.iter().any(is_root);
    for (i, p) in pkgs.iter().enumerate() {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            c.warn(format!("package {i}: no name or version"));
            continue;
        };
        let n = pep503(name);
        let kind = if is_root(p) || !has_root {
            None
        } else if direct.contains(&n) {
            Some(DependencyKind::Direct)
        } else if prod.contains(&n) {
            Some(DependencyKind::Transitive)
        } else {
            Some(DependencyKind::Dev)
        };
        c.add(name, version, kind);
    }
    link_by_normalised_name(&mut c, pkgs, |p| {
        p.get("dependencies")
            .and_then(toml::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| tstr(d, "name").map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    });
    Ok(c.finish())
}

fn parse_pdm(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let t = toml_table(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Pdm, limits);
    for (i, p) in packages_array(&t, "package").iter().enumerate() {
        let (Some(name), Some(version)) = (tstr(p, "name"), tstr(p, "version")) else {
            c.warn(format!("package {i}: no name or version"));
            continue;
        };
        let groups = str_list(p, "groups");
        let dev = !groups.is_empty() && !groups.iter().any(|g| g == "default");
        c.add(name, version, dev.then_some(DependencyKind::Dev));
    }
    Ok(c.finish())
}

fn parse_pylock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let t = toml_table(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::Pip, limits);
    for (i, p) in packages_array(&t, "packages").iter().enumerate() {
        let Some(name) = tstr(p, "name") else {
            c.warn(format!("package {i}: no name"));
            continue;
        };
        let version = tstr(p, "version").map(str::to_owned).or_else(|| {
            p.get("vcs")
                .and_then(|v| tstr(v, "commit-id"))
                .map(str::to_owned)
        });
        let Some(version) = version else {
            // Directory/archive packages without a version (the project itself).
            continue;
        };
        c.add(name, &version, None);
    }
    Ok(c.finish())
}

/// `Name:` and `Version:` of an RFC 822 style metadata file (headers end at the first
/// blank line).
fn parse_installed(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = String::from_utf8_lossy(bytes);
    let mut c = Collector::new(path, EcosystemKind::PyPi, PackageManager::PythonPkg, limits);
    let mut name = None;
    let mut version = None;
    let mut license = None;
    for line in s.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            // Header names are case-insensitive (RFC 822).
            match k.trim().to_ascii_lowercase().as_str() {
                "name" if name.is_none() => name = Some(v.trim().to_owned()),
                "version" if version.is_none() => version = Some(v.trim().to_owned()),
                "license" if license.is_none() => license = Some(v.trim().to_owned()),
                _ => {}
            }
        }
    }
    match (name, version) {
        (Some(n), Some(v)) => {
            if c.add(&n, &v, None).is_some()
                && let Some(l) = license.filter(|l| !l.is_empty() && l != "UNKNOWN")
                && let Some(p) = c.packages_mut().last_mut()
            {
                p.licenses = vec![l];
            }
            Ok(c.finish())
        }
        _ => Err(CatalogError::new(path, "no `Name` and `Version` headers")),
    }
}
