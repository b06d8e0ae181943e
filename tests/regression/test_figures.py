"""scripts/figures.py on a small 2-D microneedling run (two sessions) and a small 1-D Fisher-KPP
run: each gives its three files and one line per file; the PNGs are not blank and show data in
colour (x-z sections: mostly colour map); the GIF has one frame per output time and changes over
the run; bad input (missing file, the .xmf sidecar, unknown field, time outside the run, --y on a
2-D run, unknown figure) exits nonzero with one line naming the problem, no traceback and no file
written. -verbose prints the measured numbers."""
import contextlib
import io
import os
import subprocess
import sys

import numpy as np
from PIL import Image, ImageSequence

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

SCRIPT = os.path.join(mhtest.SOURCE, "scripts", "figures.py")
sys.path.insert(0, os.path.dirname(SCRIPT))
import figures  # noqa: E402

verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()


def image_stats(path):
    """(grey-level standard deviation, fraction of clearly coloured pixels) of an image."""
    a = np.asarray(Image.open(path).convert("RGB")).astype(float)
    return a.mean(axis=2).std(), float(np.mean(a.max(axis=2) - a.min(axis=2) > 60))


def check_png(path, min_colour):
    mhtest.check(os.path.isfile(path), f"{path} was not written")
    std, colour = image_stats(path)
    if verbose:
        print(f"{os.path.basename(path)}: grey std {std:.1f}, coloured {100 * colour:.2f} %")
    mhtest.check(std > 10, f"{path} is blank: grey-level std {std:.2f}, expected > 10")
    mhtest.check(colour > min_colour,
                 f"{path} shows no data: {100 * colour:.2f} % coloured pixels, expected > {100 * min_colour:g} %")


def check_gif(path, nt):
    mhtest.check(os.path.isfile(path), f"{path} was not written")
    frames = [np.asarray(f.convert("RGB")).astype(int) for f in ImageSequence.Iterator(Image.open(path))]
    changed = float(np.mean(np.any(frames[0] != frames[-1], axis=2)))
    if verbose:
        print(f"{os.path.basename(path)}: {len(frames)} frames, "
              f"the last differs from the first in {100 * changed:.1f} % of pixels")
    mhtest.check(len(frames) == nt, f"{path}: {len(frames)} frames, expected one per output time: {nt}")
    mhtest.check(changed > 0.005, f"{path}: the last frame equals the first ({100 * changed:.2f} % of pixels differ)")


