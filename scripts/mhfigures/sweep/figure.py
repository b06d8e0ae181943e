"""The sweep figure (plot: one panel per outcome, the title) and the numbers drawn (write_table)."""
import copy
import csv

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
from mhfiles import replacing  # scripts/mhfiles.py
from mhread.text import drawn_as, with_unit  # scripts/mhread/

from .curves import curves_panel
from .heatmap import heatmap_grid, heatmap_scatter, spread_note
from .plan import cells
from .scales import log_axis
from .summary import fmt


def suptitle_text(s, plan, outcomes):
    """Suptitle: the sweep, what is fixed or projected, how replicates are shown, what is missing."""
    lines = [f"sweep {s.name} (model {s.model}, {s.combine})"]
    info = []
    if plan.fixed:
        info.append("fixed: " + ", ".join(f"{k} = {fmt(v, 6)}" for k, v in plan.fixed.items()))
    if plan.projected:
        info.append("projection over " + ", ".join(plan.projected) + " (scattered samples)")
    groups = cells(s, plan, outcomes[0], [p for p in s.params])
    nrep = max(c.n for c in groups)
    if nrep > 1:
        info.append(f"mean of {nrep} replicates, " + ("bars: min–max" if plan.kind == "curves" else
                                                        "below it: min–max" if plan.grid else "spread in the panel"))
    if info:
        lines.append("; ".join(info))
    n = int(np.sum(plan.mask))
    notdone = int(np.sum(plan.mask & ~s.done))
    if notdone:
        lines.append(f"{notdone} of {n} points not done ({s.status_counts(plan.mask)}): drawn as missing")
    else:
        lines.append(f"all {n} points done")
    return "\n".join(lines)


def drawn(s, outcome):
    """The summary as drawn for one outcome: a quantity stored as a fraction but drawn in percent
    (the collagen gain, as in figures.py: mhread.text.drawn_as) multiplied by 100, unit '%'."""
    factor, unit = drawn_as(outcome, s.units[outcome])
    if factor == 1.0 and unit == s.units[outcome]:
        return s
    v = copy.copy(s)
    v.data, v.units = dict(s.data), dict(s.units)
    v.data[outcome], v.units[outcome] = s.data[outcome] * factor, unit
    return v


def plot(s, outcomes, plan, log_x="auto", log_y="auto", contour=False, dpi=130):
    """The figure (one panel per outcome) and the table drawn: a list of (outcome, key names,
    cells)."""
    logx = log_axis(s, plan, plan.x, log_x)
    logy = log_axis(s, plan, plan.y, log_y) if plan.kind == "heatmap" else None
    n = len(outcomes)
    ncol = min(n, 3)
    nrow = (n + ncol - 1) // ncol
    if plan.kind == "heatmap" and plan.grid:
        nx, ny = len(s.distinct(plan.x, plan.mask)), len(s.distinct(plan.y, plan.mask))
        w, h = min(max(0.85 * nx + 2.4, 5.0), 12.0), min(max(0.6 * ny + 1.8, 3.8), 9.0)
    else:
        w, h = 5.4, 4.0
    fig, axes = plt.subplots(nrow, ncol, figsize=(w * ncol, h * nrow + 0.9), dpi=dpi, squeeze=False,
                             layout="constrained")
    table = []
    for k, o in enumerate(outcomes):
        ax = axes[k // ncol][k % ncol]
        sd = drawn(s, o)
        unit = sd.units[o]
        if plan.kind == "heatmap":
            if plan.grid:
                mappable, cs = heatmap_grid(ax, sd, plan, o, logx, logy)
                keys = [plan.x, plan.y]
            else:
                mappable, cs = heatmap_scatter(ax, sd, plan, o, logx, logy, contour)
                keys = [plan.x, plan.y] + plan.projected
            fig.colorbar(mappable, ax=ax, label=with_unit(o, unit, s.model), format=mticker.FuncFormatter(
                lambda v, _: f"{v:.3g}"))
        else:
            mappable, cs = curves_panel(ax, sd, plan, o, logx, log_y)
            keys = [plan.x] + ([plan.by] if plan.by else []) + plan.projected
            ax.set_ylabel(with_unit(o, unit, s.model))
            if mappable is not None:
                fig.colorbar(mappable, ax=ax, label=plan.by)
        novalue = sum(1 for c in cs for i in c.idx if s.done[i] and not np.isfinite(s.data[o][i]))
        title = o + (f" ({novalue} done point{'s' if novalue > 1 else ''} without a value)" if novalue else "")
        note = spread_note(cs, unit) if plan.kind == "heatmap" and not plan.grid else None
        ax.set_title(title + ("\n" + note if note else ""), fontsize=9 if note else 10)
        table.append((o, keys, cs if sd is s else cells(s, plan, o, keys)))  # the table: as stored
    for k in range(n, nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    fig.suptitle(suptitle_text(s, plan, outcomes), fontsize=10)
    return fig, table


def write_table(path, s, table):
    """--data-out: one row per drawn cell and outcome; numbers with 17 significant digits, nan
    where nothing was drawn."""
    keys = []
    for _, ks, _ in table:
        keys += [k for k in ks if k not in keys]
    with replacing(path) as tmp, open(tmp, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["outcome"] + keys + ["points", "done", "mean", "min", "max"])
        for o, ks, cs in table:
            for c in cs:
                kv = dict(zip(ks, c.key))
                w.writerow([o] + [("" if k not in kv else fmt(kv[k], 17)) for k in keys]
                           + [c.n, c.ndone] + [f"{v:.17g}" for v in (c.mean, c.min, c.max)])
