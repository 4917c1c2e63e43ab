#!/usr/bin/env python3
"""Independent reference for scry's language-package matching (issue #4).

Decides, for every (ecosystem, name, version) of one or more scry inventories (`scry sbom
fs DIR --format json`), which advisory records affect it, from the OSV schema's published
rules (ossf/osv-schema `docs/schema.md`, version 1.7.x, section "Evaluation"), written from
the spec and not from scry's code. Version order comes from the ecosystems' own libraries:

  * PyPI, ECOSYSTEM ranges and `versions`: `packaging.version.Version` (PEP 440).
  * SEMVER ranges (any ecosystem), and ECOSYSTEM ranges of npm, Go and crates.io, whose
    versions are SemVer 2.0: the `semver` package (`semver.Version`, precedence of SemVer
    2.0 section 11; build metadata ignored). Go: the leading `v` is dropped (`+incompatible`
    is then build metadata, pseudo-versions are pre-releases), and a bare `X.Y` (the `go`
    directive of go.mod, reported as `stdlib`/`toolchain`) is the release `X.Y.0`.
  * Other ecosystems (RubyGems, NuGet, Maven, Packagist, Hex, Pub, ...): no comparator here.
    A `versions` entry matches by exact string; a range is decided only when it needs no
    comparison (`introduced: "0"` and nothing else: every version). Anything else is
    undecidable and is reported on stderr, never guessed.
  * `--nodejs-wg ZIP` (nodejs/security-wg `vuln/npm/*.json`, not OSV): the advisory's own
    meaning, `vulnerable_versions` is a node-semver range of affected versions, evaluated
    with node-semver's `satisfies` (node, `semver` from npm) with no conversion to OSV,
    with the options npm's own audit passes (`{ includePrerelease: true, loose: true }`,
    npm/metavuln-calculator `lib/advisory.js`): without `includePrerelease`, `satisfies`
    leaves out every pre-release whose release tuple no comparator names (so
    `3.0.0-beta.1` would escape `<3.0.16`), an install-time policy, not an ordering.
    The record id is `NSWG-ECO-<id>`. `patched_versions` does not decide (a version both
    vulnerable and patched is listed on stderr).

Rules (OSV schema):
  * a record whose `withdrawn` is set affects nothing;
  * `affected[].package` must equal the installed package: same ecosystem string (an
    ecosystem with a `:suffix`, e.g. a Maven remote repository, is another ecosystem), the
    name compared after the ecosystem's normalisation: PyPI PEP 503 (`[-_.]+` -> `-`,
    lower case), NuGet and Packagist lower case (both registries are case-insensitive),
    every other ecosystem exact;
  * affected if the version equals one of `versions` (equality in the ecosystem's order
    where a comparator exists, else the exact string), or lies in a range: per range, if
    any `limit` exists the version must be below one of them (`*` is infinity); then the
    events sorted by version are walked: `introduced` (`0` sorts first) sets vulnerable
    when v >= it, `fixed` clears it when v >= it, `last_affected` clears it when v > it;
  * GIT ranges are commit ranges: a package version cannot be placed in them without the
    repository, so they decide nothing (the spec keeps `versions` for that reason);
  * an installed version or an event that the library rejects makes that (package,
    record) undecidable: reported on stderr, not in the output.

Output (stdout), sorted and unique: `ecosystem<TAB>name<TAB>version<TAB>record id`, with the
inventory's own spelling of name and version. Counts per ecosystem go to stderr.

Re-run (from /work/main; the only network use is installing the libraries; the test
`crates/scry-cli/tests/cli/osv_reference.rs` compares scry with the stored answers):

    pip install packaging semver zstandard
    npm install --prefix ~/.cache/scry-oracles semver    # or set SCRY_NODE_MODULES
    V=../shared/vulndb D=crates/scry-cli/tests/data/osv
    scry sbom fs target/fixtures/lockfiles --format json > $D/lockfiles.inventory.json
    scry sbom fs target/fixtures/binaries --format json > $D/binaries.inventory.json
    python3 scripts/oracles/osv_reference.py --osv $V/pypa-pypi.osv.jsonl.zst \
        --osv $V/go-vulndb.osv.jsonl.zst --osv $V/ossf-malicious-packages.osv.jsonl.zst \
        --osv $V/rustsec-crates.osv.jsonl.zst --nodejs-wg $V/nodejs-security-wg.zip \
        --write-boundaries $D/boundaries.inventory.json \
        $D/lockfiles.inventory.json $D/binaries.inventory.json
    for n in lockfiles binaries boundaries; do
      python3 scripts/oracles/osv_reference.py \
        --osv $V/pypa-pypi.osv.jsonl.zst --osv $V/go-vulndb.osv.jsonl.zst \
        --osv $V/ossf-malicious-packages.osv.jsonl.zst --osv $V/psf-cpython.osv.jsonl.zst \
        --osv $V/bitnami.osv.jsonl.zst --osv $V/rustsec-crates.osv.jsonl.zst \
        --nodejs-wg $V/nodejs-security-wg.zip $D/$n.inventory.json > $D/$n.expected
    done

Answered by (2026-11-29): Python 3 with packaging 26.4, semver 3.1.2, zstandard 0.25.0;
node v20.20.2 with node-semver 7.8.6.
"""
import argparse
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from functools import cmp_to_key

