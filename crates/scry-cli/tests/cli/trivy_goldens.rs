//! scry against trivy's own golden results for language lockfiles (issue #4).
//!
//! The fixtures' `lockfiles/<eco>/trivy-integration/<case>/` folders were scanned by
//! trivy's integration tests against the trivy-db buckets in
//! `advisories/trivy-integration-db/`; `<case>.expected/*.golden` hold trivy's answers
//! (trivy JSON, CycloneDX with `vulnerabilities`, or SPDX, which carries none).
//! `scripts/oracles/trivy_db_to_osv.py` turns those buckets into OSV records (its
//! docstring gives the mapping); they are imported into a fresh database and every case is
//! scanned with `scry scan fs CASE --offline --format json`.
//!
//! A finding is the triple (package name as written, installed version, vulnerability id).
//! Its fixed versions agree when both sides have none, or when every version scry offers
//! (`fixedInVersions`, the fixes above the installed version) is one of trivy's
//! `FixedVersion` list (trivy lists every patched version, also those below the installed
//! one). Every other difference is in [`KNOWN`] with its reason; one that is listed but no
//! longer happens fails too, and [`AGREED`] pins the number of agreeing findings per golden.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use crate::{scry, stderr, stdout};

/// (package, installed version, vulnerability id).
type Key = (String, String, String);
/// A side's findings: key → fixed versions (empty: no fix).
type Findings = BTreeMap<Key, BTreeSet<String>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Diff {
    /// trivy reports the finding, scry does not.
    OnlyTrivy,
    /// scry reports the finding, trivy does not.
    OnlyScry,
    /// Both report it; the fixed versions disagree.
    Fixed,
}

struct Known {
    /// `<case>/<golden file>`.
    golden: &'static str,
    diff: Diff,
    package: &'static str,
    version: &'static str,
    id: &'static str,
    reason: &'static str,
}

const LAST_AFFECTED: &str = "trivy-db says `>= 2.0.0, <= 2.9.10.3` with PatchedVersions \
     2.9.10.4: the exact OSV form is `last_affected: 2.9.10.3` (a `fixed: 2.9.10.4` would also \
     claim 2.9.10.3.x), which names no fix; trivy prints PatchedVersions as the fix";

/// Every disagreement that remains, with its reason.
const KNOWN: &[Known] = &[
    Known {
        golden: "cocoapods/cocoapods.json.golden",
        diff: Diff::OnlyTrivy,
        package: "_NIODataStructures",
        version: "2.41.0",
        id: "CVE-2022-3215",
        reason: "scry has no CocoaPods ecosystem or `Podfile.lock` cataloger; the converter \
                 skips the cocoapods bucket",
    },
    Known {
        golden: "conan/conan.json.golden",
        diff: Diff::OnlyTrivy,
        package: "pcre",
        version: "8.43",
        id: "CVE-2020-14155",
        reason: "scry has no ConanCenter ecosystem or `conan.lock` cataloger; the converter \
                 skips the conan bucket",
    },
    Known {
        golden: "gradle/gradle.json.golden",
        diff: Diff::Fixed,
        package: "com.fasterxml.jackson.core:jackson-databind",
        version: "2.9.1",
        id: "CVE-2020-9548",
        reason: LAST_AFFECTED,
    },
    Known {
        golden: "pom/pom.json.golden",
        diff: Diff::Fixed,
        package: "com.fasterxml.jackson.core:jackson-databind",
        version: "2.9.1",
        id: "CVE-2020-9548",
        reason: LAST_AFFECTED,
    },
    Known {
        golden: "pom/pom-cyclonedx.json.golden",
        diff: Diff::Fixed,
        package: "com.fasterxml.jackson.core:jackson-databind",
        version: "2.9.1",
        id: "CVE-2020-9548",
        reason: LAST_AFFECTED,
    },
    Known {
        golden: "sbt/sbt.json.golden",
        diff: Diff::Fixed,
        package: "com.fasterxml.jackson.core:jackson-databind",
        version: "2.9.1",
        id: "CVE-2020-9548",
        reason: LAST_AFFECTED,
    },
];

/// Agreeing findings per golden (every golden is listed, also those with none).
const AGREED: &[(&str, usize)] = &[
    ("bun/bun.json.golden", 1),
    ("cocoapods/cocoapods.json.golden", 0),
    ("composer-vendor/composer.vendor.json.golden", 1),
    ("conan/conan.json.golden", 0),
    ("dotnet/dotnet.json.golden", 1),
    ("gradle/gradle.json.golden", 1),
    ("julia/julia-spdx.json.golden", 0),
    ("mixlock/mix.lock.json.golden", 1),
    ("npm/npm-cyclonedx.json.golden", 1),
    ("npm/npm-with-dev.json.golden", 1),
    ("npm/npm.json.golden", 1),
    ("packagesprops/packagesprops.json.golden", 1),
    ("pip/pip.json.golden", 2),
    ("pipenv/pipenv.json.golden", 2),
    ("pom/pom-cyclonedx.json.golden", 1),
    ("pom/pom.json.golden", 1),
    ("pubspec/pubspec.lock.json.golden", 1),
    ("pylock/pylock.json.golden", 2),
    ("sbt/sbt.json.golden", 1),
    ("swift/swift.json.golden", 1),
    ("uv/uv.json.golden", 2),
    ("yarn/yarn.json.golden", 1),
];

