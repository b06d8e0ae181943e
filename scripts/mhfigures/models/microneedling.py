"""microneedling's figures: the time-series panels (barrier deficit and inflammation in the hours
after each session, collagen I/III, collagen I fraction, elastin and collagen gain per dermal
layer), the skin layers and needle channels of the x-z sections, the sessions in the titles. The
hooks are described in mhfigures/models/__init__.py."""
import matplotlib.pyplot as plt
import numpy as np

from ..common import HALO, panel_days

def SECTION_FIELDS(run):  # noqa: N802 (the hook's name)
    """damage, neutrophils, TGF-beta and collagen I, and the first applied solute if any."""
    return ("damage", "neutrophils", "tgfb", "collagen_I") + tuple(solutes(run)[:1])


def solutes(run):
    """The applied solutes' names (/model/solutes rows), or []."""
    t = run.model_table("solutes")
    return list(t["rows"]) if t is not None and t["n"] else []


def session_times(run):
    """The sessions' times (/model/sessions): the events also hold the serum's applications."""
    ses = run.model_table("sessions")
    return ses["data"]["time"] if ses is not None and ses["n"] and "time" in ses["data"] else np.zeros(0)
ANIMATION_FIELD = "collagen_I"
LAYER_LABELS = {"stratum_corneum": "stratum corneum", "papillary_dermis": "papillary dermis",
                "reticular_dermis": "reticular dermis"}


def default_time_indices(run):
    """The output just before the first session (if any), just after it, the first outputs at
    least 1 and 7 days after it, and the end; None without sessions (or not in days)."""
    t = run.time
    if not (len(run.events) and run.tunit == "day"):
        return None
    e = run.events[0]
    before = np.nonzero(t < e)[0]
    picks = [before[-1]] if len(before) else []
    for target in (e, e + 1.0, e + 7.0):
        later = np.nonzero(t >= target - 1e-9)[0]
        if len(later):
            picks.append(int(np.nonzero(t == t[later[0]])[0][-1]))
    picks.append(len(t) - 1)
    return picks


def title_extra(run):
    """'3 sessions, 1.5 mm needles, 250 /cm²' from /model/sessions, or ''."""
    ses = run.model_table("sessions")
    if ses is None or not ses["n"]:
        return ""
    d = ses["data"]
    parts = [f"{ses['n']} session{'s' if ses['n'] > 1 else ''}"]
    for col, unit in (("needle_length", "mm needles"), ("density", "/cm²")):
        if col in d:
            v = np.unique(d[col])
            parts.append(f"{v[0]:g} {unit}" if len(v) == 1 else f"{v.min():g}–{v.max():g} {unit}")
    return ", ".join(parts)


def _nice_hours(h):
    for v in (1, 2, 3, 6, 12, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 672):
        if v >= h:
            return v
    return h


def _session_segments(tab, events):
    """Per session: the row indices from just after it to just before the next (or the end)."""
    t = tab["t"]
    segs = []
    for k, e in enumerate(events):
        start = int(np.searchsorted(t, e, side="right")) - 1  # the row just after the session
        start = max(start, 0)
        end = len(t) if k + 1 == len(events) else int(np.searchsorted(t, events[k + 1], side="left")) + 1
        segs.append(np.arange(start, min(end, len(t))))
    return segs


def _panel_after_sessions(ax, run, tab, col, ylabel, title):
    """col against the hours after each session, one curve per session, up to when every session's
    value has fallen below 2 % of its peak (at least 1 h, at most to the next session)."""
    t, yv = tab["t"], tab[col]
    segs = _session_segments(tab, run.events)
    window, longest = 1.0, 0.0
    for seg in segs:
        h = (t[seg] - t[seg[0]]) * 24.0
        longest = max(longest, h[-1])
        y = yv[seg]
        if not np.any(np.isfinite(y)) or np.nanmax(y) <= 0:
            continue
        peak = int(np.nanargmax(y))
        low = np.nonzero(y[peak:] < 0.02 * y[peak])[0]
        window = max(window, 1.3 * (h[peak + low[0]] if len(low) else h[-1]))
    window = min(_nice_hours(window), max(longest, 1e-3))
    cmap = plt.get_cmap("viridis")
    for k, seg in enumerate(segs):  # earlier sessions wider, so that identical curves stay visible
        h = (t[seg] - t[seg[0]]) * 24.0
        c = cmap(k / max(len(segs) - 1, 1) * 0.85)
        lw = 1.2 + 2.4 * (len(segs) - 1 - k) / max(len(segs) - 1, 1)
        ax.plot(h, yv[seg], color=c, lw=lw, alpha=0.85, label=f"session {k + 1} (day {run.events[k]:.4g})")
    ax.set_xlim(0, window)
    ax.set_xlabel("hours after the session [h]")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="upper right")


