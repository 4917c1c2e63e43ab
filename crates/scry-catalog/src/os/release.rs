//! The OS release: `os-release` and its fallbacks, one [`OsRelease`] per file.
//!
//! Each file is read on its own (the driver hands files in any order); [`priority`] says
//! how much a file's answer is worth and [`best_os`] picks the final one. Traps:
//! - `etc/os-release` may lack `VERSION_ID` (Debian testing/sid); `etc/debian_version`
//!   then gives it when it is numeric (kept as written, `13.5`;
//!   [`OsRelease::ecosystem`] uses the major part).
//! - `etc/debian_version` on sid reads `bookworm/sid`: id `debian`, codename `bookworm`,
//!   no version.
//! - values may be quoted with `"` or `'`, carry `\` escapes, and end in CRLF.
//! - an os-release without `ID` yields no release (not an error).

use scry_core::OsRelease;

use crate::{CatalogError, Cataloger, Found, Limits};

/// Reads release files into [`Found::os`].
#[derive(Debug, Clone, Copy, Default)]
pub struct OsReleaseCataloger;

/// Red Hat family release files (`etc/<name>`), read as `<Name> release <version> (...)`.
const REDHAT_FILES: &[&str] = &[
    "etc/redhat-release",
    "etc/system-release",
    "etc/centos-release",
    "etc/almalinux-release",
    "etc/rocky-release",
    "etc/fedora-release",
    "etc/oracle-release",
];

/// How much a release file's answer is worth (higher wins), or `None` when `path` is no
/// release file. See the module docs of [`crate::os`] for the order.
#[must_use]
pub fn priority(path: &str) -> Option<u8> {
    Some(match path {
        "etc/os-release" => 100,
        "usr/lib/os-release" => 90,
        "etc/lsb-release" => 70,
        "etc/alpine-release" => 60,
        p if REDHAT_FILES.contains(&p) => {
            // The distro's own file beats the generic redhat/system-release.
            if p == "etc/redhat-release" || p == "etc/system-release" {
                55
            } else {
                60
            }
        }
        "etc/system-release-cpe" => 40,
        "etc/debian_version" => 30,
        p if p.starts_with("var/lib/dpkg/status.d/") => 10,
        _ => return None,
    })
}

/// The release to use from every `(priority, release)` the target's files yielded: the
/// highest priority wins (the first one seen on ties); lower ones of the same `ID` fill a
/// missing `VERSION_ID` or codename.
#[must_use]
pub fn best_os(mut candidates: Vec<(u8, OsRelease)>) -> Option<OsRelease> {
    candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
    let mut it = candidates.into_iter();
    let (_, mut best) = it.next()?;
    for (_, other) in it {
        if other.id != best.id {
            continue;
        }
        if best.version_id.is_none() {
            best.version_id = other.version_id.clone();
        }
        if best.codename.is_none() {
            best.codename = other.codename.clone();
        }
    }
    Some(best)
}

impl Cataloger for OsReleaseCataloger {
    fn name(&self) -> &'static str {
        "os-release"
    }

    fn wants(&self, path: &str) -> bool {
        priority(path).is_some()
    }

    fn parse(&self, path: &str, bytes: &[u8], _limits: &Limits) -> Result<Found, CatalogError> {
        // Release files are tiny; anything past 64 KiB is not one.
        let bytes = &bytes[..bytes.len().min(64 * 1024)];
        let text = String::from_utf8_lossy(bytes);
        let os = match path {
            "etc/os-release" | "usr/lib/os-release" => parse_os_release(&text),
            "etc/lsb-release" => parse_lsb_release(&text),
            "etc/alpine-release" => first_line(&text).map(|v| OsRelease {
                id: "alpine".into(),
                version_id: Some(v.to_owned()),
                ..OsRelease::default()
            }),
            "etc/system-release-cpe" => parse_cpe(&text),
            "etc/debian_version" => parse_debian_version(&text),
            p if REDHAT_FILES.contains(&p) => parse_redhat_release(&text),
            _ => Some(OsRelease {
                id: "debian".into(),
                ..OsRelease::default()
            }),
        };
        Ok(Found {
            os,
            ..Found::default()
        })
    }
}

fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|l| !l.is_empty())
}

