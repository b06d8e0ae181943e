"""microheal under AddressSanitizer and UndefinedBehaviorSanitizer.

Configures and builds a separate tree with -fsanitize=address,undefined (reused when it exists,
so a rerun only rebuilds what changed), then runs in it: the unit-labelled C tests (ctest -L
unit), a short microneedling run with output, the same on 2 ranks, and two runs that stop on a bad
input (the error paths). Fails on any sanitizer report or failed run, and prints the report.
Leak detection is off (PETSc's -malloc_dump checks leaks; Open MPI leaks by design).

Exit status 77 (skipped) when the compiler cannot build and link a sanitized program.
Environment: MH_SOURCE, MH_MPIEXEC (set by CTest)."""
import argparse
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SANITIZE = "-fsanitize=address,undefined -fno-omit-frame-pointer"
ENV = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1",
       "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}
REPORT = re.compile(r"ERROR: AddressSanitizer|runtime error:|UndefinedBehaviorSanitizer|ERROR: LeakSanitizer"
                    r"|AddressSanitizer:DEADLYSIGNAL")


def fail(msg):
    sys.stderr.write("FAIL: " + msg + "\n")
    raise SystemExit(1)


def sh(cmd, cwd, env=None, timeout=None):
    """Runs cmd; returns (status, stdout+stderr)."""
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout


def report(out):
    """The sanitizer report in out (from its first line, at most 80 lines), or ''."""
    m = REPORT.search(out)
    if not m:
        return ""
    start = out.rfind("\n", 0, m.start()) + 1
    return "\n".join(out[start:].splitlines()[:80])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir", help="the sanitized build tree (created if missing, else rebuilt incrementally)")
    ap.add_argument("--cc", default=None, help="C compiler (default: PETSc's, as the project picks it)")
    ap.add_argument("--source", default=os.environ.get("MH_SOURCE", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                    help="the microheal source tree")
    ap.add_argument("--jobs", type=int, default=2, help="parallel build jobs")
    ap.add_argument("--exclude", default=None, help="ctest -E regex: unit tests to leave out")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each step and its wall time [s]")
    opts = ap.parse_args()
    src, bdir = os.path.abspath(opts.source), os.path.abspath(opts.build_dir)
    mpiexec = os.environ.get("MH_MPIEXEC", "mpiexec")
    env = dict(os.environ, **ENV)
    tmp = tempfile.mkdtemp(prefix="mhasan-")
    atexit.register(shutil.rmtree, tmp, True)

    def step(what, cmd, cwd=src, timeout=600, runs_code=True):
        t0 = time.time()
        rc, out = sh(cmd, cwd, env if runs_code else None, timeout)
        if opts.verbose:
            print(f"{what}: {time.time() - t0:.1f} s, status {rc}", flush=True)
        rep = report(out) if runs_code else ""
        if rep:
            fail(f"{what}: sanitizer report\n$ {' '.join(cmd)}\n{rep}")
        if rc != 0:
            fail(f"{what}: exited {rc}\n$ {' '.join(cmd)}\n{out[-6000:]}")
        return out

    # can the compiler build a sanitized program at all?
    cc = opts.cc
    if cc is None:
        rc, cc = sh(["pkg-config", "PETSc", "--variable=ccompiler"], src)
        cc = cc.strip() if rc == 0 and cc.strip() else "cc"
    probe = os.path.join(tmp, "probe")
    p = subprocess.run([cc] + SANITIZE.split() + ["-x", "c", "-", "-o", probe], input="int main(void){return 0;}\n",
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp)
    if p.returncode != 0:
        print(f"SKIP: {cc} cannot build with {SANITIZE}:\n{p.stdout}")
        raise SystemExit(77)

    if not os.path.exists(os.path.join(bdir, "CMakeCache.txt")):
        step("configure", ["cmake", "-S", src, "-B", bdir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo", f"-DCMAKE_C_COMPILER={cc}",
                           f"-DCMAKE_C_FLAGS={SANITIZE}", f"-DCMAKE_EXE_LINKER_FLAGS={SANITIZE}",
                           f"-DCMAKE_SHARED_LINKER_FLAGS={SANITIZE}"], runs_code=False)
    step("build", ["cmake", "--build", bdir, "-j", str(opts.jobs)], runs_code=False)
    exe = os.path.join(bdir, "microheal")
    rc, libs = sh(["ldd", exe], src)
    if "libasan" not in libs or "libubsan" not in libs:
        fail(f"{exe} is not linked with the sanitizer runtimes (libasan, libubsan):\n{libs}")

    ctest = ["ctest", "-L", "unit", "--output-on-failure"]
    if opts.exclude:
        ctest += ["-E", opts.exclude]
    out = step("unit tests", ctest, cwd=bdir)
    if not re.search(r"100% tests passed, 0 tests failed out of [1-9]", out):
        fail(f"ctest -L unit in {bdir} ran no test or not all passed:\n{out[-3000:]}")

    run = [exe, "-model", "microneedling", "-nx", "8", "-nz", "24", "-t_end", "0.1", "-output_count", "2",
           "-microneedling_passes", "2", "-quiet", "-malloc_dump"]
    step("microneedling, 1 rank", run + ["-output", os.path.join(tmp, "r1.h5")])
    step("microneedling, 2 ranks", [mpiexec, "-n", "2"] + run + ["-output", os.path.join(tmp, "r2.h5")])
    for what, bad in [("bad value", ["-microneedling_needle_length_mm", "5"]), ("unknown option", ["-no_such_option", "1"])]:
        t0 = time.time()
        rc, out = sh(run + ["-output", os.path.join(tmp, "bad.h5"), "-output_overwrite"] + bad, src, env, 600)
        if opts.verbose:
            print(f"error path ({what}): {time.time() - t0:.1f} s, status {rc}", flush=True)
        if report(out):
            fail(f"error path ({what}): sanitizer report\n{report(out)}")
        if rc == 0 or "microheal: error:" not in out:
            fail(f"error path ({what}): expected a nonzero status and an error line, got status {rc}:\n{out[-3000:]}")


if __name__ == "__main__":
    main()
