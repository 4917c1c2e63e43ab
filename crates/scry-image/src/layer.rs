//! One pass over an image's layers, top-down, handing visible files to the sink.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;

use tar::EntryType;

use crate::meter::{Meter, drain};
use crate::overlay::{Kind, Overlay, Seen};
use crate::path;
use crate::sink::{Scanners, Sink, Streamed};
use crate::{ImageError, WalkLimits};

/// A wanted symlink: read its target's content under its own path.
struct Alias {
    path: String,
    layer: String,
    /// Where it pointed when met (resolved with what was known then).
    guess: Option<String>,
    done: bool,
}

/// Files to read again from one layer after the pass: entry name -> paths to feed it as.
pub(crate) type Refetch = BTreeMap<u32, HashMap<String, Vec<String>>>;

pub(crate) struct LayerWalk<'s, 'a> {
    pub(crate) overlay: Overlay,
    pub(crate) sink: &'s mut Sink<'a>,
    limits: WalkLimits,
    entries: u64,
    /// Uncompressed bytes so far, over all layers.
    pub(crate) total: u64,
    /// Lexical targets of wanted symlinks met before their file: target -> alias indexes.
    pending: HashMap<String, Vec<usize>>,
    aliases: Vec<Alias>,
    /// Wanted hard links: (rank, target, path, layer).
    hardlinks: Vec<(u32, String, String)>,
    /// The layer name (diff ID) by rank, for packages found in refetched files.
    layer_names: HashMap<u32, String>,
    /// Files a streaming cataloger needs whole (rare: a binary with a `.dep-v0`
    /// section), read again after the pass.
    whole: Refetch,
    /// The entries of `whole`, by rank: never streamed again.
    whole_names: HashSet<(u32, String)>,
    non_utf8: u64,
    buf: Vec<u8>,
}

impl<'s, 'a> LayerWalk<'s, 'a> {
    pub(crate) fn new(sink: &'s mut Sink<'a>, limits: WalkLimits) -> Self {
        Self {
            overlay: Overlay::default(),
            sink,
            limits,
            entries: 0,
            total: 0,
            pending: HashMap::new(),
            aliases: Vec::new(),
            hardlinks: Vec::new(),
            layer_names: HashMap::new(),
            whole: Refetch::new(),
            whole_names: HashSet::new(),
            non_utf8: 0,
            buf: vec![0; 256 * 1024],
        }
    }

