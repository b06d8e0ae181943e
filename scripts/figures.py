#!/usr/bin/python3
"""Figures from a microheal HDF5 output file: a time-series panel, depth cross-sections and a GIF.

    scripts/figures.py out/demo/demo.h5                      # all three, next to the file
    scripts/figures.py out/demo/demo.h5 --what sections --fields damage,tgfb --times 0,1,7,28
    scripts/figures.py out/demo/demo.h5 --what animation --field neutrophils --fps 8

writes, into the folder of FILE.h5 (or --out), and prints one line per file saying what it shows:

  <stem>_timeseries.png  from /monitors/table. microneedling: barrier deficit and inflammation in
                         the hours after each session (one curve per session), and over the
                         whole run, sessions marked: collagen I and III relative to baseline, the
                         collagen I fraction, elastin and the collagen gain, per dermal layer.
                         Other models: the mean (integral / domain size), minimum and maximum of
                         every field, and the model's other (outcome) columns, against time.
  <stem>_sections.png    x-z cross-sections (depth downward, on the graded cell faces, x and z to
                         the same scale where the panel size allows) of a few fields at a few
                         output times: one row per field with one colour scale (--scale panel:
                         one per panel), skin layer boundaries and names, and the needle channels
                         of the sessions done by then (solid: the latest session, dashed:
                         earlier). 3-D runs: the y-slice through the middle (or --y). 1-D runs:
                         profiles against x.
  <stem>_<field>.gif     one field, one frame per output time, on a fixed colour scale, with the
                         layers and needles.

Times are in the run's time unit (day for microneedling); each names the nearest output (an output
at a session time holds the state just after it). A layer where a field is zero throughout the run
while another layer holds it everywhere (collagen, elastin and fibroblasts in the epidermis) is
drawn grey. Runs on Debian's /usr/bin/python3 (h5py, numpy, matplotlib, Pillow), headless (Agg).
Importable: Run(path), then timeseries(), sections(), animation()."""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.patheffects as pe  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from mhfiles import replacing  # noqa: E402 (scripts/mhfiles.py, this folder)
from mhread import Output, OutputError  # noqa: E402 (scripts/mhread/, this folder)
from mhread.text import with_unit as _with_unit  # noqa: E402

WHAT = ("timeseries", "sections", "animation")
SECTION_FIELDS = ("damage", "neutrophils", "tgfb", "collagen_I")  # microneedling's defaults
LAYER_LABELS = {"stratum_corneum": "stratum corneum", "papillary_dermis": "papillary dermis",
                "reticular_dermis": "reticular dermis"}
HALO = [pe.withStroke(linewidth=2.0, foreground="black", alpha=0.6)]
CBAR_FORMAT = mticker.FuncFormatter(lambda v, _: f"{v:.3g}")  # no offset text over the panels


class FigureError(OutputError):
    """A user mistake or an unreadable file: reported as one line, exit status 1."""


