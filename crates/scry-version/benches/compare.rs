//! Version comparisons per second, per scheme: `compare/<scheme>` parses once and
//! compares many times (the matcher's hot path); `parse_compare/<scheme>` parses both
//! strings of every pair, then compares (the one-shot `scry_version::compare`).
//!
//! Inputs are real advisory versions: the `A OP B` pairs of the real-tool baselines in
//! `tests/data`, or, for schemes without one, the shared fixture vectors.
//! Criterion reports throughput in comparisons (elements) per second.
//!
//! Run: `cargo bench -p scry-version --bench compare` (add a filter such as `dpkg`).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scry_version::{Version, VersionScheme};

/// The version pairs of an `A OP B` file (comments and `! V` lines skipped).
fn pairs(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .filter_map(|l| {
            let mut it = l.split(' ');
            match (it.next(), it.next(), it.next(), it.next()) {
                (Some(a), Some(op), Some(b), None) if op != "!" => {
                    Some((a.to_owned(), b.to_owned()))
                }
                _ => None,
            }
        })
        .collect()
}

/// Pairs from a shared fixture file (`versions/<name>`).
fn fixture_pairs(name: &str) -> Vec<(String, String)> {
    let path = scry_test::fixtures_dir().join("versions").join(name);
    pairs(&std::fs::read_to_string(&path).unwrap_or_default())
}

/// Benches one scheme on `pairs` (pairs that do not parse are dropped).
fn bench_scheme(c: &mut Criterion, name: &str, scheme: VersionScheme, pairs: &[(String, String)]) {
    let strings: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(a, b)| Version::parse(scheme, a).is_ok() && Version::parse(scheme, b).is_ok())
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let parsed: Vec<(Version, Version)> = strings
        .iter()
        .filter_map(|(a, b)| {
            Some((
                Version::parse(scheme, a).ok()?,
                Version::parse(scheme, b).ok()?,
            ))
        })
        .collect();
    if parsed.is_empty() {
        return;
    }
    let n = u64::try_from(parsed.len()).unwrap_or(u64::MAX);

    let mut group = c.benchmark_group("compare");
    group.throughput(Throughput::Elements(n));
    group.bench_function(name, |bench| {
        bench.iter(|| {
            let mut less = 0usize;
            for (a, b) in &parsed {
                less += usize::from(black_box(a) < black_box(b));
            }
            less
        });
    });
    group.finish();

    let mut group = c.benchmark_group("parse_compare");
    group.throughput(Throughput::Elements(n));
    group.bench_function(name, |bench| {
        bench.iter(|| {
            let mut less = 0usize;
            for (a, b) in &strings {
                if let Ok(o) = scry_version::compare(scheme, black_box(a), black_box(b)) {
                    less += usize::from(o.is_lt());
                }
            }
            less
        });
    });
    group.finish();
}

/// dpkg, rpm, apk, SemVer, Go, NuGet and Pub.
fn os_and_semver_schemes(c: &mut Criterion) {
    let data = |text: &str| pairs(text);
    bench_scheme(
        c,
        "dpkg",
        VersionScheme::Dpkg,
        &data(include_str!("../tests/data/dpkg.baseline.txt")),
    );
    bench_scheme(
        c,
        "rpm",
        VersionScheme::Rpm,
        &data(include_str!("../tests/data/rpm.baseline.txt")),
    );
    bench_scheme(
        c,
        "apk",
        VersionScheme::Apk,
        &data(include_str!("../tests/data/apk.baseline.txt")),
    );
    bench_scheme(
        c,
        "semver",
        VersionScheme::SemVer,
        &data(include_str!("../tests/data/semver.baseline.txt")),
    );
    bench_scheme(
        c,
        "go",
        VersionScheme::Go,
        &data(include_str!("../tests/data/go.baseline.txt")),
    );
    bench_scheme(
        c,
        "nuget",
        VersionScheme::NuGet,
        &fixture_pairs("nuget.txt"),
    );
    bench_scheme(c, "pub", VersionScheme::Pub, &fixture_pairs("pub.txt"));
}

/// PEP 440, Maven, RubyGems, Composer, CRAN and Hackage.
fn language_schemes(c: &mut Criterion) {
    let data = |text: &str| pairs(text);
    bench_scheme(
        c,
        "pep440",
        VersionScheme::Pep440,
        &data(include_str!("../tests/data/pep440.baseline.txt")),
    );
    bench_scheme(
        c,
        "maven",
        VersionScheme::Maven,
        &data(include_str!("../tests/data/maven.baseline.txt")),
    );
    bench_scheme(
        c,
        "rubygems",
        VersionScheme::RubyGems,
        &data(include_str!("../tests/data/rubygems.baseline.txt")),
    );
    bench_scheme(
        c,
        "composer",
        VersionScheme::Composer,
        &data(include_str!("../tests/data/composer.baseline.txt")),
    );
    bench_scheme(
        c,
        "cran",
        VersionScheme::Cran,
        &data(include_str!("../tests/data/cran.baseline.txt")),
    );
    bench_scheme(
        c,
        "hackage",
        VersionScheme::Hackage,
        &fixture_pairs("hackage.txt"),
    );
}

fn config() -> Criterion {
    // Two shared cores: short, steady runs.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = os_and_semver_schemes, language_schemes
}
criterion_main!(benches);
