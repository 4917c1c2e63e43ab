//! Operating-system catalogers: os-release, dpkg, apk, rpm.
//!
//! Distro advisories are keyed by *source* package and release, so every OS
//! [`Package`] keeps its source name and version, epoch, arch, release (rpm release or
//! dpkg revision) and, where the database lists them, the files it owns.
//!
//! | cataloger | reads |
//! |---|---|
//! | `os-release` ([`release`]) | `etc/os-release`, `usr/lib/os-release`, `etc/lsb-release`, `etc/*-release` of the Red Hat family, `etc/alpine-release`, `etc/system-release-cpe`, `etc/debian_version`, and the presence of `var/lib/dpkg/status.d/*` (distroless) |
//! | `dpkg` ([`dpkg`]) | `var/lib/dpkg/status`, `var/lib/dpkg/status.d/*` (distroless), `var/lib/dpkg/info/*.{list,md5sums}` and `status.d/*.md5sums` (file lists) |
//! | `apk` ([`apk`]) | `lib/apk/db/installed` |
//! | `rpm` ([`rpm`]) | `var/lib/rpm/{rpmdb.sqlite,Packages,Packages.db}`, same under `usr/lib/sysimage/rpm/` |
//!
//! The dpkg, apk and rpm paths are also recognised under a prefix (`rootfs/var/lib/dpkg/status`),
//! for a folder holding an unpacked root filesystem; release files only at the root.
//!
//! # What the driver must do (contract with `scry-image`/`scry-fs`)
//!
//! 1. **OS release.** Each release file yields a [`Found::os`](crate::Found::os) on its own;
//!    the driver collects `(release::priority(path), os)` for every file that yielded one
//!    and calls [`release::best_os`] once the walk is done (highest priority wins; lower
//!    ones only fill a missing `VERSION_ID`/codename of the same `ID`). Precedence, high to
//!    low: `etc/os-release`, `usr/lib/os-release`, `etc/lsb-release`, Red Hat family
//!    `*-release` files and `etc/alpine-release`, `etc/system-release-cpe`,
//!    `etc/debian_version`, a distroless `status.d` entry (Debian, no version).
//! 2. **Settling.** [`crate::finish`] calls [`settle`] with the chosen release. It:
//!    - gives OS packages whose ecosystem has no release the OS's ecosystem when both use
//!      the same version scheme (dpkg packages are found as `Debian` and become
//!      `Ubuntu:22.04:LTS` on Ubuntu; rpm ones are found in the family their `VENDOR`
//!      names, `Red Hat` when unknown, and become `AlmaLinux:9` on AlmaLinux);
//!    - rewrites the purl namespace to the OS `ID` and adds `distro=<id>-<version_id>`
//!      (`pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12`), as syft does;
//!    - attaches **file lists** to their packages: `var/lib/dpkg/info/<pkg>[:arch].list` and
//!      distroless `status.d/<pkg>.md5sums` are parsed into placeholder packages with an
//!      empty `version` (see [`dpkg::is_file_list`]); `settle` moves their `files` onto the
//!      dpkg package of the same name (and arch when the list names one) from the same
//!      root, then drops the placeholders. A list whose package is not installed is dropped.
//!
//!    `finish` then drops duplicates by ecosystem, name, version, path and arch (multi-arch
//!    dpkg packages, `libc6:amd64` and `libc6:i386`, are two packages).

use scry_core::{Ecosystem, OsRelease, Package, PackageManager};

use crate::Cataloger;

pub mod apk;
pub mod deb822;
pub mod dpkg;
pub mod release;
pub mod rpm;

/// The OS catalogers.
#[must_use]
pub fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(release::OsReleaseCataloger),
        Box::new(dpkg::DpkgCataloger),
        Box::new(apk::ApkCataloger),
        Box::new(rpm::RpmCataloger),
    ]
}

/// Settles OS packages once the whole target was read; see the module docs. Called by
/// [`crate::finish`] before its own ecosystem and duplicate handling.
pub fn settle(os: Option<&OsRelease>, packages: &mut Vec<Package>) {
    dpkg::attach_file_lists(packages);
    let Some(os) = os else { return };
    let eco = os.ecosystem();
    for p in packages.iter_mut() {
        if !matches!(
            p.package_manager,
            PackageManager::Dpkg | PackageManager::Apk | PackageManager::Rpm
        ) {
            continue;
        }
        if let Some(eco) = &eco
            && p.ecosystem.release().is_none()
            && p.ecosystem.kind().is_os()
            && p.ecosystem.version_scheme() == eco.version_scheme()
        {
            p.ecosystem = eco.clone();
        }
        if let Some(purl) = &p.purl {
            p.purl = Some(purl_with_distro(purl, os));
        }
    }
}