def rest_i_fraction(run):
    """The collagen I share at rest: 1 - the (scar's, else normal skin's) collagen III share."""
    par = run.parameters()
    scarred = str(par.get("scar", "none")) not in ("none", "b'none'")
    key = "scar_collagen_III_fraction" if scarred and "scar_collagen_III_fraction" in par else "collagen_III_fraction"
    return 1 - float(par.get(key, 0.15))


def timeseries_panels(run, tab):
    """The panels whose columns are present: (drawer, description)."""
    layers = [lay for lay in ("papillary", "reticular") if f"collagen_gain_{lay}" in tab]
    colour = {"papillary": "tab:blue", "reticular": "tab:red"}
    have_sessions = len(run.events) > 0 and run.tunit == "day"
    panels = []
    for col, ylabel, title in (("barrier_deficit", "barrier deficit [open fraction]",
                                "Barrier deficit: open fraction of the stratum corneum"),
                               ("inflammation", "inflammation [arbitrary units]", "Inflammation: mean damage signal")):
        if col not in tab:
            continue
        if have_sessions:
            panels.append((lambda ax, c=col, yl=ylabel, ti=title: _panel_after_sessions(ax, run, tab, c, yl, ti),
                           f"{col.replace('_', ' ')} (hours after each session)", (col,)))
        else:
            panels.append((lambda ax, c=col, yl=ylabel, ti=title: panel_days(ax, run, tab, [(c, c, "k", "-")], yl, ti),
                           col.replace("_", " "), (col,)))
    rel = [(f"collagen_{ty}_rel_{lay}", f"collagen {ty}, {lay}", colour[lay], "-" if ty == "I" else "--")
           for lay in layers for ty in ("I", "III") if f"collagen_{ty}_rel_{lay}" in tab]
    frac = [(f"collagen_I_fraction_{lay}", lay, colour[lay], "-")
            for lay in layers if f"collagen_I_fraction_{lay}" in tab]
    ela = [(f"elastin_rel_{lay}", lay, colour[lay], "-") for lay in layers if f"elastin_rel_{lay}" in tab]
    gain = [(f"collagen_gain_{lay}", lay, colour[lay], "-") for lay in layers]
    # aged skin: the gain over untreated skin of the same age (equal to the gain at rest, age 30)
    aged = [(f"collagen_gain_vs_untreated_{lay}", lay, colour[lay], "-") for lay in layers
            if f"collagen_gain_vs_untreated_{lay}" in tab
            and np.nanmax(np.abs(tab[f"collagen_gain_vs_untreated_{lay}"] - tab[f"collagen_gain_{lay}"])) > 1e-9]
    for curves, ylabel, title, what, keys in (
            (rel, "mean / baseline [× baseline]", "Collagen I and III (mean over the layer / baseline)",
             "collagen I and III relative to baseline", ("collagen_rel",)),
            (frac, "I / (I + III) [fraction]", f"Collagen I fraction ({rest_i_fraction(run):.2f} at rest)", "collagen I fraction",
             ("collagen_I_fraction",)),
            (ela, "mean / baseline [× baseline]", "Elastin (mean over the layer / baseline)", "elastin",
             ("elastin_rel", "elastin")),
            (gain, "collagen gain [%]", "Collagen gain: mean (I + III) over the layer / baseline − 1",
             "collagen gain", ("collagen_gain",)),
            (aged, "collagen gain over untreated [%]", "Collagen gain over untreated skin of the same age",
             "collagen gain over untreated skin", ("collagen_gain_vs_untreated",))):
        if curves:
            panels.append((lambda ax, cu=curves, yl=ylabel, ti=title: panel_days(ax, run, tab, cu, yl, ti),
                           what + " per layer", keys + tuple(c[0] for c in curves)))
    if "epidermis_thickness_gain" in tab:
        ep = [("epidermis_thickness_gain", "epidermis", "tab:green", "-")]
        panels.append((lambda ax, cu=ep: panel_days(ax, run, tab, cu, "epidermal thickness gain [%]", "Epidermis: mean thickness / baseline − 1"),
                       "epidermal thickness gain", ("epidermis_thickness_gain",)))
    # topical delivery: what crossed the stratum corneum, treated against intact skin, and the flux
    cols = plt.get_cmap("tab10")
    names = [s for s in solutes(run) if f"{s}_delivered" in tab]
    if names:
        dl = [(f"{s}_delivered", s.replace("_", " "), cols(i), "-") for i, s in enumerate(names)]
        dl += [(f"{s}_intact_delivered", s.replace("_", " ") + ", intact skin", cols(i), ":") for i, s in enumerate(names)]
        fl = [(f"{s}_flux_viable", s.replace("_", " "), cols(i), "-") for i, s in enumerate(names)]
        panels.append((lambda ax, cu=dl: panel_days(ax, run, tab, cu, "delivered [µg/cm²]", "Delivered below the stratum corneum (dotted: intact skin)"),
                       "delivered amount per solute, treated and intact", ("delivered",) + tuple(c[0] for c in dl)))
        panels.append((lambda ax, cu=fl: panel_days(ax, run, tab, cu, "flux [µg/cm²/h]", "Flux into the viable skin"),
                       "flux into the viable skin per solute", ("flux_viable",) + tuple(c[0] for c in fl)))
    return panels


