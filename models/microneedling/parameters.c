/* microneedling: reading the -microneedling_* options (their defaults, units, ranges and sources
   are in the table of parameter_table.c) and their checks, and the proposed set-up (grid graded
   on the layer interfaces, time span, sessions as events). */
#include "microneedling_impl.h"

/* One parameter of the table read the uniform way: its default and range, stored at its offset. */
static PetscErrorCode MNParamRead(MHModel m, PetscOptionItems *PetscOptionsObject, const MNParam *e, Microneedling *p)
{
  char     *dest = (char *)p + e->offset;
  PetscReal v[NL];
  PetscInt  n = 1;

  PetscFunctionBeginUser;
  switch (e->kind) {
  case MN_REAL:
    PetscCall(MHModelParamReal(m, PetscOptionsObject, e->name, e->unit, e->help, e->def[0], e->range, v));
    break;
  case MN_PER_LAYER:
    n = NL;
    PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, NL, layer_name, e->def, e->range, &n, v));
    break;
  case MN_INT:
    PetscCall(MHModelParamInt(m, PetscOptionsObject, e->name, e->help, (PetscInt)e->def[0], (PetscInt)e->range.lo, (PetscInt)e->range.hi, (PetscInt *)dest));
    PetscFunctionReturn(0);
  case MN_ENUM:
    PetscCall(MHModelParamEnum(m, PetscOptionsObject, e->name, e->help, e->choices, (PetscInt)e->def[0], (PetscInt *)dest));
    PetscFunctionReturn(0);
  default:
    SETERRQ(m->comm, PETSC_ERR_PLIB, "parameter %s: no uniform reading for its kind", e->name);
  }
  for (PetscInt k = 0; k < n; k++)
    ((PetscReal *)dest)[k] = e->scale != 0 ? e->scale * v[k] : v[k];
  PetscFunctionReturn(0);
}

/* A per-session option (one value for every session, or one per session) into out[], divided by unit. */
static PetscErrorCode MNReadPerSession(MHModel m, PetscOptionItems *PetscOptionsObject, const MNParam *e, PetscInt nsessions, PetscReal unit, PetscReal out[])
{
  PetscReal v[MAX_SESSIONS];
  PetscInt  n = 1;

  PetscFunctionBeginUser;
  PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, MAX_SESSIONS, NULL, e->def, e->range, &n, v));
  PetscCheck(n == 1 || n == nsessions, m->comm, PETSC_ERR_ARG_SIZ, "-%s_%s: gives %" PetscInt_FMT " values for %" PetscInt_FMT " sessions; give 1 or one per session", m->name, e->name, n, nsessions);
  for (PetscInt k = 0; k < PetscMax(nsessions, 1); k++)
    out[k] = v[n == 1 ? 0 : k] / unit;
  PetscFunctionReturn(0);
}

PetscReal MNAgeCollagen(PetscReal age)
{
  const PetscReal k = (1 - 55.3 / 73.28) / ((70 - MN_AGE_PEAK) * (70 - MN_AGE_PEAK)); /* through 55.3/73.28 at 70 (65-74 y) */
  PetscReal       a = PetscMax(age - MN_AGE_PEAK, 0);
  return 1 - k * a * a;
}

PetscReal MNAgeCollagenLoss(PetscReal age)
{
  const PetscReal k = (1 - 55.3 / 73.28) / ((70 - MN_AGE_PEAK) * (70 - MN_AGE_PEAK));
  return 2 * k * PetscMax(age - MN_AGE_PEAK, 0) / MNAgeCollagen(age);
}

PetscReal MNAgeSynthesis(PetscReal age)
{
  const PetscReal per_year = (1 - 56.0 / 82.0) / (85 - 23.5); /* 18-29 y (mid 23.5) against 80+ (taken as 85) */
  return 1 - per_year * PetscMax(age - MN_AGE_PEAK, 0);
}

PetscReal MNAgeDermis(PetscReal age)
{
  return 1 - 0.006 * PetscMax(age - MN_AGE_PEAK, 0);
}

/* Untreated skin: f = 1 and no inflammation, so each layer's total collagen obeys
   c' = delta_c (1 - shortfall) - delta_c c from c = 1 (maturation conserves the total). */
PetscReal MNUntreatedCollagen(const Microneedling *p, PetscReal t)
{
  return 1 - p->shortfall + p->shortfall * PetscExpReal(-p->delta_c * t);
}

