/* sherratt_murray: epidermal wound healing with a mitosis-regulating chemical (SherrattMurray1990 in references.bib;
   Sherratt & Murray 1990, Proc R Soc Lond B 241:29).

     n_t = D lap(n) + s(c) n (2 - n) - n
     c_t = Dc lap(c) + lambda (f(n) - c)

   n is the epidermal cell density and c the chemical, both scaled by their unwounded values, so
   n = c = 1 is the unwounded steady state. Two mechanisms:
     activator: s(c) = 2 cm (h - beta) c / (cm^2 + c^2) + beta, beta = (1 + cm^2 - 2 h cm) / (1 - cm)^2,
                f(n) = n (1 + alpha^2) / (n^2 + alpha^2)   (cells at low density make more chemical)
     inhibitor: s(c) = ((h - 1) c + h) / (2 (h - 1) c + 1),  f(n) = n
   Both give s(1) = 1, f(1) = 1. The wound is n = c = 0 initially: a slab x < R (1-D, zero flux at
   the symmetry plane x = 0) or a disc/ball of radius R (a quarter of the x-z plane or an octant,
   zero flux on the symmetry planes), with n = c = 1 held on the far faces. Healed: n at the wound
   centre reaches heal_threshold (0.8 in the paper). Everything is dimensionless. */
#include "mhmodel.h"
#include <math.h>

typedef enum { SM_ACTIVATOR,
  SM_INHIBITOR } SMMechanism;
static const char *const SMMechanisms[] = {"activator", "inhibitor", NULL};
typedef enum { SM_SLAB,
  SM_CIRCULAR } SMGeometry;
static const char *const SMGeometries[] = {"slab", "circular", NULL};
static const char *const SMBools[]      = {"false", "true", NULL};

#define SM_SUBSAMPLES 8 /* sub-cell samples per axis when rasterising a round wound */

typedef struct {
  PetscInt  mechanism, geometry, stop_when_healed;
  PetscReal D, Dc, lambda, h, alpha, cm, beta;
  PetscReal R, threshold;
  /* outcome state: the previous accepted step and the healing time once found */
  PetscReal t_prev, n_prev, heal_time;
  PetscBool have_prev;
} SM;

/* s(c) and s'(c) */
static inline void Mitosis(const SM *p, PetscScalar c, PetscScalar *s, PetscScalar *ds)
{
  if (p->mechanism == SM_ACTIVATOR) {
    PetscScalar q = p->cm * p->cm + c * c, a = 2 * p->cm * (p->h - p->beta);
    *s  = a * c / q + p->beta;
    *ds = a * (p->cm * p->cm - c * c) / (q * q);
  } else {
    PetscScalar den = 2 * (p->h - 1) * c + 1;
    *s              = ((p->h - 1) * c + p->h) / den;
    *ds             = (p->h - 1) * (1 - 2 * p->h) / (den * den);
  }
}

/* f(n) and f'(n) */
static inline void Production(const SM *p, PetscScalar n, PetscScalar *f, PetscScalar *df)
{
  if (p->mechanism == SM_ACTIVATOR) {
    PetscScalar a2 = p->alpha * p->alpha, q = n * n + a2;
    *f  = n * (1 + a2) / q;
    *df = (1 + a2) * (a2 - n * n) / (q * q);
  } else {
    *f  = n;
    *df = 1;
  }
}

/* The kinetics are evaluated at the non-negative parts n+ = max(n, 0), c+ = max(c, 0): identical
   for n, c >= 0, but a transient undershoot of the implicit scheme then decays (through -n and
   -lambda c) instead of growing: n = 0 is unstable (rate 2 s(0) - 1 = 19 for the inhibitor) and
   the inhibitor's s(c) has a pole at c = -1/(2 (h - 1)). Without this, the step size collapses. */
static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar r[])
{
  const SM   *p  = (const SM *)ctx;
  PetscScalar np = PetscMax(u[0], 0), cp = PetscMax(u[1], 0), s, ds, f, df;

  Mitosis(p, cp, &s, &ds);
  Production(p, np, &f, &df);
  r[0] = s * np * (2 - np) - u[0];
  r[1] = p->lambda * (f - u[1]);
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const SM   *p  = (const SM *)ctx;
  PetscScalar np = PetscMax(u[0], 0), cp = PetscMax(u[1], 0), s, ds, f, df;

  Mitosis(p, cp, &s, &ds);
  Production(p, np, &f, &df);
  if (u[1] < 0) ds = 0;
  if (u[0] < 0) df = 0;
  J[0] = (u[0] >= 0 ? s * (2 - 2 * np) : 0) - 1; /* at n = 0 the derivative from above: the wound's growth rate 2 s(c) - 1 */
  J[1] = ds * np * (2 - np);
  J[2] = p->lambda * df;
  J[3] = -p->lambda;
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const SM *p = (const SM *)ctx;
  D[0]        = p->D;
  D[1]        = p->Dc;
}

