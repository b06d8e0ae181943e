"""Shared helpers of the validation cases (validation/<case>/check.py).

Each case runs build/microheal on its config (plus overrides), reads the HDF5 output, prints a
table of what it compares and one line 'PASS <case>: ...' or 'FAIL <case>: ...', writes a
figure to out/validation/<case>/, and exits 0 on PASS, 1 on FAIL.
"""
import os
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import mhread  # noqa: E402 (scripts/mhread: the one reader of a microheal output)

EXE = os.environ.get("MH_EXE", os.path.join(ROOT, "build", "microheal"))
MPIEXEC = os.environ.get("MH_MPIEXEC", "mpiexec")


def outdir(case):
    d = os.path.join(ROOT, "out", "validation", case)
    os.makedirs(d, exist_ok=True)
    return d


def run(case, tag, config=None, args=(), ranks=1):
    """Runs microheal; returns the path of its HDF5 output (out/validation/<case>/<tag>.h5)."""
    path = os.path.join(outdir(case), tag + ".h5")
    cmd = [EXE]
    if ranks > 1:
        cmd = [MPIEXEC, "-n", str(ranks)] + cmd
    if config:
        cmd += ["-options_file", os.path.join(ROOT, config)]
    cmd += ["-output", path, "-output_overwrite", "-quiet"] + [str(a) for a in args]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"FAIL {case}: microheal exited with {r.returncode}: {' '.join(cmd)}")
    return path


def outcomes(path):
    """/outcomes as {name: float} (NaN where a run did not reach one)."""
    with mhread.Output(path) as o:
        return o.outcomes()


def parameters(path):
    """/parameters as {name: value} (the model's parameter values: numbers, or text for words)."""
    with mhread.Output(path) as o:
        return o.parameters()


def table(path):
    """Monitor time series: dict column -> array (t, dt, <field>_integral/_min/_max, outcomes)."""
    with mhread.Output(path) as o:
        return o.table()


def report(case, ok, summary):
    print(("PASS " if ok else "FAIL ") + case + ": " + summary)
    sys.exit(0 if ok else 1)
