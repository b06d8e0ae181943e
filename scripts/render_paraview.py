"""Renders one field of a microheal run to a PNG with ParaView, from the run's XDMF sidecar.

Run it with ParaView's Python, headless where there is no display:

    xvfb-run -a pvpython scripts/render_paraview.py out/demo/demo.xmf --field collagen_I --time 56

or through scripts/render_paraview, which finds pvpython and adds xvfb-run when needed. The file is
opened with ParaView's legacy XDMF reader (XDMFReader; its Xdmf3 readers do not read the sidecar's
hyperslabs) and the field drawn as cell data on the rectilinear mesh: a 2-D x-z section face on,
depth z increasing downward; a 3-D grid cut in half at mid-y, seen obliquely from above the skin
with z pointing down; a 1-D run as a strip, drawn 10 % as high as long. The colour bar is titled
with the field's name and its unit (read from the HDF5 file when h5py is importable in
ParaView's Python), the output time is written in the top left corner.

Runs with skin layers (/model/layers of the HDF5 file, microneedling) are drawn scaled to the
dermis (--focus dermis, the default): the colour range is the field's range over the dermal layers
(those named *_dermis), and the picture shows the skin from the surface to the bottom of the
dermis (the layers below it are cut away). Runs without layers, and --focus all, show the whole
grid on the field's whole range.

Prints the PNG's path and the field's minimum and maximum over the whole grid at that time. Stops
with an error when what ParaView would draw differs from what its reader read (grid bounds or
the field's range), as its XDMF reader does with a 2DRectMesh."""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mhfiles import replacing  # noqa: E402 (scripts/mhfiles.py, this folder)


def die(msg):
    sys.stderr.write(f"render_paraview: error: {msg}\n")
    raise SystemExit(1)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("xmf", help="the run's XDMF sidecar (<output>.xmf, next to its HDF5 file)")
    p.add_argument("--field", required=True, help="field to draw, e.g. collagen_I (one of the run's field_names)")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--time", type=float,
                      help="output time to draw [the run's time unit: day for microneedling]; the output nearest to it")
    when.add_argument("--step", type=int, help="output index to draw, from 0; negative counts back from the last (default -1)")
    p.add_argument("--out", help="PNG to write (default: <sidecar without .xmf>_<field>_step<K>.png)")
    p.add_argument("--size", default="1200x800", help="image size WIDTHxHEIGHT [pixels] (default 1200x800)")
    p.add_argument("--focus", choices=("dermis", "all"), default="dermis",
                   help="dermis (default): colour range and view scaled to the dermal layers where the run has "
                        "/model/layers; all: the whole grid")
    return p.parse_args()


def describe(xmf, field):
    """What the sidecar says: the physical axis (x, y, z) of each of the mesh's coordinate axes
    (None for an axis given inline, one the run does not have), the length and time units, and the
    HDF5 file holding the field (None if the field is not in the sidecar)."""
    try:
        with open(xmf) as fp:
            text = fp.read()
        root = ET.fromstring(text)
    except (OSError, ET.ParseError) as e:
        die(f"{xmf}: cannot read it as XML: {e}")
    units = re.search(r"lengths in (\S+), times in ([^.\s]+)", text)
    length_unit, time_unit = units.groups() if units else ("", "")
    geom = root.find(".//Geometry")
    if geom is None:
        die(f"{xmf}: no Geometry: not a microheal XDMF sidecar")
    axes = []
    for item in geom.findall("DataItem"):
        m = re.search(r":/grid/([xyz])_faces$", (item.text or "").strip())
        axes.append(m.group(1) if item.get("Format") == "HDF" and m else None)
    h5 = None
    for item in root.iter("DataItem"):
        ref = (item.text or "").strip()
        if item.get("Format") == "HDF" and ref.endswith(f":/fields/{field}"):
            h5 = os.path.join(os.path.dirname(os.path.abspath(xmf)), ref.rsplit(":", 1)[0])
            break
    return axes, length_unit, time_unit, h5


def field_unit(h5, field):
    """The field's unit from the HDF5 file (attribute units of /fields/<field>), a dimensionless
    one written out as what it is (mhread.text.unit_words: '× baseline', 'arbitrary units'), or
    None where h5py is not importable in this Python or the file cannot be read."""
    try:
        import h5py
    except ImportError:
        return None
    try:
        with h5py.File(h5, "r") as f:
            u = f["fields"][field].attrs["units"]
            model = f.attrs.get("model", "")
    except (OSError, KeyError):
        return None
    text = lambda v: v.decode() if isinstance(v, bytes) else str(v)  # noqa: E731
    try:
        from mhread.text import unit_words  # scripts/mhread/ (imports numpy and h5py)
    except ImportError:
        return text(u)
    return unit_words(text(u), field, text(model))


