//! Maven: Java archives (`.jar`, `.war`, `.ear`, `.par`, `.hpi`/`.jpi`), `gradle.lockfile`
//! and `pom.xml`.
//!
//! Traps:
//! - An archive may hold several `META-INF/maven/<group>/<artifact>/pom.properties` (shaded
//!   jars): each is a package; a `pom.properties` elsewhere counts too (peers do the same). Without any, `META-INF/MANIFEST.MF` (`Implementation-Title`
//!   / `Bundle-SymbolicName` + `Implementation-Version` / `Bundle-Version`, group from
//!   `Implementation-Vendor-Id` or the symbolic name) and then the file name
//!   (`name-1.2.3.jar`) stand in; an unknown group is the artifact id (as osv-scalibr does).
//! - Nested archives (`BOOT-INF/lib/*.jar`, `WEB-INF/lib/*.jar`, `lib/*.jar`) are read from
//!   memory, up to `Limits::max_depth` levels; every decompressed byte counts against one
//!   budget (`Limits::max_file_bytes`), so zip bombs stop with a warning. Packages found in
//!   a nested archive have the path `outer.war!/WEB-INF/lib/inner.jar`.
//! - `pom.xml` is read with the tiny tolerant XML reader of `xml.rs`: `<dependencies>` of
//!   the project (not `<dependencyManagement>`, not plugins) with literal versions or
//!   `${property}` from the same file (`<properties>`, `project.version`,
//!   `project.parent.version`); versions from parents or imported BOMs are not resolved
//!   (warning), `test` scope is dev.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use scry_core::{DependencyKind, EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, text, xml};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple("java-archive", wants_archive, parse_archive),
        simple("gradle-lock", wants_gradle, parse_gradle),
        simple("maven-pom", |p| file_name(p) == "pom.xml", parse_pom),
    ]
}

fn is_archive_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".jar", ".war", ".ear", ".par", ".hpi", ".jpi", ".sar", ".rar", ".kar", ".nar",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// Top-level files: the unambiguous Java archive names only (a `.rar` is more often a RAR
/// archive than a resource adapter; inside a Java archive every name above is followed).
fn wants_archive(path: &str) -> bool {
    let lower = file_name(path).to_ascii_lowercase();
    [".jar", ".war", ".ear", ".par", ".hpi", ".jpi"]
        .iter()
        .any(|e| lower.ends_with(e))
}

fn wants_gradle(path: &str) -> bool {
    let f = file_name(path);
    f == "gradle.lockfile"
        || f == "buildscript-gradle.lockfile"
        || (f.ends_with(".lockfile") && path.contains("gradle/dependency-locks/"))
}

/// `key=value` lines (Java properties, without escapes or continuations).
fn properties(s: &str) -> HashMap<String, String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| l.split_once(['=', ':']))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// `MANIFEST.MF` attributes, with continuation lines joined; the main section's value wins
/// over a later (per-entry) section's.
fn manifest(s: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut last: Option<(String, bool)> = None;
    for line in s.lines() {
        if let Some(cont) = line.strip_prefix(' ') {
            if let Some((k, true)) = &last
                && let Some(v) = out.get_mut(k)
            {
                v.push_str(cont);
            }
            continue;
        }
        last = None;
        if let Some((k, v)) = line.split_once(':') {
            let k = k.trim().to_owned();
            let fresh = !out.contains_key(&k);
            if fresh {
                out.insert(k.clone(), v.trim().to_owned());
            }
            last = Some((k, fresh));
        }
    }
    out
}

/// Whether a manifest value can be a Maven id (no spaces, no unexpanded placeholders).
fn plausible_id(s: &str) -> bool {
    !s.is_empty() && !s.contains(char::is_whitespace) && !s.contains("${") && !s.starts_with('%')
}

/// What a whole archive walk shares: the decompression budget.
struct Walk<'l> {
    limits: &'l Limits,
    budget: u64,
}

