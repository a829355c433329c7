#!/usr/bin/env python3
"""Goal 2 of issue 12 (and goal 1, given NetEq's figures) on unseen traces: the adaptive jitter buffer against the hindsight-best fixed
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
+ 10 ms (the spike run is listed but not judged). ../shared holds NetEq's figures for the dev set's
own traces (seed 7) only: for unseen seeds see --neteq below.

--constant-ms T replaces the buffer under test by a fixed buffer that plays every run at the same
playout delay T (NetEq's definition, as measured above), as if the delay distribution, but not
the trace, were known in advance: the best any buffer holding one delay can do (the hindsight-best
fixed buffer also knows the trace). --only RUN (e.g. jitter60_25_fec0) limits the runs.

Goal 1 (at least NetEq) on unseen traces needs NetEq's figures on them, which this repository
cannot produce (NetEq is not part of it): --neteq FILE reads them from a CSV with the header
seed,run,wb,mean_ms,p95_ms (one line per seed and run, measured as ../shared/jb-frontier/README.md
says NetEq was) and judges each run as run.sh does: WB >= NetEq - 0.05, mean <= NetEq + 0.5 ms,
p95 <= NetEq + 2 ms. tools/jb_unseen_neteq.csv is such a file for seeds 11-22 (jitter60_25: 11-34),
measured with NetEq outside this repository (src/jitter/README.md says how). --csv FILE writes
this run's figures (seed,run,wb,mean_ms,p95_ms,fixed_delay_ms,fixed_wb,fixed_mean_ms); --compare
FILE reads such a file from an earlier build or buffer and lists, per run, what moved: a change
that lowers no WB and raises no delay keeps every verdict it had against NetEq, so a buffer change
can be judged against goal 1 from one run with NetEq's figures.

usage: tools/jb_unseen.py CALLSIM --seed 11 [--seed 12 ...] [--work DIR] [--buffer JSON | --constant-ms T]
                          [--only RUN ...] [--neteq CSV] [--csv OUT] [--compare CSV] [-j 2]
Data: $CALLSIM_SHARED_DIR/jb-frontier, default <repository>/../shared/jb-frontier (never copied:
traces and calls go to WORK, default a temporary folder kept and printed).
"""
import argparse
import concurrent.futures
import csv
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile

from jb_library_compare import write_atomic

RUNS = [("const35", False), ("jitter60_25", False), ("spike350_at4s", False), ("loss4", False),
        ("loss4", True), ("gilbert3_35", False), ("gilbert3_35", True), ("ramp40_140", False)]
NORMAL = {"normal", "accelerate", "preemptive_expand", "merge", "fec_recovered"}
LOOKAHEAD_MS, FRAME_MS = 312 / 48.0, 20.0


FIGURES = ("wb", "mean_ms", "p95_ms")


def read_figures(path, what):
    """{(seed, run): {column: float}} from a CSV with seed, run and the FIGURES columns; exits 2
    naming the file and line on anything else."""
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        die(f"{path}: cannot read {what}: {e}")
    missing = [c for c in ("seed", "run") + FIGURES if c not in header]
    if missing:
        die(f"{path}: {what} needs the columns seed,run,{','.join(FIGURES)} (missing: {', '.join(missing)})")
    out = {}
    for n, r in enumerate(rows, start=2):
        try:
            key = (int(r["seed"]), r["run"].strip())
            vals = {c: float(r[c]) for c in FIGURES}
        except (TypeError, ValueError):
            die(f"{path}:{n}: {what}: seed must be an integer and {', '.join(FIGURES)} numbers")
        if not all(math.isfinite(v) for v in vals.values()):
            die(f"{path}:{n}: {what}: {', '.join(FIGURES)} must be finite numbers")
        if key in out:
            die(f"{path}:{n}: {what}: seed {key[0]} run {key[1]} appears twice")
        out[key] = vals
    return out


def die(message):
    print(f"jb_unseen: {message}", file=sys.stderr)
    sys.exit(2)


