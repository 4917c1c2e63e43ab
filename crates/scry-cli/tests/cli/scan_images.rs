//! `scry scan image|rootfs` against independent references (issue #4): every
//! (source package, version, vulnerability) of the OS packages, no more, no fewer.
//!
//! The references never share code with scry; their answers are stored under
//! `tests/data/` so these tests need neither root nor Python:
//! - Alpine: `scripts/oracles/alpine_secdb.py` reads the image, the secdb YAML of its branch
//!   (PyYAML) and asks the image's own `/sbin/apk version -t` (apk-tools 2.10, in a chroot)
//!   for every comparison. `tests/data/alpine/<name>.expected`.
//! - Debian: `scripts/oracles/debian_tracker.py` reads the tracker's DSA/DLA lists and asks
//!   `dpkg --compare-versions`. `tests/data/debian/<name>.expected`, inventories
//!   `<name>.dpkg` (`source source_version package version`).
//!
//! Targets:
//! - `alpine-310`: the fixture image (alpine 3.10.4, 14 packages) against the v3.10 secdb of
//!   2020-06: both answer nothing (every installed version is at or above its fixes).
//! - `alpine-310-downgraded`: the same image plus a second layer whose
//!   `/lib/apk/db/installed` (`tests/data/alpine/alpine-310-downgraded.installed`) lists
//!   older musl, busybox and openssl and seven more packages with `_p`, `_rc`, `_alpha`,
//!   `_beta` versions and an `-r`-less fix (`runc 1.0.0_rc7`): 24 triples.
//! - `bullseye-minbase`: the packages of a real Debian 11.11 minbase image
//!   (`crates/scry-image/scripts/make-debian-image.sh "" "" bullseye`) against the
//!   2023-04-02 tracker: nothing (11.11 carries every fix), with binNMUs and epochs present.
//! - `bullseye-11.0`: the same inventory with the ten sources the tracker fixes in bullseye
//!   put back at their Debian 11.0 versions: 23 triples.
//!
//! The Debian inventories are scanned as a root filesystem made from them (`etc/os-release`
//! and `var/lib/dpkg/status`); the real bullseye image is scanned too when it was built
//! (`target/scry-image/debian-bullseye-oci`, or `$SCRY_BULLSEYE_IMAGE`). This machine's own
//! `scry scan rootfs /` takes minutes: `scripts/oracles/compare-host.sh` does it.
//!
//! Disagreements: none remain (each target's `KNOWN` list is empty; an entry names the
//! triple, the side that has it and why).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use sha2::{Digest as _, Sha256};

use crate::support::{
    Triple, assert_all_parsed, import_db, os_triples, read, scan_json, test_data,
};
use crate::{stderr, stdout};

/// A difference the test accepts: the triple, `"scry"` or `"reference"` (the side that has
/// it), and why.
type Known = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A database of the Alpine secdb and Debian tracker snapshots, built once per test binary
/// with `scry db import`.
fn db() -> &'static str {
    static DB: OnceLock<String> = OnceLock::new();
    DB.get_or_init(|| {
        let v = |f: &str| scry_test::vulndb_dir().join(f);
        import_db(
            "vulndb",
            &[
                v("alpine-secdb-legacy.zip"),
                v("debian-security-tracker-lists.zip"),
            ],
        )
    })
}

/// `scry scan KIND TARGET --offline --format json`, parsed.
fn scan(kind: &str, target: &Path) -> serde_json::Value {
    let report = scan_json(kind, target, db(), &[0, 1]);
    assert_all_parsed(&report, &target.display().to_string());
    report
}

/// The reference's triples: the first three tab-separated columns of each line.
fn expected(rel: &str) -> BTreeSet<Triple> {
    read(&test_data(rel))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() >= 4, "{rel}: {l:?}");
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect()
}

