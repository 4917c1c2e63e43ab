//! RubyGems, Packagist, NuGet, Pub and Hex catalogers over the peers' fixtures and trivy's
//! goldens.

use crate::lang::{Row, assert_same, assert_same_except, fx, golden, parse_as, run, triples};

fn any(_: &str) -> bool {
    true
}

#[test]
fn rubygems_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/rubygems/osv-scalibr/ruby-gemfilelock",
            cataloger: "gemfile-lock",
            as_path: "Gemfile.lock",
            select: any,
            // `invalid.lock` has a spec without a version: a warning.
            errors: &[],
        },
        Row {
            dir: "lockfiles/rubygems/trivy/ruby-bundler",
            cataloger: "gemfile-lock",
            as_path: "Gemfile.lock",
            select: any,
            errors: &["Gemfile_malformed.lock"],
        },
        Row {
            dir: "lockfiles/rubygems/syft/ruby",
            cataloger: "gemfile-lock",
            as_path: "Gemfile.lock",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("RubyGems: {files} fixtures, {pkgs} packages");
}

#[test]
fn gemfile_lock_kinds() {
    let f = parse_as(
        "gemfile-lock",
        "Gemfile.lock",
        &fx("lockfiles/rubygems/osv-scalibr/ruby-gemfilelock/has-local-gem.lock"),
    )
    .expect("parses");
    for p in &f.packages {
        assert!(p.purl.as_deref().is_some_and(|u| u.starts_with("pkg:gem/")));
    }
}

/// `nokogiri (1.13.3-x86_64-linux)`: the version without its platform, the platform in
/// `arch`; a gem listed for the plain `ruby` platform too has none.
#[test]
fn gemfile_lock_keeps_platforms() {
    let f = parse_as(
        "gemfile-lock",
        "Gemfile.lock",
        &fx("lockfiles/rubygems/osv-scalibr/ruby-gemfilelock/rails.lock"),
    )
    .expect("parses");
    let noko = f
        .packages
        .iter()
        .find(|p| p.name == "nokogiri")
        .expect("nokogiri");
    assert_eq!(
        (
            noko.version.as_str(),
            noko.arch.as_deref(),
            noko.purl.as_deref()
        ),
        (
            "1.13.3",
            Some("x86_64-linux"),
            Some("pkg:gem/nokogiri@1.13.3?platform=x86_64-linux")
        )
    );
    let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    a (1.0)\n    a (1.0-java)\n    \
                b (2.0-java)\n    b (2.0-x86_64-linux)\n\nDEPENDENCIES\n  a\n  b\n";
    let f = scry_catalog::lang::by_name("gemfile-lock")
        .expect("exists")
        .parse(
            "Gemfile.lock",
            text.as_bytes(),
            &scry_catalog::Limits::default(),
        )
        .expect("parses");
    let arch: Vec<(&str, Option<&str>)> = f
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.arch.as_deref()))
        .collect();
    assert_eq!(arch, [("a", None), ("b", Some("java,x86_64-linux"))]);
}

#[test]
fn gemspec_lines_and_file_name() {
    let c = scry_catalog::lang::by_name("gemspec").expect("exists");
    let src = b"Gem::Specification.new do |s|\n  s.name = \"rack\".freeze\n  s.version = \"2.2.3\"\nend\n";
    let f = c
        .parse(
            "usr/lib/ruby/gems/3.0.0/specifications/rack-2.2.3.gemspec",
            src,
            &Default::default(),
        )
        .expect("parses");
    assert_eq!(
        (f.packages[0].name.as_str(), f.packages[0].version.as_str()),
        ("rack", "2.2.3")
    );
    let f = c
        .parse(
            "specifications/json-2.6.1.gemspec",
            b"# generated\n",
            &Default::default(),
        )
        .expect("file name fallback");
    assert_eq!(f.packages[0].version, "2.6.1");
}

#[test]
fn packagist_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/packagist/osv-scalibr/php-composerlock",
            cataloger: "composer-lock",
            as_path: "composer.lock",
            select: any,
            errors: &["not-json.txt", "null.jsontest"],
        },
        Row {
            dir: "lockfiles/packagist/trivy/php-composer",
            cataloger: "composer-lock",
            as_path: "composer.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/packagist/syft/php",
            cataloger: "composer-lock",
            as_path: "composer.lock",
            select: |n| n == "composer.lock",
            errors: &[],
        },
        Row {
            dir: "lockfiles/packagist/syft/php",
            cataloger: "composer-installed",
            as_path: "vendor/composer/installed.json",
            select: |n| n == "installed.json",
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("Packagist: {files} fixtures, {pkgs} packages");
}

