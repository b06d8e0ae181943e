"""A sweep's summary.h5 read whole (Summary), the one-line error of the sweep figures (PlotError),
and how parameter values are written in labels and messages."""
import os

import h5py
import numpy as np
from mhread.text import text  # scripts/mhread/


class PlotError(Exception):
    """A user mistake or an unreadable file: reported as one line, exit status 1."""


def fmt(v, digits=3):
    return v if isinstance(v, str) else f"{v:.{digits}g}"


def tick_labels(values):
    """Tick labels for the distinct values: the fewest significant digits (at least 3) that keep
    them distinct."""
    if any(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    for d in range(3, 18):
        lab = [fmt(v, d) for v in values]
        if len(set(lab)) == len(lab):
            return lab
    return [repr(v) for v in values]


def values_text(values, limit=10):
    if len(values) <= limit or isinstance(values[0], str):
        return ", ".join(tick_labels(values))
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
            return np.array([text(v) for v in ds[()]], dtype=object)
        if ds.dtype.kind not in "iuf":
            raise PlotError(f"{self.path}: /{name} holds neither numbers nor words")
        return ds[()].astype(float)

    def _names(self, f, attr, group):
        if group not in f or not isinstance(f[group], h5py.Group):
            raise PlotError(f"{self.path}: no /{group}: not a sweep summary (microheal -sweep writes summary.h5)")
        names = [n for n in text(f.attrs.get(attr, "")).split(",") if n]
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
        self.name = text(a.get("sweep_name", self.stem))
        self.model = text(a.get("model", "?"))
        self.combine = text(a.get("combine", "?"))
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
        self.units = {n: text(f[f"outcomes/{n}"].attrs.get("units", "1")) for n in self.outcomes}
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
            lines.append(f"  {p} ({kind}, {len(d)} value{'s' if len(d) != 1 else ''}): {values_text(d)}")
        lines.append("outcomes:")
        for o in self.outcomes:
            nv = int(np.sum(self.done & np.isfinite(self.data[o])))
            lines.append(f"  {o} [{self.units[o]}]: {nv} of {n} points have a value")
        return "\n".join(lines)