def dermis_span(h5):
    """(top, bottom, names) of the dermal layers (rows named *_dermis of /model/layers), or None
    where the file has no layers or h5py is not importable in this Python."""
    try:
        import h5py
    except ImportError:
        return None
    try:
        with h5py.File(h5, "r") as f:
            if "model/layers" not in f:
                return None
            d = f["model/layers"]
            text = lambda v: v.decode() if isinstance(v, bytes) else str(v)  # noqa: E731
            cols = text(d.attrs.get("columns", "")).split(",")
            rows = [r for r in text(d.attrs.get("rows", "")).split(",") if r]
            data = d[:]
    except (OSError, KeyError):
        return None
    if "top" not in cols or "bottom" not in cols or len(rows) != data.shape[0]:
        return None
    dermal = [i for i, r in enumerate(rows) if r.endswith("_dermis")]
    if not dermal:
        return None
    return (float(min(data[i, cols.index("top")] for i in dermal)),
            float(max(data[i, cols.index("bottom")] for i in dermal)),
            [rows[i].replace("_", " ") for i in dermal])


def clip_depth(pv, source, axis, z, below, centre):
    """The cells of source above (below=False) or below a depth z along mesh axis `axis`, whole
    cells (a plane just inside the kept side keeps the cells it cuts)."""
    c = pv.Clip(Input=source, ClipType="Plane", Crinkleclip=1, Invert=1 if below else 0)
    c.ClipType.Origin = [z if i == axis else centre[i] for i in range(3)]
    c.ClipType.Normal = [1.0 if i == axis else 0.0 for i in range(3)]
    return c


