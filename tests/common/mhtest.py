"""Helpers for microheal's Python tests: run the executable, read its HDF5 output, check.

A test imports this, calls run(...) and check(...), and prints nothing on success. A failed check
raises SystemExit with a message naming what was expected and what was measured."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

TREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # this file is tests/common/mhtest.py
SOURCE = os.environ.get("MH_SOURCE", TREE)
sys.path.insert(0, os.path.join(TREE, "scripts"))
import mhread  # noqa: E402 (scripts/mhread/)
EXE = os.environ.get("MH_EXE", os.path.join(SOURCE, "build", "microheal"))
MPIEXEC = os.environ.get("MH_MPIEXEC", "mpiexec")


def run(args, ranks=1, expect_rc=0, malloc_dump=True):
    """Runs microheal with args (a list); returns (rc, stdout+stderr). Fails on an unexpected
    status, and on leaked memory when malloc_dump is on."""
    cmd = [EXE] + [str(a) for a in args] + (["-malloc_dump"] if malloc_dump else [])
    if ranks > 1:
        cmd = [MPIEXEC, "-n", str(ranks)] + cmd
    p = subprocess.run(cmd, cwd=SOURCE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout
    if expect_rc is not None and (p.returncode == 0) != (expect_rc == 0):
        fail(f"{' '.join(cmd)}\nexited {p.returncode}, expected {'0' if expect_rc == 0 else 'nonzero'}:\n{out[-4000:]}")
    if malloc_dump and p.returncode == 0 and ("[ 0]" in out and "bytes" in out):
        fail(f"{' '.join(cmd)}\nleaked memory:\n{out[-4000:]}")
    return p.returncode, out


def tmpdir():
    """A scratch folder, removed when the test exits (kept with MH_KEEP=1)."""
    d = tempfile.mkdtemp(prefix="mhtest-")
    if not os.environ.get("MH_KEEP"):
        atexit.register(shutil.rmtree, d, True)
    return d


def read(path):
    """The output file as a dict: time, fields {name: array}, grid {axis: centres}, table
    {column: array}, attrs, outcomes (read through scripts/mhread)."""
    with mhread.Output(path) as o:
        return {"time": o.time, "fields": o.all_fields(), "grid": o.grid(), "attrs": dict(o.h5.attrs),
                "parameters": o.parameters(), "table": o.table(strict=False), "outcomes": o.outcomes()}


def run_output(tag, args, ranks=1):
    """Runs microheal with args (-quiet) into <tmpdir>/<tag>.h5 and returns read() of it, with its
    path under "path"."""
    path = os.path.join(tmpdir(), tag + ".h5")
    run([str(a) for a in args] + ["-output", path, "-quiet"], ranks=ranks)
    d = read(path)
    d["path"] = path
    return d


def fail(msg):
    sys.stderr.write("FAIL: " + msg + "\n")
    raise SystemExit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def check_close(measured, expected, rtol, what):
    measured, expected = np.asarray(measured, float), np.asarray(expected, float)
    err = np.max(np.abs(measured - expected) / np.maximum(np.abs(expected), 1e-300))
    if not np.isfinite(err) or err > rtol:
        fail(f"{what}: measured {measured}, expected {expected}, relative error {err:.3g} > {rtol:g}")
    return err