    /// Walks one layer's tar. `rank` 0 is the topmost layer; `layer` is the name packages
    /// record (the diff ID).
    pub(crate) fn layer<R: Read>(
        &mut self,
        archive: &mut tar::Archive<R>,
        meter: &Meter,
        rank: u32,
        layer: &str,
    ) -> Result<(), ImageError> {
        self.layer_names.insert(rank, layer.to_owned());
        if self.overlay.root_hidden(rank) {
            return Ok(());
        }
        let input = meter.input.as_str();
        let mut entries = archive.entries().map_err(|e| meter.error(&e))?;
        let mut extra = 0;
        loop {
            meter.header_mode(extra);
            let next = entries.next();
            meter.data_mode();
            let mut entry = match next {
                None => break,
                Some(Err(e)) => return Err(meter.error(&e)),
                Some(Ok(e)) => e,
            };
            self.entries += 1;
            if self.entries > self.limits.max_entries {
                return Err(ImageError::Limit {
                    input: input.to_owned(),
                    what: "entries over all layers".into(),
                    limit: self.limits.max_entries,
                });
            }
            let kind = entry.header().entry_type();
            let sparse = kind.is_gnu_sparse();
            let skip = |entry: &mut tar::Entry<'_, R>, buf: &mut [u8]| -> Result<u64, ImageError> {
                if sparse {
                    // Reading a sparse entry expands its holes; let tar skip its stored bytes.
                    let raw = entry.header().entry_size().unwrap_or(0);
                    Ok(raw.saturating_add(511) & !511)
                } else {
                    drain(entry, buf).map_err(|e| meter.error(&e))?;
                    Ok(0)
                }
            };
            let name = match std::str::from_utf8(&entry.path_bytes()) {
                Ok(n) => path::normalize(n).ok_or_else(|| ImageError::UnsafePath {
                    input: input.to_owned(),
                    entry: n.to_owned(),
                })?,
                Err(_) => {
                    self.non_utf8 += 1;
                    extra = skip(&mut entry, &mut self.buf)?;
                    continue;
                }
            };
            if name.is_empty() || kind == EntryType::XGlobalHeader {
                extra = skip(&mut entry, &mut self.buf)?;
                continue;
            }
            if name.split('/').count() > self.limits.max_depth {
                return Err(ImageError::Limit {
                    input: input.to_owned(),
                    what: format!("depth of {name}"),
                    limit: self.limits.max_depth as u64,
                });
            }
            let base = path::file_name(&name);
            if let Some(rest) = base.strip_prefix(".wh.") {
                let dir = path::parent(&name);
                if rest == ".wh..opq" {
                    if dir.is_empty() || self.overlay.check(dir, rank) == Seen::Visible {
                        self.overlay.make_opaque(dir, rank);
                    }
                } else {
                    let gone = path::join(dir, rest);
                    if self.overlay.check(&gone, rank) == Seen::Visible {
                        self.overlay.occupy(&gone, rank, Kind::Gone);
                    }
                }
                extra = skip(&mut entry, &mut self.buf)?;
                continue;
            }
            match self.overlay.check(&name, rank) {
                Seen::Visible => {}
                Seen::Hidden => {
                    extra = skip(&mut entry, &mut self.buf)?;
                    continue;
                }
                Seen::Duplicate => {
                    self.sink.warn(format!(
                        "{input}: {name} appears twice; the first one is used"
                    ));
                    extra = skip(&mut entry, &mut self.buf)?;
                    continue;
                }
            }
            match kind {
                EntryType::Directory => self.overlay.occupy(&name, rank, Kind::Dir),
                EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
                    self.overlay.occupy(&name, rank, Kind::File);
                    let aliases = self.pending.remove(&name);
                    let wanted = self.sink.wants(&name);
                    if wanted || aliases.is_some() {
                        // The paths this content is fed as: its own, then links to it.
                        let mut paths: Vec<String> = Vec::new();
                        if wanted {
                            paths.push(name.clone());
                        }
                        for &i in aliases.iter().flatten() {
                            if let Some(a) = self.aliases.get(i) {
                                paths.push(a.path.clone());
                            }
                        }
                        let scanners = if sparse { None } else { self.scanners(&paths) };
                        if sparse {
                            self.sink
                                .warn(format!("{input}: {name} is a sparse entry; not read"));
                        } else if let Some(scanners) = scanners {
                            // Binaries: streamed through, never held.
                            let size = entry.size();
                            // As for a whole read: a link to a file too large is tried
                            // (and warned about) once more after the pass.
                            if size <= self.sink.max_file_bytes() {
                                for &i in aliases.iter().flatten() {
                                    if let Some(a) = self.aliases.get_mut(i) {
                                        a.done = true;
                                    }
                                }
                            }
                            let as_paths: Vec<&str> = paths.iter().map(String::as_str).collect();
                            let streamed = self
                                .sink
                                .stream_as(
                                    &as_paths,
                                    Some(layer),
                                    input,
                                    size,
                                    &mut entry,
                                    scanners,
                                )
                                .map_err(|e| meter.error(&e))?;
                            if streamed == Streamed::NeedWhole {
                                self.need_whole(rank, &name, paths);
                            }
                        } else {
                            let size = entry.size();
                            let bytes = self
                                .sink
                                .read(&name, input, size, &mut entry)
                                .map_err(|e| meter.error(&e))?;
                            if let Some(bytes) = bytes {
                                if wanted {
                                    self.sink.feed(&name, Some(layer), &bytes);
                                }
                                for i in aliases.unwrap_or_default() {
                                    if let Some(a) = self.aliases.get_mut(i) {
                                        a.done = true;
                                        // The content, and so its packages, came with
                                        // this layer (not the link's).
                                        let p = a.path.clone();
                                        self.sink.feed(&p, Some(layer), &bytes);
                                    }
                                }
                            }
                        }
                    }
                }
                EntryType::Symlink => {
                    let target = entry
                        .link_name_bytes()
                        .map(|t| String::from_utf8_lossy(&t).into_owned())
                        .unwrap_or_default();
                    self.overlay
                        .occupy(&name, rank, Kind::Symlink(target.into_boxed_str()));
                    if self.sink.wants(&name) {
                        let guess = path::resolve(&name, self.limits.max_symlink_hops, |p| {
                            self.overlay.link(p)
                        })
                        .ok();
                        let i = self.aliases.len();
                        if let Some(g) = &guess {
                            self.pending.entry(g.clone()).or_default().push(i);
                        }
                        self.aliases.push(Alias {
                            path: name.clone(),
                            layer: layer.to_owned(),
                            guess,
                            done: false,
                        });
                    }
                }
                EntryType::Link => {
                    let raw = entry
                        .link_name_bytes()
                        .map(|t| String::from_utf8_lossy(&t).into_owned())
                        .unwrap_or_default();
                    let target = path::normalize(&raw).ok_or_else(|| ImageError::UnsafePath {
                        input: input.to_owned(),
                        entry: format!("{name} -> {raw}"),
                    })?;
                    self.overlay.occupy(
                        &name,
                        rank,
                        Kind::Hardlink(target.clone().into_boxed_str()),
                    );
                    if self.sink.wants(&name) {
                        self.hardlinks.push((rank, target, name.clone()));
                    }
                }
                _ => self.overlay.occupy(&name, rank, Kind::Other),
            }
            extra = skip(&mut entry, &mut self.buf)?;
        }
        Ok(())
    }

    /// After every layer: settles wanted links. Returns the files to read again, by layer
    /// rank (targets met before their link, hard links).
    pub(crate) fn links(&mut self) -> Refetch {
        let mut out = std::mem::take(&mut self.whole);
        if self.non_utf8 > 0 {
            self.sink.warn(format!(
                "{} entries with names that are not UTF-8 were skipped",
                self.non_utf8
            ));
            self.non_utf8 = 0;
        }
        let hops = self.limits.max_symlink_hops;
        for a in std::mem::take(&mut self.aliases) {
            let target = match path::resolve(&a.path, hops, |p| self.overlay.link(p)) {
                Ok(t) => t,
                Err(_) => {
                    self.sink.warn(format!(
                        "{}: {}: more than {hops} symlinks (a loop?); not read",
                        a.layer, a.path
                    ));
                    continue;
                }
            };
            if a.done && a.guess.as_deref() == Some(target.as_str()) {
                continue;
            }
            match self.overlay.get(&target) {
                Some((Kind::File, rank)) => out
                    .entry(rank)
                    .or_default()
                    .entry(target)
                    .or_default()
                    .push(a.path),
                Some((Kind::Hardlink(t), rank)) => out
                    .entry(rank)
                    .or_default()
                    .entry(t.to_string())
                    .or_default()
                    .push(a.path),
                _ => self.sink.warn(format!(
                    "{}: {}: symlink to {target}, which is not a regular file in the image; not read",
                    a.layer, a.path
                )),
            }
        }
        for (rank, target, p) in std::mem::take(&mut self.hardlinks) {
            out.entry(rank)
                .or_default()
                .entry(target)
                .or_default()
                .push(p);
        }
        out
    }

    /// Schedules entry `name` of layer `rank` to be read again whole, fed as `paths`.
    fn need_whole(&mut self, rank: u32, name: &str, paths: Vec<String>) {
        self.whole_names.insert((rank, name.to_owned()));
        self.whole
            .entry(rank)
            .or_default()
            .entry(name.to_owned())
            .or_default()
            .extend(paths);
    }

    /// Streaming readers for one file fed as every one of `paths`, when each has them.
    fn scanners(&self, paths: &[String]) -> Option<Scanners> {
        let mut out = Vec::new();
        for (p, path) in paths.iter().enumerate() {
            for (i, s) in self.sink.scanners(path)? {
                out.push((p, i, s));
            }
        }
        Some(out)
    }

    /// Reads the entries named in `want` from layer `rank` (visible or not: a hard link
    /// reads its layer's copy) and feeds them; stops when all are found.
    pub(crate) fn refetch<R: Read>(
        &mut self,
        archive: &mut tar::Archive<R>,
        meter: &Meter,
        rank: u32,
        mut want: HashMap<String, Vec<String>>,
    ) -> Result<(), ImageError> {
        let input = meter.input.clone();
        let layer = self.layer_names.get(&rank).cloned();
        let mut entries = archive.entries().map_err(|e| meter.error(&e))?;
        let mut extra = 0;
        while !want.is_empty() {
            meter.header_mode(extra);
            extra = 0;
            let next = entries.next();
            meter.data_mode();
            let mut entry = match next {
                None => break,
                Some(Err(e)) => return Err(meter.error(&e)),
                Some(Ok(e)) => e,
            };
            let kind = entry.header().entry_type();
            let name = std::str::from_utf8(&entry.path_bytes())
                .ok()
                .and_then(path::normalize);
            let paths = match &name {
                Some(n) if matches!(kind, EntryType::Regular | EntryType::Continuous) => {
                    want.remove(n)
                }
                _ => None,
            };
            let scanners = match (&paths, &name) {
                (Some(paths), Some(n)) if !self.whole_names.contains(&(rank, n.clone())) => {
                    self.scanners(paths)
                }
                _ => None,
            };
            if let (Some(paths), Some(scanners)) = (&paths, scanners) {
                // Links to binaries: streamed through, like the binaries themselves.
                let size = entry.size();
                let as_paths: Vec<&str> = paths.iter().map(String::as_str).collect();
                let streamed = self
                    .sink
                    .stream_as(
                        &as_paths,
                        layer.as_deref(),
                        &input,
                        size,
                        &mut entry,
                        scanners,
                    )
                    .map_err(|e| meter.error(&e))?;
                if streamed == Streamed::NeedWhole
                    && let Some(n) = name
                {
                    self.need_whole(rank, &n, paths.clone());
                }
            } else if let Some(paths) = paths {
                let size = entry.size();
                let bytes = self
                    .sink
                    .read(&paths.join(", "), &input, size, &mut entry)
                    .map_err(|e| meter.error(&e))?;
                if let Some(bytes) = bytes {
                    for p in paths {
                        self.sink.feed(&p, layer.as_deref(), &bytes);
                    }
                }
            } else if kind.is_gnu_sparse() {
                let raw = entry.header().entry_size().unwrap_or(0);
                extra = raw.saturating_add(511) & !511;
                continue;
            }
            drain(&mut entry, &mut self.buf).map_err(|e| meter.error(&e))?;
        }
        for (target, paths) in want {
            self.sink.warn(format!(
                "{input}: {}: link to {target}, which is not a regular file of the layer; not read",
                paths.join(", ")
            ));
        }
        Ok(())
    }
}
