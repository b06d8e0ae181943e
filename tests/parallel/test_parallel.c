/* Rank independence: the right-hand side and a whole time integration on the world communicator
   equal a serial run done on rank 0 alone (same options), to 1e-10 relative. The model has
   layered diffusion, taxis, reactions, a periodic axis and a Dirichlet face. */
#include "test_models.h"

static const char help[]   = "Parallel tests: the same answer on any number of ranks.\n";
static int        failures = 0;

static const char *tight = "-ts_rtol 1e-8 -ts_atol 1e-8 -snes_rtol 1e-13 -snes_atol 1e-14 -snes_stol 1e-16 -ksp_rtol 1e-13 -ksp_atol 1e-16 -output none -quiet";

static PetscErrorCode Compare(const char *what, Vec par, Vec ser)
{
  PetscReal scale, err;
  Vec       d;

  PetscFunctionBeginUser;
  PetscCall(VecNorm(ser, NORM_INFINITY, &scale));
  PetscCall(VecDuplicate(ser, &d));
  PetscCall(VecWAXPY(d, -1, ser, par));
  PetscCall(VecNorm(d, NORM_INFINITY, &err));
  PetscCall(VecDestroy(&d));
  if (!(err <= 1e-10 * scale)) {
    PetscCall(PetscPrintf(PETSC_COMM_SELF, "FAIL: %s: parallel and serial differ by %g (scale %g), more than 1e-10 relative\n", what, (double)err, (double)scale));
    failures++;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TestCase(const char grid[])
{
  char        opts[1024];
  MHSim       sim, ser;
  Vec         U, F, Useq, Fseq, Us, Fs;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscSNPrintf(opts, sizeof opts, "-model optest %s %s", grid, tight));
  PetscCall(TestSimFromString(PETSC_COMM_WORLD, opts, &sim));
  PetscCall(MHSimGetSolution(sim, &U));
  PetscCall(VecDuplicate(U, &F));
  PetscCall(MHSimComputeRHS(sim, 0.1, U, F));
  PetscCall(TestGatherNatural(sim, F, &Fseq));
  PetscCall(MHSimSolve(sim));
  PetscCall(TestGatherNatural(sim, U, &Useq));
  if (!rank) {
    PetscCall(TestSimFromString(PETSC_COMM_SELF, opts, &ser));
    PetscCall(MHSimGetSolution(ser, &Us));
    PetscCall(VecDuplicate(Us, &Fs));
    PetscCall(MHSimComputeRHS(ser, 0.1, Us, Fs));
    PetscCall(Compare("right-hand side", Fseq, Fs));
    PetscCall(MHSimSolve(ser));
    PetscCall(Compare("solution after time integration", Useq, Us));
    PetscCall(VecDestroy(&Fs));
    PetscCall(TestSimDestroy(&ser));
  }
  PetscCall(VecDestroy(&Useq));
  PetscCall(VecDestroy(&Fseq));
  PetscCall(VecDestroy(&F));
  PetscCall(TestSimDestroy(&sim));
  PetscCallMPI(MPI_Bcast(&failures, 1, MPI_INT, 0, PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(MHInitialize(&argc, &argv, help));
  PetscCall(TestModelsRegister());
  PetscCall(TestCase("-dim 1 -nx 40 -t_end 0.2 -bc_x_max dirichlet -bc_x_max_values 1,2"));
  PetscCall(TestCase("-dim 2 -nx 16 -nz 12 -t_end 0.1 -bc_x_min periodic -bc_x_max periodic -bc_z_max dirichlet -bc_z_max_values 1,2"));
  PetscCall(TestCase("-dim 3 -nx 6 -ny 5 -nz 8 -t_end 0.05 -bc_y_min periodic -bc_y_max periodic"));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
