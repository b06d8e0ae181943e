"""Sherratt-Murray epidermal healing (models/sherratt_murray/README.md), 1-D slab wounds of half-width
R = 0.5, 1, 1.5, 2, both mechanisms, cells of 0.005, margin 2, max-norm error control
(-ts_adapt_wnormtype infinity; with the default RMS norm the inhibitor's healing time came out
6 % long at R = 1 and grew with the domain length, README). Checks, with the measured values in brackets:
  (a) activator, R = 1.5 and 2: after the lag the edge moves at constant speed: the speed of
      wound_extent over [0.8 R, 0.6 R] and over [0.6 R, 0.4 R] agree within 1 % [0.08 %, 0.02 %];
  (b) activator healing time linear in R: least-squares line over the four radii, every residual
      below 1 % of its time [0.03 %], and the line's slope is the inverse of
      the R = 2 edge speed within 1 % [0.03 %];
  (c) the activator heals faster than the inhibitor at every R [11.5-43.1 against 23.7-61.0];
  (d) the activator front is pushed: its speed is more than 3 times the linear-spreading estimate
      2 sqrt(D (2 beta - 1)) = 0.0103 into n = c = 0 [0.0475: 4.6 times];
  (e) grid: the activator's healing time for R = 1 moves by less than 0.5 % with cells of 0.0025
      [0.14 %].
The inhibitor is not checked for linearity: its front accelerates (the chemical at its leading edge
falls as it advances) and for R >~ 1.5 the wound centre fills from exponentially small densities
(n = 0 is unstable at rate 2 s(c) - 1, up to 19), so its healing time there depends on numerics
(README). -verbose prints the table."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()
radii = [0.5, 1.0, 1.5, 2.0]
dx, margin = 0.005, 2.0


def run(mech, R, h=dx):
    L = R + margin
    path = f"{d}/{mech}_{R}_{h}.h5"
    mhtest.run(["-model", "sherratt_murray", "-sherratt_murray_mechanism", mech, "-sherratt_murray_wound_radius", R,
                "-sherratt_murray_stop_when_healed", "true", "-length_x", L, "-nx", int(round(L / h)),
                "-ts_adapt_wnormtype", "infinity", "-output", path, "-quiet", "-output_count", 1])
    o = mhtest.read(path)
    T = o["outcomes"]["heal_time"]
    mhtest.check(np.isfinite(T), f"{mech} R = {R}: did not heal by t = {o['table']['t'][-1]:g}")
    tab = o["table"]
    mhtest.check(tab["t"][-2] <= T <= tab["t"][-1] and tab["centre_n"][-2] < 0.8 <= tab["centre_n"][-1],
                 f"{mech} R = {R}: the run did not stop at the first step past the healing time {T:g} (ended at {tab['t'][-1]:g})")
    return T, tab


def speed(tab, a, b):
    """Mean speed of wound_extent from a down to b."""
    t, w = tab["t"], tab["wound_extent"]
    return (a - b) / (np.interp(-b, -w, t) - np.interp(-a, -w, t))


T = {"activator": [], "inhibitor": []}
v = {}
for mech in T:
    for R in radii:
        Th, tab = run(mech, R)
        T[mech].append(Th)
        sp = [speed(tab, 0.8 * R, 0.6 * R), speed(tab, 0.6 * R, 0.4 * R)]
        if verbose:
            print(f"{mech:9s} R = {R:3.1f}: heal time {Th:8.3f}, wound_extent speed over [0.8R, 0.6R] {sp[0]:.5f}, [0.6R, 0.4R] {sp[1]:.5f}")
        if mech == "activator" and R >= 1.5:
            diff = abs(sp[1] - sp[0]) / sp[0]
            mhtest.check(diff <= 0.01, f"activator R = {R}: edge speeds {sp[0]:.5f} and {sp[1]:.5f} differ by {100 * diff:.2f} % > 1 %")
        if mech == "activator" and R == 2.0:
            v[mech] = np.mean(sp)

# (b) linear in R
slope, icpt = np.polyfit(radii, T["activator"], 1)
res = np.abs(np.array(T["activator"]) - (slope * np.array(radii) + icpt)) / np.array(T["activator"])
if verbose:
    print(f"activator: T = {slope:.4f} R + {icpt:.4f}, largest residual {100 * res.max():.3f} %, 1/slope {1 / slope:.5f}")
mhtest.check(res.max() < 0.01, f"activator healing times {T['activator']} not linear in R: residuals {res} of the times > 1 %")
mhtest.check_close(1 / slope, v["activator"], 0.01, "activator: inverse slope of healing time against R vs the edge speed")
# (c) mechanisms ordered
for R, ta, ti in zip(radii, T["activator"], T["inhibitor"]):
    mhtest.check(ta < ti, f"R = {R}: activator heals in {ta:.3f}, not faster than the inhibitor ({ti:.3f})")
# (d) pushed front
beta = (1 + 40.0 ** 2 - 2 * 10 * 40) / (1 - 40.0) ** 2
linear = 2 * np.sqrt(5e-4 * (2 * beta - 1))
mhtest.check(v["activator"] > 3 * linear, f"activator edge speed {v['activator']:.5f} not above 3 x the linear estimate {linear:.5f}")
# (e) one refinement
Tf, _ = run("activator", 1.0, dx / 2)
mhtest.check_close(T["activator"][1], Tf, 0.005, f"activator R = 1 healing time with cells of {dx} against {dx / 2}")
if verbose:
    print(f"activator R = 1 with cells of {dx / 2}: {Tf:.4f}; linear estimate {linear:.5f}")
