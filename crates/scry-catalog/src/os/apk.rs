//! apk: `lib/apk/db/installed`.
//!
//! Records are separated by blank lines; each line is `<letter>:<value>`. Kept: `P:` name,
//! `V:` version (`1.2.3-r4`, kept whole; `release` gets the `rN` part), `A:` arch, `o:`
//! origin (the source package, keyed by distro advisories), `L:` licence, and the files
//! `F:` (a directory) followed by its `R:` entries. purl:
//! `pkg:apk/alpine/<name>@<version>?arch=<arch>`; [`super::settle`] puts the OS id in the
//! namespace (`wolfi`, `chainguard`) and adds `distro=`.
//!
//! Lines that are not `<letter>:` are malformed: reported once per record, the record is
//! still read. A record without `P:` or `V:` is skipped with a warning. A non-empty file
//! without a single `<letter>:` line is an error (not an apk database).

use scry_core::{Ecosystem, EcosystemKind, Package, PackageManager};

use super::{os_package, purl};
use crate::{CatalogError, Cataloger, Found, Limits};

/// Reads the apk installed database.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApkCataloger;

impl Cataloger for ApkCataloger {
    fn name(&self) -> &'static str {
        "apk"
    }

    fn wants(&self, path: &str) -> bool {
        path == "lib/apk/db/installed" || path.ends_with("/lib/apk/db/installed")
    }

    fn parse(&self, path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
        parse_installed(path, bytes, limits)
    }
}

#[derive(Default)]
struct Record {
    line: usize,
    name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    origin: Option<String>,
    license: Option<String>,
    files: Vec<String>,
    dir: String,
    bad: Vec<usize>,
    bad_count: usize,
    any: bool,
}

/// Reads an apk `installed` database.
///
/// # Errors
/// When the file holds no `<letter>:<value>` line at all.
pub fn parse_installed(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Found::default();
    let mut rec = Record::default();
    let mut valid_lines = 0usize;
    let mut nonblank = 0usize;
    let mut stop = false;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            if rec.any {
                stop |= flush(path, std::mem::take(&mut rec), &mut found, limits);
            }
            if stop {
                break;
            }
            continue;
        }
        nonblank += 1;
        if !rec.any {
            rec.line = i + 1;
            rec.any = true;
        }
        let b = line.as_bytes();
        if b.len() < 2 || b[1] != b':' || !b[0].is_ascii_alphabetic() {
            rec.bad_count += 1;
            if rec.bad.len() < 16 {
                rec.bad.push(i + 1);
            }
            continue;
        }
        valid_lines += 1;
        let value = &line[2..];
        match b[0] {
            b'P' => rec.name = Some(value.to_owned()),
            b'V' => rec.version = Some(value.to_owned()),
            b'A' => rec.arch = Some(value.to_owned()),
            b'o' => rec.origin = Some(value.to_owned()),
            b'L' => rec.license = Some(value.to_owned()),
            b'F' => rec.dir = value.trim_matches('/').to_owned(),
            b'R' if rec.files.len() < limits.max_packages_per_file => {
                let f = if rec.dir.is_empty() {
                    format!("/{value}")
                } else {
                    format!("/{}/{value}", rec.dir)
                };
                rec.files.push(f);
            }
            _ => {}
        }
    }
    if rec.any && !stop {
        flush(path, rec, &mut found, limits);
    }
    if nonblank > 0 && valid_lines == 0 {
        return Err(CatalogError::new(
            path,
            "no `<letter>:<value>` line: not an apk database",
        ));
    }
    Ok(found)
}

/// Turns a record into a package; returns whether the package limit was reached.
fn flush(path: &str, rec: Record, found: &mut Found, limits: &Limits) -> bool {
    if rec.bad_count > 0 {
        found.warnings.push(CatalogError::new(
            path,
            format!(
                "record at line {}: {} malformed lines (first: {:?})",
                rec.line, rec.bad_count, rec.bad
            ),
        ));
    }
    let (Some(name), Some(version)) = (rec.name, rec.version) else {
        if rec.bad.is_empty() {
            found.warnings.push(CatalogError::new(
                path,
                format!("record at line {}: missing P: or V:", rec.line),
            ));
        }
        return false;
    };
    if name.is_empty() || version.is_empty() {
        return false;
    }
    if found.packages.len() >= limits.max_packages_per_file {
        found.warnings.push(CatalogError::new(
            path,
            format!(
                "more than {} packages: the rest is skipped",
                limits.max_packages_per_file
            ),
        ));
        return true;
    }
    let mut p: Package = os_package(
        &name,
        &version,
        Ecosystem::new(EcosystemKind::Alpine),
        PackageManager::Apk,
        path,
    );
    p.release = version
        .rsplit_once("-r")
        .filter(|(_, r)| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()))
        .map(|(_, r)| format!("r{r}"));
    p.purl = Some(purl(
        "apk",
        "alpine",
        &name,
        &version,
        &[("arch", rec.arch.as_deref().unwrap_or(""))],
    ));
    p.arch = rec.arch.filter(|a| !a.is_empty());
    p.source_name = rec.origin.filter(|o| !o.is_empty());
    p.licenses = rec.license.filter(|l| !l.is_empty()).into_iter().collect();
    p.files = rec.files;
    found.packages.push(p);
    false
}
