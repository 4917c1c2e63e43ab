#!/usr/bin/env python3
"""Independent reference for scry's AlmaLinux (rpm) matching.

Reads AlmaLinux's OSV records (`almalinux-8-9.osv.jsonl.zst`, one JSON record a line, from
AlmaLinux/osv-database) and decides, for the rpm packages of a scry inventory JSON, which
records apply. Every version comparison is rpm's own: one `rpm --eval` runs a Lua loop of
`rpm.vercmp(a, b)` over all the pairs (rpm 4.18 parses `[epoch:]version-release` there, a
missing epoch being 0, so `0:1.0-1` equals `1.0-1`).

Rules:
  * an `affected` entry applies to an installed package when its `package.ecosystem` is
    `AlmaLinux:<major>` of the package's ecosystem and its `package.name` equals the
    package's *binary* rpm name (`openssl-libs`, `krb5-libs`, `python3-libs`): AlmaLinux
    names binary packages, as the RHEL errata it mirrors do (each errata lists every binary
    rpm it ships), and never the source rpm unless a binary has that name;
  * OSV's ECOSYSTEM range rule: the version is affected when, walking the events in version
    order, the last event at or below it is an `introduced`. Every range in the snapshot is
    `introduced: 0`, `fixed: F`, so this is `version < F` (the script fails on any other
    shape instead of guessing);
  * module streams: an entry whose fixed version is a module build (`.module_el` in the
    release) is for systems that enabled that module stream, so it applies only to an
    installed module build, and an entry with a plain build only to a plain install
    (RHEL's and AlmaLinux's errata for `perl:5.32` do not apply to the default `perl`
    5.26 rpms). Which stream a module build belongs to is not checked (no inventory here
    has module builds);
  * a record is reported once per package however many of its entries match (AlmaLinux
    repeats a package once per module stream build);
  * withdrawn records are skipped (the snapshot has none); every record kind counts:
    ALSA (security), ALBA (bug fix) and ALEA (enhancement) alike, as OSV says "affected".

Usage:
  almalinux_osv.py RECORDS.jsonl.zst INVENTORY.json > OUT
      OUT lines (sorted): `name<TAB>version<TAB>record id<TAB>fixed version`.
  almalinux_osv.py --write-inventory MAJOR RECORDS.jsonl.zst > INVENTORY.json
      the stored test inventory: the binaries listed in INVENTORY_PACKAGES below, each at
      a version AlmaLinux shipped (a `fixed` version of its records, chosen by rpm order).
Needs: python3, zstd, rpm (Debian package `rpm`, 4.18 here).
"""
import functools
import json
import subprocess
import sys
import tempfile

_cmp = {}


def vercmp_batch(pairs):
    """Fills the cache with rpm.vercmp(a, b) for every pair, in one rpm process."""
    todo = sorted({p for p in pairs if p not in _cmp})
    if not todo:
        return
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
        for a, b in todo:
            assert "\t" not in a + b and "\n" not in a + b
            f.write("%s\t%s\n" % (a, b))
        f.flush()
        lua = (
            "%%{lua: for l in io.lines('%s') do "
            "local a, b = l:match('^([^\\t]*)\\t(.*)$') "
            "print(rpm.vercmp(a, b) .. '\\n') end }" % f.name
        )
        out = subprocess.run(["rpm", "--eval", lua], capture_output=True, text=True, check=True)
    res = [int(x) for x in out.stdout.split()]
    assert len(res) == len(todo), (len(res), len(todo))
    for p, r in zip(todo, res):
        _cmp[p] = r


