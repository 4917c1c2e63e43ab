#!/bin/sh
# Compares `scry scan rootfs /` of this machine with scripts/oracles/debian_tracker.py on
# the machine's own dpkg database (issue #4). Too slow for the test suite (the walk of the
# whole host takes minutes), so it is a script; docs/findings.md § 6 records its result.
#
#   scripts/oracles/compare-host.sh [SCRY] [VULNDB_DIR]
#
# SCRY defaults to target/release/scry (built when missing), VULNDB_DIR to ../shared/vulndb.
# Needs a Debian-family host (dpkg, dpkg-query) and python3. Prints the counts and every
# (source, version, vulnerability) that only one side names; exits 1 when there is one.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
scry=${1:-$root/target/release/scry}
vulndb=${2:-$root/../shared/vulndb}
[ -x "$scry" ] || (cd "$root" && cargo build --release -p scry-cli)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. /etc/os-release
"$scry" --db "$work/db" db import "$vulndb/debian-security-tracker-lists.zip" >&2
start=$(date +%s)
set +e
"$scry" scan rootfs / --db "$work/db" --offline --format json > "$work/scan.json"
rc=$?
set -e
[ "$rc" -le 1 ] || { echo "scry scan failed ($rc)" >&2; exit 2; }
echo "scan of / took $(( $(date +%s) - start )) s" >&2
dpkg-query -W -f '${source:Package} ${source:Version} ${Package} ${Version}\n' > "$work/host.dpkg"
python3 "$root/scripts/oracles/debian_tracker.py" "$vulndb/debian-security-tracker-lists.zip" \
  "$VERSION_CODENAME" "$work/host.dpkg" > "$work/host.expected"
python3 - "$work/scan.json" "$work/host.expected" "$work/host.dpkg" "$ID" <<'PY'
import json, sys
scan = json.load(open(sys.argv[1]))
want = {tuple(l.split("\t")[:3]) for l in open(sys.argv[2]) if l.strip()}
dpkg = sum(1 for l in open(sys.argv[3]) if l.strip())
family = sys.argv[4].capitalize() + ":"
primary, every, other = set(), set(), 0
for f in scan["findings"]:
    d = f["packageVulnerabilityDetails"]
    for p in d["vulnerablePackages"]:
        if not p["ecosystem"].startswith(family):
            other += 1
            continue
        t = (p.get("sourceName") or p["name"], p["matchedVersion"])
        primary.add(t + (d["vulnerabilityId"],))
        every.update(t + (i,) for i in [d["vulnerabilityId"]] + d["relatedVulnerabilities"])
print("os %s; dpkg-query: %d packages; scry: %d packages, %d findings (%d OS triples, %d "
      "vulnerable non-OS packages); reference: %d triples"
      % (scan["os"], dpkg, scan["summary"]["packages"], len(scan["findings"]), len(primary),
         other, len(want)))
bad = sorted(("reference",) + t for t in want - every) + sorted(("scry",) + t for t in primary - want)
for b in bad:
    print("only %s: %s %s %s" % b)
print("%d agreements, %d disagreements" % (len(want) - len(want - every), len(bad)))
sys.exit(1 if bad else 0)
PY
