/* microneedling: channel closure, inflammation and collagen/elastin remodelling across skin layers
   after a course of microneedling (models/microneedling/README.md: fields, equations, parameters
   and their sources). Length in mm, time in days.

     d'   = -k_c (d - q) - q / tau_r                           open channel (needle volume fraction)
     q'   = -q / tau_r                                         its share still recoiling elastically
     s'   = div(D_s grad s) + (1 - a) (rho_L d + sigma_n n/N_ref) - k_s s  damage signal (erythema proxy)
     n'   = div(D_n grad n) + a_n v_L s - k_n n                neutrophils
     m1'  = div(D_m grad m1) + k_mn n - (k_sw + d_m) m1        inflammatory macrophages
     m2'  = div(D_m grad m2) + k_sw m1 - d_m m2                repair macrophages
     T'   = div(D_T grad T) + k_T1 m1 + k_T2 m2 - k_T T        active TGF-beta (excess)
     f'   = [div(D_f f0 grad f) - div(chi f0 f grad T)] / f0_L  (cells conserved: capacity f0_L)
            + r_f h(T) f (1 - f/K_L) - delta_f (f - fbar_L)    fibroblasts / layer baseline
     c3'  = [delta_c (1 - s_A) phi3 f + alpha_c rho_A q3 A] - (delta_c + g) c3 - J
     c1'  = [delta_c (1 - s_A) phi1 f + alpha_c rho_A (1 - q3) A] - (delta_c + g) c1 + J
     e'   = [delta_e f + alpha_e A] - delta_e e - k_el (n / N_ref) e
     gf'  = div(D_gf grad gf) + [k_g A] - k_g gf               keratinocyte growth factor (excess)
     ep'  = {r_k gf - (ep - 1) / tau_k}                         epidermal thickness / baseline

   with k_c = v_L / r the closure rate of the residual channel: the layer's wall speed v_L (slowed
   by the occlusion factor in the stratum corneum and epidermis while the site is occluded, and
   there by 1 - x a, x the share of the keratinocytes' closure that rests on their inflammatory
   (COX) signalling) over the channel's residual radius r at that depth (the latest session's
   needle radius times sqrt(1 - recoil fraction), at least MN_MIN_CHANNEL_RADIUS); a is the share
   of inflammatory signalling an anti-inflammatory suppresses, in the damage signal's production
   and in the keratinocytes' closure alike;
   s_A and rho_A are aged skin's production shortfall and synthesis (0 and 1 at 30, parameters.c).
   With h(T) = T/(K_T + T), A = max(f - fbar_L, 0) the fibroblast excess, g = k_mmp (n + m1)/N_ref
   the inflammatory (MMP) degradation and J = kappa (phi1 c3 - phi3 c1) the maturation of
   collagen III into I toward the baseline type ratio; the bracketed production exists in the
   dermal layers only, the braced rate in the epidermis only. Collagen is a fraction of the
   layer's baseline total collagen, fibroblasts and elastin are relative to the layer's baseline,
   so the untreated skin (d = s = n = m1 = m2 = T = gf = 0, f = c1 + c3 = e = 1 in the dermis and
   0 in the epidermis, ep = 1 in the epidermis and 0 elsewhere) is an exact steady state.

   A treatment session is an event: every needle's channel (a cone frustum) is rasterised by
   volume fraction phi into d <- 1 - (1 - d)(1 - phi), with a damage-signal bolus and a platelet
   TGF-beta bolus in proportion to the newly opened volume (the latter in vascular layers only). */
#include "microneedling_impl.h"

static inline PetscReal Hill(const Microneedling *p, PetscScalar T, PetscReal *dh)
{
  PetscReal Tp = PetscMax(PetscRealPart(T), 0.0);
  *dh          = PetscRealPart(T) > 0 ? p->K_T / ((p->K_T + Tp) * (p->K_T + Tp)) : 0;
  return Tp / (p->K_T + Tp);
}

/* The residual channel's closure rate k_c at depth z and time t [1/day] (see the equations). */
static inline PetscReal ClosureRate(const Microneedling *p, PetscReal t, PetscReal z, PetscInt L)
{
  PetscInt  k = -1;
  PetscReal v = p->v_close[L], r = MN_MIN_CHANNEL_RADIUS;

  for (PetscInt q = 0; q < p->nsessions && p->session_time[q] <= t + 1e-12; q++)
    k = q;
  if (k >= 0) {
    MNShape sh = MNSessionShape(p, k);
    r          = PetscMax(PetscSqrtReal(1 - p->recoil_frac) * MNShapeRadiusAt(&sh, z), MN_MIN_CHANNEL_RADIUS);
    if (L <= EPI && t - p->session_time[k] < p->occlusion) v /= p->occlusion_slow;
  }
  if (L <= EPI) v *= 1 - p->closure_inflammatory * p->anti_inflammatory;
  if (p->ex_vivo) v = 0; /* excised skin does not heal: the channel keeps what the recoil leaves */
  return v / r;
}

