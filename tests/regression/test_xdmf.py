"""The XDMF sidecar describes its HDF5 file exactly: small runs (1-D fisher_kpp, 2-D microneedling
with two sessions on 1 and 2 ranks, 3-D microneedling unit cell) are parsed with xml.etree and
every reference checked with h5py: it names a dataset of the HDF5 file next to the sidecar,
relative to it, with the declared shape; one rectilinear grid per output time, its Time the
file's /time; the topology's node counts those of the faces its geometry items hold (slowest
axis first: z, y, x); one cell-centred attribute per field, whose hyperslab lies inside
/fields/<name>, selects as many values as the grid has cells and reads /fields/<name>[k] at
step k. Also the sidecar's name: foo.h5, foo.hdf5 -> foo.xmf, bar -> bar.xmf, a.b/c -> a.b/c.xmf;
-output_xdmf 0 writes none.
With arguments (test_xdmf.py out/demo/demo.xmf ...) it checks those sidecars instead, against the
HDF5 file each names."""
import glob
import math
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

d = mhtest.tmpdir()
quiet = ["-quiet"]
fisher = ["-options_file", "configs/fisher_kpp.yaml", "-nx", "40", "-t_end", "4", "-output_count", "4"] + quiet
# two sessions: a snapshot right after the second, between the regular output times
mn2d = ["-model", "microneedling", "-nx", "8", "-nz", "16", "-microneedling_sessions", "2",
        "-microneedling_interval_days", "0.75", "-microneedling_follow_up_days", "0.5", "-output_count", "4"] + quiet
mn3d = ["-model", "microneedling", "-dim", "3", "-nx", "4", "-ny", "4", "-nz", "24",
        "-microneedling_follow_up_days", "0.5", "-output_count", "4"] + quiet


def ints(text):
    return [int(v) for v in text.split()]


def check_sidecar(xmf, h5):
    """Every check of the module docstring on one sidecar and its HDF5 file."""
    what = os.path.basename(xmf)
    try:
        root = ET.parse(xmf).getroot()
    except ET.ParseError as e:
        mhtest.fail(f"{what}: not well-formed XML: {e}")
    f = h5py.File(h5, "r")
    times = f["time"][:]
    names = f.attrs["field_names"].split(",")
    axes = [a for a in "xyz" if f"grid/{a}_faces" in f]

    def hdf(item, where):
        """The dataset an HDF DataItem names, after checking the reference and declared shape."""
        ref = (item.text or "").strip()
        mhtest.check(item.get("Format") == "HDF" and ":" in ref, f"{what} {where}: not an HDF reference: {ref!r}")
        name, path = ref.split(":", 1)
        mhtest.check(not os.path.isabs(name) and os.path.exists(os.path.join(os.path.dirname(xmf), name))
                     and os.path.samefile(os.path.join(os.path.dirname(xmf), name), h5),
                     f"{what} {where}: {ref!r} should name {os.path.basename(h5)} relative to the sidecar")
        mhtest.check(path in f and isinstance(f[path], h5py.Dataset), f"{what} {where}: {path} is not a dataset of {h5}")
        ds = f[path]
        mhtest.check(ints(item.get("Dimensions")) == list(ds.shape),
                     f"{what} {where}: {path} declared {item.get('Dimensions')}, the dataset is {ds.shape}")
        mhtest.check(item.get("NumberType") == "Float" and item.get("Precision") == "8" and ds.dtype == np.float64,
                     f"{what} {where}: {path} declared {item.get('NumberType')}/{item.get('Precision')}, stored {ds.dtype}")
        return ds

    dom = root.find("Domain")
    mhtest.check(root.tag == "Xdmf" and dom is not None and len(dom.findall("Grid")) == 1, f"{what}: expected Xdmf/Domain/Grid")
    coll = dom.find("Grid")
    mhtest.check(coll.get("GridType") == "Collection" and coll.get("CollectionType") == "Temporal",
                 f"{what}: the top grid is {coll.get('GridType')}/{coll.get('CollectionType')}, expected a temporal collection")
    steps = coll.findall("Grid")
    mhtest.check(len(steps) == len(times), f"{what}: {len(steps)} time steps, /time holds {len(times)}")
    for k, g in enumerate(steps):
        where = f"step {k}"
        t = float(g.find("Time").get("Value"))
        mhtest.check(t == times[k], f"{what} {where}: Time {t!r}, /time[{k}] = {times[k]!r}")
        topo, geom = g.find("Topology"), g.find("Geometry")
        items = geom.findall("DataItem")
        n = len(items)
        mhtest.check(topo.get("TopologyType") == f"{n}DRectMesh" and geom.get("GeometryType") == "VXVYVZ"[:2 * n],
                     f"{what} {where}: {topo.get('TopologyType')} with {geom.get('GeometryType')} of {n} items")
        # geometry: VX, VY(, VZ), each the faces of an axis of the file, in x, y, z order, or inline
        # (one cell across) for an axis the run does not have
        held, nodes = [], []
        for i, item in enumerate(items):
            if item.get("Format") == "XML":
                v = [float(s) for s in item.text.split()]
                mhtest.check(ints(item.get("Dimensions")) == [len(v)] and len(v) == 2 and v[1] > v[0],
                             f"{what} {where}: inline coordinate item {i}: {item.text!r}")
                nodes.append(2)
                continue
            ds = hdf(item, f"{where} geometry item {i}")
            axis = ds.name[len("/grid/"):-len("_faces")]
            mhtest.check(ds.name == f"/grid/{axis}_faces" and axis in axes,
                         f"{what} {where}: geometry item {i} is {ds.name}, expected one of /grid/<{','.join(axes)}>_faces")
            mhtest.check(n == 2 or axis == "xyz"[i], f"{what} {where}: VXVYVZ item {i} holds {axis}, expected {'xyz'[i]}")
            held.append(axis)
            nodes.append(ds.shape[0])
        mhtest.check(held == axes, f"{what} {where}: geometry holds the faces of {held}, the file's axes are {axes}")
        topo_dims = ints(topo.get("Dimensions"))
        mhtest.check(topo_dims == nodes[::-1], f"{what} {where}: topology Dimensions {topo_dims}, the geometry "
                     f"items hold {nodes[::-1]} nodes (slowest axis first)")
        ncells = math.prod(m - 1 for m in topo_dims)
        # the grid's cells, slowest first, without the inline axes: the shape of a row of /fields/<name>
        row = [m - 1 for m, item in zip(topo_dims, items[::-1]) if item.get("Format") == "HDF"]
        attrs = g.findall("Attribute")
        mhtest.check([a.get("Name") for a in attrs] == names,
                     f"{what} {where}: attributes {[a.get('Name') for a in attrs]}, field_names {names}")
        for a in attrs:
            name = a.get("Name")
            aw = f"{where} attribute {name}"
            mhtest.check(a.get("Center") == "Cell" and a.get("AttributeType") == "Scalar",
                         f"{what} {aw}: {a.get('AttributeType')} at {a.get('Center')}, expected a cell-centred scalar")
            slab = a.find("DataItem")
            mhtest.check(slab.get("ItemType") == "HyperSlab", f"{what} {aw}: ItemType {slab.get('ItemType')}, expected HyperSlab")
            mhtest.check(math.prod(ints(slab.get("Dimensions"))) == ncells,
                         f"{what} {aw}: hyperslab Dimensions {slab.get('Dimensions')}, the grid has {ncells} cells")
            sel, target = slab.findall("DataItem")
            ds = hdf(target, aw)
            mhtest.check(ds.name == f"/fields/{name}", f"{what} {aw}: reads {ds.name}")
            mhtest.check(list(ds.shape[1:]) == row, f"{what} {aw}: {ds.name} rows are {ds.shape[1:]}, the grid's cells {row}")
            r = len(ds.shape)
            v = ints(sel.text)
            mhtest.check(sel.get("Format") == "XML" and ints(sel.get("Dimensions")) == [3, r] and len(v) == 3 * r,
                         f"{what} {aw}: hyperslab selection {sel.get('Dimensions')}: {sel.text!r}, expected 3 x {r} integers")
            start, stride, count = v[:r], v[r:2 * r], v[2 * r:]
            inside = all(s >= 0 and st >= 1 and c >= 1 and s + (c - 1) * st < m
                         for s, st, c, m in zip(start, stride, count, ds.shape))
            mhtest.check(inside, f"{what} {aw}: start {start} stride {stride} count {count} outside {ds.shape}")
            mhtest.check(math.prod(count) == ncells and start[0] == k and count[0] == 1,
                         f"{what} {aw}: selects {count} from {start}, expected one row ({ncells} cells) at {k}")
            got = ds[tuple(slice(s, s + (c - 1) * st + 1, st) for s, st, c in zip(start, stride, count))]
            mhtest.check(np.array_equal(got.reshape(-1), ds[k].reshape(-1)),
                         f"{what} {aw}: the hyperslab reads other values than {ds.name}[{k}]")
    f.close()


