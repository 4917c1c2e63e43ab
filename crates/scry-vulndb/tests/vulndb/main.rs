//! The advisory database against the real snapshots in `shared/vulndb`.
//!
//! - `counts`: per-ecosystem counts equal an independent count of the OSV files.
//! - `lookups`: every package of every record is found by (ecosystem, name).
//! - `damage`: truncated, corrupted and foreign files are detected with clear errors.
//! - `merge`: import semantics (merging sources, re-importing one, bad records).

mod counts;
mod damage;
mod lookups;
mod merge;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scry_vulndb::import::{Limits, import_path};
use scry_vulndb::{Builder, Database};

/// A database built once per test binary from every file of `shared/vulndb`.
pub(crate) fn full_db() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("full.db");
        let mut b = Builder::new();
        import_path(&mut b, &scry_test::vulndb_dir(), Limits::default()).expect("import");
        b.write(&path).expect("write");
        (dir, path)
    });
    path
}

pub(crate) fn open_full() -> Database {
    Database::open(full_db()).expect("open the full database")
}

/// Builds a database from some snapshot files into `dir`.
pub(crate) fn build(dir: &Path, files: &[&str]) -> PathBuf {
    let path = dir.join("part.db");
    let mut b = Builder::new();
    for f in files {
        import_path(&mut b, &scry_test::vulndb_dir().join(f), Limits::default()).expect("import");
    }
    b.write(&path).expect("write");
    path
}
