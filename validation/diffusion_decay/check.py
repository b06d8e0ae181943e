#!/usr/bin/env python3
"""Steady diffusion-decay of TGF-beta from a surface source through the five skin layers, against
the exact layered solution (piecewise constant D, continuity of c and D c' at the interfaces,
c = c0 at the surface, zero flux at the bottom), on three grids; and the single-layer profile
c0 exp(-z / sqrt(D/k)) (validation/diffusion_decay/README.md) with one D everywhere."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402
import mhread  # noqa: E402 (scripts/mhread, on the path through common)

CASE = "diffusion_decay"
CONFIG = "validation/diffusion_decay/config.yaml"
LAYERS = ["stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis", "hypodermis"]
GRIDS = [39, 78, 156]
TOL = 0.01  # max |c - c_exact| / c0 in the papillary and reticular dermis
C0 = 1.0


def exact(z, top, D, k, c0):
    """c(z) for D_L c'' = k c on layers [top[L], top[L+1]], c(0) = c0, c and D c' continuous,
    c'(bottom) = 0. In layer L, c = a_L exp(-lam_L s) + b_L exp(-lam_L (h_L - s)), s = z - top[L]
    (both terms bounded by their coefficients, so the 2n x 2n system is well conditioned).
    Returns c and the flux -D c' at z."""
    n = len(D)
    D = np.asarray(D, float)
    lam, h = np.sqrt(k / D), np.diff(top)
    E = np.exp(-lam * h)
    M, r = np.zeros((2 * n, 2 * n)), np.zeros(2 * n)
    M[0, :2], r[0] = (1, E[0]), c0
    for L in range(n - 1):
        i, j = 1 + 2 * L, 2 * L
        M[i, j:j + 4] = (E[L], 1, -1, -E[L + 1])  # c continuous
        M[i + 1, j:j + 4] = (-D[L] * lam[L] * E[L], D[L] * lam[L], D[L + 1] * lam[L + 1], -D[L + 1] * lam[L + 1] * E[L + 1])  # D c'
    M[-1, -2:] = (-E[-1], 1)  # c' = 0 at the bottom
    ab = np.linalg.solve(M, r)
    L = np.clip(np.searchsorted(top, z, side="right") - 1, 0, n - 1)
    s = z - top[L]
    ea, eb = np.exp(-lam[L] * s), np.exp(-lam[L] * (h[L] - s))
    return ab[2 * L] * ea + ab[2 * L + 1] * eb, -D[L] * lam[L] * (-ab[2 * L] * ea + ab[2 * L + 1] * eb)


def load(path):
    with mhread.Output(path) as o:
        par = o.parameters()
        thick = [float(par["layer_thickness_mm." + n]) for n in LAYERS]
        D = [float(par["tgfb_diffusivity_mm2_per_day." + n]) for n in LAYERS]
        k = float(par["tgfb_decay_per_day"])
        c = o.field("tgfb")[:, :, 0]
        return dict(z=o.centres["z"], faces=o.faces["z"], c=c[-1], drift=float(np.abs(c[-1] - c[-2]).max()), top=np.concatenate([[0], np.cumsum(thick)]), D=D, k=k)


def one_sided(z, c, zi):
    """Value and derivative at zi of the quadratic through three cell values on one side."""
    p = np.polyfit(z - zi, c, 2)
    return p[2], p[1]


runs = {}
for n in GRIDS:
    runs[n] = load(common.run(CASE, f"nz{n}", CONFIG, ["-nz", n]))
