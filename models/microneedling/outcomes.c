/* microneedling: outcomes (barrier, inflammation, matrix per dermal layer, and per session
   the recovery times), their names and their running state. */
#include "microneedling_impl.h"

/* Crossing time of a threshold between two samples, linearly interpolated. */
static PetscReal Crossing(PetscReal t0, PetscReal v0, PetscReal t1, PetscReal v1, PetscReal level)
{
  if (v0 == v1) return t1;
  return t0 + (t1 - t0) * PetscClipInterval((v0 - level) / (v0 - v1), 0, 1);
}

PetscErrorCode MNOutcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
{
  Microneedling     *p = (Microneedling *)m->data;
  const PetscScalar *u;
  PetscReal          loc[6 + 4 * NL] = {0}, sum[6 + 4 * NL], vol[NL] = {0};
  PetscInt           n = 0, o = 0;
  PetscReal          B, V, Sm, hours = 24;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, n) {
    PetscInt           idx[3] = {i, j, kk};
    PetscReal          dv = MHGridCellVolume(g, idx), z = g->dim == 1 ? 0 : g->centres[g->dim - 1][idx[g->dim - 1]];
    PetscInt           L = Layer(p, z);
    const PetscScalar *v = &u[n * NF];
    if (L <= EPI) loc[0] += PetscRealPart(v[D]) * dv, loc[1] += dv;
    loc[2] += PetscRealPart(v[D]) * dv;
    loc[3] += PetscRealPart(v[S]) * dv;
    loc[4] += dv;
    loc[6 + L] += PetscRealPart(v[C1]) * dv;
    loc[6 + NL + L] += PetscRealPart(v[C3]) * dv;
    loc[6 + 2 * NL + L] += PetscRealPart(v[E]) * dv;
    loc[6 + 3 * NL + L] += dv;
  }
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(loc, sum, 6 + 4 * NL, MPIU_REAL, MPIU_SUM, m->comm));
  for (PetscInt L = 0; L < NL; L++)
    vol[L] = sum[6 + 3 * NL + L];
  B        = sum[1] > 0 ? sum[0] / sum[1] : 0;
  V        = sum[2];
  Sm       = sum[3] / sum[4];
  out[o++] = B;
  out[o++] = Sm;
  for (PetscInt L = PAP; L <= RET; L++) {
    PetscReal c1 = sum[6 + L] / vol[L], c3 = sum[6 + NL + L] / vol[L], e = sum[6 + 2 * NL + L] / vol[L];
    out[o++] = c1 + c3 - 1;
    out[o++] = c1 / (1 - p->phi3);
    out[o++] = c3 / p->phi3;
    out[o++] = c1 / (c1 + c3);
    out[o++] = e;
  }
  /* per session: barrier recovery, dye-tight closure, inflammation peak, its time, resolution */
  if (p->acc.current >= 0) {
    PetscReal *r = p->acc.sess[(PetscInt)p->acc.current], t0 = p->session_time[(PetscInt)p->acc.current];
    if (p->acc.fresh) {
      p->acc.B0 = B, p->acc.V0 = V, p->acc.peak = Sm, p->acc.peak_t = t;
      for (PetscInt q = 0; q < PER_SESSION; q++)
        r[q] = (PetscReal)NAN;
      p->acc.fresh = 0;
    } else {
      if (PetscIsNanReal(r[0]) && B <= p->barrier_frac * p->acc.B0) r[0] = (Crossing(p->acc.t_prev, p->acc.B_prev, t, B, p->barrier_frac * p->acc.B0) - t0) * hours;
      if (PetscIsNanReal(r[1]) && V <= p->dye_frac * p->acc.V0) r[1] = (Crossing(p->acc.t_prev, p->acc.V_prev, t, V, p->dye_frac * p->acc.V0) - t0) * hours;
      if (Sm > p->acc.peak) {
        p->acc.peak = Sm, p->acc.peak_t = t;
        r[4] = (PetscReal)NAN;
      }
      if (PetscIsNanReal(r[4]) && Sm <= p->resolve_frac * p->acc.peak) r[4] = (Crossing(p->acc.t_prev, p->acc.S_prev, t, Sm, p->resolve_frac * p->acc.peak) - t0) * hours;
    }
    r[2]          = p->acc.peak;
    r[3]          = (p->acc.peak_t - t0) * hours;
    p->acc.t_prev = t, p->acc.B_prev = B, p->acc.V_prev = V, p->acc.S_prev = Sm;
  }
  for (PetscInt k = 0; k < p->nsessions; k++)
    for (PetscInt q = 0; q < PER_SESSION; q++)
      out[o++] = k <= p->acc.current ? p->acc.sess[k][q] : (PetscReal)NAN;
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
  for (PetscInt L = PAP; L <= RET; L++) {
    char name[MH_NAME_LEN];
    PetscCall(PetscSNPrintf(name, sizeof name, "collagen_gain_%s", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
    PetscCall(PetscSNPrintf(name, sizeof name, "collagen_I_rel_%s", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
    PetscCall(PetscSNPrintf(name, sizeof name, "collagen_III_rel_%s", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
    PetscCall(PetscSNPrintf(name, sizeof name, "collagen_I_fraction_%s", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
    PetscCall(PetscSNPrintf(name, sizeof name, "elastin_rel_%s", layer_short[L]));
    PetscCall(MHModelAddOutcome(m, name, "1"));
  }
  for (PetscInt k = 0; k < p->nsessions; k++) {
    const char *what[PER_SESSION] = {"barrier_recovery_h", "dye_tight_h", "inflammation_peak", "inflammation_peak_h", "inflammation_resolution_h"};
    const char *unit[PER_SESSION] = {"h", "h", "1", "h", "h"};
    for (PetscInt q = 0; q < PER_SESSION; q++) {
      char name[MH_NAME_LEN];
      PetscCall(PetscSNPrintf(name, sizeof name, "%s_%" PetscInt_FMT, what[q], k + 1));
      PetscCall(MHModelAddOutcome(m, name, unit[q]));
    }
  }
  PetscFunctionReturn(0);
}
