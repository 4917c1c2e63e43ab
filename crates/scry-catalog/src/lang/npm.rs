//! npm: `package-lock.json` (v1–v3), `yarn.lock` (v1 and berry), `pnpm-lock.yaml` (v5, v6,
//! v9), `bun.lock` and installed `node_modules/**/package.json`.
//!
//! Traps:
//! - v2/v3 lockfiles key packages by install path (`node_modules/a/node_modules/b`); the name
//!   is the part after the last `node_modules/`, unless a `name` field says otherwise
//!   (aliases). `link: true` entries point at workspace folders and are skipped; the
//!   folders themselves (keys without `node_modules/`) are workspace members, not
//!   dependencies, and are skipped too.
//! - v1 aliases write `"version": "npm:real-name@1.0.0"`; v1 git dependencies write the git
//!   URL as version: the commit after `#` stands in as the version (nothing better is
//!   there). v2/v3, yarn and pnpm git dependencies keep their declared version.
//! - yarn v1 and berry share one shape (header line of specifiers, indented fields), so one
//!   small line reader handles both; berry `@workspace:`/`@link:`/`@portal:`/`@patch:`
//!   entries of the project itself are skipped.
//! - pnpm keys: v5 `/name/1.0.0_peer`, v6 `/name@1.0.0(peer)`, v9 `name@1.0.0` (with
//!   `snapshots:` holding the peer variants).
//! - Only `package.json` files under `node_modules/` are read: a project's own
//!   `package.json` holds ranges, not installed versions.

use std::collections::{HashMap, HashSet};

use scry_core::{DependencyKind, EcosystemKind, PackageManager};
use serde_json::Value;

use super::{Collector, file_name, jstr, simple, text};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple("npm-lock", wants_lock, parse_package_lock),
        simple(
            "yarn-lock",
            |p| file_name(p) == "yarn.lock",
            parse_yarn_lock,
        ),
        simple(
            "pnpm-lock",
            |p| file_name(p) == "pnpm-lock.yaml",
            parse_pnpm_lock,
        ),
        simple("bun-lock", |p| file_name(p) == "bun.lock", parse_bun_lock),
        simple("npm-installed", wants_installed, parse_installed),
    ]
}

fn wants_lock(path: &str) -> bool {
    let f = file_name(path);
    // Lockfiles inside `node_modules` belong to published packages (and npm's hidden
    // `node_modules/.package-lock.json` repeats the installed tree): skipped.
    (f == "package-lock.json" || f == "npm-shrinkwrap.json") && !path.contains("node_modules/")
}

fn wants_installed(path: &str) -> bool {
    let Some(rest) = path.strip_suffix("/package.json") else {
        return false;
    };
    // `.../node_modules/name/package.json` or `.../node_modules/@scope/name/package.json`.
    let Some(idx) = rest.rfind("node_modules/") else {
        return false;
    };
    let tail = &rest[idx + "node_modules/".len()..];
    let parts: Vec<&str> = tail.split('/').collect();
    match parts.as_slice() {
        [name] => !name.is_empty() && !name.starts_with('.'),
        [scope, name] => scope.starts_with('@') && !name.is_empty(),
        _ => false,
    }
}

/// The package name at an install path: the part after the last `node_modules/`.
fn name_from_install_path(key: &str) -> Option<&str> {
    let idx = key.rfind("node_modules/")?;
    Some(&key[idx + "node_modules/".len()..])
}

/// A v1 `version` value: `npm:real@1.0.0` aliases give the real name; git URLs give the
/// commit.
fn v1_version<'a>(name: &'a str, version: &'a str) -> (&'a str, String) {
    if let Some(alias) = version.strip_prefix("npm:")
        && let Some(at) = alias.rfind('@').filter(|&i| i > 0)
    {
        return (&alias[..at], alias[at + 1..].to_owned());
    }
    if (version.contains("://") || version.starts_with("git") || version.starts_with("github:"))
        && let Some((_, commit)) = version.rsplit_once('#')
    {
        return (name, commit.to_owned());
    }
    (name, version.to_owned())
}

