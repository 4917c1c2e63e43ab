//! `scry db import|status|query|update|verify`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{scry, stderr, stdout};

fn vulndb(file: &str) -> String {
    scry_test::vulndb_dir().join(file).display().to_string()
}

fn status_json(db: &Path) -> serde_json::Value {
    let out = scry(
        &["--db", &db.display().to_string(), "db", "status", "--json"],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("status JSON")
}

#[test]
fn import_creates_then_merges_and_status_counts() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("sub/scry.db");
    let d = db.display().to_string();
    let out = scry(
        &["--db", &d, "db", "import", &vulndb("r-cran.osv.jsonl.zst")],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = status_json(&db);
    assert_eq!(s["total"], 14);
    assert_eq!(s["ecosystems"]["CRAN"], 14);
    let out = scry(
        &[
            "--db",
            &d,
            "db",
            "import",
            &vulndb("pypa-pypi.osv.jsonl.zst"),
            &vulndb("cisa-kev.json.gz"),
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = status_json(&db);
    assert_eq!(
        s["total"],
        14 + 2661 - 10,
        "merged, withdrawn PyPI records not counted"
    );
    assert_eq!(s["ecosystems"]["PyPI"], 2651);
    assert_eq!(s["kev"], 1404);
    assert_eq!(s["sources"].as_array().map(Vec::len), Some(3));
    // SCRY_DB names the file too.
    let out = Command::new(env!("CARGO_BIN_EXE_scry"))
        .args(["db", "query", "PyPI", "django", "--version", "3.2.0"])
        .env("SCRY_DB", &d)
        .env("SCRY_CONFIG", "/dev/null")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("CVE-2023-31047"), "{}", stdout(&out));
    let out = scry(&["--db", &d, "db", "verify"], "");
    assert!(out.status.success() && stdout(&out).contains("every checksum matches"));
}

#[test]
fn missing_and_damaged_databases_are_named() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("none.db");
    let out = scry(&["--db", &db.display().to_string(), "db", "status"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no advisory database"),
        "{}",
        stderr(&out)
    );
    std::fs::write(&db, b"garbage that is not a database at all.....").expect("write");
    let out = scry(&["--db", &db.display().to_string(), "db", "status"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("corrupt advisory database"),
        "{}",
        stderr(&out)
    );
}

/// A real HTTP server (Python's `http.server`, which answers `If-Modified-Since`) on
/// 127.0.0.1 serving the snapshots.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start() -> Option<Self> {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
            l.local_addr().ok()?.port()
        };
        let child = Command::new("python3")
            .args([
                "-m",
                "http.server",
                "--bind",
                "127.0.0.1",
                &port.to_string(),
            ])
            .current_dir(scry_test::vulndb_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Self { child, port });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    fn url(&self, file: &str) -> String {
        format!("http://127.0.0.1:{}/{file}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn import_and_update_over_http_with_conditional_requests() {
    let Some(server) = Server::start() else {
        eprintln!("skipped: python3 http.server could not start");
        return;
    };
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("scry.db");
    let d = db.display().to_string();
    let kev = server.url("cisa-kev.json.gz");
    let go = server.url("go-vulndb.osv.jsonl.zst");
    let out = scry(&["--db", &d, "db", "import", &go], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(status_json(&db)["ecosystems"]["Go"], 4274);

    let out = scry(
        &[
            "--db", &d, "db", "update", "--source", &go, "--source", &kev,
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let s = status_json(&db);
    assert_eq!(s["kev"], 1404);
    let built = s["builtAt"].clone();
    // Nothing changed upstream: the second update downloads nothing and rebuilds nothing.
    let out = scry(
        &[
            "--db", &d, "db", "update", "--source", &go, "--source", &kev,
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("up to date"), "{}", stdout(&out));
    assert_eq!(status_json(&db)["builtAt"], built);

    // A source that is not there: the error names it, the database stays as it was.
    let missing = server.url("nope.zip");
    let out = scry(&["--db", &d, "db", "update", "--source", &missing], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.zip"), "{}", stderr(&out));
    assert_eq!(status_json(&db)["kev"], 1404);
}

#[test]
fn a_crash_mid_build_leaves_the_previous_database_usable() {
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("scry.db");
    let d = db.display().to_string();
    let out = scry(
        &["--db", &d, "db", "import", &vulndb("r-cran.osv.jsonl.zst")],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for delay_ms in [300u64, 1500, 4000] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scry"))
            .args([
                "--db",
                &d,
                "db",
                "import",
                &scry_test::vulndb_dir().display().to_string(),
            ])
            .env("SCRY_CONFIG", "/dev/null")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().expect("wait").is_some();
        let _ = child.kill(); // SIGKILL: no clean-up runs
        let _ = child.wait();
        let s = status_json(&db);
        let out = scry(&["--db", &d, "db", "verify"], "");
        assert!(
            out.status.success(),
            "after a kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        if !finished {
            assert_eq!(
                s["total"], 14,
                "the old database is intact after a kill at {delay_ms} ms"
            );
        }
    }
}
