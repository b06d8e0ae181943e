"""Class C of tests/fault/fault_files.py: -restart and -initial_condition_file."""
import os
import re
import shutil

import h5py
import numpy as np

from .helpers import FIX, MN, MNR, case, foreign_h5, replace_arg, write


# ---- C: restarts -----------------------------------------------------------------------------

def restart_setup(c, number=3, output="ref", all_checkpoints=False, guard=True):
    """Copies of the reference output (or another run's) as run.h5 and its checkpoint number as
    run.checkpoint-00000<number>.h5 (all of them with all_checkpoints); returns (output, checkpoint)."""
    out = c.copy(FIX[output + ".h5"], "run.h5", guard)
    numbers = range(1, 6) if all_checkpoints else [number]
    for k in numbers:
        c.copy(FIX[f"ref.chk{k}"], f"run.checkpoint-{k:06d}.h5", guard)
    return out, c.path(f"run.checkpoint-{number:06d}.h5")


@case("C", "restart-same-options-last", "control: -restart from the last checkpoint with the same options succeeds, all snapshots",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, 5, all_checkpoints=True, guard=False)
    for k in range(1, 6):  # the checkpoint restarted from and the older ones are inputs
        c.guard(c.path(f"run.checkpoint-{k:06d}.h5"))
    if c.expect_ok(c.run(MNR + ["-output", out, "-restart", chk], n)):
        c.expect_output(out, 5)
        with h5py.File(out, "r") as f, h5py.File(FIX["ref.h5"], "r") as g:
            if len(f["time"]) == len(g["time"]) and not np.allclose(f["time"][:], g["time"][:], rtol=0, atol=1e-12):
                c.problem("other", f"output times {f['time'][:]} against {g['time'][:]}")


@case("C", "restart-same-options-middle", "control: -restart from checkpoint 2 of 5 (the later ones present) succeeds, all snapshots",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, 2, all_checkpoints=True, guard=False)
    for k in (1, 2):
        c.guard(c.path(f"run.checkpoint-{k:06d}.h5"))
    if c.expect_ok(c.run(MNR + ["-output", out, "-restart", chk], n)):
        c.expect_output(out, 5)


# (to keep the battery within its time, a check that shares its code with another one runs on
# one rank only: the options recorded in a checkpoint are compared in one place)
RESTART_DIFFS = [
    ("needle-length", "a different -microneedling_needle_length_mm", MNR + ["-microneedling_needle_length_mm", "0.5"],
     [r"-microneedling_needle_length_mm"], (1, 2)),
    ("output-count", "a different -output_count", replace_arg(MNR, "-output_count", "5"), [r"-output_count"], (1,)),
    ("output-spacing", "-output_spacing log", MNR + ["-output_spacing", "log"], [r"-output_spacing"], (1,)),
    ("t-end", "a different -t_end", replace_arg(MNR, "-t_end", "0.02"), [r"-t_end"], (1,)),
    ("grid", "a different grid (-nx)", replace_arg(MNR, "-nx", "10"), [r"-nx|grid"], (1, 2)),
    ("model", "another model (fisher_kpp)", ["-model", "fisher_kpp", "-nx", "50", "-t_end", "0.01", "-output_count", "4",
                                             "-checkpoint_interval", "0.002", "-checkpoint_keep", "10", "-quiet"],
     [r"-model|microneedling|fisher_kpp"], (1, 2)),
]
for _key, _desc, _args, _pats, _ranks in RESTART_DIFFS:
    @case("C", f"restart-{_key}", f"-restart with {_desc}", ranks=_ranks)
    def _(c, n, args=_args, pats=_pats):
        out, chk = restart_setup(c)
        c.expect_error(c.run(args + ["-output", out, "-restart", chk], n), pats)


@case("C", "restart-other-run-output", "-restart onto the output of another run of the same options (another run id)",
      ranks=(1, 2))
def _(c, n):
    out, chk = restart_setup(c, output="other")
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart|-output"])


