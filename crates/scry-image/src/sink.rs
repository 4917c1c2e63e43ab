//! Where the walkers hand files: asks the catalogers, reads bounded, collects.

use std::io::Read;

use scry_catalog::{CatalogError, Cataloger, Found, Limits, SCAN_CHUNK, Scan, Scanned};
use scry_core::{Inventory, OsRelease, Package, Target, TargetKind};

use crate::Options;

pub(crate) struct Sink<'a> {
    catalogers: &'a [Box<dyn Cataloger>],
    limits: Limits,
    packages: Vec<Package>,
    /// Every OS release seen, with the priority of the file it came from
    /// (`scry_catalog::os::release::priority`); settled once at the end.
    os: Vec<(u8, OsRelease)>,
    warnings: Vec<String>,
    /// Files handed to a cataloger.
    pub(crate) files_read: u64,
    /// The chunk buffer of [`Sink::stream`], reused.
    chunk: Vec<u8>,
}

/// Streaming readers for one file fed under several paths: (path index, cataloger
/// index, reader).
pub(crate) type Scanners = Vec<(usize, usize, Box<dyn Scan>)>;

/// What [`Sink::stream`] did with a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Streamed {
    /// Its catalogers had their say (or it was too large, with a warning).
    Done,
    /// A cataloger needs the whole file: read it again with [`Sink::read`] and
    /// [`Sink::feed`] it. Nothing was recorded for it yet.
    NeedWhole,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(catalogers: &'a [Box<dyn Cataloger>], opts: &Options) -> Self {
        Self {
            catalogers,
            limits: opts.limits,
            packages: Vec::new(),
            os: Vec::new(),
            warnings: Vec::new(),
            files_read: 0,
            chunk: Vec::new(),
        }
    }

    /// The streaming readers for `path`, when every cataloger that wants it has one
    /// (binaries: only their build info matters); `None` when one needs the whole file.
    pub(crate) fn scanners(&self, path: &str) -> Option<Vec<(usize, Box<dyn Scan>)>> {
        let mut out = Vec::new();
        for (i, c) in self.catalogers.iter().enumerate() {
            if c.wants(path) {
                out.push((i, c.scan()?));
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// Hands `path` (announced `size` bytes, read from `r`) to `scanners` chunk by
    /// chunk, keeping none of it, and records their verdicts. Stops reading once every
    /// scanner has seen enough (the caller drains the rest when it must).
    ///
    /// # Errors
    /// The reader's own error (the stream is damaged).
    pub(crate) fn stream(
        &mut self,
        path: &str,
        layer: Option<&str>,
        input: &str,
        size: u64,
        r: &mut dyn Read,
        scanners: Vec<(usize, Box<dyn Scan>)>,
    ) -> std::io::Result<Streamed> {
        let scanners = scanners.into_iter().map(|(i, s)| (0, i, s)).collect();
        self.stream_as(&[path], layer, input, size, r, scanners)
    }

    /// [`Sink::stream`] for one file seen under several `paths` (links to it), with
    /// `(path index, cataloger index, scanner)` triples.
    ///
    /// # Errors
    /// The reader's own error (the stream is damaged).
    pub(crate) fn stream_as(
        &mut self,
        paths: &[&str],
        layer: Option<&str>,
        input: &str,
        size: u64,
        r: &mut dyn Read,
        mut scanners: Scanners,
    ) -> std::io::Result<Streamed> {
        let path = paths.join(", ");
        let max = self.limits.max_file_bytes;
        if size > max {
            self.warn(format!(
                "{input}: {path}: {size} bytes exceeds the per-file limit of {max}; not read"
            ));
            return Ok(Streamed::Done);
        }
        let mut chunk = std::mem::take(&mut self.chunk);
        chunk.resize(4 * SCAN_CHUNK, 0);
        let mut active: Vec<bool> = vec![true; scanners.len()];
        let mut total = 0u64;
        let result = loop {
            let n = match fill(r, &mut chunk) {
                Ok(n) => n,
                Err(e) => break Err(e),
            };
            total += n as u64;
            if total > max {
                self.warn(format!(
                    "{input}: {path}: more than the per-file limit of {max} bytes; not read"
                ));
                break Ok(None);
            }
            if n == 0 {
                break Ok(Some(()));
            }
            for ((_, _, s), on) in scanners.iter_mut().zip(active.iter_mut()) {
                if *on {
                    *on = s.update(&chunk[..n]);
                }
            }
            if n < chunk.len() || !active.contains(&true) {
                break Ok(Some(()));
            }
        };
        self.chunk = chunk;
        if result?.is_none() {
            return Ok(Streamed::Done);
        }
        let mut verdicts = Vec::with_capacity(scanners.len());
        for (p, i, s) in scanners {
            let Some(&p) = paths.get(p) else { continue };
            match s.finish(p, &self.limits) {
                Scanned::Found(found) => verdicts.push((p, i, found)),
                Scanned::NeedWhole => return Ok(Streamed::NeedWhole),
            }
        }
        self.files_read += paths.len() as u64;
        for (p, i, found) in verdicts {
            self.absorb(i, p, layer, found);
        }
        Ok(Streamed::Done)
    }

    /// Whether any cataloger reads `path`.
    pub(crate) fn wants(&self, path: &str) -> bool {
        !path.is_empty() && self.catalogers.iter().any(|c| c.wants(path))
    }

    pub(crate) fn warn(&mut self, w: String) {
        self.warnings.push(w);
    }

    pub(crate) fn max_file_bytes(&self) -> u64 {
        self.limits.max_file_bytes
    }

    /// Reads one file of `size` bytes (as announced) for `path` from `r`, bounded by
    /// `max_file_bytes`. `None` (with a warning naming the file) when it is larger.
    /// `input` names where the file lives (the layer, the zip) in warnings.
    ///
    /// # Errors
    /// The reader's own error (the stream is damaged).
    pub(crate) fn read(
        &mut self,
        path: &str,
        input: &str,
        size: u64,
        r: &mut dyn Read,
    ) -> std::io::Result<Option<Vec<u8>>> {
        let max = self.limits.max_file_bytes;
        if size > max {
            self.warn(format!(
                "{input}: {path}: {size} bytes exceeds the per-file limit of {max}; not read"
            ));
            return Ok(None);
        }
        let cap = usize::try_from(size.min(64 << 20)).unwrap_or(0);
        let mut buf = Vec::with_capacity(cap);
        r.take(max + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > max {
            self.warn(format!(
                "{input}: {path}: more than the per-file limit of {max} bytes; not read"
            ));
            return Ok(None);
        }
        Ok(Some(buf))
    }

    /// Hands `bytes` (the content of `path`) to every cataloger that wants `path`.
    pub(crate) fn feed(&mut self, path: &str, layer: Option<&str>, bytes: &[u8]) {
        self.files_read += 1;
        for (i, c) in self.catalogers.iter().enumerate() {
            if c.wants(path) {
                let found = c.parse(path, bytes, &self.limits);
                self.absorb(i, path, layer, found);
            }
        }
    }

    /// Records what cataloger `i` found in `path`.
    fn absorb(
        &mut self,
        i: usize,
        path: &str,
        layer: Option<&str>,
        found: Result<Found, CatalogError>,
    ) {
        let Some(c) = self.catalogers.get(i) else {
            return;
        };
        match found {
            Ok(found) => {
                for mut p in found.packages {
                    if p.path.is_empty() {
                        path.clone_into(&mut p.path);
                    } else if let Some(rel) = p.path.strip_prefix('/') {
                        p.path = rel.to_owned();
                    }
                    if p.layer.is_none() {
                        p.layer = layer.map(str::to_owned);
                    }
                    self.packages.push(p);
                }
                for w in found.warnings {
                    self.warnings.push(format!("{}: {w}", c.name()));
                }
                if let Some(os) = found.os {
                    let priority = scry_catalog::os::release::priority(path).unwrap_or(0);
                    self.os.push((priority, os));
                }
            }
            Err(e) => self.warnings.push(format!("{}: {e}", c.name())),
        }
    }

    pub(crate) fn into_inventory(
        self,
        kind: TargetKind,
        name: String,
        digest: Option<String>,
    ) -> Inventory {
        // The highest-priority file wins; lower ones of the same ID fill its gaps
        // (an `etc/os-release` without VERSION_ID and an `etc/debian_version`).
        let os = scry_catalog::os::release::best_os(self.os);
        let mut packages = self.packages;
        scry_catalog::finish(os.as_ref(), &mut packages);
        Inventory {
            target: Target { kind, name, digest },
            os,
            packages,
            dependencies: Vec::new(),
            warnings: self.warnings,
        }
    }
}

/// Reads from `r` until `buf` is full or the input ends; returns the bytes read.
fn fill(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
