"""The time-series figure: the model module's panels (timeseries_panels), or the generic ones."""
import matplotlib.pyplot as plt
import numpy as np
from mhread.text import with_unit  # scripts/mhread/

from .common import FigureError, fmt_time, panel_days, save, suptitle


def generic_panels(run, tab):
    """Per field its mean (the integral over the domain size), minimum and maximum; then every
    other (outcome) column that holds a number, against time."""
    size = float(np.prod([run.faces[a][-1] - run.faces[a][0] for a in run.axes]))
    panels, known = [], {"t", "dt"}
    for n in run.fields:
        cols = {s: f"{n}_{s}" for s in ("integral", "min", "max")}
        known.update(cols.values())
        if cols["integral"] in tab:
            tab[f"{n}_mean"] = tab[cols["integral"]] / size
        curves = [(c, lab, colour, "-") for c, lab, colour in (
            (cols["max"], "maximum", "tab:red"), (f"{n}_mean", "mean", "k"), (cols["min"], "minimum", "tab:blue"))
            if c in tab]
        band = (cols["min"], cols["max"]) if cols["min"] in tab and cols["max"] in tab else None
        if curves:
            title = f"{n}: {', '.join(c[1] for c in curves)} over the domain"
            panels.append((lambda ax, cu=curves, n=n, b=band, ti=title: panel_days(
                ax, run, tab, cu, with_unit(n, run.units[n]), ti, band=b), f"{n} mean/min/max"))
    known.update(f"{n}_mean" for n in run.fields)
    for c in list(tab):
        if c not in known and np.any(np.isfinite(tab[c])):
            panels.append((lambda ax, c=c: panel_days(ax, run, tab, [(c, c, "tab:green", "-")], c, c), c))
    return panels


def timeseries(run, out, dpi=130):
    """The time-series figure; returns a one-line description."""
    tab = run.table()
    panels = run.hook("timeseries_panels", tab) or generic_panels(run, tab)
    if not panels:
        raise FigureError(f"{run.path}: /monitors/table has no columns to plot")
    ncol = 2 if len(panels) > 1 else 1
    nrow = (len(panels) + ncol - 1) // ncol
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.2 * nrow + 0.6), layout="constrained", squeeze=False)
    for ax, (draw, _) in zip(axs.flat, panels):
        draw(ax)
        ax.grid(alpha=0.3)
    for ax in list(axs.flat)[len(panels):]:
        ax.remove()
    fig.suptitle(suptitle(run) + ": time series", fontsize=12)
    save(fig, out, dpi)
    what = ", ".join(w for _, w in panels)
    span = f"{fmt_time(run.time[0], run.tunit)} to {fmt_time(run.time[-1], run.tunit).replace('day ', '')}"
    return f"{out}: time series ({span}{', sessions marked' if len(run.events) else ''}): {what}"
