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
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

EXE, MPIEXEC, SOURCE = mhtest.EXE, mhtest.MPIEXEC, mhtest.SOURCE
ENV = dict(os.environ)
for _k, _v in (("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"),
               ("OMPI_MCA_rmaps_base_oversubscribe", "1"), ("OMPI_MCA_btl_vader_single_copy_mechanism", "none"),
               # start-up 0.2 s faster (no network transports probed); file I/O (io, sharedfp) as by default
               ("OMPI_MCA_btl", "self,vader"), ("OMPI_MCA_pml", "ob1"), ("OMPI_MCA_mtl", "^ofi"), ("OMPI_MCA_osc", "^ucx")):
    ENV.setdefault(_k, _v)

# tiny set-ups (well under a second each)
FK = ["-model", "fisher_kpp", "-nx", "50", "-t_end", "0.1", "-output_count", "2", "-quiet"]
MN = ["-model", "microneedling", "-nx", "8", "-nz", "24", "-t_end", "0.01", "-output_count", "1", "-quiet"]
# with checkpoints: microneedling writes 5 (t ~ 0.002 ... 0.01), fisher_kpp 1
MNR = ["-model", "microneedling", "-nx", "8", "-nz", "24", "-t_end", "0.01", "-output_count", "4",
       "-checkpoint_interval", "0.002", "-checkpoint_keep", "10", "-quiet"]
FKR = ["-model", "fisher_kpp", "-nx", "50", "-t_end", "0.1", "-output_count", "4",
       "-checkpoint_interval", "0.02", "-checkpoint_keep", "10", "-quiet"]
# a run of a few seconds (for the concurrency cases)
SLOW = ["-model", "microneedling", "-nx", "16", "-nz", "36", "-t_end", "1", "-output_count", "20",
        "-ts_adapt_dt_max", "0.02", "-quiet"]
SLOW_SNAPSHOTS = 21
FISHER_BASE = os.path.join(SOURCE, "configs", "fisher_kpp.yaml")

ERR = "microheal: error:"
FORBIDDEN = ("PETSC ERROR", "MPI_ABORT", "HDF5-DIAG", "Traceback", "Segmentation", "core dumped", "mpiexec noticed")
CRASH = re.compile(r"Caught signal|Floating point exception|Bus error|Aborted|terminate called|AddressSanitizer"
                   r"|runtime error:|stack smashing|double free|\bKilled\b")
CLASSES = {"A": "failing cases: one line, guarded files kept", "B": "symbolic links and existing files",
           "C": "restarts and initial conditions", "D": "checks before the point of no return",
           "E": "concurrency (locks) and sweeps", "F": "hangs", "G": "one line instead of tracebacks"}

TMP = mhtest.tmpdir()
LOGS = os.path.join(TMP, "logs")
FIX = {}  # fixtures: name -> path (made once, copied into the cases)
_log_lock = threading.Lock()
_log_count = [0]


# ---- processes -------------------------------------------------------------------------------

