/* fisher_kpp: u_t = D lap(u) + r u (1 - u)  (models/fisher_kpp/README.md).

   From a step the front is pulled: its speed tends to c* = 2 sqrt(D r) with Bramson's logarithmic
   lag, x(t) = c* t - (3/2) sqrt(D/r) ln(r t) + const. The exact travelling wave of Ablowitz and
   Zeppetella (1979), u = (1 + exp(sqrt(r/(6D)) (x - x0 - c t)))^-2 with c = 5 sqrt(rD/6), serves as
   an exact solution for verification. Units: mm and days. */
#include "mhmodel.h"

typedef enum { FISHER_STEP,
  FISHER_WAVE } FisherInitial;
static const char *const FisherInitials[] = {"step", "exact_wave", NULL};

typedef struct {
  PetscReal D, r, x0, amp, wavelength; /* step front at x0 + amp cos(2 pi z / wavelength) */
  PetscInt  initial;
} Fisher;

/* Growth acts on the positive part of u: a density the time stepping has pushed slightly below
   zero (within the step tolerance) is not amplified by r u, which would make it run away. */
static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const Fisher *p = (const Fisher *)ctx;
  f[0]            = p->r * PetscMax(u[0], 0) * (1 - u[0]);
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const Fisher *p = (const Fisher *)ctx;
  J[0]            = PetscRealPart(u[0]) > 0 ? p->r * (1 - 2 * u[0]) : 0;
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  D[0] = ((const Fisher *)ctx)->D;
}

static void ExactWave(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar e[])
{
  const Fisher *p = (const Fisher *)ctx;
  PetscReal     c = 5 * PetscSqrtReal(p->r * p->D / 6), z = PetscSqrtReal(p->r / (6 * p->D)) * (x[0] - p->x0 - c * t);
  PetscReal     d = 1 + PetscExpReal(PetscMin(z, 700.0));
  e[0]            = 1 / (d * d);
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  const Fisher *p = (const Fisher *)m->data;

  PetscFunctionBeginUser;
  if (p->initial == FISHER_WAVE)
    ExactWave(p, 0, c->x, NULL, u);
  else { /* the fraction of the cell's width in x left of the front, at the cell's centre in z */
    PetscReal xf = p->x0 + (p->amp != 0 ? p->amp * PetscCosReal(2 * PETSC_PI * c->x[2] / p->wavelength) : 0);
    u[0]         = PetscMin(1.0, PetscMax(0.0, (xf - c->lo[0]) / (c->hi[0] - c->lo[0])));
  }
  PetscFunctionReturn(0);
}

/* Front position: the integral of u per unit cross-section, which moves with the front. */
static PetscErrorCode Outcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
{
  PetscReal total, area = 1;

  PetscFunctionBeginUser;
  PetscCall(MHGridIntegrate(g, U, &total));
  for (PetscInt a = 0; a < g->dim; a++)
    if (g->phys[a] != 0) area *= g->length[a];
  out[0] = total / area;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  Fisher *p = (Fisher *)m->data;

  PetscFunctionBeginUser;
  /* 2e-9 cm^2/s and 8e-6 /s (models/fisher_kpp/README.md): a front speed of 9.1 um/h */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "diffusivity_mm2_per_day", "mm^2/day", "Diffusivity D (2e-9 cm^2/s)", 0.01728, MH_POSITIVE, &p->D));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "growth_rate_per_day", "1/day", "Logistic growth rate r (8e-6 /s)", 0.6912, MH_POSITIVE, &p->r));
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "initial", "Initial condition: u = 1 left of x0 (step) or the exact travelling wave", FisherInitials, FISHER_STEP, &p->initial));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "front_mm", "mm", "Initial front position x0", 1.0, MH_ANY, &p->x0));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "front_amplitude_mm", "mm", "Step front: amplitude A of a wavy front x = x0 + A cos(2 pi z / wavelength) (z: depth, the second axis in 2-D; 0: planar)", 0.0, MH_ANY, &p->amp));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "front_wavelength_mm", "mm", "Step front: wavelength of the wavy front along z", 1.0, MH_POSITIVE, &p->wavelength));
  m->ops.exact      = p->initial == FISHER_WAVE ? ExactWave : NULL;
  setup->dim        = 1;
  setup->cells[0]   = 400;
  setup->length[0]  = 20.0;
  setup->t_end      = 60.0;
  setup->dt_initial = 1e-3;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode MHModelCreate_fisher_kpp(MHModel m)
{
  const char *names[] = {"u"}, *units[] = {"1"};
  Fisher     *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 1, names, units));
  PetscCall(MHModelSetUnits(m, "mm", "day"));
  PetscCall(MHModelAddOutcome(m, "front_position", "mm"));
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  m->ops.outcomes          = Outcomes;
  PetscFunctionReturn(0);
}