/// Compares a report with the reference; panics on any difference not in `known`, and on
/// a `known` entry that no longer happens. Returns the number of agreeing triples.
fn compare(
    name: &str,
    report: &serde_json::Value,
    eco: &str,
    want: &BTreeSet<Triple>,
    known: &[Known],
) -> usize {
    let (primary, all) = os_triples(report, eco, false);
    let mut diffs = Vec::new();
    for t in want.difference(&all) {
        diffs.push(("reference", t));
    }
    for t in primary.difference(want) {
        diffs.push(("scry", t));
    }
    let mut unexplained = String::new();
    for (side, (s, v, id)) in &diffs {
        if !known
            .iter()
            .any(|k| (k.0, k.1, k.2, k.3) == (s.as_str(), v.as_str(), id.as_str(), *side))
        {
            let _ = writeln!(unexplained, "{name}: only {side}: {s} {v} {id}");
        }
    }
    for k in known {
        assert!(
            diffs.iter().any(
                |(side, t)| (t.0.as_str(), t.1.as_str(), t.2.as_str(), *side)
                    == (k.0, k.1, k.2, k.3)
            ),
            "{name}: known disagreement no longer seen: {k:?}"
        );
    }
    assert!(unexplained.is_empty(), "{unexplained}");
    eprintln!(
        "{name}: reference {} triples, scry {} ({} findings), {} known disagreements",
        want.len(),
        primary.len(),
        report["findings"].as_array().map_or(0, Vec::len),
        known.len()
    );
    want.len() - diffs.iter().filter(|d| d.0 == "reference").count()
}

// ---------------------------------------------------------------------------------------
// Alpine

fn alpine_310() -> PathBuf {
    scry_test::fixtures_dir().join("images/docker-save/trivy-alpine-310/alpine-310.tar.gz")
}