/// trivy's composer-vendor case has `installed.json` (v2) at the top of the folder, not
/// under `vendor/composer/`; trivy's analyzer goes by the file name, and so does scry.
#[test]
fn composer_installed_matches_trivy() {
    let file = fx("lockfiles/packagist/trivy-integration/composer-vendor/installed.json");
    let c = scry_catalog::lang::by_name("composer-installed").expect("exists");
    for path in ["installed.json", "vendor/composer/installed.json"] {
        assert!(c.wants(path), "{path}");
        let f = parse_as("composer-installed", path, &file).expect("parses");
        assert!(f.warnings.is_empty(), "{:?}", f.warnings);
        assert_same(
            "composer-vendor",
            &triples(&f, true),
            &golden(
                "lockfiles/packagist/trivy-integration/composer-vendor.expected/composer.vendor.json.golden",
                "installed.json",
                true,
            ),
        );
    }
}

/// Both `installed.json` formats (v1: an array, v2: `{"packages": [...]}`) read the same
/// anywhere; outside a `composer/` folder, a file of another shape is someone else's
/// `installed.json` and yields nothing, not a warning.
#[test]
fn composer_installed_anywhere() {
    let v1 = fx("lockfiles/packagist/syft/php/vendor/composer_1/installed.json");
    let v2 = fx("lockfiles/packagist/syft/php/vendor/composer_2/installed.json");
    for file in [&v1, &v2] {
        let strict =
            parse_as("composer-installed", "vendor/composer/installed.json", file).expect("parses");
        let loose = parse_as("composer-installed", "dist/installed.json", file).expect("parses");
        assert!(!strict.packages.is_empty());
        assert_eq!(triples(&strict, true), triples(&loose, true));
    }
    let c = scry_catalog::lang::by_name("composer-installed").expect("exists");
    let limits = Default::default();
    for other in [
        &b"{\"installed\": true}"[..],
        b"[\"a\", \"b\"]",
        b"not json",
        b"42",
    ] {
        let f = c
            .parse("app/installed.json", other, &limits)
            .expect("not ours");
        assert!(f.packages.is_empty() && f.warnings.is_empty());
        // Where Composer writes it, the same file is a broken one: an error or warnings.
        assert!(
            c.parse("vendor/composer/installed.json", other, &limits)
                .map_or(true, |f| !f.warnings.is_empty())
        );
    }
}

#[test]
fn nuget_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/nuget/osv-scalibr/dotnet-packageslockjson",
            cataloger: "nuget-lock",
            as_path: "packages.lock.json",
            select: any,
            errors: &["invalid"],
        },
        Row {
            dir: "lockfiles/nuget/trivy/nuget-lock",
            cataloger: "nuget-lock",
            as_path: "packages.lock.json",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/nuget/syft/dotnet",
            cataloger: "nuget-lock",
            as_path: "packages.lock.json",
            select: |n| n == "packages.lock.json",
            errors: &[],
        },
        Row {
            dir: "lockfiles/nuget/osv-scalibr/dotnet-depsjson",
            cataloger: "dotnet-deps",
            as_path: "app.deps.json",
            select: any,
            errors: &["invalid", "empty"],
        },
        Row {
            dir: "lockfiles/nuget/trivy/dotnet-core_deps",
            cataloger: "dotnet-deps",
            as_path: "app.deps.json",
            select: any,
            errors: &["invalid.deps.json", "no-libraries.deps.json"],
        },
        Row {
            dir: "lockfiles/nuget/syft/dotnet",
            cataloger: "dotnet-deps",
            as_path: "app.deps.json",
            select: |n| n.ends_with(".deps.json"),
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("NuGet: {files} fixtures, {pkgs} packages");
}

#[test]
fn packages_props_fixtures_parse() {
    let rows = [Row {
        dir: "lockfiles/nuget/trivy/nuget-packagesprops",
        cataloger: "nuget-props",
        as_path: "Directory.Packages.props",
        select: any,
        errors: &["no_project.props"],
    }];
    let (files, pkgs) = run(&rows);
    eprintln!("NuGet props: {files} fixtures, {pkgs} packages");
}

