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
