#!/usr/bin/env python3
"""tools/jb_unseen.py's judging on two unseen runs (seed 11, const35_fec0 and loss4_fec0; about 10 s):
--csv writes the figures the table shows; --neteq judges "at least NetEq" exactly at run.sh's
limits (made-up NetEq figures just inside and just outside them, a run without a figure reported as
not judged); --compare against its own --csv finds nothing moved (same build, same traces: the
figures reproduce), against an edited copy names what moved; bad figure files exit 2 naming the
file and line. First, without the data: the committed NetEq figures (tools/jb_unseen_neteq.csv)
load and cover seeds 11-22 (jitter60_25: 11-34).
Data: $CALLSIM_SHARED_DIR/jb-frontier, default SOURCE_DIR/../shared; skipped (exit 77) without it.

usage: jb_unseen_test.py TOOL SOURCE_DIR OUT_DIR CALLSIM
"""
import csv
import os
import shutil
import subprocess
import sys

tool, src, out, callsim = sys.argv[1:5]

# The committed NetEq figures (tools/jb_unseen_neteq.csv) load with the tool's own reader and cover
# what src/jitter/README.md judges with them: the eight runs of seeds 11-22, jitter60_25 to seed 34.
sys.path.insert(0, os.path.dirname(os.path.abspath(tool)))
import jb_unseen  # noqa: E402

committed = jb_unseen.read_figures(os.path.join(src, "tools", "jb_unseen_neteq.csv"), "NetEq figures")
runs = {f"{trace}_fec{int(fec)}" for trace, fec in jb_unseen.RUNS}
expected = {(s, r) for s in range(11, 23) for r in runs} | {(s, "jitter60_25_fec0") for s in range(23, 35)}
if set(committed) != expected or not all(1 <= f["wb"] <= 4.6 and 0 < f["mean_ms"] <= f["p95_ms"] < 1000
                                         for f in committed.values()):
    print("FAIL: tools/jb_unseen_neteq.csv: runs missing or extra, or a figure out of range")
    sys.exit(1)

shared = os.environ.get("CALLSIM_SHARED_DIR", os.path.join(src, "..", "shared"))
if not os.path.isfile(os.path.join(shared, "jb-frontier", "gen_traces.py")):
    print(f"SKIP: no jitter-buffer development set at {shared}/jb-frontier (set CALLSIM_SHARED_DIR)")
    sys.exit(77)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    env = dict(os.environ, CALLSIM_SHARED_DIR=os.path.abspath(shared))
    p = subprocess.run([sys.executable, tool, callsim, "--seed", "11", "--only", "const35_fec0", "--only",
                        "loss4_fec0", "-j", "2", *args], capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def write(name, header, rows):
    path = os.path.join(out, name)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def table_row(stdout, run_name):
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) > 2 and cells[1] == run_name:
            return cells
    return None


shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
first = os.path.join(out, "first.csv")
rc, stdout, stderr = run("--csv", first, "--work", os.path.join(out, "w1"))
check(rc == 0, f"plain run exits 0 (got {rc}: {stderr.strip()[:300]})")
with open(first, newline="") as f:
    figures = {r["run"]: r for r in csv.DictReader(f)}
check(sorted(figures) == ["const35_fec0", "loss4_fec0"], f"--csv holds the two runs (got {sorted(figures)})")
for name, r in figures.items():
    cells = table_row(stdout, name)
    check(cells is not None and cells[2] == f"{float(r['wb']):.3f}" and cells[3] == f"{float(r['mean_ms']):.1f}"
          and cells[4] == f"{float(r['p95_ms']):.1f}", f"{name}: the table shows the --csv figures ({cells})")
    check(r["seed"] == "11" and float(r["fixed_delay_ms"]) % 10 == 0, f"{name}: seed and fixed delay in --csv ({r})")
# A constant 35 ms path: the hindsight-best fixed buffer plays at the first packet's arrival.
check(figures["const35_fec0"]["fixed_delay_ms"] == "0", "const35: the best fixed delay is 0 ms")

