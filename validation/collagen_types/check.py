#!/usr/bin/env python3
"""collagen_types: the new matrix is collagen III-rich in weeks 1-8, the collagen I share rises
over months 2-12 and is back to >= 80 % type I by month 12 (papillary dermis).

--fine runs both set-ups on a doubled grid (-nx 32 -nz 80)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CASE = "collagen_types"
III_RICH = 0.5  # share of collagen III in the new matrix (the baseline share is 0.15)
DIP = 0.01  # the collagen I share must fall at least this far below its baseline in weeks 1-8
RISE = 0.02  # and rise at least this much from month 2 to month 12
TYPE_I_MIN = 0.80
WEEKS = np.arange(1, 9) * 7.0
MONTHS = np.arange(2, 13) * 365.0 / 12  # month 2 ... month 12 (day 365)

fine = "--fine" in sys.argv[1:]
grid = ["-nx", 32, "-nz", 80] if fine else []
suffix = "_fine" if fine else ""


def series(path):
    tab = common.table(path)
    phi3 = float(common.parameters(path)["collagen_III_fraction"])
    t = tab["t"]
    at = {}
    for layer in ("papillary", "reticular"):
        at["gain_" + layer] = tab["collagen_gain_" + layer]
        at["if_" + layer] = tab["collagen_I_fraction_" + layer]
        at["new_iii_" + layer] = phi3 * (tab["collagen_III_rel_" + layer] - 1)
    return t, at, phi3


def interp(t, y, times):
    return np.interp(times, t, y)


one = common.run(CASE, "one_session" + suffix, "validation/collagen_types/one_session.yaml", grid)
course = common.run(CASE, "course" + suffix, "validation/collagen_types/course.yaml", grid)
t1, s1, phi3 = series(one)
t5, s5, _ = series(course)
base = 1 - phi3

gain_w = interp(t1, s1["gain_papillary"], WEEKS)
new_w = interp(t1, s1["new_iii_papillary"], WEEKS)
share_w = np.full_like(gain_w, np.nan)  # no new matrix (gain <= 0) fails target 1
share_w[gain_w > 0] = new_w[gain_w > 0] / gain_w[gain_w > 0]
if_w = interp(t1, s1["if_papillary"], WEEKS)
if_m1 = interp(t1, s1["if_papillary"], MONTHS)
if_m5 = interp(t5, s5["if_papillary"], MONTHS)
last = 4 * 28 + 56  # 8 weeks after the fifth session of the course
if_after5 = interp(t5, s5["if_papillary"], np.concatenate([[last], MONTHS[MONTHS >= last]]))

print("one 1.5 mm session, papillary dermis (baseline type I share %.2f)" % base)
print(f"{'week':>5s} {'gain':>8s} {'III share of new matrix':>24s} {'type I share':>13s}")
for w, g, s, f in zip(WEEKS / 7, gain_w, share_w, if_w):
    print(f"{w:5.0f} {g:+8.2%} {s:24.2f} {f:13.3f}")
print(f"{'month':>5s} {'type I share, 1 session':>24s} {'5 monthly sessions':>19s}")
for mo, a, b in zip(MONTHS * 12 / 365, if_m1, if_m5):
    print(f"{mo:5.0f} {a:24.3f} {b:19.3f}")

checks = {
    "new matrix III-rich in weeks 1-8 (share >= %.1f)" % III_RICH: bool(np.all(share_w >= III_RICH)),
    "type I share dips >= %.2f below baseline in weeks 1-8" % DIP: bool(if_w.min() <= base - DIP),
    "type I share non-decreasing months 2-12": bool(np.all(np.diff(if_m1) >= -1e-4)),
    "type I share rises >= %.2f from month 2 to 12" % RISE: bool(if_m1[-1] - if_m1[0] >= RISE),
    "type I share >= %.2f at month 12 (1 session)" % TYPE_I_MIN: bool(if_m1[-1] >= TYPE_I_MIN),
    "course: type I share non-decreasing from 8 weeks after the last session":
        bool(np.all(np.diff(if_after5) >= -1e-4)),
    "course: type I share >= %.2f at month 12" % TYPE_I_MIN: bool(if_m5[-1] >= TYPE_I_MIN),
}
for what, ok in checks.items():
    print(("  ok    " if ok else "  FAIL  ") + what)

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
for t, s, name in ((t1, s1, "1 session"), (t5, s5, "5 monthly sessions")):
    ax[0].plot(t / 30.4, s["if_papillary"], label=name + ", papillary")
    ax[0].plot(t / 30.4, s["if_reticular"], "--", label=name + ", reticular")
ax[0].axhline(base, color="k", lw=0.8, label="baseline")
ax[0].axhline(TYPE_I_MIN, color="r", ls=":", label="80 % type I")
ax[0].set_xlabel("months after the first session")
ax[0].set_ylabel("collagen I / (I + III)")
ax[0].legend(fontsize=8)
m = (t1 >= 5) & (s1["gain_papillary"] > 1e-3)
ax[1].plot(t1[m] / 7, s1["new_iii_papillary"][m] / s1["gain_papillary"][m], label="papillary")
m = (t1 >= 5) & (s1["gain_reticular"] > 1e-3)
ax[1].plot(t1[m] / 7, s1["new_iii_reticular"][m] / s1["gain_reticular"][m], "--", label="reticular")
ax[1].axhline(III_RICH, color="r", ls=":", label="III-rich threshold")
ax[1].axhline(phi3, color="k", lw=0.8, label="baseline III share")
ax[1].axvspan(1, 8, color="0.9")
ax[1].set_xlabel("weeks after one 1.5 mm session")
ax[1].set_ylabel("collagen III share of the new matrix")
ax[1].set_ylim(0, 1.2)
ax[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + suffix + ".png"), dpi=120)

common.report(CASE, all(checks.values()),
              f"new-matrix III share {np.nanmin(share_w):.2f}-{np.nanmax(share_w):.2f} in weeks 1-8 "
              f"(>= {III_RICH}); type I share min {if_w.min():.3f} (baseline {base:.2f}), "
              f"{if_m1[0]:.3f} at month 2 -> {if_m1[-1]:.3f} at month 12 after one session, "
              f"{if_m5[-1]:.3f} at month 12 after five (>= {TYPE_I_MIN})")
