#!/usr/bin/python3
"""Outcome maps and curves from a sweep's gathered summary (the summary.h5 of `microheal -sweep`).

    scripts/sweep_plot.py out/sweeps/ci_small/summary.h5 --list
    scripts/sweep_plot.py out/sweeps/ci_small/summary.h5 --outcome front_position
    scripts/sweep_plot.py S.h5 --outcome a --outcome b --x fisher_kpp_rate --y fisher_kpp_diffusivity
    scripts/sweep_plot.py S.h5 --outcome a --x fisher_kpp_rate --by fisher_kpp_diffusivity
    scripts/sweep_plot.py S.h5 --outcome a --x p --y q --fix r=0.5 --data-out cells.csv

Two kinds of figure, one panel per --outcome:

  heatmap (--x and --y)  Grid sweeps: one cell per (x, y), coloured by the outcome and labelled
                         with its value; a colour bar with the outcome's unit. Cells are drawn to
                         scale between the midpoints of neighbouring values (geometric midpoints
                         on a log axis). Scattered samples (random, lhs, zip: the points do not
                         fill a grid): a scatter coloured by the outcome (--contour adds a
                         filled contour on a triangulation of the samples).
  curves (--x alone)     the outcome against x, one curve per value of --by (default: the other
                         varying parameter when exactly one other varies).
Without --x: two varying parameters give a heatmap (x: the first in the summary's order), one
gives a curve; the choice is printed.

Other varying parameters. On a grid sweep every parameter that varies and is not on an axis (or
--by) must be fixed with --fix PARAM=VALUE: averaging over it would mix regimes without saying
how. On scattered samples no two points share a value, so the figure is a projection over the
other parameters, and its title says so.

Replicates (points with the same parameters and several replicate ids) are drawn as their mean
over the done replicates; the spread is min-max: under the value in a heatmap cell, as error bars
on curves, and as the largest spread in the panel of a scatter.

Points not done (status failed, stopped or missing), and done points whose outcome is NaN or
infinite, are drawn as missing: grey hatched cells, grey crosses on a scatter, grey-filled crosses
along the bottom of a curve panel. The title counts them; they are never dropped or drawn as zero.

Axes: word-valued parameters are categorical (in the order the sweep lists them). A numeric axis
is logarithmic when its values are positive and span 30x or more (--log-x / --log-y on|off
override; on curves --log-y is the outcome axis). Writes <stem>_<outcome>[-<outcome>...]_<x>[_<y>].png
next to the summary (or --out) and prints one line per file written; --data-out writes the numbers
drawn as CSV. Runs on Debian's /usr/bin/python3 (h5py, numpy, matplotlib), headless (Agg).
Importable: Summary(path), Plan(summary, x, y, by, fix), then plot(summary, outcomes, plan) returns
the figure and the table drawn."""
import argparse
import csv
import os
import sys
from decimal import Decimal, InvalidOperation

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker as mticker  # noqa: E402
import matplotlib.transforms as mtransforms  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.tri import Triangulation  # noqa: E402

from mhread.text import tex_unit as _tex_unit, text as _text, with_unit as _with_unit  # noqa: E402 (scripts/mhread/)
from mhfiles import replacing  # noqa: E402

PROG = "sweep_plot.py"
LOG_SPAN = 30.0  # a positive axis spanning this ratio or more is logarithmic by default
MAX_SERIES = 12  # curves: a numeric --by with more values is drawn as a colour scale
MAX_LABELLED_CELLS = 200  # heatmaps with more cells are not labelled with their values
MISSING = dict(facecolor="0.82", edgecolor="0.45", hatch="///")
CMAP = "viridis"


class PlotError(Exception):
    """A user mistake or an unreadable file: reported as one line, exit status 1."""



def _fmt(v, digits=3):
    return v if isinstance(v, str) else f"{v:.{digits}g}"


