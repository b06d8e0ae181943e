#!/usr/bin/python3
"""The layering of sim/ (sim/README.md): sys -> core -> models -> io -> run -> driver -> main.

Two rules, both checked here:
- includes: a file of a layer includes only headers of its own layer or the layers below it
  (sim/include/mhbase.h belongs to sys, mhmodel.h to core, microheal.h to run); a model includes
  only mhbase.h, mhmodel.h and its own folder's headers;
- calls: every MH* symbol a layer's library leaves undefined is defined by its own library or a
  lower layer's (nm on build/sim/libmh_<layer>.a), so no layer calls up.
And the picture is the build: the diagram in sim/README.md names the layers top-down in the
reverse of the link order.
The layer order and each library's sources are read from sim/CMakeLists.txt (MH_LAYERS). Before
checking the tree the script checks itself on a planted violation of each rule."""
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.environ.get("MH_SOURCE", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
CMAKE = open(os.path.join(ROOT, "sim", "CMakeLists.txt")).read()
LAYERS = re.search(r"set\(MH_LAYERS ([^)]*)\)", CMAKE).group(1).split() + ["main"]
# public headers: the layer each belongs to
PUBLIC = {"mhbase.h": "sys", "mhmodel.h": "core", "microheal.h": "run"}


def header_layer(name, folder_layer):
    """The layer a header named in an #include belongs to (None: not microheal's)."""
    if name in PUBLIC:
        return PUBLIC[name]
    for layer in LAYERS:
        if os.path.exists(os.path.join(ROOT, "sim", layer, name)):
            return layer
    return folder_layer if folder_layer == "models" else None  # a model's own header


def include_problems(path, layer):
    out = []
    for n, line in enumerate(open(path, errors="replace"), 1):
        m = re.match(r'\s*#\s*include\s*"([^"]+)"', line)
        if not m:
            continue
        name = os.path.basename(m.group(1))
        owner = header_layer(name, layer)
        if owner is None:
            continue
        if layer == "models" and name not in ("mhbase.h", "mhmodel.h") and owner != "models":
            out.append(f"{path}:{n}: a model includes {m.group(1)} (models see mhmodel.h only)")
        elif LAYERS.index(owner) > LAYERS.index(layer):
            out.append(f"{path}:{n}: layer {layer} includes {m.group(1)} of the higher layer {owner}")
    return out


def tree_files():
    for layer in LAYERS[:-1]:
        d = os.path.join(ROOT, "sim", layer) if layer != "models" else os.path.join(ROOT, "models")
        for base, _, files in os.walk(d):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(base, f), layer
    for f in os.listdir(os.path.join(ROOT, "sim", "include")):
        yield os.path.join(ROOT, "sim", "include", f), PUBLIC[f]
    yield os.path.join(ROOT, "sim", "main.c"), "main"


def symbols(lib):
    """(defined, undefined) MH* symbols of a static library."""
    out = subprocess.run(["nm", "-g", lib], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        p = line.split()
        if len(p) >= 2 and p[-1].startswith("MH"):
            (undefined if p[-2] == "U" else defined).add(p[-1])
    return defined, undefined


def call_problems(libs):
    """libs: layer -> (defined, undefined). A symbol left undefined by a layer must be defined at or below it."""
    out, below = [], set()
    for layer in LAYERS[:-1]:
        defined, undefined = libs[layer]
        below |= defined
        for s in sorted(undefined - below):
            owner = next((l for l in LAYERS[:-1] if s in libs[l][0]), "no layer")
            out.append(f"libmh_{layer}.a calls {s}, defined in {owner}")
    return out


def diagram_problems(readme):
    """The layers sim/README.md's diagram draws, top-down ("main.c", then "driver/ libmh_driver"
    ...), against the link order."""
    block = re.search(r"```\n(.*?)```", readme, re.S)
    drawn = []
    for line in (block.group(1) if block else "").splitlines():
        m = re.match(r"\s*(main\.c|([a-z]+)/\s+libmh_\2)\b", line)
        if m:
            drawn.append("main" if m.group(1) == "main.c" else m.group(2))
    want = list(reversed(LAYERS))
    if drawn != want:
        return [f"sim/README.md draws the layers {' > '.join(drawn)}; the link order (MH_LAYERS) is {' > '.join(want)}"]
    return []


def self_check():
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "x.c")
        open(f, "w").write('#include "mhrun.h"\n#include "mhsys.h"\n')
        assert len(include_problems(f, "core")) == 1, "the include check misses core including mhrun.h"
        assert include_problems(f, "driver") == [], "the include check rejects driver including mhrun.h"
        open(f, "w").write('#include "microheal.h"\n')
        assert len(include_problems(f, "models")) == 1, "the include check lets a model include microheal.h"
    libs = {l: (set(), set()) for l in LAYERS[:-1]}
    libs["core"] = ({"MHGridCreate"}, {"MHSimSolve"})
    libs["run"] = ({"MHSimSolve"}, {"MHGridCreate"})
    assert call_problems(libs) == ["libmh_core.a calls MHSimSolve, defined in run"], "the call check misses core calling run"
    good = "```\n  main.c   x\n" + "".join(f"  {l}/   libmh_{l}   x\n" for l in reversed(LAYERS[:-1])) + "```\n"
    assert diagram_problems(good) == [], "the diagram check rejects the link order"
    swapped = good.replace("  io/", "  XX/").replace("  run/", "  io/").replace("  XX/", "  run/").replace("libmh_io", "libmh_XX").replace("libmh_run", "libmh_io").replace("libmh_XX", "libmh_run")
    assert len(diagram_problems(swapped)) == 1, "the diagram check misses two layers drawn swapped"


def main():
    self_check()
    problems = diagram_problems(open(os.path.join(ROOT, "sim", "README.md")).read())
    for path, layer in tree_files():
        problems += include_problems(path, layer)
    build = os.path.dirname(os.environ["MH_EXE"]) if "MH_EXE" in os.environ else os.path.join(ROOT, "build")
    libs = {}
    for layer in LAYERS[:-1]:
        lib = os.path.join(build, "sim", f"libmh_{layer}.a")
        if not os.path.exists(lib):
            problems.append(f"{lib} is missing: is the layer list in sim/CMakeLists.txt the one built?")
            continue
        libs[layer] = symbols(lib)
    if len(libs) == len(LAYERS) - 1:
        problems += call_problems(libs)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