class Run(Output):
    """What the figures need from one output file (scripts/mhread: read once, fields on demand),
    plus the microneedling tables /model/layers, needles and sessions. A context manager: the file
    is closed on leaving it."""

    def _read(self):
        super()._read()
        self.layers = self.model_table("layers")
        self.needles = self.model_table("needles")
        self.sessions = self.model_table("sessions")

    def check_field(self, name):
        if name not in self.fields:
            raise FigureError(f"unknown field '{name}'; {self.stem} has {', '.join(self.fields)}")

    def section(self, name, y=None):
        """The field over all output times: (nt, nx) in 1-D, (nt, nz, nx) in 2-D and 3-D (3-D: the
        y-slice of cells nearest to y, default the middle). Returns (data, y of the slice or None)."""
        d = self.h5["fields"][name]
        if self.dim < 3:
            return d[:], None
        yc = self.centres["y"]
        y = 0.5 * (self.faces["y"][0] + self.faces["y"][-1]) if y is None else y
        j = int(np.argmin(np.abs(yc - y)))
        return d[:, :, j, :], float(yc[j])

    def check_y(self, y):
        if y is None:
            return
        if self.dim < 3:
            raise FigureError(f"--y applies to 3-D runs only; {self.stem} is {self.dim}-D")
        lo, hi = self.faces["y"][0], self.faces["y"][-1]
        if not lo <= y <= hi:
            raise FigureError(f"--y {y:g} is outside the domain [{lo:g}, {hi:g}] {self.lunit}")

    def time_indices(self, times):
        """Output indices nearest to the given times (the last one of equal times: the state just
        after a session). A time outside the run is an error."""
        t = self.time
        span = t[-1] - t[0]
        tol = 1e-9 * max(span, 1.0)
        out = []
        for v in times:
            if not (t[0] - tol <= v <= t[-1] + tol):
                raise FigureError(f"time {v:g} {self.tunit} is outside the run's output times "
                                  f"[{t[0]:g}, {t[-1]:g}] {self.tunit}")
            k = int(np.argmin(np.abs(t - v)))
            k = int(np.nonzero(t == t[k])[0][-1])
            if k not in out:
                out.append(k)
        return out

    def default_time_indices(self):
        """microneedling: the output just before the first session (if any), just after it, the
        first outputs at least 1 and 7 days after it, and the end. Otherwise four outputs spread
        over the run."""
        t = self.time
        if len(self.events) and self.tunit == "day":
            e = self.events[0]
            before = np.nonzero(t < e)[0]
            picks = [before[-1]] if len(before) else []
            for target in (e, e + 1.0, e + 7.0):
                later = np.nonzero(t >= target - 1e-9)[0]
                if len(later):
                    picks.append(int(np.nonzero(t == t[later[0]])[0][-1]))
            picks.append(len(t) - 1)
        else:
            picks = np.round(np.linspace(0, len(t) - 1, min(4, len(t)))).astype(int)
        return sorted(set(int(k) for k in picks))

    def session_label(self, t):
        """'session k + 2.8 d' for the latest session at or before t; '' before any."""
        done = np.nonzero(self.events <= t + 1e-12)[0]
        if not len(done):
            return ""
        k = done[-1]
        return f"session {k + 1} + {fmt_duration(t - self.events[k], self.tunit)}"


def fmt_duration(dt, unit):
    if unit == "day":
        return f"{dt * 24:.3g} h" if dt < 1.0 else f"{dt:.3g} d"
    return f"{dt:.3g}" + ("" if unit == "1" else f" {unit}")


def fmt_time(t, unit):
    if unit == "day":
        return f"day {t:.4g}"
    return f"t = {t:.4g}" + ("" if unit == "1" else f" {unit}")


def _session_lines(ax, events):
    """Dotted vertical lines at the sessions, labelled 'session k' (or 'k' when many) on the top."""
    if not len(events):
        return
    for e in events:
        ax.axvline(e, color="0.45", lw=0.8, ls=":", zorder=0)
    top = ax.secondary_xaxis("top")
    top.set_xticks(events, [f"session {k + 1}" if len(events) <= 6 else str(k + 1) for k in range(len(events))],
                   fontsize=7, color="0.3")
    top.tick_params(length=3, pad=1)


def _nice_hours(h):
    for v in (1, 2, 3, 6, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 672):
        if v >= h:
            return v
    return h


def _session_segments(tab, events):
    """Per session: the row indices from just after it to just before the next (or the end)."""
    t = tab["t"]
    segs = []
    for k, e in enumerate(events):
        start = int(np.searchsorted(t, e, side="right")) - 1  # the row just after the session
        start = max(start, 0)
        end = len(t) if k + 1 == len(events) else int(np.searchsorted(t, events[k + 1], side="left")) + 1
        segs.append(np.arange(start, min(end, len(t))))
    return segs


def _panel_after_sessions(ax, run, tab, col, ylabel, title):
    """col against the hours after each session, one curve per session, up to when every session's
    value has fallen below 2 % of its peak (at least 1 h, at most to the next session)."""
    t, yv = tab["t"], tab[col]
    segs = _session_segments(tab, run.events)
    window, longest = 1.0, 0.0
    for seg in segs:
        h = (t[seg] - t[seg[0]]) * 24.0
        longest = max(longest, h[-1])
        y = yv[seg]
        if not np.any(np.isfinite(y)) or np.nanmax(y) <= 0:
            continue
        peak = int(np.nanargmax(y))
        low = np.nonzero(y[peak:] < 0.02 * y[peak])[0]
        window = max(window, 1.3 * (h[peak + low[0]] if len(low) else h[-1]))
    window = min(_nice_hours(window), max(longest, 1e-3))
    cmap = plt.get_cmap("viridis")
    for k, seg in enumerate(segs):  # earlier sessions wider, so that identical curves stay visible
        h = (t[seg] - t[seg[0]]) * 24.0
        c = cmap(k / max(len(segs) - 1, 1) * 0.85)
        lw = 1.2 + 2.4 * (len(segs) - 1 - k) / max(len(segs) - 1, 1)
        ax.plot(h, yv[seg], color=c, lw=lw, alpha=0.85, label=f"session {k + 1} (day {run.events[k]:.4g})")
    ax.set_xlim(0, window)
    ax.set_xlabel("hours after the session [h]")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="upper right")