def _labels(values):
    """Tick labels for the distinct values: the fewest significant digits (at least 3) that keep
    them distinct."""
    if any(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    for d in range(3, 18):
        lab = [_fmt(v, d) for v in values]
        if len(set(lab)) == len(lab):
            return lab
    return [repr(v) for v in values]


def _listing(values, limit=10):
    if len(values) <= limit or isinstance(values[0], str):
        return ", ".join(_labels(values))
    return f"{len(values)} values in [{values[0]:.4g}, {values[-1]:.4g}]"


class Summary:
    """A sweep's summary.h5, read whole: parameters (numeric arrays, or object arrays of str for
    word values), outcomes with units, status and replicate per point."""

    def __init__(self, path):
        if not os.path.exists(path):
            raise PlotError(f"{path}: no such file")
        if os.path.isdir(path):
            raise PlotError(f"{path} is a folder; give the sweep's summary.h5")
        try:
            f = h5py.File(path, "r")
        except OSError as e:
            raise PlotError(f"{path}: not a readable HDF5 file ({str(e).splitlines()[0]})") from None
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        with f:
            self._read(f)

    def _column(self, f, name):
        ds = f[name]
        if not isinstance(ds, h5py.Dataset) or ds.ndim != 1 or len(ds) != self.npoints:
            raise PlotError(f"{self.path}: /{name} is not a 1-D dataset of {self.npoints} points")
        if h5py.check_string_dtype(ds.dtype) is not None or ds.dtype.kind in "SO":
            return np.array([_text(v) for v in ds[()]], dtype=object)
        if ds.dtype.kind not in "iuf":
            raise PlotError(f"{self.path}: /{name} holds neither numbers nor words")
        return ds[()].astype(float)

    def _names(self, f, attr, group):
        if group not in f or not isinstance(f[group], h5py.Group):
            raise PlotError(f"{self.path}: no /{group}: not a sweep summary (microheal -sweep writes summary.h5)")
        names = [n for n in _text(f.attrs.get(attr, "")).split(",") if n]
        if not names:  # the attribute is missing: take the group's order
            names = list(f[group])
        for n in names:
            if n not in f[group]:
                raise PlotError(f"{self.path}: {attr} names '{n}' but /{group}/{n} does not exist")
        return names

    def _read(self, f):
        for need in ("point", "status"):
            if need not in f:
                raise PlotError(f"{self.path}: no /{need}: not a sweep summary (microheal -sweep writes summary.h5)")
        a = f.attrs
        self.name = _text(a.get("sweep_name", self.stem))
        self.model = _text(a.get("model", "?"))
        self.combine = _text(a.get("combine", "?"))
        self.npoints = len(f["point"])
        if self.npoints == 0:
            raise PlotError(f"{self.path}: the summary holds no points")
        self.point = self._column(f, "point")
        self.replicate = self._column(f, "replicate") if "replicate" in f else np.zeros(self.npoints)
        self.status = self._column(f, "status")
        if self.status.dtype != object:
            raise PlotError(f"{self.path}: /status holds numbers, expected done|failed|stopped|missing")
        self.params = self._names(f, "parameter_names", "parameters")
        self.outcomes = self._names(f, "outcome_names", "outcomes")
        self.values = {n: self._column(f, f"parameters/{n}") for n in self.params}
        for n, v in self.values.items():
            if v.dtype != object and not np.all(np.isfinite(v)):
                raise PlotError(f"{self.path}: parameter {n} has non-finite values")
        self.data = {n: self._column(f, f"outcomes/{n}") for n in self.outcomes}
        for n, v in self.data.items():
            if v.dtype == object:
                raise PlotError(f"{self.path}: outcome {n} holds words, expected numbers")
        self.units = {n: _text(f[f"outcomes/{n}"].attrs.get("units", "1")) for n in self.outcomes}
        self.done = self.status == "done"

    def is_word(self, name):
        return self.values[name].dtype == object

    def distinct(self, name, mask=None):
        """The distinct values of a parameter among the masked points: numbers ascending, words in
        the order the sweep lists them."""
        v = self.values[name] if mask is None else self.values[name][mask]
        if not self.is_word(name):
            return list(np.unique(v))
        seen = {}
        for w in v:
            seen.setdefault(w, None)
        return list(seen)

    def check_param(self, name, what):
        if name not in self.params:
            raise PlotError(f"{what}: unknown parameter '{name}'; the summary's parameters are: "
                            f"{', '.join(self.params) or '(none)'}")

    def check_outcome(self, name):
        if name not in self.outcomes:
            raise PlotError(f"unknown outcome '{name}'; the summary's outcomes are: {', '.join(self.outcomes)}")

    def status_counts(self, mask):
        """'1 failed, 2 missing' for the points under mask that are not done ('' when all are)."""
        st = self.status[mask & ~self.done]
        kinds = sorted(set(st))
        return ", ".join(f"{int(np.sum(st == k))} {k}" for k in kinds)

    def listing(self):
        """--list: the sweep, its parameters with their values, its outcomes with their units."""
        n, nd = self.npoints, int(np.sum(self.done))
        other = self.status_counts(np.ones(n, bool))
        reps = len(np.unique(self.replicate))
        lines = [f"{self.path}: sweep {self.name} (model {self.model}, combine {self.combine}): {n} points, "
                 f"{nd} done" + (f", {other}" if other else "") + (f"; {reps} replicates each" if reps > 1 else ""),
                 "parameters:"]
        for p in self.params:
            d = self.distinct(p)
            kind = "words" if self.is_word(p) else "numbers"
            lines.append(f"  {p} ({kind}, {len(d)} value{'s' if len(d) != 1 else ''}): {_listing(d)}")
        lines.append("outcomes:")
        for o in self.outcomes:
            nv = int(np.sum(self.done & np.isfinite(self.data[o])))
            lines.append(f"  {o} [{self.units[o]}]: {nv} of {n} points have a value")
        return "\n".join(lines)


def parse_fix(s, items):
    """--fix PARAM=VALUE list -> {param: value}. A number matches the parameter value that,
    rounded to as many significant digits as it was written with, equals it (0.316 matches
    0.31622776601683794)."""
    fixed = {}
    for item in items:
        name, eq, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not eq or not name or not text:
            raise PlotError(f"--fix {item}: expected PARAM=VALUE")
        s.check_param(name, f"--fix {item}")
        values = s.distinct(name)
        if s.is_word(name):
            match = [v for v in values if v == text]
        else:
            try:
                want = float(text)
                digits = max(1, len(Decimal(text).normalize().as_tuple().digits))
            except (ValueError, InvalidOperation):
                raise PlotError(f"--fix {item}: '{text}' is not a number; {name} takes {_listing(values)}") from None
            match = [v for v in values if v == want] or [v for v in values if float(f"{v:.{digits}g}") == want]
        if len(match) != 1:
            how = "matches none" if not match else f"matches {len(match)} values"
            raise PlotError(f"--fix {item}: {how} of {name}'s values: {_listing(values, 40)}")
        fixed[name] = match[0]
    return fixed


class Plan:
    """What to draw: kind (heatmap or curves), x, y (heatmap) or by (curves, may be None), the
    fixed parameters, the projected ones (scattered samples), the mask of points used, whether the
    points fill a grid, and a note on what was chosen (when chosen here)."""

    def __init__(self, s, x=None, y=None, by=None, fix=None):
        fix = fix or {}
        self.fixed = dict(fix)
        self.mask = np.ones(s.npoints, bool)
        for name, v in fix.items():
            self.mask &= s.values[name] == v
        if not np.any(s.done):
            raise PlotError(f"{s.path}: no point of the sweep is done ({s.npoints} points: "
                            f"{s.status_counts(np.ones(s.npoints, bool))}); nothing to plot")
        if not np.any(self.mask & s.done):
            fixes = " ".join(f"{k}={_fmt(v, 6)}" for k, v in fix.items())
            raise PlotError(f"no point with --fix {fixes} is done ({s.status_counts(self.mask)})")
        for what, name in (("--x", x), ("--y", y), ("--by", by)):
            if name is not None:
                s.check_param(name, what)
                if name in fix:
                    raise PlotError(f"{what} {name} is also fixed with --fix; an axis cannot be fixed")
        if y is not None and x is None:
            raise PlotError("--y needs --x")
        if by is not None and (x is None or y is not None):
            raise PlotError("--by applies to curves: give --x and no --y")
        if x is not None and x in (y, by):
            raise PlotError(f"{x} cannot be on two axes")
        varying = [p for p in s.params if len(s.distinct(p, self.mask)) > 1]
        sizes = [len(s.distinct(p, self.mask)) for p in varying]
        settings = {tuple(s.values[p][i] for p in varying) for i in np.flatnonzero(self.mask)}
        self.grid = len(settings) == int(np.prod(sizes))
        self.note = None
        fixing = " and fix the others with --fix PARAM=VALUE" if self.grid else ""
        if x is None:
            if len(varying) == 0:
                raise PlotError("no parameter varies" + (" among the points left by --fix" if fix else "")
                                + "; nothing to plot against")
            if len(varying) > 2:
                raise PlotError(f"{len(varying)} parameters vary ({', '.join(varying)}): choose --x "
                                f"(curves) or --x and --y (heatmap){fixing}")
            x = varying[0]
            if len(varying) == 2:
                y = varying[1]
                self.note = f"2 parameters vary: a heatmap over {x} (x) and {y} (y)"
            else:
                self.note = f"1 parameter varies: curves against {x}"
        for what, name in (("--x", x), ("--y", y), ("--by", by)):
            if name is not None and name not in varying:
                raise PlotError(f"{what} {name} has a single value ({_fmt(s.distinct(name, self.mask)[0], 6)})"
                                + (" among the points left by --fix" if fix else "")
                                + f"; varying: {', '.join(varying)}")
        if y is None and by is None and len([p for p in varying if p != x]) == 1:
            by = next(p for p in varying if p != x)
        others = [p for p in varying if p not in (x, y, by)]
        if others and self.grid:
            raise PlotError("also varying: " + "; ".join(f"{p} ({_listing(s.distinct(p, self.mask))})" for p in others)
                            + f". Fix {'it' if len(others) == 1 else 'each'} with --fix {others[0]}=VALUE"
                            + (", or give one as --by" if y is None and by is None else ""))
        self.kind = "heatmap" if y is not None else "curves"
        self.x, self.y, self.by, self.projected = x, y, by, others


class Cell:
    """One drawn point: its key (parameter values), the points (replicates) behind it, and the
    mean, min and max of the outcome over those done with a finite value."""

    def __init__(self, s, outcome, key, idx):
        self.key, self.idx = key, idx
        v = s.data[outcome][idx]
        ok = s.done[idx] & np.isfinite(v)
        self.n, self.ndone = len(idx), int(np.sum(ok))
        vals = v[ok]
        self.mean = float(np.mean(vals)) if self.ndone else np.nan
        self.min = float(np.min(vals)) if self.ndone else np.nan
        self.max = float(np.max(vals)) if self.ndone else np.nan
        st = s.status[idx]
        self.why = "no value" if np.all(st == "done") else "/".join(sorted(set(st[st != "done"])))


def cells(s, plan, outcome, keys):
    """Groups the points under plan.mask by the values of the parameters `keys` (in order of
    first appearance), one Cell each."""
    groups = {}
    for i in np.flatnonzero(plan.mask):
        groups.setdefault(tuple(s.values[k][i] for k in keys), []).append(i)
    return [Cell(s, outcome, k, np.array(ix)) for k, ix in groups.items()]


def _log_axis(s, plan, name, choice, values=None):
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


def _positions(s, plan, name, values):
    """Axis coordinates of parameter values: the values themselves, or the category index."""
    if not s.is_word(name):
        return np.asarray(values, float)
    order = {w: i for i, w in enumerate(s.distinct(name, plan.mask))}
    return np.array([order[w] for w in values], float)


def _edges(pos, log):
    """Cell edges around sorted centres: midpoints (geometric on a log axis), the ends mirrored."""
    t = np.log10(pos) if log else np.asarray(pos, float)
    if len(t) == 1:
        e = np.array([t[0] - 0.5, t[0] + 0.5])
    else:
        mid = 0.5 * (t[1:] + t[:-1])
        e = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return 10.0 ** e if log else e


def _axis(ax, which, s, plan, name, log, ticks=True):
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
        axis.set_major_formatter(mticker.FixedFormatter(_labels(values)))
        axis.set_minor_locator(mticker.NullLocator())


def _norm(vals):
    v = np.asarray(vals, float)
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (0.0, 1.0)
    if lo == hi:
        pad = 0.5 * abs(lo) or 0.5
        lo, hi = lo - pad, hi + pad
    return matplotlib.colors.Normalize(lo, hi)


def _text_colour(rgba):
    return "white" if 0.299 * rgba[0] + 0.587 * rgba[1] + 0.114 * rgba[2] < 0.5 else "black"


def _spread_note(cs, unit):
    multi = [c for c in cs if c.ndone > 1]
    if not multi:
        return None
    worst = max(multi, key=lambda c: c.max - c.min)
    u = "" if unit == "1" else f" {_tex_unit(unit)}"
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
    xe = _edges(_positions(s, plan, plan.x, xs), logx)
    ye = _edges(_positions(s, plan, plan.y, ys), logy)
    norm = _norm(grid)
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
        txt = _fmt(c.mean)
        if c.ndone > 1:
            txt += f"\n{_fmt(c.min)}–{_fmt(c.max)}"
        if c.ndone < c.n:
            txt += f"\n({c.ndone}/{c.n} done)"
        ax.text(cx, cy, txt, ha="center", va="center", fontsize=size, linespacing=1.1,
                color=_text_colour(cmap(norm(c.mean))))
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    _axis(ax, "x", s, plan, plan.x, logx)
    _axis(ax, "y", s, plan, plan.y, logy)
    return mesh, cs


def heatmap_scatter(ax, s, plan, outcome, logx, logy, contour):
    """A scattered-samples panel: points coloured by the outcome, missing ones as grey crosses,
    optionally a filled contour on a triangulation (made in the axes' own, maybe log, coordinates)."""
    keys = [plan.x, plan.y] + plan.projected
    cs = cells(s, plan, outcome, keys)
    px = _positions(s, plan, plan.x, [c.key[0] for c in cs])
    py = _positions(s, plan, plan.y, [c.key[1] for c in cs])
    m = np.array([c.mean for c in cs])
    ok = np.isfinite(m)
    norm = _norm(m)
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
    _axis(ax, "x", s, plan, plan.x, logx, ticks=False)
    _axis(ax, "y", s, plan, plan.y, logy, ticks=False)
    if s.is_word(plan.x):
        ax.set_xlim(-0.5, len(s.distinct(plan.x, plan.mask)) - 0.5)
    if s.is_word(plan.y):
        ax.set_ylim(-0.5, len(s.distinct(plan.y, plan.mask)) - 0.5)
    return (sc if mappable is None else mappable), cs


def curves_panel(ax, s, plan, outcome, logx, logy_choice):
    """A curves panel: the outcome against x, one series per --by value (or a colour scale for a
    numeric --by with many values), min-max bars over replicates, missing points as crosses along
    the bottom."""
    keys = [plan.x] + ([plan.by] if plan.by else []) + plan.projected
    cs = cells(s, plan, outcome, keys)
    lo = [c.min for c in cs if c.ndone] + [c.mean for c in cs if c.ndone]
    logy = _log_axis(s, plan, None, logy_choice, lo)
    if logy:
        ax.set_yscale("log")
    bottom = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    series = s.distinct(plan.by, plan.mask) if plan.by else [None]
    colour_scale = plan.by is not None and not s.is_word(plan.by) and len(series) > MAX_SERIES
    cmap = matplotlib.colormaps[CMAP]
    bynorm = _norm(series) if colour_scale else None
    mappable = None
    nmiss = 0
    for k, sv in enumerate(series):
        mine = [c for c in cs if sv is None or c.key[1] == sv]
        mine.sort(key=lambda c: _positions(s, plan, plan.x, [c.key[0]])[0])
        px = _positions(s, plan, plan.x, [c.key[0] for c in mine])
        m = np.array([c.mean for c in mine])
        ok = np.isfinite(m)
        if colour_scale:
            colour = cmap(bynorm(sv))
        else:
            colour = f"C{k % 10}" if plan.by else "C0"
        label = None if (sv is None or colour_scale) else _labels(series)[k]
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
    _axis(ax, "x", s, plan, plan.x, logx, ticks=plan.grid)
    if s.is_word(plan.x):
        ax.set_xlim(-0.5, len(s.distinct(plan.x, plan.mask)) - 0.5)
    ax.grid(alpha=0.3)
    return mappable, cs


def _title(s, plan, outcomes):
    """Suptitle: the sweep, what is fixed or projected, how replicates are shown, what is missing."""
    lines = [f"sweep {s.name} (model {s.model}, {s.combine})"]
    info = []
    if plan.fixed:
        info.append("fixed: " + ", ".join(f"{k} = {_fmt(v, 6)}" for k, v in plan.fixed.items()))
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


def plot(s, outcomes, plan, log_x="auto", log_y="auto", contour=False, dpi=130):
    """The figure (one panel per outcome) and the table drawn: a list of (outcome, key names,
    cells)."""
    logx = _log_axis(s, plan, plan.x, log_x)
    logy = _log_axis(s, plan, plan.y, log_y) if plan.kind == "heatmap" else None
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
        unit = s.units[o]
        if plan.kind == "heatmap":
            if plan.grid:
                mappable, cs = heatmap_grid(ax, s, plan, o, logx, logy)
                keys = [plan.x, plan.y]
            else:
                mappable, cs = heatmap_scatter(ax, s, plan, o, logx, logy, contour)
                keys = [plan.x, plan.y] + plan.projected
            fig.colorbar(mappable, ax=ax, label=_with_unit(o, unit), format=mticker.FuncFormatter(
                lambda v, _: f"{v:.3g}"))
        else:
            mappable, cs = curves_panel(ax, s, plan, o, logx, log_y)
            keys = [plan.x] + ([plan.by] if plan.by else []) + plan.projected
            ax.set_ylabel(_with_unit(o, unit))
            if mappable is not None:
                fig.colorbar(mappable, ax=ax, label=plan.by)
        novalue = sum(1 for c in cs for i in c.idx if s.done[i] and not np.isfinite(s.data[o][i]))
        title = o + (f" ({novalue} done point{'s' if novalue > 1 else ''} without a value)" if novalue else "")
        note = _spread_note(cs, unit) if plan.kind == "heatmap" and not plan.grid else None
        ax.set_title(title + ("\n" + note if note else ""), fontsize=9 if note else 10)
        table.append((o, keys, cs))
    for k in range(n, nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    fig.suptitle(_title(s, plan, outcomes), fontsize=10)
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
                w.writerow([o] + [("" if k not in kv else _fmt(kv[k], 17)) for k in keys]
                           + [c.n, c.ndone] + [f"{v:.17g}" for v in (c.mean, c.min, c.max)])


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write(f"{PROG}: error: {message}\n")
        raise SystemExit(2)


def parse_args(argv=None):
    p = _Parser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("summary", metavar="SUMMARY.h5", help="a sweep's summary.h5 (microheal -sweep, -sweep_gather)")
    p.add_argument("--list", action="store_true",
                   help="print the parameters (with their values) and outcomes (with units), draw nothing")
    p.add_argument("--outcome", action="append", metavar="NAME",
                   help="an outcome to draw, one panel each (repeat for more); --list shows them")
    p.add_argument("--x", metavar="PARAM", help="parameter on the x axis (default: see above)")
    p.add_argument("--y", metavar="PARAM", help="parameter on the y axis: a heatmap (needs --x)")
    p.add_argument("--by", metavar="PARAM", help="curves: one curve per value of this parameter (default: the "
                                                 "other varying parameter when exactly one other varies)")
    p.add_argument("--fix", action="append", default=[], metavar="PARAM=VALUE",
                   help="use only the points with this value (repeat for more); a number matches the value it "
                        "rounds (0.316 matches 0.3162...); required for every other varying parameter of a grid")
    for ax, what in (("x", "the x parameter"), ("y", "the y parameter of a heatmap, the outcome of curves")):
        p.add_argument(f"--log-{ax}", choices=("auto", "on", "off"), default="auto",
                       help=f"log scale for {what} (auto, default: when positive and spanning {LOG_SPAN:g}x or more)")
    p.add_argument("--contour", action="store_true",
                   help="scattered samples: a filled contour on a triangulation of the samples under the points")
    p.add_argument("--out", metavar="FILE.png",
                   help="the figure (default: <stem>_<outcome>[-<outcome>...]_<x>[_<y>].png next to the summary)")
    p.add_argument("--data-out", metavar="FILE.csv",
                   help="also write the numbers drawn: one row per cell (or point) and outcome with its parameter "
                        "values, points, done (with a value), and the mean, min and max over replicates [outcome "
                        "units]")
    p.add_argument("--dpi", type=int, default=130, help="resolution of the PNG [dots per inch] (default 130)")
    return p.parse_args(argv)


def _prepare_output(path, what):
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise PlotError(f"{what} {path}: cannot create its folder ({e.strerror})") from None
    if os.path.isdir(path):
        raise PlotError(f"{what} {path} is a folder; give a file name")


def run(a):
    s = Summary(a.summary)
    if a.list:
        print(s.listing())
        return
    if not a.outcome:
        raise PlotError(f"give --outcome NAME (one of: {', '.join(s.outcomes)}), or --list")
    for o in a.outcome:
        s.check_outcome(o)
    outcomes = list(dict.fromkeys(a.outcome))
    if a.dpi < 20 or a.dpi > 1200:
        raise PlotError(f"--dpi {a.dpi}: out of range; allowed [20, 1200]")
    plan = Plan(s, a.x, a.y, a.by, parse_fix(s, a.fix))
    out = a.out or os.path.join(os.path.dirname(os.path.abspath(a.summary)),
                                f"{s.stem}_{'-'.join(outcomes)}_{plan.x}" + (f"_{plan.y}" if plan.y else "") + ".png")
    if not out.lower().endswith(".png"):
        raise PlotError(f"--out {out}: expected a .png file name")
    _prepare_output(out, "--out")
    if a.data_out:
        _prepare_output(a.data_out, "--data-out")
    fig, table = plot(s, outcomes, plan, a.log_x, a.log_y, a.contour, a.dpi)
    if plan.note:
        print(f"{PROG}: {plan.note}")
    with replacing(out) as tmp:
        fig.savefig(tmp)
    plt.close(fig)
    ncells = len(table[0][2])
    nmiss = sum(1 for _, _, cs in table for c in cs if c.ndone == 0)
    if plan.kind == "heatmap":
        shape = (f"{len(s.distinct(plan.x, plan.mask))} x {len(s.distinct(plan.y, plan.mask))} cells" if plan.grid
                 else f"{ncells} samples")
        what = f"heatmap of {', '.join(outcomes)} over {plan.x} (x) and {plan.y} (y), {shape}"
    else:
        what = f"{', '.join(outcomes)} against {plan.x}" + (f", one curve per {plan.by}" if plan.by else "")
    print(f"{out}: {what}" + (f"; {nmiss} drawn as missing" if nmiss else ""))
    if a.data_out:
        write_table(a.data_out, s, table)
        print(f"{a.data_out}: the numbers drawn, one row per {'cell' if plan.grid else 'point'} and outcome")


def main(argv=None):
    a = parse_args(argv)
    try:
        run(a)
    except PlotError as e:
        sys.stderr.write(f"{PROG}: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
