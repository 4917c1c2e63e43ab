//! Container images: OCI layout folders, `oci-archive` and `docker save` tars (plain, gzip
//! or zstd), an extracted `docker save` folder. Picks the platform, verifies digests,
//! streams the layers top-down through [`LayerWalk`].

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::layer::LayerWalk;
use crate::meter::{Compression, Decoder, Meter, Plain, Raw, digest_string, drain, sniff};
use crate::sink::Sink;
use crate::{ImageError, Options, WalkLimits, path};

/// An image platform, `os/arch[/variant]` (`linux/amd64`, `linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// The platform of this machine, in OCI spelling (`linux/amd64` here).
    #[must_use]
    pub fn host() -> Self {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            other => other,
        };
        Self {
            os: std::env::consts::OS.to_owned(),
            architecture: arch.to_owned(),
            variant: None,
        }
    }

    /// Whether an image for `other` runs here: same os and architecture, and the same
    /// variant when this one names one (`arm64` without a variant is `v8`).
    #[must_use]
    pub fn matches(&self, other: &Self) -> bool {
        let norm = |p: &Self| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_owned()),
            (_, v) => v.map(str::to_owned),
        };
        self.os == other.os
            && self.architecture == other.architecture
            && (self.variant.is_none() || norm(self) == norm(other))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [os, arch] | [os, arch, _] if !os.is_empty() && !arch.is_empty() => Ok(Self {
                os: (*os).to_owned(),
                architecture: (*arch).to_owned(),
                variant: parts
                    .get(2)
                    .filter(|v| !v.is_empty())
                    .map(|v| (*v).to_owned()),
            }),
            _ => Err(format!("platform {s:?}: expected os/arch[/variant]")),
        }
    }
}

/// Where the image's files are.
enum Store {
    Dir(PathBuf),
    /// An uncompressed tar: entry name -> (offset of its data, size).
    Tar {
        path: PathBuf,
        index: HashMap<String, (u64, u64)>,
    },
    /// A compressed tar: small entries kept, big ones streamed again on demand.
    Packed {
        path: PathBuf,
        cache: HashMap<String, Vec<u8>>,
        names: HashSet<String>,
    },
}

const SMALL: u64 = 1 << 20;

/// Counts the bytes read (seeks are free) and fails past `max` until reset.
struct HeaderBudget<R> {
    inner: R,
    used: std::rc::Rc<std::cell::Cell<u64>>,
    max: u64,
}

impl<R: Read> Read for HeaderBudget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.used.set(self.used.get() + n as u64);
        if self.used.get() > self.max {
            return Err(std::io::Error::other("tar extension header too large"));
        }
        Ok(n)
    }
}

impl<R: Seek> Seek for HeaderBudget<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

impl Store {
    fn open(p: &Path, limits: &WalkLimits) -> Result<Self, ImageError> {
        let meta = std::fs::metadata(p).map_err(|e| ImageError::io(p, e))?;
        if meta.is_dir() {
            return Ok(Self::Dir(p.to_owned()));
        }
        let input = p.display().to_string();
        let file = File::open(p).map_err(|e| ImageError::io(p, e))?;
        let mut buf = BufReader::new(file);
        let kind = sniff(&mut buf, &input)?;
        if kind == Compression::None {
            // The sniff buffered some bytes: start the tar from the file's beginning.
            let mut file = buf.into_inner();
            file.seek(SeekFrom::Start(0))
                .map_err(|e| ImageError::io(p, e))?;
            // Data is skipped by seeking, so every byte read is a header: bound them.
            let used = std::rc::Rc::new(std::cell::Cell::new(0u64));
            let max_header = limits.max_header_bytes.saturating_add(1024);
            let mut archive = tar::Archive::new(HeaderBudget {
                inner: file,
                used: used.clone(),
                max: max_header,
            });
            let mut index = HashMap::new();
            let entries = archive
                .entries_with_seek()
                .map_err(|e| corrupt(&input, &e))?;
            for e in entries {
                let e = e.map_err(|e| {
                    if used.get() > max_header {
                        ImageError::Limit {
                            input: input.clone(),
                            what: "tar extension header bytes".into(),
                            limit: limits.max_header_bytes,
                        }
                    } else {
                        corrupt(&input, &e)
                    }
                })?;
                used.set(0);
                if index.len() as u64 >= limits.max_entries {
                    return Err(ImageError::Limit {
                        input,
                        what: "entries in the archive".into(),
                        limit: limits.max_entries,
                    });
                }
                if !e.header().entry_type().is_file() {
                    continue;
                }
                if let Some(name) = std::str::from_utf8(&e.path_bytes())
                    .ok()
                    .and_then(path::normalize)
                {
                    index
                        .entry(name)
                        .or_insert((e.raw_file_position(), e.size()));
                }
            }
            return Ok(Self::Tar {
                path: p.to_owned(),
                index,
            });
        }
        let mut cache = HashMap::new();
        let mut names = HashSet::new();
        let mut cached = 0u64;
        packed_pass(p, limits, &mut |name, size, r| {
            names.insert(name.to_owned());
            if size <= SMALL && cached + size <= limits.max_metadata_bytes.saturating_mul(4) {
                let mut v = Vec::new();
                r.take(SMALL).read_to_end(&mut v)?;
                cached += v.len() as u64;
                cache.insert(name.to_owned(), v);
            }
            Ok(false)
        })?;
        Ok(Self::Packed {
            path: p.to_owned(),
            cache,
            names,
        })
    }