/// Writes `alpine-310` plus a layer holding `lib/apk/db/installed` from `installed` as a
/// docker-save tarball at `out`. Layer digests are real: scry checks them against the
/// config's `rootfs.diff_ids`.
fn alpine_310_with_installed(installed: &[u8], out: &Path) {
    let gz = std::fs::File::open(alpine_310()).expect("alpine-310 fixture");
    let mut outer = tar::Archive::new(flate2::read::GzDecoder::new(gz));
    let (mut manifest, mut configs, mut layers) = (None, Vec::new(), Vec::new());
    for e in outer.entries().expect("tar") {
        let mut e = e.expect("entry");
        let path = e.path().expect("path").display().to_string();
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).expect("entry bytes");
        if path == "manifest.json" {
            manifest = Some(bytes);
        } else if path.ends_with(".json") && !path.contains('/') {
            configs.push((path, bytes));
        } else if path.ends_with("layer.tar") {
            layers.push((path, bytes));
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest.expect("manifest.json")).expect("manifest");
    let cname = manifest[0]["Config"].as_str().expect("Config");
    let (_, config) = configs.iter().find(|(p, _)| p == cname).expect("config");
    let mut config: serde_json::Value = serde_json::from_slice(config).expect("config JSON");
    assert_eq!(layers.len(), 1, "alpine-310 has one layer");

    let mut layer = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_ustar();
    h.set_size(installed.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_cksum();
    layer
        .append_data(&mut h, "lib/apk/db/installed", installed)
        .expect("layer entry");
    let layer = layer.into_inner().expect("layer tar");
    let diff = format!("sha256:{}", hex::encode(Sha256::digest(&layer)));
    config["rootfs"]["diff_ids"]
        .as_array_mut()
        .expect("diff_ids")
        .push(diff.clone().into());
    let config = serde_json::to_vec(&config).expect("config");
    let cname = format!("{}.json", hex::encode(Sha256::digest(&config)));
    let lname = format!("{}/layer.tar", &diff[7..]);
    let manifest = serde_json::json!([{
        "Config": cname,
        "RepoTags": ["scry-test/alpine-310-downgraded:latest"],
        "Layers": [layers[0].0, lname],
    }]);
    let mut img = tar::Builder::new(std::fs::File::create(out).expect("image file"));
    for (name, bytes) in [
        (layers[0].0.as_str(), layers[0].1.as_slice()),
        (lname.as_str(), layer.as_slice()),
        (cname.as_str(), config.as_slice()),
        (
            "manifest.json",
            serde_json::to_vec(&manifest).expect("json").as_slice(),
        ),
    ] {
        let mut h = tar::Header::new_ustar();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        img.append_data(&mut h, name, bytes).expect("image entry");
    }
    img.finish().expect("image tar");
}

fn downgraded_image(dir: &Path) -> PathBuf {
    let out = dir.join("alpine-310-downgraded.tar");
    let installed = std::fs::read(test_data("alpine/alpine-310-downgraded.installed"))
        .expect("downgraded installed db");
    alpine_310_with_installed(&installed, &out);
    out
}

fn package_count(report: &serde_json::Value) -> u64 {
    report["summary"]["packages"]
        .as_u64()
        .unwrap_or_else(|| panic!("summary.packages in {}", report["summary"]))
}

#[test]
fn alpine_310_image_matches_the_secdb_reference() {
    let report = scan("image", &alpine_310());
    assert_eq!(report["os"]["family"], "alpine");
    assert_eq!(report["os"]["ecosystem"], "Alpine:v3.10");
    assert_eq!(package_count(&report), 14);
    let want = expected("alpine/alpine-310.expected");
    assert_eq!(
        want.len(),
        0,
        "3.10.4 is at or above every v3.10 fix of 2020-06"
    );
    let agree = compare("alpine-310", &report, "Alpine:v3.10", &want, &[]);
    assert_eq!(agree, 0);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn alpine_310_downgraded_image_matches_the_secdb_reference() {
    let dir = tempfile::tempdir().expect("tmp");
    let report = scan("image", &downgraded_image(dir.path()));
    assert_eq!(report["os"]["ecosystem"], "Alpine:v3.10");
    assert_eq!(
        package_count(&report),
        21,
        "14 packages of the base, 7 added"
    );
    let want = expected("alpine/alpine-310-downgraded.expected");
    assert_eq!(want.len(), 24);
    let agree = compare("alpine-310-downgraded", &report, "Alpine:v3.10", &want, &[]);
    assert_eq!(agree, 24);
}

/// Whether the live Alpine reference can run here: root (chroot), python3 with PyYAML.
fn alpine_oracle_runs() -> Result<(), String> {
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| e.to_string())?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return Err("not root (the reference runs the image's apk in a chroot)".into());
    }
    let py = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .map_err(|e| format!("python3: {e}"))?;
    if !py.status.success() {
        return Err("python3 has no PyYAML".into());
    }
    Ok(())
}

