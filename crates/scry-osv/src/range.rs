use std::cmp::Ordering;

use scry_core::{Ecosystem, VersionScheme};
use scry_version::Version;

use crate::model::{Affected, Event, Range, RangeType};

/// Why a range could not be evaluated for a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// The ecosystem has no version ordering scry knows.
    #[error("ecosystem {0:?} has no version ordering")]
    UnknownEcosystem(String),
    /// The version being checked does not parse.
    #[error("version to check: {0}")]
    Version(#[source] scry_version::Error),
    /// An event of the record does not parse.
    #[error("event {event:?}: {source}")]
    Event {
        /// The event's version text.
        event: String,
        #[source]
        source: scry_version::Error,
    },
}

/// The outcome of checking one version against one `affected` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeVerdict {
    /// The version is listed or lies in a range.
    Affected,
    /// It is not.
    NotAffected,
}

impl Affected {
    /// Whether `version` of a package of `ecosystem` is affected by this entry.
    ///
    /// # Errors
    /// When the ecosystem has no ordering, or the version or an event does not parse.
    /// Ranges of type `GIT` (and unknown types) are skipped, never an error.
    pub fn affects(&self, ecosystem: &Ecosystem, version: &str) -> Result<RangeVerdict, EvalError> {
        let scheme = ecosystem
            .version_scheme()
            .ok_or_else(|| EvalError::UnknownEcosystem(ecosystem.to_string()))?;
        let parsed = Version::parse(scheme, version).map_err(EvalError::Version)?;
        self.affects_parsed(scheme, &parsed, version)
    }

    /// [`Affected::affects`] for a version parsed already (with the ecosystem's scheme);
    /// `raw` is the version as written, used for `SEMVER` ranges and exact listing.
    ///
    /// # Errors
    /// When an event does not parse.
    pub fn affects_parsed(
        &self,
        scheme: VersionScheme,
        version: &Version,
        raw: &str,
    ) -> Result<RangeVerdict, EvalError> {
        for listed in &self.versions {
            let same = match Version::parse(scheme, listed) {
                Ok(l) => l == *version,
                Err(_) => listed == raw,
            };
            if same {
                return Ok(RangeVerdict::Affected);
            }
        }
        for range in &self.ranges {
            let in_range = match range.kind {
                RangeType::Ecosystem => range.contains(scheme, version)?,
                RangeType::SemVer => {
                    if scheme == VersionScheme::SemVer {
                        range.contains(scheme, version)?
                    } else {
                        let semver = Version::parse(VersionScheme::SemVer, raw)
                            .map_err(EvalError::Version)?;
                        range.contains(VersionScheme::SemVer, &semver)?
                    }
                }
                RangeType::Git | RangeType::Other(_) => false,
            };
            if in_range {
                return Ok(RangeVerdict::Affected);
            }
        }
        Ok(RangeVerdict::NotAffected)
    }

    /// The `fixed` versions named by this entry's non-GIT ranges, in record order.
    #[must_use]
    pub fn fixed_versions(&self) -> Vec<&str> {
        self.ranges
            .iter()
            .filter(|r| matches!(r.kind, RangeType::Ecosystem | RangeType::SemVer))
            .flat_map(|r| r.events.iter())
            .filter_map(|e| match e {
                Event::Fixed(v) => Some(v.as_str()),
                _ => None,
            })
            .collect()
    }
}

impl Range {
    /// Whether `version` lies in this range (SEMVER/ECOSYSTEM events, parsed with `scheme`).
    ///
    /// # Errors
    /// When an event version does not parse.
    pub fn contains(&self, scheme: VersionScheme, version: &Version) -> Result<bool, EvalError> {
        // Parse every event once; "0" (introduced from the start) sorts first.
        let mut events: Vec<(Option<Version>, &Event)> = Vec::with_capacity(self.events.len());
        let mut limits: Vec<Option<Version>> = Vec::new();
        for event in &self.events {
            let text = event.version();
            if let Event::Limit(v) = event {
                if v == "*" {
                    limits.push(None);
                } else {
                    limits.push(Some(parse_event(scheme, v)?));
                }
                continue;
            }
            let parsed = if matches!(event, Event::Introduced(v) if v == "0") {
                None
            } else {
                Some(parse_event(scheme, text)?)
            };
            events.push((parsed, event));
        }
        events.sort_by(|(a, _), (b, _)| match (a, b) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => a.cmp(b),
        });
        let mut affected = false;
        for (at, event) in &events {
            match (event, at) {
                (Event::Introduced(_), None) => affected = true,
                (Event::Introduced(_), Some(at)) if version >= at => affected = true,
                (Event::Fixed(_), Some(at)) if version >= at => affected = false,
                (Event::LastAffected(_), Some(at)) if version > at => affected = false,
                _ => {}
            }
        }
        if affected && !limits.is_empty() {
            let below_a_limit = limits
                .iter()
                .any(|l| l.as_ref().is_none_or(|limit| version < limit));
            affected = below_a_limit;
        }
        Ok(affected)
    }
}

fn parse_event(scheme: VersionScheme, text: &str) -> Result<Version, EvalError> {
    Version::parse(scheme, text).map_err(|source| EvalError::Event {
        event: text.to_owned(),
        source,
    })
}
