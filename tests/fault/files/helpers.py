"""Shared by the classes of tests/fault/fault_files.py: the set-ups, the processes, the file
checks, a case's context (Ctx) and the case registry (the @case decorator, CASES, FIX).

Imported by fault_files.py, which puts tests/common on sys.path first."""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

import h5py
import numpy as np

import mhtest

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


def replace_arg(args, option, value):
    a = list(args)
    a[a.index(option) + 1] = value
    return a


def sweep_file(c, params, base=None, options="{nx: 40, t_end: 0.5, output_count: 1}"):
    text = f"sweep:\n  name: s\n  base: {base or FISHER_BASE}\n  options: {options}\n  parameters:\n{params}"
    return write(c.path("s.yaml"), text)
