//! [`Vector`]: a parsed, validated CVSS vector of any supported version.

use std::fmt;

use crate::error::CvssError;
use crate::rating::Rating;
use crate::{v2, v3, v4};

/// Longest input [`Vector::parse`] looks at; a full v4.0 vector with every metric is ~150 bytes.
pub const MAX_VECTOR_LEN: usize = 512;

/// The CVSS versions scry parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum Version {
    /// CVSS v2.0 (no prefix).
    #[serde(rename = "2.0")]
    V2_0,
    /// CVSS v3.0 (`CVSS:3.0/`).
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS v3.1 (`CVSS:3.1/`).
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS v4.0 (`CVSS:4.0/`).
    #[serde(rename = "4.0")]
    V4_0,
}

impl Version {
    /// `"2.0"`, `"3.0"`, `"3.1"` or `"4.0"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_0 => "2.0",
            Self::V3_0 => "3.0",
            Self::V3_1 => "3.1",
            Self::V4_0 => "4.0",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::V2_0 => "",
            Self::V3_0 => "CVSS:3.0/",
            Self::V3_1 => "CVSS:3.1/",
            Self::V4_0 => "CVSS:4.0/",
        }
    }

    pub(crate) fn metrics(self) -> &'static [MetricDef] {
        match self {
            Self::V2_0 => v2::METRICS,
            Self::V3_0 | Self::V3_1 => v3::METRICS,
            Self::V4_0 => v4::METRICS,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which group of the specification a metric belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Base,
    /// v2/v3 temporal, v4 threat.
    Temporal,
    Environmental,
    /// v4 supplemental: shown, never scored.
    Supplemental,
}

/// One metric of a version: its key, its allowed values in specification order, and whether
/// it is mandatory. Optional metrics list their "not defined" value (`X`, `ND`) first.
#[derive(Debug)]
pub(crate) struct MetricDef {
    pub(crate) key: &'static str,
    pub(crate) values: &'static [&'static str],
    pub(crate) group: Group,
}

impl MetricDef {
    pub(crate) const fn new(
        key: &'static str,
        group: Group,
        values: &'static [&'static str],
    ) -> Self {
        Self { key, values, group }
    }

    fn mandatory(&self) -> bool {
        self.group == Group::Base
    }
}

/// Most metrics any version has (v4.0: 32).
const SLOTS: usize = 32;

/// A parsed CVSS vector. Metrics set to their "not defined" value (`X`, `ND`) are stored as
/// absent, so `CVSS:3.1/.../E:X` and `CVSS:3.1/...` are the same vector and display the same.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Vector {
    version: Version,
    /// Per metric of `version.metrics()`: 0 = not defined, `k` = `values[k]` (optional metrics,
    /// whose `values[0]` is the not-defined value) or `values[k - 1]` (mandatory metrics).
    slots: [u8; SLOTS],
}

impl fmt::Debug for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vector({self})")
    }
}

/// The scores a vector yields.
///
/// * v2/v3: `base`, `temporal` and `environmental` are always computed (not-defined metrics
///   weigh 1, as the specifications say); `overall` is the environmental score if any
///   environmental metric is defined, else the temporal score if any temporal metric is
///   defined, else the base score.
/// * v4.0: `base` is the CVSS-B score (base metrics only), `temporal` and `environmental` are
///   `None`, and `overall` is the score of the whole vector (CVSS-B, -BT, -BE or -BTE).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// Base score (v4: CVSS-B).
    pub base: f64,
    /// v2/v3 temporal score.
    pub temporal: Option<f64>,
    /// v2/v3 environmental score.
    pub environmental: Option<f64>,
    /// The score this vector stands for (see the type docs).
    pub overall: f64,
}

/// Security requirement levels (`CR`, `IR`, `AR` in every version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Requirement {
    /// `L`.
    Low,
    /// `M`.
    Medium,
    /// `H`.
    High,
}

impl Requirement {
    /// The vector letter.
    #[must_use]
    pub fn letter(self) -> &'static str {
        match self {
            Self::Low => "L",
            Self::Medium => "M",
            Self::High => "H",
        }
    }
}

/// Attack vector values (`AV`/`MAV` in v3 and v4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AttackVector {
    /// `N`.
    Network,
    /// `A`.
    Adjacent,
    /// `L`.
    Local,
    /// `P`.
    Physical,
}

impl AttackVector {
    /// The vector letter.
    #[must_use]
    pub fn letter(self) -> &'static str {
        match self {
            Self::Network => "N",
            Self::Adjacent => "A",
            Self::Local => "L",
            Self::Physical => "P",
        }
    }

    fn from_letter(s: &str) -> Option<Self> {
        match s {
            "N" => Some(Self::Network),
            "A" => Some(Self::Adjacent),
            "L" => Some(Self::Local),
            "P" => Some(Self::Physical),
            _ => None,
        }
    }
}