def _panel_days(ax, run, tab, curves, ylabel, title, percent=False, band=None):
    """curves: [(column, label, colour, linestyle)] against time, sessions marked; band: two
    columns to shade between."""
    scale = 100.0 if percent else 1.0
    if band:
        ax.fill_between(tab["t"], tab[band[0]] * scale, tab[band[1]] * scale, color="0.85", lw=0)
    for col, label, colour, ls in curves:
        y = tab[col] * scale
        few = np.count_nonzero(np.isfinite(y)) < 3  # e.g. a time set once reached: show the point
        ax.plot(tab["t"], y, color=colour, ls=ls, lw=1.4, label=label, marker="o" if few else None)
    ax.set_xlim(run.time[0], run.time[-1])
    ax.set_xlabel("time" if run.tunit == "1" else f"time [{run.tunit}]")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    _session_lines(ax, run.events)
    if len(curves) > 1:
        ax.legend(fontsize=7, loc="best")


def _microneedling_panels(run, tab):
    """The panels of a microneedling run whose columns are present: (drawer, description)."""
    layers = [lay for lay in ("papillary", "reticular") if f"collagen_gain_{lay}" in tab]
    colour = {"papillary": "tab:blue", "reticular": "tab:red"}
    have_sessions = len(run.events) > 0 and run.tunit == "day"
    panels = []
    for col, ylabel, title in (("barrier_deficit", "barrier deficit [1]",
                                "Barrier deficit: open fraction of stratum corneum + epidermis"),
                               ("inflammation", "inflammation [1]", "Inflammation: mean damage signal")):
        if col not in tab:
            continue
        if have_sessions:
            panels.append((lambda ax, c=col, yl=ylabel, ti=title: _panel_after_sessions(ax, run, tab, c, yl, ti),
                           f"{col.replace('_', ' ')} (hours after each session)"))
        else:
            panels.append((lambda ax, c=col, yl=ylabel, ti=title: _panel_days(ax, run, tab, [(c, c, "k", "-")], yl, ti),
                           col.replace("_", " ")))
    rel = [(f"collagen_{ty}_rel_{lay}", f"collagen {ty}, {lay}", colour[lay], "-" if ty == "I" else "--")
           for lay in layers for ty in ("I", "III") if f"collagen_{ty}_rel_{lay}" in tab]
    frac = [(f"collagen_I_fraction_{lay}", lay, colour[lay], "-")
            for lay in layers if f"collagen_I_fraction_{lay}" in tab]
    ela = [(f"elastin_rel_{lay}", lay, colour[lay], "-") for lay in layers if f"elastin_rel_{lay}" in tab]
    gain = [(f"collagen_gain_{lay}", lay, colour[lay], "-") for lay in layers]
    for curves, ylabel, title, what, pct in (
            (rel, "relative to baseline [1]", "Collagen I and III (mean over the layer / baseline)",
             "collagen I and III relative to baseline", False),
            (frac, "I / (I + III) [1]", "Collagen I fraction (0.85 at rest)", "collagen I fraction", False),
            (ela, "relative to baseline [1]", "Elastin (mean over the layer / baseline)", "elastin", False),
            (gain, "collagen gain [%]", "Collagen gain: mean (I + III) over the layer − 1", "collagen gain", True)):
        if curves:
            panels.append((lambda ax, cu=curves, yl=ylabel, ti=title, p=pct: _panel_days(ax, run, tab, cu, yl, ti, p),
                           what + " per layer"))
    return panels