def xmf_text(path, h5name):
    with open(path) as fp:
        return fp.read().replace(h5name + ":", "FILE:")


if len(sys.argv) > 1:
    for xmf in sys.argv[1:]:
        h5 = ET.parse(xmf).getroot().find(".//DataItem[@Format='HDF']").text.split(":")[0]
        check_sidecar(xmf, os.path.join(os.path.dirname(xmf), h5))
        print(f"{xmf}: every reference checked against {h5}")
    sys.exit(0)

runs = [("fisher", fisher, 1), ("mn2d.h5", mn2d, 1), ("mn2d_np2.h5", mn2d, 2), ("mn3d.h5", mn3d, 1)]
for out, args, ranks in runs:
    mhtest.run(args + ["-output", f"{d}/{out}"], ranks=ranks)
    check_sidecar(f"{d}/{os.path.splitext(out)[0]}.xmf", f"{d}/{out}")
mhtest.check(xmf_text(f"{d}/mn2d.xmf", "mn2d.h5") == xmf_text(f"{d}/mn2d_np2.xmf", "mn2d_np2.h5"),
             "the sidecar of the 2-rank run differs from the 1-rank one (beyond the file name)")

# the name rule
os.makedirs(f"{d}/a.b")
for out, xmf in (("g.hdf5", "g.xmf"), ("a.b/c", "a.b/c.xmf"), ("v1.5", "v1.5.xmf")):
    mhtest.run(fisher + ["-output_count", "1", "-output", f"{d}/{out}"])
    mhtest.check(os.path.isfile(f"{d}/{xmf}"), f"-output {out}: expected the sidecar {xmf}, found {sorted(os.listdir(d))}")
mhtest.run(fisher + ["-output_count", "1", "-output", f"{d}/plain.h5", "-output_xdmf", "0"])
mhtest.check(not glob.glob(f"{d}/plain*xmf*"), f"-output_xdmf 0 wrote {glob.glob(f'{d}/plain*xmf*')}")
left = glob.glob(f"{d}/**/*.tmp", recursive=True)
mhtest.check(not left, f"temporary sidecars left behind: {left}")
