//! OS catalogers (os-release, dpkg, apk) against the shared `os/` fixtures, this
//! machine's dpkg database (checked against `dpkg-query`), and hostile bytes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use scry_catalog::os::{apk, dpkg, release};
use scry_catalog::{Cataloger, Limits, all, finish};
use scry_core::{OsRelease, Package};

pub(crate) fn os_fixtures() -> PathBuf {
    scry_test::fixtures_dir().join("os")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What a small driver finds in a rootfs-shaped folder: every wanted file handed to
/// every cataloger wanting it, the best release, then `finish`.
pub(crate) struct Walk {
    pub os: Option<OsRelease>,
    pub packages: Vec<Package>,
    pub errors: Vec<String>,
}

pub(crate) fn walk(root: &Path) -> Walk {
    let cats = all();
    let limits = Limits::default();
    let mut cands = Vec::new();
    let mut packages = Vec::new();
    let mut errors = Vec::new();
    for f in files_under(root) {
        let rel = f
            .strip_prefix(root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        for c in &cats {
            if !c.wants(&rel) {
                continue;
            }
            let bytes = std::fs::read(&f).expect("fixture readable");
            match c.parse(&rel, &bytes, &limits) {
                Ok(found) => {
                    if let Some(os) = found.os {
                        cands.push((release::priority(&rel).unwrap_or(0), os));
                    }
                    packages.extend(found.packages);
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    let os = release::best_os(cands);
    finish(os.as_ref(), &mut packages);
    Walk {
        os,
        packages,
        errors,
    }
}

fn os_of(id: &str, v: Option<&str>) -> (String, Option<String>) {
    (id.to_owned(), v.map(str::to_owned))
}

/// Every rootfs-shaped `os/*/syft/*` distro folder, with the id and version read off its
/// files (syft keeps its expectations in Go test code; these are written from the
/// files' content and agree with syft's `identify_release_test.go` where it has a case).
#[test]
fn syft_distro_folders() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "almalinux/syft/almalinux/from-os-release",
            "almalinux",
            Some("8.4"),
        ),
        (
            "almalinux/syft/almalinux/from-redhat-release",
            "almalinux",
            Some("8.10"),
        ),
        ("alpine/syft/alpine", "alpine", Some("3.11.6")),
        ("amazon/syft/amazon", "amzn", Some("2")),
        ("arch/syft/arch", "arch", None),
        ("centos/syft/centos", "centos", Some("8")),
        ("centos/syft/centos5", "centos", Some("5.7")),
        ("centos/syft/centos6", "centos", Some("6")),
        ("_misc/syft/custom", "scientific", Some("8")),
        // os-release has only ID; debian_version fills the version.
        (
            "debian/syft/debian/from-debian_version",
            "debian",
            Some("10.8"),
        ),
        ("debian/syft/debian/from-os-release", "debian", Some("8")),
        // os-release's VERSION_ID wins over the point release of debian_version.
        (
            "debian/syft/debian/with-point-release",
            "debian",
            Some("13"),
        ),
        ("fedora/syft/fedora", "fedora", Some("36")),
        ("mariner/syft/mariner", "mariner", Some("1.0")),
        (
            "opensuse-leap/syft/opensuse-leap",
            "opensuse-leap",
            Some("15.2"),
        ),
        ("oraclelinux/syft/oraclelinux", "ol", Some("8.3")),
        ("photon/syft/photon", "photon", Some("2.0")),
        ("redhat/syft/redhat/from-os-release", "rhel", Some("7.3")),
        (
            "redhat/syft/redhat/from-redhat-release",
            "rhel",
            Some("8.10"),
        ),
        (
            "rockylinux/syft/rockylinux/from-os-release",
            "rocky",
            Some("8.4"),
        ),
        (
            "rockylinux/syft/rockylinux/from-redhat-release",
            "rocky",
            Some("8.10"),
        ),
        (
            "scientific/syft/scientific/from-os-release",
            "scientific",
            Some("7.5"),
        ),
        (
            "scientific/syft/scientific/from-redhat-release",
            "scientific",
            Some("7.9"),
        ),
        ("sles/syft/sles", "sles", Some("15.2")),
        ("ubuntu/syft/ubuntu", "ubuntu", Some("20.04")),
        ("wolfi/syft/wolfi", "wolfi", Some("20220914")),
        ("debian/syft/image-dpkg", "debian", Some("12")),
        // Distroless: only status.d entries, so Debian without a version.
        ("debian/syft/image-distroless-deb", "debian", None),
    ];
    let base = os_fixtures();
    for (dir, id, version) in cases {
        let w = walk(&base.join(dir));
        let got = w.os.as_ref().map(|o| (o.id.clone(), o.version_id.clone()));
        assert_eq!(got, Some(os_of(id, *version)), "{dir}");
    }
    // No release at all: busybox has no release file, empty/partial ones have no ID.
    for dir in [
        "busybox/syft/busybox",
        "_invalid/syft/empty",
        "_invalid/syft/partial-fields/missing-id",
        "_invalid/syft/partial-fields/missing-version",
    ] {
        assert_eq!(walk(&base.join(dir)).os, None, "{dir}");
    }
    let unknown = walk(&base.join("_invalid/syft/partial-fields/unknown-id"));
    assert_eq!(
        unknown.os.map(|o| o.id).as_deref(),
        Some("my-awesome-distro")
    );
}

/// Single release files, each read as the file it is a sample of.
#[test]
fn single_release_files() {
    /// (fixture, read as, expected (id, version)).
    type Case<'a> = (&'a str, &'a str, Option<(&'a str, Option<&'a str>)>);
    let cases: &[Case<'_>] = &[
        (
            "_misc/syft/bad-redhat-release/bad-redhat-release",
            "etc/redhat-release",
            Some(("centos", Some("5"))),
        ),
        // `cpe:/o:centos:6:GA`: the first numeric field is the version.
        (
            "_misc/syft/bad-system-release-cpe/bad-system-release-cpe",
            "etc/system-release-cpe",
            Some(("centos", Some("6"))),
        ),
        (
            "_misc/syft/centos-8/centos-8",
            "etc/os-release",
            Some(("centos", Some("8"))),
        ),
        (
            "_misc/syft/debian-8/debian-8",
            "etc/os-release",
            Some(("debian", Some("8"))),
        ),
        (
            "_misc/syft/rhel-8/rhel-8",
            "etc/os-release",
            Some(("rhel", Some("8.1"))),
        ),
        (
            "_misc/syft/ubuntu-20.04/ubuntu-20.04",
            "etc/os-release",
            Some(("ubuntu", Some("20.04"))),
        ),
        // CRLF line ends.
        (
            "_misc/syft/unprintable/unprintable",
            "etc/os-release",
            Some(("debian", Some("8"))),
        ),
        (
            "activestate/trivy/os-release/activestate",
            "etc/os-release",
            Some(("activestate", Some("1.0"))),
        ),
        (
            "almalinux/trivy/os-release/alma",
            "etc/os-release",
            Some(("almalinux", Some("9.4"))),
        ),
        (
            "alpine/trivy/os-release/alpine",
            "etc/os-release",
            Some(("alpine", Some("3.15.4"))),
        ),
        (
            "azurelinux/trivy/os-release/azurelinux-3.0",
            "etc/os-release",
            Some(("azurelinux", Some("3.0"))),
        ),
        (
            "bottlerocket/trivy/os-release/bottlerocket",
            "etc/os-release",
            Some(("bottlerocket", Some("1.34.0"))),
        ),
        (
            "centos/trivy/os-release/centos",
            "etc/os-release",
            Some(("centos", Some("7"))),
        ),
        (
            "centos/trivy/os-release/centos-stream",
            "etc/os-release",
            Some(("centos", Some("8"))),
        ),
        (
            "coreos/trivy/os-release/coreos",
            "etc/os-release",
            Some(("coreos", Some("3.15.4"))),
        ),
        (
            "echo/trivy/os-release/echo",
            "etc/os-release",
            Some(("echo", Some("1"))),
        ),
        (
            "fedora/trivy/os-release/fedora",
            "etc/os-release",
            Some(("fedora", Some("42"))),
        ),
        (
            "mariner/trivy/os-release/mariner-1.0",
            "etc/os-release",
            Some(("mariner", Some("1.0"))),
        ),
        (
            "mariner/trivy/os-release/mariner-2.0",
            "etc/os-release",
            Some(("mariner", Some("2.0"))),
        ),
        (
            "minimos/trivy/os-release/minimos",
            "etc/os-release",
            Some(("minimos", Some("20241031"))),
        ),
        ("_invalid/trivy/os-release/no-id", "etc/os-release", None),
        (
            "_invalid/trivy/os-release/no-version",
            "etc/os-release",
            Some(("alpine", None)),
        ),
        (
            "_invalid/trivy/os-release/unknown",
            "etc/os-release",
            Some(("unknown", Some("4.3.2"))),
        ),
        (
            "opensuse-leap/trivy/os-release/opensuseleap-15.2.1",
            "etc/os-release",
            Some(("opensuse-leap", Some("15.2.1"))),
        ),
        (
            "opensuse-leap/trivy/os-release/opensuseleap-42.3",
            "etc/os-release",
            Some(("opensuse", Some("42.3"))),
        ),
        (
            "opensuse-tumbleweed/trivy/os-release/opensusetumbleweed",
            "etc/os-release",
            Some(("opensuse-tumbleweed", Some("20220412"))),
        ),
        (
            "oraclelinux/trivy/os-release/oracle",
            "etc/os-release",
            Some(("ol", Some("8.10"))),
        ),
        (
            "photon/trivy/os-release/photon",
            "etc/os-release",
            Some(("photon", Some("4.0"))),
        ),
        (
            "redhat/trivy/os-release/rhel",
            "etc/os-release",
            Some(("rhel", Some("9.4"))),
        ),
        (
            "rockylinux/trivy/os-release/rocky",
            "etc/os-release",
            Some(("rocky", Some("9.3"))),
        ),
        (
            "sle-micro/trivy/os-release/slemicro",
            "etc/os-release",
            Some(("sle-micro", Some("5.3"))),
        ),
        (
            "sle-micro/trivy/os-release/slemicro-rancher",
            "etc/os-release",
            Some(("sle-micro-rancher", Some("5.4"))),
        ),
        (
            "sle-micro/trivy/os-release/slemicro6.0",
            "etc/os-release",
            Some(("sl-micro", Some("6.0"))),
        ),
        (
            "sles/trivy/os-release/sles",
            "etc/os-release",
            Some(("sles", Some("15.3"))),
        ),
        (
            "almalinux/trivy/redhatbase/alma/almalinux-release",
            "etc/almalinux-release",
            Some(("almalinux", Some("8.4"))),
        ),
        (
            "centos/trivy/redhatbase/centos/centos-release",
            "etc/centos-release",
            Some(("centos", Some("7.6.1810"))),
        ),
        (
            "fedora/trivy/redhatbase/fedora_29/fedora-release",
            "etc/fedora-release",
            Some(("fedora", Some("29"))),
        ),
        (
            "oraclelinux/trivy/redhatbase/oracle_7/oracle-release",
            "etc/oracle-release",
            Some(("ol", Some("7.6"))),
        ),
        (
            "redhat/trivy/redhatbase/redhat_6/redhat-release",
            "etc/redhat-release",
            Some(("rhel", Some("6.2"))),
        ),
        (
            "rockylinux/trivy/redhatbase/rocky/rocky-release",
            "etc/rocky-release",
            Some(("rocky", Some("8.4"))),
        ),
        (
            "_invalid/trivy/redhatbase/not_redhatbase/empty",
            "etc/redhat-release",
            None,
        ),
        (
            "debian/trivy/debian_version/debian_9/etc/debian_version",
            "etc/debian_version",
            Some(("debian", Some("9.8"))),
        ),
        (
            "debian/trivy/debian_version/debian_sid/etc/debian_version",
            "etc/debian_version",
            Some(("debian", None)),
        ),
        (
            "debian/trivy/debian_version/empty",
            "etc/debian_version",
            None,
        ),
        (
            "ubuntu/trivy/ubuntu/lsb-release",
            "etc/lsb-release",
            Some(("ubuntu", Some("18.04"))),
        ),
        (
            "alpine/osv-scanner/alpine-3.18-os-release",
            "etc/os-release",
            Some(("alpine", Some("3.18.1"))),
        ),
        (
            "alpine/osv-scanner/alpine-3.18-alpine-release",
            "etc/alpine-release",
            Some(("alpine", Some("3.18.1"))),
        ),
    ];
    let base = os_fixtures();
    let c = release::OsReleaseCataloger;
    for (file, as_path, want) in cases {
        assert!(c.wants(as_path), "{as_path}");
        let bytes = std::fs::read(base.join(file)).expect("fixture readable");
        let found = c
            .parse(as_path, &bytes, &Limits::default())
            .expect("release files never fail");
        let got = found.os.map(|o| (o.id, o.version_id));
        let want = want.map(|(id, v)| os_of(id, v));
        assert_eq!(got, want, "{file}");
    }
    let sid = c
        .parse("etc/debian_version", b"buster/sid\n", &Limits::default())
        .expect("text");
    assert_eq!(sid.os.and_then(|o| o.codename).as_deref(), Some("buster"));
}

#[test]
fn best_os_precedence() {
    let os = |id: &str, v: Option<&str>| OsRelease {
        id: id.into(),
        version_id: v.map(Into::into),
        ..OsRelease::default()
    };
    let got = release::best_os(vec![
        (30, os("debian", Some("12.5"))),
        (100, os("debian", None)),
        (70, os("ubuntu", Some("22.04"))),
    ]);
    assert_eq!(got, Some(os("debian", Some("12.5"))));
    assert_eq!(release::best_os(Vec::new()), None);
}

fn parse_one(c: &dyn Cataloger, path: &str, file: &Path) -> scry_catalog::Found {
    let bytes = std::fs::read(file).expect("fixture readable");
    c.parse(path, &bytes, &Limits::default())
        .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

fn nv(ps: &[Package]) -> Vec<(String, String)> {
    ps.iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect()
}

/// Every dpkg status fixture: parsed, with the results their peers' tests expect.
#[test]
fn dpkg_status_fixtures() {
    let base = os_fixtures();
    let c = dpkg::DpkgCataloger;
    let s = "var/lib/dpkg/status";
    let d = |f: &str| base.join("debian/osv-scalibr/dpkg").join(f);

    let valid = parse_one(&c, s, &d("valid"));
    assert_eq!(valid.packages.len(), 7);
    assert!(valid.warnings.is_empty());
    assert_eq!(nv(&parse_one(&c, s, &d("single")).packages).len(), 1);
    assert!(parse_one(&c, s, &d("empty")).packages.is_empty());
    // `asdf` / `yolo`: no field at all.
    let bytes = std::fs::read(d("invalid")).expect("fixture");
    let e = c
        .parse(s, &bytes, &Limits::default())
        .expect_err("not a status file");
    assert!(e.to_string().starts_with("var/lib/dpkg/status: "), "{e}");
    // Two good paragraphs around one without Package (or Version): a warning for it.
    for (f, n) in [("nopackage", 2), ("noversion", 2)] {
        let found = parse_one(&c, s, &d(f));
        assert_eq!(found.packages.len(), n, "{f}");
        assert_eq!(found.warnings.len(), 1, "{f}");
    }
    // State `installed` (want install/hold/deinstall/purge) is kept; no Status at all is
    // `not-installed` in `status` (as dpkg-query says) but kept in distroless `status.d`.
    let names: BTreeSet<String> = parse_one(&c, s, &d("statusfield"))
        .packages
        .into_iter()
        .map(|p| p.name)
        .collect();
    let want: BTreeSet<String> = [
        "wantinstall_installed",
        "wantdeinstall_installed",
        "wantpurge_installed",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(names, want);
    assert_eq!(parse_one(&c, s, &d("trailingnewlines")).packages.len(), 1);
    let git = parse_one(&c, s, &d("transitional_dummy")).packages;
    let g = &git[0];
    assert_eq!(
        (g.name.as_str(), g.version.as_str()),
        ("git-core", "1:2.14.2-1")
    );
    assert_eq!(g.epoch, Some(1));
    assert_eq!(g.release.as_deref(), Some("1"));
    assert_eq!(g.source_name.as_deref(), Some("git"));
    assert_eq!(
        g.purl.as_deref(),
        Some("pkg:deb/debian/git-core@1%3A2.14.2-1?arch=all")
    );
    let foo = parse_one(&c, "var/lib/dpkg/status.d/foo", &d("status.d/foo"));
    assert_eq!(foo.packages.len(), 1);

    let scanner = parse_one(&c, s, &base.join("debian/osv-scanner/status"));
    assert_eq!(scanner.packages.len(), 1);

    // Syft's status.d entries.
    let sd = |f: &str| base.join("debian/syft/var/lib/dpkg/status.d").join(f);
    let p = |f: &str| format!("var/lib/dpkg/status.d/{f}");
    assert_eq!(parse_one(&c, &p("single"), &sd("single")).packages.len(), 1);
    // `Package:` empty and `no-version` are skipped; tzdata and util-linux remain.
    assert_eq!(
        parse_one(&c, &p("multiple"), &sd("multiple"))
            .packages
            .len(),
        2
    );
    assert!(parse_one(&c, &p("empty"), &sd("empty")).packages.is_empty());
    // One kernel installed, one removed with its config files kept (skipped).
    let kernels = parse_one(&c, &p("deinstall"), &sd("deinstall")).packages;
    assert_eq!(
        nv(&kernels),
        vec![(
            "linux-image-6.14.0-1012-aws".into(),
            "6.14.0-1012.12~24.04.1".into()
        )]
    );
    let corrupt = parse_one(&c, &p("corrupt"), &sd("corrupt"));
    assert!(corrupt.packages.is_empty());
    assert!(!corrupt.warnings.is_empty());
    let rel = parse_one(
        &c,
        &p("coreutils-relationships"),
        &sd("coreutils-relationships"),
    );
    // A chiselled-style entry set: coreutils and its dependencies, epochs kept.
    assert_eq!(rel.packages.len(), 9);
    assert_eq!(
        nv(&rel.packages[..1]),
        vec![("coreutils".into(), "9.1-1".into())]
    );
    let attr = rel
        .packages
        .iter()
        .find(|p| p.name == "libattr1")
        .expect("libattr1");
    assert_eq!((attr.version.as_str(), attr.epoch), ("1:2.5.1-4", Some(1)));
    let pam = &parse_one(&c, &p("libpam-runtime"), &sd("libpam-runtime")).packages[0];
    assert_eq!(pam.source_name.as_deref(), Some("pam"));
}

/// Syft's image folders through the whole pipeline: file lists attached, ecosystem and
/// purl distro settled.
#[test]
fn dpkg_images_with_file_lists() {
    let base = os_fixtures();
    let w = walk(&base.join("debian/syft/image-dpkg"));
    assert!(w.errors.is_empty(), "{:?}", w.errors);
    let pam = w
        .packages
        .iter()
        .find(|p| p.name == "libpam-runtime")
        .expect("libpam-runtime");
    assert_eq!(pam.ecosystem.to_string(), "Debian:12");
    // Syft's fixture `info/libpam-runtime.md5sums` holds zlib1g's file list: attached as is.
    assert!(
        pam.files
            .iter()
            .any(|f| f == "/lib/x86_64-linux-gnu/libz.so.1.2.11"),
        "{:?}",
        pam.files
    );
    assert!(
        pam.purl
            .as_deref()
            .is_some_and(|p| p.ends_with("distro=debian-12")),
        "{:?}",
        pam.purl
    );

    let w = walk(&base.join("debian/syft/image-distroless-deb"));
    let sqlite = &w.packages[0];
    assert_eq!(sqlite.name, "libsqlite3-0");
    assert!(
        sqlite
            .files
            .contains(&"/usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6".to_owned())
    );
    assert!(
        w.packages.iter().all(|p| !p.version.is_empty()),
        "placeholders are dropped"
    );
}

/// Trivy's txtar archives: each `var/lib/dpkg/status` section parsed.
#[test]
fn dpkg_trivy_txtar() {
    let dir = os_fixtures().join("debian/trivy/dpkg");
    let c = dpkg::DpkgCataloger;
    let mut parsed = 0;
    for f in files_under(&dir) {
        if f.extension().and_then(|e| e.to_str()) != Some("txtar") {
            continue;
        }
        let text = std::fs::read_to_string(&f).expect("txtar is text");
        for (name, body) in txtar(&text) {
            if c.wants(&name) && name.ends_with("status") {
                let found = c.parse(&name, body.as_bytes(), &Limits::default());
                let found = found.unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                parsed += 1;
                if f.ends_with("valid.txtar") {
                    assert!(found.packages.len() > 50, "{}", found.packages.len());
                    let fdisk = &found.packages[0];
                    assert_eq!(fdisk.source_name.as_deref(), Some("util-linux"));
                    assert_eq!(fdisk.release.as_deref(), Some("0.4ubuntu3.1"));
                }
            }
        }
    }
    assert_eq!(parsed, 6);
}

fn txtar(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        let t = line.trim_end();
        if let Some(name) = t.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --")) {
            out.push((name.to_owned(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    out
}

/// This machine's dpkg database equals what `dpkg-query` lists as installed.
#[test]
fn dpkg_this_machine_matches_dpkg_query() {
    let Ok(bytes) = std::fs::read("/var/lib/dpkg/status") else {
        return;
    };
    let Ok(out) = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Status} ${Package} ${Version}\n"])
        .output()
    else {
        return;
    };
    assert!(out.status.success());
    // dpkg-query -W also lists packages in `config-files` (removed, conffiles kept) and
    // other non-installed states; we keep only `installed` ones.
    let want: BTreeSet<(String, String)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut it = l.split(' ');
            if it.next()? != "installed" {
                return None;
            }
            Some((it.next()?.to_owned(), it.next()?.to_owned()))
        })
        .collect();
    let found = dpkg::DpkgCataloger
        .parse("var/lib/dpkg/status", &bytes, &Limits::default())
        .expect("this machine's status file parses");
    assert!(found.warnings.is_empty(), "{:?}", found.warnings);
    let got: BTreeSet<(String, String)> = nv(&found.packages).into_iter().collect();
    assert_eq!(got.len(), found.packages.len(), "no duplicates");
    assert_eq!(got, want);
    assert!(!want.is_empty());
    // Arch, source name and source version too, read through the same status file.
    let rows = dpkg_query(&bytes, "host").expect("dpkg-query ran");
    assert_eq!(dpkg_rows(&found.packages), rows);
}

/// Every apk fixture.
#[test]
fn apk_fixtures() {
    let base = os_fixtures().join("alpine");
    let c = apk::ApkCataloger;
    let p = "lib/apk/db/installed";
    let real = parse_one(&c, p, &base.join("apk-tools/query-installed.data"));
    assert_eq!(real.packages.len(), 39);
    assert!(real.warnings.is_empty());
    let base_pkg = real
        .packages
        .iter()
        .find(|p| p.name == "alpine-baselayout")
        .expect("alpine-baselayout");
    assert_eq!(base_pkg.version, "3.6.8-r1");
    assert_eq!(base_pkg.release.as_deref(), Some("r1"));
    assert_eq!(base_pkg.source_name.as_deref(), Some("alpine-baselayout"));
    assert_eq!(base_pkg.licenses, vec!["GPL-2.0-only".to_owned()]);
    assert_eq!(
        base_pkg.purl.as_deref(),
        Some("pkg:apk/alpine/alpine-baselayout@3.6.8-r1?arch=x86_64")
    );
    assert!(!base_pkg.files.is_empty());
    let count = |f: &Path| parse_one(&c, p, f).packages.len();
    let s = base.join("osv-scalibr/apk");
    assert_eq!(count(&s.join("installed")), 15);
    assert_eq!(count(&s.join("single")), 1);
    assert_eq!(count(&s.join("empty")), 0);
    assert!(count(&s.join("no-origin")) > 0);
    assert!(count(&s.join("different-arch")) > 0);
    let bytes = std::fs::read(s.join("invalid")).expect("fixture");
    assert!(c.parse(p, &bytes, &Limits::default()).is_err());
    let sy = base.join("syft/apk");
    for f in [
        "base",
        "single",
        "empty-deps-and-provides",
        "extra-file-attributes",
    ] {
        assert!(count(&sy.join(f)) >= 1, "{f}");
    }
    // `bogus db contents`: not an apk database.
    let bytes = std::fs::read(sy.join("glob-paths").join(p)).expect("fixture");
    assert!(c.parse(p, &bytes, &Limits::default()).is_err());
    for f in ["multiple-1", "multiple-2"] {
        assert!(count(&sy.join(f).join(p)) >= 1, "{f}");
    }
    let corrupt = parse_one(&c, p, &sy.join("corrupt").join(p));
    assert!(!corrupt.warnings.is_empty());
    // 16 records, one of them `invalidPackageWithoutAVersion` (a warning).
    let trivy = parse_one(&c, p, &base.join("trivy/apk/installed"));
    assert_eq!(trivy.packages.len(), 15);
    assert_eq!(trivy.warnings.len(), 1);
    assert!(count(&base.join("osv-scanner/installed")) >= 1);
}

pub(crate) fn mutate(seed: &[u8], flips: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut b = seed.to_vec();
    for &(at, v) in flips {
        if !b.is_empty() {
            let i = at % b.len();
            b[i] ^= v;
        }
    }
    b.truncate(cut.min(b.len()));
    b
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    fn each_cataloger(path: &str, bytes: &[u8]) {
        for c in scry_catalog::os::catalogers() {
            if c.wants(path) {
                let _ = c.parse(path, bytes, &Limits::default());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            for path in ["etc/os-release", "etc/redhat-release", "etc/system-release-cpe",
                         "var/lib/dpkg/status", "var/lib/dpkg/info/a:amd64.list",
                         "lib/apk/db/installed", "var/lib/rpm/Packages"] {
                each_cataloger(path, &bytes);
            }
        }

        #[test]
        fn mutated_status_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..16), cut in any::<usize>()) {
            let seed = std::fs::read(os_fixtures().join("debian/osv-scalibr/dpkg/valid")).expect("fixture");
            each_cataloger("var/lib/dpkg/status", &mutate(&seed, &flips, cut));
            let seed = std::fs::read(os_fixtures().join("alpine/apk-tools/query-installed.data")).expect("fixture");
            each_cataloger("lib/apk/db/installed", &mutate(&seed, &flips, cut));
        }
    }
}

/// Multi-arch dpkg: the same package for two architectures is two packages, each with
/// its own `info/<name>:<arch>.list`.
#[test]
fn dpkg_multiarch_survives_finish() {
    let status = "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36-9\n\n\
                  Package: libc6\nStatus: install ok installed\nArchitecture: i386\nVersion: 2.36-9\n";
    let c = dpkg::DpkgCataloger;
    let l = Limits::default();
    let mut ps = c
        .parse("var/lib/dpkg/status", status.as_bytes(), &l)
        .expect("status")
        .packages;
    for (arch, file) in [
        ("amd64", "/lib/x86_64-linux-gnu/libc.so.6"),
        ("i386", "/lib/i386-linux-gnu/libc.so.6"),
    ] {
        let path = format!("var/lib/dpkg/info/libc6:{arch}.list");
        ps.extend(
            c.parse(&path, format!("/.\n{file}\n").as_bytes(), &l)
                .expect("list")
                .packages,
        );
    }
    finish(None, &mut ps);
    assert_eq!(ps.len(), 2);
    for p in &ps {
        let arch = p.arch.as_deref().expect("arch");
        assert_eq!(p.files.len(), 1, "{arch}");
        assert!(p.files[0].contains(if arch == "amd64" { "x86_64" } else { "i386" }));
    }
}

type DpkgRow = (String, String, String, String, String);

/// What `dpkg-query --admindir` reads from a status file as installed: name, version,
/// arch, source name, source version. `None` without dpkg-query.
fn dpkg_query(status: &[u8], tag: &str) -> Option<BTreeSet<DpkgRow>> {
    let dir = std::env::temp_dir().join(format!("scry-os-dpkg-{}-{tag}", std::process::id()));
    std::fs::create_dir_all(dir.join("info")).ok()?;
    std::fs::create_dir_all(dir.join("updates")).ok()?;
    std::fs::write(dir.join("status"), status).ok()?;
    let out = std::process::Command::new("dpkg-query")
        .arg(format!("--admindir={}", dir.display()))
        .args([
            "-W",
            "-f",
            "${db:Status-Status}\t${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n",
        ])
        .output()
        .ok();
    let _ = std::fs::remove_dir_all(&dir);
    let out = out?;
    assert!(
        out.status.success(),
        "{tag}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() == 6 && f[0] == "installed").then(|| {
                    let s = |i: usize| f[i].to_owned();
                    (s(1), s(2), s(3), s(4), s(5))
                })
            })
            .collect(),
    )
}