    fn has(&self, name: &str) -> bool {
        match self {
            Self::Dir(d) => d.join(name).is_file(),
            Self::Tar { index, .. } => index.contains_key(name),
            Self::Packed { names, .. } => names.contains(name),
        }
    }

    /// Hands `f` a reader over the file `name` of the image.
    fn with(
        &self,
        name: &str,
        limits: &WalkLimits,
        f: &mut dyn FnMut(&mut dyn Read) -> Result<(), ImageError>,
    ) -> Result<(), ImageError> {
        let missing = || ImageError::MissingBlob {
            input: self.path().display().to_string(),
            name: name.to_owned(),
        };
        match self {
            Self::Dir(d) => {
                let p = d.join(name);
                let mut file = match File::open(&p) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
                    Err(e) => return Err(ImageError::io(&p, e)),
                };
                f(&mut file)
            }
            Self::Tar { path, index } => {
                let &(offset, size) = index.get(name).ok_or_else(missing)?;
                let mut file = File::open(path).map_err(|e| ImageError::io(path, e))?;
                file.seek(SeekFrom::Start(offset))
                    .map_err(|e| ImageError::io(path, e))?;
                f(&mut file.take(size))
            }
            Self::Packed { cache, names, .. } => {
                if let Some(v) = cache.get(name) {
                    return f(&mut Cursor::new(v));
                }
                if !names.contains(name) {
                    return Err(missing());
                }
                let mut result = None;
                packed_pass(self.path(), limits, &mut |n, _, r| {
                    if n == name {
                        result = Some(f(r));
                        return Ok(true);
                    }
                    Ok(false)
                })?;
                result.unwrap_or_else(|| Err(missing()))
            }
        }
    }

    fn path(&self) -> &Path {
        match self {
            Self::Dir(p) | Self::Tar { path: p, .. } | Self::Packed { path: p, .. } => p,
        }
    }

    /// A small file (JSON), or `None` when absent.
    fn small(&self, name: &str, limits: &WalkLimits) -> Result<Option<Vec<u8>>, ImageError> {
        if !self.has(name) {
            return Ok(None);
        }
        let max = limits.max_metadata_bytes;
        let mut out = Vec::new();
        let input = format!("{}: {name}", self.path().display());
        self.with(name, limits, &mut |r| {
            r.take(max + 1)
                .read_to_end(&mut out)
                .map_err(|e| corrupt(&input, &e))?;
            Ok(())
        })?;
        if out.len() as u64 > max {
            return Err(ImageError::Limit {
                input,
                what: "metadata document size".into(),
                limit: max,
            });
        }
        Ok(Some(out))
    }
}

fn corrupt(input: &str, e: &dyn fmt::Display) -> ImageError {
    ImageError::Corrupt {
        input: input.to_owned(),
        reason: e.to_string(),
    }
}