import semver
import zstandard
from packaging.version import InvalidVersion, Version


class Undecidable(Exception):
    pass


# ---------------------------------------------------------------- names


def norm_name(eco, name):
    if eco == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    if eco in ("NuGet", "Packagist"):
        return name.lower()
    return name


# ---------------------------------------------------------------- versions

_GO_BARE = re.compile(r"^\d+\.\d+$")


def semver_parse(eco, text):
    t = text
    if eco == "Go":
        if t.startswith("v"):
            t = t[1:]
        if _GO_BARE.match(t):
            t += ".0"
    try:
        return semver.Version.parse(t)
    except ValueError as e:
        raise Undecidable(f"not SemVer 2.0: {text!r}") from e


def pep440_parse(text):
    try:
        return Version(text)
    except InvalidVersion as e:
        raise Undecidable(f"not PEP 440: {text!r}") from e


SEMVER_ECOSYSTEMS = {"npm", "Go", "crates.io"}


def comparator(eco, range_type):
    """A parse function whose results order by the ecosystem's rules, or None."""
    if range_type == "SEMVER":
        return lambda s: semver_parse(eco, s)
    if range_type == "ECOSYSTEM":
        if eco == "PyPI":
            return pep440_parse
        if eco in SEMVER_ECOSYSTEMS:
            return lambda s: semver_parse(eco, s)
    return None


def versions_comparator(eco):
    if eco == "PyPI":
        return pep440_parse
    if eco in SEMVER_ECOSYSTEMS:
        return lambda s: semver_parse(eco, s)
    return None


# ---------------------------------------------------------------- OSV evaluation


def included_in_versions(eco, v, versions):
    if v in versions:
        return True
    parse = versions_comparator(eco)
    if parse is None:
        return False
    pv = parse(v)
    for x in versions:
        try:
            if parse(x) == pv:
                return True
        except Undecidable:
            continue  # a listed string that is no version cannot equal one
    return False


def included_in_range(eco, v, rng):
    rtype = rng.get("type")
    if rtype == "GIT":
        return False
    events = rng.get("events") or []
    parse = comparator(eco, rtype)
    if parse is None:
        # No comparator: decidable only when no comparison is needed.
        kinds = [(k, val) for e in events for k, val in e.items()]
        if kinds == [("introduced", "0")]:
            return True
        raise Undecidable(f"{rtype} range of {eco} needs a comparator: {events}")
    pv = parse(v)

    limits = [e["limit"] for e in events if "limit" in e]
    if limits:
        if not any("*" in lim or pv < parse(lim) for lim in limits):
            return False

    def key(e):
        (kind, val), = e.items()
        if kind == "introduced" and val == "0":
            return (0, None)
        if kind == "limit":
            return (2, None)
        return (1, parse(val))

    def cmp(a, b):
        ka, kb = key(a), key(b)
        if ka[0] != kb[0]:
            return -1 if ka[0] < kb[0] else 1
        if ka[1] is None or ka[1] == kb[1]:
            return 0
        return -1 if ka[1] < kb[1] else 1

    vulnerable = False
    for e in sorted(events, key=cmp_to_key(cmp)):
        if "introduced" in e and (e["introduced"] == "0" or pv >= parse(e["introduced"])):
            vulnerable = True
        elif "fixed" in e and pv >= parse(e["fixed"]):
            vulnerable = False
        elif "last_affected" in e and pv > parse(e["last_affected"]):
            vulnerable = False
    return vulnerable


def affects(eco, v, affected):
    if included_in_versions(eco, v, affected.get("versions") or []):
        return True
    return any(included_in_range(eco, v, r) for r in affected.get("ranges") or [])


# ---------------------------------------------------------------- inputs


def read_jsonl_zst(path):
    with open(path, "rb") as fh:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(fh), encoding="utf-8")
        for line in reader:
            if line.strip():
                yield json.loads(line)


def read_inventory(paths):
    pkgs = set()
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            doc = json.load(fh)
        for pkg in doc.get("packages", []):
            if pkg.get("ecosystem") and pkg.get("name") and pkg.get("version"):
                pkgs.add((pkg["ecosystem"], pkg["name"], pkg["version"]))
    return pkgs


