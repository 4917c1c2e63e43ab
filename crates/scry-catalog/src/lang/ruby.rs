//! RubyGems: `Gemfile.lock` / `gems.locked` and installed `specifications/*.gemspec`.
//!
//! Traps:
//! - Gemfile.lock specs sit at indent 4 under `specs:` of `GEM` and `GIT` sections (their
//!   own dependencies at indent 6); `PATH` sections are the project's own gems and are
//!   skipped. `name (1.13.3-x86_64-linux)` carries a platform after the first `-`
//!   (RubyGems versions have none). It is kept in `arch` (every platform the lockfile
//!   lists for that name and version, comma-separated; none when one of them is the plain
//!   `ruby` platform), so that advisories about one platform only (RubySec's
//!   `platform: jruby`) can be told apart; a single platform is also the purl's `platform`
//!   qualifier.
//! - Gems named in `DEPENDENCIES` are direct, the rest transitive.
//! - Installed gemspecs are Ruby code; only `s.name = "x"` and `s.version = "1.0"` lines
//!   are read, with the file name (`x-1.0.gemspec`) as fallback.

use std::collections::{HashMap, HashSet};

use scry_core::{DependencyKind, EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, text};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple(
            "gemfile-lock",
            |p| matches!(file_name(p), "Gemfile.lock" | "gems.locked"),
            parse_gemfile_lock,
        ),
        simple(
            "gemspec",
            |p| p.ends_with(".gemspec") && p.contains("specifications/"),
            parse_gemspec,
        ),
    ]
}

fn parse_gemfile_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let mut c = Collector::new(
        path,
        EcosystemKind::RubyGems,
        PackageManager::Bundler,
        limits,
    );
    let mut section = "";
    let mut in_specs = false;
    let mut specs: Vec<(String, String, Option<String>)> = Vec::new();
    // (spec index, dependency name) at indent 6 under a spec.
    let mut spec_deps: Vec<(usize, String)> = Vec::new();
    let mut direct: HashSet<String> = HashSet::new();
    let mut any_section = false;
    for (n, line) in s.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let body = line.trim();
        if indent == 0 {
            section = body;
            in_specs = false;
            any_section |= matches!(body, "GEM" | "GIT" | "PATH" | "PLATFORMS" | "DEPENDENCIES");
            continue;
        }
        match section {
            "GEM" | "GIT" | "PLUGIN SOURCE" => {
                if indent == 2 {
                    in_specs = body == "specs:";
                } else if indent == 4 && in_specs && section != "PLUGIN SOURCE" {
                    let Some((name, rest)) = body.split_once(" (") else {
                        c.warn(format!("line {}: spec `{body}` without a version", n + 1));
                        continue;
                    };
                    let full = rest.trim_end_matches(')');
                    let (version, platform) = match full.split_once('-') {
                        Some((v, p)) => (v, Some(p.to_owned())),
                        None => (full, None),
                    };
                    specs.push((name.to_owned(), version.to_owned(), platform));
                } else if indent == 6 && in_specs && !specs.is_empty() {
                    let dep = body.split(' ').next().unwrap_or(body);
                    spec_deps.push((specs.len() - 1, dep.to_owned()));
                }
            }
            "DEPENDENCIES" if indent == 2 => {
                let name = body.split([' ', '!']).next().unwrap_or(body);
                direct.insert(name.to_owned());
            }
            _ => {}
        }
    }
    if !any_section && !s.trim().is_empty() {
        return Err(CatalogError::new(
            path,
            "not a Gemfile.lock: no `GEM` or `DEPENDENCIES` section",
        ));
    }
    // Platforms per (name, version): `None` in the list stands for the plain `ruby` one.
    let mut platforms: HashMap<(&str, &str), Vec<Option<&str>>> = HashMap::new();
    for (name, version, platform) in &specs {
        let list = platforms.entry((name, version)).or_default();
        if !list.contains(&platform.as_deref()) {
            list.push(platform.as_deref());
        }
    }
    for (name, version, _) in &specs {
        let kind = if direct.is_empty() {
            None
        } else if direct.contains(name) {
            Some(DependencyKind::Direct)
        } else {
            Some(DependencyKind::Transitive)
        };
        if let Some(i) = c.add(name, version, kind) {
            let list = &platforms[&(name.as_str(), version.as_str())];
            if list.iter().all(Option::is_some) {
                let arch: Vec<&str> = list.iter().flatten().copied().collect();
                let p = &mut c.packages_mut()[i];
                if let ([one], Some(purl)) = (arch.as_slice(), &mut p.purl) {
                    // The purl spec's own example: `pkg:gem/jruby-launcher@1.1.2?platform=java`.
                    purl.push_str("?platform=");
                    purl.push_str(&super::purl_encode(one));
                }
                p.arch = Some(arch.join(","));
            }
        }
    }
    for (si, dep) in spec_deps {
        let (name, version, _) = &specs[si];
        if let Some(from) = c.index_of(name, version) {
            c.edges_by_name(from, [(dep.as_str(), None)]);
        }
    }
    Ok(c.finish())
}

/// The string literal of `s.name = "x".freeze` style lines.
fn literal(rhs: &str) -> Option<&str> {
    let rhs = rhs.trim();
    let q = rhs.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rhs[1..];
    Some(&rest[..rest.find(q)?])
}

fn parse_gemspec(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = String::from_utf8_lossy(bytes);
    let mut c = Collector::new(
        path,
        EcosystemKind::RubyGems,
        PackageManager::Gemspec,
        limits,
    );
    let mut name = None;
    let mut version = None;
    for line in s.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        let lhs = lhs.trim();
        let field = lhs.rsplit('.').next().unwrap_or("");
        if lhs.contains('.') && field == "name" && name.is_none() {
            name = literal(rhs).map(str::to_owned);
        } else if lhs.contains('.') && field == "version" && version.is_none() {
            version = literal(rhs)
                .map(str::to_owned)
                .or_else(|| rhs.split('"').nth(1).map(str::to_owned));
        }
    }
    if name.is_none() || version.is_none() {
        // `name-1.2.3.gemspec`.
        let stem = file_name(path).trim_end_matches(".gemspec");
        if let Some((n, v)) = stem.rsplit_once('-')
            && v.starts_with(|ch: char| ch.is_ascii_digit())
        {
            name = name.or_else(|| Some(n.to_owned()));
            version = version.or_else(|| Some(v.to_owned()));
        }
    }
    match (name, version) {
        (Some(n), Some(v)) => {
            c.add(&n, &v, None);
            Ok(c.finish())
        }
        _ => Err(CatalogError::new(
            path,
            "no `name` and `version` in the gemspec",
        )),
    }
}
