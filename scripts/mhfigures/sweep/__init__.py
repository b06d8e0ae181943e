"""Figures of a sweep's summary table (the summary.h5 of `microheal -sweep`; scripts/sweep_plot.py
is the command line):

    summary.py   Summary (the table read whole), PlotError, how parameter values are written
    plan.py      Plan (what to draw: heatmap or curves, axes, --fix), Cell and cells (the points
                 grouped, mean/min/max over replicates)
    scales.py    what the panels share: colour map, missing style, log axes, positions, edges
    heatmap.py   heatmap panels: grid cells to scale, or scattered samples (optional contour)
    curves.py    the curves panel: the outcome against x, one curve per --by value
    figure.py    plot (one panel per outcome, the title) and write_table (--data-out)

    s = Summary("summary.h5"); fig, table = plot(s, ["f"], Plan(s, "a", "b"))
"""
from .figure import plot, write_table
from .plan import Cell, Plan, cells, parse_fix
from .summary import PlotError, Summary

__all__ = ["Summary", "PlotError", "Plan", "parse_fix", "Cell", "cells", "plot", "write_table"]
