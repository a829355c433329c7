#!/usr/bin/env python3
"""tools/jb_library_compare.py on made-up sweep folders with known averages, deltas and flags, then
end to end on one smoke scenario with the same callsim as A, B and scorer (every delta exactly 0,
every rescored figure equal to the sweep's own).

usage: jb_library_compare_test.py TOOL SOURCE_DIR OUT_DIR [CALLSIM]
"""
import json
import os
import shutil
import subprocess
import sys

tool, src, out = sys.argv[1:4]
callsim = sys.argv[4] if len(sys.argv) > 4 else None
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def close(x, y):
    return x is not None and abs(x - y) < 1e-9


def run(*args):
    p = subprocess.run([sys.executable, tool, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


shutil.rmtree(out, ignore_errors=True)
lib = os.path.join(out, "library")
os.makedirs(lib)
for name in ("alpha", "beta"):
    with open(os.path.join(lib, name + ".json"), "w") as f:
        json.dump({"name": name, "peers": {}}, f)
with open(os.path.join(lib, "not_a_scenario.json"), "w") as f:
    json.dump({"matrix": "m"}, f)

# Per scenario, direction, figure: the three seeds' values in A and in B (None: unmeasured).
DATA = {
    ("alpha", "a->b"): {"mos_lqo_wb": ([4.0, 4.1, 4.2], [3.8, 3.95, 4.0]),   # -0.1833: WB
                        "mos_lqo_nb": ([4.2, 4.2, 4.2], [4.2, 4.2, 4.2]),
                        "mouth_to_ear_mean_ms": ([100, 110, 120], [110, 121, 129]),  # +10 exactly: not beyond
                        "mouth_to_ear_p95_ms": ([150, 150, 150], [171, 171, 171])},  # +21: p95
    ("alpha", "b->a"): {"mos_lqo_wb": ([3.5, 3.5, 3.5], [None, None, None]),  # WB unmeasured in B
                        "mos_lqo_nb": ([3.0, None, 3.2], [3.1, 3.3, 3.0]),     # paired: -0.05
                        "mouth_to_ear_mean_ms": ([80, 80, 80], [80, 80, 80]),
                        "mouth_to_ear_p95_ms": ([90, 90, 90], [90, 90, 90])},
    ("beta", "x->y"): {"mos_lqo_wb": ([None] * 3, [None] * 3),  # narrowband: never measured
                       "mos_lqo_nb": ([3.9, 3.8, 3.7], [3.85, 3.75, 3.65]),   # -0.05
                       "mouth_to_ear_mean_ms": ([60, 70, 80], [65, 75, 85]),  # +5
                       "mouth_to_ear_p95_ms": ([70, 80, 90], [60, 70, 80])},  # -10
}


def write_sweep(label, skip=()):
    folder = os.path.join(out, label)
    os.makedirs(folder)
    with open(os.path.join(folder, "results.jsonl"), "w") as f:
        for name in ("alpha", "beta"):
            for i, seed in enumerate((1, 2, 3)):
                if (name, seed) in skip:
                    continue
                metrics = {}
                for (n, d), figs in DATA.items():
                    if n == name:
                        metrics[d] = {m: v[0 if label.startswith("A") else 1][i] for m, v in figs.items()}
                        metrics[d]["packets_sent"] = 500
                f.write(json.dumps({"id": f"{name}/s{seed}", "scenario": name, "seed": seed,
                                    "dir": f"calls/{name}/s{seed}", "metrics": metrics}) + "\n")
    return folder


a, b = write_sweep("A"), write_sweep("B")
report = os.path.join(out, "report.json")
rc, stdout, stderr = run("--a", a, "--b", b, "--library", lib, "--json", report)
check(rc == 1, f"a flagged row exits 1 (got {rc}: {stderr})")
rows = {(r["scenario"], r["direction"]): r for r in json.load(open(report))["rows"]}
check(sorted(rows) == sorted(DATA), f"one row per scenario x direction: {sorted(rows)}")
r = rows[("alpha", "a->b")]
check(r["flags"] == ["WB", "p95"], f"alpha a->b flags {r['flags']}")
check(close(r["wb"]["a"], 4.1) and close(r["wb"]["b"], 3.9166666666666665), f"alpha a->b WB averages {r['wb']}")
check(close(r["wb"]["delta"], -0.18333333333333335), f"alpha a->b WB delta {r['wb']['delta']}")
check(close(r["mean"]["delta"], 10.0), f"alpha a->b mean delta {r['mean']['delta']}")
check(close(r["p95"]["b"], 171) and close(r["p95"]["delta"], 21), f"alpha a->b p95 {r['p95']}")
r = rows[("alpha", "b->a")]
check(r["flags"] == ["WB unmeasured in B"], f"alpha b->a flags {r['flags']}")
check(r["wb"]["b"] is None and r["wb"]["delta"] is None and r["wb"]["b_n"] == 0, f"alpha b->a WB {r['wb']}")
check(close(r["nb"]["a"], 3.1) and r["nb"]["a_n"] == 2 and close(r["nb"]["b"], 3.1333333333333333),
      f"alpha b->a NB averages over the measured seeds {r['nb']}")
check(close(r["nb"]["delta"], -0.05) and r["nb"]["seed_deltas"][1] is None, f"alpha b->a NB paired delta {r['nb']}")
r = rows[("beta", "x->y")]
check(r["flags"] == [], f"beta flags {r['flags']}")
check(close(r["nb"]["delta"], -0.05) and close(r["mean"]["delta"], 5) and close(r["p95"]["delta"], -10),
      f"beta deltas {r}")
check("3.100 (2/3)" in stdout, "a figure missing in one seed shows its count")
check("WB unmeasured in B" in stdout and "2 flagged" in stdout, "table lists the flags and counts the rows")

# Thresholds are options: p95 +21 passes at 25, mean +10 fails at 9.9.
rc, _, stderr = run("--a", a, "--b", b, "--library", lib, "--json", report, "--p95-rise", "25",
                    "--mean-rise", "9.9", "--wb-drop", "0.2")
rows = {(r["scenario"], r["direction"]): r for r in json.load(open(report))["rows"]}
check(rows[("alpha", "a->b")]["flags"] == ["mean"], f"thresholds moved: {rows[('alpha', 'a->b')]['flags']}")

# Only beta: nothing flagged, exit 0.
rc, stdout, stderr = run("--a", a, "--b", b, "--library", lib, "--scenarios", "beta")
check(rc == 0 and "alpha" not in stdout, f"--scenarios beta exits 0 (got {rc}: {stderr})")

# A seed missing from B is bad input, named.
b2 = write_sweep("B-missing", skip={("beta", 3)})
rc, _, stderr = run("--a", a, "--b", b2, "--library", lib)
check(rc == 2 and "beta" in stderr and "seed 3" in stderr, f"missing seed exits 2 naming it (got {rc}: {stderr})")

if callsim:
    # End to end: the same binary on both sides and as the scorer changes nothing.
    work = os.path.join(out, "e2e")
    smoke = os.path.join(src, "scenarios", "suites", "smoke")
    rc, stdout, stderr = run("--a", callsim, "--b", callsim, "--scorer", callsim, "--library", smoke,
                             "--scenarios", "smoke_adaptive_jb", "--seeds", "1,2", "--work", work, "-j", "2",
                             "--json", report)
    check(rc == 0, f"same binary exits 0 (got {rc}: {stderr})")
    check(stderr.count("rescored by") == 2 and stderr.count(", 0 differ") == 2,
          f"every rescored figure equals the sweep's own: {stderr}")
    data = json.load(open(report))
    figs = [r[k] for r in data["rows"] for k in ("wb", "nb", "mean", "p95")]
    check(len(data["rows"]) == 1 and all(f["delta"] == 0 and f["a_n"] == 2 for f in figs),
          f"every figure measured twice with delta 0: {data['rows']}")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
