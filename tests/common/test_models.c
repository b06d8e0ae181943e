/* Test-only models, registered by the tests themselves (the registry takes models from anywhere):

   optest       fields u and c; u diffuses with a coefficient that jumps at depth 1/2, c diffuses,
                u moves up grad c (taxis), linear reaction -k u + s c. Depth is the last axis.
   mms_layered  one field, D jumps tenfold at depth 1/2; u = 1 + exp(-t) P W with P the product of
                cos(pi x_l) over the lateral axes and W continuous with continuous flux D W' =
                sin(pi depth); the source makes it exact under zero-flux boundaries.
   captest      fields u and c with capacities (MHModelOps.capacity) that jump at a depth (1/2 by
                default, on a face): u's rho_top above, rho_bottom below (1 and 2), c's 1 above and
                rho_c below (1/2); the model returns D rho and chi rho (u diffuses with D, c with
                D_c, u moves up grad c with chi), reactions as optest's; pseudo-random initial data
                from the cell centres (the same on any number of ranks). */
#include "test_models.h"

typedef struct {
  PetscInt  dim;
  PetscReal D_top, D_bottom, D_c, chi, k, s;
} OpTest;

static PetscReal Depth(PetscInt dim, const PetscReal x[3])
{
  return dim == 1 ? x[0] : x[2];
}

static void OpReaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const OpTest *p = (const OpTest *)ctx;
  f[0]            = -p->k * u[0] + p->s * u[1];
  f[1]            = -p->k * u[1];
}

static void OpReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const OpTest *p = (const OpTest *)ctx;
  J[0]            = -p->k;
  J[1]            = p->s;
  J[2]            = 0;
  J[3]            = -p->k;
}

static void OpDiffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const OpTest *p = (const OpTest *)ctx;
  D[0]            = Depth(p->dim, x) < 0.5 ? p->D_top : p->D_bottom;
  D[1]            = p->D_c;
}

static void OpTaxis(const void *ctx, const PetscReal x[3], PetscReal chi[])
{
  chi[0] = ((const OpTest *)ctx)->chi;
}

/* A smooth positive state with structure along every axis. */
static PetscErrorCode OpInitial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscFunctionBeginUser;
  u[0] = 1 + 0.5 * PetscSinReal(3 * c->x[0] + 1) * PetscCosReal(2 * c->x[1]) * PetscCosReal(2.5 * c->x[2] + 0.3);
  u[1] = 1 + 0.8 * PetscExpReal(-10 * ((c->x[0] - 0.4) * (c->x[0] - 0.4) + (c->x[2] - 0.6) * (c->x[2] - 0.6) + (c->x[1] - 0.5) * (c->x[1] - 0.5)));
  PetscFunctionReturn(0);
}

static PetscErrorCode OpSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  OpTest *p = (OpTest *)m->data;

  PetscFunctionBeginUser;
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_top", "1", "u diffusivity above depth 1/2", 1.0, MH_NONNEGATIVE, &p->D_top));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_bottom", "1", "u diffusivity below depth 1/2", 0.1, MH_NONNEGATIVE, &p->D_bottom));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_c", "1", "c diffusivity", 0.5, MH_NONNEGATIVE, &p->D_c));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "chi", "1", "taxis sensitivity of u up c", 0.3, MH_ANY, &p->chi));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k", "1", "decay", 0.5, MH_NONNEGATIVE, &p->k));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "s", "1", "production of u from c", 0.2, MH_NONNEGATIVE, &p->s));
  PetscFunctionReturn(0);
}

static PetscErrorCode OpSetUp(MHModel m, const MHGrid *g)
{
  PetscFunctionBeginUser;
  ((OpTest *)m->data)->dim = g->dim;
  PetscFunctionReturn(0);
}

static PetscErrorCode Create_optest(MHModel m)
{
  const char *names[] = {"u", "c"}, *units[] = {"1", "1"};
  OpTest     *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 2, names, units));
  PetscCall(MHModelAddTaxis(m, 0, 1));
  m->ops.setfromoptions    = OpSetFromOptions;
  m->ops.setup             = OpSetUp;
  m->ops.initial           = OpInitial;
  m->ops.reaction          = OpReaction;
  m->ops.reaction_jacobian = OpReactionJacobian;
  m->ops.diffusivity       = OpDiffusivity;
  m->ops.taxis             = OpTaxis;
  PetscFunctionReturn(0);
}

