#!/usr/bin/env python3
"""Dye-tight closure after Kalluri et al. 2011's 770 um needles (validation/dye_tight_closure/README.md):
calcein pores closed by 18 h in hairless rats. Calibration: the viable layers' closure speed is
fitted to this number (validation/calibrate.py), with Kalluri's geometry: 140 um wide at the base,
4 um tip radius, channels 152.5 um deep (penetration fraction 152.5/770). Dye-tight is the time
the open channel volume falls below 5 % of its post-session value (outcome dye_tight_h_1). The
check: the fit (18 h +- 5 %) and that it does not hang on the grid (twice as fine in x and z: < 5 %
change). Kalluri's 370 um needles (12 h) are the held-out check of validation/closure_held_out."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "dye_tight_closure"
CONFIG = "validation/dye_tight_closure/config.yaml"
TARGET = {0.77: 18.0}
REL, GRID_TOL = 0.05, 0.05
KALLURI = ["-microneedling_needle_radius_mm", 0.07, "-microneedling_needle_tip_radius_mm", 0.004, "-microneedling_penetration_fraction", 152.5 / 770]
VARIANTS = [("base", KALLURI), ("grid x2", KALLURI + ["-nx", 32, "-nz", 72])]
INFO = [("full penetration", KALLURI + ["-microneedling_penetration_fraction", 1])]

res, series = {}, {}
for name, extra in VARIANTS + INFO:
    for L in TARGET:
        path = common.run(CASE, f"{name.replace(' ', '_')}_{L}mm", CONFIG, ["-microneedling_needle_length_mm", L] + extra)
        res[name, L] = common.outcomes(path)["dye_tight_h_1"]
        if name == "base":
            series[L] = common.table(path)

print(f"{'variant':18s} {'770 um [h]':>11s}")
for name, _ in VARIANTS + INFO:
    print(f"{name:18s} {res[name, 0.77]:11.2f}")
print(f"{'target (fit)':18s} {'18 +- 0.9':>11s}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(6, 4))
for (L, t), c in zip(series.items(), ("C0", "C1")):
    v = t["damage_integral"]
    ax.semilogy(24 * t["t"], v / v[0], color=c, label=f"{1000 * L:.0f} um needles")
    ax.axvspan(TARGET[L] * (1 - REL), TARGET[L] * (1 + REL), color=c, alpha=0.15)
    ax.axvline(TARGET[L], color=c, ls="--", lw=0.8)
ax.axhline(0.05, color="0.5", lw=0.8)
ax.set_xlim(0, 30)
ax.set_ylim(1e-3, 1.5)
ax.set_xlabel("hours after the session")
ax.set_ylabel("open channel volume / post-session value")
ax.set_title("dye-tight at 5 %; Kalluri 2011: 18 h (the fit)", fontsize=9)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

b = res["base", 0.77]
grid = max(abs(res["grid x2", L] / res["base", L] - 1) for L in TARGET)
ok = all(abs(res["base", L] / TARGET[L] - 1) <= REL for L in TARGET) and grid <= GRID_TOL
common.report(CASE, ok, f"dye-tight {b:.1f} h (770 um, calibrated to 18 h +- 5 %); grid x2 changes it by {100 * grid:.1f} %; full penetration (0.77 mm deep) {res['full penetration', 0.77]:.1f} h (reported)")
