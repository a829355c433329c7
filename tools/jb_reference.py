#!/usr/bin/env python3
"""NetEq's figures on the jitter-buffer traces as reference points for `callsim report --reference`.

Reads NetEq's figures in either form this project uses:
  ../shared/jb-frontier/neteq.csv    run,wb_mos,delay_mean_ms,delay_p95_ms   (the development set)
  tools/jb_unseen_neteq.csv          seed,run,wb,mean_ms,p95_ms             (unseen traces; --seed)
and writes a reference file (src/harness/report/reference_points.h) with the columns
run,label,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms, so that the report of a sweep of
scenarios/matrices/jb_frontier.json draws NetEq on each run's frontier plot.

NetEq's delays are playout delays (../shared/jb-frontier/README.md: play time minus the packet's
send time); the report's axis is callsim's mouth-to-ear delay, which also counts the Opus encoder's
lookahead (312 samples at 48 kHz = 6.5 ms) and the 20 ms a frame takes to capture before it is sent.
Both are added (26.5 ms): the same relation run.sh and tools/jb_unseen.py use the other way round.

usage: tools/jb_reference.py NETEQ_CSV -o OUT [--seed N] [--label TEXT]
Exit 2 on bad input (the message names the file and line); the output is written atomically.
"""
import argparse
import csv
import math
import sys

from jb_library_compare import write_atomic
from jb_unseen import FRAME_MS, LOOKAHEAD_MS
DEV_COLUMNS = ("run", "wb_mos", "delay_mean_ms", "delay_p95_ms")
UNSEEN_COLUMNS = ("seed", "run", "wb", "mean_ms", "p95_ms")


class BadInput(Exception):
    pass


def number(path, line, column, text, lo, hi):
    try:
        v = float(text)
    except ValueError:
        raise BadInput(f"{path}: line {line}: {column}: expected a number, got {text!r}")
    if not math.isfinite(v) or not lo <= v <= hi:
        raise BadInput(f"{path}: line {line}: {column}: {text} is out of range ({lo} to {hi})")
    return v


def read_points(path, seed):
    """[(run, wb, mean_ms, p95_ms)] with NetEq's playout delays, for `seed` in the unseen form."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:  # -sig: a byte-order mark is not data
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}: cannot read: {e}")
    if not rows:
        raise BadInput(f"{path}: empty")
    header = tuple(c.strip() for c in rows[0])
    if header not in (DEV_COLUMNS, UNSEEN_COLUMNS):
        raise BadInput(f"{path}: line 1: expected the header {','.join(DEV_COLUMNS)} or {','.join(UNSEEN_COLUMNS)}")
    unseen = header == UNSEEN_COLUMNS
    if unseen and seed is None:
        raise BadInput(f"{path}: figures for several seeds: choose one with --seed")
    if not unseen and seed is not None:
        raise BadInput(f"{path}: --seed given but the file has no seed column (the development set's figures)")
    out, seen = [], set()
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != len(header):
            raise BadInput(f"{path}: line {line}: expected {len(header)} fields, got {len(row)}")
        fields = dict(zip(header, (c.strip() for c in row)))
        if unseen:
            if fields["seed"] != str(seed):
                continue
            wb, mean, p95 = fields["wb"], fields["mean_ms"], fields["p95_ms"]
        else:
            wb, mean, p95 = fields["wb_mos"], fields["delay_mean_ms"], fields["delay_p95_ms"]
        run = fields["run"]
        if not run or any(c in run for c in ',"'):
            raise BadInput(f"{path}: line {line}: run: expected a run name, got {run!r}")
        if run in seen:
            raise BadInput(f"{path}: line {line}: a second line for run {run}")
        seen.add(run)
        out.append((run, number(path, line, "wb", wb, 1.0, 5.0), number(path, line, "mean", mean, 0.0, 60000.0),
                    number(path, line, "p95", p95, 0.0, 60000.0)))
    if not out:
        raise BadInput(f"{path}: no figures" + (f" for seed {seed}" if unseen else ""))
    return out


def reference_csv(points, label):
    lines = ["run,label,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms"]
    offset = LOOKAHEAD_MS + FRAME_MS
    for run, wb, mean, p95 in points:
        lines.append(f"{run},{label},{wb:.4f},{mean + offset:.2f},{p95 + offset:.2f}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0], epilog=__doc__.split("\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("neteq_csv")
    ap.add_argument("-o", "--out", required=True, help="reference file to write")
    ap.add_argument("--seed", type=int, help="the seed to take from a file of figures on unseen traces")
    ap.add_argument("--label", default="NetEq", help="the points' label (default NetEq)")
    a = ap.parse_args(argv)
    if not a.label or any(c in a.label for c in ',"\n'):
        print(f"jb_reference.py: --label: plain text without commas or quotes, got {a.label!r}", file=sys.stderr)
        return 2
    try:
        points = read_points(a.neteq_csv, a.seed)
        write_atomic(a.out, reference_csv(points, a.label))
    except BadInput as e:
        print(f"jb_reference.py: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"jb_reference.py: {a.out}: cannot write: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