def _generic_panels(run, tab):
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
            panels.append((lambda ax, cu=curves, n=n, b=band, ti=title: _panel_days(
                ax, run, tab, cu, _with_unit(n, run.units[n]), ti, band=b), f"{n} mean/min/max"))
    known.update(f"{n}_mean" for n in run.fields)
    for c in list(tab):
        if c not in known and np.any(np.isfinite(tab[c])):
            panels.append((lambda ax, c=c: _panel_days(ax, run, tab, [(c, c, "tab:green", "-")], c, c), c))
    return panels


def _suptitle(run):
    s = f"{run.model} — {os.path.basename(run.path)}"
    if run.sessions is not None and run.sessions["n"]:
        d = run.sessions["data"]
        parts = [f"{run.sessions['n']} session{'s' if run.sessions['n'] > 1 else ''}"]
        for col, unit in (("needle_length", "mm needles"), ("density", "/cm²")):
            if col in d:
                v = np.unique(d[col])
                parts.append(f"{v[0]:g} {unit}" if len(v) == 1 else f"{v.min():g}–{v.max():g} {unit}")
        s += ": " + ", ".join(parts)
    return s


def timeseries(run, out, dpi=130):
    """The time-series figure; returns a one-line description."""
    tab = run.table()
    panels = _microneedling_panels(run, tab)
    generic = not panels
    if generic:
        panels = _generic_panels(run, tab)
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
    fig.suptitle(_suptitle(run) + ": time series", fontsize=12)
    _save(fig, out, dpi)
    what = ", ".join(w for _, w in panels)
    span = f"{fmt_time(run.time[0], run.tunit)} to {fmt_time(run.time[-1], run.tunit).replace('day ', '')}"
    return f"{out}: time series ({span}{', sessions marked' if len(run.events) else ''}): {what}"


def _save(fig, out, dpi):
    try:
        with replacing(out) as tmp:
            fig.savefig(tmp, dpi=dpi)
    except OSError as e:
        raise FigureError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        plt.close(fig)


def _layer_rows(run):
    """[(label, top, bottom)] from /model/layers, or []."""
    lay = run.layers
    if lay is None or "top" not in lay["data"] or "bottom" not in lay["data"] or len(lay["rows"]) != lay["n"]:
        return []
    return [(LAYER_LABELS.get(r, r.replace("_", " ")), lay["data"]["top"][i], lay["data"]["bottom"][i])
            for i, r in enumerate(lay["rows"])]


def _masked(run, data, layers):
    """data (nt, nz, nx) as a masked array: masked are the layers where it is zero throughout the
    run while another layer holds it in every cell at the start (collagen in the epidermis)."""
    mask = np.zeros(data.shape[1:], bool)
    z = run.centres["z"]
    rows = [(z > top) & (z < bot) for _, top, bot in layers]
    held = any(r.any() and np.all(data[0, r, :] != 0) for r in rows)
    for r in rows:
        if held and r.any() and not np.any(data[:, r, :]):
            mask[r, :] = True
    return np.ma.masked_array(data, np.broadcast_to(mask, data.shape).copy())


def _limits(values):
    v = np.ma.compressed(values) if np.ma.isMaskedArray(values) else np.ravel(values)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    if hi - lo <= 1e-12 * max(abs(hi), abs(lo), 1e-300):
        pad = 0.05 * abs(hi) if hi else 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


