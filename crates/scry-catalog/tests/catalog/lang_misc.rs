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

#[test]
fn composer_installed_matches_trivy() {
    let f = parse_as(
        "composer-installed",
        "vendor/composer/installed.json",
        &fx("lockfiles/packagist/trivy-integration/composer-vendor/installed.json"),
    )
    .expect("parses");
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
