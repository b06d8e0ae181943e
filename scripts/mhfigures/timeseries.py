"""The time-series figure: the model module's panels (timeseries_panels), or the generic ones.

A panel is (draw(ax), description) or (draw(ax), description, keys): keys are the names a
--range (ranges={name: (lo, hi)}) of its y axis goes by (a field, a column, the panel's name)."""
import matplotlib.pyplot as plt
import numpy as np
from mhread.text import ARBITRARY_NOTE  # scripts/mhread/

from mhread.text import drawn_as  # scripts/mhread/

from .common import FigureError, apply_range, fmt_time, panel_days, save, session_lines, suptitle


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
                ax, run, tab, cu, run.label(n), ti, band=b), f"{n} mean/min/max", (n,)))
    known.update(f"{n}_mean" for n in run.fields)
    for c in list(tab):
        if c not in known and np.any(np.isfinite(tab[c])):
            panels.append((lambda ax, c=c: panel_days(ax, run, tab, [(c, c, "tab:green", "-")], c, c), c, (c,)))
    return panels


def panels_of(run):
    """[(draw(ax), description, keys)] of the run's time-series figure."""
    tab = run.table()
    panels = run.hook("timeseries_panels", tab) or generic_panels(run, tab)
    if not panels:
        raise FigureError(f"{run.path}: /monitors/table has no columns to plot")
    return [(p[0], p[1], tuple(p[2]) if len(p) > 2 else ()) for p in panels]


def range_keys(run):
    """The names a --range may give for this run's time series."""
    return {k for _, _, keys in panels_of(run) for k in keys}


def notes_of(run, panels):
    """The figure note: what 'arbitrary units' means, where a panel shows them."""
    return [ARBITRARY_NOTE] if any(run.arbitrary(k) for _, _, keys in panels for k in keys) else []


def draw(run, ranges=None, dpi=130):
    """The time-series figure of one run: (figure, panels). Each panel's axes has the gid
    'timeseries:<description>'."""
    panels = panels_of(run)
    ncol = 2 if len(panels) > 1 else 1
    nrow = (len(panels) + ncol - 1) // ncol
    notes = notes_of(run, panels)
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.2 * nrow + 0.6 + 0.2 * len(notes)),
                            layout="constrained", squeeze=False, dpi=dpi)
    for ax, (dr, what, keys) in zip(axs.flat, panels):
        dr(ax)
        apply_range(ax, keys, ranges)
        ax.grid(alpha=0.3)
        ax.set_gid(f"timeseries:{what}")
    for ax in list(axs.flat)[len(panels):]:
        ax.remove()
    fig.suptitle(suptitle(run) + ": time series", fontsize=12)
    if notes:
        fig.supxlabel("; ".join(notes), fontsize=8, color="0.3")
    return fig, panels


def timeseries(run, out, dpi=130, ranges=None):
    """The time-series figure; returns a one-line description."""
    fig, panels = draw(run, ranges, dpi)
    save(fig, out, dpi)
    what = ", ".join(w for _, w, _ in panels)
    span = f"{fmt_time(run.time[0], run.tunit)} to {fmt_time(run.time[-1], run.tunit).replace('day ', '')}"
    return f"{out}: time series ({span}{', sessions marked' if len(run.events) else ''}): {what}"


