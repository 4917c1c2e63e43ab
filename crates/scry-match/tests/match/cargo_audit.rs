//! Cargo.lock files scanned against the RustSec OSV export give exactly the advisories
//! `cargo audit` reports for the same lockfile and the same advisory data (baselines in
//! `tests/data/cargo-audit/`, made by `scripts/baselines/cargo-audit.sh`).
//!
//! Compared: vulnerabilities and the informational warnings (unmaintained, unsound,
//! notice) as `<kind> <advisory> <crate> <version>`. Not compared: cargo-audit's `yanked`
//! warnings, which come from the crates.io index, not from advisories.

use std::collections::BTreeSet;
use std::path::PathBuf;

use scry_core::{Inventory, Target, TargetKind};
use scry_match::{MatchOptions, match_inventory_detailed};

use crate::support::{data, now, real_db};

/// (baseline name, lockfile).
fn cases() -> Vec<(&'static str, PathBuf)> {
    let fx = scry_test::fixtures_dir().join("lockfiles/cargo");
    let mut v = vec![
        ("scry-workspace", data("cargo/scry-workspace.lock")),
        ("crafted-vulnerable", data("cargo/crafted-vulnerable.lock")),
        ("syft-rust", fx.join("syft/rust/Cargo.lock")),
        (
            "syft-rust-git-deps",
            fx.join("syft/rust/Cargo.lock-with-git-deps"),
        ),
        (
            "trivy-normal",
            fx.join("trivy/rust-cargo/cargo_normal.lock"),
        ),
        ("trivy-v3", fx.join("trivy/rust-cargo/cargo_v3.lock")),
    ];
    for n in [
        "duplicate",
        "empty",
        "many-packages",
        "one-package",
        "package-with-build-string",
        "package-with-comments",
        "two-packages-with-local",
        "two-packages",
    ] {
        let name: &'static str = Box::leak(format!("scalibr-{n}").into_boxed_str());
        v.push((
            name,
            fx.join(format!("osv-scalibr/rust-cargolock/{n}.lock")),
        ));
    }
    v
}

/// The lockfile through scry-catalog's `cargo-lock` cataloger.
fn inventory_of(path: &PathBuf) -> Inventory {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cataloger =
        scry_catalog::lang::by_name("cargo-lock").expect("scry-catalog has a cargo-lock cataloger");
    let found = cataloger
        .parse("Cargo.lock", &bytes, &scry_catalog::Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Inventory {
        target: Target {
            kind: TargetKind::Lockfile,
            name: path.display().to_string(),
            digest: None,
        },
        os: None,
        packages: found.packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

/// cargo-audit's answer, or `None` when it refused the lockfile (its reason is the
/// baseline's `error` line: the syft and osv-scalibr fixtures name dependencies that
/// are not in the file, which cargo-lock rejects and scry's cataloger tolerates).
fn baseline(name: &str) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(data(&format!("cargo-audit/{name}.txt")))
        .unwrap_or_else(|e| panic!("baseline {name}: {e}"));
    if text.starts_with("error ") {
        return None;
    }
    let set = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("yanked "))
        .map(str::to_owned)
        .collect();
    Some(set)
}

/// `<kind> <advisory> <crate> <version>` lines of scry's findings.
fn scry_lines(inv: &Inventory, db: &scry_vulndb::Database) -> (BTreeSet<String>, Vec<String>) {
    let out = match_inventory_detailed(inv, db, &MatchOptions::at(now())).expect("matches");
    let mut lines = BTreeSet::new();
    for f in &out.findings {
        for s in f.sources.iter().filter(|s| s.id.starts_with("RUSTSEC-")) {
            let rec = db.get(&s.id).expect("db").expect("source record exists");
            for vp in &f.package_vulnerability_details.vulnerable_packages {
                // Only the packages this record names (a group can span crates).
                let names_it = rec.affected.iter().any(|a| {
                    a.package.as_ref().is_some_and(|p| {
                        scry_vulndb::normalize_name(&scry_core::EcosystemKind::CratesIo, &p.name)
                            == scry_vulndb::normalize_name(
                                &scry_core::EcosystemKind::CratesIo,
                                &vp.name,
                            )
                    })
                });
                if !names_it {
                    continue;
                }
                let kind = rec
                    .affected
                    .iter()
                    .filter_map(|a| a.database_specific.as_ref())
                    .filter_map(|d| d.get("informational").and_then(serde_json::Value::as_str))
                    .next()
                    .unwrap_or("vulnerability");
                lines.insert(format!("{kind} {} {} {}", s.id, vp.name, vp.version));
            }
        }
    }
    (
        lines,
        out.warnings.iter().map(ToString::to_string).collect(),
    )
}

#[test]
fn same_advisories_as_cargo_audit() {
    let db = real_db();
    let mut report = Vec::new();
    let mut total = 0;
    let mut refused = 0;
    let mut disagreements = Vec::new();
    for (name, path) in cases() {
        let inv = inventory_of(&path);
        let (ours, warnings) = scry_lines(&inv, &db);
        let Some(theirs) = baseline(name) else {
            report.push(format!(
                "{name}: cargo-audit refuses the lockfile; scry: {} packages, {:?}",
                inv.packages.len(),
                ours
            ));
            refused += 1;
            continue;
        };
        total += theirs.len();
        for l in ours.difference(&theirs) {
            disagreements.push(format!("{name}: only scry: {l}"));
        }
        for l in theirs.difference(&ours) {
            disagreements.push(format!("{name}: only cargo-audit: {l}"));
        }
        report.push(format!(
            "{name}: {} packages, {} advisories, {} warnings",
            inv.packages.len(),
            theirs.len(),
            warnings.len()
        ));
    }
    eprintln!("{}\ntotal advisories compared: {total}", report.join("\n"));
    assert!(total >= 70, "the baselines hold {total} advisories");
    assert_eq!(refused, 4, "lockfiles cargo-audit refuses");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