def cross(a, b):
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def main():
    a = parse_args()
    m = re.fullmatch(r"(\d+)x(\d+)", a.size)
    if not m or int(m.group(1)) < 16 or int(m.group(2)) < 16:
        die(f"--size {a.size}: expected WIDTHxHEIGHT in pixels, each at least 16, e.g. 1200x800")
    size = [int(m.group(1)), int(m.group(2))]
    if not os.path.isfile(a.xmf):
        die(f"{a.xmf}: no such file")
    axes, length_unit, time_unit, h5 = describe(a.xmf, a.field)
    dim = sum(ax is not None for ax in axes)
    if dim == 0 or "x" not in axes:
        die(f"{a.xmf}: its geometry names no /grid/x_faces: not a microheal XDMF sidecar")

    from paraview import simple as pv

    reader = pv.XDMFReader(FileNames=[os.path.abspath(a.xmf)])
    reader.UpdatePipelineInformation()
    names = list(reader.CellArrayStatus)
    if a.field not in names:
        die(f"--field {a.field}: not in {a.xmf}; its fields: {', '.join(names) or 'none'}")
    reader.CellArrayStatus = [a.field]
    times = reader.TimestepValues
    times = list(times) if hasattr(times, "__len__") else [times]
    if not times:
        times = [0.0]
    if a.time is not None:
        tol = 1e-9 * max(abs(times[0]), abs(times[-1]), 1.0)
        if not times[0] - tol <= a.time <= times[-1] + tol:
            die(f"--time {a.time:g}: outside the run's output times [{times[0]:g}, {times[-1]:g}] {time_unit}")
        k = min(range(len(times)), key=lambda i: abs(times[i] - a.time))
    else:
        k = -1 if a.step is None else a.step
        if not -len(times) <= k < len(times):
            die(f"--step {k}: the run has {len(times)} outputs (steps 0 to {len(times) - 1}, or -1 for the last)")
        k %= len(times)
    t = times[k]
    out = a.out or f"{os.path.splitext(a.xmf)[0]}_{a.field}_step{k}.png"

    reader.UpdatePipeline(t)
    info = reader.GetDataInformation()
    lo, hi = info.GetCellDataInformation().GetArrayInformation(a.field).GetComponentRange(0)
    bounds = info.GetBounds()
    # what a render view gets: ParaView's XDMF reader announces a 2DRectMesh's extent with its axes
    # in another order than its data has, and what it draws is then garbage
    surface = pv.ExtractSurface(Input=reader)
    surface.UpdatePipeline(t)
    sinfo = surface.GetDataInformation()
    slo, shi = sinfo.GetCellDataInformation().GetArrayInformation(a.field).GetComponentRange(0)
    # (the surface holds every cell of a 1-D or 2-D grid, one cell thick, and is in single precision)
    scale = max(abs(v) for v in bounds) or 1.0
    wrong_range = dim < 3 and any(abs(u - v) > 1e-9 * max(abs(lo), abs(hi), 1e-300) for u, v in ((lo, slo), (hi, shi)))
    if wrong_range or any(abs(u - v) > 1e-6 * scale for u, v in zip(bounds, sinfo.GetBounds())):
        die(f"{a.xmf}: ParaView would draw something else than its reader read: grid bounds {sinfo.GetBounds()} "
            f"instead of {bounds}, {a.field} in [{slo:g}, {shi:g}] instead of [{lo:g}, {hi:g}]; "
            f"a sidecar written as a 2DRectMesh hits this bug of its XDMF reader")
    pv.Delete(surface)
    unit = field_unit(h5, a.field) if h5 else None
    centre = [(bounds[2 * i] + bounds[2 * i + 1]) / 2 for i in range(3)]
    # the mesh's coordinate axis holding the depth (in 1-D: the last one, a strip's height)
    d = axes.index("z") if "z" in axes else len(axes) - 1
    dermis = dermis_span(h5) if (h5 and a.focus == "dermis" and "z" in axes) else None
    clo, chi, focus = lo, hi, ""
    if dermis:
        top, bottom, names = dermis
        eps = 1e-6 * (bounds[2 * d + 1] - bounds[2 * d])
        inner = clip_depth(pv, clip_depth(pv, reader, d, top + eps, False, centre), d, bottom - eps, True, centre)
        inner.UpdatePipeline(t)
        arr = inner.GetDataInformation().GetCellDataInformation().GetArrayInformation(a.field)
        if arr is not None:
            clo, chi = arr.GetComponentRange(0)
            focus = f" over the {' and '.join(names)} (z {top:g} to {bottom:g} {length_unit})"
        pv.Delete(inner)

    view = pv.CreateRenderView()
    view.ViewSize = size
    view.ViewTime = t
    view.UseColorPaletteForBackground = 0
    view.Background = [1, 1, 1]
    view.OrientationAxesVisibility = 0
    black = [0, 0, 0]

    source = reader
    if dermis:  # the skin from the surface to the bottom of the dermis
        source = clip_depth(pv, reader, d, dermis[1] - 1e-6 * (bounds[2 * d + 1] - bounds[2 * d]), True, centre)
    if dim == 3:
        source = pv.Clip(Input=source, ClipType="Plane", Crinkleclip=1, Invert=0)
        source.ClipType.Origin = centre
        source.ClipType.Normal = [0, 1, 0]
    display = pv.Show(source, view)
    display.Representation = "Surface"
    pv.ColorBy(display, ("CELLS", a.field))
    lut = pv.GetColorTransferFunction(a.field)
    lut.ApplyPreset("Viridis (matplotlib)", True)
    lut.AutomaticRescaleRangeMode = "Never"
    lut.RescaleTransferFunction(clo, chi if chi > clo else clo + max(abs(clo), 1.0) * 1e-12)
    display.SetScalarBarVisibility(view, True)
    bar = pv.GetScalarBar(lut, view)
    bar.Title = f"{a.field} [{unit}]" if unit else a.field
    bar.ComponentTitle = ""
    bar.TitleColor = bar.LabelColor = black
    bar.TitleFontSize = bar.LabelFontSize = 18
    bar.RangeLabelFormat = "%-#.4g"
    bar.ScalarBarLength = 0.6

    label = pv.Text(Text=f"{a.field}   t = {t:g} {time_unit}   (output {k} of {len(times) - 1})")
    text = pv.Show(label, view)
    text.WindowLocation = "Upper Left Corner"
    text.FontSize = 20
    text.Color = black

    if dim == 1:
        # a strip as high as 10 % of its length
        thick = [i for i in range(3) if i != axes.index("x")]
        factor = 0.1 * (bounds[1] - bounds[0]) / max(bounds[2 * d + 1] - bounds[2 * d], 1e-300)
        display.Scale = [factor if i in thick else 1.0 for i in range(3)]
        view.AxesGrid.DataScale = display.Scale
    grid = view.AxesGrid
    grid.Visibility = 1
    lu = f" [{length_unit}]" if length_unit else ""
    for i, name in enumerate("XYZ"):
        setattr(grid, f"{name}Title", f"{axes[i]}{lu}" if i < len(axes) and axes[i] else "")
        setattr(grid, f"{name}TitleColor", black)
        setattr(grid, f"{name}LabelColor", black)
    grid.GridColor = [0.5, 0.5, 0.5]

    pv.Render(view)
    up = [0.0, 0.0, 0.0]
    up[d] = -1.0  # depth increases downward
    if dim == 3:
        # from above the skin (depth < 0), in front of the cut (y < mid)
        view.CameraPosition = [centre[0] + 1.0, centre[1] - 2.2, centre[2] - 1.0]
    else:
        # face on, looking along the remaining axis from the side that puts x to the right
        n = [i for i in range(3) if i != axes.index("x") and i != d][0]
        look = [1.0 if i == n else 0.0 for i in range(3)]
        if cross(look, up)[0] < 0:
            look = [-v for v in look]
        view.CameraPosition = [c - v for c, v in zip(centre, look)]
    view.CameraFocalPoint = centre
    view.CameraViewUp = up
    view.ResetCamera(False)
    # room for the time above and the colour bar right of the mesh
    view.GetActiveCamera().Zoom({1: 0.7, 2: 0.85, 3: 0.8}[dim])
    with replacing(out) as tmp:
        pv.SaveScreenshot(tmp, view, ImageResolution=size, TransparentBackground=0)
    if not os.path.isfile(out):
        die(f"{out}: ParaView wrote no image")
    print(f"wrote {out}")
    print(f"{a.field} at t = {t:.17g} {time_unit} (step {k}): min {lo:.17g} max {hi:.17g}" + (f" [{unit}]" if unit else ""))
    print(f"colour scale {clo:.6g} to {chi:.6g}{focus or ' (the whole grid)'}")


if __name__ == "__main__":
    main()
