//! The cache folder: one data file per URL, a sidecar `<name>.meta.json` beside it, and
//! `.<name>.<pid>-<n>.part` temp files that exist only while a download is in flight.
//!
//! Traps:
//! - Two files (data + sidecar) cannot be replaced in one atomic step. The sidecar is
//!   removed before the data file is renamed into place and rewritten after, so a crash in
//!   between leaves data without validators (next fetch is unconditional), never old
//!   validators on new data.
//! - File names come from the URL, sanitised; two URLs could sanitise to one name, so the
//!   sidecar records the full URL and validators are only used when it matches.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::FetchErrorKind;

/// Longest file name we produce; most file systems allow 255 bytes.
const MAX_NAME: usize = 160;

/// Temp files older than this are leftovers of a crash and are removed.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// What the sidecar records about the cached download.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) last_modified: Option<String>,
    pub(crate) size: u64,
    pub(crate) sha256: String,
    /// Unix seconds of the download.
    pub(crate) fetched_at: u64,
}

/// Where a URL's download and sidecar live inside `cache`.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) dir: PathBuf,
    pub(crate) name: String,
}

impl Entry {
    pub(crate) fn new(cache: &Path, url: &reqwest::Url) -> Self {
        Self {
            dir: cache.to_path_buf(),
            name: file_name(url),
        }
    }

    pub(crate) fn data(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    pub(crate) fn meta(&self) -> PathBuf {
        self.dir.join(format!("{}.meta.json", self.name))
    }

    fn temp(&self, suffix: &str) -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        self.dir.join(format!(
            ".{}{suffix}.{}-{n}.part",
            self.name,
            std::process::id()
        ))
    }

    /// The sidecar, if it exists, is for this URL and describes the data file on disk.
    pub(crate) fn load(&self, url: &str) -> Option<Meta> {
        let text = std::fs::read(self.meta()).ok()?;
        let meta: Meta = serde_json::from_slice(&text).ok()?;
        let on_disk = std::fs::metadata(self.data()).ok()?;
        (meta.url == url && on_disk.is_file() && on_disk.len() == meta.size).then_some(meta)
    }

    /// A new temp file for the body, removed on drop unless persisted.
    pub(crate) fn create_temp(&self) -> Result<TempFile, FetchErrorKind> {
        std::fs::create_dir_all(&self.dir).map_err(|e| io(&self.dir, e))?;
        self.remove_stale_temps();
        let path = self.temp("");
        let file = std::fs::File::create(&path).map_err(|e| io(&path, e))?;
        Ok(TempFile {
            path: Some(path),
            file: Some(file),
        })
    }

    /// Temp files of this entry left by a crashed or killed process. Only old ones: a
    /// younger one may belong to a download still running in another process.
    fn remove_stale_temps(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let prefix = format!(".{}.", self.name);
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !(name.starts_with(&prefix) && name.ends_with(".part")) {
                continue;
            }
            let age = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok());
            if age.is_some_and(|age| age > STALE_TEMP) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Puts a verified temp file in place and records its validators.
    pub(crate) fn commit(&self, mut temp: TempFile, meta: &Meta) -> Result<(), FetchErrorKind> {
        let meta_path = self.meta();
        match std::fs::remove_file(&meta_path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&meta_path, e)),
        }
        temp.persist(&self.data())?;

        let json = serde_json::to_vec_pretty(meta).map_err(|e| io(&meta_path, e.into()))?;
        let meta_temp = self.temp(".meta");
        let mut guard = TempFile {
            path: Some(meta_temp.clone()),
            file: None,
        };
        let mut file = std::fs::File::create(&meta_temp).map_err(|e| io(&meta_temp, e))?;
        file.write_all(&json)
            .and_then(|()| file.sync_all())
            .map_err(|e| io(&meta_temp, e))?;
        drop(file);
        guard.persist(&meta_path)
    }

    /// Records new validators for the data file already in place (after a `304`).
    pub(crate) fn touch(&self, meta: &Meta) -> Result<(), FetchErrorKind> {
        let meta_path = self.meta();
        let json = serde_json::to_vec_pretty(meta).map_err(|e| io(&meta_path, e.into()))?;
        let meta_temp = self.temp(".meta");
        let mut guard = TempFile {
            path: Some(meta_temp.clone()),
            file: None,
        };
        std::fs::write(&meta_temp, json).map_err(|e| io(&meta_temp, e))?;
        guard.persist(&meta_path)
    }
}

/// A temp file that deletes itself unless [`TempFile::persist`] renamed it.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: Option<PathBuf>,
    file: Option<std::fs::File>,
}

impl TempFile {
    pub(crate) fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or_else(|| Path::new(""))
    }

    pub(crate) fn write_all(&mut self, buf: &[u8]) -> Result<(), FetchErrorKind> {
        let path = self.path().to_path_buf();
        match self.file.as_mut() {
            Some(file) => file.write_all(buf).map_err(|e| io(&path, e)),
            None => Ok(()),
        }
    }

    /// Flushes the data to disk and closes the handle, so checks can reopen it.
    pub(crate) fn finish(&mut self) -> Result<(), FetchErrorKind> {
        if let Some(file) = self.file.take() {
            file.sync_all().map_err(|e| io(self.path(), e))?;
        }
        Ok(())
    }

    fn persist(&mut self, to: &Path) -> Result<(), FetchErrorKind> {
        self.finish()?;
        if let Some(from) = self.path.take()
            && let Err(e) = std::fs::rename(&from, to)
        {
            let _ = std::fs::remove_file(&from);
            return Err(io(to, e));
        }
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file = None;
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> FetchErrorKind {
    FetchErrorKind::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `https://host/PyPI/all.zip?x=1` → `host_PyPI_all.zip_x=1`: readable, one level, and the
/// extension stays last when there is no query. Over-long names keep their tail.
fn file_name(url: &reqwest::Url) -> String {
    let mut raw = String::new();
    raw.push_str(url.host_str().unwrap_or("local"));
    if let Some(port) = url.port() {
        raw.push_str(&format!("_{port}"));
    }
    raw.push_str(url.path());
    if let Some(q) = url.query() {
        raw.push('_');
        raw.push_str(q);
    }
    let mut name: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '=') {
                c
            } else {
                '_'
            }
        })
        .collect();
    while name.ends_with('_') {
        name.pop();
    }
    let name = name.trim_start_matches('.').to_owned();
    if name.len() > MAX_NAME {
        // ASCII only after the mapping above, so byte slicing is safe.
        return name[name.len() - MAX_NAME..].to_owned();
    }
    if name.is_empty() {
        "download".to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn names_keep_host_path_and_extension() {
        let url = reqwest::Url::parse("https://osv.example/PyPI/all.zip").expect("valid URL");
        assert_eq!(file_name(&url), "osv.example_PyPI_all.zip");
        let url = reqwest::Url::parse("http://127.0.0.1:8080/a b/../c.json?x=1").expect("valid");
        assert_eq!(file_name(&url), "127.0.0.1_8080_c.json_x=1");
    }
}
