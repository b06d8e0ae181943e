#!/usr/bin/python3
"""Figures from a microheal HDF5 output file: a time-series panel, depth cross-sections and a GIF.

    scripts/figures.py out/demo/demo.h5                      # all three, next to the file
    scripts/figures.py out/demo/demo.h5 --what sections --fields damage,tgfb --times 0,1,7,28
    scripts/figures.py out/demo/demo.h5 --what animation --field neutrophils --fps 8
    scripts/figures.py --compare shallow.h5 deep.h5 --labels "0.5 mm,1.5 mm"   # side by side
    scripts/figures.py out/demo/demo.h5 --range collagen_I=0:1.3 --range collagen_gain=0:60

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

--compare A.h5 B.h5 [C.h5 ...] (runs of one model and dimension) writes, into the folder of A.h5
(or --out), instead:

  <A>_vs_<B>_timeseries.png   the time-series panels, one column per run, each row on one y range
  <A>_vs_<B>_sections.png     the sections of every run at the same times (the nearest output of
                              each), one colour scale per field over all the runs

or, with --columns COL[,COL...] (columns of /monitors/table, e.g. an outcome), only

  <A>_vs_<B>_columns.png      one panel per column, every run's curve overlaid, e.g.
                              --columns collagen_gain_vs_untreated_papillary --labels "30 y,50 y,70 y"

Runs are labelled by their file stem, or --labels. --range FIELD=LO:HI fixes a colour scale (the
sections, the GIF) and a time-series axis, in the unit drawn, so that separate invocations are
comparable too; FIELD is a field or a time-series name (microneedling: barrier_deficit,
inflammation, collagen_rel, collagen_I_fraction, elastin_rel, collagen_gain [%], or a column).

Dimensionless quantities are labelled as what they are (open fraction, × baseline, fraction); the
damage signal and inflammation in arbitrary units (explained in a note under the figure). The
collagen gain is drawn in percent.

Times are in the run's time unit (day for microneedling); each names the nearest output (an output
at a session time holds the state just after it). A layer where a field is zero throughout the run
while another layer holds it everywhere (collagen, elastin and fibroblasts in the epidermis) is
drawn grey. Runs on Debian's /usr/bin/python3 (h5py, numpy, matplotlib, Pillow), headless (Agg).
Importable: Run(path), then timeseries(), sections(), animation(), compare_timeseries(),
compare_sections()."""
import argparse
import contextlib
import os
import sys

from mhfigures import (FigureError, Run, animation, compare_sections, compare_timeseries,  # noqa: F401
                       sections, timeseries)  # scripts/mhfigures/
from mhfigures.timeseries import check_columns, compare_columns, range_keys
from mhread import OutputError  # scripts/mhread/, this folder

WHAT = ("timeseries", "sections", "animation")


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


def _range(s):
    name, eq, span = s.partition("=")
    lo, colon, hi = span.partition(":")
    try:
        lo, hi = float(lo), float(hi)
    except ValueError:
        lo = hi = None
    if not (eq and colon and name.strip()) or lo is None:
        raise argparse.ArgumentTypeError(f"'{s}' is not FIELD=LO:HI, e.g. collagen_I=0:1.3")
    if not lo < hi:
        raise argparse.ArgumentTypeError(f"'{s}': LO must be below HI")
    return name.strip(), (lo, hi)


def parse_args(argv=None):
    p = _Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE.h5", nargs="?", help="a microheal output file")
    p.add_argument("--compare", nargs="+", metavar="FILE.h5", default=[],
                   help="runs of one model and dimension to draw side by side (with FILE.h5 if given, first): "
                        "time series and sections on one scale per field")
    p.add_argument("--labels", type=lambda s: [v.strip() for v in s.split(",")],
                   help="--compare: comma-separated labels of the runs, in order (default: the file stems)")
    p.add_argument("--range", type=_range, action="append", default=[], metavar="FIELD=LO:HI",
                   help="fixed colour scale and time-series axis of FIELD (a field or a time-series name), in "
                        "the unit drawn (collagen_gain: %%); repeatable")
    p.add_argument("--columns", type=lambda s: [v.strip() for v in s.split(",") if v.strip()],
                   help="--compare: comma-separated /monitors/table columns to overlay, one panel each, one curve "
                        "per run (instead of the time series and sections)")
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
    p.add_argument("--scale", choices=("row", "panel"), default=None,
                   help="sections: one colour scale per field (row, default) or per panel")
    p.add_argument("--fps", type=_positive_int, default=5, help="animation frames per second (default 5)")
    p.add_argument("--dpi", type=_positive_int, default=130,
                   help="resolution of the PNGs [dots per inch] (default 130; the GIF uses 3/4 of it)")
    a = p.parse_args(argv)
    a.files = ([a.file] if a.file else []) + a.compare
    if not a.files:
        p.error("give FILE.h5, or --compare A.h5 B.h5")
    if a.compare and len(a.files) < 2:
        p.error("--compare needs at least two runs")
    if a.labels is not None:
        if not a.compare:
            p.error("--labels applies to --compare only")
        if len(a.labels) != len(a.files) or not all(a.labels):
            p.error(f"--labels: {len(a.labels)} labels for {len(a.files)} runs")
    if a.compare:
        if "animation" in a.what and a.what != list(WHAT):
            p.error("--compare draws timeseries and sections, no animation")
        a.what = [w for w in a.what if w != "animation"]
        if a.scale == "panel":
            p.error("--scale panel does not apply to --compare (one colour scale per field)")
    if a.columns is not None and (not a.compare or not a.columns):
        p.error("--columns needs --compare and at least one column")
    a.ranges = dict(a.range)
    a.scale = a.scale or "row"
    return a


