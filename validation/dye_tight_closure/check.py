#!/usr/bin/env python3
"""Dye-tight closure after 370 and 770 um needles: ~12 h and ~18 h (+-30 %), ratio 1.5 +- 0.3
(validation/dye_tight_closure/README.md; Kalluri, Kolli & Banga 2011). Dye-tight is the time the open
channel volume falls below 5 % of its post-session value (outcome dye_tight_h_1). The papillary
(0.185/h) and reticular (0.105/h) closure rates were fitted to these two numbers, so the match
itself is a calibration; the non-circular part is that it must not hang on the grid or on the
needle radius: a grid twice as fine in x and z and radii 0.035 and 0.15 mm (needles 0.07-0.3 mm
across, default 0.05 mm) are reported, and the grid change must stay under 5 %. Also reported, not
checked: the same needles at penetration fraction 0.2, the channel depth Kalluri 2011 measured in
rat skin (152 um from 770 um needles), where the calibrated rates give far faster closure."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "dye_tight_closure"
CONFIG = "validation/dye_tight_closure/config.yaml"
TARGET = {0.37: 12.0, 0.77: 18.0}
REL, RATIO, RATIO_TOL, GRID_TOL = 0.30, 1.5, 0.3, 0.05
VARIANTS = [("base", []), ("grid x2", ["-nx", 32, "-nz", 72]), ("radius 0.035", ["-microneedling_needle_radius_mm", 0.035]), ("radius 0.15", ["-microneedling_needle_radius_mm", 0.15])]
INFO = [("penetration 0.2", ["-microneedling_penetration_fraction", 0.2])]

res, series = {}, {}
for name, extra in VARIANTS + INFO:
    for L in TARGET:
        path = common.run(CASE, f"{name.replace(' ', '_')}_{L}mm", CONFIG, ["-microneedling_needle_length_mm", L] + extra)
        res[name, L] = common.outcomes(path)["dye_tight_h_1"]
        if name == "base":
            series[L] = common.table(path)

print(f"{'variant':16s} {'370 um [h]':>11s} {'770 um [h]':>11s} {'ratio':>7s}")
for name, _ in VARIANTS + INFO:
    a, b = res[name, 0.37], res[name, 0.77]
    print(f"{name:16s} {a:11.2f} {b:11.2f} {b / a:7.3f}")
print(f"{'target':16s} {'12 +- 3.6':>11s} {'18 +- 5.4':>11s} {'1.5+-0.3':>7s}")

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
ax.set_title("dye-tight at 5 %; Kalluri 2011: 12 h and 18 h (+-30 %)", fontsize=9)
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

a, b = res["base", 0.37], res["base", 0.77]
grid = max(abs(res["grid x2", L] / res["base", L] - 1) for L in TARGET)
ok = all(abs(res["base", L] / TARGET[L] - 1) <= REL for L in TARGET) and abs(b / a - RATIO) <= RATIO_TOL and grid <= GRID_TOL
common.report(CASE, ok, f"dye-tight {a:.1f} h (370 um, target 12 +- 30 %), {b:.1f} h (770 um, 18 +- 30 %), ratio {b / a:.2f} (1.5 +- 0.3); grid x2 changes them by {100 * grid:.1f} %, radius 0.035-0.15 mm gives {min(res[n, 0.37] for n, _ in VARIANTS):.1f}-{max(res[n, 0.37] for n, _ in VARIANTS):.1f} h and {min(res[n, 0.77] for n, _ in VARIANTS):.1f}-{max(res[n, 0.77] for n, _ in VARIANTS):.1f} h")