/// Environmental metrics to set on a vector with [`Vector::with_environment`]. `None` leaves
/// the vector's own value alone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Environment {
    /// `MAV` (v3, v4; v2 has no modified attack vector).
    pub attack_vector: Option<AttackVector>,
    /// `CR`.
    pub confidentiality: Option<Requirement>,
    /// `IR`.
    pub integrity: Option<Requirement>,
    /// `AR`.
    pub availability: Option<Requirement>,
}

impl Vector {
    /// Parses and validates a vector: `CVSS:3.0/…`, `CVSS:3.1/…`, `CVSS:4.0/…`, or a v2 vector
    /// without prefix (optionally wrapped in `(…)` as NVD prints them). Surrounding whitespace
    /// is ignored; metric order is free (output is canonical).
    ///
    /// # Errors
    /// A [`CvssError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, CvssError> {
        if input.len() > MAX_VECTOR_LEN {
            return Err(CvssError::TooLong {
                len: input.len(),
                max: MAX_VECTOR_LEN,
            });
        }
        let text = input.trim();
        if text.is_empty() {
            return Err(CvssError::Empty);
        }
        let (version, body) = if let Some(after) = text.strip_prefix("CVSS:") {
            let (ver, body) = after.split_once('/').unwrap_or((after, ""));
            let version = match ver {
                "3.0" => Version::V3_0,
                "3.1" => Version::V3_1,
                "4.0" => Version::V4_0,
                _ => {
                    return Err(CvssError::BadPrefix {
                        vector: text.to_owned(),
                        prefix: format!("CVSS:{ver}"),
                    });
                }
            };
            (version, body)
        } else {
            let body = match (text.strip_prefix('('), text.ends_with(')')) {
                (Some(inner), true) => inner.strip_suffix(')').unwrap_or(inner),
                (None, false) => text,
                _ => {
                    return Err(CvssError::Unbalanced {
                        vector: text.to_owned(),
                    });
                }
            };
            // A v3/v4 vector that lost its prefix: say so rather than "unknown metric `PR`".
            for component in body.split('/') {
                let key = component.split_once(':').map_or(component, |(k, _)| k);
                let in_v2 = v2::METRICS.iter().any(|m| m.key == key);
                let in_newer = v3::METRICS.iter().chain(v4::METRICS).any(|m| m.key == key);
                if !in_v2 && in_newer {
                    return Err(CvssError::MissingPrefix {
                        vector: text.to_owned(),
                        metric: key.to_owned(),
                    });
                }
            }
            (Version::V2_0, body)
        };
        Self::parse_body(text, version, body)
    }

    fn parse_body(text: &str, version: Version, body: &str) -> Result<Self, CvssError> {
        let defs = version.metrics();
        let mut slots = [0u8; SLOTS];
        let mut seen = 0u64;
        for (position, component) in body.split('/').enumerate() {
            if component.is_empty() {
                return Err(CvssError::EmptyComponent {
                    vector: text.to_owned(),
                    position: position + 1,
                });
            }
            let Some((key, value)) = component.split_once(':') else {
                return Err(CvssError::MalformedComponent {
                    vector: text.to_owned(),
                    component: component.to_owned(),
                });
            };
            let Some(index) = defs.iter().position(|d| d.key == key) else {
                return Err(CvssError::UnknownMetric {
                    vector: text.to_owned(),
                    metric: key.to_owned(),
                    version: version.as_str(),
                });
            };
            if seen & (1 << index) != 0 {
                return Err(CvssError::DuplicateMetric {
                    vector: text.to_owned(),
                    metric: key.to_owned(),
                });
            }
            seen |= 1 << index;
            let (def, slot) = def_and_slot(defs, &mut slots, index)?;
            *slot = encode(def, value).ok_or_else(|| bad_value(text, def, value))?;
        }
        let missing: Vec<&str> = defs
            .iter()
            .enumerate()
            .filter(|(i, d)| d.mandatory() && seen & (1 << i) == 0)
            .map(|(_, d)| d.key)
            .collect();
        if !missing.is_empty() {
            return Err(CvssError::MissingMetric {
                vector: text.to_owned(),
                metrics: missing.join(", "),
            });
        }
        Ok(Self { version, slots })
    }

    /// The CVSS version.
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of `metric` (`"AV"`, `"MSI"`, …) as written in a vector, or `None` when the
    /// metric is unknown to this version or not defined.
    #[must_use]
    pub fn get(&self, metric: &str) -> Option<&'static str> {
        let index = self
            .version
            .metrics()
            .iter()
            .position(|d| d.key == metric)?;
        self.value_at(index)
    }

    /// Value of the metric at `index` of `version.metrics()`; `None` when not defined.
    pub(crate) fn value_at(&self, index: usize) -> Option<&'static str> {
        let def = self.version.metrics().get(index)?;
        let code = usize::from(*self.slots.get(index)?);
        if code == 0 {
            return None;
        }
        let pos = if def.mandatory() { code - 1 } else { code };
        def.values.get(pos).copied()
    }

    /// Like [`Self::value_at`] but yields the not-defined letter (`X`/`ND`) for absent metrics.
    pub(crate) fn letter(&self, index: usize) -> &'static str {
        self.value_at(index).unwrap_or(match self.version {
            Version::V2_0 => "ND",
            _ => "X",
        })
    }

    /// Sets one metric; `X`/`ND` clears an optional metric.
    ///
    /// # Errors
    /// [`CvssError::UnknownMetric`] or [`CvssError::BadValue`] (base metrics cannot be cleared).
    pub fn set(&mut self, metric: &str, value: &str) -> Result<(), CvssError> {
        let defs = self.version.metrics();
        let Some(index) = defs.iter().position(|d| d.key == metric) else {
            return Err(CvssError::UnknownMetric {
                vector: self.to_string(),
                metric: metric.to_owned(),
                version: self.version.as_str(),
            });
        };
        let text = self.to_string();
        let (def, slot) = def_and_slot(defs, &mut self.slots, index)?;
        *slot = encode(def, value).ok_or_else(|| bad_value(&text, def, value))?;
        Ok(())
    }

    /// A copy with the given environmental metrics set (see [`Environment`]).
    ///
    /// # Errors
    /// [`CvssError::UnknownMetric`] when asking for `MAV` on a v2 vector.
    pub fn with_environment(&self, env: &Environment) -> Result<Self, CvssError> {
        let mut out = *self;
        if let Some(av) = env.attack_vector {
            out.set("MAV", av.letter())?;
        }
        for (key, req) in [
            ("CR", env.confidentiality),
            ("IR", env.integrity),
            ("AR", env.availability),
        ] {
            if let Some(req) = req {
                out.set(key, req.letter())?;
            }
        }
        Ok(out)
    }

    /// The attack vector that counts for scoring: `MAV` if defined, else `AV` (v3, v4; `None`
    /// for v2, whose `AV` values differ).
    #[must_use]
    pub fn effective_attack_vector(&self) -> Option<AttackVector> {
        if self.version == Version::V2_0 {
            return None;
        }
        AttackVector::from_letter(self.get("MAV").or_else(|| self.get("AV"))?)
    }

    /// True when any metric of the group is defined.
    pub(crate) fn has_group(&self, group: Group) -> bool {
        self.version
            .metrics()
            .iter()
            .zip(self.slots.iter())
            .any(|(d, s)| d.group == group && *s != 0)
    }

    /// The vector with only its base metrics.
    #[must_use]
    pub fn base_only(&self) -> Self {
        let mut out = *self;
        for (d, s) in self.version.metrics().iter().zip(out.slots.iter_mut()) {
            if d.group != Group::Base {
                *s = 0;
            }
        }
        out
    }

    /// All scores (see [`Scores`]).
    #[must_use]
    pub fn scores(&self) -> Scores {
        match self.version {
            Version::V2_0 => v2::scores(self),
            Version::V3_0 | Version::V3_1 => v3::scores(self),
            Version::V4_0 => v4::scores(self),
        }
    }

    /// The qualitative rating of [`Scores::overall`].
    #[must_use]
    pub fn severity(&self) -> Rating {
        Rating::for_score(self.version, self.scores().overall)
    }
}

