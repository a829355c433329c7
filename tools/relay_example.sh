#!/usr/bin/env bash
# The worked example of README.md "Real endpoints behind the relay": two RTP endpoints that know
# nothing of callsim — GStreamer pipelines (gst-launch-1.0), each a receiver on its RTP port and a
# sender of Opus over RTP — talk through `callsim relay` on loopback with the default scenario's two
# links. Midway a control command replays the link's "handover" phase.
# Then: the relay's statistics, tshark on its pcaps, `callsim relay verify`, the fates replayed
# offline by `callsim run`, and P.862 of what each endpoint heard.
# Needs: gstreamer1.0-tools, gstreamer1.0-plugins-base, gstreamer1.0-plugins-good, tshark, python3.
# Usage: tools/relay_example.sh [OUT_DIR]   (run from the repository, after tools/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CALLSIM=${CALLSIM:-build/callsim}
OUT=${1:-/tmp/callsim-relay-example}
rm -rf "$OUT" && mkdir -p "$OUT"
A_PORT=${A_PORT:-31000} B_PORT=${B_PORT:-31002}  # the endpoints' RTP ports (below the ephemeral range)
CAPS="application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=96"

# 1. The relay: links alice->bob (a->b) and bob->alice (b->a) of the default scenario. gst-launch's
#    senders do not send from the port their receivers listen on (a softphone would, and the relay
#    would learn both endpoints from their first packets), so the endpoints are given and the
#    relay accepts their datagrams from any source (--asymmetric). PT 96 is Opus; a control
#    socket; 16 s.
"$CALLSIM" relay scenarios/default.json --a "127.0.0.1:$A_PORT" --b "127.0.0.1:$B_PORT" --asymmetric \
  --rtpmap 96=opus/48000/2 --control "$OUT/control.sock" \
  --duration 16 --stats-interval 2 -o "$OUT/relay" >"$OUT/relay-lines.jsonl" &
RELAY=$!
for _ in $(seq 50); do [ -s "$OUT/relay-lines.jsonl" ] && break; sleep 0.1; done
read -r RELAY_A RELAY_B < <(python3 -c 'import json,sys; c=json.loads(open(sys.argv[1]).readline())["calls"][0]; print(c["a"].split(":")[1], c["b"].split(":")[1])' "$OUT/relay-lines.jsonl")
echo "relay: side a on 127.0.0.1:$RELAY_A, side b on 127.0.0.1:$RELAY_B"

# 2. Each endpoint: a receiver on its port (jitter buffer, Opus decoder with concealment, 16 kHz
#    WAV) and a sender of a talker file to its side of the relay.
listen() {  # port, output wav
  gst-launch-1.0 -e -q udpsrc port="$1" caps="$CAPS" ! rtpjitterbuffer latency=100 ! rtpopusdepay ! opusdec \
    ! audioconvert ! audioresample ! audio/x-raw,rate=16000,channels=1 ! wavenc ! filesink location="$2" &
}
talk() {  # talker, relay port
  gst-launch-1.0 -q filesrc location="assets/talkers/$1.flac" ! flacparse ! flacdec ! audioconvert ! audioresample \
    ! opusenc bitrate=32000 ! rtpopuspay pt=96 ! udpsink host=127.0.0.1 port="$2" &
}
listen "$A_PORT" "$OUT/alice_heard.wav"; ALICE_EAR=$!
listen "$B_PORT" "$OUT/bob_heard.wav"; BOB_EAR=$!
sleep 0.5
talk en_female "$RELAY_A"; ALICE_MOUTH=$!
talk en_male "$RELAY_B"; BOB_MOUTH=$!

# 3. Five seconds in: replay the scenario's "handover" phase (an 80 ms outage) in both directions.
sleep 5
python3 - "$OUT/control.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"phase handover\n"); print("control:", s.makefile().readline().strip())
PY
wait "$ALICE_MOUTH" "$BOB_MOUTH"
sleep 1
kill -INT "$ALICE_EAR" "$BOB_EAR"; wait "$ALICE_EAR" "$BOB_EAR" || true
wait "$RELAY"  # stops after --duration; SIGINT/SIGTERM would stop it the same way

# 4. What the relay measured, and what Wireshark reads from its pcaps.
python3 - "$OUT/relay/relay.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for d in ("a->b", "b->a"):
    x = r["calls"][0][d]
    rtp_in, rtp_out = x["in"]["rtp_streams"][0]["rfc3550"], x["out"]["rtp_streams"][0]["rfc3550"]
    print(f'{d} ({x["link"]}): {x["packets"]} packets in, fates {x["fates"]}, released {x["released"]}; '
          f'out: lost {rtp_out["lost"]} of {rtp_out["expected"]}, jitter mean {rtp_out["jitter_mean_ms"]:.2f} '
          f'max {rtp_out["jitter_max_ms"]:.2f} ms; link delay p50 <= {x["link_delay_ms"]["p50_at_most_ms"]:.1f} ms; '
          f'release error p50 <= {x["release_error_us"]["p50_at_most_us"]:.0f} us p99 <= {x["release_error_us"]["p99_at_most_us"]:.0f} us')
PY
tshark -r "$OUT/relay/call0/a-to-b.out.pcap" -q -z rtp,streams 2>/dev/null | sed -n '/Src IP/,/====/p'

# 5. Reproduce: every fate from the same link, seed and arrival sequence...
"$CALLSIM" relay verify "$OUT/relay"
# ...and what alice->bob went through, replayed offline through the real codec and jitter buffer.
cat >"$OUT/replay.json" <<EOF
{"name": "relay_replay", "duration_s": 10, "seed": 1,
 "peers": {"alice": {"talker": "en_female"}, "bob": {}},
 "links": {"alice->bob": {"trace": {"file": "relay/call0/a-to-b.fates.csv", "loop": false}}}}
EOF
"$CALLSIM" run "$OUT/replay.json" -o "$OUT/replay" | head -n 3 || true

# 6. P.862 of what bob heard (the talker as alice sent it is the reference).
gst-launch-1.0 -q filesrc location=assets/talkers/en_female.flac ! flacparse ! flacdec ! audioconvert ! audioresample \
  ! audio/x-raw,rate=16000,channels=1 ! wavenc ! filesink location="$OUT/alice_said.wav"
"$CALLSIM" score "$OUT/alice_said.wav" "$OUT/bob_heard.wav" --mode wb || true
echo "outputs in $OUT"
