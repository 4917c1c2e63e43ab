//! Go: `go.mod` and the build info embedded in Go binaries.
//!
//! Traps:
//! - `go.mod` `require` lines ending in `// indirect` are transitive, the others direct.
//!   `replace old [v] => new [v]` swaps the module (only that version when one is given);
//!   a replacement by a local directory (`./x`, `../x`, `/x`) is not a published module
//!   and drops the package.
//! - The Go toolchain is reported as package `stdlib` (ecosystem `Go`), as osv-scanner
//!   does, from `toolchain go1.21.3`, else the `go` directive, else the binary's Go
//!   version (`go1.21.3` → `1.21.3`).
//! - Binaries: the `\xff Go buildinf:` header is followed, since Go 1.18 (flag bit 0x2),
//!   by two varint-length strings: the Go version and the module info, whose 16-byte
//!   sentinels are stripped. Binaries from Go < 1.18 (pointer format) are not read: a
//!   warning says so. The main module's `(devel)` version is not a version.

use std::collections::HashMap;

use scry_core::{DependencyKind, EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, text};
use crate::lang::rust::{is_binary, maybe_binary};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple("go-mod", |p| file_name(p) == "go.mod", parse_go_mod),
        simple("go-binary", maybe_binary, parse_go_binary),
    ]
}

fn strip_comment(line: &str) -> (&str, bool) {
    match line.find("//") {
        Some(i) => (line[..i].trim(), line[i + 2..].trim() == "indirect"),
        None => (line.trim(), false),
    }
}

fn unquote(s: &str) -> &str {
    s.trim_matches('"').trim_matches('`')
}

fn is_local(path: &str) -> bool {
    path.starts_with("./") || path.starts_with("../") || path.starts_with('/') || path == "."
}

struct Replace {
    old_version: Option<String>,
    new_path: String,
    new_version: Option<String>,
}

fn parse_go_mod(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let mut c = Collector::new(path, EcosystemKind::Go, PackageManager::Gomod, limits);
    let mut requires: Vec<(String, String, bool)> = Vec::new();
    let mut replaces: HashMap<String, Vec<Replace>> = HashMap::new();
    let mut go_version = None;
    let mut toolchain = None;
    let mut block: Option<String> = None;
    let mut saw_directive = false;
    for (n, raw) in s.lines().enumerate() {
        let (line, indirect) = strip_comment(raw);
        if line.is_empty() {
            continue;
        }
        let (verb, rest) = if let Some(b) = &block {
            if line == ")" {
                block = None;
                continue;
            }
            (b.clone(), line)
        } else {
            let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
            let rest = rest.trim();
            if rest == "(" {
                block = Some(verb.to_owned());
                saw_directive = true;
                continue;
            }
            (verb.to_owned(), rest)
        };
        match verb.as_str() {
            "module" => saw_directive = true,
            "go" => {
                saw_directive = true;
                go_version = Some(rest.to_owned());
            }
            "toolchain" => toolchain = Some(rest.trim_start_matches("go").to_owned()),
            "require" => {
                saw_directive = true;
                let mut parts = rest.split_whitespace();
                match (parts.next(), parts.next()) {
                    (Some(m), Some(v)) => {
                        requires.push((unquote(m).to_owned(), unquote(v).to_owned(), indirect));
                    }
                    _ => c.warn(format!("line {}: malformed require `{rest}`", n + 1)),
                }
            }
            "replace" => {
                let Some((old, new)) = rest.split_once("=>") else {
                    c.warn(format!("line {}: malformed replace `{rest}`", n + 1));
                    continue;
                };
                let mut o = old.split_whitespace();
                let mut w = new.split_whitespace();
                let (Some(old_path), Some(new_path)) = (o.next(), w.next()) else {
                    c.warn(format!("line {}: malformed replace `{rest}`", n + 1));
                    continue;
                };
                replaces
                    .entry(unquote(old_path).to_owned())
                    .or_default()
                    .push(Replace {
                        old_version: o.next().map(|v| unquote(v).to_owned()),
                        new_path: unquote(new_path).to_owned(),
                        new_version: w.next().map(|v| unquote(v).to_owned()),
                    });
            }
            "exclude" | "retract" | "godebug" | "tool" | "ignore" => saw_directive = true,
            _ => c.warn(format!("line {}: unknown directive `{verb}`", n + 1)),
        }
    }
    if !saw_directive && !s.trim().is_empty() {
        return Err(CatalogError::new(
            path,
            "not a go.mod: no `module`, `go` or `require`",
        ));
    }
    for (module, version, indirect) in requires {
        let kind = Some(if indirect {
            DependencyKind::Transitive
        } else {
            DependencyKind::Direct
        });
        let rep = replaces.get(&module).and_then(|rs| {
            rs.iter()
                .find(|r| r.old_version.as_deref() == Some(version.as_str()))
                .or_else(|| rs.iter().find(|r| r.old_version.is_none()))
        });
        match rep {
            Some(r) if is_local(&r.new_path) => {}
            Some(r) => {
                let v = r.new_version.clone().unwrap_or(version);
                c.add(&r.new_path, &v, kind);
            }
            None => {
                c.add(&module, &version, kind);
            }
        }
    }
    if let Some(v) = toolchain.or(go_version) {
        // `go1.23.6-xyz` / `+auto` suffixes name a custom build of that release.
        let v = v.split(['-', '+']).next().unwrap_or(&v);
        c.add("stdlib", v, None);
    }
    Ok(c.finish())
}

