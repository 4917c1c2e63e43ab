#!/usr/bin/env python3
"""Shared by the version baselines (dpkg.py, rpm.py, semver.py, go.py): read real
version strings out of /work/shared/vulndb and pair them up for a reference tool.

Baseline format (`crates/scry-version/tests/data/<scheme>.baseline.txt`, read by
`tests/version/baseline.rs`): `A OP B` per line (OP `<`, `=`, `>`, what the real tool
answered), `! V` for a string the real tool rejects, `# ` comments.

Pairs: versions are grouped by package; each package contributes its sorted-by-string
neighbours (close versions, where ordering bugs live), and random pairs across all
versions add breadth. A fixed seed keeps the file stable between runs.
"""

import io
import json
import os
import random
import subprocess
import zipfile

VULNDB = os.environ.get(
    "SCRY_VULNDB",
    os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "vulndb"),
)
OUT = os.path.join(
    os.path.dirname(__file__), "..", "..", "crates", "scry-version", "tests", "data"
)


def osv_records(name):
    """Yields the OSV records of one `*.osv.jsonl.zst` file (needs the `zstd` CLI)."""
    path = os.path.join(VULNDB, name)
    out = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
    for line in io.BytesIO(out):
        if line.strip():
            yield json.loads(line)


def osv_versions(name, ecosystems=None):
    """{package: set(versions)} from `affected[].ranges[].events` and `versions`."""
    by_pkg = {}
    for rec in osv_records(name):
        for aff in rec.get("affected", []):
            pkg = aff.get("package", {})
            eco = pkg.get("ecosystem", "")
            if ecosystems and not any(eco.split(":")[0] == e for e in ecosystems):
                continue
            vs = by_pkg.setdefault((eco, pkg.get("name", "")), set())
            for rng in aff.get("ranges", []):
                if rng.get("type") == "GIT":
                    continue
                for ev in rng.get("events", []):
                    for v in ev.values():
                        if isinstance(v, str):
                            vs.add(v)
            for v in aff.get("versions", []):
                vs.add(v)
    return by_pkg


def zip_texts(name, suffix=""):
    z = zipfile.ZipFile(os.path.join(VULNDB, name))
    for n in z.namelist():
        if n.endswith(suffix):
            yield n, z.read(n).decode("utf-8", "replace")


def make_pairs(by_pkg, count, seed=20261129, equal_share=0.03):
    """Up to `count` (a, b) pairs: package neighbours first, then random pairs."""
    rng = random.Random(seed)
    clean = {
        k: sorted(v for v in vs if v and " " not in v and "\t" not in v)
        for k, vs in by_pkg.items()
    }
    neighbours = []
    for _, vs in sorted(clean.items()):
        for a, b in zip(vs, vs[1:]):
            neighbours.append((a, b))
    rng.shuffle(neighbours)
    everything = sorted({v for vs in clean.values() for v in vs})
    pairs = neighbours[: count * 2 // 3]
    while len(pairs) < count and len(everything) > 1:
        a, b = rng.sample(everything, 2)
        pairs.append((a, b))
    # A few identical pairs (the tool must say `=`).
    for v in rng.sample(everything, min(len(everything), int(count * equal_share))):
        pairs.append((v, v))
    # Each pair once, in a random direction.
    seen, out = set(), []
    for a, b in pairs:
        if rng.random() < 0.5:
            a, b = b, a
        if (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        out.append((a, b))
    return out


def write(scheme, header, lines):
    path = os.path.join(OUT, f"{scheme}.baseline.txt")
    os.makedirs(OUT, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for h in header:
            f.write(f"# {h}\n")
        for line in lines:
            f.write(line + "\n")
    print(f"wrote {path}: {len(lines)} lines, {os.path.getsize(path)} bytes")
