"""gray_scott regression against PETSc's own tutorial ex5 (src/ts/tutorials/advection-diffusion-reaction),
whose solution at t = 10 on a 64 x 64 periodic grid is stored in tests/common/data/gray_scott_ex5_t10.csv
(the header says how it was made). Both codes discretise the same equations with the same
five-point Laplacian on the same unknowns and integrate with ARK IMEX 3 (fully implicit) at
-ts_rtol 1e-8 -ts_atol 1e-8, so they agree to the integrators' tolerance; measured 4e-12 (1 rank)
and 8e-11 (2 ranks). Checked:
  - the initial condition is ex5's formula at ex5's points (i h, j h), to 1e-14;
  - at t = 10 every stored value of u and v within 1e-7 (absolute), and the whole-field mean,
    minimum and maximum within 1e-7."""
import math
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

M, L, TOL = 64, 2.5, 1e-7


def ex5_initial(x, y):
    """ex5.c InitialConditions(): v = sin^2(4 pi x) sin^2(4 pi y) / 4 on [1, 1.5]^2, u = 1 - 2 v."""
    inside = (x >= 1.0 - 1e-10) & (x <= 1.5 + 1e-10) & (y >= 1.0 - 1e-10) & (y <= 1.5 + 1e-10)
    v = np.where(inside, np.sin(4 * math.pi * x) ** 2 * np.sin(4 * math.pi * y) ** 2 / 4, 0.0)
    return 1 - 2 * v, v


def main():
    path = os.path.join(mhtest.SOURCE, "tests", "common", "data", "gray_scott_ex5_t10.csv")
    with open(path) as f:
        header = "".join(line for line in f if line.startswith("#"))
    stats = {k: float(v) for k, v in re.findall(r"(\w+_(?:mean|min|max)) (\S+)", header)}
    ref = np.loadtxt(path, delimiter=",", comments="#")
    i, j = ref[:, 0].astype(int), ref[:, 1].astype(int)

    out = os.path.join(mhtest.tmpdir(), "gray_scott.h5")
    mhtest.run(["-model", "gray_scott", "-nx", M, "-nz", M, "-t_end", 10, "-ts_rtol", "1e-8", "-ts_atol", "1e-8",
                "-output", out, "-output_count", 1, "-quiet"])
    d = mhtest.read(out)
    mhtest.check(abs(d["time"][-1] - 10) < 1e-12, f"last output at t = {d['time'][-1]}, expected 10")
    u, v = d["fields"]["u"], d["fields"]["v"]  # (nt, nz, nx)
    mhtest.check(u.shape == (2, M, M), f"field shape {u.shape}, expected (2, {M}, {M})")

    h = L / M
    x, y = np.meshgrid(np.arange(M) * h, np.arange(M) * h)
    u0, v0 = ex5_initial(x, y)
    err0 = max(np.abs(u[0] - u0).max(), np.abs(v[0] - v0).max())
    mhtest.check(err0 < 1e-14, f"initial condition differs from ex5's at its points by {err0:.3g} (> 1e-14)")

    for name, f, col in (("u", u[-1], 2), ("v", v[-1], 3)):
        err = np.abs(f[j, i] - ref[:, col]).max()
        mhtest.check(err <= TOL, f"{name} at t = 10: max |microheal - ex5| over the stored points is {err:.3g} (> {TOL:g})")
        for stat, val in (("mean", f.mean()), ("min", f.min()), ("max", f.max())):
            key = f"{name}_{stat}"
            if key in stats:
                mhtest.check(abs(val - stats[key]) <= TOL, f"{key} at t = 10: measured {val:.12g}, ex5 {stats[key]:.12g} (tolerance {TOL:g})")


if __name__ == "__main__":
    main()
