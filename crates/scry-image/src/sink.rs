//! Where the walkers hand files: asks the catalogers, reads bounded, collects.

use std::io::Read;

use scry_catalog::{Cataloger, Limits};
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
        }
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
        for c in self.catalogers {
            if !c.wants(path) {
                continue;
            }
            match c.parse(path, bytes, &self.limits) {
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
