//! Test-only helpers: where the shared fixtures and the advisory snapshots live.
//!
//! The project never reads `../shared` at run time; only tests and benchmarks do, through
//! these functions. `SCRY_SHARED` overrides the location of the shared folder.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (the folder holding the top `Cargo.toml`).
#[must_use]
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .nth(2)
        .expect("scry-test lives at crates/scry-test, two levels below the root")
        .to_path_buf()
}

/// The shared folder beside the project (`../shared`), or `$SCRY_SHARED`.
#[must_use]
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SCRY_SHARED") {
        return PathBuf::from(dir);
    }
    workspace_root().join("..").join("shared")
}

/// The advisory snapshots (`../shared/vulndb`).
#[must_use]
pub fn vulndb_dir() -> PathBuf {
    shared_dir().join("vulndb")
}

/// The unpacked fixtures tree (`target/fixtures`), unpacking it on first use.
///
/// Several test binaries may call this at once: an exclusive lock on
/// `target/fixtures.lock` makes the first one unpack and the others wait.
///
/// # Panics
/// When the shared folder is missing or `unpack.sh` fails: tests cannot run without it.
#[must_use]
pub fn fixtures_dir() -> PathBuf {
    let target = workspace_root().join("target");
    let dest = target.join("fixtures");
    std::fs::create_dir_all(&target).expect("target/ is writable");
    let lock = File::create(target.join("fixtures.lock")).expect("lock file is creatable");
    lock.lock().expect("lock on target/fixtures.lock");
    let script = shared_dir().join("fixtures").join("unpack.sh");
    let status = Command::new("sh")
        .arg(&script)
        .arg(&dest)
        .status()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(status.success(), "{} failed: {status}", script.display());
    drop(lock);
    dest
}
