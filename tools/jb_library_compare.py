#!/usr/bin/env python3
"""Scenario library before/after: two callsim builds (A = before, B = after) over the same calls.

Issue 12 goal 3 ("no regression on the scenario library's quality/delay figures beyond what you
explain"): for each scenario of a library folder and each of its directions, MOS-LQO WB and NB and
the mouth-to-ear delay mean and p95 of A and of B, averaged over the seeds, the deltas B - A, and a
flag where B is worse than A by more than a threshold.

usage:
  tools/jb_library_compare.py --a OLD --b NEW [--scorer CALLSIM] [--seeds 1,2,3] [--work DIR]
                              [--library DIR] [--a-library DIR] [--scenarios A,B] [-j N]
                              [--markdown] [--json OUT]
                              [--wb-drop 0.10] [--nb-drop 0.10] [--mean-rise 10] [--p95-rise 20]

OLD and NEW are each a callsim binary or a finished sweep folder (results.jsonl + calls/). For a
binary, the tool writes one matrix per library scenario (base: the scenario file, one axis: the
seeds) into WORK/<A|B>-matrices/ and runs `BINARY sweep ... -o WORK/<A|B>` (job ids
<scenario>/s<seed>; resumed when WORK/<A|B>.binary names the same binary, by SHA-256; otherwise
--no-resume). --a-library gives A another library folder (a binary that refuses the current
files' schema); the scenarios are matched by name. WORK defaults to a temporary folder, printed.

Same scorer for both sides (--scorer CALLSIM): scoring may have changed between the two builds,
so the MOS-LQO figures of every call are recomputed by that binary's `callsim score` from the
command line result.json carries for the figure (directions.*.quality.pesq_nb / pesq_wb
.command: reference and degraded WAV, rate, mode and the call's own windows and delays), run in
the call's folder; results are cached in <sweep>/rescored.json (keyed by the scorer's SHA-256).
Without --scorer the figures are each sweep's own (results.jsonl metrics). The delays come from
the simulator (results.jsonl metrics) and do not depend on the scorer.

Averages: the mean over the seeds where the figure exists (an unmeasured figure is null in
result.json); "n/a" when it exists in none; the count is shown when it is missing for some seeds.
Delta: the mean of the per-seed differences B - A over the seeds where both exist. Flags:
  WB / NB   delta < -wb-drop / -nb-drop (MOS-LQO), or measured in A but in no seed of B
  mean      delta > +mean-rise ms (mouth_to_ear_mean_ms)
  p95       delta > +p95-rise ms (mouth_to_ear_p95_ms)
The spread section gives, per figure, the median and largest seed-to-seed standard deviation of
the per-seed differences over the rows: the noise a 3-seed mean delta carries is about that
divided by sqrt(3). The default thresholds: 0.10 MOS is callsim check's default MOS tolerance,
10 ms about 10 % of a typical library delay. Measured on the library (4fc8df0 vs 08a0095, seeds
1-3, both rescored by 08a0095): the per-seed deltas' sd has a median of 0.091 WB, 0.064 NB,
2.1 ms mean, 3.4 ms p95 over the 38 directions, so a 3-seed mean delta carries ~0.05 / 0.04 /
1.2 / 2.0 of noise on a typical row: the MOS thresholds are ~2 of those, the delay ones ~8-10.
On spiky rows (bufferbloat, congested Wi-Fi, scan spikes: sd up to 0.34 WB, 86 ms mean) a flag
or its absence needs the per-seed deltas printed under the table.

Exit codes: 0 nothing flagged; 1 a row flagged; 2 bad input (a missing binary, folder, scenario
or seed; a sweep that failed or a score command that failed).
"""
import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

FIGURES = [  # (key in the table, metric name, score figure in result.json's quality, unit)
    ("wb", "mos_lqo_wb", "pesq_wb", "MOS"),
    ("nb", "mos_lqo_nb", "pesq_nb", "MOS"),
    ("mean", "mouth_to_ear_mean_ms", None, "ms"),
    ("p95", "mouth_to_ear_p95_ms", None, "ms"),
]


