"""Whole runs of the executable on 1, 2 and 4 ranks write the same HDF5 fields (1e-10 relative):
template in 3-D and fisher_kpp in 2-D."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

d = mhtest.tmpdir()
tight = ["-ts_rtol", "1e-8", "-ts_atol", "1e-8", "-snes_rtol", "1e-13", "-snes_atol", "1e-14", "-snes_stol", "1e-16",
         "-ksp_rtol", "1e-13", "-ksp_atol", "1e-16", "-quiet", "-output_count", "4"]
cases = {
    "template3d": ["-model", "template", "-dim", "3", "-nx", "8", "-ny", "6", "-nz", "6", "-t_end", "0.2"],
    "fisher2d": ["-options_file", "configs/fisher_kpp.yaml", "-dim", "2", "-nx", "60", "-nz", "6", "-length_x", "6",
                 "-length_z", "1", "-t_end", "3"],
}
for name, args in cases.items():
    ref = None
    for ranks in (1, 2, 4):
        path = f"{d}/{name}_{ranks}.h5"
        mhtest.run(args + tight + ["-output", path], ranks=ranks)
        o = mhtest.read(path)
        if ref is None:
            ref = o
            continue
        mhtest.check(np.array_equal(o["time"], ref["time"]), f"{name}: output times differ on {ranks} ranks")
        for f, v in ref["fields"].items():
            err = np.max(np.abs(o["fields"][f] - v)) / np.max(np.abs(v))
            mhtest.check(err <= 1e-10, f"{name}: field {f} on {ranks} ranks differs from 1 rank by {err:.3g} (relative)")
