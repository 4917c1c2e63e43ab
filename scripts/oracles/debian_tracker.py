#!/usr/bin/env python3
"""Independent reference for scry's Debian matching.

Reads data/DSA/list and data/DLA/list from the Debian security tracker snapshot (zip) and
decides, for (source package, source version) pairs of one Debian release, which
vulnerabilities apply. Version comparison is delegated to `dpkg --compare-versions`.

Rules (the Debian tracker's meaning of the lists):
  * an advisory block is a header `[date] DSA-nnnn-n pkg - ...`, a `{CVE-...}` line and
    `[codename] - source version|<status> (note)` lines;
  * `[rel] - src V`: versions of src lower than V (dpkg order) are affected;
  * `<unfixed>`, `<end-of-life>`, `<no-dsa>`, `<ignored>`, `<postponed>`: every version is
    affected, no fix; `<not-affected>`: none is;
  * the vulnerability ids are the block's CVEs, or the advisory id when it names none.

Usage: debian_tracker.py ZIP CODENAME INVENTORY > OUT
INVENTORY lines: `source source_version [binary binary_version]` (extra columns ignored).
OUT lines (sorted, unique): `source<TAB>source_version<TAB>vuln_id<TAB>advisory<TAB>fixed|<status>`.
"""
import subprocess
import sys
import zipfile

UNFIXED = {"unfixed", "end-of-life", "no-dsa", "ignored", "postponed"}
_cache = {}


def lt(a, b):
    key = (a, b)
    if key not in _cache:
        _cache[key] = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return _cache[key]


def blocks(text):
    adv, cves, lines = None, [], []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        if not raw[0].isspace() and raw.startswith("["):
            if adv:
                yield adv, cves, lines
            rest = raw.split("]", 1)[1].split()
            adv, cves, lines = (rest[0] if rest else None), [], []
        elif adv:
            s = raw.strip()
            if s.startswith("{"):
                cves += [c for c in s.strip("{}").split() if c.startswith("CVE-")]
            elif s.startswith("["):
                lines.append(s)
    if adv:
        yield adv, cves, lines


def main():
    zpath, codename, inv = sys.argv[1], sys.argv[2], sys.argv[3]
    installed = {}
    for line in open(inv, encoding="utf-8"):
        f = line.split()
        if len(f) >= 2:
            installed.setdefault(f[0], set()).add(f[1])
    out = set()
    with zipfile.ZipFile(zpath) as z:
        names = [n for n in z.namelist() if n.endswith("data/DSA/list") or n.endswith("data/DLA/list")]
        for n in sorted(names):
            text = z.read(n).decode("utf-8")
            for adv, cves, lines in blocks(text):
                ids = cves or [adv]
                for s in lines:
                    rel, rest = s[1:].split("]", 1)
                    if rel != codename:
                        continue
                    words = rest.strip().lstrip("-").split()
                    if len(words) < 2:
                        continue
                    src, what = words[0], words[1]
                    for ver in installed.get(src, ()):
                        if what.startswith("<"):
                            status = what.strip("<>")
                            if status not in UNFIXED:
                                continue
                            fixed = "<%s>" % status
                        else:
                            if not lt(ver, what):
                                continue
                            fixed = what
                        for i in ids:
                            out.add("\t".join([src, ver, i, adv, fixed]))
    for line in sorted(out):
        print(line)


if __name__ == "__main__":
    main()
