"""The sections figure: x-z cross-sections (1-D: profiles) of a few fields at a few output times."""
import matplotlib.pyplot as plt
import numpy as np
from mhread.text import with_unit  # scripts/mhread/

from .common import fmt_time, save, suptitle, times_text
from .xz import (CBAR_FORMAT, colour_map, draw_skin, layer_key, limits, masked, panel_size, slice_note, xz_axes,
                 xz_grid, z_label)


def sections(run, out, fields=None, times=None, y=None, scale="row", dpi=130):
    """The cross-section figure; returns a one-line description."""
    fields = list(fields) if fields else run.default_fields()
    for n in fields:
        run.check_field(n)
    run.check_y(y)
    ks = run.time_indices(times) if times else run.default_time_indices()
    if run.dim == 1:
        _profiles(run, out, fields, ks, dpi)
        return f"{out}: profiles along x of {', '.join(fields)} at {times_text(run, ks)}"
    layers = run.hook("layers", default=[])
    pw, ph = panel_size(run, 3.0, (0.9, 3.6))
    per_panel = scale == "panel"
    fig, axs, keys, cbars = xz_grid(len(fields), len(ks), pw, ph, bool(layers), per_panel, top=1.05, dpi=dpi)
    cmap = colour_map()
    y_slice = None
    masked_any = False
    for i, n in enumerate(fields):
        data, y_slice = run.section(n, y)
        data = masked(run, data, layers)
        masked_any |= bool(np.ma.getmaskarray(data).any())
        row_lim = limits(data[ks])
        for j, k in enumerate(ks):
            ax = axs[i][j]
            lo, hi = limits(data[k]) if per_panel else row_lim
            m = ax.pcolormesh(run.faces["x"], run.faces["z"], data[k], cmap=cmap, vmin=lo, vmax=hi, shading="flat")
            xz_axes(ax, run)
            draw_skin(ax, run, layers, run.time[k], y_slice)
            if i == 0:
                sl = run.session_label(run.time[k])
                ax.set_title(fmt_time(run.time[k], run.tunit) + (f"\n{sl}" if sl else ""), fontsize=9)
            if i == len(fields) - 1:
                ax.set_xlabel(f"x [{run.lunit}]")
            if j == 0:
                ax.set_ylabel(f"{with_unit(n, run.units[n]) if per_panel else n}\n\n{z_label(run, layers)}")
            if per_panel:
                fig.colorbar(m, cax=cbars[i][j], format=CBAR_FORMAT).ax.tick_params(labelsize=7)
        if layers:
            layer_key(keys[i], layers, axs[i][0].get_ylim(), ph)
        if not per_panel:
            fig.colorbar(m, cax=cbars[i][0], format=CBAR_FORMAT).set_label(with_unit(n, run.units[n]))
    notes = list(run.hook("section_notes", default=[]))
    if masked_any:
        notes.append("grey: none in the layer (zero throughout the run)")
    notes.append("one colour scale per " + ("panel" if per_panel else "field"))
    fig.suptitle(suptitle(run) + "\nx–z sections" + slice_note(run, y_slice), fontsize=11,
                 y=1 - 0.12 / fig.get_figheight(), va="top")
    fig.text(0.5, 0.1 / fig.get_figheight(), "; ".join(notes), fontsize=8, color="0.3", ha="center", va="bottom")
    save(fig, out, dpi)
    return f"{out}: x–z sections{slice_note(run, y_slice)} of {', '.join(fields)} at {times_text(run, ks)}"


def _profiles(run, out, fields, ks, dpi):
    """1-D: one panel per field, one line per output time."""
    ncol = min(2, len(fields))
    nrow = (len(fields) + ncol - 1) // ncol
    fig, axs = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.6 * nrow + 0.6), layout="constrained", squeeze=False)
    cmap = plt.get_cmap("viridis")
    x = run.centres["x"]
    for ax, n in zip(axs.flat, fields):
        data, _ = run.section(n)
        for j, k in enumerate(ks):
            ax.plot(x, data[k], color=cmap(j / max(len(ks) - 1, 1) * 0.9), lw=1.4,
                    label=fmt_time(run.time[k], run.tunit))
        ax.set_xlim(run.faces["x"][0], run.faces["x"][-1])
        ax.set_xlabel(f"x [{run.lunit}]")
        ax.set_ylabel(with_unit(n, run.units[n]))
        ax.set_title(n, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    for ax in list(axs.flat)[len(fields):]:
        ax.remove()
    fig.suptitle(suptitle(run) + ": profiles", fontsize=12)
    save(fig, out, dpi)

