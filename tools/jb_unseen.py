#!/usr/bin/env python3
"""Goal 2 of issue 12 on unseen traces: the adaptive jitter buffer against the hindsight-best fixed
buffer on a fresh set of the jitter-buffer development set's traces, generated with another seed.

For each seed: ../shared/jb-frontier/gen_traces.py --seed SEED writes the six traces into
WORK/seed<SEED>/traces; each of the eight runs (the dev set's scenarios, FEC off, and on for loss4
and gilbert3_35) is played with the adaptive buffer (or --buffer JSON) and with the hindsight-best
fixed buffer: the smallest multiple of 10 ms (0-400 ms) with no late discard and, on _fec1 runs,
as many FEC recoveries as 400 ms gets (the dev set's fixed.csv rule; found by bisection on
`callsim run --no-score`, late discards and recoveries do not fall as the delay grows).
Measured as ../shared/jb-frontier/run.sh measures: WB = `callsim score INPUT degraded.wav --mode wb`,
delay = NetEq's playout delay from frames.csv (mouth_to_ear_ms - 6.5 ms lookahead - 20 ms, over
normal-speech frames; mean, p95 interpolated). "within reach" = WB >= fixed - 0.15 and mean <= fixed
+ 10 ms (the spike run is listed but not judged). NetEq figures exist only for the dev set's own
traces (seed 7): none for unseen seeds.

--constant-ms T replaces the buffer under test by a fixed buffer that plays every run at the same
playout delay T (NetEq's definition, as measured above), as if the delay distribution, but not
the trace, were known in advance: the best any buffer holding one delay can do (the hindsight-best
fixed buffer also knows the trace). --only RUN (e.g. jitter60_25_fec0) limits the runs.

usage: tools/jb_unseen.py CALLSIM --seed 11 [--seed 12 ...] [--work DIR] [--buffer JSON | --constant-ms T]
                          [--only RUN ...] [-j 2]
Data: $CALLSIM_SHARED_DIR/jb-frontier, default <repository>/../shared/jb-frontier (never copied:
traces and calls go to WORK, default a temporary folder kept and printed).
"""
import argparse
import concurrent.futures
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

RUNS = [("const35", False), ("jitter60_25", False), ("spike350_at4s", False), ("loss4", False),
        ("loss4", True), ("gilbert3_35", False), ("gilbert3_35", True), ("ramp40_140", False)]
NORMAL = {"normal", "accelerate", "preemptive_expand", "merge", "fec_recovered"}
LOOKAHEAD_MS, FRAME_MS = 312 / 48.0, 20.0


def pct(v, p):
    v = sorted(v)
    i = p / 100.0 * (len(v) - 1)
    lo, hi = math.floor(i), math.ceil(i)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)