rows, errs = [], []
for n in GRIDS:
    r = runs[n]
    ce, _ = exact(r["z"], r["top"], r["D"], r["k"], C0)
    layer = np.searchsorted(r["top"], r["z"], side="right") - 1
    dermis = (layer == 2) | (layer == 3)
    err = np.abs(r["c"] - ce)
    errs.append(err[dermis].max() / C0)
    # the papillary/reticular interface: one-sided quadratic extrapolation of c and D c'
    zi = r["top"][3]
    up, dn = np.where(layer == 2)[0][-3:], np.where(layer == 3)[0][:3]
    cu, du = one_sided(r["z"][up], r["c"][up], zi)
    cd, dd = one_sided(r["z"][dn], r["c"][dn], zi)
    fu, fd = -r["D"][2] * du, -r["D"][3] * dd
    cx, fx = exact(np.array([zi - 1e-12]), r["top"], r["D"], r["k"], C0)
    a, b = up[-1], dn[0]  # the scheme's own flux through the interface face (harmonic mean)
    face = (r["c"][a] - r["c"][b]) / ((zi - r["z"][a]) / r["D"][2] + (r["z"][b] - zi) / r["D"][3])
    rows.append((n, err[layer == 2].max(), err[layer == 3].max(), errs[-1], abs(cu - cd) / cx[0], abs(fu - fd) / abs(fx[0]), fu, fd, face, fx[0], r["drift"]))
orders = [np.log2(errs[i] / errs[i + 1]) for i in range(len(errs) - 1)]

# the single-layer profile: one D everywhere, c0 exp(-z/l) (the bottom is 10 l away)
Du = 0.294
u = load(common.run(CASE, "uniform", CONFIG, ["-nz", GRIDS[1], "-microneedling_tgfb_diffusivity_mm2_per_day", Du]))
ell = np.sqrt(Du / u["k"])
uerr = np.abs(u["c"] - C0 * np.exp(-u["z"] / ell)).max() / C0

print(f"{'nz':>5} {'max err pap':>12} {'max err ret':>12} {'dermis/c0':>10} {'c jump':>9} {'flux jump':>10} {'flux pap':>9} {'flux ret':>9} {'face flux':>9} {'exact':>9} {'drift':>8}")
for row in rows:
    print(f"{row[0]:5d} {row[1]:12.3e} {row[2]:12.3e} {row[3]:10.3e} {row[4]:9.2e} {row[5]:10.2e} {row[6]:9.5f} {row[7]:9.5f} {row[8]:9.5f} {row[9]:9.5f} {row[10]:8.1e}")
print("observed orders (max error in the dermis): " + ", ".join(f"{o:.2f}" for o in orders))
print(f"single layer D = {Du} mm^2/day, l = {ell:.4f} mm, nz {GRIDS[1]}: max |c - c0 exp(-z/l)| / c0 = {uerr:.2e}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(1, 2, figsize=(10, 4))
r = runs[GRIDS[-1]]
zf = np.linspace(0, r["top"][-1], 2000)
ax[0].semilogy(zf, exact(zf, r["top"], r["D"], r["k"], C0)[0], "k-", lw=1, label="exact (layered)")
for n, mk in zip(GRIDS, "o^s"):
    ax[0].semilogy(runs[n]["z"], runs[n]["c"], mk, ms=3, mfc="none", label=f"microheal, nz {n}")
for zt in r["top"][1:-1]:
    ax[0].axvline(zt, color="0.8", lw=0.8)
ax[0].set_xlabel("depth z [mm]")
ax[0].set_ylabel("TGF-beta / c0")
ax[0].set_ylim(1e-6, 2)
ax[0].legend(fontsize=8)
ax[0].set_title("steady profile, D = 0.05/0.2/0.294/0.1/0.2 mm^2/day")
ax[1].loglog(GRIDS, errs, "o-", label="max error, papillary + reticular")
ax[1].loglog(GRIDS, [errs[0] * (GRIDS[0] / n) ** 2 for n in GRIDS], "k--", lw=0.8, label="second order")
ax[1].set_xlabel("nz")
ax[1].set_ylabel("max |c - c_exact| / c0")
ax[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

ok = errs[0] <= TOL and uerr <= TOL and all(1.7 <= o <= 2.3 for o in orders) and rows[-1][5] < rows[0][5]
common.report(CASE, ok, f"max error in the dermis {errs[0]:.2e} c0 (nz {GRIDS[0]}, tolerance {TOL:g}), orders " + "/".join(f"{o:.2f}" for o in orders) + f", flux jump at papillary/reticular {rows[0][5]:.1e} -> {rows[-1][5]:.1e}, single layer {uerr:.1e}")
