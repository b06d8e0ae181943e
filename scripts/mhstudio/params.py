"""The studio's teaching parameters: which -microneedling_* options the page offers, their ranges,
and the config (YAML) a run uses.

Units, help text and choices are read from the model itself (`microheal -model microneedling
-help`); defaults come from configs/demo.yaml, else the model's help. The help does not print
ranges, so RANGES below copies them. The source of truth is the table MNParams in
models/microneedling/parameter_table.c (and, for the needle length, the depth check of
parameters.c: channels must end above the bottom of the modelled skin). tests/regression/
test_studio.py checks every `model` range here against microheal (accepted at its ends, refused
just beyond), so the two cannot drift. `teach` is the narrower range the page offers (inside the
model's; the test checks its ends are accepted)."""
import math
import os
import re
import subprocess

import yaml

MODEL = "microneedling"
# name: kind, model range (lo, hi, lo_open, hi_open) as in parameter_table.c, teaching range (lo, hi)
# The needle length is bounded by the skin's depth (parameters.c: channels must end above the
# bottom of the modelled skin), which each skin preset sets: skin_depths() reads it from the model.
RANGES = {
    "needle_length_mm": {"kind": "real", "model": (0.0, math.inf, True, True), "teach": (0.1, 1.8), "step": 0.05},
    "density_per_cm2": {"kind": "real", "model": (1.0, 1e4, False, False), "teach": (25.0, 1000.0), "step": 5},
    "pattern": {"kind": "choice"},
    "sessions": {"kind": "int", "model": (0, 16, False, False), "teach": (0, 6), "step": 1},
    "interval_days": {"kind": "real", "model": (0.0, math.inf, True, True), "teach": (7.0, 90.0), "step": 1},
    "follow_up_days": {"kind": "real", "model": (0.0, math.inf, True, True), "teach": (7.0, 365.0), "step": 1},
    "skin": {"kind": "choice"},
    "age_years": {"kind": "real", "model": (18.0, 80.0, False, False), "teach": (20.0, 80.0), "step": 1},
    "scar": {"kind": "choice"},
}
ORDER = ["needle_length_mm", "density_per_cm2", "pattern", "sessions", "interval_days", "follow_up_days", "skin", "age_years", "scar"]
LABELS = {"needle_length_mm": "Needle length", "density_per_cm2": "Needle density", "pattern": "Pattern",
          "sessions": "Sessions", "interval_days": "Interval between sessions", "follow_up_days": "Follow-up after the last session",
          "skin": "Skin preset", "age_years": "Age", "scar": "Scar"}
# a random pattern needs a patch domain (5 mm wide by default): more lateral cells than the unit cell
RANDOM_NX = 40


class ParamError(ValueError):
    """A request names an unknown parameter or a value out of range (the message says which)."""


HELP_LINE = re.compile(r"^\s+-" + MODEL + r"_(\w+) <([^>]*)>:? (.*)$")


