//! A damaged file is detected and named, never read as if it were whole.

use std::io::{Seek, SeekFrom, Write};

use scry_vulndb::{Database, DbError};

fn small_db(dir: &std::path::Path) -> std::path::PathBuf {
    crate::build(dir, &["r-cran.osv.jsonl.zst", "pypa-pypi.osv.jsonl.zst"])
}

fn message(e: DbError) -> String {
    e.to_string()
}

#[test]
fn truncated_file_is_detected() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = small_db(dir.path());
    let len = std::fs::metadata(&path).expect("meta").len();
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    f.set_len(len - 1000).expect("truncate");
    let e = message(Database::open(&path).expect_err("truncated must fail"));
    assert!(e.contains("truncated"), "{e}");
    f.set_len(10).expect("truncate");
    let e = message(Database::open(&path).expect_err("tiny must fail"));
    assert!(e.contains("corrupt"), "{e}");
}

#[test]
fn flipped_byte_in_a_block_is_detected_by_its_checksum() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = small_db(dir.path());
    let len = std::fs::metadata(&path).expect("meta").len();
    // The record blocks are the last section: damage a byte near the end.
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .expect("open");
    f.seek(SeekFrom::Start(len - 100)).expect("seek");
    f.write_all(&[0xFF, 0x00, 0xFF]).expect("write");
    drop(f);
    let db = Database::open(&path).expect("header is intact");
    let e = message(db.verify().expect_err("damage must be found"));
    assert!(e.contains("checksum mismatch"), "{e}");
}

#[test]
fn flipped_byte_in_the_header_or_an_index_is_detected() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = small_db(dir.path());
    let bytes = std::fs::read(&path).expect("read");
    let mut h = bytes.clone();
    h[20] ^= 0x55;
    std::fs::write(&path, &h).expect("write");
    let e = message(Database::open(&path).expect_err("header damage"));
    assert!(e.contains("header checksum"), "{e}");
    // Damage the first byte after the header: the META section.
    let mut m = bytes;
    let header = 24 + 32 * 8 + 8;
    m[header + 2] ^= 0x55;
    std::fs::write(&path, &m).expect("write");
    let db = Database::open(&path).expect("header intact");
    let e = message(db.status().expect_err("META damage"));
    assert!(e.contains("Meta") && e.contains("checksum"), "{e}");
}

#[test]
fn foreign_file_and_other_schema_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("x.db");
    std::fs::write(
        &path,
        b"SQLite format 3\0 and then some more bytes to fill a header",
    )
    .expect("write");
    let e = message(Database::open(&path).expect_err("foreign"));
    assert!(e.contains("bad magic"), "{e}");
    let real = small_db(dir.path());
    let mut bytes = std::fs::read(&real).expect("read");
    bytes[8] = 99; // schema version, then fix the header checksum so only the schema differs
    let n = 8;
    let size = 24 + 32 * n;
    let sum = xxhash_rust::xxh3::xxh3_64(&bytes[..size]);
    bytes[size..size + 8].copy_from_slice(&sum.to_le_bytes());
    std::fs::write(&path, &bytes).expect("write");
    match Database::open(&path) {
        Err(DbError::Schema {
            found: 99,
            expected: 1,
            ..
        }) => {}
        other => panic!("expected a schema error, got {other:?}"),
    }
    let e = message(Database::open(&dir.path().join("missing.db")).expect_err("missing"));
    assert!(e.contains("scry db import"), "{e}");
}
