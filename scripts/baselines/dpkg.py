#!/usr/bin/env python3
"""Baseline for scry-version's dpkg scheme from the real `dpkg --compare-versions`.

Versions: the fixed versions of Debian's security tracker (DSA/DLA/DTSA lists) and of
Ubuntu's CVE tracker (`pkg: fixed (VERSION)` / `released (VERSION)` lines), grouped by
package. Plus strings dpkg refuses with an *error* (`! V` lines).

Run (Debian/Ubuntu with dpkg): python3 scripts/baselines/dpkg.py
"""

import re
import subprocess

from version_pairs import make_pairs, write, zip_texts


def dpkg(a, op, b):
    r = subprocess.run(
        ["dpkg", "--compare-versions", a, op, b], capture_output=True
    )
    if r.returncode not in (0, 1):
        raise ValueError(r.stderr.decode())
    return r.returncode == 0


def compare(a, b):
    if dpkg(a, "lt", b):
        return "<"
    if dpkg(a, "eq", b):
        return "="
    return ">"


def rejected(v):
    """dpkg exits 2 ('version ... has bad syntax' as an error, not a warning)."""
    r = subprocess.run(["dpkg", "--compare-versions", v, "eq", v], capture_output=True)
    return r.returncode not in (0, 1)


def main():
    by_pkg = {}
    dsa = re.compile(r"^\s*\[[a-z-]+\] - (\S+) (\S+)")
    for _, text in zip_texts("debian-security-tracker-lists.zip"):
        for line in text.splitlines():
            m = dsa.match(line)
            if m and m.group(2)[0].isdigit():
                by_pkg.setdefault(("debian", m.group(1)), set()).add(m.group(2))
    ubu = re.compile(r"^[a-z0-9/.-]+_([a-z0-9.+-]+): (?:released|not-affected) \(([^)\s]+)\)")
    for _, text in zip_texts("ubuntu-cve-tracker-legacy.zip"):
        for line in text.splitlines():
            m = ubu.match(line)
            if m:
                by_pkg.setdefault(("ubuntu", m.group(1)), set()).add(m.group(2))
    pairs = make_pairs(by_pkg, 3000)
    lines = []
    for a, b in pairs:
        try:
            lines.append(f"{a} {compare(a, b)} {b}")
        except ValueError:
            for v in (a, b):
                if rejected(v):
                    lines.append(f"! {v}")
    for bad in [":1.0", "a:1.0", "-1:1.0", "1:", "1.0-", "-1", "1:-1", "2147483648:1"]:
        assert rejected(bad), bad
        lines.append(f"! {bad}")
    version = subprocess.run(["dpkg", "--version"], capture_output=True, text=True)
    write(
        "dpkg",
        [
            "scripts/baselines/dpkg.py: Debian security tracker + Ubuntu CVE tracker versions,",
            "ordered by " + version.stdout.splitlines()[0],
        ],
        lines,
    )


if __name__ == "__main__":
    main()