/* The per-layer set-up shared by the reaction and its Jacobian, at a point and state. */
typedef struct {
  PetscInt  L;                    /* layer */
  PetscReal h, dh;                /* h(T) and h'(T) */
  PetscReal kc, kr;               /* closure rate of the residual channel, recoil rate */
  PetscReal fbar, K, rf, w, phi1; /* fibroblast baseline and capacity, proliferation, dermal weight, collagen I share */
} LayerSetUp;

static inline LayerSetUp LayerSetUpAt(const Microneedling *p, PetscReal t, const PetscReal x[3], const PetscScalar u[])
{
  LayerSetUp c;

  c.L    = Layer(p, x[2]);
  c.kc   = ClosureRate(p, t, x[2], c.L);
  c.kr   = 1 / p->recoil_time;
  c.h    = Hill(p, u[T], &c.dh);
  c.fbar = Baseline(p, c.L);
  c.K    = dermal[c.L] ? p->f_max / p->f0[c.L] : 1;
  c.rf   = dermal[c.L] ? p->r_f : 0;
  c.w    = dermal[c.L] ? 1 : 0;
  c.phi1 = 1 - p->phi3;
  return c;
}

void MNReaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar r[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  LayerSetUp           c = LayerSetUpAt(p, t, x, u);
  PetscInt             L = c.L;
  PetscReal            h = c.h, fbar = c.fbar, K = c.K, rf = c.rf, w = c.w, phi1 = c.phi1;
  PetscScalar          A = PetscMax(PetscRealPart(u[F]) - fbar, 0.0), g = p->k_mmp * (u[N] + u[M1]) / p->N_ref;
  PetscScalar          J = p->kappa * (phi1 * u[C3] - p->phi3 * u[C1]);
  PetscReal            P = p->delta_c * (1 - p->shortfall), a = p->alpha_c * p->responsiveness;

  r[D]  = -c.kc * (u[D] - u[RC]) - c.kr * u[RC];
  r[RC] = -c.kr * u[RC];
  r[S]  = (1 - p->anti_inflammatory) * (p->rho_s[L] * u[D] + p->sigma_n * u[N] / p->N_ref) - p->k_s * u[S];
  r[N]  = p->a_n * p->vascular[L] * u[S] - p->k_n * u[N];
  r[M1] = p->k_mn * u[N] - (p->k_sw + p->d_m) * u[M1];
  r[M2] = p->k_sw * u[M1] - p->d_m * u[M2];
  r[T]  = p->k_T1 * u[M1] + p->k_T2 * u[M2] - p->k_T * u[T];
  r[F]  = rf * h * u[F] * (1 - u[F] / K) - p->delta_f * (u[F] - fbar);
  r[C3] = w * (P * p->phi3 * u[F] + a * p->q3 * A) - (p->delta_c + g) * u[C3] - J;
  r[C1] = w * (P * phi1 * u[F] + a * (1 - p->q3) * A) - (p->delta_c + g) * u[C1] + J;
  r[E]  = w * (p->delta_e * u[F] + p->alpha_e * A) - p->delta_e * u[E] - p->k_el * u[N] / p->N_ref * u[E];
  r[GF] = w * p->k_g * A - p->k_g * u[GF];
  r[EP] = L == EPI ? p->r_k * u[GF] - (u[EP] - 1) / p->tau_k : 0;
  if (p->nsolutes) MNSoluteReaction(p, t, x, u, r);
}

void MNReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar Jm[])
{
  const Microneedling *p  = (const Microneedling *)ctx;
  LayerSetUp           c  = LayerSetUpAt(p, t, x, u);
  PetscInt             L  = c.L;
  PetscReal            dh = c.dh, h = c.h, fbar = c.fbar, K = c.K, rf = c.rf, w = c.w, phi1 = c.phi1;
  PetscReal            dA = PetscRealPart(u[F]) > fbar ? 1 : 0, dg = p->k_mmp / p->N_ref;
  PetscScalar          g = p->k_mmp * (u[N] + u[M1]) / p->N_ref;
  PetscReal            P = p->delta_c * (1 - p->shortfall), a = p->alpha_c * p->responsiveness;
#define JAC(i, j) Jm[(i)*p->nf + (j)]

  for (PetscInt i = 0; i < p->nf * p->nf; i++)
    Jm[i] = 0;
  JAC(D, D)   = -c.kc;
  JAC(D, RC)  = c.kc - c.kr;
  JAC(RC, RC) = -c.kr;
  JAC(S, D)   = (1 - p->anti_inflammatory) * p->rho_s[L];
  JAC(S, S)   = -p->k_s;
  JAC(S, N)   = (1 - p->anti_inflammatory) * p->sigma_n / p->N_ref;
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
  JAC(C3, F)  = w * (P * p->phi3 + a * p->q3 * dA);
  JAC(C3, N)  = -dg * u[C3];
  JAC(C3, M1) = -dg * u[C3];
  JAC(C3, C3) = -(p->delta_c + g) - p->kappa * phi1;
  JAC(C3, C1) = p->kappa * p->phi3;
  JAC(C1, F)  = w * (P * phi1 + a * (1 - p->q3) * dA);
  JAC(C1, N)  = -dg * u[C1];
  JAC(C1, M1) = -dg * u[C1];
  JAC(C1, C1) = -(p->delta_c + g) - p->kappa * p->phi3;
  JAC(C1, C3) = p->kappa * phi1;
  JAC(E, F)   = w * (p->delta_e + p->alpha_e * dA);
  JAC(E, N)   = -p->k_el / p->N_ref * u[E];
  JAC(E, E)   = -p->delta_e - p->k_el * u[N] / p->N_ref;
  JAC(GF, F)  = w * p->k_g * dA;
  JAC(GF, GF) = -p->k_g;
  JAC(EP, GF) = L == EPI ? p->r_k : 0;
  JAC(EP, EP) = L == EPI ? -1 / p->tau_k : 0;
#undef JAC
  if (p->nsolutes) MNSoluteJacobian(p, t, x, u, Jm);
}

/* Fibroblasts are relative to their layer's resident density f0_L: the cells a cell of the grid
   holds are f0_L f, so f0_L is their capacity (1 where there are none), and their diffusivity and
   chemotactic sensitivity are given for the cells (x f0_L): cells, not relative units, are
   conserved where they cross from the papillary (500/mm^3) into the reticular dermis (250/mm^3). */
static inline PetscReal FibroblastCapacity(const Microneedling *p, PetscInt L)
{
  return dermal[L] && p->f0[L] > 0 ? p->f0[L] : 1;
}

void MNDiffusivity(const void *ctx, const PetscReal x[3], PetscReal Dv[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  PetscInt             L = Layer(p, x[2]);

  for (PetscInt f = 0; f < p->nf; f++)
    Dv[f] = 0;
  for (PetscInt q = 0; q < NMOVING; q++)
    Dv[moving[q]] = p->Dl[q][L];
  Dv[F] *= FibroblastCapacity(p, L);
  if (p->nsolutes) MNSoluteCoefficients(p, x[2], Dv, NULL, NULL);
}

void MNTaxis(const void *ctx, const PetscReal x[3], PetscReal chi[])
{
  const Microneedling *p = (const Microneedling *)ctx;
  PetscInt             L = Layer(p, x[2]);
  chi[0]                 = p->chi[L] * FibroblastCapacity(p, L);
}

void MNCapacity(const void *ctx, const PetscReal x[3], PetscReal cap[])
{
  const Microneedling *p = (const Microneedling *)ctx;

  for (PetscInt f = 0; f < p->nf; f++)
    cap[f] = 1;
  cap[F] = FibroblastCapacity(p, Layer(p, x[2]));
  if (p->nsolutes) MNSoluteCoefficients(p, x[2], NULL, cap, NULL);
}

/* Each solute's conductance in the channel's fluid (the conduit its field takes, gated by d). */
void MNConduit(const void *ctx, const PetscReal x[3], PetscReal kappa[])
{
  MNSoluteCoefficients((const Microneedling *)ctx, x[2], NULL, NULL, kappa);
}

PetscErrorCode MNInitial(MHModel m, const MHCell *c, PetscScalar u[])
{
  const Microneedling *p = (const Microneedling *)m->data;
  PetscInt             L = Layer(p, c->x[2]);

  PetscFunctionBeginUser;
  for (PetscInt f = 0; f < p->nf; f++)
    u[f] = 0;
  u[F]  = Baseline(p, L);
  u[C3] = Baseline(p, L) * p->phi3;
  u[C1] = Baseline(p, L) * (1 - p->phi3);
  u[E]  = Baseline(p, L);
  u[EP] = L == EPI ? 1 : 0;
  PetscFunctionReturn(0);
}
