#!/usr/bin/env python3
"""Re-derives the thresholds of the library and smoke-suite expectations from a measured sweep,
by the rule in scenarios/README.md ("How the expectations were set"):

  mos_lqo_nb / mos_lqo_wb   the worse direction's MOS - 0.25, rounded down to 0.1
  mouth_to_ear_p95_ms       the worse direction's p95 x 1.1 + 20 ms, rounded up to 10 ms
  concealed_ratio           the worse direction's ratio x 1.5 + 0.005, rounded up to 0.01

Twins (a scenario whose description says "The twin of <name>") share the looser threshold.
Only expectations on these metrics with a "<=" / ">=" threshold are touched; others are listed
as kept. Matrix scenarios (scenarios/matrices) are not derived by this rule and are skipped.

  build/callsim sweep scenarios/library scenarios/suites/smoke -j 2 -o out/library
  tools/derive_expectations.py out/library            # prints what would change
  tools/derive_expectations.py out/library --write    # rewrites the scenario files

The committed baseline holds the same seed-1 figures (the gate sweeps these scenarios), so it can
stand in for the sweep; --check exits 1 when any expectation would change (a test runs it on
reports/baseline.json, so a baseline renewed without re-deriving fails):

  tools/derive_expectations.py reports/baseline.json --check    # run from the source folder

A baseline holds the figures of the scenarios as they were when it was renewed. With
--callsim BIN, each scenario's fingerprint (`BIN validate FILE`) is compared with the one its
baseline call records: a scenario edited since (another setting, talker or profile) has figures
the baseline does not hold, so its expectations cannot be derived from them, and --check fails
with a note to renew the baseline first (the gate's `callsim check` would fail it as "scenario
changed"; this says so without a sweep):

  tools/derive_expectations.py reports/baseline.json --check --callsim build/callsim
"""
import json
import math
import os
import re
import subprocess
import sys

EXPECT = re.compile(r"^(\S+) (<=|>=) (\S+)$")
TWIN = re.compile(r"The twin of (\w+)")
EPS = 1e-9


def rule(metric, values):
    if metric in ("mos_lqo_nb", "mos_lqo_wb"):
        return math.floor((min(values) - 0.25) * 10 + EPS) / 10, "{:.1f}"
    if metric == "mouth_to_ear_p95_ms":
        return math.ceil((max(values) * 1.1 + 20) / 10 - EPS) * 10, "{:.0f}"
    if metric == "concealed_ratio":
        return math.ceil((max(values) * 1.5 + 0.005) * 100 - EPS) / 100, "{:.2f}"
    return None, None


def looser(metric, a, b):
    return min(a, b) if metric.startswith("mos_") else max(a, b)


SCENARIO_DIRS = ("scenarios/library", "scenarios/suites/smoke")


def load_baseline_records(baseline_file):
    """The baseline's calls of the library and smoke-suite scenarios as records: {file, metrics}."""
    files = {}
    for d in SCENARIO_DIRS:
        for name in sorted(os.listdir(d)):
            if name.endswith(".json"):
                path = os.path.join(d, name)
                with open(path) as f:
                    files[json.load(f)["name"]] = path
    with open(baseline_file) as f:
        calls = json.load(f)["calls"]
    records = []
    for call_id, call in sorted(calls.items()):
        if "/" in call_id or call_id not in files:
            continue  # matrix calls, or calls of scenarios elsewhere
        metrics = {d: {m: (v["value"] if isinstance(v, dict) else v) for m, v in values.items()}
                   for d, values in call["directions"].items()}
        records.append({"file": files[call_id], "metrics": metrics,
                        "scenario_fingerprint": call.get("scenario_fingerprint")})
    # A scenario the baseline has no call of (a new one) cannot be checked from it.
    UNCHECKED.extend(sorted(f for name, f in files.items() if name not in calls))
    return records


UNCHECKED = []


