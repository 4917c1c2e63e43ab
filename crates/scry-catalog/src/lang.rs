//! Language catalogers: lockfiles, installed-package metadata and binaries.
//!
//! One module per ecosystem or format; each cataloger is a pure parser over one file's bytes.
//!
//! | cataloger | files | ecosystem |
//! |---|---|---|
//! | `npm-lock` | `package-lock.json`, `npm-shrinkwrap.json` (v1 nested, v2/v3 `packages`) | npm |
//! | `yarn-lock` | `yarn.lock` (v1 classic and berry) | npm |
//! | `pnpm-lock` | `pnpm-lock.yaml` (v5, v6, v9 key formats) | npm |
//! | `bun-lock` | `bun.lock` (JSONC text) | npm |
//! | `npm-installed` | `node_modules/[@scope/]name/package.json` | npm |
//! | `python-requirements` | `requirements*.txt` (`==`/`===` pins only) | PyPI |
//! | `poetry-lock`, `pipenv-lock`, `uv-lock`, `pdm-lock`, `pylock` | the lockfiles | PyPI |
//! | `python-installed` | `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `*.egg-info` | PyPI |
//! | `cargo-lock` | `Cargo.lock` v1–v4 | crates.io |
//! | `rust-auditable` | binaries with a cargo-auditable `.dep-v0` section | crates.io |
//! | `go-mod` | `go.mod` | Go |
//! | `go-binary` | binaries with Go build info (Go ≥ 1.18 format) | Go |
//! | `java-archive` | `*.jar`, `*.war`, `*.ear`, `*.par` (nested jars, shaded) | Maven |
//! | `gradle-lock` | `gradle.lockfile`, `*.lockfile` under `gradle/dependency-locks/` | Maven |
//! | `maven-pom` | `pom.xml` (literal versions and `${properties}` of the same file) | Maven |
//! | `sbt-lock` | `build.sbt.lock` (sbt-dependency-lock v1) | Maven |
//! | `gemfile-lock` | `Gemfile.lock`, `gems.locked` | RubyGems |
//! | `gemspec` | `specifications/*.gemspec` | RubyGems |
//! | `composer-lock`, `composer-installed` | `composer.lock`, `installed.json` (in `vendor/composer/` or anywhere) | Packagist |
//! | `nuget-lock`, `dotnet-deps` | `packages.lock.json`, `*.deps.json` | NuGet |
//! | `nuget-props` | `Directory.Packages.props`, `Packages.props`, `*.packages.props` | NuGet |
//! | `pubspec-lock` | `pubspec.lock` | Pub |
//! | `mix-lock` | `mix.lock` | Hex |
//! | `swift-resolved` | `Package.resolved` v1–v3 | SwiftURL |
//!
//! Traps:
//! - Purls percent-encode everything but `A-Za-z0-9.-_~` in each segment (`@scope` becomes
//!   `%40scope`); PyPI names in purls are PEP 503-normalised, the package name is kept as
//!   the lockfile writes it.
//! - `dependency` is set only where the source says: `dev` flags, dev groups, `// indirect`,
//!   importers' lists. A v1 `package-lock.json` cannot tell direct from transitive.
//! - Lockfiles often list a package more than once (nested copies, several constraints);
//!   each (name, version) is reported once per file.
//! - Dependency edges go to [`Found::dependencies`](crate::Found::dependencies) (indexes
//!   into the file's packages) for package-lock (v1 `requires`, v2/v3 by Node's
//!   resolution), yarn, pnpm, bun, Cargo.lock, cargo-auditable, poetry, uv, Gemfile.lock
//!   and composer.lock.
//! - The project itself and local/workspace packages (npm `link`/folder entries, yarn
//!   `@workspace:`, Cargo crates without `source`, `local` auditable crates, Gemfile `PATH`
//!   gems, Go `=> ./dir` replacements, deps.json `project` entries) are skipped: they are
//!   not the registry's packages, and would match its advisories by name only. uv's root
//!   is the exception (reported like trivy does, without a dependency kind).
//!
//! Peers differ from scry here (each difference is pinned by a test in
//! `tests/catalog/lang_*.rs`): trivy reads `package.json` beside `yarn.lock` (adds the
//! project, drops dev-only packages); osv-scalibr keeps one package per git commit where
//! scry keeps one per (name, version), lists packages without a version, strips Go's `v`,
//! and keeps local folders and workspace packages.

use std::collections::{HashMap, HashSet};

use scry_core::{Dependency, DependencyKind, Ecosystem, EcosystemKind, Package, PackageManager};