fn parse_package_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    let Some(obj) = doc.as_object() else {
        return Err(CatalogError::new(path, "not a JSON object"));
    };
    let mut c = Collector::new(path, EcosystemKind::Npm, PackageManager::Npm, limits);
    if let Some(packages) = obj.get("packages").and_then(Value::as_object) {
        let root = packages.get("");
        let mut direct: HashSet<&str> = HashSet::new();
        let mut direct_dev: HashSet<&str> = HashSet::new();
        if let Some(root) = root {
            for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
                if let Some(m) = root.get(field).and_then(Value::as_object) {
                    direct.extend(m.keys().map(String::as_str));
                }
            }
            if let Some(m) = root.get("devDependencies").and_then(Value::as_object) {
                direct_dev.extend(m.keys().map(String::as_str));
            }
        }
        // Install path -> package index, for the edges.
        let mut at_key: HashMap<&str, usize> = HashMap::new();
        for (key, entry) in packages {
            if key.is_empty() {
                continue;
            }
            let Some(install_name) = name_from_install_path(key) else {
                // A workspace folder: the project's own code.
                continue;
            };
            if entry.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = jstr(entry, "name").unwrap_or(install_name);
            let Some(version) = jstr(entry, "version") else {
                c.warn(format!("`{key}`: no version"));
                continue;
            };
            // Git dependencies keep their declared version (what advisories range over);
            // the commit is in `resolved`.
            let (name, version) = v1_version(name, version);
            let dev = entry.get("dev").and_then(Value::as_bool) == Some(true);
            let top = !key.contains("/node_modules/") && key.starts_with("node_modules/");
            let kind = if top && direct.contains(install_name) {
                Some(DependencyKind::Direct)
            } else if dev
                || (top && direct_dev.contains(install_name))
                || entry.get("devOptional").and_then(Value::as_bool) == Some(true)
            {
                Some(DependencyKind::Dev)
            } else {
                Some(DependencyKind::Transitive)
            };
            c.add(name, &version, kind);
            if let Some(i) = c.index_of(name, &version) {
                at_key.insert(key.as_str(), i);
            }
        }
        // Edges: Node resolution, nearest `node_modules` first.
        for (key, entry) in packages {
            let Some(&from) = at_key.get(key.as_str()) else {
                continue;
            };
            for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
                let Some(m) = entry.get(field).and_then(Value::as_object) else {
                    continue;
                };
                for dep in m.keys() {
                    let mut base = key.as_str();
                    loop {
                        let candidate = format!("{base}/node_modules/{dep}");
                        if let Some(&to) = at_key.get(candidate.as_str()) {
                            c.edge(from, to);
                            break;
                        }
                        match base.rfind("/node_modules/") {
                            Some(i) => base = &base[..i],
                            None => {
                                if let Some(&to) =
                                    at_key.get(format!("node_modules/{dep}").as_str())
                                {
                                    c.edge(from, to);
                                }
                                break;
                            }
                        }
                    }
                }
            }
        }
    } else if let Some(deps) = obj.get("dependencies").and_then(Value::as_object) {
        walk_v1(&mut c, deps, 0, limits);
        let mut scopes = vec![deps];
        link_v1(&mut c, &mut scopes, limits);
    } else if obj.contains_key("lockfileVersion") || obj.contains_key("name") {
        // An empty lockfile.
    } else {
        return Err(CatalogError::new(
            path,
            "neither `packages` nor `dependencies`",
        ));
    }
    Ok(c.finish())
}

/// The package index of a v1 entry.
fn v1_index(c: &Collector<'_>, name: &str, entry: &Value) -> Option<usize> {
    let (real, version) = v1_version(name, jstr(entry, "version")?);
    c.index_of(real, &version)
}

