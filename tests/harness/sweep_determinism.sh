#!/bin/sh
# The whole nightly matrix (216 two-way calls of 20 s) swept with 1 and with 2 jobs gives
# byte-identical outputs (results.jsonl, every result.json, WAV, CSV and pcap; summary.json but its
# run facts "threads" and "wall_s"), and every call passes its sanity expectations (exit 0).
# One sweep writes about 0.9 GB: each is reduced to a list of file checksums before the next runs,
# and both are removed when they agree (a disagreement keeps the second sweep and both lists).
# Usage: sweep_determinism.sh CALLSIM SOURCE_DIR OUT_DIR
set -eu
callsim=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
cd "$src"
for j in 1 2; do
  "$callsim" sweep scenarios/matrices/nightly.json -j $j -q -o "$out/j$j"
  (cd "$out/j$j" && find . -type f ! -name summary.json -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$out/files.$j"
  grep -v -e '"threads":' -e '"wall_s":' "$out/j$j/summary.json" >"$out/summary.$j"
  [ "$j" = 2 ] || rm -rf "$out/j$j"
done
if ! cmp -s "$out/files.1" "$out/files.2"; then
  echo "outputs differ between 1 and 2 jobs (kept: $out/j2, checksums $out/files.1 and $out/files.2):"
  diff "$out/files.1" "$out/files.2" | head -40
  exit 1
fi
cmp "$out/summary.1" "$out/summary.2"
echo "identical: $(wc -l <"$out/files.1") files"
rm -rf "$out"
