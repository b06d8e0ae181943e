/* Convergence tests on the layered manufactured solution (tests/common/test_models.c, mms_layered: the
   diffusivity jumps tenfold at depth 1/2, flux continuous):
   - space: L2 error at t = 0.1 on three or four grids in 1-, 2- and 3-D (time error made
     negligible), uniform and graded in depth (last cell 4 times the first, the interface held on a
     face); the observed order between the two finest grids must be 2 +- 0.2;
   - time: fixed steps against a tightly integrated reference on the same grid; ARK IMEX 3 (the
     default) must show order 3 +- 0.3 and Crank-Nicolson order 2 +- 0.2.
   -verbose prints the tables. */
#include "test_models.h"

static const char help[]   = "Convergence tests of microheal on a layered manufactured solution.\n";
static int        failures = 0;
static PetscBool  verbose  = PETSC_FALSE;

static const char *tight = "-ts_rtol 1e-10 -ts_atol 1e-10 -snes_rtol 1e-12 -snes_atol 1e-14 -snes_stol 1e-16 -ksp_rtol 1e-13 -ksp_atol 1e-16";

static PetscErrorCode SpaceError(PetscInt dim, PetscInt n, PetscReal grading, PetscReal *err)
{
  char      opts[1024];
  MHSim     sim;
  Vec       U;
  PetscReal l2, linf;

  PetscFunctionBeginUser;
  if (dim == 1)
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model mms_layered -dim 1 -nx %d", (int)n));
  else if (dim == 2)
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model mms_layered -dim 2 -nx %d -nz %d", (int)n, (int)n));
  else
    PetscCall(PetscSNPrintf(opts, sizeof opts, "-model mms_layered -dim 3 -nx %d -ny %d -nz %d", (int)n, (int)n, (int)n));
  if (grading != 1) {
    char g[64];
    PetscCall(PetscSNPrintf(g, sizeof g, " -grading_%s %g", dim == 1 ? "x" : "z", (double)grading));
    MHStrlcat(opts, g, sizeof opts);
  }
  MHStrlcat(opts, " -t_end 0.1 -output none -quiet ", sizeof opts);
  MHStrlcat(opts, tight, sizeof opts);
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimSolve(sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(MHSimErrorNorms(sim, 0.1, U, &l2, &linf));
  *err = l2;
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestSpace(PetscInt dim, PetscInt n0, PetscInt levels, PetscReal grading)
{
  PetscReal e[8], order = 0;

  PetscFunctionBeginUser;
  for (PetscInt l = 0; l < levels; l++) {
    PetscCall(SpaceError(dim, n0 << l, grading, &e[l]));
    if (l) order = PetscLog2Real(e[l - 1] / e[l]);
    if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "space %dD grading %g n = %4d  L2 error %.4e  order %.3f\n", (int)dim, (double)grading, (int)(n0 << l), (double)e[l], l ? (double)order : 0.0));
  }
  TEST_CHECK(PetscAbsReal(order - 2) <= 0.2, "%dD (grading %g) spatial order %.3f (errors %g -> %g), expected 2 +- 0.2", (int)dim, (double)grading, (double)order, (double)e[levels - 2], (double)e[levels - 1]);
  PetscFunctionReturn(0);
}

/* Final state of the 1-D case with the given extra options, copied into *X. */
static PetscErrorCode TimeRun(const char extra[], Vec *X)
{
  char  opts[1024];
  MHSim sim;
  Vec   U;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model mms_layered -dim 1 -nx 64 -t_end 1 -output none -quiet -snes_rtol 1e-12 -snes_atol 1e-14 -snes_stol 1e-16 -ksp_rtol 1e-13 -ksp_atol 1e-16 %s", extra));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimSolve(sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(VecDuplicate(U, X));
  PetscCall(VecCopy(U, *X));
  PetscCall(TestSimDestroy(&sim));
  PetscFunctionReturn(0);
}

static PetscErrorCode TestTime(const char scheme[], const char label[], PetscReal expected, PetscReal tol)
{
  Vec       ref, X;
  char      extra[512];
  PetscReal e[3], order = 0;
  PetscInt  steps[3] = {10, 20, 40};

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(extra, sizeof extra, "%s -ts_adapt_type none -ts_dt %g -ts_max_steps 100000", scheme, 1.0 / 2560));
  PetscCall(TimeRun(extra, &ref));
  for (PetscInt l = 0; l < 3; l++) {
    PetscCall(PetscSNPrintf(extra, sizeof extra, "%s -ts_adapt_type none -ts_dt %.17g", scheme, 1.0 / steps[l]));
    PetscCall(TimeRun(extra, &X));
    PetscCall(VecAXPY(X, -1, ref));
    PetscCall(VecNorm(X, NORM_INFINITY, &e[l]));
    PetscCall(VecDestroy(&X));
    if (l) order = PetscLog2Real(e[l - 1] / e[l]);
    if (verbose) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "time %-14s %3d steps  max error %.4e  order %.3f\n", label, (int)steps[l], (double)e[l], l ? (double)order : 0.0));
  }
  TEST_CHECK(PetscAbsReal(order - expected) <= tol, "%s temporal order %.3f, expected %g +- %g", label, (double)order, (double)expected, (double)tol);
  PetscCall(VecDestroy(&ref));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(PetscOptionsHasName(NULL, NULL, "-verbose", &verbose));
  PetscCall(TestModelsRegister());
  PetscCall(TestSpace(1, 32, 4, 1));
  PetscCall(TestSpace(2, 16, 3, 1));
  PetscCall(TestSpace(3, 8, 3, 1));
  PetscCall(TestSpace(1, 30, 4, 4));
  PetscCall(TestSpace(2, 14, 3, 4));
  PetscCall(TestSpace(3, 10, 3, 4));
  PetscCall(TestTime("", "ARK IMEX 3", 3.0, 0.3));
  PetscCall(TestTime("-ts_type cn", "Crank-Nicolson", 2.0, 0.2));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
