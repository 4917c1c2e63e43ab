#!/bin/sh
# Builds a real Debian (minbase) image as an OCI layout for scry-image's tests and
# measurements. Needs root, debootstrap, umoci and a reachable Debian mirror (apt's
# configured mirror, through apt's proxy when there is one).
#
#   crates/scry-image/scripts/make-debian-image.sh [OUT] [MIRROR] [SUITE]
#
# SUITE defaults to bookworm; OUT to target/scry-image/debian-SUITE-oci under the workspace
# root. The tests in tests/image/debian.rs use the bookworm image there when present (or
# $SCRY_DEBIAN_IMAGE), crates/scry-cli/tests/cli/scan_images.rs the bullseye one (or
# $SCRY_BULLSEYE_IMAGE); both skip with a printed reason otherwise. It takes 2-5 minutes,
# so CI does not run it. Beside OUT it writes OUT.packages.txt (`Package Version`) and
# OUT.sources.txt (`source source_version package version`, the input of
# scripts/oracles/debian_tracker.py).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
suite=${3:-bookworm}
out=${1:-$root/target/scry-image/debian-$suite-oci}
mirror=${2:-http://deb.debian.org/debian}
for tool in debootstrap umoci; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install debootstrap umoci" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# debootstrap downloads with wget, which honours http_proxy; reuse apt's proxy if set.
if [ -z "${http_proxy:-}" ]; then
  proxy=$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";/\1/p' | head -n1)
  [ -n "$proxy" ] && export http_proxy="$proxy"
fi
debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
umoci init --layout "$out"
umoci new --image "$out:$suite"
umoci insert --image "$out:$suite" "$work/rootfs" /
umoci config --image "$out:$suite" --os linux --architecture amd64 --config.cmd /bin/bash
umoci gc --layout "$out"
# What the tests compare against: the installed packages as dpkg itself lists them.
chroot "$work/rootfs" dpkg-query -W -f '${Package} ${Version}\n' | sort > "$out.packages.txt"
chroot "$work/rootfs" dpkg-query -W \
  -f '${source:Package} ${source:Version} ${Package} ${Version}\n' | sort > "$out.sources.txt"
echo "wrote $out ($(wc -l < "$out.packages.txt") packages listed in $out.packages.txt)"
