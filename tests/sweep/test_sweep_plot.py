"""scripts/sweep_plot.py on synthetic sweep summaries written with h5py to the summary.h5 layout of
`microheal -sweep`: a 3 x 4 grid of a known function with one failed point (and a 2 x 3 x 4 grid
that needs --fix), an LHS scatter, a 1-parameter sweep with 3 replicates (one failed), and a
word-valued parameter. Checks the files written and the lines printed, that the PNGs are not blank
and have plausible sizes, that the numbers drawn (--data-out) equal the function exactly (NaN at
the failed point, replicate mean/min/max), that the heatmap's rendered cell colours map back to the
function through the colour scale and the failed cell is grey, log and categorical axes, and that
bad input exits nonzero with one line naming the problem and writes nothing. -verbose prints the
measured numbers."""
import csv
import glob
import os
import subprocess
import sys

import h5py
import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

SCRIPT = os.path.join(mhtest.SOURCE, "scripts", "sweep_plot.py")
sys.path.insert(0, os.path.dirname(SCRIPT))
import sweep_plot  # noqa: E402

verbose = "-verbose" in sys.argv
d = mhtest.tmpdir()
check = mhtest.check


def write_summary(path, params, outcomes, status, replicate=None, combine="grid", name="synthetic"):
    """A summary.h5 as microheal -sweep writes it. params: {name: list of numbers or words},
    outcomes: {name: (values, units)}; one entry per point."""
    n = len(status)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as f:
        for k, v in (("sweep_name", name), ("sweep_file", f"{name}.yaml"), ("sweep_text", "sweep: {}\n"),
                     ("combine", combine), ("model", "synthetic"), ("version", "test"),
                     ("parameter_names", ",".join(params)), ("outcome_names", ",".join(outcomes))):
            f.attrs[k] = v
        f["point"] = np.arange(n, dtype=np.int64)
        f["replicate"] = np.asarray(replicate if replicate is not None else np.zeros(n), dtype=np.int64)
        f.create_dataset("status", data=np.array(status, dtype=object), dtype=h5py.string_dtype())
        for k, v in params.items():
            if isinstance(v[0], str):
                f.create_dataset(f"parameters/{k}", data=np.array(v, dtype=object), dtype=h5py.string_dtype())
            else:
                f[f"parameters/{k}"] = np.asarray(v, dtype=np.float64)
        for k, (v, unit) in outcomes.items():
            v = np.where(np.array(status) == "done", np.asarray(v, float), np.nan)
            f[f"outcomes/{k}"] = v
            f[f"outcomes/{k}"].attrs["units"] = unit
    return path


