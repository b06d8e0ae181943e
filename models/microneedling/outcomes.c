/* microneedling: outcomes (barrier, inflammation, matrix per dermal layer, and per session
   the recovery times), their names and their running state. */
#include "microneedling_impl.h"

/* Crossing time of a threshold between two samples, linearly interpolated. */
static PetscReal Crossing(PetscReal t0, PetscReal v0, PetscReal t1, PetscReal v1, PetscReal level)
{
  if (v0 == v1) return t1;
  return t0 + (t1 - t0) * PetscClipInterval((v0 - level) / (v0 - v1), 0, 1);
}

/* What the outcomes integrate over the cells (each times the cell volume), summed over the ranks
   in one reduction: reals only, in this order. */
typedef struct {
  PetscReal sc_deficit, sc_volume; /* barrier deficit: D in the stratum corneum, and its volume */
  PetscReal deficit;               /* D over the whole domain (dye-tight closure) */
  PetscReal vascular_deficit;      /* D weighted by the layer's vascular weight (bleeding) */
  PetscReal signal, volume;        /* the inflammatory signal S, and the domain's volume */
  PetscReal c1[NL], c3[NL], elastin[NL], layer_volume[NL];
  PetscReal area[NL];  /* histological collagen area: min(1, baseline share x (c1 + c3)) */
  PetscReal epidermis; /* epidermal thickness / baseline over the epidermis */
} Integrals;

PetscErrorCode MNOutcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
{
  Microneedling     *p = (Microneedling *)m->data;
  const PetscScalar *u;
  Integrals          loc = {0}, sum;
  PetscInt           n = 0, o = 0;
  PetscReal          B, V, Sm, Vv, area, hours = 24;
  const PetscInt     zd = g->dim - 1;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, n) {
    PetscInt           idx[3] = {i, j, kk};
    PetscReal          dv = MHGridCellVolume(g, idx), z = g->dim == 1 ? 0 : g->centres[g->dim - 1][idx[g->dim - 1]];
    PetscInt           L = Layer(p, z);
    const PetscScalar *v = &u[n * p->nf];
    if (L == SC) loc.sc_deficit += PetscRealPart(v[D]) * dv, loc.sc_volume += dv;
    loc.deficit += PetscRealPart(v[D]) * dv;
    loc.vascular_deficit += p->vascular[L] * PetscRealPart(v[D]) * dv;
    loc.signal += PetscRealPart(v[S]) * dv;
    loc.volume += dv;
    loc.c1[L] += PetscRealPart(v[C1]) * dv;
    loc.c3[L] += PetscRealPart(v[C3]) * dv;
    loc.elastin[L] += PetscRealPart(v[E]) * dv;
    loc.area[L] += PetscMin(1.0, p->area0[L] * PetscRealPart(v[C1] + v[C3])) * dv;
    loc.layer_volume[L] += dv;
    if (L == EPI) loc.epidermis += PetscRealPart(v[EP]) * dv;
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(&loc, &sum, (PetscMPIInt)(sizeof loc / sizeof(PetscReal)), MPIU_REAL, MPIU_SUM, m->comm));
  B        = sum.sc_volume > 0 ? sum.sc_deficit / sum.sc_volume : 0;
  V        = sum.deficit;
  Sm       = sum.signal / sum.volume;
  area     = sum.volume / (g->faces[zd][g->n[zd]] - g->faces[zd][0]); /* the skin surface [mm^2] (2-D: per mm of y) */
  Vv       = sum.vascular_deficit / area;
  out[o++] = B;
  out[o++] = Sm;
  out[o++] = sum.layer_volume[EPI] > 0 ? sum.epidermis / sum.layer_volume[EPI] - 1 : 0;
  for (PetscInt L = PAP; L <= RET; L++) {
    PetscReal c1 = sum.c1[L] / sum.layer_volume[L], c3 = sum.c3[L] / sum.layer_volume[L], e = sum.elastin[L] / sum.layer_volume[L];
    out[o++] = c1 + c3 - 1;
    out[o++] = c1 / (1 - p->phi3_normal); /* over normal skin's, also in a scar */
    out[o++] = c3 / p->phi3_normal;
    out[o++] = c1 / (c1 + c3);
    out[o++] = e;
    out[o++] = sum.area[L] / sum.layer_volume[L];
    out[o++] = p->area0[L] > 0 ? sum.area[L] / sum.layer_volume[L] / p->area0[L] - 1 : 0;
    out[o++] = c1 + c3 - Baseline(p, L) * MNUntreatedCollagen(p, t);
  }
  if (p->scar != SCAR_NONE) { /* what the treatment changed in the scar, over its deficit (excess) */
    PetscReal height = 0;
    for (PetscInt L = PAP; L <= RET; L++)
      out[o++] = ((sum.c1[L] + sum.c3[L]) / sum.layer_volume[L] - Baseline(p, L) * MNUntreatedCollagen(p, t)) / PetscAbsReal(1 - Baseline(p, L));
    /* the scar's surface over the normal skin around it: each dermal layer as thick as its
       collagen, against normal skin's of the same age at the same time */
    for (PetscInt L = PAP; L <= RET; L++)
      height += p->thickness[L] * ((sum.c1[L] + sum.c3[L]) / sum.layer_volume[L] - MNUntreatedCollagen(p, t));
    out[o++] = height;
  }
  /* per session: barrier recovery, dye-tight closure, inflammation peak, its time, resolution */
  if (p->acc.current >= 0) {
    PetscReal *r = p->acc.sess[(PetscInt)p->acc.current], t0 = p->session_time[(PetscInt)p->acc.current];
    if (p->acc.fresh) {
      p->acc.B0 = B, p->acc.V0 = V, p->acc.peak = Sm, p->acc.peak_t = t;
      for (PetscInt q = 0; q < PER_SESSION; q++)
        r[q] = (PetscReal)NAN;
      r[SESSION_BLEEDING]       = PetscMax(Vv - p->acc.Vv_prev, 0) * 100; /* mm^3/mm^2 -> uL/cm^2 */
      r[SESSION_EXPOSURE_H]     = 0;
      r[SESSION_INFLAMMATION_H] = 0;
      p->acc.fresh              = 0;
    } else {
      r[SESSION_EXPOSURE_H] += 0.5 * (p->acc.B_prev + B) * (t - p->acc.t_prev) * hours;
      r[SESSION_INFLAMMATION_H] += 0.5 * (p->acc.S_prev + Sm) * (t - p->acc.t_prev) * hours;
      if (PetscIsNanReal(r[SESSION_BARRIER_H]) && B <= p->barrier_frac * p->acc.B0) r[SESSION_BARRIER_H] = (Crossing(p->acc.t_prev, p->acc.B_prev, t, B, p->barrier_frac * p->acc.B0) - t0) * hours;
      if (PetscIsNanReal(r[SESSION_DYE_TIGHT_H]) && V <= p->dye_frac * p->acc.V0) r[SESSION_DYE_TIGHT_H] = (Crossing(p->acc.t_prev, p->acc.V_prev, t, V, p->dye_frac * p->acc.V0) - t0) * hours;
      if (Sm > p->acc.peak) {
        p->acc.peak = Sm, p->acc.peak_t = t;
        r[SESSION_RESOLUTION_H] = (PetscReal)NAN;
      }
      if (PetscIsNanReal(r[SESSION_RESOLUTION_H]) && Sm <= p->resolve_frac * p->acc.peak) r[SESSION_RESOLUTION_H] = (Crossing(p->acc.t_prev, p->acc.S_prev, t, Sm, p->resolve_frac * p->acc.peak) - t0) * hours;
    }
    r[SESSION_PEAK]   = p->acc.peak;
    r[SESSION_PEAK_H] = (p->acc.peak_t - t0) * hours;
    p->acc.t_prev = t, p->acc.B_prev = B, p->acc.V_prev = V, p->acc.S_prev = Sm;
  }
  p->acc.Vv_prev = Vv;
  for (PetscInt k = 0; k < p->nsessions; k++)
    for (PetscInt q = 0; q < PER_SESSION; q++)
      out[o++] = k <= p->acc.current ? p->acc.sess[k][q] : (PetscReal)NAN;
  PetscCall(MNSoluteOutcomes(m, g, t, U, &out[o]));
  *stop = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/* The outcome names, once the sessions are known. */
