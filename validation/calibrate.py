#!/usr/bin/env python3
"""Reproduces the microneedling model's calibrated closure parameters, each fitted to one
published number (and only that number; the validation cases check others):

  step                    parameter                         target (source)
  barrier (SC)            closure_speed_um_per_h, SC        barrier back within 2 h, unoccluded (Gupta 2011)
  viable tissue           closure_speed_um_per_h, others    calcein pores closed by 18 h after 770 um needles (Kalluri 2011)
  occlusion               occlusion_slowdown                pores open 72 h under a drug patch, placebo arm (Brogden 2013)
  anti-inflammatory       closure_inflammatory_share        pores open 7 days under the patch with daily diclofenac
                                                            (Brogden 2013, diclofenac arm; anti_inflammatory 1 assumed)
  erythema                signal_release_per_day, deep      erythema gone 36 h after 1.5 mm needles, inside the
                                                            24-72 h clinical window (48 h, its middle, is out of reach: 36.7 h at 1e4/day)
  macrophage switch       macrophage_switch_per_day         inflammatory (Gr-1+) share of wound macrophages 20 % at day 7
                                                            (Daley 2010, mouse sponge wounds; 1.5 mm needles here)
  collagen                collagen_deposition_per_day       +53 % papillary collagen 8 weeks after five monthly 1.5 mm
                                                            sessions (Lotfi 2013; validation/collagen_lotfi)
  epidermis               epidermal_growth_per_day          epidermis +50 % thicker (H&E) 8 weeks after the same course
                                                            (Lotfi 2013; validation/collagen_lotfi)
  delivery                channel_open_share                naloxone through excised porcine skin 56-fold over intact skin
                                                            6 h after 500 um Dr. Pen needles (Int J Pharm 2021;604:120739;
                                                            validation/delivery_enhancement, 1000 channels/cm^2 assumed)

Each step solves its outcome = target by bisection in log space, with the earlier steps' values
in place; the steps repeat until no value moves by more than 0.5 % (the couplings are weak).
Prints the fitted values and the table's defaults (models/microneedling/parameter_table.c) next
to them; --write-check exits 1 when a default is more than 2 % off its fit. Each run is the
case's coarse grid, so a fit takes a few minutes:

    MH_EXE=$PWD/build/microheal validation/calibrate.py
"""
import argparse
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import common  # noqa: E402

CASE = "calibration"
BARRIER = "validation/barrier_recovery/config.yaml"
INFLAMMATION = "validation/inflammation_time_course/config.yaml"
LOTFI = "validation/collagen_lotfi/config.yaml"
DYE = "validation/dye_tight_closure/config.yaml"
FRANZ = "validation/delivery_enhancement/config.yaml"
NALOXONE_500 = ["-microneedling_solutes", "naloxone", "-microneedling_needle_length_mm", 0.5, "-microneedling_density_per_cm2", 1000]
# Kalluri 2011's 770 um needles: 140 um wide at the base, a 4 um tip radius, channels 152.5 um deep
KALLURI = ["-microneedling_needle_radius_mm", 0.07, "-microneedling_needle_tip_radius_mm", 0.004,
           "-microneedling_penetration_fraction", 152.5 / 770]
# Brogden 2013: impedance closure under a drug patch (occluded the whole time), 0.5 mm needles
OCCLUDED = ["-microneedling_needle_length_mm", 0.5, "-microneedling_occlusion_h", 1000,
            "-microneedling_follow_up_days", 10]
# its diclofenac arm: the gel daily under the patch, taken to suppress the keratinocytes' COX signalling fully
DICLOFENAC = OCCLUDED + ["-microneedling_anti_inflammatory", 1]


def speeds(v):
    return ["-microneedling_closure_speed_um_per_h", ",".join(f"{x:.6g}" for x in [v["sc"], v["viable"], v["viable"], v["viable"], v["viable"]])]


def args_of(v):
    return speeds(v) + ["-microneedling_occlusion_slowdown", f"{v['slow']:.6g}", "-microneedling_closure_inflammatory_share", f"{v['nsaid']:.6g}",
                        "-microneedling_signal_release_per_day", f"0,0,0,{v['release']:.6g},{v['release']:.6g}", "-microneedling_collagen_deposition_per_day", f"{v['deposition']:.6g}",
                        "-microneedling_macrophage_switch_per_day", f"{v['switch']:.6g}", "-microneedling_channel_open_share", f"{v['share']:.6g}",
                        "-microneedling_epidermal_growth_per_day", f"{v['epidermis']:.6g}"]