fn key(package: &str, version: &str, id: &str) -> Key {
    (package.to_owned(), version.to_owned(), id.to_owned())
}

fn split_fixed(text: &str) -> BTreeSet<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `pkg:type/namespace/name@version?...` → (name as trivy writes it, version).
fn from_purl(purl: &str) -> (String, String) {
    let rest = purl.split(['?', '#']).next().unwrap_or(purl);
    let rest = rest.strip_prefix("pkg:").expect("a purl");
    let (ty, path) = rest.split_once('/').expect("purl type");
    let (path, version) = path.rsplit_once('@').expect("purl version");
    let path = path.replace("%40", "@");
    let name = if ty == "maven" {
        path.replacen('/', ":", 1)
    } else {
        path
    };
    (name, version.replace("%2B", "+"))
}

/// trivy's answer: trivy JSON (`Results[].Vulnerabilities[]`), CycloneDX
/// (`vulnerabilities[]`, fix from `recommendation`), or SPDX (no vulnerabilities).
fn golden_findings(doc: &serde_json::Value) -> Findings {
    let mut out = Findings::new();
    if let Some(results) = doc.get("Results") {
        for r in results.as_array().into_iter().flatten() {
            for v in r["Vulnerabilities"].as_array().into_iter().flatten() {
                let k = key(
                    v["PkgName"].as_str().expect("PkgName"),
                    v["InstalledVersion"].as_str().expect("InstalledVersion"),
                    v["VulnerabilityID"].as_str().expect("VulnerabilityID"),
                );
                let fixed = split_fixed(v["FixedVersion"].as_str().unwrap_or(""));
                out.entry(k).or_default().extend(fixed);
            }
        }
    } else if doc["bomFormat"] == "CycloneDX" {
        for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
            let id = v["id"].as_str().expect("id");
            let fixed = v["recommendation"]
                .as_str()
                .and_then(|r| r.split_once(" to version "))
                .map(|(_, f)| split_fixed(f))
                .unwrap_or_default();
            for a in v["affects"].as_array().into_iter().flatten() {
                let (name, version) = from_purl(a["ref"].as_str().expect("ref"));
                out.entry(key(&name, &version, id))
                    .or_default()
                    .extend(fixed.iter().cloned());
            }
        }
    } else {
        assert!(doc.get("spdxVersion").is_some(), "unknown golden format");
    }
    out
}

