#!/usr/bin/env python3
"""Topical delivery through the channels (models/microneedling/delivery.c), whole runs:
- intact skin, steady state: with no needles and an infinite dose on excised skin (a receptor
  below), the flux into the viable skin equals the closed-form laminate result, the series
  resistance of the layers (sum of thickness / (diffusivity x partition), the receptor's
  reaction-diffusion layer included), to 1e-4 after ten days; treated and intact skin agree
  exactly when there are no channels;
- mass balance of every solute: applied = on the surface + in the skin + cleared + removed, to
  1e-10 relative at every output time, for two solutes (a small one and a hyaluronan), two
  applications (the second replacing the film) and a film wiped off in between; on two ranks the
  outcomes equal one rank's to 1e-9;
- grid convergence of the delivered amount: intact skin refined in depth (64, 128, 256 cells)
  converges at an observed order above 1.5; treated skin refined in depth (32, 64, 128 cells, 4
  across) converges: successive differences shrink more than 1.3-fold, the last under 10 %;
- the science: the channels raise delivery (enhancement above 3 for caffeine, 0.5 mm); a large
  hyaluronan crosses intact skin not at all but treated skin does; a serum 6 h after the session
  delivers less than one right after it, and one applied on the next day less still; longer needles
  deliver more; excised skin, whose channels do not heal, delivers more than living skin;
- eight solutes at once (the most), each conserved; a two-session course followed for eight weeks
  (channels closed to below 1e-160) completes and balances;
- bad input: an unknown solute without its properties, solute options without solutes, an
  application before the run starts, a capitalised name, a ninth solute: one error line each.
-verbose prints the measured numbers."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

VERBOSE = "-verbose" in sys.argv
THIN = ["-microneedling_layer_thickness_mm", "0.015,0.08,0.25,0.4,0.2"]  # thin skin: fewer cells
LAYERS = ["sc", "epidermis", "papillary", "reticular", "hypodermis"]


def run(tag, args, ranks=1):
    return mhtest.run_output(tag, ["-model", "microneedling"] + list(args), ranks=ranks)


def say(*a):
    if VERBOSE:
        print(*a)


def solutes_table(path):
    import h5py

    with h5py.File(path, "r") as f:
        t = f["model/solutes"]
        cols = t.attrs["columns"].split(",")
        rows = t.attrs["rows"].split(",")
        lay = f["model/layers"][()]
        return {r: dict(zip(cols, t[i])) for i, r in enumerate(rows)}, lay[:, 1] - lay[:, 0]


# intact skin at steady state against the laminate's closed form
d = run("laminate", ["-nx", 4, "-nz", 36, "-microneedling_sessions", 0, "-microneedling_solutes", "caffeine", "-microneedling_solute_dose_ul_per_cm2", 0, "-microneedling_tissue", "ex_vivo", "-t_end", 10, "-output_count", 2])
props, h = solutes_table(d["path"])
c = props["caffeine"]
DK = [c["diffusivity_x_partition_" + L] for L in LAYERS]
D0, k = c["free_diffusivity"], 1e4  # the receptor: free diffusion with uptake MN_RECEPTOR_RATE [1/day]
R = sum(h[L] / DK[L] for L in range(4)) + 1 / (np.sqrt(D0 * k) * np.tanh(h[4] * np.sqrt(k / D0)))
J = c["applied_concentration"] / R * 100 / 24  # ug/mm^2/day -> ug/cm^2/h
o = d["outcomes"]
say(f"laminate: flux {o['caffeine_intact_flux_viable']:.8g} ug/cm^2/h, closed form {J:.8g}; kp {c['kp_intact']:.4g} cm/h")
mhtest.check_close(o["caffeine_intact_flux_viable"], J, 1e-4, "steady flux through intact skin against the laminate's closed form")
mhtest.check(o["caffeine_flux_viable"] == o["caffeine_intact_flux_viable"] and o["caffeine_delivered"] == o["caffeine_intact_delivered"], "with no channels, treated and intact skin must agree exactly")
mhtest.check(np.isnan(o["caffeine_mass_balance"]) and np.isnan(o["caffeine_delivered_fraction"]), "an infinite dose has no mass balance or delivered fraction")

# mass balance: two solutes, two applications, a wiped film; then two ranks
MB = ["-nx", 8, "-nz", 24, "-microneedling_needle_length_mm", 0.5, "-microneedling_solutes", "caffeine,hyaluronic_acid_50kda", "-microneedling_application_h", "0,6", "-microneedling_contact_h", 4, "-t_end", 0.5, "-output_count", 12, "-snes_rtol", 1e-12, "-snes_atol", 1e-20, "-ksp_rtol", 1e-14]
d = run("balance", MB)
T, o = d["table"], d["outcomes"]
for s in ("caffeine", "hyaluronic_acid_50kda"):
    worst = np.max(np.abs(T[s + "_mass_balance"]))
    applied = o[s + "_delivered"] + o[s + "_in_sc"] + o[s + "_on_surface"] + o[s + "_removed"]
    say(f"mass balance {s}: worst relative residual {worst:.3g}; delivered {o[s + '_delivered']:.4g} + SC {o[s + '_in_sc']:.4g} + removed {o[s + '_removed']:.4g} ug/cm^2")
    mhtest.check(np.all(np.isfinite(T[s + "_mass_balance"])) and worst <= 1e-10, f"{s}: mass balance residual {worst:.3g} > 1e-10")
    mhtest.check(abs(applied - 200) <= 1e-8 * 200, f"{s}: delivered + in SC + on surface + removed = {applied}, applied 2 x 10 mg/mL x 10 uL/cm^2 = 200 ug/cm^2")
mhtest.check(o["hyaluronic_acid_50kda_intact_delivered"] < 1e-12 and o["hyaluronic_acid_50kda_delivered"] > 1, f"hyaluronan: intact {o['hyaluronic_acid_50kda_intact_delivered']}, treated {o['hyaluronic_acid_50kda_delivered']} ug/cm^2")
d2 = run("balance_np2", MB, ranks=2)
for name, v in o.items():
    w = d2["outcomes"][name]
    mhtest.check((np.isnan(v) and np.isnan(w)) or abs(v - w) <= 1e-9 * abs(v) + 1e-12, f"{name}: one rank {v}, two ranks {w}")

# grid convergence of the delivered amount
TOL = ["-snes_rtol", 1e-10, "-ts_rtol", 1e-6, "-ts_atol", 1e-12]
q = [run(f"intact_{nz}", ["-nx", 4, "-nz", nz] + THIN + ["-microneedling_sessions", 0, "-microneedling_solutes", "caffeine", "-t_end", 0.25, "-output_count", 1] + TOL)["outcomes"]["caffeine_intact_delivered"] for nz in (64, 128, 256)]
order = np.log2(abs(q[0] - q[1]) / abs(q[1] - q[2]))
say(f"intact skin, 6 h, nz 64/128/256: delivered {q} ug/cm^2, observed order {order:.2f}")
mhtest.check(order > 1.5, f"intact delivery converges at order {order:.2f} (amounts {q})")
q = [run(f"treated_{nz}", ["-nx", 4, "-nz", nz] + THIN + ["-microneedling_needle_length_mm", 0.5, "-microneedling_density_per_cm2", 300, "-microneedling_solutes", "caffeine", "-t_end", 1 / 24, "-output_count", 1] + TOL)["outcomes"]["caffeine_delivered"] for nz in (32, 64, 128)]
ratio = abs(q[0] - q[1]) / abs(q[1] - q[2])
say(f"treated skin, 1 h, 4 x 32/64/128 cells: delivered {q} ug/cm^2, successive differences shrink {ratio:.2f}-fold")
mhtest.check(ratio > 1.3 and abs(q[1] - q[2]) < 0.1 * q[2], f"treated delivery does not converge in depth: {q}")

# the science, on one coarse grid
def delivered(tag, args):
    o = run(tag, ["-nx", 8, "-nz", 30, "-t_end", 1, "-output_count", 2] + [str(a) for a in args])["outcomes"]
    return o


base = ["-microneedling_solutes", "caffeine", "-microneedling_needle_length_mm", 0.5]
now = delivered("now", base)
later = delivered("later", base + ["-microneedling_application_h", 6])
nextday = delivered("nextday", base + ["-microneedling_application_h", 23])
deep = delivered("deep", ["-microneedling_solutes", "caffeine", "-microneedling_needle_length_mm", 1.0])
shallow = delivered("shallow", ["-microneedling_solutes", "caffeine", "-microneedling_needle_length_mm", 0.25])
excised = delivered("excised", base + ["-microneedling_tissue", "ex_vivo"])
e = {k: v["caffeine_enhancement"] for k, v in (("now", now), ("6 h", later), ("next day", nextday), ("0.25 mm", shallow), ("1.0 mm", deep), ("ex vivo", excised))}
say("caffeine enhancement at 24 h (or by the end):", {k: round(v, 3) for k, v in e.items()})
mhtest.check(e["now"] > 3, f"channels barely raise caffeine's delivery: enhancement {e['now']}")
mhtest.check(e["now"] > e["6 h"] > e["next day"] >= 0.99, f"later application should deliver less (the channels close): {e}")
mhtest.check(e["0.25 mm"] < e["now"] < e["1.0 mm"], f"longer needles should deliver more: {e}")
mhtest.check(e["ex vivo"] > e["now"], f"excised skin (channels stay open) should deliver more: {e}")
mhtest.check(np.isfinite(now["caffeine_lag_h"]) and now["caffeine_lag_h"] < now["caffeine_intact_lag_h"], f"lag {now['caffeine_lag_h']} h treated, {now['caffeine_intact_lag_h']} h intact")

# eight solutes at once (the most): every preset but two, each conserved
ALL8 = "caffeine,ascorbic_acid,niacinamide,tranexamic_acid,minoxidil,acetyl_hexapeptide_8,palmitoyl_pentapeptide_4,hyaluronic_acid_50kda"
# with the linear solves converged (-ksp_rtol 1e-10) the scheme conserves each solute to round-off
# (4e-14 measured); at the default Krylov tolerance the residual is the solver's (1.07e-8 here)
d = run("eight", ["-nx", 6, "-nz", 24, "-microneedling_solutes", ALL8, "-microneedling_needle_length_mm", 0.5, "-t_end", 0.1, "-output_count", 1, "-ksp_rtol", 1e-10])
skin = sum(not any(f.startswith(s) for s in ALL8.split(",")) for f in d["fields"])  # the skin's own fields
mhtest.check(len(d["fields"]) == skin + 6 * 8 and skin == 13, f"eight solutes make {len(d['fields'])} fields after the skin's {skin}, not 48 after 13")
worst = max(abs(d["outcomes"][s + "_mass_balance"]) for s in ALL8.split(","))
mhtest.check(worst < 1e-12, f"eight solutes: mass balance residual {worst:.3g} with -ksp_rtol 1e-10 (the scheme must conserve to round-off)")

# a course of months: sessions four weeks apart, each with its serum, followed for eight weeks (the
# channels close to 1e-160 and less, where the conduit's Jacobian once divided 0 by 0): completes,
# and every output balances
d = run("course", ["-nx", 16, "-nz", 36, "-microneedling_needle_length_mm", 1.5, "-microneedling_solutes", "caffeine",
                   "-microneedling_sessions", 2, "-microneedling_follow_up_days", 56, "-output_count", 4])
worst = abs(d["outcomes"]["caffeine_mass_balance"])
mhtest.check(np.isfinite(worst) and worst < 1e-6, f"a two-session course with a serum: mass balance residual {worst:.3g} at day 84 (default tolerances; 4e-8 measured)")

# bad input: one line each
for args, want in ((["-microneedling_solutes", "vitamin_x"], "is not a preset; give its"),
                   (["-microneedling_solute_mw_da", 300], "no solute is applied"),
                   (["-microneedling_solutes", "caffeine", "-microneedling_application_h", -1], "before the run starts"),
                   (["-microneedling_solutes", "Caffeine"], "lower-case letters"),
                   (["-microneedling_solutes", ALL8 + ",naloxone"], "more than 8 names")):
    rc, out = mhtest.run(["-model", "microneedling", "-t_end", 0.1, "-output", "none"] + [str(a) for a in args], expect_rc=1, malloc_dump=False)
    lines = [ln for ln in out.splitlines() if ln.startswith("microheal: error")]
    mhtest.check(len(lines) == 1 and want in lines[0], f"{args}: expected one error line with '{want}', got {out[-800:]}")
