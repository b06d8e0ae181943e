"""The animation: a GIF of one field over every output time (1-D: a profile; else x-z)."""
import matplotlib.pyplot as plt
from mhfiles import replacing
from PIL import Image
from mhread.text import unit_words  # scripts/mhread/

from .common import FigureError, fmt_time, range_or, times_text
from .xz import (CBAR_FORMAT, colour_map, draw_skin, layer_key, limits, masked, panel_size, slice_note, xz_axes,
                 xz_grid, z_label)


def animation(run, out, field=None, fps=5, y=None, dpi=100, ranges=None):
    """The GIF of one field over every output time; returns a one-line description."""
    field = field or run.default_field()
    run.check_field(field)
    run.check_y(y)
    data, y_slice = run.section(field, y)
    nt = len(run.time)
    unit = run.units[field]
    note = slice_note(run, y_slice)
    if run.dim == 1:
        fig, ax = plt.subplots(figsize=(6.4, 4.0), layout="constrained", dpi=dpi)
        lo, hi = range_or(ranges, field, limits(data))
        (line,) = ax.plot(run.centres["x"], data[0], color="tab:blue", lw=1.6)
        ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
        ax.set_ylim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(run.label(field))
        ax.grid(alpha=0.3)

        def frame(k):
            line.set_ydata(data[k])
            return [line]
    else:
        layers = run.hook("layers", default=[])
        data = masked(run, data, layers)
        lo, hi = range_or(ranges, field, limits(data))
        pw, ph = panel_size(run, 4.4, (1.6, 7.0))
        fig, axs, keys, cbars = xz_grid(1, 1, pw, ph, bool(layers), False, top=0.75, bottom=0.6, left=0.8, dpi=dpi)
        ax = axs[0][0]
        mesh = ax.pcolormesh(run.faces["x"], run.faces["z"], data[0], cmap=colour_map(), vmin=lo, vmax=hi, shading="flat")
        xz_axes(ax, run)
        fig.colorbar(mesh, cax=cbars[0][0], format=CBAR_FORMAT).set_label(run.label(field))
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(z_label(run, layers))
        if layers:
            layer_key(keys[0], layers, ax.get_ylim(), ph)
        lines, needles = draw_skin(ax, run, layers, run.time[0], y_slice)

        def frame(k):
            mesh.set_array(data[k].ravel())
            while needles:
                needles.pop().remove()
            needles.extend(draw_skin(ax, run, [], run.time[k], y_slice)[1])
            return [mesh] + lines + needles

    place = {} if run.dim == 1 else {"y": 1 - 0.08 / fig.get_figheight(), "va": "top"}  # 1-D: constrained layout
    head = fig.suptitle("\n", fontsize=10, **place)

    def title(k):
        sl = run.session_label(run.time[k])
        head.set_text(f"{run.model}: {field}{note}\n{fmt_time(run.time[k], run.tunit)}" + (f" ({sl})" if sl else ""))
        return head

    # draw the static rest once, then per frame only what changes (10 times faster)
    moving = frame(0) + [title(0)]
    fig.canvas.draw()
    fig.set_layout_engine("none")
    for a in moving:
        a.set_animated(True)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    images = []
    for k in range(nt):
        moving = frame(k) + [title(k)]
        fig.canvas.restore_region(background)
        for a in moving:
            a.set_animated(True)
            ax.draw_artist(a)
        images.append(Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba()).convert("RGB"))
    plt.close(fig)
    try:
        with replacing(out) as tmp:
            images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0)
    except OSError as e:
        raise FigureError(f"cannot write {out}: {e.strerror or e}") from None
    return (f"{out}: animation of {field}{note}, one frame per output time ({nt}, "
            f"{times_text(run, [0, nt - 1]).replace(', ', ' to ')}), {fps} frames/s, fixed scale "
            f"{lo:.3g} to {hi:.3g} {unit_words(unit, field, run.model)}")