fn read_entry(entry: &mut impl Read, name: &str, walk: &mut Walk<'_>) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    entry
        .take(walk.budget.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| format!("`{name}`: {e}"))?;
    let n = buf.len() as u64;
    if n > walk.budget {
        walk.budget = 0;
        return Err(format!(
            "`{name}`: decompressed size over the limit of {} bytes",
            walk.limits.max_file_bytes
        ));
    }
    walk.budget -= n;
    Ok(buf)
}

/// The (group, artifact, version) of a MANIFEST.MF, or `None`.
fn from_manifest(m: &HashMap<String, String>, stem: &str) -> Option<(String, String, String)> {
    let bsn = m
        .get("Bundle-SymbolicName")
        .map(|s| s.split(';').next().unwrap_or(s).trim().to_owned())
        .filter(|s| plausible_id(s));
    let version = m
        .get("Implementation-Version")
        .or_else(|| m.get("Bundle-Version"))
        .or_else(|| m.get("Specification-Version"))?
        .split_whitespace()
        .next()?
        .to_owned();
    let title = m
        .get("Implementation-Title")
        .map(String::as_str)
        .unwrap_or("");
    // `group#artifact;version` (Elasticsearch-style titles).
    if let Some((g, rest)) = title.split_once('#') {
        let a = rest.split(';').next().unwrap_or(rest);
        if plausible_id(g) && plausible_id(a) {
            return Some((g.to_owned(), a.to_owned(), version));
        }
    }
    let artifact = Some(title.to_owned())
        .filter(|t| plausible_id(t))
        .or_else(|| bsn.clone())
        .unwrap_or_else(|| stem_name(stem).0);
    let group = m
        .get("Implementation-Vendor-Id")
        .filter(|g| plausible_id(g))
        .cloned()
        .or_else(|| {
            bsn.as_ref()
                .and_then(|b| b.rsplit_once('.').map(|(g, _)| g.to_owned()))
        })
        .unwrap_or_else(|| artifact.clone());
    Some((group, artifact, version))
}

/// `name-1.2.3` → (`name`, `Some("1.2.3")`).
fn stem_name(stem: &str) -> (String, Option<String>) {
    let mut idx = None;
    for (i, _) in stem.match_indices('-') {
        if stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            idx = Some(i);
            break;
        }
    }
    match idx {
        Some(i) => (stem[..i].to_owned(), Some(stem[i + 1..].to_owned())),
        None => (stem.to_owned(), None),
    }
}

