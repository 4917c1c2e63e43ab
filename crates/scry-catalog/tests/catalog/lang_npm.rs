//! npm catalogers over the osv-scalibr, syft and trivy fixtures, and trivy's goldens.

use crate::lang::{Row, assert_same, assert_same_except, fx, golden, parse_as, run, triples};

fn any(_: &str) -> bool {
    true
}

#[test]
fn npm_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/npm/osv-scalibr/javascript-packagelockjson",
            cataloger: "npm-lock",
            as_path: "package-lock.json",
            select: any,
            errors: &["not-json.txt", "null.v2.jsontest"],
        },
        Row {
            dir: "lockfiles/npm/trivy/nodejs-npm",
            cataloger: "npm-lock",
            as_path: "package-lock.json",
            select: |n| n.ends_with(".json"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/syft/javascript/pkg-lock",
            cataloger: "npm-lock",
            as_path: "package-lock.json",
            select: |n| n.ends_with("lock.json") || n.contains("-lock-"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/osv-scalibr/javascript-yarnlock",
            cataloger: "yarn-lock",
            as_path: "yarn.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/trivy/nodejs-yarn",
            cataloger: "yarn-lock",
            as_path: "yarn.lock",
            select: |n| n.ends_with(".lock"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/syft/javascript",
            cataloger: "yarn-lock",
            as_path: "yarn.lock",
            select: |n| n == "yarn.lock",
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/osv-scalibr/javascript-pnpmlock",
            cataloger: "pnpm-lock",
            as_path: "pnpm-lock.yaml",
            select: any,
            errors: &["not-yaml.txt"],
        },
        Row {
            dir: "lockfiles/npm/trivy/nodejs-pnpm",
            cataloger: "pnpm-lock",
            as_path: "pnpm-lock.yaml",
            select: |n| n.ends_with(".yaml"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/syft/javascript",
            cataloger: "pnpm-lock",
            as_path: "pnpm-lock.yaml",
            select: |n| n == "pnpm-lock.yaml",
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/osv-scalibr/javascript-bunlock",
            cataloger: "bun-lock",
            as_path: "bun.lock",
            select: any,
            errors: &["not-json.txt"],
        },
        Row {
            dir: "lockfiles/npm/trivy/nodejs-bun",
            cataloger: "bun-lock",
            as_path: "bun.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/npm/osv-scalibr/javascript-packagejson",
            cataloger: "npm-installed",
            as_path: "node_modules/x/package.json",
            select: any,
            errors: &["invalid"],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("npm: {files} fixtures, {pkgs} packages");
}

#[test]
fn npm_lock_matches_trivy() {
    let f = parse_as(
        "npm-lock",
        "package-lock.json",
        &fx("lockfiles/npm/trivy-integration/npm/package-lock.json"),
    )
    .expect("parses");
    let g = "lockfiles/npm/trivy-integration/npm.expected/";
    assert_same(
        "npm-with-dev",
        &triples(&f, true),
        &golden(
            &format!("{g}npm-with-dev.json.golden"),
            "package-lock.json",
            true,
        ),
    );
    assert_same(
        "npm (no dev)",
        &triples(&f, false),
        &golden(&format!("{g}npm.json.golden"), "package-lock.json", false),
    );
}

#[test]
fn yarn_matches_trivy() {
    let f = parse_as(
        "yarn-lock",
        "yarn.lock",
        &fx("lockfiles/npm/trivy-integration/yarn/yarn.lock"),
    )
    .expect("parses");
    // trivy reads the project's package.json beside yarn.lock: it adds the project itself
    // (`integration`) and drops what only devDependencies pull in (`promise`, `asap`). A
    // yarn.lock alone says neither; scry's cataloger is per file.
    assert_same_except(
        "yarn",
        &triples(&f, true),
        &golden(
            "lockfiles/npm/trivy-integration/yarn.expected/yarn.json.golden",
            "yarn.lock",
            true,
        ),
        &[("asap", "2.0.6"), ("promise", "8.0.3")],
        &[("integration", "1.0.0")],
    );
}

#[test]
fn bun_matches_trivy() {
    let f = parse_as(
        "bun-lock",
        "bun.lock",
        &fx("lockfiles/npm/trivy-integration/bun/bun.lock"),
    )
    .expect("parses");
    assert_same(
        "bun (no dev)",
        &triples(&f, false),
        &golden(
            "lockfiles/npm/trivy-integration/bun.expected/bun.json.golden",
            "bun.lock",
            true,
        ),
    );
}

/// osv-scalibr's expectations for its package-lock v2 fixtures
/// (`packagelockjson-v2_test.go`), as (name, version) sets. Differences: osv-scalibr keeps
/// two `is-number-1@3.0.0` (same version, different commits) where scry keeps one per
/// (name, version), and lists `raven-js` with an empty version (git only) where scry
/// skips it with a warning; `files.v2.json` below.
#[test]
fn package_lock_v2_matches_osv_scalibr() {
    let cases: &[(&str, &[&str])] = &[
        ("empty.v2.json", &[]),
        ("one-package.v2.json", &["wrappy@1.0.2"]),
        ("one-package-dev.v2.json", &["wrappy@1.0.2"]),
        (
            "two-packages.v2.json",
            &["supports-color@5.5.0", "wrappy@1.0.2"],
        ),
        (
            "scoped-packages.v2.json",
            &["@babel/code-frame@7.0.0", "wrappy@1.0.2"],
        ),
        (
            "nested-dependencies.v2.json",
            &[
                "postcss-calc@7.0.1",
                "postcss@6.0.23",
                "postcss@7.0.16",
                "supports-color@5.5.0",
                "supports-color@6.1.0",
            ],
        ),
        (
            "nested-dependencies-dup.v2.json",
            &["supports-color@2.0.0", "supports-color@6.1.0"],
        ),
        (
            "commits.v2.json",
            &[
                "@segment/analytics.js-integration-facebook-pixel@2.4.1",
                "ansi-styles@1.0.0",
                "babel-preset-php@1.1.1",
                "is-number-1@3.0.0",
                "is-number-2@2.0.0",
                "is-number-3@2.0.0",
                "is-number-3@3.0.0",
                "is-number-4@3.0.0",
                "is-number-5@3.0.0",
                "postcss-calc@7.0.1",
                "slick-carousel@1.7.1",
            ],
        ),
        // osv-scalibr also lists the local folder `deps/etag` (a `file:` dependency, keyed
        // outside `node_modules/`) as `etag@1.8.0`; scry skips project folders.
        ("files.v2.json", &["abbrev@1.0.9", "abbrev@2.3.4"]),
        (
            "alias.v2.json",
            &[
                "@babel/code-frame@7.0.0",
                "string-width@4.2.0",
                "string-width@5.1.2",
            ],
        ),
        (
            "optional-package.v2.json",
            &["supports-color@5.5.0", "wrappy@1.0.2"],
        ),
    ];
    for (file, want) in cases {
        let f = parse_as(
            "npm-lock",
            "package-lock.json",
            &fx(&format!(
                "lockfiles/npm/osv-scalibr/javascript-packagelockjson/{file}"
            )),
        )
        .expect("parses");
        let mut got: Vec<String> = f
            .packages
            .iter()
            .map(|p| format!("{}@{}", p.name, p.version))
            .collect();
        got.sort();
        assert_eq!(got, *want, "{file}");
    }
    let dev = parse_as(
        "npm-lock",
        "package-lock.json",
        &fx("lockfiles/npm/osv-scalibr/javascript-packagelockjson/one-package-dev.v2.json"),
    )
    .expect("parses");
    assert_eq!(
        dev.packages[0].dependency,
        Some(scry_core::DependencyKind::Dev)
    );
}

/// osv-scalibr's expectations for its yarn berry fixtures (`yarnlock-v2_test.go`).
/// Difference: in `exclude-root.v2.lock` osv-scalibr keeps the workspace package
/// `@ws/ansi-regex@0.0.0-use.local`; scry skips workspace (`@workspace:`) entries.
#[test]
fn yarn_berry_matches_osv_scalibr() {
    let cases: &[(&str, &[&str])] = &[
        (
            "two-packages.v2.lock",
            &["compare-func@2.0.0", "concat-map@0.0.1"],
        ),
        (
            "with-quotes.v2.lock",
            &["compare-func@2.0.0", "concat-map@0.0.1"],
        ),
        (
            "multiple-versions.v2.lock",
            &["debug@2.6.9", "debug@3.2.7", "debug@4.3.3"],
        ),
        (
            "scoped-packages.v2.lock",
            &[
                "@babel/cli@7.16.8",
                "@babel/code-frame@7.16.7",
                "@babel/compat-data@7.16.8",
            ],
        ),
        (
            "with-prerelease.v2.lock",
            &[
                "@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3",
                "gensync@1.0.0-beta.2",
            ],
        ),
        (
            "with-build-string.v2.lock",
            &["domino@2.1.6+git", "tslib@2.6.2"],
        ),
        (
            "commits.v2.lock",
            &[
                "@my-scope/my-first-package@0.0.6",
                "@typegoose/typegoose@7.2.0",
                "is-really-great@1.0.0",
                "my-node-sdk@1.1.0",
                "my-second-package@0.2.2",
                "my-third-package@0.16.1-dev",
                "vuejs@2.5.0",
            ],
        ),
        ("files.v2.lock", &["my-package@0.0.2"]),
        (
            "with-aliases.v2.lock",
            &[
                "@babel/helper-validator-identifier@7.22.20",
                "ansi-regex@5.0.1",
                "ansi-regex@6.0.1",
            ],
        ),
        ("exclude-root.v2.lock", &["ansi-regex@6.1.0"]),
    ];
    for (file, want) in cases {
        let f = parse_as(
            "yarn-lock",
            "yarn.lock",
            &fx(&format!(
                "lockfiles/npm/osv-scalibr/javascript-yarnlock/{file}"
            )),
        )
        .expect("parses");
        let mut got: Vec<String> = f
            .packages
            .iter()
            .map(|p| format!("{}@{}", p.name, p.version))
            .collect();
        got.sort();
        assert_eq!(got, *want, "{file}");
    }
}

/// osv-scalibr's expectations for its pnpm v9 fixtures (`pnpmlock-v9_test.go`).
#[test]
fn pnpm_v9_matches_osv_scalibr() {
    let cases: &[(&str, &[&str])] = &[
        ("one-package-dev.v9.yaml", &["acorn@8.11.3"]),
        (
            "scoped-packages.v9.yaml",
            &["@typescript-eslint/types@5.62.0"],
        ),
        (
            "peer-dependencies.v9.yaml",
            &["acorn-jsx@5.3.2", "acorn@8.11.3"],
        ),
        (
            "peer-dependencies-advanced.v9.yaml",
            &[
                "@eslint-community/eslint-utils@4.4.0",
                "@eslint/eslintrc@2.1.4",
                "@typescript-eslint/eslint-plugin@5.62.0",
                "@typescript-eslint/parser@5.62.0",
                "@typescript-eslint/type-utils@5.62.0",
                "@typescript-eslint/typescript-estree@5.62.0",
                "@typescript-eslint/utils@5.62.0",
                "debug@4.3.4",
                "eslint@8.57.0",
                "has-flag@4.0.0",
                "supports-color@7.2.0",
                "tsutils@3.21.0",
                "typescript@4.9.5",
            ],
        ),
        (
            "multiple-versions.v9.yaml",
            &["uuid@8.0.0", "uuid@8.3.2", "xmlbuilder@11.0.1"],
        ),
        ("commits.v9.yaml", &["ansi-regex@6.0.1", "is-number@7.0.0"]),
        (
            "mixed-groups.v9.yaml",
            &["ansi-regex@5.0.1", "is-number@7.0.0", "uuid@8.3.2"],
        ),
    ];
    for (file, want) in cases {
        let f = parse_as(
            "pnpm-lock",
            "pnpm-lock.yaml",
            &fx(&format!(
                "lockfiles/npm/osv-scalibr/javascript-pnpmlock/{file}"
            )),
        )
        .expect("parses");
        let mut got: Vec<String> = f
            .packages
            .iter()
            .map(|p| format!("{}@{}", p.name, p.version))
            .collect();
        got.sort();
        assert_eq!(got, *want, "{file}");
    }
}
