#!/usr/bin/env python3
"""Inflammation after one session (validation/inflammation_time_course/README.md): after 1.5 mm needles the
inflammation proxy (mean damage signal) peaks within 24 h and falls below 10 % of its peak between
24 and 72 h (clinical erythema clears in 24-72 h); after 0.25 and 0.4 mm arrays it resolves within
2 +- 1 h (redness under 2 h, Bal et al. 2008); and nothing is sustained past 5 days (Schmitt et al.
2018): at day 5 the signal, the neutrophils and the inflammatory macrophages (domain integrals)
are below 10 % of their peaks, for every needle length."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "inflammation_time_course"
CONFIG = "validation/inflammation_time_course/config.yaml"
DEEP, SHALLOW = 1.5, [0.25, 0.4]
SERIES = [("inflammation", "signal (inflammation)"), ("neutrophils_integral", "neutrophils"), ("macrophages_inflammatory_integral", "inflammatory macrophages")]
DAY, LATE = 5.0, 0.10

res = {}
for L in [DEEP] + SHALLOW:
    path = common.run(CASE, f"needle_{L}mm", CONFIG, ["-microneedling_needle_length_mm", L])
    res[L] = (common.outcomes(path), common.table(path))


def late(t, v):
    """Value at DAY over the peak, and the last time the series is at or above LATE x peak [days]."""
    above = np.where(v >= LATE * v.max())[0]
    return np.interp(DAY, t, v) / v.max(), t[above[-1]] if len(above) else 0.0


checks = []
o = res[DEEP][0]
checks.append((f"{DEEP} mm: peak time [h]", o["inflammation_peak_h_1"], "< 24", o["inflammation_peak_h_1"] < 24))
checks.append((f"{DEEP} mm: resolution [h]", o["inflammation_resolution_h_1"], "24 - 72", 24 <= o["inflammation_resolution_h_1"] <= 72))
for L in SHALLOW:
    v = res[L][0]["inflammation_resolution_h_1"]
    checks.append((f"{L} mm: resolution [h]", v, "1 - 3", 1 <= v <= 3))
for L in [DEEP] + SHALLOW:
    t = res[L][1]
    for col, label in SERIES:
        frac, last = late(t["t"], t[col])
        checks.append((f"{L} mm: {label} day {DAY:g} / peak", frac, f"< {LATE:g}", frac < LATE))
        checks[-1] += (last,)

print(f"{'quantity':52s} {'value':>9s} {'target':>8s} {'':4s} {'last day >= 10 % of peak':>24s}")
for c in checks:
    print(f"{c[0]:52s} {c[1]:9.3f} {c[2]:>8s} {'ok' if c[3] else 'FAIL':4s} {c[4] if len(c) > 4 else float('nan'):24.2f}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(1, 2, figsize=(11, 4))
t = res[DEEP][1]
for col, label in SERIES + [("macrophages_repair_integral", "repair macrophages"), ("tgfb_integral", "TGF-beta")]:
    ax[0].plot(t["t"], t[col] / t[col].max(), label=label)
ax[0].axhline(LATE, color="0.5", lw=0.8)
ax[0].axvline(DAY, color="0.5", ls="--", lw=0.8)
ax[0].axvspan(1, 3, color="0.92", label="erythema clears (24-72 h)")
ax[0].set_xlabel("days after the session")
ax[0].set_ylabel("over its peak")
ax[0].set_title(f"{DEEP} mm needles, 250/cm^2")
ax[0].legend(fontsize=7)
for L in [DEEP] + SHALLOW:
    t = res[L][1]
    ax[1].semilogy(24 * t["t"], t["inflammation"] / t["inflammation"].max(), label=f"{L} mm")
ax[1].axhline(LATE, color="0.5", lw=0.8)
ax[1].axvspan(1, 3, color="0.92", label="shallow arrays: 2 +- 1 h")
ax[1].set_xlim(0, 96)
ax[1].set_ylim(1e-3, 1.5)
ax[1].set_xlabel("hours after the session")
ax[1].set_ylabel("inflammation (mean signal) / peak")
ax[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

failed = [c for c in checks if not c[3]]
summary = f"{DEEP} mm peak {o['inflammation_peak_h_1']:.1f} h, resolved {o['inflammation_resolution_h_1']:.1f} h; " + ", ".join(f"{L} mm resolved {res[L][0]['inflammation_resolution_h_1']:.2f} h" for L in SHALLOW)
summary += f"; at day {DAY:g} the worst series is at {100 * max(c[1] for c in checks if len(c) > 4):.0f} % of its peak"
if failed:
    summary += " (failed: " + "; ".join(f"{c[0]} = {c[1]:.3g}, target {c[2]}" for c in failed) + ")"
common.report(CASE, not failed, summary)
