#!/bin/sh
# The jitter-buffer frontier end to end on the shared development set (issue 12): a reduced
# jb_frontier matrix (two runs, const35_fec0 and loss4_fec1, x fixed 0/20/40/150 ms, adaptive,
# speex: 12 calls of 10 s) swept, reported, and the report's frontier table (plots/frontier.csv)
# checked: every trace has all six settings judged, every frontier point is dominated by no other
# point of its trace, every other point is dominated by the one it names (dominance with the
# report's default WB tolerance of 0.05), and on const35 (a
# constant 35 ms path) the fixed 0 ms buffer is on the frontier (nothing plays earlier without loss).
# NetEq's figures (neteq.csv) are drawn as reference points (tools/jb_reference.py, `callsim report
# --reference`): their rows carry NetEq's delays + 26.5 ms, judged like the settings.
# The full matrix (scenarios/matrices/jb_frontier.json) is checked to expand to 96 calls.
# Data: $CALLSIM_SHARED_DIR/jb-frontier, default SOURCE_DIR/../shared; skipped (exit 77) without it.
# Usage: jb_frontier_sweep.sh CALLSIM SOURCE_DIR OUT_DIR
set -eu
callsim=$1 src=$2 out=$3
shared=${CALLSIM_SHARED_DIR:-$src/../shared}
dev=$shared/jb-frontier
if [ ! -f "$dev/scenarios/const35_fec0_adaptive.json" ] || [ ! -f "$dev/traces/loss4.csv" ]; then
  echo "SKIP: no jitter-buffer development set at $dev (set CALLSIM_SHARED_DIR to the shared folder)"
  exit 77
fi
dev=$(cd "$dev" && pwd)
rm -rf "$out"
mkdir -p "$out"

if [ -d "$src/../shared/jb-frontier" ]; then  # the committed matrix reads ../shared beside the source tree
  n=$("$callsim" sweep "$src/scenarios/matrices/jb_frontier.json" --list | grep -c '^jb_frontier/')
  [ "$n" -eq 96 ] || { echo "FAIL: jb_frontier.json lists $n calls, expected 96"; exit 1; }
fi

fec_run() {  # name trace fec expected_loss
  printf '"%s": {"links": {"alice->bob": {"trace": {"file": "../traces/%s.csv", "loop": false}}},
    "peers": {"alice": {"codec": {"fec": %s, "expected_loss_pct": %s}}}}' "$1" "$2" "$3" "$4"
}
cat >"$out/frontier_small.json" <<JSON
{
  "matrix": "jb_frontier_small",
  "base": "$dev/scenarios/const35_fec0_adaptive.json",
  "apply_to": "all",
  "axes": {
    "run": {$(fec_run const35_fec0 const35 false 0), $(fec_run loss4_fec1 loss4 true 10)},
    "jitter_buffer": {
      "fixed0": {"type": "fixed", "delay_ms": 0}, "fixed20": {"type": "fixed", "delay_ms": 20},
      "fixed40": {"type": "fixed", "delay_ms": 40}, "fixed150": {"type": "fixed", "delay_ms": 150},
      "adaptive": {"type": "adaptive"}, "speex": {"type": "speex"}
    }
  }
}
JSON
rc=0
"$callsim" sweep "$out/frontier_small.json" -j 2 -q --no-audio -o "$out/sweep" >"$out/sweep.log" 2>&1 || rc=$?
[ "$rc" -le 1 ] || { cat "$out/sweep.log"; echo "FAIL: sweep exit code $rc"; exit 1; }
python3 "$src/tools/jb_reference.py" "$dev/neteq.csv" -o "$out/neteq_reference.csv" ||
  { echo "FAIL: tools/jb_reference.py"; exit 1; }
"$callsim" report "$out/sweep" -o "$out/report" --audio none --reference "$out/neteq_reference.csv" \
  >"$out/report.log" 2>&1 ||
  { cat "$out/report.log"; exit 1; }
csv=$out/report/plots/frontier.csv
grep -q 'Jitter-buffer frontier' "$out/report/index.html" || { echo "FAIL: no frontier section in index.html"; exit 1; }
[ -s "$out/report/plots/frontier_0.svg" ] && [ -s "$out/report/plots/frontier_1.svg" ] ||
  { echo "FAIL: frontier plots missing"; exit 1; }
cat "$csv"
# Columns: trace,jitter_buffer,call,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms,on_frontier,dominated_by
awk -F, '
  # the report default --frontier-tolerance 0.05 (harness/report/pareto.h)
  function dom(a, b) { return d[a] <= d[b] && q[a] >= q[b] - 0.05 && (d[a] < d[b] || q[a] > q[b] + 0.05) }
  NR == 1 { next }
  { n++; t[n] = $1; b[n] = $2; q[n] = $4 + 0; d[n] = $5 + 0; v[n] = $7; by[n] = $8; key[$1 "|" $2] = n
    count[$1]++ }
  END {
    bad = 0
    for (tr in count) if (count[tr] != 7) { print "FAIL: " tr " has " count[tr] " settings"; bad = 1 }
    for (i = 1; i <= n; i++) {
      if (v[i] == "excluded") { print "FAIL: " t[i] " " b[i] " not judged"; bad = 1; continue }
      dominated = 0
      for (j = 1; j <= n; j++) if (j != i && t[j] == t[i] && dom(j, i)) dominated = 1
      if ((v[i] == "yes") == dominated) { print "FAIL: " t[i] " " b[i] " verdict " v[i]; bad = 1 }
      if (v[i] == "no" && !dom(key[t[i] "|" by[i]], i)) { print "FAIL: " b[i] " not dominated by " by[i]; bad = 1 }
    }
    if (v[key["run=const35_fec0|fixed0"]] != "yes") { print "FAIL: const35 fixed0 not on the frontier"; bad = 1 }
    if (n != 14) { print "FAIL: " n " rows, expected 14"; bad = 1 }
    # NetEq: neteq.csv const35_fec0 4.1675 / 65.93 ms and loss4_fec1 3.7573 / 63.33 ms, + 26.5 ms
    c = key["run=const35_fec0|NetEq (reference)"]; l = key["run=loss4_fec1|NetEq (reference)"]
    if (q[c] != 4.1675 || d[c] != 92.43 || q[l] != 3.7573 || d[l] != 89.83) {
      print "FAIL: NetEq reference rows " q[c] " " d[c] " " q[l] " " d[l]; bad = 1 }
    exit bad
  }' "$csv"
grep -q "title 'NetEq (reference)'" "$out/report/plots/frontier.gp" || { echo "FAIL: NetEq not in the plots"; exit 1; }
if grep -q "matches no trace" "$out/report.log"; then :; else
  echo "FAIL: the six NetEq runs the reduced sweep lacks were not reported as unmatched"; exit 1
fi
echo "PASS: frontier of 12 calls over two runs, NetEq's figures as reference points"