def draw_compare(runs, labels, ranges=None, dpi=130):
    """The time series of several runs of one model in aligned panels: one row per panel, one
    column per run, each row on one y range (the union of the runs', or --range) and one x range.
    Returns (figure, descriptions of the rows)."""
    per_run = [panels_of(r) for r in runs]
    rows = []
    for ps in per_run:
        for _, what, _ in ps:
            if what not in rows:
                rows.append(what)
    notes = sorted({n for r, ps in zip(runs, per_run) for n in notes_of(r, ps)})
    ncol = len(runs)
    fig = plt.figure(figsize=(5.4 * ncol, 2.9 * len(rows) + 1.0 + 0.2 * len(notes)), layout="constrained", dpi=dpi)
    subs = fig.subfigures(1, ncol, squeeze=False)[0]
    axs = np.array([sub.subplots(len(rows), 1, squeeze=False)[:, 0] for sub in subs]).T  # [row][run]
    for sub, label in zip(subs, labels):
        sub.suptitle(label, fontsize=12, fontweight="bold")
    for i, what in enumerate(rows):
        drawn = []
        for j, (run, ps) in enumerate(zip(runs, per_run)):
            ax = axs[i][j]
            ax.set_gid(f"timeseries:{labels[j]}:{what}")
            panel = next((p for p in ps if p[1] == what), None)
            if panel is None:
                ax.text(0.5, 0.5, f"not in {labels[j]}", ha="center", va="center", transform=ax.transAxes)
                ax.set_axis_off()
                continue
            panel[0](ax)
            ax.grid(alpha=0.3)
            drawn.append((ax, panel[2]))
        if not drawn:
            continue
        ylo = min(ax.get_ylim()[0] for ax, _ in drawn)
        yhi = max(ax.get_ylim()[1] for ax, _ in drawn)
        xlo = min(ax.get_xlim()[0] for ax, _ in drawn)
        xhi = max(ax.get_xlim()[1] for ax, _ in drawn)
        for ax, keys in drawn:
            ax.set_ylim(ylo, yhi)
            ax.set_xlim(xlo, xhi)
            apply_range(ax, keys, ranges)
    fig.suptitle(f"{runs[0].model}: time series of {', '.join(labels)} (each row on one scale)", fontsize=12)
    if notes:
        fig.supxlabel("; ".join(notes), fontsize=8, color="0.3")
    return fig, rows


def compare_timeseries(runs, labels, out, ranges=None, dpi=130):
    fig, rows = draw_compare(runs, labels, ranges, dpi)
    save(fig, out, dpi)
    return f"{out}: time series of {', '.join(labels)} side by side, each row on one y range: {', '.join(rows)}"


def check_columns(runs, columns):
    """Every column in every run's /monitors/table, or one FigureError line naming what is there."""
    for run in runs:
        tab = run.table()
        for c in columns:
            if c not in tab:
                have = ", ".join(k for k in tab if k not in ("t", "dt"))
                raise FigureError(f"--columns {c}: not a /monitors/table column of {run.stem}; it has {have}")


def draw_columns(runs, labels, columns, ranges=None, dpi=130):
    """The chosen /monitors/table columns of several runs overlaid: one panel per column (gid
    'columns:<column>'), one curve per run; the first run's sessions are marked (the title says
    so when the runs' sessions differ). Returns the figure."""
    check_columns(runs, columns)
    ncol = 2 if len(columns) > 1 else 1
    nrow = (len(columns) + ncol - 1) // ncol
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.4 * nrow + 0.6), layout="constrained", squeeze=False, dpi=dpi)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, c in zip(axs.flat, columns):
        scale, unit = drawn_as(c, runs[0].units.get(c, "1"))
        for k, (run, label) in enumerate(zip(runs, labels)):
            tab = run.table()
            ax.plot(tab["t"], tab[c] * scale, color=colours[k % len(colours)], lw=1.5, label=label)
        ax.set_xlabel(f"time [{runs[0].tunit}]" if runs[0].tunit != "1" else "time")
        ax.set_ylabel(f"{c} [{unit}]" if unit not in ("", "1") else c)
        ax.set_title(c, fontsize=10)
        ax.yaxis.get_major_formatter().set_useOffset(False)
        session_lines(ax, runs[0].events)
        ax.legend(fontsize=8, loc="best")
        ax.grid(alpha=0.3)
        apply_range(ax, (c,), ranges)
        ax.set_gid(f"columns:{c}")
    for ax in list(axs.flat)[len(columns):]:
        ax.remove()
    same = all(len(r.events) == len(runs[0].events) and np.allclose(r.events, runs[0].events) for r in runs)
    fig.suptitle(f"{runs[0].model}: {', '.join(labels)}" + ("" if same else f" (sessions of {labels[0]} marked)"), fontsize=12)
    return fig


def compare_columns(runs, labels, columns, out, ranges=None, dpi=130):
    """draw_columns saved to out; returns a one-line description."""
    save(draw_columns(runs, labels, columns, ranges, dpi), out, dpi)
    return f"{out}: {', '.join(columns)} of {', '.join(labels)}, one curve per run"