def _check_ranges(run, ranges):
    known = set(run.fields) | range_keys(run)
    bad = [n for n in ranges if n not in known]
    if bad:
        raise FigureError(f"--range {bad[0]}: not a field or time-series name of {run.stem}; fields: "
                          f"{', '.join(run.fields)}; time series: {', '.join(sorted(range_keys(run)))}")


def _check_args(run, a):
    """The section fields, times, y position and ranges asked for, checked against one run."""
    for n in a.fields or []:
        run.check_field(n)
    if a.times:
        run.time_indices(a.times)
    run.check_y(a.y)
    _check_ranges(run, a.ranges)


def _make(run, a):
    """Checks every argument against the run, then writes the figures."""
    if a.field:
        run.check_field(a.field)
    _check_args(run, a)
    outdir = _outdir(a)
    base = os.path.join(outdir, run.stem)
    for w in a.what:
        if w == "timeseries":
            print(timeseries(run, f"{base}_timeseries.png", dpi=a.dpi, ranges=a.ranges))
        elif w == "sections":
            print(sections(run, f"{base}_sections.png", a.fields, a.times, a.y, a.scale, dpi=a.dpi, ranges=a.ranges))
        else:
            field = a.field or run.default_field()
            print(animation(run, f"{base}_{field}.gif", field, a.fps, a.y, dpi=max(1, a.dpi * 3 // 4),
                            ranges=a.ranges))


def _make_compare(runs, a):
    """Checks that the runs are comparable and every argument against each, then writes the figures."""
    first = runs[0]
    for r in runs[1:]:
        if (r.model, r.dim) != (first.model, first.dim):
            raise FigureError(f"--compare: {r.path} is a {r.dim}-D {r.model} run but {first.path} a {first.dim}-D "
                              f"{first.model} run; compare runs of one model and dimension")
    if a.field:
        raise FigureError("--field (the animation's) does not apply to --compare")
    labels = a.labels or [r.stem for r in runs]
    if a.columns:  # only the overlay: the sections' fields and times do not apply
        check_columns(runs, a.columns)
        bad = [n for n in a.ranges if n not in a.columns]
        if bad:
            raise FigureError(f"--range {bad[0]}: with --columns, give a range for one of the columns ({', '.join(a.columns)})")
        print(compare_columns(runs, labels, a.columns, os.path.join(_outdir(a), "_vs_".join(r.stem for r in runs)) + "_columns.png",
                              a.ranges, dpi=a.dpi))
        return
    for run in runs:
        _check_args(run, a)
    if "sections" in a.what and not a.times:  # the first run's default times, in every run: checked before writing
        times = [float(first.time[k]) for k in first.default_time_indices()]
        for run in runs[1:]:
            if min(times) < run.time[0] or max(times) > run.time[-1] + 1e-9 * max(abs(run.time[-1]), 1.0):
                raise FigureError(f"--compare: the sections' times ({', '.join(f'{t:g}' for t in times)} "
                                  f"{first.tunit}, from {first.stem}) are not all within {run.stem}'s outputs "
                                  f"[{run.time[0]:g}, {run.time[-1]:g}] {run.tunit}; give --times")
    base = os.path.join(_outdir(a), "_vs_".join(r.stem for r in runs))
    for w in a.what:
        if w == "timeseries":
            print(compare_timeseries(runs, labels, f"{base}_timeseries.png", a.ranges, dpi=a.dpi))
        else:
            print(compare_sections(runs, labels, f"{base}_sections.png", a.fields, a.times, a.y, dpi=a.dpi,
                                   ranges=a.ranges))


def _outdir(a):
    outdir = a.out or os.path.dirname(os.path.abspath(a.files[0]))
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise FigureError(f"--out {outdir} is not a folder")
    try:
        os.makedirs(outdir, exist_ok=True)
    except OSError as e:
        raise FigureError(f"cannot create {outdir}: {e.strerror}") from None
    return outdir


def main(argv=None):
    a = parse_args(argv)
    try:
        with contextlib.ExitStack() as stack:
            runs = [stack.enter_context(Run(f)) for f in a.files]
            if a.compare:
                _make_compare(runs, a)
            else:
                _make(runs[0], a)
    except OutputError as e:
        sys.stderr.write(f"figures.py: error: {e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
