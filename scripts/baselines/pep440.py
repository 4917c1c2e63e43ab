#!/usr/bin/env python3
"""Baseline for scry's PEP 440 order, answered by Python `packaging` (the reference).

Extracts real version strings from the PyPI advisories in shared/vulndb
(pypa-pypi and the PyPI part of ossf-malicious-packages), adds a few spelling variants
of them (case, separators, leading `v`, implicit post, local labels), pairs them and
asks `packaging.version.Version` for the order. Strings packaging rejects are written as
`! V` lines (scry must reject them too).

Usage: pip install packaging && python3 scripts/baselines/pep440.py
Writes crates/scry-version/tests/data/pep440.baseline.txt, and
crates/scry-version/tests/data/pep440.fixture-legacy.txt: the strings of the shared
fixtures pypi.txt / pypi.generated.txt that packaging rejects (legacy, pre-PEP 440
versions that the fixtures' generator still ordered with the LegacyVersion of
packaging < 22). The tests check that scry rejects exactly those.
"""

import json
import pathlib
import random
import subprocess

import packaging
from packaging.version import InvalidVersion, Version

ROOT = pathlib.Path(__file__).resolve().parents[2]
VULNDB = ROOT.parent / "shared" / "vulndb"
DATA = ROOT / "crates" / "scry-version" / "tests" / "data"
OUT = DATA / "pep440.baseline.txt"
LEGACY = DATA / "pep440.fixture-legacy.txt"
FIXTURES = ROOT.parent / "shared" / "fixtures" / "versions"


def fixture_legacy():
    """Fixture strings that packaging rejects, one per line."""
    bad = set()
    for name in ("pypi.txt", "pypi.generated.txt"):
        for line in (FIXTURES / name).read_text().splitlines():
            if not line.strip() or line.startswith(("# ", "//")) or line == "#":
                continue
            a, _, b = line.split(" ")
            for s in (a, b):
                try:
                    Version(s)
                except InvalidVersion:
                    bad.add(s)
    head = (
        f"# packaging {packaging.__version__} raises InvalidVersion for each of these "
        "strings of pypi.txt / pypi.generated.txt (legacy versions)"
    )
    LEGACY.write_text("\n".join([head, *sorted(bad)]) + "\n")
    print(f"{LEGACY}: {len(bad)} strings")


def osv_versions(name, ecosystem):
    out = set()
    data = subprocess.run(
        ["zstd", "-dc", str(VULNDB / name)], check=True, capture_output=True
    ).stdout
    for line in data.splitlines():
        rec = json.loads(line)
        for aff in rec.get("affected", []):
            if aff.get("package", {}).get("ecosystem") != ecosystem:
                continue
            out.update(aff.get("versions", []))
            for rng in aff.get("ranges", []):
                for ev in rng.get("events", []):
                    for k in ("introduced", "fixed", "last_affected"):
                        if k in ev:
                            out.add(ev[k])
    return out


def variants(v, rng):
    """Spellings packaging normalises, derived from a real version."""
    return [
        v.upper(),
        "v" + v,
        v.replace(".", "-", 1) if "a" in v or "b" in v or "rc" in v else v + "-1",
        v + ".post" + str(rng.randrange(3)),
        v + "rev",
        v + ".dev" + str(rng.randrange(3)),
        v + "+" + rng.choice(["ubuntu.1", "abc.5", "1.2", "ABC-7", "g1234_x"]),
        v + ".0",
        " " + v + "\t",
        v + "-",
        v + "..",
        v + "+",
        "1!" + v,
    ]


def main():
    fixture_legacy()
    rng = random.Random(0)
    real = osv_versions("pypa-pypi.osv.jsonl.zst", "PyPI")
    real |= osv_versions("ossf-malicious-packages.osv.jsonl.zst", "PyPI")
    real = sorted(s for s in real if s and " " not in s.strip() and "\n" not in s)
    sample = rng.sample(real, min(len(real), 2500))
    extra = []
    for v in rng.sample(real, 300):
        extra += variants(v, rng)
    # Random strings over the grammar's alphabet, to exercise the parser's corners.
    alphabet = list("0123456789" * 3 + "..--__+!vV ") + [
        "a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "post", "rev", "r", "dev",
        "DEV", "Post", "x", "abc", "\t",
    ]
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 10))) for _ in range(4000)]
    pool = sorted(set(sample + extra + fuzz))
    valid, invalid = [], []
    for s in pool:
        try:
            Version(s)
            valid.append(s)
        except InvalidVersion:
            invalid.append(s)
    # Pairs without spaces inside (the file format splits on single spaces).
    valid = [s for s in valid if " " not in s and "\t" not in s]
    lines = [f"# packaging {packaging.__version__}: Version(A) OP Version(B); `! V`: rejected"]
    seen = set()
    ordered = sorted(valid, key=Version)
    # Neighbours in sorted order (the hard cases) and random pairs.
    for i in range(len(ordered) - 1):
        if rng.random() < 0.5:
            seen.add((ordered[i], ordered[i + 1]))
    while len(seen) < 4000:
        a, b = rng.choice(valid), rng.choice(valid)
        if a != b:
            seen.add((a, b))
    for a, b in sorted(seen):
        va, vb = Version(a), Version(b)
        op = "<" if va < vb else ">" if va > vb else "="
        lines.append(f"{a} {op} {b}")
    invalid = [s for s in invalid if s and "\n" not in s]
    for s in sorted(rng.sample(invalid, min(len(invalid), 2500))):
        lines.append(f"! {s}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"{OUT}: {len(seen)} pairs, {len(invalid)} rejected strings")


if __name__ == "__main__":
    main()
