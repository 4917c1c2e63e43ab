//! Maven catalogers: archives (osv-scalibr, trivy), gradle lockfiles and pom.xml.

use crate::lang::{Row, fx, parse_as, run};

fn any(_: &str) -> bool {
    true
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
fn maven_fixtures_parse() {
    let rows = [
        Row {
            dir: "binaries/java/osv-scalibr",
            cataloger: "java-archive",
            as_path: "*",
            select: |n| n.ends_with(".jar"),
            // `empty.jar` is an empty zip: no packages, no error.
            errors: &["invalid_jar.jar"],
        },
        Row {
            dir: "binaries/java/trivy",
            cataloger: "java-archive",
            as_path: "*",
            select: any,
            errors: &[],
        },
        Row {
            dir: "binaries/java/trivy-analyzer",
            cataloger: "java-archive",
            as_path: "test.par",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/maven/osv-scalibr/java-gradlelockfile",
            cataloger: "gradle-lock",
            as_path: "gradle.lockfile",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/maven/trivy/gradle-lockfile",
            cataloger: "gradle-lock",
            as_path: "gradle.lockfile",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/maven/syft/java/gradle",
            cataloger: "gradle-lock",
            as_path: "gradle.lockfile",
            select: any,
            errors: &[],
        },
        Row {
            dir: "lockfiles/maven/osv-scalibr/java-pomxml",
            cataloger: "maven-pom",
            as_path: "pom.xml",
            select: any,
            // `invalid-syntax.xml` has `<${Id}.version>` among properties: the tolerant
            // reader keeps its dependency (osv-scalibr rejects the file).
            errors: &["not-pom.txt"],
        },
        Row {
            dir: "lockfiles/maven/trivy/java-pom",
            cataloger: "maven-pom",
            as_path: "pom.xml",
            select: |n| n == "pom.xml",
            errors: &[],
        },
        Row {
            dir: "lockfiles/maven/syft/java/pom",
            cataloger: "maven-pom",
            as_path: "pom.xml",
            select: |n| n.ends_with(".xml"),
            errors: &[],
        },
    ];
    let (files, pkgs) = run(&rows);
    eprintln!("Maven: {files} fixtures, {pkgs} packages");
}

#[test]
fn archives() {
    let cases: &[(&str, &[&str])] = &[
        (
            "osv-scalibr/simple.jar",
            &["com.some.package:package-name@1.2.3"],
        ),
        (
            "osv-scalibr/complex.jar",
            &[
                "com.some.anotherpackage:another-package-name@3.2.1",
                "com.some.package:package-name@1.2.3",
            ],
        ),
        // Ten archives deep: past `max_depth` (8), a warning and nothing.
        ("osv-scalibr/nested_at_10.jar", &[]),
        (
            "osv-scalibr/no_pom_properties-2.4.0.jar",
            &["no_pom_properties:no_pom_properties@2.4.0"],
        ),
        (
            "trivy/test.jar",
            &["org.springframework:org.springframework.core@2.5.6.SEC03"],
        ),
        (
            "trivy/nested.jar",
            &[
                "test:nested2@0.0.2",
                "test:nested3@0.0.3",
                "test:nested@0.0.1",
            ],
        ),
        (
            "trivy/hadoop-shaded-guava-1.1.0-SNAPSHOT.jar",
            &[
                "com.google.guava:failureaccess@1.0.1",
                "com.google.guava:guava@29.0-jre",
                "com.google.guava:listenablefuture@9999.0-empty-to-avoid-conflict-with-guava",
                "com.google.j2objc:j2objc-annotations@1.3",
                "org.apache.hadoop.thirdparty:hadoop-shaded-guava@1.1.0-SNAPSHOT",
            ],
        ),
        (
            "trivy/heuristic-1.0.0-SNAPSHOT.jar",
            &["heuristic:heuristic@1.0.0-SNAPSHOT"],
        ),
        (
            "trivy/gradle.war",
            &[
                "commons-dbcp:commons-dbcp@1.4",
                "commons-pool:commons-pool@1.6",
                "log4j:log4j@1.2.17",
                "org.apache.commons:commons-compress@1.19",
            ],
        ),
    ];
    for (file, want) in cases {
        let f = parse_as(
            "java-archive",
            file.rsplit('/').next().unwrap_or(file),
            &fx(&format!("binaries/java/{file}")),
        )
        .expect("parses");
        eprintln!("{file}: {:?} warnings {:?}", names(&f), f.warnings);
        if !want.is_empty() {
            assert_eq!(names(&f), *want, "{file}");
        }
    }
}

/// trivy's gradle and pom goldens list no inventory, only the vulnerable package; it
/// must be among scry's packages with the same purl.
#[test]
fn gradle_and_pom_hold_trivys_vulnerable_package() {
    let want = (
        "com.fasterxml.jackson.core:jackson-databind",
        "2.9.1",
        "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.1",
    );
    for (cataloger, as_path, file) in [
        (
            "gradle-lock",
            "gradle.lockfile",
            "lockfiles/maven/trivy-integration/gradle/gradle.lockfile",
        ),
        (
            "maven-pom",
            "pom.xml",
            "lockfiles/maven/trivy-integration/pom/pom.xml",
        ),
    ] {
        let f = parse_as(cataloger, as_path, &fx(file)).expect("parses");
        assert!(
            f.packages.iter().any(|p| p.name == want.0
                && p.version == want.1
                && p.purl.as_deref() == Some(want.2)),
            "{file}: {:?}",
            names(&f)
        );
    }
    let pom = parse_as(
        "maven-pom",
        "pom.xml",
        &fx("lockfiles/maven/trivy-integration/pom/pom.xml"),
    )
    .expect("parses");
    // `${junit.version}` resolved from <properties>; test scope is dev.
    let junit = pom
        .packages
        .iter()
        .find(|p| p.name == "org.junit.jupiter:junit-jupiter-api")
        .expect("junit");
    assert_eq!(junit.version, "5.7.1");
    assert_eq!(junit.dependency, Some(scry_core::DependencyKind::Dev));
}

fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("start");
        std::io::Write::write_all(&mut w, data).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// A zip bomb (a small entry inflating past the byte budget) stops with a warning naming
/// the limit, keeping what was found before it; nesting past `max_depth` too.
#[test]
fn archive_bombs_are_bounded() {
    let pom = b"groupId=g\nartifactId=a\nversion=1.0\n".to_vec();
    let bomb = zip_of(&[
        ("META-INF/maven/g/a/pom.properties", pom.clone()),
        ("lib/inner.jar", vec![0u8; 4 * 1024 * 1024]),
    ]);
    assert!(bomb.len() < 64 * 1024);
    let c = scry_catalog::lang::by_name("java-archive").expect("exists");
    let limits = scry_catalog::Limits {
        max_file_bytes: 1024 * 1024,
        ..scry_catalog::Limits::default()
    };
    let f = c.parse("bomb.jar", &bomb, &limits).expect("readable");
    assert_eq!(names(&f), ["g:a@1.0"]);
    assert!(
        f.warnings
            .iter()
            .any(|w| w.reason.contains("over the limit")),
        "{:?}",
        f.warnings
    );

    // Jars nested 20 deep, a package at every level: only `max_depth` levels are read.
    let mut jar = zip_of(&[(
        "META-INF/maven/g/l20/pom.properties",
        b"groupId=g\nartifactId=l20\nversion=1\n".to_vec(),
    )]);
    for level in (0..20).rev() {
        let props = format!("groupId=g\nartifactId=l{level}\nversion=1\n").into_bytes();
        jar = zip_of(&[
            (&format!("META-INF/maven/g/l{level}/pom.properties"), props),
            ("BOOT-INF/lib/next.jar", jar),
        ]);
    }
    let limits = scry_catalog::Limits {
        max_depth: 4,
        ..scry_catalog::Limits::default()
    };
    let f = c.parse("deep.jar", &jar, &limits).expect("readable");
    assert_eq!(f.packages.len(), 4);
    assert_eq!(
        f.packages[3].path,
        "deep.jar!/BOOT-INF/lib/next.jar!/BOOT-INF/lib/next.jar!/BOOT-INF/lib/next.jar"
    );
    assert!(
        f.warnings
            .iter()
            .any(|w| w.reason.contains("nested deeper"))
    );
}

/// osv-scalibr's MANIFEST.MF samples, each packed alone into `<folder>.jar`.
#[test]
fn manifests_only() {
    let c = scry_catalog::lang::by_name("java-archive").expect("exists");
    let cases: &[(&str, &[&str])] = &[
        // The title is in a per-entry section; the version keeps its first word.
        ("axis", &["axis:axis@1.4"]),
        (
            "combine-manifest-filename",
            &["org.apache:org.apache.ivy@2.4.0"],
        ),
        // Placeholders and spaces are not ids: the file name stands in.
        ("invalid-ids", &["invalid-ids:invalid-ids@1.2.3"]),
        ("known-group-id", &["spring-web:spring-web@5.3.26"]),
        (
            "manifest-implementation-title",
            &["org.elasticsearch:server@8.14.3"],
        ),
        (
            "manifest-no-group-id",
            &["manifest-no-group-id:manifest-no-group-id@1.2.3"],
        ),
    ];
    for (dir, want) in cases {
        let mf = std::fs::read(fx(&format!("binaries/java/osv-scalibr/{dir}/MANIFEST.MF")))
            .expect("read");
        let jar = zip_of(&[("META-INF/MANIFEST.MF", mf)]);
        let f = c
            .parse(
                &format!("{dir}.jar"),
                &jar,
                &scry_catalog::Limits::default(),
            )
            .expect("parses");
        assert_eq!(names(&f), *want, "{dir}");
    }
}

#[test]
fn sbt_fixtures_parse() {
    let rows = [Row {
        dir: "lockfiles/maven/trivy/sbt-lockfile",
        cataloger: "sbt-lock",
        as_path: "build.sbt.lock",
        select: any,
        errors: &[],
    }];
    let (files, pkgs) = run(&rows);
    eprintln!("sbt: {files} fixtures, {pkgs} packages");
}

/// trivy's sbt golden lists no inventory, only the vulnerable package; the fixture's lock
/// holds that one dependency, so scry's whole list must be exactly it.
#[test]
fn sbt_lock_matches_trivy() {
    let f = parse_as(
        "sbt-lock",
        "build.sbt.lock",
        &fx("lockfiles/maven/trivy-integration/sbt/build.sbt.lock"),
    )
    .expect("parses");
    assert!(f.warnings.is_empty(), "{:?}", f.warnings);
    let text = std::fs::read_to_string(fx(
        "lockfiles/maven/trivy-integration/sbt.expected/sbt.json.golden",
    ))
    .expect("golden");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut theirs: Vec<(String, String, String)> = doc["Results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["Target"] == "build.sbt.lock")
        .flat_map(|r| r["Vulnerabilities"].as_array().into_iter().flatten())
        .map(|v| {
            (
                v["PkgName"].as_str().unwrap_or("").to_owned(),
                v["InstalledVersion"].as_str().unwrap_or("").to_owned(),
                v["PkgIdentifier"]["PURL"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    theirs.sort();
    theirs.dedup();
    let ours: Vec<(String, String, String)> = f
        .packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone(),
                p.purl.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(f.packages[0].dependency, None);
}

/// The expectations of trivy's parser test (`pkg/dependency/parser/sbt/lockfile/
/// parse_test.go`): trivy keeps `compile`/`runtime` dependencies only; scry also keeps the
/// test-only `scalatest-core_2.13`, as a dev dependency.
#[test]
fn sbt_lock_matches_trivys_parser_tests() {
    let f = parse_as(
        "sbt-lock",
        "build.sbt.lock",
        &fx("lockfiles/maven/trivy/sbt-lockfile/v1_happy.sbt.lock"),
    )
    .expect("parses");
    let mut non_dev: Vec<(&str, &str)> = f
        .packages
        .iter()
        .filter(|p| p.dependency.is_none())
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    non_dev.sort_unstable();
    assert_eq!(
        non_dev,
        vec![
            ("org.apache.commons:commons-lang3", "3.9"),
            ("org.scala-lang:scala-library", "2.12.10"),
            ("org.typelevel:cats-core_2.12", "2.9.0"),
        ]
    );
    let dev: Vec<&str> = f
        .packages
        .iter()
        .filter(|p| p.dependency == Some(scry_core::DependencyKind::Dev))
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(dev, ["org.scalatest:scalatest-core_2.13"]);
    let empty = parse_as(
        "sbt-lock",
        "build.sbt.lock",
        &fx("lockfiles/maven/trivy/sbt-lockfile/empty.sbt.lock"),
    )
    .expect("parses");
    assert!(empty.packages.is_empty() && empty.warnings.is_empty());
}

/// Malformed entries become warnings naming the file and the entry.
#[test]
fn sbt_lock_malformed_entries() {
    let c = scry_catalog::lang::by_name("sbt-lock").expect("exists");
    let src = br#"{"lockVersion": 2, "dependencies": [
        {"org": "a", "name": "b", "version": "1.0", "configurations": ["compile"]},
        {"org": "a", "version": "1.0"},
        {"org": "a", "name": "c"},
        {"org": "a", "name": "x:y", "version": "1"},
        "junk"
    ]}"#;
    let f = c
        .parse("mod/build.sbt.lock", src, &Default::default())
        .expect("parses");
    assert_eq!(f.packages.len(), 1);
    assert_eq!(f.packages[0].name, "a:b");
    let reasons: Vec<&str> = f.warnings.iter().map(|w| w.reason.as_str()).collect();
    assert_eq!(reasons.len(), 5, "{reasons:?}");
    assert!(reasons[0].contains("lock version 2"), "{reasons:?}");
    assert!(f.warnings.iter().all(|w| w.path == "mod/build.sbt.lock"));
    assert!(
        c.parse("build.sbt.lock", b"[]", &Default::default())
            .is_err()
    );
    assert!(
        c.parse(
            "build.sbt.lock",
            br#"{"dependencies": 1}"#,
            &Default::default()
        )
        .is_err()
    );
}
