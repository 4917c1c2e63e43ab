//! Hex: `mix.lock`.
//!
//! The file is an Erlang term map (`%{"name" => {:hex, :name, "1.0.0", ...}}` in older
//! writers, `"name": {:hex, :name, "1.0.0", ...}` in newer). Only `:hex` entries are
//! packages of hex.pm; `:git` and `:path` entries are skipped. Each entry sits on one
//! line; the package is the atom after `:hex` (the key may be an alias).

use scry_core::{EcosystemKind, PackageManager};

use super::{Collector, file_name, simple, text};
use crate::{CatalogError, Cataloger, Found, Limits};

pub(super) fn catalogers() -> Vec<Box<dyn Cataloger>> {
    vec![simple("mix-lock", |p| file_name(p) == "mix.lock", parse)]
}

fn parse(path: &str, bytes: &[u8], limits: &Limits) -> Result<Found, CatalogError> {
    let s = text(path, bytes)?;
    let trimmed = s.trim();
    if !trimmed.is_empty() && !trimmed.starts_with("%{") {
        return Err(CatalogError::new(path, "not a mix.lock: no `%{` map"));
    }
    let mut c = Collector::new(path, EcosystemKind::Hex, PackageManager::Mix, limits);
    for (n, line) in s.lines().enumerate() {
        let Some(idx) = line.find("{:hex,") else {
            continue;
        };
        let rest = &line[idx + "{:hex,".len()..];
        let mut parts = rest.splitn(3, ',');
        let (Some(name), Some(version)) = (parts.next(), parts.next()) else {
            c.warn(format!("line {}: malformed `:hex` entry", n + 1));
            continue;
        };
        let name = name.trim().trim_start_matches(':').trim_matches('"');
        let version = version.trim().trim_matches('"');
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        {
            c.warn(format!("line {}: malformed `:hex` entry", n + 1));
            continue;
        }
        c.add(name, version, None);
    }
    Ok(c.finish())
}
