"""microheal's figures of one output file (scripts/figures.py is the command line):

    common.py       Run (an mhread.Output with the model's figure module), FigureError, the time
                    and unit labels, session marks, a time-series panel, saving
    timeseries.py   the time-series figure: the model's panels or the generic ones
    sections.py     x-z cross-sections (1-D: profiles) of a few fields at a few times
    animation.py    a GIF of one field over every output time
    xz.py           the x-z panels' layout, colour scales, layers and overlays
    models/         the models' own panels, chosen by the file's `model` attribute (REGISTRY)
    sweep/          figures of a sweep's summary.h5 (scripts/sweep_plot.py is the command line)

    with Run("out/demo/demo.h5") as run:
        timeseries(run, "ts.png"); sections(run, "sec.png"); animation(run, "a.gif")
    with Run("a.h5") as a, Run("b.h5") as b:           # side by side, one scale per field
        compare_sections([a, b], ["a", "b"], "cmp.png", ranges={"collagen_I": (0.0, 1.2)})

The figures' draw functions (sections.draw, sections.draw_compare, timeseries.draw,
timeseries.draw_compare) return the matplotlib figure unsaved: its meshes carry the gid
'<run>|<field>|<output index>' (colour limits: get_clim()), its time-series axes 'timeseries:...'.
"""
import matplotlib

matplotlib.use("Agg")  # headless, before any pyplot import
from .animation import animation  # noqa: E402
from .common import FigureError, Run  # noqa: E402
from .sections import compare_sections, sections  # noqa: E402
from .timeseries import compare_timeseries, timeseries  # noqa: E402

__all__ = ["Run", "FigureError", "timeseries", "sections", "animation", "compare_timeseries", "compare_sections"]