def _needle_outlines(run, t, y_slice):
    """[(polygon (n, 2) of (x, z), latest)] of the channels of the sessions done by time t, with
    their periodic images. 2-D: the trapezoid (the section is a y-average); 3-D: the chord of the
    cone at the slice y_slice."""
    nd = run.needles
    if nd is None:
        return []
    d = nd["data"]
    if not all(c in d for c in ("session", "x", "depth", "radius_surface", "radius_tip")):
        return []
    done = np.nonzero(run.events <= t + 1e-12)[0]
    if not len(done):
        return []
    latest = done[-1] + 1
    lx = run.faces["x"][-1] - run.faces["x"][0]
    xshift = (-lx, 0.0, lx) if run.periodic.get("x") else (0.0,)
    out = []
    for i in range(nd["n"]):
        s = int(d["session"][i])
        if s > latest:
            continue
        xc, depth, rs, rt = d["x"][i], d["depth"][i], d["radius_surface"][i], d["radius_tip"][i]
        if y_slice is None:
            shapes = [np.array([[xc - rs, 0.0], [xc + rs, 0.0], [xc + rt, depth], [xc - rt, depth]])]
        else:
            ly = run.faces["y"][-1] - run.faces["y"][0]
            yshift = (-ly, 0.0, ly) if run.periodic.get("y") else (0.0,)
            shapes = []
            for sy in yshift:
                dy = abs(y_slice - (d["y"][i] + sy))
                if dy >= rs:
                    continue
                zmax = depth if dy <= rt else depth * (rs - dy) / (rs - rt)
                z = np.linspace(0.0, zmax, 24)
                w = np.sqrt(np.maximum((rs + (rt - rs) * z / depth) ** 2 - dy * dy, 0.0))
                shapes.append(np.concatenate([np.column_stack([xc - w, z]), np.column_stack([xc + w, z])[::-1]]))
        for sx in xshift:
            for p in shapes:
                out.append((p + [sx, 0.0], s == latest))
    return out


def _draw_skin(ax, run, layers, t, y_slice):
    """Layer boundaries and needle outlines on an x-z axes; returns (layer lines, needle outlines)."""
    lines = [ax.axhline(bot, color="white", lw=0.6, ls="--", alpha=0.9, path_effects=HALO) for _, _, bot in layers[:-1]]
    needles = [ax.add_patch(plt.Polygon(poly, closed=True, fill=False, ec="white", lw=1.0 if latest else 0.7,
                                        ls="-" if latest else (0, (3, 2)), path_effects=HALO))
               for poly, latest in _needle_outlines(run, t, y_slice)]
    return lines, needles


def _layer_key(kax, layers, zlim, height):
    """The layer names in the narrow axes right of a row (height inches tall), at mid-depth, pushed
    apart where the layers are thin, with leader lines to their depth."""
    kax.set_ylim(*zlim)
    kax.axis("off")
    depth = zlim[0] - zlim[1]
    frac = [(zlim[0] - 0.5 * (top + bot)) / depth for _, top, bot in layers]
    gap = 0.12 / height
    pos = []
    for f in frac:
        pos.append(min(f, pos[-1] - gap) if pos else min(f, 1.0))
    if pos and pos[-1] < 0.0:
        pos = [p - pos[-1] for p in pos]
    for (name, _, _), f, p in zip(layers, frac, pos):
        kax.plot([0.0, 0.1], [f, p], transform=kax.transAxes, color="0.5", lw=0.5, clip_on=False)
        kax.text(0.13, p, name, transform=kax.transAxes, fontsize=7, va="center", ha="left", color="0.2")


def _xz_axes(ax, run):
    ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
    ax.set_ylim(run.faces["z"][-1], run.faces["z"][0])
    ax.set_facecolor("0.8")


def _cmap():
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.8")
    return cmap


def _z_label(run, layers):
    return f"{'depth z' if layers else 'z'} [{run.lunit}]"


def _slice_note(run, y_slice):
    return "" if y_slice is None else f" (slice y = {y_slice:.3g} {run.lunit})"


def _times_text(run, ks):
    ts = ", ".join(f"{run.time[k]:.4g}" for k in ks)
    return f"day {ts}" if run.tunit == "day" else f"t = {ts}" + ("" if run.tunit == "1" else f" {run.tunit}")


def _panel_size(run, height, width_range):
    """(width, height) [inch] of an x-z panel with x and z to the same scale where width_range allows."""
    ratio = (run.faces["x"][-1] - run.faces["x"][0]) / (run.faces["z"][-1] - run.faces["z"][0])
    w = height * ratio
    if w > width_range[1]:
        return width_range[1], max(width_range[1] / ratio, 1.2)
    return max(w, width_range[0]), height


