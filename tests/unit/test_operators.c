/* Unit tests of the transport operators, in 1, 2 and 3 dimensions:
   - conservation: zero-flux (and periodic) transport sums to zero, to round-off;
   - exactness: the discrete Laplacian of a quadratic is exact in interior cells; a piecewise-linear
     profile with continuous flux across a tenfold jump in D is an exact steady state (harmonic
     face means), also with Dirichlet faces holding it;
   - the assembled Jacobian equals finite differences of the right-hand side (no taxis);
   - upwinded taxis never drains a cell that holds no density;
   - time integration conserves the total to 1e-12 relative. */
#include "test_models.h"

static const char help[]   = "Unit tests of microheal's operators.\n";
static int        failures = 0;

typedef PetscReal (*StateFn)(const PetscReal x[3], PetscInt field, PetscInt dim);

static PetscErrorCode FillState(MHSim sim, StateFn fn, Vec U)
{
  const MHGrid *g;
  PetscScalar  *u;
  PetscInt      k = 0;

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscReal x[3]   = {0, 0, 0};
    PetscInt  idx[3] = {i, j, kk};
    for (PetscInt a = 0; a < g->dim; a++)
      x[g->phys[a]] = g->centres[a][idx[a]];
    for (PetscInt f = 0; f < g->nf; f++)
      u[k * g->nf + f] = fn(x, f, g->dim);
  }
  PetscCall(VecRestoreArray(U, &u));
  PetscFunctionReturn(0);
}

static PetscReal Depth(const PetscReal x[3], PetscInt dim)
{
  return dim == 1 ? x[0] : x[2];
}

static PetscReal Quadratic(const PetscReal x[3], PetscInt f, PetscInt dim)
{
  return f == 0 ? x[0] * x[0] + x[1] * x[1] + x[2] * x[2] : 1.0;
}

/* flux D u' = 1 on both sides of the jump at depth 1/2 (D = 1 above, 0.1 below) */
static PetscReal Kinked(const PetscReal x[3], PetscInt f, PetscInt dim)
{
  PetscReal s = Depth(x, dim);
  if (f == 1) return 1.0;
  return s < 0.5 ? s : 0.5 + 10 * (s - 0.5);
}

static PetscReal Bump(const PetscReal x[3], PetscInt f, PetscInt dim)
{
  if (f == 1) return 1 + x[0] + 2 * Depth(x, dim) + x[1] * x[1];
  return PetscMax(0.0, 0.2 - ((x[0] - 0.5) * (x[0] - 0.5) + (x[1] - 0.5) * (x[1] - 0.5) + (x[2] - 0.5) * (x[2] - 0.5)));
}

/* Sum of vol * F per field, and sum of vol * |F|. */
static PetscErrorCode Totals(MHSim sim, Vec F, PetscReal sum[2], PetscReal abs[2])
{
  const MHGrid      *g;
  const PetscScalar *f;
  PetscInt           k    = 0;
  PetscReal          l[4] = {0, 0, 0, 0}, gl[4];

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(VecGetArrayRead(F, &f));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt  idx[3] = {i, j, kk};
    PetscReal v      = MHGridCellVolume(g, idx);
    for (PetscInt q = 0; q < 2; q++) {
      l[q] += v * f[k * 2 + q];
      l[2 + q] += v * PetscAbsScalar(f[k * 2 + q]);
    }
  }
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscCall(MPIU_Allreduce(l, gl, 4, MPIU_REAL, MPIU_SUM, PETSC_COMM_WORLD));
  sum[0] = gl[0];
  sum[1] = gl[1];
  abs[0] = gl[2];
  abs[1] = gl[3];
  PetscFunctionReturn(0);
}

