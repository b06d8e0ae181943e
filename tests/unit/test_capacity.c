/* Unit tests of the capacity hook (MHModelOps.capacity) with the test model captest (capacities
   jumping twofold for u, to one half for c, at a depth on a face; the model returns D rho and
   chi rho), in 1, 2 and 3 dimensions:
   - a uniform state is steady to round-off across the jumps, and with reactions on its rate is
     the reaction alone (reactions are not divided by the capacities);
   - conservation of sum rho u V by the right-hand side (diffusion and taxis, zero-flux and
     periodic faces) to round-off;
   - the assembled Jacobian equals central differences of the right-hand side (capacities,
     diffusion, taxis on a state whose limiter is inactive, reactions, a Dirichlet face);
   - implicit time integration of pure diffusion from pseudo-random data keeps sum rho u V to
     1e-12 relative over several steps, while sum u V changes (the capacities act);
   - on several ranks, that integration gives the totals and the state of a serial run on rank 0. */
#include "test_models.h"

static const char help[]   = "Unit tests of the capacity hook of microheal's operators.\n";
static int        failures = 0;
static PetscBool  verbose  = PETSC_FALSE; /* -verbose: print what is measured */

/* Per field: sum of rho V F (sum[q]), of rho V |F| (abs[q]) and of V F (plain[q]). */
static PetscErrorCode Totals(MHSim sim, Vec F, PetscReal sum[2], PetscReal abs[2], PetscReal plain[2])
{
  const MHGrid      *g;
  MHModel            m;
  const PetscScalar *f;
  PetscInt           k    = 0;
  PetscReal          l[6] = {0, 0, 0, 0, 0, 0}, gl[6];

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(MHSimGetModel(sim, &m));
  PetscCall(VecGetArrayRead(F, &f));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k) {
    PetscInt  idx[3] = {i, j, kk};
    PetscReal v      = MHGridCellVolume(g, idx), rho[2];
    MHCell    cell;
    MHGridCellOf(g, idx, &cell);
    m->ops.capacity(m->data, cell.x, rho);
    for (PetscInt q = 0; q < 2; q++) {
      l[q] += rho[q] * v * f[k * 2 + q];
      l[2 + q] += rho[q] * v * PetscAbsScalar(f[k * 2 + q]);
      l[4 + q] += v * f[k * 2 + q];
    }
  }
  PetscCall(VecRestoreArrayRead(F, &f));
  PetscCall(MPIU_Allreduce(l, gl, 6, MPIU_REAL, MPIU_SUM, PetscObjectComm((PetscObject)F)));
  for (PetscInt q = 0; q < 2; q++) {
    sum[q]   = gl[q];
    abs[q]   = gl[2 + q];
    plain[q] = gl[4 + q];
  }
  PetscFunctionReturn(0);
}

/* u alternating from cell to cell along every axis (every minmod slope zero: first-order upwind
   taxis), c from the model's pseudo-random initial state. */
static PetscErrorCode FillZigzag(MHSim sim, Vec U)
{
  const MHGrid *g;
  PetscScalar  *u;
  PetscInt      k = 0;

  PetscFunctionBeginUser;
  PetscCall(MHSimGetGrid(sim, &g));
  PetscCall(VecGetArray(U, &u));
  MH_FOR_OWNED_CELLS_COUNTED (g, i, j, kk, k)
    u[k * 2] = 1 + 0.2 * ((i + j + kk) % 2 ? 1 : -1);
  PetscCall(VecRestoreArray(U, &u));
  PetscFunctionReturn(0);
}

/* Pure diffusion from the pseudo-random initial state over several implicit steps: the weighted
   totals before and after, the steps taken, and the final state. */