class BadInput(Exception):
    pass


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_atomic(path, text):
    """Writes `text` to `path` through a temporary file in the same folder, synced, then renamed:
    a reader sees the old file or the whole new one; the temporary file is removed on failure."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=f".{os.path.basename(path)}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def library_files(folder):
    """{scenario name: absolute path} of the scenario files in a library folder."""
    if not os.path.isdir(folder):
        raise BadInput(f"{folder}: not a folder")
    out = {}
    for entry in sorted(os.listdir(folder)):
        if not entry.endswith(".json"):
            continue
        path = os.path.abspath(os.path.join(folder, entry))
        with open(path) as f:
            doc = json.load(f)
        if "peers" not in doc:
            continue
        out[doc.get("name", entry[:-5])] = path
    if not out:
        raise BadInput(f"{folder}: no scenario files")
    return out


def run_sweep(binary, label, scenarios, seeds, work, jobs):
    """Sweeps every scenario x seed with BINARY into WORK/LABEL; returns that folder."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise BadInput(f"{binary}: not an executable")
    mdir = os.path.join(work, label + "-matrices")
    os.makedirs(mdir, exist_ok=True)
    matrices = []
    for name, path in sorted(scenarios.items()):
        m = {"matrix": name, "base": path, "axes": {"seed": seeds}}
        mpath = os.path.join(mdir, name + ".json")
        write_atomic(mpath, json.dumps(m, indent=1) + "\n")
        matrices.append(mpath)
    out = os.path.join(work, label)
    marker = out + ".binary"
    digest = sha256(binary)
    same = os.path.exists(marker) and open(marker).read().split()[0] == digest
    cmd = [binary, "sweep", *matrices, "-o", out, "-q", "-j", str(jobs)]
    if not same:
        cmd.append("--no-resume")
    print(f"{label}: {' '.join(shlex.quote(c) for c in cmd)}", file=sys.stderr)
    rc = subprocess.run(cmd).returncode
    if rc not in (0, 1):  # 1: some call missed its expectations, which is not our business here
        raise BadInput(f"{binary} sweep exited {rc}")
    write_atomic(marker, f"{digest} {os.path.abspath(binary)}\n")
    return out


def read_sweep(folder):
    """{(scenario, seed): record} from a sweep folder's results.jsonl."""
    path = os.path.join(folder, "results.jsonl")
    if not os.path.isfile(path):
        raise BadInput(f"{path}: missing (not a finished sweep folder)")
    calls = {}
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if "error" in r:
                raise BadInput(f"{path}: call {r.get('id')} failed: {r['error']}")
            calls[(r["scenario"], int(r["seed"]))] = r
    return calls


