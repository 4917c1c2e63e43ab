//! Hostile input gets a clear error (or, confined to one file, a warning), never a panic
//! and never a read outside the target.

use std::io::Write;
use std::time::Instant;

use scry_catalog::Cataloger;
use scry_image::{Options, TargetSpec, WalkLimits, inventory};

use crate::support::{
    Dpkg, E, Layer, Recorder, gz_layer, gzip, gzip_best, oci_layout, raw_name, run, tar, tempdir,
    zstd,
};

fn image(layers: &[Layer]) -> tempfile::TempDir {
    let dir = tempdir();
    oci_layout(dir.path(), layers, ("linux", "amd64"));
    dir
}

fn all() -> Vec<Box<dyn Cataloger>> {
    vec![Box::new(Recorder::all())]
}

fn small_bombs() -> Options {
    Options {
        walk: WalkLimits {
            ratio_floor_bytes: 1 << 20,
            ..WalkLimits::default()
        },
        ..Options::default()
    }
}

#[test]
fn dotdot_entry_is_refused_absolute_is_normalised() {
    let dir = image(&[gz_layer(&[
        E::File("/abs/file", b"x"),
        E::File("a/../../../etc/passwd", b"x"),
    ])]);
    let err = run(&TargetSpec::Image(dir.path().to_owned()), &all()).expect_err("escape");
    assert_eq!(err.code(), "image-unsafe-path", "{err}");
    assert!(
        err.to_string().contains("a/../../../etc/passwd")
            && err.to_string().contains("layer 1 of 1"),
        "{err}"
    );
    let dir = image(&[gz_layer(&[
        E::File("/abs/file", b"x"),
        E::File("./a/./b/../c", b"y"),
    ])]);
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &all()).expect("normalised");
    let mut paths: Vec<&str> = inv.packages.iter().map(|p| p.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(paths, ["a/c", "abs/file"]);
}

#[test]
fn symlinks_out_of_the_root_and_loops_are_not_followed() {
    let dir = image(&[gz_layer(&[
        E::Symlink("etc/os-release", "../../../../../../etc/hostname"),
        E::Symlink("var/lib/dpkg/status", "loop"),
        E::Symlink("var/lib/dpkg/loop", "status"),
    ])]);
    let cats: Vec<Box<dyn Cataloger>> =
        vec![Box::new(Dpkg), Box::new(crate::support::OsReleaseCat)];
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    assert!(inv.os.is_none() && inv.packages.is_empty());
    let w = inv.warnings.join("\n");
    assert!(
        w.contains("etc/os-release: symlink to etc/hostname, which is not a regular file"),
        "{w}"
    );
    assert!(
        w.contains("var/lib/dpkg/status: more than 40 symlinks"),
        "{w}"
    );
}

#[test]
fn hard_link_to_a_missing_file_is_a_warning() {
    let dir = image(&[gz_layer(&[E::Hardlink("var/lib/dpkg/status", "nowhere")])]);
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    assert!(
        inv.warnings
            .iter()
            .any(|w| w.contains("var/lib/dpkg/status: link to nowhere")),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn gzip_and_zstd_bombs_stop_at_the_ratio() {
    let zeros = vec![0u8; 24 << 20];
    let t = tar(&[E::File("zeros", &zeros)]);
    for (what, blob) in [("gzip", gzip_best(&t)), ("zstd", zstd(&t))] {
        let dir = image(&[Layer {
            blob,
            tar: t.clone(),
        }]);
        let err = inventory(
            &TargetSpec::Image(dir.path().to_owned()),
            &all(),
            &small_bombs(),
        )
        .expect_err(what);
        assert_eq!(err.code(), "image-limit", "{what}: {err}");
        assert!(
            err.to_string()
                .contains("decompression ratio exceeds the limit of 250"),
            "{what}: {err}"
        );
        assert!(err.to_string().contains("layer 1 of 1"), "{what}: {err}");
    }
}

#[test]
fn total_uncompressed_bytes_are_capped() {
    let data = vec![7u8; 3 << 20];
    let dir = image(&[gz_layer(&[E::File("big", &data)])]);
    let opts = Options {
        walk: WalkLimits {
            max_total_bytes: 1 << 20,
            ..WalkLimits::default()
        },
        ..Options::default()
    };
    let err = inventory(&TargetSpec::Image(dir.path().to_owned()), &all(), &opts).expect_err("cap");
    assert!(
        err.to_string()
            .contains("uncompressed bytes over the whole target exceeds the limit of 1048576"),
        "{err}"
    );
}

#[test]
fn entry_claiming_a_huge_size_is_truncation() {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(8 << 30);
    raw_name(&mut h, b"var/lib/dpkg/status");
    h.set_cksum();
    let mut t = h.as_bytes().to_vec();
    t.extend_from_slice(&[b'x'; 4096]);
    let dir = image(&[Layer {
        blob: gzip(&t),
        tar: t,
    }]);
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats);
    // Too large for the per-file limit (a warning), then the stream ends early (an error).
    let err = inv.expect_err("truncated");
    assert_eq!(err.code(), "image-corrupt", "{err}");
}

#[test]
fn huge_gnu_long_name_is_bounded() {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_size(8 << 20);
    raw_name(&mut h, b"././@LongLink");
    h.set_cksum();
    let mut t = h.as_bytes().to_vec();
    t.extend(std::iter::repeat_n(b'a', 8 << 20));
    let dir = image(&[Layer {
        blob: gzip(&t),
        tar: t,
    }]);
    let err = run(&TargetSpec::Image(dir.path().to_owned()), &all()).expect_err("long name");
    assert!(
        err.to_string()
            .contains("tar extension header bytes exceeds the limit of 1048576"),
        "{err}"
    );
}

#[test]
fn huge_gnu_long_name_in_the_outer_archive_is_bounded() {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_size(8 << 20);
    raw_name(&mut h, b"././@LongLink");
    h.set_cksum();
    let mut t = h.as_bytes().to_vec();
    t.extend(std::iter::repeat_n(b'a', 8 << 20));
    t.extend_from_slice(&[0; 1024]);
    let dir = tempdir();
    let p = dir.path().join("image.tar");
    std::fs::write(&p, t).expect("write");
    let err = run(&TargetSpec::Image(p), &all()).expect_err("long name");
    assert!(
        err.to_string()
            .contains("tar extension header bytes exceeds the limit of 1048576"),
        "{err}"
    );
}

#[test]
fn two_hundred_thousand_tiny_files_in_bounded_time() {
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..200_000u32 {
        let mut h = tar::Header::new_gnu();
        h.set_size(1);
        h.set_mode(0o644);
        h.set_path(format!("d{}/f{i}", i % 500)).expect("path");
        h.set_cksum();
        b.append(&h, &b"x"[..]).expect("append");
    }
    let t = b.into_inner().expect("tar");
    let dir = image(&[Layer {
        blob: gzip(&t),
        tar: t,
    }]);
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let start = Instant::now();
    let inv = run(&TargetSpec::Image(dir.path().to_owned()), &cats).expect("inventory");
    let secs = start.elapsed().as_secs_f64();
    println!("200k tiny files: {secs:.2} s");
    assert!(inv.packages.is_empty());
    assert!(secs < 60.0, "{secs} s");
    // The entry bound applies too.
    let opts = Options {
        walk: WalkLimits {
            max_entries: 100_000,
            ..WalkLimits::default()
        },
        ..Options::default()
    };
    let err =
        inventory(&TargetSpec::Image(dir.path().to_owned()), &cats, &opts).expect_err("bound");
    assert!(
        err.to_string()
            .contains("entries over all layers exceeds the limit of 100000"),
        "{err}"
    );
}

/// A zip whose two central-directory records point at the same local entry.
fn overlapping_zip() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("a.txt", o).expect("start");
    w.write_all(b"aaaa").expect("write");
    w.start_file("b.txt", o).expect("start");
    w.write_all(b"bbbb").expect("write");
    let mut z = w.finish().expect("finish").into_inner();
    // Point b.txt's central record (offset field at +42) at a.txt's local header (0).
    let cd = z
        .windows(4)
        .rposition(|s| s == b"PK\x01\x02")
        .expect("second central record");
    z[cd + 42..cd + 46].copy_from_slice(&0u32.to_le_bytes());
    z
}

