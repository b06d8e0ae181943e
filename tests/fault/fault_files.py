#!/usr/bin/env python3
"""The file-handling battery: microheal never destroys, redirects or hangs on a file.

Every case runs in a scratch folder of its own, within a time limit (a hang is a failure), and
checks the contract of the file handling, by class:

  A  a failing case exits with status 1 (no signal), prints exactly one "microheal: error:" line
     matching the case's patterns and none of PETSC ERROR, MPI_ABORT, HDF5-DIAG, Traceback,
     Segmentation, core dumped, mpiexec noticed; every guarded file (a good output from an
     earlier run, its .xmf sidecar, checkpoints, symlink targets) is byte for byte unchanged
     (sha256), also in cases that succeed;
  B  symbolic links: links planted at the old predictable temporary names (<output>.partial,
     <stem>.xmf.tmp, <prefix>-000001.h5.tmp, <output>.tmp, a sweep's <dir>/manifest.csv.tmp<pid>
     and the like) leave their targets unchanged while the run succeeds; an -output or sidecar
     that is a link (to a guarded file, or dangling) is an existing file: an error naming
     "exists" without -output_overwrite, replaced by a regular file with it (the target
     unchanged; nothing created at a dangling one); existing checkpoints of a fresh run are an
     error unless -output_overwrite; -restart onto an output that is a link is an error;
  C  restarts: -restart refuses (one line naming the difference, the output unchanged) a changed
     model parameter, output count, spacing, end time, grid or model, the output of another run,
     a checkpoint holding NaN, a missing output, and checkpoints that are empty, truncated, text,
     binary, foreign HDF5, a folder or missing; -initial_condition_file likewise; a restart with
     the same options succeeds with every snapshot;
  D  checks before the point of no return: a checkpoint prefix or output under a regular file,
     an output too large for its disk (at once), a full disk (private tmpfs), a run that fails
     after it started, and -t_end 1e20 leave the good output unchanged;
  E  concurrency: a second run (or sweep) on an output (folder) in use fails at once naming
     "in use" and the holder's pid, and the first ends normally; a sweep with a failing point
     exits nonzero;
  F  hangs: a stale locked Open MPI shared-file-pointer semaphore (/dev/shm/sem.OMPIO_<name>),
     SIGTERM to an output-heavy run (ends within 5 s: status 75 or one line), options files
     including themselves or each other;
  G  one line instead of tracebacks: a folder or an unreadable path as -options_file, more than
     512 options, a grid beyond 32-bit indices, a grid beyond the memory (quickly).

Prints nothing when every case passes; otherwise each failing case with its commands and the
last lines of their output, and a table per class (always with --summary), then exits 1.
  --summary      always print the table     -k PATTERN   run only the cases matching PATTERN (regex)
  --list         list the cases             --show       every case's verdict and error lines
  --brief        one line per failure       --times      seconds per case, slowest first
  --timeout S    per-case time limit (60)   --budget S   no case starts after S seconds (480)
Cases of one process run two at a time, cases of two processes (2 ranks, or two runs at once)
one at a time, so that at most two microheal processes run at once.
Environment: MH_EXE, MH_MPIEXEC, MH_SOURCE (set by CTest); MH_KEEP=1 keeps the scratch folder.
Private mounts (the full-disk cases) need `unshare -m` (root); without it they are skipped with
a note."""
import argparse
import concurrent.futures
import os
import re
import shlex
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the package files/: one module per class
import mhtest  # noqa: E402
from files.helpers import CASES, FIX, FK, FKR, LOGS, MN, MNR, TMP, Ctx, Proc, mh_cmd, replace_arg, snapshots  # noqa: E402
from files import a_failing, b_links, c_restarts, d_no_return, e_concurrency, f_hangs, g_one_line  # noqa: E402

# the classes, in the order their cases run (each module registers its cases in CASES when imported)
MODULES = (a_failing, b_links, c_restarts, d_no_return, e_concurrency, f_hangs, g_one_line)
CLASSES = {"A": "failing cases: one line, guarded files kept", "B": "symbolic links and existing files",
           "C": "restarts and initial conditions", "D": "checks before the point of no return",
           "E": "concurrency (locks) and sweeps", "F": "hangs", "G": "one line instead of tracebacks"}


