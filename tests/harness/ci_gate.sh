#!/bin/sh
# The CI gate as CI runs it: the smoke suite, the smoke matrix and the scenario library swept with
# two jobs, then checked against the committed baseline (expectations + regressions), with JUnit XML.
# Usage: ci_gate.sh CALLSIM SOURCE_DIR OUT_DIR
set -eu
callsim=$1 src=$2 out=$3
rm -rf "$out"
cd "$src"
"$callsim" sweep scenarios/suites/smoke scenarios/matrices/smoke.json scenarios/library -j 2 -o "$out" >"$out.log" 2>&1 ||
  { cat "$out.log"; exit 1; }
"$callsim" check "$out" --baseline reports/baseline.json --junit "$out/junit.xml"
test -s "$out/junit.xml"
# Passed: the calls' audio and captures (about 120 MB) are not kept.
rm -rf "$out" "$out.log"
