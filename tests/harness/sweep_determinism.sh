#!/bin/sh
# The whole nightly matrix (216 two-way calls of 20 s) swept with 1 and with 2 jobs gives
# byte-identical outputs (results.jsonl, every result.json, WAV, CSV and pcap; summary.json but its
# run facts "threads" and "wall_s"), and every call passes its sanity expectations (exit 0). Usage: sweep_determinism.sh CALLSIM SOURCE_DIR OUT_DIR
set -eu
callsim=$1 src=$2 out=$3
rm -rf "$out"
mkdir -p "$out"
cd "$src"
for j in 1 2; do
  "$callsim" sweep scenarios/matrices/nightly.json -j $j -q -o "$out/j$j"
done
diff -r -x summary.json "$out/j1" "$out/j2"
for j in 1 2; do grep -v -e '"threads":' -e '"wall_s":' "$out/j$j/summary.json" >"$out/summary.$j"; done
cmp "$out/summary.1" "$out/summary.2"
echo "identical: $(find "$out/j1" -type f | wc -l) files"
