"""Reads one microheal HDF5 output file (the layout sim/ writes).

    with mhread.Output("out/demo/demo.h5") as o:
        o.time, o.fields, o.units, o.model, o.dim     # /time, field names, units, attributes
        o.field("damage", -1)                         # one field at one output index
        o.table()["t"], o.outcomes(), o.parameters()  # /monitors/table, /outcomes, /parameters
        o.dataset()                                   # every field as an xarray.Dataset

See README.md in this folder."""
import os

import h5py
import numpy as np

from .text import text

__all__ = ["Output", "OutputError", "text"]


class OutputError(Exception):
    """The file is missing, unreadable or not a microheal output."""


class Output:
    """One output file, opened read-only. Small things are read on opening; fields on demand. A
    context manager: the file is closed on leaving it (or by close())."""

    def __init__(self, path):
        if not os.path.exists(path):
            raise OutputError(f"{path}: no such file")
        if os.path.isdir(path):
            raise OutputError(f"{path} is a folder; give the run's .h5 file")
        try:
            self.h5 = h5py.File(path, "r")
        except OSError as e:
            raise OutputError(f"{path}: not a readable HDF5 file ({str(e).splitlines()[0]})") from None
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        try:
            self._read()
        except OutputError:
            self.h5.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.h5.close()

    def _read(self):
        f, path = self.h5, self.path
        for need in ("time", "fields", "grid", "monitors/table"):
            if need not in f:
                raise OutputError(f"{path}: no /{need}: not a microheal output file")
        a = f.attrs
        self.attrs = {k: (text(v) if isinstance(v, (bytes, str)) else v) for k, v in a.items()}
        self.model = text(a.get("model", "?"))
        self.dim = int(a.get("dim", 1))
        self.lunit = text(a.get("length_unit", "1"))
        self.tunit = text(a.get("time_unit", "1"))
        self.fields = [n for n in text(a.get("field_names", "")).split(",") if n in f["fields"]]
        if not self.fields:
            raise OutputError(f"{path}: no fields in /fields")
        self.units = {n: text(f["fields"][n].attrs.get("units", "1")) for n in self.fields}
        self.time = f["time"][:]
        self.events = f["events"][:] if "events" in f else np.zeros(0)
        g = f["grid"]
        self.axes = [ax for ax in ("x", "y", "z") if f"{ax}_faces" in g]
        self.faces = {ax: g[f"{ax}_faces"][:] for ax in self.axes}
        self.centres = {ax: g[ax][:] for ax in ("x", "y", "z") if ax in g}
        self.periodic = {ax: text(g.attrs.get(f"bc_{ax}_min", "")) == "periodic" for ax in self.axes}
        nt = f["fields"][self.fields[0]].shape[0]
        if nt != len(self.time):
            raise OutputError(f"{path}: /time has {len(self.time)} entries but the fields {nt}")

    def field(self, name, index=None):
        """Field `name` at output index `index` (all output times when None): (nx), (nz, nx) or
        (nz, ny, nx) per time, as stored."""
        if name not in self.h5["fields"]:
            raise OutputError(f"unknown field '{name}'; {self.stem} has {', '.join(self.fields)}")
        d = self.h5["fields"][name]
        return d[:] if index is None else d[index]

    def all_fields(self):
        """{name: array over all output times} of every dataset in /fields."""
        return {k: self.h5["fields"][k][:] for k in self.h5["fields"]}

    def grid(self):
        """{dataset name: array} of /grid (centres x, y, z and faces x_faces, ...)."""
        return {k: self.h5["grid"][k][:] for k in self.h5["grid"]}

    def table(self, strict=True):
        """/monitors/table as {column: array}. strict: an empty table, or one that does not match
        its columns attribute, is an error."""
        d = self.h5["monitors/table"]
        cols = text(d.attrs.get("columns", "")).split(",")
        data = d[:]
        if strict and (data.ndim != 2 or data.shape[0] == 0 or data.shape[1] != len(cols)):
            raise OutputError(f"{self.path}: /monitors/table is empty or does not match its columns attribute")
        return {c: data[:, i] for i, c in enumerate(cols)}

    def outcomes(self):
        """/outcomes attributes as {name: float} (NaN until the run ends); {} without /outcomes."""
        if "outcomes" not in self.h5:
            return {}
        return {k: float(v) for k, v in self.h5["outcomes"].attrs.items()}

    def parameters(self):
        """/parameters attributes as a dict (the model's parameter values)."""
        return dict(self.h5["parameters"].attrs) if "parameters" in self.h5 else {}

    def model_table(self, name):
        """/model/<name> as {"data": {column: array}, "rows": row labels, "n": rows}, or None."""
        if f"model/{name}" not in self.h5:
            return None
        d = self.h5[f"model/{name}"]
        cols = text(d.attrs.get("columns", "")).split(",")
        data = d[:]
        if data.ndim != 2 or data.shape[1] != len(cols):
            return None
        rows = [r for r in text(d.attrs.get("rows", "")).split(",") if r]
        return {"data": {c: data[:, i] for i, c in enumerate(cols)}, "rows": rows, "n": data.shape[0]}

    def dataset(self, fields=None):
        """The fields (all, or the names given) as an xarray.Dataset with labelled, unit-carrying
        coordinates: time and the cell centres (z, y, x), read from each field's HDF5 dimension
        scales (older files without scales: from /time and /grid). Provenance and outcomes go
        into its attributes. Needs xarray (Debian: python3-xarray)."""
        try:
            import xarray as xr
        except ImportError:
            raise OutputError("mhread.Output.dataset needs xarray: apt-get install python3-xarray") from None
        names = self.fields if fields is None else list(fields)
        coords, data = {}, {}
        for n in names:
            d = self.h5["fields"][n]
            self.field(n, 0)  # an unknown name: one clear error
            dims = []
            for i, dim in enumerate(d.dims):
                label = dim.label or ("time" if i == 0 else [a for a in ("z", "y", "x") if a in self.centres][-(d.ndim - 1):][i - 1])
                dims.append(label)
                if label not in coords:
                    values = dim[0][:] if len(dim) else (self.time if i == 0 else self.centres[label])
                    coords[label] = (label, values, {"units": self.tunit if i == 0 else self.lunit})
            data[n] = (dims, d[:], {"units": self.units[n]})
        attrs = {k: v for k, v in self.attrs.items() if isinstance(v, (str, int, float, np.integer, np.floating))}
        attrs.update({f"outcome_{k}": v for k, v in self.outcomes().items()})
        return xr.Dataset(data, coords=coords, attrs=attrs)