def fingerprint_of(callsim, path):
    """The scenario's fingerprint as `callsim validate` prints it (what run records)."""
    p = subprocess.run([callsim, "validate", path], capture_output=True, text=True)
    m = re.search(r"fingerprint (\S+)\)$", p.stdout.strip())
    if p.returncode != 0 or not m:
        sys.exit("{} validate {}: exit {}: {}".format(callsim, path, p.returncode, (p.stderr or p.stdout).strip()))
    return m.group(1)


def stale_records(records, callsim):
    """[(file, baseline fingerprint, scenario fingerprint)] for the records whose scenario changed."""
    out = []
    for r in records:
        recorded = r.get("scenario_fingerprint")
        if recorded is None:
            continue  # a sweep folder's records are the scenario's own figures
        now = fingerprint_of(callsim, r["file"])
        if now != recorded:
            out.append((r["file"], recorded, now))
    return out


def load_records(source):
    if os.path.isfile(source):
        return load_baseline_records(source)
    with open(os.path.join(source, "results.jsonl")) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r for r in records if "error" not in r and "/matrices/" not in "/" + r["file"]]


def derive(record, scenario):
    """{expectation string: new threshold} for one call, keyed by (direction key, metric)."""
    out = {}
    for key, items in scenario.get("expect", {}).items():
        directions = list(record["metrics"]) if key == "all" else [key]
        for text in items:
            m = EXPECT.match(text)
            if not m:
                continue
            metric = m.group(1)
            values = [record["metrics"][d][metric] for d in directions
                      if record["metrics"].get(d, {}).get(metric) is not None]
            value, fmt = rule(metric, values) if values else (None, None)
            if value is not None:
                out[(key, text)] = (metric, m.group(2), value, fmt)
    return out


def main(argv):
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.exit(__doc__)
    write = "--write" in argv[2:]
    check = "--check" in argv[2:]
    callsim = None
    if "--callsim" in argv[2:]:
        i = argv.index("--callsim")
        if i + 1 >= len(argv):
            sys.exit("--callsim needs the callsim binary")
        callsim = argv[i + 1]
    records = load_records(argv[1])
    stale = stale_records(records, callsim) if callsim else []
    for f, recorded, now in stale:
        print("{}: changed since the baseline (fingerprint {}, baseline {}): the baseline's figures are "
              "another scenario's; renew the baseline (reports/README.md), then derive".format(f, now, recorded))
    stale_files = {f for f, _, _ in stale}
    records = [r for r in records if r["file"] not in stale_files]
    scenarios = {r["file"]: json.load(open(r["file"])) for r in records}
    derived = {r["file"]: derive(r, scenarios[r["file"]]) for r in records}
    by_name = {scenarios[f]["name"]: f for f in scenarios}
    for f, items in derived.items():  # twins share the looser threshold
        twin = TWIN.search(scenarios[f].get("description", ""))
        other = derived.get(by_name.get(twin.group(1), "")) if twin else None
        for k, (metric, op, value, fmt) in list(items.items()):
            if other and k in other:
                items[k] = (metric, op, looser(metric, value, other[k][2]), fmt)
    changed = 0
    for f in sorted(derived):
        with open(f) as fh:
            text = fh.read()
        for (key, old), (metric, op, value, fmt) in sorted(derived[f].items()):
            new = "{} {} {}".format(metric, op, fmt.format(value))
            if new == old:
                continue
            changed += 1
            print("{}: {}: {} -> {}".format(f, key, old, new))
            # In this key's list: the same text may stand under another direction's key.
            at = text.find('"' + key + '"', text.find('"expect"'))
            at = text.find('"' + old + '"', at)
            text = text[:at] + '"' + new + '"' + text[at + len(old) + 2:]
        if write:
            with open(f + ".tmp", "w") as fh:
                fh.write(text)
            os.replace(f + ".tmp", f)
    print("{} expectation(s) {}".format(changed, "rewritten" if write else "would change"))
    for f in UNCHECKED:
        print("{}: no call in {}: not checked (add it to the baseline: reports/README.md)".format(f, argv[1]))
    if check and (changed or UNCHECKED or stale):
        if changed:
            print("the expectations do not follow the rule of scenarios/README.md on these figures: "
                  "tools/derive_expectations.py {} --write".format(argv[1]))
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