/// One pass over a compressed tar; `f(name, size, reader)` returns whether to stop.
fn packed_pass(
    p: &Path,
    limits: &WalkLimits,
    f: &mut dyn FnMut(&str, u64, &mut dyn Read) -> std::io::Result<bool>,
) -> Result<(), ImageError> {
    let input = p.display().to_string();
    let file = File::open(p).map_err(|e| ImageError::io(p, e))?;
    let meter = Meter::new(input.clone(), *limits, 0);
    let mut buf = BufReader::with_capacity(256 * 1024, Raw::new(file, &meter));
    let kind = sniff(&mut buf, &input)?;
    let mut archive =
        tar::Archive::new(Plain::new(Decoder::new(kind, buf, &input)?, false, &meter));
    let entries = archive.entries().map_err(|e| meter.error(&e))?;
    let mut scratch = vec![0u8; 64 * 1024];
    meter.header_mode(0);
    for e in entries {
        meter.data_mode();
        let mut e = e.map_err(|e| meter.error(&e))?;
        let name = std::str::from_utf8(&e.path_bytes())
            .ok()
            .and_then(path::normalize);
        if let Some(name) = name.filter(|_| e.header().entry_type().is_file()) {
            let size = e.size();
            if f(&name, size, &mut e).map_err(|err| meter.error(&err))? {
                return Ok(());
            }
        }
        if !e.header().entry_type().is_gnu_sparse() {
            drain(&mut e, &mut scratch).map_err(|err| meter.error(&err))?;
        }
        meter.header_mode(0);
    }
    Ok(())
}

/// One layer to stream.
struct LayerRef {
    /// The store name of its blob.
    blob: String,
    /// For messages: `layer 2 of 5 (sha256:...)`.
    input: String,
    blob_digest: Option<String>,
    blob_size: Option<u64>,
    diff_id: Option<String>,
}

impl LayerRef {
    /// What packages record: the diff ID, else the blob digest, else the blob's name.
    fn name(&self) -> String {
        self.diff_id
            .clone()
            .or_else(|| self.blob_digest.clone())
            .unwrap_or_else(|| self.blob.clone())
    }
}

/// `sha256:<64 hex>` -> `blobs/sha256/<hex>`; anything else is refused (the digest
/// becomes a path).
fn blob_name(digest: &str, input: &str) -> Result<String, ImageError> {
    match digest.split_once(':') {
        Some(("sha256", hex))
            if hex.len() == 64
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) =>
        {
            Ok(format!("blobs/sha256/{hex}"))
        }
        Some(("sha256", _)) | None => Err(ImageError::Metadata {
            input: input.to_owned(),
            reason: format!("malformed digest {digest:?}"),
        }),
        Some((algo, _)) => Err(ImageError::Unsupported {
            input: input.to_owned(),
            reason: format!("digest algorithm {algo}"),
        }),
    }
}

fn json(bytes: &[u8], input: &str) -> Result<Value, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| ImageError::Metadata {
        input: input.to_owned(),
        reason: e.to_string(),
    })
}

fn field<'v>(v: &'v Value, key: &str, input: &str) -> Result<&'v Value, ImageError> {
    v.get(key).ok_or_else(|| ImageError::Metadata {
        input: input.to_owned(),
        reason: format!("missing {key}"),
    })
}

/// The config's platform checked against `--platform`, and the layer list `key` of
/// `listing` (OCI manifest `layers`, docker `manifest.json` `Layers`) checked against the
/// config's `diff_ids`: the config's diff ids and the list.
fn layer_list<'v>(
    config: &Value,
    opts: &Options,
    input: &str,
    listing: &'v Value,
    key: &str,
    minput: &str,
) -> Result<(Vec<String>, &'v [Value]), ImageError> {
    if let (Some(want), Some(have)) = (&opts.platform, platform_of(config))
        && !want.matches(&have)
    {
        return Err(ImageError::Platform {
            input: input.to_owned(),
            wanted: want.to_string(),
            available: have.to_string(),
        });
    }
    let ids = diff_ids(config);
    let list = field(listing, key, minput)?
        .as_array()
        .ok_or_else(|| ImageError::Metadata {
            input: minput.to_owned(),
            reason: format!("{key} is not a list"),
        })?;
    if !ids.is_empty() && ids.len() != list.len() {
        return Err(ImageError::Metadata {
            input: minput.to_owned(),
            reason: format!(
                "{} layers but {} diff_ids in the config",
                list.len(),
                ids.len()
            ),
        });
    }
    Ok((ids, list))
}