@case("C", "restart-nan-state", "-restart from a checkpoint whose /state holds a NaN", ranks=(1, 2))
def _(c, n):
    out = c.copy(FIX["ref.h5"], "run.h5")
    chk = c.copy(FIX["ref.chk3"], "run.checkpoint-000003.h5", guard=False)
    with h5py.File(chk, "r+") as f:
        s = f["state"][...]
        s.flat[s.size // 2] = np.nan
        f["state"][...] = s
    c.guard(chk)
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart", r"(?i)nan|finite"])


@case("C", "restart-missing-output", "-restart whose output is missing: nothing is created", ranks=(1, 2))
def _(c, n):
    chk = c.copy(FIX["ref.chk3"], "run.checkpoint-000003.h5")
    out = c.guard(c.path("run.h5"))
    c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart|-output", r"run\.h5"])


def bad_checkpoint(kind, path):
    """Makes path a bad checkpoint of the given kind."""
    data = open(FIX["ref.chk3"], "rb").read()
    if kind == "empty":
        write(path, b"")
    elif kind == "truncated":
        write(path, data[:len(data) // 2])
    elif kind == "text":
        write(path, "this is not a checkpoint\n" * 20)
    elif kind == "png":
        write(path, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    elif kind == "foreign-hdf5":
        foreign_h5(path)
    elif kind == "folder":
        os.makedirs(path)
    elif kind == "output-file":
        shutil.copyfile(FIX["ref.h5"], path)
    elif kind != "missing":
        raise ValueError(kind)


# kind, what, rank counts for -restart, for -initial_condition_file
BAD_FILES = [("empty", "an empty file", (1, 2), (1,)), ("truncated", "its first half", (1, 2), (1, 2)),
             ("text", "a text file", (1, 2), (1,)), ("png", "a PNG-like binary", (1,), (1,)),
             ("foreign-hdf5", "an HDF5 file that is no microheal file", (1, 2), (1, 2)),
             ("folder", "a folder", (1, 2), (1,)), ("missing", "a path that does not exist", (1, 2), (1, 2))]
for _kind, _desc, _ranks, _ in BAD_FILES + [("output-file", "a microheal output (not a checkpoint)", (1,), None)]:
    @case("C", f"restart-checkpoint-{_kind}", f"-restart from {_desc}", ranks=_ranks)
    def _(c, n, kind=_kind):
        out = c.copy(FIX["ref.h5"], "run.h5")
        chk = c.path("run.checkpoint-000003.h5")
        bad_checkpoint(kind, chk)
        c.guard(chk)
        c.expect_error(c.run(MNR + ["-output", out, "-restart", chk], n), [r"-restart", re.escape(os.path.basename(chk))])

for _kind, _desc, _, _ranks in BAD_FILES + [("other-grid", "an output of another grid (-nx 12)", None, (1, 2))]:
    @case("C", f"initial-condition-{_kind}", f"-initial_condition_file {_desc} (the good output kept)", ranks=_ranks)
    def _(c, n, kind=_kind):
        out = c.good(model="mn")
        ic = c.path("ic.h5")
        if kind == "other-grid":
            shutil.copyfile(FIX["mn12.h5"], ic)
        elif kind == "truncated":
            data = open(FIX["mn.h5"], "rb").read()
            write(ic, data[:len(data) // 2])
        else:
            bad_checkpoint(kind, ic)
        c.guard(ic)
        c.expect_error(c.run(MN + ["-output", out, "-output_overwrite", "-initial_condition_file", ic], n),
                       [r"-initial_condition_file", r"ic\.h5"])


@case("C", "initial-condition-ok", "control: -initial_condition_file of a good output succeeds and leaves that file unchanged")
def _(c, n):
    ic = c.copy(FIX["mn.h5"], "ic.h5")
    out = c.path("out.h5")
    if c.expect_ok(c.run(MN + ["-output", out, "-initial_condition_file", ic], n)):
        c.expect_output(out, 2)
