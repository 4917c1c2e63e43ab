//! `scry sbom` and `scry scan` on real inputs.

use crate::support::validate;
use crate::{scry, stderr, stdout};

fn alpine_image() -> String {
    scry_test::fixtures_dir()
        .join("images/docker-save/trivy-alpine-310/alpine-310.tar.gz")
        .display()
        .to_string()
}

#[test]
fn sbom_of_an_image_in_three_formats() {
    let img = alpine_image();
    let out = scry(&["sbom", "image", &img, "--format", "json"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let inv: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("inventory JSON");
    assert_eq!(inv["os"]["id"], "alpine");
    assert_eq!(inv["os"]["versionId"], "3.10.4");
    let pkgs = inv["packages"].as_array().expect("packages");
    assert_eq!(pkgs.len(), 14);
    let ssl = pkgs
        .iter()
        .find(|p| p["name"] == "libssl1.1")
        .expect("libssl1.1");
    assert_eq!(ssl["version"], "1.1.1d-r2");
    assert_eq!(ssl["sourceName"], "openssl");
    assert_eq!(ssl["ecosystem"], "Alpine:v3.10");
    assert!(
        ssl["layer"]
            .as_str()
            .is_some_and(|l| l.starts_with("sha256:"))
    );

    let out = scry(&["sbom", "image", &img, "--format", "cyclonedx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let bom: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("CycloneDX JSON");
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let comps = bom["components"].as_array().expect("components");
    assert_eq!(comps.len(), 15, "14 packages and the OS");
    assert!(
        comps
            .iter()
            .any(|c| c["type"] == "operating-system" && c["name"] == "alpine")
    );
    assert!(comps.iter().any(|c| {
        c["purl"]
            .as_str()
            .is_some_and(|p| p.starts_with("pkg:apk/alpine/libssl1.1@1.1.1d-r2"))
    }));

    let out = scry(&["sbom", "image", &img, "--format", "spdx"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("SPDX JSON");
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(
        doc["packages"].as_array().map(Vec::len),
        Some(16),
        "target, OS and 14 packages"
    );
    for p in doc["packages"].as_array().into_iter().flatten() {
        let id = p["SPDXID"].as_str().expect("id");
        assert!(
            id.starts_with("SPDXRef-")
                && id[8..]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
    }
}

#[test]
fn scan_of_a_project_finds_rustsec_advisories_and_obeys_ci_options() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("scry.db").display().to_string();
    let out = scry(
        &[
            "--db",
            &db,
            "db",
            "import",
            &scry_test::vulndb_dir()
                .join("rustsec-crates.osv.jsonl.zst")
                .display()
                .to_string(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(
        project.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\"smallvec\"]\n\n[[package]]\nname = \"smallvec\"\nversion = \"0.6.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("write");
    let p = project.display().to_string();
    let out = scry(
        &[
            "--db",
            &db,
            "scan",
            "fs",
            &p,
            "--offline",
            "--format",
            "json",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("findings JSON");
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["packageVulnerabilityDetails"]["vulnerabilityId"].as_str())
        .collect();
    // RUSTSEC-2019-0009 (CVE-2019-1010266? no: smallvec double free) and RUSTSEC-2021-0003.
    assert!(ids.len() >= 2, "{ids:?}");
    assert!(
        report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["type"] == "PACKAGE_VULNERABILITY")
    );

    let out = scry(
        &[
            "--db",
            &db,
            "scan",
            "fs",
            &p,
            "--offline",
            "--fail-on",
            "low",
        ],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a finding at or above --fail-on exits 1"
    );
    let out = scry(
        &[
            "--db",
            &db,
            "scan",
            "fs",
            &p,
            "--offline",
            "--format",
            "sarif",
        ],
        "",
    );
    assert!(out.status.success());
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("SARIF");
    assert_eq!(sarif["version"], "2.1.0");
    let out = scry(
        &[
            "--db",
            &db,
            "scan",
            "fs",
            &p,
            "--offline",
            "--severity",
            "nonsense",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

/// CycloneDX and SPDX documents checked by the official validators
/// (`scripts/validate-sbom.py`: cyclonedx-python-lib's strict schema, spdx-tools).
/// `.ci/run` installs them; elsewhere the test says it cannot check and passes.
#[test]
fn sboms_pass_the_official_validators() {
    let dir = tempfile::tempdir().expect("tmp");
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(
        project.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"demo\"\nversion = \"0.1.0\"\ndependencies = [\"smallvec\"]\n\n[[package]]\nname = \"smallvec\"\nversion = \"0.6.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("write");
    let mut files = Vec::new();
    for (kind, target) in [
        ("image", alpine_image()),
        ("fs", project.display().to_string()),
    ] {
        for format in ["cyclonedx", "spdx"] {
            let out_path = dir.path().join(format!("{kind}.{format}.json"));
            let o = out_path.display().to_string();
            let out = scry(
                &["sbom", kind, &target, "--format", format, "--output", &o],
                "",
            );
            assert!(out.status.success(), "{kind} {format}: {}", stderr(&out));
            files.push(o);
        }
    }
    let Some(text) = validate("scripts/validate-sbom.py", &files) else {
        return;
    };
    assert_eq!(text.matches(": valid").count(), 4, "{text}");
}

/// An SBOM written by scry and read back gives the same findings as the scan of the
/// target itself.
#[test]
fn sboms_read_back_scan_like_the_target() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("scry.db").display().to_string();
    let out = scry(
        &[
            "--db",
            &db,
            "db",
            "import",
            &scry_test::vulndb_dir()
                .join("alpine-secdb-legacy.zip")
                .display()
                .to_string(),
            &scry_test::vulndb_dir()
                .join("rustsec-crates.osv.jsonl.zst")
                .display()
                .to_string(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(
        project.join("Cargo.lock"),
        "version = 3\n\n[[package]]\nname = \"smallvec\"\nversion = \"0.6.9\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"time\"\nversion = \"0.1.43\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
    )
    .expect("write");
    let ids = |args: &[&str]| -> Vec<String> {
        let out = scry(args, "");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let r: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        let mut v: Vec<String> = r["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| {
                f["packageVulnerabilityDetails"]["vulnerabilityId"]
                    .as_str()
                    .map(str::to_owned)
            })
            .collect();
        v.sort();
        v
    };
    let p = project.display().to_string();
    let direct = ids(&[
        "--db",
        &db,
        "scan",
        "fs",
        &p,
        "--offline",
        "--format",
        "json",
    ]);
    assert!(direct.len() >= 3, "{direct:?}");
    for format in ["cyclonedx", "spdx"] {
        let file = dir
            .path()
            .join(format!("p.{format}.json"))
            .display()
            .to_string();
        let out = scry(
            &["sbom", "fs", &p, "--format", format, "--output", &file],
            "",
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let back = ids(&[
            "--db",
            &db,
            "scan",
            "sbom",
            &file,
            "--offline",
            "--format",
            "json",
        ]);
        assert_eq!(back, direct, "{format}");
    }
    // An OS package from an image SBOM keeps its distribution release.
    let file = dir.path().join("img.cdx.json").display().to_string();
    let out = scry(
        &[
            "sbom",
            "image",
            &alpine_image(),
            "--format",
            "cyclonedx",
            "--output",
            &file,
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = scry(
        &[
            "--db",
            &db,
            "scan",
            "sbom",
            &file,
            "--offline",
            "--format",
            "json",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(r["summary"]["packages"], 14);
    let out = scry(&["--db", &db, "scan", "sbom", &db, "--offline"], "");
    assert_eq!(out.status.code(), Some(2), "a database file is no SBOM");
}
