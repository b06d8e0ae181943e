"""The sbatch script that microheal writes runs a sweep on a real single-node SLURM (issue 5).

Starts a private cluster with tests/sweep/slurm_local.sh in a scratch folder, then
1. proves the cluster runs a throttled job array (--array=0-3%1: the tasks one at a time) and a job
   that depends on it (it starts after every task ended);
2. writes a 4-point fisher_kpp sweep, has microheal write its sbatch script (2 points per task, one
   task at a time), runs that script with bash (it submits the array and a dependent gather job),
   and checks the gathered summary.csv against that of the same sweep run directly, the per-task
   logs in <output_dir>/slurm/, the extra #SBATCH directives and that the prelude ran in every
   task and in the gather job.
The cluster is stopped at the end, pass or fail. Exits 77 (skipped) with the reason when SLURM is
not installed or cannot start on this machine."""
import csv
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402
from mhtest import check, fail

CLUSTER = os.path.join(mhtest.SOURCE, "tests", "sweep", "slurm_local.sh")
WAIT = 120  # seconds the jobs of one stage may take


def skip(why):
    print(f"SKIP: {why}")
    raise SystemExit(77)


def slurm_env(cluster):
    """This process's environment without SLURM_* (the test may itself run in a job), pointing the
    SLURM commands at the private cluster."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
    env["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
    return env


def sh(cmd, env, cwd):
    """Runs a command; fails on a nonzero status. Returns its stdout."""
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}")
    return p.stdout


def logs(cluster, *folders):
    """The cluster's logs and the job logs in folders, for a failure message."""
    text = []
    for f in ["slurmctld.log", "slurmd.log"]:
        path = os.path.join(cluster, "log", f)
        if os.path.exists(path):
            with open(path) as fh:
                text.append(f"--- {path} (end)\n" + "".join(fh.readlines()[-30:]))
    for d in folders:
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            path = os.path.join(d, name)
            if name.endswith(".out") or name.endswith(".log"):
                with open(path, errors="replace") as fh:
                    text.append(f"--- {path}\n" + fh.read()[-2000:])
    return "\n".join(text)


def wait_for_jobs(env, cluster, *folders):
    """Waits until squeue lists no job of the private cluster (all of them are this test's)."""
    end = time.time() + WAIT
    while True:
        queue = sh(["squeue", "-h", "-o", "%i %T %r"], env, cluster).strip()
        if not queue:
            return
        if time.time() > end:
            fail(f"jobs still queued after {WAIT} s:\n{queue}\n{logs(cluster, *folders)}")
        time.sleep(0.2)


def stage_arrays(env, cluster):
    """A throttled array and a job depending on it."""
    work = os.path.join(cluster, "arrays")
    os.mkdir(work)
    task = ("date +%s.%N > t.$SLURM_ARRAY_TASK_ID; sleep 0.3; "
            "echo $SLURM_ARRAY_TASK_ID >> t.$SLURM_ARRAY_TASK_ID; date +%s.%N >> t.$SLURM_ARRAY_TASK_ID")
    out = sh(["sbatch", "--parsable", "--array=0-3%1", "-o", "task-%A_%a.out", "--wrap", task], env, work)
    array = out.strip().split(";")[0]
    sh(["sbatch", "--parsable", f"--dependency=afterok:{array}", "-o", "after.out", "--wrap",
        "date +%s.%N > after"], env, work)
    wait_for_jobs(env, cluster, work)
    spans = []
    for i in range(4):
        path = os.path.join(work, f"t.{i}")
        if not os.path.exists(path):
            fail(f"array task {i} left no {path}\n{logs(cluster, work)}")
        with open(path) as fh:
            lines = fh.read().split()
        check(len(lines) == 3 and lines[1] == str(i),
              f"{path}: expected start time, task id {i}, end time; found {lines}")
        spans.append((float(lines[0]), float(lines[2])))
    spans.sort()
    for (s0, e0), (s1, e1) in zip(spans, spans[1:]):
        check(s1 >= e0, f"--array=0-3%1 ran tasks at once: one ran {s0:.3f}-{e0:.3f} s, another {s1:.3f}-{e1:.3f} s")
    path = os.path.join(work, "after")
    if not os.path.exists(path):
        fail(f"the job depending on array {array} did not run\n{logs(cluster, work)}")
    with open(path) as fh:
        start = float(fh.read())
    last = max(e for _, e in spans)
    check(start >= last, f"the dependent job started at {start:.3f} s, before the array's last task ended ({last:.3f} s)")