/* ---- mms_layered ---- */
typedef struct {
  PetscInt  dim;
  PetscReal D_top, D_bottom;
} MMS;

static PetscReal MMSD(const MMS *p, PetscReal s)
{
  return s < 0.5 ? p->D_top : p->D_bottom;
}

static PetscReal MMSW(const MMS *p, PetscReal s)
{
  const PetscReal a = 0.5;
  if (s <= a) return (1 - PetscCosReal(PETSC_PI * s)) / (PETSC_PI * p->D_top);
  return (1 - PetscCosReal(PETSC_PI * a)) / (PETSC_PI * p->D_top) + (PetscCosReal(PETSC_PI * a) - PetscCosReal(PETSC_PI * s)) / (PETSC_PI * p->D_bottom);
}

static PetscReal MMSP(const MMS *p, const PetscReal x[3], PetscInt *nlat)
{
  PetscReal P = 1;
  *nlat       = 0;
  if (p->dim >= 2) {
    P *= PetscCosReal(PETSC_PI * x[0]);
    (*nlat)++;
  }
  if (p->dim == 3) {
    P *= PetscCosReal(PETSC_PI * x[1]);
    (*nlat)++;
  }
  return P;
}

static void MMSExact(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar e[])
{
  const MMS *p = (const MMS *)ctx;
  PetscInt   nlat;
  PetscReal  P = MMSP(p, x, &nlat);
  e[0]         = 1 + PetscExpReal(-t) * P * MMSW(p, Depth(p->dim, x));
}

static void MMSReaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const MMS *p = (const MMS *)ctx;
  PetscInt   nlat;
  PetscReal  P = MMSP(p, x, &nlat), s = Depth(p->dim, x), W = MMSW(p, s);
  f[0] = PetscExpReal(-t) * P * (-W + PETSC_PI * PETSC_PI * nlat * MMSD(p, s) * W - PETSC_PI * PetscCosReal(PETSC_PI * s));
}

static void MMSReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  J[0] = 0;
}

static void MMSDiffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const MMS *p = (const MMS *)ctx;
  D[0]         = MMSD(p, Depth(p->dim, x));
}

static PetscErrorCode MMSInitial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscFunctionBeginUser;
  MMSExact(m->data, 0, c->x, NULL, u);
  PetscFunctionReturn(0);
}

static PetscErrorCode MMSSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  MMS *p = (MMS *)m->data;

  PetscFunctionBeginUser;
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_top", "1", "diffusivity above depth 1/2", 1.0, MH_POSITIVE, &p->D_top));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_bottom", "1", "diffusivity below depth 1/2", 0.1, MH_POSITIVE, &p->D_bottom));
  setup->t_end = 0.1;
  /* the interface at depth 1/2 lies on a face on every grid, uniform or graded (depth is x in 1-D) */
  setup->nbreaks[0] = setup->nbreaks[2] = 1;
  setup->breaks[0][0] = setup->breaks[2][0] = 0.5;
  PetscFunctionReturn(0);
}

static PetscErrorCode MMSSetUp(MHModel m, const MHGrid *g)
{
  PetscFunctionBeginUser;
  ((MMS *)m->data)->dim = g->dim;
  PetscFunctionReturn(0);
}

static PetscErrorCode Create_mms_layered(MHModel m)
{
  const char *names[] = {"u"}, *units[] = {"1"};
  MMS        *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 1, names, units));
  m->nonnegative[0]        = PETSC_FALSE;
  m->ops.setfromoptions    = MMSSetFromOptions;
  m->ops.setup             = MMSSetUp;
  m->ops.initial           = MMSInitial;
  m->ops.reaction          = MMSReaction;
  m->ops.reaction_jacobian = MMSReactionJacobian;
  m->ops.diffusivity       = MMSDiffusivity;
  m->ops.exact             = MMSExact;
  PetscFunctionReturn(0);
}

/* ---- captest ---- */
typedef struct {
  PetscInt  dim;
  PetscReal depth, rho_top, rho_bottom, rho_c, D, D_c, chi, k, s;
} CapTest;

