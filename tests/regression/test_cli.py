"""The executable as a user meets it: help with units, version, strict options, clear errors,
no overwriting, and a self-describing HDF5 file."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

d = mhtest.tmpdir()

# -help lists the model's options with their units, and the grid/time options
rc, out = mhtest.run(["-model", "fisher_kpp", "-help"], malloc_dump=False)
for opt in ["-fisher_kpp_diffusivity_mm2_per_day", "(mm^2/day)", "-fisher_kpp_growth_rate_per_day", "(1/day)",
            "-nx", "-length_x", "(mm)", "-t_end", "(day)", "-output", "-ts_type"]:
    mhtest.check(opt in out, f"-help output lacks {opt}")
# microheal's options come first (before PETSc's banner and solvers), each line ends in its unit
# or kind, never in PETSc's empty "()"; the options -sweep sets internally are not listed
mhtest.check("Options for all PETSc programs" not in out and out.index("-model") < out.index("-ts_type"),
             "-help: microheal's options are not first")
ours = [l for l in out.splitlines() if l.startswith("  -") and not l.lstrip("- ").split(" ")[0].split(":")[0]
        .startswith(("ts_", "snes_", "ksp_", "pc_", "mg_", "mat_", "vec_", "dm_", "da_refine", "log", "help", "viewer"))]
mhtest.check(len(ours) > 20, f"-help lists {len(ours)} microheal options")
for l in ours:
    mhtest.check(l.rstrip().endswith(")") and not l.rstrip().endswith("()"), f"-help line without a unit: {l}")
mhtest.check("-sweep_point" not in out and "-sweep_files" not in out, "-help lists the internal -sweep_point/-sweep_files")
# a per-layer option shows all its defaults, not only the first
rc, out = mhtest.run(["-model", "microneedling", "-help"], malloc_dump=False)
vasc = [l for l in out.splitlines() if l.startswith("  -microneedling_vascular ")]
mhtest.check(len(vasc) == 1 and "default 0.,0.,1.,1.,1." in vasc[0], f"-help per-layer default: {vasc}")

# -help without a model lists the models
rc, out = mhtest.run(["-help"], malloc_dump=False)
for name in ["template", "fisher_kpp"]:
    mhtest.check(name in out, f"-help without -model does not list model {name}")

# -version names the version and the git revision, in one line (no PETSc banner)
rc, out = mhtest.run(["-version"])
mhtest.check("microheal" in out and "git" in out, f"-version printed: {out}")
mhtest.check(len(out.strip().splitlines()) == 1 and out.startswith("microheal "), f"-version printed more than its one line:\n{out}")

# PETSc's own options that only its finalize reads are known options, and do their job
for opt, shows in [("-options_left", "There are no unused options"), ("-options_view", "#End of PETSc Option Table entries")]:
    rc, out = mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-output", "none", "-quiet", opt], malloc_dump=False)
    mhtest.check("unknown option" not in out and shows in out, f"{opt}: printed\n{out[-2000:]}")

# more ranks than the grid can split: one line naming the grid and how many ranks fit
rc, out = mhtest.run(["-options_file", "configs/demo.yaml", "-nx", "4", "-nz", "6", "-output", "none", "-quiet"], ranks=9, expect_rc=1, malloc_dump=False)
mhtest.check("9 ranks cannot share a grid of 4 (x) x 6 (z) cells" in out and "at most 6 ranks" in out and "MPI_ABORT" not in out, f"9 ranks on 4 x 6 cells:\n{out[-2000:]}")

# no model: a clear error
rc, out = mhtest.run([], expect_rc=1)
mhtest.check("no model chosen" in out, f"running without -model: {out}")

# an option nothing reads is an error naming it, from the command line and from a YAML file
rc, out = mhtest.run(["-options_file", "configs/fisher_kpp.yaml", "-output", "none", "-quiet", "-no_such_option", "1"], expect_rc=1)
mhtest.check("-no_such_option" in out and "unknown option" in out, f"unknown option not named: {out}")
bad = os.path.join(d, "typo.yaml")
with open(bad, "w") as f:
    f.write("model: fisher_kpp\nfisher_kpp:\n  growth_rate_per_dya: 1\noutput: none\nquiet: true\n")
rc, out = mhtest.run(["-options_file", bad, "-output", os.path.join(d, "typo.h5")], expect_rc=1)
mhtest.check("-fisher_kpp_growth_rate_per_dya" in out, f"YAML typo not named: {out}")
# ... with the file and line it was given on and the option probably meant, before anything is written
mhtest.check(f"in {bad}, line 3" in out and "did you mean -fisher_kpp_growth_rate_per_day?" in out,
             f"YAML typo: no file, line or suggestion: {out}")
mhtest.check(not os.path.exists(os.path.join(d, "typo.h5")), "a run with an unknown option wrote its output")
# a model option given without the model's prefix is matched to it
with open(bad, "w") as f:
    f.write("model: fisher_kpp\ngrowth_rate_per_day: 1\noutput: none\nquiet: true\n")
rc, out = mhtest.run(["-options_file", bad], expect_rc=1)
mhtest.check("line 2" in out and "did you mean -fisher_kpp_growth_rate_per_day?" in out, f"unprefixed model option: {out}")

# out-of-range values: one line naming option, value and range
for args, name in [(["-fisher_kpp_growth_rate_per_day", "-1"], "-fisher_kpp_growth_rate_per_day"),
                   (["-nx", "0"], "-nx"), (["-t_end", "-3"], "-t_end"), (["-length_x", "nan"], "-length_x"),
                   (["-model", "no_such_model"], "no_such_model"), (["-dim", "4"], "-dim"),
                   (["-bc_x_min", "periodic"], "periodic")]:
    rc, out = mhtest.run(["-model", "fisher_kpp", "-output", "none", "-quiet"] + args, expect_rc=1)
    lines = [l for l in out.splitlines() if l.startswith("microheal: error:")]
    mhtest.check(len(lines) == 1 and name in lines[0], f"{args}: expected one error line naming {name}, got:\n{out}")

# a run writes a self-describing file; a second run does not overwrite it unless asked
path = os.path.join(d, "sub", "f.h5")
args = ["-options_file", "configs/fisher_kpp.yaml", "-nx", "100", "-t_end", "5", "-output", path, "-quiet",
        "-output_count", "5"]
mhtest.run(args)
o = mhtest.read(path)
mhtest.check(np.allclose(o["time"], [0, 1, 2, 3, 4, 5]), f"output times {o['time']}")
mhtest.check(o["fields"]["u"].shape == (6, 100), f"field shape {o['fields']['u'].shape}")
x = o["grid"]["x"]
mhtest.check(x.shape == (100,) and abs(x[0] - 0.1) < 1e-12 and abs(x[-1] - 19.9) < 1e-12, f"cell centres {x[:3]} ... {x[-3:]}")
for key in ["model", "version", "git_revision", "petsc_version", "options", "field_names", "field_units", "length_unit", "time_unit"]:
    mhtest.check(key in o["attrs"], f"root attribute {key} missing")
mhtest.check(o["attrs"]["length_unit"] == "mm" and o["attrs"]["time_unit"] == "day", "units")
mhtest.check(abs(o["parameters"]["growth_rate_per_day"] - 0.6912) < 1e-15, "parameters group")
t = o["table"]["t"]
mhtest.check(t[0] == 0 and abs(t[-1] - 5) < 1e-12 and np.all(np.diff(t) > 0), "monitor table times")
mhtest.check("front_position" in o["table"] and "u_integral" in o["table"], "monitor columns")
mhtest.check(abs(o["outcomes"]["front_position"] - o["table"]["front_position"][-1]) < 1e-14, "final outcome")
before = open(path, "rb").read()
rc, out = mhtest.run(args, expect_rc=1)
mhtest.check("exists" in out and "-output_overwrite" in out, f"overwrite refusal: {out}")
mhtest.check(open(path, "rb").read() == before, "an existing output was modified by a refused run")
mhtest.run(args + ["-output_overwrite", "-output_spacing", "log", "-output_log_first", "0.01"])
o = mhtest.read(path)
mhtest.check(np.allclose(o["time"], [0, 0.01, 0.01 * 500 ** 0.25, 0.01 * 500 ** 0.5, 0.01 * 500 ** 0.75, 5]), f"log output times {o['time']}")

# provenance: the command line, the options file named on it and its text, the (empty) event list
import h5py  # noqa: E402

with h5py.File(path, "r") as f:
    a = f.attrs
    mhtest.check("-options_file configs/fisher_kpp.yaml" in a["command_line"], f"command_line: {a['command_line']}")
    mhtest.check(a["config_files"] == "configs/fisher_kpp.yaml", f"config_files: {a['config_files']}")
    text = open(os.path.join(mhtest.SOURCE, "configs/fisher_kpp.yaml")).read()
    mhtest.check(a["config_text"] == "# file: configs/fisher_kpp.yaml\n" + text, "config_text differs from the file's text")
    mhtest.check(len(a["started_utc"]) == 20 and a["hostname"], "started_utc / hostname")
    mhtest.check(f["events"].shape == (0,) and f["events"].attrs["units"] == "day", "/events")
    mhtest.check(f["grid"].attrs["bc_x_min"] == "zero_flux", f"/grid bc_x_min {f['grid'].attrs['bc_x_min']}")
    # for the tools people use: string attributes as str, counts as integers, units on the
    # datasets themselves, and HDF5 dimension scales naming every axis of the fields and monitors
    u = f["fields/u"]
    mhtest.check(isinstance(u.attrs["units"], str) and isinstance(a["model"], str), "string attributes are not str")
    mhtest.check(isinstance(a["dim"], np.integer) and isinstance(a["mpi_ranks"], np.integer), "dim/mpi_ranks are not integers")
    mhtest.check(f["grid/x"].attrs["units"] == "mm" and f["grid/x_faces"].attrs["units"] == "mm", "units on /grid/x")
    mhtest.check([d.label for d in u.dims] == ["time", "x"], f"field axes labelled {[d.label for d in u.dims]}")
    mhtest.check([s.name for s in u.dims[0].values()] == ["/time"] and [s.name for s in u.dims[1].values()] == ["/grid/x"],
                 "field axes' dimension scales are not /time and /grid/x")
    mhtest.check(np.array_equal(u.dims[1][0][:], f["grid/x"][:]), "the x scale differs from /grid/x")
    mhtest.check([d.label for d in f["monitors/table"].dims] == ["step", "column"], "monitor table axes unlabelled")

# the reader gives the fields as an xarray Dataset with labelled coordinates (where xarray exists)
try:
    import xarray  # noqa: F401
except ImportError:
    xarray = None
if xarray is not None:
    sys_path = os.path.join(mhtest.SOURCE, "scripts")
    import sys  # noqa: E402
    sys.path.insert(0, sys_path)
    import mhread  # noqa: E402
    with mhread.Output(path) as out_file:
        ds = out_file.dataset()
        mhtest.check(ds["u"].dims == ("time", "x") and ds["u"].attrs["units"] == out_file.units["u"], f"dataset dims {ds['u'].dims}")
        mhtest.check(np.array_equal(ds["time"].values, out_file.time) and ds["x"].attrs["units"] == "mm", "dataset coordinates")
        mhtest.check(np.array_equal(ds["u"].values, out_file.field("u")), "dataset values differ from the file")

# progress and summary: -quiet prints nothing; in a log, a plain line at each output time and a
# summary naming the files; on a terminal, one line rewritten in place
short = ["-options_file", "configs/fisher_kpp.yaml", "-nx", "100", "-t_end", "5", "-output_count", "5"]
rc, out = mhtest.run(short + ["-output", path, "-output_overwrite", "-quiet"])
mhtest.check(out.strip() == "", f"-quiet printed:\n{out}")
rc, out = mhtest.run(short + ["-output", path, "-output_overwrite", "-progress_interval", "0"])
lines = [l for l in out.splitlines() if l.startswith("[microheal] t =")]
mhtest.check(len(lines) == 6 and "(100.0%)" in lines[-1] and "left ~" in lines[-2] and "\r" not in out,
             f"progress lines in a log: expected 6 (one per output time):\n{out}")
xmf = path[:-3] + ".xmf"
for want in ["Done: t = 5 day", "Outcomes:", "front_position", "Files:", path, xmf, "XDMF Reader"]:
    mhtest.check(want in out, f"summary lacks {want!r}:\n{out}")

import pty  # noqa: E402
import subprocess  # noqa: E402

master, slave = pty.openpty()
p = subprocess.Popen([mhtest.EXE] + short + ["-output", "none"], stdout=slave, stderr=slave, cwd=mhtest.SOURCE)
os.close(slave)
chunks = []
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:
        break
    if not chunk:
        break
    chunks.append(chunk)
p.wait()
tty = b"".join(chunks).decode()
mhtest.check(p.returncode == 0, f"run on a terminal exited {p.returncode}:\n{tty}")
mhtest.check("\r\x1b[K[microheal] t =" in tty and "\r\x1b[KDone:" in tty and "[microheal] t = 5 of 5 day (100.0%)" in tty,
             f"on a terminal the progress line is not rewritten in place:\n{tty!r}")
mhtest.check(not any(l.startswith("[microheal] t =") for l in tty.replace("\r\n", "\n").split("\n")),
             "on a terminal a progress line ended with a newline")