PetscErrorCode MNAddOutcomes(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  m->noutcomes = 0;
  PetscCall(MHModelAddOutcome(m, "barrier_deficit", "1"));
  PetscCall(MHModelAddOutcome(m, "inflammation", "1"));
  PetscCall(MHModelAddOutcome(m, "epidermis_thickness_gain", "1"));
  for (PetscInt L = PAP; L <= RET; L++) {
    /* in the order MNOutcomes writes them (PER_LAYER) */
    const char *what[PER_LAYER] = {"collagen_gain", "collagen_I_rel", "collagen_III_rel", "collagen_I_fraction", "elastin_rel", "collagen_area", "collagen_area_gain", "collagen_gain_vs_untreated"};
    for (PetscInt q = 0; q < PER_LAYER; q++) {
      char name[MH_NAME_LEN];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%s", what[q], layer_short[L]));
      PetscCall(MHModelAddOutcome(m, name, "1"));
    }
  }
  for (PetscInt L = PAP; L <= RET && p->scar != SCAR_NONE; L++) {
    char name[MH_NAME_LEN];
    PetscCall(PetscSNPrintf(name, sizeof name, "scar_%s_%s", p->scar == SCAR_ATROPHIC ? "deficit_filled" : "excess_added", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
  }
  if (p->scar != SCAR_NONE) PetscCall(MHModelAddOutcome(m, "scar_surface_mm", "mm"));
  for (PetscInt k = 0; k < p->nsessions; k++) {
    const char *what[PER_SESSION] = {"barrier_recovery_h", /* in the order of SESSION_* */ "dye_tight_h", "inflammation_peak", "inflammation_peak_h", "inflammation_resolution_h", "bleeding_ul_per_cm2", "open_barrier_exposure_h", "inflammation_exposure_h"};
    const char *unit[PER_SESSION] = {"h", "h", "1", "h", "h", "uL/cm^2", "h", "h"};
    for (PetscInt q = 0; q < PER_SESSION; q++) {
      char name[MH_NAME_LEN];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%" PetscInt_FMT, what[q], k + 1));
      PetscCall(MHModelAddOutcome(m, name, unit[q]));
    }
  }
  PetscCall(MNSoluteAddOutcomes(m));
  PetscFunctionReturn(0);
}
