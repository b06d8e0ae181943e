"""Class D of tests/fault/fault_files.py: the checks before the point of no return (disk, paths)."""
import os
import re
import shlex
import subprocess
import time

import h5py

from .helpers import FIX, FK, SLOW, Proc, Run, case, digest, mh_cmd, replace_arg


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
