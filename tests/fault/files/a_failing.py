"""Class A of tests/fault/fault_files.py: failing cases print one line and keep the guarded files."""
import os
import re

from .helpers import FIX, FK, case


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
