#!/usr/bin/env python3
"""Baseline for scry-version's rpm scheme from the real rpm: `rpm.vercmp` in rpm's
embedded Lua (`rpmverParse` + `rpmverCmp`: epoch, version, release).

Versions: AlmaLinux 8/9 advisories (OSV `affected[].ranges[].events`), full EVRs such as
`3:10.3.39-1.module_el8.8.0+3609+204d4ab0`, grouped by package.

Run: python3 scripts/baselines/rpm.py   (needs `rpm`, e.g. `apt-get install rpm`)
"""

import os
import subprocess
import tempfile

from version_pairs import make_pairs, osv_versions, write


def lua_str(s):
    return '"' + "".join(f"\\{b}" for b in s.encode()) + '"'


def main():
    by_pkg = osv_versions("almalinux-8-9.osv.jsonl.zst")
    pairs = make_pairs(by_pkg, 3000)
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, "cmp.lua")
        with open(script, "w") as f:
            f.write("local pairs_ = {\n")
            for a, b in pairs:
                f.write(f"{{{lua_str(a)}, {lua_str(b)}}},\n")
            f.write("}\n")
            f.write(
                "for _, p in ipairs(pairs_) do\n"
                "  local c = rpm.vercmp(p[1], p[2])\n"
                "  local op = '='\n"
                "  if c < 0 then op = '<' elseif c > 0 then op = '>' end\n"
                "  print(p[1] .. ' ' .. op .. ' ' .. p[2] .. '\\n')\n"
                "end\n"
            )
        out = subprocess.run(
            ["rpm", "--eval", f"%{{lua: dofile('{script}')}}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    lines = [l for l in out.splitlines() if l.strip()]
    assert len(lines) == len(pairs), (len(lines), len(pairs))
    version = subprocess.run(["rpm", "--version"], capture_output=True, text=True)
    write(
        "rpm",
        [
            "scripts/baselines/rpm.py: AlmaLinux 8/9 advisory EVRs,",
            f"ordered by rpm.vercmp of {version.stdout.strip()}",
        ],
        lines,
    )


if __name__ == "__main__":
    main()
