#!/usr/bin/env python3
"""Produce the CVSS oracle baselines for `crates/scry-cvss/tests/cvss/`.

Reference implementation: RedHatProductSecurity's `cvss` Python library (`pip install cvss`),
which implements v2, v3.0, v3.1 and v4.0 independently of scry.

Inputs
  (a) every CVSS vector present in /work/shared/vulndb:
      `*.osv.jsonl.zst` `severity[].score`; rubysec `cvss_v2`/`cvss_v3`/`cvss_v4`;
      nodejs-security-wg `cvss_vector`; ubuntu-cve-tracker `nvd: CVSS:...` lines;
  (b) random valid vectors of each version, with temporal/threat and environmental metrics.

Output: `crates/scry-cvss/tests/data/{v2,v30,v31,v40,invalid}.baseline`, tab-separated:
  v2/v3:  vector  base  temporal  environmental  severity(base)      (`-` = reference has none)
  v4:     vector  score  base-only-score  severity(score)
  invalid: vector  reference error class
Lines starting with `#` are comments; `# vulndb` / `# random` mark the two sections.

Run: python3 scripts/baselines/cvss.py [--vulndb DIR] [--out DIR] [--count N] [--seed S]
"""

import argparse
import glob
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile

# This file is itself named cvss.py: drop its directory so `import cvss` finds the library.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import cvss  # noqa: E402
from cvss import CVSS2, CVSS3, CVSS4  # noqa: E402

V2 = [
    ("AV", ["L", "A", "N"], True), ("AC", ["H", "M", "L"], True), ("Au", ["M", "S", "N"], True),
    ("C", ["N", "P", "C"], True), ("I", ["N", "P", "C"], True), ("A", ["N", "P", "C"], True),
    ("E", ["U", "POC", "F", "H", "ND"], False), ("RL", ["OF", "TF", "W", "U", "ND"], False),
    ("RC", ["UC", "UR", "C", "ND"], False),
    ("CDP", ["N", "L", "LM", "MH", "H", "ND"], False), ("TD", ["N", "L", "M", "H", "ND"], False),
    ("CR", ["L", "M", "H", "ND"], False), ("IR", ["L", "M", "H", "ND"], False),
    ("AR", ["L", "M", "H", "ND"], False),
]
V3 = [
    ("AV", ["N", "A", "L", "P"], True), ("AC", ["L", "H"], True), ("PR", ["N", "L", "H"], True),
    ("UI", ["N", "R"], True), ("S", ["U", "C"], True), ("C", ["H", "L", "N"], True),
    ("I", ["H", "L", "N"], True), ("A", ["H", "L", "N"], True),
    ("E", ["X", "H", "F", "P", "U"], False), ("RL", ["X", "U", "W", "T", "O"], False),
    ("RC", ["X", "C", "R", "U"], False),
    ("CR", ["X", "H", "M", "L"], False), ("IR", ["X", "H", "M", "L"], False),
    ("AR", ["X", "H", "M", "L"], False),
    ("MAV", ["X", "N", "A", "L", "P"], False), ("MAC", ["X", "L", "H"], False),
    ("MPR", ["X", "N", "L", "H"], False), ("MUI", ["X", "N", "R"], False),
    ("MS", ["X", "U", "C"], False), ("MC", ["X", "H", "L", "N"], False),
    ("MI", ["X", "H", "L", "N"], False), ("MA", ["X", "H", "L", "N"], False),
]
V4 = [
    ("AV", ["N", "A", "L", "P"], True), ("AC", ["L", "H"], True), ("AT", ["N", "P"], True),
    ("PR", ["N", "L", "H"], True), ("UI", ["N", "P", "A"], True),
    ("VC", ["H", "L", "N"], True), ("VI", ["H", "L", "N"], True), ("VA", ["H", "L", "N"], True),
    ("SC", ["H", "L", "N"], True), ("SI", ["H", "L", "N"], True), ("SA", ["H", "L", "N"], True),
    ("E", ["X", "A", "P", "U"], False),
    ("CR", ["X", "H", "M", "L"], False), ("IR", ["X", "H", "M", "L"], False),
    ("AR", ["X", "H", "M", "L"], False),
    ("MAV", ["X", "N", "A", "L", "P"], False), ("MAC", ["X", "L", "H"], False),
    ("MAT", ["X", "N", "P"], False), ("MPR", ["X", "N", "L", "H"], False),
    ("MUI", ["X", "N", "P", "A"], False),
    ("MVC", ["X", "H", "L", "N"], False), ("MVI", ["X", "H", "L", "N"], False),
    ("MVA", ["X", "H", "L", "N"], False), ("MSC", ["X", "H", "L", "N"], False),
    ("MSI", ["X", "S", "H", "L", "N"], False), ("MSA", ["X", "S", "H", "L", "N"], False),
    ("S", ["X", "N", "P"], False), ("AU", ["X", "N", "Y"], False),
    ("R", ["X", "A", "U", "I"], False), ("V", ["X", "D", "C"], False),
    ("RE", ["X", "L", "M", "H"], False), ("U", ["X", "Clear", "Green", "Amber", "Red"], False),
]
V4_BASE = {m for m, _, mandatory in V4 if mandatory}


