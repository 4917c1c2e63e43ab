//! What an inventory is: the packages found in a target, with where they were found.
//!
//! Every cataloger (dpkg, apk, rpm, npm, PyPI, Cargo, Go, Java, ...) produces
//! [`Package`]s; an [`Inventory`] holds them with the target and its operating system.
//! The matcher reads nothing else, so a stored inventory can be re-matched when the
//! advisory database changes, without reading the target again.

use serde::{Deserialize, Serialize};

use crate::{Ecosystem, EcosystemKind};

/// The kind of thing inventoried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A container image (OCI layout, OCI archive, `docker save`, registry).
    Image,
    /// A root filesystem: a mounted disk snapshot or a running host's `/`.
    Rootfs,
    /// A project folder.
    Fs,
    /// A function deployment package (zip) and its layers.
    Function,
    /// An SBOM read back in.
    Sbom,
    /// A single lockfile or manifest.
    Lockfile,
}

/// What was inventoried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub kind: TargetKind,
    /// The name the user gave (path, image reference, function name).
    pub name: String,
    /// The image's manifest or config digest, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

/// The operating system of a root filesystem or image, from `os-release` and fallbacks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OsRelease {
    /// `ID` (`debian`, `ubuntu`, `alpine`, `rhel`, `almalinux`, `rocky`, `amzn`, `ol`,
    /// `sles`, `opensuse-leap`, `wolfi`, `chainguard`, `fedora`, `centos`, `mariner`, `azurelinux`, `photon`).
    pub id: String,
    /// `VERSION_ID` (`12`, `22.04`, `3.20.3`, `9.4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// `VERSION_CODENAME` (`bookworm`, `jammy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// `PRETTY_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// `ID_LIKE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
}

impl OsRelease {
    /// The OSV ecosystem whose advisories apply to this system's packages
    /// (`Debian:12`, `Ubuntu:22.04:LTS`, `Alpine:v3.20`, `AlmaLinux:9`, ...), or `None`
    /// for a distribution scry has no advisories for.
    #[must_use]
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        let version = self.version_id.as_deref().unwrap_or("");
        let major = version.split('.').next().unwrap_or("");
        let eco = |kind: EcosystemKind, release: &str| Some(Ecosystem::with_release(kind, release));
        match self.id.as_str() {
            "debian" => eco(EcosystemKind::Debian, major),
            "ubuntu" => {
                // OSV spells LTS releases `Ubuntu:22.04:LTS`: even years, April.
                let lts =
                    version.ends_with(".04") && major.parse::<u32>().is_ok_and(|y| y % 2 == 0);
                let release = if lts {
                    format!("{version}:LTS")
                } else {
                    version.to_owned()
                };
                eco(EcosystemKind::Ubuntu, &release)
            }
            "alpine" => {
                let mut parts = version.split('.');
                match (parts.next(), parts.next()) {
                    (Some(a), Some(b)) => eco(EcosystemKind::Alpine, &format!("v{a}.{b}")),
                    _ => eco(EcosystemKind::Alpine, ""),
                }
            }
            "wolfi" => eco(EcosystemKind::Wolfi, ""),
            "chainguard" => eco(EcosystemKind::Chainguard, ""),
            "almalinux" => eco(EcosystemKind::AlmaLinux, major),
            "rocky" => eco(EcosystemKind::RockyLinux, major),
            "rhel" | "centos" => eco(EcosystemKind::RedHat, major),
            "fedora" => eco(EcosystemKind::Fedora, major),
            "amzn" => eco(EcosystemKind::AmazonLinux, major),
            "ol" => eco(EcosystemKind::OracleLinux, major),
            "sles" | "sles_sap" => eco(EcosystemKind::Suse, version),
            "opensuse-leap" | "opensuse-tumbleweed" | "opensuse" => {
                eco(EcosystemKind::OpenSuse, version)
            }
            "mariner" => eco(EcosystemKind::Mariner, version),
            "azurelinux" => eco(EcosystemKind::AzureLinux, version),
            "photon" => eco(EcosystemKind::PhotonOs, version),
            _ => None,
        }
    }
}

/// How a package is related to the project that depends on it, where the source says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DependencyKind {
    Direct,
    Transitive,
    Dev,
}

/// Which package manager or source format a package was found by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum PackageManager {
    Dpkg,
    Apk,
    Rpm,
    Npm,
    Yarn,
    Pnpm,
    Bun,
    Pip,
    Poetry,
    Pipenv,
    Uv,
    Pdm,
    PythonPkg,
    Cargo,
    RustBinary,
    Gomod,
    Gobinary,
    Jar,
    Gradle,
    Pom,
    /// sbt-dependency-lock's `build.sbt.lock`.
    Sbt,
    Bundler,
    Gemspec,
    Composer,
    Nuget,
    Pub,
    Mix,
    /// Swift Package Manager (`Package.resolved`).
    Swift,
    Sbom,
    Os,
}

/// One package found in a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// The name as the ecosystem writes it (binary package name for OS packages).
    pub name: String,
    /// The full version as the ecosystem writes it: dpkg `[epoch:]upstream[-revision]`,
    /// rpm `[epoch:]version-release`, apk `version-rN`, PEP 440, SemVer, ...
    pub version: String,
    /// The ecosystem whose advisories apply: for OS packages the distribution with its
    /// release (`Debian:12`); for language packages the registry (`PyPI`, `npm`).
    pub ecosystem: Ecosystem,
    pub package_manager: PackageManager,
    /// A package URL (ECMA-427).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// The source package (dpkg `Source:`, rpm `SOURCERPM` name, apk `o:`); distro
    /// advisories are keyed by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// The source package's version, when it differs from the binary's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// rpm release / dpkg revision, when the format has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// Where it was found (the database, lockfile, manifest or binary), relative to the
    /// target's root.
    pub path: String,
    /// The digest of the image layer that brought it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<DependencyKind>,
    /// Files the package owns, where its database lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// Licences as declared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
}

/// A dependency edge between two packages of an inventory (indexes into `packages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dependency {
    pub from: usize,
    pub to: usize,
}

/// Everything found in one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub target: Target,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<OsRelease>,
    pub packages: Vec<Package>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// Problems met while inventorying (unreadable files, skipped entries), each naming
    /// the input and the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, v: &str) -> OsRelease {
        OsRelease {
            id: id.into(),
            version_id: Some(v.into()),
            ..OsRelease::default()
        }
    }

    #[test]
    fn ecosystems() {
        let e = |id, v| os(id, v).ecosystem().map(|e| e.to_string());
        assert_eq!(e("debian", "12").as_deref(), Some("Debian:12"));
        assert_eq!(e("ubuntu", "22.04").as_deref(), Some("Ubuntu:22.04:LTS"));
        assert_eq!(e("ubuntu", "23.10").as_deref(), Some("Ubuntu:23.10"));
        assert_eq!(e("alpine", "3.20.3").as_deref(), Some("Alpine:v3.20"));
        assert_eq!(e("almalinux", "9.4").as_deref(), Some("AlmaLinux:9"));
        assert_eq!(e("arch", "rolling"), None);
    }
}