def run_cli(args):
    p = subprocess.run([SCRIPT] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    return p.returncode, p.stdout, p.stderr


def figures_of(h5, stem, gif_field, sections_what, min_sections_colour):
    out = f"{d}/fig_{stem}"
    rc, so, se = run_cli([h5, "--out", out])
    mhtest.check(rc == 0 and not se, f"figures.py {h5} exited {rc}:\n{se}")
    names = [f"{stem}_timeseries.png", f"{stem}_sections.png", f"{stem}_{gif_field}.gif"]
    lines = so.splitlines()
    mhtest.check(len(lines) == 3 and all(ln.startswith(f"{out}/{n}: ") for ln, n in zip(lines, names)),
                 f"figures.py {h5}: expected one line per file, '{out}/<file>: <what it shows>' for {names}, got:\n{so}")
    mhtest.check(sections_what in lines[1], f"sections line: expected '{sections_what}' in\n{lines[1]}")
    check_png(f"{out}/{names[0]}", 0.003)
    check_png(f"{out}/{names[1]}", min_sections_colour)
    nt = len(mhtest.read(h5)["time"])
    check_gif(f"{out}/{names[2]}", nt)
    return nt


mn = f"{d}/mn.h5"
mhtest.run(["-options_file", "configs/demo.yaml", "-nx", 8, "-nz", 24, "-microneedling_sessions", 2,
            "-microneedling_interval_days", 5, "-microneedling_follow_up_days", 5, "-output_count", 6,
            "-output", mn, "-quiet"])
fk = f"{d}/fk.h5"
mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-nx", 100, "-output_count", 8, "-output", fk, "-quiet"])

# default section times: just after session 1 (day 0), the first outputs >= 1 and >= 7 days after
# it, the end; two sessions at days 0 and 5, outputs every 10/6 day
nt = figures_of(mn, "mn", "collagen_I",
                "x–z sections of damage, neutrophils, tgfb, collagen_I at day 0, 1.667, 8.333, 10", 0.2)
mhtest.check(nt == 7, f"microneedling run: {nt} output times, expected 7 (output_count 6, sessions on output times)")
figures_of(fk, "fk", "u", "profiles along x of u at day 0", 0.003)

# topical delivery: a serum after one session (an application at 2 h is an event, not a session):
# the delivery panels, the solute in the sections, one session marked
dl = f"{d}/dl.h5"
mhtest.run(["-model", "microneedling", "-nx", 8, "-nz", 24, "-microneedling_needle_length_mm", 0.5,
            "-microneedling_solutes", "caffeine", "-microneedling_application_h", 2, "-t_end", 0.5,
            "-output_count", 4, "-output", dl, "-quiet"])
rc, so, se = run_cli([dl, "--out", f"{d}/fig_dl", "--what", "timeseries,sections"])
mhtest.check(rc == 0 and not se, f"figures.py {dl} exited {rc}:\n{se}")
mhtest.check("delivered amount per solute, treated and intact" in so and "flux into the viable skin" in so,
             f"the delivery panels are missing:\n{so}")
mhtest.check("sections of damage, neutrophils, tgfb, collagen_I, caffeine" in so, f"the solute is not in the sections:\n{so}")
from mhfigures import Run  # noqa: E402
with Run(dl) as r:
    mhtest.check(list(r.events) == [0.0], f"figures mark the sessions {list(r.events)}, expected [0] (the application is no session)")
check_png(f"{d}/fig_dl/dl_timeseries.png", 0.003)

# bad input: one line naming the problem, nonzero exit, no traceback, nothing written
bad_out = f"{d}/bad"
cases = [([f"{d}/missing.h5"], "missing.h5: no such file"),
         ([f"{d}/mn.xmf"], "mn.xmf: not a readable HDF5 file"),
         ([mn, "--field", "nosuch"], "unknown field 'nosuch'"),
         ([mn, "--what", "sections", "--fields", "damage,nosuch"], "unknown field 'nosuch'"),
         ([mn, "--times", "0,1000"], "time 1000 day is outside the run"),
         ([mn, "--y", "0.3"], "--y applies to 3-D runs only"),
         ([mn, "--what", "sections,movie"], "unknown figure 'movie'")]
for k, (args, expect) in enumerate(cases):
    if k == 0:  # through the executable script once; the rest in-process (same code, faster)
        rc, so, se = run_cli(args + ["--out", bad_out])
    else:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                rc = figures.main(args + ["--out", bad_out])
            except SystemExit as e:
                rc = e.code
            except Exception as e:  # a traceback in the command line
                mhtest.fail(f"figures.py {' '.join(args)}: raised {type(e).__name__}: {e}")
        se = err.getvalue()
    lines = se.splitlines()
    if verbose:
        print(f"figures.py {' '.join(args)}: exit {rc}: {se.strip()}")
    mhtest.check(rc not in (0, None), f"figures.py {' '.join(args)}: exited 0, expected an error")
    mhtest.check(len(lines) == 1 and expect in lines[0] and "Traceback" not in se,
                 f"figures.py {' '.join(args)}: expected one line with '{expect}', got:\n{se}")
    if os.path.exists(bad_out) and os.listdir(bad_out):
        mhtest.fail(f"figures.py {' '.join(args)} failed but wrote {os.listdir(bad_out)} into {bad_out}")

# --compare: a 0.5 mm and a 1.5 mm run side by side; both runs' panels of a field on one colour
# scale (read back from the figure: the meshes' gid '<run>|<field>|<output>' and get_clim()), and
# the time-series rows on one y range; --range fixes them; no label says '[1]'
import importlib  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402 (after figures: Agg)
from mhfigures import Run  # noqa: E402

sections_mod = importlib.import_module("mhfigures.sections")  # the modules (the package exports their functions)
timeseries_mod = importlib.import_module("mhfigures.timeseries")

short = ["-options_file", "configs/demo.yaml", "-nx", 8, "-nz", 24, "-microneedling_sessions", 1,
         "-microneedling_follow_up_days", 8, "-output_count", 4, "-quiet"]
shallow, deep = f"{d}/shallow.h5", f"{d}/deep.h5"
mhtest.run(short + ["-microneedling_needle_length_mm", 0.5, "-output", shallow])
mhtest.run(short + ["-microneedling_needle_length_mm", 1.5, "-output", deep])
out = f"{d}/cmp"
rc, so, se = run_cli(["--compare", shallow, deep, "--labels", "0.5 mm,1.5 mm", "--out", out])
names = [f"{out}/shallow_vs_deep_timeseries.png", f"{out}/shallow_vs_deep_sections.png"]
mhtest.check(rc == 0 and not se and [ln.split(": ")[0] for ln in so.splitlines()] == names,
             f"figures.py --compare exited {rc}, expected one line per file {names}:\n{so}{se}")
check_png(names[0], 0.003)
check_png(names[1], 0.2)
# --columns: chosen table columns of both runs overlaid, one panel per column, only that figure
rc, so, se = run_cli(["--compare", shallow, deep, "--labels", "0.5 mm,1.5 mm", "--columns", "collagen_gain_papillary,barrier_deficit", "--out", out])
cols = f"{out}/shallow_vs_deep_columns.png"
mhtest.check(rc == 0 and not se and [ln.split(": ")[0] for ln in so.splitlines()] == [cols],
             f"figures.py --compare --columns exited {rc}, expected one line for {cols}:\n{so}{se}")
check_png(cols, 0.003)
with Run(shallow) as a, Run(deep) as b:
    fig = timeseries_mod.draw_columns([a, b], ["0.5 mm", "1.5 mm"], ["collagen_gain_papillary", "barrier_deficit"])
    axes = {ax.get_gid(): ax for ax in fig.axes}
    mhtest.check(sorted(axes) == ["columns:barrier_deficit", "columns:collagen_gain_papillary"], f"--columns: panels {sorted(axes)}")
    for gid, ax in axes.items():
        mhtest.check([ln.get_label() for ln in ax.get_lines() if not ln.get_label().startswith("_")] == ["0.5 mm", "1.5 mm"],
                     f"--columns {gid}: curves {[ln.get_label() for ln in ax.get_lines()]}, expected one per run")
    plt.close(fig)


def labels_of(fig):
    """Every axis label, colour bar label and title of a figure."""
    return [t for ax in fig.axes for t in (ax.get_xlabel(), ax.get_ylabel(), ax.get_title())] + \
        [t.get_text() for t in fig.findobj(plt.Text)]


def clims(fig):
    """{(run, field): set of colour limits of its panels}."""
    out = {}
    for ax in fig.axes:
        for m in ax.collections:
            if m.get_gid() and m.get_gid().count("|") == 2:
                run, field, _ = m.get_gid().split("|")
                out.setdefault((run, field), set()).add(tuple(float(v) for v in m.get_clim()))
    return out


with Run(shallow) as a, Run(deep) as b:
    fig, _ = sections_mod.draw_compare([a, b], ["0.5 mm", "1.5 mm"], "x.png")
    lim = clims(fig)
    for field in a.default_fields():
        sa, sb = lim.get(("0.5 mm", field)), lim.get(("1.5 mm", field))
        mhtest.check(sa and sb and len(sa) == 1 and sa == sb,
                     f"--compare sections: {field} drawn on {sa} (0.5 mm) and {sb} (1.5 mm), expected one scale")
        both = np.concatenate([np.ravel(r.field(field)[r.time_indices(r.time[r.default_time_indices()])])
                               for r in (a, b)])
        mhtest.check(abs(max(sa)[1] - both.max()) <= 1e-12 * max(abs(both.max()), 1.0),
                     f"--compare sections: {field} scale tops at {max(sa)[1]}, both runs' maximum is {both.max()}")
    # the deep run reaches further: its own scale would differ from the shallow run's
    with Run(shallow) as c:
        own = clims(sections_mod.draw(c, "x.png")[0])
    mhtest.check(own[("shallow", "damage")] != lim[("0.5 mm", "damage")],
                 f"the shallow run on its own has the same damage scale {own[('shallow', 'damage')]}: test runs too alike")
    bad = [t for t in labels_of(fig) if "[1]" in t]
    mhtest.check(not bad, f"--compare sections: labels with '[1]': {bad}")
    plt.close(fig)

    fig, rows = timeseries_mod.draw_compare([a, b], ["0.5 mm", "1.5 mm"])
    by = {}
    for ax in fig.axes:
        if (ax.get_gid() or "").startswith("timeseries:"):
            by.setdefault(ax.get_gid().split(":", 2)[2], []).append(ax.get_ylim())
    mhtest.check(set(by) == set(rows) and all(len(v) == 2 and v[0] == v[1] for v in by.values()),
                 f"--compare time series: each row on one y range, got {by}")
    bad = [t for t in labels_of(fig) if "[1]" in t]
    mhtest.check(not bad, f"--compare time series: labels with '[1]': {bad}")
    mhtest.check(any("[%]" in ax.get_ylabel() for ax in fig.axes if "collagen gain" in (ax.get_gid() or "")),
                 "collagen gain: expected its axis in [%]")
    plt.close(fig)

    # --range: the colour scale of the sections (single run and compare) and a time-series axis
    ranges = {"collagen_I": (0.0, 1.5), "collagen_gain": (-5.0, 40.0), "damage": (0.0, 0.5)}
    for fig in (sections_mod.draw(a, "x.png", ranges=ranges)[0],
                sections_mod.draw_compare([a, b], ["A", "B"], "x.png", ranges=ranges)[0]):
        for (run, field), s in clims(fig).items():
            if field in ranges:
                mhtest.check(s == {ranges[field]}, f"--range {field}: {run} drawn on {s}, expected {ranges[field]}")
        plt.close(fig)
    for fig in (timeseries_mod.draw(a, ranges)[0], timeseries_mod.draw_compare([a, b], ["A", "B"], ranges)[0]):
        gain = [ax.get_ylim() for ax in fig.axes if "collagen gain" in (ax.get_gid() or "")]
        mhtest.check(gain and all(g == ranges["collagen_gain"] for g in gain),
                     f"--range collagen_gain: time-series axes {gain}, expected {ranges['collagen_gain']}")
        bad = [t for t in labels_of(fig) if "[1]" in t]
        mhtest.check(not bad, f"time series: labels with '[1]': {bad}")
        plt.close(fig)
    # every field of a single-run figure: no '[1]'
    fig = sections_mod.draw(a, "x.png", fields=a.fields, times=[0])[0]
    bad = [t for t in labels_of(fig) if "[1]" in t]
    mhtest.check(not bad, f"sections of every field: labels with '[1]': {bad}")
    plt.close(fig)
with Run(fk) as r:
    fig = timeseries_mod.draw(r)[0]
    bad = [t for t in labels_of(fig) if "[1]" in t]
    mhtest.check(not bad, f"fisher_kpp time series: labels with '[1]': {bad}")
    plt.close(fig)

# bad --compare and --range input: one line, exit 1 (a user mistake), nothing written
cases = [(["--compare", shallow, f"{d}/missing.h5"], "missing.h5: no such file"),
         (["--compare", shallow, fk], "compare runs of one model and dimension"),
         (["--compare", shallow, deep, "--range", "nosuch=0:1"], "--range nosuch: not a field"),
         ([shallow, "--range", "nosuch=0:1"], "--range nosuch: not a field"),
         (["--compare", shallow, deep, "--columns", "nosuch"], "--columns nosuch: not a /monitors/table column"),
         (["--compare", shallow, deep, "--columns", "barrier_deficit", "--range", "inflammation=0:1"], "--range inflammation: with --columns")]
for args, expect in cases:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = figures.main(args + ["--out", bad_out])
    se = err.getvalue()
    mhtest.check(rc == 1 and len(se.splitlines()) == 1 and se.startswith("figures.py: error: ") and expect in se,
                 f"figures.py {' '.join(args)}: expected exit 1 and one line 'figures.py: error: ...{expect}...', "
                 f"got exit {rc}:\n{se}")
    if os.path.exists(bad_out) and os.listdir(bad_out):
        mhtest.fail(f"figures.py {' '.join(args)} failed but wrote {os.listdir(bad_out)} into {bad_out}")
for args, expect in ((["--compare", shallow], "--compare needs at least two runs"),
                     (["--compare", shallow, deep, "--labels", "a"], "--labels: 1 labels for 2 runs"),
                     ([shallow, "--range", "damage=1:0"], "LO must be below HI"),
                     ([shallow, "--columns", "barrier_deficit"], "--columns needs --compare")):
    rc, so, se = run_cli(args + ["--out", bad_out])
    mhtest.check(rc != 0 and len(se.splitlines()) == 1 and se.startswith("figures.py: error: ") and expect in se,
                 f"figures.py {' '.join(args)}: expected an error line with '{expect}', got exit {rc}:\n{se}")
