//! Version parsing and total ordering for every ecosystem scry scans.
//!
//! [`Version::parse`] turns a string into a parsed version of a [`VersionScheme`];
//! parsed versions of one scheme are totally ordered ([`Ord`]). [`compare`] and
//! [`compare_in`] are the one-shot forms. Parse once and compare many times on hot paths
//! (the matcher does).
//!
//! Each scheme lives in its own module and follows its ecosystem's reference tool:
//!
//! | module | reference |
//! |---|---|
//! | [`dpkg`] | `dpkg --compare-versions` |
//! | [`rpm`] | `rpmvercmp` + EVR (epoch, version, release) |
//! | [`apk`] | apk-tools `apk_version_compare` |
//! | [`semver`] | SemVer 2.0 precedence (node-semver, Cargo) |
//! | [`go`] | Go's `golang.org/x/mod/semver` |
//! | [`pep440`] | Python `packaging.version` |
//! | [`maven`] | maven-artifact `ComparableVersion` |
//! | [`nuget`] | NuGet.Versioning `NuGetVersion` |
//! | [`rubygems`] | `Gem::Version` |
//! | [`composer`] | Composer's `VersionParser::normalize` + PHP `version_compare` |
//! | [`pub_semver`] | Dart `pub_semver` |
//! | [`cran`] | R `package_version` |
//! | [`hackage`] | Haskell `Data.Version` (PVP) |
//!
//! Two versions of different schemes never compare equal: their order is the order of
//! the schemes, so `Version`'s `Ord` stays a total order, but comparing across schemes
//! is meaningless and callers should not do it.

use std::cmp::Ordering;
use std::fmt;

use scry_core::Ecosystem;
pub use scry_core::VersionScheme;

pub mod apk;
pub mod composer;
pub mod cran;
pub mod dpkg;
pub mod go;
pub mod hackage;
pub mod maven;
pub mod nuget;
mod num;
pub mod pep440;
pub mod pub_semver;
pub mod rpm;
pub mod rubygems;
pub mod semver;

/// Why a version string could not be parsed, or could not be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The string is not a valid version of the scheme.
    #[error("invalid {scheme:?} version {input:?}: {reason}")]
    Invalid {
        /// The scheme that rejected it.
        scheme: VersionScheme,
        /// The string as given.
        input: String,
        /// What was wrong, in a few words.
        reason: String,
    },
    /// The ecosystem has no version scheme scry knows.
    #[error("unknown ecosystem {0:?}: scry has no version ordering for it")]
    UnknownEcosystem(String),
}

