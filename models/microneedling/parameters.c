/* microneedling: the -microneedling_* options, their defaults and checks, and the proposed
   set-up (grid graded on the layer interfaces, time span, sessions as events). */
#include "microneedling_impl.h"

PetscErrorCode MNSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  Microneedling  *p        = (Microneedling *)m->data;
  const PetscReal face[NL] = {0.015, 0.080, 0.250, 1.0, 0.5}, body[NL] = {0.023, 0.100, 0.400, 2.0, 0.5};
  const PetscReal close_h[NL] = {0.8, 0.8, 0.185, 0.105, 0.105};
  const PetscReal rho[NL] = {0, 0, 0, 100, 100}, bolus[NL] = {1, 1, 1, 1, 1}, vasc[NL] = {0, 0, 1, 1, 1};
  const PetscReal f0[NL] = {0, 0, 500, 250, 100};
  /* diffusivities per layer [mm^2/day]: signal (matrix-hindered small cytokine, taken at the
     tissue value of TGF-beta; free 8.6-17, Nauman 2007), neutrophils,
     macrophages (motility priors), TGF-beta (tissue effective, Murphy 2012), fibroblasts (1e-9 cm^2/s) */
  const PetscReal Ddef[NMOVING][NL] = {
      {0.0003, 0.3, 0.3, 0.3, 0.3},
      {0, 0.03, 0.03, 0.03, 0.03},
      {0, 0.01, 0.01, 0.01, 0.01},
      {0, 0.01, 0.01, 0.01, 0.01},
      {0.0003, 0.294, 0.294, 0.294, 0.294},
      {0, 0, 0.00864, 0.00864, 0.00864}};
  const PetscReal chi[NL] = {0, 0, 0.2, 0.2, 0.2};
  PetscReal       len_def = 1.0, dens_def = 250, times[MAX_SESSIONS], per_h[NL], v[MAX_SESSIONS];
  PetscInt        n, nlen, ndens, count = 1;
  PetscReal       interval = 28, depth_total = 0, ks_h, a_lat;
  PetscBool       explicit_times;
  char            opt[64];

  PetscFunctionBeginUser;
  /* skin */
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "skin", "Skin preset for the layer thicknesses (face or body; the README's Parameters table gives both)", skins, SKIN_FACE, &p->skin));
  n = NL;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "layer_thickness_mm", "mm", "Layer thicknesses", NL, layer_name, p->skin == SKIN_FACE ? face : body, MH_POSITIVE, &n, p->thickness));
  p->top[0] = 0;
  for (PetscInt L = 0; L < NL; L++)
    p->top[L + 1] = p->top[L] + p->thickness[L];
  depth_total = p->top[NL];

  /* protocol */
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_session_times_days", m->name));
  PetscCall(PetscOptionsHasName(NULL, NULL, opt, &explicit_times));
  PetscCall(MHModelParamInt(m, PetscOptionsObject, "sessions", "Number of treatment sessions (with -microneedling_interval_days; 0: untreated skin)", 1, 0, MAX_SESSIONS, &count));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "interval_days", "day", "Interval between sessions", 28, MH_POSITIVE, &interval));
  for (PetscInt k = 0; k < count; k++)
    times[k] = k * interval;
  n = count;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "session_times_days", "day", "Explicit session times (overrides sessions and interval)", MAX_SESSIONS, NULL, times, MH_NONNEGATIVE, &n, times));
  for (PetscInt k = 1; k < n; k++)
    PetscCheck(times[k] > times[k - 1], m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_session_times_days: session %" PetscInt_FMT " at %g days is not after session %" PetscInt_FMT " at %g days; sessions must be in increasing order", m->name, k + 1, (double)times[k], k, (double)times[k - 1]);
  PetscCheck(!explicit_times || count == 1 || count == n, m->comm, PETSC_ERR_ARG_INCOMP, "-%s_sessions %" PetscInt_FMT " disagrees with the %" PetscInt_FMT " explicit session times", m->name, count, n);
  p->nsessions = n;
  for (PetscInt k = 0; k < n; k++)
    p->session_time[k] = times[k];
  nlen = 1;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "needle_length_mm", "mm", "Needle length, per session (one value: every session)", MAX_SESSIONS, NULL, &len_def, MH_POSITIVE, &nlen, v));
  PetscCheck(nlen == 1 || nlen == p->nsessions, m->comm, PETSC_ERR_ARG_SIZ, "-%s_needle_length_mm: gives %" PetscInt_FMT " values for %" PetscInt_FMT " sessions; give 1 or one per session", m->name, nlen, p->nsessions);
  for (PetscInt k = 0; k < PetscMax(p->nsessions, 1); k++)
    p->length[k] = v[nlen == 1 ? 0 : k];
  ndens = 1;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "density_per_cm2", "1/cm^2", "Channels per cm^2 and pass, per session (one value: every session)", MAX_SESSIONS, NULL, &dens_def, MH_CLOSED(1, 1e4), &ndens, v));
  PetscCheck(ndens == 1 || ndens == p->nsessions, m->comm, PETSC_ERR_ARG_SIZ, "-%s_density_per_cm2: gives %" PetscInt_FMT " values for %" PetscInt_FMT " sessions; give 1 or one per session", m->name, ndens, p->nsessions);
  for (PetscInt k = 0; k < PetscMax(p->nsessions, 1); k++)
    p->density[k] = v[ndens == 1 ? 0 : k] / 100; /* per mm^2 */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "penetration_fraction", "1", "Effective channel depth over needle length (Kalluri 2011: 0.2 in thin rat skin; ~1 in human skin ex vivo)", 1.0, (MHRange) {0, 1, PETSC_TRUE, PETSC_FALSE}, &p->penetration));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "needle_radius_mm", "mm", "Channel radius at the skin surface (needles 0.07-0.3 mm across)", 0.05, MH_POSITIVE, &p->r_surface));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "needle_tip_radius_mm", "mm", "Channel radius at its tip (linear taper from the surface)", 0.005, MH_NONNEGATIVE, &p->r_tip));
  for (PetscInt k = 0; k < p->nsessions; k++)
    PetscCheck(p->length[k] * p->penetration < depth_total, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_needle_length_mm %g (session %" PetscInt_FMT "): channels %g mm deep reach below the %g mm of modelled skin; thicken the hypodermis (-%s_layer_thickness_mm)", m->name,
        (double)p->length[k], k + 1, (double)(p->length[k] * p->penetration), (double)depth_total, m->name);
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "pattern", "Needle pattern", patterns, MN_PATTERN_SQUARE, &p->pattern));
  PetscCall(MHModelParamInt(m, PetscOptionsObject, "seed", "Seed of the random offsets and random patterns", 1, 0, PETSC_MAX_INT, &p->seed));
  PetscCall(MHModelParamInt(m, PetscOptionsObject, "passes", "Passes per session (each a fresh offset or draw)", 1, 1, MAX_PASSES, &p->passes));
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "domain", "unit_cell: one periodic cell of the lattice; patch: a treated square with untreated margins (the default for random patterns)", domains, p->pattern == MN_PATTERN_RANDOM ? DOMAIN_PATCH : DOMAIN_UNIT_CELL, &p->domain));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "patch_width_mm", "mm", "Width of the treated patch (domain patch)", 3.0, MH_POSITIVE, &p->patch_width));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "margin_mm", "mm", "Untreated margin around the patch (domain patch)", 1.0, MH_NONNEGATIVE, &p->margin));
  PetscCall(MNPatternUnitCell(p->pattern == MN_PATTERN_HEXAGONAL ? MN_PATTERN_HEXAGONAL : MN_PATTERN_SQUARE, p->density[0], p->cell, &n));
  if (p->domain == DOMAIN_UNIT_CELL) {
    PetscCheck(p->pattern != MN_PATTERN_RANDOM, m->comm, PETSC_ERR_ARG_INCOMP, "-%s_pattern random needs -%s_domain patch (a unit cell holds a regular pattern)", m->name, m->name);
    for (PetscInt k = 1; k < p->nsessions; k++)
      PetscCheck(p->density[k] == p->density[0], m->comm, PETSC_ERR_ARG_INCOMP, "-%s_density_per_cm2: session %" PetscInt_FMT " has %g per cm^2, session 1 %g; a unit cell holds one density, use -%s_domain patch", m->name, k + 1, (double)(100 * p->density[k]), (double)(100 * p->density[0]), m->name);
  }

  /* closure, signal and cells */
  for (PetscInt L = 0; L < NL; L++)
    per_h[L] = close_h[L];
  n = NL;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "closure_rate_per_h", "1/h", "Channel closure rate (calibrated: Gupta 2011 barrier, Kalluri 2011 dye-tight)", NL, layer_name, per_h, MH_POSITIVE, &n, per_h));
  for (PetscInt L = 0; L < NL; L++)
    p->k_close[L] = 24 * per_h[L];
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "signal_release_per_day", "1/day", "Continuous damage-signal release by open channel (bleeding vessels; calibrated to erythema duration)", NL, layer_name, rho, MH_NONNEGATIVE, &n, p->rho_s));
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "signal_bolus", "1", "Damage-signal released at needling per unit opened volume fraction", NL, layer_name, bolus, MH_NONNEGATIVE, &n, p->bolus_s));
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "vascular", "1", "Vascular weight: platelet TGF-beta bolus and leukocyte recruitment (0 in the avascular epidermis)", NL, layer_name, vasc, MH_CLOSED(0, 1), &n, p->vascular));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "signal_decay_per_h", "1/h", "Damage-signal decay (half-life ~35 min; calibrated: erythema under 2 h after shallow arrays, Bal 2008)", 1.2, MH_POSITIVE, &ks_h));
  p->k_s = 24 * ks_h;
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "signal_from_neutrophils_per_day", "1/day", "Signal released by neutrophils at the reference leukocyte density (IL-8, TNF; calibrated to erythema 24-72 h after 1.5 mm)", 0.2, MH_NONNEGATIVE, &p->sigma_n));
  for (PetscInt q = 0; q < NMOVING; q++) {
    char name[64], help[128];
    if (!moving_name[q]) { /* repair macrophages move as inflammatory ones */
      for (PetscInt L = 0; L < NL; L++)
        p->Dl[q][L] = p->Dl[q - 1][L];
      continue;
    }
    PetscCall(PetscSNPrintf(name, sizeof name, "%s_diffusivity_mm2_per_day", moving_name[q]));
    PetscCall(PetscSNPrintf(help, sizeof help, "Diffusivity (random motility) of %s", q == 2 ? "macrophages" : field_names[moving[q]]));
    PetscCall(MHModelParamRealArray(m, PetscOptionsObject, name, "mm^2/day", help, NL, layer_name, Ddef[q], MH_NONNEGATIVE, &n, p->Dl[q]));
  }
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "neutrophil_recruitment_per_day", "cells/mm^3/day", "Neutrophil influx per unit damage signal in vascular tissue", 5e4, MH_NONNEGATIVE, &p->a_n));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "neutrophil_death_per_day", "1/day", "Neutrophil apoptosis and clearance (peak day 1, gone by day 7 after excisions)", 1.0, MH_POSITIVE, &p->k_n));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "monocyte_recruitment_per_day", "1/day", "Inflammatory macrophages recruited per neutrophil and day", 0.5, MH_NONNEGATIVE, &p->k_mn));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "macrophage_switch_per_day", "1/day", "Switch from inflammatory to repair phenotype", 0.8, MH_NONNEGATIVE, &p->k_sw));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "macrophage_removal_per_day", "1/day", "Macrophage removal (0.2-0.6, Waugh & Sherratt 2006, Jin 2011)", 0.4, MH_POSITIVE, &p->d_m));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tgfb_secretion_inflammatory", "ng/mL/day per cell/mm^3", "TGF-beta secretion by inflammatory macrophages", 0.01, MH_NONNEGATIVE, &p->k_T1));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tgfb_secretion_repair", "ng/mL/day per cell/mm^3", "TGF-beta secretion by repair macrophages", 0.02, MH_NONNEGATIVE, &p->k_T2));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tgfb_decay_per_day", "1/day", "TGF-beta decay (Waugh & Sherratt 2006)", 9.1, MH_POSITIVE, &p->k_T));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tgfb_bolus_ng_per_ml", "ng/mL", "Platelet TGF-beta released per unit opened volume fraction of vascular tissue", 20, MH_NONNEGATIVE, &p->bolus_T));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tgfb_half_saturation_ng_per_ml", "ng/mL", "TGF-beta at half the maximal fibroblast response", 1.0, MH_POSITIVE, &p->K_T));
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "fibroblast_baseline_per_mm3", "cells/mm^3", "Resident fibroblast density (0: none in the layer)", NL, layer_name, f0, MH_NONNEGATIVE, &n, p->f0));
  for (PetscInt L = 0; L < NL; L++)
    PetscCheck(!dermal[L] || p->f0[L] > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_fibroblast_baseline_per_mm3: the %s needs resident fibroblasts (> 0)", m->name, layer_name[L]);
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "fibroblast_max_per_mm3", "cells/mm^3", "Maximum fibroblast density (Jin 2011)", 1250, MH_POSITIVE, &p->f_max));
  for (PetscInt L = 0; L < NL; L++)
    PetscCheck(!dermal[L] || p->f0[L] < p->f_max, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_fibroblast_max_per_mm3 %g: must exceed the %s baseline %g", m->name, (double)p->f_max, layer_name[L], (double)p->f0[L]);
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "fibroblast_proliferation_per_day", "1/day", "Maximal TGF-beta-driven fibroblast proliferation (0.4-0.9, Jin 2011)", 0.6, MH_NONNEGATIVE, &p->r_f));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "fibroblast_return_per_day", "1/day", "Return of excess fibroblasts to baseline (apoptosis 0.12, Jin 2011)", 0.12, MH_POSITIVE, &p->delta_f));
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, "fibroblast_chemotaxis_mm2_per_day_per_ng_ml", "mm^2/day/(ng/mL)", "Fibroblast chemotactic sensitivity to TGF-beta", NL, layer_name, chi, MH_NONNEGATIVE, &n, p->chi));

  /* matrix */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "collagen_turnover_per_day", "1/day", "Homeostatic collagen turnover (prior ~1e-4)", 1e-4, MH_POSITIVE, &p->delta_c));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "collagen_III_fraction", "1", "Baseline collagen III share (8-15 %, Reilly 2021)", 0.15, (MHRange) {0, 1, PETSC_TRUE, PETSC_TRUE}, &p->phi3));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "collagen_deposition_per_day", "1/day", "New collagen per day and unit fibroblast excess (calibrated: +53 % papillary, Lotfi 2013)", 0.036, MH_NONNEGATIVE, &p->alpha_c));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "new_collagen_III_fraction", "1", "Collagen III share of new matrix (granulation tissue is III-rich)", 0.7, MH_CLOSED(0, 1), &p->q3));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "collagen_maturation_per_day", "1/day", "Maturation of collagen III into I toward the baseline ratio (months)", 0.01, MH_NONNEGATIVE, &p->kappa));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "mmp_degradation_per_day", "1/day", "Matrix degradation at the reference leukocyte density (injury-driven turnover ~1e-2)", 0.01, MH_NONNEGATIVE, &p->k_mmp));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "leukocyte_reference_per_mm3", "cells/mm^3", "Reference density of neutrophils plus inflammatory macrophages for degradation", 1000, MH_POSITIVE, &p->N_ref));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "elastin_turnover_per_day", "1/day", "Homeostatic elastin turnover (half-life ~70 years)", 2.7e-5, MH_POSITIVE, &p->delta_e));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "elastin_deposition_per_day", "1/day", "New elastin per day and unit fibroblast excess (slow)", 0.002, MH_NONNEGATIVE, &p->alpha_e));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "elastase_degradation_per_day", "1/day", "Elastin degradation by neutrophil elastase at the reference density", 0.02, MH_NONNEGATIVE, &p->k_el));

  /* outcomes and run length */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "barrier_recovery_fraction", "1", "Barrier recovered when its deficit is below this share of the post-session value", 0.1, (MHRange) {0, 1, PETSC_TRUE, PETSC_TRUE}, &p->barrier_frac));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "dye_tight_fraction", "1", "Dye-tight when the open channel volume is below this share of the post-session value", 0.05, (MHRange) {0, 1, PETSC_TRUE, PETSC_TRUE}, &p->dye_frac));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "inflammation_resolution_fraction", "1", "Inflammation resolved when the damage signal is below this share of its peak", 0.1, (MHRange) {0, 1, PETSC_TRUE, PETSC_TRUE}, &p->resolve_frac));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "follow_up_days", "day", "Simulated time after the last session (sets the default -t_end)", 56, MH_POSITIVE, &p->follow_up));

  /* proposed set-up: 2-D cross-section, graded in depth with faces on the layer interfaces */
  a_lat             = p->domain == DOMAIN_UNIT_CELL ? p->cell[0] : p->patch_width + 2 * p->margin;
  setup->dim        = 2;
  setup->length[0]  = a_lat;
  setup->length[1]  = p->domain == DOMAIN_UNIT_CELL ? p->cell[1] : a_lat;
  setup->length[2]  = depth_total;
  setup->cells[0]   = PetscMax(8, (PetscInt)PetscCeilReal(a_lat / 0.02));
  setup->cells[1]   = PetscMax(8, (PetscInt)PetscCeilReal(setup->length[1] / 0.02));
  setup->cells[2]   = 48;
  setup->grading[2] = 8;
  setup->nbreaks[2] = NL - 1;
  for (PetscInt L = 1; L < NL; L++)
    setup->breaks[2][L - 1] = p->top[L];
  for (PetscInt a = 0; a < 2; a++)
    setup->bc[a][0].type = setup->bc[a][1].type = p->domain == DOMAIN_UNIT_CELL ? MH_BC_PERIODIC : MH_BC_ZERO_FLUX;
  setup->t_end      = (p->nsessions ? p->session_time[p->nsessions - 1] : 0) + p->follow_up;
  setup->dt_initial = 1e-3;
  PetscCall(MHModelSetEvents(m, p->nsessions, p->session_time));
  p->acc.current = -1;
  PetscCall(MNAddOutcomes(m));
  PetscFunctionReturn(0);
}
