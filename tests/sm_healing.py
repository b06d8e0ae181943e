"""Sherratt-Murray epidermal healing (SCIENCE.md section 6 item 5), 1-D slab wounds of half-width
R = 0.5, 1, 1.5, 2:
  - activator: after the lag the edge (where n crosses 1/2) moves at constant speed: the speeds
    over t/T in [0.2, 0.4], [0.4, 0.6], [0.6, 0.8] agree within 1 % for R >= 1.5 (the lag is a larger part of smaller wounds);
  - both mechanisms: healing time close to linear in R (least-squares line, R^2 >= 0.99);
  - the activator heals faster than the inhibitor at every R, and its front is pushed: its speed
    is more than twice the linear-spreading estimate 2 sqrt(D (2 beta - 1)) = 0.0103.
The inhibitor runs on a wider margin (6 instead of 2): its healing time moves by 3 % between the
two. -verbose prints the table."""
import sys

import numpy as np

import mhtest

verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()
radii = [0.5, 1.0, 1.5, 2.0]


def crossing(x, n):
    """The first x where n reaches 1/2, linearly interpolated between cell centres."""
    k = np.argmax(n >= 0.5)
    if n[k] < 0.5:
        return np.nan
    if k == 0:
        return x[0]
    return x[k - 1] + (0.5 - n[k - 1]) / (n[k] - n[k - 1]) * (x[k] - x[k - 1])


T = {}
for mech in ["activator", "inhibitor"]:
    T[mech] = []
    for R in radii:
        L = R + (2 if mech == "activator" else 6)
        path = f"{d}/{mech}_{R}.h5"
        mhtest.run(["-model", "sherratt_murray", "-sherratt_murray_mechanism", mech, "-sherratt_murray_wound_radius", R,
                    "-sherratt_murray_stop_when_healed", "true", "-length_x", L, "-nx", int(round(L / 2.5e-3)),
                    "-output", path, "-quiet", "-output_count", 60])
        o = mhtest.read(path)
        Th = o["outcomes"]["heal_time"]
        mhtest.check(np.isfinite(Th), f"{mech} R = {R}: did not heal")
        T[mech].append(Th)
        x, n, t = o["grid"]["x"], o["fields"]["n"], o["time"]
        edge = np.array([crossing(x, nk) for nk in n])
        speeds = [(np.interp(a * Th, t, edge) - np.interp(b * Th, t, edge)) / ((b - a) * Th)
                  for a, b in [(0.2, 0.4), (0.4, 0.6), (0.6, 0.8)]]
        if verbose:
            print(f"{mech:9s} R = {R:3.1f}: heal time {Th:8.3f}, edge speeds {' '.join(f'{s:.5f}' for s in speeds)}")
        if mech == "activator" and R == 2.0:
            # pushed, not pulled: well above the linear-spreading speed 2 sqrt(D (2 beta - 1))
            beta = (1 + 40.0 ** 2 - 2 * 10 * 40) / (1 - 40.0) ** 2
            linear = 2 * np.sqrt(5e-4 * (2 * beta - 1))
            mhtest.check(np.mean(speeds) > 2 * linear, f"activator edge speed {np.mean(speeds):.4f} not well above the linear estimate {linear:.4f}")
        if mech == "activator" and R >= 1.5:
            spread = (max(speeds) - min(speeds)) / np.mean(speeds)
            mhtest.check(spread <= 0.01, f"activator R = {R}: edge speeds {speeds} vary by {100 * spread:.2f} % > 1 %")
for mech in T:
    slope, icpt = np.polyfit(radii, T[mech], 1)
    pred = slope * np.array(radii) + icpt
    r2 = 1 - np.sum((T[mech] - pred) ** 2) / np.sum((T[mech] - np.mean(T[mech])) ** 2)
    if verbose:
        print(f"{mech}: T = {slope:.3f} R + {icpt:.3f}, R^2 = {r2:.5f}")
    mhtest.check(r2 >= 0.99, f"{mech}: healing times {T[mech]} not close to linear in R (R^2 = {r2:.4f})")
for R, ta, ti in zip(radii, T["activator"], T["inhibitor"]):
    mhtest.check(ta < ti, f"R = {R}: activator heals in {ta:.3f}, not faster than the inhibitor ({ti:.3f})")