def descendants(pid):
    """The pids of every process below pid (from /proc)."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, pp in parent.items():
            if pp == p:
                found.append(c)
                todo.append(c)
    return found


def ranks_of(pid):
    """The microheal processes below pid (or pid itself when it is microheal)."""
    out = []
    for p in [pid] + descendants(pid):
        try:
            with open(f"/proc/{p}/comm") as f:
                if f.read().strip() == "microheal":
                    out.append(p)
        except OSError:
            pass
    return out


def kill_tree(pid):
    kids = descendants(pid)
    for p in [pid] + kids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


class Proc:
    """A started command: its Popen, command line, log file and start time."""

    def __init__(self, cmd, cwd, env=None, shown=None):
        with _log_lock:
            _log_count[0] += 1
            self.log = os.path.join(LOGS, f"run{_log_count[0]:05d}.log")
        self.cmd, self.shown = cmd, shown or cmd
        e = dict(ENV)
        e.update(env or {})
        with open(self.log, "wb") as f:
            self.t0 = time.time()
            self.p = subprocess.Popen(cmd, cwd=cwd, env=e, stdout=f, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.p.pid

    def running(self):
        return self.p.poll() is None

    def wait(self, timeout):
        """Waits at most timeout seconds; kills the whole tree on a timeout. A Run."""
        timed_out = False
        try:
            rc = self.p.wait(timeout=max(timeout - (time.time() - self.t0), 0.01))
        except subprocess.TimeoutExpired:
            kill_tree(self.pid)
            self.p.wait()
            rc, timed_out = None, True
        secs = time.time() - self.t0
        with open(self.log, "rb") as f:
            out = f.read().decode("utf-8", "replace")
        return Run(self.shown, rc, out, secs, timed_out)


class Run:
    def __init__(self, cmd, rc, out, secs, timed_out):
        self.cmd, self.rc, self.out, self.secs, self.timed_out = cmd, rc, out, secs, timed_out

    def lines(self):
        return [l for l in self.out.splitlines() if ERR in l]


def mh_cmd(args, ranks=1, prefix=None):
    cmd = [EXE] + [str(a) for a in args]
    if ranks > 1:
        cmd = [MPIEXEC, "-n", str(ranks)] + cmd
    return (prefix or []) + cmd


# ---- files -----------------------------------------------------------------------------------

def digest(path):
    """sha256 of what path holds (following links); None when nothing is there."""
    if not os.path.lexists(path):
        return None
    if os.path.islink(path) and not os.path.exists(path):
        return "dangling link -> " + os.readlink(path)
    if os.path.isdir(path):
        return "a folder"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def snapshots(path):
    """Number of complete snapshots of an output, or a text saying what is wrong with it."""
    try:
        with h5py.File(path, "r") as f:
            n = len(f["time"])
            for k in f["fields"]:
                if f["fields"][k].shape[0] < n:
                    return f"/fields/{k} holds {f['fields'][k].shape[0]} snapshots, /time {n}"
            return n
    except Exception as e:  # noqa: BLE001 (anything h5py raises means: not a valid output)
        return f"not a readable microheal output ({type(e).__name__}: {e})"


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def foreign_h5(path):
    with h5py.File(path, "w") as f:
        f.create_dataset("data", data=np.arange(10.0))
        f.attrs["creator"] = "not microheal"
    return path


def locked_semaphore(name):
    """Plants /dev/shm/sem.<name> as a glibc POSIX semaphore with value 0 (locked): 32 zero bytes
    (sizeof(sem_t) on x86-64; value and waiter count 0), what a run killed inside Open MPI's
    sharedfp/sm critical section leaves behind. Returns its path."""
    return write(f"/dev/shm/sem.{name}", bytes(32))


# ---- a case ----------------------------------------------------------------------------------

class Case:
    def __init__(self, cls, name, desc, fn, procs=1, timeout=None):
        self.cls, self.name, self.desc, self.fn, self.procs, self.timeout = cls, name, desc, fn, procs, timeout


class Ctx:
    """What one case does and found: its folder, runs, guarded files and problems. Problem kinds:
    crash (traceback, crash report, signal, hang), lost (a guarded file changed), symlink (a
    link target written or created), status, message, other."""

    def __init__(self, case, timeout):
        self.case, self.timeout = case, timeout
        self.dir = tempfile.mkdtemp(prefix=case.name[:48] + "-", dir=TMP)
        self.runs, self.problems, self.guards = [], [], []
        self.expected_errors = self.one_line = 0
        self.skipped = None

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def problem(self, kind, text):
        self.problems.append((kind, text))

    # files
    def guard(self, path, kind="lost", what="guarded file"):
        self.guards.append((path, digest(path), kind, what))
        return path

    def guard_link(self, path):
        """The link at path itself (not its target) must stay as it is."""
        self.guards.append((path, ("link", os.readlink(path)), "other", "the symbolic link"))

    def check_guards(self):
        for path, before, kind, what in self.guards:
            if isinstance(before, tuple):
                now = ("link", os.readlink(path)) if os.path.islink(path) else digest(path)
            else:
                now = digest(path)
            if now != before:
                how = "removed" if now is None else "created" if before is None else "changed"
                self.problem(kind, f"{what} {self.rel(path)} was {how}")

    def rel(self, path):
        return os.path.relpath(path, self.dir) if path.startswith(self.dir) else path

    def copy(self, src, name, guard=True, kind="lost"):
        dst = self.path(name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
        if guard:
            self.guard(dst, kind)
        return dst

    def good(self, name="out.h5", model="fk", guard=True):
        """A copy of a good output (and its sidecar) at name; guarded unless guard is false."""
        path = self.copy(FIX[model + ".h5"], name, guard)
        self.copy(FIX[model + ".xmf"], name[:-3] + ".xmf", guard)
        return path

    def victim(self, name="victim.h5"):
        """A guarded regular file for a link to point at."""
        dst = self.copy(FIX["fk.h5"], name, guard=False)
        return self.guard(dst, "symlink", "the link target")

    def link(self, name, target, guard_target=True):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)
        if guard_target and not any(g[0] == target for g in self.guards):
            self.guard(target, "symlink", "the link target")
        return path

    # runs
    def start(self, args, ranks=1, prefix=None, env=None):
        shown = mh_cmd(args, ranks, prefix)
        return Proc(shown, self.dir, env, shown)

    def run(self, args, ranks=1, timeout=None, prefix=None, env=None):
        r = self.start(args, ranks, prefix, env).wait(timeout or self.timeout)
        self.runs.append(r)
        return r

    # checks
    def crashes(self, r, what="the run"):
        if r.timed_out:
            self.problem("crash", f"{what}: no exit within {r.secs:.0f} s (hang)")
        elif r.rc is not None and r.rc < 0:
            self.problem("crash", f"{what}: killed by signal {-r.rc}")
        bad = [s for s in FORBIDDEN if s in r.out]
        m = CRASH.search(r.out)
        if m:
            bad.append(m.group(0))
        if bad:
            self.problem("crash", f"{what}: its output holds " + ", ".join(repr(b) for b in bad))

    def expect_error(self, r, patterns=(), within=None, what="the run"):
        """One line matching patterns, status 1, no crash, no traceback (within seconds)."""
        self.expected_errors += 1
        n = len(self.problems)
        self.crashes(r, what)
        lines = r.lines()
        if not r.timed_out:
            if r.rc == 0:
                self.problem("status", f"{what}: exit status 0, expected 1")
            elif r.rc is not None and r.rc != 1:
                self.problem("status", f"{what}: exit status {r.rc}, expected 1")
        if len(lines) != 1:
            self.problem("message", f"{what}: {len(lines)} '{ERR}' lines, expected 1")
        else:
            if not lines[0].startswith(ERR):
                self.problem("message", f"{what}: the error line does not start with '{ERR}'")
            for pat in patterns:
                if not re.search(pat, lines[0]):
                    self.problem("message", f"{what}: the error line does not match /{pat}/: {lines[0]}")
        if within is not None and r.secs > within:
            self.problem("other", f"{what}: took {r.secs:.1f} s, expected an error within {within:g} s")
        if len(lines) == 1 and r.rc not in (0, None) and r.rc > 0 and not any(k == "crash" for k, _ in self.problems[n:]):
            self.one_line += 1
        return lines[0] if lines else ""

    def expect_ok(self, r, what="the run"):
        self.crashes(r, what)
        if not r.timed_out and r.rc != 0:
            self.problem("status", f"{what}: exit status {r.rc}, expected 0" + (f" ({r.lines()[0]})" if r.lines() else ""))
        elif r.lines():
            self.problem("message", f"{what}: exit 0 but printed {r.lines()[0]!r}")
        return not r.timed_out and r.rc == 0

    def expect_output(self, path, n, what="the output"):
        """path is a regular file (not a link) holding n complete snapshots."""
        if os.path.islink(path):
            self.problem("other", f"{what} {self.rel(path)} is still a symbolic link (expected a regular file)")
            return
        got = snapshots(path)
        if got != n:
            self.problem("other", f"{what} {self.rel(path)}: {got if isinstance(got, str) else f'{got} snapshots'}, expected {n}")

    def no_temporaries(self, folder=None, planted=()):
        """No temporary file left behind by a run that ended normally."""
        folder = folder or self.dir
        left = [n for n in os.listdir(folder) if re.search(r"\.partial|\.tmp", n) and os.path.join(folder, n) not in planted]
        if left:
            self.problem("other", f"temporary files left in {self.rel(folder)}: {', '.join(sorted(left)[:5])}")


CASES = []


def case(cls, name, desc, ranks=(1,), timeout=None, procs=None):
    """Registers fn(ctx, ranks) once per rank count: name-np1, name-np2, ..."""
    def deco(fn):
        for r in ranks:
            CASES.append(Case(cls, f"{name}-np{r}", desc + (f" [{r} ranks]" if r > 1 else ""),
                              (lambda c, r=r: fn(c, r)), procs or r, timeout))
        return fn
    return deco


# ---- A: failing cases ------------------------------------------------------------------------

@case("A", "exists-no-overwrite", "an existing output without -output_overwrite", ranks=(1, 2))
def _(c, n):
    out = c.good()
    c.expect_error(c.run(FK + ["-output", out], n), ["-output", re.escape(out), "exists"])


@case("A", "output-is-folder", "-output names an existing folder (with -output_overwrite)", ranks=(1, 2))
def _(c, n):
    os.makedirs(c.path("sub.h5"))
    c.copy(FIX["fk.h5"], "sub.h5/inside.h5")
    c.expect_error(c.run(FK + ["-output", c.path("sub.h5"), "-output_overwrite"], n), ["-output", re.escape(c.path("sub.h5"))])


@case("A", "overwrite-ok", "-output_overwrite replaces a good output by a complete one and leaves its neighbours alone",
      ranks=(1, 2))
def _(c, n):
    out = c.good(guard=False)
    c.good("neighbour.h5", "mn")
    if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 3)
        c.no_temporaries()


@case("A", "bad-value-keeps-output", "a bad model value with -output_overwrite keeps the good output", ranks=(1, 2))
def _(c, n):
    out = c.good()
    c.expect_error(c.run(FK + ["-output", out, "-output_overwrite", "-fisher_kpp_growth_rate_per_day", "-1"], n),
                   ["-fisher_kpp_growth_rate_per_day"])


@case("A", "checkpoint-prefix-proc", "-checkpoint_prefix in /proc (cannot be created) keeps the good output")
def _(c, n):
    out = c.good()
    c.expect_error(c.run(FK + ["-output", out, "-output_overwrite", "-checkpoint_interval", "0.02",
                               "-checkpoint_prefix", "/proc/microheal_no_such/ck"], n), ["-checkpoint_prefix"])


# ---- B: symbolic links -----------------------------------------------------------------------

def planted_ok(c, n, plant, extra=(), existing=False, checkpoints=False):
    """Plants links (plant: names relative to the case folder) to a guarded victim, runs a good
    case (over an existing output with existing=True), which must succeed, the victim unchanged."""
    out = c.path("out.h5")
    if existing:
        c.good(guard=False)
    victim = c.victim()
    links = [c.link(name, victim, guard_target=False) for name in plant]
    args = (FKR if checkpoints else FK) + ["-output", out] + (["-output_overwrite"] if existing else []) + list(extra)
    if c.expect_ok(c.run(args, n)):
        c.expect_output(out, 5 if checkpoints else 3)
        c.no_temporaries(planted=set(links))
        if checkpoints:
            chk = c.path("out.checkpoint-000001.h5")
            if not os.path.isfile(chk) or os.path.islink(chk):
                c.problem("other", f"no regular checkpoint {c.rel(chk)}")


@case("B", "link-at-partial-fresh", "a link at <output>.partial (fresh output) to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial"])


@case("B", "link-at-partial-overwrite", "a link at <output>.partial to a guarded file, -output_overwrite of an existing output",
      ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial"], existing=True)


@case("B", "link-at-xmf-tmp", "a link at <stem>.xmf.tmp to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.xmf.tmp"])


@case("B", "link-at-checkpoint-tmp", "a link at <prefix>-000001.h5.tmp to a guarded file", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.checkpoint-000001.h5.tmp"], checkpoints=True)


@case("B", "link-at-output-tmp", "a link at <output>.tmp to a guarded file")
def _(c, n):
    planted_ok(c, n, ["out.h5.tmp"], existing=True)


@case("B", "links-at-all-tmp-names", "links at every old temporary name, over an existing output with checkpoints", ranks=(1, 2))
def _(c, n):
    planted_ok(c, n, ["out.h5.partial", "out.h5.tmp", "out.xmf.tmp", "out.checkpoint-000001.h5.tmp",
                      "out.checkpoint-000002.h5.tmp"], existing=True, checkpoints=True)


@case("B", "dangling-links-at-tmp-names", "dangling links at every old temporary name: nothing is created at their targets")
def _(c, n):
    out = c.path("out.h5")
    names = ["out.h5.partial", "out.h5.tmp", "out.xmf.tmp", "out.checkpoint-000001.h5.tmp"]
    for k, name in enumerate(names):
        c.link(name, c.path(f"ghost{k}"))
    if c.expect_ok(c.run(FKR + ["-output", out], n)):
        c.expect_output(out, 5)


@case("B", "output-link-no-overwrite", "-output is a link to a guarded file, no -output_overwrite", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.victim())
    c.guard_link(out)
    c.expect_error(c.run(FK + ["-output", out], n), ["-output", "exists"])


@case("B", "output-link-overwrite", "-output is a link to a guarded file, -output_overwrite: the link is replaced", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.victim())
    if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 3)


@case("B", "output-dangling-no-overwrite", "-output is a dangling link, no -output_overwrite")
def _(c, n):
    out = c.link("out.h5", c.path("ghost.h5"))
    c.guard_link(out)
    c.expect_error(c.run(FK + ["-output", out], n), ["-output", "exists"])


@case("B", "output-dangling-overwrite", "-output is a dangling link, -output_overwrite: nothing at its target", ranks=(1, 2))
def _(c, n):
    out = c.link("out.h5", c.path("ghost.h5"))
    if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 3)


@case("B", "sidecar-link-no-overwrite", "the sidecar <stem>.xmf is a link to a guarded file (no output yet), no -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    link = c.link("out.xmf", c.victim())
    c.guard_link(link)
    c.expect_error(c.run(FK + ["-output", c.path("out.h5")], n), ["exists", r"out\.xmf|-output"])


@case("B", "sidecar-link-overwrite", "the sidecar is a link to a guarded file, -output_overwrite: replaced by a regular file",
      ranks=(1, 2))
def _(c, n):
    link = c.link("out.xmf", c.victim())
    if c.expect_ok(c.run(FK + ["-output", c.path("out.h5"), "-output_overwrite"], n)):
        c.expect_output(c.path("out.h5"), 3)
        if os.path.islink(link) or not os.path.isfile(link):
            c.problem("other", "the sidecar out.xmf is still a link (expected a regular file)")


@case("B", "sidecar-dangling-overwrite", "the sidecar is a dangling link, -output_overwrite: nothing at its target")
def _(c, n):
    link = c.link("out.xmf", c.path("ghost.xmf"))
    if c.expect_ok(c.run(FK + ["-output", c.path("out.h5"), "-output_overwrite"], n)):
        if os.path.islink(link) or not os.path.isfile(link):
            c.problem("other", "the sidecar out.xmf is still a link (expected a regular file)")


@case("B", "checkpoint-exists-fresh", "a fresh run whose <prefix>-000001.h5 exists (default prefix), no -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5")
    c.expect_error(c.run(FKR + ["-output", c.path("out.h5")], n), [r"-checkpoint_prefix|out\.checkpoint-000001\.h5"])


@case("B", "checkpoint-exists-prefix", "a fresh run whose -checkpoint_prefix ck has ck-000001.h5, no -output_overwrite")
def _(c, n):
    c.copy(FIX["fkref.chk1"], "ck-000001.h5")
    c.expect_error(c.run(FKR + ["-output", c.path("out.h5"), "-checkpoint_prefix", c.path("ck")], n),
                   [r"-checkpoint_prefix|ck-000001\.h5"])


@case("B", "checkpoint-exists-overwrite", "a fresh run whose checkpoint exists, with -output_overwrite, succeeds")
def _(c, n):
    c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5", guard=False)
    out = c.path("out.h5")
    if c.expect_ok(c.run(FKR + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 5)


@case("B", "checkpoint-link-overwrite", "a fresh run whose <prefix>-000001.h5 is a link to a guarded file, -output_overwrite",
      ranks=(1, 2))
def _(c, n):
    chk = c.link("out.checkpoint-000001.h5", c.victim())
    out = c.path("out.h5")
    if c.expect_ok(c.run(FKR + ["-output", out, "-output_overwrite"], n)):
        c.expect_output(out, 5)
        if os.path.islink(chk):
            c.problem("other", "the checkpoint out.checkpoint-000001.h5 is still a link")


@case("B", "restart-output-link", "-restart when the output is a link (to the real output)", ranks=(1, 2))
def _(c, n):
    real = c.copy(FIX["fkref.h5"], "real.h5", kind="symlink")
    out = c.link("out.h5", real, guard_target=False)
    c.guard_link(out)
    chk = c.copy(FIX["fkref.chk1"], "out.checkpoint-000001.h5")
    c.expect_error(c.run(FKR + ["-output", out, "-restart", chk], n), [r"-output|-restart"])


def sweep_file(c, params, base=None, options="{nx: 40, t_end: 0.5, output_count: 1}"):
    text = f"sweep:\n  name: s\n  base: {base or FISHER_BASE}\n  options: {options}\n  parameters:\n{params}"
    return write(c.path("s.yaml"), text)


@case("B", "sweep-links-at-tmp-names",
      "a sweep with links at manifest.csv.tmp<pid>, summary.*.tmp<pid>, runs/*.status.tmp<pid> (pids to come)", ranks=(1, 2))
def _(c, n):
    sw = c.path("sw")
    os.makedirs(os.path.join(sw, "runs"))
    victim = c.victim()
    names = ["manifest.csv.tmp", "summary.csv.tmp", "summary.h5.tmp", "runs/p0000.status.tmp", "runs/p0001.status.tmp"]
    with open("/proc/sys/kernel/ns_last_pid") as f:
        last = int(f.read())
    with open("/proc/sys/kernel/pid_max") as f:
        pid_max = int(f.read())
    for name in names:
        os.symlink(victim, os.path.join(sw, name))
        for k in range(1, 400):  # the pids to come (symbolic links cost ~1 ms each here)
            os.symlink(victim, os.path.join(sw, f"{name}{(last + k) % pid_max}"))
    for name in ["runs/p0000.h5.partial", "runs/p0000.xmf.tmp", "runs/p0001.h5.partial", "runs/p0001.xmf.tmp"]:
        os.symlink(victim, os.path.join(sw, name))
    s = sweep_file(c, "    fisher_kpp_growth_rate_per_day: [0.5, 1.0]\n")
    r = c.run(["-sweep", s, "-sweep_output_dir", sw] + (["-sweep_ranks_per_run", "1"] if n > 1 else []), n)
    if c.expect_ok(r, "the sweep"):
        for name in ("manifest.csv", "summary.csv", "summary.h5"):
            p = os.path.join(sw, name)
            if os.path.islink(p) or not os.path.isfile(p):
                c.problem("other", f"the sweep wrote no regular {name}")


# ---- C: restarts -----------------------------------------------------------------------------

def restart_setup(c, number=3, output="ref", all_checkpoints=False, guard=True):
    """Copies of the reference output (or another run's) as run.h5 and its checkpoint number as
    run.checkpoint-00000<number>.h5 (all of them with all_checkpoints); returns (output, checkpoint)."""
    out = c.copy(FIX[output + ".h5"], "run.h5", guard)
    numbers = range(1, 6) if all_checkpoints else [number]
    for k in numbers:
        c.copy(FIX[f"ref.chk{k}"], f"run.checkpoint-{k:06d}.h5", guard)
    return out, c.path(f"run.checkpoint-{number:06d}.h5")


def replace_arg(args, option, value):
    a = list(args)
    a[a.index(option) + 1] = value
    return a


@case("C", "restart-same-options-last", "control: -restart from the last checkpoint with the same options succeeds, all snapshots",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, 5, all_checkpoints=True, guard=False)
    for k in range(1, 6):  # the checkpoint restarted from and the older ones are inputs
        c.guard(c.path(f"run.checkpoint-{k:06d}.h5"))
    if c.expect_ok(c.run(MNR + ["-output", out, "-restart", chk], n)):
        c.expect_output(out, 5)
        with h5py.File(out, "r") as f, h5py.File(FIX["ref.h5"], "r") as g:
            if len(f["time"]) == len(g["time"]) and not np.allclose(f["time"][:], g["time"][:], rtol=0, atol=1e-12):
                c.problem("other", f"output times {f['time'][:]} against {g['time'][:]}")


@case("C", "restart-same-options-middle", "control: -restart from checkpoint 2 of 5 (the later ones present) succeeds, all snapshots",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, 2, all_checkpoints=True, guard=False)
    for k in (1, 2):
        c.guard(c.path(f"run.checkpoint-{k:06d}.h5"))
    if c.expect_ok(c.run(MNR + ["-output", out, "-restart", chk], n)):
        c.expect_output(out, 5)


# (to keep the battery within its time, a check that shares its code with another one runs on
# one rank only: the options recorded in a checkpoint are compared in one place)
RESTART_DIFFS = [
    ("needle-length", "a different -microneedling_needle_length_mm", MNR + ["-microneedling_needle_length_mm", "0.5"],
     [r"-microneedling_needle_length_mm"], (1, 2)),
    ("output-count", "a different -output_count", replace_arg(MNR, "-output_count", "5"), [r"-output_count"], (1,)),
    ("output-spacing", "-output_spacing log", MNR + ["-output_spacing", "log"], [r"-output_spacing"], (1,)),
    ("t-end", "a different -t_end", replace_arg(MNR, "-t_end", "0.02"), [r"-t_end"], (1,)),
    ("grid", "a different grid (-nx)", replace_arg(MNR, "-nx", "10"), [r"-nx|grid"], (1, 2)),
    ("model", "another model (fisher_kpp)", ["-model", "fisher_kpp", "-nx", "50", "-t_end", "0.01", "-output_count", "4",
                                             "-checkpoint_interval", "0.002", "-checkpoint_keep", "10", "-quiet"],
     [r"-model|microneedling|fisher_kpp"], (1, 2)),
]
for _key, _desc, _args, _pats, _ranks in RESTART_DIFFS:
    @case("C", f"restart-{_key}", f"-restart with {_desc}", ranks=_ranks)
    def _(c, n, args=_args, pats=_pats):
        out, chk = restart_setup(c)
        c.expect_error(c.run(args + ["-output", out, "-restart", chk], n), pats)


@case("C", "restart-other-run-output", "-restart onto the output of another run of the same options (another run id)",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, output="other")
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart|-output"])


@case("C", "restart-nan-state", "-restart from a checkpoint whose /state holds a NaN", ranks=(1, 2))
def _(c, n):
    out = c.copy(FIX["ref.h5"], "run.h5")
    chk = c.copy(FIX["ref.chk3"], "run.checkpoint-000003.h5", guard=False)
    with h5py.File(chk, "r+") as f:
        s = f["state"][...]
        s.flat[s.size // 2] = np.nan
        f["state"][...] = s
    c.guard(chk)
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart", r"(?i)nan|finite"])


@case("C", "restart-missing-output", "-restart whose output is missing: nothing is created", ranks=(1, 2))
def _(c, n):
    chk = c.copy(FIX["ref.chk3"], "run.checkpoint-000003.h5")
    out = c.guard(c.path("run.h5"))
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart|-output", r"run\.h5"])


def bad_checkpoint(kind, path):
    """Makes path a bad checkpoint of the given kind."""
    data = open(FIX["ref.chk3"], "rb").read()
    if kind == "empty":
        write(path, b"")
    elif kind == "truncated":
        write(path, data[:len(data) // 2])
    elif kind == "text":
        write(path, "this is not a checkpoint\n" * 20)
    elif kind == "png":
        write(path, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    elif kind == "foreign-hdf5":
        foreign_h5(path)
    elif kind == "folder":
        os.makedirs(path)
    elif kind == "output-file":
        shutil.copyfile(FIX["ref.h5"], path)
    elif kind != "missing":
        raise ValueError(kind)


# kind, what, rank counts for -restart, for -initial_condition_file
BAD_FILES = [("empty", "an empty file", (1, 2), (1,)), ("truncated", "its first half", (1, 2), (1, 2)),
             ("text", "a text file", (1, 2), (1,)), ("png", "a PNG-like binary", (1,), (1,)),
             ("foreign-hdf5", "an HDF5 file that is no microheal file", (1, 2), (1, 2)),
             ("folder", "a folder", (1, 2), (1,)), ("missing", "a path that does not exist", (1, 2), (1, 2))]
for _kind, _desc, _ranks, _ in BAD_FILES + [("output-file", "a microheal output (not a checkpoint)", (1,), None)]:
    @case("C", f"restart-checkpoint-{_kind}", f"-restart from {_desc}", ranks=_ranks)
    def _(c, n, kind=_kind):
        out = c.copy(FIX["ref.h5"], "run.h5")
        chk = c.path("run.checkpoint-000003.h5")
        bad_checkpoint(kind, chk)
        c.guard(chk)
        c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart", re.escape(os.path.basename(chk))])

for _kind, _desc, _, _ranks in BAD_FILES + [("other-grid", "an output of another grid (-nx 12)", None, (1, 2))]:
    @case("C", f"initial-condition-{_kind}", f"-initial_condition_file {_desc} (the good output kept)", ranks=_ranks)
    def _(c, n, kind=_kind):
        out = c.good(model="mn")
        ic = c.path("ic.h5")
        if kind == "other-grid":
            shutil.copyfile(FIX["mn12.h5"], ic)
        elif kind == "truncated":
            data = open(FIX["mn.h5"], "rb").read()
            write(ic, data[:len(data) // 2])
        else:
            bad_checkpoint(kind, ic)
        c.guard(ic)
        c.expect_error(c.run(MN + ["-output", out, "-output_overwrite", "-initial_condition_file", ic], n),
                       [r"-initial_condition_file", r"ic\.h5"])


@case("C", "initial-condition-ok", "control: -initial_condition_file of a good output succeeds and leaves that file unchanged")
def _(c, n):
    ic = c.copy(FIX["mn.h5"], "ic.h5")
    out = c.path("out.h5")
    if c.expect_ok(c.run(MN + ["-output", out, "-initial_condition_file", ic], n)):
        c.expect_output(out, 2)


# ---- D: checks before the point of no return -------------------------------------------------

@case("D", "checkpoint-prefix-under-file", "-checkpoint_prefix <a regular file>/sub/x with -output_overwrite", ranks=(1, 2))
def _(c, n):
    out = c.good()
    afile = c.copy(FIX["fk.xmf"], "afile")
    c.expect_error(c.run(FK + ["-output", out, "-output_overwrite", "-checkpoint_interval", "0.02",
                               "-checkpoint_prefix", afile + "/sub/x"], n), [r"-checkpoint_prefix"])


@case("D", "output-under-file", "-output <a regular file>/x.h5", ranks=(1, 2))
def _(c, n):
    afile = c.copy(FIX["fk.xmf"], "afile")
    c.expect_error(c.run(FK + ["-output", afile + "/x.h5", "-output_overwrite"], n), [r"-output", re.escape(afile)])


@case("D", "output-count-too-large", "-output_count 1000000000 with -output_overwrite: refused at once (< 10 s), the output kept",
      ranks=(1, 2), timeout=30)
def _(c, n):
    out = c.good()
    c.expect_error(c.run(FK + ["-output", out, "-output_overwrite", "-output_count", "1000000000"], n, timeout=30),
                   [r"-output_count|(?i:disk|space)"], within=10)


@case("D", "runtime-failure-keeps-output", "a run that fails after it started (-pc_type nosuchpc) keeps the good output",
      ranks=(1, 2))
def _(c, n):
    out = c.good()
    c.expect_error(c.run(FK + ["-output", out, "-output_overwrite", "-pc_type", "nosuchpc"], n), ["nosuchpc"])


@case("D", "t-end-1e20", "-output_overwrite -t_end 1e20: the good output kept if it fails, a complete output if it succeeds",
      ranks=(1, 2))
def _(c, n):
    out = c.good(guard=False)
    before = digest(out)
    r = c.run(FK + ["-output", out, "-output_overwrite", "-t_end", "1e20"], n)
    if r.rc == 0:
        c.expect_ok(r)
        c.expect_output(out, 3)
        with h5py.File(out, "r") as f:
            if len(f["time"]) and f["time"][-1] != 1e20:
                c.problem("other", f"the last output time is {f['time'][-1]!r}, expected 1e20")
    else:
        c.expect_error(r)
        if digest(out) != before:
            c.problem("lost", "the good output out.h5 was changed by a run that failed")


HAVE_UNSHARE = None


def have_unshare():
    global HAVE_UNSHARE
    if HAVE_UNSHARE is None:
        try:
            HAVE_UNSHARE = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt && umount /mnt"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=20).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            HAVE_UNSHARE = False
    return HAVE_UNSHARE


def tmpfs_case(c, n, size, fill_leave_kb, args, fill_during=False):
    """A private tmpfs of size at disk/ holding the good output (and, with fill_leave_kb, a filler
    leaving that many KiB free; with fill_during, a filler taking all space once the run's
    temporary output exists, past every check made before it); runs args with -output disk/out.h5
    -output_overwrite there; the good output must be unchanged and the run fail with one line
    naming the disk or space."""
    if not have_unshare():
        c.skipped = "unshare -m is not available (needs root): the full-disk case is skipped"
        return
    disk, rep = c.path("disk"), c.path("report")
    os.makedirs(disk)
    os.makedirs(rep)
    T = int(c.timeout) - 5
    cmd = mh_cmd(args + ["-output", os.path.join(disk, "out.h5"), "-output_overwrite"], n)
    q = shlex.quote
    fill = ""
    if fill_leave_kb is not None:
        fill = (f"avail=$(df -k --output=avail {q(disk)} | tail -1)\n"
                f"head -c $(( (avail - {fill_leave_kb}) * 1024 )) /dev/zero > {q(disk)}/filler || true\n")
    script = (f"set -e\nmount -t tmpfs -o size={size} tmpfs {q(disk)}\n"
              f"cp {q(FIX['fk.h5'])} {q(disk)}/out.h5\ncp {q(FIX['fk.xmf'])} {q(disk)}/out.xmf\n{fill}"
              f"sha256sum {q(disk)}/out.h5 {q(disk)}/out.xmf > {q(rep)}/before\nset +e\n"
              + (f"timeout -k 2 {T} {shlex.join(cmd)} > {q(rep)}/log 2>&1\necho $? > {q(rep)}/rc\n" if not fill_during else
                 f"timeout -k 2 {T} {shlex.join(cmd)} > {q(rep)}/log 2>&1 &\nP=$!\n"
                 f"i=0; while [ $i -lt 400 ] && ! ls {q(disk)}/.out.h5.partial-* >/dev/null 2>&1; do sleep 0.05; i=$((i+1)); done\n"
                 f"head -c 4G /dev/zero > {q(disk)}/filler 2>/dev/null\nwait $P\necho $? > {q(rep)}/rc\n") +
              f"sha256sum {q(disk)}/out.h5 {q(disk)}/out.xmf > {q(rep)}/after 2>&1\n"
              f"df -k {q(disk)} > {q(rep)}/df 2>&1; ls -la {q(disk)} >> {q(rep)}/df 2>&1\n")
    t0 = time.time()
    shown = ["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size={size} ... && " + shlex.join(cmd)]
    sh = Proc(["unshare", "-m", "sh", "-c", script], c.dir, None, shown)
    shr = sh.wait(c.timeout)

    def rd(name):
        try:
            return open(os.path.join(rep, name), errors="replace").read()
        except OSError:
            return None
    log, rc = rd("log") or "", rd("rc")
    if rc is None:
        c.problem("other", f"the private mount did not work: {shr.out[-500:]}")
        return
    rc = int(rc)  # through the shell: 124, 137 timeout; 128 + N killed by signal N
    r = Run(sh.shown, None if rc in (124, 137) else -(rc - 128) if rc > 128 else rc, log, time.time() - t0, rc in (124, 137))
    c.runs.append(r)
    c.expect_error(r, [r"(?i)disk|space|full"])
    before, after = rd("before"), rd("after")
    if before != after:
        c.problem("lost", f"the good output on the full disk changed:\n  before {before.strip()}\n  after  {(after or '').strip()}")


@case("D", "disk-overflow", "a 200k tmpfs holding the good output, -output_overwrite with -output_count 400 (does not fit)",
      ranks=(1, 2))
def _(c, n):
    tmpfs_case(c, n, "200k", None, replace_arg(FK, "-output_count", "400"))


@case("D", "disk-full", "a 200k tmpfs holding the good output, filled but for 12 KiB, -output_overwrite of the same run",
      ranks=(1, 2))
def _(c, n):
    tmpfs_case(c, n, "200k", 12, FK)


@case("D", "disk-fills-during-run", "a 16M tmpfs holding the good output, filled to the last byte once an -output_overwrite run is writing",
      ranks=(1, 2))
def _(c, n):
    args = list(SLOW)
    args[args.index("-t_end") + 1] = "4"  # long enough to be mid-run when the filler lands, however fast the machine
    tmpfs_case(c, n, "16m", None, args, fill_during=True)


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


# ---- F: hangs --------------------------------------------------------------------------------

def with_semaphores(c, names, body):
    """Runs body() with locked semaphores planted as /dev/shm/sem.OMPIO_<name> (removed after)."""
    planted = []
    try:
        for name in names:
            if os.path.lexists(f"/dev/shm/sem.OMPIO_{name}"):
                c.problem("other", f"/dev/shm/sem.OMPIO_{name} exists already (another case?)")
                return
            planted.append(locked_semaphore("OMPIO_" + name))
        body()
    finally:
        for p in planted:
            try:
                os.unlink(p)
            except OSError:
                pass


SEM_TIMEOUT = 30


@case("F", "stale-semaphore-fresh", "a locked sem.OMPIO_<output name> in /dev/shm: a fresh run ends normally",
      ranks=(1, 2), timeout=SEM_TIMEOUT)
def _(c, n):
    name = f"semf{n}_{os.path.basename(c.dir)[-8:]}.h5"
    out = c.path(name)

    def body():
        if c.expect_ok(c.run(FK + ["-output", out], n)):
            c.expect_output(out, 3)
    with_semaphores(c, [name], body)


@case("F", "stale-semaphore-overwrite", "a locked sem.OMPIO_<output name>: -output_overwrite of an existing output ends normally",
      timeout=SEM_TIMEOUT)
def _(c, n):
    name = f"semo{n}_{os.path.basename(c.dir)[-8:]}.h5"
    out = c.good(name, guard=False)

    def body():
        if c.expect_ok(c.run(FK + ["-output", out, "-output_overwrite"], n)):
            c.expect_output(out, 3)
    with_semaphores(c, [name], body)


@case("F", "stale-semaphore-restart", "a locked sem.OMPIO_<output name> (and of the checkpoint): -restart ends normally",
      ranks=(1, 2), timeout=SEM_TIMEOUT)
def _(c, n):
    name = f"semr{n}_{os.path.basename(c.dir)[-8:]}"
    out = c.copy(FIX["fkref.h5"], name + ".h5", guard=False)
    chk = c.copy(FIX["fkref.chk1"], name + ".checkpoint-000001.h5", guard=False)

    def body():
        if c.expect_ok(c.run(FKR + ["-output", out, "-restart", chk], n)):
            c.expect_output(out, 5)
    with_semaphores(c, [name + ".h5", name + ".checkpoint-000001.h5"], body)


@case("F", "stale-semaphore-initial-condition", "a locked sem.OMPIO_<initial condition file name>: the run ends normally",
      ranks=(1, 2), timeout=SEM_TIMEOUT)
def _(c, n):
    name = f"semi{n}_{os.path.basename(c.dir)[-8:]}.h5"
    ic = c.copy(FIX["fk.h5"], name)

    def body():
        if c.expect_ok(c.run(FK + ["-output", c.path("out.h5"), "-initial_condition_file", ic], n)):
            c.expect_output(c.path("out.h5"), 3)
    with_semaphores(c, [name], body)


def folder_bytes(folder):
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def signal_case(c, n, sig, to_mpiexec=False):
    """An output-heavy run (-output_count 100000 on 50 cells, ~20 s; 10000 if the disk check
    refuses it) gets sig once it has written 1.5 MB (by then one step spans thousands of output
    times); it must end within 5 s with status 75 or one error line."""
    out = c.path("out.h5")
    for count in ("100000", "10000"):
        p = c.start(replace_arg(FK, "-output_count", count) + ["-output", out, "-progress_interval", "0"], n)
        t0 = time.time()
        while time.time() - t0 < 15 and p.running() and folder_bytes(c.dir) < 1.5e6:
            time.sleep(0.1)
        time.sleep(1.0)
        if p.running():
            break
        r = p.wait(5)
        c.runs.append(r)
        if r.rc == 0 or not re.search(r"(?i)disk|space", r.out):
            c.problem("other", f"the run ended (status {r.rc}) before it could be signalled")
            return
    else:
        c.problem("other", "the disk check refused -output_count 100000 and 10000 on 50 cells")
        return
    targets = [p.pid] if (n == 1 or to_mpiexec) else [t for t in ranks_of(p.pid) if t != p.pid]
    ts = time.time()
    for t in targets:
        try:
            os.kill(t, sig)
        except OSError:
            pass
    r = p.wait(ts - p.t0 + 5)
    c.runs.append(r)
    if r.timed_out:
        c.problem("crash", f"still running 5 s after {signal.Signals(sig).name} (killed)")
        return
    c.crashes(r)
    if r.rc == 75:
        if r.lines():
            c.problem("message", f"status 75 but an error line: {r.lines()[0]}")
    elif r.rc == 1:
        c.expected_errors += 1
        if len(r.lines()) == 1:
            c.one_line += 1
        else:
            c.problem("message", f"status 1 with {len(r.lines())} '{ERR}' lines, expected 1")
    else:
        c.problem("status", f"exit status {r.rc} after {signal.Signals(sig).name}, expected 75 or 1")


@case("F", "sigterm-output-heavy", "SIGTERM (to every rank) during an output-heavy run ends it within 5 s",
      ranks=(1, 2), timeout=40)
def _(c, n):
    signal_case(c, n, signal.SIGTERM)


@case("F", "sigusr1-mpiexec-output-heavy", "SIGUSR1 to mpiexec during an output-heavy run ends it within 5 s",
      ranks=(2,), timeout=40)
def _(c, n):
    signal_case(c, n, signal.SIGUSR1, to_mpiexec=True)


def include_case(c, n, files, first):
    """files: {name: text with {name} placeholders for paths}; runs -options_file first with a
    good set-up on the command line: one line (naming an options file or the include), no crash."""
    paths = {k: c.path(k) for k in files}
    for k, text in files.items():
        write(paths[k], text.format(**{re.sub(r"\W", "_", a): b for a, b in paths.items()}))
    pats = [r"-options_file|(?i:include|options file)|" + "|".join(re.escape(k) for k in files)]
    c.expect_error(c.run(["-options_file", paths[first]] + FK + ["-output", c.path("o.h5")], n), pats)


@case("F", "options-file-includes-itself", "a text options file with -options_file <itself>", ranks=(1, 2))
def _(c, n):
    include_case(c, n, {"self.opts": "-options_file {self_opts}\n"}, "self.opts")


@case("F", "yaml-options-file-key-itself", "a YAML options file with options_file: <itself>")
def _(c, n):
    include_case(c, n, {"self.yaml": "options_file: {self_yaml}\n"}, "self.yaml")


@case("F", "yaml-include-itself", "a YAML options file with $$include: !include <itself> (PETSc 3.18 include syntax)",
      ranks=(1, 2))
def _(c, n):
    include_case(c, n, {"self.yaml": "$$include: !include {self_yaml}\n"}, "self.yaml")


@case("F", "options-files-include-each-other", "two text options files including each other")
def _(c, n):
    include_case(c, n, {"a.opts": "-options_file {b_opts}\n", "b.opts": "-options_file {a_opts}\n"}, "a.opts")


@case("F", "yaml-files-include-each-other", "two YAML options files including each other ($$include)")
def _(c, n):
    include_case(c, n, {"a.yaml": "$$include: !include {b_yaml}\n", "b.yaml": "$$include: !include {a_yaml}\n"}, "a.yaml")


# ---- G: one line instead of tracebacks -------------------------------------------------------

@case("G", "options-file-folder", "a folder as -options_file", ranks=(1, 2))
def _(c, n):
    os.makedirs(c.path("opts.yaml"))
    c.expect_error(c.run(["-options_file", c.path("opts.yaml")] + FK + ["-output", c.path("o.h5")], n),
                   [r"-options_file|(?i:options file)", r"opts\.yaml"])


@case("G", "options-file-under-file", "-options_file <a regular file>/x.yaml (not readable)", ranks=(1, 2))
def _(c, n):
    afile = c.copy(FIX["fk.xmf"], "afile")
    c.expect_error(c.run(["-options_file", afile + "/x.yaml"] + FK + ["-output", c.path("o.h5")], n),
                   [r"-options_file|(?i:options file)", re.escape(afile)])


@case("G", "options-file-600-unknown", "an options file with 600 distinct unknown options (PETSc holds 512)")
def _(c, n):
    f = write(c.path("many.opts"), "".join(f"-zz_unknown_option_{i} 1\n" for i in range(600)))
    c.expect_error(c.run(["-options_file", f] + FK + ["-output", c.path("o.h5")], n), [r"(?i)option"])


@case("G", "yaml-600-lines", "a YAML options file of 600 lines (600 distinct keys)")
def _(c, n):
    f = write(c.path("many.yaml"), "".join(f"zz_unknown_key_{i}: {i}\n" for i in range(600)))
    c.expect_error(c.run(["-options_file", f] + FK + ["-output", c.path("o.h5")], n), [r"(?i)option|many\.yaml"])


@case("G", "command-line-600-options", "600 distinct unknown options on the command line")
def _(c, n):
    extra = [x for i in range(600) for x in (f"-zz_opt_{i}", "1")]
    c.expect_error(c.run(FK + ["-output", c.path("o.h5")] + extra, n), [r"(?i)option"])


@case("G", "grid-beyond-32-bit", "-dim 3 -nx 4000 -ny 4000 -nz 4000 (6.4e10 cells): one line saying what to change",
      ranks=(1, 2), timeout=30)
def _(c, n):
    c.expect_error(c.run(["-model", "fisher_kpp", "-dim", "3", "-nx", "4000", "-ny", "4000", "-nz", "4000",
                          "-output", c.path("o.h5")], n, timeout=30),
                   [r"-nx|-ny|-nz|(?i:cells)", r"(?i)64.?bit|fewer|smaller|reduce|at most|coarser|too many|too large|limit"], within=10)


# a guard for the memory cases, so that a build that tries to allocate does not take the machine
MEM_GUARD = ["sh", "-c", 'ulimit -v 8000000 && exec "$@"', "sh"]


@case("G", "grid-beyond-32-bit-nonzeros", "-dim 3 -nx 1000 -ny 1000 -nz 1000 (1e9 cells, 7e9 Jacobian nonzeros): one line, within 10 s",
      timeout=30)
def _(c, n):
    c.expect_error(c.run(["-model", "fisher_kpp", "-dim", "3", "-nx", "1000", "-ny", "1000", "-nz", "1000",
                          "-output", c.path("o.h5")], n, timeout=30, prefix=MEM_GUARD),
                   [r"-nx|-ny|-nz|(?i:cells)"], within=10)


@case("G", "grid-beyond-memory", "-dim 3 -nx 600 -ny 600 -nz 600 (2.2e8 cells, within 32-bit indices; ~100 GB): one line, within 10 s",
      ranks=(1, 2), timeout=30)
def _(c, n):
    c.expect_error(c.run(["-model", "fisher_kpp", "-dim", "3", "-nx", "600", "-ny", "600", "-nz", "600",
                          "-output", c.path("o.h5")], n, timeout=30, prefix=MEM_GUARD),
                   [r"(?i)memory|[GT]i?B|bytes"], within=10)


@case("G", "grid-beyond-ulimit", "-dim 3 200^3 cells under ulimit -v 2 GB: one line, within 10 s", timeout=30)
def _(c, n):
    c.expect_error(c.run(["-model", "fisher_kpp", "-dim", "3", "-nx", "200", "-ny", "200", "-nz", "200",
                          "-output", c.path("o.h5")], n, timeout=30, prefix=["sh", "-c", 'ulimit -v 2000000 && exec "$@"', "sh"]),
                   [r"(?i)memory|[GT]i?B|bytes"], within=10)


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