def collect_vulndb(root):
    """Every CVSS vector string found in the vulndb snapshot (deduplicated, sorted)."""
    found = set()
    for path in sorted(glob.glob(os.path.join(root, "*.osv.jsonl.zst"))):
        raw = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        for line in raw.decode("utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            for sev in rec.get("severity") or []:
                if str(sev.get("type", "")).startswith("CVSS") and sev.get("score"):
                    found.add(sev["score"].strip())
            for aff in rec.get("affected") or []:
                for sev in aff.get("severity") or []:
                    if str(sev.get("type", "")).startswith("CVSS") and sev.get("score"):
                        found.add(sev["score"].strip())
    ruby_re = re.compile(r"^cvss_v[234]:\s*['\"]?([^'\"\n]+?)['\"]?\s*$", re.M)
    with zipfile.ZipFile(os.path.join(root, "rubysec-rubygems.zip")) as z:
        for name in z.namelist():
            if name.endswith((".yml", ".yaml")):
                for m in ruby_re.finditer(z.read(name).decode("utf-8", "replace")):
                    found.add(m.group(1).strip())
    with zipfile.ZipFile(os.path.join(root, "nodejs-security-wg.zip")) as z:
        for name in z.namelist():
            if name.endswith(".json"):
                try:
                    doc = json.loads(z.read(name))
                except ValueError:
                    continue
                if isinstance(doc, dict) and doc.get("cvss_vector"):
                    found.add(str(doc["cvss_vector"]).strip())
    nvd_re = re.compile(r"^\s*nvd:\s*(CVSS:\S+)", re.M)
    with zipfile.ZipFile(os.path.join(root, "ubuntu-cve-tracker-legacy.zip")) as z:
        for name in z.namelist():
            for m in nvd_re.finditer(z.read(name).decode("utf-8", "replace")):
                found.add(m.group(1).strip())
    return sorted(found)


def random_vector(rng, spec, prefix, optional_rate):
    parts = []
    for metric, values, mandatory in spec:
        if mandatory or rng.random() < optional_rate:
            parts.append(f"{metric}:{rng.choice(values)}")
    return prefix + "/".join(parts)


def fmt(x):
    return "-" if x is None else f"{x:.1f}"


def classify(vector):
    v = vector.strip()
    if v.startswith("CVSS:4.0/"):
        return "v40"
    if v.startswith("CVSS:3.1/"):
        return "v31"
    if v.startswith("CVSS:3.0/"):
        return "v30"
    if v.startswith("CVSS:"):
        return "invalid"
    return "v2"


def reference_line(kind, vector):
    if kind == "v2":
        c = CVSS2(vector.strip("()"))
        b, t, e = c.scores()
        return f"{vector}\t{fmt(b)}\t{fmt(t)}\t{fmt(e)}\t{c.severities()[0]}"
    if kind in ("v30", "v31"):
        c = CVSS3(vector)
        b, t, e = c.scores()
        return f"{vector}\t{fmt(b)}\t{fmt(t)}\t{fmt(e)}\t{c.severities()[0]}"
    c = CVSS4(vector)
    parts = vector.split("/")
    base_only = "/".join(parts[:1] + [p for p in parts[1:] if p.split(":")[0] in V4_BASE])
    b = CVSS4(base_only).base_score
    return f"{vector}\t{fmt(c.base_score)}\t{fmt(b)}\t{c.severity}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vulndb", default="/work/shared/vulndb")
    ap.add_argument("--out", default="crates/scry-cvss/tests/data")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261129)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    # rubysec's `cvss_v2` (and some `cvss_v3`) fields hold a bare score, not a vector: skip those.
    real = [v for v in collect_vulndb(args.vulndb) if ":" in v]
    out = {k: [] for k in ("v2", "v30", "v31", "v40")}
    invalid = []
    for vector in real:
        kind = classify(vector)
        try:
            if kind == "invalid":
                raise cvss.exceptions.CVSSError("unsupported prefix")
            out[kind].append(("vulndb", reference_line(kind, vector)))
        except Exception as err:  # noqa: BLE001 - the reference's verdict is the data
            invalid.append(f"{vector}\t{type(err).__name__}")

    specs = {"v2": (V2, ""), "v30": (V3, "CVSS:3.0/"), "v31": (V3, "CVSS:3.1/"),
             "v40": (V4, "CVSS:4.0/")}
    for kind, (spec, prefix) in specs.items():
        seen = set()
        n = args.count + (1000 if kind == "v40" else 0)
        tries = 0
        while len(seen) < n and tries < n * 20:
            tries += 1
            rate = rng.choice([0.0, 0.3, 0.7, 1.0])
            vector = random_vector(rng, spec, prefix, rate)
            if vector in seen:
                continue
            seen.add(vector)
            out[kind].append(("random", reference_line(kind, vector)))

    os.makedirs(args.out, exist_ok=True)
    header = (
        "# Generated by scripts/baselines/cvss.py with the Python `cvss` library "
        f"{cvss.__version__} (RedHatProductSecurity); do not edit.\n"
    )
    for kind, rows in out.items():
        with open(os.path.join(args.out, f"{kind}.baseline"), "w") as f:
            f.write(header)
            for section in ("vulndb", "random"):
                f.write(f"# {section}\n")
                for sec, line in rows:
                    if sec == section:
                        f.write(line + "\n")
        print(kind, {s: sum(1 for sec, _ in rows if sec == s) for s in ("vulndb", "random")},
              file=sys.stderr)
    with open(os.path.join(args.out, "invalid.baseline"), "w") as f:
        f.write(header)
        f.write("# vulndb vectors the reference rejects: vector, reference error class\n")
        for line in invalid:
            f.write(line + "\n")
    print("invalid", len(invalid), file=sys.stderr)


if __name__ == "__main__":
    main()