def _xz_grid(nrow, ncol, pw, ph, key, per_panel, top, left=1.05, bottom=0.85, dpi=100):
    """A figure of nrow x ncol x-z panels laid out in inches: each row ends with a layer key (if
    key) and a colour bar axes, or every panel has its own colour bar (per_panel). Returns (fig,
    panels [row][col], keys [row] or None, colour bar axes [row][col] or [row][0])."""
    ws, hs, cbw = 0.25, 0.3, 0.14
    cell = pw + (0.08 + cbw + 0.62 if per_panel else 0.0)
    keyw = 1.05 if key else 0.0
    right = keyw + (0.0 if per_panel else 0.1 + cbw + 0.95)
    width = left + ncol * cell + (ncol - 1) * ws + right + 0.1
    height = top + nrow * ph + (nrow - 1) * hs + bottom
    fig = plt.figure(figsize=(width, height), dpi=dpi)
    box = lambda x, y, w, h: fig.add_axes([x / width, y / height, w / width, h / height])  # noqa: E731
    panels, keys, cbars = [], [], []
    for i in range(nrow):
        y0 = bottom + (nrow - 1 - i) * (ph + hs)
        row, crow = [], []
        for j in range(ncol):
            x0 = left + j * (cell + ws)
            ax = box(x0, y0, pw, ph)
            row.append(ax)
            if per_panel:
                crow.append(box(x0 + pw + 0.08, y0 + 0.05 * ph, cbw, 0.9 * ph))
        x1 = left + ncol * cell + (ncol - 1) * ws
        keys.append(box(x1, y0, keyw, ph) if key else None)
        if not per_panel:
            crow.append(box(x1 + keyw + 0.1, y0 + 0.05 * ph, cbw, 0.9 * ph))
        panels.append(row)
        cbars.append(crow)
    for i, row in enumerate(panels):
        for j, ax in enumerate(row):
            if i or j:
                ax.sharex(panels[0][0])
                ax.sharey(panels[0][0])
            ax.tick_params(labelbottom=(i == nrow - 1), labelleft=(j == 0))
    panels[0][0].xaxis.set_major_locator(mticker.MaxNLocator(nbins=4))
    return fig, panels, keys, cbars


def sections(run, out, fields=None, times=None, y=None, scale="row", dpi=130):
    """The cross-section figure; returns a one-line description."""
    fields = list(fields) if fields else ([n for n in SECTION_FIELDS if n in run.fields] or run.fields[:4])
    for n in fields:
        run.check_field(n)
    run.check_y(y)
    ks = run.time_indices(times) if times else run.default_time_indices()
    if run.dim == 1:
        _profiles(run, out, fields, ks, dpi)
        return f"{out}: profiles along x of {', '.join(fields)} at {_times_text(run, ks)}"
    layers = _layer_rows(run)
    pw, ph = _panel_size(run, 3.0, (0.9, 3.6))
    per_panel = scale == "panel"
    fig, axs, keys, cbars = _xz_grid(len(fields), len(ks), pw, ph, bool(layers), per_panel, top=1.05, dpi=dpi)
    cmap = _cmap()
    y_slice = None
    masked_any = False
    for i, n in enumerate(fields):
        data, y_slice = run.section(n, y)
        data = _masked(run, data, layers)
        masked_any |= bool(np.ma.getmaskarray(data).any())
        row_lim = _limits(data[ks])
        for j, k in enumerate(ks):
            ax = axs[i][j]
            lo, hi = _limits(data[k]) if per_panel else row_lim
            m = ax.pcolormesh(run.faces["x"], run.faces["z"], data[k], cmap=cmap, vmin=lo, vmax=hi, shading="flat")
            _xz_axes(ax, run)
            _draw_skin(ax, run, layers, run.time[k], y_slice)
            if i == 0:
                sl = run.session_label(run.time[k])
                ax.set_title(fmt_time(run.time[k], run.tunit) + (f"\n{sl}" if sl else ""), fontsize=9)
            if i == len(fields) - 1:
                ax.set_xlabel(f"x [{run.lunit}]")
            if j == 0:
                ax.set_ylabel(f"{_with_unit(n, run.units[n]) if per_panel else n}\n\n{_z_label(run, layers)}")
            if per_panel:
                fig.colorbar(m, cax=cbars[i][j], format=CBAR_FORMAT).ax.tick_params(labelsize=7)
        if layers:
            _layer_key(keys[i], layers, axs[i][0].get_ylim(), ph)
        if not per_panel:
            fig.colorbar(m, cax=cbars[i][0], format=CBAR_FORMAT).set_label(_with_unit(n, run.units[n]))
    notes = []
    if run.needles is not None and len(run.events):
        notes.append("outlines: needle channels (solid: latest session, dashed: earlier)")
    if masked_any:
        notes.append("grey: none in the layer (zero throughout the run)")
    notes.append("one colour scale per " + ("panel" if per_panel else "field"))
    fig.suptitle(_suptitle(run) + "\nx–z sections" + _slice_note(run, y_slice), fontsize=11,
                 y=1 - 0.12 / fig.get_figheight(), va="top")
    fig.text(0.5, 0.1 / fig.get_figheight(), "; ".join(notes), fontsize=8, color="0.3", ha="center", va="bottom")
    _save(fig, out, dpi)
    return f"{out}: x–z sections{_slice_note(run, y_slice)} of {', '.join(fields)} at {_times_text(run, ks)}"