/// v1 edges: each `requires` name resolves to the nearest enclosing `dependencies` map
/// that holds it (the entry's own nested ones first, then outwards).
fn link_v1(
    c: &mut Collector<'_>,
    scopes: &mut Vec<&serde_json::Map<String, Value>>,
    limits: &Limits,
) {
    let Some(&deps) = scopes.last() else {
        return;
    };
    if scopes.len() > limits.max_depth.saturating_mul(16) {
        return;
    }
    for (name, entry) in deps {
        let Some(from) = v1_index(c, name, entry) else {
            continue;
        };
        let nested = entry.get("dependencies").and_then(Value::as_object);
        if let Some(req) = entry.get("requires").and_then(Value::as_object) {
            for dep in req.keys() {
                let found = nested
                    .and_then(|n| n.get(dep))
                    .or_else(|| scopes.iter().rev().find_map(|m| m.get(dep)));
                if let Some(to) = found.and_then(|e| v1_index(c, dep, e)) {
                    c.edge(from, to);
                }
            }
        }
        if let Some(n) = nested {
            scopes.push(n);
            link_v1(c, scopes, limits);
            scopes.pop();
        }
    }
}

fn walk_v1(
    c: &mut Collector<'_>,
    deps: &serde_json::Map<String, Value>,
    depth: usize,
    limits: &Limits,
) {
    for (name, entry) in deps {
        let Some(version) = jstr(entry, "version") else {
            c.warn(format!("`{name}`: no version"));
            continue;
        };
        let (real, version) = v1_version(name, version);
        // v1 cannot tell direct from transitive: only dev is known.
        let dev = entry.get("dev").and_then(Value::as_bool) == Some(true);
        c.add(real, &version, dev.then_some(DependencyKind::Dev));
        if let Some(nested) = entry.get("dependencies").and_then(Value::as_object) {
            if depth < limits.max_depth.saturating_mul(16) {
                walk_v1(c, nested, depth + 1, limits);
            } else {
                c.warn(format!("`{name}`: nesting deeper than the limit"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// yarn.lock

/// The package name of a yarn specifier (`name@range`, `@scope/name@npm:range`,
/// `alias@npm:real@range`).
fn yarn_spec_name(spec: &str) -> &str {
    let spec = spec.trim().trim_matches('"');
    let at = at_after_first(spec);
    match at {
        Some(i) => &spec[..i],
        None => spec,
    }
}

/// The byte index of the first `@` that is not the first character (a scope's).
fn at_after_first(s: &str) -> Option<usize> {
    s.char_indices()
        .skip(1)
        .find(|&(_, c)| c == '@')
        .map(|(i, _)| i)
}

fn unquote(s: &str) -> &str {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
}

fn parse_yarn_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::Npm, PackageManager::Yarn, limits);
    let berry = s.contains("__metadata:");
    let mut content = s
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .peekable();
    if content.peek().is_some()
        && !s
            .lines()
            .any(|l| !l.starts_with(' ') && !l.starts_with('#') && l.trim_end().ends_with(':'))
    {
        return Err(CatalogError::new(path, "not a yarn.lock: no entries"));
    }
    // (header, fields) blocks, and each block's dependencies (name, range).
    let mut blocks: Vec<(&str, HashMap<&str, &str>)> = Vec::new();
    let mut block_deps: Vec<Vec<(String, String)>> = Vec::new();
    let mut in_deps = false;
    for line in s.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            let header = line.trim_end();
            in_deps = false;
            match header.strip_suffix(':') {
                Some(h) => {
                    blocks.push((h, HashMap::new()));
                    block_deps.push(Vec::new());
                }
                None => {
                    c.warn(format!("line `{}`: not an entry header", truncate(header)));
                }
            }
            continue;
        }
        // Fields at indent 2 (`key value` or `key: value`); deeper ones are dependency lists.
        let indent = line.len() - line.trim_start().len();
        if indent == 4 && in_deps {
            let body = line.trim();
            let (k, v) = body
                .split_once(": ")
                .or_else(|| body.split_once(' '))
                .unwrap_or((body, ""));
            if let Some(d) = block_deps.last_mut() {
                d.push((unquote(k).to_owned(), unquote(v).to_owned()));
            }
            continue;
        }
        if indent != 2 {
            continue;
        }
        in_deps = matches!(
            line.trim().trim_end_matches(':'),
            "dependencies" | "optionalDependencies"
        );
        let Some((_, fields)) = blocks.last_mut() else {
            continue;
        };
        let body = line.trim();
        let (k, v) = match body.split_once(": ") {
            Some((k, v)) if berry => (k, v),
            _ => body
                .split_once(' ')
                .unwrap_or((body.trim_end_matches(':'), "")),
        };
        fields.insert(unquote(k), unquote(v));
    }
    // Every specifier of a block (`name@range`) -> the block's package index.
    let mut by_spec: HashMap<String, usize> = HashMap::new();
    let mut block_index: Vec<Option<usize>> = vec![None; blocks.len()];
    for (bi, (header, fields)) in blocks.iter().enumerate() {
        if *header == "__metadata" {
            continue;
        }
        let first = header.split(',').next().unwrap_or(header);
        let first = unquote(first);
        let mut name = yarn_spec_name(first).to_owned();
        let range = first.get(name.len() + 1..).unwrap_or("");
        if let Some(real) = range.strip_prefix("npm:") {
            // `alias@npm:real@range` (v1 alias) or berry's `name@npm:range`.
            if at_after_first(real).is_some() {
                name = yarn_spec_name(real).to_owned();
            }
        }
        let resolution = fields.get("resolution").copied().unwrap_or("");
        if berry {
            if let Some(res_name) = Some(yarn_spec_name(resolution)).filter(|n| !n.is_empty()) {
                let proto = &resolution[res_name.len().min(resolution.len())..];
                if proto.starts_with("@workspace:")
                    || proto.starts_with("@link:")
                    || proto.starts_with("@portal:")
                {
                    continue;
                }
                name = res_name.to_owned();
            }
            if fields.get("linkType") == Some(&"soft") {
                continue;
            }
        }
        let Some(version) = fields.get("version").copied() else {
            c.warn(format!("`{}`: no version", truncate(header)));
            continue;
        };
        // Git dependencies keep their declared version; `0.0.0-use.local` is the project.
        let version = version.to_owned();
        if version == "0.0.0-use.local" {
            continue;
        }
        c.add(&name, &version, None);
        if let Some(i) = c.index_of(&name, &version) {
            block_index[bi] = Some(i);
            for spec in header.split(',') {
                by_spec.insert(unquote(spec).to_owned(), i);
            }
        }
    }
    for (bi, deps) in block_deps.iter().enumerate() {
        let Some(from) = block_index[bi] else {
            continue;
        };
        for (name, range) in deps {
            let to = by_spec
                .get(&format!("{name}@{range}"))
                .or_else(|| by_spec.get(&format!("{name}@npm:{range}")))
                .copied()
                .or_else(|| c.resolve(name, None));
            if let Some(to) = to {
                c.edge(from, to);
            }
        }
    }
    Ok(c.finish())
}

fn truncate(s: &str) -> String {
    s.chars().take(80).collect()
}

// ---------------------------------------------------------------------------------------
// pnpm-lock.yaml

/// Splits a pnpm package key into name and version. v5 keys of other registries start
/// with the host (`registry.npmjs.org/foo/1.1.0`), which is dropped.
fn pnpm_key(key: &str, v5: bool) -> Option<(String, String)> {
    if key.starts_with("file:") || key.starts_with("link:") {
        return None;
    }
    let k = match key.strip_prefix('/') {
        Some(k) => k,
        None if v5 => match key.split_once('/') {
            Some((host, rest)) if host.contains('.') => rest,
            _ => key,
        },
        None => key,
    };
    let k = k.split('(').next().unwrap_or(k);
    if v5 {
        let (name_len, rest) = if k.starts_with('@') {
            let first = k.find('/')?;
            let second = k[first + 1..].find('/')? + first + 1;
            (second, &k[second + 1..])
        } else {
            let first = k.find('/')?;
            (first, &k[first + 1..])
        };
        let version = rest.split('_').next().unwrap_or(rest);
        return Some((k[..name_len].to_owned(), version.to_owned()));
    }
    let at = at_after_first(k)?;
    Some((k[..at].to_owned(), k[at + 1..].to_owned()))
}

fn parse_pnpm_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    // pnpm ≥ 9 may write two YAML documents (an env lockfile first); read the last one
    // with `packages`.
    let docs: Vec<Value> = serde_saphyr::from_multiple::<Value>(s)
        .map_err(|e| CatalogError::new(path, format!("invalid YAML: {e}")))?;
    let doc = docs
        .iter()
        .rev()
        .find(|d| d.get("packages").is_some() || d.get("importers").is_some())
        .or_else(|| docs.last());
    let Some(doc) = doc else {
        return Ok(Found::default());
    };
    if !doc.is_object() {
        if doc.is_null() {
            return Ok(Found::default());
        }
        return Err(CatalogError::new(path, "not a YAML mapping"));
    }
    let version = match doc.get("lockfileVersion") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let v5 = version.starts_with('5') || version.starts_with('4') || version.starts_with('3');
    let mut c = Collector::new(path, EcosystemKind::Npm, PackageManager::Pnpm, limits);

    // Direct dependencies: root lists (v5) or importers' (v6+).
    let mut direct: HashMap<String, bool> = HashMap::new(); // name -> dev
    let mut collect_direct = |m: &Value| {
        for (field, dev) in [
            ("dependencies", false),
            ("optionalDependencies", false),
            ("devDependencies", true),
        ] {
            if let Some(deps) = m.get(field).and_then(Value::as_object) {
                for name in deps.keys() {
                    let e = direct.entry(name.clone()).or_insert(dev);
                    *e = *e && dev;
                }
            }
        }
    };
    collect_direct(doc);
    if let Some(importers) = doc.get("importers").and_then(Value::as_object) {
        for imp in importers.values() {
            collect_direct(imp);
        }
    }

    let Some(packages) = doc.get("packages").and_then(Value::as_object) else {
        return Ok(c.finish());
    };
    for (key, entry) in packages {
        // Tarball and git entries carry `version` (and maybe `name`) fields; the key then
        // holds a URL where the version would be.
        let from_key = pnpm_key(key, v5);
        let parsed = match (jstr(entry, "name"), jstr(entry, "version")) {
            (Some(n), Some(v)) => Some((n.to_owned(), v.to_owned())),
            (None, Some(v)) => from_key.map(|(n, _)| (n, v.to_owned())),
            _ => from_key,
        };
        let Some((name, version)) = parsed else {
            if !key.starts_with("file:") && !key.starts_with("link:") {
                c.warn(format!("`{}`: cannot read name and version", truncate(key)));
            }
            continue;
        };
        // Git and directory sources without a `version` field have none in the key
        // either (`github.com/kevva/is-positive`).
        if !version.starts_with(|ch: char| ch.is_ascii_digit()) {
            c.warn(format!("`{}`: no version", truncate(key)));
            continue;
        }
        if version.starts_with("link:") {
            continue;
        }
        let dev = entry.get("dev").and_then(Value::as_bool);
        let kind = match (direct.get(&name), dev) {
            (Some(false), _) => Some(DependencyKind::Direct),
            (Some(true), _) | (None, Some(true)) => Some(DependencyKind::Dev),
            (None, Some(false)) => Some(DependencyKind::Transitive),
            (None, None) if v5 || !direct.is_empty() => Some(DependencyKind::Transitive),
            (None, None) => None,
        };
        c.add(&name, &version, kind);
    }
    // Edges: `dependencies` of `packages` (v5, v6) or `snapshots` (v9) entries.
    for section in ["packages", "snapshots"] {
        let Some(entries) = doc.get(section).and_then(Value::as_object) else {
            continue;
        };
        for (key, entry) in entries {
            let Some((name, version)) = pnpm_key(key, v5) else {
                continue;
            };
            let Some(from) = c.index_of(&name, &version) else {
                continue;
            };
            for field in ["dependencies", "optionalDependencies"] {
                let Some(m) = entry.get(field).and_then(Value::as_object) else {
                    continue;
                };
                for (dep, reference) in m {
                    let Some(reference) = reference.as_str() else {
                        continue;
                    };
                    let (dep_name, dep_version) = if reference.starts_with('/') {
                        match pnpm_key(reference, v5) {
                            Some(nv) => nv,
                            None => continue,
                        }
                    } else {
                        let v = reference.split('(').next().unwrap_or(reference);
                        let v = if v5 {
                            v.split('_').next().unwrap_or(v)
                        } else {
                            v
                        };
                        (dep.clone(), v.to_owned())
                    };
                    if let Some(to) = c.resolve(&dep_name, Some(&dep_version)) {
                        c.edge(from, to);
                    }
                }
            }
        }
    }
    Ok(c.finish())
}

// ---------------------------------------------------------------------------------------
// bun.lock

/// Drops `//` and `/* */` comments and trailing commas from JSONC, outside strings.
pub(crate) fn strip_jsonc(s: &str) -> String {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let ch = b[i];
        if in_str {
            out.push(ch);
            if ch == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1]);
                i += 2;
                continue;
            }
            if ch == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match ch {
            b'"' => {
                in_str = true;
                out.push(ch);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b',' => {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if !matches!(b.get(j), Some(b'}' | b']')) {
                    out.push(ch);
                }
                i += 1;
            }
            _ => {
                out.push(ch);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn parse_bun_lock(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let clean = strip_jsonc(s);
    let doc: Value = serde_json::from_str(&clean)
        .map_err(|e| CatalogError::new(path, format!("invalid JSONC: {e}")))?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let mut c = Collector::new(path, EcosystemKind::Npm, PackageManager::Bun, limits);
    let mut direct: HashMap<String, bool> = HashMap::new();
    if let Some(ws) = doc.get("workspaces").and_then(Value::as_object) {
        for w in ws.values() {
            for (field, dev) in [
                ("dependencies", false),
                ("optionalDependencies", false),
                ("peerDependencies", false),
                ("devDependencies", true),
            ] {
                if let Some(deps) = w.get(field).and_then(Value::as_object) {
                    for name in deps.keys() {
                        let e = direct.entry(name.clone()).or_insert(dev);
                        *e = *e && dev;
                    }
                }
            }
        }
    }
    let Some(packages) = doc.get("packages").and_then(Value::as_object) else {
        return Ok(c.finish());
    };
    // What production code reaches (from non-dev direct dependencies); the rest is dev.
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for (key, entry) in packages {
        let mut to = Vec::new();
        if let Some(meta) = entry.get(2) {
            for field in ["dependencies", "optionalDependencies", "peerDependencies"] {
                if let Some(m) = meta.get(field).and_then(Value::as_object) {
                    to.extend(m.keys().map(String::as_str));
                }
            }
        }
        edges.insert(key.as_str(), to);
    }
    let mut prod: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = direct
        .iter()
        .filter(|(_, dev)| !**dev)
        .map(|(n, _)| n.as_str())
        .collect();
    while let Some(n) = stack.pop() {
        if prod.insert(n)
            && let Some(next) = edges.get(n)
        {
            stack.extend(next.iter().copied());
        }
    }
    let mut at_key: HashMap<&str, usize> = HashMap::new();
    for (key, entry) in packages {
        let Some(spec) = entry.get(0).and_then(Value::as_str) else {
            c.warn(format!("`{}`: not a package tuple", truncate(key)));
            continue;
        };
        let name = yarn_spec_name(spec);
        let Some(version) = spec.get(name.len() + 1..) else {
            c.warn(format!(
                "`{}`: no version in `{}`",
                truncate(key),
                truncate(spec)
            ));
            continue;
        };
        if version.starts_with("workspace:") || version.starts_with("link:") {
            continue;
        }
        let version = match version.rsplit_once('#') {
            Some((_, commit)) if version.starts_with("github:") || version.starts_with("git") => {
                commit
            }
            _ => version,
        };
        // The top-level key is the install path (`a/b` = `b` under `a`).
        let top = !key.contains('/') || (key.starts_with('@') && key.matches('/').count() == 1);
        let kind = if top && direct.get(name) == Some(&false) {
            Some(DependencyKind::Direct)
        } else if prod.contains(key.as_str()) {
            Some(DependencyKind::Transitive)
        } else if direct.is_empty() {
            None
        } else {
            Some(DependencyKind::Dev)
        };
        c.add(name, version, kind);
        if let Some(i) = c.index_of(name, version) {
            at_key.insert(key.as_str(), i);
        }
    }
    // Edges: a dependency `d` of the package at key `a/b` is at `a/b/d`, else `a/d`, else `d`.
    for (key, to_names) in &edges {
        let Some(&from) = at_key.get(key) else {
            continue;
        };
        for dep in to_names {
            let mut base: &str = key;
            loop {
                let candidate = format!("{base}/{dep}");
                if let Some(&to) = at_key.get(candidate.as_str()) {
                    c.edge(from, to);
                    break;
                }
                // Drop one install-path segment (two for a scoped name).
                let Some(i) = base.rfind('/') else {
                    if let Some(&to) = at_key.get(*dep) {
                        c.edge(from, to);
                    }
                    break;
                };
                let parent = &base[..i];
                base = match parent.rfind('/') {
                    Some(j) if parent[j + 1..].starts_with('@') => &parent[..j],
                    _ if parent.starts_with('@') && !parent.contains('/') => "",
                    _ => parent,
                };
                if base.is_empty() {
                    if let Some(&to) = at_key.get(*dep) {
                        c.edge(from, to);
                    }
                    break;
                }
            }
        }
    }
    Ok(c.finish())
}

// ---------------------------------------------------------------------------------------
// node_modules/**/package.json

fn parse_installed(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let mut c = Collector::new(path, EcosystemKind::Npm, PackageManager::Npm, limits);
    let (Some(name), Some(version)) = (jstr(&doc, "name"), jstr(&doc, "version")) else {
        // Folders like `node_modules/x/package.json` of a private package without a
        // version are not packages.
        return Ok(c.finish());
    };
    if c.add(name, version, None).is_some() {
        let licenses = licenses(&doc);
        if let Some(p) = c.packages_mut().last_mut() {
            p.licenses = licenses;
        }
    }
    Ok(c.finish())
}

fn licenses(doc: &Value) -> Vec<String> {
    match doc.get("license").or_else(|| doc.get("licenses")) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Object(o)) => jstr(&Value::Object(o.clone()), "type")
            .map(|s| vec![s.to_owned()])
            .unwrap_or_default(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|l| l.as_str().or_else(|| jstr(l, "type")).map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(
            pnpm_key("/@babel/core/7.0.0_react@17.0.2", true),
            Some(("@babel/core".into(), "7.0.0".into()))
        );
        assert_eq!(
            pnpm_key("/@babel/core@7.0.0(react@17.0.2)", false),
            Some(("@babel/core".into(), "7.0.0".into()))
        );
        assert_eq!(
            pnpm_key("lodash@4.17.21", false),
            Some(("lodash".into(), "4.17.21".into()))
        );
        assert_eq!(yarn_spec_name("\"@a/b@^1\""), "@a/b");
        assert!(wants_installed("app/node_modules/@a/b/package.json"));
        assert!(wants_installed("node_modules/a/package.json"));
        assert!(!wants_installed("node_modules/a/lib/package.json"));
        assert!(!wants_installed("package.json"));
    }
}