const MAGIC: &[u8] = b"\xff Go buildinf:";

/// Reads a uvarint; returns (value, bytes used).
fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x: u64 = 0;
    for (i, &byte) in b.iter().enumerate().take(10) {
        x |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

fn varint_string(b: &[u8]) -> Option<(&[u8], usize)> {
    let (len, used) = uvarint(b)?;
    let len = usize::try_from(len).ok()?;
    let end = used.checked_add(len)?;
    Some((b.get(used..end)?, end))
}

fn parse_go_binary(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    if !is_binary(bytes) {
        return Ok(Found::default());
    }
    let Some(at) = bytes.windows(MAGIC.len()).position(|w| w == MAGIC) else {
        return Ok(Found::default());
    };
    let mut c = Collector::new(path, EcosystemKind::Go, PackageManager::Gobinary, limits);
    let header = &bytes[at..];
    let flags = header.get(15).copied().unwrap_or(0);
    if flags & 0x2 == 0 {
        c.warn("Go build info in the pre-1.18 pointer format: not read");
        return Ok(c.finish());
    }
    let body = header.get(32..).unwrap_or(&[]);
    let bad = || CatalogError::new(path, "Go build info: truncated strings");
    let (version, used) = varint_string(body).ok_or_else(bad)?;
    let (modinfo, _) = varint_string(&body[used..]).ok_or_else(bad)?;
    let version = String::from_utf8_lossy(version);
    let modinfo = if modinfo.len() >= 33 {
        &modinfo[16..modinfo.len() - 16]
    } else {
        modinfo
    };
    let modinfo = String::from_utf8_lossy(modinfo);
    // (path, version) of each dep; `=>` replaces the previous one.
    let mut deps: Vec<(String, String, Option<DependencyKind>)> = Vec::new();
    // The main module of a `(devel)` build: its version may be set with
    // `-ldflags "-X main.version=v1.0.0"` (as trivy reads it).
    let mut main_devel = None;
    let mut ldflags_version = None;
    for line in modinfo.lines() {
        if let Some(p) = line.strip_prefix("mod\t")
            && let Some((p, v)) = p.split_once('\t')
            && v.trim_end_matches('\t') == "(devel)"
        {
            main_devel = Some(p.to_owned());
        }
        if let Some(flags) = line.strip_prefix("build\t-ldflags=") {
            let flags = flags.trim_matches('"');
            let mut it = flags.split_whitespace();
            while let Some(w) = it.next() {
                let kv = if w == "-X" {
                    it.next().unwrap_or("")
                } else {
                    w.strip_prefix("-X=").unwrap_or("")
                };
                if let Some((k, v)) = kv.split_once('=')
                    && matches!(
                        k.rsplit('.').next().unwrap_or(""),
                        "version" | "Version" | "appVersion" | "gitVersion"
                    )
                    && (k.starts_with("main.") || k.contains("/version."))
                    && !v.is_empty()
                {
                    ldflags_version = Some(v.trim_matches('\'').to_owned());
                }
            }
        }
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["mod", p, v, ..] if *v != "(devel)" && !v.is_empty() => {
                deps.push(((*p).to_owned(), (*v).to_owned(), None));
            }
            // Build info does not tell direct from transitive.
            ["dep", p, v, ..] => deps.push(((*p).to_owned(), (*v).to_owned(), None)),
            ["=>", p, v, ..] => {
                if let Some(last) = deps.last_mut() {
                    last.0 = (*p).to_owned();
                    last.1 = (*v).to_owned();
                }
            }
            // A local directory: not a published module.
            ["=>", p] if is_local(p) => {
                deps.pop();
            }
            _ => {}
        }
    }
    if let (Some(p), Some(v)) = (main_devel, ldflags_version) {
        deps.insert(0, (p, v, None));
    }
    for (p, v, kind) in deps {
        c.add(&p, &v, kind);
    }
    let go = version.split_whitespace().next().unwrap_or("");
    if let Some(v) = go
        .strip_prefix("go")
        .filter(|v| v.starts_with(|ch: char| ch.is_ascii_digit()))
    {
        c.add("stdlib", v, None);
    }
    Ok(c.finish())
}