/// `pkg:<type>/<ns>/...` with the namespace replaced by the OS id and a `distro`
/// qualifier added (kept as is when it already has one).
fn purl_with_distro(purl: &str, os: &OsRelease) -> String {
    if os.id.is_empty() || purl.contains("distro=") {
        return purl.to_owned();
    }
    let Some(rest) = purl.strip_prefix("pkg:") else {
        return purl.to_owned();
    };
    let mut parts = rest.splitn(3, '/');
    let (Some(ty), Some(_ns), Some(tail)) = (parts.next(), parts.next(), parts.next()) else {
        return purl.to_owned();
    };
    let distro = match &os.version_id {
        Some(v) => format!("{}-{}", os.id, v),
        None => os.id.clone(),
    };
    // Qualifiers stay sorted by key, as the purl spec's canonical form wants.
    let (path, quals) = tail.split_once('?').unwrap_or((tail, ""));
    let distro = format!("distro={}", pct(&distro));
    let mut quals: Vec<&str> = quals.split('&').filter(|q| !q.is_empty()).collect();
    quals.push(&distro);
    quals.sort_by_key(|q| q.split('=').next().unwrap_or(""));
    format!("pkg:{ty}/{}/{path}?{}", pct(&os.id), quals.join("&"))
}

/// Percent-encodes a purl component: everything but `A-Za-z0-9.-_~`.
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `pkg:<ty>/<ns>/<name>@<version>?<qualifiers>` with every part percent-encoded and
/// empty qualifiers left out (qualifiers are given sorted by key).
pub(crate) fn purl(
    ty: &str,
    ns: &str,
    name: &str,
    version: &str,
    quals: &[(&str, &str)],
) -> String {
    let mut s = format!("pkg:{ty}/{}/{}@{}", pct(ns), pct(name), pct(version));
    let mut sep = '?';
    for (k, v) in quals {
        if v.is_empty() {
            continue;
        }
        s.push(sep);
        s.push_str(k);
        s.push('=');
        s.push_str(&pct(v));
        sep = '&';
    }
    s
}

/// A bare OS package of `manager` in `ecosystem` found at `path`; callers fill the rest.
pub(crate) fn os_package(
    name: &str,
    version: &str,
    ecosystem: Ecosystem,
    manager: PackageManager,
    path: &str,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.to_owned(),
        ecosystem,
        package_manager: manager,
        purl: None,
        source_name: None,
        source_version: None,
        epoch: None,
        release: None,
        arch: None,
        path: path.to_owned(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scry_core::EcosystemKind;

    #[test]
    fn settle_rpm_on_almalinux() {
        let os = OsRelease {
            id: "almalinux".into(),
            version_id: Some("9.4".into()),
            ..OsRelease::default()
        };
        let mut p = os_package(
            "openssl",
            "1:3.0.7-27.el9",
            Ecosystem::new(EcosystemKind::RedHat),
            PackageManager::Rpm,
            "var/lib/rpm/rpmdb.sqlite",
        );
        p.purl = Some(purl(
            "rpm",
            "redhat",
            "openssl",
            "3.0.7-27.el9",
            &[("arch", "x86_64"), ("epoch", "1")],
        ));
        let mut ps = vec![p];
        settle(Some(&os), &mut ps);
        assert_eq!(ps[0].ecosystem.to_string(), "AlmaLinux:9");
        assert_eq!(
            ps[0].purl.as_deref(),
            Some("pkg:rpm/almalinux/openssl@3.0.7-27.el9?arch=x86_64&distro=almalinux-9.4&epoch=1")
        );
    }

    #[test]
    fn settle_dpkg_on_ubuntu() {
        let os = OsRelease {
            id: "ubuntu".into(),
            version_id: Some("22.04".into()),
            ..OsRelease::default()
        };
        let mut p = os_package(
            "libc6",
            "2.35-0ubuntu3.8",
            Ecosystem::new(EcosystemKind::Debian),
            PackageManager::Dpkg,
            "var/lib/dpkg/status",
        );
        p.purl = Some(purl("deb", "debian", "libc6", "2.35-0ubuntu3.8", &[]));
        let mut ps = vec![p];
        settle(Some(&os), &mut ps);
        assert_eq!(ps[0].ecosystem.to_string(), "Ubuntu:22.04:LTS");
        assert_eq!(
            ps[0].purl.as_deref(),
            Some("pkg:deb/ubuntu/libc6@2.35-0ubuntu3.8?distro=ubuntu-22.04")
        );
    }
}