fn str_field<'v>(v: &'v Value, key: &str, input: &str) -> Result<&'v str, ImageError> {
    field(v, key, input)?
        .as_str()
        .ok_or_else(|| ImageError::Metadata {
            input: input.to_owned(),
            reason: format!("{key} is not a string"),
        })
}

/// Reads the blob `digest` and checks it hashes to it.
fn verified_blob(
    store: &Store,
    digest: &str,
    input: &str,
    limits: &WalkLimits,
) -> Result<Vec<u8>, ImageError> {
    let name = blob_name(digest, input)?;
    let bytes = store
        .small(&name, limits)?
        .ok_or_else(|| ImageError::MissingBlob {
            input: input.to_owned(),
            name: name.clone(),
        })?;
    let actual = digest_string(Sha256::new_with_prefix(&bytes));
    if actual != digest {
        return Err(ImageError::DigestMismatch {
            input: format!("{input}: {name}"),
            expected: digest.to_owned(),
            actual,
        });
    }
    Ok(bytes)
}

fn platform_of(v: &Value) -> Option<Platform> {
    Some(Platform {
        os: v.get("os")?.as_str()?.to_owned(),
        architecture: v.get("architecture")?.as_str()?.to_owned(),
        variant: v.get("variant").and_then(Value::as_str).map(str::to_owned),
    })
}

/// The image's layers (bottom first), the digest naming it, and the config's platform.
struct Resolved {
    layers: Vec<LayerRef>,
    digest: Option<String>,
}

