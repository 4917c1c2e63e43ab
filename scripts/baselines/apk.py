#!/usr/bin/env python3
"""Baseline for scry-version's apk scheme from apk-tools 3 (`apk_version_validate`,
`apk_version_compare`).

Versions: Alpine's secdb (`secfixes:` keys of v3.3..v3.11 main/community), grouped by
package, plus Wolfi-style `~hash` and suffix variants that secdb lacks. Strings apk
rejects become `! V` lines.

The oracle is asked one of two ways:
  - `apk version -c V` / `apk version -t A B` of an installed apk-tools 3 (Alpine 3.22+);
  - or, where no apk-tools package exists (Debian 12 has none), `$APK_ORACLE -b`: a
    program built from apk-tools' own `src/version.c` (unmodified comparison code, with
    the few blob/ctype helpers it calls) that reads `A B` lines on stdin and prints
    `A OP B` / `! V` lines. The committed baseline was produced this way from apk-tools
    3's version.c; that build agreed with all 769 non-fuzzy lines of apk-tools' own
    `test/unit/version.data` before being used. apk-tools' code is not part of this
    repository.

Run: APK_ORACLE=/path/to/apkver python3 scripts/baselines/apk.py
  or (on Alpine with apk-tools 3) python3 scripts/baselines/apk.py
"""

import os
import re
import subprocess

from version_pairs import make_pairs, write, zip_texts

EXTRA = [
    ("1.0~1234", "1.0~2345"),
    ("1.0~abc-r1", "1.0~abc-r0"),
    ("1.0_rc1~ab", "1.0_rc1"),
    ("1.0_p1~ab-r2", "1.0_p1-r2"),
    ("2.3.4a_git20240101", "2.3.4_git20240101"),
    ("1.2.3_alpha1_pre2", "1.2.3_alpha1"),
    ("1.01", "1.1"),
    ("1.01", "1.010"),
    ("1.0", "1.00"),
    ("01.2", "1.2"),
    ("1-r01", "1-r1"),
    ("0.1a1", "0.1"),
    ("6.6.2p1-r0", "6.6.2_p1-r0"),
    ("1.0-r", "1.0-r0"),
    ("1.0_foo", "1.0"),
]


def oracle(pairs):
    prog = os.environ.get("APK_ORACLE")
    if prog:
        text = "".join(f"{a} {b}\n" for a, b in pairs)
        out = subprocess.run(
            [prog, "-b"], input=text, capture_output=True, text=True, check=True
        ).stdout
        return out.splitlines()
    lines = []
    for a, b in pairs:
        bad = False
        for v in (a, b):
            if subprocess.run(["apk", "version", "-c", v], capture_output=True).returncode:
                lines.append(f"! {v}")
                bad = True
        if bad:
            continue
        op = subprocess.run(
            ["apk", "version", "-t", a, b], capture_output=True, text=True, check=True
        ).stdout.strip()
        lines.append(f"{a} {op} {b}")
    return lines


def main():
    by_pkg = {}
    name_re = re.compile(r"^\s+name: (\S+)")
    ver_re = re.compile(r"^\s{8}([^\s#:]+):\s*$")
    for _, text in zip_texts("alpine-secdb-legacy.zip", ".yaml"):
        pkg = None
        for line in text.splitlines():
            m = name_re.match(line)
            if m:
                pkg = m.group(1)
                continue
            m = ver_re.match(line)
            if m and pkg:
                by_pkg.setdefault(pkg, set()).add(m.group(1).strip("'\""))
    pairs = make_pairs(by_pkg, 3000) + EXTRA
    lines = []
    seen_bad = set()
    for line in oracle(pairs):
        if line.startswith("! "):
            if line in seen_bad:
                continue
            seen_bad.add(line)
        lines.append(line)
    write(
        "apk",
        [
            "scripts/baselines/apk.py: Alpine secdb versions, ordered by apk-tools 3",
            "apk_version_compare / apk_version_validate (src/version.c)",
        ],
        lines,
    )


if __name__ == "__main__":
    main()
