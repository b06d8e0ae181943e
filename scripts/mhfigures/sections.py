"""The sections figure: x-z cross-sections (1-D: profiles) of a few fields at a few output times,
of one run or (compare) of several runs of one model on one colour scale per field."""
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from mhread.text import ARBITRARY_NOTE  # scripts/mhread/

from .common import FigureError, fmt_time, range_or, save, suptitle, times_text
from .xz import (CBAR_FORMAT, colour_map, draw_skin, layer_key, limits, masked, panel_size, slice_note, xz_axes,
                 xz_grid, z_label)


def _checked(run, fields, y):
    fields = list(fields) if fields else run.default_fields()
    for n in fields:
        run.check_field(n)
    run.check_y(y)
    return fields


def sections(run, out, fields=None, times=None, y=None, scale="row", dpi=130, ranges=None):
    """The cross-section figure; returns a one-line description."""
    fig, text = draw(run, out, fields, times, y, scale, dpi, ranges)
    save(fig, out, dpi)
    return text


def draw(run, out, fields=None, times=None, y=None, scale="row", dpi=130, ranges=None):
    """The cross-section figure of one run: (figure, its one-line description). The mesh of field
    n at output k has the gid '<stem>|<n>|<k>' (its colour limits: get_clim())."""
    fields = _checked(run, fields, y)
    ks = run.time_indices(times) if times else run.default_time_indices()
    if run.dim == 1:
        fig = _profiles([run], [run.stem], fields, [ks], dpi, ranges, suptitle(run) + ": profiles")
        return fig, f"{out}: profiles along x of {', '.join(fields)} at {times_text(run, ks)}"
    fig, y_slice = _xz([run], None, fields, [ks], scale == "panel", dpi, ranges,
                       lambda ys: suptitle(run) + "\nx–z sections" + slice_note(run, ys), y)
    return fig, f"{out}: x–z sections{slice_note(run, y_slice)} of {', '.join(fields)} at {times_text(run, ks)}"


def draw_compare(runs, labels, out, fields=None, times=None, y=None, dpi=130, ranges=None):
    """Sections of several runs of one model at the same times (the nearest output of each), one
    colour scale per field over every run (or --range): (figure, description)."""
    fields = None if fields is None else list(fields)
    for run in runs:
        fields = _checked(run, fields, y)
    if times is None:
        times = [float(runs[0].time[k]) for k in runs[0].default_time_indices()]
    kss = [run.time_indices(times) for run in runs]
    if len({len(ks) for ks in kss}) > 1:
        raise FigureError("--compare: the times " + ", ".join(f"{t:g}" for t in times)
                          + " name different numbers of outputs in the runs; give --times")
    shown = times_text(runs[0], kss[0])
    head = f"{runs[0].model}: {', '.join(labels)}"
    if runs[0].dim == 1:
        fig = _profiles(runs, labels, fields, kss, dpi, ranges, head + ": profiles on one scale per field", True)
        return fig, f"{out}: profiles along x of {', '.join(fields)} of {', '.join(labels)} at {shown}, one y range per field"
    fig, y_slice = _xz(runs, labels, fields, kss, False, dpi, ranges,
                       lambda ys: head + "\nx–z sections" + slice_note(runs[0], ys) + ", one colour scale per field", y)
    return fig, (f"{out}: x–z sections{slice_note(runs[0], y_slice)} of {', '.join(fields)} of {', '.join(labels)} "
                 f"side by side at {shown}, one colour scale per field")


def compare_sections(runs, labels, out, fields=None, times=None, y=None, dpi=130, ranges=None):
    fig, text = draw_compare(runs, labels, out, fields, times, y, dpi, ranges)
    save(fig, out, dpi)
    return text