static void CapCapacity(const void *ctx, const PetscReal x[3], PetscReal rho[])
{
  const CapTest  *p   = (const CapTest *)ctx;
  const PetscBool top = (PetscBool)(Depth(p->dim, x) < p->depth);
  rho[0]              = top ? p->rho_top : p->rho_bottom;
  rho[1]              = top ? 1 : p->rho_c;
}

static void CapDiffusivity(const void *ctx, const PetscReal x[3], PetscReal D[])
{
  const CapTest *p = (const CapTest *)ctx;
  PetscReal      rho[2];
  CapCapacity(ctx, x, rho);
  D[0] = p->D * rho[0];
  D[1] = p->D_c * rho[1];
}

static void CapTaxis(const void *ctx, const PetscReal x[3], PetscReal chi[])
{
  PetscReal rho[2];
  CapCapacity(ctx, x, rho);
  chi[0] = ((const CapTest *)ctx)->chi * rho[0];
}

static void CapReaction(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar f[])
{
  const CapTest *p = (const CapTest *)ctx;
  f[0]             = -p->k * u[0] + p->s * u[1];
  f[1]             = -p->k * u[1];
}

static void CapReactionJacobian(const void *ctx, PetscReal t, const PetscReal x[3], const PetscScalar u[], PetscScalar J[])
{
  const CapTest *p = (const CapTest *)ctx;
  J[0]             = -p->k;
  J[1]             = p->s;
  J[2]             = 0;
  J[3]             = -p->k;
}

/* in [0.5, 1.5), a hash of the cell centre and the field */
static PetscErrorCode CapInitial(MHModel m, const MHCell *c, PetscScalar u[])
{
  PetscFunctionBeginUser;
  for (PetscInt f = 0; f < 2; f++) {
    PetscReal h = PetscSinReal(12.9898 * c->x[0] + 78.233 * c->x[1] + 37.719 * c->x[2] + 4.1 * f) * 43758.5453;
    u[f]        = 0.5 + (h - PetscFloorReal(h));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CapSetFromOptions(MHModel m, PetscOptionItems *PetscOptionsObject, MHSetup *setup)
{
  CapTest *p = (CapTest *)m->data;

  PetscFunctionBeginUser;
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "depth", "1", "depth of the capacity jump", 0.5, MH_CLOSED(0.1, 0.9), &p->depth));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "rho_top", "1", "capacity of u above the jump", 1.0, MH_POSITIVE, &p->rho_top));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "rho_bottom", "1", "capacity of u below the jump", 2.0, MH_POSITIVE, &p->rho_bottom));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "rho_c", "1", "capacity of c below the jump (1 above)", 0.5, MH_POSITIVE, &p->rho_c));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D", "1", "diffusivity of u", 1.0, MH_NONNEGATIVE, &p->D));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "D_c", "1", "diffusivity of c", 0.5, MH_NONNEGATIVE, &p->D_c));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "chi", "1", "taxis sensitivity of u up c", 0.3, MH_ANY, &p->chi));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "k", "1", "decay", 0.5, MH_NONNEGATIVE, &p->k));
  PetscCall(MHModelParamReal(m, PetscOptionsObject, "s", "1", "production of u from c", 0.2, MH_NONNEGATIVE, &p->s));
  setup->t_end      = 0.05;
  setup->nbreaks[0] = setup->nbreaks[2] = 1;
  setup->breaks[0][0] = setup->breaks[2][0] = p->depth;
  PetscFunctionReturn(0);
}

static PetscErrorCode CapSetUp(MHModel m, const MHGrid *g)
{
  PetscFunctionBeginUser;
  ((CapTest *)m->data)->dim = g->dim;
  PetscFunctionReturn(0);
}

static PetscErrorCode Create_captest(MHModel m)
{
  const char *names[] = {"u", "c"}, *units[] = {"1", "1"};
  CapTest    *p;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&p));
  m->data = p;
  PetscCall(MHModelSetFields(m, 2, names, units));
  PetscCall(MHModelAddTaxis(m, 0, 1));
  m->ops.setfromoptions    = CapSetFromOptions;
  m->ops.setup             = CapSetUp;
  m->ops.initial           = CapInitial;
  m->ops.reaction          = CapReaction;
  m->ops.reaction_jacobian = CapReactionJacobian;
  m->ops.diffusivity       = CapDiffusivity;
  m->ops.taxis             = CapTaxis;
  m->ops.capacity          = CapCapacity;
  PetscFunctionReturn(0);
}

