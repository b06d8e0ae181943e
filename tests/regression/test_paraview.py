"""ParaView reads the XDMF sidecar: scripts/render_paraview draws the last output of small runs
(2-D microneedling, 3-D microneedling unit cell, 1-D fisher_kpp) to PNGs of the requested size
that show the field (coloured pixels over a good part of the image, not just the colour bar), the
data range it prints is min/max of the field's last row in the HDF5 file (1e-6 relative), and in
2-D depth increases downward (collagen_I, zero in the epidermis, is darkest at the top).

Exits 77 (skipped) when pvpython, or with no display xvfb-run, is not installed."""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

if not shutil.which("pvpython"):
    print("skipped: pvpython not found (apt-get install paraview python3-paraview xvfb)")
    sys.exit(77)
if not os.environ.get("DISPLAY") and not shutil.which("xvfb-run"):
    print("skipped: no display and xvfb-run not found (apt-get install xvfb)")
    sys.exit(77)

d = mhtest.tmpdir()
size = (640, 480)
cases = {
    "mn2d": (["-model", "microneedling", "-nx", "8", "-nz", "16", "-microneedling_follow_up_days", "2",
              "-output_count", "4"], "collagen_I"),
    "mn3d": (["-model", "microneedling", "-dim", "3", "-nx", "4", "-ny", "4", "-nz", "24",
              "-microneedling_follow_up_days", "0.5", "-output_count", "2"], "collagen_I"),
    "fisher1d": (["-options_file", "configs/fisher_kpp.yaml", "-nx", "40", "-t_end", "4", "-output_count", "2"], "u"),
}
for name, (args, field) in cases.items():
    h5, png = f"{d}/{name}.h5", f"{d}/{name}.png"
    mhtest.run(args + ["-quiet", "-output", h5])
    cmd = [os.path.join(mhtest.SOURCE, "scripts", "render_paraview"), f"{d}/{name}.xmf", "--field", field,
           "--step", "-1", "--out", png, "--size", f"{size[0]}x{size[1]}"]
    # the virtual X server or its OpenGL window failing to start is not ours: up to two more tries
    # (seen once in CI: pvpython aborted in vtkXOpenGLRenderWindow::CreateAWindow under xvfb-run
    # while two other renders of the same test had worked)
    for attempt in range(3):
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if not (p.returncode and re.search(r"Xvfb|X server|display|XOpenGLRenderWindow", p.stdout)):
            break
    what = f"{name}: {' '.join(cmd)}"
    mhtest.check(p.returncode == 0, f"{what}\nexited {p.returncode}:\n{p.stdout[-3000:]}")
    wrote = re.search(r"^wrote (.+)$", p.stdout, re.M)
    span = re.search(r" min (\S+) max (\S+)", p.stdout)
    mhtest.check(wrote and span, f"{what}\nprinted no 'wrote PNG' and 'min .. max ..' lines:\n{p.stdout[-3000:]}")
    mhtest.check(wrote.group(1) == png and os.path.isfile(png), f"{what}\nwrote {wrote.group(1)!r}, expected {png}")

    last = mhtest.read(h5)["fields"][field][-1]
    lo, hi = float(span.group(1)), float(span.group(2))
    scale = max(abs(last.min()), abs(last.max()))
    mhtest.check(abs(lo - last.min()) <= 1e-6 * scale and abs(hi - last.max()) <= 1e-6 * scale,
                 f"{what}\nprinted the range [{lo!r}, {hi!r}], /fields/{field}[-1] spans [{last.min()!r}, {last.max()!r}]")

    img = Image.open(png)
    mhtest.check(img.size == size, f"{what}\nthe PNG is {img.size[0]}x{img.size[1]}, asked for {size[0]}x{size[1]}")
    rgb = np.asarray(img.convert("RGB"), dtype=float)
    mhtest.check(rgb.std() > 10, f"{what}\nthe PNG is blank (pixel standard deviation {rgb.std():.3g})")
    # coloured pixels left of the colour bar: the mesh (text, axes and background are grey); the
    # colour bar is the rightmost run of coloured columns (where it stands depends on its labels'
    # width, so no fixed fraction of the width separates it from the mesh)
    allcol = rgb.max(axis=2) - rgb.min(axis=2) > 40
    cols = np.flatnonzero(allcol.any(axis=0))
    runs = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1) if cols.size else []
    right = runs[-1][0] if len(runs) > 1 else size[0]
    left = rgb[:, :right]
    coloured = allcol[:, :right]
    mhtest.check(coloured.mean() > 0.02, f"{what}\nthe mesh covers {100 * coloured.mean():.2g} % of the image, expected > 2 %")
    if name == "mn2d":
        rows = np.flatnonzero(coloured.any(axis=1))
        band = max(2, (rows[-1] - rows[0]) // 50)
        lum = left @ [0.299, 0.587, 0.114]
        top = lum[rows[0]:rows[0] + band][coloured[rows[0]:rows[0] + band]].mean()
        bottom = lum[rows[-1] - band + 1:rows[-1] + 1][coloured[rows[-1] - band + 1:rows[-1] + 1]].mean()
        mhtest.check(top < bottom - 20, f"{what}\nthe mesh's top rows (luminance {top:.3g}) should be the dark epidermis, "
                     f"darker than its bottom rows ({bottom:.3g}): is depth drawn downward?")
