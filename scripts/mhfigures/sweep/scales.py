"""What the sweep panels share: the colour map, missing-cell style, log or linear axes, axis
positions of parameter values (categories for words), cell edges, axis labels and colour scales."""
import matplotlib
import matplotlib.ticker as mticker
import numpy as np

from .summary import PlotError, tick_labels

LOG_SPAN = 30.0  # a positive axis spanning this ratio or more is logarithmic by default
MISSING = dict(facecolor="0.82", edgecolor="0.45", hatch="///")
CMAP = "viridis"


def log_axis(s, plan, name, choice, values=None):
    """Whether an axis is logarithmic: choice on/off, or auto (positive and spanning >= LOG_SPAN)."""
    if name is not None and s.is_word(name):
        if choice == "on":
            raise PlotError(f"{name} is word-valued; it cannot have a log axis")
        return False
    v = np.asarray(s.distinct(name, plan.mask) if values is None else values, float)
    v = v[np.isfinite(v)]
    positive = v.size > 0 and np.all(v > 0)
    if choice == "on":
        if not positive:
            raise PlotError(f"{name or 'the outcome'} has values <= 0; it cannot have a log axis")
        return True
    return choice == "auto" and positive and v.max() >= LOG_SPAN * v.min()


def positions(s, plan, name, values):
    """Axis coordinates of parameter values: the values themselves, or the category index."""
    if not s.is_word(name):
        return np.asarray(values, float)
    order = {w: i for i, w in enumerate(s.distinct(name, plan.mask))}
    return np.array([order[w] for w in values], float)


def edges(pos, log):
    """Cell edges around sorted centres: midpoints (geometric on a log axis), the ends mirrored."""
    t = np.log10(pos) if log else np.asarray(pos, float)
    if len(t) == 1:
        e = np.array([t[0] - 0.5, t[0] + 0.5])
    else:
        mid = 0.5 * (t[1:] + t[:-1])
        e = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return 10.0 ** e if log else e


def label_axis(ax, which, s, plan, name, log, ticks=True):
    """Labels a parameter axis: categories, a log scale, and ticks at the values when few."""
    setl = ax.set_xlabel if which == "x" else ax.set_ylabel
    setl(name)
    axis = ax.xaxis if which == "x" else ax.yaxis
    values = s.distinct(name, plan.mask)
    if s.is_word(name):
        axis.set_major_locator(mticker.FixedLocator(np.arange(len(values))))
        axis.set_major_formatter(mticker.FixedFormatter(values))
        return
    if log:
        (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    if ticks and len(values) <= 15:
        axis.set_major_locator(mticker.FixedLocator(values))
        axis.set_major_formatter(mticker.FixedFormatter(tick_labels(values)))
        axis.set_minor_locator(mticker.NullLocator())


def colour_norm(vals):
    v = np.asarray(vals, float)
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    if lo == hi:
        pad = 0.5 * abs(lo) or 0.5
        lo, hi = lo - pad, hi + pad
    return matplotlib.colors.Normalize(lo, hi)


def text_colour(rgba):
    return "white" if 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] < 0.5 else "black"
