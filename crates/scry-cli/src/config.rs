//! The configuration file (`scry/config.toml` in the user's config directory).
//!
//! ```toml
//! [db]
//! path = "/var/lib/scry/scry.db"   # SCRY_DB and --db take precedence
//! sources = ["https://…/PyPI/all.zip", "/srv/mirror/osv"]  # SCRY_DB_SOURCES and --source take precedence
//! ```

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) db: DbConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DbConfig {
    pub(crate) path: Option<PathBuf>,
    pub(crate) sources: Option<Vec<String>>,
}

impl Config {
    /// Reads the file named, or the default one when it exists.
    pub(crate) fn load(explicit: Option<&Path>) -> anyhow::Result<Self> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match dirs::config_dir() {
                Some(d) => d.join("scry").join("config.toml"),
                None => return Ok(Self::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                return Ok(Self::default());
            }
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// `scry/scry.db` in the user's data directory (`~/.local/share` on Linux).
pub(crate) fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("scry")
        .join("scry.db")
}