/* Fraction of the cell inside the wound: exact for the slab, 8 samples per present axis for a
   disc or ball, so the initial wound area converges smoothly under refinement. */
static PetscReal WoundFraction(const SM *p, const MHCell *c)
{
  PetscInt  ax[3], na = 0, ns[3] = {1, 1, 1}, inside = 0, total;
  PetscReal R2 = p->R * p->R;

  if (p->geometry == SM_SLAB) return PetscMin(1.0, PetscMax(0.0, (p->R - c->lo[0]) / (c->hi[0] - c->lo[0])));
  for (PetscInt q = 0; q < 3; q++)
    if (c->hi[q] > c->lo[q]) ax[na++] = q;
  for (PetscInt a = 0; a < na; a++)
    ns[a] = SM_SUBSAMPLES;
  total = ns[0] * ns[1] * ns[2];
  for (PetscInt k = 0; k < ns[2]; k++)
    for (PetscInt j = 0; j < ns[1]; j++)
      for (PetscInt i = 0; i < ns[0]; i++) {
        PetscInt  sub[3] = {i, j, k};
        PetscReal r2     = 0;
        for (PetscInt a = 0; a < na; a++) {
          PetscInt  q  = ax[a];
          PetscReal xq = c->lo[q] + (sub[a] + 0.5) * (c->hi[q] - c->lo[q]) / SM_SUBSAMPLES;
          r2 += xq * xq;
        }
        if (r2 < R2) inside++;
      }
  return (PetscReal)inside / total;
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscReal w = WoundFraction((const SM *)m->data, c);

  PetscFunctionBeginUser;
  u[0] = 1 - w;
  u[1] = 1 - w;
  PetscFunctionReturn(0);
}

/* centre_n: n in the cell at the origin. wound_extent: the unhealed size from the cell deficit
   W = integral of (1 - n): per unit cross-section for the slab (a half-width), the radius of the
   quarter disc (2-D) or ball octant (3-D) of area or volume W for a round wound. heal_time: the
   first time centre_n reaches the threshold, interpolated linearly between accepted steps; NaN
   until then. */
