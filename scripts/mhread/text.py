"""Text and unit helpers shared by microheal's figure scripts (figures.py, sweep_plot.py,
render_paraview.py)."""
import re

# What a dimensionless quantity (unit '1' in the file) is, written out in its labels; by model, then
# by field or outcome name (an outcome name ending in _<layer> or _<k> matches its stem). A '1'
# found nowhere here is written 'dimensionless'.
UNIT_WORDS = {
    "microneedling": {
        "damage": "open volume fraction",
        "signal": "arbitrary units",
        "fibroblasts": "× resting density",
        "collagen_I": "× baseline total collagen",
        "collagen_III": "× baseline total collagen",
        "elastin": "× baseline",
        "barrier_deficit": "open fraction",
        "inflammation": "arbitrary units",
        "inflammation_peak": "arbitrary units",
        "collagen_I_rel": "× baseline",
        "collagen_III_rel": "× baseline",
        "elastin_rel": "× baseline",
        "collagen_I_fraction": "fraction",
        "kgf": "× a unit fibroblast excess",
        "epidermal_thickness": "× baseline",
        "epidermis_thickness_gain": "fraction",
        "recoil": "open volume fraction",
    },
}
# Quantities drawn in another unit than stored: name stem -> (factor, unit drawn). The collagen gain
# is stored as a fraction (0.5 = +50 %) and drawn in percent everywhere.
DRAWN_AS = {"epidermis_thickness_gain": (100.0, "%"), "collagen_gain": (100.0, "%"), "collagen_gain_vs_untreated": (100.0, "%"), "collagen_area_gain": (100.0, "%")}
ARBITRARY_NOTE = ("arbitrary units: the damage signal (and inflammation, its mean) has no absolute scale; "
                  "compare it between runs and times")


def text(v):
    """An HDF5 string attribute (bytes or str) as str."""
    return v.decode() if isinstance(v, bytes) else str(v)


def tex_unit(u):
    """'cells/mm^3' -> 'cells/mm$^{3}$' for matplotlib's mathtext."""
    return re.sub(r"\^(-?\d+)", r"$^{\1}$", u)


def _stems(name):
    """name, then name without a trailing _<word> (collagen_gain_papillary -> collagen_gain)."""
    yield name
    if "_" in name:
        yield name.rsplit("_", 1)[0]


def drawn_as(name, unit):
    """(factor, unit) a quantity is drawn in: collagen gain in %, the rest as stored."""
    for s in _stems(name):
        if s in DRAWN_AS:
            return DRAWN_AS[s]
    return 1.0, unit


def unit_words(unit, name=None, model=None):
    """The unit as written in a label: '1' becomes what the quantity is (open volume fraction,
    arbitrary units, × baseline; else 'dimensionless'); another unit is kept."""
    if name is not None:
        factor, drawn = drawn_as(name, unit)
        if factor != 1.0 or drawn != unit:
            return drawn
    if unit not in ("1", ""):
        return unit
    words = UNIT_WORDS.get(model, {})
    for s in _stems(name or ""):
        if s in words:
            return words[s]
    return "dimensionless"


def is_arbitrary(unit, name=None, model=None):
    return unit_words(unit, name, model) == "arbitrary units"


def with_unit(name, unit, model=None):
    """'name [unit]' with the unit in mathtext, a dimensionless one written out (unit_words)."""
    return f"{name} [{tex_unit(unit_words(unit, name, model))}]"
