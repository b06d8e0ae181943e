/* waugh_sherratt: macrophage phenotypes and TGF-beta in a wound (Waugh & Sherratt 2006, Bull Math
   Biol 68:197; BioModels BIOMD0000000680/681). Time in days.

     phi_I' = alpha K(T)       + k1 k2 phi_I (1 - k3 (phi_I + phi_R)) - d1 phi_I
     phi_R' = (1 - alpha) K(T) + k1 k2 phi_R (1 - k3 (phi_I + phi_R)) - d1 phi_R
     T'     = k4 phi_I - d2 T,          K(T) = tau1 T^3 + tau2 T^2 + tau3 T + tau4

   phi_I and phi_R are inflammatory and repair macrophage densities, T the TGF-beta concentration,
   K(T) the macrophage influx. The paper's model is well mixed; optional diffusivities (default 0)
   make it a reaction-diffusion system. With alpha = 0.8 (diabetic) the inflammation persists, with
   alpha = 0.2 (normal) it resolves. */
#include "mhmodel.h"

typedef enum { WS_UNIFORM,
  WS_BOLUS } WSInitial;
static const char *const WSInitials[] = {"uniform", "bolus", NULL};

typedef struct {
  PetscReal alpha, tau[4], k1, k2, k3, k4, d1, d2;
  PetscReal D[3];
  PetscReal u0[3];
  PetscInt  initial;
  PetscReal bolus_half_width;
  PetscReal peak, peak_time; /* running maximum of the mean of phi_I, and when it occurred */
} WaughSherratt;

static inline PetscScalar Influx(const WaughSherratt *p, PetscScalar T)
{
  return ((p->tau[0] * T + p->tau[1]) * T + p->tau[2]) * T + p->tau[3];
}

static inline PetscScalar InfluxDerivative(const WaughSherratt *p, PetscScalar T)
{
  return (3 * p->tau[0] * T + 2 * p->tau[1]) * T + p->tau[2];
}

static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const WaughSherratt *p = (const WaughSherratt *)ctx;
  PetscScalar          K = Influx(p, u[2]), g = p->k1 * p->k2 * (1 - p->k3 * (u[0] + u[1])) - p->d1;

  f[0] = p->alpha * K + g * u[0];
  f[1] = (1 - p->alpha) * K + g * u[1];
  f[2] = p->k4 * u[0] - p->d2 * u[2];
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const WaughSherratt *p  = (const WaughSherratt *)ctx;
  PetscScalar          dK = InfluxDerivative(p, u[2]), r = p->k1 * p->k2;
  PetscScalar          g = r * (1 - p->k3 * (u[0] + u[1])) - p->d1;

  J[0] = g - r * p->k3 * u[0];
  J[1] = -r * p->k3 * u[0];
  J[2] = p->alpha * dK;
  J[3] = -r * p->k3 * u[1];
  J[4] = g - r * p->k3 * u[1];
  J[5] = (1 - p->alpha) * dK;
  J[6] = p->k4;
  J[7] = 0;
  J[8] = -p->d2;
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const WaughSherratt *p = (const WaughSherratt *)ctx;
  for (PetscInt f = 0; f < 3; f++)
    D[f] = p->D[f];
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  const WaughSherratt *p    = (const WaughSherratt *)m->data;
  PetscReal            frac = 1;

  PetscFunctionBeginUser;
  /* bolus: the initial state where x < half-width (a slab against the zero-flux face x = 0), none
     elsewhere; a cell cut by the edge gets the volume fraction inside */
  if (p->initial == WS_BOLUS) {
    if (c->hi[0] > c->lo[0])
      frac = PetscMin(1.0, PetscMax(0.0, (p->bolus_half_width - c->lo[0]) / (c->hi[0] - c->lo[0])));
    else
      frac = c->x[0] < p->bolus_half_width ? 1 : 0;
  }
  for (PetscInt f = 0; f < 3; f++)
    u[f] = frac * p->u0[f];
  PetscFunctionReturn(0);
}

/* Domain means of the three fields, and the peak of the mean inflammatory density so far (sampled
   at the accepted steps). */
