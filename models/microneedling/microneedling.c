/* microneedling: channel closure, inflammation and collagen/elastin remodelling across skin layers
   after a course of microneedling (SCIENCE.md sections 1, 2, 3 and 5; equations, parameters and
   sources in models/microneedling/README.md). Length in mm, time in days.

     d'   = -k_L d                                             open channel (needle volume fraction)
     s'   = div(D_s grad s) + rho_L d + sigma_n n/N_ref - k_s s  damage signal (erythema proxy)
     n'   = div(D_n grad n) + a_n v_L s - k_n n                neutrophils
     m1'  = div(D_m grad m1) + k_mn n - (k_sw + d_m) m1        inflammatory macrophages
     m2'  = div(D_m grad m2) + k_sw m1 - d_m m2                repair macrophages
     T'   = div(D_T grad T) + k_T1 m1 + k_T2 m2 - k_T T        active TGF-beta (excess)
     f'   = div(D_f grad f) - div(chi f grad T)
            + r_f h(T) f (1 - f/K_L) - delta_f (f - fbar_L)    fibroblasts / layer baseline
     c3'  = [delta_c phi3 f + alpha_c q3 A] - (delta_c + g) c3 - J
     c1'  = [delta_c phi1 f + alpha_c (1 - q3) A] - (delta_c + g) c1 + J
     e'   = [delta_e f + alpha_e A] - delta_e e - k_el (n / N_ref) e

   with h(T) = T/(K_T + T), A = max(f - fbar_L, 0) the fibroblast excess, g = k_mmp (n + m1)/N_ref
   the inflammatory (MMP) degradation and J = kappa (phi1 c3 - phi3 c1) the maturation of
   collagen III into I toward the baseline type ratio; the bracketed production exists in the
   dermal layers only. Collagen is a fraction of the layer's baseline total collagen, fibroblasts
   and elastin are relative to the layer's baseline, so the untreated skin (d = s = n = m1 = m2 = T
   = 0, f = c1 + c3 = e = 1 in the dermis, 0 in the epidermis) is an exact steady state.

   A treatment session is an event: every needle's channel (a cone frustum) is rasterised by
   volume fraction phi into d <- 1 - (1 - d)(1 - phi), with a damage-signal bolus and a platelet
   TGF-beta bolus in proportion to the newly opened volume (the latter in vascular layers only). */
#include "mhmodel.h"
#include "needles.h"
#include <math.h>

#define NL 5
enum { SC,
  EPI,
  PAP,
  RET,
  HYPO };
static const char *const layer_name[NL]  = {"stratum_corneum", "epidermis", "papillary_dermis", "reticular_dermis", "hypodermis"};
static const char *const layer_short[NL] = {"sc", "epidermis", "papillary", "reticular", "hypodermis"};
static const PetscBool   dermal[NL]      = {PETSC_FALSE, PETSC_FALSE, PETSC_TRUE, PETSC_TRUE, PETSC_TRUE};

enum { D,
  S,
  N,
  M1,
  M2,
  T,
  F,
  C3,
  C1,
  E,
  NF };
static const char *const field_names[NF] = {"damage", "signal", "neutrophils", "macrophages_inflammatory", "macrophages_repair", "tgfb", "fibroblasts", "collagen_III", "collagen_I", "elastin"};
static const char *const field_units[NF] = {"1", "1", "cells/mm^3", "cells/mm^3", "cells/mm^3", "ng/mL", "1", "1", "1", "1"};
/* transported fields and the name of their diffusivity option */
static const PetscInt    moving[]      = {S, N, M1, M2, T, F};
static const char *const moving_name[] = {"signal", "neutrophil", "macrophage", NULL, "tgfb", "fibroblast"}; /* the macrophage phenotypes share one */
#define NMOVING 6

typedef enum { SKIN_FACE,
  SKIN_BODY } Skin;
static const char *const skins[] = {"face", "body", NULL};
typedef enum { DOMAIN_UNIT_CELL,
  DOMAIN_PATCH } Domain;
static const char *const domains[]  = {"unit_cell", "patch", NULL};
static const char *const patterns[] = {"square", "hexagonal", "random", NULL}; /* MNPattern order */

#define MAX_SESSIONS 16
#define MAX_PASSES 64
/* outcomes per session, after the time series */
enum { OUT_BARRIER,
  OUT_INFLAMMATION,
  OUT_SERIES_PER_LAYER };
#define PER_LAYER 5 /* collagen gain, I, III, I fraction, elastin */
#define PER_SESSION 5