/* A scar option given for a state it does not apply to is refused (it would be silently ignored). */
static PetscErrorCode MNScarOptionsCheck(MHModel m, const Microneedling *p)
{
  const struct {
    PetscInt    param;
    PetscBool   applies;
    const char *states;
  } rule[] = {
      {MN_P_SCAR_DEFICIT, (PetscBool)(p->scar == SCAR_ATROPHIC), "atrophic"},
      {MN_P_SCAR_EXCESS, (PetscBool)(p->scar == SCAR_KELOID || p->scar == SCAR_MATURE), "keloid or mature"},
      {MN_P_KELOID_SYNTHESIS, (PetscBool)(p->scar == SCAR_KELOID), "keloid"},
      {MN_P_SCAR_COLLAGEN_III_FRACTION, (PetscBool)(p->scar != SCAR_NONE), "any scar"},
  };

  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof rule / sizeof rule[0]; k++) {
    char      opt[64];
    PetscBool given;
    PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, MNParams[rule[k].param].name));
    PetscCall(PetscOptionsHasName(NULL, NULL, opt, &given));
    PetscCheck(!given || rule[k].applies, m->comm, PETSC_ERR_ARG_INCOMP, "%s applies to -%s_scar %s, not to -%s_scar %s", opt, m->name, rule[k].states, m->name, scars[p->scar]);
  }
  PetscFunctionReturn(0);
}

/* Reads every parameter of the table in its order: most by MNParamRead, those marked own (the
   skin preset's thicknesses, the protocol's sessions, the domain's default) by their code below,
   each followed by the checks that need it. */