# ---- fixtures and the driver -----------------------------------------------------------------

def make_fixtures():
    """Good outputs and checkpoints, made once; the cases copy them."""
    fx = os.path.join(TMP, "fixtures")
    jobs = {
        "fk": FK + ["-output", os.path.join(fx, "fk", "fk.h5")],
        "mn": MN + ["-output", os.path.join(fx, "mn", "mn.h5")],
        "mn12": replace_arg(MN, "-nx", "12") + ["-output", os.path.join(fx, "mn12", "mn12.h5")],
        "ref": MNR + ["-output", os.path.join(fx, "ref", "run.h5")],
        "other": MNR + ["-output", os.path.join(fx, "other", "run.h5")],
        "fkref": FKR + ["-output", os.path.join(fx, "fkref", "run.h5")],
    }
    for k in jobs:
        os.makedirs(os.path.join(fx, k))

    def one(k):
        return k, Proc(mh_cmd(jobs[k]), os.path.join(fx, k)).wait(120)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = dict(pool.map(one, jobs))
    for k, r in results.items():
        if r.rc != 0:
            mhtest.fail(f"fixture {k}: {shlex.join(r.cmd)}\nexited {r.rc}:\n{r.out[-3000:]}")
    FIX["fk.h5"], FIX["fk.xmf"] = os.path.join(fx, "fk", "fk.h5"), os.path.join(fx, "fk", "fk.xmf")
    FIX["mn.h5"], FIX["mn.xmf"] = os.path.join(fx, "mn", "mn.h5"), os.path.join(fx, "mn", "mn.xmf")
    FIX["mn12.h5"] = os.path.join(fx, "mn12", "mn12.h5")
    for k in ("ref", "other", "fkref"):
        FIX[k + ".h5"] = os.path.join(fx, k, "run.h5")
    for k in range(1, 6):
        FIX[f"ref.chk{k}"] = os.path.join(fx, "ref", f"run.checkpoint-{k:06d}.h5")
    FIX["fkref.chk1"] = os.path.join(fx, "fkref", "run.checkpoint-000001.h5")
    for k, p in FIX.items():
        mhtest.check(os.path.isfile(p), f"fixture {k}: no {p} (files: {os.listdir(os.path.dirname(p))})")
    mhtest.check(snapshots(FIX["ref.h5"]) == 5, f"fixture ref: {snapshots(FIX['ref.h5'])} snapshots, expected 5")


def run_case(case, timeout, deadline):
    c = Ctx(case, case.timeout or timeout)
    t0 = time.time()
    if t0 > deadline:
        c.problem("other", "not run: the battery's time budget (--budget) was spent")
        c.secs = 0.0
        return c
    c.timeout = min(c.timeout, max(5.0, deadline + 25 - t0))  # near the end, a hang may not take the whole limit
    try:
        case.fn(c)
    except Exception:  # noqa: BLE001 (a bug in the case or an unexpected file: report it)
        c.problem("other", "the case raised:\n" + traceback.format_exc())
    try:
        c.check_guards()
    except Exception:  # noqa: BLE001
        c.problem("other", "checking the guarded files raised:\n" + traceback.format_exc())
    c.secs = time.time() - t0
    return c