PetscErrorCode TestModelsRegister(void)
{
  PetscFunctionBeginUser;
  PetscCall(MHModelRegister("optest", Create_optest));
  PetscCall(MHModelRegister("mms_layered", Create_mms_layered));
  PetscCall(MHModelRegister("captest", Create_captest));
  PetscFunctionReturn(0);
}

/* A simulation from an options string, in its own options database (pushed over the global one,
   which keeps -malloc_dump and the like), set up and ready. TestSimDestroy pops it. */
static PetscOptions test_options[8];
static int          test_depth = 0;

PetscErrorCode TestSimFromString(MPI_Comm comm, const char opts[], MHSim *sim)
{
  PetscFunctionBeginUser;
  PetscCheck(test_depth < 8, comm, PETSC_ERR_PLIB, "too many nested test simulations");
  PetscCall(PetscOptionsCreate(&test_options[test_depth]));
  PetscCall(PetscOptionsInsertString(test_options[test_depth], opts));
  PetscCall(PetscOptionsPush(test_options[test_depth]));
  test_depth++;
  PetscCall(MHSimCreate(comm, sim));
  PetscCall(MHSimSetFromOptions(*sim));
  PetscCall(MHSimSetUp(*sim));
  PetscFunctionReturn(0);
}

PetscErrorCode TestSimDestroy(MHSim *sim)
{
  PetscFunctionBeginUser;
  PetscCall(MHSimDestroy(sim));
  PetscCall(PetscOptionsPop());
  test_depth--;
  PetscCall(PetscOptionsDestroy(&test_options[test_depth]));
  PetscFunctionReturn(0);
}

PetscErrorCode TestGatherNatural(MHSim sim, Vec U, Vec *seq)
{
  const MHGrid *g;
  Vec           nat;
  VecScatter    sc;

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(DMDACreateNaturalVector(g->da, &nat));
  PetscCall(DMDAGlobalToNaturalBegin(g->da, U, INSERT_VALUES, nat));
  PetscCall(DMDAGlobalToNaturalEnd(g->da, U, INSERT_VALUES, nat));
  PetscCall(VecScatterCreateToZero(nat, &sc, seq));
  PetscCall(VecScatterBegin(sc, nat, *seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, nat, *seq, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(0);
}

PetscErrorCode TestJacobianVsDifferences(MHSim sim, Vec U, Vec V, PetscReal *err, PetscReal *nrm)
{
  Vec Up, Um, Fp, Fm, JV;
  Mat J;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(U, &Up));
  PetscCall(VecDuplicate(U, &Um));
  PetscCall(VecDuplicate(U, &Fp));
  PetscCall(VecDuplicate(U, &Fm));
  PetscCall(VecDuplicate(U, &JV));
  PetscCall(VecWAXPY(Up, 1e-4, V, U));
  PetscCall(VecWAXPY(Um, -1e-4, V, U));
  PetscCall(MHSimComputeRHS(sim, 0, Up, Fp));
  PetscCall(MHSimComputeRHS(sim, 0, Um, Fm));
  PetscCall(VecAXPY(Fp, -1, Fm));
  PetscCall(VecScale(Fp, 1 / 2e-4));
  PetscCall(MHSimCreateJacobianMatrix(sim, &J));
  PetscCall(MHSimComputeRHSJacobian(sim, 0, U, J));
  PetscCall(MatMult(J, V, JV));
  PetscCall(VecNorm(JV, NORM_INFINITY, nrm));
  PetscCall(VecAXPY(JV, -1, Fp));
  PetscCall(VecNorm(JV, NORM_INFINITY, err));
  PetscCall(MatDestroy(&J));
  PetscCall(VecDestroy(&Up));
  PetscCall(VecDestroy(&Um));
  PetscCall(VecDestroy(&Fp));
  PetscCall(VecDestroy(&Fm));
  PetscCall(VecDestroy(&JV));
  PetscFunctionReturn(0);
}
