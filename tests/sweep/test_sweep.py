"""Parameter sweeps (-sweep): the file is checked before anything runs, the table does not depend
on how many ranks run it, and an interrupted sweep completes only what is missing.

  1. Bad sweep files: each ends with one error line naming the file's line, before any run.
  2. Points: every file of configs/sweeps/ lists its points; grid order, zip, log ranges, seeded random and Latin-hypercube samples (the same on
     every call; one sample per stratum), replicates with their seeds.
  3. configs/sweeps/ci_small.yaml on 1 rank, and on 4 ranks in groups of 2: the same summary
     table to 1e-10 (CSV and HDF5 agree; each run's output names its point and sweep file).
  4. SIGKILL midway, rerun: only the points not done run (the done ones' outputs untouched), and
     the table equals the uninterrupted one.
  5. SIGUSR1 midway: exit 75 with the run in progress stopped at a checkpoint; the rerun
     continues it and the table equals the uninterrupted one to 1e-10.
  6. -sweep_index/-sweep_batch run one batch; -sweep_gather reports the others missing.
  7. A point that fails at run time is recorded as failed with its message, the sweep exits
     nonzero, and a rerun retries only that point.
"""
import csv
import os
import re
import signal
import subprocess
import sys
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

SRC = mhtest.SOURCE
CI = os.path.join(SRC, "configs", "sweeps", "ci_small.yaml")
FISHER = os.path.join(SRC, "configs", "fisher_kpp.yaml")
tmp = mhtest.tmpdir()


def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def table(path):
    """summary.csv as (header, rows)."""
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def compare(a, b, tol, what):
    """Two summary.csv files: same points, parameters and status; outcomes to tol relative (and 1e-13 absolute)."""
    ha, ra = table(a)
    hb, rb = table(b)
    mhtest.check(ha == hb and len(ra) == len(rb), f"{what}: headers/rows differ: {ha} {len(ra)} vs {hb} {len(rb)}")
    nout = len([h for h in ha if h not in ("point", "replicate", "status")]) - nparams(ha)
    for x, y in zip(ra, rb):
        mhtest.check(x[:len(x) - nout] == y[:len(y) - nout], f"{what}: point columns differ: {x} vs {y}")
        u, v = np.array(x[len(x) - nout:], float), np.array(y[len(y) - nout:], float)
        # plus 1e-13 absolute: collagen gains are (c1 + c3) - 1, differences of O(1) sums whose
        # order changes with the rank count (1e-15 apart), so a gain of 7e-6 differs by ~1e-10 relative
        err = np.abs(u - v) - tol * np.maximum(np.abs(u), np.abs(v)) - 1e-13
        mhtest.check(np.all(err <= 0), f"{what}: point {x[0]}: outcomes {u} vs {v} differ by more than {tol:g} relative")


def nparams(header):
    return sum(1 for h in header if h.startswith("microneedling_") or h.startswith("fisher_kpp_") or h.startswith("pc_"))


def sweep(args, ranks=1, expect_rc=0):
    return mhtest.run(["-sweep"] + args, ranks=ranks, expect_rc=expect_rc)