use crate::{CatalogError, Cataloger, Found, Limits};

mod dart;
mod dotnet;
mod elixir;
mod go;
mod java;
mod npm;
mod packages_props;
mod php;
mod python;
mod ruby;
mod rust;
mod sbt;
mod swift;
mod xml;

/// The language catalogers.
#[must_use]
pub fn catalogers() -> Vec<Box<dyn Cataloger>> {
    let mut out: Vec<Box<dyn Cataloger>> = Vec::new();
    out.extend(npm::catalogers());
    out.extend(python::catalogers());
    out.extend(rust::catalogers());
    out.extend(go::catalogers());
    out.extend(java::catalogers());
    out.extend(sbt::catalogers());
    out.extend(ruby::catalogers());
    out.extend(php::catalogers());
    out.extend(dotnet::catalogers());
    out.extend(packages_props::catalogers());
    out.extend(dart::catalogers());
    out.extend(elixir::catalogers());
    out.extend(swift::catalogers());
    out
}

/// The cataloger named `name`, if scry has one (tests and single-lockfile scans).
#[must_use]
pub fn by_name(name: &str) -> Option<Box<dyn Cataloger>> {
    catalogers().into_iter().find(|c| c.name() == name)
}

/// The last `/`-separated part of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Percent-encodes one purl segment: everything but `A-Za-z0-9.-_~`.
pub(crate) fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A package URL `pkg:TYPE/NAMESPACE/NAME@VERSION`; the namespace's `/`-separated
/// segments are encoded one by one.
pub(crate) fn purl(ty: &str, namespace: Option<&str>, name: &str, version: &str) -> String {
    let mut out = format!("pkg:{ty}/");
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        for seg in ns.split('/') {
            out.push_str(&purl_encode(seg));
            out.push('/');
        }
    }
    out.push_str(&purl_encode(name));
    if !version.is_empty() {
        out.push('@');
        out.push_str(&purl_encode(version));
    }
    out
}

/// PEP 503 normalisation: lower case, runs of `-_.` become one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The purl of a package of `eco` (the ecosystem's own naming rules applied).
pub(crate) fn purl_for(eco: &EcosystemKind, name: &str, version: &str) -> Option<String> {
    let split = |n: &str| match n.rsplit_once('/') {
        Some((ns, base)) => (Some(ns.to_owned()), base.to_owned()),
        None => (None, n.to_owned()),
    };
    Some(match eco {
        EcosystemKind::Npm => {
            let (ns, base) = split(name);
            purl("npm", ns.as_deref(), &base, version)
        }
        EcosystemKind::PyPi => purl("pypi", None, &pep503(name), version),
        EcosystemKind::CratesIo => purl("cargo", None, name, version),
        EcosystemKind::Go => {
            let (ns, base) = split(name);
            purl("golang", ns.as_deref(), &base, version)
        }
        EcosystemKind::Maven => {
            let (group, artifact) = name.split_once(':')?;
            purl("maven", Some(group), artifact, version)
        }
        EcosystemKind::RubyGems => purl("gem", None, name, version),
        EcosystemKind::Packagist => {
            let (ns, base) = split(name);
            purl("composer", ns.as_deref(), &base, version)
        }
        EcosystemKind::NuGet => purl("nuget", None, name, version),
        EcosystemKind::Pub => purl("pub", None, name, version),
        EcosystemKind::Hex => purl("hex", None, name, version),
        EcosystemKind::SwiftUrl => {
            let (ns, base) = split(name);
            purl("swift", ns.as_deref(), &base, version)
        }
        _ => return None,
    })
}