/* The outcomes' running state: reals only, so that checkpoints save and restore it whole
   (MHModelSetState). */
typedef struct {
  PetscReal current;                                              /* latest session applied (an index), -1 none */
  PetscReal fresh;                                                /* 1: the next outcome call is the first after it */
  PetscReal t_prev, B_prev, V_prev, S_prev, B0, V0, peak, peak_t; /* barrier, open volume, signal */
  PetscReal sess[MAX_SESSIONS][PER_SESSION];
} Tracking;

typedef struct {
  /* skin */
  PetscInt  skin;
  PetscReal thickness[NL], top[NL + 1]; /* layer depths [mm] */
  /* needles and protocol */
  PetscReal  length[MAX_SESSIONS], density[MAX_SESSIONS]; /* mm, per mm^2 */
  PetscReal  penetration, r_surface, r_tip;
  PetscInt   pattern, passes, domain, seed;
  PetscReal  patch_width, margin, cell[2];
  PetscInt   nsessions;
  PetscReal  session_time[MAX_SESSIONS];
  PetscInt   nneedles[MAX_SESSIONS];
  PetscInt   pass_end[MAX_SESSIONS][MAX_PASSES]; /* needles of pass q end before pass_end[q] */
  PetscReal *xy[MAX_SESSIONS];                   /* needle axes per session (all passes) */
  PetscReal  lateral[2];                         /* domain size in x, y [mm] */
  PetscInt   dim;
  /* per-layer coefficients, rates in per day */
  PetscReal k_close[NL], rho_s[NL], bolus_s[NL], vascular[NL], f0[NL];
  PetscReal Dl[NMOVING][NL], chi[NL];
  PetscReal k_s, sigma_n, a_n, k_n, k_mn, k_sw, d_m, k_T1, k_T2, k_T, bolus_T, K_T;
  PetscReal f_max, r_f, delta_f;
  PetscReal delta_c, phi3, alpha_c, q3, kappa, k_mmp, N_ref;
  PetscReal delta_e, alpha_e, k_el;
  PetscReal follow_up;
  /* outcome thresholds and accumulators */
  PetscReal barrier_frac, dye_frac, resolve_frac;
  Tracking  acc;
} Microneedling;

static inline PetscInt Layer(const Microneedling *p, PetscReal z)
{
  PetscInt L = 0;
  while (L < NL - 1 && z >= p->top[L + 1])
    L++;
  return L;
}

static inline PetscReal Hill(const Microneedling *p, PetscScalar T, PetscReal *dh)
{
  PetscReal Tp = PetscMax(PetscRealPart(T), 0.0);
  *dh          = PetscRealPart(T) > 0 ? p->K_T / ((p->K_T + Tp) * (p->K_T + Tp)) : 0;
  return Tp / (p->K_T + Tp);
}

static inline PetscReal Baseline(PetscInt L)
{
  return dermal[L] ? 1.0 : 0.0;
}

