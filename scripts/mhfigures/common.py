"""What the generic figures and the model panels share: the run (Run, FigureError), time and unit
labels, the session marks, a time-series panel and saving a figure."""
import os

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
import numpy as np
from mhfiles import replacing  # scripts/mhfiles.py
from mhread import Output, OutputError  # scripts/mhread/
from mhread.text import drawn_as, is_arbitrary, with_unit

from . import models

HALO = [pe.withStroke(linewidth=2.0, foreground="black", alpha=0.6)]  # white lines on any colour


class FigureError(OutputError):
    """A user mistake or an unreadable file: reported as one line, exit status 1."""


class Run(Output):
    """What the figures need from one output file (scripts/mhread: read once, fields on demand),
    plus the model's figure module (`panels`: mhfigures.models, None for a model without one).
    /model/<name> tables are read once. A context manager: the file is closed on leaving it."""

    def _read(self):
        super()._read()
        self.panels = models.for_model(self.model)
        self._model_tables = {}
        sessions = self.hook("session_times")  # the events the figures mark (a model's may be more)
        if sessions is not None:
            self.events = np.asarray(sessions, dtype=float)

    def model_table(self, name):
        if name not in self._model_tables:
            self._model_tables[name] = super().model_table(name)
        return self._model_tables[name]

    def hook(self, name, *args, default=None):
        """The model module's `name`: called with (self, *args) when a function, as it is when a
        value; `default` when the run has no module or the module no `name`."""
        v = getattr(self.panels, name, None) if self.panels else None
        if v is None:
            return default
        return v(self, *args) if callable(v) else v

    def label(self, name):
        """'name [unit]', a dimensionless unit written out as what it is (mhread.text.unit_words)."""
        return with_unit(name, self.units[name], self.model)

    def arbitrary(self, name):
        """Whether a field or column is in arbitrary units (the damage signal, inflammation)."""
        return is_arbitrary(self.units.get(name, "1"), name, self.model)

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
        """The model module's choice (default_time_indices), else four outputs spread over the run."""
        picks = self.hook("default_time_indices")
        if picks is None:
            t = self.time
            picks = np.round(np.linspace(0, len(t) - 1, min(4, len(t)))).astype(int)
        return sorted(set(int(k) for k in picks))

    def default_fields(self):
        """Fields of the sections: those of the module's SECTION_FIELDS in the run, else the first four."""
        return [n for n in self.hook("SECTION_FIELDS", default=()) if n in self.fields] or self.fields[:4]

    def default_field(self):
        """Field of the animation: the module's ANIMATION_FIELD if in the run, else the first field."""
        f = self.hook("ANIMATION_FIELD")
        return f if f in self.fields else self.fields[0]

    def session_label(self, t):
        """'session k + 2.8 d' for the latest event (session) at or before t; '' before any."""
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


def times_text(run, ks):
    ts = ", ".join(f"{run.time[k]:.4g}" for k in ks)
    return f"day {ts}" if run.tunit == "day" else f"t = {ts}" + ("" if run.tunit == "1" else f" {run.tunit}")


def suptitle(run):
    """'<model> — <file>', then ': ' and the model module's title_extra(run) where it gives one."""
    s = f"{run.model} — {os.path.basename(run.path)}"
    extra = run.hook("title_extra", default="")
    return s + (": " + extra if extra else "")


def session_lines(ax, events):
    """Dotted vertical lines at the sessions, labelled 'session k' (or 'k' when many) on the top."""
    if not len(events):
        return
    for e in events:
        ax.axvline(e, color="0.45", lw=0.8, ls=":", zorder=0)
    top = ax.secondary_xaxis("top")
    top.set_xticks(events, [f"session {k + 1}" if len(events) <= 6 else str(k + 1) for k in range(len(events))],
                   fontsize=7, color="0.3")
    top.tick_params(length=3, pad=1)


def panel_days(ax, run, tab, curves, ylabel, title, band=None):
    """curves: [(column, label, colour, linestyle)] against time, sessions marked; band: two
    columns to shade between. A column stored as a fraction but drawn in percent (collagen gain:
    mhread.text.drawn_as) is multiplied by 100."""
    scale = drawn_as(curves[0][0], "1")[0] if curves else 1.0
    if band:
        ax.fill_between(tab["t"], tab[band[0]] * scale, tab[band[1]] * scale, color="0.85", lw=0)
    for col, label, colour, ls in curves:
        y = tab[col] * scale
        few = np.count_nonzero(np.isfinite(y)) < 3  # e.g. a time set once reached: show the point
        ax.plot(tab["t"], y, color=colour, ls=ls, lw=1.4, label=label, marker="o" if few else None)
    ax.set_xlim(run.time[0], run.time[-1])
    ax.set_xlabel("time" if run.tunit == "1" else f"time [{run.tunit}]")
    ax.set_ylabel(ylabel)
    ax.yaxis.get_major_formatter().set_useOffset(False)  # no '+1' offset text over the session labels
    ax.set_title(title, fontsize=10)
    session_lines(ax, run.events)
    if len(curves) > 1:
        ax.legend(fontsize=7, loc="best")


def apply_range(ax, keys, ranges, axis="y"):
    """Sets the axis limits from the first of keys found in ranges ({name: (lo, hi)}); returns it."""
    for k in keys:
        if k in (ranges or {}):
            (ax.set_ylim if axis == "y" else ax.set_xlim)(*ranges[k])
            return k
    return None


def range_or(ranges, name, lo_hi):
    """ranges[name] (--range) when given, else lo_hi."""
    return tuple(ranges[name]) if name in (ranges or {}) else tuple(lo_hi)


def save(fig, out, dpi):
    try:
        with replacing(out) as tmp:
            fig.savefig(tmp, dpi=dpi)
    except OSError as e:
        raise FigureError(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        plt.close(fig)