def read_summary(path):
    if not os.path.exists(path):
        fail(f"no {path}")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    check(len(rows) > 1, f"{path} has no rows")
    return rows[0], rows[1:]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def stage_sweep(env, cluster):
    """microheal's sbatch script run on the cluster, against the same sweep run directly."""
    sweep = os.path.join(cluster, "sweep.yaml")
    with open(sweep, "w") as fh:
        fh.write(f"""sweep:
  name: slurm_test
  base: {os.path.join(mhtest.SOURCE, "configs", "fisher_kpp.yaml")}
  options:
    nx: 100
    t_end: 5
    output_count: 2
  parameters:
    fisher_kpp_growth_rate_per_day: [0.5, 1.0]
    fisher_kpp_diffusivity_mm2_per_day: [0.01, 0.02]
""")
    d1, d2 = os.path.join(cluster, "d1"), os.path.join(cluster, "d2")
    script = os.path.join(d1, "job.sh")
    # a prelude (what a cluster needs before microheal: module load ...) that leaves a trace of who
    # ran it, and extra #SBATCH directives (given twice: they add up; values may start with --)
    prelude, trace = os.path.join(cluster, "prelude.sh"), os.path.join(cluster, "prelude.log")
    with open(prelude, "w") as fh:
        fh.write(f'echo "task=${{SLURM_ARRAY_TASK_ID:-}} gather=${{MH_SWEEP_GATHER:-}}" >> {trace}\n')
    mhtest.run(["-sweep", sweep, "-sweep_output_dir", d1, "-sweep_slurm", script,
                "-sweep_slurm_batch", 2, "-sweep_slurm_throttle", 1, "-sweep_slurm_prelude", prelude,
                "-sweep_slurm_sbatch", "--comment=microheal_test", "-sweep_slurm_sbatch", "--nice=0"])
    if not os.path.exists(script):
        fail(f"-sweep_slurm {script} wrote no script")
    with open(script) as fh:
        text = fh.read()
    check(re.search(r"^#SBATCH +--array=0-1%1\s*$", text, re.M),
          f"{script}: expected a line '#SBATCH --array=0-1%1' (4 points, 2 per task, 1 at a time):\n{text}")
    check(re.search(r"^#SBATCH --comment=microheal_test$", text, re.M) and re.search(r"^#SBATCH --nice=0$", text, re.M),
          f"{script}: the -sweep_slurm_sbatch directives are missing:\n{text}")
    out = sh(["bash", script], env, cluster)
    wait_for_jobs(env, cluster, os.path.join(d1, "slurm"))
    ran = sorted(open(trace).read().split("\n")) if os.path.exists(trace) else []
    for who in ["task=0 gather=", "task=1 gather=", "task= gather=1"]:
        check(who in ran, f"the prelude did not run for '{who}': {ran}")
    mhtest.run(["-sweep", sweep, "-sweep_output_dir", d2])

    head1, rows1 = read_summary(os.path.join(d1, "summary.csv"))
    head2, rows2 = read_summary(os.path.join(d2, "summary.csv"))
    slurm_logs = logs(cluster, os.path.join(d1, "slurm"))
    check(head1 == head2, f"summary.csv columns differ: SLURM {head1}, direct {head2}")
    check(len(rows1) == 4, f"the SLURM summary.csv has {len(rows1)} rows, expected 4\n{out}\n{slurm_logs}")
    check("status" in head1, f"summary.csv has no status column: {head1}")
    status = head1.index("status")
    bad = [r for r in rows1 if r[status] != "done"]
    check(not bad, f"points not done after the SLURM jobs: {bad}\n{out}\n{slurm_logs}")
    check(len(rows2) == 4, f"the direct summary.csv has {len(rows2)} rows, expected 4")
    for r1, r2 in zip(rows1, rows2):
        for name, a, b in zip(head1, r1, r2):
            x, y = number(a), number(b)
            if x is None or y is None:
                check(a == b, f"point {r1[0]}, {name}: SLURM '{a}', direct '{b}'")
            else:
                check(abs(x - y) <= 1e-10 * abs(y), f"point {r1[0]}, {name}: SLURM {a}, direct {b} (beyond 1e-10 relative)")

    folder = os.path.join(d1, "slurm")
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    for pattern, what in [(r"\d+_0\.out", "array task 0"), (r"\d+_1\.out", "array task 1"), (r"gather_\d+\.out", "the gather job")]:
        check(any(re.fullmatch(pattern, n) for n in names), f"{folder}: no log of {what} ({pattern}) among {names}")


def adopt_daemons():
    """Makes this process the reaper of the daemons it starts (they leave slurm_local.sh by double
    forks), so that once stopped they are gone at once rather than zombies until init reaps them."""
    PR_SET_CHILD_SUBREAPER = 36
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap():
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def main():
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    missing = [t for t in ["sbatch", "squeue", "slurmctld", "slurmd", "munged"] if not shutil.which(t, path=path)]
    if missing:
        skip(f"{', '.join(missing)} not installed (Debian: slurmctld slurmd slurm-client munge)")
    if os.geteuid() != 0:
        skip("the private SLURM cluster needs root (SlurmUser=root)")
    cluster = mhtest.tmpdir()
    adopt_daemons()
    # a termination (ctest's timeout) still stops the cluster through finally
    signal.signal(signal.SIGTERM, lambda *_: fail("terminated"))
    failed = True
    try:
        p = subprocess.run(["bash", CLUSTER, "start", cluster], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            skip(f"SLURM could not start here: {p.stderr.strip() or p.stdout.strip()}")
        env = slurm_env(cluster)
        stage_arrays(env, cluster)
        stage_sweep(env, cluster)
        failed = False
    finally:
        p = subprocess.run(["bash", CLUSTER, "stop", cluster], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        reap()
        if p.returncode != 0:
            if not failed:
                fail(f"{CLUSTER} stop {cluster}: {p.stdout}")
            sys.stderr.write(f"also: {CLUSTER} stop {cluster}: {p.stdout.rstrip()}\n")


if __name__ == "__main__":
    sys.exit(main())
