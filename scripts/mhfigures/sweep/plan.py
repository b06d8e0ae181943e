"""What to draw (Plan: heatmap or curves, axes, --fix, grid or scattered samples) and the cells drawn
(Cell, cells: the points grouped by parameter values, mean/min/max over replicates)."""
from decimal import Decimal, InvalidOperation

import numpy as np

from .summary import PlotError, fmt, values_text


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
                raise PlotError(f"--fix {item}: '{text}' is not a number; {name} takes {values_text(values)}") from None
            match = [v for v in values if v == want] or [v for v in values if float(f"{v:.{digits}g}") == want]
        if len(match) != 1:
            how = "matches none" if not match else f"matches {len(match)} values"
            raise PlotError(f"--fix {item}: {how} of {name}'s values: {values_text(values, 40)}")
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
            fixes = " ".join(f"{k}={fmt(v, 6)}" for k, v in fix.items())
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
                raise PlotError(f"{what} {name} has a single value ({fmt(s.distinct(name, self.mask)[0], 6)})"
                                + (" among the points left by --fix" if fix else "")
                                + f"; varying: {', '.join(varying)}")
        if y is None and by is None and len([p for p in varying if p != x]) == 1:
            by = next(p for p in varying if p != x)
        others = [p for p in varying if p not in (x, y, by)]
        if others and self.grid:
            also = "; ".join(f"{p} ({values_text(s.distinct(p, self.mask))})" for p in others)
            raise PlotError(f"also varying: {also}"
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