fn scry_findings(report: &serde_json::Value) -> Findings {
    let mut out = Findings::new();
    for f in report["findings"].as_array().expect("findings") {
        let details = &f["packageVulnerabilityDetails"];
        let id = details["vulnerabilityId"]
            .as_str()
            .expect("vulnerabilityId");
        for p in details["vulnerablePackages"].as_array().expect("packages") {
            let k = key(
                p["name"].as_str().expect("name"),
                p["version"].as_str().expect("version"),
                id,
            );
            let fixed = p["fixedInVersions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned));
            // The same package found in two files (lockfile and `node_modules`) is one.
            out.entry(k).or_default().extend(fixed);
        }
    }
    out
}

fn fixed_agrees(trivy: &BTreeSet<String>, scry: &BTreeSet<String>) -> bool {
    trivy.is_empty() == scry.is_empty() && scry.is_subset(trivy)
}

/// Runs the converter into `out`; `None` when it cannot run here (no python3 or PyYAML)
/// and this is not CI.
fn convert(db_dir: &Path, out: &Path) -> Option<String> {
    let script = scry_test::workspace_root().join("scripts/oracles/trivy_db_to_osv.py");
    let run = |args: &[&Path]| {
        Command::new("python3")
            .arg(&script)
            .args(args)
            .output()
            .ok()
    };
    let Some(o) = run(&[db_dir, out]) else {
        assert!(std::env::var_os("CI").is_none(), "python3 is needed");
        eprintln!("cannot check here: no python3");
        return None;
    };
    if o.status.code() == Some(2) && std::env::var_os("CI").is_none() {
        eprintln!("cannot check here: {}", stderr(&o));
        return None;
    }
    assert!(o.status.success(), "converter: {}", stderr(&o));
    let check = run(&[Path::new("--self-test")]).expect("python3 runs");
    assert!(check.status.success(), "self-test: {}", stderr(&check));
    Some(format!("{}{}", stdout(&o), stderr(&o)))
}

#[test]
fn language_findings_agree_with_trivy_goldens() {
    let fixtures = scry_test::fixtures_dir();
    let tmp = tempfile::tempdir().expect("tmp");
    let osv = tmp.path().join("osv");
    let Some(log) = convert(&fixtures.join("advisories/trivy-integration-db"), &osv) else {
        return;
    };
    assert!(log.contains("23 OSV records written"), "{log}");
    for skipped in ["cocoapods::", "conan::", "k8s::"] {
        assert!(log.contains(&format!("skipped '{skipped}")), "{log}");
    }
    let db = tmp.path().join("scry.db").display().to_string();
    let out = scry(
        &["--db", &db, "db", "import", &osv.display().to_string()],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));

    // Every golden beside a case folder.
    let mut goldens = Vec::new();
    let lockfiles = fixtures.join("lockfiles");
    for eco in std::fs::read_dir(&lockfiles).expect("lockfiles") {
        let base = eco.expect("entry").path().join("trivy-integration");
        for entry in std::fs::read_dir(&base).into_iter().flatten() {
            let dir = entry.expect("entry").path();
            let Some(case) = dir
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".expected"))
            else {
                continue;
            };
            for g in std::fs::read_dir(&dir).expect("expected dir") {
                let g = g.expect("entry").path();
                let name = g.file_name().and_then(|n| n.to_str()).expect("name");
                if name.ends_with(".golden") {
                    goldens.push((format!("{case}/{name}"), base.join(case), g.clone()));
                }
            }
        }
    }
    goldens.sort();
    let names: Vec<&str> = goldens.iter().map(|(n, _, _)| n.as_str()).collect();
    let listed: Vec<&str> = AGREED.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every golden is compared, and only those");

    let mut scans: BTreeMap<String, Findings> = BTreeMap::new();
    let mut table = String::from("golden | agreed | known disagreements\n");
    let mut unexpected = Vec::new();
    let mut seen_known = BTreeSet::new();
    let mut agreed_per_golden: Vec<(&str, usize)> = Vec::new();
    for (name, case_dir, golden) in &goldens {
        let case = case_dir.display().to_string();
        let ours = scans.entry(case.clone()).or_insert_with(|| {
            let out = scry(
                &[
                    "--db",
                    &db,
                    "scan",
                    "fs",
                    &case,
                    "--offline",
                    "--format",
                    "json",
                ],
                "",
            );
            assert!(out.status.success(), "{case}: {}", stderr(&out));
            scry_findings(&serde_json::from_str(&stdout(&out)).expect("findings JSON"))
        });
        let text = std::fs::read_to_string(golden).expect("golden");
        let theirs = golden_findings(&serde_json::from_str(&text).expect("golden JSON"));

        let mut agreed = 0;
        let mut known_here = Vec::new();
        let keys: BTreeSet<&Key> = theirs.keys().chain(ours.keys()).collect();
        for k in keys {
            let diff = match (theirs.get(k), ours.get(k)) {
                (Some(t), Some(s)) if fixed_agrees(t, s) => {
                    agreed += 1;
                    continue;
                }
                (Some(_), Some(_)) => Diff::Fixed,
                (Some(_), None) => Diff::OnlyTrivy,
                _ => Diff::OnlyScry,
            };
            let known = KNOWN.iter().position(|kn| {
                kn.golden == name && kn.diff == diff && key(kn.package, kn.version, kn.id) == *k
            });
            if let Some(i) = known {
                seen_known.insert(i);
                known_here.push(format!("{diff:?} {} ({})", k.2, KNOWN[i].reason));
            } else {
                unexpected.push(format!(
                    "{name}: {diff:?} {k:?}: trivy {:?}, scry {:?}",
                    theirs.get(k),
                    ours.get(k)
                ));
            }
        }
        agreed_per_golden.push((name, agreed));
        writeln!(table, "{name} | {agreed} | {}", known_here.join("; ")).expect("write");
    }
    assert!(
        unexpected.is_empty(),
        "new differences:\n{}",
        unexpected.join("\n")
    );
    let stale: Vec<&str> = (0..KNOWN.len())
        .filter(|i| !seen_known.contains(i))
        .map(|i| KNOWN[i].golden)
        .collect();
    assert!(
        stale.is_empty(),
        "listed differences no longer seen: {stale:?}"
    );
    assert_eq!(
        agreed_per_golden, AGREED,
        "agreeing findings per golden\n{table}"
    );
    let total: usize = agreed_per_golden.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 23, "{table}");
    assert_eq!(seen_known.len(), 6);
    eprintln!("{table}");
}
