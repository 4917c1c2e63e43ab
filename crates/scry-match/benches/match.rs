//! Matching a 1,000-package inventory against the database built from every file in
//! `../shared/vulndb` (target: under 50 ms).
//!
//! The inventory: this machine's dpkg list (Debian 12 sources, matched as Debian 10 so the
//! ranges are evaluated), the crafted old buster packages, and language packages named by
//! the database's own records (crates.io, PyPI, Go, npm, RubyGems, Packagist) at version
//! `0.1.0`, so most language lookups hit advisories: a heavy case, not a typical one.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

use scry_core::{
    Ecosystem, EcosystemKind, Inventory, OsRelease, Package, PackageManager, Target, TargetKind,
};
use scry_match::{MatchOptions, match_inventory_detailed};
use scry_vulndb::{Builder, Database, import};

fn package(eco: Ecosystem, name: &str, version: &str, source: Option<(&str, &str)>) -> Package {
    Package {
        name: name.into(),
        version: version.into(),
        package_manager: if eco.kind().is_os() {
            PackageManager::Dpkg
        } else {
            PackageManager::Sbom
        },
        ecosystem: eco,
        purl: None,
        source_name: source.map(|s| s.0.to_owned()),
        source_version: source.map(|s| s.1.to_owned()),
        epoch: None,
        release: None,
        arch: None,
        path: "bench".into(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    }
}

fn inventory(db: &Database) -> Inventory {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/debian");
    let mut packages = Vec::new();
    let buster = Ecosystem::with_release(EcosystemKind::Debian, "10");
    for file in ["buster-old.dpkg", "host-bookworm.dpkg"] {
        let text = std::fs::read_to_string(data.join(file)).expect("inventory file");
        for l in text.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() == 4 && packages.len() < 400 {
                packages.push(package(buster.clone(), f[2], f[3], Some((f[0], f[1]))));
            }
        }
    }
    let wanted = [
        EcosystemKind::CratesIo,
        EcosystemKind::PyPi,
        EcosystemKind::Go,
        EcosystemKind::Npm,
        EcosystemKind::RubyGems,
        EcosystemKind::Packagist,
    ];
    let mut seen = BTreeSet::new();
    let records = db.all_records().expect("records");
    'outer: for kind in wanted {
        let mut n = 0;
        for (r, _) in &records {
            for a in &r.affected {
                let Some(p) = &a.package else { continue };
                let eco = p.ecosystem();
                if *eco.kind() != kind || !seen.insert((eco.to_string(), p.name.clone())) {
                    continue;
                }
                packages.push(package(eco.family(), &p.name, "0.1.0", None));
                n += 1;
                if packages.len() >= 1000 {
                    break 'outer;
                }
                if n >= 100 {
                    continue 'outer;
                }
            }
        }
    }
    Inventory {
        target: Target {
            kind: TargetKind::Image,
            name: "bench".into(),
            digest: None,
        },
        os: Some(OsRelease {
            id: "debian".into(),
            version_id: Some("10".into()),
            ..OsRelease::default()
        }),
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    // `SCRY_BENCH_DB=path`: reuse (or make once) a database file there (for profiling).
    let dir = tempfile::tempdir().expect("temp dir");
    let path = std::env::var_os("SCRY_BENCH_DB")
        .map_or_else(|| dir.path().join("full.db"), std::path::PathBuf::from);
    if !path.exists() {
        let mut b = Builder::new();
        import::import_path(&mut b, &scry_test::vulndb_dir(), import::Limits::default())
            .expect("imports every snapshot");
        b.write(&path).expect("writes");
    }
    let db = Database::open(&path).expect("opens");
    let inv = inventory(&db);
    assert!(
        inv.packages.len() >= 1000,
        "{} packages",
        inv.packages.len()
    );
    let opts = MatchOptions::default();
    let out = match_inventory_detailed(&inv, &db, &opts).expect("matches");
    // `SCRY_BENCH_DUMP=path`: write the findings and warnings as JSON, to check that a
    // change to the matcher leaves its output byte-identical.
    if let Some(dump) = std::env::var_os("SCRY_BENCH_DUMP") {
        let json = serde_json::to_string_pretty(&(&out.findings, &out.warnings)).expect("json");
        std::fs::write(dump, json).expect("writes the dump");
    }
    eprintln!(
        "inventory: {} packages; {} findings, {} warnings",
        inv.packages.len(),
        out.findings.len(),
        out.warnings.len()
    );
    // Where the time goes: index lookups and record reads alone.
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for p in &inv.packages {
        let name = p.source_name.as_deref().unwrap_or(&p.name);
        let eco = if p.ecosystem.kind().is_os() {
            p.ecosystem.clone()
        } else {
            p.ecosystem.family()
        };
        for o in db.lookup_ordinals(&eco, name).expect("lookup") {
            let _ = black_box(db.record_at(o).expect("record"));
            n += 1;
        }
    }
    eprintln!(
        "lookups and record reads alone: {n} records in {:?}",
        t.elapsed()
    );
    c.bench_function("match 1000 packages, full database", |bench| {
        bench.iter(|| match_inventory_detailed(black_box(&inv), &db, &opts).expect("matches"));
    });
    // The same on the calling thread only (the default uses every core).
    let one = MatchOptions {
        threads: Some(NonZeroUsize::MIN),
        ..MatchOptions::default()
    };
    c.bench_function("match 1000 packages, full database, one thread", |bench| {
        bench.iter(|| match_inventory_detailed(black_box(&inv), &db, &one).expect("matches"));
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
