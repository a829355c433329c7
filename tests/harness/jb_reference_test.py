#!/usr/bin/env python3
"""tools/jb_reference.py: NetEq's figures as `callsim report --reference` points, without ../shared.
Both input forms (the development set's neteq.csv; tools/jb_unseen_neteq.csv with --seed) give
reference rows with NetEq's playout delays + 26.5 ms (Opus lookahead 312/48 ms + the 20 ms frame),
also after a UTF-8 byte-order mark;
the committed unseen figures convert for a seed; bad input exits 2 naming the file and line and
writes nothing; and `callsim report` reads the tool's output (a one-trace sweep made up here: the
point is drawn, judged, and its figures are the converted ones).

usage: jb_reference_test.py TOOL SOURCE_DIR OUT_DIR CALLSIM
"""
import csv
import json
import os
import shutil
import subprocess
import sys

tool, src, out, callsim = sys.argv[1:5]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
failures = []


def run(*args):
    return subprocess.run([sys.executable, tool, *args], capture_output=True, text=True)


def write(name, text):
    path = os.path.join(out, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


# The development set's form.
dev = write("neteq.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\n"
                         "const35_fec0,4.1675,65.93,66.48\nloss4_fec1,3.7573,63.33,66.00\n")
ref = os.path.join(out, "ref.csv")
r = run(dev, "-o", ref, "--label", "NetEq M100")
if r.returncode != 0:
    failures.append(f"dev form: exit {r.returncode}: {r.stderr}")
else:
    got = [(x["run"], x["label"], x["mos_lqo_wb"], x["mouth_to_ear_mean_ms"], x["mouth_to_ear_p95_ms"])
           for x in rows(ref)]
    want = [("const35_fec0", "NetEq M100", "4.1675", "92.43", "92.98"),
            ("loss4_fec1", "NetEq M100", "3.7573", "89.83", "92.50")]
    if got != want:
        failures.append(f"dev form: {got} != {want}")

# A byte-order mark before the header (a spreadsheet's export) is not part of the first column.
bom = os.path.join(out, "bom.csv")
with open(bom, "w", encoding="utf-8-sig") as f:
    f.write("run,wb_mos,delay_mean_ms,delay_p95_ms\nconst35_fec0,4.1675,65.93,66.48\n")
r = run(bom, "-o", os.path.join(out, "bom_ref.csv"))
if r.returncode != 0 or rows(os.path.join(out, "bom_ref.csv"))[0]["mouth_to_ear_mean_ms"] != "92.43":
    failures.append(f"byte-order mark: exit {r.returncode}: {r.stderr}")

# The unseen form: the committed figures, one seed.
committed = os.path.join(src, "tools", "jb_unseen_neteq.csv")
r = run(committed, "--seed", "23", "-o", os.path.join(out, "unseen.csv"))
if r.returncode != 0:
    failures.append(f"unseen form: exit {r.returncode}: {r.stderr}")
else:
    got = rows(os.path.join(out, "unseen.csv"))
    with open(committed, newline="") as f:
        source = [x for x in csv.DictReader(f) if x["seed"] == "23"]
    if len(got) != len(source) or len(got) != 1 or any(
            abs(float(g["mouth_to_ear_mean_ms"]) - float(s["mean_ms"]) - 26.5) > 0.006 or
            abs(float(g["mouth_to_ear_p95_ms"]) - float(s["p95_ms"]) - 26.5) > 0.006 or
            abs(float(g["mos_lqo_wb"]) - float(s["wb"])) > 5e-5 or g["run"] != s["run"] for g, s in zip(got, source)):
        failures.append(f"unseen form, seed 23 (jitter60_25 only): {got} against {source}")

# Bad input: exit 2, the file and line named, nothing written.
for name, text, args, expect in [
    ("noseed.csv", "seed,run,wb,mean_ms,p95_ms\n11,a,4,50,60\n", [], "choose one with --seed"),
    ("seedless.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\na,4,50,60\n", ["--seed", "11"], "no seed column"),
    ("header.csv", "run,wb,mean\na,4,50\n", [], "line 1: expected the header"),
    ("wb.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\na,4,50,60\nb,6,50,60\n", [], "line 3: wb: 6 is out of range"),
    ("num.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\na,4,fifty,60\n", [], "line 2: mean: expected a number"),
    ("fields.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\na,4,50\n", [], "line 2: expected 4 fields"),
    ("twice.csv", "run,wb_mos,delay_mean_ms,delay_p95_ms\na,4,50,60\na,4,50,60\n", [], "line 3: a second line"),
    ("none.csv", "seed,run,wb,mean_ms,p95_ms\n11,a,4,50,60\n", ["--seed", "12"], "no figures for seed 12"),
]:
    path = write(name, text)
    target = os.path.join(out, "bad_" + name)
    r = run(path, "-o", target, *args)
    if r.returncode != 2 or path not in r.stderr or expect not in r.stderr or os.path.exists(target):
        failures.append(f"{name}: exit {r.returncode}, {r.stderr.strip()!r}, expected exit 2 with {expect!r}")
r = run(dev, "-o", os.path.join(out, "label.csv"), "--label", "Net,Eq")
if r.returncode != 2 or os.path.exists(os.path.join(out, "label.csv")):
    failures.append(f"a label with a comma: exit {r.returncode}")

# callsim report reads it: one trace with three made-up settings, the NetEq point beside them.
if os.path.exists(ref):
    sweep = os.path.join(out, "sweep")
    os.makedirs(sweep)
    with open(os.path.join(sweep, "results.jsonl"), "w") as f:
        for buffer, wb, mean in [("fixed0", 4.25, 66.5), ("fixed20", 4.25, 86.5), ("adaptive", 4.25, 71.9)]:
            f.write(json.dumps({"id": f"jbf/{buffer}/const35_fec0", "scenario": "const35", "seed": 1,
                                "params": {"jitter_buffer": buffer, "run": "const35_fec0"}, "passed": True,
                                "metrics": {"alice->bob": {"mos_lqo_wb": wb, "mouth_to_ear_mean_ms": mean}}}) + "\n")
    r = subprocess.run([callsim, "report", sweep, "-o", os.path.join(out, "report"), "--audio", "none", "-q",
                        "--reference", ref], capture_output=True, text=True)
    table = os.path.join(out, "report", "plots", "frontier.csv")
    if r.returncode != 0 or not os.path.exists(table):
        failures.append(f"callsim report --reference: exit {r.returncode}: {r.stderr}")
    else:
        neteq = [x for x in rows(table) if x["jitter_buffer"] == "NetEq M100 (reference)"]
        if [(x["mos_lqo_wb"], x["mouth_to_ear_mean_ms"], x["mouth_to_ear_p95_ms"], x["on_frontier"],
             x["dominated_by"]) for x in neteq] != [("4.1675", "92.43", "92.98", "no", "fixed0")]:
            failures.append(f"callsim report --reference: NetEq rows {neteq}")
        if "line 3: reference point \"NetEq M100\" matches no trace" not in r.stderr:
            failures.append(f"callsim report --reference: the unmatched loss4_fec1 point not warned: {r.stderr!r}")

for f in failures:
    print("FAIL:", f)
print("PASS" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
