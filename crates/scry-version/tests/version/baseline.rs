//! Baselines produced by the ecosystems' real tools (`scripts/baselines/<scheme>.*`),
//! stored in `tests/data/<scheme>.baseline.txt`.
//!
//! Line format: `A OP B` (OP one of `<`, `=`, `>`, what the real tool answered for real
//! version strings), or `! V` (the real tool rejects `V`, so must scry). `# ` starts a
//! comment line.

use std::cmp::Ordering;
use std::path::PathBuf;

use scry_version::{Version, VersionScheme};

/// The path of a baseline file in `tests/data`.
fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// Checks every line of `tests/data/<name>` with `scheme`, in both directions; returns
/// how many lines were checked. Fails listing every disagreement.
pub(crate) fn check_baseline(scheme: VersionScheme, name: &str) -> usize {
    let path = data(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        if line.is_empty() || line.starts_with("# ") {
            continue;
        }
        checked += 1;
        if let Some(bad) = line.strip_prefix("! ") {
            if let Ok(v) = Version::parse(scheme, bad) {
                failures.push(format!("{bad:?} must be rejected, parsed as {v}"));
            }
            continue;
        }
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 3, "{name}: malformed line {line:?}");
        let op = match parts[1] {
            "<" => Ordering::Less,
            "=" => Ordering::Equal,
            ">" => Ordering::Greater,
            other => panic!("{name}: unknown operator {other:?} in {line:?}"),
        };
        let (a, b) = (parts[0], parts[2]);
        match (Version::parse(scheme, a), Version::parse(scheme, b)) {
            (Ok(va), Ok(vb)) => {
                let got = va.cmp(&vb);
                let back = vb.cmp(&va);
                if got != op || back != op.reverse() {
                    failures.push(format!("{a} {op:?} {b}: got {got:?} / mirrored {back:?}"));
                }
            }
            (Err(e), _) | (_, Err(e)) => failures.push(format!("{a} {op:?} {b}: {e}")),
        }
    }
    assert!(checked > 0, "{name} has no lines");
    assert!(
        failures.is_empty(),
        "{name}: {} of {checked} lines disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}