def _profiles(run, out, fields, ks, dpi):
    """1-D: one panel per field, one line per output time."""
    ncol = min(2, len(fields))
    nrow = (len(fields) + ncol - 1) // ncol
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.6 * nrow + 0.6), layout="constrained", squeeze=False)
    cmap = plt.get_cmap("viridis")
    x = run.centres["x"]
    for ax, n in zip(axs.flat, fields):
        data, _ = run.section(n)
        for j, k in enumerate(ks):
            ax.plot(x, data[k], color=cmap(j / max(len(ks) - 1, 1) * 0.9), lw=1.4,
                    label=fmt_time(run.time[k], run.tunit))
        ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(_with_unit(n, run.units[n]))
        ax.set_title(n, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axs.flat)[len(fields):]:
        ax.remove()
    fig.suptitle(_suptitle(run) + ": profiles", fontsize=12)
    _save(fig, out, dpi)


def animation(run, out, field=None, fps=5, y=None, dpi=100):
    """The GIF of one field over every output time; returns a one-line description."""
    field = field or ("collagen_I" if "collagen_I" in run.fields else run.fields[0])
    run.check_field(field)
    run.check_y(y)
    data, y_slice = run.section(field, y)
    nt = len(run.time)
    unit = run.units[field]
    note = _slice_note(run, y_slice)
    if run.dim == 1:
        fig, ax = plt.subplots(figsize=(6.4, 4.0), layout="constrained", dpi=dpi)
        lo, hi = _limits(data)
        (line,) = ax.plot(run.centres["x"], data[0], color="tab:blue", lw=1.6)
        ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
        ax.set_ylim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(_with_unit(field, unit))
        ax.grid(alpha=0.3)

        def frame(k):
            line.set_ydata(data[k])
            return [line]
    else:
        layers = _layer_rows(run)
        data = _masked(run, data, layers)
        lo, hi = _limits(data)
        pw, ph = _panel_size(run, 4.4, (1.6, 7.0))
        fig, axs, keys, cbars = _xz_grid(1, 1, pw, ph, bool(layers), False, top=0.75, bottom=0.6, left=0.8, dpi=dpi)
        ax = axs[0][0]
        mesh = ax.pcolormesh(run.faces["x"], run.faces["z"], data[0], cmap=_cmap(), vmin=lo, vmax=hi, shading="flat")
        _xz_axes(ax, run)
        fig.colorbar(mesh, cax=cbars[0][0], format=CBAR_FORMAT).set_label(_with_unit(field, unit))
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(_z_label(run, layers))
        if layers:
            _layer_key(keys[0], layers, ax.get_ylim(), ph)
        lines, needles = _draw_skin(ax, run, layers, run.time[0], y_slice)

        def frame(k):
            mesh.set_array(data[k].ravel())
            while needles:
                needles.pop().remove()
            needles.extend(_draw_skin(ax, run, [], run.time[k], y_slice)[1])
            return [mesh] + lines + needles

    place = {} if run.dim == 1 else {"y": 1 - 0.08 / fig.get_figheight(), "va": "top"}  # 1-D: constrained layout
    head = fig.suptitle("\n", fontsize=10, **place)

    def title(k):
        sl = run.session_label(run.time[k])
        head.set_text(f"{run.model}: {field}{note}\n{fmt_time(run.time[k], run.tunit)}" + (f" ({sl})" if sl else ""))
        return head

    # draw the static rest once, then per frame only what changes (10 times faster)
    moving = frame(0) + [title(0)]
    fig.canvas.draw()
    fig.set_layout_engine("none")
    for a in moving:
        a.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    images = []
    for k in range(nt):
        moving = frame(k) + [title(k)]
        fig.canvas.restore_region(background)
        for a in moving:
            a.set_animated(True)
            ax.draw_artist(a)
        images.append(Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba()).convert("RGB"))
    plt.close(fig)
    try:
        with replacing(out) as tmp:
            images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)
    except OSError as e:
        raise FigureError(f"cannot write {out}: {e.strerror or e}") from None
    return (f"{out}: animation of {field}{note}, one frame per output time ({nt}, "
            f"{_times_text(run, [0, nt - 1]).replace(', ', ' to ')}), {fps} frames/s, fixed scale "
            f"{lo:.3g} to {hi:.3g}{'' if unit == '1' else ' ' + unit}")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"figures.py: error: {message}\n")
        raise SystemExit(2)