def outcome(tag, config, extra, name, v):
    """An outcome of the run by name, or name(path) for a quantity the outcomes do not hold."""
    path = common.run(CASE, tag, config, args_of(v) + extra)
    return name(path) if callable(name) else common.outcomes(path)[name]


def m1_share_day7(path):
    """Inflammatory share of the macrophages (domain integrals) at day 7."""
    t = common.table(path)
    m1 = np.interp(7.0, t["t"], t["macrophages_inflammatory_integral"])
    m2 = np.interp(7.0, t["t"], t["macrophages_repair_integral"])
    return float(m1 / (m1 + m2))


# step: (value name, tag, config, extra args, outcome, target, bracket, outcome rises with value)
STEPS = [
    ("sc", "barrier", BARRIER, ["-microneedling_needle_length_mm", 0.5], "barrier_recovery_h_1", 2.0, (1, 1000), False),
    ("viable", "dye770", DYE, ["-microneedling_needle_length_mm", 0.77] + KALLURI, "dye_tight_h_1", 18.0, (0.1, 100), False),
    ("slow", "occluded_placebo", BARRIER, OCCLUDED, "barrier_recovery_h_1", 72.0, (1, 1000), True),
    ("nsaid", "occluded_diclofenac", BARRIER, DICLOFENAC, "barrier_recovery_h_1", 168.0, (0.01, 0.999), True),
    ("release", "erythema_1.5mm", INFLAMMATION, ["-microneedling_needle_length_mm", 1.5], "inflammation_resolution_h_1", 36.0, (1, 1e4), True),
    ("switch", "macrophages_1.5mm", INFLAMMATION, ["-microneedling_needle_length_mm", 1.5], m1_share_day7, 0.20, (0.01, 10), False),
    ("deposition", "lotfi", LOTFI, [], "collagen_gain_papillary", 0.53, (1e-3, 10), True),
    ("epidermis", "lotfi", LOTFI, [], "epidermis_thickness_gain", 0.50, (1e-3, 10), True),
    ("share", "naloxone_500", FRANZ, NALOXONE_500, "naloxone_enhancement", 56.0, (1e-4, 1), True),
]


def solve(v, step):
    key, tag, config, extra, name, target, (lo, hi), rising = step
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        got = outcome(tag, config, extra, name, dict(v, **{key: mid}))
        if math.isnan(got):  # not reached within the run: too long
            got = math.inf
        if (got > target) == rising:
            hi = mid
        else:
            lo = mid
        if hi / lo < 1.005:
            break
    return math.sqrt(lo * hi), got


def defaults():
    path = common.run(CASE, "defaults", BARRIER, ["-microneedling_needle_length_mm", 0.5, "-microneedling_follow_up_days", 0.1])
    p = common.parameters(path)
    return {"sc": float(p["closure_speed_um_per_h.stratum_corneum"]), "viable": float(p["closure_speed_um_per_h.epidermis"]),
            "slow": float(p["occlusion_slowdown"]), "nsaid": float(p["closure_inflammatory_share"]),
            "release": float(p["signal_release_per_day.reticular_dermis"]), "deposition": float(p["collagen_deposition_per_day"]),
            "switch": float(p["macrophage_switch_per_day"]), "share": float(p["channel_open_share"]), "epidermis": float(p["epidermal_growth_per_day"])}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write-check", action="store_true", help="exit 1 when a table default is more than 2 %% off its fit")
    ap.add_argument("--steps", default="sc,viable,slow,nsaid,release,switch,deposition,epidermis,share", help="the values to fit (default: all), comma-separated")
    a = ap.parse_args()
    want = a.steps.split(",")
    d = defaults()
    v = dict(d)
    for sweep in range(4):
        moved = 0.0
        for step in STEPS:
            if step[0] not in want:
                continue
            new, got = solve(v, step)
            moved = max(moved, abs(new / v[step[0]] - 1))
            v[step[0]] = new
            what = step[4].__name__ if callable(step[4]) else step[4]
            print(f"  sweep {sweep + 1}: {step[0]:7s} = {new:10.5g}  ({what} = {got:.3g}, target {step[5]:g})", flush=True)
        if moved < 0.005:
            break
    print(f"\n{'value':8s} {'fitted':>10s} {'default':>10s}")
    bad = []
    for k in want:
        print(f"{k:8s} {v[k]:10.4g} {d[k]:10.4g}")
        if abs(d[k] / v[k] - 1) > 0.02:
            bad.append(k)
    if a.write_check and bad:
        print("defaults off their fit: " + ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
