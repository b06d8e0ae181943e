"""sherratt_murray, round wound in 2-D (activator, R = 1, quarter domain 2 x 2 on 50 x 50 cells, dx = 0.04):
  - it heals, and stop_when_healed ends the run at the step that crosses the threshold;
  - its healing time is within 3 % of the axisymmetric reference with the same cell size
    (tests/regression/sherratt_murray_radial.py, dim 2, N = 50: an independent scipy solution in r alone;
    measured: 18.77 against 18.56, 1.1 %). This checks the round-wound set-up (rasterised disc,
    symmetry faces, held far faces), not convergence: dx = 0.04 is coarse, and both are ~10 % below
    the converged 20.69 (README);
  - a round wound heals faster than a slab of the same half-width on the same cell size (measured
    18.77 against 20.00; converged 20.69 against 22.03).
The error norm is the max norm (-ts_adapt_wnormtype infinity): see models/sherratt_murray/README.md."""
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sherratt_murray_radial  # noqa: E402

verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()
common = ["-model", "sherratt_murray", "-sherratt_murray_wound_radius", 1.0, "-sherratt_murray_stop_when_healed", "true",
          "-ts_adapt_wnormtype", "infinity", "-quiet", "-output_count", 1]

mhtest.run(common + ["-sherratt_murray_geometry", "circular", "-dim", 2, "-length_x", 2, "-length_z", 2, "-nx", 50, "-nz", 50,
                     "-output", f"{d}/disc.h5"])
disc = mhtest.read(f"{d}/disc.h5")
T2 = disc["outcomes"]["heal_time"]
mhtest.check(math.isfinite(T2), f"2-D round wound did not heal by t = {disc['table']['t'][-1]:g}")
tab = disc["table"]
mhtest.check(tab["centre_n"][-1] >= 0.8 and tab["centre_n"][-2] < 0.8 and tab["t"][-2] <= T2 <= tab["t"][-1],
             f"stop_when_healed: the run ended at t = {tab['t'][-1]:g} (centre n {tab['centre_n'][-1]:.3f}), "
             f"expected the first step past the healing time {T2:g}")
extent0 = tab["wound_extent"][0]
mhtest.check(abs(extent0 - 1.0) < 2e-3, f"initial wound_extent {extent0:.5f}: expected the rasterised disc's radius 1 within 2e-3")

ref = sherratt_murray_radial.heal_time("activator", 1.0, 2.0, 50, 2)
mhtest.check_close(T2, ref, 0.03, "2-D round wound healing time against the axisymmetric reference on the same cell size")

mhtest.run(common + ["-length_x", 2, "-nx", 50, "-output", f"{d}/slab.h5"])
T1 = mhtest.read(f"{d}/slab.h5")["outcomes"]["heal_time"]
mhtest.check(T2 < T1, f"round wound heals in {T2:.3f}, not faster than the slab of the same half-width ({T1:.3f})")
if verbose:
    print(f"disc 50x50: {T2:.4f}; axisymmetric reference N = 50: {ref:.4f}; slab dx 0.04: {T1:.4f}; initial extent {extent0:.5f}")