static PetscErrorCode Outcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
{
  SM       *p         = (SM *)m->data;
  PetscReal origin[3] = {0, 0, 0}, val[2], total[2], deficit, cross = 1, ncen;

  PetscFunctionBeginUser;
  PetscCall(MHGridValueNearest(g, U, origin, val));
  PetscCall(MHGridIntegrate(g, U, total));
  ncen    = val[0];
  deficit = PetscMax(0.0, MHGridTotalVolume(g) - total[0]);
  if (p->geometry == SM_SLAB || g->dim == 1) {
    for (PetscInt a = 0; a < g->dim; a++)
      if (g->phys[a] != 0) cross *= g->length[a];
    out[1] = deficit / cross;
  } else if (g->dim == 2)
    out[1] = PetscSqrtReal(4 * deficit / PETSC_PI);
  else
    out[1] = PetscCbrtReal(6 * deficit / PETSC_PI);
  if (!p->have_prev) { /* the initial state */
    p->heal_time = ncen >= p->threshold ? t : (PetscReal)NAN;
  } else if (PetscIsNanReal(p->heal_time) && ncen >= p->threshold) {
    PetscReal w  = (p->threshold - p->n_prev) / (ncen - p->n_prev);
    p->heal_time = p->t_prev + PetscMin(1.0, PetscMax(0.0, w)) * (t - p->t_prev);
  }
  p->t_prev    = t;
  p->n_prev    = ncen;
  p->have_prev = PETSC_TRUE;
  out[0]       = ncen;
  out[2]       = p->heal_time;
  *stop        = (PetscBool)(p->stop_when_healed && !PetscIsNanReal(p->heal_time));
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  SM       *p = (SM *)m->data;
  PetscBool act;
  PetscReal L, dx;

  PetscFunctionBeginUser;
  /* The defaults depend on the mechanism, so it is read first (Sherratt & Murray 1990, figs 3-6). */
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "mechanism", "Chemical regulating mitosis: activator (made most by sparse cells) or inhibitor (made in proportion to cells)", SMMechanisms, SM_ACTIVATOR, &p->mechanism));
  act = (PetscBool)(p->mechanism == SM_ACTIVATOR);
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D", "1", "Cell diffusivity D", act ? 5e-4 : 1e-4, MH_POSITIVE, &p->D));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "Dc", "1", "Chemical diffusivity Dc", act ? 0.45 : 0.85, MH_POSITIVE, &p->Dc));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "lambda", "1", "Chemical production and decay rate lambda", act ? 30.0 : 5.0, MH_POSITIVE, &p->lambda));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "h", "1", "Mitotic rate factor h: s at its maximum (activator, c = cm) or at c = 0 (inhibitor)", 10.0, act ? MH_POSITIVE : ((MHRange) {1, PETSC_MAX_REAL, PETSC_TRUE, PETSC_FALSE}), &p->h));
  if (act) {
    PetscCall(MHModelParamReal(m, PetscOptionsObject, "alpha", "1", "Cell density of peak chemical production alpha", 0.1, MH_POSITIVE, &p->alpha));
    PetscCall(MHModelParamReal(m, PetscOptionsObject, "cm", "1", "Chemical level of peak mitotic rate cm", 40.0, MH_POSITIVE, &p->cm));
    PetscCheck(PetscAbsReal(p->cm - 1) > 1e-3, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "-%s_cm %g: must differ from 1 (beta = (1 + cm^2 - 2 h cm)/(1 - cm)^2 is singular there)", m->name, (double)p->cm);
    p->beta = (1 + p->cm * p->cm - 2 * p->h * p->cm) / ((1 - p->cm) * (1 - p->cm));
  }
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "geometry", "Wound shape: slab (1-D, half-width R) or circular (disc of radius R in a quarter plane, or ball in an octant with -dim 3)", SMGeometries, SM_SLAB, &p->geometry));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "wound_radius", "1", "Wound radius (circular) or half-width (slab) R", 1.0, MH_POSITIVE, &p->R));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "heal_threshold", "1", "Healed when n at the wound centre reaches this", 0.8, ((MHRange) {0, 1, PETSC_TRUE, PETSC_TRUE}), &p->threshold));
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "stop_when_healed", "End the run at the first step where the wound has healed", SMBools, 0, &p->stop_when_healed));
  p->heal_time = (PetscReal)NAN;
  p->have_prev = PETSC_FALSE;

  /* Proposed set-up: the wound plus an unwounded margin of 2 (the far face then changes the
     healing time by < 0.1 %, README), cells fine enough for ~1 % in the healing time. */
  L  = p->R + 2;
  dx = p->geometry == SM_SLAB ? (act ? 2.5e-3 : 1.25e-3) : 0.02;
  for (PetscInt a = 0; a < 3; a++) {
    setup->length[a]     = L;
    setup->cells[a]      = (PetscInt)PetscCeilReal(L / dx);
    setup->bc[a][0].type = MH_BC_ZERO_FLUX;
    setup->bc[a][1].type = p->geometry == SM_SLAB && a > 0 ? MH_BC_ZERO_FLUX : MH_BC_DIRICHLET;
    for (PetscInt f = 0; f < 2; f++) {
      setup->bc[a][1].fixed[f] = PETSC_TRUE;
      setup->bc[a][1].value[f] = 1.0;
    }
  }
  setup->dim        = p->geometry == SM_SLAB ? 1 : 2;
  setup->t_end      = (act ? 20.0 : 40.0) * (1 + p->R);
  setup->dt_initial = 1e-3;
  PetscFunctionReturn(0);
}

static PetscErrorCode View(MHModel m, PetscViewer viewer)
{
  const SM *p = (const SM *)m->data;

  PetscFunctionBeginUser;
  if (p->mechanism == SM_ACTIVATOR)
    PetscCall(PetscViewerASCIIPrintf(viewer, "beta = s(0) = %g; linear spreading speed into n = c = 0: 2 sqrt(D (2 beta - 1)) = %g\n", (double)p->beta, 2 * p->beta > 1 ? (double)(2 * PetscSqrtReal(p->D * (2 * p->beta - 1))) : 0.0));
  else
    PetscCall(PetscViewerASCIIPrintf(viewer, "s(0) = h = %g; linear spreading speed into n = c = 0: 2 sqrt(D (2 h - 1)) = %g\n", (double)p->h, (double)(2 * PetscSqrtReal(p->D * (2 * p->h - 1)))));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode MHModelCreate_sherratt_murray(MHModel m)
{
  const char *names[] = {"n", "c"}, *units[] = {"1", "1"};
  SM         *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 2, names, units));
  m->nonnegative[0] = PETSC_TRUE;
  m->nonnegative[1] = PETSC_TRUE;
  PetscCall(MHModelAddOutcome(m, "centre_n", "1"));
  PetscCall(MHModelAddOutcome(m, "wound_extent", "1"));
  PetscCall(MHModelAddOutcome(m, "heal_time", "1"));
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.view              = View;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  m->ops.outcomes          = Outcomes;
  PetscFunctionReturn(0);
}
