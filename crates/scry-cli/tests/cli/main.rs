//! The `scry` command, run as a user runs it.
//!
//! - `version`: `scry version cmp` on the fixture vectors and on the baselines the real
//!   tools (dpkg, rpm, apk, packaging, node-semver, Maven, RubyGems, Composer, R) answered.
//! - `db`: import, status, query, update over real HTTP, and crash safety.
//! - `cvss`: the scoring tool's JSON.

mod cvss;
mod db;
mod distro_references;
mod osv_reference;
mod rubysec_reference;
mod sbom;
mod scan_formats;
mod scan_images;
mod support;
mod trivy_goldens;
mod version;

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `scry ARGS` with `stdin` as standard input.
pub(crate) fn scry(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scry"))
        .args(args)
        .env_remove("SCRY_DB")
        .env("SCRY_CONFIG", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scry runs");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_owned();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().expect("scry finishes");
    writer.join().expect("stdin writer");
    out
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
