#!/usr/bin/env python3
"""Barrier (stratum corneum) recovery after 0.2, 0.5 and 0.8 mm needles at 250/cm^2, unoccluded
(validation/barrier_recovery/README.md). Calibration: the stratum corneum's closure speed is
fitted (validation/calibrate.py) so that 0.5 mm needles give 2.0 h (Gupta et al. 2011: every
unoccluded site recovered within 2 h); the check is that fit (2.0 h +- 5 %) and that every length
recovers within 2 h +- 25 %. The closure rate is speed / residual radius, so the time grows with
the channel's width at the surface, not with its depth; the 0.2 and 0.8 mm times are reported."""
import os
import sys


sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "barrier_recovery"
CONFIG = "validation/barrier_recovery/config.yaml"
LENGTHS = [0.2, 0.5, 0.8]
FIT, FIT_TOL, WINDOW = 2.0, 0.05, (1.5, 2.5)

res = {}
for L in LENGTHS:
    path = common.run(CASE, f"needle_{L}mm", CONFIG, ["-microneedling_needle_length_mm", L])
    res[L] = (common.outcomes(path), common.table(path))
par = common.parameters(path)
v_sc = float(par["closure_speed_um_per_h.stratum_corneum"])

print(f"{'needle [mm]':>12} {'barrier recovery [h]':>22} {'window [h]':>12}")
for L in LENGTHS:
    print(f"{L:12.2f} {res[L][0]['barrier_recovery_h_1']:22.3f} {WINDOW[0]:5.1f} - {WINDOW[1]:.1f}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(figsize=(6, 4))
for L in LENGTHS:
    t = res[L][1]
    b = t["barrier_deficit"]
    ax.semilogy(24 * t["t"], b / b[0], "-", label=f"{L} mm")
ax.axhline(0.1, color="0.5", lw=0.8)
ax.axvline(FIT, color="k", ls="--", lw=0.8, label=f"fit: {FIT:g} h at 0.5 mm (Gupta 2011)")
ax.set_xlim(0, 8)
ax.set_ylim(1e-3, 1.5)
ax.set_xlabel("hours after the session")
ax.set_ylabel("barrier deficit / post-session value")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

h = [res[L][0]["barrier_recovery_h_1"] for L in LENGTHS]
ok = all(WINDOW[0] <= v <= WINDOW[1] for v in h) and abs(res[0.5][0]["barrier_recovery_h_1"] / FIT - 1) <= FIT_TOL
common.report(CASE, ok, "barrier back to 10 % after " + ", ".join(f"{v:.2f} h ({L} mm)" for L, v in zip(LENGTHS, h)) + f"; calibrated {FIT:g} h at 0.5 mm (stratum corneum speed {v_sc:g} um/h); all within {WINDOW[0]:g}-{WINDOW[1]:g} h")
