#!/usr/bin/env python3
"""Converts trivy-db fixture buckets (YAML) into OSV JSON records, so that scry can be
matched against the same advisories trivy's golden results were computed from.

Usage: trivy_db_to_osv.py DB_DIR OUT_DIR
       trivy_db_to_osv.py --self-test
  DB_DIR   the `advisories/trivy-integration-db` fixture folder (`*.yaml` buckets,
           `vulnerability.yaml`, `data-source.yaml`)
  OUT_DIR  receives one `<id>.json` OSV record per (bucket, package, vulnerability id)
Prints one line per skipped bucket with its reason (stderr) and a count (stdout).
Exit status 1 with a message when a constraint cannot be converted exactly; 2 when
PyYAML (`pip install pyyaml`) is missing.

Buckets
  Only language buckets (`<prefix>::<source name>`) are converted; OS buckets
  (`alpine 3.10`, `debian 11`, ...) are outside this oracle and skipped silently.
    prefix     OSV ecosystem   notes
    pip        PyPI
    npm        npm
    maven      Maven           package `group:artifact`, as OSV writes it
    nuget      NuGet           trivy-db keeps NuGet ids lower-cased; kept as they are
    composer   Packagist
    erlang     Hex
    pub        Pub
    rubygems   RubyGems
    go         Go              versions lose their `v` (`v2.8.0` -> `2.8.0`), as in OSV
    cargo      crates.io
    swift      SwiftURL        package is the repository URL without scheme, as in OSV
  Skipped with a reason: `cocoapods` and `conan` (no OSV ecosystem scry knows), `k8s`
  (the Kubernetes CVE feed names components, not packages of an ecosystem scry knows).

Records
  * `id` is the vulnerability id (CVE/GHSA/GMS...) when exactly one converted
    (bucket, package) pair names it. scry keeps one record per id, so an id named by
    several pairs (one CVE for a package in two feeds, or for two packages) becomes
    `TRIVYDB-<ecosystem>-<package>-<id>` (non-alphanumerics replaced by `_`; `-2`, `-3`
    appended when one package repeats) for each of them, with the vulnerability id in
    `aliases`: scry's alias groups then join them again, and the group's id (the CVE;
    else the smallest id, which sorts before `TRIVYDB-`) is the finding's
    `vulnerabilityId`.
  * `summary`, `details`, `references`, `published`, `modified` come from
    `vulnerability.yaml` (`modified` defaults to 1970-01-01 when absent);
    `database_specific.severity` is its `Severity`.
  * `severity`: one CVSS vector per type (V2, V3, V4.0) from `vulnerability.yaml`'s
    `CVSS`, taken from the bucket's data source (`data-source.yaml` `ID`, e.g. `ghsa`)
    first, then `nvd`, then the other sources in name order.
  * `affected[0].database_specific` keeps the bucket and the original constraint strings.

Ranges (trivy's `compare.IsVulnerable`, reproduced exactly)
  A version is vulnerable when it satisfies one of `VulnerableVersions` (or there are
  none) and none of `PatchedVersions` + `UnaffectedVersions` (a bare version in those
  means "equal to"). An empty constraint string makes every version vulnerable; an
  advisory with neither list makes none vulnerable (skipped with a reason).
  Constraint grammar: `||`-separated alternatives; each a comma- (or space-) separated
  conjunction of `OP VERSION` with OP in `< <= > >= = ==` (spaces optional), a bare
  version (equality), or Maven ranges `[a,b)`, `(,b]`, `[v]`, several separated by commas.
  The vulnerable set is computed as a union of intervals; each interval becomes one OSV
  `ECOSYSTEM` range: lower bound inclusive -> `introduced` (unbounded -> `0`), upper
  bound exclusive -> `fixed`, inclusive -> `last_affected`, unbounded -> no closing event.
  So `<= 1.6.14` with patched `1.6.14` becomes `fixed: 1.6.14` (1.6.14 itself is patched),
  while `>= 2.0.0, <= 2.9.10.3` with patched `2.9.10.4` stays `last_affected: 2.9.10.3`:
  a `fixed: 2.9.10.4` would also claim the versions between the two.
  Fails loudly (exit 1) instead of guessing when an interval would need an exclusive lower
  bound (`> 1.0`: OSV cannot say it), when an operator is unknown (`^`, `~`, ...), or when
  two versions must be ordered and are not both plain dotted numbers (the ordering then
  depends on the ecosystem's rules, which this script does not reimplement).
  Exact for the versions the constraints name; one semantic gap remains on the installed
  side: trivy's npm and PEP 440 matchers treat installed pre-releases specially
  (node-semver lets a pre-release satisfy a range only when a comparator names a
  pre-release of the same major.minor.patch; PEP 440's `< 3.4.0` leaves out 3.4.0's own
  pre-releases), while OSV ranges order them like any version. No golden installs one.
"""
import datetime
import json
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("trivy_db_to_osv.py needs PyYAML: pip install pyyaml", file=sys.stderr)
    sys.exit(2)

