#!/usr/bin/env bash
# Long-input benchmark of `callsim score`: wall time and peak memory (whole process) for 16 kHz
# pairs of 5, 15, 30 and 60 minutes (speech of the built-in talkers repeated, the degraded copy
# 350 ms late plus white noise of -45 dBFS rms), scored with the default options (automatic
# windows, delay search over the whole file). Linear time shows as a constant seconds-per-minute column.
# Usage: tools/bench/long_score.sh [CALLSIM] [MINUTES...]   (needs sox and GNU time; uses a temp folder)
set -euo pipefail
cd "$(dirname "$0")/../.."
callsim=$(realpath "${1:-build/callsim}")
shift || true
minutes=("$@")
((${#minutes[@]})) || minutes=(5 15 30 60)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One "round" of speech: the four talkers with 0.6 s pauses, at 16 kHz (about 40 s).
sox assets/talkers/en_female.flac assets/talkers/de_male.flac assets/talkers/en_male.flac \
  assets/talkers/de_female.flac -r 16000 -b 16 -c 1 "$tmp/round.wav" pad 0 0.6
round=$(soxi -D "$tmp/round.wav")
printf "%8s  %10s  %12s  %14s  %s\n" minutes wall_s peak_rss_MB s_per_minute call_MOS
for m in "${minutes[@]}"; do
  n=$(awk -v m="$m" -v r="$round" 'BEGIN { print int(m * 60 / r) }')
  sox "$tmp/round.wav" "$tmp/ref.wav" repeat $((n - 1))
  sox "$tmp/ref.wav" "$tmp/late.wav" pad 0.35 0
  sox -n -r 16000 -b 16 -c 1 "$tmp/noise.wav" synth "$(soxi -D "$tmp/late.wav")" whitenoise vol 0.01
  sox -m "$tmp/late.wav" "$tmp/noise.wav" "$tmp/deg.wav"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$callsim" score "$tmp/ref.wav" "$tmp/deg.wav" --json >"$tmp/out.json" 2>/dev/null
  read -r wall rss <"$tmp/time"
  mos=$(sed -n 's/^  "mos_lqo": \(.*\),$/\1/p' "$tmp/out.json")
  len=$(soxi -D "$tmp/ref.wav")
  awk -v m="$len" -v w="$wall" -v r="$rss" -v mos="$mos" \
    'BEGIN { printf "%8.1f  %10.1f  %12.1f  %14.3f  %s\n", m / 60, w, r / 1024, w / (m / 60), mos }'
done
