#!/bin/sh
# Builds a big OCI layout for scry-image's memory and throughput measurements: one gzip
# layer per folder given (paths relative to /), default usr/share and usr/bin (about
# 1.3 GB uncompressed here).
#
#   crates/scry-image/scripts/make-big-image.sh OUT [DIR...]
#
# Then:
#   /usr/bin/time -v target/release/examples/inventory OUT
#   time sh -c 'for l in OUT/blobs/sha256/*; do gzip -dc "$l" 2>/dev/null; done | wc -c'
set -eu
out=${1:?usage: make-big-image.sh OUT [DIR...]}
shift
[ $# -gt 0 ] || set -- usr/share usr/bin
rm -rf "$out"
mkdir -p "$out/blobs/sha256"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
layers=""
diffs=""
for d in "$@"; do
  # diff ID = sha256 of the tar; blob digest = sha256 of the gzip'd tar.
  tar -C / --numeric-owner -cf - "$d" 2>/dev/null | tee "$tmp/fifo.tar" | gzip -6 > "$tmp/layer.gz"
  diff=$(sha256sum < "$tmp/fifo.tar" | cut -d' ' -f1)
  rm -f "$tmp/fifo.tar"
  blob=$(sha256sum < "$tmp/layer.gz" | cut -d' ' -f1)
  size=$(stat -c %s "$tmp/layer.gz")
  mv "$tmp/layer.gz" "$out/blobs/sha256/$blob"
  layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$blob\",\"size\":$size}"
  diffs="$diffs${diffs:+,}\"sha256:$diff\""
done
put() { # put JSON -> prints digest and size
  h=$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)
  printf '%s' "$1" > "$out/blobs/sha256/$h"
  echo "$h $(printf '%s' "$1" | wc -c)"
}
config="{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[$diffs]}}"
set -- $(put "$config")
manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:$1\",\"size\":$2},\"layers\":[$layers]}"
set -- $(put "$manifest")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"os":"linux","architecture":"amd64"}}]}' "$1" "$2" > "$out/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
du -sh "$out"