ECOSYSTEMS = {
    "pip": "PyPI",
    "npm": "npm",
    "maven": "Maven",
    "nuget": "NuGet",
    "composer": "Packagist",
    "erlang": "Hex",
    "pub": "Pub",
    "rubygems": "RubyGems",
    "go": "Go",
    "cargo": "crates.io",
    "swift": "SwiftURL",
}
SKIPPED = {
    "cocoapods": "CocoaPods is not an OSV ecosystem scry knows",
    "conan": "ConanCenter is not an OSV ecosystem scry knows",
    "k8s": "the Kubernetes CVE feed names components, not packages of an ecosystem scry knows",
}
EPOCH = "1970-01-01T00:00:00Z"


class Inexact(Exception):
    """A constraint that has no exact OSV form."""


# Versions and bounds ---------------------------------------------------------------

NUMERIC = re.compile(r"^[0-9]+(\.[0-9]+)*$")


def cmp(a, b):
    """Orders two versions when the answer does not depend on the ecosystem."""
    if a == b:
        return 0
    if not (NUMERIC.match(a) and NUMERIC.match(b)):
        raise Inexact(f"cannot order {a!r} and {b!r} without the ecosystem's rules")
    x = [int(p) for p in a.split(".")]
    y = [int(p) for p in b.split(".")]
    n = max(len(x), len(y))
    x += [0] * (n - len(x))
    y += [0] * (n - len(y))
    if x == y:
        # `1.0` and `1.0.0`: equal for PyPI and Maven, not even valid for npm.
        raise Inexact(f"{a!r} and {b!r} are equal in some ecosystems only")
    return -1 if x < y else 1


class Interval:
    """`lo`/`hi` are versions or None (unbounded); `*_inc` say whether the end belongs."""

    def __init__(self, lo=None, lo_inc=True, hi=None, hi_inc=False):
        self.lo, self.lo_inc, self.hi, self.hi_inc = lo, lo_inc, hi, hi_inc

    def __repr__(self):
        left = "(-inf" if self.lo is None else ("[" if self.lo_inc else "(") + self.lo
        right = "+inf)" if self.hi is None else self.hi + ("]" if self.hi_inc else ")")
        return f"{left}, {right}"

    def empty(self):
        if self.lo is None or self.hi is None:
            return False
        c = cmp(self.lo, self.hi)
        return c > 0 or (c == 0 and not (self.lo_inc and self.hi_inc))

    def intersect(self, other):
        lo, lo_inc = self.lo, self.lo_inc
        if other.lo is not None:
            c = 1 if lo is None else cmp(other.lo, lo)
            if c > 0:
                lo, lo_inc = other.lo, other.lo_inc
            elif c == 0:
                lo_inc = lo_inc and other.lo_inc
        hi, hi_inc = self.hi, self.hi_inc
        if other.hi is not None:
            c = -1 if hi is None else cmp(other.hi, hi)
            if c < 0:
                hi, hi_inc = other.hi, other.hi_inc
            elif c == 0:
                hi_inc = hi_inc and other.hi_inc
        return Interval(lo, lo_inc, hi, hi_inc)

    def minus(self, other):
        """`self` without `other`: at most two intervals."""
        out = []
        if other.lo is not None:
            out.append(self.intersect(Interval(None, True, other.lo, not other.lo_inc)))
        if other.hi is not None:
            out.append(self.intersect(Interval(other.hi, not other.hi_inc, None, False)))
        return [i for i in out if not i.empty()]


