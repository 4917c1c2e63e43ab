//! crates.io and Go catalogers: lockfiles, go.mod and binaries.

use crate::lang::{Row, fx, parse_as, run};

fn any(_: &str) -> bool {
    true
}

#[test]
fn cargo_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/cargo/osv-scalibr/rust-cargolock",
            cataloger: "cargo-lock",
            as_path: "Cargo.lock",
            select: any,
            errors: &["not-toml.txt"],
        },
        Row {
            dir: "lockfiles/cargo/trivy/rust-cargo",
            cataloger: "cargo-lock",
            as_path: "Cargo.lock",
            select: any,
            errors: &["cargo_invalid.lock"],
        },
        Row {
            dir: "lockfiles/cargo/syft/rust",
            cataloger: "cargo-lock",
            as_path: "Cargo.lock",
            select: any,
            errors: &[],
        },
        Row {
            dir: "binaries/rust-auditable",
            cataloger: "rust-auditable",
            as_path: "usr/bin/x",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("crates.io: {files} fixtures, {pkgs} packages");
}

fn names(f: &scry_catalog::Found) -> Vec<String> {
    let mut v: Vec<String> = f
        .packages
        .iter()
        .map(|p| format!("{}@{}", p.name, p.version))
        .collect();
    v.sort();
    v
}

#[test]
fn auditable_binaries() {
    // trivy's ELF/PE/Mach-O samples embed only `local` crates (the binary and a path
    // dependency), which trivy lists and scry skips (not on crates.io): the section is
    // found and read in all three formats, and yields nothing.
    for b in ["test.elf", "test.exe", "test.macho"] {
        let f = parse_as(
            "rust-auditable",
            b,
            &fx(&format!("binaries/rust-auditable/trivy/{b}")),
        )
        .expect("parses");
        assert!(
            f.packages.is_empty() && f.warnings.is_empty(),
            "{b}: {:?}",
            names(&f)
        );
    }
    let f = parse_as(
        "rust-auditable",
        "x",
        &fx("binaries/rust-auditable/osv-scalibr/uses_serde_json/uses_serde_json"),
    )
    .expect("parses");
    // The proc-macro crates (serde_derive, syn, ...) carry no `kind`: listed as runtime.
    assert_eq!(
        names(&f),
        [
            "itoa@1.0.14",
            "memchr@2.7.4",
            "proc-macro2@1.0.92",
            "quote@1.0.38",
            "ryu@1.0.18",
            "serde@1.0.217",
            "serde_derive@1.0.217",
            "serde_json@1.0.135",
            "syn@2.0.95",
            "unicode-ident@1.0.14"
        ]
    );
    assert_eq!(f.packages[0].purl.as_deref(), Some("pkg:cargo/itoa@1.0.14"));
    let f = parse_as(
        "rust-auditable",
        "x",
        &fx("binaries/rust-auditable/osv-scalibr/no_deps/no_deps"),
    )
    .expect("parses");
    assert!(f.packages.is_empty());
    let f = parse_as(
        "rust-auditable",
        "x",
        &fx("binaries/rust-auditable/trivy/dummy"),
    )
    .expect("not a binary is no error");
    assert!(f.packages.is_empty());
}

#[test]
fn go_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/go/osv-scalibr/golang-gomod",
            cataloger: "go-mod",
            as_path: "go.mod",
            select: |n| n.ends_with(".mod"),
            errors: &["not-go-mod.mod"],
        },
        Row {
            dir: "lockfiles/go/trivy/golang-mod",
            cataloger: "go-mod",
            as_path: "go.mod",
            select: |n| n == "go.mod",
            errors: &[],
        },
        Row {
            dir: "lockfiles/go/syft/golang",
            cataloger: "go-mod",
            as_path: "go.mod",
            select: |n| n == "go.mod",
            errors: &[],
        },
        Row {
            dir: "binaries/go",
            cataloger: "go-binary",
            as_path: "usr/bin/x",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("Go: {files} fixtures, {pkgs} packages");
}

