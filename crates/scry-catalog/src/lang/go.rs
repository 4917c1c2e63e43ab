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
//!   sentinels are stripped. Before 1.18 the header holds two pointers to Go string
//!   headers, resolved through the binary's sections (ELF, PE, Mach-O). The main
//!   module's `(devel)` version is not a version.
//! - Binaries are big, and the build info is a few KiB: the cataloger streams
//!   ([`Cataloger::scan`](crate::Cataloger::scan)), keeping only the bytes from the first
//!   header on until both strings are complete. Only the pre-1.18 pointer format, which
//!   needs the sections, asks for the whole file.

use std::collections::HashMap;

use object::{Object, ObjectSection};
use scry_core::{DependencyKind, EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, streaming, text};
use crate::lang::rust::{Seeker, is_binary, maybe_binary};
use crate::{CatalogError, Cataloger, Found, Limits, Scan, Scanned};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![
        simple("go-mod", |p| file_name(p) == "go.mod", parse_go_mod),
        streaming("go-binary", maybe_binary, parse_go_binary, GoScan::boxed),
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

/// The version and module-info strings of a pre-1.18 build info header: two pointers
/// (`header[14]` bytes wide, big-endian when `header[15] & 1`) to Go string headers
/// (data pointer, length), read through `read_at(address, length)`.
fn pointer_strings<'d>(
    header: &[u8],
    read_at: impl Fn(u64, usize) -> Option<&'d [u8]>,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let size = usize::from(*header.get(14)?);
    let big = header.get(15)? & 1 == 1;
    if size != 4 && size != 8 {
        return None;
    }
    let word = |b: &[u8]| -> Option<u64> {
        let b = b.get(..size)?;
        let mut x: u64 = 0;
        for i in 0..size {
            let byte = if big { b[i] } else { b[size - 1 - i] };
            x = (x << 8) | u64::from(byte);
        }
        Some(x)
    };
    let string_at = |ptr: u64| -> Option<Vec<u8>> {
        let hdr = read_at(ptr, 2 * size)?;
        let data = word(hdr)?;
        let len = usize::try_from(word(hdr.get(size..)?)?).ok()?;
        if len > 16 * 1024 * 1024 {
            return None;
        }
        if len == 0 {
            return Some(Vec::new());
        }
        Some(read_at(data, len)?.to_vec())
    };
    let version = string_at(word(header.get(16..)?)?)?;
    let modinfo = string_at(word(header.get(16 + size..)?)?)?;
    Some((version, modinfo))
}

/// Whether a build info header (from the magic on) uses the inline format (Go >= 1.18).
fn inline_format(header: &[u8]) -> bool {
    header.get(15).copied().unwrap_or(0) & 0x2 != 0
}

/// The length of an inline-format header with both strings, once `header` holds it all.
fn inline_len(header: &[u8]) -> Option<usize> {
    let body = header.get(32..)?;
    let (len, used) = uvarint(body)?;
    let end = used.checked_add(usize::try_from(len).ok()?)?;
    let (len2, used2) = uvarint(body.get(end..)?)?;
    let end = end
        .checked_add(used2)?
        .checked_add(usize::try_from(len2).ok()?)?;
    (body.len() >= end).then_some(32 + end)
}

/// The packages of an inline-format header (Go >= 1.18).
fn parse_inline(path: &str, header: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let c = Collector::new(path, EcosystemKind::Go, PackageManager::Gobinary, limits);
    let body = header.get(32..).unwrap_or(&[]);
    let bad = || CatalogError::new(path, "Go build info: truncated strings");
    let (version, used) = varint_string(body).ok_or_else(bad)?;
    let (modinfo, _) = varint_string(&body[used..]).ok_or_else(bad)?;
    Ok(go_packages(c, version, modinfo))
}

fn parse_go_binary(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    if !is_binary(bytes) {
        return Ok(Found::default());
    }
    let Some(at) = memchr::memmem::find(bytes, MAGIC) else {
        return Ok(Found::default());
    };
    let header = &bytes[at..];
    if inline_format(header) {
        return parse_inline(path, header, limits);
    }
    let mut c = Collector::new(path, EcosystemKind::Go, PackageManager::Gobinary, limits);
    // Go < 1.18: pointers to string headers, resolved through the sections.
    let Ok(file) = object::File::parse(bytes) else {
        c.warn("Go build info in the pointer format, but the binary's sections are unreadable");
        return Ok(c.finish());
    };
    let sections: Vec<(u64, &[u8])> = file
        .sections()
        .filter_map(|s| Some((s.address(), s.data().ok()?)))
        .filter(|(_, d)| !d.is_empty())
        .collect();
    let read_at = |addr: u64, len: usize| -> Option<&[u8]> {
        sections.iter().find_map(|&(start, data)| {
            let off = usize::try_from(addr.checked_sub(start)?).ok()?;
            data.get(off..off.checked_add(len)?)
        })
    };
    let Some((version, modinfo)) = pointer_strings(header, read_at) else {
        c.warn("Go build info in the pointer format: pointers lead nowhere");
        return Ok(c.finish());
    };
    Ok(go_packages(c, &version, &modinfo))
}

