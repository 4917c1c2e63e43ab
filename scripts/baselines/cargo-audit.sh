#!/usr/bin/env sh
# Records cargo-audit's answers for the Cargo.lock files scry-match's tests scan, so the
# tests compare scry with cargo-audit without needing cargo-audit.
#
# Needs: cargo-audit (cargo install cargo-audit --locked; checked with 0.22.2), jq, unzip.
# Data: ../shared/vulndb/rustsec-advisory-db.zip, the RustSec advisories in their own format
# at the commit the OSV export rustsec-crates.osv.jsonl.zst was made from.
#
# Output: crates/scry-match/tests/data/cargo-audit/<name>.txt, one line per reported
# advisory: `<kind> <advisory id> <crate> <version>`, kind = vulnerability, or the warning
# kind (unmaintained, unsound, notice, yanked), sorted.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SCRY_SHARED:-$root/../shared}
fixtures=$root/target/fixtures
out=$root/crates/scry-match/tests/data/cargo-audit
data=$root/crates/scry-match/tests/data/cargo
[ -d "$fixtures/lockfiles" ] || sh "$shared/fixtures/unpack.sh" "$fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q "$shared/vulndb/rustsec-advisory-db.zip" -d "$tmp/db"
# cargo-audit wants a git checkout of the database; make the unzipped tree one.
db=$tmp/db
if [ ! -d "$db/crates" ]; then db=$(dirname "$(find "$tmp/db" -maxdepth 3 -type d -name crates | head -1)"); fi
(cd "$db" && git init -q && git add -A && git -c user.email=x@x -c user.name=x commit -qm snapshot)
mkdir -p "$out"
cargo audit --version > "$out/VERSION"
audit() { # name lockfile
  cargo audit --db "$db" --no-fetch --stale --json -f "$2" > "$tmp/$1.json" 2> "$tmp/$1.err" || true
  if [ ! -s "$tmp/$1.json" ]; then
    # cargo-audit could not read the lockfile: record its reason instead of answers.
    printf 'error %s\n' "$(grep -v '^$' "$tmp/$1.err" | tr '\n' ' ' | sed 's/  */ /g')" > "$out/$1.txt"
    echo "$1: cargo-audit error"; return
  fi
  jq -r '
    ((.vulnerabilities.list // [])[] | "vulnerability \(.advisory.id) \(.package.name) \(.package.version)"),
    ((.warnings // {}) | to_entries[] | .key as $k | .value[] |
      "\($k) \(.advisory.id // "-") \(.package.name) \(.package.version)")
  ' "$tmp/$1.json" | sort -u > "$out/$1.txt"
  echo "$1: $(wc -l < "$out/$1.txt") lines"
}
audit scry-workspace "$data/scry-workspace.lock"
audit crafted-vulnerable "$data/crafted-vulnerable.lock"
audit syft-rust "$fixtures/lockfiles/cargo/syft/rust/Cargo.lock"
audit syft-rust-git-deps "$fixtures/lockfiles/cargo/syft/rust/Cargo.lock-with-git-deps"
audit trivy-normal "$fixtures/lockfiles/cargo/trivy/rust-cargo/cargo_normal.lock"
audit trivy-v3 "$fixtures/lockfiles/cargo/trivy/rust-cargo/cargo_v3.lock"
for f in "$fixtures"/lockfiles/cargo/osv-scalibr/rust-cargolock/*.lock; do
  audit "scalibr-$(basename "$f" .lock)" "$f"
done