def layers(run):
    """[(label, top, bottom)] from /model/layers, or []."""
    lay = run.model_table("layers")
    if lay is None or "top" not in lay["data"] or "bottom" not in lay["data"] or len(lay["rows"]) != lay["n"]:
        return []
    return [(LAYER_LABELS.get(r, r.replace("_", " ")), lay["data"]["top"][i], lay["data"]["bottom"][i])
            for i, r in enumerate(lay["rows"])]


def _needle_outlines(run, t, y_slice):
    """[(polygon (n, 2) of (x, z), latest)] of the channels of the sessions done by time t, with
    their periodic images. 2-D: the trapezoid (the section is a y-average); 3-D: the chord of the
    cone at the slice y_slice."""
    nd = run.model_table("needles")
    if nd is None:
        return []
    d = nd["data"]
    if not all(c in d for c in ("session", "x", "depth", "radius_surface", "radius_tip")):
        return []
    done = np.nonzero(run.events <= t + 1e-12)[0]
    if not len(done):
        return []
    latest = done[-1] + 1
    lx = run.faces["x"][-1] - run.faces["x"][0]
    xshift = (-lx, 0.0, lx) if run.periodic.get("x") else (0.0,)
    out = []
    for i in range(nd["n"]):
        s = int(d["session"][i])
        if s > latest:
            continue
        xc, depth, rs, rt = d["x"][i], d["depth"][i], d["radius_surface"][i], d["radius_tip"][i]
        tip = d["tip_length"][i] if "tip_length" in d else depth  # older files: the whole depth tapers
        zs = depth - tip  # the shaft ends, the tip starts

        def radius(z):
            return np.where(z <= zs, rs, rs + (rt - rs) * (z - zs) / tip)
        if y_slice is None:
            shapes = [np.array([[xc - rs, 0.0], [xc + rs, 0.0], [xc + rs, zs], [xc + rt, depth], [xc - rt, depth], [xc - rs, zs]])]
        else:
            ly = run.faces["y"][-1] - run.faces["y"][0]
            yshift = (-ly, 0.0, ly) if run.periodic.get("y") else (0.0,)
            shapes = []
            for sy in yshift:
                dy = abs(y_slice - (d["y"][i] + sy))
                if dy >= rs:
                    continue
                zmax = depth if dy <= rt else zs + tip * (rs - dy) / (rs - rt)
                z = np.linspace(0.0, zmax, 24)
                w = np.sqrt(np.maximum(radius(z) ** 2 - dy * dy, 0.0))
                shapes.append(np.concatenate([np.column_stack([xc - w, z]), np.column_stack([xc + w, z])[::-1]]))
        for sx in xshift:
            for p in shapes:
                out.append((p + [sx, 0.0], s == latest))
    return out


def overlays(run, ax, t, y_slice):
    """The needle channels of the sessions done by time t (solid: the latest session, dashed: earlier)."""
    return [ax.add_patch(plt.Polygon(poly, closed=True, fill=False, ec="white", lw=1.0 if latest else 0.7,
                                     ls="-" if latest else (0, (3, 2)), path_effects=HALO))
            for poly, latest in _needle_outlines(run, t, y_slice)]


def section_notes(run):
    if run.model_table("needles") is not None and len(run.events):
        return ["outlines: needle channels (solid: latest session, dashed: earlier)"]
    return []
