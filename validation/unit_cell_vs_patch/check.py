#!/usr/bin/env python3
"""A periodic unit cell of one channel against the central lattice cell of a 9 x 9 patch (2-D,
one 1.5 mm session at 250/cm^2, square lattice): collagen (I + III), TGF-beta and fibroblasts at
day 28 averaged over each dermal layer, within 1 % relative (validation/unit_cell_vs_patch/README.md).
Diagnostics: the open-channel field right after the session (the patch's central cell must open
what the unit cell opens), and the spread between the central cell and its interior neighbours
(edge effects)."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402
import mhread  # noqa: E402 (scripts/mhread, on the path through common)

CASE = "unit_cell_vs_patch"
DIR = "validation/unit_cell_vs_patch"
TOL = 0.01
LAYERS = ["papillary_dermis", "reticular_dermis", "hypodermis"]
ALL = ["stratum_corneum", "epidermis"] + LAYERS
ROWS = 9  # channels per lattice column of the patch (rows in y), all at the same x in 2-D
COMPARED = {"collagen": ("collagen_I", "collagen_III"), "tgfb": ("tgfb",), "fibroblasts": ("fibroblasts",)}


def load(path):
    with mhread.Output(path) as o:
        par = o.parameters()
        top = np.concatenate([[0], np.cumsum([float(par["layer_thickness_mm." + n]) for n in ALL])])
        return dict(x=o.centres["x"], xf=o.faces["x"], z=o.centres["z"], dz=np.diff(o.faces["z"]), t=o.time, top=top,
                    fields={n: o.field(n) for n in ("damage", "tgfb", "fibroblasts", "collagen_I", "collagen_III")},
                    density=float(par["density_per_cm2.1"]), W=float(par["patch_width_mm"]), margin=float(par["margin_mm"]))


def layer_means(d, cols, ti, names):
    """Mean over each layer of the sum of the named fields at snapshot ti, over lateral cells cols."""
    v = sum(d["fields"][n][ti][:, cols] for n in names).mean(axis=1)
    out = []
    for L in (2, 3, 4):
        m = (d["z"] >= d["top"][L]) & (d["z"] < d["top"][L + 1])
        out.append((v[m] * d["dz"][m]).sum() / d["dz"][m].sum())
    return np.array(out)


uc = load(common.run(CASE, "unit_cell", f"{DIR}/unit_cell.yaml"))
pt = load(common.run(CASE, "patch", f"{DIR}/patch.yaml"))
a = 1 / np.sqrt(pt["density"] / 100)
n = len(uc["x"])
# needles of the patch (NeedlesCreate: first pass of the first session, lattice offset a/2, box
# [margin, margin + W)): x = a/2 + i a inside the box
lo, hi = pt["margin"], pt["margin"] + pt["W"]
xs = np.array([a / 2 + i * a for i in range(int(np.ceil((lo - a / 2) / a - 1e-9)), int(np.ceil((hi - a / 2) / a - 1e-9)))])
centre = 0.5 * pt["xf"][-1]
k = int(np.argmin(np.abs(xs - centre)))
assert abs(xs[k] - centre) < 1e-9 * a, f"no channel at the patch centre: channels at {xs}, centre {centre}"
assert len(xs) == ROWS and abs(xs[0] - lo - (hi - xs[-1])) < 1e-9, f"patch channels not symmetric: {xs} in [{lo}, {hi})"
i0 = int(np.searchsorted(pt["xf"], centre - a / 2 - 1e-9 * a))
assert abs(pt["xf"][i0] - (centre - a / 2)) < 1e-9 and abs(pt["xf"][i0 + n] - (centre + a / 2)) < 1e-9, "patch cells do not align with the central lattice cell"
assert np.allclose(pt["xf"][i0:i0 + n + 1] - pt["xf"][i0], uc["xf"] - uc["xf"][0], atol=1e-12), "patch and unit-cell grids differ"
cols = slice(i0, i0 + n)

# right after the session: the patch's central cell opens what the unit cell opens
d_uc, d_pt = uc["fields"]["damage"][0], pt["fields"]["damage"][0][:, cols]
union_err = np.abs(d_pt - d_uc).max()
deficit = 1 - d_pt.sum() / d_uc.sum()

ti = int(np.argmin(np.abs(uc["t"] - 28)))
assert abs(uc["t"][ti] - 28) < 1e-9 and abs(pt["t"][ti] - 28) < 1e-9, "no snapshot at day 28"
rows, worst = [], 0.0
for label, names in COMPARED.items():
    u, p = layer_means(uc, slice(0, n), ti, names), layer_means(pt, cols, ti, names)
    nb = [layer_means(pt, slice(i0 + s * n, i0 + (s + 1) * n), ti, names) for s in (-1, 1)]
    spread = max(np.abs(q - p).max() / np.abs(p).max() for q in nb)
    rel = (p - u) / u
    worst = max(worst, np.abs(rel).max())
    rows.append((label, u, p, rel, spread))

print(f"channels of the patch at x/a = {np.round(xs / a, 3).tolist()}; central lattice cell [{pt['xf'][i0]:.4f}, {pt['xf'][i0 + n]:.4f}] mm, cells {i0}..{i0 + n - 1}")
print(f"open fraction after the session: patch centre / unit cell = {1 - deficit:.4f}; max |patch - unit cell| open fraction = {union_err:.1e}")
print(f"{'day 28':12s} {'layer':18s} {'unit cell':>12s} {'patch centre':>12s} {'rel diff':>10s} {'neighbours':>10s}")
for label, u, p, rel, spread in rows:
    for L, name in enumerate(LAYERS):
        print(f"{label:12s} {name:18s} {u[L]:12.6g} {p[L]:12.6g} {rel[L]:+10.2e} {spread if L == 0 else float('nan'):10.1e}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(1, 2, figsize=(11, 4))
zp = (pt["z"] >= pt["top"][2]) & (pt["z"] < pt["top"][3])
for name, c in (("tgfb", "C0"), ("collagen_III", "C1")):
    prof_p = (pt["fields"][name][ti][zp] * pt["dz"][zp, None]).sum(0) / pt["dz"][zp].sum()
    prof_u = (uc["fields"][name][ti][zp] * uc["dz"][zp, None]).sum(0) / uc["dz"][zp].sum()
    ax[0].plot(pt["x"] / a, prof_p / prof_u.max(), color=c, label=f"{name}, patch")
    for s in range(-ROWS // 2, ROWS // 2 + 1):
        ax[0].plot((pt["xf"][i0] + uc["x"]) / a + s, prof_u / prof_u.max(), color=c, ls=":", lw=1.5, label=f"{name}, unit cell (tiled)" if s == 0 else None)
ax[0].axvspan(pt["xf"][i0] / a, pt["xf"][i0 + n] / a, color="0.9")
ax[0].set_xlabel("x / a (lattice spacing)")
ax[0].set_ylabel("papillary mean / unit-cell maximum")
ax[0].set_title("day 28, papillary dermis")
ax[0].legend(fontsize=7)
w = 0.25
for q, (label, u, p, rel, spread) in enumerate(rows):
    ax[1].bar(np.arange(3) + (q - 1) * w, 100 * rel, w, label=label)
ax[1].axhline(100 * TOL, color="k", ls="--", lw=0.8)
ax[1].axhline(-100 * TOL, color="k", ls="--", lw=0.8)
ax[1].set_xticks(range(3), ["papillary", "reticular", "hypodermis"])
ax[1].set_ylabel("patch centre vs unit cell [%]")
ax[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

summary = ", ".join(f"{label} {100 * np.abs(rel).max():.2f} %" for label, u, p, rel, spread in rows)
common.report(CASE, worst < TOL, f"day 28 layer means, patch centre vs unit cell, worst |rel diff|: {summary} (tolerance {100 * TOL:g} %); open channel volume after needling differs by {100 * deficit:+.2g} %")
