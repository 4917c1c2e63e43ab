#!/usr/bin/env python3
"""Baseline for scry's CRAN order, answered by R (`utils::compareVersion`, validity by
`package_version`).

Extracts the version strings of the CRAN advisories in shared/vulndb (r-cran, only 14
records, about 100 versions), adds variants of them (an extra `.0`, `-` for `.`, leading
zeros, one more component, a bumped component) so that the file has a few thousand
pairs, and asks R:

* order: `utils::compareVersion(a, b)`, the comparison the shared fixtures' generator
  (osv-scanner `generate-cran-versions.R`) used. It compares the integers
  lexicographically, a shorter prefix first (`1.0 < 1.0.0`).
  Note: R's `package_version` *operators* (R 4.2.2 `Ops.numeric_version`) pad the
  shorter version with zeros instead (`package_version("1.0") == "1.0.0"`); the fixtures
  (`0.1.0 < 0.1.0.0`) and scry follow `compareVersion`.
* validity: `package_version(v)` must not fail; rejected strings become `! V` lines.

Usage: apt-get install r-base-core && python3 scripts/baselines/cran.py
Writes crates/scry-version/tests/data/cran.baseline.txt.
"""

import json
import pathlib
import random
import subprocess
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
VULNDB = ROOT.parent / "shared" / "vulndb"
OUT = ROOT / "crates" / "scry-version" / "tests" / "data" / "cran.baseline.txt"

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
lines <- readLines(args[1])
out <- character(length(lines))
for (i in seq_along(lines)) {
  p <- strsplit(lines[i], "\t", fixed = TRUE)[[1]]
  if (p[1] == "valid") {
    ok <- tryCatch({ package_version(p[2]); TRUE }, error = function(e) FALSE)
    out[i] <- if (ok) "ok" else "bad"
  } else {
    r <- compareVersion(p[2], p[3])
    out[i] <- if (r < 0) "<" else if (r > 0) ">" else "="
  }
}
writeLines(out, args[2])
cat(R.version.string, "\n")
"""


def real_versions():
    data = subprocess.run(
        ["zstd", "-dc", str(VULNDB / "r-cran.osv.jsonl.zst")], check=True, capture_output=True
    ).stdout
    out = set()
    for line in data.splitlines():
        for aff in json.loads(line).get("affected", []):
            out.update(aff.get("versions", []))
            for rng in aff.get("ranges", []):
                for ev in rng.get("events", []):
                    out.update(v for k, v in ev.items() if k != "introduced" or v != "0")
    return sorted(out)


def variants(v, rng):
    parts = v.replace("-", ".").split(".")
    i = rng.randrange(len(parts))
    bumped = parts[:i] + [str(int(parts[i]) + rng.choice([-1, 1, 9]))] + parts[i + 1 :]
    return [
        v + ".0",
        v + "-" + str(rng.randrange(12)),
        v.replace(".", "-"),
        v.replace("-", "."),
        ".".join("0" + p for p in parts),
        ".".join(p for p in bumped if not p.startswith("-")),
        v + "." + str(rng.randrange(100)),
        ".".join(parts[:-1]) if len(parts) > 2 else v + ".1",
    ]


def main():
    rng = random.Random(0)
    real = real_versions()
    pool = set(real)
    for v in real:
        pool.update(variants(v, rng))
    bad_candidates = ["1", "1.", ".1", "1..0", "1.0a", "v1.0", "1.0-", "1_0", "a.b", "1.0.0.rc1"]
    pool = sorted(pool)
    pairs = set()
    ordered_like = sorted(pool, key=lambda s: [int(p) for p in s.replace("-", ".").split(".")])
    for i in range(len(ordered_like) - 1):
        pairs.add((ordered_like[i], ordered_like[i + 1]))
    while len(pairs) < 3000:
        a, b = rng.choice(pool), rng.choice(pool)
        if a != b:
            pairs.add((a, b))
    pairs = sorted(pairs)
    checks = sorted(set(pool) | set(bad_candidates))
    with tempfile.TemporaryDirectory() as tmp:
        inp, outp, script = (pathlib.Path(tmp) / n for n in ("in.tsv", "out.txt", "cmp.R"))
        rows = [f"valid\t{v}" for v in checks] + [f"cmp\t{a}\t{b}" for a, b in pairs]
        inp.write_text("\n".join(rows) + "\n")
        script.write_text(R_SCRIPT)
        res = subprocess.run(
            ["Rscript", str(script), str(inp), str(outp)], check=True, capture_output=True, text=True
        )
        answers = outp.read_text().splitlines()
    r_version = res.stdout.strip()
    valid_answers = dict(zip(checks, answers[: len(checks)]))
    lines = [
        f"# {r_version}: utils::compareVersion(A, B) as OP; `! V`: package_version(V) fails",
    ]
    for (a, b), op in zip(pairs, answers[len(checks) :]):
        if valid_answers[a] == "ok" and valid_answers[b] == "ok":
            lines.append(f"{a} {op} {b}")
    lines += [f"! {v}" for v in checks if valid_answers[v] == "bad"]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{OUT}: {len(lines) - 1} lines ({r_version})")


if __name__ == "__main__":
    main()