def _xz(runs, labels, fields, kss, per_panel, dpi, ranges, title, y):
    """One row per field; the columns: each run's outputs kss[r], the runs side by side (labels:
    None for one run). One colour scale per row over every run (per_panel: per panel), or
    --range. Returns (figure, y of the slice)."""
    run0 = runs[0]
    layers0 = run0.hook("layers", default=[])
    cols = [(r, k) for r in range(len(runs)) for k in kss[r]]
    data, y_slice, masked_any = {}, None, False
    for r, run in enumerate(runs):
        for n in fields:
            d, y_slice = run.section(n, y)
            d = masked(run, d, run.hook("layers", default=[]))
            masked_any |= bool(np.ma.getmaskarray(d).any())
            data[r, n] = d
    notes = list(run0.hook("section_notes", default=[]))
    if masked_any:
        notes.append("grey: none in the layer (zero throughout the run)")
    notes.append("one colour scale per " + ("panel" if per_panel else "field" if labels is None
                                             else "field over every run"))
    if any(run0.arbitrary(n) for n in fields):
        notes.append(ARBITRARY_NOTE)
    pw, ph = panel_size(run0, 3.0, (0.9, 3.6))
    group = len(kss[0]) if labels else 0
    top = 1.05 + (0.25 if labels else 0.0)
    # the notes, wrapped to the figure's width (about 15 characters an inch at 8 points)
    probe = xz_grid(1, len(cols), pw, ph, bool(layers0), per_panel, top=top, dpi=dpi, group=group)[0]
    width = probe.get_figwidth()
    plt.close(probe)
    note = textwrap.fill("; ".join(notes), width=max(40, int(15 * (width - 0.4))))
    bottom = 0.75 + 0.16 * (note.count("\n") + 1)
    fig, axs, keys, cbars = xz_grid(len(fields), len(cols), pw, ph, bool(layers0), per_panel, top=top, dpi=dpi,
                                    group=group, bottom=bottom)
    cmap = colour_map()
    for i, n in enumerate(fields):
        vals = np.ma.concatenate([np.ma.ravel(data[r, n][k]) for r, k in cols])
        lim = range_or(ranges, n, limits(vals))
        for j, (r, k) in enumerate(cols):
            run, ax = runs[r], axs[i][j]
            layers = run.hook("layers", default=[])
            lo, hi = range_or(ranges, n, limits(data[r, n][k])) if per_panel else lim
            m = ax.pcolormesh(run.faces["x"], run.faces["z"], data[r, n][k], cmap=cmap, vmin=lo, vmax=hi,
                              shading="flat")
            m.set_gid(f"{labels[r] if labels else run.stem}|{n}|{k}")
            xz_axes(ax, run)
            draw_skin(ax, run, layers, run.time[k], y_slice)
            if i == 0:
                sl = run.session_label(run.time[k])
                ax.set_title(fmt_time(run.time[k], run.tunit) + (f"\n{sl}" if sl else ""), fontsize=9)
            if i == len(fields) - 1:
                ax.set_xlabel(f"x [{run.lunit}]")
            if j == 0:
                ax.set_ylabel(f"{run.label(n) if per_panel else n}\n\n{z_label(run, layers)}")
            if per_panel:
                fig.colorbar(m, cax=cbars[i][j], format=CBAR_FORMAT).ax.tick_params(labelsize=7)
        if layers0:
            layer_key(keys[i], layers0, axs[i][0].get_ylim(), ph)
        if not per_panel:
            fig.colorbar(m, cax=cbars[i][0], format=CBAR_FORMAT).set_label(run0.label(n))
    if labels:  # the run's label centred over its columns, a line under it
        for r, label in enumerate(labels):
            first, last = axs[0][r * group].get_position(), axs[0][(r + 1) * group - 1].get_position()
            yl = first.y1 + 0.5 / fig.get_figheight()
            fig.text(0.5 * (first.x0 + last.x1), yl, label, ha="center", va="bottom", fontsize=11, fontweight="bold")
            fig.add_artist(plt.Line2D([first.x0, last.x1], [yl - 0.02 / fig.get_figheight()] * 2, color="0.3", lw=1.0))
    # one x and z range for every panel (runs on different domains: the union)
    xs = [f for run in runs for f in (run.faces["x"][0], run.faces["x"][-1])]
    zs = [f for run in runs for f in (run.faces["z"][0], run.faces["z"][-1])]
    axs[0][0].set_xlim(min(xs), max(xs))
    axs[0][0].set_ylim(max(zs), min(zs))
    fig.suptitle(title(y_slice), fontsize=11, y=1 - 0.12 / fig.get_figheight(), va="top")
    fig.text(0.5, 0.1 / fig.get_figheight(), note, fontsize=8, color="0.3", ha="center", va="bottom")
    return fig, y_slice


def _profiles(runs, labels, fields, kss, dpi, ranges, title, compare=False):
    """1-D: one panel per field (compare: per field and run, one row per field on one y range),
    one line per output time."""
    ncol = len(runs) if compare else min(2, len(fields))
    nrow = len(fields) if compare else (len(fields) + ncol - 1) // ncol
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.6 * nrow + 0.6), layout="constrained", squeeze=False,
                            dpi=dpi)
    cmap = plt.get_cmap("viridis")
    cells = [(axs[i][j], n, runs[j], kss[j], labels[j]) for i, n in enumerate(fields) for j in range(len(runs))] \
        if compare else [(ax, n, runs[0], kss[0], None) for ax, n in zip(axs.flat, fields)]
    for ax, n, run, ks, label in cells:
        data, _ = run.section(n)
        x = run.centres["x"]
        for j, k in enumerate(ks):
            (line,) = ax.plot(x, data[k], color=cmap(j / max(len(ks) - 1, 1) * 0.9), lw=1.4,
                              label=fmt_time(run.time[k], run.tunit))
            line.set_gid(f"{label or run.stem}|{n}|{k}")
        ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(run.label(n))
        ax.set_title(f"{label}: {n}" if label else n, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for i, n in enumerate(fields):
        row = [c[0] for c in cells if c[1] == n]
        lo, hi = min(a.get_ylim()[0] for a in row), max(a.get_ylim()[1] for a in row)
        for a in row:
            a.set_ylim(*range_or(ranges, n, (lo, hi) if compare else a.get_ylim()))
            a.set_gid(f"profiles:{n}")
    for ax in list(axs.flat)[len(cells):]:
        ax.remove()
    fig.suptitle(title, fontsize=12)
    return fig
