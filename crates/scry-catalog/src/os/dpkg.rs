//! dpkg: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`, and file lists.
//!
//! Each paragraph with `Package` and `Version` whose `Status` state (third word) is
//! `installed` becomes a [`Package`]: the want word may be `install`, `hold`, or even
//! `deinstall`/`purge` (marked for removal, still on disk). A paragraph without `Status`
//! is kept in a distroless `status.d` entry (they often have none) and skipped in
//! `status` (dpkg reads it as `not-installed`). Other states
//! (`config-files`, `half-installed`, `unpacked`, `not-installed`) are skipped silently.
//!
//! Fields kept: `Source: name (version)` → `source_name`/`source_version` (the source's
//! version only when it is given, i.e. differs); `Architecture` → `arch`;
//! `Version` stays the full dpkg string, with `epoch` and `release` (the Debian revision)
//! split out. `Installed-Size` and `Maintainer` have no [`Package`] field and are not kept.
//! purl: `pkg:deb/debian/<name>@<version>?arch=<arch>`; [`super::settle`] puts the OS id in
//! the namespace and adds `distro=`.
//!
//! File lists: `var/lib/dpkg/info/<pkg>[:<arch>].{list,md5sums}` and distroless
//! `var/lib/dpkg/status.d/<pkg>.md5sums` yield a placeholder [`Package`] with an empty
//! version, the list's files (absolute, `/`-led) and the arch from the file name;
//! [`attach_file_lists`] (run by [`super::settle`]) moves them onto their packages.

use std::collections::HashMap;

use scry_core::{Ecosystem, EcosystemKind, Package, PackageManager};

use super::{deb822, os_package, purl};
use crate::{CatalogError, Cataloger, Found, Limits};

/// Reads dpkg databases and their file lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct DpkgCataloger;

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d/";
const INFO: &str = "var/lib/dpkg/info/";

/// What a path is to dpkg: `(root, kind)` with root the prefix before `var/lib/dpkg/`.
fn classify(path: &str) -> Option<(&str, Kind<'_>)> {
    let at = path.find("var/lib/dpkg/")?;
    let (root, rest) = path.split_at(at);
    if !(root.is_empty() || root.ends_with('/')) {
        return None;
    }
    if rest == STATUS {
        return Some((root, Kind::Status));
    }
    if let Some(name) = rest.strip_prefix(STATUS_D) {
        if name.is_empty() || name.contains('/') || name.starts_with('.') {
            return None;
        }
        return Some(match name.strip_suffix(".md5sums") {
            Some(pkg) => (root, Kind::List(pkg)),
            None => (root, Kind::Status),
        });
    }
    let name = rest.strip_prefix(INFO)?;
    if name.contains('/') {
        return None;
    }
    let pkg = name
        .strip_suffix(".list")
        .or_else(|| name.strip_suffix(".md5sums"))?;
    Some((root, Kind::List(pkg)))
}

enum Kind<'a> {
    Status,
    List(&'a str),
}

/// Whether `p` is a file-list placeholder (see the module docs).
#[must_use]
pub fn is_file_list(p: &Package) -> bool {
    p.package_manager == PackageManager::Dpkg && p.version.is_empty()
}

impl Cataloger for DpkgCataloger {
    fn name(&self) -> &'static str {
        "dpkg"
    }

    fn wants(&self, path: &str) -> bool {
        classify(path).is_some()
    }

    fn parse(&self, path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
        match classify(path) {
            Some((_, Kind::Status)) => parse_status(path, bytes, limits),
            Some((_, Kind::List(pkg))) => Ok(parse_list(path, pkg, bytes, limits)),
            None => Err(CatalogError::new(path, "not a dpkg database file")),
        }
    }
}

/// `[epoch:]upstream[-revision]` → (epoch, revision).
#[must_use]
pub fn split_version(v: &str) -> (Option<u32>, Option<String>) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => {
            (e.parse().ok(), rest)
        }
        _ => (None, v),
    };
    let revision = rest.rsplit_once('-').map(|(_, r)| r.to_owned());
    (epoch, revision)
}

/// Reads a status file (or one `status.d` entry).
///
/// # Errors
/// When the file holds no `Field: value` line at all (binary garbage, another format).
pub fn parse_status(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    if bytes.contains(&0) {
        return Err(CatalogError::new(
            path,
            "binary data (NUL byte) in a dpkg status file",
        ));
    }
    let text = String::from_utf8_lossy(bytes);
    let paragraphs = deb822::parse(&text);
    let distroless = path.contains("status.d/");
    let mut found = Found::default();
    if !paragraphs.is_empty() && paragraphs.iter().all(|p| p.fields.is_empty()) {
        return Err(CatalogError::new(
            path,
            "no `Field: value` line: not a dpkg status file",
        ));
    }
    for para in &paragraphs {
        if para.bad_count > 0 {
            found.warnings.push(CatalogError::new(
                path,
                format!(
                    "paragraph at line {}: {} malformed lines (first: {:?})",
                    para.line, para.bad_count, para.bad_lines
                ),
            ));
        }
        let installed = match para.get("Status") {
            Some(status) => status.split_whitespace().nth(2) == Some("installed"),
            None => distroless,
        };
        if !installed {
            continue;
        }
        let (Some(name), Some(version)) = (para.get("Package"), para.get("Version")) else {
            found.warnings.push(CatalogError::new(
                path,
                format!(
                    "paragraph at line {}: missing Package or Version",
                    para.line
                ),
            ));
            continue;
        };
        if name.is_empty() || version.is_empty() {
            continue;
        }
        if found.packages.len() >= limits.max_packages_per_file {
            found.warnings.push(CatalogError::new(
                path,
                format!(
                    "more than {} packages: the rest is skipped",
                    limits.max_packages_per_file
                ),
            ));
            break;
        }
        found.packages.push(package(path, para, name, version));
    }
    Ok(found)
}

