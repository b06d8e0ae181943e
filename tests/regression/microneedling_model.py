#!/usr/bin/env python3
"""Tests of the microneedling model (models/microneedling), on coarse 2-D unit cells:
- homeostasis: with no sessions, every field stays at its layer baseline over a simulated year
  (the baseline is an exact steady state: no cell may move by more than 1e-12);
- sessions: a snapshot right after each session, channels open there, per-session outcomes set;
- dose response: deeper needles give more dermal collagen (0.5 < 1.0 < 1.5 mm), and so do denser
  ones (100 < 300 per cm^2);
- needles that stop in the epidermis: the barrier recovers within 72 h and dermal collagen
  changes by less than 5 %;
- closure: the recoiling share is recoil_fraction of the opening just after a session and gone
  within an hour; wider channels close later (barrier and dye-tight); occlusion lengthens the
  barrier time about occlusion_slowdown-fold; an anti-inflammatory lowers the inflammation;
- scars: atrophic, keloid and mature states steady untreated for a year, at their levels, type
  ratios and surface heights (the layers' thicknesses times their collagen deficit or excess); a
  course fills the atrophic deficit (its surface rises) and adds to the keloid's excess (far more
  than to an atrophic scar); each state treated gives the same fields on 1 and 2 ranks;
- aged skin (70): untreated collagen follows its closed-form drift (to 1e-6), uniformly; the
  dermis is 6 %/decade thinner; with the same layers, treatment adds less over untreated skin than
  at 30, where the two gains are one.
-verbose prints the measured numbers."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common"))
import mhtest  # noqa: E402

VERBOSE = "-verbose" in sys.argv
COARSE = ["-model", "microneedling", "-nx", "12", "-nz", "30", "-snes_rtol", "1e-6"]


def run(tag, args):
    return mhtest.run_output(tag, COARSE + args)


def say(*a):
    if VERBOSE:
        print(*a)


# homeostasis over a year
d = run("baseline", ["-microneedling_sessions", "0", "-t_end", "365", "-output_count", "4"])
mhtest.check(abs(d["time"][-1] - 365) < 1e-9, f"baseline run ended at {d['time'][-1]}, not 365 days")
worst = max(np.max(np.abs(f[-1] - f[0])) for f in d["fields"].values())
say(f"baseline: largest change of any field in any cell over 365 days: {worst:.3g}")
mhtest.check(worst <= 1e-12, f"untreated skin drifted by {worst:.3g} over a year (must stay at baseline)")
mhtest.check(d["fields"]["collagen_I"][0].max() > 0.8, "baseline collagen I missing")

# sessions: snapshots just after each, channels open there
d = run("sessions", ["-microneedling_session_times_days", "0,3.3", "-microneedling_needle_length_mm", "0.5", "-t_end", "5", "-output_count", "2"])
t = d["time"]
for ts in (0.0, 3.3):
    k = int(np.argmin(np.abs(t - ts)))
    mhtest.check(abs(t[k] - ts) < 1e-9, f"no snapshot at the session time {ts} (times {t})")
    mhtest.check(d["fields"]["damage"][k].max() > 0.05, f"no open channel in the snapshot at day {ts}")
o = d["outcomes"]
for k in (1, 2):
    for q in ("barrier_recovery_h", "dye_tight_h", "inflammation_resolution_h"):
        v = o[f"{q}_{k}"]
        mhtest.check(np.isfinite(v) and 0 < v < 48, f"{q}_{k} = {v}: expected a finite time within 48 h")
# pinpoint bleeding: the vascular tissue the needles open, per skin area, is the exact volume of the
# channels' cones below the epidermis (0.095 mm; radius 0.05 mm at the surface to 0.005 mm at the
# 0.5 mm tip; 250 /cm^2), since channels are rasterised by exact volume fraction
r = lambda z: 0.05 - (0.05 - 0.005) / 0.5 * z  # noqa: E731
cone = np.pi * (r(0.095) ** 3 - r(0.5) ** 3) / (3 * (0.05 - 0.005) / 0.5)  # mm^3 per channel
want = cone * 250  # mm^3 per cm^2 = uL/cm^2
mhtest.check(abs(o["bleeding_ul_per_cm2_1"] - want) <= 1e-6 * want, f"bleeding {o['bleeding_ul_per_cm2_1']} uL/cm^2, exact {want}")
mhtest.check(abs(o["bleeding_ul_per_cm2_2"] - want) <= 1e-2 * want, f"second session's bleeding {o['bleeding_ul_per_cm2_2']}, exact {want}")
for k in (1, 2):
    for q in ("open_barrier_exposure_h", "inflammation_exposure_h"):
        mhtest.check(np.isfinite(o[f"{q}_{k}"]) and o[f"{q}_{k}"] > 0, f"{q}_{k} = {o[f'{q}_{k}']}")
# the file describes the set-up: layers, sessions (= the events), every channel
import h5py  # noqa: E402

with h5py.File(d["path"], "r") as f:
    lay, ses, ndl = f["model/layers"], f["model/sessions"], f["model/needles"]
    tops = np.cumsum([0, 0.015, 0.08, 0.25, 1.0, 0.5])
    mhtest.check(np.allclose(lay[:, 0], tops[:-1], atol=1e-12) and np.allclose(lay[:, 1], tops[1:], atol=1e-12), f"/model/layers {lay[:]}")
    mhtest.check(lay.attrs["rows"].split(",")[2] == "papillary_dermis" and lay.attrs["units"] == "mm,mm", "/model/layers labels")
    mhtest.check(np.array_equal(ses[:, 0], [0, 3.3]) and np.array_equal(f["events"][:], [0, 3.3]), f"/model/sessions times {ses[:, 0]}")
    mhtest.check(np.allclose(ses[:, 2], 0.5) and np.allclose(ses[:, 3], 250), f"/model/sessions depth, density {ses[:]}")
    cols = ndl.attrs["columns"].split(",")
    mhtest.check(ndl.shape == (2, 8) and cols[:4] == ["session", "pass", "x", "y"] and cols[7] == "tip_length", f"/model/needles {ndl.shape} {cols}")
    mhtest.check(np.array_equal(ndl[:, 0], [1, 2]) and np.allclose(ndl[:, 4], 0.5), f"/model/needles rows {ndl[:]}")
    lx = f["grid/x_faces"][-1]
    mhtest.check(np.all((ndl[:, 2] >= 0) & (ndl[:, 2] < lx)), f"needle axes outside the unit cell [0, {lx})")
    mhtest.check(f["grid"].attrs["bc_x_min"] == "periodic", "a unit cell is periodic in x")
    # every parameter's status and source (models/microneedling/parameter_table.c) travel with it
    status = dict(line.split(": ", 1) for line in f["parameters"].attrs["status"].splitlines())
    names = [k for k in f["parameters"].attrs if k not in ("units", "status")]
    mhtest.check(sorted(status) == sorted(names), f"/parameters status lacks {sorted(set(names) - set(status))}")
    kinds = {v.split(";")[0] for v in status.values()}
    mhtest.check(kinds <= {"literature", "calibrated", "prior", "derived", "choice"}, f"statuses {kinds}")
    mhtest.check(status["closure_speed_um_per_h.epidermis"].startswith("calibrated; validation/calibrate.py"), f"closure status {status['closure_speed_um_per_h.epidermis']}")
    mhtest.check(status["signal_decay_per_h"].startswith("prior"), f"signal decay status {status['signal_decay_per_h']}")
    # a value called calibrated is one that validation/calibrate.py fits (its option is named there)
    calib = open(os.path.join(mhtest.SOURCE, "validation", "calibrate.py")).read()
    for name, v in status.items():
        if v.startswith("calibrated"):
            opt = name.split(".")[0]
            mhtest.check(v.startswith("calibrated; validation/calibrate.py") and f"-microneedling_{opt}" in calib, f"{name} is called calibrated but validation/calibrate.py does not fit it: {v}")
# the most sessions the model allows fit the framework's outcome table (8 outcomes per session)
rc, out = mhtest.run(["-model", "microneedling", "-microneedling_sessions", "16", "-help"], malloc_dump=False)
mhtest.check(rc == 0 and "microheal: error" not in out, f"16 sessions refused: {[l for l in out.splitlines() if 'microheal: error' in l]}")
rc, helptext = mhtest.run(["-model", "microneedling", "-help"], malloc_dump=False)
line = [h for h in helptext.splitlines() if h.startswith("  -microneedling_closure_speed_um_per_h ")]
mhtest.check(len(line) == 1 and "{calibrated: validation/calibrate.py" in line[0] and "(um/h)" in line[0], f"-help lacks the closure speed's unit, status and source: {line}")
say("sessions: barrier %.2f/%.2f h, dye-tight %.2f/%.2f h" % (o["barrier_recovery_h_1"], o["barrier_recovery_h_2"], o["dye_tight_h_1"], o["dye_tight_h_2"]))


def gain(length, density):
    d = run(f"dose_{length}_{density}", ["-microneedling_needle_length_mm", str(length), "-microneedling_density_per_cm2", str(density), "-microneedling_follow_up_days", "42", "-output_count", "2"])
    return d["outcomes"]


# dose response
g = {L: gain(L, 250) for L in (0.5, 1.0, 1.5)}
pap = [g[L]["collagen_gain_papillary"] for L in (0.5, 1.0, 1.5)]
ret = [g[L]["collagen_gain_reticular"] for L in (0.5, 1.0, 1.5)]
say("depth 0.5/1.0/1.5 mm: papillary gain", pap, "reticular gain", ret)
mhtest.check(pap[0] < pap[1] < pap[2], f"papillary collagen gain does not grow with depth: {pap}")
mhtest.check(ret[0] < ret[1] < ret[2], f"reticular collagen gain does not grow with depth: {ret}")
lo, hi = gain(1.0, 100), gain(1.0, 300)
say("density 100/300 per cm^2: papillary gain", lo["collagen_gain_papillary"], hi["collagen_gain_papillary"])
mhtest.check(lo["collagen_gain_papillary"] < g[1.0]["collagen_gain_papillary"] < hi["collagen_gain_papillary"], "papillary collagen gain does not grow with density")

# epidermis only (face skin: stratum corneum 15 um + epidermis 80 um)
e = gain(0.08, 250)
say("epidermis-only: barrier recovery %.2f h, collagen gain papillary %.3g reticular %.3g" % (e["barrier_recovery_h_1"], e["collagen_gain_papillary"], e["collagen_gain_reticular"]))
mhtest.check(e["barrier_recovery_h_1"] < 72, f"epidermis-only barrier recovery {e['barrier_recovery_h_1']} h, expected < 72 h")
for layer in ("papillary", "reticular"):
    v = e[f"collagen_gain_{layer}"]
    mhtest.check(abs(v) < 0.05, f"epidermis-only needles changed {layer} collagen by {v:.3g} (must stay under 5 %)")


# closure: recoil, width, occlusion, anti-inflammatory (one session, 1 mm needles, 2 days)
def closure(tag, extra):
    return run(tag, ["-microneedling_needle_length_mm", "1.0", "-microneedling_follow_up_days", "2", "-output_count", "48"] + extra)


base = closure("closure_base", [])
dmg, rec, t = base["fields"]["damage"], base["fields"]["recoil"], base["time"]
share = rec[0].sum() / dmg[0].sum()
say(f"recoil share just after the session {share:.4f} (recoil_fraction 0.75); at 1 h: {rec[1].max():.3g}")
mhtest.check(abs(share - 0.75) < 1e-12, f"recoiling share after the session {share}, expected recoil_fraction 0.75")
mhtest.check(abs(t[1] - 1 / 24) < 1e-9 and rec[1].max() < 1e-4 * rec[0].max(), f"recoil not gone within an hour: {rec[1].max()} at t = {t[1]}")
wide = closure("closure_wide", ["-microneedling_needle_radius_mm", "0.1"])
occl = closure("closure_occluded", ["-microneedling_occlusion_h", "1000"])
nsaid = closure("closure_nsaid", ["-microneedling_anti_inflammatory", "1"])
ob, ow, oo, on = base["outcomes"], wide["outcomes"], occl["outcomes"], nsaid["outcomes"]
say("barrier / dye-tight [h]: base %.2f / %.2f, radius 0.1 %.2f / %.2f, occluded %.1f / %.1f" % (ob["barrier_recovery_h_1"], ob["dye_tight_h_1"], ow["barrier_recovery_h_1"], ow["dye_tight_h_1"], oo["barrier_recovery_h_1"], oo["dye_tight_h_1"]))
mhtest.check(ow["barrier_recovery_h_1"] > 1.5 * ob["barrier_recovery_h_1"] and ow["dye_tight_h_1"] > 1.5 * ob["dye_tight_h_1"], "a channel twice as wide must close later")
slow = float(base["parameters"]["occlusion_slowdown"])
mhtest.check(not np.isfinite(oo["barrier_recovery_h_1"]) or oo["barrier_recovery_h_1"] > 0.5 * slow * ob["barrier_recovery_h_1"], f"occlusion must slow the barrier ~{slow:g}-fold: {oo['barrier_recovery_h_1']} vs {ob['barrier_recovery_h_1']}")
mhtest.check(on["inflammation_exposure_h_1"] < 0.5 * ob["inflammation_exposure_h_1"], f"an anti-inflammatory must lower the inflammation: {on['inflammation_exposure_h_1']} vs {ob['inflammation_exposure_h_1']}")
# the anti-inflammatory slows the keratinocytes' closure (stratum corneum, epidermis) by 1 - share:
# the barrier time stretches by 1/(1 - share) (the minutes of recoil aside); the viable dermis is untouched
x = float(base["parameters"]["closure_inflammatory_share"])
stretch = on["barrier_recovery_h_1"] / ob["barrier_recovery_h_1"]
say(f"anti-inflammatory 1: barrier {on['barrier_recovery_h_1']:.2f} h, {stretch:.3f} times the untreated (1/(1 - {x:g}) = {1 / (1 - x):.3f})")
mhtest.check(abs(stretch * (1 - x) - 1) < 0.03, f"an anti-inflammatory must stretch the barrier time by 1/(1 - {x}): {stretch}")


# the epidermis: activated fibroblasts' growth factor thickens it, and it returns over its renewal
# time; the thickness field lives in the epidermis only (0 elsewhere, exactly)
ep = run("epidermis", ["-microneedling_needle_length_mm", "1.5", "-microneedling_follow_up_days", "200", "-output_count", "40"])
gain, tt = ep["table"]["epidermis_thickness_gain"], ep["table"]["t"]
k = int(np.argmax(gain))
tau = float(ep["parameters"]["epidermal_renewal_days"])
say(f"epidermis after one 1.5 mm session: largest gain {gain[k]:+.3f} at day {tt[k]:.1f}, {gain[-1]:+.4f} at day {tt[-1]:.0f}")
mhtest.check(gain[k] > 0.05 and 3 < tt[k] < 60, f"epidermal thickening {gain[k]} at day {tt[k]}: expected above +5 % within the first weeks")
mhtest.check(0 <= gain[-1] < gain[k] * np.exp(-(tt[-1] - tt[k]) / (2 * tau)), f"the epidermis has not returned toward its baseline: {gain[-1]} at day {tt[-1]} after {gain[k]}")
th = ep["fields"]["epidermal_thickness"]
outside = th[0] == 0
mhtest.check(outside.any() and not outside.all() and np.all(th[:, outside] == 0), "the epidermal thickness field strays outside the epidermis")

# aged skin: untreated collagen follows the documented drift (collagen content 1 - k (A - 30)^2 of
# its peak through Sibilla's 73.28 and 55.3 at 30 and 70; production short of turnover by the
# yearly loss), the same in every cell of a layer; treatment adds less new collagen at 70 than at 30
k = (1 - 55.3 / 73.28) / 40 ** 2
loss = 2 * k * 40 / (1 - k * 40 ** 2)  # per year at 70
s = loss / (365.25 * 1e-4)  # production shortfall at the default turnover 1e-4/day
want = -s * (1 - np.exp(-1e-4 * 365))
a = run("aged_untreated", ["-microneedling_sessions", "0", "-microneedling_age_years", "70", "-t_end", "365", "-output_count", "2"])
ao = a["outcomes"]
say(f"age 70, untreated, one year: papillary collagen {ao['collagen_gain_papillary']:.6f} (expected {want:.6f}), vs untreated {ao['collagen_gain_vs_untreated_papillary']:.2e}")
for layer in ("papillary", "reticular"):
    mhtest.check(abs(ao[f"collagen_gain_{layer}"] - want) < 1e-6, f"age 70 untreated {layer} collagen change {ao[f'collagen_gain_{layer}']}, expected {want}")
    mhtest.check(abs(ao[f"collagen_gain_vs_untreated_{layer}"]) < 1e-6, f"age 70 untreated differs from its own reference by {ao[f'collagen_gain_vs_untreated_{layer}']}")
spread = max(float(np.max(np.ptp(a["fields"][f][-1], axis=-1))) for f in ("collagen_I", "collagen_III", "fibroblasts"))
mhtest.check(spread < 1e-12, f"aged untreated skin is not laterally uniform: spread {spread:.3g}")
mhtest.check(abs(float(a["parameters"]["layer_thickness_mm.reticular_dermis"]) - 1.0 * (1 - 0.006 * 40)) < 1e-12, "age 70: reticular dermis not thinned 6 % per decade")
# the same layers at both ages (the preset's dermis thins with age, and a thinner layer takes a
# larger share of new collagen from the same channels: that geometric effect is left out here)
same = ["-microneedling_layer_thickness_mm", "0.015,0.08,0.25,1.0,0.5"]
young, old = (run(f"aged_{A}", ["-microneedling_age_years", str(A), "-microneedling_needle_length_mm", "1.5", "-microneedling_follow_up_days", "120", "-output_count", "2"] + same)["outcomes"] for A in (30, 70))
say(f"one 1.5 mm session, 120 days, same layers: papillary gain over untreated {young['collagen_gain_vs_untreated_papillary']:.4f} (30) vs {old['collagen_gain_vs_untreated_papillary']:.4f} (70)")
mhtest.check(0 < old["collagen_gain_vs_untreated_papillary"] < young["collagen_gain_vs_untreated_papillary"], "treatment at 70 must add collagen over untreated skin, less than at 30 (same layers)")
mhtest.check(young["collagen_gain_vs_untreated_papillary"] == young["collagen_gain_papillary"], "at 30 (the peak) untreated skin is at rest: the two gains must agree")

# skin presets: each sets its documented layer thicknesses (models/microneedling/README.md), the
# dermis thinned by age
PRESETS = {"dorsal_hand": [0.029, 0.131, 0.423, 1.692, 0.5], "back": [0.011, 0.070, 0.388, 1.554, 0.5], "neck": [0.015, 0.080, 0.290, 1.160, 0.5], "forehead": [0.015, 0.080, 0.198, 0.791, 0.5],
           "abdomen": [0.023, 0.100, 0.433, 1.734, 0.5], "upper_arm": [0.023, 0.100, 0.375, 1.502, 0.5]}
for site, mm in PRESETS.items():
    par = run(f"site_{site}", ["-microneedling_skin", site, "-microneedling_sessions", "0", "-t_end", "1", "-output_count", "1"])["parameters"]
    got = [float(par[f"layer_thickness_mm.{layer}"]) for layer in ("stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis", "hypodermis")]
    mhtest.check(np.allclose(got, mm, rtol=0, atol=1e-12), f"skin {site}: thicknesses {got}, expected {mm}")
par = run("site_back_60", ["-microneedling_skin", "back", "-microneedling_age_years", "60", "-microneedling_sessions", "0", "-t_end", "1", "-output_count", "1"])["parameters"]
mhtest.check(abs(float(par["layer_thickness_mm.reticular_dermis"]) - 1.554 * 0.82) < 1e-12 and abs(float(par["layer_thickness_mm.epidermis"]) - 0.070) < 1e-12, "skin back at 60: dermis thinned 18 %, epidermis kept")
depth = sum(float(par[f"layer_thickness_mm.{layer}"]) for layer in ("stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis", "hypodermis"))
mhtest.check(abs(depth - sum(PRESETS["back"])) < 1e-12, f"skin back at 60: modelled depth {depth} mm, the preset's is {sum(PRESETS['back'])} (the hypodermis takes up the thinning)")

# scars: an atrophic scar, a keloid and a mature scar are steady untreated (every field, every cell,
# a year) at their levels and collagen type ratios, with the surface where their layers' collagen
# puts it (face: papillary 0.25 + reticular 1.0 mm); the same course fills part of the atrophic
# scar's deficit, more with more sessions, and adds to the keloid's excess (its fibroblasts answer
# injury with keloid_synthesis times the new collagen)
for scar, level, i_fraction in (("atrophic", 0.7, 0.85), ("keloid", 1.5, 0.85), ("mature", 1.15, 0.85 / 1.15)):
    d = run(f"scar_{scar}_rest", ["-microneedling_scar", scar, "-microneedling_sessions", "0", "-t_end", "365", "-output_count", "2"])
    worst = max(np.max(np.abs(f[-1] - f[0])) for f in d["fields"].values())
    mhtest.check(worst <= 1e-12, f"untreated {scar} scar drifted by {worst:.3g} over a year")
    o = d["outcomes"]
    mhtest.check(abs(o["collagen_gain_papillary"] - (level - 1)) < 1e-12, f"{scar} scar: papillary collagen {o['collagen_gain_papillary']} against normal skin, expected {level - 1}")
    mhtest.check(abs(o["collagen_I_fraction_reticular"] - i_fraction) < 1e-12, f"{scar} scar: collagen I share {o['collagen_I_fraction_reticular']}, expected {i_fraction}")
    mhtest.check(abs(o["scar_surface_mm"] - 1.25 * (level - 1)) < 1e-12, f"{scar} scar: surface {o['scar_surface_mm']} mm, expected {1.25 * (level - 1)}")
    # type I and III over normal skin's: a mature scar's excess is all type III (III twice normal)
    rel = (level, level) if scar != "mature" else (1.0, 2.0)
    mhtest.check(abs(o["collagen_I_rel_papillary"] - rel[0]) < 1e-12 and abs(o["collagen_III_rel_papillary"] - rel[1]) < 1e-12,
                 f"{scar} scar: collagen I, III over normal skin's {o['collagen_I_rel_papillary']}, {o['collagen_III_rel_papillary']}, expected {rel}")
# at 70, an untreated scar and the normal skin around it both lose collagen: the height follows the
# closed form sum(h) (level - 1) U(t), with the aged dermis h = 1.25 mm x 0.76 and U(t) = 1 - s (1 - e^(-dt))
o = run("scar_atrophic_70", ["-microneedling_scar", "atrophic", "-microneedling_age_years", "70", "-microneedling_sessions", "0", "-t_end", "365", "-output_count", "2"])["outcomes"]
want = 1.25 * (1 - 0.006 * 40) * (0.7 - 1) * (1 - s * (1 - np.exp(-1e-4 * 365)))
mhtest.check(abs(o["scar_surface_mm"] - want) < 1e-7, f"atrophic scar at 70, untreated for a year: surface {o['scar_surface_mm']} mm, expected {want}")
# a scar option for a state it does not apply to is refused with one line
for args, expect in ((["-microneedling_scar_collagen_deficit", "0.2"], "applies to -microneedling_scar atrophic, not to -microneedling_scar none"),
                     (["-microneedling_scar", "atrophic", "-microneedling_keloid_synthesis", "5"], "applies to -microneedling_scar keloid, not to -microneedling_scar atrophic")):
    rc, out = mhtest.run(COARSE + args + ["-t_end", "1", "-output", "none", "-quiet"], expect_rc=1)
    mhtest.check(expect in out, f"{' '.join(args)}: expected an error line with '{expect}', got: {out[-400:]}")
course = {(scar, n): run(f"scar_{scar}_{n}", ["-microneedling_scar", scar, "-microneedling_sessions", str(n), "-microneedling_interval_days", "28", "-microneedling_follow_up_days", "28", "-output_count", "2"])["outcomes"]
          for scar in ("atrophic", "keloid") for n in (1, 3)}
filled = [course[("atrophic", n)]["scar_deficit_filled_papillary"] for n in (1, 3)]
added = [course[("keloid", n)]["scar_excess_added_papillary"] for n in (1, 3)]
surface = [course[("atrophic", n)]["scar_surface_mm"] for n in (1, 3)]
say(f"scars: atrophic deficit filled {filled} (1, 3 sessions), surface {surface} mm (-0.375 untreated); keloid excess added {added}")
mhtest.check(0 < filled[0] < filled[1], f"atrophic scar: deficit filled {filled} after 1 and 3 sessions (must be > 0 and grow)")
mhtest.check(-0.375 < surface[0] < surface[1], f"atrophic scar: surface {surface} mm after 1 and 3 sessions must rise from -0.375 mm")
mhtest.check(added[0] > 0 and added[1] > added[0] and course[("keloid", 1)]["collagen_gain_vs_untreated_papillary"] > 5 * course[("atrophic", 1)]["collagen_gain_vs_untreated_papillary"],
             f"keloid: the same session must add far more collagen than to an atrophic scar: {added}")
# every scar state, treated, on 1 and 2 ranks: the same fields (tight solver tolerances)
TIGHT = ["-ts_rtol", "1e-8", "-ts_atol", "1e-8", "-snes_rtol", "1e-12", "-snes_atol", "1e-14", "-ksp_rtol", "1e-13", "-ksp_atol", "1e-16"]
for scar in ("atrophic", "keloid", "mature"):
    args = COARSE + ["-microneedling_scar", scar, "-t_end", "3", "-output_count", "2"] + TIGHT
    one, two = (mhtest.run_output(f"scar_{scar}_np{r}", args, ranks=r) for r in (1, 2))
    err = max(np.max(np.abs(two["fields"][f] - v)) / max(np.max(np.abs(v)), 1e-30) for f, v in one["fields"].items())
    say(f"scar {scar}: 2 ranks against 1, largest relative difference {err:.3g}")
    mhtest.check(err <= 1e-8, f"scar {scar}: 2 ranks differ from 1 by {err:.3g} (relative)")
