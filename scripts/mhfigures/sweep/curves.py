"""The curves panel: an outcome against one parameter, one curve per value of another."""
import matplotlib
import matplotlib.transforms as mtransforms
import numpy as np

from .plan import cells
from .scales import CMAP, colour_norm, label_axis, log_axis, positions
from .summary import tick_labels

MAX_SERIES = 12  # curves: a numeric --by with more values is drawn as a colour scale


def curves_panel(ax, s, plan, outcome, logx, logy_choice):
    """A curves panel: the outcome against x, one series per --by value (or a colour scale for a
    numeric --by with many values), min-max bars over replicates, missing points as crosses along
    the bottom."""
    keys = [plan.x] + ([plan.by] if plan.by else []) + plan.projected
    cs = cells(s, plan, outcome, keys)
    lo = [c.min for c in cs if c.ndone] + [c.mean for c in cs if c.ndone]
    logy = log_axis(s, plan, None, logy_choice, lo)
    if logy:
        ax.set_yscale("log")
    bottom = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    series = s.distinct(plan.by, plan.mask) if plan.by else [None]
    colour_scale = plan.by is not None and not s.is_word(plan.by) and len(series) > MAX_SERIES
    cmap = matplotlib.colormaps[CMAP]
    bynorm = colour_norm(series) if colour_scale else None
    mappable = None
    nmiss = 0
    for k, sv in enumerate(series):
        mine = [c for c in cs if sv is None or c.key[1] == sv]
        mine.sort(key=lambda c: positions(s, plan, plan.x, [c.key[0]])[0])
        px = positions(s, plan, plan.x, [c.key[0] for c in mine])
        m = np.array([c.mean for c in mine])
        ok = np.isfinite(m)
        if colour_scale:
            colour = cmap(bynorm(sv))
        else:
            colour = f"C{k % 10}" if plan.by else "C0"
        label = None if (sv is None or colour_scale) else tick_labels(series)[k]
        style = "-o" if plan.grid else "o"
        ax.plot(px, m, style, color=colour, ms=4.5, lw=1.4, label=label)
        spread = np.array([[c.mean - c.min, c.max - c.mean] if c.ndone > 1 else [0.0, 0.0] for c in mine]).T
        if np.any(spread > 0):
            ax.errorbar(px[ok], m[ok], yerr=spread[:, ok], fmt="none", ecolor=colour, elinewidth=1.0, capsize=3)
        if np.any(~ok):
            ax.scatter(px[~ok], np.full(int(np.sum(~ok)), 0.03), transform=bottom, marker="X", s=60,
                       facecolors="0.75", edgecolors=colour, linewidths=1.0, clip_on=False, zorder=4)
            nmiss += int(np.sum(~ok))
    if colour_scale:
        mappable = matplotlib.cm.ScalarMappable(norm=bynorm, cmap=cmap)
    handles, labels = ax.get_legend_handles_labels()
    if nmiss:
        handles.append(ax.scatter([], [], marker="X", s=60, facecolors="0.75", edgecolors="0.3"))
        labels.append(f"not done / no value ({nmiss})")
    if handles:
        ax.legend(handles, labels, title=plan.by if plan.by and not colour_scale else None, fontsize=7,
                  title_fontsize=7, framealpha=0.8)
    label_axis(ax, "x", s, plan, plan.x, logx, ticks=plan.grid)
    if s.is_word(plan.x):
        ax.set_xlim(-0.5, len(s.distinct(plan.x, plan.mask)) - 0.5)
    ax.grid(alpha=0.3)
    return mappable, cs
