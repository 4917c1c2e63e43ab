//! Folders (root filesystems, project trees) and single files, read in place. Symlinks
//! are never followed out of the root: the walk does not descend through them, and a
//! wanted symlink (`etc/os-release -> ../usr/lib/os-release`) is resolved inside the root.

use std::fs::{self, File, Metadata};
use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::sink::{Sink, Streamed};
use crate::{ImageError, Options, WalkLimits, path};

/// Opens a regular file without blocking on a fifo swapped in behind our back, and
/// checks it is the file `expect` described.
fn open_regular(p: &Path, expect: &Metadata) -> std::io::Result<Option<File>> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let mut o = fs::OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    o.custom_flags(0o4000); // O_NONBLOCK
    let f = o.open(p)?;
    let m = f.metadata()?;
    if !m.is_file() || m.ino() != expect.ino() || m.dev() != expect.dev() {
        return Ok(None);
    }
    Ok(Some(f))
}

/// Visits every entry under `root` (no symlink followed), depth first, sorted by name.
/// `f(rel, abs, metadata)` with `rel` the `/`-separated path below `root`.
pub(crate) fn visit(
    root: &Path,
    limits: &WalkLimits,
    rootfs: bool,
    warn: &mut dyn FnMut(String),
    f: &mut dyn FnMut(&str, &Path, &Metadata) -> Result<(), ImageError>,
) -> Result<(), ImageError> {
    let mut stack: Vec<(PathBuf, String, usize)> = vec![(root.to_owned(), String::new(), 0)];
    let mut count = 0u64;
    let mut non_utf8 = 0u64;
    while let Some((dir, rel, depth)) = stack.pop() {
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if depth > 0 => {
                warn(format!("{}: {e}; skipped", dir.display()));
                continue;
            }
            Err(e) => return Err(ImageError::io(&dir, e)),
        };
        let mut names: Vec<_> = rd.filter_map(Result::ok).map(|e| e.file_name()).collect();
        names.sort();
        let mut subdirs = Vec::new();
        for name in names {
            count += 1;
            if count > limits.max_entries {
                return Err(ImageError::Limit {
                    input: root.display().to_string(),
                    what: "files in the tree".into(),
                    limit: limits.max_entries,
                });
            }
            let Some(n) = name.to_str() else {
                non_utf8 += 1;
                continue;
            };
            let child_rel = path::join(&rel, n);
            let abs = dir.join(&name);
            if rootfs && depth == 0 && matches!(n, "proc" | "sys" | "dev") {
                continue;
            }
            let meta = match fs::symlink_metadata(&abs) {
                Ok(m) => m,
                Err(e) => {
                    warn(format!("{}: {e}; skipped", abs.display()));
                    continue;
                }
            };
            if meta.is_dir() {
                if depth + 1 >= limits.max_depth {
                    warn(format!(
                        "{}: deeper than the limit of {} folders; not walked",
                        abs.display(),
                        limits.max_depth
                    ));
                } else {
                    subdirs.push((abs, child_rel, depth + 1));
                }
                continue;
            }
            f(&child_rel, &abs, &meta)?;
        }
        stack.extend(subdirs.into_iter().rev());
    }
    if non_utf8 > 0 {
        warn(format!(
            "{}: {non_utf8} names that are not UTF-8 were skipped",
            root.display()
        ));
    }
    Ok(())
}

/// The target of the symlink at `rel` below `root`, when it is one.
pub(crate) fn link_in(root: &Path, rel: &str) -> Option<String> {
    let abs = root.join(rel);
    let m = fs::symlink_metadata(&abs).ok()?;
    if !m.file_type().is_symlink() {
        return None;
    }
    fs::read_link(&abs)
        .ok()
        .map(|t| t.to_string_lossy().into_owned())
}

/// Reads the regular file at `rel` below `root` (resolving symlinks inside the root) and
/// feeds it to the catalogers as `as_path`.
pub(crate) fn read_into(
    root: &Path,
    rel: &str,
    as_path: &str,
    sink: &mut Sink<'_>,
    limits: &WalkLimits,
) -> Result<(), ImageError> {
    let input = root.display().to_string();
    let real = match path::resolve(rel, limits.max_symlink_hops, |p| link_in(root, p)) {
        Ok(r) => r,
        Err(_) => {
            sink.warn(format!(
                "{input}: {rel}: more than {} symlinks (a loop?); not read",
                limits.max_symlink_hops
            ));
            return Ok(());
        }
    };
    let abs = root.join(&real);
    let meta = match fs::symlink_metadata(&abs) {
        Ok(m) if m.is_file() => m,
        _ => {
            sink.warn(format!(
                "{input}: {rel}: resolves to {real}, which is not a regular file inside the root; not read"
            ));
            return Ok(());
        }
    };
    let file = match open_regular(&abs, &meta) {
        Ok(Some(f)) => f,
        Ok(None) => {
            sink.warn(format!("{input}: {rel}: changed while read; not read"));
            return Ok(());
        }
        Err(e) => {
            sink.warn(format!("{}: {e}; not read", abs.display()));
            return Ok(());
        }
    };
    let mut file = file;
    if let Some(scanners) = sink.scanners(as_path) {
        // Binaries: streamed through, never held; read whole only when a cataloger
        // asks (a section to find through the section table).
        match sink.stream(as_path, None, &input, meta.len(), &mut file, scanners) {
            Ok(Streamed::Done) => return Ok(()),
            Ok(Streamed::NeedWhole) => {
                if let Err(e) = file.seek(SeekFrom::Start(0)) {
                    sink.warn(format!("{}: {e}; not read", abs.display()));
                    return Ok(());
                }
            }
            Err(e) => {
                sink.warn(format!("{}: {e}; not read", abs.display()));
                return Ok(());
            }
        }
    }
    match sink.read(as_path, &input, meta.len(), &mut file) {
        Ok(Some(bytes)) => sink.feed(as_path, None, &bytes),
        Ok(None) => {}
        Err(e) => sink.warn(format!("{}: {e}; not read", abs.display())),
    }
    Ok(())
}

/// Walks a folder, feeding wanted files; paths are given below `prefix`.
pub(crate) fn walk(
    root: &Path,
    prefix: &str,
    rootfs: bool,
    sink: &mut Sink<'_>,
    opts: &Options,
) -> Result<(), ImageError> {
    let limits = opts.walk;
    let mut wanted: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    visit(
        root,
        &limits,
        rootfs,
        &mut |w| warnings.push(w),
        &mut |rel, _, meta| {
            let ft = meta.file_type();
            if (ft.is_file() || ft.is_symlink()) && sink.wants(&path::join(prefix, rel)) {
                wanted.push(rel.to_owned());
            }
            Ok(())
        },
    )?;
    for w in warnings {
        sink.warn(w);
    }
    for rel in wanted {
        read_into(root, &rel, &path::join(prefix, &rel), sink, &limits)?;
    }
    Ok(())
}

/// A single lockfile or manifest: its path below the root is its file name.
pub(crate) fn single_file(p: &Path, sink: &mut Sink<'_>, opts: &Options) -> Result<(), ImageError> {
    let name = p
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| ImageError::NotAnImage {
            path: p.display().to_string(),
            reason: "no UTF-8 file name".into(),
        })?
        .to_owned();
    if !sink.wants(&name) {
        sink.warn(format!("{}: no cataloger reads {name}", p.display()));
        return Ok(());
    }
    let root = p.parent().unwrap_or(Path::new("."));
    read_into(root, &name, &name, sink, &opts.walk)
}