def node_semver():
    """The node `semver` module's folder: $SCRY_NODE_MODULES or ~/.cache/scry-oracles."""
    base = os.environ.get("SCRY_NODE_MODULES") or os.path.expanduser(
        "~/.cache/scry-oracles/node_modules"
    )
    mod = os.path.join(base, "semver")
    if not os.path.isdir(mod):
        sys.exit(f"node-semver not found at {mod}: npm install --prefix {os.path.dirname(base)} semver")
    return mod


NODE_PROGRAM = r"""
const semver = require(process.argv[1]);
const opt = { includePrerelease: true, loose: true };
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = [];
for (const [v, vulnerable, patched] of input) {
  let a = null, p = null, err = null;
  try { a = semver.satisfies(v, vulnerable, opt); } catch (e) { err = String(e); }
  try { p = patched ? semver.satisfies(v, patched, opt) : false; } catch (e) { err = String(e); }
  out.push([a, p, semver.valid(v, opt) !== null, semver.validRange(vulnerable, opt) !== null, err]);
}
process.stdout.write(JSON.stringify(out));
"""


def nodejs_wg(zip_path, npm_pkgs, hits, stats):
    by_name = defaultdict(list)
    for eco, name, v in npm_pkgs:
        by_name[name].append(v)
    jobs = []
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            m = re.fullmatch(r"vuln/npm/(\d+)\.json", info.filename)
            if not m:
                continue
            adv = json.loads(z.read(info))
            name = adv.get("module_name")
            for v in by_name.get(name, []):
                jobs.append((name, v, f"NSWG-ECO-{m.group(1)}", adv.get("vulnerable_versions") or "",
                             adv.get("patched_versions") or ""))
    if not jobs:
        return
    res = subprocess.run(
        ["node", "-e", NODE_PROGRAM, node_semver()],
        input=json.dumps([[v, vv, pv] for _, v, _, vv, pv in jobs]),
        capture_output=True, text=True, check=True,
    )
    for (name, v, rid, vv, pv), (aff, patched, valid_v, valid_range, err) in zip(jobs, json.loads(res.stdout)):
        stats["npm"]["pairs"] += 1
        if not valid_v or not valid_range or err:
            stats["npm"]["undecidable"] += 1
            print(f"# undecidable\tnpm\t{name}\t{v}\t{rid}\tvulnerable_versions {vv!r} {err or ''}", file=sys.stderr)
            continue
        if aff:
            hits.add(("npm", name, v, rid))
            if patched:
                print(f"# vulnerable and patched\tnpm\t{name}\t{v}\t{rid}\t{vv!r} / {pv!r}", file=sys.stderr)


BOUNDARY_MANAGERS = {"PyPI": ("PIP", "pypi"), "Go": ("GOMOD", "golang"), "npm": ("NPM", "npm"),
                     "crates.io": ("CARGO", "cargo")}


# The Go standard library has hundreds of records, each naming several releases: probing
# every one gives ~30,000 answers. Only the newest line the fixtures use is probed.
STDLIB_LINE = "1.22."


def boundary_versions(eco, name, value):
    """`value` as an installed version, and one just below it in the ecosystem's order."""
    if value == "0" or "*" in value:
        return []
    if eco == "PyPI":
        try:
            v = Version(value)
        except InvalidVersion:
            return [value]
        out = [value]
        if v.dev is None and v.pre is None and v.post is None and v.local is None:
            out.append(value + ".dev0")  # PEP 440: X.dev0 < Xa0 < X
        return out
    if eco == "Go" and name in ("stdlib", "toolchain"):
        if not value.startswith(STDLIB_LINE):
            return []
    elif eco == "Go":
        value = "v" + value
    out = [value]
    if "-" not in value and "+" not in value:
        out.append(value + "-0")  # SemVer: the lowest pre-release of a release sorts below it
    return out


