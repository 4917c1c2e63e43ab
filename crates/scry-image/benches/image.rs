//! Inventory throughput over a generated OCI image (gzip layers), uncompressed bytes per
//! second, with a cataloger that wants only `var/lib/dpkg/status` (the usual case: almost
//! every byte is decompressed, hashed and skipped).
//!
//! `cargo bench -p scry-image --bench image`

use std::io::Write;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scry_catalog::{CatalogError, Cataloger, Found, Limits};
use scry_image::{Options, TargetSpec, inventory};
use sha2::{Digest, Sha256};

struct Dpkg;

impl Cataloger for Dpkg {
    fn name(&self) -> &'static str {
        "bench-dpkg"
    }
    fn wants(&self, path: &str) -> bool {
        path == "var/lib/dpkg/status"
    }
    fn parse(&self, _: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        std::hint::black_box(bytes.len());
        Ok(Found::default())
    }
}

fn sha(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

/// A tar of `files` files of `size` pseudo-random-ish (compressible ~3:1) bytes.
fn layer_tar(files: usize, size: usize, seed: u64) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut x = seed;
    for i in 0..files {
        let data: Vec<u8> = (0..size)
            .map(|_| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                b"abcdefghijklmnop"[(x >> 60) as usize]
            })
            .collect();
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_path(format!("usr/share/d{}/f{i}", i % 64))
            .expect("path");
        h.set_cksum();
        b.append(&h, data.as_slice()).expect("append");
    }
    b.into_inner().expect("tar")
}

fn layout(dir: &Path, tars: &[Vec<u8>]) -> u64 {
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs).expect("mkdir");
    let put = |b: &[u8]| {
        let d = sha(b);
        std::fs::write(blobs.join(&d[7..]), b).expect("write");
        (d, b.len())
    };
    let mut descs = Vec::new();
    for t in tars {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(t).expect("gzip");
        let (d, n) = put(&e.finish().expect("gzip"));
        descs.push(serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n}));
    }
    let ids: Vec<String> = tars.iter().map(|t| sha(t)).collect();
    let config = serde_json::to_vec(&serde_json::json!({"os": "linux", "architecture": "amd64", "rootfs": {"type": "layers", "diff_ids": ids}})).expect("json");
    let (cd, cn) = put(&config);
    let manifest = serde_json::to_vec(&serde_json::json!({"schemaVersion": 2, "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn}, "layers": descs})).expect("json");
    let (md, mn) = put(&manifest);
    let index = serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": mn}]});
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec(&index).expect("json"),
    )
    .expect("write");
    tars.iter().map(|t| t.len() as u64).sum()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut status = tar::Builder::new(Vec::new());
    let text = "Package: a\nVersion: 1\n\n".repeat(1000);
    let mut h = tar::Header::new_gnu();
    h.set_size(text.len() as u64);
    h.set_mode(0o644);
    h.set_path("var/lib/dpkg/status").expect("path");
    h.set_cksum();
    status.append(&h, text.as_bytes()).expect("append");
    let tars = vec![
        layer_tar(4000, 16 * 1024, 1),
        layer_tar(20_000, 512, 2),
        status.into_inner().expect("tar"),
    ];
    let bytes = layout(dir.path(), &tars);
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let target = TargetSpec::Image(dir.path().to_owned());
    let mut g = c.benchmark_group("image");
    g.throughput(Throughput::Bytes(bytes));
    g.sample_size(10);
    g.bench_function("oci_gzip_3_layers_24k_files", |b| {
        b.iter(|| inventory(&target, &cats, &Options::default()).expect("inventory"));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
