//! The shared fixture images.

use scry_catalog::Cataloger;
use scry_image::TargetSpec;

use crate::support::{Recorder, fixtures, os_catalogers, run};

#[test]
fn alpine_310_docker_save_gzipped() {
    let p = fixtures().join("docker-save/trivy-alpine-310/alpine-310.tar.gz");
    let inv = run(&TargetSpec::Image(p), &os_catalogers()).expect("inventory");
    let os = inv.os.as_ref().expect("os-release found");
    assert_eq!(
        (os.id.as_str(), os.version_id.as_deref()),
        ("alpine", Some("3.10.4"))
    );
    assert_eq!(inv.packages.len(), 14, "{:?}", inv.packages);
    let busybox = inv
        .packages
        .iter()
        .find(|p| p.name == "busybox")
        .expect("busybox");
    assert_eq!(busybox.version, "1.30.1-r3");
    assert_eq!(busybox.ecosystem.to_string(), "Alpine:v3.10");
    assert_eq!(busybox.path, "lib/apk/db/installed");
    // The diff ID of the only layer (sha256 of layer.tar, listed in the config).
    assert_eq!(
        busybox.layer.as_deref(),
        Some("sha256:531743b7098cb2aaf615641007a129173f63ed86ca32fe7b5a246a1c47286028")
    );
    assert_eq!(
        inv.target.digest.as_deref(),
        Some("sha256:af341ccd2df8b0e2d67cf8dd32e087bfda4e5756ebd1c76bbf3efa0dc246590e")
    );
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn basic_two_layer_docker_save() {
    let p = fixtures().join("docker-save/osv-scalibr-basic/basic.tar");
    let rec = Recorder::all();
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(rec)];
    let inv = run(&TargetSpec::Image(p), &cats).expect("inventory");
    let mut files: Vec<(String, Option<String>)> = inv
        .packages
        .iter()
        .map(|p| (p.path.clone(), p.layer.clone()))
        .collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            (
                "larger-sample.txt".to_owned(),
                Some(
                    "sha256:eb9be5a47890de4137bbe15e07519a8c43e88a44fd39e173ef06e1ec4bdfc37c"
                        .to_owned()
                )
            ),
            (
                "sample.txt".to_owned(),
                Some(
                    "sha256:c1aaf9767066c805f7315d98f60ad7b4c638e4d6f81a72e67f79b31528ad889f"
                        .to_owned()
                )
            ),
        ]
    );
}

#[test]
fn trivy_oci_layout() {
    let p = fixtures().join("oci/trivy-test.oci");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Recorder::all())];
    let inv = run(&TargetSpec::Image(p), &cats).expect("inventory");
    assert_eq!(
        inv.target.digest.as_deref(),
        Some("sha256:afb744871f99e0ff8e6f253244836ed34c5d805fdb096d3a205ffaf5e9073cab")
    );
    let paths: Vec<&str> = inv.packages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["hello"]);
    assert_eq!(
        inv.packages[0].layer.as_deref(),
        Some("sha256:9c27e219663c25e0f28493790cc0b88bc973ba3b1686355f221c38a36978ac63")
    );
}

#[test]
fn platform_mismatch_is_an_error() {
    let p = fixtures().join("oci/trivy-test.oci");
    let opts = scry_image::Options {
        platform: Some("linux/arm64".parse().expect("platform")),
        ..Default::default()
    };
    let err =
        scry_image::inventory(&TargetSpec::Image(p), &os_catalogers(), &opts).expect_err("arm64");
    assert_eq!(err.code(), "image-platform", "{err}");
}