/// The streaming side of `go-binary`: keeps the bytes from the first build info header
/// on, until its two strings are complete.
struct GoScan {
    started: bool,
    seeker: Seeker,
    /// From the magic on, once met.
    header: Option<Vec<u8>>,
    done: bool,
}

impl GoScan {
    fn boxed() -> Box<dyn Scan> {
        Box::new(Self {
            started: false,
            seeker: Seeker::new(MAGIC),
            header: None,
            done: false,
        })
    }
}

impl Scan for GoScan {
    fn update(&mut self, chunk: &[u8]) -> bool {
        if self.done {
            return false;
        }
        if !self.started {
            self.started = true;
            if !is_binary(chunk) {
                self.done = true;
                return false;
            }
        }
        let header = match &mut self.header {
            Some(h) => {
                h.extend_from_slice(chunk);
                h
            }
            None => match self.seeker.feed(chunk) {
                Some(h) => self.header.insert(h),
                None => return true,
            },
        };
        if header.len() < 16 {
            return true;
        }
        if !inline_format(header) {
            // The pointer format: `finish` asks for the whole file.
            self.done = true;
            return false;
        }
        if let Some(n) = inline_len(header) {
            header.truncate(n);
            self.done = true;
            return false;
        }
        true
    }

    fn finish(self: Box<Self>, path: &str, limits: &Limits) -> Scanned {
        match &self.header {
            None => Scanned::Found(Ok(Found::default())),
            Some(h) if inline_format(h) => Scanned::Found(parse_inline(path, h, limits)),
            Some(_) => Scanned::NeedWhole,
        }
    }
}

/// The packages named by the Go version and module info strings of a build info.
fn go_packages(mut c: Collector<'_>, version: &[u8], modinfo: &[u8]) -> Found {
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
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pre-1.18 header (8-byte little-endian pointers) over a fake address space.
    #[test]
    fn pointer_format() {
        let mut header = b"\xff Go buildinf:".to_vec();
        header.push(8);
        header.push(0);
        header.extend_from_slice(&0x1000u64.to_le_bytes());
        header.extend_from_slice(&0x1010u64.to_le_bytes());
        let mut mem = vec![0u8; 0x200];
        mem[0..8].copy_from_slice(&0x1100u64.to_le_bytes());
        mem[8..16].copy_from_slice(&8u64.to_le_bytes());
        mem[0x10..0x18].copy_from_slice(&0x1180u64.to_le_bytes());
        mem[0x18..0x20].copy_from_slice(&3u64.to_le_bytes());
        mem[0x100..0x108].copy_from_slice(b"go1.16.5");
        mem[0x180..0x183].copy_from_slice(b"mod");
        let read_at = |addr: u64, len: usize| -> Option<&[u8]> {
            let off = usize::try_from(addr.checked_sub(0x1000)?).ok()?;
            mem.get(off..off + len)
        };
        let (v, m) = pointer_strings(&header, read_at).expect("reads");
        assert_eq!(v, b"go1.16.5");
        assert_eq!(m, b"mod");
        let nowhere = |_: u64, _: usize| -> Option<&[u8]> { None };
        assert!(pointer_strings(&header, nowhere).is_none());
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    /// A fake binary with an inline (Go >= 1.18) build info header.
    fn binary() -> Vec<u8> {
        let mut b = b"\x7fELF".to_vec();
        b.resize(100, 0);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&[8, 2]);
        b.resize(100 + 32, 0);
        let version = b"go1.22.1";
        let mut modinfo = vec![b'x'; 16];
        modinfo.extend_from_slice(b"mod\tex.com/m\t(devel)\t\ndep\tgithub.com/a/b\tv1.2.3\th1:x\n");
        modinfo.extend_from_slice(&[b'y'; 16]);
        for s in [&version[..], &modinfo[..]] {
            b.push(u8::try_from(s.len()).expect("short"));
            b.extend_from_slice(s);
        }
        b.extend_from_slice(&[0; 50]);
        b
    }

    /// Streamed in two chunks split anywhere after the magic bytes, the verdict is what
    /// `parse` says of the whole file.
    #[test]
    fn streaming_matches_parse() {
        let b = binary();
        let limits = Limits::default();
        let whole = parse_go_binary("bin", &b, &limits).expect("parses");
        let names = |f: &Found| {
            f.packages
                .iter()
                .map(|p| format!("{}@{}", p.name, p.version))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&whole), ["github.com/a/b@v1.2.3", "stdlib@1.22.1"]);
        for split in 4..b.len() {
            let mut s = GoScan::boxed();
            if s.update(&b[..split]) {
                s.update(&b[split..]);
            }
            match s.finish("bin", &limits) {
                Scanned::Found(Ok(f)) => assert_eq!(names(&f), names(&whole), "split {split}"),
                other => panic!("split {split}: {other:?}"),
            }
        }
    }
}