fn dpkg_rows(ps: &[Package]) -> BTreeSet<DpkgRow> {
    ps.iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.arch.clone().unwrap_or_default(),
                p.source_name.clone().unwrap_or_else(|| p.name.clone()),
                p.source_version
                    .clone()
                    .unwrap_or_else(|| p.version.clone()),
            )
        })
        .collect()
}

/// Every dpkg status fixture dpkg itself accepts gives what `dpkg-query` reads from it:
/// name, version, arch, source name and source version of each installed package.
/// Fixtures dpkg refuses as a whole (`nopackage`, `noversion`: a paragraph without
/// Package/Version; osv-scanner's `status`: no final newline; syft's `image-dpkg` and
/// `glob-paths`: an empty `Package:` or junk; trivy's `corrupsed`) are read leniently
/// here, entry by entry, instead.
#[test]
fn dpkg_status_fixtures_match_dpkg_query() {
    if std::process::Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let base = os_fixtures();
    let mut inputs: Vec<(String, Vec<u8>)> = [
        "debian/osv-scalibr/dpkg/valid",
        "debian/osv-scalibr/dpkg/single",
        "debian/osv-scalibr/dpkg/statusfield",
        "debian/osv-scalibr/dpkg/trailingnewlines",
        "debian/osv-scalibr/dpkg/transitional",
        "debian/osv-scalibr/dpkg/transitional_dummy",
        "debian/osv-scalibr/dpkg/transitional_empty",
    ]
    .iter()
    .map(|f| {
        (
            (*f).to_owned(),
            std::fs::read(base.join(f)).expect("fixture"),
        )
    })
    .collect();
    for name in ["valid", "digest", "md5sums", "only-apt", "third-party"] {
        let f = base.join(format!("debian/trivy/dpkg/{name}.txtar"));
        let text = std::fs::read_to_string(&f).expect("txtar");
        for (file, body) in txtar(&text) {
            if file == "var/lib/dpkg/status" {
                inputs.push((format!("{name}.txtar"), body.into_bytes()));
            }
        }
    }
    assert_eq!(inputs.len(), 12);
    for (i, (name, bytes)) in inputs.iter().enumerate() {
        let want = dpkg_query(bytes, &i.to_string()).expect("dpkg-query ran");
        let found = dpkg::DpkgCataloger
            .parse("var/lib/dpkg/status", bytes, &Limits::default())
            .expect("parses");
        assert_eq!(dpkg_rows(&found.packages), want, "{name}");
        assert!(!want.is_empty(), "{name}");
    }
}

/// apk-tools' own expectations of its real installed database: `apk list --installed`
/// (name-version, arch, origin, licence) and `apk info` contents of two packages.
#[test]
fn apk_matches_apk_list_installed() {
    let found = parse_one(
        &apk::ApkCataloger,
        "lib/apk/db/installed",
        &os_fixtures().join("alpine/apk-tools/query-installed.data"),
    );
    let want: Vec<&str> = include_str!("os_data/apk-query-installed.expected.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect();
    let mut got: Vec<String> = found
        .packages
        .iter()
        .map(|p| {
            format!(
                "{}-{} {} {{{}}} ({}) [installed]",
                p.name,
                p.version,
                p.arch.as_deref().unwrap_or(""),
                p.source_name.as_deref().unwrap_or(""),
                p.licenses.join(" ")
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, want);
    let files = |name: &str| {
        found
            .packages
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.files.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        files("apk-tools"),
        ["/sbin/apk", "/usr/lib/libapk.so.2.14.0"]
    );
    assert_eq!(files("scanelf"), ["/usr/bin/scanelf"]);
}
