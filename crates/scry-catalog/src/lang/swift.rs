//! SwiftURL: Swift Package Manager's `Package.resolved`.
//!
//! Traps:
//! - v1 nests the pins as `object.pins[]` with `repositoryURL`; v2 and v3 have top-level
//!   `pins[]` with `location` and a `kind`.
//! - OSV's SwiftURL advisories name a package by its Git URL without scheme and `.git`
//!   (`github.com/apple/swift-nio`), as trivy does; scp-style remotes
//!   (`git@github.com:apple/swift-nio.git`) and `ssh://` URLs name the same repository. The
//!   host is case-insensitive and lower-cased; the path's case is kept (GitHub advisories
//!   keep it).
//! - A pin on a branch or a bare revision has no `version`: it is skipped with a warning
//!   (trivy reports the branch name as the version, which no advisory range can place).
//! - `localSourceControl` and `fileSystem` pins are the developer's folders, and
//!   `registry` pins carry a registry identity (`scope.name`), not a URL: neither is a
//!   SwiftURL package, so they are skipped.

use serde_json::Value;

use scry_core::{EcosystemKind, PackageManager};

use super::{Collector, file_name, jstr, simple};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![simple(
        "swift-resolved",
        |p| file_name(p) == "Package.resolved",
        parse,
    )]
}

/// The SwiftURL package name of a repository URL; `None` when it is not a remote URL.
pub(crate) fn package_name(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = if let Some((scheme, rest)) = url.split_once("://") {
        if !matches!(
            scheme.to_ascii_lowercase().as_str(),
            "https" | "http" | "ssh" | "git" | "git+ssh"
        ) {
            return None;
        }
        // `user@` (or `user:password@`) before the host.
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let host = authority.rsplit('@').next().unwrap_or(authority);
        // A port is not part of the repository's name.
        let host = host.split(':').next().unwrap_or(host);
        format!("{host}/{path}")
    } else if let Some((user_host, path)) = url.split_once(':')
        && let Some((_, host)) = user_host.split_once('@')
    {
        // scp-like `git@host:owner/repo.git`.
        format!("{host}/{path}")
    } else {
        return None;
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(&rest);
    let rest = rest.trim_end_matches('/');
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let (host, path) = rest.split_once('/')?;
    let path = path.trim_matches('/');
    if host.is_empty() || path.is_empty() || path.contains("..") {
        return None;
    }
    Some(format!("{}/{path}", host.to_ascii_lowercase()))
}

fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let doc = super::json(path, bytes)?;
    if !doc.is_object() {
        return Err(CatalogError::new(path, "not a JSON object"));
    }
    let lock_version = doc.get("version").and_then(Value::as_u64).unwrap_or(1);
    let (pins, url_key) = if lock_version > 1 {
        (doc.get("pins"), "location")
    } else {
        (
            doc.get("object").and_then(|o| o.get("pins")),
            "repositoryURL",
        )
    };
    let mut c = Collector::new(path, EcosystemKind::SwiftUrl, PackageManager::Swift, limits);
    let Some(pins) = pins else {
        return Ok(c.finish());
    };
    let pins = pins.as_array().ok_or_else(|| {
        CatalogError::new(
            path,
            format!("version {lock_version}: `pins` is not an array"),
        )
    })?;
    for (i, pin) in pins.iter().enumerate() {
        let label = jstr(pin, "identity")
            .or_else(|| jstr(pin, "package"))
            .map_or_else(|| format!("pin {i}"), |n| format!("pin `{n}`"));
        if matches!(
            jstr(pin, "kind"),
            Some("localSourceControl" | "fileSystem" | "registry")
        ) {
            continue;
        }
        let Some(url) = jstr(pin, url_key) else {
            c.warn(format!("{label}: no `{url_key}`"));
            continue;
        };
        let Some(name) = package_name(url) else {
            c.warn(format!("{label}: `{url}` is not a remote repository URL"));
            continue;
        };
        let state = pin.get("state");
        let Some(version) = state.and_then(|s| jstr(s, "version")) else {
            let on = state
                .and_then(|s| jstr(s, "branch"))
                .map_or_else(|| "a revision".to_owned(), |b| format!("branch `{b}`"));
            c.warn(format!("{label}: pinned to {on}, no version"));
            continue;
        };
        c.add(&name, version, None);
    }
    Ok(c.finish())
}

#[cfg(test)]
mod tests {
    use super::package_name;

    #[test]
    fn names() {
        for (url, want) in [
            (
                "https://github.com/apple/swift-nio.git",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "https://github.com/apple/swift-nio",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "https://GitHub.com/Alamofire/Alamofire.git/",
                Some("github.com/Alamofire/Alamofire"),
            ),
            (
                "git@github.com:apple/swift-nio.git",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "ssh://git@gitlab.example.com:2222/team/lib.git",
                Some("gitlab.example.com/team/lib"),
            ),
            ("/Users/me/lib", None),
            ("file:///Users/me/lib", None),
            ("https://github.com", None),
            ("https://example.com/../etc", None),
        ] {
            assert_eq!(package_name(url).as_deref(), want, "{url}");
        }
    }
}
