#!/usr/bin/env python3
"""tools/derive_expectations.py on a made-up scenario tree and baseline: the rule's thresholds,
--write changing only the expectation of the direction whose figure moved (the same text under
another direction's key was rewritten instead), and --check failing for a drifted threshold,
for a scenario the baseline has no call of (a new scenario went unchecked) and, with --callsim,
for a scenario edited since the baseline (its fingerprint is not the baseline call's).

usage: derive_expectations_test.py TOOL OUT_DIR
"""
import json
import os
import shutil
import subprocess
import sys

tool, out = os.path.abspath(sys.argv[1]), sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
for d in ("scenarios/library", "scenarios/suites/smoke"):
    os.makedirs(os.path.join(out, d))
failures = []


def check(what, ok):
    if not ok:
        failures.append(what)


def write_json(path, value):
    with open(os.path.join(out, path), "w") as f:
        json.dump(value, f)


def run(*args):
    return subprocess.run([sys.executable, tool, *args], capture_output=True, text=True, cwd=out)


scenario = "scenarios/library/two.json"
write_json(scenario, {"name": "two", "expect": {"alice->bob": ["mos_lqo_nb >= 3.0", "mouth_to_ear_p95_ms <= 150"],
                                                 "bob->alice": ["mos_lqo_nb >= 3.0"]}})
write_json("scenarios/suites/smoke/s.json", {"name": "s", "expect": {"all": ["concealed_ratio <= 0.02"]}})
# alice->bob: MOS 3.27 -> 3.0 and p95 118 -> 150 (both as written); bob->alice: MOS 3.78 -> 3.5.
baseline = {"calls": {
    "two": {"scenario": "two", "directions": {"alice->bob": {"mos_lqo_nb": 3.27, "mouth_to_ear_p95_ms": 118.0},
                                                "bob->alice": {"mos_lqo_nb": {"value": 3.78, "absolute": 0.2}}}},
    "s": {"scenario": "s", "directions": {"alice->bob": {"concealed_ratio": 0.01}, "bob->alice": {"concealed_ratio": 0.002}}},
    "m/x/s1": {"scenario": "m", "directions": {}}}}
write_json("baseline.json", baseline)

r = run("baseline.json", "--check")
check("--check fails on a drifted threshold: " + r.stdout, r.returncode == 1)
check("the drift is named: " + r.stdout,
      "scenarios/library/two.json: bob->alice: mos_lqo_nb >= 3.0 -> mos_lqo_nb >= 3.5" in r.stdout)
check("one change: " + r.stdout, "1 expectation(s) would change" in r.stdout)

r = run("baseline.json", "--write")
check("--write exits 0: " + r.stderr, r.returncode == 0)
with open(os.path.join(out, scenario)) as f:
    written = json.load(f)
check("only bob->alice's threshold moves: " + json.dumps(written),
      written["expect"] == {"alice->bob": ["mos_lqo_nb >= 3.0", "mouth_to_ear_p95_ms <= 150"],
                            "bob->alice": ["mos_lqo_nb >= 3.5"]})
r = run("baseline.json", "--check")
check("after --write --check passes: " + r.stdout, r.returncode == 0 and "0 expectation(s) would change" in r.stdout)

write_json("scenarios/library/new.json", {"name": "new", "expect": {"all": ["mos_lqo_nb >= 3.0"]}})
r = run("baseline.json", "--check")
check("a scenario without a baseline call fails --check: " + r.stdout,
      r.returncode == 1 and "scenarios/library/new.json: no call in baseline.json: not checked" in r.stdout)

# --callsim: a scenario whose fingerprint (as `callsim validate` prints it) is not its baseline
# call's was edited since; its figures are another scenario's, so --check fails and names it. A
# stand-in callsim prints the fingerprints (the tool only reads validate's line).
os.remove(os.path.join(out, "scenarios/library/new.json"))
fake = os.path.join(out, "fake_callsim")
with open(fake, "w") as f:
    f.write("#!/bin/sh\n"
            "case \"$2\" in *two.json) fp=fnv1a64:2222 ;; *) fp=fnv1a64:5555 ;; esac\n"
            "echo \"$2: ok (x, 2 directions, 20 s; fingerprint $fp)\"\n")
os.chmod(fake, 0o755)
baseline["calls"]["two"]["scenario_fingerprint"] = "fnv1a64:2222"
baseline["calls"]["s"]["scenario_fingerprint"] = "fnv1a64:5555"
write_json("baseline.json", baseline)
r = run("baseline.json", "--check", "--callsim", fake)
check("same fingerprints: --check passes: " + r.stdout + r.stderr, r.returncode == 0)
baseline["calls"]["s"]["scenario_fingerprint"] = "fnv1a64:0000"
write_json("baseline.json", baseline)
r = run("baseline.json", "--check", "--callsim", fake)
check("an edited scenario fails --check and is named: " + r.stdout + r.stderr,
      r.returncode == 1 and "scenarios/suites/smoke/s.json: changed since the baseline (fingerprint fnv1a64:5555, "
      "baseline fnv1a64:0000)" in r.stdout)
r = run("baseline.json", "--check")
check("without --callsim fingerprints are not compared: " + r.stdout, r.returncode == 0)

for f in failures:
    print("FAIL:", f)
print("derive_expectations_test: {} failure(s)".format(len(failures)))
sys.exit(1 if failures else 0)
