//! `scry scan --format json|sarif|cyclonedx --output FILE` on real lockfiles, checked by
//! validators that are not scry's own (`scripts/validate-findings.py`: `jsonschema` against
//! docs/schema/findings-v1.schema.json and the SARIF 2.1.0 schema of Microsoft's SARIF SDK,
//! cyclonedx-python-lib for the VDR), and the exit codes of `--fail-on`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::validate;
use crate::{scry, stderr, stdout};

/// A database of the RustSec and PyPA snapshots, and a project holding a crafted
/// known-vulnerable `Cargo.lock` and trivy's `Pipfile.lock` with Django 2.0.9.
fn db_and_project(dir: &Path) -> (String, String) {
    let db = dir.join("scry.db").display().to_string();
    let vulndb = scry_test::vulndb_dir();
    let out = scry(
        &[
            "--db",
            &db,
            "db",
            "import",
            &vulndb
                .join("rustsec-crates.osv.jsonl.zst")
                .display()
                .to_string(),
            &vulndb.join("pypa-pypi.osv.jsonl.zst").display().to_string(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let project = dir.join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    let cargo_lock = scry_test::workspace_root()
        .join("crates/scry-match/tests/data/cargo/crafted-vulnerable.lock");
    std::fs::copy(&cargo_lock, project.join("Cargo.lock")).expect("copy Cargo.lock");
    let pipfile_lock =
        scry_test::fixtures_dir().join("lockfiles/pypi/trivy/python-pipenv/Pipfile_django.lock");
    std::fs::copy(&pipfile_lock, project.join("Pipfile.lock")).expect("copy Pipfile.lock");
    (db, project.display().to_string())
}

/// Runs `scry --db DB scan fs PROJECT --offline EXTRA...`.
fn scan(db: &str, project: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["--db", db, "scan", "fs", project, "--offline"];
    args.extend_from_slice(extra);
    scry(&args, "")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each format written with `--output` (stdout stays empty), with findings in it, passes
/// the independent validators. `.ci/run` installs them; elsewhere the test says it cannot
/// check and passes.
#[test]
fn findings_in_every_format_pass_independent_validators() {
    let dir = tempfile::tempdir().expect("tmp");
    let (db, project) = db_and_project(dir.path());
    let mut files: Vec<PathBuf> = Vec::new();
    for format in ["json", "sarif", "cyclonedx"] {
        let file = dir.path().join(format!("report.{format}.json"));
        let out = scan(
            &db,
            &project,
            &["--format", format, "--output", &file.display().to_string()],
        );
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{format}: --output leaves stdout empty");
        files.push(file);
    }

    // Not vacuous: every document carries findings of both ecosystems.
    let json = read_json(&files[0]);
    let findings = json["findings"].as_array().expect("findings");
    let packages: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["packageVulnerabilityDetails"]["vulnerablePackages"][0]["name"].as_str())
        .collect();
    assert!(
        packages.iter().any(|p| p.eq_ignore_ascii_case("django")),
        "{packages:?}"
    );
    assert!(packages.contains(&"smallvec"), "{packages:?}");
    let sarif = read_json(&files[1]);
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    let vdr = read_json(&files[2]);
    let vulns = vdr["vulnerabilities"].as_array().expect("vulnerabilities");
    assert!(!vulns.is_empty());

    let Some(text) = validate("scripts/validate-findings.py", &files) else {
        return;
    };
    assert_eq!(text.matches(": valid ").count(), 3, "{text}");
}

/// docs/findings.md: exit 1 when an active finding at or above `--fail-on` remains, 0 when
/// none does (also with `--output`, which still writes the report), whatever the format.
#[test]
fn fail_on_exits_1_at_or_above_the_threshold_and_0_below() {
    let dir = tempfile::tempdir().expect("tmp");
    let (db, project) = db_and_project(dir.path());
    let out = scan(&db, &project, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("findings JSON");
    let order = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    let active = &report["summary"]["activeBySeverity"];
    let highest = order
        .iter()
        .rposition(|s| active[*s].as_u64().unwrap_or(0) > 0)
        .expect("an active finding of a known severity");

    let at = order[highest].to_ascii_lowercase();
    let file = dir.path().join("at.sarif");
    let out = scan(
        &db,
        &project,
        &[
            "--fail-on",
            &at,
            "--format",
            "sarif",
            "--output",
            &file.display().to_string(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "--fail-on {at}: {}",
        stderr(&out)
    );
    assert!(
        file.is_file(),
        "the report is written even when the scan fails the policy"
    );
    assert_eq!(stdout(&out), "");

    if let Some(above) = order.get(highest + 1) {
        let above = above.to_ascii_lowercase();
        let out = scan(&db, &project, &["--fail-on", &above]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "--fail-on {above}: {}",
            stderr(&out)
        );
    }

    // Untriaged findings (no severity in the advisory) fail only `--fail-on untriaged`:
    // severities order UNTRIAGED < INFORMATIONAL < LOW < ...
    assert!(
        active["UNTRIAGED"].as_u64().unwrap_or(0) > 0,
        "advisories without a severity (most RustSec and PyPA records here) are untriaged: {active}"
    );
    for (threshold, code) in [("untriaged", 1), ("informational", 0), ("low", 0)] {
        let out = scan(
            &db,
            &project,
            &["--severity", "untriaged", "--fail-on", threshold],
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "--severity untriaged --fail-on {threshold}: {}",
            stderr(&out)
        );
    }

    // A project with nothing vulnerable: exit 0 even at the lowest threshold.
    let clean = dir.path().join("clean");
    std::fs::create_dir_all(&clean).expect("mkdir");
    std::fs::write(
        clean.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    )
    .expect("write");
    let out = scan(
        &db,
        &clean.display().to_string(),
        &["--fail-on", "untriaged", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: Value = serde_json::from_str(&stdout(&out)).expect("findings JSON");
    assert_eq!(r["summary"]["active"], 0);
}