/// trivy's integration golden: central package management (`<PackageVersion>`).
#[test]
fn directory_packages_props_matches_trivy() {
    let f = parse_as(
        "nuget-props",
        "Directory.Packages.props",
        &fx("lockfiles/nuget/trivy-integration/packagesprops/Directory.Packages.props"),
    )
    .expect("parses");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    assert_same(
        "packagesprops",
        &triples(&f, true),
        &golden(
            "lockfiles/nuget/trivy-integration/packagesprops.expected/packagesprops.json.golden",
            "Directory.Packages.props",
            true,
        ),
    );
}

/// The expectations of trivy's parser test (`pkg/dependency/parser/nuget/packagesprops/
/// parse_test.go`): `Update` names, trimmed names and versions, several item groups,
/// MSBuild properties and empty values skipped (here with warnings), entries outside an
/// `<ItemGroup>` ignored, no `<Project>` an error.
#[test]
fn packages_props_match_trivys_parser_tests() {
    let dir = "lockfiles/nuget/trivy/nuget-packagesprops";
    let pairs = |name: &str| -> (Vec<(String, String)>, usize) {
        let f = parse_as(
            "nuget-props",
            "Packages.props",
            &fx(&format!("{dir}/{name}")),
        )
        .expect("parses");
        let mut out: Vec<_> = f
            .packages
            .iter()
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        out.sort();
        (out, f.warnings.len())
    };
    let own = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    };
    let one_two_three = own(&[
        ("PackageOne", "6.2.3"),
        ("PackageThree", "2.4.1"),
        ("PackageTwo", "6.0.0"),
    ]);
    assert_eq!(
        pairs("packages.props"),
        (
            own(&[
                ("Microsoft.Extensions.Configuration", "2.1.1"),
                (
                    "Microsoft.Extensions.DependencyInjection.Abstractions",
                    "2.2.1"
                ),
                ("Microsoft.Extensions.Http", "3.2.1"),
            ]),
            // `WrongAttribute=` (no name) and `Package3` (no version).
            2
        )
    );
    assert_eq!(
        pairs("Directory.Packages.props"),
        (one_two_three.clone(), 0)
    );
    assert_eq!(pairs("several_item_groups"), (one_two_three, 0));
    assert_eq!(
        pairs("variables_and_empty"),
        (own(&[("PackageFour", "2.4.1")]), 4)
    );
    assert_eq!(pairs("no_item_group.props"), (vec![], 0));
    let err = parse_as(
        "nuget-props",
        "Packages.props",
        &fx(&format!("{dir}/no_project.props")),
    )
    .expect_err("no <Project>");
    assert!(err.reason.contains("<Project>"), "{err}");
}

/// What trivy does not read: `GlobalPackageReference`, `<Version>` elements, exact
/// `[1.2.3]` versions; ranges and floating versions become warnings naming the entry.
#[test]
fn packages_props_more_forms() {
    let src = br#"<?xml version="1.0" encoding="utf-8"?>
<Project>
  <PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup Condition="'$(TargetFramework)' == 'net8.0'">
    <GlobalPackageReference Include="Nerdbank.GitVersioning" Version="3.6.133" />
    <PackageVersion Include="Serilog"><Version>3.1.1</Version></PackageVersion>
    <PackageVersion Include="Exact" Version="[1.2.3]" />
    <PackageVersion Include="Ranged" Version="[1.0,2.0)" />
    <PackageVersion Include="Floating" Version="6.*" />
  </ItemGroup>
</Project>"#;
    let c = scry_catalog::lang::by_name("nuget-props").expect("exists");
    for path in [
        "src/Directory.Packages.props",
        "directory.packages.props",
        "Packages.props",
        "build/Common.Packages.props",
    ] {
        assert!(c.wants(path), "{path}");
    }
    assert!(!c.wants("Directory.Build.props"));
    let f = c
        .parse("src/Directory.Packages.props", src, &Default::default())
        .expect("parses");
    let mut got: Vec<_> = f
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str(), p.purl.as_deref()))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        vec![
            ("Exact", "1.2.3", Some("pkg:nuget/Exact@1.2.3")),
            (
                "Nerdbank.GitVersioning",
                "3.6.133",
                Some("pkg:nuget/Nerdbank.GitVersioning@3.6.133")
            ),
            ("Serilog", "3.1.1", Some("pkg:nuget/Serilog@3.1.1")),
        ]
    );
    let reasons: Vec<&str> = f.warnings.iter().map(|w| w.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons.iter().all(|r| r.contains("range or floating")));
    assert!(
        f.warnings
            .iter()
            .all(|w| w.path == "src/Directory.Packages.props")
    );
    assert!(
        c.parse(
            "Packages.props",
            b"<Project><ItemGroup>",
            &Default::default()
        )
        .is_err()
    );
}

