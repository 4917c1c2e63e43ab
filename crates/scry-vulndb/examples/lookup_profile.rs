//! Times 1,000 lookups of real package keys and prints the slowest ones.
//!
//! `cargo run --release -p scry-vulndb --example lookup_profile -- DB_FILE`

use std::path::Path;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: lookup_profile DB_FILE")?;
    let db = scry_vulndb::Database::open(Path::new(&path))?;
    let n = db.record_count()?;
    let mut keys = Vec::new();
    let step = (n / 1000).max(1);
    let mut o = 0;
    while keys.len() < 1000 && o < n {
        let r = db.record_at(o)?;
        if let Some(p) = r.affected.first().and_then(|a| a.package.as_ref()) {
            keys.push((p.ecosystem(), p.name.clone()));
        }
        o += step;
    }
    let db = scry_vulndb::Database::open(Path::new(&path))?;
    let mut times: Vec<(Duration, usize, String, String)> = Vec::new();
    let started = Instant::now();
    for (e, name) in &keys {
        let t = Instant::now();
        let k = db.lookup(e, name)?.len();
        times.push((t.elapsed(), k, e.to_string(), name.clone()));
    }
    let total = started.elapsed();
    println!(
        "{} lookups in {total:?} ({:.0}/s)",
        keys.len(),
        keys.len() as f64 / total.as_secs_f64()
    );
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    for (t, k, e, name) in times.iter().take(5) {
        println!("{t:?} {k} records {e} {name}");
    }
    Ok(())
}
