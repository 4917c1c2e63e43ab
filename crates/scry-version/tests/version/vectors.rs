//! Runs a fixture file of `A OP B` lines (OP one of `<`, `=`, `>`) against a scheme,
//! checking both `cmp(A, B) == OP` and the mirrored `cmp(B, A)`.

use std::cmp::Ordering;
use std::path::PathBuf;

use scry_version::{Version, VersionScheme};

/// The path of a file in the unpacked `versions/` fixtures.
pub(crate) fn fixture(name: &str) -> PathBuf {
    scry_test::fixtures_dir().join("versions").join(name)
}

/// Parses the `A OP B` lines of a vector file (comments `# ` and `// `, blanks skipped).
pub(crate) fn read_vectors(name: &str) -> Vec<(String, Ordering, String)> {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with("# ") || line.starts_with("//") || line == "#"
        {
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{name}: malformed vector line {line:?}");
        let op = match parts[1] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("{name}: unknown operator {other:?} in {line:?}"),
        };
        out.push((parts[0].to_owned(), op, parts[2].to_owned()));
    }
    assert!(!out.is_empty(), "{name} has no vectors");
    out
}

/// Checks every vector of `name` with `scheme`; returns how many were checked.
/// Fails listing every disagreement (not only the first).
pub(crate) fn check_file(scheme: VersionScheme, name: &str) -> usize {
    let vectors = read_vectors(name);
    let mut failures = Vec::new();
    for (a, op, b) in &vectors {
        let pa = Version::parse(scheme, a);
        let pb = Version::parse(scheme, b);
        match (pa, pb) {
            (Ok(va), Ok(vb)) => {
                let got = va.cmp(&vb);
                let back = vb.cmp(&va);
                if got != *op || back != op.reverse() {
                    failures.push(format!("{a} {op:?} {b}: got {got:?} / mirrored {back:?}"));
                }
            }
            (Err(e), _) | (_, Err(e)) => failures.push(format!("{a} {op:?} {b}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{name}: {} of {} vectors disagree:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
    vectors.len()
}