fn walk_archive(
    c: &mut Collector<'_>,
    display: &str,
    bytes: &[u8],
    depth: usize,
    walk: &mut Walk<'_>,
) -> Result<(), String> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a zip: {e}"))?;
    let mut poms: Vec<(String, String, String)> = Vec::new();
    let mut man: Option<HashMap<String, String>> = None;
    let mut nested: Vec<(String, Vec<u8>)> = Vec::new();
    let count = zip.len().min(c_limit(walk.limits));
    for i in 0..count {
        let Ok(mut entry) = zip.by_index(i) else {
            c.warn(format!("{display}: entry {i}: unreadable"));
            continue;
        };
        let Ok(name) = entry.name().map(std::borrow::Cow::into_owned) else {
            c.warn(format!("{display}: entry {i}: unreadable name"));
            continue;
        };
        // Usually `META-INF/maven/<group>/<artifact>/pom.properties`, but any will do.
        if file_name(&name) == "pom.properties" {
            match read_entry(&mut entry, &name, walk) {
                Ok(b) => {
                    let p = properties(&String::from_utf8_lossy(&b));
                    match (p.get("groupId"), p.get("artifactId"), p.get("version")) {
                        (g, Some(a), Some(v)) if !a.is_empty() && !v.is_empty() => {
                            let g = g.filter(|g| !g.is_empty()).unwrap_or(a);
                            poms.push((g.clone(), a.clone(), v.clone()));
                        }
                        _ => c.warn(format!("{display}: `{name}`: no artifactId or version")),
                    }
                }
                Err(e) => {
                    c.warn(format!("{display}: {e}"));
                    // Over the byte budget: keep what was found, read no further.
                    if walk.budget == 0 {
                        break;
                    }
                }
            }
        } else if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
            match read_entry(&mut entry, &name, walk) {
                Ok(b) => man = Some(manifest(&String::from_utf8_lossy(&b))),
                Err(e) => {
                    c.warn(format!("{display}: {e}"));
                    // Over the byte budget: keep what was found, read no further.
                    if walk.budget == 0 {
                        break;
                    }
                }
            }
        } else if is_archive_name(&name) && !entry.is_dir() {
            if depth + 1 >= walk.limits.max_depth {
                c.warn(format!(
                    "{display}: `{name}`: nested deeper than {} archives: skipped",
                    walk.limits.max_depth
                ));
                continue;
            }
            match read_entry(&mut entry, &name, walk) {
                Ok(b) => nested.push((name, b)),
                Err(e) => {
                    c.warn(format!("{display}: {e}"));
                    // Over the byte budget: keep what was found, read no further.
                    if walk.budget == 0 {
                        break;
                    }
                }
            }
        }
    }
    let stem = file_name(display);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    if poms.is_empty() {
        if let Some((g, a, v)) = man.as_ref().and_then(|m| from_manifest(m, stem)) {
            poms.push((g, a, v));
        } else if let (a, Some(v)) = stem_name(stem) {
            poms.push((a.clone(), a, v));
        }
    }
    for (g, a, v) in poms {
        if c.add(&format!("{g}:{a}"), &v, None).is_some()
            && depth > 0
            && let Some(p) = c.packages_mut().last_mut()
        {
            p.path = display.to_owned();
        }
    }
    for (name, b) in nested {
        let inner = format!("{display}!/{name}");
        if let Err(e) = walk_archive(c, &inner, &b, depth + 1, walk) {
            c.warn(format!("{inner}: {e}"));
        }
    }
    Ok(())
}

fn c_limit(limits: &Limits) -> usize {
    limits.max_packages_per_file.clamp(1, 1_000_000)
}

fn parse_archive(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let mut c = Collector::new(path, EcosystemKind::Maven, PackageManager::Jar, limits);
    let mut walk = Walk {
        limits,
        budget: limits.max_file_bytes,
    };
    walk_archive(&mut c, path, bytes, 0, &mut walk).map_err(|e| CatalogError::new(path, e))?;
    Ok(c.finish())
}

fn parse_gradle(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::Maven, PackageManager::Gradle, limits);
    for (n, line) in s.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coord, configs) = line.split_once('=').unwrap_or((line, ""));
        let parts: Vec<&str> = coord.split(':').collect();
        let [g, a, v] = parts.as_slice() else {
            c.warn(format!(
                "line {}: `{coord}` is not `group:artifact:version`",
                n + 1
            ));
            continue;
        };
        if g.is_empty() || a.is_empty() {
            c.warn(format!(
                "line {}: `{coord}` is not `group:artifact:version`",
                n + 1
            ));
            continue;
        }
        let test_only = !configs.is_empty()
            && configs
                .split(',')
                .all(|cfg| cfg.trim().to_ascii_lowercase().starts_with("test"));
        c.add(
            &format!("{g}:{a}"),
            v,
            test_only.then_some(DependencyKind::Dev),
        );
    }
    Ok(c.finish())
}

/// Replaces `${name}` from `props`; `None` when one is left unresolved.
fn interpolate(s: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut out = s.to_owned();
    for _ in 0..8 {
        let Some(start) = out.find("${") else {
            return Some(out);
        };
        let end = out[start..].find('}')? + start;
        let key = &out[start + 2..end];
        let value = props.get(key)?.clone();
        out.replace_range(start..=end, &value);
    }
    (!out.contains("${")).then_some(out)
}