def read_help(exe):
    """{name: {"help", "unit", "default", "choices"}} of the model's options, from -help."""
    p = subprocess.run([exe, "-model", MODEL, "-help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"{exe} -model {MODEL} -help failed: {p.stdout.strip().splitlines()[-1:]}")
    out = {}
    for line in p.stdout.splitlines():
        m = HELP_LINE.match(line)
        if not m:
            continue
        name, default, rest = m.groups()
        default = default.split(":")[0].replace("now", "").strip()
        unit = re.search(r"\(([^()]*)\)\s*$", rest)
        entry = {"help": rest, "unit": unit.group(1) if unit else "", "default": default, "choices": None}
        c = re.search(r"\(choose one of\) (.*) \(choice\)\s*$", rest)
        if c:
            entry["choices"] = c.group(1).split()
            entry["help"] = rest[:c.start()].strip()
            entry["unit"] = ""
        elif unit:
            entry["help"] = rest[:unit.start()].strip()
        entry["help"] = entry["help"].replace(" (1 to 16 values)", "")
        out[name] = entry
    return out


LAYERS_LINE = re.compile(r"^\s+-" + MODEL + r"_layer_thickness_mm <.*?; default ([0-9.eE+,-]+) \{")


def skin_depths(exe, skins):
    """{skin: the modelled depth [mm]} of each preset: the sum, in order as the model sums it, of the
    layer thicknesses `-microneedling_skin <skin> -help` gives as the default (the same at any age:
    the hypodermis takes up the dermis's thinning)."""
    out = {}
    for skin in skins:
        p = subprocess.run([exe, "-model", MODEL, f"-{MODEL}_skin", skin, "-help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
        layers = [LAYERS_LINE.match(line) for line in p.stdout.splitlines()]
        layers = [m for m in layers if m]
        if p.returncode != 0 or len(layers) != 1:
            last = (p.stdout.strip().splitlines() or [""])[-1]
            raise RuntimeError(f"{exe} -model {MODEL} -{MODEL}_skin {skin} -help (exit {p.returncode}) gave no "
                               f"'-{MODEL}_layer_thickness_mm ... ; default a,b,c,d,e {{' line; its last line: {last}")
        depth = 0.0
        for mm in layers[0].group(1).split(","):
            depth += float(mm)
        out[skin] = depth
    return out


def load_base(source):
    """configs/demo.yaml as a dict: the studio's default protocol and grid."""
    with open(os.path.join(source, "configs", "demo.yaml")) as f:
        return yaml.safe_load(f)


def describe(exe, base):
    """The page's parameter list: name, label, kind, unit, help, range, step, default, choices."""
    helped = read_help(exe)
    demo = base.get(MODEL, {})
    out = []
    for name in ORDER:
        r = RANGES[name]
        if name not in helped:
            raise RuntimeError(f"microheal's -help has no -{MODEL}_{name}: the studio's table (scripts/mhstudio/params.py) is out of date")
        h = helped[name]
        d = {"name": name, "label": LABELS[name], "kind": r["kind"], "unit": h["unit"], "help": h["help"]}
        if r["kind"] == "choice":
            d["choices"] = h["choices"]
            d["default"] = str(demo.get(name, h["default"]))
        else:
            d["min"], d["max"] = r["teach"]
            d["step"] = r["step"]
            v = demo.get(name, h["default"].split(",")[0])
            d["default"] = int(v) if r["kind"] == "int" else float(v)
        out.append(d)
    for d in out:  # the needle length's bound per skin (check() applies it)
        if d["name"] == "needle_length_mm":
            d["skin_depth"] = skin_depths(exe, helped["skin"]["choices"])
    return out


def check(values, described):
    """The request's {name: value} checked against the page's list: returns the clean values
    (every parameter, defaults filled in) or raises ParamError with one clear sentence."""
    if not isinstance(values, dict):
        raise ParamError("the request must be a JSON object of parameters")
    known = {d["name"]: d for d in described}
    for k in values:
        if k not in known:
            raise ParamError(f"unknown parameter '{str(k)[:40]}'; the studio sets {', '.join(known)}")
    clean = {}
    for name, d in known.items():
        v = values.get(name, d["default"])
        if d["kind"] == "choice":
            if not isinstance(v, str) or v not in d["choices"]:
                raise ParamError(f"{d['label']}: '{str(v)[:40]}' is not one of {', '.join(d['choices'])}")
            clean[name] = v
            continue
        try:
            if isinstance(v, bool):
                raise ValueError
            x = float(v)
        except (TypeError, ValueError):
            raise ParamError(f"{d['label']}: '{str(v)[:40]}' is not a number") from None
        if not math.isfinite(x) or x < d["min"] or x > d["max"]:
            raise ParamError(f"{d['label']}: {v} is out of range; allowed {d['min']:g} to {d['max']:g} {d['unit']}")
        if d["kind"] == "int":
            if x != int(x):
                raise ParamError(f"{d['label']}: {v} is not a whole number")
            x = int(x)
        clean[name] = x
    depth = known["needle_length_mm"].get("skin_depth", {}).get(clean.get("skin"))
    if depth is not None and clean["needle_length_mm"] >= depth:
        raise ParamError(f"Needle length: {clean['needle_length_mm']:g} mm reaches below the {depth:g} mm of modelled {clean['skin']} skin; "
                         f"choose less than {depth:g} mm for this skin")
    return clean


def config(base, clean):
    """The options file of a run: configs/demo.yaml with the protocol replaced (a dict)."""
    cfg = dict(base)
    cfg[MODEL] = dict(base.get(MODEL, {}))
    cfg[MODEL].update(clean)
    if clean.get("pattern") == "random":
        cfg["nx"] = RANDOM_NX
    return cfg


def config_text(cfg, clean):
    head = ("# A microheal run made by the teaching studio (scripts/studio): configs/demo.yaml with this protocol.\n"
            "# Reproduce it:  build/microheal -options_file config.yaml -output run.h5\n")
    return head + yaml.safe_dump(cfg, sort_keys=False, default_flow_style=False)