static PetscErrorCode Outcomes(MHModel m, const MHGrid *g, PetscReal t, Vec U, PetscReal out[], PetscBool *stop)
{
  WaughSherratt *p = (WaughSherratt *)m->data;
  PetscReal      total[3], vol = MHGridTotalVolume(g);

  PetscFunctionBeginUser;
  PetscCall(MHGridIntegrate(g, U, total));
  for (PetscInt f = 0; f < 3; f++)
    out[f] = total[f] / vol;
  if (t <= 0 || out[0] > p->peak) {
    p->peak      = out[0];
    p->peak_time = t;
  }
  out[3] = p->peak;
  out[4] = p->peak_time;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  WaughSherratt *p = (WaughSherratt *)m->data;

  PetscFunctionBeginUser;
  /* Waugh & Sherratt 2006, WaughSherratt2006 in references.bib */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "alpha", "1", "Fraction alpha of the influx that is inflammatory (0.8 diabetic, 0.2 normal)", 0.8, MH_CLOSED(0, 1), &p->alpha));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tau1", "cells/mm^3/day/(ng/mL)^3", "Influx K(T): coefficient tau1 of T^3", -2.47, MH_ANY, &p->tau[0]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tau2", "cells/mm^3/day/(ng/mL)^2", "Influx K(T): coefficient tau2 of T^2", 21.94, MH_ANY, &p->tau[1]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tau3", "cells/mm^3/day/(ng/mL)", "Influx K(T): coefficient tau3 of T", 6.41, MH_ANY, &p->tau[2]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "tau4", "cells/mm^3/day", "Influx K(T): constant tau4 (influx without TGF-beta)", 1.75, MH_ANY, &p->tau[3]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k1_per_day", "1/day", "Proliferation: k1 (the rate is k1 k2)", 0.05, MH_NONNEGATIVE, &p->k1));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k2", "1", "Proliferation: k2 (ln 2)", 0.693, MH_NONNEGATIVE, &p->k2));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k3_mm3_per_cell", "mm^3/cell", "Crowding: k3, the inverse of the carrying capacity", 0.002, MH_NONNEGATIVE, &p->k3));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k4", "(ng/mL)/(cells/mm^3)/day", "TGF-beta production per inflammatory macrophage k4", 0.07, MH_NONNEGATIVE, &p->k4));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "d1_per_day", "1/day", "Macrophage removal rate d1", 0.2, MH_NONNEGATIVE, &p->d1));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "d2_per_day", "1/day", "TGF-beta decay rate d2", 9.1, MH_NONNEGATIVE, &p->d2));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "initial_phi_I", "cells/mm^3", "Initial inflammatory macrophage density", 200, MH_NONNEGATIVE, &p->u0[0]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "initial_phi_R", "cells/mm^3", "Initial repair macrophage density", 200, MH_NONNEGATIVE, &p->u0[1]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "initial_T", "ng/mL", "Initial TGF-beta concentration", 6, MH_NONNEGATIVE, &p->u0[2]));
  PetscCall(MHModelParamEnum(m, PetscOptionsObject, "initial", "Initial state everywhere (uniform), or only in x < bolus_half_width_mm and zero elsewhere (bolus)", WSInitials, WS_UNIFORM, &p->initial));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "bolus_half_width_mm", "mm", "Bolus (with initial bolus): its extent from the face x = 0", 0.25, MH_POSITIVE, &p->bolus_half_width));
  /* not in the paper (well mixed): off by default */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "diffusivity_phi_I_mm2_per_day", "mm^2/day", "Random motility of inflammatory macrophages", 0, MH_NONNEGATIVE, &p->D[0]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "diffusivity_phi_R_mm2_per_day", "mm^2/day", "Random motility of repair macrophages", 0, MH_NONNEGATIVE, &p->D[1]));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "diffusivity_T_mm2_per_day", "mm^2/day", "TGF-beta diffusivity", 0, MH_NONNEGATIVE, &p->D[2]));
  /* K(T) is an empirical cubic fit: with the defaults it turns negative above T = 9.17 ng/mL and
     would then remove cells. The framework rejects steps that make a density negative. */
  m->coupling[2][1] = PETSC_FALSE; /* T does not depend on phi_R */
  setup->dim        = 1;
  setup->cells[0]   = 4;
  setup->length[0]  = 1.0;
  setup->t_end      = 200.0;
  setup->dt_initial = 1e-3;
  PetscFunctionReturn(0);
}

static PetscErrorCode View(MHModel m, PetscViewer viewer)
{
  const WaughSherratt *p = (const WaughSherratt *)m->data;

  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "Influx at the initial state K(%g) = %g cells/mm^3/day\n", (double)p->u0[2], (double)PetscRealPart(Influx(p, p->u0[2]))));
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode MHModelCreate_waugh_sherratt(MHModel m)
{
  const char    *names[] = {"phi_I", "phi_R", "T"}, *units[] = {"cells/mm^3", "cells/mm^3", "ng/mL"};
  WaughSherratt *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 3, names, units));
  PetscCall(MHModelSetUnits(m, "mm", "day"));
  PetscCall(MHModelAddOutcome(m, "mean_phi_I", "cells/mm^3"));
  PetscCall(MHModelAddOutcome(m, "mean_phi_R", "cells/mm^3"));
  PetscCall(MHModelAddOutcome(m, "mean_T", "ng/mL"));
  PetscCall(MHModelAddOutcome(m, "inflammation_peak", "cells/mm^3"));
  PetscCall(MHModelAddOutcome(m, "inflammation_peak_time", "day"));
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.view              = View;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  m->ops.outcomes          = Outcomes;
  PetscFunctionReturn(0);
}
