#!/usr/bin/env python3
"""The default linear solver (sim/core/multigrid.c, sim/run/solver.c):
  - the levels the framework chooses, as the run's header states them: every axis halved while it
    has an even count of at least four (odd counts keep their axis: semi-coarsening),
    -pc_mg_levels caps them; 1-D runs take LU; -pc_type replaces the default, -pc_mg_galerkin
    pmat takes PETSc's own Galerkin products on the same levels;
  - linear iterations per Newton iteration stay small and grow little when the grid is refined
    (microneedling, 2-D, closure and inflammation; 3-D likewise), where the ILU preset's double;
  - the coarse operators' correction matters: the same run without it (plain Galerkin products,
    -pc_mg_galerkin pmat) needs more iterations on the finer grid;
  - the answer does not depend on the ranks beyond the linear tolerance (odd splits included);
  - a Krylov solve is bounded: with -ksp_max_it 2 no solve takes three iterations, failed solves
    shrink the step, and the run still ends;
  - explicit integrators (-ts_type rk) run the same equations."""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

d = mhtest.tmpdir()
DEMO = ["-options_file", "configs/demo.yaml", "-microneedling_sessions", "1", "-t_end", "3", "-output", "none",
        "-progress_interval", "0"]


def header(args):
    _, out = mhtest.run(args + ["-t_end", "1e-3"])
    m = re.search(r"^Linear solver: (.*)$", out, re.M)
    mhtest.check(m, f"{args}: no 'Linear solver:' line:\n{out[-2000:]}")
    return m.group(1)


def iterations(args, ranks=1):
    """(Newton, linear) iteration totals of a run, from -ts_view."""
    _, out = mhtest.run(args + ["-ts_view"], ranks=ranks)
    nl = re.search(r"total number of nonlinear solver iterations=(\d+)", out)
    li = re.search(r"total number of linear solver iterations=(\d+)", out)
    mhtest.check(nl and li, f"{args}: no iteration totals:\n{out[-2000:]}")
    return int(nl.group(1)), int(li.group(1)), out


# levels
for args, want in [([], "gmres + mg on the grid's hierarchy, cells per level 16x36, 8x18, 4x9, 2x9"),
                   (["-nx", "15"], "cells per level 15x36, 15x18, 15x9"),
                   (["-pc_mg_levels", "2"], "cells per level 16x36, 8x18"),
                   (["-dim", "3", "-nx", "8", "-ny", "8", "-nz", "12"], "cells per level 8x8x12, 4x4x6, 2x2x3"),
                   (["-pc_type", "bjacobi"], "gmres + bjacobi"),
                   (["-pc_mg_galerkin", "pmat"], "gmres + mg")]:
    got = header(DEMO + args)
    mhtest.check(got.endswith(want) if "per level" in want else got == want, f"{args}: 'Linear solver: {got}', expected '{want}'")
got = header(["-options_file", "configs/fisher_kpp.yaml", "-output", "none", "-dim", "1", "-nx", "64"])
mhtest.check(got == "gmres + lu", f"1-D: 'Linear solver: {got}', expected 'gmres + lu'")

# iterations under refinement (2-D r = 1, 2; 3-D r = 1, 2 over a short span)
ratio = {}
for name, base, grids in [("2-D", DEMO, [["-nx", "16", "-nz", "36"], ["-nx", "32", "-nz", "72"]]),
                          ("3-D", ["-options_file", "configs/scenarios/unit_cell_3d.yaml", "-microneedling_follow_up_days", "0.05",
                                   "-output", "none", "-quiet"], [["-nx", "8", "-ny", "8", "-nz", "18"], ["-nx", "16", "-ny", "16", "-nz", "36"]])]:
    per = []
    for g in grids:
        nl, li, _ = iterations(base + g)
        per.append(li / nl)
    mhtest.check(max(per) <= 6, f"{name}: {per} linear iterations per Newton iteration, expected <= 6")
    mhtest.check(per[1] <= 1.35 * per[0], f"{name}: linear iterations per Newton iteration grew from {per[0]:.3g} to {per[1]:.3g} on refinement")
    ratio[name] = per
nl, li, _ = iterations(DEMO + ["-nx", "32", "-nz", "72", "-options_file", "configs/presets/ilu.yaml"])
mhtest.check(li / nl > 2 * ratio["2-D"][1], f"the ILU preset took {li / nl:.3g} linear iterations per Newton iteration, multigrid "
             f"{ratio['2-D'][1]:.3g}: the comparison no longer shows what multigrid buys")
nl, li, _ = iterations(DEMO + ["-nx", "32", "-nz", "72", "-pc_mg_galerkin", "pmat"])
mhtest.check(li / nl > 1.3 * ratio["2-D"][1], f"plain Galerkin coarse operators took {li / nl:.3g} linear iterations per Newton "
             f"iteration, the corrected ones {ratio['2-D'][1]:.3g}: the correction should matter")

# ranks: 1 against 2 (an odd split of 15 cells) with tight linear and Newton solves (at the demo's
# snes_rtol 1e-6 the Newton iterates differ by ~1e-5 between rank counts)
runs = {}
for ranks in (1, 2):
    path = os.path.join(d, f"np{ranks}.h5")
    mhtest.run(DEMO + ["-nx", "15", "-t_end", "2", "-quiet", "-output", path, "-ksp_rtol", "1e-10", "-snes_rtol", "1e-10"], ranks=ranks)
    runs[ranks] = mhtest.read(path)
for k, v in runs[1]["fields"].items():
    dev = np.max(np.abs(runs[2]["fields"][k] - v)) / max(np.max(np.abs(v)), 1e-30)
    mhtest.check(dev <= 1e-6, f"{k}: 2 ranks differ from 1 by {dev:.3g} relative")

# bounded Krylov solves (2 iterations: with 1, the demo's Newton cannot reach its tolerance from
# some states at any step size, so the step shrinks without end; 2 still fails 50-odd solves)
nl, li, out = iterations(DEMO + ["-ksp_max_it", "2", "-t_end", "1"])
fails = re.search(r"total number of nonlinear solve failures=(\d+)", out)
mhtest.check(fails and int(fails.group(1)) > 0, f"-ksp_max_it 2: no failed Newton solve, so the bound was never reached:\n{out[-1500:]}")
# a Newton solve that fails on its linear solve does not count that iteration: two each at most
mhtest.check(li <= 2 * (nl + int(fails.group(1))), f"-ksp_max_it 2: {li} linear iterations in {nl} Newton iterations and {fails.group(1)} failed solves")
mhtest.check("Done: t = 1 day" in out, f"-ksp_max_it 2: the run did not end at t = 1:\n{out[-1500:]}")

# explicit integrators take du/dt = R(t, u) (no IFunction, no Jacobian): the same solution
runs = {}
for name, extra in [("implicit", ["-ts_rtol", "1e-7", "-ts_atol", "1e-9"]), ("rk", ["-ts_type", "rk", "-ts_rk_type", "3bs", "-ts_rtol", "1e-7", "-ts_atol", "1e-9"])]:
    path = os.path.join(d, f"{name}.h5")
    mhtest.run(DEMO + ["-t_end", "0.05", "-quiet", "-output", path, "-output_count", "2"] + extra)
    runs[name] = mhtest.read(path)
for k, v in runs["implicit"]["fields"].items():
    dev = np.max(np.abs(runs["rk"]["fields"][k][-1] - v[-1])) / max(np.max(np.abs(v[-1])), 1e-30)
    mhtest.check(dev <= 1e-3, f"{k}: explicit RK differs from the implicit solution by {dev:.3g} relative at t = 0.05 day")