# Constraint strings ----------------------------------------------------------------

TERM = re.compile(r"^(<=|>=|==|=|<|>)?\s*(\S+)$")
MAVEN = re.compile(r"[\[(][^\])]*[\])]")


def parse_version(text, ecosystem):
    v = text.strip()
    if ecosystem == "Go" and v.startswith("v"):
        v = v[1:]
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$", v) or v.lower() in ("x", "*"):
        raise Inexact(f"not a plain version: {text!r}")
    return v


def maven_ranges(text, ecosystem):
    """`[a,b)`, `(,b]`, `[v]`, ... joined by commas: a union."""
    out = []
    rest = text.strip()
    while rest:
        m = MAVEN.match(rest)
        if not m:
            raise Inexact(f"malformed Maven range {text!r}")
        body = m.group(0)
        lo_inc, hi_inc = body[0] == "[", body[-1] == "]"
        parts = body[1:-1].split(",")
        if len(parts) == 1:
            if not (lo_inc and hi_inc):
                raise Inexact(f"malformed Maven range {text!r}")
            v = parse_version(parts[0], ecosystem)
            out.append(Interval(v, True, v, True))
        elif len(parts) == 2:
            lo = parse_version(parts[0], ecosystem) if parts[0].strip() else None
            hi = parse_version(parts[1], ecosystem) if parts[1].strip() else None
            out.append(Interval(lo, lo_inc or lo is None, hi, hi_inc and hi is not None))
        else:
            raise Inexact(f"malformed Maven range {text!r}")
        rest = rest[m.end() :].lstrip()
        if rest.startswith(","):
            rest = rest[1:].lstrip()
    return out


def conjunction(text, ecosystem):
    """`>= 1.0, < 2.0` (commas or spaces between terms): one interval."""
    tokens = re.findall(r"(<=|>=|==|=|<|>)?\s*([^\s,<>=]+)", text)
    rebuilt = "".join(op + v for op, v in tokens)
    if rebuilt != re.sub(r"[\s,]", "", text):
        raise Inexact(f"unsupported constraint {text!r}")
    interval = Interval()
    for op, raw in tokens:
        v = parse_version(raw, ecosystem)
        term = {
            "<": Interval(None, True, v, False),
            "<=": Interval(None, True, v, True),
            ">": Interval(v, False, None, False),
            ">=": Interval(v, True, None, False),
            "=": Interval(v, True, v, True),
            "==": Interval(v, True, v, True),
            "": Interval(v, True, v, True),
        }[op]
        interval = interval.intersect(term)
    return [interval]


def constraint(text, ecosystem):
    """One constraint string: a union of intervals. An empty string is everything."""
    out = []
    for alt in text.split("||"):
        alt = alt.strip()
        if not alt:
            out.append(Interval())
        elif alt[0] in "[(":
            out += maven_ranges(alt, ecosystem)
        else:
            out += conjunction(alt, ecosystem)
    return [i for i in out if not i.empty()]


def vulnerable_set(advisory, ecosystem):
    """trivy's IsVulnerable as a list of disjoint-or-not intervals."""
    vulnerable = advisory.get("VulnerableVersions") or []
    secure = (advisory.get("PatchedVersions") or []) + (
        advisory.get("UnaffectedVersions") or []
    )
    if any(c == "" for c in vulnerable + secure):
        return [Interval()]
    if not vulnerable and not secure:
        return []
    current = [Interval()]
    if vulnerable:
        current = [i for c in vulnerable for i in constraint(c, ecosystem)]
    for c in secure:
        for hole in constraint(c, ecosystem):
            current = [part for i in current for part in i.minus(hole)]
    return current