#[test]
fn deps_json_matches_trivy() {
    let f = parse_as(
        "dotnet-deps",
        "datacollector.deps.json",
        &fx("lockfiles/nuget/trivy-integration/dotnet/datacollector.deps.json"),
    )
    .expect("parses");
    // trivy lists the application itself (`type: project`, relationship root); scry
    // lists NuGet packages only.
    assert_same_except(
        "dotnet",
        &triples(&f, true),
        &golden(
            "lockfiles/nuget/trivy-integration/dotnet.expected/dotnet.json.golden",
            "datacollector.deps.json",
            true,
        ),
        &[],
        &[(
            "Microsoft.VisualStudio.TestPlatform.Common",
            "17.2.0-release-20220408-11",
        )],
    );
}

#[test]
fn pub_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/pub/osv-scalibr/dart-pubspec",
            cataloger: "pubspec-lock",
            as_path: "pubspec.lock",
            select: any,
            errors: &["not-yaml.txt"],
        },
        Row {
            dir: "lockfiles/pub/trivy/dart-pub",
            cataloger: "pubspec-lock",
            as_path: "pubspec.lock",
            select: any,
            errors: &["broken.lock"],
        },
        Row {
            dir: "lockfiles/pub/syft/dart",
            cataloger: "pubspec-lock",
            as_path: "pubspec.lock",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("Pub: {files} fixtures, {pkgs} packages");
}

#[test]
fn pubspec_matches_trivy() {
    let f = parse_as(
        "pubspec-lock",
        "pubspec.lock",
        &fx("lockfiles/pub/trivy-integration/pubspec/pubspec.lock"),
    )
    .expect("parses");
    assert_same(
        "pubspec",
        &triples(&f, true),
        &golden(
            "lockfiles/pub/trivy-integration/pubspec.expected/pubspec.lock.json.golden",
            "pubspec.lock",
            true,
        ),
    );
}

#[test]
fn hex_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/hex/osv-scalibr/elixir-mixlock",
            cataloger: "mix-lock",
            as_path: "mix.lock",
            select: any,
            // `invalid` has one broken entry among good ones: good entries and a warning.
            errors: &[],
        },
        Row {
            dir: "lockfiles/hex/osv-scalibr/erlang-mixlock",
            cataloger: "mix-lock",
            as_path: "mix.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/hex/trivy/hex-mix",
            cataloger: "mix-lock",
            as_path: "mix.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/hex/syft/elixir",
            cataloger: "mix-lock",
            as_path: "mix.lock",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("Hex: {files} fixtures, {pkgs} packages");
}

#[test]
fn malformed_entries_become_warnings() {
    let f = parse_as(
        "mix-lock",
        "mix.lock",
        &fx("lockfiles/hex/osv-scalibr/elixir-mixlock/invalid"),
    )
    .expect("parses");
    assert_eq!(f.packages.len(), 1);
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].path, "mix.lock");
    let f = parse_as(
        "gemfile-lock",
        "Gemfile.lock",
        &fx("lockfiles/rubygems/osv-scalibr/ruby-gemfilelock/invalid.lock"),
    )
    .expect("parses");
    assert!(f.packages.is_empty());
    assert!(
        f.warnings[0].reason.contains("invalid-name"),
        "{:?}",
        f.warnings
    );
}

#[test]
fn mix_lock_matches_trivy() {
    let f = parse_as(
        "mix-lock",
        "mix.lock",
        &fx("lockfiles/hex/trivy-integration/mixlock/mix.lock"),
    )
    .expect("parses");
    assert_same(
        "mix.lock",
        &triples(&f, true),
        &golden(
            "lockfiles/hex/trivy-integration/mixlock.expected/mix.lock.json.golden",
            "mix.lock",
            true,
        ),
    );
}
