//! Function deployment packages, merged the way AWS Lambda merges them: the code at
//! `var/task`, then each layer in order under `opt`, a later layer's file replacing an
//! earlier one's. Each part is a zip or a folder. Zips are read through their central
//! directory, entry by entry, bounded in size and ratio; overlapping entries are refused.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::dir;
use crate::sink::Sink;
use crate::{ImageError, Options, WalkLimits, path};

enum Part {
    Zip(ZipArchive<File>),
    Dir(PathBuf),
}

#[derive(Clone)]
struct Src {
    part: usize,
    /// The zip entry index, or the path below the folder.
    zip_index: Option<usize>,
    rel: String,
    symlink: bool,
}

/// A file of a zip: its normalised name, entry index, and whether it is a symlink.
type ZipFileRef = (String, usize, bool);

fn open_zip(
    p: &Path,
    limits: &WalkLimits,
) -> Result<(ZipArchive<File>, Vec<ZipFileRef>), ImageError> {
    let input = p.display().to_string();
    let corrupt = |e: &dyn std::fmt::Display| ImageError::Corrupt {
        input: input.clone(),
        reason: e.to_string(),
    };
    let file = File::open(p).map_err(|e| ImageError::io(p, e))?;
    let mut zip = ZipArchive::new(file).map_err(|e| corrupt(&e))?;
    if zip.len() as u64 > limits.max_entries {
        return Err(ImageError::Limit {
            input,
            what: "zip entries".into(),
            limit: limits.max_entries,
        });
    }
    let mut spans: Vec<(u64, u64, String)> = Vec::with_capacity(zip.len());
    let mut files = Vec::new();
    let mut declared = 0u64;
    for i in 0..zip.len() {
        let e = zip.by_index_raw(i).map_err(|e| corrupt(&e))?;
        let raw = String::from_utf8_lossy(e.name_raw()).into_owned();
        let start = e.header_start();
        let end = e
            .data_start()
            .unwrap_or(start)
            .saturating_add(e.compressed_size());
        spans.push((start, end, raw.clone()));
        declared = declared.saturating_add(e.size());
        let name =
            path::normalize(&raw.replace('\\', "/")).ok_or_else(|| ImageError::UnsafePath {
                input: input.clone(),
                entry: raw.clone(),
            })?;
        if name.split('/').count() > limits.max_depth {
            return Err(ImageError::Limit {
                input,
                what: format!("depth of {name}"),
                limit: limits.max_depth as u64,
            });
        }
        if e.is_dir() || name.is_empty() {
            continue;
        }
        files.push((name, i, e.is_symlink()));
    }
    spans.sort();
    for w in spans.windows(2) {
        if w[1].0 < w[0].1 {
            return Err(ImageError::Overlap {
                input,
                first: w[0].2.clone(),
                second: w[1].2.clone(),
            });
        }
    }
    Ok((zip, files))
}

/// Reads a zip entry (bounded by `max` and the ratio) into memory.
fn read_zip(
    zip: &mut ZipArchive<File>,
    index: usize,
    max: u64,
    limits: &WalkLimits,
    total: &mut u64,
    input: &str,
) -> Result<Option<Vec<u8>>, ImageError> {
    let mut e = zip.by_index(index).map_err(|e| ImageError::Corrupt {
        input: input.to_owned(),
        reason: e.to_string(),
    })?;
    let name = String::from_utf8_lossy(e.name_raw()).into_owned();
    let entry_input = format!("{input}: {name}");
    if e.encrypted() {
        return Err(ImageError::Unsupported {
            input: entry_input,
            reason: "encrypted entry".into(),
        });
    }
    if e.size() > max {
        return Ok(None);
    }
    let compressed = e.compressed_size().max(1);
    let mut out = Vec::with_capacity(usize::try_from(e.size().min(1 << 20)).unwrap_or(0));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = e.read(&mut chunk).map_err(|err| ImageError::Corrupt {
            input: entry_input.clone(),
            reason: err.to_string(),
        })?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..n]);
        *total += n as u64;
        let got = out.len() as u64;
        if *total > limits.max_total_bytes {
            return Err(ImageError::Limit {
                input: entry_input,
                what: "uncompressed bytes over the whole target".into(),
                limit: limits.max_total_bytes,
            });
        }
        if got > limits.ratio_floor_bytes && got / compressed > limits.max_ratio {
            return Err(ImageError::Limit {
                input: entry_input,
                what: "decompression ratio".into(),
                limit: limits.max_ratio,
            });
        }
        if got > max {
            return Ok(None);
        }
    }
    Ok(Some(out))
}