def ranges(intervals):
    out = []
    for i in intervals:
        if i.lo is not None and not i.lo_inc:
            raise Inexact(f"{i} has an exclusive lower bound, which OSV cannot express")
        events = [{"introduced": i.lo if i.lo is not None else "0"}]
        if i.hi is not None:
            events.append({"last_affected" if i.hi_inc else "fixed": i.hi})
        out.append({"type": "ECOSYSTEM", "events": events})
    return out


# Metadata --------------------------------------------------------------------------


def pairs(node):
    return node.get("pairs") or []


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or []


VECTORS = (("V2Vector", "CVSS_V2"), ("V3Vector", "CVSS_V3"), ("V40Vector", "CVSS_V4"))


def severity(cvss, preferred):
    order = [preferred, "nvd"] + sorted(s for s in cvss if s not in (preferred, "nvd"))
    out, seen = [], set()
    for source in order:
        entry = cvss.get(source) or {}
        for key, kind in VECTORS:
            vector = entry.get(key)
            if vector and kind not in seen:
                seen.add(kind)
                out.append({"type": kind, "score": vector})
    return out


def timestamp(value):
    """YAML dates come back as `datetime`/`date` objects; OSV wants RFC 3339 in UTC."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%dT00:00:00Z")
    return str(value)


def self_test():
    """The conversion rules on hand-made constraints (`--self-test`)."""

    def events(vulnerable, patched=(), eco="npm"):
        adv = {"VulnerableVersions": list(vulnerable), "PatchedVersions": list(patched)}
        return [r["events"] for r in ranges(vulnerable_set(adv, eco))]

    def fails(vulnerable, patched=(), eco="npm"):
        try:
            events(vulnerable, patched, eco)
        except Inexact:
            return True
        return False

    assert events(["< 0.15.3"], ["0.15.3"]) == [[{"introduced": "0"}, {"fixed": "0.15.3"}]]
    # trivy: a patched version equal to an inclusive upper bound is not vulnerable.
    assert events(["<= 1.6.14"], ["1.6.14"]) == [[{"introduced": "0"}, {"fixed": "1.6.14"}]]
    assert events([">= 2.0.0, <= 2.9.10.3"], ["2.9.10.4"]) == [
        [{"introduced": "2.0.0"}, {"last_affected": "2.9.10.3"}]
    ]
    assert events(["[2.9.0,2.9.10.7)"], ["2.9.10.7"], "Maven") == [
        [{"introduced": "2.9.0"}, {"fixed": "2.9.10.7"}]
    ]
    assert events(["(,1.2]", "[1.5]"], [], "Maven") == [
        [{"introduced": "0"}, {"last_affected": "1.2"}],
        [{"introduced": "1.5"}, {"last_affected": "1.5"}],
    ]
    assert events(["<8.44"], ["8.45"]) == [[{"introduced": "0"}, {"fixed": "8.44"}]]
    assert events(["< v2.8.0"], ["v2.8.0"], "Go") == [[{"introduced": "0"}, {"fixed": "2.8.0"}]]
    assert events(["< 1.0 || >= 2.0, < 2.1"]) == [
        [{"introduced": "0"}, {"fixed": "1.0"}],
        [{"introduced": "2.0"}, {"fixed": "2.1"}],
    ]
    # Only patched versions: everything else is vulnerable.
    assert events([], [">= 3.1.0", ">= 2.1.3, < 3.0.0"]) == [
        [{"introduced": "0"}, {"fixed": "2.1.3"}],
        [{"introduced": "3.0.0"}, {"fixed": "3.1.0"}],
    ]
    assert events([">= 0"]) == [[{"introduced": "0"}]]
    assert events([""]) == [[{"introduced": "0"}]]
    assert events([]) == []
    assert fails(["> 1.0"]), "exclusive lower bound"
    assert fails(["< 2.0"], ["1.5"]), "a patched version inside a range splits it"
    assert fails(["^1.2.0"]), "caret ranges are npm-specific"
    assert fails(["~> 1.2"]), "pessimistic ranges are RubyGems-specific"
    assert fails(["< 2.0.0-rc1"], ["2.0.0"]), "pre-releases order by ecosystem"
    assert fails(["< 1.0"], ["1.0.0"]), "1.0 = 1.0.0 in some ecosystems only"
    print("self-test passed")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    db_dir, out_dir = sys.argv[1], sys.argv[2]
    details = {}
    for bucket in load(os.path.join(db_dir, "vulnerability.yaml")):
        for p in pairs(bucket):
            details[p["key"]] = p.get("value") or {}
    sources = {}
    ds_path = os.path.join(db_dir, "data-source.yaml")
    if os.path.exists(ds_path):
        for bucket in load(ds_path):
            for p in pairs(bucket):
                sources[p["key"]] = (p.get("value") or {}).get("ID", "")

    entries = []  # (ecosystem, package, vuln id, bucket, advisory)
    for name in sorted(os.listdir(db_dir)):
        if not name.endswith(".yaml") or name in ("vulnerability.yaml", "data-source.yaml"):
            continue
        for bucket in load(os.path.join(db_dir, name)):
            bname = bucket["bucket"]
            if "::" not in bname:
                continue
            prefix = bname.split("::", 1)[0]
            if prefix in SKIPPED:
                print(f"skipped {bname!r} ({name}): {SKIPPED[prefix]}", file=sys.stderr)
                continue
            if prefix not in ECOSYSTEMS:
                sys.exit(f"{name}: bucket {bname!r}: unknown ecosystem prefix {prefix!r}")
            for pkg in pairs(bucket):
                for adv in pairs(pkg):
                    advisory = adv.get("value") or {}
                    entries.append((ECOSYSTEMS[prefix], pkg["bucket"], adv["key"], bname, advisory))

    uses = {}
    for _, _, vid, _, _ in entries:
        uses[vid] = uses.get(vid, 0) + 1
    taken = set()
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for eco, pkg, vid, bname, adv in entries:
        what = f"{bname} / {pkg} / {vid}"
        try:
            intervals = vulnerable_set(adv, eco)
            osv_ranges = ranges(intervals)
        except Inexact as e:
            sys.exit(f"{what}: {e}; refusing to guess")
        if not osv_ranges:
            print(f"skipped {what}: no version is vulnerable", file=sys.stderr)
            continue
        rid = vid
        aliases = []
        if uses[vid] > 1:
            base = re.sub(r"[^A-Za-z0-9.-]", "_", f"TRIVYDB-{eco}-{pkg}-{vid}")
            rid, n = base, 1
            while rid in taken:  # the same package in two feeds of one ecosystem
                n += 1
                rid = f"{base}-{n}"
            aliases = [vid]
        taken.add(rid)
        info = details.get(vid, {})
        record = {
            "schema_version": "1.6.0",
            "id": rid,
            "modified": timestamp(info.get("LastModifiedDate")) or EPOCH,
            "aliases": aliases,
            "affected": [
                {
                    "package": {"ecosystem": eco, "name": pkg},
                    "ranges": osv_ranges,
                    "database_specific": {
                        "trivy_bucket": bname,
                        "vulnerable_versions": adv.get("VulnerableVersions") or [],
                        "patched_versions": adv.get("PatchedVersions") or [],
                        "unaffected_versions": adv.get("UnaffectedVersions") or [],
                    },
                }
            ],
        }
        published = timestamp(info.get("PublishedDate"))
        if published:
            record["published"] = published
        if info.get("Title"):
            record["summary"] = info["Title"]
        if info.get("Description"):
            record["details"] = info["Description"]
        vectors = severity(info.get("CVSS") or {}, sources.get(bname, ""))
        if vectors:
            record["severity"] = vectors
        if info.get("Severity"):
            record["database_specific"] = {"severity": info["Severity"]}
        refs = info.get("References") or []
        if refs:
            record["references"] = [{"type": "WEB", "url": u} for u in refs]
        with open(os.path.join(out_dir, rid + ".json"), "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, sort_keys=True)
            f.write("\n")
        written += 1
    print(f"{written} OSV records written to {out_dir}")


if __name__ == "__main__":
    main()
