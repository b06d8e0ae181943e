#!/usr/bin/env python3
"""Runs killed with SIGKILL must leave
  - an HDF5 output that opens and holds a prefix of the uninterrupted run's series: every
    snapshot the run reported written before the kill, equal to the uninterrupted run's, and the
    monitor table up to them;
  - a complete checkpoint (never a half-written one under the final name) from which -restart
    finishes the run, matching the uninterrupted run to 1e-10 (same rank count) in every snapshot
    and outcome, with no duplicated or missing step.
Two kinds of kill:
  - at seeded moments in time (a kill as a scheduler or a user gives it), each followed by a
    restart from the newest checkpoint;
  - before the n-th write (pwrite) of the run, by strace's fault injection: deterministic, and it
    reaches the moments inside a flush that a timed kill almost never hits. The points are spread
    evenly over all the run's writes (a stride that drifts over the writes of each step).
Usage: fault_kill.py [moments (10)] [writes: a number of points (48), or "all"]."""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

MOMENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
WRITES = sys.argv[2] if len(sys.argv) > 2 else "48"
CASE = ["-options_file", "configs/demo.yaml", "-nx", "8", "-nz", "24", "-t_end", "60",
        "-microneedling_sessions", "2", "-output_count", "30", "-checkpoint_interval", "2",
        "-progress_interval", "0", "-snes_lag_jacobian", "1", "-snes_lag_jacobian_persists", "0"]
d = mhtest.tmpdir()
STRACE = shutil.which("strace")
mhtest.check(STRACE is not None, "strace is not installed (./scripts/setup installs it)")


def series(path):
    with h5py.File(path, "r") as f:
        return (f["time"][:], {k: f["fields"][k][:] for k in f["fields"]}, f["monitors/table"][:],
                dict(f["outcomes"].attrs) if "outcomes" in f else None)


def same(a, b, what, tol):
    """a equals b to tol relative to b's largest magnitude; NaNs (outcomes not yet defined) in the same places."""
    mhtest.check(a.shape == b.shape, f"{what}: shapes {a.shape} and {b.shape}")
    mhtest.check(np.array_equal(np.isnan(a), np.isnan(b)), f"{what}: NaNs in different places")
    a, b = np.nan_to_num(a), np.nan_to_num(b)
    err = np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300) if a.size else 0.0
    mhtest.check(err <= tol, f"{what}: relative difference {err:.3g} (limit {tol:g})")


def check_killed(name, log, where, restart):
    """The output and checkpoints a killed run `name` left, against the uninterrupted run."""
    out, prefix = os.path.join(d, f"{name}.h5"), os.path.join(d, name)
    reported = sum(1 for line in log.splitlines() if line.startswith("[microheal] t ="))
    # the output opens and holds a prefix of the uninterrupted series, every reported step in it
    # (killed before its first snapshot, a run may leave no file or one not yet flushed)
    try:
        t, fields, tab, _ = series(out)
    except (OSError, KeyError, RuntimeError) as e:
        mhtest.check(reported == 0, f"{where}: {reported} snapshots reported written, but the output does not open: {e}")
        return
    n = len(t)
    mhtest.check(n >= reported, f"{where}: {reported} snapshots reported written, the file holds {n}")
    same(t, rt[:n], f"{where}: /time", 0)
    for k in rf:  # a snapshot is complete once its time is in /time (appended after its fields)
        mhtest.check(n == 0 or k in fields, f"{where}: {n} snapshots but no /fields/{k}")
        if n:
            mhtest.check(len(fields[k]) >= n, f"{where}: /time counts {n} snapshots, /fields/{k} holds {len(fields[k])}")
            same(fields[k][:n], rf[k][:n], f"{where}: /fields/{k}", 0)
    same(tab, rtab[:len(tab)], f"{where}: /monitors/table", 0)
    chks = sorted(f for f in os.listdir(d) if f.startswith(f"{name}-") and f.endswith(".h5"))
    if not chks:
        mhtest.check(reported <= 2, f"{where}: no checkpoint, though the run got past t = 2")
        return
    if not restart:  # the newest checkpoint is whole: it opens and holds a state
        with h5py.File(os.path.join(d, chks[-1]), "r") as f:
            mhtest.check(len(f.keys()) > 0, f"{where}: checkpoint {chks[-1]} is empty")
        return
    # the newest checkpoint restarts and the run ends as the uninterrupted one did
    mhtest.run(CASE + ["-output", out, "-checkpoint_prefix", prefix, "-quiet", "-restart", os.path.join(d, chks[-1])])
    t, fields, tab, outc = series(out)
    same(t, rt, f"{where}, restarted: /time", 1e-14)
    for k in rf:
        same(fields[k], rf[k], f"{where}, restarted: /fields/{k}", 1e-10)
    same(tab, rtab, f"{where}, restarted: /monitors/table", 1e-10)
    for k, v in rout.items():
        mhtest.check(np.isnan(v) and np.isnan(outc[k]) or abs(outc[k] - v) <= 1e-10 * max(abs(v), 1e-300),
                     f"{where}, restarted: outcome {k} {outc[k]!r} against {v!r}")


