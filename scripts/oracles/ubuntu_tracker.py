#!/usr/bin/env python3
"""Independent reference for scry's Ubuntu matching.

Reads the Ubuntu CVE tracker's `active/CVE-*` files (UCT text format) from a zip and decides,
for (source package, source version) pairs of one Ubuntu series, which CVEs apply. Version
comparison is delegated to `dpkg --compare-versions` (Ubuntu versions are dpkg versions).

Rules: the status meanings of the tracker's README ("Package Status") as Ubuntu's own OVAL
generator of the same era applies them (`scripts/generate-oval`, `parse_package_status`,
in ubuntu-cve-tracker), for the line `<series>_<source>: <status> (<detail>)` of the exact
series (`bionic`, not `bionic/esm`, `upstream` or `devel`):

  * `released (V)`: versions lower than V are affected (V is "the version where the fix
    first appeared"); `released` without a version: every version is affected;
  * `pending (V)`: versions lower than V are affected (an update containing the fix, V, is
    pending publication); `pending` without a version: every version;
  * `not-affected (V)` with a version (a detail starting with a digit): versions lower than
    V are affected ("related to the CVE in some way and has been fixed" in V); without one
    (or with a note such as `(8.0.x only)`, which has a blank): no version is affected;
  * `needed`, `needs-triage`, `deferred`, `ignored`: every version is affected (OVAL marks
    each "vulnerable"; `ignored` is "a decision has been made to ignore this issue");
  * `DNE`: not applicable, no version is affected.

Lines starting with `#` or `--` and indented lines (patch notes) are skipped. A series
listed twice for a package keeps its last line, as the OVAL generator's dict does. The
vulnerability id is the file's `Candidate:`.

Usage: ubuntu_tracker.py ZIP SERIES INVENTORY > OUT
       ubuntu_tracker.py --write-rootfs SERIES INVENTORY DIR
           writes DIR/etc/os-release (bionic 18.04.4 or xenial 16.04.6) and a
           DIR/var/lib/dpkg/status holding INVENTORY's packages, for `scry sbom rootfs DIR`.
INVENTORY lines: `source source_version [binary binary_version]` (extra columns ignored).
OUT lines (sorted, unique):
`source<TAB>source_version<TAB>CVE<TAB>fixed version|<status>|<status V>`
where `<status V>` is a `pending`/`not-affected` line whose version V the installed one is
below.
"""
import re
import subprocess
import sys
import zipfile

EVERY_VERSION = {"needed", "needs-triage", "deferred", "ignored"}
_cache = {}


def lt(a, b):
    key = (a, b)
    if key not in _cache:
        _cache[key] = subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0
    return _cache[key]


def statuses(text, series):
    """(candidate, {source: (code, detail)}) for one tracker file."""
    candidate = None
    out = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith((" ", "\t")):
            continue
        s = line.strip()
        if s.startswith("#") or s.startswith("--"):
            continue
        key, sep, value = s.partition(":")
        if not sep:
            continue
        if key == "Candidate":
            candidate = value.strip()
            continue
        rel, us, src = key.partition("_")
        if not us or rel != series:
            continue
        value = value.strip()
        code, _, detail = value.partition(" ")
        detail = detail.strip().strip("()[]").strip()
        out[src] = (code.lower(), detail)
    return candidate, out


SERIES = {
    "bionic": ("18.04", "18.04.4 LTS (Bionic Beaver)"),
    "xenial": ("16.04", "16.04.6 LTS (Xenial Xerus)"),
}


def write_rootfs(series, inv, out):
    import os

    vid, ver = SERIES[series]
    os.makedirs(os.path.join(out, "etc"), exist_ok=True)
    os.makedirs(os.path.join(out, "var/lib/dpkg"), exist_ok=True)
    with open(os.path.join(out, "etc/os-release"), "w") as f:
        f.write(
            'NAME="Ubuntu"\nVERSION="%s"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu %s"\n'
            'VERSION_ID="%s"\nVERSION_CODENAME=%s\nUBUNTU_CODENAME=%s\n'
            % (ver, ver.split(" (")[0], vid, series, series)
        )
    paragraphs = []
    for line in open(inv, encoding="utf-8"):
        src, src_v, pkg, v = line.split()
        p = "Package: %s\nStatus: install ok installed\n" % pkg
        if (src, src_v) != (pkg, v):
            p += "Source: %s\n" % src if src_v == v else "Source: %s (%s)\n" % (src, src_v)
        paragraphs.append(p + "Architecture: amd64\nVersion: %s\n" % v)
    with open(os.path.join(out, "var/lib/dpkg/status"), "w") as f:
        f.write("\n".join(paragraphs))


def main():
    if sys.argv[1] == "--write-rootfs":
        write_rootfs(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    zpath, series, inv = sys.argv[1], sys.argv[2], sys.argv[3]
    installed = {}
    for line in open(inv, encoding="utf-8"):
        f = line.split()
        if len(f) >= 2:
            installed.setdefault(f[0], set()).add(f[1])
    out = set()
    with zipfile.ZipFile(zpath) as z:
        names = sorted(n for n in z.namelist() if re.search(r"(^|/)active/CVE-[^/.]+$", n))
        for n in names:
            candidate, st = statuses(z.read(n).decode("utf-8", "replace"), series)
            for src, (code, detail) in st.items():
                for ver in installed.get(src, ()):
                    # A version starts with a digit and has no blank: `not-affected (8.0.x
                    # only)` is a note (the OVAL generator would take it as a version that
                    # no dpkg version is below, so it means the same there).
                    versioned = bool(detail) and detail[0].isdigit() and " " not in detail
                    if code in ("released", "pending") or (code == "not-affected" and versioned):
                        if not versioned:
                            fixed = "<%s>" % code
                        elif lt(ver, detail):
                            fixed = detail if code == "released" else "<%s %s>" % (code, detail)
                        else:
                            continue
                    elif code in EVERY_VERSION:
                        fixed = "<%s>" % code
                    elif code in ("not-affected", "dne"):
                        continue
                    else:
                        sys.exit("%s: %s_%s: unknown status %r" % (n, series, src, code))
                    out.add("\t".join([src, ver, candidate, fixed]))
    for line in sorted(out):
        print(line)


if __name__ == "__main__":
    main()
