#!/usr/bin/env bash
# Whole-process speed of `callsim score` against the ITU-T P.862 reference implementation on the
# same pair, nb8 / nb16 / wb16: hyperfine alternates the two commands on one machine and reports
# wall time and CPU time (user + system) of each; ratios are reference / callsim from that one
# run. Peak memory (max RSS) from GNU time. The reference is a measuring instrument you build
# yourself, outside this repository (it is never part of callsim); pass its binary.
# Usage: tools/bench/score_vs_reference.sh ITU_BINARY [CALLSIM] [RUNS]
# Pair: or105/dg105 of P.862 Annex A (CALLSIM_SHARED_DIR or ../shared), 16 kHz from voip_16k_hq2.
# Needs hyperfine, sox, GNU time (tools/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
ref_bin=$(realpath "$1")
callsim=$(realpath "${2:-build/callsim}")
runs=${3:-30}
shared=${CALLSIM_SHARED_DIR:-../shared}
p862=$(realpath "$shared/conformance/p862")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$p862/or105.wav" "$p862/dg105.wav" "$tmp/"
# The reference reads 16-bit PCM after a 44-byte header: plain WAV copies of the 16 kHz pair.
sox "$p862/voip_16k_hq2/or105.16k.flac" -b 16 "$tmp/or105_16k.wav"
sox "$p862/voip_16k_hq2/dg105.16k.flac" -b 16 "$tmp/dg105_16k.wav"
cd "$tmp"  # the reference appends to pesq_results.txt in the working directory
peak_mb() { /usr/bin/time -f "%M" -o peak "$@" >/dev/null 2>&1; awk '{ printf "%.1f", $1 / 1024 }' peak; }
printf "%-5s  %11s  %10s  %10s  %11s  %10s  %10s  %11s  %10s\n" mode ref_wall_ms cs_wall_ms wall_ratio \
  ref_cpu_ms cs_cpu_ms cpu_ratio ref_peak_MB cs_peak_MB
for cfg in "nb8|+8000 or105.wav dg105.wav|or105.wav dg105.wav --rate 8000 --mode nb" \
           "nb16|+16000 or105_16k.wav dg105_16k.wav|or105_16k.wav dg105_16k.wav --rate 16000 --mode nb" \
           "wb16|+16000 +wb or105_16k.wav dg105_16k.wav|or105_16k.wav dg105_16k.wav --rate 16000 --mode wb"; do
  IFS='|' read -r name rargs cargs <<<"$cfg"
  # shellcheck disable=SC2086
  hyperfine -N -w 3 -r "$runs" --export-csv "$name.csv" "$ref_bin $rargs" "$callsim score $cargs" >/dev/null 2>&1
  # shellcheck disable=SC2086
  rp=$(peak_mb "$ref_bin" $rargs); cp_=$(peak_mb "$callsim" score $cargs)
  # CSV rows: command,mean,stddev,median,user,system,min,max (seconds); row 2 reference, row 3 callsim
  awk -F, -v n="$name" -v rp="$rp" -v cp="$cp_" '
    NR == 2 { rw = $2 * 1000; rc = ($5 + $6) * 1000 }
    NR == 3 { cw = $2 * 1000; cc = ($5 + $6) * 1000 }
    END { printf "%-5s  %11.1f  %10.1f  %10.2f  %11.1f  %10.1f  %10.2f  %11s  %10s\n", n, rw, cw, rw / cw, rc, cc, rc / cc, rp, cp }' "$name.csv"
done