/// The stored Alpine answers are what the reference says today (root, python3 and PyYAML
/// needed; skipped with a printed reason otherwise). To refresh them:
/// `python3 scripts/oracles/alpine_secdb.py SECDB_ZIP IMAGE > tests/data/alpine/NAME.expected`.
#[test]
fn alpine_expected_files_are_the_references_answers() {
    if let Err(why) = alpine_oracle_runs() {
        println!("skipped: {why}");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let script = scry_test::workspace_root().join("scripts/oracles/alpine_secdb.py");
    let secdb = scry_test::vulndb_dir().join("alpine-secdb-legacy.zip");
    for (name, image) in [
        ("alpine-310", alpine_310()),
        ("alpine-310-downgraded", downgraded_image(dir.path())),
    ] {
        let out = Command::new("python3")
            .arg(&script)
            .arg(&secdb)
            .arg(&image)
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            read(&test_data(&format!("alpine/{name}.expected"))),
            "{name}: tests/data/alpine/{name}.expected is stale"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Debian

/// A root filesystem holding `etc/os-release` of Debian 11 and a `var/lib/dpkg/status` of
/// the inventory `tests/data/debian/<name>.dpkg`.
fn bullseye_rootfs(name: &str, dir: &Path) -> (PathBuf, usize) {
    let root = dir.join(name);
    std::fs::create_dir_all(root.join("etc")).expect("etc");
    std::fs::create_dir_all(root.join("var/lib/dpkg")).expect("var/lib/dpkg");
    std::fs::write(
        root.join("etc/os-release"),
        "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nNAME=\"Debian GNU/Linux\"\n\
         VERSION_ID=\"11\"\nVERSION=\"11 (bullseye)\"\nVERSION_CODENAME=bullseye\nID=debian\n",
    )
    .expect("os-release");
    let mut status = String::new();
    let mut n = 0;
    for l in read(&test_data(&format!("debian/{name}.dpkg"))).lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        let [src, src_v, pkg, v] = f[..] else {
            panic!("{name}.dpkg: {l:?}");
        };
        let _ = writeln!(status, "Package: {pkg}\nStatus: install ok installed");
        if (src, src_v) != (pkg, v) {
            if src_v == v {
                let _ = writeln!(status, "Source: {src}");
            } else {
                let _ = writeln!(status, "Source: {src} ({src_v})");
            }
        }
        let _ = writeln!(status, "Architecture: amd64\nVersion: {v}\n");
        n += 1;
    }
    std::fs::write(root.join("var/lib/dpkg/status"), status).expect("status");
    (root, n)
}

#[test]
fn bullseye_minbase_packages_match_the_tracker_reference() {
    let dir = tempfile::tempdir().expect("tmp");
    let (root, n) = bullseye_rootfs("bullseye-minbase", dir.path());
    assert_eq!(n, 96);
    let report = scan("rootfs", &root);
    assert_eq!(report["os"]["ecosystem"], "Debian:11");
    assert_eq!(package_count(&report), 96);
    let want = expected("debian/bullseye-minbase.expected");
    assert_eq!(
        want.len(),
        0,
        "11.11 is at or above every bullseye fix of 2023-04"
    );
    compare("bullseye-minbase", &report, "Debian:11", &want, &[]);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn bullseye_11_0_packages_match_the_tracker_reference() {
    let dir = tempfile::tempdir().expect("tmp");
    let (root, _) = bullseye_rootfs("bullseye-11.0", dir.path());
    let report = scan("rootfs", &root);
    let want = expected("debian/bullseye-11.0.expected");
    assert_eq!(want.len(), 23);
    let agree = compare("bullseye-11.0", &report, "Debian:11", &want, &[]);
    assert_eq!(agree, 23);
}

/// The real image (opt-in: built by `make-debian-image.sh "" "" bullseye`, minutes and a
/// mirror). Its package list must still be the stored inventory, and the scan must agree
/// with the reference as the inventory's does.
#[test]
fn bullseye_minbase_image_matches_the_tracker_reference() {
    let layout = std::env::var_os("SCRY_BULLSEYE_IMAGE").map_or_else(
        || scry_test::workspace_root().join("target/scry-image/debian-bullseye-oci"),
        PathBuf::from,
    );
    let (true, Ok(sources)) = (
        layout.join("index.json").is_file(),
        std::fs::read_to_string(layout.with_extension("sources.txt")),
    ) else {
        println!(
            "skipped: no bullseye image at {} (run crates/scry-image/scripts/make-debian-image.sh \"\" \"\" bullseye)",
            layout.display()
        );
        return;
    };
    assert_eq!(
        sources,
        read(&test_data("debian/bullseye-minbase.dpkg")),
        "the image was rebuilt from a newer bullseye: refresh tests/data/debian/bullseye-minbase.*"
    );
    let report = scan("image", &layout);
    assert_eq!(report["os"]["ecosystem"], "Debian:11");
    assert_eq!(package_count(&report), 96);
    let want = expected("debian/bullseye-minbase.expected");
    compare("bullseye-minbase image", &report, "Debian:11", &want, &[]);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
}
