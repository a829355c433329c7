#!/usr/bin/env bash
# Regenerates the built-in talkers in assets/talkers/ (see assets/talkers/README.md).
#
#   espeak-ng (one WAV per sentence, 22.05 kHz) -> sox: trim the synthesiser's own leading/trailing
#   silence, join the sentences with fixed pauses, pad 0.3 s lead/trail, resample to 48 kHz
#   (32-bit float, so no dither) -> `callsim level --normalize -26`: P.56 active level -26 dBov,
#   written as 16-bit mono FLAC.
#
# Deterministic: the same espeak-ng, sox and libFLAC versions give the same bytes.
# Usage: tools/make_talkers.sh [path/to/callsim]   (default: build/callsim)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLSIM="${1:-build/callsim}"
OUT=assets/talkers
RATE=48000
TARGET_DBOV=-26
LEAD_S=0.3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v espeak-ng >/dev/null || { echo "make_talkers: espeak-ng is not installed" >&2; exit 2; }
command -v sox >/dev/null || { echo "make_talkers: sox is not installed" >&2; exit 2; }
[ -x "$CALLSIM" ] || { echo "make_talkers: $CALLSIM not found (build callsim first)" >&2; exit 2; }

# talker <name> <espeak voice> <speed wpm> <pitch 0-99> <pause after 1st s> <pause after 2nd s> <3 sentences>
talker() {
  local name=$1 voice=$2 speed=$3 pitch=$4 pause1=$5 pause2=$6
  shift 6
  local parts=() i=0
  for sentence in "$@"; do
    i=$((i + 1))
    espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$WORK/$name-raw$i.wav" "$sentence"
    # Remove the synthesiser's silence at both ends (anything below 0.1 % of full scale).
    sox -R "$WORK/$name-raw$i.wav" -e floating-point -b 32 "$WORK/$name-s$i.wav" \
      silence 1 0.005 0.1% reverse silence 1 0.005 0.1% reverse
    parts+=("$WORK/$name-s$i.wav")
  done
  sox -R "${parts[0]}" "$WORK/$name-p1.wav" pad 0 "$pause1"
  sox -R "${parts[1]}" "$WORK/$name-p2.wav" pad 0 "$pause2"
  sox -R "$WORK/$name-p1.wav" "$WORK/$name-p2.wav" "${parts[2]}" -e floating-point -b 32 \
    "$WORK/$name-joined.wav" pad "$LEAD_S" "$LEAD_S" rate -v "$RATE"
  "$CALLSIM" level "$WORK/$name-joined.wav" --normalize "$TARGET_DBOV" -o "$OUT/$name.flac"
}

mkdir -p "$OUT"
talker en_female en-us+f3 160 62 0.55 0.70 \
  "The morning train to the coast leaves at eight." \
  "Bring a warm jacket, the wind by the harbour is cold." \
  "By the evening the sky should be clear again."
talker en_male en-gb+m3 150 38 0.65 0.50 \
  "Our flight home was delayed by almost two hours." \
  "We waited in the cafe and read the local paper." \
  "In the end we landed just after midnight."
talker de_female de+f2 150 58 0.60 0.75 \
  "Morgen wird es im Norden sonnig und etwas wärmer." \
  "Am Nachmittag ziehen von Westen leichte Wolken auf." \
  "Nachts bleibt es trocken bei etwa zehn Grad."
talker de_male de+m7 145 35 0.70 0.55 \
  "Der Zug nach München fährt heute von Gleis drei." \
  "Bitte beachten Sie die geänderte Abfahrtszeit." \
  "Wir wünschen Ihnen eine angenehme Reise."
echo "make_talkers: wrote $(ls "$OUT"/*.flac | wc -l) talkers to $OUT"
