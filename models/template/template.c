/* template: the smallest complete microheal model, to copy when adding one.

     u_t = D lap(u) - k u + s

   Its exact solution for a cosine mode along x (zero flux at x = 0 and at multiples of half the
   wavelength) makes it a verification case too:
     u = s/k + A exp(-(D (2 pi / w)^2 + k) t) cos(2 pi x / w). */
#include "mhmodel.h"

typedef struct {
  PetscReal D, k, s, A, w;
} Template;

/* Pointwise kernels: pure functions of the parameters, time, position and state. */
static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const Template *p = (const Template *)ctx;
  f[0]              = -p->k * u[0] + p->s;
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const Template *p = (const Template *)ctx;
  J[0]              = -p->k;
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  D[0] = ((const Template *)ctx)->D;
}

static void Exact(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar e[])
{
  const Template *p = (const Template *)ctx;
  PetscReal       q = 2 * PETSC_PI / p->w;
  e[0]              = p->s / p->k + p->A * PetscExpReal(-(p->D * q * q + p->k) * t) * PetscCosReal(q * x[0]);
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscFunctionBeginUser;
  Exact(m->data, 0, c->x, NULL, u);
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  Template *p = (Template *)m->data;

  PetscFunctionBeginUser;
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "diffusivity", "length^2/time", "Diffusivity D", 0.1, MH_NONNEGATIVE, &p->D));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "decay", "1/time", "Decay rate k", 1.0, MH_POSITIVE, &p->k));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "source", "u/time", "Source s", 1.0, MH_NONNEGATIVE, &p->s));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "amplitude", "u", "Amplitude A of the initial cosine mode", 0.5, MH_ANY, &p->A));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "wavelength", "length", "Wavelength w of the mode along x", 2.0, MH_POSITIVE, &p->w));
  m->nonnegative[0] = (PetscBool)(PetscAbsReal(p->A) <= p->s / p->k);
  setup->t_end      = 1.0;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode MHModelCreate_template(MHModel m)
{
  const char *names[] = {"u"}, *units[] = {"1"};
  Template   *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 1, names, units));
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  m->ops.exact             = Exact;
  PetscFunctionReturn(0);
}
