#!/usr/bin/env python3
"""epidermis_only: needles that stay within the epidermis (face 0.08 mm, body 0.10 mm): the
barrier recovers within 72 h and dermal collagen changes by less than 5 % over 8 weeks.
A 0.25 mm run that reaches the papillary dermis is shown for contrast, not compared.

--fine runs every set-up on a doubled grid (-nx 32 -nz 80)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CASE = "epidermis_only"
BARRIER_H = 72.0
COLLAGEN = 0.05
RUNS = (("face", "face 0.08 mm", True), ("body", "body 0.10 mm", True),
        ("dermal_control", "face 0.25 mm (control)", False))

fine = "--fine" in sys.argv[1:]
grid = ["-nx", 32, "-nz", 80] if fine else []
suffix = "_fine" if fine else ""

res = {}
for tag, label, compared in RUNS:
    path = common.run(CASE, tag + suffix, f"validation/epidermis_only/{tag}.yaml", grid)
    res[tag] = (common.outcomes(path), common.table(path))

print(f"{'set-up':24s} {'barrier h':>10s} {'papillary':>10s} {'reticular':>10s} "
      f"{'max |gain|':>11s}  compared")
ok = True
worst_h, worst_c = 0.0, 0.0
for tag, label, compared in RUNS:
    out, tab = res[tag]
    h = out["barrier_recovery_h_1"]
    gp, gr = out["collagen_gain_papillary"], out["collagen_gain_reticular"]
    gmax = float(max(np.abs(tab["collagen_gain_papillary"]).max(), np.abs(tab["collagen_gain_reticular"]).max()))
    print(f"{label:24s} {h:10.2f} {gp:+10.3%} {gr:+10.3%} {gmax:11.3%}  {'yes' if compared else 'no'}")
    if compared:
        ok = ok and np.isfinite(h) and h <= BARRIER_H and gmax < COLLAGEN
        worst_h = max(worst_h, h) if np.isfinite(h) else np.inf
        worst_c = max(worst_c, gmax)

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
for tag, label, compared in RUNS:
    out, tab = res[tag]
    t, b = tab["t"], tab["barrier_deficit"]
    m = t > 0
    ax[0].semilogy(24 * t[m], b[m] / b[m][0], "-" if compared else ":", label=label)
    ax[1].semilogy(t, 100 * np.abs(tab["collagen_gain_papillary"]), "-" if compared else ":", label=label + ", papillary")
    ax[1].semilogy(t, 100 * np.abs(tab["collagen_gain_reticular"]), "--" if compared else "-.", label=label + ", reticular")
ax[0].axhline(0.1, color="k", lw=0.8, label="10 % of initial deficit")
ax[0].axvline(BARRIER_H, color="r", ls=":", label="72 h")
ax[0].set_xlim(0, 80)
ax[0].set_ylim(1e-4, 2)
ax[0].set_xlabel("hours after the session")
ax[0].set_ylabel("barrier deficit / initial")
ax[0].legend(fontsize=8)
ax[1].axhline(100 * COLLAGEN, color="r", ls=":", label="5 %")
ax[1].set_ylim(1e-4, 20)
ax[1].set_xlabel("days after the session")
ax[1].set_ylabel("|collagen change from baseline| [%]")
ax[1].legend(fontsize=7)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + suffix + ".png"), dpi=120)

common.report(CASE, ok, f"epidermis-only needles (face 0.08 mm, body 0.10 mm): barrier back within "
              f"{worst_h:.1f} h (<= {BARRIER_H:.0f} h), dermal collagen changed by at most "
              f"{worst_c:.3%} over 8 weeks (< {COLLAGEN:.0%})")
