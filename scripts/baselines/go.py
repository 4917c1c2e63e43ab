#!/usr/bin/env python3
"""Baseline for scry-version's go scheme from Go's own `golang.org/x/mod/semver`
(`semver.Compare`, `semver.IsValid`).

Versions: the Go vulnerability database (OSV `affected[].ranges[].events`), written as
OSV writes them (no `v`); Go is asked about `"v" + version`. Pseudo-versions,
`+incompatible` and the standard library's `1.21.0-0` style all occur there. Strings Go
rejects become `! V` lines.

Run: python3 scripts/baselines/go.py
  (needs Go and x/mod in GOPATH form, e.g. Debian's `golang-go
  golang-golang-x-mod-dev`; GOPATH defaults to /usr/share/gocode)
"""

import json
import os
import subprocess
import tempfile

from version_pairs import make_pairs, osv_versions, write

GO = r"""
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"golang.org/x/mod/semver"
)

func main() {
	var pairs [][2]string
	if err := json.NewDecoder(os.Stdin).Decode(&pairs); err != nil {
		panic(err)
	}
	bad := map[string]bool{}
	for _, p := range pairs {
		a, b := "v"+p[0], "v"+p[1]
		ok := true
		for i, v := range []string{a, b} {
			if !semver.IsValid(v) {
				ok = false
				if !bad[p[i]] {
					bad[p[i]] = true
					fmt.Printf("! %s\n", p[i])
				}
			}
		}
		if !ok {
			continue
		}
		op := "="
		switch semver.Compare(a, b) {
		case -1:
			op = "<"
		case 1:
			op = ">"
		}
		fmt.Printf("%s %s %s\n", p[0], op, p[1])
	}
}
"""

EXTRA = [
    # Shorthands and rejects that x/mod/semver knows about.
    ("0", "0.0.0"),
    ("1", "1.0.0-rc.1"),
    ("1.2", "1.2.0"),
    ("1.2", "1.2.1-0.20191109021931-daa7c04131f5"),
    ("2.0.0+incompatible", "2.0.0"),
    ("1.2-pre", "1.2.0"),
    ("01.0.0", "1.0.0"),
    ("1.0.0-01", "1.0.0"),
    ("1.0.0.0", "1.0.0"),
    ("1.0.0-a..b", "1.0.0"),
]


def main():
    by_pkg = osv_versions("go-vulndb.osv.jsonl.zst")
    pairs = make_pairs(by_pkg, 3000) + EXTRA
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "cmp.go")
        with open(src, "w") as f:
            f.write(GO)
        env = dict(os.environ, GO111MODULE="off", GOCACHE=os.path.join(d, "cache"))
        env.setdefault("GOPATH", "/usr/share/gocode")
        out = subprocess.run(
            ["go", "run", src],
            input=json.dumps(pairs),
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    version = subprocess.run(["go", "version"], capture_output=True, text=True).stdout
    write(
        "go",
        [
            "scripts/baselines/go.py: Go vulndb versions, ordered by golang.org/x/mod/semver",
            f"(Debian golang-golang-x-mod-dev) on {version.strip()}",
        ],
        out.splitlines(),
    )


if __name__ == "__main__":
    main()