fn def_and_slot<'a>(
    defs: &'static [MetricDef],
    slots: &'a mut [u8; SLOTS],
    index: usize,
) -> Result<(&'static MetricDef, &'a mut u8), CvssError> {
    match (defs.get(index), slots.get_mut(index)) {
        (Some(def), Some(slot)) => Ok((def, slot)),
        // The tables have at most SLOTS entries; this is unreachable but must not panic.
        _ => Err(CvssError::Empty),
    }
}

fn encode(def: &MetricDef, value: &str) -> Option<u8> {
    let pos = def.values.iter().position(|v| *v == value)?;
    let code = if def.mandatory() { pos + 1 } else { pos };
    u8::try_from(code).ok()
}

fn bad_value(text: &str, def: &MetricDef, value: &str) -> CvssError {
    CvssError::BadValue {
        vector: text.to_owned(),
        metric: def.key.to_owned(),
        value: value.to_owned(),
        expected: def.values.join(", "),
    }
}

impl fmt::Display for Vector {
    /// Canonical form: the version prefix, then every defined metric in specification order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.version.prefix())?;
        let mut first = true;
        for (index, def) in self.version.metrics().iter().enumerate() {
            if let Some(value) = self.value_at(index) {
                if !first {
                    f.write_str("/")?;
                }
                first = false;
                write!(f, "{}:{value}", def.key)?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Vector {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Vector {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