static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar r[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  PetscInt             L = Layer(p, x[2]);
  PetscReal            dh, h = Hill(p, u[T], &dh), fbar = Baseline(L), K = dermal[L] ? p->f_max / p->f0[L] : 1;
  PetscReal            rf = dermal[L] ? p->r_f : 0, w = dermal[L] ? 1 : 0, phi1 = 1 - p->phi3;
  PetscScalar          A = PetscMax(PetscRealPart(u[F]) - fbar, 0.0), g = p->k_mmp * (u[N] + u[M1]) / p->N_ref;
  PetscScalar          J = p->kappa * (phi1 * u[C3] - p->phi3 * u[C1]);

  r[D]  = -p->k_close[L] * u[D];
  r[S]  = p->rho_s[L] * u[D] + p->sigma_n * u[N] / p->N_ref - p->k_s * u[S];
  r[N]  = p->a_n * p->vascular[L] * u[S] - p->k_n * u[N];
  r[M1] = p->k_mn * u[N] - (p->k_sw + p->d_m) * u[M1];
  r[M2] = p->k_sw * u[M1] - p->d_m * u[M2];
  r[T]  = p->k_T1 * u[M1] + p->k_T2 * u[M2] - p->k_T * u[T];
  r[F]  = rf * h * u[F] * (1 - u[F] / K) - p->delta_f * (u[F] - fbar);
  r[C3] = w * (p->delta_c * p->phi3 * u[F] + p->alpha_c * p->q3 * A) - (p->delta_c + g) * u[C3] - J;
  r[C1] = w * (p->delta_c * phi1 * u[F] + p->alpha_c * (1 - p->q3) * A) - (p->delta_c + g) * u[C1] + J;
  r[E]  = w * (p->delta_e * u[F] + p->alpha_e * A) - p->delta_e * u[E] - p->k_el * u[N] / p->N_ref * u[E];
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar Jm[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  PetscInt             L = Layer(p, x[2]);
  PetscReal            dh, h = Hill(p, u[T], &dh), fbar = Baseline(L), K = dermal[L] ? p->f_max / p->f0[L] : 1;
  PetscReal            rf = dermal[L] ? p->r_f : 0, w = dermal[L] ? 1 : 0, phi1 = 1 - p->phi3;
  PetscReal            dA = PetscRealPart(u[F]) > fbar ? 1 : 0, dg = p->k_mmp / p->N_ref;
  PetscScalar          g = p->k_mmp * (u[N] + u[M1]) / p->N_ref;
#define JAC(i, j) Jm[(i)*NF + (j)]

  for (PetscInt i = 0; i < NF * NF; i++)
    Jm[i] = 0;
  JAC(D, D)   = -p->k_close[L];
  JAC(S, D)   = p->rho_s[L];
  JAC(S, S)   = -p->k_s;
  JAC(S, N)   = p->sigma_n / p->N_ref;
  JAC(N, S)   = p->a_n * p->vascular[L];
  JAC(N, N)   = -p->k_n;
  JAC(M1, N)  = p->k_mn;
  JAC(M1, M1) = -(p->k_sw + p->d_m);
  JAC(M2, M1) = p->k_sw;
  JAC(M2, M2) = -p->d_m;
  JAC(T, M1)  = p->k_T1;
  JAC(T, M2)  = p->k_T2;
  JAC(T, T)   = -p->k_T;
  JAC(F, T)   = rf * dh * u[F] * (1 - u[F] / K);
  JAC(F, F)   = rf * h * (1 - 2 * u[F] / K) - p->delta_f;
  JAC(C3, F)  = w * (p->delta_c * p->phi3 + p->alpha_c * p->q3 * dA);
  JAC(C3, N)  = -dg * u[C3];
  JAC(C3, M1) = -dg * u[C3];
  JAC(C3, C3) = -(p->delta_c + g) - p->kappa * phi1;
  JAC(C3, C1) = p->kappa * p->phi3;
  JAC(C1, F)  = w * (p->delta_c * phi1 + p->alpha_c * (1 - p->q3) * dA);
  JAC(C1, N)  = -dg * u[C1];
  JAC(C1, M1) = -dg * u[C1];
  JAC(C1, C1) = -(p->delta_c + g) - p->kappa * p->phi3;
  JAC(C1, C3) = p->kappa * phi1;
  JAC(E, F)   = w * (p->delta_e + p->alpha_e * dA);
  JAC(E, N)   = -p->k_el / p->N_ref * u[E];
  JAC(E, E)   = -p->delta_e - p->k_el * u[N] / p->N_ref;
#undef JAC
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal Dv[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  PetscInt             L = Layer(p, x[2]);

  for (PetscInt f = 0; f < NF; f++)
    Dv[f] = 0;
  for (PetscInt q = 0; q < NMOVING; q++)
    Dv[moving[q]] = p->Dl[q][L];
}

static void Taxis(const void *ctx, const PetscReal x[3], PetscReal chi[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  chi[0]                 = p->chi[Layer(p, x[2])];
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  const Microneedling *p = (const Microneedling *)m->data;
  PetscInt             L = Layer(p, c->x[2]);

  PetscFunctionBeginUser;
  for (PetscInt f = 0; f < NF; f++)
    u[f] = 0;
  u[F]  = Baseline(L);
  u[C3] = Baseline(L) * p->phi3;
  u[C1] = Baseline(L) * (1 - p->phi3);
  u[E]  = Baseline(L);
  PetscFunctionReturn(0);
}

/* ---- needles ---- */

static MNShape Shape(const Microneedling *p, PetscInt k)
{
  MNShape s = {p->length[k] * p->penetration, p->r_surface, p->r_tip};
  return s;
}

/* Needle axes of every session and pass, the same on every rank: lattice patterns shifted by a
   seeded random offset per pass and session (the first pass of the first session centred),
   random patterns drawn afresh. */
static PetscErrorCode NeedlesCreate(Microneedling *p)
{
  MNRng rng;

  PetscFunctionBeginUser;
  MNRngSeed(&rng, (uint64_t)p->seed);
  for (PetscInt k = 0; k < p->nsessions; k++) {
    PetscReal box[4], *all = NULL;
    PetscInt  nall = 0;
    if (p->domain == DOMAIN_UNIT_CELL) {
      box[0] = 0, box[1] = p->cell[0], box[2] = 0, box[3] = p->cell[1];
    } else {
      box[0] = p->margin, box[1] = p->margin + p->patch_width, box[2] = p->dim == 3 ? p->margin : 0, box[3] = box[2] + (p->dim == 3 ? p->patch_width : p->lateral[1]);
    }
    for (PetscInt pass = 0; pass < p->passes; pass++) {
      PetscReal off[2], *xy, *grown;
      PetscInt  n;
      if (k == 0 && pass == 0) {
        off[0] = 0.5 * p->cell[0], off[1] = 0.5 * p->cell[1] / (p->pattern == MN_PATTERN_HEXAGONAL ? 2 : 1);
      } else {
        off[0] = p->cell[0] * MNRngUniform(&rng), off[1] = p->cell[1] * MNRngUniform(&rng);
      }
      PetscCall(MNPatternGenerate((MNPattern)p->pattern, p->density[k], box, off, &rng, &n, &xy));
      PetscCall(PetscMalloc1(2 * (nall + n) + 1, &grown));
      for (PetscInt i = 0; i < 2 * nall; i++)
        grown[i] = all[i];
      for (PetscInt i = 0; i < 2 * n; i++)
        grown[2 * nall + i] = xy[i];
      PetscCall(PetscFree(all));
      PetscCall(PetscFree(xy));
      all = grown;
      nall += n;
      p->pass_end[k][pass] = nall;
    }
    p->xy[k]       = all;
    p->nneedles[k] = nall;
  }
  PetscFunctionReturn(0);
}

/* Volume fraction of a cell taken by session k's needles. The needles of one pass do not overlap
   (a lattice; a random draw nearly so), so their fractions add, which keeps a 2-D row of needles
   at different y exact; passes, shifted at random, combine as independent: 1 - prod(1 - phi). */
static PetscReal CellFraction(const Microneedling *p, PetscInt k, const MHCell *c)
{
  MNShape   s    = Shape(p, k);
  PetscReal open = 1, rmax = PetscMax(p->r_surface, p->r_tip);
  PetscReal per[2]  = {0, 0};
  PetscBool unitary = (PetscBool)(p->domain == DOMAIN_UNIT_CELL);

  if (c->lo[2] >= s.depth) return 0;
  if (unitary) per[0] = p->lateral[0], per[1] = p->lateral[1];
  for (PetscInt q = 0; q < p->passes; q++) {
    PetscReal pass = 0;
    for (PetscInt i = q ? p->pass_end[k][q - 1] : 0; i < p->pass_end[k][q]; i++) {
      PetscReal xc = p->xy[k][2 * i], yc = p->xy[k][2 * i + 1], dx;
      dx = PetscMax(c->lo[0] - xc, xc - c->hi[0]);
      if (unitary) dx = PetscMin(dx, PetscMax(c->lo[0] - xc - per[0], xc - per[0] - c->hi[0]));
      if (unitary) dx = PetscMin(dx, PetscMax(c->lo[0] - xc + per[0], xc + per[0] - c->hi[0]));
      if (dx > rmax) continue;
      if (p->dim == 3)
        pass += MNVolumeFraction3D(&s, xc, yc, c->lo, c->hi, per);
      else
        pass += MNVolumeFraction2D(&s, xc, p->lateral[1], c->lo[0], c->hi[0], c->lo[2], c->hi[2], per[0]);
    }
    open *= 1 - PetscMin(PetscMax(pass, 0.0), 1.0);
  }
  return 1 - open;
}

static PetscErrorCode Session(MHModel m, const MHGrid *g, PetscInt k, PetscReal t, Vec U)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscScalar   *u;
  PetscInt       n = 0;

  PetscFunctionBeginUser;
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, n) {
    PetscInt     idx[3] = {i, j, kk}, L;
    MHCell       c;
    PetscScalar *v = &u[n * NF];
    PetscReal    phi, dnew, opened;
    MHGridCellOf(g, idx, &c);
    phi = CellFraction(p, k, &c);
    if (phi <= 0) continue;
    L      = Layer(p, c.x[2]);
    dnew   = 1 - (1 - PetscRealPart(v[D])) * (1 - phi);
    opened = dnew - PetscRealPart(v[D]);
    v[D]   = dnew;
    v[S] += p->bolus_s[L] * opened;
    v[T] += p->bolus_T * p->vascular[L] * opened;
  }
  PetscCall(VecRestoreArray(U, &u));
  p->acc.current = (PetscReal)k;
  p->acc.fresh   = 1;
  PetscFunctionReturn(0);
}

/* ---- outcomes ---- */

/* Crossing time of a threshold between two samples, linearly interpolated. */
static PetscReal Crossing(PetscReal t0, PetscReal v0, PetscReal t1, PetscReal v1, PetscReal level)
{
  if (v0 == v1) return t1;
  return t0 + (t1 - t0) * PetscClipInterval((v0 - level) / (v0 - v1), 0, 1);
}

static PetscErrorCode Outcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
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

/* ---- options ---- */

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
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
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "skin", "Skin preset for the layer thicknesses (face or body, SCIENCE.md section 2)", skins, SKIN_FACE, &p->skin));
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

  /* outcome names, now that the sessions are known */
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

