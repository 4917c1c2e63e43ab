//! `scry-fetch` against a real HTTP server on 127.0.0.1 serving `shared/vulndb` files.

/// The loopback test server and a static-file handler.
mod server;

/// Full downloads, `ETag` and `Last-Modified` revalidation, the cache layout.
mod conditional;
/// `file://` URLs and plain paths.
mod local;
/// Retries, backoff, `Retry-After`, truncation and timeouts.
mod retry;
/// Size limit, SHA-256 and integrity checks.
mod verify;

use std::path::{Path, PathBuf};
use std::time::Duration;

use scry_fetch::{Fetcher, FetcherBuilder};
use sha2::{Digest, Sha256};

/// A fetcher tuned for tests: no progress bar, short waits.
fn builder() -> FetcherBuilder {
    Fetcher::builder()
        .progress(false)
        .timeout(Duration::from_secs(5))
        .retries(3)
        .backoff(Duration::from_millis(5), Duration::from_millis(50))
}

fn vulndb(name: &str) -> PathBuf {
    scry_test::vulndb_dir().join(name)
}

fn sha256_of(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    hex::encode(Sha256::digest(bytes))
}

/// File names in the cache folder, sorted (empty when it does not exist).
fn cache_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