def score_command(scorer, call_dir, command):
    argv = shlex.split(command)
    if not argv or argv[0] != "callsim":
        raise BadInput(f"{call_dir}: unexpected score command {command!r}")
    p = subprocess.run([scorer, *argv[1:]], cwd=call_dir, capture_output=True, text=True)
    if p.returncode != 0:
        raise BadInput(f"{call_dir}: `{command}` exited {p.returncode}: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout).get("mos_lqo")


def rescore(folder, calls, scorer, jobs):
    """Replaces every record's MOS-LQO figures by SCORER's score of the call's own command line."""
    digest = sha256(scorer)
    cache_path = os.path.join(folder, "rescored.json")
    cache = {}
    if os.path.exists(cache_path):
        with open(cache_path) as f:
            cache = json.load(f)
        if cache.get("scorer_sha256") != digest:
            cache = {}
    scores = cache.get("scores", {})
    todo = []
    for r in calls.values():
        call_dir = os.path.join(folder, r["dir"])
        with open(os.path.join(call_dir, "result.json")) as f:
            result = json.load(f)
        for direction, d in result["directions"].items():
            for _, metric, figure, _ in FIGURES:
                if figure is None:
                    continue
                q = d.get("quality", {}).get(figure)
                if not q or "command" not in q:
                    continue  # not scored (narrowband codec has no WB, scoring off)
                key = f"{r['dir']}|{direction}|{q['command']}"
                todo.append((r, direction, metric, call_dir, q["command"], key))
    missing = [t for t in todo if t[5] not in scores]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
        for t, value in zip(missing, ex.map(lambda t: score_command(scorer, t[3], t[4]), missing)):
            scores[t[5]] = value
    write_atomic(cache_path, json.dumps({"scorer": os.path.abspath(scorer), "scorer_sha256": digest,
                                         "scores": scores}, indent=0, sort_keys=True) + "\n")
    changed = 0
    for r, direction, metric, _, _, key in todo:
        m = r.setdefault("metrics", {}).setdefault(direction, {})
        if m.get(metric) != scores[key]:
            changed += 1
        m[metric] = scores[key]
    return len(todo), changed


def mean(values):
    return sum(values) / len(values) if values else None


def compare(a_calls, b_calls, seeds, names, th):
    """Rows of the table: per scenario x direction, averages, deltas, per-seed deltas and flags."""
    rows = []
    for name in names:
        directions = None
        for side, calls in (("A", a_calls), ("B", b_calls)):
            for s in seeds:
                if (name, s) not in calls:
                    raise BadInput(f"{side}: no call of scenario {name} with seed {s}")
                dirs = sorted(calls[(name, s)]["metrics"])
                if directions is None:
                    directions = dirs
                elif dirs != directions:
                    raise BadInput(f"{name}: directions differ ({dirs} vs {directions})")
        for direction in directions:
            row = {"scenario": name, "direction": direction, "flags": []}
            for key, metric, _, _ in FIGURES:
                a = [a_calls[(name, s)]["metrics"][direction].get(metric) for s in seeds]
                b = [b_calls[(name, s)]["metrics"][direction].get(metric) for s in seeds]
                pairs = [y - x for x, y in zip(a, b) if x is not None and y is not None]
                fig = {"a": mean([x for x in a if x is not None]), "b": mean([y for y in b if y is not None]),
                       "a_n": sum(x is not None for x in a), "b_n": sum(y is not None for y in b),
                       "delta": mean(pairs), "seed_deltas": [None if x is None or y is None else y - x
                                                             for x, y in zip(a, b)],
                       "a_seeds": a, "b_seeds": b}
                d = fig["delta"]
                if key in ("wb", "nb"):
                    if d is not None and d < -th[key]:
                        row["flags"].append(key.upper())
                    elif fig["a_n"] and not fig["b_n"]:
                        row["flags"].append(key.upper() + " unmeasured in B")
                elif d is not None and d > th[key]:
                    row["flags"].append(key)
                row[key] = fig
            rows.append(row)
    return rows


def spread(rows):
    """Per figure: median and largest seed-to-seed sd of the per-seed deltas, and of B itself."""
    out = {}
    for key, _, _, unit in FIGURES:
        sd_delta = [statistics.stdev(v) for r in rows
                    if len(v := [d for d in r[key]["seed_deltas"] if d is not None]) >= 2]
        sd_b = [statistics.stdev(v) for r in rows if len(v := [y for y in r[key]["b_seeds"] if y is not None]) >= 2]
        out[key] = {"unit": unit,
                    "delta_sd_median": statistics.median(sd_delta) if sd_delta else None,
                    "delta_sd_max": max(sd_delta) if sd_delta else None,
                    "b_sd_median": statistics.median(sd_b) if sd_b else None,
                    "b_sd_max": max(sd_b) if sd_b else None}
    return out


def fmt(v, decimals, sign=False):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    return f"{v:+.{decimals}f}" if sign else f"{v:.{decimals}f}"


def cell(fig, side, decimals, n):
    text = fmt(fig[side], decimals)
    if fig[side] is not None and fig[side + "_n"] < n:
        text += f" ({fig[side + '_n']}/{n})"
    return text


def table(rows, n, markdown):
    head = ["scenario", "direction", "WB A", "WB B", "dWB", "NB A", "NB B", "dNB",
            "mean A", "mean B", "dmean", "p95 A", "p95 B", "dp95", "flags"]
    lines = []
    for r in rows:
        line = [r["scenario"], r["direction"]]
        for key, dec in (("wb", 3), ("nb", 3), ("mean", 1), ("p95", 1)):
            f = r[key]
            line += [cell(f, "a", dec, n), cell(f, "b", dec, n), fmt(f["delta"], dec, sign=True)]
        line.append(", ".join(r["flags"]))
        lines.append(line)
    avg = ["average", ""]
    for key, dec in (("wb", 3), ("nb", 3), ("mean", 1), ("p95", 1)):
        for side in ("a", "b", "delta"):
            vals = [r[key][side] for r in rows if r[key]["delta"] is not None]
            avg.append(fmt(mean(vals), dec, sign=side == "delta"))
    avg.append(f"{sum(bool(r['flags']) for r in rows)} flagged")
    lines.append(avg)
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        out += ["| " + " | ".join(line) + " |" for line in lines]
        return "\n".join(out)
    widths = [max(len(line[i]) for line in [head] + lines) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i < 2 or i == len(head) - 1 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(line, widths))).rstrip()
                     for line in [head] + lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", required=True, help="callsim binary or sweep folder: before")
    p.add_argument("--b", required=True, help="callsim binary or sweep folder: after")
    p.add_argument("--scorer", help="callsim binary whose `score` rescores both sides' calls")
    p.add_argument("--library", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "scenarios", "library"))
    p.add_argument("--a-library", help="library folder for A's sweep (default: --library)")
    p.add_argument("--scenarios", help="comma-separated scenario names (default: every one in --library)")
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--work", help="folder for matrices and sweeps (default: a new temporary folder)")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--json", help="also write rows, spread and thresholds to this file")
    p.add_argument("--wb-drop", type=float, default=0.10)
    p.add_argument("--nb-drop", type=float, default=0.10)
    p.add_argument("--mean-rise", type=float, default=10.0)
    p.add_argument("--p95-rise", type=float, default=20.0)
    args = p.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        if not seeds:
            raise BadInput("--seeds: none given")
        names = sorted(library_files(args.library))
        if args.scenarios:
            wanted = [n.strip() for n in args.scenarios.split(",") if n.strip()]
            unknown = sorted(set(wanted) - set(names))
            if unknown:
                raise BadInput(f"{args.library}: no scenario named {', '.join(unknown)}")
            names = sorted(set(wanted))
        folders = {}
        work = None
        for label, src, lib in (("A", args.a, args.a_library or args.library), ("B", args.b, args.library)):
            if os.path.isdir(src):
                folders[label] = src
                continue
            if work is None:
                work = args.work or tempfile.mkdtemp(prefix="jb_library_compare-")
                os.makedirs(work, exist_ok=True)
                print(f"work folder: {work}", file=sys.stderr)
            scenarios = library_files(lib)
            lacking = sorted(set(names) - set(scenarios))
            if lacking:
                raise BadInput(f"{lib}: no scenario named {', '.join(lacking)}")
            folders[label] = run_sweep(src, label, {n: scenarios[n] for n in names}, seeds, work, args.jobs)
        calls = {label: read_sweep(folder) for label, folder in folders.items()}
        if args.scorer:
            if not (os.path.isfile(args.scorer) and os.access(args.scorer, os.X_OK)):
                raise BadInput(f"{args.scorer}: not an executable")
            for label in ("A", "B"):
                n, changed = rescore(folders[label], calls[label], args.scorer, args.jobs)
                print(f"{label}: {n} MOS-LQO figures rescored by {args.scorer}, {changed} differ from the "
                      f"sweep's own", file=sys.stderr)
        th = {"wb": args.wb_drop, "nb": args.nb_drop, "mean": args.mean_rise, "p95": args.p95_rise}
        rows = compare(calls["A"], calls["B"], seeds, names, th)
    except BadInput as e:
        print(f"jb_library_compare: {e}", file=sys.stderr)
        return 2
    sp = spread(rows)
    print(f"A: {folders['A']}\nB: {folders['B']}\nseeds: {','.join(map(str, seeds))}; "
          f"scores: {'rescored by ' + args.scorer if args.scorer else 'each sweep its own'}; flags: "
          f"WB < -{args.wb_drop:g}, NB < -{args.nb_drop:g}, mean > +{args.mean_rise:g} ms, "
          f"p95 > +{args.p95_rise:g} ms (delta = mean over seeds of B - A)\n")
    print(table(rows, len(seeds), args.markdown))
    print("\nseed-to-seed spread (sd over the seeds, median / largest over the rows):")
    for key, _, _, unit in FIGURES:
        s = sp[key]
        dec = 3 if unit == "MOS" else 1
        print(f"  {key:5s} per-seed delta B-A: {fmt(s['delta_sd_median'], dec)} / {fmt(s['delta_sd_max'], dec)} {unit}"
              f";  B itself: {fmt(s['b_sd_median'], dec)} / {fmt(s['b_sd_max'], dec)} {unit}")
    flagged = [r for r in rows if r["flags"]]
    if flagged:
        print("\nflagged (per-seed deltas B - A):")
        for r in flagged:
            parts = []
            for key, _, _, unit in FIGURES:
                dec = 3 if unit == "MOS" else 1
                parts.append(f"{key} " + "/".join(fmt(d, dec, sign=True) for d in r[key]["seed_deltas"]))
            print(f"  {r['scenario']} {r['direction']} [{', '.join(r['flags'])}]: {'; '.join(parts)}")
    if args.json:
        write_atomic(args.json, json.dumps({"a": folders["A"], "b": folders["B"], "seeds": seeds,
                                            "scorer": args.scorer, "thresholds": th, "rows": rows,
                                            "spread": sp}, indent=1, sort_keys=True) + "\n")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
