/* gray_scott: pattern formation in the Gray-Scott system, in the form of Hundsdorfer & Verwer
   (2003, p. 21) used by PETSc's tutorial src/ts/tutorials/advection-diffusion-reaction/ex5.c:

     u_t = D1 lap(u) - u v^2 + gamma (1 - u)
     v_t = D2 lap(v) + u v^2 - (gamma + kappa) v

   on the periodic square [0, 2.5]^2 (here the x-z plane). Parameters, domain and initial condition
   are ex5's, so the two codes do identical work: with periodic boundaries a cell-centred grid of
   M cells of width h = 2.5/M has exactly ex5's M points once every position is shifted by half a
   cell, so the initial condition is evaluated at each cell's lower corner (ex5's point (i h, j h)
   for cell (i, j)), and the five-point Laplacians coincide. Dimensionless. */
#include "mhmodel.h"

typedef struct {
  PetscReal D1, D2, gamma, kappa;
} GrayScott;

static void Reaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const GrayScott *p   = (const GrayScott *)ctx;
  PetscScalar      uv2 = u[0] * u[1] * u[1];

  f[0] = -uv2 + p->gamma * (1 - u[0]);
  f[1] = uv2 - (p->gamma + p->kappa) * u[1];
}

static void ReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const GrayScott *p = (const GrayScott *)ctx;

  J[0] = -u[1] * u[1] - p->gamma;
  J[1] = -2 * u[0] * u[1];
  J[2] = u[1] * u[1];
  J[3] = 2 * u[0] * u[1] - (p->gamma + p->kappa);
}

static void Diffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const GrayScott *p = (const GrayScott *)ctx;

  D[0] = p->D1;
  D[1] = p->D2;
}

/* ex5's InitialConditions() at the point (px, py): v = sin^2(4 pi px) sin^2(4 pi py) / 4 inside
   [1, 1.5]^2 (bounds compared with PETSc's PetscApproximateGTE/LTE tolerance), 0 elsewhere;
   u = 1 - 2 v. */
static void Ex5Initial(PetscReal px, PetscReal py, PetscScalar u[])
{
  const PetscReal tol = 1e-10; /* PETSC_SMALL in double precision */
  PetscReal       v   = 0;

  if (px >= 1.0 - tol && px <= 1.5 + tol && py >= 1.0 - tol && py <= 1.5 + tol) {
    PetscReal sx = PetscSinReal(4 * PETSC_PI * px), sy = PetscSinReal(4 * PETSC_PI * py);
    v = sx * sx * sy * sy / 4;
  }
  u[0] = 1 - 2 * v;
  u[1] = v;
}

static PetscErrorCode Initial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscFunctionBeginUser;
  /* ex5's point (i h, j h) is the lower corner of cell (i, j); its y axis is our z */
  Ex5Initial(c->lo[0], c->dim >= 2 ? c->lo[2] : 0, u);
  PetscFunctionReturn(0);
}

static PetscErrorCode SetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  GrayScott *p = (GrayScott *)m->data;

  PetscFunctionBeginUser;
  /* ex5.c (PETSc 3.18) main(): D1 = 8e-5, D2 = 4e-5, gamma = 0.024, kappa = 0.06 */
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D1", "1", "Diffusivity of u", 8.0e-5, MH_NONNEGATIVE, &p->D1));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D2", "1", "Diffusivity of v", 4.0e-5, MH_NONNEGATIVE, &p->D2));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "gamma", "1", "Feed rate gamma", 0.024, MH_NONNEGATIVE, &p->gamma));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "kappa", "1", "Removal rate kappa of v (beyond gamma)", 0.06, MH_NONNEGATIVE, &p->kappa));
  setup->dim = 2;
  for (PetscInt a = 0; a < 3; a += 2) {
    setup->cells[a]  = 64;
    setup->length[a] = 2.5;
    for (PetscInt side = 0; side < 2; side++)
      setup->bc[a][side].type = MH_BC_PERIODIC;
  }
  setup->t_end      = 2000.0; /* ex5's TSSetMaxTime() */
  setup->dt_initial = 1e-4;   /* ex5's first step */
  /* the reaction couples u and v more strongly than each cell's diagonal: pointwise Gauss-Seidel
     smoothing breaks down (26 failed Newton solves to T = 500), point-block Jacobi does not */
  setup->block_smoother = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PETSC_EXTERN PetscErrorCode MHModelCreate_gray_scott(MHModel m)
{
  const char *names[] = {"u", "v"}, *units[] = {"1", "1"};
  GrayScott  *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 2, names, units));
  m->ops.setfromoptions    = SetFromOptions;
  m->ops.initial           = Initial;
  m->ops.reaction          = Reaction;
  m->ops.reaction_jacobian = ReactionJacobian;
  m->ops.diffusivity       = Diffusivity;
  PetscFunctionReturn(0);
}
