//! Advisory database benchmarks over a database built from every file of `shared/vulndb`.
//!
//! - `open_first_lookup`: open the file and answer one (ecosystem, name) lookup.
//! - `lookup_ordinals`: index lookups per second over 1,000 real package keys.
//! - `lookup_records`: the same, decoding the matching records.
//!
//! Build time and size are measured with `scry db import` (docs/benchmarks.md).

use std::path::PathBuf;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use scry_core::Ecosystem;
use scry_vulndb::import::{Limits, import_path};
use scry_vulndb::{Builder, Database};

fn database() -> PathBuf {
    let path = scry_test::workspace_root().join("target/bench-vulndb.db");
    if Database::open(&path).is_err() {
        let mut b = Builder::new();
        import_path(&mut b, &scry_test::vulndb_dir(), Limits::default()).expect("import");
        b.write(&path).expect("write");
    }
    path
}

/// 1,000 real (ecosystem, name) keys spread over the database.
fn keys(db: &Database) -> Vec<(Ecosystem, String)> {
    let n = db.record_count().expect("count");
    let mut out = Vec::new();
    let step = (n / 1000).max(1);
    let mut o = 0;
    while out.len() < 1000 && o < n {
        let r = db.record_at(o).expect("record");
        if let Some(p) = r.affected.first().and_then(|a| a.package.as_ref()) {
            out.push((p.ecosystem(), p.name.clone()));
        }
        o += step;
    }
    out
}

fn benches(c: &mut Criterion) {
    let path = database();
    let mut g = c.benchmark_group("vulndb");
    let django = Ecosystem::parse("PyPI");
    g.bench_function("open_first_lookup", |b| {
        b.iter(|| {
            let db = Database::open(&path).expect("open");
            db.lookup(&django, "django").expect("lookup").len()
        });
    });
    let db = Database::open(&path).expect("open");
    let keys = keys(&db);
    g.throughput(Throughput::Elements(keys.len() as u64));
    g.bench_function("lookup_ordinals", |b| {
        b.iter(|| {
            keys.iter()
                .map(|(e, n)| db.lookup_ordinals(e, n).expect("lookup").len())
                .sum::<usize>()
        });
    });
    g.bench_function("lookup_records", |b| {
        b.iter_batched(
            || Database::open(&path).expect("open"),
            |db| {
                keys.iter()
                    .map(|(e, n)| db.lookup(e, n).expect("lookup").len())
                    .sum::<usize>()
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(name = vulndb; config = Criterion::default().sample_size(20); targets = benches);
criterion_main!(vulndb);
