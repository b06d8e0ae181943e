#!/usr/bin/env python3
"""Collagen and elastin after two published courses, in the directions measured
(validation/matrix_course/README.md). Held out: the one matrix calibration is Lotfi 2013's +53 %
papillary collagen (5 monthly sessions); these are other studies and other quantities.

  El-Domyati et al. 2015 (acne scars, n = 10): 6 sessions 2 weeks apart, biopsies 1 and 3 months
    from the start: collagen I and III up, total elastin down at 3 months.
  Kenkel group 2021 (Aesthet Surg J, PMID 33656167; face and neck, n = 32): 4 monthly sessions,
    3 months after the last: total elastin protein unchanged (taken here as within +-5 %), collagen
    III gene expression up (taken as collagen III above baseline).

Needle length in neither abstract: 1.5 mm assumed (the common dermaroller). Papillary dermis."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import common  # noqa: E402

CASE = "matrix_course"
CONFIG = "validation/matrix_course/config.yaml"
UNCHANGED = 0.05

eld = common.table(common.run(CASE, "el_domyati", CONFIG, ["-microneedling_sessions", 6, "-microneedling_interval_days", 14, "-microneedling_follow_up_days", 20]))
ken = common.table(common.run(CASE, "kenkel", CONFIG, ["-microneedling_sessions", 4, "-microneedling_interval_days", 28, "-microneedling_follow_up_days", 90]))


def at(tab, col, day):
    return float(np.interp(day, tab["t"], tab[col]))


rows = []
for day in (30, 90):
    rows.append((f"El-Domyati, month {day // 30}: collagen I / baseline", at(eld, "collagen_I_rel_papillary", day), "> 1" if day == 90 else "-"))
    rows.append((f"El-Domyati, month {day // 30}: collagen III / baseline", at(eld, "collagen_III_rel_papillary", day), "> 1" if day == 90 else "-"))
    rows.append((f"El-Domyati, month {day // 30}: elastin / baseline", at(eld, "elastin_rel_papillary", day), "< 1" if day == 90 else "-"))
end = 3 * 28 + 90
rows.append(("Kenkel, 3 months after 4 monthly: elastin / baseline", at(ken, "elastin_rel_papillary", end), f"1 +- {UNCHANGED:g}"))
rows.append(("Kenkel, 3 months after 4 monthly: collagen III / baseline", at(ken, "collagen_III_rel_papillary", end), "> 1"))
rows.append(("Kenkel, 3 months after 4 monthly: collagen gain (reported)", at(ken, "collagen_gain_papillary", end), "-"))


def ok(value, target):
    if target == "> 1":
        return value > 1
    if target == "< 1":
        return value < 1
    if target.startswith("1 +-"):
        return abs(value - 1) <= UNCHANGED
    return None


print(f"{'quantity':58s} {'model':>8s} {'target':>8s}")
checks = []
for what, v, target in rows:
    r = ok(v, target)
    checks.append((what, v, target, r))
    print(f"{what:58s} {v:8.4f} {target:>8s} {'' if r is None else ('ok' if r else 'FAIL')}")

import matplotlib  # noqa: E402
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

fig, ax = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for a, tab, title in ((ax[0], eld, "El-Domyati 2015: 6 sessions, 2 weeks apart"), (ax[1], ken, "Kenkel 2021: 4 monthly sessions")):
    for col, label in (("collagen_I_rel_papillary", "collagen I"), ("collagen_III_rel_papillary", "collagen III"), ("elastin_rel_papillary", "elastin")):
        a.plot(tab["t"], tab[col], label=label)
    a.axhline(1, color="0.5", lw=0.8)
    a.set_xlabel("days from the first session")
    a.set_title(title, fontsize=9)
ax[0].set_ylabel("papillary dermis / baseline")
ax[0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(common.outdir(CASE), CASE + ".png"), dpi=120)

failed = [c[0] for c in checks if c[3] is False]
n = sum(c[3] is not None for c in checks)
common.report(CASE, not failed, f"El-Domyati month 3: collagen I {rows[3][1]:.3f}, III {rows[4][1]:.3f}, elastin {rows[5][1]:.4f} x baseline; Kenkel: elastin {rows[6][1]:.4f}, collagen III {rows[7][1]:.3f} x baseline; {n - len(failed)} of {n} checks pass"
              + (f"; failing: {'; '.join(failed)}" if failed else ""))
