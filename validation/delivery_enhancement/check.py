#!/usr/bin/env python3
"""Topical delivery through the channels of excised skin against Franz-cell data
(validation/delivery_enhancement/README.md). channel_open_share was fitted by
validation/calibrate.py to one number only: naloxone 56-fold over intact porcine skin 6 h after
500 um Dr. Pen needles (Int J Pharm 2021;604:120739). Held out here:

  1. the same study's 250 um needles: 37-fold (+- 50 %), and the 500/250 ratio 1.51 +- 0.3;
  2. amantadine, a small permeant whose intact flux is already high, after a stainless-steel
     roller on porcine ear skin (Hoang, Ita & Bair 2015: 49.04 +- 19.77 against 22.38 +- 4.73
     ug/cm^2/h, not significant): an enhancement above 1 and at most 4 (its mean + 1 SD over
     the intact mean - 1 SD); 0.5 mm needles, 250 channels/cm^2 assumed;
  3. naloxone's passive lag time, 71.2 +- 9.6 min (a study of physical ablation methods on naloxone
     hydrochloride, abstract only): within a factor 2;
  4. directions: the enhancement falls as the intact permeability rises (amantadine < naloxone <
     caffeine), and rises with the channel density (500 < 1000 < 2000 per cm^2)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "delivery_enhancement"
CONFIG = "validation/delivery_enhancement/config.yaml"


def run(tag, solute, length, density):
    path = common.run(CASE, tag, CONFIG, ["-microneedling_solutes", solute, "-microneedling_needle_length_mm", length, "-microneedling_density_per_cm2", density])
    o = common.outcomes(path)
    return {k[len(solute) + 1:]: v for k, v in o.items() if k.startswith(solute + "_")}


checks = []


def check(what, value, target, ok):
    checks.append((what, value, target, ok))


n500 = run("naloxone_500", "naloxone", 0.5, 1000)
n250 = run("naloxone_250", "naloxone", 0.25, 1000)
am = run("amantadine_roller", "amantadine", 0.5, 250)
caf = run("caffeine_500", "caffeine", 0.5, 1000)
dens = {n: run(f"naloxone_500_{n}", "naloxone", 0.5, n)["enhancement"] for n in (500, 2000)}
dens[1000] = n500["enhancement"]

check("naloxone 500 um, 6 h: enhancement (calibrated: 56)", n500["enhancement"], "56 (fit)", None)
check("naloxone 250 um: enhancement (37)", n250["enhancement"], "18.5-55.5", abs(n250["enhancement"] / 37 - 1) <= 0.5)
ratio = n500["enhancement"] / n250["enhancement"]
check("naloxone 500/250 um ratio (56/37 = 1.51)", ratio, "1.21-1.81", abs(ratio - 1.51) <= 0.3)
check("amantadine, roller: enhancement (2.19, n.s.)", am["enhancement"], "1-4", 1 < am["enhancement"] <= 4)
lag = 60 * n500["intact_lag_h"]
check("naloxone intact lag [min] (71.2)", lag, "35.6-142.4", 71.2 / 2 <= lag <= 2 * 71.2)
check("naloxone intact, 6 h [ug/cm^2] (8.25; donor not reported)", n500["intact_delivered"], "-", None)
order = [am["enhancement"], n500["enhancement"], caf["enhancement"]]
check("enhancement amantadine < naloxone < caffeine", caf["enhancement"], " / ".join(f"{v:.3g}" for v in order), order[0] < order[1] < order[2])
dv = [dens[n] for n in (500, 1000, 2000)]
check("enhancement rises with density 500/1000/2000 per cm^2", dv[-1], " / ".join(f"{v:.3g}" for v in dv), dv[0] < dv[1] < dv[2])

print(f"{'check':58s} {'model':>9s} {'target':>22s}")
for what, v, target, ok in checks:
    print(f"{what:58s} {v:9.3g} {target:>22s} {'' if ok is None else ('ok' if ok else 'FAIL')}")
failed = [c[0] for c in checks if c[3] is False]
common.report(CASE, not failed, f"naloxone 500 um {n500['enhancement']:.1f}x (fit 56), 250 um {n250['enhancement']:.1f}x (37), ratio {ratio:.2f} (1.51); amantadine {am['enhancement']:.2f}x (2.19); "
              f"lag {lag:.0f} min (71); {sum(c[3] is True for c in checks)} of {sum(c[3] is not None for c in checks)} checks pass" + (f"; failing: {'; '.join(failed)}" if failed else ""))
