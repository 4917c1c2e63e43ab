//! Every language cataloger on hostile input: arbitrary bytes, truncated and mutated real
//! lockfiles. None may panic; truncation yields packages or a clear error.

use proptest::prelude::*;

use crate::lang::{files, fx, survives};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        survives(&bytes);
    }

    #[test]
    fn arbitrary_unicode(s in "\\PC{0,256}") {
        survives(s.as_bytes());
    }

    #[test]
    fn arbitrary_text(s in "[ -~\n\t{}\\[\\]:\"',@/#=<>()-]{0,512}") {
        survives(s.as_bytes());
    }
}

/// Real lockfiles cut at many points and with bytes flipped.
#[test]
fn truncated_and_mutated_fixtures() {
    let mut n = 0;
    for dir in [
        "lockfiles/npm/osv-scalibr",
        "lockfiles/pypi/osv-scalibr",
        "lockfiles/cargo",
        "lockfiles/go",
        "lockfiles/rubygems",
        "lockfiles/packagist",
        "lockfiles/nuget",
        "lockfiles/pub",
        "lockfiles/hex",
        "lockfiles/maven/osv-scalibr",
        "lockfiles/maven/trivy/sbt-lockfile",
        "lockfiles/swift",
    ] {
        for f in files(&fx(dir)) {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            if bytes.len() > 200_000 {
                continue;
            }
            let step = (bytes.len() / 7).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                survives(&bytes[..cut]);
                let mut m = bytes.clone();
                m[cut] ^= 0x5a;
                survives(&m);
                n += 1;
            }
        }
    }
    assert!(n > 100);
}

/// Deep nesting in every text format: an error or nothing, never a stack overflow.
#[test]
fn deep_nesting() {
    let depth = 100_000;
    let inputs = [
        format!("a = {}", "[".repeat(depth)),
        format!("a = {}", "{ b = ".repeat(depth)),
        "[".repeat(depth),
        "{\"a\":".repeat(depth),
        format!("a:\n{}", "- ".repeat(depth)),
        format!("{}1", "[".repeat(depth)),
        format!("<project>{}", "<a>".repeat(depth)),
        format!("<Project>{}", "<ItemGroup x='>'>".repeat(depth)),
    ];
    for i in &inputs {
        survives(i.as_bytes());
    }
}
