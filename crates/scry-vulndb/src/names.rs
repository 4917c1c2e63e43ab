use scry_core::EcosystemKind;

/// The form of a package name that the index keys on.
///
/// - PyPI: PEP 503 normalisation (lower case, runs of `-`, `_`, `.` become `-`).
/// - crates.io: lower case, `_` and `-` are the same crate name on the registry.
/// - Hackage, Packagist, NuGet, RubyGems? RubyGems names are case-sensitive; Packagist
///   and NuGet names are case-insensitive: lower case.
/// - Everything else (npm, Go, Maven, distro packages) is kept as written.
#[must_use]
pub fn normalize_name(kind: &EcosystemKind, name: &str) -> String {
    match kind {
        EcosystemKind::PyPi => {
            let mut out = String::with_capacity(name.len());
            let mut last_sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !last_sep {
                        out.push('-');
                    }
                    last_sep = true;
                } else {
                    out.push(c.to_ascii_lowercase());
                    last_sep = false;
                }
            }
            out
        }
        EcosystemKind::CratesIo => name.trim().to_ascii_lowercase().replace('_', "-"),
        EcosystemKind::Packagist | EcosystemKind::NuGet => name.trim().to_ascii_lowercase(),
        _ => name.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503() {
        assert_eq!(normalize_name(&EcosystemKind::PyPi, "Foo._-Bar"), "foo-bar");
        assert_eq!(
            normalize_name(&EcosystemKind::CratesIo, "Serde_JSON"),
            "serde-json"
        );
        assert_eq!(
            normalize_name(&EcosystemKind::Npm, "@Scope/Pkg"),
            "@Scope/Pkg"
        );
    }
}