# the uninterrupted run, and the number of its writes
ref = os.path.join(d, "ref.h5")
counts = os.path.join(d, "strace-counts.txt")
t0 = time.time()
mhtest.run(CASE + ["-output", ref, "-quiet", "-checkpoint_prefix", os.path.join(d, "ref")])
span = time.time() - t0
rt, rf, rtab, rout = series(ref)
subprocess.run([STRACE, "-f", "-c", "-e", "trace=pwrite64", "-o", counts, mhtest.EXE] + CASE +
               ["-output", os.path.join(d, "count.h5"), "-quiet", "-checkpoint_prefix", os.path.join(d, "count")],
               cwd=mhtest.SOURCE, check=True, stdout=subprocess.DEVNULL)
m = re.search(r"\s(\d+)\s+(?:\d+\s+)?pwrite64", open(counts).read())
mhtest.check(m is not None, f"strace -c counted no pwrite64 calls:\n{open(counts).read()}")
total = int(m.group(1))

rng = random.Random(20261121)
for k in range(MOMENTS):
    name = f"k{k}"
    delay = rng.uniform(0.15, 0.9) * span
    p = subprocess.Popen([mhtest.EXE] + CASE + ["-output", os.path.join(d, f"{name}.h5"), "-checkpoint_prefix", os.path.join(d, name)],
                         cwd=mhtest.SOURCE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    log = p.communicate()[0]
    check_killed(name, log, f"moment {k} (SIGKILL after {delay:.2f} s of a {span:.2f} s run)", restart=True)

points = range(1, total + 1) if WRITES == "all" else \
    sorted({1 + int((i + rng.random()) * total / int(WRITES)) for i in range(int(WRITES))})
for n in points:
    name = f"w{n}"
    p = subprocess.run([STRACE, "-f", "-qq", "-o", "/dev/null", "-e", "trace=pwrite64", "-e", f"inject=pwrite64:signal=KILL:when={n}",
                        mhtest.EXE] + CASE + ["-output", os.path.join(d, f"{name}.h5"), "-checkpoint_prefix", os.path.join(d, name)],
                       cwd=mhtest.SOURCE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mhtest.check(p.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL),
                 f"killed before write {n} of {total}: exited {p.returncode}, not by SIGKILL:\n{p.stdout[-2000:]}")
    check_killed(name, p.stdout, f"SIGKILL before write {n} of {total}", restart=False)
    for f in os.listdir(d):
        if f.startswith(f"{name}-") or f.startswith(f"{name}.") or f.startswith(f".{name}"):
            os.remove(os.path.join(d, f))
print(f"fault_kill: {MOMENTS} timed kills, {len(points)} kills before one of the run's {total} writes: all outputs whole")