def table(results):
    cols = ["class", "tried", "passed", "one-line errors", "crash/traceback/hang", "data lost", "writes via symlink"]
    rows = []
    for cls in sorted(set(c.case.cls for c in results)) + ["all"]:
        rs = [c for c in results if cls in ("all", c.case.cls) and not c.skipped]
        expected = [c for c in rs if c.expected_errors]
        rows.append([cls, len(rs), sum(1 for c in rs if not c.problems),
                     f"{sum(1 for c in expected if c.one_line == c.expected_errors)}/{len(expected)}",
                     sum(1 for c in rs if any(k == "crash" for k, _ in c.problems)),
                     sum(1 for c in rs if any(k == "lost" for k, _ in c.problems)),
                     sum(1 for c in rs if any(k == "symlink" for k, _ in c.problems))])
    w = [max(len(str(x)) for x in col) for col in zip(cols, *rows)]
    lines = ["  ".join(str(x).rjust(n) if i else str(x).ljust(n) for i, (x, n) in enumerate(zip(r, w))) for r in [cols] + rows]
    lines.insert(1, "  ".join("-" * n for n in w))
    legend = ", ".join(f"{k} {v}" for k, v in CLASSES.items())
    return "\n".join(lines) + f"\n(one-line errors: cases expecting an error that got exactly one line and status 1; classes: {legend})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--summary", action="store_true", help="always print the per-class table")
    ap.add_argument("-k", metavar="PATTERN", help="run only the cases whose class, name or description match this regex")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--timeout", type=float, default=60, help="default per-case time limit [s]")
    ap.add_argument("--budget", type=float, default=480, help="seconds after which no further case starts (those left are reported"
                    " failed), so that the table comes before CTest's limit (240 s) [s]")
    ap.add_argument("--jobs", type=int, default=2, help="microheal processes at a time (a 2-rank case takes 2)")
    ap.add_argument("--brief", action="store_true", help="on failure, one line per failing case instead of the outputs")
    ap.add_argument("--show", action="store_true", help="print every case: verdict, status and error line of each run")
    ap.add_argument("--times", action="store_true", help="print the seconds each case took, slowest first")
    opts = ap.parse_args()
    cases = [c for c in CASES if not opts.k or re.search(opts.k, f"{c.cls} {c.name} {c.desc}")]
    if opts.list:
        for c in cases:
            print(f"{c.cls} {c.name:45s} {c.desc}")
        return
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    os.makedirs(LOGS)
    t0 = time.time()
    deadline = t0 + opts.budget
    make_fixtures()
    # cases of one process two at a time, then those of two (2 ranks, or two runs at once) alone
    small = [c for c in cases if c.procs < 2 or opts.jobs < 2]
    large = [c for c in cases if c not in small]
    with concurrent.futures.ThreadPoolExecutor(max(1, opts.jobs)) as pool:
        results = list(pool.map(lambda c: run_case(c, opts.timeout, deadline), small))
    results += [run_case(c, opts.timeout, deadline) for c in large]
    order = {c.name: k for k, c in enumerate(cases)}
    results.sort(key=lambda c: order[c.case.name])
    if opts.show:
        for c in results:
            print(f"{'FAIL' if c.problems else 'PASS'} [{c.case.cls}] {c.case.name} ({c.secs:.1f} s): {c.case.desc}")
            for r in c.runs:
                print(f"    status {r.rc}{' (timed out)' if r.timed_out else ''}, {r.secs:.1f} s: {(r.lines() or ['(no error line)'])[0]}")
    if opts.times:
        for c in sorted(results, key=lambda c: -c.secs):
            print(f"{c.secs:6.1f} s  {c.case.cls} {c.case.name}")
    for c in results:
        if c.skipped:
            print(f"note: {c.case.cls} {c.case.name}: {c.skipped}")
    failed = [c for c in results if c.problems]
    if failed:
        out = []
        for c in failed:
            if opts.brief:
                out.append(f"FAIL [{c.case.cls}] {c.case.name}: " + "; ".join(p.splitlines()[0] for _, p in c.problems))
                continue
            out.append(f"FAIL [{c.case.cls}] {c.case.name}: {c.case.desc}")
            for kind, p in c.problems:
                out.append(f"  problem ({kind}): {p}")
            for r in c.runs:
                out.append(f"  $ {shlex.join(r.cmd)}")
                out.append(f"    -> status {r.rc}{' (timed out)' if r.timed_out else ''}, {r.secs:.1f} s; last lines:")
                out += ["    | " + l for l in r.out.splitlines()[-12:]]
            out.append("")
        print("\n".join(out))
    if failed or opts.summary:
        print(f"\n{len(failed)} of {len(results)} file-handling cases failed ({time.time() - t0:.0f} s)\n" + table(results))
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
