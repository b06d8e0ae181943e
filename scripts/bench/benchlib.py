"""Shared helpers of the benchmarks in scripts/bench/: the Release build they time, compiling the
small C programs they need at run time, running a command with its wall and CPU time, reading
PETSc's -log_view, and the table each benchmark prints and writes to out/bench/<name>.txt.

Timing: wall seconds of the whole process and its CPU seconds (user + system, from the kernel's
accounting of the child); PETSc's own "Time (sec)" from -log_view where a run is a PETSc
program. On a shared machine the CPU time of a one-rank run is the steadier figure, so the
one-rank comparisons use it for their ratios and show the wall time beside it."""
import datetime
import os
import platform
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "out", "bench")
PYTHON = "/usr/bin/python3"


class BenchError(Exception):
    """A problem the user can fix (missing tool, failed build or run): printed as one message."""


def fail(msg):
    sys.stderr.write(f"{os.path.basename(sys.argv[0])}: error: {msg}\n")
    raise SystemExit(1)


def main_guard(fn):
    """Runs fn(), turning BenchError and Ctrl-C into one line and exit status 1."""
    try:
        fn()
    except BenchError as e:
        fail(str(e))
    except KeyboardInterrupt:
        fail("interrupted")


def env():
    """The environment for MPI runs here (as scripts/env.sh): Open MPI as root, oversubscription."""
    e = dict(os.environ)
    e.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
              "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_btl_vader_single_copy_mechanism": "none"})
    return e


def _check_call(cmd, what, cwd=ROOT):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env())
    if p.returncode != 0:
        raise BenchError(f"{what} failed ({shlex.join(cmd)}):\n{p.stdout[-3000:]}")
    return p.stdout


def build(build_dir):
    """Configures (CMAKE_BUILD_TYPE=Release) and builds microheal in build_dir; returns the executable."""
    bdir = os.path.join(ROOT, build_dir)
    if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
        _check_call(["cmake", "-S", ROOT, "-B", bdir, "-DCMAKE_BUILD_TYPE=Release"], "configuring " + build_dir)
    _check_call(["cmake", "--build", bdir, "-j2", "--target", "microheal"], "building microheal in " + build_dir)
    with open(os.path.join(bdir, "CMakeCache.txt")) as f:
        m = re.search(r"^CMAKE_BUILD_TYPE:STRING=(.*)$", f.read(), re.M)
    if not m or m.group(1) != "Release":
        sys.stderr.write(f"warning: {build_dir} is a {m.group(1) if m else 'default'} build, not Release: timings are not comparable\n")
    return os.path.join(bdir, "microheal")


def petsc_flags():
    """Compiler, compile flags and link flags of the PETSc that microheal builds against."""
    def pc(*args):
        p = subprocess.run(["pkg-config", *args, "PETSc"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise BenchError("pkg-config cannot find PETSc (install petsc-dev: ./scripts/setup)")
        return p.stdout.split()
    cc = (pc("--variable=ccompiler") or ["mpicc"])[0]
    libdir = pc("--variable=libdir")[0]
    return cc, pc("--cflags"), pc("--libs") + [f"-Wl,-rpath,{libdir}"]


def compile_c(sources, exe, extra_cflags=(), extra_libs=()):
    """Compiles C sources into exe with -O3 and PETSc's flags (kept in out/bench/, never committed)."""
    cc, cflags, libs = petsc_flags()
    os.makedirs(os.path.dirname(exe), exist_ok=True)
    _check_call([cc, "-O3", *cflags, *extra_cflags, "-o", exe, *sources, *libs, *extra_libs, "-lm"], "compiling " + os.path.basename(exe))
    return exe


class Result:
    """One finished run: wall and CPU seconds, peak RSS [bytes], return code, output."""

    def __init__(self, wall, cpu, maxrss, rc, out):
        self.wall, self.cpu, self.maxrss, self.rc, self.out = wall, cpu, maxrss, rc, out


def run(cmd, cwd=ROOT, check=True):
    """Runs cmd (a list), returning a Result; CPU time and peak RSS are the kernel's accounting of
    the child (and of the descendants it waited for, e.g. the ranks under mpiexec)."""
    cmd = [str(c) for c in cmd]
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env())
    except FileNotFoundError:
        raise BenchError(f"cannot run {cmd[0]}: not found")
    out = p.stdout.read()
    p.stdout.close()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = rc = os.waitstatus_to_exitcode(status)
    if check and rc != 0:
        raise BenchError(f"{shlex.join(cmd)} exited with status {rc}:\n{out[-3000:]}")
    return Result(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, rc, out)


def log_view(path):
    """PETSc's -log_view text (path): {'total': Time (sec) max, event: (count, max time [s])}."""
    try:
        text = open(path).read()
    except OSError:
        raise BenchError(f"no -log_view output in {path}")
    d = {}
    m = re.search(r"^Time \(sec\):\s+(\S+)", text, re.M)
    if not m:
        raise BenchError(f"{path} is not a PETSc -log_view summary")
    d["total"] = float(m.group(1))
    for m in re.finditer(r"^(\w+)\s+(\d+)\s+\S+\s+(\S+)\s+\S+\s+\S+\s+\S+", text, re.M):
        try:
            d.setdefault(m.group(1), (int(m.group(2)), float(m.group(3))))
        except ValueError:
            continue
    return d


def outcomes(out):
    """The outcomes microheal prints after its summary line ("Done: ..."): {name: value}."""
    d, on = {}, False
    for line in out.splitlines():
        if line.startswith("Done:"):
            on = True
            continue
        if on:
            m = re.match(r"^\s{2}(\w+)\s+(\S+)", line)
            if m:
                try:
                    d[m.group(1)] = float(m.group(2))
                except ValueError:
                    pass
            elif line.strip() and not line.startswith("Outcomes"):
                if d:
                    break
    return d


def opts_tag(opts):
    """A short file-name tag for extra options: a preset's base name, else "custom"."""
    words = opts.split()
    for i, w in enumerate(words[:-1]):
        if w == "-options_file":
            return os.path.splitext(os.path.basename(words[i + 1]))[0]
    return "custom"


def machine():
    """One line naming the machine: CPU model, cores, memory, OS and date."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        mem = float("nan")
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; {platform.system()} {platform.release()}; "
            f"microheal git {rev or '?'}; {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; load average {load:.2f} at start")


def table(headers, rows):
    """Rows (lists of strings or numbers) as an aligned text table."""
    cells = [[str(h) for h in headers]] + [[c if isinstance(c, str) else fmt(c) for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w[i]) if i else c.ljust(w[i]) for i, c in enumerate(r)) for r in cells]
    lines.insert(1, "  ".join("-" * x for x in w))
    return "\n".join(lines)


def fmt(x):
    """A number in 4 significant digits (integers as they are)."""
    if isinstance(x, int):
        return str(x)
    if x != x:
        return "-"
    return f"{x:.4g}"


def goal(what, measured, target, higher_is_better=True, unit=""):
    """'<what>: <measured> (goal >= target): met|NOT met'."""
    ok = measured >= target if higher_is_better else measured <= target
    op = ">=" if higher_is_better else "<="
    return f"{what}: {fmt(measured)}{unit} (goal {op} {fmt(target)}{unit}): {'met' if ok else 'NOT met'}"


def report(name, title, host, body):
    """Prints the report and writes it to out/bench/<name>.txt; host is machine() taken at the start."""
    text = f"{title}\nmachine: {host}\n\n{body.rstrip()}\n"
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".txt")
    with open(path, "w") as f:
        f.write(text)
    print(text + f"(written to {os.path.relpath(path, ROOT)})")