#[test]
fn zip_with_overlapping_entries_is_refused() {
    let dir = tempdir();
    let p = dir.path().join("fn.zip");
    std::fs::write(&p, overlapping_zip()).expect("write");
    let err = run(
        &TargetSpec::Function {
            code: p,
            layers: vec![],
        },
        &all(),
    )
    .expect_err("overlap");
    assert!(
        matches!(err.code(), "image-zip-overlap" | "image-corrupt"),
        "{err}"
    );
    assert!(err.to_string().contains("fn.zip"), "{err}");
}

#[test]
fn zip_bomb_and_escaping_zip_names() {
    let dir = tempdir();
    let p = dir.path().join("bomb.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&p).expect("create"));
    w.start_file("zeros.txt", zip::write::SimpleFileOptions::default())
        .expect("start");
    w.write_all(&vec![0u8; 24 << 20]).expect("write");
    w.finish().expect("finish");
    let err = inventory(
        &TargetSpec::Function {
            code: p,
            layers: vec![],
        },
        &all(),
        &small_bombs(),
    )
    .expect_err("bomb");
    assert!(
        err.to_string()
            .contains("bomb.zip: zeros.txt: decompression ratio exceeds the limit of 250"),
        "{err}"
    );

    let p = dir.path().join("evil.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&p).expect("create"));
    w.start_file("../../evil", zip::write::SimpleFileOptions::default())
        .expect("start");
    w.write_all(b"x").expect("write");
    w.finish().expect("finish");
    let err = run(
        &TargetSpec::Function {
            code: p,
            layers: vec![],
        },
        &all(),
    )
    .expect_err("escape");
    assert_eq!(err.code(), "image-unsafe-path", "{err}");
}

#[test]
fn sparse_multi_gib_file_in_a_folder_is_skipped_with_a_warning() {
    let dir = tempdir();
    let status = dir.path().join("var/lib/dpkg");
    std::fs::create_dir_all(&status).expect("mkdir");
    let f = std::fs::File::create(status.join("status")).expect("create");
    f.set_len(6 << 30).expect("sparse 6 GiB");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Dpkg)];
    let start = Instant::now();
    let inv = run(&TargetSpec::Rootfs(dir.path().to_owned()), &cats).expect("inventory");
    assert!(start.elapsed().as_secs() < 5);
    assert!(inv.warnings.iter().any(|w| w.contains("var/lib/dpkg/status: 6442450944 bytes exceeds the per-file limit")), "{:?}", inv.warnings);
}

#[test]
fn not_an_image_and_garbage() {
    let dir = tempdir();
    let err = run(&TargetSpec::Image(dir.path().to_owned()), &all()).expect_err("empty folder");
    assert_eq!(err.code(), "image-not-an-image", "{err}");
    let p = dir.path().join("garbage.tar");
    std::fs::write(&p, vec![0x5a; 10_000]).expect("write");
    let err = run(&TargetSpec::Image(p), &all()).expect_err("garbage");
    assert!(
        matches!(err.code(), "image-corrupt" | "image-not-an-image"),
        "{err}"
    );
}
