//! Layer semantics on images built in the test.

use scry_catalog::Cataloger;
use scry_image::TargetSpec;

use crate::support::{
    Dpkg, E, Layer, OsReleaseCat, Recorder, gz_layer, oci_layout, run, sha, tar, tempdir, zstd,
};

const STATUS2: &[u8] = b"Package: a\nVersion: 1\n\nPackage: b\nVersion: 1\n";
const STATUS3: &[u8] =
    b"Package: a\nVersion: 2\n\nPackage: b\nVersion: 2\n\nPackage: c\nVersion: 2\n";

/// Three layers: gzip (bottom), zstd, uncompressed (top); media types all say gzip.
fn layers() -> Vec<Layer> {
    let l1 = gz_layer(&[
        E::Dir("a/"),
        E::File("a/x", b"1"),
        E::File("a/y", b"1"),
        E::File("b/z", b"1"),
        E::File("c/keep", b"1"),
        E::Symlink("etc/os-release", "../usr/lib/os-release"),
        E::File("usr/lib/os-release", b"ID=debian\nVERSION_ID=12\n"),
        E::File("var/lib/dpkg/status", STATUS2),
    ]);
    let t2 = tar(&[
        E::File("a/.wh.x", b""),
        E::File("b/.wh..wh..opq", b""),
        E::File("b/new", b"2"),
        E::File("c/keep", b"2"),
        E::Hardlink("h/link", "c/keep"),
        E::File("var/lib/dpkg/status", STATUS3),
    ]);
    let l2 = Layer {
        blob: zstd(&t2),
        tar: t2,
    };
    let t3 = tar(&[
        E::File("a/.wh.y", b""),
        E::File(".wh.never-existed", b""),
        E::File("./top", b"3"),
    ]);
    let l3 = Layer {
        blob: t3.clone(),
        tar: t3,
    };
    vec![l1, l2, l3]
}

#[test]
fn whiteouts_opaque_links_each_visible_file_once() {
    let dir = tempdir();
    let ls = layers();
    let diff2 = sha(&ls[1].tar);
    let digest = oci_layout(dir.path(), &ls, ("linux", "amd64"));
    let rec = Recorder::all();
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(rec)];
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    assert_eq!(inv.target.digest.as_deref(), Some(digest.as_str()));
    let mut got: Vec<(&str, Option<&str>)> = inv
        .packages
        .iter()
        .map(|p| (p.path.as_str(), p.layer.as_deref()))
        .collect();
    got.sort_unstable();
    let files: Vec<&str> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        files,
        [
            "b/new",
            "c/keep",
            "etc/os-release",
            "h/link",
            "top",
            "usr/lib/os-release",
            "var/lib/dpkg/status"
        ],
        "{:?}",
        inv.warnings
    );
    let layer_of = |p: &str| got.iter().find(|g| g.0 == p).and_then(|g| g.1);
    assert_eq!(layer_of("c/keep"), Some(diff2.as_str()));
    assert_eq!(layer_of("h/link"), Some(diff2.as_str()));
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

#[test]
fn contents_are_the_topmost_versions() {
    let dir = tempdir();
    oci_layout(dir.path(), &layers(), ("linux", "amd64"));
    let rec = std::sync::Arc::new(Recorder::all());
    struct Shared(std::sync::Arc<Recorder>);
    impl Cataloger for Shared {
        fn name(&self) -> &'static str {
            "shared"
        }
        fn wants(&self, p: &str) -> bool {
            self.0.wants(p)
        }
        fn parse(
            &self,
            p: &str,
            b: &[u8],
            l: &scry_catalog::Limits,
        ) -> Result<scry_catalog::Found, scry_catalog::CatalogError> {
            self.0.parse(p, b, l)
        }
    }
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Shared(rec.clone()))];
    run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    let seen = rec.take();
    let get = |p: &str| seen.iter().find(|s| s.0 == p).map(|s| s.1.as_str());
    assert_eq!(get("c/keep"), Some("2"));
    assert_eq!(get("h/link"), Some("2"), "hard link reads its layer's copy");
    assert_eq!(
        get("etc/os-release"),
        Some("ID=debian\nVERSION_ID=12\n"),
        "symlink followed"
    );
    assert_eq!(
        get("var/lib/dpkg/status").map(str::len),
        Some(STATUS3.len())
    );
}

#[test]
fn dpkg_and_os_release_through_a_symlink() {
    let dir = tempdir();
    let ls = layers();
    let diff2 = sha(&ls[1].tar);
    oci_layout(dir.path(), &ls, ("linux", "amd64"));
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg), Box::new(OsReleaseCat)];
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    assert_eq!(inv.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
    let pk: Vec<String> = inv
        .packages
        .iter()
        .map(|p| format!("{} {} {}", p.ecosystem, p.name, p.version))
        .collect();
    assert_eq!(pk, ["Debian:12 a 2", "Debian:12 b 2", "Debian:12 c 2"]);
    assert!(
        inv.packages
            .iter()
            .all(|p| p.layer.as_deref() == Some(diff2.as_str()))
    );
}

#[test]
fn oci_archive_tar_and_gzipped_tar() {
    let dir = tempdir();
    let layout = dir.path().join("layout");
    oci_layout(&layout, &layers(), ("linux", "amd64"));
    let archive = dir.path().join("image.tar");
    crate::support::tar_dir(&layout, &archive);
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let inv = run(&TargetSpec::Image(archive.clone()), &cats).expect("oci-archive");
    assert_eq!(inv.packages.len(), 3);
    let gz = dir.path().join("image.tar.gz");
    std::fs::write(
        &gz,
        crate::support::gzip(&std::fs::read(&archive).expect("read")),
    )
    .expect("write");
    let inv = run(&TargetSpec::Image(gz), &cats).expect("gzipped oci-archive");
    assert_eq!(inv.packages.len(), 3);
}

