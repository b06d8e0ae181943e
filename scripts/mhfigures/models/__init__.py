"""The models' own figure modules, chosen by an output file's `model` root attribute.

REGISTRY maps a model name to its module in this folder; a model without one gets the generic
figures only. A module may define any of (all optional; `run` is an mhfigures.Run):

    SECTION_FIELDS                      default fields of the sections (those in the run; or a
                                        function of the run returning them)
    session_times(run)                  the events the figures mark as sessions (default: /events)
    ANIMATION_FIELD                     default field of the animation (if in the run)
    default_time_indices(run)           output indices of the sections by default, or None
    title_extra(run)                    text after '<model> — <file>: ' in the titles, or ''
    timeseries_panels(run, tab)         [(draw(ax), description)] from the monitor table `tab`;
                                        none: the generic panels (mean/min/max per field, outcomes)
    layers(run)                         [(label, top, bottom)] of depth layers in the x-z figures:
                                        boundaries, a key, 'depth z', grey where a field is absent
    overlays(run, ax, t, y_slice)       artists drawn on an x-z panel at time t (redrawn per frame)
    section_notes(run)                  notes under the sections (before the generic ones)
"""
import importlib

REGISTRY = {"microneedling": "microneedling"}


def for_model(name):
    """The figure module of model `name`, or None."""
    mod = REGISTRY.get(name)
    return importlib.import_module(f"{__name__}.{mod}") if mod else None
