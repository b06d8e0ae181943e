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
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# scripts/mhfigures/sweep/
from mhfigures.sweep import PlotError, Plan, Summary, parse_fix, plot, write_table  # noqa: E402
from mhfigures.sweep.scales import LOG_SPAN  # noqa: E402
from mhfiles import replacing  # noqa: E402

PROG = "sweep_plot.py"


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