/// Collects one file's packages: dedups (name, version), applies the package limit and
/// gathers warnings naming the file and the entry.
pub(crate) struct Collector<'a> {
    path: &'a str,
    eco: EcosystemKind,
    manager: PackageManager,
    limits: &'a Limits,
    seen: HashSet<(String, String)>,
    index: HashMap<(String, String), usize>,
    by_name: HashMap<String, Vec<usize>>,
    edges: HashSet<(usize, usize)>,
    found: Found,
    full: bool,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(
        path: &'a str,
        eco: EcosystemKind,
        manager: PackageManager,
        limits: &'a Limits,
    ) -> Self {
        Self {
            path,
            eco,
            manager,
            limits,
            seen: HashSet::new(),
            index: HashMap::new(),
            by_name: HashMap::new(),
            edges: HashSet::new(),
            found: Found::default(),
            full: false,
        }
    }

    /// Adds a package unless the same name and version is already there; returns its
    /// index. A second sighting upgrades a weaker dependency kind (`dev` < `transitive`
    /// < `direct`: a package both direct and dev is direct).
    pub(crate) fn add(
        &mut self,
        name: &str,
        version: &str,
        dependency: Option<DependencyKind>,
    ) -> Option<usize> {
        let name = name.trim();
        let version = version.trim();
        if name.is_empty() {
            self.warn("entry without a name");
            return None;
        }
        if version.is_empty() {
            self.warn(format!("`{name}`: no version"));
            return None;
        }
        let key = (name.to_owned(), version.to_owned());
        if !self.seen.insert(key) {
            if let Some(p) = self
                .found
                .packages
                .iter_mut()
                .find(|p| p.name == name && p.version == version)
            {
                p.dependency = stronger(p.dependency, dependency);
            }
            return None;
        }
        if self.found.packages.len() >= self.limits.max_packages_per_file {
            if !self.full {
                self.full = true;
                self.warn(format!(
                    "more than {} packages: the rest skipped",
                    self.limits.max_packages_per_file
                ));
            }
            return None;
        }
        let purl = purl_for(&self.eco, name, version);
        let idx = self.found.packages.len();
        self.index
            .insert((name.to_owned(), version.to_owned()), idx);
        self.by_name.entry(name.to_owned()).or_default().push(idx);
        self.found.packages.push(Package {
            name: name.to_owned(),
            version: version.to_owned(),
            ecosystem: Ecosystem::new(self.eco.clone()),
            package_manager: self.manager,
            purl,
            source_name: None,
            source_version: None,
            epoch: None,
            release: None,
            arch: None,
            path: self.path.to_owned(),
            layer: None,
            dependency,
            files: Vec::new(),
            licenses: Vec::new(),
        });
        Some(self.found.packages.len() - 1)
    }

    /// The index of a package already added.
    pub(crate) fn index_of(&self, name: &str, version: &str) -> Option<usize> {
        self.index
            .get(&(name.to_owned(), version.to_owned()))
            .copied()
    }

    /// The package named `name`: the one with `version` when given and present, else the
    /// only one of that name (`None` when the name is ambiguous or absent).
    pub(crate) fn resolve(&self, name: &str, version: Option<&str>) -> Option<usize> {
        if let Some(v) = version
            && let Some(i) = self.index_of(name, v)
        {
            return Some(i);
        }
        match self.by_name.get(name).map(Vec::as_slice) {
            Some([only]) => Some(*only),
            _ => None,
        }
    }

    /// Records that package `from` depends on package `to`.
    pub(crate) fn edge(&mut self, from: usize, to: usize) {
        if from != to && self.edges.insert((from, to)) {
            self.found.dependencies.push(Dependency { from, to });
        }
    }

    /// Records edges from `from` to each named package, resolved with [`Self::resolve`].
    pub(crate) fn edges_by_name<'n>(
        &mut self,
        from: usize,
        to: impl IntoIterator<Item = (&'n str, Option<&'n str>)>,
    ) {
        for (name, version) in to {
            if let Some(t) = self.resolve(name, version) {
                self.edge(from, t);
            }
        }
    }

    /// A warning about an entry of this file.
    pub(crate) fn warn(&mut self, reason: impl Into<String>) {
        self.found
            .warnings
            .push(CatalogError::new(self.path, reason.into()));
    }

    /// The packages so far (to set licences or the manager of the last one).
    pub(crate) fn packages_mut(&mut self) -> &mut Vec<Package> {
        &mut self.found.packages
    }

    pub(crate) fn finish(self) -> Found {
        self.found
    }
}

fn stronger(a: Option<DependencyKind>, b: Option<DependencyKind>) -> Option<DependencyKind> {
    use DependencyKind::{Dev, Direct, Transitive};
    match (a, b) {
        (Some(Direct), _) | (_, Some(Direct)) => Some(Direct),
        (Some(Transitive), _) | (_, Some(Transitive)) => Some(Transitive),
        (Some(Dev), _) | (_, Some(Dev)) => Some(Dev),
        _ => None,
    }
}

/// The file as UTF-8 text (a leading BOM dropped), or an error naming it.
pub(crate) fn text<'b>(path: &str, bytes: &'b [u8]) -> Result<&'b str, CatalogError> {
    let s = std::str::from_utf8(bytes)
        .map_err(|e| CatalogError::new(path, format!("not UTF-8 text: {e}")))?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(s))
}