def cli(args):
    p = subprocess.run([SCRIPT] + [str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    return p.returncode, p.stdout, p.stderr


def ok(args):
    rc, so, se = cli(args)
    check(rc == 0 and not se, f"sweep_plot.py {' '.join(map(str, args))} exited {rc}:\n{se}")
    return so.splitlines()


def read_table(path):
    """--data-out as a list of dicts, numbers as floats."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    check(rows, f"{path} is empty")
    for r in rows:
        for k, v in r.items():
            try:
                r[k] = float(v)
            except ValueError:
                pass
    return rows


def same(measured, expected):
    """Exact equality, NaN equal to NaN."""
    return (np.isnan(measured) and np.isnan(expected)) or measured == expected


def check_png(path, min_colour=0.01, min_w=500, min_h=350):
    check(os.path.isfile(path), f"{path} was not written")
    im = Image.open(path)
    w, h = im.size
    a = np.asarray(im.convert("RGB")).astype(float)
    std, colour = a.mean(axis=2).std(), float(np.mean(a.max(axis=2) - a.min(axis=2) > 60))
    if verbose:
        print(f"{os.path.basename(path)}: {w} x {h} px, grey std {std:.1f}, coloured {100 * colour:.1f} %")
    check(min_w <= w <= 5000 and min_h <= h <= 4000,
          f"{path}: {w} x {h} pixels, expected [{min_w}, 5000] x [{min_h}, 4000]")
    check(std > 10, f"{path} is blank: grey-level std {std:.2f}, expected > 10")
    check(colour > min_colour,
          f"{path} shows no data: {100 * colour:.2f} % coloured pixels, expected > {100 * min_colour:g} %")
    return w, h


def check_fails(args, *needles):
    """A bad invocation: nonzero status, one line 'sweep_plot.py: error: ...' containing needles,
    nothing on stdout, no new file."""
    before = set(glob.glob(f"{d}/**", recursive=True))
    rc, so, se = cli(args)
    lines = se.strip().splitlines()
    msg = f"sweep_plot.py {' '.join(map(str, args))}: exited {rc}, stdout {so!r}, stderr:\n{se}"
    check(rc != 0, msg + "\nexpected a nonzero status")
    check(len(lines) == 1 and lines[0].startswith("sweep_plot.py: error: ") and not so,
          msg + "\nexpected one line 'sweep_plot.py: error: ...' on stderr and nothing on stdout")
    for n in needles:
        check(n in lines[0], msg + f"\nexpected '{n}' in the message")
    new = set(glob.glob(f"{d}/**", recursive=True)) - before
    check(not new, msg + f"\nwrote {sorted(new)}")
    if verbose:
        print(lines[0])


# --- a 3 x 4 grid, a in {0.1, 1, 10} (spans 100x: log), b in {1, 2, 3, 4}; a = 1, b = 3 failed ------
A, B = [0.1, 1.0, 10.0], [1.0, 2.0, 3.0, 4.0]


def f(a, b):
    return 3 * np.log10(a) + b


pa, pb = [a for a in A for _ in B], [b for _ in A for b in B]  # first parameter slowest
status = ["failed" if (a, b) == (1.0, 3.0) else "done" for a, b in zip(pa, pb)]
grid = write_summary(f"{d}/grid/summary.h5", {"a": pa, "b": pb},
                     {"f": ([f(a, b) for a, b in zip(pa, pb)], "mm"), "g": ([a / b for a, b in zip(pa, pb)], "1")},
                     status)

lines = ok([grid, "--list"])
text = "\n".join(lines)
for want in ("12 points, 11 done, 1 failed", "a (numbers, 3 values): 0.1, 1, 10", "b (numbers, 4 values): 1, 2, 3, 4",
             "f [mm]: 11 of 12", "g [1]: 11 of 12"):
    check(want in text, f"--list: expected '{want}' in\n{text}")

png = f"{d}/grid/summary_f_a_b.png"
lines = ok([grid, "--outcome", "f", "--data-out", f"{d}/grid/f.csv"])
check(len(lines) == 3 and "heatmap over a (x) and b (y)" in lines[0] and lines[1].startswith(f"{png}: heatmap")
      and "3 x 4 cells; 1 drawn as missing" in lines[1] and lines[2].startswith(f"{d}/grid/f.csv: "),
      f"expected the choice, the PNG {png} (3 x 4 cells, 1 missing) and the CSV, one line each; got:\n"
      + "\n".join(lines))
w1, _ = check_png(png)
rows = read_table(f"{d}/grid/f.csv")
check(len(rows) == 12, f"--data-out: {len(rows)} rows, expected 12 cells")
for r in rows:
    want = np.nan if (r["a"], r["b"]) == (1.0, 3.0) else f(r["a"], r["b"])
    check(r["outcome"] == "f" and same(r["mean"], want) and same(r["min"], want) and same(r["max"], want)
          and r["points"] == 1 and r["done"] == (0 if np.isnan(want) else 1),
          f"--data-out cell a={r['a']} b={r['b']}: {r}, expected mean=min=max={want}, 1 point, "
          f"{0 if np.isnan(want) else 1} done")

# the figure itself: numbers handed to the mesh, log x, rendered cell colours back through viridis
s = sweep_plot.Summary(grid)
plan = sweep_plot.Plan(s)
fig, _ = sweep_plot.plot(s, ["f"], plan)
ax = fig.axes[0]
mesh = ax.collections[0]
arr = mesh.get_array().reshape(len(B), len(A))
expect = np.array([[f(a, b) for a in A] for b in B])
missing = (np.array(B)[:, None] == 3.0) & (np.array(A)[None, :] == 1.0)
check(np.array_equal(np.ma.getmaskarray(arr), missing) and np.array_equal(arr.data[~missing], expect[~missing]),
      f"heatmap mesh: drawn {arr}, expected {np.where(missing, np.nan, expect)} with the failed cell masked")
check(ax.get_xscale() == "log" and ax.get_yscale() == "linear",
      f"axes: x {ax.get_xscale()}, y {ax.get_yscale()}; expected x log (0.1..10 spans 100x), y linear (1..4)")
title = fig._suptitle.get_text()
check("sweep synthetic" in title and "1 of 12 points not done (1 failed)" in title,
      f"title: expected the sweep name and '1 of 12 points not done (1 failed)' in\n{title}")
fig.canvas.draw()
img = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(float)
lut = sweep_plot.matplotlib.colormaps["viridis"](np.linspace(0, 1, 256))[:, :3] * 255
H = img.shape[0]
for j, b in enumerate(B):
    for i, a in enumerate(A):
        # a 5 x 5 pixel patch near the lower-left corner of the cell (the centre holds the label)
        x0, y0 = ax.transData.transform((a * 10 ** -0.35, b - 0.35))
        patch = img[int(H - y0) - 2:int(H - y0) + 3, int(x0) - 2:int(x0) + 3].reshape(-1, 3)
        rgb = np.median(patch, axis=0)
        if missing[j, i]:
            check(np.ptp(rgb) < 30 and 150 < rgb.mean() < 240,
                  f"failed cell a={a} b={b}: rendered {rgb}, expected light grey (not white: not drawn)")
            continue
        v = np.argmin(np.sum((lut - rgb) ** 2, axis=1)) / 255
        want = mesh.norm(f(a, b))
        if verbose:
            print(f"cell a={a:g} b={b:g}: colour {rgb} -> {v:.3f} on the scale, expected {want:.3f}")
        check(abs(v - want) < 0.02 and np.min(np.sum((lut - rgb) ** 2, axis=1)) < 30,
              f"cell a={a} b={b}: rendered {rgb} reads {v:.3f} on the colour scale, expected {want:.3f}")
sweep_plot.plt.close(fig)

# two outcomes: one file, two panels, at --out
lines = ok([grid, "--outcome", "f", "--outcome", "g", "--x", "a", "--y", "b", "--out", f"{d}/two/fg.png"])
check(lines == [f"{d}/two/fg.png: heatmap of f, g over a (x) and b (y), 3 x 4 cells; 2 drawn as missing"],
      f"two outcomes: got\n{lines}")
w2, _ = check_png(f"{d}/two/fg.png")
check(w2 > 1.7 * w1, f"two panels: {w2} pixels wide, expected > 1.7 x one panel's {w1}")
# curves over one of the two
lines = ok([grid, "--outcome", "g", "--x", "b", "--data-out", f"{d}/grid/g.csv"])
check(lines[0].startswith(f"{d}/grid/summary_g_b.png: g against b, one curve per a"), f"curves: got\n{lines}")
check_png(f"{d}/grid/summary_g_b.png", 0.003)
rows = read_table(f"{d}/grid/g.csv")
check(len(rows) == 12 and all(same(r["mean"], np.nan if (r["a"], r["b"]) == (1, 3) else r["a"] / r["b"]) for r in rows),
      f"curves --data-out: expected g = a/b in 12 rows, NaN at a=1 b=3, got {rows}")

# --- a 2 x 3 x 4 grid: c must be fixed ---------------------------------------------------------
C = [2.0, 5.0]
pc3, pa3, pb3 = ([c for c in C for a in A for b in B], [a for c in C for a in A for b in B],
                 [b for c in C for a in A for b in B])
grid3 = write_summary(f"{d}/grid3.h5", {"c": pc3, "a": pa3, "b": pb3},
                      {"f": ([c * f(a, b) for c, a, b in zip(pc3, pa3, pb3)], "mm")}, ["done"] * len(pc3))
check_fails([grid3, "--outcome", "f"], "3 parameters vary (c, a, b)", "--fix")
check_fails([grid3, "--outcome", "f", "--x", "a", "--y", "b"], "also varying: c (2, 5)", "--fix c=VALUE")
check_fails([grid3, "--outcome", "f", "--x", "a", "--y", "b", "--fix", "c=3"], "matches none", "2, 5")
lines = ok([grid3, "--outcome", "f", "--x", "a", "--y", "b", "--fix", "c=5", "--data-out", f"{d}/c5.csv"])
check_png(f"{d}/grid3_f_a_b.png")
rows = read_table(f"{d}/c5.csv")
check(len(rows) == 12 and all(r["mean"] == 5 * f(r["a"], r["b"]) for r in rows),
      f"--fix c=5: expected 12 cells of 5 f(a, b), got {rows}")

# --- an LHS scatter over p (0.01..1: log) and q, one sample failed; then with a third parameter -----
rng = np.random.default_rng(3)
N = 10
pp = 10 ** (-2 + 2 * (rng.permutation(N) + rng.random(N)) / N)
pq = (rng.permutation(N) + rng.random(N)) / N
st = ["done"] * N
st[4] = "stopped"
lhs = write_summary(f"{d}/lhs.h5", {"p": pp, "q": pq}, {"h": (pp + pq, "day")}, st, combine="lhs", name="scatter")
lines = ok([lhs, "--outcome", "h", "--contour", "--data-out", f"{d}/lhs.csv"])
check(any(ln.startswith(f"{d}/lhs_h_p_q.png: heatmap of h over p (x) and q (y), 10 samples; 1 drawn as missing")
          for ln in lines), f"LHS: got\n{lines}")
check_png(f"{d}/lhs_h_p_q.png")
rows = read_table(f"{d}/lhs.csv")
got = sorted((r["p"], r["q"], r["mean"]) for r in rows)
want = sorted((p, q, np.nan if k == 4 else p + q) for k, (p, q) in enumerate(zip(pp, pq)))
check(len(got) == N and all(g[:2] == w[:2] and same(g[2], w[2]) for g, w in zip(got, want)),
      f"LHS --data-out: expected {want}, got {got}")
pr = rng.random(N)
lhs3 = write_summary(f"{d}/lhs3.h5", {"p": pp, "q": pq, "r": pr}, {"h": (pp + pq + pr, "day")}, ["done"] * N,
                     combine="lhs")
s = sweep_plot.Summary(lhs3)
fig, _ = sweep_plot.plot(s, ["h"], sweep_plot.Plan(s, "p", "q"))
title = fig._suptitle.get_text()
check("projection over r" in title and fig.axes[0].get_xscale() == "log",
      f"LHS with 3 parameters: expected 'projection over r' in the title and log x, got {title!r}, "
      f"x {fig.axes[0].get_xscale()}")
sweep_plot.plt.close(fig)

# --- one parameter, 3 replicates each; replicate 2 at x = 1 failed -----------------------------------
X = [0.5, 1.0, 1.5, 2.0]
px, pr3 = [x for x in X for _ in range(3)], [r for _ in X for r in range(3)]
st = ["failed" if (x, r) == (1.0, 2) else "done" for x, r in zip(px, pr3)]
rep = write_summary(f"{d}/rep.h5", {"x": px}, {"v": ([2 * x + 0.25 * r for x, r in zip(px, pr3)], "cells/mm^3")}, st,
                    replicate=pr3, name="replicated")
lines = ok([rep, "--outcome", "v", "--data-out", f"{d}/rep.csv"])
check(lines[0] == "sweep_plot.py: 1 parameter varies: curves against x" and lines[1].startswith(
    f"{d}/rep_v_x.png: v against x"), f"1-parameter sweep: expected the choice and the file, got\n{lines}")
check_png(f"{d}/rep_v_x.png", 0.003)
rows = read_table(f"{d}/rep.csv")
check(len(rows) == 4, f"replicates: {len(rows)} rows, expected 4 (one per x)")
for r in rows:
    reps = [2 * r["x"] + 0.25 * k for k in range(3) if (r["x"], k) != (1.0, 2)]
    check(r["points"] == 3 and r["done"] == len(reps) and r["mean"] == np.mean(reps) and r["min"] == min(reps)
          and r["max"] == max(reps),
          f"replicates at x={r['x']}: {r}, expected 3 points, {len(reps)} done, mean {np.mean(reps)}, "
          f"min {min(reps)}, max {max(reps)}")
s = sweep_plot.Summary(rep)
fig, _ = sweep_plot.plot(s, ["v"], sweep_plot.Plan(s))
ax = fig.axes[0]
title = fig._suptitle.get_text()
check("mean of 3 replicates, bars: min–max" in title and "1 of 12 points not done (1 failed)" in title
      and "cells/mm$^{3}$" in ax.get_ylabel(),
      f"replicates: expected 'mean of 3 replicates, bars: min–max', '1 of 12 points not done (1 failed)' in the "
      f"title and the unit on y; got {title!r}, y label {ax.get_ylabel()!r}")
bars = [c for c in ax.collections if isinstance(c, sweep_plot.matplotlib.collections.LineCollection)]
segs = sorted((float(sg[0][0]), float(sg[0][1]), float(sg[1][1])) for c in bars for sg in c.get_segments())
check(segs == [(x, 2 * x, 2 * x + (0.25 if x == 1 else 0.5)) for x in X],
      f"error bars: expected min-max of the done replicates at each x, got {segs}")
sweep_plot.plt.close(fig)

# --- a word-valued parameter: pattern x depth --------------------------------------------------------
PAT, DEP = ["square", "hex", "random"], [0.5, 1.0, 1.5, 2.0]
WEIGHT = {"square": 1.0, "hex": 2.0, "random": 3.0}
wp, wd = [p for p in PAT for _ in DEP], [x for _ in PAT for x in DEP]
words = write_summary(f"{d}/words.h5", {"pattern": wp, "depth_mm": wd},
                      {"w": ([WEIGHT[p] * x for p, x in zip(wp, wd)], "1")}, ["done"] * len(wp))
lines = ok([words, "--list"])
check(any("pattern (words, 3 values): square, hex, random" in ln for ln in lines), f"--list words: got\n{lines}")
lines = ok([words, "--outcome", "w", "--data-out", f"{d}/words.csv"])
check_png(f"{d}/words_w_pattern_depth_mm.png")
rows = read_table(f"{d}/words.csv")
check(len(rows) == 12 and all(r["mean"] == WEIGHT[r["pattern"]] * r["depth_mm"] for r in rows),
      f"words --data-out: expected w = weight(pattern) * depth_mm in 12 rows, got {rows}")
s = sweep_plot.Summary(words)
fig, _ = sweep_plot.plot(s, ["w"], sweep_plot.Plan(s))
fig.canvas.draw()
ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
check(ticks == PAT, f"categorical x axis: tick labels {ticks}, expected {PAT}")
sweep_plot.plt.close(fig)
lines = ok([words, "--outcome", "w", "--x", "depth_mm"])
check(lines[0].startswith(f"{d}/words_w_depth_mm.png: w against depth_mm, one curve per pattern"),
      f"words curves: got\n{lines}")
check_png(f"{d}/words_w_depth_mm.png", 0.003)

# --- bad input: one line, nonzero, nothing written ----------------------------------------------------
nodone = write_summary(f"{d}/nodone.h5", {"a": A}, {"f": ([1, 2, 3], "mm")}, ["failed", "missing", "failed"])
check_fails([f"{d}/nonexistent.h5", "--outcome", "f"], "nonexistent.h5: no such file")
check_fails([grid, "--outcome", "zz"], "unknown outcome 'zz'", "f, g")
check_fails([grid], "--outcome", "f, g")
check_fails([grid, "--outcome", "f", "--x", "zz"], "unknown parameter 'zz'", "a, b")
check_fails([grid, "--outcome", "f", "--fix", "zz=1"], "unknown parameter 'zz'", "a, b")
check_fails([grid, "--outcome", "f", "--y", "b"], "--y needs --x")
check_fails([grid, "--outcome", "f", "--x", "a", "--y", "a"], "two axes")
check_fails([nodone, "--outcome", "f"], "no point of the sweep is done", "2 failed, 1 missing")
check_fails([words, "--outcome", "w", "--x", "pattern", "--log-x", "on"], "word-valued")
check_fails([f"{d}/c5.csv", "--outcome", "f"], "not a readable HDF5 file")
check_fails([grid, "--outcome", "f", "--log-x", "maybe"], "--log-x")
