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