# NetEq figures just inside run.sh's limits on const35 and just outside the WB one on loss4.
c, l = figures["const35_fec0"], figures["loss4_fec0"]
neteq = write("neteq.csv", ["seed", "run", "wb", "mean_ms", "p95_ms"],
              [[11, "const35_fec0", float(c["wb"]) + 0.049, float(c["mean_ms"]) - 0.49, float(c["p95_ms"]) - 1.99],
               [11, "loss4_fec0", float(l["wb"]) + 0.051, float(l["mean_ms"]) + 5, float(l["p95_ms"]) + 5]])
edited = write("edited.csv", ["seed", "run", "wb", "mean_ms", "p95_ms"],
               [[11, "const35_fec0", c["wb"], float(c["mean_ms"]) + 1.0, c["p95_ms"]],
                [11, "loss4_fec0", float(l["wb"]) + 0.02, l["mean_ms"], float(l["p95_ms"]) - 3.0]])
rc, stdout, stderr = run("--neteq", neteq, "--compare", first, "--work", os.path.join(out, "w2"))
check(rc == 0, f"judged run exits 0 (got {rc}: {stderr.strip()[:300]})")
check(table_row(stdout, "const35_fec0")[12] == "yes", "const35: at least NetEq just inside every limit")
check(table_row(stdout, "loss4_fec0")[12] == "no", "loss4: not at least NetEq 0.051 below its WB")
check("at least NetEq (WB >= NetEq - 0.05, mean <= NetEq + 0.5 ms, p95 <= NetEq + 2 ms) on 1/2 runs" in stdout,
      "the NetEq count")
check(f"against {first}: worse on 0 runs (WB lower or a delay higher), only better on 0, unchanged on 2" in stdout,
      "the same build reproduces its own figures: nothing moved")
check(table_row(stdout, "const35_fec0")[13] == "unchanged", "unchanged run says so")

rc, stdout, stderr = run("--compare", edited, "--neteq", write("one.csv", ["seed", "run", "wb", "mean_ms", "p95_ms"],
                                                               [[11, "loss4_fec0", 1, 1000, 1000]]),
                         "--work", os.path.join(out, "w3"))
check(rc == 0, f"compared run exits 0 (got {rc})")
check(table_row(stdout, "const35_fec0")[13] == "better: mean -1.0 ms", f"const35 moved ({table_row(stdout, 'const35_fec0')})")
check(table_row(stdout, "loss4_fec0")[13] == "worse: WB -0.020, p95 +3.0 ms", f"loss4 moved ({table_row(stdout, 'loss4_fec0')})")
check("worse on 1 runs" in stdout and "only better on 1" in stdout, "the moved count")
check(table_row(stdout, "const35_fec0")[12] == "not judged" and "1 without a NetEq figure" in stdout,
      "a run without a NetEq figure is not judged")

for name, text, expect in (
        ("short.csv", "seed,run,wb\n11,const35_fec0,4\n", "short.csv: NetEq's figures needs the columns"),
        ("word.csv", "seed,run,wb,mean_ms,p95_ms\n11,const35_fec0,4,x,50\n", "word.csv:2:"),
        ("nan.csv", "seed,run,wb,mean_ms,p95_ms\n11,const35_fec0,4,nan,50\n", "nan.csv:2:"),
        ("twice.csv", "seed,run,wb,mean_ms,p95_ms\n11,a,4,1,2\n11,a,4,1,2\n", "twice.csv:3: NetEq's figures: seed 11 run a appears twice")):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write(text)
    rc, _, stderr = run("--neteq", path, "--work", os.path.join(out, "w4"))
    check(rc == 2 and expect in stderr, f"{name}: exit 2 naming the file ({rc}: {stderr.strip()})")
    check(not os.path.exists(os.path.join(out, "w4")), f"{name}: refused before anything ran")

print("FAILED" if failures else "PASSED")
sys.exit(1 if failures else 0)
