//! Dependency edges (`Found::dependencies`) from the lockfiles that list them.

use crate::lang::{fx, parse_as};

/// `from -> to` pairs as `name@version` strings.
fn edges(f: &scry_catalog::Found) -> Vec<String> {
    let nv = |i: usize| format!("{}@{}", f.packages[i].name, f.packages[i].version);
    let mut v: Vec<String> = f
        .dependencies
        .iter()
        .map(|d| format!("{} -> {}", nv(d.from), nv(d.to)))
        .collect();
    v.sort();
    v
}

fn has(f: &scry_catalog::Found, edge: &str) {
    let all = edges(f);
    assert!(all.iter().any(|e| e == edge), "{edge} not in {all:#?}");
}

#[test]
fn edges_of_lockfiles() {
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "npm-lock",
            "package-lock.json",
            "lockfiles/npm/trivy-integration/npm/package-lock.json",
            &[
                "promise@8.0.3 -> asap@2.0.6",
                "react@16.8.6 -> prop-types@15.7.2",
            ],
        ),
        (
            "yarn-lock",
            "yarn.lock",
            "lockfiles/npm/trivy-integration/yarn/yarn.lock",
            &["promise@8.0.3 -> asap@2.0.6"],
        ),
        (
            "cargo-lock",
            "Cargo.lock",
            "lockfiles/cargo/trivy/rust-cargo/cargo_normal.lock",
            &[],
        ),
        (
            "rust-auditable",
            "x",
            "binaries/rust-auditable/osv-scalibr/uses_serde_json/uses_serde_json",
            &[
                "serde_json@1.0.135 -> itoa@1.0.14",
                "syn@2.0.95 -> unicode-ident@1.0.14",
            ],
        ),
        (
            "bun-lock",
            "bun.lock",
            "lockfiles/npm/trivy-integration/bun/bun.lock",
            &[
                "@types/bun@1.2.14 -> bun-types@1.2.14",
                "bun-types@1.2.14 -> @types/node@22.15.21",
            ],
        ),
        (
            "composer-lock",
            "composer.lock",
            "lockfiles/packagist/trivy/php-composer/composer_happy.lock",
            &[],
        ),
        (
            "uv-lock",
            "uv.lock",
            "lockfiles/pypi/trivy-integration/uv/uv.lock",
            &["click@8.1.3 -> colorama@0.4.6"],
        ),
    ];
    for (cataloger, as_path, file, want) in cases {
        let f = parse_as(cataloger, as_path, &fx(file)).expect("parses");
        assert!(!f.dependencies.is_empty(), "{file}: no edges");
        for e in *want {
            has(&f, e);
        }
        for d in &f.dependencies {
            assert!(d.from < f.packages.len() && d.to < f.packages.len() && d.from != d.to);
        }
    }
}

#[test]
fn edges_of_more_formats() {
    for (cataloger, as_path, dir) in [
        (
            "pnpm-lock",
            "pnpm-lock.yaml",
            "lockfiles/npm/trivy/nodejs-pnpm",
        ),
        (
            "gemfile-lock",
            "Gemfile.lock",
            "lockfiles/rubygems/trivy/ruby-bundler",
        ),
        (
            "poetry-lock",
            "poetry.lock",
            "lockfiles/pypi/trivy/python-poetry",
        ),
    ] {
        let mut total = 0;
        for f in crate::lang::files(&fx(dir)) {
            if let Ok(found) = parse_as(cataloger, as_path, &f) {
                total += found.dependencies.len();
            }
        }
        assert!(total > 0, "{dir}: no edges at all");
    }
}