#[test]
fn go_binaries() {
    for b in [
        "osv-scalibr/binary_with_module_replacement-linux-amd64",
        "osv-scalibr/binary_with_module_replacement-linux-386",
        "osv-scalibr/binary_with_module_replacement-windows-386",
        "trivy/goexperiment",
        "trivy/main-version-via-ldflags.elf",
    ] {
        let f = parse_as("go-binary", "x", &fx(&format!("binaries/go/{b}"))).expect("parses");
        assert!(f.warnings.is_empty(), "{b}: {:?}", f.warnings);
        let want: &[&str] = match b {
            "trivy/goexperiment" => &["stdlib@1.22.1"],
            "trivy/main-version-via-ldflags.elf" => {
                &["github.com/aquasecurity/test@v1.0.0", "stdlib@1.22.1"]
            }
            // `golang.org/x/xerrors => github.com/golang/xerrors`: the replacement is what
            // is compiled in.
            _ => &[
                "github.com/golang/xerrors@v0.0.0-20220907171357-04be3eba64a2",
                "stdlib@1.22.0",
            ],
        };
        assert_eq!(names(&f), want, "{b}");
    }
}

#[test]
fn go_mod_replace_and_indirect() {
    let f = parse_as(
        "go-mod",
        "go.mod",
        &fx("lockfiles/go/trivy/golang-mod/replaced/go.mod"),
    )
    .expect("parses");
    assert_eq!(
        names(&f),
        [
            "github.com/aquasecurity/go-dep-parser@v0.0.0-20220406074731-71021a481237",
            "golang.org/x/xerrors@v0.0.0-20200804184101-5ec99f83aff1",
            "stdlib@1.17"
        ]
    );
    let local = parse_as(
        "go-mod",
        "go.mod",
        &fx("lockfiles/go/trivy/golang-mod/replaced-with-local-path/go.mod"),
    )
    .expect("parses");
    // `golang.org/x/xerrors => ./xerrors`: a local directory, dropped.
    assert!(
        local.packages.iter().all(|p| !p.name.contains("xerrors")),
        "{:?}",
        names(&local)
    );
    let direct = f
        .packages
        .iter()
        .find(|p| p.name.contains("go-dep-parser"))
        .expect("there");
    assert_eq!(direct.dependency, Some(scry_core::DependencyKind::Direct));
    assert_eq!(
        direct.purl.as_deref(),
        Some("pkg:golang/github.com/aquasecurity/go-dep-parser@v0.0.0-20220406074731-71021a481237")
    );
}

/// osv-scalibr's expectations for its go.mod fixtures (`gomod_test.go`), versions
/// compared without the `v` (osv-scalibr strips it, scry keeps Go's canonical `v1.2.3`, which
/// the purl wants and the Go version scheme reads). Difference: for `replace-local.mod`
/// osv-scalibr lists the local directory `./fork/net` with an empty version; scry drops
/// local replacements.
#[test]
fn go_mod_matches_osv_scalibr() {
    let cases: &[(&str, &[&str])] = &[
        (
            "indirect-packages.mod",
            &[
                "github.com/BurntSushi/toml@1.0.0",
                "github.com/mattn/go-colorable@0.1.9",
                "github.com/mattn/go-isatty@0.0.14",
                "golang.org/x/sys@0.0.0-20210630005230-0f9fa26af87c",
                "gopkg.in/yaml.v2@2.4.0",
                "stdlib@1.17",
            ],
        ),
        ("replace-one.mod", &["example.com/fork/net@1.4.5"]),
        (
            "replace-mixed.mod",
            &["example.com/fork/net@1.4.5", "golang.org/x/net@0.5.6"],
        ),
        ("replace-local.mod", &["github.com/BurntSushi/toml@1.0.0"]),
        (
            "replace-different.mod",
            &["example.com/fork/foe@1.4.2", "example.com/fork/foe@1.4.5"],
        ),
        (
            "replace-not-required.mod",
            &["github.com/BurntSushi/toml@1.0.0", "golang.org/x/net@0.5.6"],
        ),
        ("replace-no-version.mod", &["example.com/fork/net@1.4.5"]),
    ];
    for (file, want) in cases {
        let f = parse_as(
            "go-mod",
            "go.mod",
            &fx(&format!("lockfiles/go/osv-scalibr/golang-gomod/{file}")),
        )
        .expect("parses");
        let mut got: Vec<String> = f
            .packages
            .iter()
            .map(|p| format!("{}@{}", p.name, p.version.trim_start_matches('v')))
            .collect();
        got.sort();
        got.dedup();
        assert_eq!(got, *want, "{file}");
    }
}
