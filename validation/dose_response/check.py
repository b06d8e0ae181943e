#!/usr/bin/env python3
"""dose_response: deeper and denser needling gives more dermal collagen 8 weeks after one
session (papillary, reticular and their volume-weighted dermal mean each increase strictly with
needle length 0.25-2.0 mm at 250/cm^2 and with density 100-300/cm^2 at 1.0 mm), and stays
below +400 %.

--fine runs every point on a doubled grid (-nx 32 -nz 80)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CASE = "dose_response"
CONFIG = "validation/dose_response/config.yaml"
LENGTHS = (0.25, 0.5, 1.0, 1.5, 2.0)  # mm, at 250 per cm^2
DENSITIES = (100, 200, 300)  # per cm^2, at 1.0 mm
BOUND = 4.0
SERIES = ("papillary", "reticular", "dermis")

fine = "--fine" in sys.argv[1:]
grid = ["-nx", 32, "-nz", 80] if fine else []
suffix = "_fine" if fine else ""


def gains(tag, args):
    path = common.run(CASE, tag + suffix, CONFIG, list(args) + grid)
    out = common.outcomes(path)
    par = common.parameters(path)
    vp, vr = float(par["layer_thickness_mm.papillary_dermis"]), float(par["layer_thickness_mm.reticular_dermis"])
    gp, gr = out["collagen_gain_papillary"], out["collagen_gain_reticular"]
    return {"papillary": gp, "reticular": gr, "dermis": (vp * gp + vr * gr) / (vp + vr)}


by_len = [gains(f"length_{L:g}", ["-microneedling_needle_length_mm", L, "-microneedling_density_per_cm2", 250])
          for L in LENGTHS]
by_den = [gains(f"density_{d:g}", ["-microneedling_needle_length_mm", 1.0, "-microneedling_density_per_cm2", d])
          for d in DENSITIES]

failures = []
for what, xs, unit, rows in (("length", LENGTHS, "mm", by_len), ("density", DENSITIES, "/cm^2", by_den)):
    print(f"{what + ' [' + unit + ']':>16s} " + " ".join(f"{s:>10s}" for s in SERIES))
    for x, g in zip(xs, rows):
        print(f"{x:16g} " + " ".join(f"{g[s]:+10.2%}" for s in SERIES))
    for s in SERIES:
        v = np.array([g[s] for g in rows])
        for i in np.flatnonzero(np.diff(v) <= 0):
            failures.append(f"{s} {v[i + 1]:+.2%} at {xs[i + 1]:g} {unit} not above {v[i]:+.2%} at {xs[i]:g} {unit}")
        if v.max() >= BOUND:
            failures.append(f"{s} {v.max():+.0%} above the +400 % bound")
for f in failures:
    print("  FAIL  " + f)

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
for s, style in zip(SERIES, ("o-", "s--", "^-")):
    ax[0].plot(LENGTHS, [100 * g[s] for g in by_len], style, label=s)
    ax[1].plot(DENSITIES, [100 * g[s] for g in by_den], style, label=s)
ax[0].set_xlabel("needle length [mm] (250 channels/cm$^2$)")
ax[1].set_xlabel("channels per cm$^2$ (1.0 mm needles)")
for a in ax:
    a.set_ylabel("collagen over baseline at 8 weeks [%]")
    a.legend(title="one session")
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + suffix + ".png"), dpi=120)

summary = (f"dermal collagen at 8 weeks {by_len[0]['dermis']:+.2%} (0.25 mm) to {by_len[-1]['dermis']:+.1%} "
           f"(2.0 mm), {by_den[0]['dermis']:+.1%} (100/cm^2) to {by_den[-1]['dermis']:+.1%} (300/cm^2)")
common.report(CASE, not failures, summary + ("; " + "; ".join(failures) if failures else
                                             "; papillary, reticular and dermal mean strictly increasing, below +400 %"))
