//! Folders, single files and function packages.

use std::io::Write;

use scry_catalog::Cataloger;
use scry_core::TargetKind;
use scry_image::TargetSpec;

use crate::support::{Dpkg, OsReleaseCat, Recorder, run, tempdir};

#[test]
fn rootfs_folder_with_os_release_symlink_and_escaping_link() {
    let dir = tempdir();
    let r = dir.path();
    for d in ["etc", "usr/lib", "var/lib/dpkg", "proc"] {
        std::fs::create_dir_all(r.join(d)).expect("mkdir");
    }
    std::fs::write(r.join("usr/lib/os-release"), "ID=debian\nVERSION_ID=12\n").expect("write");
    std::os::unix::fs::symlink("../usr/lib/os-release", r.join("etc/os-release")).expect("symlink");
    std::fs::write(r.join("var/lib/dpkg/status"), "Package: a\nVersion: 1\n").expect("write");
    std::fs::write(r.join("proc/status"), "not read").expect("write");
    // A link that would leave the root resolves inside it (and is missing there).
    std::os::unix::fs::symlink("/etc/passwd", r.join("passwd")).expect("symlink");
    let cats: Vec<Box<dyn Cataloger>> = vec![
        Box::new(Dpkg),
        Box::new(OsReleaseCat),
        Box::new(Recorder {
            want: |p| p == "passwd" || p.starts_with("proc"),
            seen: Default::default(),
        }),
    ];
    let inv = run(&TargetSpec::Rootfs(r.to_owned()), &cats).expect("inventory");
    assert_eq!(inv.target.kind, TargetKind::Rootfs);
    assert_eq!(inv.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
    let pk: Vec<String> = inv
        .packages
        .iter()
        .map(|p| format!("{} {} {}", p.ecosystem, p.name, p.path))
        .collect();
    assert_eq!(pk, ["Debian:12 a var/lib/dpkg/status"]);
    assert!(
        inv.warnings.iter().any(|w| w.contains(
            "passwd: resolves to etc/passwd, which is not a regular file inside the root"
        )),
        "{:?}",
        inv.warnings
    );
}

#[test]
fn single_lockfile() {
    let dir = tempdir();
    let p = dir.path().join("status");
    std::fs::write(&p, "x").expect("write");
    let cats: Vec<Box<dyn Cataloger>> = vec![Box::new(Recorder {
        want: |p| p == "status",
        seen: Default::default(),
    })];
    let inv = run(&TargetSpec::Fs(p), &cats).expect("inventory");
    assert_eq!(inv.target.kind, TargetKind::Lockfile);
    assert_eq!(inv.packages.len(), 1);
    assert_eq!(inv.packages[0].path, "status");
}

fn zip(path: &std::path::Path, files: &[(&str, &str)]) {
    let mut w = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    for (n, c) in files {
        w.start_file(*n, zip::write::SimpleFileOptions::default())
            .expect("start");
        w.write_all(c.as_bytes()).expect("write");
    }
    w.finish().expect("finish");
}

#[test]
fn function_code_and_layers_merge_like_lambda() {
    let dir = tempdir();
    let code = dir.path().join("code.zip");
    zip(&code, &[("index.js", "code"), ("package-lock.json", "{}")]);
    let l1 = dir.path().join("l1.zip");
    zip(&l1, &[("python/a.txt", "1"), ("common.txt", "1")]);
    let l2 = dir.path().join("l2");
    std::fs::create_dir_all(&l2).expect("mkdir");
    std::fs::write(l2.join("common.txt"), "2").expect("write");
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
    let inv = run(
        &TargetSpec::Function {
            code,
            layers: vec![l1, l2],
        },
        &cats,
    )
    .expect("inventory");
    assert_eq!(inv.target.kind, TargetKind::Function);
    let seen = rec.take();
    let got: Vec<(&str, &str)> = seen.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    assert_eq!(
        got,
        [
            ("opt/common.txt", "2"),
            ("opt/python/a.txt", "1"),
            ("var/task/index.js", "code"),
            ("var/task/package-lock.json", "{}"),
        ]
    );
}