class Runner:
    def __init__(self, callsim, dev, work):
        self.callsim, self.dev, self.work = callsim, dev, work
        self.speech = os.path.join(dev, "speech_10s_48k.flac")

    def scenario(self, trace, fec, traces_dir, jb, name):
        with open(os.path.join(self.dev, "scenarios", f"{trace}_fec{int(fec)}_adaptive.json")) as f:
            s = json.load(f)
        s["peers"]["alice"]["talker"]["file"] = self.speech
        s["links"]["alice->bob"]["trace"]["file"] = os.path.join(traces_dir, trace + ".csv")
        s["peers"]["bob"]["jitter_buffer"] = jb
        path = os.path.join(self.work, name + ".json")
        with open(path, "w") as f:
            json.dump(s, f, indent=1)
        return path

    def run(self, path, out, score):
        args = [self.callsim, "run", path, "-o", out, "-q"] + ([] if score else ["--no-score", "--no-audio"])
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"callsim run {path} exited {p.returncode}: {p.stderr.strip()[:300]}")
        with open(os.path.join(out, "result.json")) as f:
            return json.load(f)["directions"]["alice->bob"]["metrics"]

    def measure(self, path, out):
        self.run(path, out, True)
        sub = os.path.join(out, "alice-to-bob")
        with open(os.path.join(sub, "frames.csv")) as f:
            d = [float(r["mouth_to_ear_ms"]) - LOOKAHEAD_MS - FRAME_MS for r in csv.DictReader(f)
                 if r["mouth_to_ear_ms"] and r["type"] in NORMAL]
        p = subprocess.run([self.callsim, "score", self.speech, os.path.join(sub, "degraded.wav"), "--mode", "wb",
                            "--json"], capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"callsim score exited {p.returncode}: {p.stderr.strip()[:300]}")
        return json.loads(p.stdout)["mos_lqo"], statistics.mean(d), pct(d, 95)

    def best_fixed(self, trace, fec, traces_dir, tag):
        def metrics(delay):
            jb = {"type": "fixed", "delay_ms": delay}
            path = self.scenario(trace, fec, traces_dir, jb, f"{tag}_fixed{delay}")
            return self.run(path, os.path.join(self.work, f"{tag}_fixed{delay}_search"), False)
        top = metrics(400)
        if top["packets_discarded_late"] > 0:
            raise RuntimeError(f"{tag}: late discards even at 400 ms")
        def ok(delay):
            m = metrics(delay)
            return m["packets_discarded_late"] == 0 and (not fec or m["fec_frames_recovered"] >= top["fec_frames_recovered"])
        lo, hi = -1, 40  # in 10 ms steps: ok(hi * 10) holds, ok(lo * 10) does not (lo = -1: none below 0)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if ok(mid * 10):
                hi = mid
            else:
                lo = mid
        return hi * 10

    def one(self, seed, trace, fec, buffer_json, constant_ms=None):
        traces_dir = os.path.join(self.work, f"seed{seed}", "traces")
        tag = f"seed{seed}_{trace}_fec{int(fec)}"
        delay = self.best_fixed(trace, fec, traces_dir, tag)
        fixed = self.measure(self.scenario(trace, fec, traces_dir, {"type": "fixed", "delay_ms": delay},
                                           f"{tag}_best"), os.path.join(self.work, f"{tag}_best"))
        if constant_ms is not None:
            # A fixed buffer's playout delay is its delay_ms plus a constant of the trace (the
            # first packet's offset): measured on the best fixed run.
            buffer_json = {"type": "fixed", "delay_ms": max(0.0, round(constant_ms - (fixed[1] - delay), 3))}
        adaptive = self.measure(self.scenario(trace, fec, traces_dir, buffer_json, tag + "_buffer"),
                                os.path.join(self.work, tag + "_buffer"))
        return adaptive, delay, fixed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("callsim")
    ap.add_argument("--seed", type=int, action="append", required=True)
    ap.add_argument("--work")
    ap.add_argument("--buffer", default='{"type": "adaptive"}', help="the receiver's jitter_buffer (JSON)")
    ap.add_argument("--constant-ms", type=float, help="a fixed buffer at this playout delay on every run")
    ap.add_argument("--only", action="append", help="only this run (e.g. jitter60_25_fec0); repeatable")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()
    runs = [r for r in RUNS if not a.only or f"{r[0]}_fec{int(r[1])}" in a.only]
    if not runs:
        sys.exit(f"--only matches none of {', '.join(f'{t}_fec{int(f)}' for t, f in RUNS)}")
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("CALLSIM_SHARED_DIR", os.path.join(here, "..", "..", "shared"))
    dev = os.path.abspath(os.path.join(shared, "jb-frontier"))
    if not os.path.isfile(os.path.join(dev, "gen_traces.py")):
        sys.exit(f"no jitter-buffer development set at {dev} (set CALLSIM_SHARED_DIR)")
    work = os.path.abspath(a.work or tempfile.mkdtemp(prefix="jb-unseen-"))
    os.makedirs(work, exist_ok=True)
    for seed in a.seed:
        subprocess.run([sys.executable, os.path.join(dev, "gen_traces.py"), "--seed", str(seed), "--outdir",
                        os.path.join(work, f"seed{seed}", "traces")], check=True, stdout=subprocess.DEVNULL)
    runner = Runner(os.path.abspath(a.callsim), dev, work)
    buffer_json = json.loads(a.buffer)
    jobs = [(s, t, f) for s in a.seed for t, f in runs]
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = list(pool.map(lambda j: runner.one(j[0], j[1], j[2], buffer_json, a.constant_ms), jobs))
    what = f"fixed at {a.constant_ms:g} ms playout delay" if a.constant_ms is not None else f"buffer {a.buffer}"
    print(f"{what}; work folder {work}; NetEq: no figures for unseen traces\n")
    print("| seed | run | WB buffer | mean ms | p95 ms | best fixed ms | WB fixed | mean fixed ms | ΔWB | Δmean ms | within reach |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    met = judged = 0
    for (seed, trace, fec), ((w, m, p), d, (fw, fm, _)) in zip(jobs, results):
        spike = trace.startswith("spike")
        ok = w >= fw - 0.15 and m <= fm + 10.0
        judged += not spike
        met += ok and not spike
        verdict = "n/a (spike)" if spike else ("yes" if ok else "no")
        print(f"| {seed} | {trace}_fec{int(fec)} | {w:.3f} | {m:.1f} | {p:.1f} | {d} | {fw:.3f} | {fm:.1f} | "
              f"{w - fw:+.3f} | {m - fm:+.1f} | {verdict} |")
    print(f"\nwithin reach (WB >= fixed - 0.15, mean <= fixed + 10 ms) on {met}/{judged} runs (spike left out)")


if __name__ == "__main__":
    main()