def _float_list(s):
    try:
        return [float(v) for v in s.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{s}' is not a comma-separated list of numbers") from None


def _positive_int(s):
    try:
        v = int(s)
    except ValueError:
        v = 0
    if v < 1:
        raise argparse.ArgumentTypeError(f"'{s}' is not a positive integer")
    return v


def _what_list(s):
    w = [v.strip() for v in s.split(",") if v.strip()]
    bad = [v for v in w if v not in WHAT]
    if bad or not w:
        raise argparse.ArgumentTypeError(f"unknown figure '{','.join(bad) or s}'; choose from {','.join(WHAT)}")
    return w


def parse_args(argv=None):
    p = _Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.h5", help="a microheal output file")
    p.add_argument("--out", help="folder for the figures (default: the folder of FILE.h5; created if missing)")
    p.add_argument("--what", type=_what_list, default=list(WHAT),
                   help=f"comma-separated figures to make, from {','.join(WHAT)} (default: all)")
    p.add_argument("--field",
                   help="field of the animation (default: collagen_I for microneedling, else the first field)")
    p.add_argument("--fields", type=lambda s: [v.strip() for v in s.split(",") if v.strip()],
                   help="comma-separated fields of the sections (default: damage,neutrophils,tgfb,collagen_I for "
                        "microneedling, else the first four)")
    p.add_argument("--times", type=_float_list,
                   help="comma-separated times of the sections [the run's time unit: day for microneedling]; each "
                        "shows the nearest output (default: the outputs just before and just after the first "
                        "session, the first ones 1 and 7 days after it, and the last; without sessions: four "
                        "outputs spread over the run)")
    p.add_argument("--y", type=float, help="3-D runs: y of the sections and the animation [length unit: mm] "
                                           "(default: the middle of the domain)")
    p.add_argument("--scale", choices=("row", "panel"), default="row",
                   help="sections: one colour scale per field (row, default) or per panel")
    p.add_argument("--fps", type=_positive_int, default=5, help="animation frames per second (default 5)")
    p.add_argument("--dpi", type=_positive_int, default=130,
                   help="resolution of the PNGs [dots per inch] (default 130; the GIF uses 3/4 of it)")
    return p.parse_args(argv)


def _make(run, a):
    """Checks every argument against the run, then writes the figures."""
    if a.field:
        run.check_field(a.field)
    for n in a.fields or []:
        run.check_field(n)
    if a.times:
        run.time_indices(a.times)
    run.check_y(a.y)
    outdir = a.out or os.path.dirname(os.path.abspath(a.file))
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise FigureError(f"--out {outdir} is not a folder")
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as e:
        raise FigureError(f"cannot create {outdir}: {e.strerror}") from None
    base = os.path.join(outdir, run.stem)
    for w in a.what:
        if w == "timeseries":
            print(timeseries(run, f"{base}_timeseries.png", dpi=a.dpi))
        elif w == "sections":
            print(sections(run, f"{base}_sections.png", a.fields, a.times, a.y, a.scale, dpi=a.dpi))
        else:
            field = a.field or ("collagen_I" if "collagen_I" in run.fields else run.fields[0])
            print(animation(run, f"{base}_{field}.gif", field, a.fps, a.y, dpi=max(1, a.dpi * 3 // 4)))


def main(argv=None):
    a = parse_args(argv)
    try:
        with Run(a.file) as run:
            _make(run, a)
    except OutputError as e:
        sys.stderr.write(f"figures.py: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