static PetscErrorCode Integrate(MPI_Comm comm, const char opts[], PetscReal before[2], PetscReal after[2], PetscReal plain_before[2], PetscReal plain_after[2], PetscInt *steps, MHSim *simp)
{
  MHSim     sim;
  Vec       U;
  TS        ts;
  PetscReal abs[2];

  PetscFunctionBeginUser;
  PetscCall(TestSimFromString(comm, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(Totals(sim, U, before, abs, plain_before));
  PetscCall(MHSimSolve(sim));
  PetscCall(Totals(sim, U, after, abs, plain_after));
  PetscCall(MHSimGetTS(sim, &ts));
  PetscCall(TSGetStepNumber(ts, steps));
  *simp = sim;
  PetscFunctionReturn(0);
}

static PetscErrorCode TestDim(PetscInt dim)
{
  char               opts[1024], grid[256];
  const char        *ax = dim == 1 ? "x" : "z";
  MHSim              sim;
  Vec                U, F, V;
  PetscReal          sum[2], abs[2], plain[2], nrm, err;
  PetscRandom        rnd;
  const PetscScalar *f;
  PetscInt           n;
  PetscMPIInt        size, rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  /* the 2-D jump at depth 3/8 of 16 cells falls inside cells of the multigrid's coarsest level */
  if (dim == 1)
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 1 -nx 40"));
  else if (dim == 2)
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 2 -nx 12 -nz 16 -captest_depth 0.375"));
  else
    PetscCall(PetscSNPrintf(grid, sizeof grid, "-dim 3 -nx 6 -ny 4 -nz 8"));

  /* a uniform state is steady across the jumps; with reactions, its rate is the reaction */
  for (PetscInt react = 0; react < 2; react++) {
    const PetscReal u0 = 1.3, c0 = 0.7, k = react ? 0.5 : 0, s = react ? 0.2 : 0;
    PetscReal       lmax = 0, gmax;
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model captest %s -captest_k %g -captest_s %g -output none -quiet", grid, (double)k, (double)s));
    PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
    PetscCall(MHSimGetSolution(sim, &U));
    PetscCall(VecStrideSet(U, 0, u0));
    PetscCall(VecStrideSet(U, 1, c0));
    PetscCall(VecDuplicate(U, &F));
    PetscCall(MHSimComputeRHS(sim, 0, U, F));
    PetscCall(VecGetLocalSize(F, &n));
    PetscCall(VecGetArrayRead(F, &f));
    for (PetscInt i = 0; i < n; i += 2) {
      lmax = PetscMax(lmax, PetscAbsScalar(f[i] - (-k * u0 + s * c0)));
      lmax = PetscMax(lmax, PetscAbsScalar(f[i + 1] - (-k * c0)));
    }
    PetscCall(VecRestoreArrayRead(F, &f));
    PetscCall(MPIU_Allreduce(&lmax, &gmax, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD uniform state %s: max |du/dt - R| %g\n", (int)dim, react ? "with reactions" : "without reactions", (double)gmax));
    TEST_CHECK(gmax <= 1e-15, "%dD uniform state %s: du/dt differs from the reaction by %g", (int)dim, react ? "with reactions" : "without reactions", (double)gmax);
    PetscCall(VecDestroy(&F));
    PetscCall(TestSimDestroy(&sim));
  }

  /* sum rho u V is conserved by the right-hand side (diffusion and taxis, reactions off), on
     zero-flux faces and with periodic lateral axes */
  for (PetscInt periodic = 0; periodic < (dim > 1 ? 2 : 1); periodic++) {
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model captest %s -captest_k 0 -captest_s 0 %s %s -output none -quiet", grid, periodic ? "-bc_x_min periodic -bc_x_max periodic" : "", periodic && dim == 3 ? "-bc_y_min periodic -bc_y_max periodic" : ""));
    PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
    PetscCall(MHSimGetSolution(sim, &U));
    PetscCall(VecDuplicate(U, &F));
    PetscCall(MHSimComputeRHS(sim, 0, U, F));
    PetscCall(Totals(sim, F, sum, abs, plain));
    for (PetscInt q = 0; q < 2; q++) {
      if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD%s RHS field %d: sum rho V du/dt %g, sum V du/dt %g, scale %g\n", (int)dim, periodic ? " periodic" : "", (int)q, (double)sum[q], (double)plain[q], (double)abs[q]));
      TEST_CHECK(PetscAbsReal(sum[q]) <= 1e-13 * abs[q], "%dD%s conservation of rho u, field %d: sum %g vs scale %g", (int)dim, periodic ? " periodic" : "", (int)q, (double)sum[q], (double)abs[q]);
      /* and the plain sum is not conserved: the capacities act */
      TEST_CHECK(PetscAbsReal(plain[q]) > 1e-6 * abs[q], "%dD%s field %d: sum V du/dt %g is zero too (scale %g): do the capacities act?", (int)dim, periodic ? " periodic" : "", (int)q, (double)plain[q], (double)abs[q]);
    }
    PetscCall(VecDestroy(&F));
    PetscCall(TestSimDestroy(&sim));
  }

  /* the Jacobian against central differences of the right-hand side: capacities, diffusion,
     taxis (first-order upwind on the zigzag u, so exact), reactions, a Dirichlet face */
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model captest %s -bc_%s_max dirichlet -bc_%s_max_values 1,2 -output none -quiet", grid, ax, ax));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(FillZigzag(sim, U));
  PetscCall(PetscRandomCreate(PETSC_COMM_WORLD, &rnd));
  PetscCall(PetscRandomSetInterval(rnd, -1, 1));
  PetscCall(PetscRandomSetSeed(rnd, 20261207));
  PetscCall(PetscRandomSeed(rnd));
  PetscCall(VecDuplicate(U, &V));
  PetscCall(VecSetRandom(V, rnd));
  PetscCall(TestJacobianVsDifferences(sim, U, V, &err, &nrm));
  if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD Jacobian: |J v - FD| %g, |J v| %g\n", (int)dim, (double)err, (double)nrm));
  TEST_CHECK(err <= 1e-7 * nrm, "%dD Jacobian with capacities vs finite differences: error %g, scale %g", (int)dim, (double)err, (double)nrm);
  PetscCall(VecDestroy(&V));
  PetscCall(PetscRandomDestroy(&rnd));
  PetscCall(TestSimDestroy(&sim));

  /* pure diffusion over several implicit steps keeps sum rho u V (1-D and 2-D; 2-D with the
     default multigrid, its coarse operators made from the capacity-scaled Jacobian) */
  if (dim < 3) {
    PetscReal before[2], after[2], pb[2], pa[2];
    PetscInt  steps;
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model captest %s -captest_chi 0 -captest_k 0 -captest_s 0 -t_end 0.02 -output none -quiet -snes_rtol 1e-14 -snes_atol 1e-15 -snes_stol 1e-16 -ksp_rtol 1e-14 -ksp_atol 1e-16", grid));
    PetscCall(Integrate(PETSC_COMM_WORLD, opts, before, after, pb, pa, &steps, &sim));
    TEST_CHECK(steps >= 3, "%dD integration took %d steps, fewer than 3", (int)dim, (int)steps);
    for (PetscInt q = 0; q < 2; q++) {
      if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD integration, %d steps, field %d: sum rho u V %.17g -> %.17g (relative change %.3g), sum u V %.17g -> %.17g\n", (int)dim, (int)steps, (int)q, (double)before[q], (double)after[q], (double)((after[q] - before[q]) / before[q]), (double)pb[q], (double)pa[q]));
      TEST_CHECK(PetscAbsReal(after[q] - before[q]) <= 1e-12 * PetscAbsReal(before[q]), "%dD total of rho u, field %d: %.17g -> %.17g", (int)dim, (int)q, (double)before[q], (double)after[q]);
      TEST_CHECK(PetscAbsReal(pa[q] - pb[q]) > 1e-6 * PetscAbsReal(pb[q]), "%dD plain total of field %d unchanged (%.17g -> %.17g): do the capacities act?", (int)dim, (int)q, (double)pb[q], (double)pa[q]);
    }
    if (size > 1) { /* the same on one rank */
      Vec Useq;
      PetscCall(MHSimGetSolution(sim, &U));
      PetscCall(TestGatherNatural(sim, U, &Useq));
      if (!rank) {
        MHSim     ser;
        Vec       Us, d;
        PetscReal sb[2], sa[2], spb[2], spa[2], scale, diff;
        PetscInt  ssteps;
        PetscCall(Integrate(PETSC_COMM_SELF, opts, sb, sa, spb, spa, &ssteps, &ser));
        PetscCall(MHSimGetSolution(ser, &Us));
        PetscCall(VecDuplicate(Us, &d));
        PetscCall(VecWAXPY(d, -1, Us, Useq));
        PetscCall(VecNorm(d, NORM_INFINITY, &diff));
        PetscCall(VecNorm(Us, NORM_INFINITY, &scale));
        if (verbose) PetscCall(PetscPrintf(PETSC_COMM_SELF, "%dD integration on %d ranks vs one: max difference %g (scale %g), totals %.17g %.17g vs %.17g %.17g\n", (int)dim, (int)size, (double)diff, (double)scale, (double)after[0], (double)after[1], (double)sa[0], (double)sa[1]));
        if (!(diff <= 1e-10 * scale)) {
          PetscCall(PetscPrintf(PETSC_COMM_SELF, "FAIL: %dD integration on %d ranks and on one differ by %g (scale %g)\n", (int)dim, (int)size, (double)diff, (double)scale));
          failures++;
        }
        for (PetscInt q = 0; q < 2; q++)
          if (!(PetscAbsReal(sa[q] - after[q]) <= 1e-12 * PetscAbsReal(sa[q]) && PetscAbsReal(sb[q] - before[q]) <= 1e-12 * PetscAbsReal(sb[q]))) {
            PetscCall(PetscPrintf(PETSC_COMM_SELF, "FAIL: %dD total of rho u, field %d: %.17g -> %.17g on %d ranks, %.17g -> %.17g on one\n", (int)dim, (int)q, (double)before[q], (double)after[q], (int)size, (double)sb[q], (double)sa[q]));
            failures++;
          }
        PetscCall(VecDestroy(&d));
        PetscCall(TestSimDestroy(&ser));
      }
      PetscCall(VecDestroy(&Useq));
      PetscCallMPI(MPI_Bcast(&failures, 1, MPI_INT, 0, PETSC_COMM_WORLD));
    }
    PetscCall(TestSimDestroy(&sim));
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(TestModelsRegister());
  PetscCall(PetscOptionsHasName(NULL, NULL, "-verbose", &verbose));
  for (PetscInt dim = 1; dim <= 3; dim++)
    PetscCall(TestDim(dim));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