PetscErrorCode MNSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscReal      times[MAX_SESSIONS];
  PetscInt       n, count = 0;
  PetscReal      interval = 0, depth_total = 0, a_lat, scar_phi3;
  PetscBool      explicit_times = PETSC_FALSE;
  char           opt[64];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < MN_NPARAMS; i++) {
    const MNParam *e = &MNParams[i];

    PetscCall(MHModelParamProvenance(m, MNStatusNames[e->status], e->source));
    if (!e->own)
      PetscCall(MNParamRead(m, PetscOptionsObject, e, p));
    else
      switch (i) {
      case MN_P_LAYER_THICKNESS:
        n = NL;
        { /* the preset's dermis thins with age (Branchet 1990); the hypodermis, an allowance for the
             channels rather than data, takes up what it loses, so the modelled depth (and the
             longest needle it holds) is the preset's at any age */
          PetscReal def[NL];
          for (PetscInt L = 0; L < NL; L++)
            def[L] = MNSites[p->skin].mm[L] * (L == PAP || L == RET ? MNAgeDermis(p->age) : 1);
          def[HYPO] += (MNSites[p->skin].mm[PAP] + MNSites[p->skin].mm[RET]) * (1 - MNAgeDermis(p->age));
          PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, NL, layer_name, def, e->range, &n, p->thickness));
        }
        p->top[0] = 0;
        for (PetscInt L = 0; L < NL; L++)
          p->top[L + 1] = p->top[L] + p->thickness[L];
        depth_total = p->top[NL];
        break;
      case MN_P_SESSIONS:
        PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, MNParams[MN_P_SESSION_TIMES].name));
        PetscCall(PetscOptionsHasName(NULL, NULL, opt, &explicit_times));
        PetscCall(MHModelParamInt(m, PetscOptionsObject, e->name, e->help, (PetscInt)e->def[0], (PetscInt)e->range.lo, (PetscInt)e->range.hi, &count));
        break;
      case MN_P_INTERVAL:
        PetscCall(MHModelParamReal(m, PetscOptionsObject, e->name, e->unit, e->help, e->def[0], e->range, &interval));
        break;
      case MN_P_SESSION_TIMES: /* the default: count sessions interval apart */
        for (PetscInt k = 0; k < count; k++)
          times[k] = k * interval;
        n = count;
        PetscCall(MHModelParamRealArray(m, PetscOptionsObject, e->name, e->unit, e->help, MAX_SESSIONS, NULL, times, e->range, &n, times));
        for (PetscInt k = 1; k < n; k++)
          PetscCheck(times[k] > times[k - 1], m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_session_times_days: session %" PetscInt_FMT " at %g days is not after session %" PetscInt_FMT " at %g days; sessions must be in increasing order", m->name, k + 1, (double)times[k], k, (double)times[k - 1]);
        PetscCheck(!explicit_times || count == 1 || count == n, m->comm, PETSC_ERR_ARG_INCOMP, "-%s_sessions %" PetscInt_FMT " disagrees with the %" PetscInt_FMT " explicit session times", m->name, count, n);
        p->nsessions = n;
        for (PetscInt k = 0; k < n; k++)
          p->session_time[k] = times[k];
        break;
      case MN_P_NEEDLE_LENGTH:
        PetscCall(MNReadPerSession(m, PetscOptionsObject, e, p->nsessions, 1, p->length));
        break;
      case MN_P_DENSITY:
        PetscCall(MNReadPerSession(m, PetscOptionsObject, e, p->nsessions, 100, p->density)); /* per mm^2 */
        break;
      case MN_P_SOLUTES:
      case MN_P_SOLUTE_MW:
      case MN_P_SOLUTE_LOGKOW:
      case MN_P_SOLUTE_RADIUS:
      case MN_P_SOLUTE_CONCENTRATION:
      case MN_P_SOLUTE_DOSE:
      case MN_P_APPLICATION:
        PetscCall(MNSoluteSetFromOptions(m, PetscOptionsObject, i));
        break;
      case MN_P_SCAR_EXCESS: /* a keloid's default excess, or a mature scar's */
        PetscCall(MHModelParamReal(m, PetscOptionsObject, e->name, e->unit, e->help, p->scar == SCAR_MATURE ? e->alt[0] : e->def[0], e->range, &p->scar_excess));
        break;
      case MN_P_SCAR_COLLAGEN_III_FRACTION: /* a mature scar's excess is type III; other scars keep normal skin's share */
        p->phi3_normal = p->phi3;
        PetscCall(MHModelParamReal(m, PetscOptionsObject, e->name, e->unit, e->help, p->scar == SCAR_MATURE ? (p->phi3 + p->scar_excess) / (1 + p->scar_excess) : p->phi3, e->range, &scar_phi3));
        if (p->scar != SCAR_NONE) p->phi3 = scar_phi3; /* the scar spans every layer with collagen */
        break;
      case MN_P_DOMAIN: /* random patterns default to a patch */
        PetscCall(MHModelParamEnum(m, PetscOptionsObject, e->name, e->help, e->choices, (PetscInt)(p->pattern == MN_PATTERN_RANDOM ? e->alt[0] : e->def[0]), &p->domain));
        break;
      default:
        SETERRQ(m->comm, PETSC_ERR_PLIB, "parameter %s: marked own but not read", e->name);
      }

    /* checks and consequences that follow an option at once */
    switch (i) {
    case MN_P_NEEDLE_TIP_RADIUS:
      for (PetscInt k = 0; k < p->nsessions; k++) {
        char hint[256];
        PetscCheck(p->length[k] < 10 * depth_total || !MHUnitHint("mm", p->length[k], hint, sizeof hint)[0], m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_needle_length_mm %g (session %" PetscInt_FMT "): longer than any microneedle (0.25-3 mm)%s", m->name, (double)p->length[k], k + 1, hint);
        PetscCheck(p->length[k] * p->penetration < depth_total, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_needle_length_mm %g (session %" PetscInt_FMT "): channels %g mm deep reach below the %g mm of modelled skin; thicken the hypodermis (-%s_layer_thickness_mm)", m->name,
            (double)p->length[k], k + 1, (double)(p->length[k] * p->penetration), (double)depth_total, m->name);
      }
      break;
    case MN_P_MARGIN:
      PetscCall(MNPatternUnitCell(p->pattern == MN_PATTERN_HEXAGONAL ? MN_PATTERN_HEXAGONAL : MN_PATTERN_SQUARE, p->density[0], p->cell, &n));
      if (p->domain == DOMAIN_UNIT_CELL) {
        PetscCheck(p->pattern != MN_PATTERN_RANDOM, m->comm, PETSC_ERR_ARG_INCOMP, "-%s_pattern random needs -%s_domain patch (a unit cell holds a regular pattern)", m->name, m->name);
        for (PetscInt k = 1; k < p->nsessions; k++)
          PetscCheck(p->density[k] == p->density[0], m->comm, PETSC_ERR_ARG_INCOMP, "-%s_density_per_cm2: session %" PetscInt_FMT " has %g per cm^2, session 1 %g; a unit cell holds one density, use -%s_domain patch", m->name, k + 1, (double)(100 * p->density[k]), (double)(100 * p->density[0]), m->name);
      }
      break;
    case MN_P_CLOSURE_SPEED: /* the barrier closes as fast as the skin group's micropores */
      p->v_close[SC] *= skin_group_hours[0] / skin_group_hours[p->group];
      p->v_close[EPI] *= skin_group_hours[0] / skin_group_hours[p->group];
      break;
    case MN_P_COLLAGEN_TURNOVER: /* aged skin: production short of turnover by the yearly loss */
      p->shortfall = MNAgeCollagenLoss(p->age) / (365.25 * p->delta_c);
      PetscCheck(p->shortfall < 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_collagen_turnover_per_day %g: too slow for the collagen loss at age %g (%.3g per year); raise it", m->name, (double)p->delta_c, (double)p->age, (double)MNAgeCollagenLoss(p->age));
      break;
    case MN_P_COLLAGEN_DEPOSITION: /* aged skin makes less new collagen, a keloid many times more */
      p->responsiveness = MNAgeSynthesis(p->age) * (p->scar == SCAR_KELOID ? p->keloid_synthesis : 1);
      break;
    case MN_P_KELOID_SYNTHESIS:
      PetscCall(MNScarOptionsCheck(m, p));
      p->scar_level = p->scar == SCAR_ATROPHIC ? 1 - p->scar_deficit : p->scar == SCAR_NONE ? 1
                                                                                            : 1 + p->scar_excess;
      break;
    case MN_P_MACROPHAGE_DIFFUSIVITY: /* repair macrophages move as inflammatory ones */
      for (PetscInt L = 0; L < NL; L++)
        p->Dl[3][L] = p->Dl[2][L];
      break;
    case MN_P_FIBROBLAST_BASELINE:
      for (PetscInt L = 0; L < NL; L++)
        PetscCheck(!dermal[L] || p->f0[L] > 0, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_fibroblast_baseline_per_mm3: the %s needs resident fibroblasts (> 0)", m->name, layer_name[L]);
      break;
    case MN_P_FIBROBLAST_MAX:
      for (PetscInt L = 0; L < NL; L++)
        PetscCheck(!dermal[L] || p->f0[L] < p->f_max, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_fibroblast_max_per_mm3 %g: must exceed the %s baseline %g", m->name, (double)p->f_max, layer_name[L], (double)p->f0[L]);
      break;
    }
  }

  /* proposed set-up: 2-D cross-section, graded in depth with faces on the layer interfaces */
  a_lat             = p->domain == DOMAIN_UNIT_CELL ? p->cell[0] : p->patch_width + 2 * p->margin;
  setup->dim        = 2;
  setup->length[0]  = a_lat;
  setup->length[1]  = p->domain == DOMAIN_UNIT_CELL ? p->cell[1] : a_lat;
  setup->length[2]  = depth_total;
  setup->cells[0]   = PetscMax(8, (PetscInt)PetscCeilReal(a_lat / 0.02));
  setup->cells[1]   = PetscMax(8, (PetscInt)PetscCeilReal(setup->length[1] / 0.02));
  setup->cells[2]   = p->nsolutes ? 96 : 48; /* a solute's permeation needs five or more cells in the stratum corneum */
  setup->grading[2] = 8;
  setup->nbreaks[2] = NL - 1;
  for (PetscInt L = 1; L < NL; L++)
    setup->breaks[2][L - 1] = p->top[L];
  for (PetscInt a = 0; a < 2; a++)
    setup->bc[a][0].type = setup->bc[a][1].type = p->domain == DOMAIN_UNIT_CELL ? MH_BC_PERIODIC : MH_BC_ZERO_FLUX;
  setup->t_end      = (p->nsessions ? p->session_time[p->nsessions - 1] : 0) + p->follow_up;
  setup->dt_initial = 1e-3;
  for (PetscInt k = 0; k < p->nsolutes; k++)
    PetscCall(MNSoluteProperties(p, &p->sol[k]));
  if (p->nsolutes) PetscCall(MNSoluteFields(m));
  PetscCall(MNEventsSet(m));
  p->acc.current = -1;
  PetscCall(MNAddOutcomes(m));
  PetscFunctionReturn(0);
}
