use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The family an OSV ecosystem name belongs to, without its release.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EcosystemKind {
    // Operating systems, dpkg family.
    Debian,
    Ubuntu,
    // apk family.
    Alpine,
    Wolfi,
    Chainguard,
    MinimOs,
    Alpaquita,
    // rpm family.
    AlmaLinux,
    RockyLinux,
    RedHat,
    Fedora,
    AmazonLinux,
    OracleLinux,
    CentOs,
    Suse,
    OpenSuse,
    Mageia,
    AzureLinux,
    Mariner,
    PhotonOs,
    OpenEuler,
    // Language ecosystems.
    PyPi,
    Npm,
    CratesIo,
    Go,
    Maven,
    NuGet,
    RubyGems,
    Packagist,
    Pub,
    Hex,
    Cran,
    Hackage,
    Ghc,
    SwiftUrl,
    Bitnami,
    GitHubActions,
    // Ecosystems whose records use GIT ranges or their own schemes.
    Linux,
    OssFuzz,
    Android,
    Git,
    /// A name scry does not know. Kept verbatim.
    Other(String),
}

/// Which ordering rules a version string follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum VersionScheme {
    /// dpkg: epoch, upstream, revision, `~` sorts first.
    Dpkg,
    /// rpmvercmp with epoch and release.
    Rpm,
    /// apk-tools: suffixes `_alpha`.. `_p`, `-rN`.
    Apk,
    /// SemVer 2.0 precedence (npm, crates.io, Hex, Bitnami, SwiftURL, GitHub Actions).
    SemVer,
    /// Go modules: semver with `v`, `+incompatible`, pseudo-versions.
    Go,
    /// PEP 440.
    Pep440,
    /// Maven's ComparableVersion.
    Maven,
    /// NuGet: semver with a 4th component, case-insensitive labels.
    NuGet,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// Composer's `version_compare` after normalisation.
    Composer,
    /// Dart's pub_semver.
    Pub,
    /// R's `package_version`: numbers separated by `.` or `-`.
    Cran,
    /// Haskell PVP: numbers separated by `.`.
    Hackage,
}

