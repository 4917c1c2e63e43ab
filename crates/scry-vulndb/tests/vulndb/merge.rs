//! Import semantics: merging, re-importing, newest wins, malformed records skipped.

use scry_vulndb::import::{Limits, import_path};
use scry_vulndb::{Builder, Database};

fn record(id: &str, modified: &str, pkg: &str, fixed: &str) -> String {
    serde_json::json!({
        "id": id, "modified": modified,
        "affected": [{"package": {"ecosystem": "PyPI", "name": pkg},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]
    })
    .to_string()
}

#[test]
fn newest_modified_wins_across_sources_and_reimport_replaces() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).expect("mkdir");
    std::fs::create_dir_all(&b).expect("mkdir");
    std::fs::write(
        a.join("X-1.json"),
        record("X-1", "2024-01-02T00:00:00Z", "foo", "2.0"),
    )
    .expect("w");
    std::fs::write(
        a.join("X-2.json"),
        record("X-2", "2024-01-01T00:00:00Z", "bar", "1.0"),
    )
    .expect("w");
    std::fs::write(
        b.join("X-1.json"),
        record("X-1", "2024-01-01T00:00:00Z", "foo", "9.9"),
    )
    .expect("w");
    let db_path = dir.path().join("t.db");
    let mut builder = Builder::new();
    import_path(&mut builder, &a, Limits::default()).expect("a");
    import_path(&mut builder, &b, Limits::default()).expect("b");
    builder.write(&db_path).expect("write");
    let db = Database::open(&db_path).expect("open");
    let x1 = db.get("X-1").expect("get").expect("present");
    assert_eq!(
        x1.affected[0].fixed_versions(),
        ["2.0"],
        "the newer record stays"
    );
    assert_eq!(db.status().expect("status").total, 2);

    // Re-import `a` without X-2: its records are replaced, so X-2 disappears.
    std::fs::remove_file(a.join("X-2.json")).expect("rm");
    let mut builder = Builder::from_database(&db).expect("from db");
    import_path(&mut builder, &a, Limits::default()).expect("a again");
    builder.write(&db_path).expect("write");
    let db = Database::open(&db_path).expect("open");
    assert!(db.get("X-2").expect("get").is_none());
    assert_eq!(db.status().expect("status").sources.len(), 2);
}

#[test]
fn malformed_records_are_skipped_with_file_id_and_reason() {
    let dir = tempfile::tempdir().expect("tmp");
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).expect("mkdir");
    std::fs::write(
        src.join("good.json"),
        record("GOOD-1", "2024-01-01T00:00:00Z", "foo", "1.0"),
    )
    .expect("w");
    std::fs::write(
        src.join("bad.json"),
        r#"{"id": "BAD-1", "modified": "x", "affected": "nope"}"#,
    )
    .expect("w");
    std::fs::write(src.join("junk.json"), "{not json").expect("w");
    std::fs::write(
        src.join("lines.jsonl"),
        format!(
            "{}\n{{\"id\": 5}}\n\n",
            record("GOOD-2", "2024-01-01T00:00:00Z", "bar", "1.0")
        ),
    )
    .expect("w");
    let mut builder = Builder::new();
    let reports = import_path(&mut builder, &src, Limits::default()).expect("import never aborts");
    let records: u64 = reports.iter().map(|r| r.records).sum();
    let skipped: u64 = reports.iter().map(|r| r.skipped).sum();
    assert_eq!((records, skipped), (2, 3), "{reports:#?}");
    let warnings: Vec<&String> = reports.iter().flat_map(|r| &r.warnings).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("bad.json") && w.contains("BAD-1")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("junk.json") && w.contains("not JSON")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lines.jsonl") && w.contains("line 2")),
        "{warnings:?}"
    );
}

#[test]
fn decompression_bombs_are_bounded() {
    let dir = tempfile::tempdir().expect("tmp");
    // 64 MiB of zeros compresses to a few KiB; a 1 MiB limit must stop it.
    let path = dir.path().join("bomb.json.gz");
    let f = std::fs::File::create(&path).expect("create");
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::best());
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..64 {
        std::io::Write::write_all(&mut gz, &zeros).expect("write");
    }
    gz.finish().expect("finish");
    let mut builder = Builder::new();
    let limits = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = import_path(&mut builder, &path, limits).expect_err("bomb must be refused");
    assert!(e.to_string().contains("limit"), "{e}");
}