fn parse_pom(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = super::text_any(path, bytes)?;
    let root = xml::parse(&s, limits.max_depth.max(1) * 8)
        .map_err(|e| CatalogError::new(path, format!("invalid XML: {e}")))?;
    let project = root
        .child("project")
        .ok_or_else(|| CatalogError::new(path, "no `<project>` element"))?;
    let mut c = Collector::new(path, EcosystemKind::Maven, PackageManager::Pom, limits);
    let mut props: HashMap<String, String> = HashMap::new();
    if let Some(p) = project.child("properties") {
        for el in &p.children {
            props.insert(el.name.clone(), el.text.trim().to_owned());
        }
    }
    let parent = project.child("parent");
    for (key, val) in [
        (
            "project.groupId",
            project
                .text_of("groupId")
                .or_else(|| parent.and_then(|p| p.text_of("groupId"))),
        ),
        ("project.artifactId", project.text_of("artifactId")),
        (
            "project.version",
            project
                .text_of("version")
                .or_else(|| parent.and_then(|p| p.text_of("version"))),
        ),
        (
            "project.parent.version",
            parent.and_then(|p| p.text_of("version")),
        ),
        (
            "project.parent.groupId",
            parent.and_then(|p| p.text_of("groupId")),
        ),
    ] {
        if let Some(v) = val {
            props.insert(key.to_owned(), v.to_owned());
            props.insert(key.trim_start_matches("project.").to_owned(), v.to_owned());
        }
    }
    // Versions the file's own dependencyManagement pins.
    let mut managed: HashMap<(String, String), String> = HashMap::new();
    if let Some(dm) = project
        .child("dependencyManagement")
        .and_then(|d| d.child("dependencies"))
    {
        for d in dm.children.iter().filter(|d| d.name == "dependency") {
            if let (Some(g), Some(a), Some(v)) = (
                d.text_of("groupId"),
                d.text_of("artifactId"),
                d.text_of("version"),
            ) {
                let g = interpolate(g, &props).unwrap_or_else(|| g.to_owned());
                let a = interpolate(a, &props).unwrap_or_else(|| a.to_owned());
                managed.insert((g, a), v.to_owned());
            }
        }
    }
    let Some(deps) = project.child("dependencies") else {
        return Ok(c.finish());
    };
    for d in deps.children.iter().filter(|d| d.name == "dependency") {
        let (Some(g), Some(a)) = (d.text_of("groupId"), d.text_of("artifactId")) else {
            c.warn("dependency without groupId or artifactId");
            continue;
        };
        let (Some(g), Some(a)) = (interpolate(g, &props), interpolate(a, &props)) else {
            c.warn(format!("`{g}:{a}`: unresolved property in the coordinates"));
            continue;
        };
        let raw = d
            .text_of("version")
            .map(str::to_owned)
            .or_else(|| managed.get(&(g.clone(), a.clone())).cloned());
        let Some(raw) = raw else {
            c.warn(format!(
                "`{g}:{a}`: no version in this file (managed by a parent or BOM)"
            ));
            continue;
        };
        let Some(v) = interpolate(&raw, &props) else {
            c.warn(format!(
                "`{g}:{a}`: version `{raw}` uses a property not defined in this file"
            ));
            continue;
        };
        // `[1.2.3]` hard requirements.
        let v = v.trim_start_matches('[').trim_end_matches(']').to_owned();
        if v.contains(',') || v.starts_with('(') {
            c.warn(format!("`{g}:{a}`: version range `{v}`: skipped"));
            continue;
        }
        let kind = match d.text_of("scope") {
            Some("test") => Some(DependencyKind::Dev),
            _ => Some(DependencyKind::Direct),
        };
        c.add(&format!("{g}:{a}"), &v, kind);
    }
    Ok(c.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stem_names() {
        assert_eq!(
            stem_name("guava-31.1-jre"),
            ("guava".into(), Some("31.1-jre".into()))
        );
        assert_eq!(
            stem_name("no_pom_properties"),
            ("no_pom_properties".into(), None)
        );
    }
}
