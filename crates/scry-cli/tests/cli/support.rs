//! Helpers shared by the modules: test data, databases built with `scry db import`,
//! JSON scans and the external validators.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use crate::{scry, stderr, stdout};

/// `crates/scry-cli/tests/data/REL`.
pub(crate) fn test_data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// The file's text; a missing or unreadable file fails the test with its path.
pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A database of `sources` built with `scry db import`, at
/// `CARGO_TARGET_TMPDIR/cli-databases/LABEL-PID.db`. A label is used once per process;
/// callers that share a database keep it in a `OnceLock`. Named by process id because a
/// static is never dropped and so cannot clean up after itself: the databases of ended
/// processes are deleted first.
pub(crate) fn import_db(label: &str, sources: &[PathBuf]) -> String {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-databases");
    std::fs::create_dir_all(&dir).expect("target/tmp is writable");
    remove_stale_databases(&dir);
    let db = dir
        .join(format!("{label}-{}.db", std::process::id()))
        .display()
        .to_string();
    let sources: Vec<String> = sources.iter().map(|s| s.display().to_string()).collect();
    let mut args = vec!["--db", &db, "db", "import"];
    args.extend(sources.iter().map(String::as_str));
    let out = scry(&args, "");
    assert!(out.status.success(), "import {label}: {}", stderr(&out));
    db
}

/// Deletes the `*-PID.db` files of `dir` whose process has ended.
fn remove_stale_databases(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name.rsplit('-').next().and_then(|r| r.strip_suffix(".db"));
        if let Some(pid) = pid
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// `scry scan KIND TARGET --db DB --offline --format json`, parsed. The exit code must be
/// one of `codes` (1 means findings at or above the default `--fail-on`; 2 that the scan
/// could not run).
pub(crate) fn scan_json(kind: &str, target: &Path, db: &str, codes: &[i32]) -> serde_json::Value {
    let t = target.display().to_string();
    let out = scry(
        &[
            "scan",
            kind,
            &t,
            "--db",
            db,
            "--offline",
            "--format",
            "json",
        ],
        "",
    );
    assert!(
        out.status.code().is_some_and(|c| codes.contains(&c)),
        "scan {t}: {}",
        stderr(&out)
    );
    serde_json::from_str(&stdout(&out)).expect("findings JSON")
}

/// Fails unless every version and range event of the scan parsed.
pub(crate) fn assert_all_parsed(report: &serde_json::Value, what: &str) {
    assert_eq!(report["summary"]["unparsableVersions"], 0, "{what}");
    assert_eq!(report["summary"]["unparsableEvents"], 0, "{what}");
}

/// Runs `python3 workspace/SCRIPT FILES…`, a validator that exits 2 when its libraries are
/// missing. Returns its stdout and stderr, or `None` when it cannot check here (exit 2
/// outside CI; in CI that fails the test). Any other failure fails the test.
pub(crate) fn validate(script: &str, files: &[impl AsRef<OsStr>]) -> Option<String> {
    let script = scry_test::workspace_root().join(script);
    let out = std::process::Command::new("python3")
        .arg(&script)
        .args(files)
        .output()
        .expect("python3 runs");
    let text = format!("{}{}", stdout(&out), stderr(&out));
    if out.status.code() == Some(2) && std::env::var_os("CI").is_none() {
        eprintln!("cannot check here: {text}");
        return None;
    }
    assert!(out.status.success(), "{text}");
    Some(text)
}

/// `(package, version, vulnerability or record id)`.
pub(crate) type Triple = (String, String, String);

/// The OS packages' triples `(source, matched version, id)` in a scan report: `(primary, all)`, where `primary` uses each
/// finding's `vulnerabilityId` and `all` adds its `relatedVulnerabilities` (a DSA fixing
/// CVEs that another record also names is one finding with the other ids related). With
/// `source_required`, every package must name its source package (dpkg, as Ubuntu's are).
pub(crate) fn os_triples(
    report: &serde_json::Value,
    eco: &str,
    source_required: bool,
) -> (BTreeSet<Triple>, BTreeSet<Triple>) {
    let (mut primary, mut all) = (BTreeSet::new(), BTreeSet::new());
    for f in report["findings"].as_array().expect("findings") {
        let d = &f["packageVulnerabilityDetails"];
        let id = d["vulnerabilityId"].as_str().expect("vulnerabilityId");
        let related = d["relatedVulnerabilities"].as_array().expect("related");
        for p in d["vulnerablePackages"].as_array().expect("packages") {
            let ecosystem = p["ecosystem"].as_str().expect("ecosystem");
            assert!(
                ecosystem.starts_with(eco),
                "a finding outside {eco}: {ecosystem} {}",
                p["name"]
            );
            let source = p["sourceName"].as_str();
            assert!(
                source.is_some() || !source_required,
                "{eco}: no sourceName for {}",
                p["name"]
            );
            let src = source
                .or_else(|| p["name"].as_str())
                .expect("name")
                .to_owned();
            let v = p["matchedVersion"]
                .as_str()
                .expect("matchedVersion")
                .to_owned();
            primary.insert((src.clone(), v.clone(), id.to_owned()));
            all.insert((src.clone(), v.clone(), id.to_owned()));
            for r in related.iter().filter_map(serde_json::Value::as_str) {
                all.insert((src.clone(), v.clone(), r.to_owned()));
            }
        }
    }
    (primary, all)
}
