//! Inventories an image (or `--rootfs DIR`, `--fs PATH`) with a cataloger that wants
//! every file and counts bytes, for peak-memory and throughput measurements:
//!
//! ```text
//! /usr/bin/time -v target/release/examples/inventory IMAGE
//! ```

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use scry_catalog::{CatalogError, Cataloger, Found, Limits};
use scry_image::{Options, TargetSpec, inventory};

/// Wants the files whose name ends in `status`, `installed` or `os-release` and counts them;
/// with `SCRY_WANT_ALL=1` it wants every file (every byte is then read into memory once).
struct Counting {
    all: bool,
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Cataloger for Counting {
    fn name(&self) -> &'static str {
        "counting"
    }
    fn wants(&self, path: &str) -> bool {
        self.all
            || path.ends_with("dpkg/status")
            || path.ends_with("db/installed")
            || path.ends_with("os-release")
    }
    fn parse(&self, _path: &str, bytes: &[u8], _: &Limits) -> Result<Found, CatalogError> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(Found::default())
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (kind, path) = match (args.next(), args.next()) {
        (Some(flag), Some(p)) if flag.starts_with("--") => (flag, PathBuf::from(p)),
        (Some(p), None) => ("--image".to_owned(), PathBuf::from(p)),
        _ => {
            eprintln!("usage: inventory [--image|--rootfs|--fs] PATH");
            std::process::exit(2);
        }
    };
    let target = match kind.as_str() {
        "--rootfs" => TargetSpec::Rootfs(path),
        "--fs" => TargetSpec::Fs(path),
        _ => TargetSpec::Image(path),
    };
    let counting = Counting {
        all: std::env::var_os("SCRY_WANT_ALL").is_some(),
        files: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
    };
    let catalogers: Vec<Box<dyn Cataloger>> = vec![Box::new(counting)];
    let start = std::time::Instant::now();
    match inventory(&target, &catalogers, &Options::default()) {
        Ok(inv) => {
            let secs = start.elapsed().as_secs_f64();
            println!(
                "target {:?} digest {:?}: {} warnings, {:.3} s",
                inv.target.kind,
                inv.target.digest,
                inv.warnings.len(),
                secs
            );
            for w in inv.warnings.iter().take(5) {
                println!("warning: {w}");
            }
        }
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            std::process::exit(1);
        }
    }
}
