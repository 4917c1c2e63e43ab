//! Paths inside a target: `/`-separated, relative to the root, no leading `/`, no `.`
//! or `..` components. Symlinks resolve inside the root as in a container (`..` stops
//! at the root, absolute targets start at it).

/// Normalises an archive entry name (`./a//b/../c` -> `a/c`, `/etc/x` -> `etc/x`).
/// `None` when a `..` would climb above the root.
pub(crate) fn normalize(name: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            c => out.push(c),
        }
    }
    Some(out.join("/"))
}

/// The parent folder of a normalised path (`""` for a top-level name).
pub(crate) fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The last component of a normalised path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rfind('/').map_or(path, |i| &path[i + 1..])
}

/// `a/b` + `c` -> `a/b/c`.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The proper ancestors of a normalised path, nearest the root first (`a`, `a/b` for `a/b/c`).
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// Why a path could not be resolved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ResolveError {
    /// More than the allowed number of symlinks (or a loop).
    TooManyHops(usize),
}

/// Resolves every symlink along `path` (the last component included) inside the root.
/// `link` answers the target of a symlink at a normalised path, `None` when the path is
/// not a symlink (or does not exist).
pub(crate) fn resolve(
    path: &str,
    max_hops: usize,
    mut link: impl FnMut(&str) -> Option<String>,
) -> Result<String, ResolveError> {
    let mut todo: Vec<String> = path.split('/').rev().map(str::to_owned).collect();
    let mut done: Vec<String> = Vec::new();
    let mut hops = 0;
    while let Some(c) = todo.pop() {
        match c.as_str() {
            "" | "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        done.push(c);
        let here = done.join("/");
        if let Some(target) = link(&here) {
            hops += 1;
            if hops > max_hops {
                return Err(ResolveError::TooManyHops(max_hops));
            }
            done.pop();
            if target.starts_with('/') {
                done.clear();
            }
            todo.extend(target.split('/').rev().map(str::to_owned));
        }
    }
    Ok(done.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("./a//b/../c").as_deref(), Some("a/c"));
        assert_eq!(
            normalize("/etc/os-release").as_deref(),
            Some("etc/os-release")
        );
        assert_eq!(normalize("a/../../b"), None);
        assert_eq!(normalize("./").as_deref(), Some(""));
    }

    #[test]
    fn resolves_inside_the_root() {
        let links = |p: &str| match p {
            "etc/os-release" => Some("../usr/lib/os-release".to_owned()),
            "lib" => Some("usr/lib".to_owned()),
            "up" => Some("../../../../etc".to_owned()),
            "loop" => Some("loop".to_owned()),
            _ => None,
        };
        assert_eq!(
            resolve("etc/os-release", 40, links).as_deref(),
            Ok("usr/lib/os-release")
        );
        assert_eq!(resolve("lib/x", 40, links).as_deref(), Ok("usr/lib/x"));
        assert_eq!(resolve("up/passwd", 40, links).as_deref(), Ok("etc/passwd"));
        assert_eq!(
            resolve("loop", 40, links),
            Err(ResolveError::TooManyHops(40))
        );
    }
}
