"""Class F of tests/fault/fault_files.py: hangs (stale semaphores, signals, options files including each other)."""
import os
import re
import signal
import time

from .helpers import ERR, FIX, FK, FKR, case, locked_semaphore, ranks_of, replace_arg, write


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