def write_boundaries(osv_paths, nodejs_wg_zip, pkgs, out_path):
    """An inventory of the packages of `pkgs` (PyPI, Go, npm, crates.io) at every version
    their records' ranges name: each `introduced`/`fixed`/`last_affected`/`limit` value and
    one just below it (the `versions` lists are left out: pypa's alone would be thousands;
    only their PyPI entries spelt otherwise than PEP 440's normal form, in that form, and
    `X.Y` entries as `X.Y.0`, are added); also the packages of every record with a
    `last_affected` or `limit` event, whatever their name, since those rules are rare.
    With `nodejs_wg`, every npm advisory's module at each version its `vulnerable_versions`
    and `patched_versions` name. Probes inclusive and exclusive ends and pre-releases."""
    names = {}  # (eco, normalised name) -> the first spelling in sorted order (`Flask` before `flask`)
    for e, n, _ in sorted(pkgs):
        if e in BOUNDARY_MANAGERS:
            names.setdefault((e, norm_name(e, n)), n)
    found = set()
    for path in osv_paths:
        for rec in read_jsonl_zst(path):
            for aff in rec.get("affected") or []:
                pkg = aff.get("package") or {}
                eco = pkg.get("ecosystem")
                if eco not in BOUNDARY_MANAGERS or not pkg.get("name"):
                    continue
                ranges = [r for r in aff.get("ranges") or [] if r.get("type") != "GIT"]
                rare = any("last_affected" in e or "limit" in e for r in ranges for e in r.get("events") or [])
                name = names.get((eco, norm_name(eco, pkg["name"])))
                if name is None and not rare:
                    continue
                name = name or pkg["name"]
                values = [v for r in ranges for e in r.get("events") or [] for v in e.values()]
                if eco == "PyPI":
                    # `versions` entries in another spelling of the same PEP 440 version.
                    for x in aff.get("versions") or []:
                        try:
                            canon = str(Version(x))
                        except InvalidVersion:
                            continue
                        if canon != x:
                            found.add((eco, name, canon))
                        if re.fullmatch(r"\d+\.\d+", x):
                            found.add((eco, name, x + ".0"))
                for value in values:
                    for v in boundary_versions(eco, name, value):
                        found.add((eco, name, v))
    if nodejs_wg_zip:
        with zipfile.ZipFile(nodejs_wg_zip) as z:
            for info in z.infolist():
                if re.fullmatch(r"vuln/npm/\d+\.json", info.filename):
                    adv = json.loads(z.read(info))
                    text = f"{adv.get('vulnerable_versions') or ''} {adv.get('patched_versions') or ''}"
                    for v in re.findall(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?", text):
                        if adv.get("module_name"):
                            found.add(("npm", adv["module_name"], v))
    packages = []
    for eco, name, v in sorted(found):
        manager, ptype = BOUNDARY_MANAGERS[eco]
        packages.append({"name": name, "version": v, "ecosystem": eco, "packageManager": manager,
                         "purl": f"pkg:{ptype}/{name}@{v}", "path": "boundaries"})
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write('{"target": {"kind": "fs", "name": "boundaries"}, "packages": [\n')
        fh.write(",\n".join(json.dumps(p) for p in packages))
        fh.write("\n]}\n")
    print(f"# {out_path}: {len(packages)} packages", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--osv", action="append", default=[], help="OSV .jsonl.zst file (repeatable)")
    ap.add_argument("--nodejs-wg", help="nodejs/security-wg zip (vuln/npm/*.json)")
    ap.add_argument("--write-boundaries", metavar="OUT",
                    help="write the boundary inventory of the inventories' packages, then stop")
    ap.add_argument("inventory", nargs="+", help="scry inventory JSON")
    args = ap.parse_args()

    pkgs = read_inventory(args.inventory)
    if args.write_boundaries:
        write_boundaries(args.osv, args.nodejs_wg, pkgs, args.write_boundaries)
        return
    wanted = defaultdict(list)  # (eco, normalised name) -> [(name, version)]
    for eco, name, v in pkgs:
        wanted[(eco, norm_name(eco, name))].append((name, v))

    stats = defaultdict(Counter)
    for eco, _, _ in pkgs:
        stats[eco]["packages"] += 1
    hits = set()
    for path in args.osv:
        for rec in read_jsonl_zst(path):
            for aff in rec.get("affected") or []:
                pkg = aff.get("package") or {}
                eco = pkg.get("ecosystem")
                if not eco or not pkg.get("name"):
                    continue
                for name, v in wanted.get((eco, norm_name(eco, pkg["name"])), []):
                    if rec.get("withdrawn"):
                        stats[eco]["withdrawn"] += 1
                        continue
                    stats[eco]["pairs"] += 1
                    try:
                        if affects(eco, v, aff):
                            hits.add((eco, name, v, rec["id"]))
                    except Undecidable as e:
                        stats[eco]["undecidable"] += 1
                        print(f"# undecidable\t{eco}\t{name}\t{v}\t{rec['id']}\t{e}", file=sys.stderr)
    if args.nodejs_wg:
        nodejs_wg(args.nodejs_wg, [p for p in pkgs if p[0] == "npm"], hits, stats)

    for eco, _, _, _ in hits:
        stats[eco]["hits"] += 1
    for eco in sorted(stats):
        s = stats[eco]
        print(f"# {eco}: {s['packages']} packages, {s['pairs']} (package, record) pairs looked at, "
              f"{s['hits']} hits, {s['undecidable']} undecidable, {s['withdrawn']} withdrawn pairs skipped",
              file=sys.stderr)
    out = sys.stdout
    for h in sorted(hits):
        out.write("\t".join(h) + "\n")


if __name__ == "__main__":
    main()
