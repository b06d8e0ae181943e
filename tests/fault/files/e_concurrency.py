"""Class E of tests/fault/fault_files.py: concurrency (locks on outputs and sweep folders) and sweeps."""
import os
import time

from .helpers import FISHER_BASE, FK, FKR, SLOW, SLOW_SNAPSHOTS, case, ranks_of, sweep_file, write


# ---- E: concurrency --------------------------------------------------------------------------

def entries(folder):
    return {os.path.join(root, n) for root, dirs, files in os.walk(folder) for n in dirs + files}


def wait_for_entry(c, folder, proc, before, secs=30):
    """Waits until something new (not in before) appears in folder (recursively) while proc
    runs; False if it ended first."""
    t0 = time.time()
    while time.time() - t0 < secs:
        if entries(folder) - before:
            return True
        if not proc.running():
            return False
        time.sleep(0.05)
    return False


def concurrent_case(c, first_args, second_args, watch, first_n=None, what="run", sweep=False):
    """Starts the slow first command, waits until it has created something in watch, runs the
    second (must fail at once: "in use" and the first's pid), then the first must end with 0."""
    before = entries(watch)
    p1 = c.start(first_args)
    if not wait_for_entry(c, watch, p1, before):
        r1 = p1.wait(c.timeout)
        c.runs.append(r1)
        c.problem("other", f"the first {what} ended (status {r1.rc}) before it created anything in {c.rel(watch)}")
        return
    r2 = c.run(second_args, timeout=30)
    still = p1.running()
    r1 = p1.wait(c.timeout)
    c.runs.insert(len(c.runs) - 1, r1)
    pids = [str(p) for p in [p1.pid] + ranks_of(p1.pid)]
    c.expect_error(r2, [r"in use", r"\b(" + "|".join(pids) + r")\b"], within=10, what=f"the second {what}")
    if not still and r2.rc == 0:
        c.problem("other", f"the first {what} ended before the second one did: the case is inconclusive (make it slower)")
    if c.expect_ok(r1, f"the first {what}") and first_n is not None:
        c.expect_output(first_n[0], first_n[1], f"the first {what}'s output")


@case("E", "lock-output-overwrite", "a second run with -output_overwrite on an output being written", procs=2)
def _(c, n):
    out = c.path("out.h5")
    concurrent_case(c, SLOW + ["-output", out], FK + ["-output", out, "-output_overwrite"], c.dir, (out, SLOW_SNAPSHOTS))


@case("E", "lock-output", "a second run (no -output_overwrite) on an output being written", procs=2)
def _(c, n):
    out = c.path("out.h5")
    concurrent_case(c, SLOW + ["-output", out], FK + ["-output", out], c.dir, (out, SLOW_SNAPSHOTS))


@case("E", "lock-checkpoints", "a second run with another output but the checkpoint prefix of a running one", procs=2)
def _(c, n):
    out = c.path("a.h5")
    concurrent_case(c, SLOW + ["-output", out, "-checkpoint_interval", "0.2", "-checkpoint_prefix", c.path("ck")],
                    FKR + ["-output", c.path("b.h5"), "-checkpoint_prefix", c.path("ck")], c.dir, (out, SLOW_SNAPSHOTS))


@case("E", "lock-sweep", "a second sweep on the output folder of a running sweep", procs=2)
def _(c, n):
    base = write(c.path("base.yaml"), "model: microneedling\nnx: 16\nnz: 36\nt_end: 1\noutput_count: 20\nts_adapt_dt_max: 0.02\n")
    s = sweep_file(c, "    microneedling_needle_length_mm: [0.5, 1.0]\n", base=base, options="{output_count: 20}")
    sw = c.path("sw")
    quick = write(c.path("quick.yaml"), f"sweep:\n  base: {FISHER_BASE}\n  options: {{nx: 40, t_end: 0.5, output_count: 1}}\n"
                                        "  parameters:\n    fisher_kpp_growth_rate_per_day: [0.5]\n")
    concurrent_case(c, ["-sweep", s, "-sweep_output_dir", sw], ["-sweep", quick, "-sweep_output_dir", sw], sw, what="sweep")
    if os.path.isfile(os.path.join(sw, "summary.csv")):
        rows = open(os.path.join(sw, "summary.csv")).read().splitlines()
        if len(rows) != 3 or any(",done," not in row for row in rows[1:]):
            c.problem("other", f"the first sweep's summary.csv: {rows}")
    elif not any(k == "status" for k, _ in c.problems):
        c.problem("other", "the first sweep wrote no summary.csv")


@case("E", "sweep-failing-point", "a sweep with one point that fails at run time (pc_type nosuchpc) exits nonzero", ranks=(1, 2))
def _(c, n):
    # the contract asks only for a nonzero status here (a sweep may name each failed point)
    s = sweep_file(c, "    pc_type: [lu, nosuchpc]\n")
    r = c.run(["-sweep", s, "-sweep_output_dir", c.path("sw")] + (["-sweep_ranks_per_run", "1"] if n > 1 else []), n)
    c.crashes(r, "the sweep")
    if r.rc == 0:
        c.problem("status", "the sweep exited 0 although a point failed")


@case("E", "sweep-bad-value", "a sweep whose one point has a value out of range: one line before anything runs")
def _(c, n):
    s = sweep_file(c, "    fisher_kpp_growth_rate_per_day: [0.5, -1]\n")
    c.expect_error(c.run(["-sweep", s, "-sweep_output_dir", c.path("sw")], n), [r"fisher_kpp_growth_rate_per_day"])
    if os.path.isdir(c.path("sw", "runs")) and os.listdir(c.path("sw", "runs")):
        c.problem("other", "a point ran although the sweep was refused")
