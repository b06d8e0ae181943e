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

from mhfigures import FigureError, Run, animation, sections, timeseries  # noqa: F401 (scripts/mhfigures/)
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
            field = a.field or run.default_field()
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
