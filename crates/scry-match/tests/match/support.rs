//! Databases and inventories for the tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scry_core::{Ecosystem, Inventory, Package, PackageManager, Target, TargetKind};
use scry_osv::Record;
use scry_vulndb::{Builder, Database, import};

struct Built {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

/// The real snapshots a test database is built from (once per test binary).
const SNAPSHOTS: &[&str] = &[
    "rustsec-crates.osv.jsonl.zst",
    "pypa-pypi.osv.jsonl.zst",
    "go-vulndb.osv.jsonl.zst",
    "debian-security-tracker-lists.zip",
    "alpine-secdb-legacy.zip",
    "ubuntu-cve-tracker-legacy.zip",
    "cisa-kev.json.gz",
    "epss-scores.csv.gz",
];

/// The database built from [`SNAPSHOTS`].
pub(crate) fn real_db() -> Database {
    static DB: OnceLock<Built> = OnceLock::new();
    let built = DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir can be made");
        let path = dir.path().join("real.db");
        let mut b = Builder::new();
        for f in SNAPSHOTS {
            let src = scry_test::vulndb_dir().join(f);
            import::import_path(&mut b, &src, import::Limits::default())
                .unwrap_or_else(|e| panic!("importing {}: {e}", src.display()));
        }
        b.write(&path).expect("the test database is writable");
        Built { _dir: dir, path }
    });
    Database::open(&built.path).expect("the test database opens")
}

/// A database of hand-written records (built anew per call, in its own temp dir).
pub(crate) fn synthetic_db(records: Vec<Record>) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().expect("a temp dir can be made");
    let path = dir.path().join("syn.db");
    let mut b = Builder::new();
    let s = b.add_source("synthetic", "tests");
    for r in records {
        b.add_record(r, s);
    }
    b.write(&path).expect("writable");
    let db = Database::open(&path).expect("opens");
    (dir, db)
}

/// A record from JSON text.
pub(crate) fn rec(json: &str) -> Record {
    scry_osv::parse_record(json.as_bytes()).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// A language package.
pub(crate) fn lang(eco: &str, name: &str, version: &str) -> Package {
    let pm = match eco {
        "crates.io" => PackageManager::Cargo,
        "PyPI" => PackageManager::Pip,
        "Go" => PackageManager::Gomod,
        _ => PackageManager::Npm,
    };
    let purl_type = match eco {
        "crates.io" => "cargo",
        "PyPI" => "pypi",
        "Go" => "golang",
        _ => "npm",
    };
    Package {
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::parse(eco),
        package_manager: pm,
        purl: Some(format!("pkg:{purl_type}/{name}@{version}")),
        source_name: None,
        source_version: None,
        epoch: None,
        release: None,
        arch: None,
        path: "Cargo.lock".into(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    }
}

/// A dpkg package of a Debian release.
pub(crate) fn deb(
    release: &str,
    name: &str,
    version: &str,
    source: &str,
    source_version: &str,
) -> Package {
    Package {
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::parse(&format!("Debian:{release}")),
        package_manager: PackageManager::Dpkg,
        purl: Some(format!(
            "pkg:deb/debian/{name}@{version}?distro=debian-{release}"
        )),
        source_name: Some(source.into()),
        source_version: (source_version != version).then(|| source_version.to_owned()),
        epoch: None,
        release: None,
        arch: Some("amd64".into()),
        path: "var/lib/dpkg/status".into(),
        layer: None,
        dependency: None,
        files: Vec::new(),
        licenses: Vec::new(),
    }
}

/// An inventory of a lockfile or folder.
pub(crate) fn inventory(name: &str, packages: Vec<Package>) -> Inventory {
    Inventory {
        target: Target {
            kind: TargetKind::Fs,
            name: name.into(),
            digest: None,
        },
        os: None,
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

/// `crates/scry-match/tests/data/<name>`.
pub(crate) fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// A fixed clock: 2026-11-29T12:00:00Z.
pub(crate) fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-29 12:00:00 UTC)
}
