#!/usr/bin/env python3
"""Baseline for scry-version's semver scheme from node-semver (`semver.compare`, the
npm client's own library).

Versions: crates.io (RustSec OSV), Bitnami and npm (OSSF malicious-packages OSV)
advisories. Only pairs whose two sides node-semver accepts in strict mode are kept:
scry's SemVer parser is deliberately more tolerant (`1.2`, leading `=`), so node's
rejections are not rejections for scry and are left out.

Run: python3 scripts/baselines/semver.py   (needs node and npm; installs `semver@7` in
a temporary folder)
"""

import json
import os
import subprocess
import tempfile

from version_pairs import make_pairs, osv_versions, write

NODE = r"""
const semver = require('semver');
const pairs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = [];
for (const [a, b] of pairs) {
  if (semver.valid(a) === null || semver.valid(b) === null) continue;
  const c = semver.compare(a, b);
  out.push(`${a} ${c < 0 ? '<' : c > 0 ? '>' : '='} ${b}`);
}
console.log(JSON.stringify({version: require('semver/package.json').version, out}));
"""


def main():
    by_pkg = {}
    for name, ecos in [
        ("rustsec-crates.osv.jsonl.zst", None),
        ("bitnami.osv.jsonl.zst", None),
        ("ossf-malicious-packages.osv.jsonl.zst", ["npm"]),
    ]:
        by_pkg.update(osv_versions(name, ecos))
    pairs = make_pairs(by_pkg, 3500)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["npm", "init", "-y"], cwd=d, check=True, capture_output=True)
        subprocess.run(
            ["npm", "install", "semver@7"], cwd=d, check=True, capture_output=True
        )
        script = os.path.join(d, "cmp.js")
        with open(script, "w") as f:
            f.write(NODE)
        r = subprocess.run(
            ["node", script],
            input=json.dumps(pairs),
            text=True,
            capture_output=True,
            check=True,
        )
    res = json.loads(r.stdout)
    write(
        "semver",
        [
            "scripts/baselines/semver.py: crates.io, Bitnami and npm advisory versions,",
            f"ordered by node-semver {res['version']} semver.compare (strictly valid pairs only)",
        ],
        res["out"],
    )


if __name__ == "__main__":
    main()