def records(path):
    text = subprocess.run(["zstd", "-dc", path], capture_output=True, check=True).stdout
    for line in text.decode("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def fixed_of(rng, rid):
    ev = rng["events"]
    if rng.get("type") != "ECOSYSTEM" or len(ev) != 2 or ev[0] != {"introduced": "0"} or list(ev[1]) != ["fixed"]:
        sys.exit("%s: a range this reference does not evaluate: %r" % (rid, rng))
    return ev[1]["fixed"]


def match(recs, packages):
    """[(name, version, record id, fixed)] for packages [(ecosystem, name, version)]."""
    by_key = {}
    for eco, name, ver in packages:
        by_key.setdefault((eco, name), set()).add(ver)
    cand = []
    for r in recs:
        if r.get("withdrawn"):
            continue
        for a in r.get("affected", []):
            p = a.get("package", {})
            vers = by_key.get((p.get("ecosystem"), p.get("name")))
            if not vers:
                continue
            if a.get("versions"):
                sys.exit("%s: `versions` lists are not evaluated here" % r["id"])
            for rng in a.get("ranges", []):
                fixed = fixed_of(rng, r["id"])
                for v in vers:
                    cand.append((p["name"], v, r["id"], fixed))
    cand = [c for c in cand if (".module_el" in c[1]) == (".module_el" in c[3])]
    vercmp_batch((v, f) for _, v, _, f in cand)
    out = {}
    for name, v, rid, fixed in cand:
        if _cmp[(v, fixed)] < 0:
            out.setdefault((name, v, rid), set()).add(fixed)
    # A record matched by several builds shows its fixes comma-joined.
    return sorted((n, v, rid, ",".join(sorted(f))) for (n, v, rid), f in out.items())


# (binary rpm, source rpm, which shipped version: "low" = the oldest fixed version its
# records name, "mid" = the median one, "high" = the newest, "zero-epoch" = the median
# written with an explicit `0:` epoch). Module builds (`.module_el`) are left out.
INVENTORY_PACKAGES = {
    "8": [
        ("openssl-libs", "openssl", "mid"), ("openssl", "openssl", "mid"),
        ("krb5-libs", "krb5", "low"), ("glibc", "glibc", "mid"),
        ("glibc-common", "glibc", "mid"), ("platform-python", "python3", "low"),
        ("python3-libs", "python3", "low"), ("vim-minimal", "vim", "low"),
        ("sudo", "sudo", "low"), ("curl", "curl", "mid"), ("libcurl", "curl", "mid"),
        ("systemd", "systemd", "high"), ("systemd-libs", "systemd", "high"),
        ("sqlite-libs", "sqlite", "low"), ("libxml2", "libxml2", "zero-epoch"),
        ("expat", "expat", "mid"), ("bind-libs", "bind", "low"), ("gnutls", "gnutls", "low"),
        ("nss", "nss", "mid"), ("tar", "tar", "low"), ("openssh", "openssh", "mid"),
        ("zlib", "zlib", "low"), ("xz-libs", "xz", "low"), ("ncurses-libs", "ncurses", "low"),
        ("cyrus-sasl-lib", "cyrus-sasl", "low"), ("libgcc", "gcc", "low"),
        ("libstdc++", "gcc", "low"), ("dbus-libs", "dbus", "low"), ("less", "less", "low"),
        ("pcre2", "pcre2", "low"), ("shadow-utils", "shadow-utils", "high"),
        ("bzip2-libs", "bzip2", "low"), ("perl-libs", "perl", "low"), ("pam", "pam", "mid"),
        ("libtiff", "libtiff", "mid"),
    ],
    "9": [
        ("openssl-libs", "openssl", "mid"), ("krb5-libs", "krb5", "low"),
        ("glibc", "glibc", "mid"), ("glibc-common", "glibc", "mid"),
        ("python3", "python3.9", "low"), ("python3-libs", "python3.9", "low"),
        ("vim-minimal", "vim", "low"), ("sudo", "sudo", "low"),
        ("curl-minimal", "curl", "mid"), ("libcurl-minimal", "curl", "mid"),
        ("systemd", "systemd", "mid"), ("systemd-libs", "systemd", "mid"),
        ("sqlite-libs", "sqlite", "low"), ("libxml2", "libxml2", "zero-epoch"),
        ("expat", "expat", "low"), ("bind-libs", "bind", "mid"), ("gnutls", "gnutls", "low"),
        ("nss", "nss", "high"), ("tar", "tar", "low"), ("libssh", "libssh", "low"),
        ("openssh", "openssh", "mid"), ("zlib", "zlib", "low"), ("xz-libs", "xz", "low"),
        ("ncurses-libs", "ncurses", "low"), ("libgcc", "gcc", "low"),
        ("dbus-libs", "dbus", "low"), ("less", "less", "low"),
        ("libarchive", "libarchive", "low"), ("shadow-utils", "shadow-utils", "low"),
        ("bzip2-libs", "bzip2", "low"), ("pam", "pam", "low"),
        ("libtiff", "libtiff", "mid"), ("emacs-filesystem", "emacs", "low"),
    ],
}
OS = {
    "8": ("8.10", "AlmaLinux 8.10 (Cerulean Leopard)", "var/lib/rpm/Packages"),
    "9": ("9.6", "AlmaLinux 9.6 (Sage Margay)", "var/lib/rpm/rpmdb.sqlite"),
}


def write_inventory(major, path):
    eco = "AlmaLinux:%s" % major
    wanted = {b for b, _, _ in INVENTORY_PACKAGES[major]}
    fixes = {}
    for r in records(path):
        for a in r.get("affected", []):
            p = a.get("package", {})
            if p.get("ecosystem") == eco and p.get("name") in wanted:
                for rng in a.get("ranges", []):
                    f = fixed_of(rng, r["id"])
                    if ".module_el" not in f:
                        fixes.setdefault(p["name"], set()).add(f)
    pkgs = []
    chosen = {}
    for binary, source, which in INVENTORY_PACKAGES[major]:
        if source not in chosen:
            fs = sorted(fixes[binary])
            vercmp_batch((a, b) for a in fs for b in fs)
            fs.sort(key=functools.cmp_to_key(lambda a, b: _cmp[(a, b)]))
            chosen[source] = {"low": fs[0], "high": fs[-1]}.get(which, fs[len(fs) // 2])
        # Binaries of one source rpm are one build: the first one listed picks it.
        v = chosen[source]
        epoch, _, vr = v.rpartition(":")
        if which == "zero-epoch":
            assert not epoch
            epoch = "0"
        version, release = vr.rsplit("-", 1)
        full = "%s:%s" % (epoch, vr) if epoch else vr
        q = "arch=x86_64&distro=almalinux-%s" % OS[major][0] + ("&epoch=%s" % epoch if epoch else "")
        p = {
            "name": binary,
            "version": full,
            "ecosystem": eco,
            "packageManager": "RPM",
            "purl": "pkg:rpm/almalinux/%s@%s?%s" % (binary, vr, q),
            "sourceName": source,
        }
        if epoch:
            p["epoch"] = int(epoch)
        p.update({"release": release, "arch": "x86_64", "path": OS[major][2]})
        pkgs.append(p)
    inv = {
        "target": {"kind": "rootfs", "name": "almalinux-%s" % major},
        "os": {
            "id": "almalinux",
            "versionId": OS[major][0],
            "prettyName": OS[major][1],
            "idLike": ["rhel", "centos", "fedora"],
        },
        "packages": pkgs,
    }
    print(json.dumps(inv, indent=2))


def main():
    if sys.argv[1] == "--write-inventory":
        write_inventory(sys.argv[2], sys.argv[3])
        return
    inv = json.load(open(sys.argv[2], encoding="utf-8"))
    packages = [
        (p["ecosystem"], p["name"], p["version"])
        for p in inv["packages"]
        if p.get("packageManager") == "RPM"
    ]
    for row in match(records(sys.argv[1]), packages):
        print("\t".join(row))


if __name__ == "__main__":
    main()
