//! SwiftURL: `Package.resolved` over the peers' fixtures, trivy's golden and the
//! expectations of trivy's own parser tests.

use crate::lang::{Row, assert_same, assert_same_except, fx, golden, parse_as, run, triples};

fn any(_: &str) -> bool {
    true
}

fn pairs(f: &scry_catalog::Found) -> Vec<(String, String)> {
    let mut out: Vec<_> = f
        .packages
        .iter()
        .map(|p| (p.name.clone(), p.version.clone()))
        .collect();
    out.sort();
    out
}

#[test]
fn swift_fixtures_parse() {
    let rows = [
        Row {
            dir: "lockfiles/swift/osv-scalibr/swift-packageresolved",
            cataloger: "swift-resolved",
            as_path: "Package.resolved",
            select: any,
            errors: &["invalid", "empty"],
        },
        Row {
            dir: "lockfiles/swift/trivy/swift-swift",
            cataloger: "swift-resolved",
            as_path: "Package.resolved",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/swift/syft/swift",
            cataloger: "swift-resolved",
            as_path: "Package.resolved",
            select: any,
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("SwiftURL: {files} fixtures, {pkgs} packages");
}

/// trivy's integration golden lists the whole inventory of a v1 file.
#[test]
fn package_resolved_matches_trivy() {
    let f = parse_as(
        "swift-resolved",
        "Package.resolved",
        &fx("lockfiles/swift/trivy-integration/swift/Package.resolved"),
    )
    .expect("parses");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    for p in &f.packages {
        assert_eq!(p.ecosystem.to_string(), "SwiftURL");
    }
    assert_same(
        "swift",
        &triples(&f, true),
        &golden(
            "lockfiles/swift/trivy-integration/swift.expected/swift.json.golden",
            "Package.resolved",
            true,
        ),
    );
}

/// The expectations of trivy's parser test (`pkg/dependency/parser/swift/swift/
/// parse_test.go`) for its v1, v2 and empty fixtures. trivy takes a pin's branch as its
/// version when there is no version (`swift-ogg` on branch `0.0.1`); scry skips such a
/// pin with a warning.
#[test]
fn package_resolved_matches_trivys_parser_tests() {
    let dir = "lockfiles/swift/trivy/swift-swift";
    let parse = |name: &str| {
        parse_as(
            "swift-resolved",
            "Package.resolved",
            &fx(&format!("{dir}/{name}")),
        )
        .expect("parses")
    };
    let own = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    };
    let v1 = parse("happy-v1-Package.resolved");
    assert_eq!(
        pairs(&v1),
        own(&[
            ("github.com/Quick/Nimble", "9.2.1"),
            ("github.com/ReactiveCocoa/ReactiveSwift", "7.1.1"),
        ])
    );
    let v2 = parse("happy-v2-Package.resolved");
    assert_eq!(
        pairs(&v2),
        own(&[
            ("github.com/Quick/Nimble", "9.2.1"),
            ("github.com/Quick/Quick", "7.2.0"),
            ("github.com/ReactiveCocoa/ReactiveSwift", "7.1.1"),
            ("github.com/mattgallagher/CwlCatchException", "2.1.2"),
            ("github.com/mattgallagher/CwlPreconditionTesting", "2.1.2"),
        ])
    );
    assert_eq!(v2.warnings.len(), 1, "{:?}", v2.warnings);
    assert!(
        v2.warnings[0].reason.contains("branch `0.0.1`"),
        "{:?}",
        v2.warnings
    );
    let empty = parse("empty-Package.resolved");
    assert!(empty.packages.is_empty() && empty.warnings.is_empty());
}

/// v3 (syft's fixture): a branch pin is skipped with a warning, `.git` dropped.
#[test]
fn package_resolved_v3() {
    let f = parse_as(
        "swift-resolved",
        "Package.resolved",
        &fx("lockfiles/swift/syft/swift/PackageV3.resolved"),
    )
    .expect("parses");
    assert_same_except(
        "swift v3",
        &triples(&f, true),
        &[(
            "github.com/apple/swift-syntax".to_owned(),
            "509.1.1".to_owned(),
            "pkg:swift/github.com/apple/swift-syntax@509.1.1".to_owned(),
        )]
        .into_iter()
        .collect(),
        &[],
        &[],
    );
    assert_eq!(f.warnings.len(), 1);
    assert_eq!(f.warnings[0].path, "Package.resolved");
    assert!(f.warnings[0].reason.contains("swift-mmio"));
}

/// Malformed pins become warnings naming the pin; local and registry pins are skipped.
#[test]
fn package_resolved_malformed_pins() {
    let src = br#"{"version": 2, "pins": [
        {"identity": "a", "kind": "remoteSourceControl"},
        {"identity": "b", "location": "/Users/me/b", "state": {"version": "1.0.0"}},
        {"identity": "c", "kind": "localSourceControl", "location": "/src/c", "state": {"version": "1.0.0"}},
        {"identity": "mona.linkedlist", "kind": "registry", "location": "", "state": {"version": "1.0.0"}},
        {"identity": "d", "location": "git@github.com:o/d.git", "state": {"revision": "abc"}},
        {"identity": "e", "location": "git@github.com:o/e.git", "state": {"version": "2.0.0"}},
        7
    ]}"#;
    let c = scry_catalog::lang::by_name("swift-resolved").expect("exists");
    let f = c
        .parse("app/Package.resolved", src, &Default::default())
        .expect("parses");
    assert_eq!(
        pairs(&f),
        vec![("github.com/o/e".to_owned(), "2.0.0".to_owned())]
    );
    let reasons: Vec<&str> = f.warnings.iter().map(|w| w.reason.as_str()).collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].contains("pin `a`: no `location`"), "{reasons:?}");
    assert!(
        reasons[1].contains("not a remote repository URL"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].contains("pin `d`: pinned to a revision"),
        "{reasons:?}"
    );
    assert!(reasons[3].contains("pin 6"), "{reasons:?}");
    assert!(f.warnings.iter().all(|w| w.path == "app/Package.resolved"));
    assert!(
        c.parse("Package.resolved", b"[]", &Default::default())
            .is_err()
    );
    assert!(
        c.parse(
            "Package.resolved",
            br#"{"version": 2, "pins": {}}"#,
            &Default::default()
        )
        .is_err()
    );
}
