//! Test catalogers and builders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use scry_catalog::{CatalogError, Cataloger, Found, Limits};
use scry_core::{Ecosystem, EcosystemKind, OsRelease, Package, PackageManager};
use sha2::{Digest, Sha256};

/// Wants `var/lib/dpkg/status`; one package per paragraph with a Package line.
pub(crate) struct Dpkg;

impl Cataloger for Dpkg {
    fn name(&self) -> &'static str {
        "test-dpkg"
    }
    fn wants(&self, path: &str) -> bool {
        path == "var/lib/dpkg/status"
    }
    fn parse(&self, path: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        let text =
            std::str::from_utf8(bytes).map_err(|e| CatalogError::new(path, e.to_string()))?;
        let mut found = Found::default();
        for para in text.split("\n\n") {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_owned()))
            };
            if let (Some(name), Some(version)) = (field("Package:"), field("Version:")) {
                found.packages.push(pkg(
                    &name,
                    &version,
                    EcosystemKind::Debian,
                    PackageManager::Dpkg,
                ));
            }
        }
        Ok(found)
    }
}

/// Wants `lib/apk/db/installed`; one package per `P:`/`V:` pair.
pub(crate) struct Apk;

impl Cataloger for Apk {
    fn name(&self) -> &'static str {
        "test-apk"
    }
    fn wants(&self, path: &str) -> bool {
        path == "lib/apk/db/installed"
    }
    fn parse(&self, _: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        let text = String::from_utf8_lossy(bytes);
        let mut found = Found::default();
        for para in text.split("\n\n") {
            let field = |k: &str| {
                para.lines()
                    .find_map(|l| l.strip_prefix(k).map(str::to_owned))
            };
            if let (Some(name), Some(version)) = (field("P:"), field("V:")) {
                found.packages.push(pkg(
                    &name,
                    &version,
                    EcosystemKind::Alpine,
                    PackageManager::Apk,
                ));
            }
        }
        Ok(found)
    }
}

/// Wants `etc/os-release` and `usr/lib/os-release`.
pub(crate) struct OsReleaseCat;

impl Cataloger for OsReleaseCat {
    fn name(&self) -> &'static str {
        "test-os-release"
    }
    fn wants(&self, path: &str) -> bool {
        path == "etc/os-release" || path == "usr/lib/os-release"
    }
    fn parse(&self, _: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        let text = String::from_utf8_lossy(bytes);
        let get = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(k).map(|v| v.trim_matches('"').to_owned()))
        };
        Ok(Found {
            os: Some(OsRelease {
                id: get("ID=").unwrap_or_default(),
                version_id: get("VERSION_ID="),
                ..OsRelease::default()
            }),
            ..Found::default()
        })
    }
}

/// Wants every file matching a predicate; records (path, content) of what it was handed.
pub(crate) struct Recorder {
    pub(crate) want: fn(&str) -> bool,
    pub(crate) seen: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Recorder {
    pub(crate) fn all() -> Self {
        Self {
            want: |_| true,
            seen: Mutex::new(Vec::new()),
        }
    }
    pub(crate) fn take(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = self
            .seen
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|(p, b)| (p.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        v.sort();
        v
    }
}

impl Cataloger for Recorder {
    fn name(&self) -> &'static str {
        "test-recorder"
    }
    fn wants(&self, path: &str) -> bool {
        (self.want)(path)
    }
    fn parse(&self, path: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        self.seen
            .lock()
            .expect("not poisoned")
            .push((path.to_owned(), bytes.to_vec()));
        Ok(Found {
            packages: vec![pkg(
                path,
                "1",
                EcosystemKind::parse("npm"),
                PackageManager::Npm,
            )],
            ..Found::default()
        })
    }
}

pub(crate) fn pkg(name: &str, version: &str, kind: EcosystemKind, pm: PackageManager) -> Package {
    Package {
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::new(kind),
        package_manager: pm,
        purl: None,
        source_name: None,
        source_version: None,
        epoch: None,
        release: None,
        arch: None,
        path: String::new(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    }
}

pub(crate) fn os_catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![Box::new(Dpkg), Box::new(Apk), Box::new(OsReleaseCat)]
}

/// One tar entry to build.
pub(crate) enum E<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
}