impl EcosystemKind {
    /// The canonical OSV spelling.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Debian => "Debian",
            Self::Ubuntu => "Ubuntu",
            Self::Alpine => "Alpine",
            Self::Wolfi => "Wolfi",
            Self::Chainguard => "Chainguard",
            Self::MinimOs => "MinimOS",
            Self::Alpaquita => "Alpaquita",
            Self::AlmaLinux => "AlmaLinux",
            Self::RockyLinux => "Rocky Linux",
            Self::RedHat => "Red Hat",
            Self::Fedora => "Fedora",
            Self::AmazonLinux => "Amazon Linux",
            Self::OracleLinux => "Oracle Linux",
            Self::CentOs => "CentOS",
            Self::Suse => "SUSE",
            Self::OpenSuse => "openSUSE",
            Self::Mageia => "Mageia",
            Self::AzureLinux => "Azure Linux",
            Self::Mariner => "Mariner",
            Self::PhotonOs => "Photon OS",
            Self::OpenEuler => "openEuler",
            Self::PyPi => "PyPI",
            Self::Npm => "npm",
            Self::CratesIo => "crates.io",
            Self::Go => "Go",
            Self::Maven => "Maven",
            Self::NuGet => "NuGet",
            Self::RubyGems => "RubyGems",
            Self::Packagist => "Packagist",
            Self::Pub => "Pub",
            Self::Hex => "Hex",
            Self::Cran => "CRAN",
            Self::Hackage => "Hackage",
            Self::Ghc => "GHC",
            Self::SwiftUrl => "SwiftURL",
            Self::Bitnami => "Bitnami",
            Self::GitHubActions => "GitHub Actions",
            Self::Linux => "Linux",
            Self::OssFuzz => "OSS-Fuzz",
            Self::Android => "Android",
            Self::Git => "GIT",
            Self::Other(name) => name,
        }
    }

    /// Looks a family name up; exact OSV spelling first, then case-insensitively.
    #[must_use]
    pub fn parse(name: &str) -> Self {
        const KNOWN: &[(&str, EcosystemKind)] = &[
            ("Debian", EcosystemKind::Debian),
            ("Ubuntu", EcosystemKind::Ubuntu),
            ("Alpine", EcosystemKind::Alpine),
            ("Wolfi", EcosystemKind::Wolfi),
            ("Chainguard", EcosystemKind::Chainguard),
            ("MinimOS", EcosystemKind::MinimOs),
            ("Alpaquita", EcosystemKind::Alpaquita),
            ("AlmaLinux", EcosystemKind::AlmaLinux),
            ("Rocky Linux", EcosystemKind::RockyLinux),
            ("Red Hat", EcosystemKind::RedHat),
            ("Fedora", EcosystemKind::Fedora),
            ("Amazon Linux", EcosystemKind::AmazonLinux),
            ("Oracle Linux", EcosystemKind::OracleLinux),
            ("CentOS", EcosystemKind::CentOs),
            ("SUSE", EcosystemKind::Suse),
            ("openSUSE", EcosystemKind::OpenSuse),
            ("Mageia", EcosystemKind::Mageia),
            ("Azure Linux", EcosystemKind::AzureLinux),
            ("Mariner", EcosystemKind::Mariner),
            ("CBL-Mariner", EcosystemKind::Mariner),
            ("Photon OS", EcosystemKind::PhotonOs),
            ("openEuler", EcosystemKind::OpenEuler),
            ("PyPI", EcosystemKind::PyPi),
            ("npm", EcosystemKind::Npm),
            ("crates.io", EcosystemKind::CratesIo),
            ("Go", EcosystemKind::Go),
            ("Maven", EcosystemKind::Maven),
            ("NuGet", EcosystemKind::NuGet),
            ("RubyGems", EcosystemKind::RubyGems),
            ("Packagist", EcosystemKind::Packagist),
            ("Pub", EcosystemKind::Pub),
            ("Hex", EcosystemKind::Hex),
            ("CRAN", EcosystemKind::Cran),
            ("Hackage", EcosystemKind::Hackage),
            ("GHC", EcosystemKind::Ghc),
            ("SwiftURL", EcosystemKind::SwiftUrl),
            ("Bitnami", EcosystemKind::Bitnami),
            ("GitHub Actions", EcosystemKind::GitHubActions),
            ("Linux", EcosystemKind::Linux),
            ("OSS-Fuzz", EcosystemKind::OssFuzz),
            ("Android", EcosystemKind::Android),
            ("GIT", EcosystemKind::Git),
        ];
        if let Some((_, kind)) = KNOWN.iter().find(|(n, _)| *n == name) {
            return kind.clone();
        }
        if let Some((_, kind)) = KNOWN.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return kind.clone();
        }
        match name.to_ascii_lowercase().as_str() {
            "cargo" | "rust" | "crates" => Self::CratesIo,
            "golang" => Self::Go,
            "pypi" | "python" | "pip" => Self::PyPi,
            "gem" | "rubygem" => Self::RubyGems,
            "composer" | "php" => Self::Packagist,
            "redhat" | "rhel" => Self::RedHat,
            "rocky" | "rockylinux" => Self::RockyLinux,
            "almalinux" | "alma" => Self::AlmaLinux,
            "amazon" | "amazonlinux" | "amzn" => Self::AmazonLinux,
            "oracle" | "oraclelinux" | "ol" => Self::OracleLinux,
            "opensuse-leap" | "opensuse-tumbleweed" | "sles" => Self::Suse,
            "photon" => Self::PhotonOs,
            _ => Self::Other(name.to_owned()),
        }
    }

    /// The version ordering this family uses, or `None` when scry has none
    /// (unknown ecosystems, and those whose records use only GIT ranges).
    #[must_use]
    pub fn version_scheme(&self) -> Option<VersionScheme> {
        use VersionScheme as V;
        Some(match self {
            Self::Debian | Self::Ubuntu => V::Dpkg,
            Self::Alpine | Self::Wolfi | Self::Chainguard | Self::MinimOs | Self::Alpaquita => {
                V::Apk
            }
            Self::AlmaLinux
            | Self::RockyLinux
            | Self::RedHat
            | Self::Fedora
            | Self::AmazonLinux
            | Self::OracleLinux
            | Self::CentOs
            | Self::Suse
            | Self::OpenSuse
            | Self::Mageia
            | Self::AzureLinux
            | Self::Mariner
            | Self::PhotonOs
            | Self::OpenEuler => V::Rpm,
            Self::PyPi => V::Pep440,
            Self::Npm
            | Self::CratesIo
            | Self::Hex
            | Self::Bitnami
            | Self::SwiftUrl
            | Self::GitHubActions => V::SemVer,
            Self::Go => V::Go,
            Self::Maven => V::Maven,
            Self::NuGet => V::NuGet,
            Self::RubyGems => V::RubyGems,
            Self::Packagist => V::Composer,
            Self::Pub => V::Pub,
            Self::Cran => V::Cran,
            Self::Hackage | Self::Ghc => V::Hackage,
            Self::Linux | Self::OssFuzz | Self::Android | Self::Git | Self::Other(_) => {
                return None;
            }
        })
    }

    /// Whether this is an operating-system distribution (advisories keyed by
    /// source package and release).
    #[must_use]
    pub fn is_os(&self) -> bool {
        matches!(
            self.version_scheme(),
            Some(VersionScheme::Dpkg | VersionScheme::Rpm | VersionScheme::Apk)
        )
    }
}

