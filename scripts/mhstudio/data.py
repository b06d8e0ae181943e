"""An output file, read through mhread, as the page's JSON: time series, grid, layers, needles,
sessions, outcomes, and one field over every output time on request."""
import math

import mhread
from mhread.text import unit_words

SKIP_SUFFIX = ("_integral", "_min", "_max")


def _num(a):
    """A list of floats for JSON (NaN and inf as None)."""
    return [float(v) if math.isfinite(v) else None for v in a.ravel().tolist()]


def summary(path):
    with mhread.Output(path) as o:
        tab = o.table()
        cols = {c: _num(v) for c, v in tab.items() if c == "t" or not c.endswith(SKIP_SUFFIX)}
        out = {"model": o.model, "dim": o.dim, "length_unit": o.lunit, "time_unit": o.tunit,
               "fields": o.fields, "units": o.units, "time": _num(o.time), "events": _num(o.events),
               "unit_words": {f: unit_words(o.units[f], f, o.model) for f in o.fields},
               "faces": {ax: _num(v) for ax, v in o.faces.items()}, "table": cols,
               "outcomes": {k: (v if math.isfinite(v) else None) for k, v in o.outcomes().items()}}
        for name in ("layers", "needles", "sessions"):
            t = o.model_table(name)
            out[name] = None if t is None else {"rows": t["rows"], "data": {c: _num(v) for c, v in t["data"].items()}}
        return out


def field(path, name):
    """Field `name` at every output time: {"name", "unit", "shape" (nt, nz, nx), "values" flat}."""
    with mhread.Output(path) as o:
        v = o.field(name)
        return {"name": name, "unit": o.units[name], "unit_words": unit_words(o.units[name], name, o.model),
                "shape": list(v.shape), "values": _num(v)}