fn package(path: &str, para: &deb822::Paragraph, name: &str, version: &str) -> Package {
    let mut p = os_package(
        name,
        version,
        Ecosystem::new(EcosystemKind::Debian),
        PackageManager::Dpkg,
        path,
    );
    let (epoch, revision) = split_version(version);
    p.epoch = epoch;
    p.release = revision;
    p.arch = para
        .get("Architecture")
        .filter(|a| !a.is_empty())
        .map(str::to_owned);
    if let Some(source) = para.get("Source").filter(|s| !s.is_empty()) {
        match source.split_once('(') {
            Some((n, v)) => {
                p.source_name = Some(n.trim().to_owned());
                p.source_version =
                    Some(v.trim_end_matches(')').trim().to_owned()).filter(|v| !v.is_empty());
            }
            None => p.source_name = Some(source.to_owned()),
        }
    }
    p.purl = Some(purl(
        "deb",
        "debian",
        name,
        version,
        &[("arch", p.arch.as_deref().unwrap_or(""))],
    ));
    p
}

fn parse_list(path: &str, pkg: &str, bytes: &[u8], limits: &Limits) -> Found {
    let (name, arch) = match pkg.split_once(':') {
        Some((n, a)) => (n, Some(a.to_owned())),
        None => (pkg, None),
    };
    let md5 = path.ends_with(".md5sums");
    let text = String::from_utf8_lossy(bytes);
    let mut files = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let file = if md5 {
            // `<md5>  <path>`
            match line.split_once("  ") {
                Some((_, f)) => f,
                None => continue,
            }
        } else {
            line
        };
        let file = file.trim();
        if file.is_empty() || file == "/." {
            continue;
        }
        if files.len() >= limits.max_packages_per_file {
            break;
        }
        files.push(if file.starts_with('/') {
            file.to_owned()
        } else {
            format!("/{file}")
        });
    }
    let mut p = os_package(
        name,
        "",
        Ecosystem::new(EcosystemKind::Debian),
        PackageManager::Dpkg,
        path,
    );
    p.arch = arch;
    p.files = files;
    Found {
        packages: vec![p],
        ..Found::default()
    }
}

/// Moves the files of file-list placeholders onto the dpkg packages they name (same root,
/// same name, same arch when the list's name carries one) and drops the placeholders.
pub fn attach_file_lists(packages: &mut Vec<Package>) {
    if !packages.iter().any(is_file_list) {
        return;
    }
    let root = |path: &str| classify(path).map_or(String::new(), |(r, _)| r.to_owned());
    let lists: Vec<Package> = packages
        .iter()
        .filter(|p| is_file_list(p))
        .cloned()
        .collect();
    packages.retain(|p| !is_file_list(p));
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        if p.package_manager == PackageManager::Dpkg {
            by_name
                .entry((root(&p.path), p.name.clone()))
                .or_default()
                .push(i);
        }
    }
    for list in lists {
        let Some(targets) = by_name.get(&(root(&list.path), list.name.clone())) else {
            continue;
        };
        for &i in targets {
            let p = &mut packages[i];
            if list.arch.is_some() && p.arch.is_some() && list.arch != p.arch {
                continue;
            }
            p.files.extend(list.files.iter().cloned());
            p.files.sort();
            p.files.dedup();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_split() {
        assert_eq!(split_version("1:2.14.2-1"), (Some(1), Some("1".into())));
        assert_eq!(
            split_version("2.36-9+deb12u4"),
            (None, Some("9+deb12u4".into()))
        );
        assert_eq!(split_version("5.2"), (None, None));
        assert_eq!(split_version("1:1.2-3-4"), (Some(1), Some("4".into())));
    }

    #[test]
    fn paths() {
        let c = DpkgCataloger;
        assert!(c.wants("var/lib/dpkg/status"));
        assert!(c.wants("var/lib/dpkg/status.d/libc6"));
        assert!(c.wants("var/lib/dpkg/info/libc6:amd64.list"));
        assert!(c.wants("rootfs/var/lib/dpkg/status"));
        assert!(!c.wants("var/lib/dpkg/status-old"));
        assert!(!c.wants("var/lib/dpkg/info/libc6.postinst"));
        assert!(!c.wants("xvar/lib/dpkg/status"));
    }
}