/// A tar of `entries`, names written as given (no checks: hostile names pass).
pub(crate) fn tar(entries: &[E<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_mtime(0);
        let (name, data, kind, link): (&str, &[u8], tar::EntryType, Option<&str>) = match e {
            E::File(n, d) => (n, d, tar::EntryType::Regular, None),
            E::Dir(n) => (n, b"", tar::EntryType::Directory, None),
            E::Symlink(n, t) => (n, b"", tar::EntryType::Symlink, Some(t)),
            E::Hardlink(n, t) => (n, b"", tar::EntryType::Link, Some(t)),
        };
        h.set_entry_type(kind);
        h.set_size(data.len() as u64);
        raw_name(&mut h, name.as_bytes());
        if let Some(t) = link {
            let gnu = h.as_gnu_mut().expect("gnu header");
            gnu.linkname[..t.len()].copy_from_slice(t.as_bytes());
        }
        h.set_cksum();
        b.append(&h, data).expect("append");
    }
    b.into_inner().expect("finish")
}

/// Writes a name into the header bytes directly (tar::Builder refuses `..`).
pub(crate) fn raw_name(h: &mut tar::Header, name: &[u8]) {
    let gnu = h.as_gnu_mut().expect("gnu header");
    gnu.name = [0; 100];
    gnu.name[..name.len()].copy_from_slice(name);
}

pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

pub(crate) fn gzip_best(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

pub(crate) fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd")
}

pub(crate) fn sha(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

/// A layer as stored (compressed or not) and its uncompressed tar.
pub(crate) struct Layer {
    pub(crate) blob: Vec<u8>,
    pub(crate) tar: Vec<u8>,
}

pub(crate) fn gz_layer(entries: &[E<'_>]) -> Layer {
    let tar = tar(entries);
    Layer {
        blob: gzip(&tar),
        tar,
    }
}

/// Writes an OCI layout for `layers` (bottom first) under `dir`; returns the manifest digest.
pub(crate) fn oci_layout(dir: &Path, layers: &[Layer], platform: (&str, &str)) -> String {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let put = |data: &[u8]| {
        let d = sha(data);
        std::fs::write(blobs.join(&d[7..]), data).expect("write blob");
        d
    };
    let diff_ids: Vec<String> = layers.iter().map(|l| sha(&l.tar)).collect();
    let config = serde_json::json!({
        "architecture": platform.1, "os": platform.0,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let config = serde_json::to_vec(&config).expect("json");
    let cdigest = put(&config);
    let descs: Vec<_> = layers
        .iter()
        .map(|l| {
            serde_json::json!({
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": put(&l.blob), "size": l.blob.len(),
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdigest, "size": config.len()},
        "layers": descs,
    });
    let manifest = serde_json::to_vec(&manifest).expect("json");
    let mdigest = put(&manifest);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdigest, "size": manifest.len(),
        "platform": {"os": platform.0, "architecture": platform.1},
    }]});
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&index).expect("json"),
    )
    .expect("write");
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).expect("write");
    mdigest
}

/// Packs the folder `dir` (files only, recursively) into a tar at `out`.
pub(crate) fn tar_dir(dir: &Path, out: &Path) {
    let mut b = tar::Builder::new(std::fs::File::create(out).expect("create"));
    b.append_dir_all(".", dir).expect("append");
    b.finish().expect("finish");
}

pub(crate) fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

pub(crate) fn fixtures() -> PathBuf {
    scry_test::fixtures_dir().join("images")
}

/// Inventories with default options.
pub(crate) fn run(
    target: &scry_image::TargetSpec,
    cats: &[Box<dyn Cataloger>],
) -> Result<scry_core::Inventory, scry_image::ImageError> {
    scry_image::inventory(target, cats, &scry_image::Options::default())
}
