#!/usr/bin/env python3
"""Independent reference for scry's Alpine matching of a container image.

Reads the image (docker-save tarball, gzip or not), extracts its layers into a temporary
root filesystem, lists the installed packages from `/lib/apk/db/installed` and decides,
from the Alpine secdb YAML of the image's branch (`/etc/alpine-release` 3.10.4 -> `v3.10`,
files `v3.10/main.yaml` and `v3.10/community.yaml` of the secdb zip), which
vulnerabilities apply. Shares no code with scry: PyYAML reads the secdb, and every version
comparison is asked of the image's own apk-tools, `chroot ROOTFS /sbin/apk version -t A B`
(prints `<`, `=` or `>`), cached per pair. Needs root (chroot) and an x86_64 host.

The secdb's meaning (alpinelinux/alpine-secdb README, and how the Alpine wiki describes
`secfixes` in APKBUILDs):
  * one file per branch and repository; `packages[].pkg.name` is the aports package, i.e.
    the *origin* (`o:` in the installed database) of the binary packages it builds, so
    `libcrypto1.1` and `libssl1.1` are looked up as `openssl`;
  * `secfixes: {VERSION: [ids]}`: the ids were fixed in VERSION of that package on that
    branch, so installed versions lower than VERSION (apk order) are affected;
  * VERSION `0` means the package was never affected by those ids (the whitelist: the
    upstream vulnerability does not apply to Alpine's build). It gives no finding. An id
    listed under `0` *and* under a real version of the same package would be
    contradictory; the script reports such pairs on stderr and lets the real version decide
    (none occurs in v3.10);
  * an id listed under several versions of one package (a fix on each of two upstream
    lines, or a fix and its regression fix): affected while lower than any of them, fixed
    column = the highest;
  * an entry is usually one CVE id, sometimes `CVE-… XSA-…` or `CVE-… (note)`, or a
    non-CVE id alone (`XSA-207`): the ids kept are the CVE ids of the entry
    (`CVE[-_ ]YYYY-NNNN` normalised to `CVE-YYYY-NNNN`), else its first word.
How scry-feeds converts it (crates/scry-feeds/src/alpine.rs), for comparison: one OSV
record `ALPINE-<id>` per id, an ECOSYSTEM range `introduced 0, fixed VERSION` per
(package, version) in `Alpine:v3.10`, and `0` as a `not_affected` status (no `affected[]`
entry); the matcher looks packages up by `source_name` (the origin).

Usage: alpine_secdb.py SECDB_ZIP IMAGE_TARBALL > OUT
OUT lines (sorted, unique): `origin<TAB>version<TAB>vuln_id<TAB>fixed`.
stderr: the branch, the package count and the number of apk comparisons asked.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import yaml

CVE = re.compile(r"CVE[-_ ](\d{4})-(\d{4,})")


def open_tar(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return tarfile.open(path, "r:gz" if magic == b"\x1f\x8b" else "r:")


def extract_image(image, root):
    """Applies the docker-save image's layers in order to `root` (whiteouts honoured)."""
    with open_tar(image) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))
        for layer in manifest[0]["Layers"]:
            data = outer.extractfile(layer).read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            tmp = os.path.join(root, ".layer.tar")
            with open(tmp, "wb") as f:
                f.write(data)
            with tarfile.open(tmp) as t:
                members = []
                for m in t.getmembers():
                    d, base = os.path.split(m.name)
                    if base == ".wh..wh..opq":
                        target = os.path.join(root, d)
                        for e in os.listdir(target) if os.path.isdir(target) else []:
                            p = os.path.join(target, e)
                            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
                    elif base.startswith(".wh."):
                        p = os.path.join(root, d, base[4:])
                        if os.path.lexists(p):
                            shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
                    else:
                        members.append(m)
                t.extractall(root, members=members, numeric_owner=True, filter="tar")
            os.remove(tmp)


def installed(root):
    """(origin, version) of every package in /lib/apk/db/installed."""
    out = set()
    with open(os.path.join(root, "lib/apk/db/installed"), encoding="utf-8") as f:
        for block in f.read().split("\n\n"):
            fields = {}
            for line in block.splitlines():
                if len(line) > 2 and line[1] == ":":
                    fields.setdefault(line[0], line[2:])
            if "P" in fields and "V" in fields:
                out.add((fields.get("o", fields["P"]), fields["V"]))
    return out


class Apk:
    def __init__(self, root):
        self.root, self.cache = root, {}

    def lt(self, a, b):
        if (a, b) not in self.cache:
            r = subprocess.run(
                ["chroot", self.root, "/sbin/apk", "version", "-t", a, b],
                capture_output=True, text=True, check=True,
            )
            res = r.stdout.strip()
            if res not in ("<", "=", ">"):
                raise SystemExit("apk version -t %s %s answered %r" % (a, b, res))
            self.cache[(a, b)] = res == "<"
        return self.cache[(a, b)]


def ids_of(entry):
    cves = ["CVE-%s-%s" % m for m in CVE.findall(entry)]
    return cves or entry.split()[:1]


def main():
    secdb, image = sys.argv[1], sys.argv[2]
    root = tempfile.mkdtemp(prefix="alpine-oracle-")
    try:
        extract_image(image, root)
        with open(os.path.join(root, "etc/alpine-release"), encoding="utf-8") as f:
            release = f.read().strip()
        branch = "v" + ".".join(release.split(".")[:2])
        pkgs = installed(root)
        # secfixes[origin][id] = (set of fixed versions, listed under 0?)
        fixes = {}
        with zipfile.ZipFile(secdb) as z:
            for repo in ("main", "community"):
                doc = yaml.load(z.read("%s/%s.yaml" % (branch, repo)), Loader=yaml.BaseLoader)
                for p in doc.get("packages") or []:
                    pkg = p["pkg"]
                    for ver, entries in (pkg.get("secfixes") or {}).items():
                        for e in entries or []:
                            if not e:
                                continue
                            for i in ids_of(e):
                                slot = fixes.setdefault(pkg["name"], {}).setdefault(i, [set(), False])
                                if ver.strip() == "0":
                                    slot[1] = True
                                else:
                                    slot[0].add(ver.strip())
        apk = Apk(root)
        out = set()
        for origin, version in sorted(pkgs):
            for i, (vers, never) in sorted(fixes.get(origin, {}).items()):
                if never and vers:
                    print("both 0 and %s for %s %s" % (sorted(vers), origin, i), file=sys.stderr)
                above = [v for v in vers if apk.lt(version, v)]
                if not above:
                    continue
                top = above[0]
                for v in above[1:]:
                    if apk.lt(top, v):
                        top = v
                out.add("\t".join([origin, version, i, top]))
        print("branch %s (alpine-release %s), %d packages, %d apk comparisons"
              % (branch, release, len(pkgs), len(apk.cache)), file=sys.stderr)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for line in sorted(out):
        print(line)


if __name__ == "__main__":
    main()