# 1. bad sweep files --------------------------------------------------------------------------
base = f"sweep:\n  base: {FISHER}\n  options: {{nx: 40, t_end: 0.5, output_count: 1}}\n"
bad = [
    ("unknown parameter", base + "  parameters:\n    fisher_kpp_rate: [1, 2]\n", "line 5: unknown parameter fisher_kpp_rate"),
    ("empty range", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 2, to: 1, count: 3}\n", "line 5: fisher_kpp_growth_rate_per_day: the range is empty"),
    ("empty list", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: []\n", "line 5: fisher_kpp_growth_rate_per_day: the list of values is empty"),
    ("malformed YAML", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2\n  combine: zip\n", "not valid YAML at line 6"),
    ("zip lengths", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n    fisher_kpp_front_mm: [1, 2, 3]\n  combine: zip\n", "line 6: fisher_kpp_front_mm has 3 values"),
    ("unknown key", base + "  parameter:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n", "line 4: unknown key parameter"),
    ("unknown range key", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 1, to: 2, steps: 3}\n", "line 5: fisher_kpp_growth_rate_per_day: unknown key steps"),
    ("range without count on a grid", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 1, to: 2}\n", "line 5: fisher_kpp_growth_rate_per_day: a range needs count"),
    ("log range from 0", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 0, to: 2, count: 3, scale: log}\n", "line 5: fisher_kpp_growth_rate_per_day: a log range needs from > 0"),
    ("unknown combine", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n  combine: spiral\n", "line 6: combine: spiral"),
    ("lhs without samples", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 1, to: 2}\n  combine: lhs\n", "line 6: combine: lhs needs samples"),
    ("unknown outcome", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n  outcomes: [front]\n", "line 6: outcomes: front is not an outcome of model fisher_kpp"),
    ("unknown fixed option", f"sweep:\n  base: {FISHER}\n  options: {{nxx: 4}}\n  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n", "line 3: unknown option nxx"),
    ("value out of range", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, -2]\n", "point 1 (fisher_kpp_growth_rate_per_day=-2): -fisher_kpp_growth_rate_per_day -2.: out of range"),
    ("missing base", "sweep:\n  base: nothere.yaml\n  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n", "line 2: base: cannot read"),
    ("replicates without a seed option", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n  replicates: 3\n", "replicates: 3 needs replicate_seed_option"),
    ("varied twice", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n    fisher_kpp:\n      growth_rate_per_day: [3]\n", "line 7: parameter fisher_kpp_growth_rate_per_day is varied twice"),
    ("not a sweep file", "model: fisher_kpp\n", "line 1: unknown key model"),
]
for i, (what, text, expect) in enumerate(bad):
    path = write(f"bad{i}.yaml", text)
    out_dir = os.path.join(tmp, f"bad{i}")
    rc, out = sweep([path, "-sweep_output_dir", out_dir], expect_rc=1)
    errors = [line for line in out.splitlines() if line.startswith("microheal: error:")]
    mhtest.check(len(errors) == 1 and expect in errors[0], f"bad sweep file ({what}): expected one error line containing {expect!r}, got:\n{out}")
    mhtest.check("PETSC ERROR" not in out and "Traceback" not in out, f"bad sweep file ({what}): a traceback:\n{out}")
    mhtest.check(not os.path.exists(out_dir), f"bad sweep file ({what}): something ran (created {out_dir})")
path = write("good.yaml", base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n")
rc, out = sweep([path, "-fisher_kpp_growth_rate_per_day", "3"], expect_rc=1)
mhtest.check("the sweep" in out and "varies it (line 5)" in out, f"a command-line option the sweep varies must be refused:\n{out}")
# bad SLURM script options: one line, no script, no folder
for what, args, expect in [("missing prelude", ["-sweep_slurm_prelude", os.path.join(tmp, "nothere.sh")], "-sweep_slurm_prelude"),
                           ("prelude a folder", ["-sweep_slurm_prelude", tmp], "not a regular file"),
                           ("directive without dashes", ["-sweep_slurm_sbatch", "mem=8G"], "'mem=8G' is not an sbatch option")]:
    out_dir, script = os.path.join(tmp, "slurm_bad"), os.path.join(tmp, "slurm_bad.sh")
    rc, out = sweep([path, "-sweep_output_dir", out_dir, "-sweep_slurm", script] + args, expect_rc=1)
    errors = [line for line in out.splitlines() if line.startswith("microheal: error:")]
    mhtest.check(len(errors) == 1 and expect in errors[0], f"-sweep_slurm ({what}): expected one error line containing {expect!r}, got:\n{out}")
    mhtest.check(not os.path.exists(script) and not os.path.exists(out_dir), f"-sweep_slurm ({what}): wrote {script} or {out_dir}")


# 2. points -----------------------------------------------------------------------------------
def points(text, name):
    rc, out = sweep([write(name, text), "-sweep_list", "-sweep_output_dir", os.path.join(tmp, "none")])
    rows = [line.split() for line in out.splitlines() if re.match(r"^p\d{4} ", line)]
    return [r[2:] for r in rows], out


grid, _ = points(base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2]\n    fisher_kpp_front_mm: {from: 0.1, to: 10, count: 3, scale: log}\n", "grid.yaml")
expect = [[a, b] for a in ("1", "2") for b in ("0.1", "1", "10")]
mhtest.check(grid == expect, f"grid: first parameter slowest, a log range 0.1, 1, 10 written shortest: {grid}")
zipped, _ = points(base + "  parameters:\n    fisher_kpp_growth_rate_per_day: [1, 2, 3]\n    fisher_kpp_front_mm: [4, 5, 6]\n  combine: zip\n", "zip.yaml")
mhtest.check(zipped == [["1", "4"], ["2", "5"], ["3", "6"]], f"zip: {zipped}")
lhs_text = base + "  parameters:\n    fisher_kpp_growth_rate_per_day: {from: 0.5, to: 1.5}\n    fisher_kpp_front_mm: {from: 0.1, to: 10, scale: log}\n  combine: lhs\n  samples: 8\n  seed: 3\n"
lhs, _ = points(lhs_text, "lhs.yaml")
lhs2, _ = points(lhs_text, "lhs2.yaml")
mhtest.check(len(lhs) == 8 and lhs == lhs2, f"lhs: 8 samples, the same on every call: {lhs} vs {lhs2}")
r = np.array([float(x[0]) for x in lhs])
f = np.array([float(x[1]) for x in lhs])
mhtest.check(sorted(np.floor((r - 0.5) / 1.0 * 8).astype(int)) == list(range(8)), f"lhs: growth rates not one per stratum of [0.5, 1.5]: {r}")
mhtest.check(sorted(np.floor(np.log(f / 0.1) / np.log(100) * 8).astype(int)) == list(range(8)), f"lhs: log-range fronts not one per log stratum of [0.1, 10]: {f}")
rnd, _ = points(lhs_text.replace("lhs", "random").replace("seed: 3", "seed: 4"), "random.yaml")
rv = np.array([float(x[0]) for x in rnd])
mhtest.check(len(rnd) == 8 and np.all((rv >= 0.5) & (rv <= 1.5)) and rnd != lhs, f"random: 8 samples in range: {rnd}")
rep_text = ("sweep:\n  base: ../demo.yaml\n  parameters:\n    microneedling_density_per_cm2: [100, 200]\n"
            "  replicates: 3\n  replicate_seed_option: microneedling_seed\n  seed: 10\n  options: {microneedling_pattern: random}\n")
rep_path = os.path.join(SRC, "configs", "sweeps", ".test_replicates.yaml")
try:
    with open(rep_path, "w") as fh:
        fh.write(rep_text)
    rc, out = sweep([rep_path, "-sweep_list", "-sweep_output_dir", os.path.join(tmp, "none")])
finally:
    os.remove(rep_path)
rows = [line.split() for line in out.splitlines() if re.match(r"^p\d{4} ", line)]
mhtest.check([r[2] for r in rows] == ["100"] * 3 + ["200"] * 3 and "3 replicates seeded through -microneedling_seed" in out, f"replicates: 2 points x 3 replicates:\n{out}")

# every sweep file of configs/sweeps/ reads and lists its points (what -sweep_list checks)
for f in sorted(os.listdir(os.path.join(mhtest.SOURCE, "configs", "sweeps"))):
    if f.endswith(".yaml"):
        rc, out = sweep([os.path.join(mhtest.SOURCE, "configs", "sweeps", f), "-sweep_list", "-sweep_output_dir", os.path.join(tmp, "none")])
        mhtest.check(re.search(r"^p0000 ", out, re.M) and "points to run" in out, f"configs/sweeps/{f}: -sweep_list lists no points:\n{out}")


# 3. rank independence --------------------------------------------------------------------------
d1, d4 = os.path.join(tmp, "np1"), os.path.join(tmp, "np4")
rc, out = sweep([CI, "-sweep_output_dir", d1])
mhtest.check("4 of 4 points done" in out, f"ci_small on 1 rank:\n{out}")
rc, out = sweep([CI, "-sweep_output_dir", d4, "-sweep_ranks_per_run", "2"], ranks=4)
mhtest.check("on 2 groups of 2 ranks" in out and "4 of 4 points done" in out, f"ci_small on 4 ranks, 2 per run:\n{out}")
compare(os.path.join(d1, "summary.csv"), os.path.join(d4, "summary.csv"), 1e-10, "1 rank vs 4 ranks in groups of 2")
header, rows = table(os.path.join(d1, "summary.csv"))
with h5py.File(os.path.join(d1, "summary.h5"), "r") as h:
    mhtest.check(list(h["status"].asstr()[:]) == ["done"] * 4 and h.attrs["model"] == "microneedling", "summary.h5: status and model")
    for k, name in enumerate(header):
        col = [r[k] for r in rows]
        if name in h["parameters"]:
            mhtest.check(np.array_equal(h["parameters"][name][:], np.array(col, float)), f"summary.h5 /parameters/{name} vs the CSV")
        if name in h["outcomes"]:
            mhtest.check(np.array_equal(h["outcomes"][name][:], np.array(col, float)), f"summary.h5 /outcomes/{name} vs the CSV")
            unit = "h" if name.endswith("_h_1") else "1"
            mhtest.check(h["outcomes"][name].attrs["units"] == unit, f"summary.h5 /outcomes/{name} units")
    mhtest.check(h.attrs["outcome_names"] == "barrier_recovery_h_1,inflammation,collagen_gain_papillary,collagen_gain_reticular", f"outcome_names {h.attrs['outcome_names']}")
p2 = mhtest.read(os.path.join(d1, "runs", "p0002.h5"))
a, par = p2["attrs"], p2["parameters"]
mhtest.check(a["sweep_point"] == "p0002" and "ci_small.yaml" in a["config_files"] and "name: ci_small" in a["config_text"], "a run's output names its point and sweep file")
mhtest.check(par["needle_length_mm.1"] == 1.5 and par["density_per_cm2.1"] == 100, "p0002 ran with needle length 1.5 and density 100")


# 4. SIGKILL midway and resume ------------------------------------------------------------------
def status(d):
    out = {}
    for name in sorted(os.listdir(os.path.join(d, "runs"))) if os.path.isdir(os.path.join(d, "runs")) else []:
        if name.endswith(".status"):
            with open(os.path.join(d, "runs", name)) as fh:
                out[name[:-7]] = dict(line.rstrip("\n").split(" ", 1) for line in fh if " " in line)
    return out


def start(d):
    return subprocess.Popen([mhtest.EXE, "-sweep", CI, "-sweep_output_dir", d], cwd=SRC, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_done(p, d, n, what):
    t0 = time.time()
    while sum(1 for s in status(d).values() if s.get("status") == "done") < n:
        mhtest.check(p.poll() is None and time.time() - t0 < 120, f"{what}: {n} points not done in time (rc {p.poll()})")
        time.sleep(0.05)


dk = os.path.join(tmp, "killed")
p = start(dk)
wait_done(p, dk, 2, "kill")
p.send_signal(signal.SIGKILL)
p.communicate()
done = {k for k, s in status(dk).items() if s.get("status") == "done"}
mhtest.check(len(done) >= 2, f"kill: {done}")
stamps = {k: os.stat(os.path.join(dk, "runs", k + ".h5")).st_mtime_ns for k in done}
rc, out = sweep([CI, "-sweep_output_dir", dk])
mhtest.check(f"4 points, {4 - len(done)} to run" in out, f"resume after a kill with {sorted(done)} done: expected {4 - len(done)} to run:\n{out}")
ran = set(re.findall(r"\[sweep\] (p\d{4}) done", out))
mhtest.check(ran == {f"p{i:04d}" for i in range(4)} - done, f"resume ran {sorted(ran)}, expected the points not done")
for k, t in stamps.items():
    mhtest.check(os.stat(os.path.join(dk, "runs", k + ".h5")).st_mtime_ns == t, f"resume rewrote {k}.h5, which was done")
compare(os.path.join(d1, "summary.csv"), os.path.join(dk, "summary.csv"), 1e-10, "killed and resumed vs uninterrupted")
rc, out = sweep([CI, "-sweep_output_dir", dk])
mhtest.check("0 to run" in out, f"a complete sweep rerun must run nothing:\n{out}")

# 5. SIGUSR1: checkpoint, exit 75, continue ------------------------------------------------------
du = os.path.join(tmp, "usr1")
p = start(du)
wait_done(p, du, 1, "SIGUSR1")
p.send_signal(signal.SIGUSR1)
out, _ = p.communicate()
st = status(du)
stopped = [k for k, s in st.items() if s.get("status") == "stopped"]
mhtest.check(p.returncode == 75 and len(stopped) == 1 and os.path.exists(st[stopped[0]]["checkpoint"]) if stopped else False,
             f"SIGUSR1: expected exit 75 and one point stopped with a checkpoint, got rc {p.returncode}, {st}:\n{out}")
rc, out = sweep([CI, "-sweep_output_dir", du])
mhtest.check(f"[sweep] {stopped[0]} done" in out and "4 of 4 points done" in out, f"continuing after SIGUSR1:\n{out}")
compare(os.path.join(d1, "summary.csv"), os.path.join(du, "summary.csv"), 1e-10, "stopped by SIGUSR1 and continued vs uninterrupted")

# 6. one batch, then gather ---------------------------------------------------------------------
db = os.path.join(tmp, "batch")
rc, out = sweep([CI, "-sweep_output_dir", db, "-sweep_index", "1", "-sweep_batch", "2"])
mhtest.check(set(re.findall(r"\[sweep\] (p\d{4}) done", out)) == {"p0002", "p0003"}, f"-sweep_index 1 -sweep_batch 2 must run p0002 and p0003:\n{out}")
rc, out = sweep([CI, "-sweep_output_dir", db, "-sweep_gather"])
mhtest.check("2 of 4 points done" in out and "2 not run" in out, f"gather after one batch:\n{out}")
header, rows = table(os.path.join(db, "summary.csv"))
mhtest.check([r[2] for r in rows] == ["missing", "missing", "done", "done"] and rows[0][-1] == "", f"gathered statuses: {rows}")
with h5py.File(os.path.join(db, "summary.h5"), "r") as h:
    v = h["outcomes"]["inflammation"][:]
    mhtest.check(np.isnan(v[0]) and np.isnan(v[1]) and np.all(np.isfinite(v[2:])), f"missing points must be NaN in summary.h5: {v}")
sweep([CI, "-sweep_output_dir", db, "-sweep_index", "2", "-sweep_batch", "2"], expect_rc=1)

# 7. a failing point ----------------------------------------------------------------------------
fp = write("fails.yaml", base + "  parameters:\n    pc_type: [ilu, nosuchpc]\n")
df = os.path.join(tmp, "fails")
rc, out = sweep([fp, "-sweep_output_dir", df], expect_rc=1)
mhtest.check("1 point failed" in out, f"a failing point:\n{out}")
with open(os.path.join(df, "manifest.csv")) as fh:
    man = list(csv.DictReader(fh))
mhtest.check([m["status"] for m in man] == ["done", "failed"] and "nosuchpc" in man[1]["message"], f"manifest of a failing point: {man}")
rc, out = sweep([fp, "-sweep_output_dir", df], expect_rc=1)
mhtest.check("2 points, 1 to run" in out, f"a rerun retries the failed point only:\n{out}")