pub(crate) fn walk(
    code: &Path,
    layers: &[PathBuf],
    sink: &mut Sink<'_>,
    opts: &Options,
) -> Result<(), ImageError> {
    let limits = opts.walk;
    let mut parts: Vec<(Part, String)> = Vec::new();
    let mut merged: BTreeMap<String, Src> = BTreeMap::new();
    let sources =
        std::iter::once((code, "var/task")).chain(layers.iter().map(|l| (l.as_path(), "opt")));
    for (p, prefix) in sources {
        let part = parts.len();
        let input = p.display().to_string();
        let meta = std::fs::metadata(p).map_err(|e| ImageError::io(p, e))?;
        if meta.is_dir() {
            let mut warnings = Vec::new();
            dir::visit(
                p,
                &limits,
                false,
                &mut |w| warnings.push(w),
                &mut |rel, _, m| {
                    let ft = m.file_type();
                    if ft.is_file() || ft.is_symlink() {
                        merged.insert(
                            path::join(prefix, rel),
                            Src {
                                part,
                                zip_index: None,
                                rel: rel.to_owned(),
                                symlink: ft.is_symlink(),
                            },
                        );
                    }
                    Ok(())
                },
            )?;
            for w in warnings {
                sink.warn(w);
            }
            parts.push((Part::Dir(p.to_owned()), input));
        } else {
            let (zip, files) = open_zip(p, &limits)?;
            for (name, i, symlink) in files {
                merged.insert(
                    path::join(prefix, &name),
                    Src {
                        part,
                        zip_index: Some(i),
                        rel: name,
                        symlink,
                    },
                );
            }
            parts.push((Part::Zip(zip), input));
        }
        if merged.len() as u64 > limits.max_entries {
            return Err(ImageError::Limit {
                input: p.display().to_string(),
                what: "files in the function".into(),
                limit: limits.max_entries,
            });
        }
    }
    let mut total = 0u64;
    let max = sink.max_file_bytes();
    // Symlink targets inside zips, read once when needed.
    let mut zip_links: BTreeMap<String, String> = BTreeMap::new();
    let wanted: Vec<(String, Src)> = merged
        .iter()
        .filter(|(p, _)| sink.wants(p))
        .map(|(p, s)| (p.clone(), s.clone()))
        .collect();
    for (as_path, src) in wanted {
        let mut src = src;
        if src.symlink {
            // Resolve inside the merged tree: read each zip link's target as needed.
            let mut link = |p: &str| -> Option<String> {
                if let Some(t) = zip_links.get(p) {
                    return Some(t.clone());
                }
                let s = merged.get(p)?;
                if !s.symlink {
                    return None;
                }
                let t = match (&mut parts[s.part].0, s.zip_index) {
                    (Part::Zip(z), Some(i)) => {
                        let mut t = String::new();
                        let mut e = z.by_index(i).ok()?;
                        (&mut e).take(4096).read_to_string(&mut t).ok()?;
                        t
                    }
                    (Part::Dir(d), _) => dir::link_in(d, &s.rel)?,
                    _ => return None,
                };
                zip_links.insert(p.to_owned(), t.clone());
                Some(t)
            };
            let real = match path::resolve(&as_path, limits.max_symlink_hops, &mut link) {
                Ok(r) => r,
                Err(_) => {
                    sink.warn(format!(
                        "{as_path}: more than {} symlinks (a loop?); not read",
                        limits.max_symlink_hops
                    ));
                    continue;
                }
            };
            match merged.get(&real) {
                Some(s) if !s.symlink => src = s.clone(),
                _ => {
                    sink.warn(format!(
                        "{as_path}: symlink to {real}, which is not a regular file of the function; not read"
                    ));
                    continue;
                }
            }
        }
        let (part, input) = &mut parts[src.part];
        match (part, src.zip_index) {
            (Part::Zip(z), Some(i)) => match read_zip(z, i, max, &limits, &mut total, input)? {
                Some(bytes) => sink.feed(&as_path, None, &bytes),
                None => sink.warn(format!(
                    "{input}: {}: more than the per-file limit of {max} bytes; not read",
                    src.rel
                )),
            },
            (Part::Dir(d), _) => {
                let d = d.clone();
                dir::read_into(&d, &src.rel, &as_path, sink, &limits)?;
            }
            (Part::Zip(_), None) => {}
        }
    }
    Ok(())
}