/// An ecosystem as OSV spells it: a family and an optional release
/// (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`, `AlmaLinux:9`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ecosystem {
    kind: EcosystemKind,
    release: Option<String>,
}

impl Ecosystem {
    /// An ecosystem with no release part.
    #[must_use]
    pub fn new(kind: EcosystemKind) -> Self {
        Self {
            kind,
            release: None,
        }
    }

    /// An ecosystem with a release (`Debian` + `12`).
    #[must_use]
    pub fn with_release(kind: EcosystemKind, release: impl Into<String>) -> Self {
        let release = release.into();
        Self {
            kind,
            release: (!release.is_empty()).then_some(release),
        }
    }

    /// Parses `Family` or `Family:release`. Never fails: unknown families become
    /// [`EcosystemKind::Other`].
    #[must_use]
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        match s.split_once(':') {
            Some((family, release)) => Self::with_release(EcosystemKind::parse(family), release),
            None => Self::new(EcosystemKind::parse(s)),
        }
    }

    /// The family.
    #[must_use]
    pub fn kind(&self) -> &EcosystemKind {
        &self.kind
    }

    /// The release part, if any (`12` in `Debian:12`).
    #[must_use]
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref()
    }

    /// The same family without the release.
    #[must_use]
    pub fn family(&self) -> Self {
        Self::new(self.kind.clone())
    }

    /// See [`EcosystemKind::version_scheme`].
    #[must_use]
    pub fn version_scheme(&self) -> Option<VersionScheme> {
        self.kind.version_scheme()
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.as_str())?;
        if let Some(release) = &self.release {
            write!(f, ":{release}")?;
        }
        Ok(())
    }
}

impl FromStr for Ecosystem {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::parse(s))
    }
}

impl Serialize for Ecosystem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ecosystem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Self::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_releases_and_round_trips() {
        for s in [
            "Debian:12",
            "Ubuntu:22.04:LTS",
            "Alpine:v3.20",
            "AlmaLinux:9",
            "PyPI",
            "crates.io",
            "Rocky Linux:8",
            "Something New:1",
        ] {
            assert_eq!(Ecosystem::parse(s).to_string(), s);
        }
        let e = Ecosystem::parse("Ubuntu:22.04:LTS");
        assert_eq!(e.kind(), &EcosystemKind::Ubuntu);
        assert_eq!(e.release(), Some("22.04:LTS"));
    }

    #[test]
    fn schemes() {
        assert_eq!(
            Ecosystem::parse("Debian:12").version_scheme(),
            Some(VersionScheme::Dpkg)
        );
        assert_eq!(
            Ecosystem::parse("AlmaLinux:8").version_scheme(),
            Some(VersionScheme::Rpm)
        );
        assert_eq!(
            Ecosystem::parse("pypi").version_scheme(),
            Some(VersionScheme::Pep440)
        );
        assert_eq!(Ecosystem::parse("Nope").version_scheme(), None);
        assert_eq!(Ecosystem::parse("Linux").version_scheme(), None);
        assert!(Ecosystem::parse("Alpine:v3.19").kind().is_os());
    }
}