/* The output's /model tables: layers, sessions, and every channel's axis and shape. */
static PetscErrorCode DescribeSetUp(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;
  PetscReal      layers[2 * NL], *sess, *ndl;
  PetscInt       total = 0, r = 0;
  char           rows[NL * MH_NAME_LEN] = "", what[512];

  PetscFunctionBeginUser;
  for (PetscInt L = 0; L < NL; L++) {
    layers[2 * L] = p->top[L], layers[2 * L + 1] = p->top[L + 1];
    MHStrlcat(rows, L ? "," : "", sizeof rows);
    MHStrlcat(rows, layer_name[L], sizeof rows);
  }
  PetscCall(MHModelAddTable(m, "layers", "Skin layers: depth of the top and bottom of each (z into the skin, 0 at the surface)", "top,bottom", "mm,mm", rows, NL, 2, layers));
  PetscCall(PetscMalloc1(6 * p->nsessions + 1, &sess));
  for (PetscInt k = 0; k < p->nsessions; k++) {
    PetscReal *row = &sess[6 * k];
    row[0] = p->session_time[k], row[1] = p->length[k], row[2] = p->length[k] * p->penetration;
    row[3] = 100 * p->density[k], row[4] = (PetscReal)p->nneedles[k], row[5] = (PetscReal)p->passes;
    total += p->nneedles[k];
  }
  PetscCall(MHModelAddTable(m, "sessions", "Treatment sessions, numbered from 1 in order: time, needle length, channel depth (length x penetration fraction), density, channels made in the domain, passes", "time,needle_length,channel_depth,density,channels,passes", "day,mm,mm,1/cm^2,1,1", NULL, p->nsessions, 6, sess));
  PetscCall(PetscFree(sess));
  PetscCall(PetscMalloc1(7 * total + 1, &ndl));
  for (PetscInt k = 0; k < p->nsessions; k++)
    for (PetscInt i = 0, q = 0; i < p->nneedles[k]; i++, r++) {
      PetscReal *row = &ndl[7 * r];
      while (i >= p->pass_end[k][q])
        q++;
      row[0] = (PetscReal)(k + 1), row[1] = (PetscReal)(q + 1), row[2] = p->xy[k][2 * i], row[3] = p->xy[k][2 * i + 1];
      row[4] = p->length[k] * p->penetration, row[5] = p->r_surface, row[6] = p->r_tip;
    }
  PetscCall(PetscSNPrintf(what, sizeof what,
      "Channels: session and pass (from 1), axis position, depth, radius at the surface and at the tip; each a cone frustum. %s%s",
      p->domain == DOMAIN_UNIT_CELL ? "The domain is a periodic unit cell: a channel near an edge continues across it. " : "",
      p->dim == 2 ? "In 2-D the x-z section is the y-average of a 3-D slab this many mm thick, in which y lies: " : ""));
  if (p->dim == 2) PetscCall(PetscSNPrintf(what + strlen(what), sizeof what - strlen(what), "%g", (double)p->lateral[1]));
  PetscCall(MHModelAddTable(m, "needles", what, "session,pass,x,y,depth,radius_surface,radius_tip", "1,1,mm,mm,mm,mm,mm", NULL, total, 7, ndl));
  PetscCall(PetscFree(ndl));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetUp(MHModel m, const MHGrid *g)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  PetscCheck(g->dim >= 2, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-dim %" PetscInt_FMT ": model microneedling runs in 2-D (x-z) or 3-D", g->dim);
  p->dim        = g->dim;
  p->lateral[0] = g->length[0];
  p->lateral[1] = g->dim == 3 ? g->length[1] : (p->domain == DOMAIN_UNIT_CELL ? p->cell[1] : p->patch_width);
  PetscCheck(PetscAbsReal(g->length[g->dim - 1] - p->top[NL]) <= 1e-12 * p->top[NL], m->comm, PETSC_ERR_ARG_INCOMP, "-length_z %g: must equal the skin's depth %g mm (set the layers with -microneedling_layer_thickness_mm)", (double)g->length[g->dim - 1], (double)p->top[NL]);
  if (p->domain == DOMAIN_UNIT_CELL) {
    PetscCheck(PetscAbsReal(g->length[0] - p->cell[0]) <= 1e-12 * p->cell[0] && (g->dim == 2 || PetscAbsReal(g->length[1] - p->cell[1]) <= 1e-12 * p->cell[1]), m->comm, PETSC_ERR_ARG_INCOMP,
        "-length_x/-length_y: a unit cell is sized by the density (%g x %g mm here); do not set them", (double)p->cell[0], (double)p->cell[1]);
    PetscCheck(g->bc[0][0].type == MH_BC_PERIODIC, m->comm, PETSC_ERR_ARG_INCOMP, "-bc_x_min: a unit cell is periodic in x and y");
  } else
    PetscCheck(g->length[0] >= p->patch_width + 2 * p->margin - 1e-12, m->comm, PETSC_ERR_ARG_INCOMP, "-length_x %g: the patch (%g mm) and its margins (%g mm) do not fit", (double)g->length[0], (double)p->patch_width, (double)p->margin);
  for (PetscInt L = 0; L < NL; L++) {
    PetscInt cells = 0;
    for (PetscInt k = 0; k < g->n[g->dim - 1]; k++)
      cells += Layer(p, g->centres[g->dim - 1][k]) == L;
    PetscCheck(cells >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-nz %" PetscInt_FMT ": no cell in the %s; refine the depth grid", g->n[g->dim - 1], layer_name[L]);
  }
  PetscCall(NeedlesCreate(p));
  PetscCall(DescribeSetUp(m));
  PetscFunctionReturn(0);
}

static PetscErrorCode View(MHModel m, PetscViewer viewer)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "Skin %.3g mm deep; interfaces at", (double)p->top[NL]));
  for (PetscInt L = 1; L < NL; L++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " %.3g", (double)p->top[L]));
  PetscCall(PetscViewerASCIIPrintf(viewer, " mm. %" PetscInt_FMT " session(s):", p->nsessions));
  for (PetscInt k = 0; k < p->nsessions; k++)
    PetscCall(PetscViewerASCIIPrintf(viewer, " day %g (%.3g mm deep, %g/cm^2, %" PetscInt_FMT " channels)", (double)p->session_time[k], (double)(p->length[k] * p->penetration), (double)(100 * p->density[k]), p->nneedles[k]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode Destroy(MHModel m)
{
  Microneedling *p = (Microneedling *)m->data;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < MAX_SESSIONS; k++)
    PetscCall(PetscFree(p->xy[k]));
  PetscCall(PetscFree(m->data));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelCreate_microneedling(MHModel m)
{
  Microneedling *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, NF, field_names, field_units));
  PetscCall(MHModelSetState(m, sizeof p->acc / sizeof(PetscReal), (PetscReal *)&p->acc));
  PetscCall(MHModelSetUnits(m, "mm", "day"));
  PetscCall(MHModelAddTaxis(m, F, T));
  for (PetscInt i = 0; i < NF; i++)
    for (PetscInt j = 0; j < NF; j++)
      m->coupling[i][j] = (PetscBool)(i == j);
  {
    const PetscInt pairs[][2] = {
        {S, D}, {S, N}, {N, S}, {M1, N}, {M2, M1}, {T, M1}, {T, M2}, {F, T}, {C3, F}, {C3, N}, {C3, M1}, {C3, C1}, {C1, F}, {C1, N}, {C1, M1}, {C1, C3}, {E, F}, {E, N}};
    for (size_t q = 0; q < sizeof pairs / sizeof pairs[0]; q++)
      m->coupling[pairs[q][0]][pairs[q][1]] = PETSC_TRUE;
  }
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.setup             = SetUp;
  m->ops.view              = View;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  m->ops.taxis             = Taxis;
  m->ops.outcomes          = Outcomes;
  m->ops.event             = Session;
  m->ops.destroy           = Destroy;
  PetscFunctionReturn(0);
}
