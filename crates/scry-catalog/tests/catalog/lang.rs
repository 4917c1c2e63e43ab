//! Shared helpers of the language-cataloger tests (`lang_*.rs`): fixture walking, a table
//! runner and trivy golden reports.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scry_catalog::lang::by_name;
use scry_catalog::{Found, Limits};

/// `fixtures/<rel>`.
pub(crate) fn fx(rel: &str) -> PathBuf {
    scry_test::fixtures_dir().join(rel)
}

/// Every file under `dir`, sorted.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.is_file() {
            out.push(d);
            continue;
        }
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            stack.push(e.path());
        }
    }
    out.sort();
    out
}

/// Parses `file` with the cataloger `cataloger`, handing it `as_path` as the file's path.
pub(crate) fn parse_as(
    cataloger: &str,
    as_path: &str,
    file: &Path,
) -> Result<Found, scry_catalog::CatalogError> {
    let c = by_name(cataloger).unwrap_or_else(|| panic!("no cataloger {cataloger}"));
    let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    c.parse(as_path, &bytes, &Limits::default())
}

/// One table row: every file under `dir` (relative to fixtures) whose name passes
/// `select` is parsed by `cataloger` as `as_path`; the files named in `errors` must fail,
/// all others must parse.
pub(crate) struct Row {
    pub(crate) dir: &'static str,
    pub(crate) cataloger: &'static str,
    pub(crate) as_path: &'static str,
    pub(crate) select: fn(&str) -> bool,
    pub(crate) errors: &'static [&'static str],
}

/// Runs a table; returns (files parsed, packages found) and prints one line per file.
pub(crate) fn run(rows: &[Row]) -> (usize, usize) {
    let mut parsed = 0;
    let mut pkgs = 0;
    let mut failures = Vec::new();
    for row in rows {
        let dir = fx(row.dir);
        let all = files(&dir);
        assert!(!all.is_empty(), "no fixtures under {}", dir.display());
        for f in all {
            let name = f
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("")
                .to_owned();
            if !(row.select)(&name) {
                continue;
            }
            // `*`: the fixture's own file name (archives named `name-1.0.jar`).
            let as_path = if row.as_path == "*" {
                name.as_str()
            } else {
                row.as_path
            };
            let res = parse_as(row.cataloger, as_path, &f);
            let should_fail = row.errors.contains(&name.as_str());
            match res {
                Ok(found) => {
                    if should_fail {
                        failures.push(format!("{} parsed but should fail", f.display()));
                    }
                    for p in &found.packages {
                        assert!(
                            !p.name.is_empty() && !p.version.is_empty(),
                            "{}: {p:?}",
                            f.display()
                        );
                        assert!(p.purl.is_some(), "{}: no purl for {p:?}", f.display());
                    }
                    eprintln!(
                        "{}: {} packages, {} warnings",
                        f.strip_prefix(fx("")).unwrap_or(&f).display(),
                        found.packages.len(),
                        found.warnings.len()
                    );
                    pkgs += found.packages.len();
                    parsed += 1;
                }
                Err(e) => {
                    if !should_fail {
                        failures.push(format!("{}: {e}", f.display()));
                    }
                    assert!(!e.reason.is_empty());
                    parsed += 1;
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    (parsed, pkgs)
}

/// (name, version, purl) triples.
pub(crate) type Triples = BTreeSet<(String, String, String)>;

/// The packages of a trivy golden report whose result target is `target`
/// (`Results[].Packages[]`), as triples; `dev` keeps packages flagged `Dev`.
pub(crate) fn golden(rel: &str, target: &str, dev: bool) -> Triples {
    let text = std::fs::read_to_string(fx(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc: serde_json::Value = serde_json::from_str(&text).expect("golden is JSON");
    let mut out = Triples::new();
    for r in doc["Results"].as_array().into_iter().flatten() {
        if r["Target"].as_str() != Some(target) {
            continue;
        }
        for p in r["Packages"].as_array().into_iter().flatten() {
            if !dev && p["Dev"].as_bool() == Some(true) {
                continue;
            }
            out.insert((
                p["Name"].as_str().unwrap_or("").to_owned(),
                p["Version"].as_str().unwrap_or("").to_owned(),
                p["Identifier"]["PURL"].as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    assert!(!out.is_empty(), "{rel}: no packages for {target}");
    out
}

/// A result's packages as triples.
pub(crate) fn triples(found: &Found, dev: bool) -> Triples {
    found
        .packages
        .iter()
        .filter(|p| dev || p.dependency != Some(scry_core::DependencyKind::Dev))
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.purl.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Asserts two triple sets are equal, printing the differences.
pub(crate) fn assert_same(what: &str, ours: &Triples, theirs: &Triples) {
    let only_ours: Vec<_> = ours.difference(theirs).collect();
    let only_theirs: Vec<_> = theirs.difference(ours).collect();
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "{what}: only ours {only_ours:#?}\nonly theirs {only_theirs:#?}"
    );
    eprintln!("{what}: {} packages match", ours.len());
}

/// Like [`assert_same`], but with documented differences: `(name, version)` pairs only
/// scry reports and pairs only the peer reports.
pub(crate) fn assert_same_except(
    what: &str,
    ours: &Triples,
    theirs: &Triples,
    only_ours: &[(&str, &str)],
    only_theirs: &[(&str, &str)],
) {
    let drop = |set: &Triples, names: &[(&str, &str)]| -> Triples {
        set.iter()
            .filter(|(n, v, _)| !names.contains(&(n.as_str(), v.as_str())))
            .cloned()
            .collect()
    };
    let a = drop(ours, only_ours);
    let b = drop(theirs, only_theirs);
    assert_eq!(
        a.len() + only_ours.len(),
        ours.len(),
        "{what}: a documented difference is gone"
    );
    assert_eq!(
        b.len() + only_theirs.len(),
        theirs.len(),
        "{what}: a documented difference is gone"
    );
    assert_same(what, &a, &b);
}

/// Every cataloger survives arbitrary bytes (called from proptest), under each of the
/// file names it wants.
pub(crate) fn survives(bytes: &[u8]) {
    const PATHS: &[&str] = &[
        "x",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "node_modules/a/package.json",
        "requirements.txt",
        "poetry.lock",
        "Pipfile.lock",
        "uv.lock",
        "pdm.lock",
        "pylock.toml",
        "a.dist-info/METADATA",
        "Cargo.lock",
        "go.mod",
        "a.jar",
        "gradle.lockfile",
        "pom.xml",
        "build.sbt.lock",
        "Gemfile.lock",
        "specifications/a.gemspec",
        "composer.lock",
        "vendor/composer/installed.json",
        "installed.json",
        "packages.lock.json",
        "Directory.Packages.props",
        "a.deps.json",
        "pubspec.lock",
        "mix.lock",
        "Package.resolved",
    ];
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    for c in scry_catalog::lang::catalogers() {
        for p in PATHS {
            if c.wants(p) {
                let _ = c.parse(p, bytes, &limits);
            }
        }
    }
}
