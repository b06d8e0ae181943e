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
"""
import matplotlib

matplotlib.use("Agg")  # headless, before any pyplot import
from .animation import animation  # noqa: E402
from .common import FigureError, Run  # noqa: E402
from .sections import sections  # noqa: E402
from .timeseries import timeseries  # noqa: E402

__all__ = ["Run", "FigureError", "timeseries", "sections", "animation"]