/* max |F_u - expected| over cells at least `margin` cells from every non-periodic boundary */
static PetscErrorCode MaxDeviation(MHSim sim, Vec F, PetscReal expected, PetscInt margin, PetscReal *dev)
{
  const MHGrid      *g;
  const PetscScalar *f;
  PetscInt           k = 0;
  PetscReal          l = 0;

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(VecGetArrayRead(F, &f));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt  idx[3] = {i, j, kk};
    PetscBool inner  = PETSC_TRUE;
    for (PetscInt a = 0; a < g->dim; a++)
      if (idx[a] < margin || idx[a] >= g->n[a] - margin) inner = PETSC_FALSE;
    if (inner) l = PetscMax(l, PetscAbsScalar(f[k * g->nf] - expected));
  }
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscCall(MPIU_Allreduce(&l, dev, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestDim(PetscInt dim)
{
  char        opts[1024], grid[256];
  MHSim       sim;
  Vec         U, F, V;
  PetscReal   sum[2], abs[2], dev, nrm, err;
  PetscRandom rnd;

  PetscFunctionBeginUser;
  if (dim == 1)
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 1 -nx 40"));
  else if (dim == 2)
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 2 -nx 12 -nz 20"));
  else
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 3 -nx 8 -ny 6 -nz 10"));

  /* conservation with zero flux everywhere, taxis on, reactions off */
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s -optest_k 0 -optest_s 0 -output none -quiet", grid));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  PetscCall(Totals(sim, F, sum, abs));
  for (PetscInt q = 0; q < 2; q++)
    TEST_CHECK(PetscAbsReal(sum[q]) <= 1e-13 * abs[q], "%dD conservation, field %d: sum %g vs scale %g", (int)dim, (int)q, (double)sum[q], (double)abs[q]);
  /* positivity of upwinded taxis: cells without density are not drained */
  PetscCall(FillState(sim, Bump, U));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  {
    const PetscScalar *u, *f;
    PetscInt           n;
    PetscReal          lmin = 0, gmin;
    PetscCall(VecGetLocalSize(U, &n));
    PetscCall(VecGetArrayRead(U, &u));
    PetscCall(VecGetArrayRead(F, &f));
    for (PetscInt k = 0; k < n; k += 2)
      if (u[k] == 0) lmin = PetscMin(lmin, PetscRealPart(f[k]));
    PetscCall(VecRestoreArrayRead(U, &u));
    PetscCall(VecRestoreArrayRead(F, &f));
    PetscCall(MPIU_Allreduce(&lmin, &gmin, 1, MPIU_REAL, MPIU_MIN, PETSC_COMM_WORLD));
    TEST_CHECK(gmin >= 0, "%dD taxis drains an empty cell: du/dt = %g", (int)dim, (double)gmin);
  }
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));

  /* periodic lateral axes: still conservative */
  if (dim > 1) {
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s -bc_x_min periodic -bc_x_max periodic %s -optest_k 0 -optest_s 0 -output none -quiet", grid, dim == 3 ? "-bc_y_min periodic -bc_y_max periodic" : ""));
    PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
    PetscCall(MHSimGetSolution(sim, &U));
    PetscCall(FillState(sim, Bump, U));
    PetscCall(VecDuplicate(U, &F));
    PetscCall(MHSimComputeRHS(sim, 0, U, F));
    PetscCall(Totals(sim, F, sum, abs));
    for (PetscInt q = 0; q < 2; q++)
      TEST_CHECK(PetscAbsReal(sum[q]) <= 1e-13 * abs[q], "%dD periodic conservation, field %d: sum %g vs scale %g", (int)dim, (int)q, (double)sum[q], (double)abs[q]);
    PetscCall(VecDestroy(&F));
    PetscCall(TestSimDestroy(&sim));
  }

  /* exactness: Laplacian of x^2 + y^2 + z^2 is 2 dim in interior cells (uniform D = 1) */
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s -optest_D_top 1 -optest_D_bottom 1 -optest_chi 0 -optest_k 0 -optest_s 0 -output none -quiet", grid));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(FillState(sim, Quadratic, U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  PetscCall(MaxDeviation(sim, F, 2.0 * dim, 1, &dev));
  TEST_CHECK(dev < 1e-9, "%dD Laplacian of a quadratic: off by %g", (int)dim, (double)dev);
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));

  /* exactness across a tenfold jump in D: continuous-flux piecewise-linear profile, held by Dirichlet faces */
  {
    const char *ax = dim == 1 ? "x" : "z";
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s -optest_chi 0 -optest_k 0 -optest_s 0 -bc_%s_min dirichlet -bc_%s_min_values 0,1 -bc_%s_max dirichlet -bc_%s_max_values 5.5,1 -output none -quiet", grid, ax, ax, ax, ax));
  }
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(FillState(sim, Kinked, U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(MHSimComputeRHS(sim, 0, U, F));
  PetscCall(MaxDeviation(sim, F, 0.0, 0, &dev));
  TEST_CHECK(dev < 1e-10, "%dD layered steady state: residual %g", (int)dim, (double)dev);

  /* Jacobian against central differences of the right-hand side, random state and direction */
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, 0.5, 1.5));
  PetscCall(VecSetRandom(U, rnd));
  PetscCall(VecDuplicate(U, &V));
  PetscCall(VecSetRandom(V, rnd));
  PetscCall(TestJacobianVsDifferences(sim, U, V, &err, &nrm));
  TEST_CHECK(err <= 1e-7 * nrm, "%dD Jacobian vs finite differences: error %g, scale %g", (int)dim, (double)err, (double)nrm);
  PetscCall(VecDestroy(&V));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));

  /* time integration with zero flux, taxis and no reactions keeps the totals */
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s -optest_k 0 -optest_s 0 -t_end 0.5 -output none -quiet -snes_rtol 1e-14 -snes_atol 1e-15 -snes_stol 1e-16 -ksp_rtol 1e-14 -ksp_atol 1e-16", grid));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  {
    const MHGrid *g;
    PetscReal     before[2], after[2];
    PetscCall(MHSimGetGrid(sim, &g));
    PetscCall(MHSimGetSolution(sim, &U));
    PetscCall(MHGridIntegrate(g, U, before));
    PetscCall(MHSimSolve(sim));
    PetscCall(MHGridIntegrate(g, U, after));
    for (PetscInt q = 0; q < 2; q++)
      TEST_CHECK(PetscAbsReal(after[q] - before[q]) <= 1e-12 * PetscAbsReal(before[q]), "%dD total of field %d: %.17g -> %.17g", (int)dim, (int)q, (double)before[q], (double)after[q]);
  }
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(TestModelsRegister());
  for (PetscInt dim = 1; dim <= 3; dim++)
    PetscCall(TestDim(dim));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