def csv_text(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def at_least_neteq(w, m, p, n):
    return w >= n["wb"] - 0.05 and m <= n["mean_ms"] + 0.5 and p <= n["p95_ms"] + 2.0


def moved(now, before):
    """What moved against an earlier run's figures: (worse, better) lists of words, each empty when
    nothing moved that way."""
    worse, better = [], []
    for col, fmt, eps, higher_is_better in (("wb", "WB {:+.3f}", 0.0005, True), ("mean_ms", "mean {:+.1f} ms", 0.05, False),
                                            ("p95_ms", "p95 {:+.1f} ms", 0.05, False)):
        d = now[col] - before[col]
        if abs(d) <= eps:
            continue
        (better if (d > 0) == higher_is_better else worse).append(fmt.format(d))
    return worse, better


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
    ap.add_argument("--neteq", help="NetEq's figures on the same traces (CSV: seed,run,wb,mean_ms,p95_ms)")
    ap.add_argument("--csv", help="write this run's figures here (CSV)")
    ap.add_argument("--compare", help="an earlier --csv: list what moved on each run")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    a = ap.parse_args()
    neteq = read_figures(a.neteq, "NetEq's figures") if a.neteq else None
    before = read_figures(a.compare, "the figures to compare with") if a.compare else None
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
    print(f"{what}; work folder {work}; NetEq: " + (f"figures from {a.neteq}" if neteq else "no figures for unseen traces (--neteq)") + "\n")
    head = "| seed | run | WB buffer | mean ms | p95 ms | best fixed ms | WB fixed | mean fixed ms | ΔWB | Δmean ms | within reach |"
    rule = "|---|---|---|---|---|---|---|---|---|---|---|"
    if neteq is not None:
        head += " NetEq WB / mean / p95 | at least NetEq |"
        rule += "---|---|"
    if before is not None:
        head += f" against {os.path.basename(a.compare)} |"
        rule += "---|"
    print(head)
    print(rule)
    met = judged = n_met = n_judged = n_missing = n_worse = n_better = n_absent = 0
    rows = []
    for (seed, trace, fec), ((w, m, p), d, (fw, fm, _)) in zip(jobs, results):
        run = f"{trace}_fec{int(fec)}"
        spike = trace.startswith("spike")
        ok = w >= fw - 0.15 and m <= fm + 10.0
        judged += not spike
        met += ok and not spike
        verdict = "n/a (spike)" if spike else ("yes" if ok else "no")
        line = (f"| {seed} | {run} | {w:.3f} | {m:.1f} | {p:.1f} | {d} | {fw:.3f} | {fm:.1f} | "
                f"{w - fw:+.3f} | {m - fm:+.1f} | {verdict} |")
        if neteq is not None:
            n = neteq.get((seed, run))
            if n is None:
                n_missing += 1
                line += " no figure | not judged |"
            else:
                good = at_least_neteq(w, m, p, n)
                n_judged += 1
                n_met += good
                line += f" {n['wb']:.3f} / {n['mean_ms']:.1f} / {n['p95_ms']:.1f} | {'yes' if good else 'no'} |"
        if before is not None:
            b = before.get((seed, run))
            if b is None:
                n_absent += 1
                line += " not in that file |"
            else:
                worse, better = moved({"wb": w, "mean_ms": m, "p95_ms": p}, b)
                n_worse += bool(worse)
                n_better += bool(better) and not worse
                parts = [f"{word}: {', '.join(moves)}" for word, moves in (("worse", worse), ("better", better)) if moves]
                line += f" {'; '.join(parts) or 'unchanged'} |"
        print(line)
        rows.append([seed, run, f"{w:.4f}", f"{m:.3f}", f"{p:.3f}", d, f"{fw:.4f}", f"{fm:.3f}"])
    print(f"\nwithin reach (WB >= fixed - 0.15, mean <= fixed + 10 ms) on {met}/{judged} runs (spike left out)")
    if neteq is not None:
        print(f"at least NetEq (WB >= NetEq - 0.05, mean <= NetEq + 0.5 ms, p95 <= NetEq + 2 ms) on {n_met}/{n_judged} runs"
              + (f"; {n_missing} without a NetEq figure in {a.neteq}, not judged" if n_missing else ""))
    if before is not None:
        print(f"against {a.compare}: worse on {n_worse} runs (WB lower or a delay higher), only better on {n_better}, "
              f"unchanged on {len(rows) - n_worse - n_better - n_absent}" + (f"; {n_absent} not in that file" if n_absent else ""))
    if a.csv:
        write_atomic(a.csv, csv_text(["seed", "run", "wb", "mean_ms", "p95_ms", "fixed_delay_ms", "fixed_wb",
                                      "fixed_mean_ms"], rows))

if __name__ == "__main__":
    main()