impl Error {
    pub(crate) fn invalid(scheme: VersionScheme, input: &str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            scheme,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A parsed version of some scheme.
#[derive(Debug, Clone)]
pub enum Version {
    Dpkg(dpkg::DpkgVersion),
    Rpm(rpm::RpmVersion),
    Apk(apk::ApkVersion),
    SemVer(semver::SemVersion),
    Go(go::GoVersion),
    Pep440(pep440::Pep440Version),
    Maven(maven::MavenVersion),
    NuGet(nuget::NuGetVersion),
    RubyGems(rubygems::GemVersion),
    Composer(composer::ComposerVersion),
    Pub(pub_semver::PubVersion),
    Cran(cran::CranVersion),
    Hackage(hackage::HackageVersion),
}

impl Version {
    /// Parses `s` with the rules of `scheme`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `s` is not a version of that scheme.
    pub fn parse(scheme: VersionScheme, s: &str) -> Result<Self, Error> {
        Ok(match scheme {
            VersionScheme::Dpkg => Self::Dpkg(dpkg::DpkgVersion::parse(s)?),
            VersionScheme::Rpm => Self::Rpm(rpm::RpmVersion::parse(s)?),
            VersionScheme::Apk => Self::Apk(apk::ApkVersion::parse(s)?),
            VersionScheme::SemVer => Self::SemVer(semver::SemVersion::parse(s)?),
            VersionScheme::Go => Self::Go(go::GoVersion::parse(s)?),
            VersionScheme::Pep440 => Self::Pep440(pep440::Pep440Version::parse(s)?),
            VersionScheme::Maven => Self::Maven(maven::MavenVersion::parse(s)?),
            VersionScheme::NuGet => Self::NuGet(nuget::NuGetVersion::parse(s)?),
            VersionScheme::RubyGems => Self::RubyGems(rubygems::GemVersion::parse(s)?),
            VersionScheme::Composer => Self::Composer(composer::ComposerVersion::parse(s)?),
            VersionScheme::Pub => Self::Pub(pub_semver::PubVersion::parse(s)?),
            VersionScheme::Cran => Self::Cran(cran::CranVersion::parse(s)?),
            VersionScheme::Hackage => Self::Hackage(hackage::HackageVersion::parse(s)?),
        })
    }

    /// Parses `s` with the scheme of `ecosystem`.
    ///
    /// # Errors
    /// [`Error::UnknownEcosystem`] when the ecosystem has no scheme; [`Error::Invalid`]
    /// when `s` does not parse.
    pub fn parse_in(ecosystem: &Ecosystem, s: &str) -> Result<Self, Error> {
        let scheme = ecosystem
            .version_scheme()
            .ok_or_else(|| Error::UnknownEcosystem(ecosystem.to_string()))?;
        Self::parse(scheme, s)
    }

    /// The scheme this version was parsed with.
    #[must_use]
    pub fn scheme(&self) -> VersionScheme {
        match self {
            Self::Dpkg(_) => VersionScheme::Dpkg,
            Self::Rpm(_) => VersionScheme::Rpm,
            Self::Apk(_) => VersionScheme::Apk,
            Self::SemVer(_) => VersionScheme::SemVer,
            Self::Go(_) => VersionScheme::Go,
            Self::Pep440(_) => VersionScheme::Pep440,
            Self::Maven(_) => VersionScheme::Maven,
            Self::NuGet(_) => VersionScheme::NuGet,
            Self::RubyGems(_) => VersionScheme::RubyGems,
            Self::Composer(_) => VersionScheme::Composer,
            Self::Pub(_) => VersionScheme::Pub,
            Self::Cran(_) => VersionScheme::Cran,
            Self::Hackage(_) => VersionScheme::Hackage,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Dpkg(a), Self::Dpkg(b)) => a.cmp(b),
            (Self::Rpm(a), Self::Rpm(b)) => a.cmp(b),
            (Self::Apk(a), Self::Apk(b)) => a.cmp(b),
            (Self::SemVer(a), Self::SemVer(b)) => a.cmp(b),
            (Self::Go(a), Self::Go(b)) => a.cmp(b),
            (Self::Pep440(a), Self::Pep440(b)) => a.cmp(b),
            (Self::Maven(a), Self::Maven(b)) => a.cmp(b),
            (Self::NuGet(a), Self::NuGet(b)) => a.cmp(b),
            (Self::RubyGems(a), Self::RubyGems(b)) => a.cmp(b),
            (Self::Composer(a), Self::Composer(b)) => a.cmp(b),
            (Self::Pub(a), Self::Pub(b)) => a.cmp(b),
            (Self::Cran(a), Self::Cran(b)) => a.cmp(b),
            (Self::Hackage(a), Self::Hackage(b)) => a.cmp(b),
            _ => self.scheme().cmp(&other.scheme()),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dpkg(v) => v.fmt(f),
            Self::Rpm(v) => v.fmt(f),
            Self::Apk(v) => v.fmt(f),
            Self::SemVer(v) => v.fmt(f),
            Self::Go(v) => v.fmt(f),
            Self::Pep440(v) => v.fmt(f),
            Self::Maven(v) => v.fmt(f),
            Self::NuGet(v) => v.fmt(f),
            Self::RubyGems(v) => v.fmt(f),
            Self::Composer(v) => v.fmt(f),
            Self::Pub(v) => v.fmt(f),
            Self::Cran(v) => v.fmt(f),
            Self::Hackage(v) => v.fmt(f),
        }
    }
}

/// Compares two version strings of one scheme.
///
/// # Errors
/// [`Error::Invalid`] naming the first string that does not parse.
pub fn compare(scheme: VersionScheme, a: &str, b: &str) -> Result<Ordering, Error> {
    Ok(Version::parse(scheme, a)?.cmp(&Version::parse(scheme, b)?))
}

/// Compares two version strings of an ecosystem (`Debian:12`, `PyPI`, ...).
///
/// # Errors
/// [`Error::UnknownEcosystem`] or [`Error::Invalid`].
pub fn compare_in(ecosystem: &Ecosystem, a: &str, b: &str) -> Result<Ordering, Error> {
    let scheme = ecosystem
        .version_scheme()
        .ok_or_else(|| Error::UnknownEcosystem(ecosystem.to_string()))?;
    compare(scheme, a, b)
}
