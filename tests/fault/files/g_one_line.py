"""Class G of tests/fault/fault_files.py: one line instead of tracebacks (options files, huge grids)."""
import os
import re

from .helpers import FIX, FK, case, write


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
