//! PyPI catalogers over the osv-scalibr and trivy fixtures, and trivy's goldens.

use crate::lang::{Row, assert_same, assert_same_except, fx, golden, parse_as, run, triples};

fn any(_: &str) -> bool {
    true
}

#[test]
fn pypi_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-requirements",
            cataloger: "python-requirements",
            as_path: "requirements.txt",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-pip",
            cataloger: "python-requirements",
            as_path: "requirements.txt",
            select: |n| n.ends_with(".txt"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-poetrylock",
            cataloger: "poetry-lock",
            as_path: "poetry.lock",
            select: any,
            errors: &["not-toml.txt"],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-poetry",
            cataloger: "poetry-lock",
            as_path: "poetry.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-pipfilelock",
            cataloger: "pipenv-lock",
            as_path: "Pipfile.lock",
            select: any,
            errors: &["not-json.txt", "empty-file"],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-pipenv",
            cataloger: "pipenv-lock",
            as_path: "Pipfile.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-uvlock",
            cataloger: "uv-lock",
            as_path: "uv.lock",
            select: any,
            errors: &["not-toml.txt"],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-uv",
            cataloger: "uv-lock",
            as_path: "uv.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-pdmlock",
            cataloger: "pdm-lock",
            as_path: "pdm.lock",
            select: any,
            errors: &["not-toml.txt"],
        },
        Row {
            dir: "lockfiles/pypi/syft/python/pdm-lock",
            cataloger: "pdm-lock",
            as_path: "pdm.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-pylock",
            cataloger: "pylock",
            as_path: "pylock.toml",
            select: any,
            errors: &["not-toml.txt"],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-pylock",
            cataloger: "pylock",
            as_path: "pylock.toml",
            select: any,
            errors: &["sad.toml"],
        },
        Row {
            dir: "lockfiles/pypi/trivy/python-packaging",
            cataloger: "python-installed",
            as_path: "site-packages/x.dist-info/METADATA",
            select: |n| n.contains("METADATA") || n.contains("PKG-INFO") || n.ends_with("egg-info"),
            errors: &[],
        },
        Row {
            dir: "lockfiles/pypi/osv-scalibr/python-wheelegg",
            cataloger: "python-installed",
            as_path: "site-packages/x.dist-info/METADATA",
            select: |n| !n.ends_with(".whl") && !n.ends_with(".egg"),
            errors: &["empty"],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("PyPI: {files} fixtures, {pkgs} packages");
}

const G: &str = "lockfiles/pypi/trivy-integration/";

#[test]
fn requirements_matches_trivy() {
    let f = parse_as(
        "python-requirements",
        "requirements.txt",
        &fx(&format!("{G}pip/requirements.txt")),
    )
    .expect("parses");
    // `MarkupSafe>2.0.0` is a range, skipped by both (scry with a warning).
    assert_eq!(f.warnings.len(), 1);
    assert_same(
        "pip",
        &triples(&f, true),
        &golden(
            &format!("{G}pip.expected/pip.json.golden"),
            "requirements.txt",
            true,
        ),
    );
}

#[test]
fn pipenv_matches_trivy() {
    let f = parse_as(
        "pipenv-lock",
        "Pipfile.lock",
        &fx(&format!("{G}pipenv/Pipfile.lock")),
    )
    .expect("parses");
    assert_same(
        "pipenv",
        &triples(&f, true),
        &golden(
            &format!("{G}pipenv.expected/pipenv.json.golden"),
            "Pipfile.lock",
            true,
        ),
    );
}

#[test]
fn uv_matches_trivy() {
    let f = parse_as("uv-lock", "uv.lock", &fx(&format!("{G}uv/uv.lock"))).expect("parses");
    assert_same(
        "uv",
        &triples(&f, false),
        &golden(&format!("{G}uv.expected/uv.json.golden"), "uv.lock", false),
    );
}

#[test]
fn pylock_matches_trivy() {
    let f = parse_as(
        "pylock",
        "pylock.toml",
        &fx(&format!("{G}pylock/pylock.toml")),
    )
    .expect("parses");
    assert_same_except(
        "pylock",
        &triples(&f, true),
        &golden(
            &format!("{G}pylock.expected/pylock.json.golden"),
            "pylock.toml",
            true,
        ),
        &[],
        &[],
    );
}
