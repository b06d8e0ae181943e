"""Fisher-KPP (models/fisher_kpp/README.md, Verification): the mean front speed from a step, over the window
t r in [50, 200], within 0.5 % of c* = 2 sqrt(D r) with Bramson's finite-time correction,
    v = c* - (3/2) sqrt(D/r) ln(t2/t1) / (t2 - t1).
(The next term of the expansion, -3 sqrt(pi) (D/r)^... / sqrt(t), adds +0.13 % over this window.)
Also: the exact Ablowitz-Zeppetella travelling wave is kept to 1e-3.
-verbose prints the numbers."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

D, r = 0.01728, 0.6912  # mm^2/day, 1/day (configs/fisher_kpp.yaml)
verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()
t1, t2 = 50 / r, 200 / r
mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-nx", 2500, "-length_x", 80, "-t_end", 210 / r,
            "-ts_rtol", 1e-7, "-ts_atol", 1e-7, "-output", f"{d}/step.h5", "-quiet"])
o = mhtest.read(f"{d}/step.h5")
x1, x2 = np.interp([t1, t2], o["table"]["t"], o["table"]["front_position"])
v = (x2 - x1) / (t2 - t1)
c = 2 * np.sqrt(D * r)
vc = c - 1.5 * np.sqrt(D / r) * np.log(t2 / t1) / (t2 - t1)
if verbose:
    print(f"front speed {v:.6f} mm/day; c* = {c:.6f}; corrected {vc:.6f}; error {100 * (v - vc) / vc:+.3f} %")
mhtest.check_close(v, vc, 5e-3, "Fisher front speed vs 2 sqrt(Dr) with the Bramson correction")

# exact travelling wave, speed 5 sqrt(rD/6)
mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-fisher_kpp_initial", "exact_wave", "-fisher_kpp_front_mm", 4,
            "-nx", 800, "-t_end", 20, "-ts_rtol", 1e-8, "-ts_atol", 1e-8, "-output", f"{d}/wave.h5", "-quiet"])
o = mhtest.read(f"{d}/wave.h5")
x, T = o["grid"]["x"], o["time"][-1]
cw = 5 * np.sqrt(r * D / 6)
exact = 1 / (1 + np.exp(np.sqrt(r / (6 * D)) * (x - 4 - cw * T))) ** 2
err = np.max(np.abs(o["fields"]["u"][-1] - exact))
if verbose:
    print(f"travelling wave: max error {err:.3e} at t = {T} day")
mhtest.check(err < 1e-3, f"Ablowitz-Zeppetella wave: max error {err:.3g} >= 1e-3")

# negative densities are rejected, not clamped: with no tolerance, stages that dip below zero are
# retried with smaller steps, and no accepted step has u < 0
rc, out = mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-negative_tolerance", 0, "-t_end", 5,
                      "-output", f"{d}/neg.h5"])
o = mhtest.read(f"{d}/neg.h5")
umin = o["table"]["u_min"].min()
import re
m = re.search(r"(\d+) of them for a negative density", out)
mhtest.check(m is not None and int(m.group(1)) > 0, f"expected rejected stages in the summary:\n{out[-800:]}")
mhtest.check(umin >= 0, f"an accepted step has u_min = {umin:g} < 0")
if verbose:
    print(f"-negative_tolerance 0: {m.group(1)} stages rejected, min u over accepted steps {umin:g}")
