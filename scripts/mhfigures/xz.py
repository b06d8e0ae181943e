"""The x-z figures' parts: the panel grid laid out in inches, colour limits and map, the layers
(boundaries, key, grey where a field is absent) and the model's overlays (mhfigures.models)."""
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np

from .common import HALO

CBAR_FORMAT = mticker.FuncFormatter(lambda v, _: f"{v:.3g}")  # no offset text over the panels


def masked(run, data, layers):
    """data (nt, nz, nx) as a masked array: masked are the layers where it is zero throughout the
    run while another layer holds it in every cell at the start (collagen in the epidermis)."""
    mask = np.zeros(data.shape[1:], bool)
    z = run.centres["z"]
    rows = [(z > top) & (z < bot) for _, top, bot in layers]
    held = any(r.any() and np.all(data[0, r, :] != 0) for r in rows)
    for r in rows:
        if held and r.any() and not np.any(data[:, r, :]):
            mask[r, :] = True
    return np.ma.masked_array(data, np.broadcast_to(mask, data.shape).copy())


def limits(values):
    v = np.ma.compressed(values) if np.ma.isMaskedArray(values) else np.ravel(values)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = float(v.min()), float(v.max())
    if hi - lo <= 1e-12 * max(abs(hi), abs(lo), 1e-300):
        pad = 0.05 * abs(hi) if hi else 1.0
        lo, hi = lo - pad, hi + pad
    return lo, hi


def draw_skin(ax, run, layers, t, y_slice):
    """Layer boundaries and the model's overlays at time t (needle channels) on an x-z axes;
    returns (layer lines, overlays)."""
    lines = [ax.axhline(bot, color="white", lw=0.6, ls="--", alpha=0.9, path_effects=HALO) for _, _, bot in layers[:-1]]
    return lines, list(run.hook("overlays", ax, t, y_slice, default=[]))


def layer_key(kax, layers, zlim, height):
    """The layer names in the narrow axes right of a row (height inches tall), at mid-depth, pushed
    apart where the layers are thin, with leader lines to their depth."""
    kax.set_ylim(*zlim)
    kax.axis("off")
    depth = zlim[0] - zlim[1]
    frac = [(zlim[0] - 0.5 * (top + bot)) / depth for _, top, bot in layers]
    gap = 0.12 / height
    pos = []
    for f in frac:
        pos.append(min(f, pos[-1] - gap) if pos else min(f, 1.0))
    if pos and pos[-1] < 0.0:
        pos = [p - pos[-1] for p in pos]
    for (name, _, _), f, p in zip(layers, frac, pos):
        kax.plot([0.0, 0.1], [f, p], transform=kax.transAxes, color="0.5", lw=0.5, clip_on=False)
        kax.text(0.13, p, name, transform=kax.transAxes, fontsize=7, va="center", ha="left", color="0.2")


def xz_axes(ax, run):
    ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
    ax.set_ylim(run.faces["z"][-1], run.faces["z"][0])
    ax.set_facecolor("0.8")


def colour_map():
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.8")
    return cmap


def z_label(run, layers):
    return f"{'depth z' if layers else 'z'} [{run.lunit}]"


def slice_note(run, y_slice):
    return "" if y_slice is None else f" (slice y = {y_slice:.3g} {run.lunit})"


def panel_size(run, height, width_range):
    """(width, height) [inch] of an x-z panel with x and z to the same scale where width_range allows."""
    ratio = (run.faces["x"][-1] - run.faces["x"][0]) / (run.faces["z"][-1] - run.faces["z"][0])
    w = height * ratio
    if w > width_range[1]:
        return width_range[1], max(width_range[1] / ratio, 1.2)
    return max(w, width_range[0]), height


def xz_grid(nrow, ncol, pw, ph, key, per_panel, top, left=1.05, bottom=0.85, dpi=100, group=0, group_gap=0.45):
    """A figure of nrow x ncol x-z panels laid out in inches: each row ends with a layer key (if
    key) and a colour bar axes, or every panel has its own colour bar (per_panel). group: the
    columns come in groups of this many (runs side by side), group_gap inches apart. Returns (fig,
    panels [row][col], keys [row] or None, colour bar axes [row][col] or [row][0])."""
    ws, hs, cbw = 0.25, 0.3, 0.14
    cell = pw + (0.08 + cbw + 0.62 if per_panel else 0.0)
    keyw = 1.05 if key else 0.0
    right = keyw + (0.0 if per_panel else 0.1 + cbw + 0.95)
    gaps = (ncol - 1) // group if group else 0
    xcol = lambda j: left + j * (cell + ws) + (j // group if group else 0) * group_gap  # noqa: E731
    width = left + ncol * cell + (ncol - 1) * ws + gaps * group_gap + right + 0.1
    height = top + nrow * ph + (nrow - 1) * hs + bottom
    fig = plt.figure(figsize=(width, height), dpi=dpi)
    box = lambda x, y, w, h: fig.add_axes([x / width, y / height, w / width, h / height])  # noqa: E731
    panels, keys, cbars = [], [], []
    for i in range(nrow):
        y0 = bottom + (nrow - 1 - i) * (ph + hs)
        row, crow = [], []
        for j in range(ncol):
            x0 = xcol(j)
            ax = box(x0, y0, pw, ph)
            row.append(ax)
            if per_panel:
                crow.append(box(x0 + pw + 0.08, y0 + 0.05 * ph, cbw, 0.9 * ph))
        x1 = xcol(ncol - 1) + cell
        keys.append(box(x1, y0, keyw, ph) if key else None)
        if not per_panel:
            crow.append(box(x1 + keyw + 0.1, y0 + 0.05 * ph, cbw, 0.9 * ph))
        panels.append(row)
        cbars.append(crow)
    for i, row in enumerate(panels):
        for j, ax in enumerate(row):
            if i or j:
                ax.sharex(panels[0][0])
                ax.sharey(panels[0][0])
            ax.tick_params(labelbottom=(i == nrow - 1), labelleft=(j == 0))
    panels[0][0].xaxis.set_major_locator(mticker.MaxNLocator(nbins=4))
    return fig, panels, keys, cbars

