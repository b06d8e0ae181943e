"""Heatmap panels: a grid sweep's cells to scale (heatmap_grid), scattered samples coloured by the
outcome with an optional filled contour (heatmap_scatter)."""
import matplotlib
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.tri import Triangulation
from mhread.text import tex_unit  # scripts/mhread/

from .plan import cells
from .scales import CMAP, MISSING, colour_norm, edges, label_axis, positions, text_colour
from .summary import fmt

MAX_LABELLED_CELLS = 200  # heatmaps with more cells are not labelled with their values


def spread_note(cs, unit):
    multi = [c for c in cs if c.ndone > 1]
    if not multi:
        return None
    worst = max(multi, key=lambda c: c.max - c.min)
    u = "" if unit == "1" else f" {tex_unit(unit)}"
    return (f"replicates: mean of up to {max(c.ndone for c in multi)}; largest spread (max-min) "
            f"{worst.max - worst.min:.3g}{u}")


def heatmap_grid(ax, s, plan, outcome, logx, logy):
    """A grid heatmap panel: cells to scale, labelled, missing ones grey and hatched."""
    xs, ys = s.distinct(plan.x, plan.mask), s.distinct(plan.y, plan.mask)
    xi = {v: i for i, v in enumerate(xs)}
    yi = {v: j for j, v in enumerate(ys)}
    cs = cells(s, plan, outcome, [plan.x, plan.y])
    grid = np.full((len(ys), len(xs)), np.nan)
    byij = {}
    for c in cs:
        grid[yi[c.key[1]], xi[c.key[0]]] = c.mean
        byij[yi[c.key[1]], xi[c.key[0]]] = c
    xe = edges(positions(s, plan, plan.x, xs), logx)
    ye = edges(positions(s, plan, plan.y, ys), logy)
    norm = colour_norm(grid)
    cmap = matplotlib.colormaps[CMAP]
    mesh = ax.pcolormesh(xe, ye, np.ma.masked_invalid(grid), cmap=cmap, norm=norm, shading="flat")
    label = len(xs) * len(ys) <= MAX_LABELLED_CELLS
    size = 8 if len(xs) <= 8 else 6.5
    for (j, i), c in sorted(byij.items()):
        cx = np.sqrt(xe[i] * xe[i + 1]) if logx else 0.5 * (xe[i] + xe[i + 1])
        cy = np.sqrt(ye[j] * ye[j + 1]) if logy else 0.5 * (ye[j] + ye[j + 1])
        if c.ndone == 0:
            ax.add_patch(Rectangle((xe[i], ye[j]), xe[i + 1] - xe[i], ye[j + 1] - ye[j], lw=0.5, **MISSING))
            if label:
                ax.text(cx, cy, c.why, ha="center", va="center", fontsize=size, color="0.2",
                        bbox=dict(boxstyle="round,pad=0.15", fc="0.82", ec="none"))
            continue
        if not label:
            continue
        txt = fmt(c.mean)
        if c.ndone > 1:
            txt += f"\n{fmt(c.min)}–{fmt(c.max)}"
        if c.ndone < c.n:
            txt += f"\n({c.ndone}/{c.n} done)"
        ax.text(cx, cy, txt, ha="center", va="center", fontsize=size, linespacing=1.1,
                color=text_colour(cmap(norm(c.mean))))
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    label_axis(ax, "x", s, plan, plan.x, logx)
    label_axis(ax, "y", s, plan, plan.y, logy)
    return mesh, cs


def heatmap_scatter(ax, s, plan, outcome, logx, logy, contour):
    """A scattered-samples panel: points coloured by the outcome, missing ones as grey crosses,
    optionally a filled contour on a triangulation (made in the axes' own, maybe log, coordinates)."""
    keys = [plan.x, plan.y] + plan.projected
    cs = cells(s, plan, outcome, keys)
    px = positions(s, plan, plan.x, [c.key[0] for c in cs])
    py = positions(s, plan, plan.y, [c.key[1] for c in cs])
    m = np.array([c.mean for c in cs])
    ok = np.isfinite(m)
    norm = colour_norm(m)
    mappable = None
    if contour and np.sum(ok) >= 3:
        tx = np.log10(px[ok]) if logx else px[ok]
        ty = np.log10(py[ok]) if logy else py[ok]
        try:
            tri = Triangulation(px[ok], py[ok], Triangulation(tx, ty).triangles)
            mappable = ax.tricontourf(tri, m[ok], levels=12, cmap=CMAP, norm=norm, alpha=0.85)
        except (ValueError, RuntimeError):  # collinear samples: no triangulation, points only
            mappable = None
    sc = ax.scatter(px[ok], py[ok], c=m[ok], cmap=CMAP, norm=norm, s=46, edgecolors="black", linewidths=0.6,
                    zorder=3)
    if np.any(~ok):
        ax.scatter(px[~ok], py[~ok], marker="X", s=70, facecolors="0.75", edgecolors="0.3", linewidths=0.8,
                   hatch="////", zorder=3, label=f"not done / no value ({int(np.sum(~ok))})")
        ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    ax.use_sticky_edges = False  # the contour would clip the samples on the hull
    ax.margins(0.06)
    label_axis(ax, "x", s, plan, plan.x, logx, ticks=False)
    label_axis(ax, "y", s, plan, plan.y, logy, ticks=False)
    if s.is_word(plan.x):
        ax.set_xlim(-0.5, len(s.distinct(plan.x, plan.mask)) - 0.5)
    if s.is_word(plan.y):
        ax.set_ylim(-0.5, len(s.distinct(plan.y, plan.mask)) - 0.5)
    return (sc if mappable is None else mappable), cs