#[test]
fn digest_mismatch_and_truncation_are_errors() {
    let dir = tempdir();
    let ls = layers();
    oci_layout(dir.path(), &ls, ("linux", "amd64"));
    let blob = dir.path().join("blobs/sha256").join(&sha(&ls[0].blob)[7..]);
    // Same length, one byte changed in the gzip trailer's CRC region.
    let mut bytes = ls[0].blob.clone();
    let n = bytes.len();
    bytes[n - 6] ^= 0xff;
    std::fs::write(&blob, &bytes).expect("write");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let err = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect_err("tampered");
    assert!(
        matches!(err.code(), "image-digest-mismatch" | "image-corrupt"),
        "{err}"
    );
    assert!(err.to_string().contains("layer 1 of 3"), "{err}");
    std::fs::write(&blob, &ls[0].blob[..n / 2]).expect("write");
    let err = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect_err("truncated");
    assert!(
        matches!(err.code(), "image-digest-mismatch" | "image-corrupt"),
        "{err}"
    );
    assert!(err.to_string().contains("layer 1 of 3"), "{err}");
}

#[test]
fn multi_platform_index_picks_the_platform() {
    let dir = tempdir();
    let amd = dir.path().join("amd");
    let arm = dir.path().join("arm");
    oci_layout(
        &amd,
        &[gz_layer(&[E::File("var/lib/dpkg/status", STATUS2)])],
        ("linux", "amd64"),
    );
    oci_layout(
        &arm,
        &[gz_layer(&[E::File("var/lib/dpkg/status", STATUS3)])],
        ("linux", "arm64"),
    );
    // Merge both into one layout with an index listing both manifests.
    let both = dir.path().join("both");
    let mut manifests = Vec::new();
    for src in [&amd, &arm] {
        for e in std::fs::read_dir(src.join("blobs/sha256")).expect("dir") {
            let e = e.expect("entry");
            std::fs::create_dir_all(both.join("blobs/sha256")).expect("mkdir");
            std::fs::copy(e.path(), both.join("blobs/sha256").join(e.file_name())).expect("copy");
        }
        let idx: serde_json::Value =
            serde_json::from_slice(&std::fs::read(src.join("index.json")).expect("read"))
                .expect("json");
        manifests.push(idx["manifests"][0].clone());
    }
    std::fs::write(
        both.join("index.json"),
        serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "manifests": manifests}))
            .expect("json"),
    )
    .expect("write");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let inv = run(&TargetSpec::Image(both.clone()), &cats).expect("host platform");
    assert_eq!(inv.packages.len(), 2, "linux/amd64 is the host here");
    let opts = scry_image::Options {
        platform: Some("linux/arm64/v8".parse().expect("p")),
        ..Default::default()
    };
    let inv = scry_image::inventory(&TargetSpec::Image(both.clone()), &cats, &opts).expect("arm64");
    assert_eq!(inv.packages.len(), 3);
    let opts = scry_image::Options {
        platform: Some("linux/s390x".parse().expect("p")),
        ..Default::default()
    };
    let err = scry_image::inventory(&TargetSpec::Image(both), &cats, &opts).expect_err("s390x");
    assert!(
        err.to_string().contains("linux/amd64, linux/arm64"),
        "{err}"
    );
}

/// A `docker save` tar (old layout: `<id>/layer.tar`, `<config hex>.json`, `manifest.json`).
fn docker_save(tars: &[Vec<u8>]) -> Vec<u8> {
    let ids: Vec<String> = tars.iter().map(|t| sha(t)).collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ids},
    }))
    .expect("json");
    let chex = sha(&config)[7..].to_owned();
    let layer_names: Vec<String> = (0..tars.len())
        .map(|i| format!("{i:064x}/layer.tar"))
        .collect();
    let manifest = serde_json::to_vec(&serde_json::json!([{
        "Config": format!("{chex}.json"), "RepoTags": ["t:latest"], "Layers": layer_names,
    }]))
    .expect("json");
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_path(name).expect("path");
        h.set_cksum();
        b.append(&h, data).expect("append");
    };
    for (n, t) in layer_names.iter().zip(tars) {
        add(n, t);
    }
    add(&format!("{chex}.json"), &config);
    add("manifest.json", &manifest);
    b.into_inner().expect("tar")
}

#[test]
fn docker_save_applies_whiteouts_and_checks_diff_ids() {
    let ls = layers();
    let tars: Vec<Vec<u8>> = ls.iter().map(|l| l.tar.clone()).collect();
    let dir = tempdir();
    let p = dir.path().join("save.tar");
    std::fs::write(&p, docker_save(&tars)).expect("write");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Recorder::all())];
    let inv = run(&TargetSpec::Image(p.clone()), &cats).expect("inventory");
    let mut files: Vec<&str> = inv.packages.iter().map(|p| p.path.as_str()).collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "b/new",
            "c/keep",
            "etc/os-release",
            "h/link",
            "top",
            "usr/lib/os-release",
            "var/lib/dpkg/status"
        ]
    );
    // Flip one byte of a file's content in the bottom layer: the diff ID no longer matches.
    let mut save = docker_save(&tars);
    let at_save = save
        .windows(9)
        .position(|w| w == b"ID=debian")
        .expect("content");
    save[at_save] = b'X';
    std::fs::write(&p, save).expect("write");
    let err = run(&TargetSpec::Image(p), &cats).expect_err("diff id");
    assert_eq!(err.code(), "image-digest-mismatch", "{err}");
    assert!(
        err.to_string().contains("layer 1 of 3") && err.to_string().contains("diff ID"),
        "{err}"
    );
}