/// The file as text: UTF-8, or UTF-16 with a byte-order mark (Windows editors write
/// requirements files so).
pub(crate) fn text_any<'b>(
    path: &str,
    bytes: &'b [u8],
) -> Result<std::borrow::Cow<'b, str>, CatalogError> {
    let utf16 = |rest: &[u8], le: bool| {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units)
            .map_err(|e| CatalogError::new(path, format!("invalid UTF-16 text: {e}")))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return utf16(rest, true).map(std::borrow::Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return utf16(rest, false).map(std::borrow::Cow::Owned);
    }
    text(path, bytes).map(std::borrow::Cow::Borrowed)
}

/// Parses JSON with serde_json's recursion limit (128) guarding depth.
pub(crate) fn json(path: &str, bytes: &[u8]) -> Result<serde_json::Value, CatalogError> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| CatalogError::new(path, format!("invalid JSON: {e}")))
}

/// Parses TOML into a table.
pub(crate) fn toml_table(path: &str, bytes: &[u8]) -> Result<toml::Table, CatalogError> {
    let s = text(path, bytes)?;
    s.parse::<toml::Table>()
        .map_err(|e| CatalogError::new(path, format!("invalid TOML: {}", e.message())))
}

/// Parses YAML (serde-saphyr's default budget bounds aliases, depth and events).
pub(crate) fn yaml(path: &str, bytes: &[u8]) -> Result<serde_json::Value, CatalogError> {
    let s = text(path, bytes)?;
    serde_saphyr::from_str::<serde_json::Value>(s)
        .map_err(|e| CatalogError::new(path, format!("invalid YAML: {e}")))
}

/// A string field of a JSON object.
pub(crate) fn jstr<'v>(v: &'v serde_json::Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(serde_json::Value::as_str)
}

/// A string field of a TOML table.
pub(crate) fn tstr<'v>(v: &'v toml::Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(toml::Value::as_str)
}

/// A simple cataloger: a name, a path predicate and a parse function.
pub(crate) struct Simple {
    pub(crate) name: &'static str,
    pub(crate) wants: fn(&str) -> bool,
    pub(crate) parse: fn(&str, &[u8], &Limits) -> Result<Found, CatalogError>,
    /// The streaming reader, for catalogers that need only a little of each file.
    pub(crate) scan: Option<fn() -> Box<dyn crate::Scan>>,
}

impl Cataloger for Simple {
    fn name(&self) -> &'static str {
        self.name
    }

    fn wants(&self, path: &str) -> bool {
        (self.wants)(path)
    }

    fn parse(&self, path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
        (self.parse)(path, bytes, limits)
    }

    fn scan(&self) -> Option<Box<dyn crate::Scan>> {
        self.scan.map(|f| f())
    }
}

/// Boxes a [`Simple`] cataloger.
pub(crate) fn simple(
    name: &'static str,
    wants: fn(&str) -> bool,
    parse: fn(&str, &[u8], &Limits) -> Result<Found, CatalogError>,
) -> Box<dyn Cataloger> {
    Box::new(Simple {
        name,
        wants,
        parse,
        scan: None,
    })
}

/// Boxes a [`Simple`] cataloger that also reads files as streams.
pub(crate) fn streaming(
    name: &'static str,
    wants: fn(&str) -> bool,
    parse: fn(&str, &[u8], &Limits) -> Result<Found, CatalogError>,
    scan: fn() -> Box<dyn crate::Scan>,
) -> Box<dyn Cataloger> {
    Box::new(Simple {
        name,
        wants,
        parse,
        scan: Some(scan),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls() {
        assert_eq!(
            purl_for(&EcosystemKind::Npm, "@scope/name", "1.0.0").as_deref(),
            Some("pkg:npm/%40scope/name@1.0.0")
        );
        assert_eq!(
            purl_for(&EcosystemKind::PyPi, "Django_Rest.framework", "1.0").as_deref(),
            Some("pkg:pypi/django-rest-framework@1.0")
        );
        assert_eq!(
            purl_for(&EcosystemKind::Maven, "org.apache:commons", "1.2").as_deref(),
            Some("pkg:maven/org.apache/commons@1.2")
        );
        assert_eq!(
            purl_for(&EcosystemKind::Go, "github.com/a/b", "v1.2.3+incompatible").as_deref(),
            Some("pkg:golang/github.com/a/b@v1.2.3%2Bincompatible")
        );
        assert_eq!(
            purl_for(
                &EcosystemKind::SwiftUrl,
                "github.com/apple/swift-nio",
                "2.41.0"
            )
            .as_deref(),
            Some("pkg:swift/github.com/apple/swift-nio@2.41.0")
        );
    }
}