/// `KEY=value` pairs of os-release(5)/lsb-release, quotes and escapes removed.
fn pairs(text: &str) -> impl Iterator<Item = (&str, String)> {
    text.lines().filter_map(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return None;
        }
        let (k, v) = line.split_once('=')?;
        Some((k.trim(), unquote(v.trim())))
    })
}

fn unquote(v: &str) -> String {
    let inner = match v.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if last == q && v.len() >= 2 => &v[1..v.len() - 1],
        _ => v,
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn non_empty(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Parses os-release(5) text; `None` without an `ID`.
#[must_use]
pub fn parse_os_release(text: &str) -> Option<OsRelease> {
    let mut os = OsRelease::default();
    for (k, v) in pairs(text) {
        match k {
            "ID" => os.id = v.trim().to_ascii_lowercase(),
            "VERSION_ID" => os.version_id = non_empty(v),
            "VERSION_CODENAME" => os.codename = non_empty(v),
            "PRETTY_NAME" => os.pretty_name = non_empty(v),
            "ID_LIKE" => os.id_like = v.split_whitespace().map(str::to_ascii_lowercase).collect(),
            _ => {}
        }
    }
    (!os.id.is_empty()).then_some(os)
}

fn parse_lsb_release(text: &str) -> Option<OsRelease> {
    let mut os = OsRelease::default();
    for (k, v) in pairs(text) {
        match k {
            "DISTRIB_ID" => os.id = v.trim().to_ascii_lowercase(),
            "DISTRIB_RELEASE" => os.version_id = non_empty(v),
            "DISTRIB_CODENAME" => os.codename = non_empty(v),
            "DISTRIB_DESCRIPTION" => os.pretty_name = non_empty(v),
            _ => {}
        }
    }
    (!os.id.is_empty()).then_some(os)
}

/// `10.8` → debian 10.8; `buster/sid` → debian, codename buster, no version.
fn parse_debian_version(text: &str) -> Option<OsRelease> {
    let line = first_line(text)?;
    let mut os = OsRelease {
        id: "debian".into(),
        ..OsRelease::default()
    };
    if line.starts_with(|c: char| c.is_ascii_digit()) {
        os.version_id = Some(line.to_owned());
    } else if let Some((codename, _)) = line.split_once('/') {
        os.codename = Some(codename.to_owned());
    }
    Some(os)
}

/// `<Name> release <version> (<codename>)` of the Red Hat family.
fn parse_redhat_release(text: &str) -> Option<OsRelease> {
    let line = first_line(text)?;
    let (name, rest) = line.split_once(" release ")?;
    let version = rest.split_whitespace().next()?;
    let lower = name.to_ascii_lowercase();
    let id = [
        ("red hat", "rhel"),
        ("centos", "centos"),
        ("almalinux", "almalinux"),
        ("rocky", "rocky"),
        ("fedora", "fedora"),
        ("oracle", "ol"),
        ("scientific", "scientific"),
        ("amazon", "amzn"),
    ]
    .iter()
    .find(|(k, _)| lower.starts_with(k))
    .map(|(_, id)| *id)?;
    let codename = rest
        .split_once('(')
        .and_then(|(_, c)| c.split_once(')'))
        .map(|(c, _)| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    Some(OsRelease {
        id: id.into(),
        version_id: Some(version.to_owned()),
        codename,
        pretty_name: Some(line.to_owned()),
        id_like: Vec::new(),
    })
}

/// `cpe:/o:<vendor>:<product>:<version>[:...]` (`cpe:/o:centos:linux:6:GA`).
fn parse_cpe(text: &str) -> Option<OsRelease> {
    let line = first_line(text)?;
    let rest = line
        .strip_prefix("cpe:/o:")
        .or_else(|| line.strip_prefix("cpe:2.3:o:"))?;
    let mut fields = rest.split(':');
    let vendor = fields.next()?.to_ascii_lowercase();
    let id = match vendor.as_str() {
        "redhat" => "rhel",
        "centos" => "centos",
        "fedoraproject" => "fedora",
        "oracle" => "ol",
        "amazon" => "amzn",
        "almalinux" => "almalinux",
        "rocky" => "rocky",
        "scientificlinux" | "fermilab" => "scientific",
        _ => return None,
    };
    let version = fields.find(|f| f.starts_with(|c: char| c.is_ascii_digit()));
    Some(OsRelease {
        id: id.into(),
        version_id: version.map(str::to_owned),
        ..OsRelease::default()
    })
}