fn diff_ids(config: &Value) -> Vec<String> {
    config
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn oci(
    store: &Store,
    input: &str,
    opts: &Options,
    sink: &mut Sink<'_>,
) -> Result<Resolved, ImageError> {
    let limits = &opts.walk;
    let index = store
        .small("index.json", limits)?
        .ok_or_else(|| ImageError::NotAnImage {
            path: input.to_owned(),
            reason: "no index.json".into(),
        })?;
    let index = json(&index, &format!("{input}: index.json"))?;
    // Every image manifest reachable from the index, with its platform when stated.
    let mut found: Vec<(String, Option<Platform>)> = Vec::new();
    let mut todo = vec![(index, 0usize)];
    while let Some((idx, depth)) = todo.pop() {
        let Some(manifests) = idx.get("manifests").and_then(Value::as_array) else {
            continue;
        };
        for m in manifests {
            let digest = str_field(m, "digest", input)?;
            let media = m.get("mediaType").and_then(Value::as_str).unwrap_or("");
            if media.ends_with("image.index.v1+json") || media.ends_with("manifest.list.v2+json") {
                if depth >= 4 {
                    return Err(ImageError::Limit {
                        input: input.to_owned(),
                        what: "nested indexes".into(),
                        limit: 4,
                    });
                }
                let bytes = verified_blob(store, digest, input, limits)?;
                todo.push((json(&bytes, &format!("{input}: {digest}"))?, depth + 1));
            } else {
                let platform = m.get("platform").and_then(platform_of);
                // Attestations (buildx) carry platform unknown/unknown.
                if platform.as_ref().is_some_and(|p| p.os == "unknown") {
                    continue;
                }
                found.push((digest.to_owned(), platform));
            }
        }
    }
    let wanted = opts.platform.clone().unwrap_or_else(Platform::host);
    let matching: Vec<&(String, Option<Platform>)> = found
        .iter()
        .filter(|(_, p)| p.as_ref().is_some_and(|p| wanted.matches(p)))
        .collect();
    let chosen = if let Some(m) = matching.first() {
        (*m).clone()
    } else if found.len() == 1 && (opts.platform.is_none() || found[0].1.is_none()) {
        found[0].clone()
    } else {
        let available: Vec<String> = found
            .iter()
            .map(|(d, p)| {
                p.as_ref()
                    .map_or_else(|| format!("{d} (no platform)"), ToString::to_string)
            })
            .collect();
        return Err(ImageError::Platform {
            input: input.to_owned(),
            wanted: wanted.to_string(),
            available: if available.is_empty() {
                "no image manifest".into()
            } else {
                available.join(", ")
            },
        });
    };
    if matching.len() > 1 {
        sink.warn(format!(
            "{input}: {} manifests match {wanted}; using {}",
            matching.len(),
            chosen.0
        ));
    }
    let mdigest = chosen.0;
    let manifest = verified_blob(store, &mdigest, input, limits)?;
    let minput = format!("{input}: manifest {mdigest}");
    let manifest = json(&manifest, &minput)?;
    let cdigest = str_field(field(&manifest, "config", &minput)?, "digest", &minput)?;
    let config = verified_blob(store, cdigest, input, limits)?;
    let config = json(&config, &format!("{input}: config {cdigest}"))?;
    let (ids, descs) = layer_list(&config, opts, input, &manifest, "layers", &minput)?;
    let n = descs.len();
    let mut layers = Vec::with_capacity(n);
    for (i, d) in descs.iter().enumerate() {
        let digest = str_field(d, "digest", &minput)?;
        let media = d.get("mediaType").and_then(Value::as_str).unwrap_or("");
        if media.contains("encrypted") {
            return Err(ImageError::Unsupported {
                input: minput,
                reason: format!("encrypted layer {digest}"),
            });
        }
        layers.push(LayerRef {
            blob: blob_name(digest, &minput)?,
            input: format!("{input}: layer {} of {n} ({digest})", i + 1),
            blob_digest: Some(digest.to_owned()),
            blob_size: d.get("size").and_then(Value::as_u64),
            diff_id: ids.get(i).cloned(),
        });
    }
    Ok(Resolved {
        layers,
        digest: Some(mdigest),
    })
}

fn docker(
    store: &Store,
    input: &str,
    opts: &Options,
    sink: &mut Sink<'_>,
) -> Result<Resolved, ImageError> {
    let limits = &opts.walk;
    let minput = format!("{input}: manifest.json");
    let manifest = store
        .small("manifest.json", limits)?
        .ok_or_else(|| ImageError::NotAnImage {
            path: input.to_owned(),
            reason: "neither index.json nor manifest.json".into(),
        })?;
    let manifest = json(&manifest, &minput)?;
    let images = manifest.as_array().ok_or_else(|| ImageError::Metadata {
        input: minput.clone(),
        reason: "not a list".into(),
    })?;
    let image = images.first().ok_or_else(|| ImageError::Metadata {
        input: minput.clone(),
        reason: "no image".into(),
    })?;
    if images.len() > 1 {
        sink.warn(format!(
            "{minput}: {} images; using the first",
            images.len()
        ));
    }
    let cname = path::normalize(str_field(image, "Config", &minput)?).ok_or_else(|| {
        ImageError::UnsafePath {
            input: minput.clone(),
            entry: "Config".into(),
        }
    })?;
    let cbytes = store
        .small(&cname, limits)?
        .ok_or_else(|| ImageError::MissingBlob {
            input: minput.clone(),
            name: cname.clone(),
        })?;
    // The config is named by its digest (`<hex>.json` or `blobs/sha256/<hex>`).
    let chex = path::file_name(&cname).trim_end_matches(".json");
    let cdigest = digest_string(Sha256::new_with_prefix(&cbytes));
    if chex.len() == 64
        && chex.bytes().all(|b| b.is_ascii_hexdigit())
        && cdigest != format!("sha256:{chex}")
    {
        return Err(ImageError::DigestMismatch {
            input: format!("{input}: {cname}"),
            expected: format!("sha256:{chex}"),
            actual: cdigest,
        });
    }
    let config = json(&cbytes, &format!("{input}: {cname}"))?;
    let (ids, names) = layer_list(&config, opts, input, image, "Layers", &minput)?;
    let n = names.len();
    let mut layers = Vec::with_capacity(n);
    for (i, l) in names.iter().enumerate() {
        let raw = l.as_str().ok_or_else(|| ImageError::Metadata {
            input: minput.clone(),
            reason: "a layer is not a string".into(),
        })?;
        let blob = path::normalize(raw).ok_or_else(|| ImageError::UnsafePath {
            input: minput.clone(),
            entry: raw.to_owned(),
        })?;
        let blob_digest = blob
            .strip_prefix("blobs/sha256/")
            .filter(|h| h.len() == 64)
            .map(|h| format!("sha256:{h}"));
        layers.push(LayerRef {
            input: format!("{input}: layer {} of {n} ({blob})", i + 1),
            blob,
            blob_digest,
            blob_size: None,
            diff_id: ids.get(i).cloned(),
        });
    }
    Ok(Resolved {
        layers,
        digest: Some(cdigest),
    })
}

/// Streams one layer through `walk` (or, with `refetch`, re-reads a few of its entries),
/// verifying digests and sizes at the end of a full pass.
fn stream(
    store: &Store,
    layer: &LayerRef,
    rank: u32,
    walk: &mut LayerWalk<'_, '_>,
    limits: &WalkLimits,
    refetch: Option<HashMap<String, Vec<String>>>,
) -> Result<(), ImageError> {
    let mut refetch = refetch;
    let name = layer.name();
    store.with(&layer.blob, limits, &mut |raw| {
        let meter = Meter::new(layer.input.clone(), *limits, walk.total);
        let mut buf = BufReader::with_capacity(256 * 1024, Raw::new(raw, &meter));
        let kind = sniff(&mut buf, &layer.input)?;
        let dec = Decoder::new(kind, buf, &layer.input)?;
        let full = refetch.is_none();
        let mut archive =
            tar::Archive::new(Plain::new(dec, full && layer.diff_id.is_some(), &meter));
        if let Some(want) = refetch.take() {
            return walk.refetch(&mut archive, &meter, rank, want);
        }
        walk.layer(&mut archive, &meter, rank, &name)?;
        let mut scratch = vec![0u8; 64 * 1024];
        let mut plain = archive.into_inner();
        drain(&mut plain, &mut scratch).map_err(|e| meter.error(&e))?;
        let diff = plain.hasher.take();
        let mut buf = plain.inner.into_inner();
        drain(&mut buf, &mut scratch).map_err(|e| meter.error(&e))?;
        let raw = buf.into_inner();
        walk.total += meter.uncompressed();
        if let Some(expected) = &layer.blob_digest {
            let actual = digest_string(raw.hasher);
            if &actual != expected {
                return Err(ImageError::DigestMismatch {
                    input: layer.input.clone(),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        if let Some(size) = layer.blob_size
            && size != meter.compressed()
        {
            return Err(ImageError::Corrupt {
                input: layer.input.clone(),
                reason: format!("{} bytes, the manifest says {size}", meter.compressed()),
            });
        }
        if let (Some(expected), Some(h)) = (&layer.diff_id, diff) {
            let actual = digest_string(h);
            if &actual != expected {
                return Err(ImageError::DigestMismatch {
                    input: format!("{} uncompressed (diff ID)", layer.input),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(())
    })
}

/// Inventories the image at `p`; returns the digest naming it (manifest digest for OCI,
/// config digest, the image ID, for `docker save`).
pub(crate) fn walk(
    p: &Path,
    sink: &mut Sink<'_>,
    opts: &Options,
) -> Result<Option<String>, ImageError> {
    let limits = &opts.walk;
    let input = p.display().to_string();
    let store = Store::open(p, limits)?;
    let resolved = if store.has("index.json") {
        oci(&store, &input, opts, sink)?
    } else {
        docker(&store, &input, opts, sink)?
    };
    if resolved.layers.len() > limits.max_layers {
        return Err(ImageError::Limit {
            input,
            what: "layers".into(),
            limit: limits.max_layers as u64,
        });
    }
    let mut walk = LayerWalk::new(sink, *limits);
    let n = resolved.layers.len();
    for (i, layer) in resolved.layers.iter().enumerate().rev() {
        let rank = u32::try_from(n - 1 - i).unwrap_or(u32::MAX);
        stream(&store, layer, rank, &mut walk, limits, None)?;
    }
    // Links to files already passed, then (a second round at most) files a streaming
    // cataloger needs whole.
    loop {
        let refetch = walk.links();
        if refetch.is_empty() {
            break;
        }
        for (rank, want) in refetch {
            let i = n - 1 - rank as usize;
            if let Some(layer) = resolved.layers.get(i) {
                stream(&store, layer, rank, &mut walk, limits, Some(want))?;
            }
        }
    }
    Ok(resolved.digest)
}
