"""Text and unit helpers shared by microheal's figure scripts (figures.py, sweep_plot.py)."""
import re


def text(v):
    """An HDF5 string attribute (bytes or str) as str."""
    return v.decode() if isinstance(v, bytes) else str(v)


def tex_unit(u):
    """'cells/mm^3' -> 'cells/mm$^{3}$' for matplotlib's mathtext."""
    return re.sub(r"\^(-?\d+)", r"$^{\1}$", u)


def with_unit(name, unit):
    """'name [unit]' with the unit in mathtext."""
    return f"{name} [{tex_unit(unit)}]"
